/* The yearly override table (announced days off, swap working days, removed holidays) from JSON. */
#include "calendar_internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALENDAR_NAME_MAX 200

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int entry_cmp(const void *a, const void *b)
{
    vn_date x = ((const calendar_entry *)a)->date, y = ((const calendar_entry *)b)->date;
    return (x > y) - (x < y);
}

static void free_entries(calendar_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].owned);
    free(e);
}

/* Parses a year key: exactly 4 digits within the computed range; 0 otherwise. */
static int parse_year(const char *key)
{
    if (strlen(key) != 4)
        return 0;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (key[i] < '0' || key[i] > '9')
            return 0;
        y = y * 10 + (key[i] - '0');
    }
    return y >= CALENDAR_FIRST_YEAR && y <= CALENDAR_LAST_YEAR ? y : 0;
}

/* Validates one entry of year `year` and fills *out (taking a copy of its name). */
static int parse_entry(const calendar *cal, const char *src, int year, size_t idx,
                       json_t *item, calendar_entry *out, char *err, size_t errlen)
{
    if (!json_is_object(item)) {
        set_err(err, errlen, "%s: %d[%zu]: an entry must be an object", src, year, idx);
        return -1;
    }
    const char *key;
    json_t *val;
    json_object_foreach(item, key, val) {
        if (strcmp(key, "date") != 0 && strcmp(key, "kind") != 0 && strcmp(key, "name") != 0 &&
            strcmp(key, "note") != 0) {
            set_err(err, errlen, "%s: %d[%zu]: unknown key \"%s\" (allowed: date, kind, name, note)",
                    src, year, idx, key);
            return -1;
        }
    }
    const char *date_text = json_string_value(json_object_get(item, "date"));
    vn_date d;
    if (date_text == NULL || !vn_date_parse(date_text, &d)) {
        set_err(err, errlen, "%s: %d[%zu]: \"date\" must be a real date as YYYY-MM-DD", src, year,
                idx);
        return -1;
    }
    if (d / 10000 != year) {
        set_err(err, errlen, "%s: %d[%zu]: %s is not in %d", src, year, idx, date_text, year);
        return -1;
    }
    const char *kind = json_string_value(json_object_get(item, "kind"));
    int k;
    if (kind != NULL && strcmp(kind, "off") == 0)
        k = CALENDAR_DAY_OFF;
    else if (kind != NULL && strcmp(kind, "work") == 0)
        k = CALENDAR_DAY_WORK;
    else if (kind != NULL && strcmp(kind, "remove") == 0)
        k = CALENDAR_ENTRY_REMOVE;
    else {
        set_err(err, errlen, "%s: %d[%zu]: \"kind\" must be \"off\", \"work\" or \"remove\"", src,
                year, idx);
        return -1;
    }
    json_t *note = json_object_get(item, "note");
    if (note != NULL && !json_is_string(note)) {
        set_err(err, errlen, "%s: %d[%zu]: \"note\" must be a string", src, year, idx);
        return -1;
    }
    json_t *name = json_object_get(item, "name");
    if (k == CALENDAR_ENTRY_REMOVE && name != NULL) {
        set_err(err, errlen, "%s: %d[%zu]: a \"remove\" entry takes no \"name\"", src, year, idx);
        return -1;
    }
    if (k == CALENDAR_DAY_OFF && name == NULL) {
        set_err(err, errlen, "%s: %d[%zu]: an \"off\" entry needs a \"name\"", src, year, idx);
        return -1;
    }
    if (name != NULL && (!json_is_string(name) || json_string_length(name) == 0 ||
                         json_string_length(name) > CALENDAR_NAME_MAX ||
                         memchr(json_string_value(name), '\0', json_string_length(name)) != NULL)) {
        set_err(err, errlen, "%s: %d[%zu]: \"name\" must be text of 1 to %d bytes", src, year,
                idx, CALENDAR_NAME_MAX);
        return -1;
    }
    if (k == CALENDAR_ENTRY_REMOVE && calendar_find(cal->computed, cal->ncomputed, d) == NULL) {
        set_err(err, errlen, "%s: %d[%zu]: %s has no computed holiday to remove", src, year, idx,
                date_text);
        return -1;
    }
    *out = (calendar_entry){.date = d, .kind = k, .name = NULL, .owned = NULL};
    if (name != NULL) {
        out->owned = strdup(json_string_value(name));
        if (out->owned == NULL) {
            set_err(err, errlen, "%s: out of memory", src);
            return -1;
        }
        out->name = out->owned;
    } else if (k == CALENDAR_DAY_WORK) {
        out->name = "Ngày làm việc bù";
    }
    return 0;
}

