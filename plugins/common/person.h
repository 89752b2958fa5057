/* Checks of a person object in a dossier (applicant, company member):
 * the Căn cước number against the declared birth date and sex. */
#ifndef PLUGIN_PERSON_H
#define PLUGIN_PERSON_H

#include <jansson.h>

#include "problem_sink.h"

/* person: {"id_number", "birth_date"?, "sex"?, ...} at JSON path `path`
 * ("applicant", "details.members[2]"). Adds one problem per cccd_check fault,
 * on "<path>.id_number", "<path>.birth_date" or "<path>.sex"; a missing or
 * non-object person adds "required" on `path`. `label` names the person in
 * messages ("Người yêu cầu", "Thành viên thứ 3"). Returns the number of
 * problems added. */
size_t person_check_cccd(problem_sink *sink, const json_t *person, const char *path,
                         const char *label);

#endif
