/* The router: (method, path pattern) -> handler. Patterns are absolute paths whose
 * segments are literals or {name} parameters: "/api/v1/procedures/{code}". */
#ifndef MOTCUA_ROUTER_H
#define MOTCUA_ROUTER_H

#include <stddef.h>
#include "request.h"

typedef void (*route_handler)(request *req, void *ctx);

typedef struct router router;

typedef enum route_match {
    ROUTE_FOUND,
    ROUTE_NOT_FOUND,          /* no pattern matches the path */
    ROUTE_METHOD_NOT_ALLOWED  /* a pattern matches, not with this method */
} route_match;

/* An empty router, or NULL when out of memory. */
router *router_new(void);
void router_free(router *r);

/* Adds a route; pattern and ctx are borrowed and must outlive the router.
 * Returns 0, or -1 when the pattern is malformed (not absolute, empty or
 * unterminated {param}, more than REQUEST_MAX_PATH_PARAMS parameters) or the
 * same method+pattern is already routed. Literal segments win over parameters
 * whatever the order of adding. */
int router_add(router *r, const char *method, const char *pattern, route_handler handler, void *ctx);

/* Matches req->method and req->path. On ROUTE_FOUND sets *handler, *ctx and the
 * request's path parameters. On ROUTE_METHOD_NOT_ALLOWED writes the allowed
 * methods ("GET, POST") into allow. A trailing slash is not ignored: "/a/" is not "/a".
 * HEAD matches GET routes. */
route_match router_match(const router *r, request *req, route_handler *handler, void **ctx,
                         char *allow, size_t allow_len);

/* Like router_add, for a route whose body may be larger (or must be smaller) than the
 * dispatcher's default limit: body_limit bytes, 0 meaning the default. */
int router_add_limited(router *r, const char *method, const char *pattern, route_handler handler,
                       void *ctx, size_t body_limit);

/* router_match that also gives the matched route's body limit (0: the default) in
 * *body_limit on ROUTE_FOUND. */
route_match router_match_limit(const router *r, request *req, route_handler *handler, void **ctx,
                               size_t *body_limit, char *allow, size_t allow_len);

size_t router_count(const router *r);

#endif