/* Validates the whole table in root and merges it into cal; cal is untouched on error. */
static int apply(calendar *cal, const char *src, json_t *root, char *err, size_t errlen)
{
    if (!json_is_object(root)) {
        set_err(err, errlen, "%s: the table must be an object keyed by year", src);
        return -1;
    }
    size_t total = 0;
    const char *key;
    json_t *val;
    bool seen[CALENDAR_YEARS] = {false};
    json_object_foreach(root, key, val) {
        int year = parse_year(key);
        if (year == 0) {
            set_err(err, errlen, "%s: key \"%s\" is not a year between %d and %d", src, key,
                    CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR);
            return -1;
        }
        if (cal->year_loaded[year - CALENDAR_FIRST_YEAR]) {
            set_err(err, errlen, "%s: the overrides of %d are already loaded", src, year);
            return -1;
        }
        if (!json_is_array(val)) {
            set_err(err, errlen, "%s: %d: the value must be an array of entries", src, year);
            return -1;
        }
        seen[year - CALENDAR_FIRST_YEAR] = true;
        total += json_array_size(val);
    }
    size_t n = cal->noverrides + total;
    calendar_entry *merged = calloc(n == 0 ? 1 : n, sizeof *merged);
    if (merged == NULL) {
        set_err(err, errlen, "%s: out of memory", src);
        return -1;
    }
    size_t used = 0;
    json_object_foreach(root, key, val) {
        int year = parse_year(key);
        size_t idx;
        json_t *item;
        json_array_foreach(val, idx, item) {
            if (parse_entry(cal, src, year, idx, item, &merged[used], err, errlen) != 0) {
                free_entries(merged, used);
                return -1;
            }
            used++;
        }
    }
    qsort(merged, used, sizeof *merged, entry_cmp);
    for (size_t i = 1; i < used; i++)
        if (merged[i].date == merged[i - 1].date) {
            char buf[11];
            vn_date_format(merged[i].date, buf);
            set_err(err, errlen, "%s: %s appears more than once", src, buf);
            free_entries(merged, used);
            return -1;
        }
    /* The old entries belong to other years: append them and sort again. */
    for (size_t i = 0; i < cal->noverrides; i++)
        merged[used++] = cal->overrides[i];
    qsort(merged, used, sizeof *merged, entry_cmp);
    free(cal->overrides);
    cal->overrides = merged;
    cal->noverrides = used;
    for (int y = 0; y < CALENDAR_YEARS; y++)
        cal->year_loaded[y] = cal->year_loaded[y] || seen[y];
    return 0;
}

int calendar_override_text(calendar *cal, const char *text, char *err, size_t errlen)
{
    if (text == NULL) {
        set_err(err, errlen, "override text: no text");
        return -1;
    }
    json_error_t jerr;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        set_err(err, errlen, "override text:%d:%d: %s", jerr.line, jerr.column, jerr.text);
        return -1;
    }
    int rc = apply(cal, "override text", root, err, errlen);
    json_decref(root);
    return rc;
}

int calendar_override_load(calendar *cal, const char *path, char *err, size_t errlen)
{
    if (path == NULL) {
        set_err(err, errlen, "override file: no path");
        return -1;
    }
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        set_err(err, errlen, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
        return -1;
    }
    int rc = apply(cal, path, root, err, errlen);
    json_decref(root);
    return rc;
}
