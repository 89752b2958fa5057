/* Unit tests for the router: literal/parameter precedence, path parameters, 404/405, HEAD, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "router.h"

/* Distinct handlers, told apart by address; they are never called. */
static void handler_literal(request *req, void *ctx) { (void)req, (void)ctx; }
static void handler_param(request *req, void *ctx) { (void)req, (void)ctx; }
static void handler_other(request *req, void *ctx) { (void)req, (void)ctx; }

/* A request as FastCGI would hand it over; envp must outlive the request. */
typedef struct fake_env {
    char method[32];
    char uri[512];
    char *envp[3];
} fake_env;

static void parse_request(request *req, fake_env *env, const char *method, const char *uri)
{
    snprintf(env->method, sizeof env->method, "REQUEST_METHOD=%s", method);
    snprintf(env->uri, sizeof env->uri, "REQUEST_URI=%s", uri);
    env->envp[0] = env->method;
    env->envp[1] = env->uri;
    env->envp[2] = NULL;
    assert_int_equal(request_parse(req, env->envp), REQUEST_OK);
}

/* Matches method+uri on r; returns the outcome and fills the outputs. */
static route_match match(const router *r, const char *method, const char *uri, route_handler *h,
                         void **ctx, char *allow, size_t allow_len)
{
    fake_env env;
    request req;
    parse_request(&req, &env, method, uri);
    route_match m = router_match(r, &req, h, ctx, allow, allow_len);
    request_free(&req);
    return m;
}

