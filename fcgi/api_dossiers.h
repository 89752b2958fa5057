/* What the dossier API files (api_dossiers*.c) share: loading a dossier the user may see,
 * its rules at intake, its JSON view, and the errors every handler answers alike. */
#ifndef MOTCUA_API_DOSSIERS_H
#define MOTCUA_API_DOSSIERS_H

#include <jansson.h>
#include <stdbool.h>

#include "app.h"
#include "auth.h"
#include "store_dossiers.h"

/* Loads the dossier named by the path parameter {code} into *row (clear it after) if the
 * user's scope covers its department. Otherwise sends the error itself (404 unknown or
 * malformed code, 403 another department's dossier, 500 store error) and returns false. */
bool api_dossier_load(app *a, request *req, const auth_user *user, dossier_row *row);

/* The procedure version in force at the dossier's intake, parsed from the store (the
 * JSON of plugins/README.md's "versions" entry). NULL after sending a 500. */
json_t *api_dossier_rules(app *a, request *req, const dossier_row *row);

/* The dossier as the API shows it: its fields, status label, procedure name, and (when
 * with_related) pages, supplement requests, refusals, hand-overs, apologies. NULL when out
 * of memory or the store fails. */
json_t *api_dossier_view(app *a, const dossier_row *row, bool with_related);

/* The body as a JSON object, or NULL after sending 400 invalid_json. */
json_t *api_body_object(request *req);

/* 409: action not allowed from the dossier's current status (named in Vietnamese). */
void api_reply_not_allowed(request *req, const dossier_row *row);

/* 500 with the operator log line `what: detail`. */
void api_reply_internal(request *req, const char *what, const char *detail);

/* Registration of each file's routes (called by api_dossiers_register). */
void api_dossiers_intake_register(router *r, app *a);
void api_dossiers_pages_register(router *r, app *a);
void api_dossiers_forms_register(router *r, app *a);

#endif
