/* Route table and matching by path segments. */
#include "router.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct route {
    const char *method;
    const char *pattern;
    route_handler handler;
    void *ctx;
    int literal_segments; /* more literal segments rank first */
    size_t body_limit;    /* 0: the dispatcher's default */
} route;

struct router {
    route *routes;
    size_t count, cap;
};

router *router_new(void)
{
    return calloc(1, sizeof(router));
}

void router_free(router *r)
{
    if (r == NULL)
        return;
    free(r->routes);
    free(r);
}

size_t router_count(const router *r)
{
    return r->count;
}

/* Returns the number of literal segments, or -1 if the pattern is malformed. */
static int pattern_check(const char *p)
{
    if (p == NULL || p[0] != '/')
        return -1;
    int literals = 0, params = 0;
    while (*p == '/') {
        p++;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0 && p[0] == '{') {
            if (len < 3 || p[len - 1] != '}' || memchr(p + 1, '{', len - 2) || memchr(p + 1, '}', len - 2))
                return -1;
            if (++params > REQUEST_MAX_PATH_PARAMS)
                return -1;
        } else {
            if (memchr(p, '{', len) || memchr(p, '}', len))
                return -1;
            literals++;
        }
        p += len;
    }
    return *p == '\0' ? literals : -1;
}

int router_add(router *r, const char *method, const char *pattern, route_handler handler, void *ctx)
{
    return router_add_limited(r, method, pattern, handler, ctx, 0);
}

int router_add_limited(router *r, const char *method, const char *pattern, route_handler handler,
                       void *ctx, size_t body_limit)
{
    int literals = pattern_check(pattern);
    if (literals < 0 || method == NULL || handler == NULL)
        return -1;
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->routes[i].method, method) == 0 && strcmp(r->routes[i].pattern, pattern) == 0)
            return -1;
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        route *grown = realloc(r->routes, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        r->routes = grown;
        r->cap = cap;
    }
    /* Keep routes ordered by literal segments, most first, so that a literal
     * beats a parameter ("/procedures/search" before "/procedures/{code}"). */
    size_t at = r->count;
    while (at > 0 && r->routes[at - 1].literal_segments < literals) {
        r->routes[at] = r->routes[at - 1];
        at--;
    }
    r->routes[at] = (route){method, pattern, handler, ctx, literals, body_limit};
    r->count++;
    return 0;
}

/* Does path match pattern? Fills req's path params when it does and req != NULL. */
static bool pattern_match(const char *pattern, const char *path, request *req)
{
    size_t nparams = 0;
    request_param found[REQUEST_MAX_PATH_PARAMS];
    const char *p = pattern, *s = path;
    while (*p == '/' && *s == '/') {
        p++, s++;
        const char *pend = strchr(p, '/');
        const char *send = strchr(s, '/');
        size_t plen = pend ? (size_t)(pend - p) : strlen(p);
        size_t slen = send ? (size_t)(send - s) : strlen(s);
        if (plen > 0 && p[0] == '{') {
            if (slen == 0)
                return false;
            found[nparams].name = (char *)p;  /* views, copied below on success */
            found[nparams].value = (char *)s;
            nparams++;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return false;
        }
        p += plen;
        s += slen;
    }
    if (*p != '\0' || *s != '\0')
        return false;
    if (req == NULL)
        return true;
    for (size_t i = 0; i < req->path_param_count; i++)
        free(req->path_params[i].value);
    req->path_param_count = 0;
    for (size_t i = 0; i < nparams; i++) {
        const char *name = found[i].name + 1;
        size_t nlen = strcspn(name, "}");
        const char *value = found[i].value;
        size_t vlen = strcspn(value, "/");
        char *v = strndup(value, vlen);
        if (v == NULL)
            return false;
        /* one allocation holds "value\0name\0": request_free frees it via value */
        char *both = realloc(v, vlen + 1 + nlen + 1);
        if (both == NULL) {
            free(v);
            return false;
        }
        memcpy(both + vlen + 1, name, nlen);
        both[vlen + 1 + nlen] = '\0';
        req->path_params[req->path_param_count].value = both;
        req->path_params[req->path_param_count].name = both + vlen + 1;
        req->path_param_count++;
    }
    return true;
}

/* Is method already in the comma-separated list? */
static bool method_listed(const char *list, const char *method)
{
    size_t n = strlen(method);
    for (const char *p = list; (p = strstr(p, method)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

route_match router_match(const router *r, request *req, route_handler *handler, void **ctx,
                         char *allow, size_t allow_len)
{
    size_t ignored;
    return router_match_limit(r, req, handler, ctx, &ignored, allow, allow_len);
}

route_match router_match_limit(const router *r, request *req, route_handler *handler, void **ctx,
                               size_t *body_limit, char *allow, size_t allow_len)
{
    const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
    bool path_known = false;
    for (size_t i = 0; i < r->count; i++) {
        const route *rt = &r->routes[i];
        if (!pattern_match(rt->pattern, req->path, NULL))
            continue;
        if (strcmp(rt->method, method) == 0) {
            if (!pattern_match(rt->pattern, req->path, req))
                return ROUTE_NOT_FOUND;
            *handler = rt->handler;
            *ctx = rt->ctx;
            *body_limit = rt->body_limit;
            return ROUTE_FOUND;
        }
        path_known = true;
    }
    if (!path_known)
        return ROUTE_NOT_FOUND;
    if (allow != NULL && allow_len > 0) {
        allow[0] = '\0';
        size_t used = 0;
        for (size_t i = 0; i < r->count; i++) {
            const route *rt = &r->routes[i];
            if (!pattern_match(rt->pattern, req->path, NULL))
                continue;
            size_t mlen = strlen(rt->method);
            if (method_listed(allow, rt->method))
                continue; /* two patterns matching the same path with one method */
            if (used + mlen + 3 >= allow_len)
                break;
            if (used > 0) {
                memcpy(allow + used, ", ", 2);
                used += 2;
            }
            memcpy(allow + used, rt->method, mlen);
            used += mlen;
            allow[used] = '\0';
        }
    }
    return ROUTE_METHOD_NOT_ALLOWED;
}
