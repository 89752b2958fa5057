/* Checks of a person object in a dossier (applicant, company member):
 * the Căn cước number against the declared birth date and sex. */
#include "person.h"

#include <stdio.h>

#include "cccd.h"

/* The string at key, or NULL when absent or not a string. */
static const char *person_string(const json_t *person, const char *key)
{
    return json_string_value(json_object_get(person, key));
}

size_t person_check_cccd(problem_sink *sink, const json_t *person, const char *path,
                         const char *label)
{
    if (!json_is_object(person)) {
        problem_addf(sink, path, "required", "%s: thiếu thông tin (họ tên, số Căn cước...).",
                     label);
        return 1;
    }
    const json_t *id = json_object_get(person, "id_number");
    if (id != NULL && !json_is_null(id) && !json_is_string(id)) {
        char field[128];
        snprintf(field, sizeof field, "%s.id_number", path);
        problem_addf(sink, field, "invalid_type",
                     "%s: số Căn cước phải được ghi dưới dạng chuỗi 12 chữ số.", label);
        return 1;
    }

    struct cccd_fault faults[CCCD_MAX_FAULTS];
    int n = cccd_check(json_string_value(id), person_string(person, "birth_date"),
                       person_string(person, "sex"), faults, CCCD_MAX_FAULTS);
    for (int i = 0; i < n; i++) {
        static const char *const keys[] = { "id_number", "birth_date", "sex" };
        char field[128];
        snprintf(field, sizeof field, "%s.%s", path, keys[faults[i].subject]);
        problem_addf(sink, field, faults[i].code, "%s: %s", label, faults[i].message);
    }
    return (size_t)n;
}
