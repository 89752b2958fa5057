/* Where validation checks put what they find: the host's problem list (the
 * validate hook) or a JSON array (routes, which have no motcua_problems). One
 * set of checks serves both. */
#ifndef PLUGIN_PROBLEM_SINK_H
#define PLUGIN_PROBLEM_SINK_H

#include <stddef.h>
#include <jansson.h>
#include <motcua/plugin.h>

typedef struct problem_sink {
    motcua_problems *problems; /* host list, or NULL for the JSON array */
    json_t *array;             /* [{"field","code","message"}...] when problems is NULL */
    size_t count;              /* problems added so far */
    int out_of_memory;         /* the JSON array lost an entry */
} problem_sink;

/* A sink that forwards to api->problem_add on `problems`. */
void problem_sink_host(problem_sink *sink, motcua_problems *problems);

/* A sink that collects into a new JSON array. Returns 0, or -1 when out of
 * memory (nothing to release then). Release with problem_sink_release. */
int problem_sink_json(problem_sink *sink);

/* Drops the JSON array, if any. Harmless on a host sink. */
void problem_sink_release(problem_sink *sink);

/* Adds one problem. field is a JSON path ("details.child.name"), code is
 * machine-readable, message_vi is the Vietnamese sentence for the citizen. */
void problem_add(problem_sink *sink, const char *field, const char *code,
                 const char *message_vi);

/* The same with a printf-style message (truncated at 512 bytes). */
void problem_addf(problem_sink *sink, const char *field, const char *code, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));

#endif
