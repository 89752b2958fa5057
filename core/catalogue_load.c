/* Loading a plugin's procedure data file (format 1): parse, validate everything, all or nothing. */
#include "catalogue_internal.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"

#define LOAD_PATH_MAX 256
#define LOAD_MAX_LIMIT_DAYS 365

/* Where errors go while one file is loaded. */
typedef struct load_ctx {
    const char *origin;
    char *err;
    size_t errlen;
} load_ctx;

/* Writes "<origin>: <path>: <message>" into the error buffer; returns -1. */
__attribute__((format(printf, 3, 4)))
static int load_fail(load_ctx *c, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->err != NULL && c->errlen > 0) {
        if (path != NULL && path[0] != '\0')
            snprintf(c->err, c->errlen, "%s: %s: %s", c->origin, path, msg);
        else
            snprintf(c->err, c->errlen, "%s: %s", c->origin, msg);
    }
    return -1;
}

static int load_oom(load_ctx *c)
{
    return load_fail(c, NULL, "out of memory while loading");
}

/* Marks a path cut short by snprintf with a trailing "...". */
static void path_fit(char *buf, int written)
{
    if (written >= LOAD_PATH_MAX)
        memcpy(buf + LOAD_PATH_MAX - 4, "...", 4);
}

/* path + "." + key into buf ("key" alone at the root). */
static void path_key(char *buf, const char *path, const char *key)
{
    path_fit(buf, snprintf(buf, LOAD_PATH_MAX, "%s%s%s", path, path[0] != '\0' ? "." : "", key));
}

/* path + "[i]" into buf. */
static void path_index(char *buf, const char *path, size_t i)
{
    path_fit(buf, snprintf(buf, LOAD_PATH_MAX, "%s[%zu]", path, i));
}

/* True when s is non-empty and every byte is in [a-z0-9_] (plus '.' when dots). */
static bool id_matches(const char *s, bool dots)
{
    if (s[0] == '\0')
        return false;
    for (const char *p = s; *p != '\0'; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                  (dots && *p == '.');
        if (!ok)
            return false;
    }
    return true;
}

/* True when s holds something other than ASCII whitespace. */
static bool has_text(const char *s)
{
    return s[strspn(s, " \t\r\n")] != '\0';
}

/* Reads obj[key] as a non-empty string and duplicates it into *out.
 * nullable: null or absent gives *out = NULL. */
static int get_text(load_ctx *c, json_t *obj, const char *path, const char *key, bool nullable,
                    char **out)
{
    char p[LOAD_PATH_MAX];
    path_key(p, path, key);
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (nullable && (v == NULL || json_is_null(v)))
        return 0;
    if (v == NULL)
        return load_fail(c, p, "is missing; a non-empty string is required");
    if (!json_is_string(v))
        return load_fail(c, p, "must be a string%s", nullable ? " or null" : "");
    if (!has_text(json_string_value(v)))
        return load_fail(c, p, "must not be empty");
    *out = strdup(json_string_value(v));
    return *out != NULL ? 0 : load_oom(c);
}

