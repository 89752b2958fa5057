/* One HTTP request as FastCGI hands it over: CGI params, decoded path and query,
 * path parameters set by the router, and a bounded body. */
#ifndef MOTCUA_REQUEST_H
#define MOTCUA_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define REQUEST_MAX_PARAMS 32
#define REQUEST_MAX_PATH_PARAMS 8

typedef struct request_param {
    char *name;
    char *value;
} request_param;

/* Reads up to len body bytes into buf; returns bytes read, 0 at end, -1 on error. */
typedef ssize_t (*request_body_reader)(void *ctx, char *buf, size_t len);
/* Writes len response bytes; returns 0 or -1. */
typedef int (*request_writer)(void *ctx, const char *buf, size_t len);

typedef struct request {
    char **envp;                 /* NULL-terminated "NAME=value" list, borrowed */
    const char *method;          /* REQUEST_METHOD, "" if absent */
    char *path;                  /* percent-decoded path of REQUEST_URI, without the query */
    const char *content_type;    /* CONTENT_TYPE or NULL */
    const char *remote_addr;     /* REMOTE_ADDR or NULL */
    long long content_length;    /* CONTENT_LENGTH, or -1 when absent */
    request_param query[REQUEST_MAX_PARAMS];
    size_t query_count;
    request_param path_params[REQUEST_MAX_PATH_PARAMS]; /* name lives in value's allocation */
    size_t path_param_count;
    char *body;                  /* after request_read_body: bytes + NUL, or NULL if empty */
    size_t body_len;

    request_body_reader read_body;
    void *read_ctx;
    request_writer write;
    void *write_ctx;
    bool responded;              /* set by the response module */
    int status;                  /* status sent, for logs and counters */
    void *route_ctx;             /* what the router matched, for the handler */
} request;

typedef enum request_parse_result {
    REQUEST_OK = 0,
    REQUEST_BAD_URI,          /* bad percent-escape, NUL byte, not absolute */
    REQUEST_TOO_MANY_PARAMS,  /* more than REQUEST_MAX_PARAMS query parameters */
    REQUEST_BAD_LENGTH,       /* CONTENT_LENGTH that is not a number */
    REQUEST_NO_MEMORY
} request_parse_result;

/* Fills req from envp (borrowed; must outlive req). I/O callbacks are set by
 * the caller afterwards. On error req is still safe to pass to request_free. */
request_parse_result request_parse(request *req, char **envp);

/* Frees what the request owns; the struct itself is the caller's. */
void request_free(request *req);

/* The value of a CGI param ("HTTP_COOKIE", "SERVER_PROTOCOL"...), or NULL. */
const char *request_env(const request *req, const char *name);

/* A decoded query parameter (first occurrence), or NULL. */
const char *request_query(const request *req, const char *name);

/* A path parameter set by the router, or NULL. */
const char *request_path_param(const request *req, const char *name);

/* A path parameter if present, else a query parameter, else NULL. */
const char *request_param_value(const request *req, const char *name);

typedef enum request_body_result {
    BODY_OK = 0,
    BODY_TOO_LARGE,      /* declared or actual length above limit: nothing kept */
    BODY_INCOMPLETE,     /* the peer sent fewer bytes than declared */
    BODY_NO_MEMORY
} request_body_result;

/* Reads the whole body, at most limit bytes, into req->body (NUL-terminated).
 * Refuses a declared CONTENT_LENGTH above limit before reading a byte. */
request_body_result request_read_body(request *req, size_t limit);

/* Decodes %XX escapes (and '+' as space when plus_is_space) in place.
 * Returns false on a bad escape or an encoded NUL. */
bool request_url_decode(char *s, bool plus_is_space);

#endif
