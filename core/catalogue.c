/* The procedure catalogue: storage, lookup by code, effective dating. */
#include "catalogue_internal.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

catalogue *catalogue_new(void)
{
    return calloc(1, sizeof(catalogue));
}

void cat_department_free(cat_department *d)
{
    if (d == NULL)
        return;
    free(d->id);
    free(d->name);
    free(d->agency_code);
    free(d);
}

static void cat_strings_free(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Frees what a version owns (not the version struct itself, which lives in an array). */
static void cat_version_clear(cat_version *v)
{
    free(v->competent_agency);
    cat_strings_free(v->legal_basis, v->legal_basis_count);
    if (v->fees != NULL) {
        for (size_t i = 0; i < v->fee_count; i++) {
            free(v->fees[i].name);
            free(v->fees[i].note);
        }
        free(v->fees);
    }
    if (v->documents != NULL) {
        for (size_t i = 0; i < v->document_count; i++) {
            cat_document *doc = &v->documents[i];
            free(doc->id);
            free(doc->title);
            free(doc->kind);
            cat_strings_free(doc->keywords, doc->keyword_count);
        }
        free(v->documents);
    }
    if (v->steps != NULL) {
        for (size_t i = 0; i < v->step_count; i++) {
            free(v->steps[i].id);
            free(v->steps[i].name);
            free(v->steps[i].role);
        }
        free(v->steps);
    }
    free(v->result);
    free(v->json);
}

void cat_entry_free(cat_entry *e)
{
    if (e == NULL)
        return;
    cat_procedure *p = &e->proc;
    free(p->code);
    free(p->national_code);
    free(p->name);
    free(p->field);
    free(p->folded);
    if (p->versions != NULL) {
        for (size_t i = 0; i < p->version_count; i++)
            cat_version_clear(&p->versions[i]);
        free(p->versions);
    }
    cat_strings_free(e->detail, e->detail != NULL ? p->version_count : 0);
    free(e->detail_len);
    free(e);
}

void catalogue_free(catalogue *cat)
{
    if (cat == NULL)
        return;
    for (size_t i = 0; i < cat->count; i++)
        cat_entry_free(cat->entries[i]);
    free(cat->entries);
    for (size_t i = 0; i < cat->department_count; i++)
        cat_department_free(cat->departments[i]);
    free(cat->departments);
    free(cat);
}

cat_entry *cat_entry_of(const cat_procedure *p)
{
    /* proc is the first member of cat_entry. */
    return (cat_entry *)(void *)(uintptr_t)p;
}

static int cat_entry_cmp(const void *a, const void *b)
{
    const cat_entry *ea = *(const cat_entry *const *)a;
    const cat_entry *eb = *(const cat_entry *const *)b;
    return strcmp(ea->proc.code, eb->proc.code);
}

int catalogue_adopt(catalogue *cat, cat_department *dept, cat_entry **entries, size_t n)
{
    /* Grow the department list first: a larger capacity is invisible, so a
     * later failure still leaves the catalogue as it was. */
    cat_department **deps =
        realloc(cat->departments, (cat->department_count + 1) * sizeof(*deps));
    if (deps == NULL)
        return -1;
    cat->departments = deps;

    cat_entry **merged = malloc((cat->count + n + 1) * sizeof(*merged));
    if (merged == NULL)
        return -1;
    qsort(entries, n, sizeof(*entries), cat_entry_cmp);
    size_t i = 0, j = 0, k = 0;
    while (i < cat->count && j < n) {
        int c = strcmp(cat->entries[i]->proc.code, entries[j]->proc.code);
        assert(c != 0);
        merged[k++] = c < 0 ? cat->entries[i++] : entries[j++];
    }
    while (i < cat->count)
        merged[k++] = cat->entries[i++];
    while (j < n)
        merged[k++] = entries[j++];
    free(cat->entries);
    cat->entries = merged;
    cat->count = k;
    cat->departments[cat->department_count++] = dept;
    return 0;
}

size_t catalogue_count(const catalogue *cat)
{
    return cat != NULL ? cat->count : 0;
}

const cat_procedure *catalogue_at(const catalogue *cat, size_t i)
{
    if (cat == NULL || i >= cat->count)
        return NULL;
    return &cat->entries[i]->proc;
}

const cat_procedure *catalogue_find(const catalogue *cat, const char *code)
{
    if (cat == NULL || code == NULL)
        return NULL;
    size_t lo = 0, hi = cat->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(code, cat->entries[mid]->proc.code);
        if (c == 0)
            return &cat->entries[mid]->proc;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const cat_department *catalogue_department(const catalogue *cat, const char *id)
{
    if (cat == NULL || id == NULL)
        return NULL;
    for (size_t i = 0; i < cat->department_count; i++)
        if (strcmp(cat->departments[i]->id, id) == 0)
            return cat->departments[i];
    return NULL;
}

const cat_version *cat_procedure_version_at(const cat_procedure *p, vn_date d)
{
    if (p == NULL)
        return NULL;
    /* Versions are strictly increasing: the last one started on or before d wins. */
    for (size_t i = p->version_count; i > 0; i--)
        if (p->versions[i - 1].effective_from <= d)
            return &p->versions[i - 1];
    return NULL;
}
