/* Sở Tư pháp plugin: birth registration (khaisinh), its dossier checks and its result, the birth certificate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <motcua/plugin.h>

#include "cccd.h"
#include "civil_date.h"
#include "dossier_validate.h"
#include "field_check.h"
#include "host_api.h"
#include "json_io.h"
#include "person.h"

/* Who may ask for the registration (folded): parents, grandparents, other
 * relatives, a guardian, or someone holding a power of attorney. */
static const char *const khaisinh_relationships[] = {
    "cha", "me", "ong", "ba", "ong noi", "ba noi", "ong ngoai", "ba ngoai", "anh", "chi",
    "co", "di", "chu", "bac", "cau", "nguoi than", "nguoi giam ho", "nguoi duoc uy quyen",
    NULL
};
/* Relationships for which the requester must be born before the child. */
static const char *const khaisinh_parents[] = { "cha", "me", NULL };
static const char *const khaisinh_father[] = { "cha", NULL };
static const char *const khaisinh_mother[] = { "me", NULL };

/* A father must be declared male and a mother female. */
static void khaisinh_check_parent_sex(problem_sink *sink, const json_t *dossier,
                                      const char *relationship)
{
    const json_t *applicant = json_object_get(dossier, "applicant");
    int sex = cccd_sex_parse(json_string_value(json_object_get(applicant, "sex")));
    if ((sex == CCCD_SEX_FEMALE && host_fold_in(relationship, khaisinh_father)) ||
        (sex == CCCD_SEX_MALE && host_fold_in(relationship, khaisinh_mother)))
        problem_add(sink, "details.relationship", "sex_mismatch",
                    "Quan hệ với trẻ (cha/mẹ) không khớp với giới tính đã khai của người "
                    "yêu cầu.");
}

/* details.child.birth_date: a real date, not after today, not before a
 * parent's own birth date. */
static void khaisinh_check_birth_date(problem_sink *sink, const json_t *child,
                                      const json_t *dossier, const char *relationship)
{
    const char *text = field_text(sink, child, "details.child.birth_date", "Ngày sinh của trẻ");
    civil_date born;
    if (text == NULL)
        return;
    if (!civil_date_parse(text, &born)) {
        problem_add(sink, "details.child.birth_date", "invalid_date",
                    "Ngày sinh của trẻ phải có dạng NNNN-TT-NN (năm-tháng-ngày) và là một "
                    "ngày có thật.");
        return;
    }
    if (civil_date_cmp(born, civil_date_today()) > 0) {
        problem_add(sink, "details.child.birth_date", "future_date",
                    "Ngày sinh của trẻ không được sau ngày hôm nay.");
        return;
    }
    civil_date parent_born;
    const json_t *applicant = json_object_get(dossier, "applicant");
    if (relationship != NULL && host_fold_in(relationship, khaisinh_parents) &&
        civil_date_parse(json_string_value(json_object_get(applicant, "birth_date")),
                         &parent_born) &&
        civil_date_cmp(born, parent_born) <= 0)
        problem_add(sink, "details.child.birth_date", "before_parent",
                    "Ngày sinh của trẻ phải sau ngày sinh của cha hoặc mẹ là người yêu cầu.");
}

