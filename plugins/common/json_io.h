/* JSON in and out of a plugin: parsing the dossier and request bodies,
 * sending JSON responses through the host. */
#ifndef PLUGIN_JSON_IO_H
#define PLUGIN_JSON_IO_H

#include <stddef.h>
#include <jansson.h>
#include <motcua/plugin.h>

#include "problem_sink.h"

/* Parses text (len bytes) that must hold one JSON object. Returns a new
 * reference, or NULL when text is NULL, malformed or not an object. */
json_t *json_io_parse_object(const char *text, size_t len);

/* The request body as a JSON object (new reference). When the body is empty,
 * malformed or not an object, answers 400 {"error":{"code":"invalid_json",...}}
 * itself and returns NULL: the handler must then just return. */
json_t *json_io_request_object(motcua_request *req);

/* Sends `body` as application/json with `status` and releases it (steals the
 * reference). When body is NULL (a failed json_pack) or cannot be serialised,
 * answers 500 "internal" instead. */
void json_io_respond(motcua_request *req, int status, json_t *body);

/* For routes that run checks on a body: parses the request body as an object
 * and readies a JSON problem sink. Returns the body (new reference) with the
 * sink ready; or NULL after answering 400 invalid_json or 500 itself, with
 * nothing left to release. Pair with json_io_check_end. */
json_t *json_io_check_begin(motcua_request *req, problem_sink *sink);

/* Releases what json_io_check_begin returned. */
void json_io_check_end(json_t *body, problem_sink *sink);

#endif
