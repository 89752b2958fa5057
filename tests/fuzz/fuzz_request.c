/* Fuzz target: what the web workers parse of a request before any handler runs
 * (fcgi/request.c, fcgi/router.c, the session cookie in fcgi/auth.c): the CGI
 * params (method, URI with its percent-escapes and query string, content
 * length), routing against the whole API's route table with its path
 * parameters and 405 Allow list, the bounded body read, the cookie, and the
 * folding of a search text (core/fold.c). Input: see fuzz_http.h.
 *
 * Contracts checked beyond "no crash, no sanitizer report": a parsed path is
 * absolute; path parameters are non-empty single segments; an Allow list fits;
 * a body read whole has exactly the declared length, NUL-terminated; a cookie
 * token fits and holds no separator. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "auth.h"
#include "dossier.h"
#include "fold.h"
#include "fuzz_http.h"
#include "log.h"
#include "router.h"

/* The body limit of routes without their own ([limits] max_json_body's default). */
enum { FUZZ_BODY_LIMIT = 64 * 1024 };

static router *routes;
static app no_app; /* the handlers' context (never called here), with the default config */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    log_open("/dev/null", LOG_DEBUG);
    char err[256] = "";
    no_app.cfg = config_parse_text("", "defaults.ini", err, sizeof err); /* the route body limits */
    routes = router_new();
    FUZZ_REQUIRE(no_app.cfg != NULL && routes != NULL);
    api_health_register(routes, &no_app);
    api_status_register(routes, &no_app);
    api_procedures_register(routes, &no_app);
    api_dossiers_register(routes, &no_app);
    api_session_register(routes, &no_app);
    api_overdue_register(routes, &no_app);
    api_return_register(routes, &no_app);
    api_lookup_register(routes, &no_app);
    api_stats_register(routes, &no_app);
    api_scan_register(routes, &no_app);
    return 0;
}

static void check_route(request *req)
{
    route_handler handler = NULL;
    void *ctx = NULL;
    size_t limit = 0;
    char allow[128];
    memset(allow, 'x', sizeof allow);
    switch (router_match_limit(routes, req, &handler, &ctx, &limit, allow, sizeof allow)) {
    case ROUTE_FOUND:
        FUZZ_REQUIRE(handler != NULL && ctx == &no_app);
        FUZZ_REQUIRE(req->path_param_count <= REQUEST_MAX_PATH_PARAMS);
        for (size_t i = 0; i < req->path_param_count; i++) {
            const char *v = req->path_params[i].value;
            FUZZ_REQUIRE(v[0] != '\0' && strchr(v, '/') == NULL);
            FUZZ_REQUIRE(request_path_param(req, req->path_params[i].name) != NULL);
        }
        break;
    case ROUTE_METHOD_NOT_ALLOWED:
        FUZZ_REQUIRE(memchr(allow, '\0', sizeof allow) != NULL && allow[0] != '\0');
        break;
    case ROUTE_NOT_FOUND:
        break;
    }

    if (limit == 0)
        limit = FUZZ_BODY_LIMIT;
    request_body_result body = request_read_body(req, limit);
    if (body == BODY_OK && req->body != NULL) {
        FUZZ_REQUIRE(req->content_length >= 0 && req->body_len == (size_t)req->content_length);
        FUZZ_REQUIRE(req->body_len <= limit && req->body[req->body_len] == '\0');
    } else if (body != BODY_OK) {
        FUZZ_REQUIRE(req->body == NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_http h;
    request req;
    request_parse_result parsed;
    if (!fuzz_http_request(&h, &req, data, size, &parsed))
        return 0;
    if (parsed == REQUEST_OK) {
        FUZZ_REQUIRE(req.path != NULL && req.path[0] == '/');
        FUZZ_REQUIRE(req.query_count <= REQUEST_MAX_PARAMS);
        check_route(&req);

        /* What handlers then take from the query and path. */
        char *folded = fold_text(request_query(&req, "q"));
        free(folded);
        const char *code = request_param_value(&req, "code");
        if (code != NULL)
            (void)dossier_code_valid(code);
    }

    char token[SESSION_TOKEN_LEN + 1];
    if (auth_cookie_token(&req, token, sizeof token)) {
        size_t n = strlen(token);
        FUZZ_REQUIRE(n > 0 && n < sizeof token && strchr(token, ';') == NULL);
    } else {
        FUZZ_REQUIRE(token[0] == '\0');
    }
    request_free(&req);
    fuzz_http_free(&h);
    return 0;
}
