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

/* The transition for action from the dossier's status, if the user's role may take it
 * (the current workflow step's role counts for step_role transitions). NULL after sending
 * 409 (not allowed from this status) or 403 (not this role). */
const dossier_transition *api_allowed_transition(request *req, const dossier_row *row,
                                                 const json_t *rules, const char *action,
                                                 const auth_user *user);

/* Answers a failed store change (404, 409 stale, 409 supplement_limit, 500); true when it
 * sent something, false for STORE_CHANGE_OK (nothing sent). */
bool api_reply_change(request *req, store_change_result r, const char *err);

/* The change that takes row through t, made by user at `at` (kept by pointer: it must outlive
 * the change), to step_index (-1: the step stays as stored). Every other field is unset, for
 * the caller to fill in. */
dossier_change api_dossier_change(const dossier_row *row, const dossier_transition *t,
                                  const auth_user *user, const char *at, int step_index);

/* Releases what a dossier handler took: rules and body (either may be NULL) and the row. */
void api_dossier_release(dossier_row *row, json_t *rules, json_t *body);

/* Sends 200 with the dossier's new state, merged with extra (stolen; may be NULL). */
void api_reply_state(app *a, request *req, const char *code, json_t *extra);

/* api_reply_state with "forms": [the URL of printable form number `form` of the dossier]
 * added to extra (stolen; may be NULL). */
void api_reply_state_form(app *a, request *req, const char *code, int form, json_t *extra);

/* An optional text member key of at most 2000 bytes into *out (NULL when absent); false
 * after a 422. */
bool api_optional_note(request *req, const json_t *body, const char *key, const char **out);

/* Applies the change c of transition t to row in one transaction together with what
 * processing adds (api_dossiers_process.c): the hand-overs of Form 05 (transfer with its
 * transfer deadline, step hand-overs, the result back to the counter, send-back and
 * resubmission), the deadline pushed by a department's supplement pause, and the
 * department plugin's on_transition hook. True when committed (nothing sent yet); false
 * after sending the error (422 with the plugin's problems and nothing changed, 409, 500).
 * c may be amended (due_at, transferred_at...); side_id as for store_dossier_change. */
bool api_dossier_apply(app *a, request *req, const auth_user *user, const dossier_row *row,
                       const json_t *rules, const dossier_transition *t, dossier_change *c,
                       long long *side_id);

/* Registration of each file's routes (called by api_dossiers_register). */
void api_dossiers_intake_register(router *r, app *a);
void api_dossiers_pages_register(router *r, app *a);
void api_dossiers_forms_register(router *r, app *a);
void api_dossiers_process_register(router *r, app *a);

#endif
