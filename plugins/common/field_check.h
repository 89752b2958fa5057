/* Typed checks of one field of a JSON object (dossier details, route bodies),
 * each adding a Vietnamese problem to a sink when the field is wrong. */
#ifndef PLUGIN_FIELD_CHECK_H
#define PLUGIN_FIELD_CHECK_H

#include <stdbool.h>
#include <jansson.h>

#include "problem_sink.h"

/* In all of these: `parent` is the object holding the field (NULL or a
 * non-object counts as "field absent"); `path` is the field's full JSON path,
 * whose last segment after '.' is the key read from parent
 * ("details.child.name" reads "name"); `label` names the field in Vietnamese
 * for the message, capitalised ("Họ và tên của trẻ"). */

/* The field's string value when it is a non-blank string; otherwise adds
 * "required" (absent, null, blank) or "invalid_type" and returns NULL. */
const char *field_text(problem_sink *sink, const json_t *parent, const char *path,
                       const char *label);

/* The same, but an absent or null field is fine (returns NULL, no problem);
 * a present field must be a non-blank string. */
const char *field_text_optional(problem_sink *sink, const json_t *parent, const char *path,
                                const char *label);

/* The field as an object, or NULL after adding "required" / "invalid_type". */
const json_t *field_object(problem_sink *sink, const json_t *parent, const char *path,
                           const char *label);

/* A number (integer or real) > 0 into *out: true; otherwise adds "required",
 * "invalid_type" or "out_of_range" and returns false. */
bool field_positive_number(problem_sink *sink, const json_t *parent, const char *path,
                           const char *label, double *out);

/* An integer in [min, max] into *out: true; otherwise adds "required",
 * "invalid_type" or "out_of_range" and returns false. A string of digits
 * ("12") counts as an integer, since sheet and parcel numbers are often typed
 * as text. When `fallback_if_absent` is non-NULL an absent field is fine and
 * *out = *fallback_if_absent. */
bool field_integer(problem_sink *sink, const json_t *parent, const char *path, const char *label,
                   long long min, long long max, const long long *fallback_if_absent,
                   long long *out);

#endif
