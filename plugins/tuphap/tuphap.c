/* Sở Tư pháp plugin: birth registration (khaisinh) and its dossier checks. */
#include <jansson.h>
#include <motcua/plugin.h>

#include "cccd.h"
#include "civil_date.h"
#include "dossier_validate.h"
#include "field_check.h"
#include "host_api.h"
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
};

MOTCUA_PLUGIN_EXPORT const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api);

/* Returns the declaration, or NULL when the host table is unusable. */
const motcua_plugin *motcua_plugin_entry(const motcua_host_api *api)
{
    return host_api_bind(api) ? &tuphap_plugin : NULL;
}
