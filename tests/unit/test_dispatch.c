/* Unit tests for app_dispatch: a hand-built app serving parsed requests (404, 405, 413, 400, catalogue). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "catalogue.h"
#include "config.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "store.h"
#include "test_support.h"

/* ---- a hand-built app ------------------------------------------------------- */

typedef struct fixture {
    app a;
    config *cfg;
    test_db db; /* made by the test that wants a store; the store itself is a.st */
} fixture;

/* An app with [limits] max_json_body = 1k, the tuphap and congan data files,
 * the API routes, and no store, plugins or scoreboard. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    char err[512] = "";
    f->cfg = config_parse_text("[limits]\nmax_json_body = 1k\n", "test.ini", err, sizeof err);
    f->a.cfg = f->cfg;
    f->a.cat = catalogue_new();
    f->a.routes = router_new();
    if (f->cfg == NULL || f->a.cat == NULL || f->a.routes == NULL) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    if (catalogue_load_file(f->a.cat, "plugins/tuphap/tuphap.json", "tuphap", err, sizeof err) != 0 ||
        catalogue_load_file(f->a.cat, "plugins/congan/congan.json", "congan", err, sizeof err) != 0) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    api_health_register(f->a.routes, &f->a);
    api_status_register(f->a.routes, &f->a);
    api_procedures_register(f->a.routes, &f->a);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    app_fini(&f->a);
    config_free(f->cfg);
    int rc = f->db.dir[0] != '\0' ? test_db_remove(&f->db) : 0;
    free(f);
    return rc;
}

/* ---- one exchange: a request in, the captured response out ------------------ */

typedef struct exchange {
    test_capture out; /* everything written, 64 KiB at most */
    /* the body the fake peer sends */
    const char *in;
    size_t in_len, in_pos;
    int reads;
    /* the response, split */
    int status;
    char headers[4096];
    const char *body;
    size_t body_len;
    json_t *json;  /* the body parsed, or NULL */
} exchange;

/* Delivers the body 7 bytes at a time. */
static ssize_t exchange_read(void *ctx, char *buf, size_t len)
{
    exchange *x = ctx;
    x->reads++;
    size_t n = x->in_len - x->in_pos;
    if (n > 7)
        n = 7;
    if (n > len)
        n = len;
    memcpy(buf, x->in + x->in_pos, n);
    x->in_pos += n;
    return (ssize_t)n;
}

/* Serves one request. body may be NULL; length overrides CONTENT_LENGTH (NULL:
 * the body's length, or absent without a body). */
static void serve(app *a, exchange *x, const char *method, const char *uri, const char *remote,
                  const char *body, const char *length)
{
    memset(x, 0, sizeof *x);
    char m[64], u[2048], l[64], r[64];
    snprintf(m, sizeof m, "REQUEST_METHOD=%s", method);
    snprintf(u, sizeof u, "REQUEST_URI=%s", uri);
    snprintf(r, sizeof r, "REMOTE_ADDR=%s", remote ? remote : "127.0.0.1");
    char *envp[6] = {m, u, r, "CONTENT_TYPE=application/json", NULL, NULL};
    if (length != NULL) {
        snprintf(l, sizeof l, "CONTENT_LENGTH=%s", length);
        envp[4] = l;
    } else if (body != NULL) {
        snprintf(l, sizeof l, "CONTENT_LENGTH=%zu", strlen(body));
        envp[4] = l;
    }
    x->in = body;
    x->in_len = body ? strlen(body) : 0;

    request req;
    request_parse_result parsed = request_parse(&req, envp);
    req.read_body = exchange_read;
    req.read_ctx = x;
    test_capture_start(&x->out, 65536, &req);
    app_dispatch(a, &req, parsed);
    assert_true(req.responded);
    int status = req.status;
    request_free(&req);

    test_response_split(x->out.buf, x->out.len, x->headers, sizeof x->headers, &x->body, &x->body_len);
    assert_int_equal(sscanf(x->out.buf, "Status: %d ", &x->status), 1);
    assert_int_equal(x->status, status);
    /* Content-Length names what was (or, for HEAD, would have been) sent */
    const char *cl = strstr(x->headers, "\r\nContent-Length: ");
    assert_non_null(cl);
    if (strcmp(method, "HEAD") != 0)
        assert_int_equal(strtoul(cl + 18, NULL, 10), x->body_len);
    x->json = x->body_len ? json_loadb(x->body, x->body_len, 0, NULL) : NULL;
}

