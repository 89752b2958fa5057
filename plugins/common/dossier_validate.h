/* The common frame of a validate hook: check the procedure code, parse the
 * dossier JSON, run the procedure's checks into the host's problem list. */
#ifndef PLUGIN_DOSSIER_VALIDATE_H
#define PLUGIN_DOSSIER_VALIDATE_H

#include <jansson.h>
#include <motcua/plugin.h>

#include "problem_sink.h"

/* A procedure's checks: add one problem per fault to sink. `dossier` is the
 * parsed root object. Return 0 when the checks ran, -1 on an internal
 * failure (log it first). */
typedef int (*dossier_check_fn)(motcua_host *host, void *state, problem_sink *sink,
                                const json_t *dossier);

/* Runs `check` on dossier_json when procedure_code equals `expected_code`.
 * Returns what check returns; -1 (logged) when the procedure is not this
 * plugin's or the dossier is not a JSON object. */
int dossier_validate(motcua_host *host, void *state, const char *procedure_code,
                     const char *expected_code, const char *dossier_json,
                     motcua_problems *problems, dossier_check_fn check);

#endif
