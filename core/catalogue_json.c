/* The catalogue as API JSON: procedure detail (cached per version) and search results. */
#include "catalogue_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"

/* Adds key -> value to obj, taking the value's reference; false when value is
 * NULL (a failed constructor) or out of memory. */
static bool put(json_t *obj, const char *key, json_t *value)
{
    return value != NULL && json_object_set_new(obj, key, value) == 0;
}

/* Appends value to arr, taking its reference; false on NULL or out of memory. */
static bool push(json_t *arr, json_t *value)
{
    return value != NULL && json_array_append_new(arr, value) == 0;
}

/* A JSON string, or null for a NULL pointer. */
static json_t *str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static json_t *date_json(vn_date d)
{
    char buf[11];
    vn_date_format(d, buf);
    return json_string(buf);
}

/* Builds element i of a list from base; NULL when out of memory. */
typedef json_t *(*item_fn)(const void *base, size_t i);

/* A JSON array of n elements made by fn; NULL when out of memory. */
static json_t *array_of(size_t n, item_fn fn, const void *base)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        if (!push(arr, fn(base, i))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* o when every put into it succeeded, else frees it and gives NULL. */
static json_t *finished(json_t *o, bool ok)
{
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *string_item(const void *base, size_t i)
{
    return json_string(((char *const *)base)[i]);
}

static json_t *strings_json(char *const *v, size_t n)
{
    return array_of(n, string_item, v);
}

/* {"unit":"same_day","cutoff":"15:00"} or {"unit":"working_days","value":n}. */
static json_t *time_limit_json(const cat_version *v)
{
    json_t *o = json_object();
    if (v->limit_unit == CAT_LIMIT_SAME_DAY) {
        char hhmm[8];
        snprintf(hhmm, sizeof hhmm, "%02d:%02d", (v->cutoff_minutes / 60) % 24,
                 v->cutoff_minutes % 60);
        return finished(o, o != NULL && put(o, "unit", json_string("same_day")) &&
                               put(o, "cutoff", json_string(hhmm)));
    }
    return finished(o, o != NULL && put(o, "unit", json_string("working_days")) &&
                           put(o, "value", json_integer(v->limit_days)));
}

/* {"name","amount","note"(string or null)}. */
static json_t *fee_item(const void *base, size_t i)
{
    const cat_fee *f = &((const cat_version *)base)->fees[i];
    json_t *o = json_object();
    return finished(o, o != NULL && put(o, "name", json_string(f->name)) &&
                           put(o, "amount", json_integer(f->amount)) &&
                           put(o, "note", str_or_null(f->note)));
}

static json_t *fees_json(const cat_version *v)
{
    return array_of(v->fee_count, fee_item, v);
}

static json_t *document_item(const void *base, size_t i)
{
    const cat_document *d = &((const cat_version *)base)->documents[i];
    json_t *o = json_object();
    return finished(o, o != NULL && put(o, "id", json_string(d->id)) &&
                           put(o, "title", json_string(d->title)) &&
                           put(o, "required", json_boolean(d->required)) &&
                           put(o, "copies", json_integer(d->copies)) &&
                           put(o, "kind", json_string(d->kind)) &&
                           put(o, "keywords", strings_json(d->keywords, d->keyword_count)));
}

static json_t *step_item(const void *base, size_t i)
{
    const cat_step *st = &((const cat_version *)base)->steps[i];
    json_t *o = json_object();
    return finished(o, o != NULL && put(o, "id", json_string(st->id)) &&
                           put(o, "name", json_string(st->name)) &&
                           put(o, "role", json_string(st->role)));
}

/* {"effective_from","digest"} of version i of a procedure. */
static json_t *version_item(const void *base, size_t i)
{
    const cat_version *v = &((const cat_procedure *)base)->versions[i];
    json_t *o = json_object();
    return finished(o, o != NULL && put(o, "effective_from", date_json(v->effective_from)) &&
                           put(o, "digest", json_string(v->digest)));
}

/* {"id","name"} plus "agency_code" when full. */
static json_t *department_json(const cat_department *d, bool full)
{
    json_t *o = json_object();
    return finished(o, o != NULL && put(o, "id", json_string(d->id)) &&
                           put(o, "name", json_string(d->name)) &&
                           (!full || put(o, "agency_code", json_string(d->agency_code))));
}

/* The fields a detail and a search result share. */
static bool put_heading(json_t *o, const cat_procedure *p, bool full_department)
{
    return put(o, "code", json_string(p->code)) &&
           put(o, "national_code", str_or_null(p->national_code)) &&
           put(o, "name", json_string(p->name)) && put(o, "field", json_string(p->field)) &&
           put(o, "department", department_json(p->department, full_department));
}

/* The detail text of version v of p, malloc'ed; NULL when out of memory. */
static char *detail_build(const cat_procedure *p, const cat_version *v)
{
    json_t *o = json_object();
    bool ok = o != NULL && put_heading(o, p, true) &&
              put(o, "effective_from", date_json(v->effective_from)) &&
              put(o, "digest", json_string(v->digest)) &&
              put(o, "competent_agency", json_string(v->competent_agency)) &&
              put(o, "legal_basis", strings_json(v->legal_basis, v->legal_basis_count)) &&
              put(o, "time_limit", time_limit_json(v)) && put(o, "fees", fees_json(v)) &&
              put(o, "sets", json_integer(v->sets)) &&
              put(o, "documents", array_of(v->document_count, document_item, v)) &&
              put(o, "workflow", array_of(v->step_count, step_item, v)) &&
              put(o, "result", json_string(v->result)) &&
              put(o, "versions", array_of(p->version_count, version_item, p));
    char *text = ok ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return text;
}

const char *catalogue_detail_json(catalogue *cat, const char *code, vn_date d, size_t *len)
{
    const cat_procedure *p = catalogue_find(cat, code);
    const cat_version *v = cat_procedure_version_at(p, d);
    if (v == NULL)
        return NULL;
    /* The text depends only on the version in force, so it is cached per
     * version: every date inside one version gets the same pointer. */
    cat_entry *e = cat_entry_of(p);
    size_t i = (size_t)(v - p->versions);
    if (e->detail[i] == NULL) {
        e->detail[i] = detail_build(p, v);
        if (e->detail[i] == NULL)
            return NULL;
        e->detail_len[i] = strlen(e->detail[i]);
    }
    if (len != NULL)
        *len = e->detail_len[i];
    return e->detail[i];
}

/* True when every space-separated word of folded_query occurs in text. */
static bool words_match(const char *text, const char *folded_query)
{
    size_t text_len = strlen(text);
    const char *w = folded_query;
    while (*w != '\0') {
        size_t n = strcspn(w, " ");
        if (n > 0 && memmem(text, text_len, w, n) == NULL)
            return false;
        w += n;
        w += strspn(w, " ");
    }
    return true;
}

char *catalogue_search_json(const catalogue *cat, const char *q, const char *department,
                            vn_date d, size_t *len)
{
    char *folded = NULL;
    bool match_nothing = false;
    if (q != NULL && q[0] != '\0') {
        folded = fold_text(q);
        /* Invalid UTF-8 cannot match any procedure. */
        match_nothing = folded == NULL;
    }
    json_t *root = json_object();
    json_t *list = json_array();
    bool ok = root != NULL && list != NULL;
    size_t count = 0;
    for (size_t i = 0; ok && !match_nothing && i < catalogue_count(cat); i++) {
        const cat_procedure *p = catalogue_at(cat, i);
        if (department != NULL && strcmp(p->department->id, department) != 0)
            continue;
        const cat_version *v = cat_procedure_version_at(p, d);
        if (v == NULL || (folded != NULL && !words_match(p->folded, folded)))
            continue;
        json_t *o = json_object();
        bool item_ok = o != NULL && put_heading(o, p, false) &&
                       put(o, "time_limit", time_limit_json(v)) && put(o, "fees", fees_json(v));
        if (!item_ok) {
            json_decref(o);
            ok = false;
        } else {
            ok = push(list, o);
            count++;
        }
    }
    free(folded);
    char *text = NULL;
    if (ok) {
        /* json_object_set_new takes list even when it fails. */
        ok = put(root, "procedures", list) && put(root, "count", json_integer((json_int_t)count));
        list = NULL;
    }
    if (ok)
        text = json_dumps(root, JSON_COMPACT);
    json_decref(list);
    json_decref(root);
    if (text != NULL && len != NULL)
        *len = strlen(text);
    return text;
}