static void exchange_done(exchange *x)
{
    json_decref(x->json);
    x->json = NULL;
}

/* error.code of the JSON error body; fails if the shape is not the API's. */
static const char *error_code(const exchange *x)
{
    assert_non_null(x->json);
    json_t *e = json_object_get(x->json, "error");
    assert_true(json_is_object(e));
    const char *message = json_string_value(json_object_get(e, "message"));
    assert_non_null(message);
    assert_true(strlen(message) > 0);
    const char *code = json_string_value(json_object_get(e, "code"));
    assert_non_null(code);
    return code;
}

static void check_json_type(const exchange *x)
{
    assert_non_null(strstr(x->headers, "\r\nContent-Type: " RESPONSE_JSON_TYPE "\r\n"));
}

/* ---- tests ------------------------------------------------------------------- */

static void test_not_found(void **state)
{
    fixture *f = *state;
    exchange x;
    serve(&f->a, &x, "GET", "/api/v1/nothing", NULL, NULL, NULL);
    assert_int_equal(x.status, 404);
    check_json_type(&x);
    assert_string_equal(error_code(&x), "not_found");
    const char *message = json_string_value(json_object_get(json_object_get(x.json, "error"), "message"));
    assert_non_null(strstr(message, "Không có chức năng này"));
    exchange_done(&x);

    serve(&f->a, &x, "GET", "/api/v1/procedures/", NULL, NULL, NULL);
    assert_int_equal(x.status, 404);
    exchange_done(&x);
}

static void test_method_not_allowed(void **state)
{
    fixture *f = *state;
    exchange x;
    serve(&f->a, &x, "DELETE", "/api/v1/procedures", NULL, NULL, NULL);
    assert_int_equal(x.status, 405);
    assert_non_null(strstr(x.headers, "Status: 405 Method Not Allowed\r\n"));
    assert_non_null(strstr(x.headers, "\r\nAllow: GET\r\n"));
    check_json_type(&x);
    assert_string_equal(error_code(&x), "method_not_allowed");
    exchange_done(&x);

    serve(&f->a, &x, "GET", "/api/v1/procedures/khaisinh/validate", NULL, NULL, NULL);
    assert_int_equal(x.status, 405);
    assert_non_null(strstr(x.headers, "\r\nAllow: POST\r\n"));
    exchange_done(&x);

    /* a 405 does not read the body */
    serve(&f->a, &x, "PUT", "/api/v1/procedures/khaisinh", NULL, "{}", NULL);
    assert_int_equal(x.status, 405);
    assert_non_null(strstr(x.headers, "\r\nAllow: GET\r\n"));
    assert_int_equal(x.reads, 0);
    exchange_done(&x);
}

static void test_body_too_large(void **state)
{
    fixture *f = *state;
    exchange x;
    char big[1100];
    memset(big, ' ', sizeof big - 1);
    big[0] = '{';
    big[sizeof big - 2] = '}';
    big[sizeof big - 1] = '\0';
    serve(&f->a, &x, "POST", "/api/v1/procedures/khaisinh/validate", NULL, big, NULL);
    assert_int_equal(x.status, 413);
    assert_string_equal(error_code(&x), "payload_too_large");
    assert_int_equal(x.reads, 0); /* refused on the declared length */
    const char *message = json_string_value(json_object_get(json_object_get(x.json, "error"), "message"));
    assert_non_null(strstr(message, "1 KB"));
    exchange_done(&x);

    /* exactly max_json_body passes the limit */
    big[1023] = '}';
    big[1024] = '\0';
    serve(&f->a, &x, "POST", "/api/v1/procedures/khaisinh/validate", NULL, big, NULL);
    assert_int_equal(x.status, 200);
    assert_int_equal(x.in_pos, 1024);
    exchange_done(&x);

    /* a declared length far above the limit */
    serve(&f->a, &x, "POST", "/api/v1/procedures/khaisinh/validate", NULL, "{}", "1073741824");
    assert_int_equal(x.status, 413);
    assert_int_equal(x.reads, 0);
    exchange_done(&x);
}

