/* Responses: status line, headers and body through the request's writer;
 * JSON bodies with jansson; the one error shape of the API. */
#ifndef MOTCUA_RESPONSE_H
#define MOTCUA_RESPONSE_H

#include <jansson.h>
#include <stddef.h>
#include "request.h"

#define RESPONSE_JSON_TYPE "application/json; charset=utf-8"

/* Sends status, Content-Type, Content-Length, extra_headers (each line ending
 * in "\r\n", may be NULL) and the body. A second call on the same request is
 * ignored (and returns -1): one response per request. Returns 0 or -1. */
int response_send(request *req, int status, const char *content_type,
                  const char *extra_headers, const char *body, size_t len);

/* Sends value as compact JSON and releases the reference (steals it). */
int response_json(request *req, int status, json_t *value);

/* {"error":{"code":code,"message":message}}: code machine-readable English,
 * message Vietnamese for the user, saying what to do next. */
int response_error(request *req, int status, const char *code, const char *message);

/* The reason phrase for a status code ("Not Found"), "Unknown" otherwise. */
const char *response_reason(int status);

#endif
