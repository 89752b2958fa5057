/* Where validation checks put what they find: the host's problem list or a
 * JSON array, so routes and the validate hook share one set of checks. */
#include "problem_sink.h"

#include <stdarg.h>
#include <stdio.h>

#include "host_api.h"

void problem_sink_host(problem_sink *sink, motcua_problems *problems)
{
    sink->problems = problems;
    sink->array = NULL;
    sink->count = 0;
    sink->out_of_memory = 0;
}

int problem_sink_json(problem_sink *sink)
{
    sink->problems = NULL;
    sink->count = 0;
    sink->out_of_memory = 0;
    sink->array = json_array();
    return sink->array == NULL ? -1 : 0;
}

void problem_sink_release(problem_sink *sink)
{
    json_decref(sink->array);
    sink->array = NULL;
}

void problem_add(problem_sink *sink, const char *field, const char *code,
                 const char *message_vi)
{
    sink->count++;
    if (sink->problems != NULL) {
        host_api()->problem_add(sink->problems, field, code, message_vi);
        return;
    }
    json_t *p = json_pack("{s:s, s:s, s:s}", "field", field, "code", code, "message",
                          message_vi);
    if (p == NULL || json_array_append_new(sink->array, p) != 0)
        sink->out_of_memory = 1;
}

void problem_addf(problem_sink *sink, const char *field, const char *code, const char *fmt,
                  ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    problem_add(sink, field, code, message);
}