static void test_incomplete_body(void **state)
{
    fixture *f = *state;
    exchange x;
    serve(&f->a, &x, "POST", "/api/v1/procedures/khaisinh/validate", NULL, "{\"a\":1}", "100");
    assert_int_equal(x.status, 400);
    assert_string_equal(error_code(&x), "incomplete_body");
    exchange_done(&x);
}

static void test_validate_invalid_json(void **state)
{
    fixture *f = *state;
    const char *bodies[] = {"{not json", "[1,2]", "\"text\"", "{\"a\":", "{} {}"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        exchange x;
        serve(&f->a, &x, "POST", "/api/v1/procedures/khaisinh/validate", NULL, bodies[i], NULL);
        if (x.status != 400)
            fail_msg("body %s: status %d", bodies[i], x.status);
        assert_string_equal(error_code(&x), "invalid_json");
        exchange_done(&x);
    }
    exchange x;
    serve(&f->a, &x, "POST", "/api/v1/procedures/khaisinh/validate", NULL, NULL, "0");
    assert_int_equal(x.status, 400);
    assert_string_equal(error_code(&x), "invalid_json");
    exchange_done(&x);

    serve(&f->a, &x, "POST", "/api/v1/procedures/nope/validate", NULL, "{}", NULL);
    assert_int_equal(x.status, 404);
    assert_string_equal(error_code(&x), "unknown_procedure");
    exchange_done(&x);
}

/* No plugin serves tuphap in this app: the draft is checked as JSON only. */
static void test_validate_without_plugin(void **state)
{
    fixture *f = *state;
    exchange x;
    serve(&f->a, &x, "POST", "/api/v1/procedures/khaisinh/validate", NULL, "{\"procedure\":\"khaisinh\"}", NULL);
    assert_int_equal(x.status, 200);
    check_json_type(&x);
    assert_string_equal(json_string_value(json_object_get(x.json, "procedure")), "khaisinh");
    assert_true(json_is_array(json_object_get(x.json, "problems")));
    assert_true(json_is_boolean(json_object_get(x.json, "valid")));
    exchange_done(&x);
}

/* The codes listed in a catalogue answer, sorted, joined by ",". */
static void listed_codes(const exchange *x, char *out, size_t outlen)
{
    json_t *list = json_object_get(x->json, "procedures");
    assert_true(json_is_array(list));
    assert_int_equal(json_integer_value(json_object_get(x->json, "count")), json_array_size(list));
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *code = json_string_value(json_object_get(json_array_get(list, i), "code"));
        assert_non_null(code);
        int n = snprintf(out + used, outlen - used, "%s%s", i ? "," : "", code);
        assert_true(n > 0 && (size_t)n < outlen - used);
        used += (size_t)n;
    }
}

