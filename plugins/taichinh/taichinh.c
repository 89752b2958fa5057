/* Sở Tài chính (business registration office) plugin: registering a limited
 * liability company with two or more members (dkdn), its dossier checks and
 * the company-name routes. */
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include <motcua/plugin.h>

#include "dkdn_name.h"
#include "dossier_validate.h"
#include "field_check.h"
#include "host_api.h"
#include "person.h"

/* Luật Doanh nghiệp 2020, Art. 46: two to fifty members. */
#define DKDN_MIN_MEMBERS 2
#define DKDN_MAX_MEMBERS 50

struct taichinh_settings {
    long min_charter_capital; /* VND; config min_charter_capital, default 1 */
};

static struct taichinh_settings taichinh_settings = { 1 };

/* details.company_name: present, the right legal form, not yet registered.
 * Returns -1 only when the registry cannot be read. */
static int dkdn_check_name(motcua_host *host, problem_sink *sink, const json_t *details)
{
    const char *name = field_text(sink, details, "details.company_name", "Tên doanh nghiệp");
    bool prefixed = false;
    if (name == NULL)
        return 0;
    char *key = dkdn_name_key(name, &prefixed);
    if (key == NULL) {
        problem_add(sink, "details.company_name", "invalid_value",
                    "Tên doanh nghiệp chứa ký tự không hợp lệ; hãy nhập lại.");
        return 0;
    }
    int rc = 0;
    if (!prefixed) {
        problem_add(sink, "details.company_name", "invalid_prefix", DKDN_PREFIX_MESSAGE);
    } else {
        int taken = dkdn_name_taken(host, key);
        if (taken < 0)
            rc = -1;
        else if (taken)
            problem_add(sink, "details.company_name", "name_taken", DKDN_NAME_TAKEN_MESSAGE);
    }
    host_api()->free(key);
    return rc;
}

/* details.members: 2..50 people, each named, each with a valid Căn cước
 * number not shared with another member. */
static void dkdn_check_members(problem_sink *sink, const json_t *details)
{
    const json_t *members = json_is_object(details) ? json_object_get(details, "members") : NULL;
    if (members == NULL || json_is_null(members)) {
        problem_add(sink, "details.members", "required",
                    "Thiếu thông tin bắt buộc: Danh sách thành viên công ty.");
        return;
    }
    if (!json_is_array(members)) {
        problem_add(sink, "details.members", "invalid_type",
                    "Danh sách thành viên phải là một danh sách (mảng JSON).");
        return;
    }
    size_t count = json_array_size(members);
    if (count < DKDN_MIN_MEMBERS || count > DKDN_MAX_MEMBERS)
        problem_addf(sink, "details.members", "member_count",
                     "Công ty TNHH hai thành viên trở lên phải có từ %d đến %d thành viên "
                     "(danh sách có %zu).", DKDN_MIN_MEMBERS, DKDN_MAX_MEMBERS, count);

    for (size_t i = 0; i < count; i++) {
        const json_t *member = json_array_get(members, i);
        char path[64], field[80], label[64];
        snprintf(path, sizeof path, "details.members[%zu]", i);
        snprintf(label, sizeof label, "Thành viên thứ %zu", i + 1);
        if (!json_is_object(member)) {
            person_check_cccd(sink, member, path, label);
            continue;
        }
        snprintf(field, sizeof field, "%s.name", path);
        field_text(sink, member, field, "Họ và tên thành viên");
        if (person_check_cccd(sink, member, path, label) != 0)
            continue;
        const char *id = json_string_value(json_object_get(member, "id_number"));
        for (size_t j = 0; j < i; j++) {
            const char *other = json_string_value(json_object_get(json_array_get(members, j),
                                                                  "id_number"));
            if (other != NULL && strcmp(id, other) == 0) {
                snprintf(field, sizeof field, "%s.id_number", path);
                problem_addf(sink, field, "duplicate_member",
                             "%s có cùng số Căn cước với thành viên thứ %zu.", label, j + 1);
                break;
            }
        }
    }
}

/* The checks of a dkdn dossier. */
static int dkdn_check(motcua_host *host, void *state, problem_sink *sink, const json_t *dossier)
{
    const struct taichinh_settings *settings = state;
    person_check_cccd(sink, json_object_get(dossier, "applicant"), "applicant",
                      "Người nộp hồ sơ");
    const json_t *details = field_object(sink, dossier, "details",
                                         "Thông tin đăng ký doanh nghiệp");
    int rc = dkdn_check_name(host, sink, details);
    dkdn_check_members(sink, details);
    double capital = 0;
    if (field_positive_number(sink, details, "details.charter_capital", "Vốn điều lệ (đồng)",
                              &capital)) {
        /* Whole đồng only; 1e15 đồng is far beyond any real charter capital. */
        if (capital >= 1e15)
            problem_add(sink, "details.charter_capital", "out_of_range",
                        "Vốn điều lệ vượt quá giới hạn cho phép; hãy kiểm tra lại số đã nhập.");
        else if (capital != (double)(long long)capital)
            problem_add(sink, "details.charter_capital", "invalid_value",
                        "Vốn điều lệ phải là một số đồng nguyên.");
        else if (capital < (double)settings->min_charter_capital)
            problem_addf(sink, "details.charter_capital", "out_of_range",
                         "Vốn điều lệ phải từ %ld đồng trở lên.", settings->min_charter_capital);
    }
    return rc;
}

static int taichinh_validate(motcua_host *host, void *state, const char *procedure_code,
                             const char *dossier_json, motcua_problems *problems)
{
    return dossier_validate(host, state, procedure_code, "dkdn", dossier_json, problems,
                            dkdn_check);
}

/* Reads the optional setting min_charter_capital (VND, default 1). */
static int taichinh_init(motcua_host *host, void **state_out)
{
    long min = 0;
    if (host_config_long(host, "min_charter_capital", 1, 1, 1000000000000L, &min) != 0)
        return -1;
    taichinh_settings.min_charter_capital = min;
    *state_out = &taichinh_settings;
    return 0;
}

static const motcua_route taichinh_routes[] = {
    { sizeof(motcua_route), "POST", "/name-check", dkdn_name_check_route },
    { sizeof(motcua_route), "POST", "/names", dkdn_name_register_route },
};

static const motcua_plugin taichinh_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .department = "taichinh",
    .version = "1.0.0",
    .procedures_file = "taichinh.json",
    .init = taichinh_init,
    .fini = NULL,
    .validate = taichinh_validate,
    .routes = taichinh_routes,
    .route_count = sizeof taichinh_routes / sizeof taichinh_routes[0],
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration, or NULL when the host table is unusable. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    return host_api_bind(api) ? &taichinh_plugin : NULL;
}
