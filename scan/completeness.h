/* Completeness of a dossier: the documents present, missing (required and not
 * present) and extra (present but not in the procedure), against the version's
 * required/optional list. The missing list feeds the supplement form (Form 02). */
#ifndef MOTCUA_SCAN_COMPLETENESS_H
#define MOTCUA_SCAN_COMPLETENESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "catalogue.h"

/* documents[i]: the document id of page i, or NULL (unclassified/blank).
 * Returns {"present":[ids in catalogue order],"missing":[required ids absent],
 * "optional_missing":[...],"extra":[ids not in the version],"complete":bool},
 * a new reference, or NULL when out of memory. */
json_t *completeness_check(const cat_version *v, const char *const *documents, size_t n);

#endif
