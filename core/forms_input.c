/* core/forms: reading form data (dotted keys, times, dates), error recording, owned strings. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "forms_internal.h"
#include "vntime.h"

int form_fail(struct form_doc *doc, const char *fmt, ...)
{
    if (doc->failed)
        return -1;
    doc->failed = 1;
    if (doc->err == NULL || doc->errlen == 0)
        return -1;
    int n = snprintf(doc->err, doc->errlen, "%s: ", doc->label);
    if (n < 0 || (size_t)n >= doc->errlen)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(doc->err + n, doc->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Takes ownership of s (may be NULL: out of memory, recorded). */
static void *pool_keep(struct form_doc *doc, void *s)
{
    if (s == NULL) {
        form_fail(doc, "out of memory");
        return NULL;
    }
    if (doc->npool == doc->cappool) {
        size_t cap = doc->cappool ? doc->cappool * 2 : 32;
        void **p = realloc(doc->pool, cap * sizeof *p);
        if (p == NULL) {
            free(s);
            form_fail(doc, "out of memory");
            return NULL;
        }
        doc->pool = p;
        doc->cappool = cap;
    }
    doc->pool[doc->npool++] = s;
    return s;
}

void *form_alloc(struct form_doc *doc, size_t n, size_t size)
{
    return pool_keep(doc, calloc(n ? n : 1, size));
}

const char *form_printf(struct form_doc *doc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return pool_keep(doc, s);
}

const char *form_upper(struct form_doc *doc, const char *text)
{
    if (text == NULL || *text == '\0')
        return "";
    /* g_utf8_strup allocates with g_malloc; copy into the pool so one free() fits all. */
    gchar *up = g_utf8_strup(text, -1);
    const char *s = form_printf(doc, "%s", up);
    g_free(up);
    return s;
}

/* The value at a dotted path, or NULL when any step is missing. */
static const json_t *lookup(const json_t *obj, const char *path)
{
    char step[64];
    const char *p = path;
    while (obj != NULL) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len >= sizeof step)
            return NULL;
        memcpy(step, p, len);
        step[len] = '\0';
        obj = json_is_object(obj) ? json_object_get(obj, step) : NULL;
        if (dot == NULL)
            return obj;
        p = dot + 1;
    }
    return NULL;
}

static const char *check_time(struct form_doc *doc, const char *s, const char *name);
static int is_time_key(const char *key);

/* The text of v, named name in messages (see form_get). */
static const char *text_of(struct form_doc *doc, const json_t *v, const char *name, int required)
{
    if (json_is_integer(v))
        return form_printf(doc, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (v != NULL && !json_is_null(v) && !json_is_string(v)) {
        form_fail(doc, "key \"%s\" must be a string", name);
        return NULL;
    }
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (s == NULL || *s == '\0') {
        if (required) {
            form_fail(doc, "missing required key \"%s\"", name);
            return NULL;
        }
        return "";
    }
    return s;
}

const char *form_get(struct form_doc *doc, const json_t *obj, const char *path, int required)
{
    return text_of(doc, lookup(obj, path), path, required);
}

const char *form_item(struct form_doc *doc, const json_t *array, const char *array_key, size_t i, const char *key,
                      int required)
{
    const char *name = form_printf(doc, "%s[%zu].%s", array_key, i, key);
    if (name == NULL)
        return NULL;
    const json_t *item = json_array_get(array, i);
    if (!json_is_object(item)) {
        form_fail(doc, "key \"%s[%zu]\" must be an object", array_key, i);
        return NULL;
    }
    const char *s = text_of(doc, json_object_get(item, key), name, required);
    return s != NULL && is_time_key(key) ? check_time(doc, s, name) : s;
}

const json_t *form_array(struct form_doc *doc, const json_t *obj, const char *key, int nonempty)
{
    const json_t *a = lookup(obj, key);
    if (a == NULL || json_is_null(a)) {
        form_fail(doc, "missing required key \"%s\"", key);
        return NULL;
    }
    if (!json_is_array(a)) {
        form_fail(doc, "key \"%s\" must be an array", key);
        return NULL;
    }
    if (nonempty && json_array_size(a) == 0) {
        form_fail(doc, "key \"%s\" must list at least one item", key);
        return NULL;
    }
    return a;
}

/* Reads n digits at s into *out; false unless all are ASCII digits. */
static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* "dd/mm/yyyy" → day, month, year, checked against the calendar. */
static int parse_day(const char *s, int *d, int *m, int *y)
{
    if (strlen(s) != 10 || s[2] != '/' || s[5] != '/')
        return 0;
    if (!digits(s, 2, d) || !digits(s + 3, 2, m) || !digits(s + 6, 4, y))
        return 0;
    char iso[40]; /* sized for any int, though d, m, y have 2, 2 and 4 digits */
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", *y, *m, *d);
    vn_date unused;
    return vn_date_parse(iso, &unused);
}

/* "HH:MM dd/mm/yyyy" → parts, checked. */
static int parse_time(const char *s, int *hh, int *mi, int *d, int *m, int *y)
{
    if (strlen(s) != 16 || s[2] != ':' || s[5] != ' ')
        return 0;
    if (!digits(s, 2, hh) || !digits(s + 3, 2, mi) || *hh > 23 || *mi > 59)
        return 0;
    return parse_day(s + 6, d, m, y);
}

/* s itself if it is "" or a valid "HH:MM dd/mm/yyyy", else NULL with an error naming name. */
static const char *check_time(struct form_doc *doc, const char *s, const char *name)
{
    int hh, mi, d, m, y;
    if (*s != '\0' && !parse_time(s, &hh, &mi, &d, &m, &y)) {
        form_fail(doc, "key \"%s\": expected a time \"HH:MM dd/mm/yyyy\", got \"%s\"", name, s);
        return NULL;
    }
    return s;
}

/* Keys of array items that hold times end in "_at" ("given_at", "received_at"). */
static int is_time_key(const char *key)
{
    size_t n = strlen(key);
    return n > 3 && strcmp(key + n - 3, "_at") == 0;
}

/* "ngày 22 tháng 11 năm 2025". */
static const char *day_words(struct form_doc *doc, int d, int m, int y)
{
    return form_printf(doc, "ngày %02d tháng %02d năm %04d", d, m, y);
}

const char *form_time_short(struct form_doc *doc, const json_t *obj, const char *path, int required)
{
    const char *s = form_get(doc, obj, path, required);
    return s != NULL ? check_time(doc, s, path) : NULL;
}

const char *form_time_words(struct form_doc *doc, const json_t *obj, const char *path, int required)
{
    const char *s = form_time_short(doc, obj, path, required);
    if (s == NULL || *s == '\0')
        return s;
    int hh, mi, d, m, y;
    parse_time(s, &hh, &mi, &d, &m, &y);
    return form_printf(doc, "%02d giờ %02d phút, ngày %02d tháng %02d năm %04d", hh, mi, d, m, y);
}

const char *form_date_words(struct form_doc *doc, const json_t *obj, const char *path, int required)
{
    const char *s = form_get(doc, obj, path, required);
    if (s == NULL || *s == '\0')
        return s;
    int d, m, y;
    if (!parse_day(s, &d, &m, &y)) {
        form_fail(doc, "key \"%s\": expected a date \"dd/mm/yyyy\", got \"%s\"", path, s);
        return NULL;
    }
    return day_words(doc, d, m, y);
}

const char *form_words_of_day(struct form_doc *doc, const char *time_short)
{
    int hh, mi, d, m, y;
    if (time_short == NULL || !parse_time(time_short, &hh, &mi, &d, &m, &y))
        return "";
    return day_words(doc, d, m, y);
}