/* Reads obj[key] as an identifier ([a-z0-9_]+, or [a-z0-9_.]+ when dots). */
static int get_id(load_ctx *c, json_t *obj, const char *path, const char *key, bool dots,
                  char **out)
{
    if (get_text(c, obj, path, key, false, out) != 0)
        return -1;
    if (!id_matches(*out, dots)) {
        char p[LOAD_PATH_MAX];
        path_key(p, path, key);
        load_fail(c, p, "\"%s\" must match [a-z0-9_%s]+", *out, dots ? "." : "");
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* Reads obj[key] as an integer in [min, max]. */
static int get_int(load_ctx *c, json_t *obj, const char *path, const char *key, long long min,
                   long long max, long long *out)
{
    char p[LOAD_PATH_MAX];
    path_key(p, path, key);
    json_t *v = json_object_get(obj, key);
    if (v == NULL)
        return load_fail(c, p, "is missing; an integer is required");
    if (!json_is_integer(v))
        return load_fail(c, p, "must be an integer");
    long long n = json_integer_value(v);
    if (n < min || n > max) {
        if (max == LLONG_MAX)
            return load_fail(c, p, "%lld must be >= %lld", n, min);
        return load_fail(c, p, "%lld must be between %lld and %lld", n, min, max);
    }
    *out = n;
    return 0;
}

/* Reads obj[key] as an array with at least min elements. */
static int get_array(load_ctx *c, json_t *obj, const char *path, const char *key, size_t min,
                     json_t **out)
{
    char p[LOAD_PATH_MAX];
    path_key(p, path, key);
    json_t *v = json_object_get(obj, key);
    if (v == NULL)
        return load_fail(c, p, "is missing; an array is required");
    if (!json_is_array(v))
        return load_fail(c, p, "must be an array");
    if (json_array_size(v) < min)
        return load_fail(c, p, "must have at least %zu entr%s", min, min == 1 ? "y" : "ies");
    *out = v;
    return 0;
}

/* Checks that element i of an array is an object. */
static int need_object(load_ctx *c, json_t *v, const char *path)
{
    if (!json_is_object(v))
        return load_fail(c, path, "must be an object");
    return 0;
}

/* Reads an array of non-empty strings at obj[key] (absent allowed when optional). */
static int get_strings(load_ctx *c, json_t *obj, const char *path, const char *key, bool optional,
                       char ***out, size_t *count)
{
    char p[LOAD_PATH_MAX], ip[LOAD_PATH_MAX];
    json_t *arr;
    *out = NULL;
    *count = 0;
    if (optional && json_object_get(obj, key) == NULL)
        return 0;
    if (get_array(c, obj, path, key, 0, &arr) != 0)
        return -1;
    path_key(p, path, key);
    size_t n = json_array_size(arr);
    if (n == 0)
        return 0;
    char **v = calloc(n, sizeof(*v));
    if (v == NULL)
        return load_oom(c);
    *out = v;
    *count = n;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(arr, i);
        path_index(ip, p, i);
        if (!json_is_string(s))
            return load_fail(c, ip, "must be a string");
        if (!has_text(json_string_value(s)))
            return load_fail(c, ip, "must not be empty");
        v[i] = strdup(json_string_value(s));
        if (v[i] == NULL)
            return load_oom(c);
    }
    return 0;
}

/* Reads a date "YYYY-MM-DD" at obj[key]. */
static int get_date(load_ctx *c, json_t *obj, const char *path, const char *key, vn_date *out)
{
    char p[LOAD_PATH_MAX];
    path_key(p, path, key);
    json_t *v = json_object_get(obj, key);
    if (v == NULL)
        return load_fail(c, p, "is missing; a date YYYY-MM-DD is required");
    if (!json_is_string(v))
        return load_fail(c, p, "must be a date string YYYY-MM-DD");
    const char *s = json_string_value(v);
    if (vn_date_parse(s, out))
        return 0;
    bool shaped = strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
                  strspn(s, "0123456789") == 4 && strspn(s + 5, "0123456789") == 2 &&
                  strspn(s + 8, "0123456789") == 2;
    if (shaped)
        return load_fail(c, p, "%s is not a real date", s);
    return load_fail(c, p, "\"%s\" is not a date of the form YYYY-MM-DD", s);
}

/* Parses "HH:MM" (00:00..23:59) into minutes after midnight; -1 when malformed. */
static int parse_hhmm(const char *s)
{
    if (strlen(s) != 5 || s[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59)
        return -1;
    return h * 60 + m;
}

static int load_time_limit(load_ctx *c, json_t *ver, const char *path, cat_version *v)
{
    char p[LOAD_PATH_MAX], up[LOAD_PATH_MAX], cp[LOAD_PATH_MAX];
    path_key(p, path, "time_limit");
    json_t *tl = json_object_get(ver, "time_limit");
    if (tl == NULL)
        return load_fail(c, p, "is missing; an object with a unit is required");
    if (need_object(c, tl, p) != 0)
        return -1;
    path_key(up, p, "unit");
    json_t *unit = json_object_get(tl, "unit");
    if (!json_is_string(unit))
        return load_fail(c, up, "must be \"same_day\" or \"working_days\"");
    const char *u = json_string_value(unit);
    if (strcmp(u, "same_day") == 0) {
        v->limit_unit = CAT_LIMIT_SAME_DAY;
        v->limit_days = 0;
        path_key(cp, p, "cutoff");
        json_t *cut = json_object_get(tl, "cutoff");
        if (!json_is_string(cut))
            return load_fail(c, cp, "a cutoff time \"HH:MM\" is required for same_day");
        v->cutoff_minutes = parse_hhmm(json_string_value(cut));
        if (v->cutoff_minutes < 0)
            return load_fail(c, cp, "\"%s\" is not a time HH:MM", json_string_value(cut));
        return 0;
    }
    if (strcmp(u, "working_days") == 0) {
        long long days;
        if (get_int(c, tl, p, "value", 1, LOAD_MAX_LIMIT_DAYS, &days) != 0)
            return -1;
        v->limit_unit = CAT_LIMIT_WORKING_DAYS;
        v->limit_days = (int)days;
        v->cutoff_minutes = -1;
        return 0;
    }
    return load_fail(c, up, "\"%s\" is not a known unit (same_day, working_days)", u);
}

static int load_fees(load_ctx *c, json_t *ver, const char *path, cat_version *v)
{
    char p[LOAD_PATH_MAX], ip[LOAD_PATH_MAX];
    json_t *arr;
    if (get_array(c, ver, path, "fees", 1, &arr) != 0)
        return -1;
    path_key(p, path, "fees");
    size_t n = json_array_size(arr);
    v->fees = calloc(n, sizeof(*v->fees));
    if (v->fees == NULL)
        return load_oom(c);
    v->fee_count = n;
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(arr, i);
        cat_fee *fee = &v->fees[i];
        path_index(ip, p, i);
        if (need_object(c, f, ip) != 0 || get_text(c, f, ip, "name", false, &fee->name) != 0 ||
            get_int(c, f, ip, "amount", 0, LLONG_MAX, &fee->amount) != 0 ||
            get_text(c, f, ip, "note", true, &fee->note) != 0)
            return -1;
    }
    return 0;
}

static int load_documents(load_ctx *c, json_t *ver, const char *path, cat_version *v)
{
    char p[LOAD_PATH_MAX], ip[LOAD_PATH_MAX], fp[LOAD_PATH_MAX];
    json_t *arr;
    if (get_array(c, ver, path, "documents", 1, &arr) != 0)
        return -1;
    path_key(p, path, "documents");
    size_t n = json_array_size(arr);
    v->documents = calloc(n, sizeof(*v->documents));
    if (v->documents == NULL)
        return load_oom(c);
    v->document_count = n;
    bool any_required = false;
    for (size_t i = 0; i < n; i++) {
        json_t *d = json_array_get(arr, i);
        cat_document *doc = &v->documents[i];
        long long copies;
        path_index(ip, p, i);
        if (need_object(c, d, ip) != 0 || get_id(c, d, ip, "id", true, &doc->id) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(v->documents[j].id, doc->id) == 0) {
                path_key(fp, ip, "id");
                return load_fail(c, fp, "\"%s\" is already used by documents[%zu]", doc->id, j);
            }
        if (get_text(c, d, ip, "title", false, &doc->title) != 0)
            return -1;
        json_t *req = json_object_get(d, "required");
        if (!json_is_boolean(req)) {
            path_key(fp, ip, "required");
            return load_fail(c, fp, "must be true or false");
        }
        doc->required = json_is_true(req);
        any_required = any_required || doc->required;
        if (get_int(c, d, ip, "copies", 1, 1000, &copies) != 0)
            return -1;
        doc->copies = (int)copies;
        if (get_text(c, d, ip, "kind", false, &doc->kind) != 0 ||
            get_strings(c, d, ip, "keywords", true, &doc->keywords, &doc->keyword_count) != 0)
            return -1;
    }
    if (!any_required)
        return load_fail(c, p, "at least one document must be required");
    return 0;
}

static int load_workflow(load_ctx *c, json_t *ver, const char *path, cat_version *v)
{
    char p[LOAD_PATH_MAX], ip[LOAD_PATH_MAX], fp[LOAD_PATH_MAX];
    json_t *arr;
    if (get_array(c, ver, path, "workflow", 1, &arr) != 0)
        return -1;
    path_key(p, path, "workflow");
    size_t n = json_array_size(arr);
    v->steps = calloc(n, sizeof(*v->steps));
    if (v->steps == NULL)
        return load_oom(c);
    v->step_count = n;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(arr, i);
        cat_step *st = &v->steps[i];
        path_index(ip, p, i);
        if (need_object(c, s, ip) != 0 || get_id(c, s, ip, "id", false, &st->id) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(v->steps[j].id, st->id) == 0) {
                path_key(fp, ip, "id");
                return load_fail(c, fp, "\"%s\" is already used by workflow[%zu]", st->id, j);
            }
        if (get_text(c, s, ip, "name", false, &st->name) != 0 ||
            get_text(c, s, ip, "role", false, &st->role) != 0)
            return -1;
        if (strcmp(st->role, "department_officer") != 0 &&
            strcmp(st->role, "department_head") != 0) {
            path_key(fp, ip, "role");
            return load_fail(c, fp,
                             "\"%s\" is not a known role (department_officer, department_head)",
                             st->role);
        }
    }
    return 0;
}