/* The checks of a khaisinh dossier. */
static int khaisinh_check(motcua_host *host, void *state, problem_sink *sink,
                          const json_t *dossier)
{
    (void)host;
    (void)state;
    person_check_cccd(sink, json_object_get(dossier, "applicant"), "applicant",
                      "Người yêu cầu");

    const json_t *details = field_object(sink, dossier, "details", "Thông tin khai sinh");
    const char *relationship = field_text(sink, details, "details.relationship",
                                          "Quan hệ của người yêu cầu với trẻ");
    if (relationship != NULL && !host_fold_in(relationship, khaisinh_relationships))
        problem_add(sink, "details.relationship", "invalid_value",
                    "Quan hệ với trẻ phải là một trong: cha, mẹ, ông, bà, anh, chị, cô, dì, "
                    "chú, bác, cậu, người thân, người giám hộ, người được ủy quyền.");
    else if (relationship != NULL)
        khaisinh_check_parent_sex(sink, dossier, relationship);

    const json_t *child = field_object(sink, details, "details.child", "Thông tin của trẻ");
    if (child == NULL)
        return 0;
    field_text(sink, child, "details.child.name", "Họ, chữ đệm và tên của trẻ");
    khaisinh_check_birth_date(sink, child, dossier, relationship);
    const char *sex = field_text(sink, child, "details.child.sex", "Giới tính của trẻ");
    if (sex != NULL && cccd_sex_parse(sex) < 0)
        problem_add(sink, "details.child.sex", "invalid_value",
                    "Giới tính của trẻ phải là \"nam\" hoặc \"nữ\".");
    field_text(sink, child, "details.child.birth_place", "Nơi sinh của trẻ");
    return 0;
}

static int tuphap_validate(motcua_host *host, void *state, const char *procedure_code,
                           const char *dossier_json, motcua_problems *problems)
{
    return dossier_validate(host, state, procedure_code, "khaisinh", dossier_json, problems,
                            khaisinh_check);
}

/* The string member key of o, or "" (the result prints what was declared). */
static const char *text_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

/* The birth certificate summary (Giấy khai sinh, Luật Hộ tịch 2014 Art. 6) from the
 * dossier's details: the child, the declarant and the registration. */
static int tuphap_render_result(motcua_host *host, void *state, const char *procedure_code,
                                const char *dossier_json, char **out_text, size_t *out_len)
{
    (void)state;
    if (procedure_code == NULL || strcmp(procedure_code, "khaisinh") != 0)
        return 1;
    json_t *dossier = json_io_parse_object(dossier_json, dossier_json != NULL ? strlen(dossier_json) : 0);
    if (dossier == NULL) {
        host_api()->log(host, MOTCUA_LOG_ERROR, "render_result: dossier JSON unreadable");
        return -1;
    }
    const json_t *details = json_object_get(dossier, "details");
    const json_t *child = json_object_get(details, "child");
    const json_t *applicant = json_object_get(dossier, "applicant");
    civil_date born;
    char born_text[16] = "";
    if (civil_date_parse(text_of(child, "birth_date"), &born))
        snprintf(born_text, sizeof born_text, "%02d/%02d/%04d", born.day, born.month, born.year);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL) {
        json_decref(dossier);
        return -1;
    }
    fprintf(f, "GIẤY KHAI SINH\n"
               "Họ, chữ đệm, tên: %s\n"
               "Ngày, tháng, năm sinh: %s\n"
               "Giới tính: %s\n"
               "Nơi sinh: %s\n"
               "\n"
               "Họ, chữ đệm, tên người đi khai sinh: %s\n"
               "Quan hệ với người được khai sinh: %s\n"
               "Số định danh cá nhân người đi khai sinh: %s\n"
               "\n"
               "Mã hồ sơ đăng ký: %s\n"
               "Đã đăng ký khai sinh tại Sở Tư pháp theo Luật Hộ tịch số 60/2014/QH13.",
            text_of(child, "name"), born_text, text_of(child, "sex"), text_of(child, "birth_place"),
            text_of(applicant, "name"), text_of(details, "relationship"),
            text_of(applicant, "id_number"), text_of(dossier, "code"));
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

static const motcua_plugin tuphap_plugin = {
    .size = sizeof(motcua_plugin),
    .abi_major = MOTCUA_PLUGIN_ABI_MAJOR,
    .abi_minor = MOTCUA_PLUGIN_ABI_MINOR,
    .department = "tuphap",
    .version = "1.0.0",
    .procedures_file = "tuphap.json",
    .init = NULL,
    .fini = NULL,
    .validate = tuphap_validate,
    .routes = NULL,
    .route_count = 0,
    .on_transition = NULL,
    .render_result = tuphap_render_result,
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration, or NULL when the host table is unusable. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    return host_api_bind(api) ? &tuphap_plugin : NULL;
}