static void test_catalogue_list(void **state)
{
    fixture *f = *state;
    static const struct { const char *uri; int status; const char *codes; } cases[] = {
        {"/api/v1/procedures", 200, "khaisinh,lltp"},
        {"/api/v1/procedures?department=", 200, "khaisinh,lltp"},
        {"/api/v1/procedures?department=tuphap", 200, "khaisinh"},
        {"/api/v1/procedures?department=congan", 200, "lltp"},
        {"/api/v1/procedures?q=khai+sinh", 200, "khaisinh"},
        {"/api/v1/procedures?q=%C4%90%C4%82NG+K%C3%9D+khai+sinh", 200, "khaisinh"}, /* "ĐĂNG KÝ khai sinh" */
        {"/api/v1/procedures?q=l%C3%BD%20l%E1%BB%8Bch%20t%C6%B0%20ph%C3%A1p", 200, "lltp"}, /* "lý lịch tư pháp" */
        {"/api/v1/procedures?q=ly+lich&department=tuphap", 200, ""},
        {"/api/v1/procedures?q=zzzz", 200, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        exchange x;
        serve(&f->a, &x, "GET", cases[i].uri, NULL, NULL, NULL);
        if (x.status != cases[i].status)
            fail_msg("%s: status %d", cases[i].uri, x.status);
        check_json_type(&x);
        char codes[256];
        listed_codes(&x, codes, sizeof codes);
        if (strcmp(codes, cases[i].codes) != 0)
            fail_msg("%s: listed [%s], expected [%s]", cases[i].uri, codes, cases[i].codes);
        exchange_done(&x);
    }
    exchange x;
    serve(&f->a, &x, "GET", "/api/v1/procedures?department=nope", NULL, NULL, NULL);
    assert_int_equal(x.status, 404);
    assert_string_equal(error_code(&x), "unknown_department");
    exchange_done(&x);
}

static void test_catalogue_detail(void **state)
{
    fixture *f = *state;
    exchange x;
    serve(&f->a, &x, "GET", "/api/v1/procedures/khaisinh", NULL, NULL, NULL);
    assert_int_equal(x.status, 200);
    check_json_type(&x);
    assert_non_null(x.json);
    assert_string_equal(json_string_value(json_object_get(x.json, "code")), "khaisinh");
    assert_string_equal(json_string_value(json_object_get(x.json, "name")), "Đăng ký khai sinh");
    assert_string_equal(json_string_value(json_object_get(json_object_get(x.json, "department"), "id")), "tuphap");
    assert_true(json_array_size(json_object_get(x.json, "documents")) > 0);
    size_t get_len = x.body_len;
    exchange_done(&x);

    /* HEAD: same status and length, no body */
    serve(&f->a, &x, "HEAD", "/api/v1/procedures/khaisinh", NULL, NULL, NULL);
    assert_int_equal(x.status, 200);
    assert_int_equal(x.body_len, 0);
    char want[64];
    snprintf(want, sizeof want, "\r\nContent-Length: %zu\r\n", get_len);
    assert_non_null(strstr(x.headers, want));
    exchange_done(&x);

    serve(&f->a, &x, "GET", "/api/v1/procedures/nope", NULL, NULL, NULL);
    assert_int_equal(x.status, 404);
    assert_string_equal(error_code(&x), "unknown_procedure");
    exchange_done(&x);

    /* the code is percent-decoded before lookup */
    serve(&f->a, &x, "GET", "/api/v1/procedures/%6C%6C%74%70", NULL, NULL, NULL);
    assert_int_equal(x.status, 200);
    assert_string_equal(json_string_value(json_object_get(x.json, "code")), "lltp");
    exchange_done(&x);
}

static void test_parse_errors(void **state)
{
    fixture *f = *state;
    exchange x;
    serve(&f->a, &x, "GET", "/api/v1/procedures/%zz", NULL, NULL, NULL);
    assert_int_equal(x.status, 400);
    assert_string_equal(error_code(&x), "bad_uri");
    exchange_done(&x);

    serve(&f->a, &x, "GET", "/api/v1/procedures?q=%00", NULL, NULL, NULL);
    assert_int_equal(x.status, 400);
    assert_string_equal(error_code(&x), "bad_uri");
    exchange_done(&x);

    char uri[1024];
    size_t used = (size_t)snprintf(uri, sizeof uri, "/api/v1/procedures?");
    for (int i = 0; i <= REQUEST_MAX_PARAMS; i++)
        used += (size_t)snprintf(uri + used, sizeof uri - used, "p%d=1&", i);
    serve(&f->a, &x, "GET", uri, NULL, NULL, NULL);
    assert_int_equal(x.status, 400);
    assert_string_equal(error_code(&x), "too_many_parameters");
    exchange_done(&x);

    serve(&f->a, &x, "POST", "/api/v1/procedures/khaisinh/validate", NULL, "{}", "-5");
    assert_int_equal(x.status, 400);
    assert_string_equal(error_code(&x), "bad_content_length");
    assert_int_equal(x.reads, 0);
    exchange_done(&x);
}

static void test_status_and_health_without_process_manager(void **state)
{
    fixture *f = *state;
    exchange x;
    /* Admin-only (fcgi/api_status.c): without a session, loopback or not, 401. */
    serve(&f->a, &x, "GET", "/api/v1/status", "127.0.0.1", NULL, NULL);
    assert_int_equal(x.status, 401);
    assert_string_equal(error_code(&x), "not_logged_in");
    exchange_done(&x);

    serve(&f->a, &x, "GET", "/api/v1/status", "10.0.0.7", NULL, NULL);
    assert_int_equal(x.status, 401);
    assert_string_equal(error_code(&x), "not_logged_in");
    exchange_done(&x);

    /* no store: degraded */
    serve(&f->a, &x, "GET", "/api/v1/health", NULL, NULL, NULL);
    assert_int_equal(x.status, 503);
    assert_string_equal(json_string_value(json_object_get(x.json, "status")), "degraded");
    exchange_done(&x);

    /* with a store: ok */
    assert_int_equal(test_db_make(&f->db, "dispatch"), 0);
    char err[256];
    assert_int_equal(store_open(f->db.path, 1000, &f->a.st, err, sizeof err), 0);
    serve(&f->a, &x, "GET", "/api/v1/health", NULL, NULL, NULL);
    assert_int_equal(x.status, 200);
    assert_string_equal(json_string_value(json_object_get(x.json, "status")), "ok");
    assert_int_equal(json_integer_value(json_object_get(x.json, "procedures")), 2);
    assert_int_equal(json_integer_value(json_object_get(x.json, "plugins")), 0);
    exchange_done(&x);
}

/* A handler that forgets to answer. */
static void silent_handler(request *req, void *ctx)
{
    (void)req, (void)ctx;
}

/* A handler that answers twice: the second answer is dropped. */
static void double_handler(request *req, void *ctx)
{
    (void)ctx;
    response_send(req, 200, "text/plain", NULL, "first", 5);
    response_send(req, 201, "text/plain", NULL, "second", 6);
}

static void test_exactly_one_response(void **state)
{
    fixture *f = *state;
    assert_int_equal(router_add(f->a.routes, "GET", "/api/v1/silent", silent_handler, NULL), 0);
    assert_int_equal(router_add(f->a.routes, "GET", "/api/v1/double", double_handler, NULL), 0);
    exchange x;
    serve(&f->a, &x, "GET", "/api/v1/silent", NULL, NULL, NULL);
    assert_int_equal(x.status, 500);
    assert_string_equal(error_code(&x), "internal");
    exchange_done(&x);

    serve(&f->a, &x, "GET", "/api/v1/double", NULL, NULL, NULL);
    assert_int_equal(x.status, 200);
    assert_int_equal(x.body_len, 5);
    assert_memory_equal(x.body, "first", 5);
    exchange_done(&x);
}

/* The department plugins of $BUILD/plugins loaded into the app: validate runs
 * the owner's hook, and plugin routes answer through dispatch. */
static void test_with_plugins(void **state)
{
    fixture *f = *state;
    /* a fresh catalogue: the plugins bring their own data */
    catalogue_free(f->a.cat);
    f->a.cat = catalogue_new();
    assert_non_null(f->a.cat);
    const char *build = getenv("BUILD");
    char dir[PATH_MAX], err[512] = "";
    snprintf(dir, sizeof dir, "%s/plugins", build && build[0] ? build : "build");
    assert_int_equal(plugin_set_load(&f->a.plugins, dir, f->a.cat, f->cfg, NULL, NULL, NULL, err, sizeof err), 0);
    assert_non_null(plugin_set_find(&f->a.plugins, "tuphap"));
    assert_int_equal(plugin_set_mount(&f->a.plugins, f->a.routes), 0);

    exchange x;
    serve(&f->a, &x, "POST", "/api/v1/procedures/khaisinh/validate", NULL, "{\"procedure\":\"khaisinh\"}", NULL);
    assert_int_equal(x.status, 200);
    assert_false(json_is_true(json_object_get(x.json, "valid")));
    json_t *problems = json_object_get(x.json, "problems");
    assert_true(json_array_size(problems) > 0);
    const char *message = json_string_value(json_object_get(json_array_get(problems, 0), "message"));
    assert_non_null(message);
    assert_true(strlen(message) > 0);
    exchange_done(&x);

    /* every plugin route is reachable at its mounted path */
    for (size_t i = 0; i < f->a.plugins.count; i++) {
        loaded_plugin *p = &f->a.plugins.items[i];
        for (size_t j = 0; j < p->route_count; j++) {
            if (strchr(p->routes[j].pattern, '{') != NULL)
                continue;
            const char *method = p->routes[j].route->method;
            const char *other = strcmp(method, "DELETE") == 0 ? "PATCH" : "DELETE";
            serve(&f->a, &x, other, p->routes[j].pattern, NULL, NULL, NULL);
            if (x.status != 405)
                fail_msg("%s %s: status %d, expected 405", other, p->routes[j].pattern, x.status);
            exchange_done(&x);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_method_not_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incomplete_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_invalid_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_without_plugin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_catalogue_detail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_and_health_without_process_manager, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exactly_one_response, setup, teardown),
        cmocka_unit_test_setup_teardown(test_with_plugins, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