/* Canonical JSON of the version as written in the file, and its SHA-256. */
static int version_digest(load_ctx *c, json_t *ver, cat_version *v)
{
    v->json = json_dumps(ver, JSON_COMPACT | JSON_SORT_KEYS);
    if (v->json == NULL)
        return load_oom(c);
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, (const unsigned char *)v->json, strlen(v->json));
    sodium_bin2hex(v->digest, sizeof v->digest, hash, sizeof hash);
    return 0;
}

static int load_version(load_ctx *c, json_t *ver, const char *path, cat_version *v)
{
    long long sets;
    if (need_object(c, ver, path) != 0 ||
        get_date(c, ver, path, "effective_from", &v->effective_from) != 0 ||
        get_text(c, ver, path, "competent_agency", false, &v->competent_agency) != 0 ||
        get_strings(c, ver, path, "legal_basis", false, &v->legal_basis,
                    &v->legal_basis_count) != 0 ||
        load_time_limit(c, ver, path, v) != 0 || load_fees(c, ver, path, v) != 0)
        return -1;
    if (get_int(c, ver, path, "sets", 1, 1000, &sets) != 0)
        return -1;
    v->sets = (int)sets;
    if (load_documents(c, ver, path, v) != 0 || load_workflow(c, ver, path, v) != 0 ||
        get_text(c, ver, path, "result", false, &v->result) != 0)
        return -1;
    return version_digest(c, ver, v);
}

