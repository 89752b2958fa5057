/* Sở Tài chính (business registration office) plugin: registering a limited
 * liability company with two or more members (dkdn), its dossier checks, the
 * company-name routes, the name registered on approval and the certificate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <motcua/plugin.h>

#include "dkdn_name.h"
#include "dossier_validate.h"
#include "field_check.h"
#include "host_api.h"
#include "json_io.h"
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

/* The workflow step at which the head approves and the enterprise code is given: the
 * company name is registered then (taichinh.json, dkdn's "pheduyet"). */
#define DKDN_APPROVAL_STEP "pheduyet"

/* On approval of a dkdn dossier, registers its company name in the plugin registry, in the
 * transition's transaction: a name registered by someone else since intake refuses the
 * approval (and the registration rolls back with anything else the approval wrote). */
static int taichinh_on_transition(motcua_host *host, void *state, const char *procedure_code,
                                  const char *action, const char *dossier_json,
                                  motcua_problems *problems)
{
    (void)state;
    if (procedure_code == NULL || strcmp(procedure_code, "dkdn") != 0 || action == NULL ||
        strcmp(action, "complete_step") != 0)
        return 0;
    json_t *dossier = json_io_parse_object(dossier_json, dossier_json != NULL ? strlen(dossier_json) : 0);
    if (dossier == NULL)
        return -1;
    const char *step = json_string_value(json_object_get(json_object_get(dossier, "step"), "id"));
    const char *name = json_string_value(json_object_get(json_object_get(dossier, "details"), "company_name"));
    int rc = 0;
    if (step != NULL && strcmp(step, DKDN_APPROVAL_STEP) == 0) {
        bool prefixed = false;
        char *key = name != NULL ? dkdn_name_key(name, &prefixed) : NULL;
        int put = key != NULL && prefixed ? host_api()->registry_put(host, key, name) : -2;
        if (put == 1)
            host_api()->problem_add(problems, "details.company_name", "name_taken",
                                    DKDN_NAME_TAKEN_MESSAGE);
        else if (put == -2)
            host_api()->problem_add(problems, "details.company_name", "invalid_value",
                                    DKDN_PREFIX_MESSAGE);
        else if (put < 0)
            rc = -1;
        if (put == 0)
            host_api()->log(host, MOTCUA_LOG_INFO, "company name \"%s\" registered for dossier %s",
                            key, json_string_value(json_object_get(dossier, "code")));
        host_api()->free(key);
    }
    json_decref(dossier);
    return rc;
}

/* The summary of the certificate of enterprise registration (Giấy chứng nhận đăng ký
 * doanh nghiệp, Luật Doanh nghiệp 2020 Art. 28): name, capital, members. */
static int taichinh_render_result(motcua_host *host, void *state, const char *procedure_code,
                                  const char *dossier_json, char **out_text, size_t *out_len)
{
    (void)host;
    (void)state;
    if (procedure_code == NULL || strcmp(procedure_code, "dkdn") != 0)
        return 1;
    json_t *dossier = json_io_parse_object(dossier_json, dossier_json != NULL ? strlen(dossier_json) : 0);
    if (dossier == NULL)
        return -1;
    const json_t *details = json_object_get(dossier, "details");
    const json_t *members = json_object_get(details, "members");
    const char *name = json_string_value(json_object_get(details, "company_name"));
    const char *code = json_string_value(json_object_get(dossier, "code"));
    json_t *capital = json_object_get(details, "charter_capital");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL) {
        json_decref(dossier);
        return -1;
    }
    fprintf(f, "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\n"
               "CÔNG TY TRÁCH NHIỆM HỮU HẠN HAI THÀNH VIÊN TRỞ LÊN\n\n"
               "Tên công ty: %s\n", name != NULL ? name : "");
    if (json_is_number(capital))
        fprintf(f, "Vốn điều lệ: %.0f đồng\n", json_number_value(capital));
    fprintf(f, "Danh sách thành viên góp vốn: %zu thành viên\n", json_array_size(members));
    for (size_t i = 0; i < json_array_size(members); i++) {
        const json_t *m = json_array_get(members, i);
        const char *mname = json_string_value(json_object_get(m, "name"));
        const char *id = json_string_value(json_object_get(m, "id_number"));
        fprintf(f, "%zu. %s, số định danh cá nhân %s\n", i + 1, mname != NULL ? mname : "",
                id != NULL ? id : "");
    }
    fprintf(f, "\nMã hồ sơ đăng ký: %s", code != NULL ? code : "");
    int failed = fclose(f) != 0;
    json_decref(dossier);
    if (failed || text == NULL) {
        free(text);
        return -1;
    }
    *out_text = text;
    *out_len = len;
    return 0;
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
    { sizeof(motcua_route), "POST", "/name-check", dkdn_name_check_route, MOTCUA_ROUTE_PUBLIC },
    { sizeof(motcua_route), "POST", "/names", dkdn_name_register_route,
      MOTCUA_ROLE_DEPARTMENT_OFFICER | MOTCUA_ROLE_DEPARTMENT_HEAD },
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
    .on_transition = taichinh_on_transition,
    .render_result = taichinh_render_result,
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration, or NULL when the host table is unusable. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    return host_api_bind(api) ? &taichinh_plugin : NULL;
}
