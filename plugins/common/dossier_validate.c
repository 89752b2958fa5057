/* The common frame of a validate hook: check the procedure code, parse the
 * dossier JSON, run the procedure's checks into the host's problem list. */
#include "dossier_validate.h"

#include <string.h>

#include "host_api.h"
#include "json_io.h"

int dossier_validate(motcua_host *host, void *state, const char *procedure_code,
                     const char *expected_code, const char *dossier_json,
                     motcua_problems *problems, dossier_check_fn check)
{
    if (procedure_code == NULL || strcmp(procedure_code, expected_code) != 0) {
        host_api()->log(host, MOTCUA_LOG_ERROR, "validate called for unknown procedure \"%s\"",
                        procedure_code == NULL ? "(null)" : procedure_code);
        return -1;
    }
    json_t *dossier = json_io_parse_object(dossier_json,
                                           dossier_json == NULL ? 0 : strlen(dossier_json));
    if (dossier == NULL) {
        host_api()->log(host, MOTCUA_LOG_ERROR,
                        "validate(%s): the dossier is not a JSON object", procedure_code);
        return -1;
    }
    problem_sink sink;
    problem_sink_host(&sink, problems);
    int rc = check(host, state, &sink, dossier);
    json_decref(dossier);
    return rc;
}