/* The folded search text: code, national code, name, field, department name. */
static int procedure_fold(load_ctx *c, cat_procedure *p)
{
    const char *nc = p->national_code != NULL ? p->national_code : "";
    size_t n = strlen(p->code) + strlen(nc) + strlen(p->name) + strlen(p->field) +
               strlen(p->department->name) + 5;
    char *joined = malloc(n);
    if (joined == NULL)
        return load_oom(c);
    snprintf(joined, n, "%s %s %s %s %s", p->code, nc, p->name, p->field, p->department->name);
    p->folded = fold_text(joined);
    free(joined);
    return p->folded != NULL ? 0 : load_oom(c);
}

static int load_procedure(load_ctx *c, const catalogue *cat, json_t *pj, const char *path,
                          const cat_department *dept, cat_entry *e)
{
    char vp[LOAD_PATH_MAX], ip[LOAD_PATH_MAX], fp[LOAD_PATH_MAX];
    cat_procedure *p = &e->proc;
    json_t *versions;
    p->department = dept;
    if (need_object(c, pj, path) != 0 || get_id(c, pj, path, "code", false, &p->code) != 0)
        return -1;
    const cat_procedure *other = catalogue_find(cat, p->code);
    if (other != NULL) {
        path_key(fp, path, "code");
        return load_fail(c, fp, "\"%s\" is already declared by department %s", p->code,
                         other->department->id);
    }
    if (get_text(c, pj, path, "national_code", true, &p->national_code) != 0 ||
        get_text(c, pj, path, "name", false, &p->name) != 0 ||
        get_text(c, pj, path, "field", false, &p->field) != 0 ||
        get_array(c, pj, path, "versions", 1, &versions) != 0)
        return -1;
    path_key(vp, path, "versions");
    size_t n = json_array_size(versions);
    p->versions = calloc(n, sizeof(*p->versions));
    e->detail = calloc(n, sizeof(*e->detail));
    e->detail_len = calloc(n, sizeof(*e->detail_len));
    if (p->versions == NULL || e->detail == NULL || e->detail_len == NULL)
        return load_oom(c);
    p->version_count = n;
    for (size_t i = 0; i < n; i++) {
        path_index(ip, vp, i);
        if (load_version(c, json_array_get(versions, i), ip, &p->versions[i]) != 0)
            return -1;
        if (i > 0 && p->versions[i].effective_from <= p->versions[i - 1].effective_from) {
            char cur[11], prev[11];
            vn_date_format(p->versions[i].effective_from, cur);
            vn_date_format(p->versions[i - 1].effective_from, prev);
            path_key(fp, ip, "effective_from");
            return load_fail(c, fp, "%s must be after the previous version's %s", cur, prev);
        }
    }
    return procedure_fold(c, p);
}