static void check_precedence(router *r)
{
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(match(r, "GET", "/api/v1/procedures/search", &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_ptr_equal(h, handler_literal);
    assert_string_equal((const char *)ctx, "literal");

    assert_int_equal(match(r, "GET", "/api/v1/procedures/khaisinh", &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_ptr_equal(h, handler_param);
    assert_string_equal((const char *)ctx, "param");
}

/* The same two routes added in both orders give the same matches. */
static void test_literal_beats_param_any_order(void **state)
{
    (void)state;
    for (int literal_first = 0; literal_first <= 1; literal_first++) {
        router *r = router_new();
        assert_non_null(r);
        if (literal_first)
            assert_int_equal(router_add(r, "GET", "/api/v1/procedures/search", handler_literal, "literal"), 0);
        assert_int_equal(router_add(r, "GET", "/api/v1/procedures/{code}", handler_param, "param"), 0);
        if (!literal_first)
            assert_int_equal(router_add(r, "GET", "/api/v1/procedures/search", handler_literal, "literal"), 0);
        check_precedence(r);
        router_free(r);
    }
}

/* Deeper patterns: the one with more literal segments wins at any position. */
static void test_more_literals_win(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(router_add(r, "GET", "/{a}/{b}/c", handler_param, "two params"), 0);
    assert_int_equal(router_add(r, "GET", "/x/{b}/c", handler_other, "one param"), 0);
    assert_int_equal(router_add(r, "GET", "/x/y/c", handler_literal, "no param"), 0);
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(match(r, "GET", "/x/y/c", &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_ptr_equal(h, handler_literal);
    assert_int_equal(match(r, "GET", "/x/z/c", &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_ptr_equal(h, handler_other);
    assert_int_equal(match(r, "GET", "/w/z/c", &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_ptr_equal(h, handler_param);
    router_free(r);
}

static void test_path_params_extracted(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(router_add(r, "POST", "/api/v1/dossiers/{code}/forms/{form}", handler_param, NULL), 0);
    fake_env env;
    request req;
    parse_request(&req, &env, "POST", "/api/v1/dossiers/H35.251122.0007/forms/01.pdf?form=query");
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(router_match(r, &req, &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_ptr_equal(h, handler_param);
    assert_int_equal(req.path_param_count, 2);
    assert_string_equal(request_path_param(&req, "code"), "H35.251122.0007");
    assert_string_equal(request_path_param(&req, "form"), "01.pdf");
    assert_null(request_path_param(&req, "missing"));
    /* the path parameter wins over a query parameter of the same name */
    assert_string_equal(request_param_value(&req, "form"), "01.pdf");
    assert_string_equal(request_query(&req, "form"), "query");

    /* matching again replaces the parameters (valgrind: the first set is freed) */
    assert_int_equal(router_match(r, &req, &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_int_equal(req.path_param_count, 2);
    request_free(&req);
    assert_int_equal(req.path_param_count, 0);
    router_free(r);
}

/* Parameters are matched on the decoded path: UTF-8 values come out intact. */
static void test_path_param_decoded(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(router_add(r, "GET", "/api/v1/procedures/{code}", handler_param, NULL), 0);
    fake_env env;
    request req;
    parse_request(&req, &env, "GET", "/api/v1/procedures/kh%C3%A1i%20sinh");
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(router_match(r, &req, &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_string_equal(request_path_param(&req, "code"), "khái sinh");
    request_free(&req);
    router_free(r);
}

static void test_not_found_and_method_not_allowed(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(router_add(r, "GET", "/api/v1/procedures", handler_literal, NULL), 0);
    assert_int_equal(router_add(r, "POST", "/api/v1/procedures", handler_other, NULL), 0);
    assert_int_equal(router_add(r, "DELETE", "/api/v1/session", handler_other, NULL), 0);
    route_handler h = NULL;
    void *ctx = NULL;
    char allow[64];

    assert_int_equal(match(r, "GET", "/api/v1/nothing", &h, &ctx, allow, sizeof allow), ROUTE_NOT_FOUND);
    assert_int_equal(match(r, "GET", "/", &h, &ctx, allow, sizeof allow), ROUTE_NOT_FOUND);

    memset(allow, 'x', sizeof allow);
    assert_int_equal(match(r, "PUT", "/api/v1/procedures", &h, &ctx, allow, sizeof allow),
                     ROUTE_METHOD_NOT_ALLOWED);
    assert_string_equal(allow, "GET, POST");

    assert_int_equal(match(r, "GET", "/api/v1/session", &h, &ctx, allow, sizeof allow),
                     ROUTE_METHOD_NOT_ALLOWED);
    assert_string_equal(allow, "DELETE");

    /* HEAD on a path with no GET route is not allowed either */
    assert_int_equal(match(r, "HEAD", "/api/v1/session", &h, &ctx, allow, sizeof allow),
                     ROUTE_METHOD_NOT_ALLOWED);
    assert_string_equal(allow, "DELETE");

    /* a NULL allow buffer is accepted */
    assert_int_equal(match(r, "PATCH", "/api/v1/procedures", &h, &ctx, NULL, 0), ROUTE_METHOD_NOT_ALLOWED);
    router_free(r);
}

/* The Allow list comes from every pattern matching the path, literal or not. */
static void test_allow_lists_each_method_once(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(router_add(r, "GET", "/api/v1/dossiers/{code}", handler_param, NULL), 0);
    assert_int_equal(router_add(r, "POST", "/api/v1/dossiers/{code}", handler_param, NULL), 0);
    assert_int_equal(router_add(r, "POST", "/api/v1/dossiers/new", handler_literal, NULL), 0);
    route_handler h = NULL;
    void *ctx = NULL;
    char allow[64];
    assert_int_equal(match(r, "DELETE", "/api/v1/dossiers/new", &h, &ctx, allow, sizeof allow),
                     ROUTE_METHOD_NOT_ALLOWED);
    assert_non_null(strstr(allow, "GET"));
    assert_non_null(strstr(allow, "POST"));
    /* "POST, GET, POST" would repeat a method: each must appear once */
    const char *first = strstr(allow, "POST");
    if (strstr(first + 4, "POST") != NULL)
        fail_msg("Allow: %s names a method twice", allow);

    /* two GET patterns for one path: "GET", not "GET, GET" */
    assert_int_equal(router_add(r, "GET", "/api/v1/dossiers/new", handler_literal, NULL), 0);
    assert_int_equal(match(r, "PUT", "/api/v1/dossiers/new", &h, &ctx, allow, sizeof allow),
                     ROUTE_METHOD_NOT_ALLOWED);
    assert_string_equal(allow, "POST, GET");
    assert_int_equal(match(r, "PUT", "/api/v1/dossiers/other", &h, &ctx, allow, sizeof allow),
                     ROUTE_METHOD_NOT_ALLOWED);
    assert_string_equal(allow, "GET, POST");
    router_free(r);
}

/* A small Allow buffer holds whole method names only, always terminated. */
static void test_allow_buffer_too_small(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(router_add(r, "GET", "/a", handler_literal, NULL), 0);
    assert_int_equal(router_add(r, "POST", "/a", handler_literal, NULL), 0);
    assert_int_equal(router_add(r, "DELETE", "/a", handler_literal, NULL), 0);
    route_handler h = NULL;
    void *ctx = NULL;
    char allow[8];
    memset(allow, 'x', sizeof allow);
    assert_int_equal(match(r, "PUT", "/a", &h, &ctx, allow, sizeof allow), ROUTE_METHOD_NOT_ALLOWED);
    assert_string_equal(allow, "GET");
    router_free(r);
}

/* A literal route with another method does not hide a parameter route with this method. */
static void test_method_falls_through_to_param_route(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(router_add(r, "POST", "/api/v1/procedures/search", handler_literal, NULL), 0);
    assert_int_equal(router_add(r, "GET", "/api/v1/procedures/{code}", handler_param, NULL), 0);
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(match(r, "GET", "/api/v1/procedures/search", &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_ptr_equal(h, handler_param);
    router_free(r);
}

static void test_head_matches_get(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(router_add(r, "GET", "/api/v1/procedures/{code}", handler_param, "get"), 0);
    route_handler h = NULL;
    void *ctx = NULL;
    fake_env env;
    request req;
    parse_request(&req, &env, "HEAD", "/api/v1/procedures/lltp");
    assert_int_equal(router_match(r, &req, &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_ptr_equal(h, handler_param);
    assert_string_equal((const char *)ctx, "get");
    assert_string_equal(req.method, "HEAD"); /* the response module needs to know */
    assert_string_equal(request_path_param(&req, "code"), "lltp");
    request_free(&req);
    router_free(r);
}

static void test_trailing_slash_and_empty_segments(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(router_add(r, "GET", "/api/v1/health", handler_literal, NULL), 0);
    assert_int_equal(router_add(r, "GET", "/api/v1/procedures/{code}/validate", handler_param, NULL), 0);
    assert_int_equal(router_add(r, "GET", "/api/v1/dossiers/{code}", handler_param, NULL), 0);
    route_handler h = NULL;
    void *ctx = NULL;
    char allow[64];
    const char *misses[] = {
        "/api/v1/health/",
        "/api/v1//health",
        "//api/v1/health",
        "/api/v1/health//",
        "/api/v1/procedures//validate",
        "/api/v1/procedures/khaisinh/validate/",
        "/api/v1/dossiers/",
        "/api/v1/dossiers//",
        "/api/v1/dossiers",
        "/api/v1/dossiers/a/b",
        "/api/v1/healthz",
        "/api/v1/healt",
    };
    for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
        route_match m = match(r, "GET", misses[i], &h, &ctx, allow, sizeof allow);
        if (m != ROUTE_NOT_FOUND)
            fail_msg("%s matched (%d), expected 404", misses[i], (int)m);
    }
    assert_int_equal(match(r, "GET", "/api/v1/health", &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_int_equal(match(r, "GET", "/api/v1/procedures/x/validate", &h, &ctx, NULL, 0), ROUTE_FOUND);
    router_free(r);
}

static void test_malformed_patterns_refused(void **state)
{
    (void)state;
    router *r = router_new();
    const char *bad[] = {
        "",            "api/v1",     "procedures/{code}", "/a/{",    "/a/{}",
        "/a/{x",       "/a/x}",      "/a/{x}y",           "/a/y{x}", "/a/{{x}}",
        "/a/{x{y}",    "/{x}}/b",    "/a/}{",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (router_add(r, "GET", bad[i], handler_literal, NULL) != -1)
            fail_msg("pattern '%s' was accepted", bad[i]);
    assert_int_equal(router_add(r, "GET", NULL, handler_literal, NULL), -1);
    assert_int_equal(router_add(r, NULL, "/a", handler_literal, NULL), -1);
    assert_int_equal(router_add(r, "GET", "/a", NULL, NULL), -1);
    assert_int_equal(router_count(r), 0);
    router_free(r);
}

static void test_duplicates_refused(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(router_add(r, "GET", "/api/v1/procedures/{code}", handler_param, NULL), 0);
    assert_int_equal(router_add(r, "GET", "/api/v1/procedures/{code}", handler_other, NULL), -1);
    assert_int_equal(router_add(r, "POST", "/api/v1/procedures/{code}", handler_other, NULL), 0);
    assert_int_equal(router_count(r), 2);
    /* the first route stays in place */
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(match(r, "GET", "/api/v1/procedures/x", &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_ptr_equal(h, handler_param);
    router_free(r);
}

static void test_param_limit(void **state)
{
    (void)state;
    router *r = router_new();
    assert_int_equal(REQUEST_MAX_PATH_PARAMS, 8);
    assert_int_equal(router_add(r, "GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", handler_param, NULL), -1);
    assert_int_equal(router_add(r, "GET", "/x/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/y", handler_param, NULL), -1);
    assert_int_equal(router_count(r), 0);
    assert_int_equal(router_add(r, "GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", handler_param, NULL), 0);

    fake_env env;
    request req;
    parse_request(&req, &env, "GET", "/1/2/3/4/5/6/7/8");
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(router_match(r, &req, &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_int_equal(req.path_param_count, 8);
    assert_string_equal(request_path_param(&req, "a"), "1");
    assert_string_equal(request_path_param(&req, "h"), "8");
    request_free(&req);
    router_free(r);
}

/* Many routes: the table grows past its first allocation and keeps every route. */
static void test_many_routes(void **state)
{
    (void)state;
    router *r = router_new();
    static char patterns[100][32];
    for (int i = 0; i < 100; i++) {
        snprintf(patterns[i], sizeof patterns[i], "/r%d/{id}", i);
        assert_int_equal(router_add(r, "GET", patterns[i], handler_param, patterns[i]), 0);
    }
    assert_int_equal(router_count(r), 100);
    route_handler h = NULL;
    void *ctx = NULL;
    assert_int_equal(match(r, "GET", "/r77/abc", &h, &ctx, NULL, 0), ROUTE_FOUND);
    assert_ptr_equal(ctx, patterns[77]);
    router_free(r);
    router_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_beats_param_any_order),
        cmocka_unit_test(test_more_literals_win),
        cmocka_unit_test(test_path_params_extracted),
        cmocka_unit_test(test_path_param_decoded),
        cmocka_unit_test(test_not_found_and_method_not_allowed),
        cmocka_unit_test(test_allow_lists_each_method_once),
        cmocka_unit_test(test_allow_buffer_too_small),
        cmocka_unit_test(test_method_falls_through_to_param_route),
        cmocka_unit_test(test_head_matches_get),
        cmocka_unit_test(test_trailing_slash_and_empty_segments),
        cmocka_unit_test(test_malformed_patterns_refused),
        cmocka_unit_test(test_duplicates_refused),
        cmocka_unit_test(test_param_limit),
        cmocka_unit_test(test_many_routes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
