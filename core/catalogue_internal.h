/* What the catalogue's own files share (catalogue.c, catalogue_load.c, catalogue_json.c); not for other modules. */
#ifndef MOTCUA_CATALOGUE_INTERNAL_H
#define MOTCUA_CATALOGUE_INTERNAL_H

#include "catalogue.h"

/* A procedure as the catalogue keeps it: the public part first, so a
 * `const cat_procedure *` handed out can be turned back into its entry. */
typedef struct cat_entry {
    cat_procedure proc;
    char **detail;      /* per version: the detail JSON text, built on first use */
    size_t *detail_len; /* per version: its length */
} cat_entry;

struct catalogue {
    cat_entry **entries;          /* sorted by proc.code */
    size_t count;
    cat_department **departments; /* in load order */
    size_t department_count;
};

/* Frees a department and its strings; NULL is a no-op. */
void cat_department_free(cat_department *d);
/* Frees an entry with everything it owns (not its department); NULL is a no-op.
 * Safe on a partly built entry whose arrays were calloc'ed. */
void cat_entry_free(cat_entry *e);

/* The entry behind a procedure handed out by the catalogue. */
cat_entry *cat_entry_of(const cat_procedure *p);

/* Adds a department and its entries (each entry's department already points at
 * dept). Takes ownership of dept and every entry on success (returns 0); on
 * out of memory returns -1 and changes nothing (the caller still owns them).
 * The caller has checked that no code is already present. */
int catalogue_adopt(catalogue *cat, cat_department *dept, cat_entry **entries, size_t n);

#endif