static int load_department(load_ctx *c, const catalogue *cat, json_t *root,
                           const char *expected, cat_department **out)
{
    json_t *dj = json_object_get(root, "department");
    *out = NULL;
    if (dj == NULL)
        return load_fail(c, "department", "is missing; an object with id, name and agency_code is required");
    if (need_object(c, dj, "department") != 0)
        return -1;
    cat_department *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return load_oom(c);
    *out = d;
    if (get_id(c, dj, "department", "id", false, &d->id) != 0 ||
        get_text(c, dj, "department", "name", false, &d->name) != 0 ||
        get_text(c, dj, "department", "agency_code", false, &d->agency_code) != 0)
        return -1;
    if (expected != NULL && strcmp(expected, d->id) != 0)
        return load_fail(c, "department.id", "\"%s\" does not match the plugin's department \"%s\"",
                         d->id, expected);
    if (catalogue_department(cat, d->id) != NULL)
        return load_fail(c, "department.id", "department \"%s\" is already loaded from another file",
                         d->id);
    return 0;
}

/* Validates the whole document into a department and entries; nothing touches cat. */
static int load_document(load_ctx *c, const catalogue *cat, json_t *root, const char *expected,
                         cat_department **dept_out, cat_entry ***entries_out, size_t *n_out)
{
    char ip[LOAD_PATH_MAX], fp[LOAD_PATH_MAX];
    long long format;
    json_t *procs;
    if (!json_is_object(root))
        return load_fail(c, NULL, "the top level must be a JSON object");
    if (get_int(c, root, "", "format", 1, LLONG_MAX, &format) != 0)
        return -1;
    if (format != 1)
        return load_fail(c, "format", "%lld is not supported (this program reads format 1)", format);
    if (load_department(c, cat, root, expected, dept_out) != 0 ||
        get_array(c, root, "", "procedures", 0, &procs) != 0)
        return -1;
    size_t n = json_array_size(procs);
    cat_entry **entries = calloc(n + 1, sizeof(*entries));
    if (entries == NULL)
        return load_oom(c);
    *entries_out = entries;
    *n_out = n;
    for (size_t i = 0; i < n; i++) {
        entries[i] = calloc(1, sizeof(cat_entry));
        if (entries[i] == NULL)
            return load_oom(c);
        path_index(ip, "procedures", i);
        if (load_procedure(c, cat, json_array_get(procs, i), ip, *dept_out, entries[i]) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(entries[j]->proc.code, entries[i]->proc.code) == 0) {
                path_key(fp, ip, "code");
                return load_fail(c, fp, "\"%s\" is already used by procedures[%zu]",
                                 entries[i]->proc.code, j);
            }
    }
    return 0;
}

int catalogue_load_text(catalogue *cat, const char *json_text, const char *origin,
                        const char *expected_department, char *err, size_t errlen)
{
    load_ctx c = {origin != NULL ? origin : "(text)", err, errlen};
    if (cat == NULL || json_text == NULL)
        return load_fail(&c, NULL, "nothing to load");
    if (sodium_init() < 0)
        return load_fail(&c, NULL, "libsodium failed to initialise");
    json_error_t jerr;
    json_t *root = json_loads(json_text, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return load_fail(&c, NULL, "invalid JSON at line %d, column %d: %s", jerr.line,
                         jerr.column, jerr.text);

    cat_department *dept = NULL;
    cat_entry **entries = NULL;
    size_t n = 0;
    int rc = load_document(&c, cat, root, expected_department, &dept, &entries, &n);
    if (rc == 0 && catalogue_adopt(cat, dept, entries, n) != 0)
        rc = load_oom(&c);
    if (rc != 0) {
        for (size_t i = 0; entries != NULL && i < n; i++)
            cat_entry_free(entries[i]);
        cat_department_free(dept);
    }
    free(entries);
    json_decref(root);
    return rc;
}

int catalogue_load_file(catalogue *cat, const char *path, const char *expected_department,
                        char *err, size_t errlen)
{
    const char *slash = path != NULL ? strrchr(path, '/') : NULL;
    const char *origin = slash != NULL ? slash + 1 : path != NULL ? path : "(null)";
    load_ctx c = {origin, err, errlen};
    if (path == NULL)
        return load_fail(&c, NULL, "no file given");
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return load_fail(&c, NULL, "cannot open %s: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (cap - len < 4096) {
            size_t ncap = cap == 0 ? 65536 : cap * 2;
            char *nt = realloc(text, ncap);
            if (nt == NULL) {
                rc = load_oom(&c);
                break;
            }
            text = nt;
            cap = ncap;
        }
        size_t got = fread(text + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                rc = load_fail(&c, NULL, "cannot read %s: %s", path, strerror(errno));
            break;
        }
    }
    fclose(f);
    if (rc == 0) {
        text[len] = '\0';
        if (strlen(text) != len)
            rc = load_fail(&c, NULL, "the file holds a NUL byte; it must be UTF-8 JSON text");
        else
            rc = catalogue_load_text(cat, text, origin, expected_department, err, errlen);
    }
    free(text);
    return rc;
}
