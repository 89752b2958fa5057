/* Typed checks of one field of a JSON object (dossier details, route bodies),
 * each adding a Vietnamese problem to a sink when the field is wrong. */
#include "field_check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The value at the last segment of path in parent, or NULL (absent or null). */
static const json_t *field_value(const json_t *parent, const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *key = dot == NULL ? path : dot + 1;
    if (!json_is_object(parent))
        return NULL;
    const json_t *v = json_object_get(parent, key);
    return json_is_null(v) ? NULL : v;
}

static bool field_is_blank(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

static void field_missing(problem_sink *sink, const char *path, const char *label)
{
    problem_addf(sink, path, "required", "Thiếu thông tin bắt buộc: %s.", label);
}

/* Shared body of field_text and field_text_optional. */
static const char *field_text_check(problem_sink *sink, const json_t *parent, const char *path,
                                    const char *label, bool required)
{
    const json_t *v = field_value(parent, path);
    if (v == NULL) {
        if (required)
            field_missing(sink, path, label);
        return NULL;
    }
    if (!json_is_string(v)) {
        problem_addf(sink, path, "invalid_type", "%s phải là một chuỗi chữ.", label);
        return NULL;
    }
    const char *s = json_string_value(v);
    if (field_is_blank(s)) {
        field_missing(sink, path, label);
        return NULL;
    }
    return s;
}

const char *field_text(problem_sink *sink, const json_t *parent, const char *path,
                       const char *label)
{
    return field_text_check(sink, parent, path, label, true);
}

const char *field_text_optional(problem_sink *sink, const json_t *parent, const char *path,
                                const char *label)
{
    return field_text_check(sink, parent, path, label, false);
}

const json_t *field_object(problem_sink *sink, const json_t *parent, const char *path,
                           const char *label)
{
    const json_t *v = field_value(parent, path);
    if (v == NULL) {
        field_missing(sink, path, label);
        return NULL;
    }
    if (!json_is_object(v)) {
        problem_addf(sink, path, "invalid_type", "%s phải là một nhóm thông tin (đối tượng JSON).",
                     label);
        return NULL;
    }
    return v;
}

bool field_positive_number(problem_sink *sink, const json_t *parent, const char *path,
                           const char *label, double *out)
{
    const json_t *v = field_value(parent, path);
    if (v == NULL) {
        field_missing(sink, path, label);
        return false;
    }
    if (!json_is_number(v)) {
        problem_addf(sink, path, "invalid_type", "%s phải là một số.", label);
        return false;
    }
    double d = json_number_value(v);
    if (!(d > 0)) {
        problem_addf(sink, path, "out_of_range", "%s phải lớn hơn 0.", label);
        return false;
    }
    *out = d;
    return true;
}

/* Reads a string of 1..18 ASCII digits; false for anything else. */
static bool field_digits(const char *s, long long *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 18)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno != 0)
        return false;
    *out = v;
    return true;
}

bool field_integer(problem_sink *sink, const json_t *parent, const char *path, const char *label,
                   long long min, long long max, const long long *fallback_if_absent,
                   long long *out)
{
    const json_t *v = field_value(parent, path);
    long long n = 0;
    if (v == NULL) {
        if (fallback_if_absent != NULL) {
            *out = *fallback_if_absent;
            return true;
        }
        field_missing(sink, path, label);
        return false;
    }
    if (json_is_integer(v)) {
        n = (long long)json_integer_value(v);
    } else if (!json_is_string(v) || !field_digits(json_string_value(v), &n)) {
        problem_addf(sink, path, "invalid_type", "%s phải là một số nguyên.", label);
        return false;
    }
    if (n < min || n > max) {
        problem_addf(sink, path, "out_of_range", "%s phải là số nguyên từ %lld đến %lld.", label,
                     min, max);
        return false;
    }
    *out = n;
    return true;
}
