/* Completeness of a dossier's classified pages against the procedure's document list. */
#include "completeness.h"

#include <string.h>

/* True when id is one of the n page documents. */
static bool pages_have(const char *const *documents, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (documents[i] != NULL && strcmp(documents[i], id) == 0)
            return true;
    return false;
}

static bool version_has(const cat_version *v, const char *id)
{
    for (size_t i = 0; i < v->document_count; i++)
        if (strcmp(v->documents[i].id, id) == 0)
            return true;
    return false;
}

/* True when documents[i] already occurred before i. */
static bool seen_before(const char *const *documents, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (documents[k] != NULL && strcmp(documents[k], documents[i]) == 0)
            return true;
    return false;
}

/* Appends a string to a JSON array; -1 when out of memory. */
static int push(json_t *array, const char *s)
{
    return json_array_append_new(array, json_string(s));
}

json_t *completeness_check(const cat_version *v, const char *const *documents, size_t n)
{
    if (v == NULL || (documents == NULL && n > 0))
        return NULL;
    json_t *present = json_array(), *missing = json_array(), *optional_missing = json_array(),
           *extra = json_array();
    json_t *out = json_object();
    int rc = present && missing && optional_missing && extra && out ? 0 : -1;
    for (size_t i = 0; i < v->document_count && rc == 0; i++) {
        const cat_document *d = &v->documents[i];
        if (pages_have(documents, n, d->id))
            rc = push(present, d->id);
        else
            rc = push(d->required ? missing : optional_missing, d->id);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (documents[i] != NULL && !version_has(v, documents[i]) && !seen_before(documents, i))
            rc = push(extra, documents[i]);
    }
    bool complete = rc == 0 && json_array_size(missing) == 0;
    if (rc == 0) {
        /* set_new takes each reference, even when it fails. */
        rc |= json_object_set_new(out, "present", present);
        present = NULL;
        rc |= json_object_set_new(out, "missing", missing);
        missing = NULL;
        rc |= json_object_set_new(out, "optional_missing", optional_missing);
        optional_missing = NULL;
        rc |= json_object_set_new(out, "extra", extra);
        extra = NULL;
        rc |= json_object_set_new(out, "complete", json_boolean(complete));
    }
    json_decref(present);
    json_decref(missing);
    json_decref(optional_missing);
    json_decref(extra);
    if (rc != 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}
