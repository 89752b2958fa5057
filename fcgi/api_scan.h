/* The scanner's API (api_scan.c): capture and recognition requests, the completeness view, the
 * officer's document override; and the missing list for the supplement form (Form 02). */
#ifndef MOTCUA_API_SCAN_H
#define MOTCUA_API_SCAN_H

#include <jansson.h>

#include "app.h"
#include "store_dossiers.h"

/* The document ids the latest completeness verdict of the dossier finds missing (required and
 * absent), for a supplement request's items. 1 and *ids (a new JSON array of strings; empty
 * when nothing is missing), 0 when there is no verdict yet or a newer job is queued or running
 * (the verdict may be stale), -1 on a store error. */
int api_scan_missing_ids(app *a, const dossier_row *row, json_t **ids);

#endif
