/* Unit tests for request parsing (CGI params, path and query decoding) and bounded body reading. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

/* ---- parsing -------------------------------------------------------------- */

static void test_parse_basic(void **state)
{
    (void)state;
    char *envp[] = {
        "REQUEST_METHOD=POST",
        "CONTENT_TYPE=application/json",
        "CONTENT_LENGTH=42",
        "REMOTE_ADDR=127.0.0.1",
        "HTTP_COOKIE=sid=abc",
        "REQUEST_URI=/api/v1/dossiers",
        NULL,
    };
    request req;
    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    assert_string_equal(req.method, "POST");
    assert_string_equal(req.content_type, "application/json");
    assert_int_equal(req.content_length, 42);
    assert_string_equal(req.remote_addr, "127.0.0.1");
    assert_string_equal(req.path, "/api/v1/dossiers");
    assert_int_equal(req.query_count, 0);
    assert_int_equal(req.path_param_count, 0);
    assert_null(req.body);
    assert_false(req.responded);
    assert_string_equal(request_env(&req, "HTTP_COOKIE"), "sid=abc");
    /* a name is matched whole, not as a prefix */
    assert_null(request_env(&req, "HTTP_COOKI"));
    assert_null(request_env(&req, "REQUEST"));
    assert_null(request_env(&req, "HTTP_ACCEPT"));
    request_free(&req);
}

static void test_parse_absent_fields(void **state)
{
    (void)state;
    char *envp[] = {"REQUEST_URI=/", "CONTENT_TYPE=", "CONTENT_LENGTH=", NULL};
    request req;
    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    assert_string_equal(req.method, "");
    assert_null(req.content_type);
    assert_null(req.remote_addr);
    assert_int_equal(req.content_length, -1);
    assert_string_equal(req.path, "/");
    request_free(&req);

    char *envp2[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/x", "CONTENT_LENGTH=0", NULL};
    assert_int_equal(request_parse(&req, envp2), REQUEST_OK);
    assert_int_equal(req.content_length, 0);
    request_free(&req);
}

static void test_parse_path_decoding(void **state)
{
    (void)state;
    /* "thủ tục" percent-encoded in UTF-8; '+' in a path is a plus, not a space */
    char *envp[] = {"REQUEST_METHOD=GET",
                    "REQUEST_URI=/api/v1/th%E1%BB%A7%20t%e1%bb%a5c/a+b?q=1", NULL};
    request req;
    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    assert_string_equal(req.path, "/api/v1/thủ tục/a+b");
    assert_string_equal(request_query(&req, "q"), "1");
    request_free(&req);
}

static void test_parse_query_decoding(void **state)
{
    (void)state;
    char *envp[] = {
        "REQUEST_METHOD=GET",
        "REQUEST_URI=/api/v1/procedures?ignored=1",
        "QUERY_STRING=q=%C4%91%C4%83ng+k%C3%BD&department=tuphap&empty=&flag&a%2Bb=c%26d&sp%20ace=x+y",
        NULL,
    };
    request req;
    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    assert_string_equal(req.path, "/api/v1/procedures");
    assert_int_equal(req.query_count, 6);
    assert_string_equal(request_query(&req, "q"), "đăng ký");
    assert_string_equal(request_query(&req, "department"), "tuphap");
    assert_string_equal(request_query(&req, "empty"), "");
    assert_string_equal(request_query(&req, "flag"), "");
    assert_string_equal(request_query(&req, "a+b"), "c&d");
    assert_string_equal(request_query(&req, "sp ace"), "x y");
    /* QUERY_STRING is what FastCGI says the query is */
    assert_null(request_query(&req, "ignored"));
    assert_null(request_query(&req, "missing"));
    assert_null(request_path_param(&req, "q"));
    assert_string_equal(request_param_value(&req, "q"), "đăng ký");
    request_free(&req);
}

static void test_parse_query_from_uri(void **state)
{
    (void)state;
    char *envp[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/lookup?code=H35.251122.0007&pin=123456&&", NULL};
    request req;
    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    assert_string_equal(req.path, "/lookup");
    assert_int_equal(req.query_count, 2);
    assert_string_equal(request_query(&req, "code"), "H35.251122.0007");
    assert_string_equal(request_query(&req, "pin"), "123456");
    request_free(&req);
}

static void test_parse_repeated_key_first_wins(void **state)
{
    (void)state;
    char *envp[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/x", "QUERY_STRING=a=1&b=2&a=3", NULL};
    request req;
    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    assert_string_equal(request_query(&req, "a"), "1");
    assert_string_equal(request_query(&req, "b"), "2");
    request_free(&req);
}

/* Each of these must fail with `want`, and the request must still be freeable. */
static void expect_parse(char **envp, request_parse_result want)
{
    request req;
    request_parse_result got = request_parse(&req, envp);
    if (got != want) {
        char desc[512] = "";
        size_t used = 0;
        for (char **e = envp; *e && used < sizeof desc; e++)
            used += (size_t)snprintf(desc + used, sizeof desc - used, "%s ", *e);
        request_free(&req);
        fail_msg("%s: got %d, want %d", desc, (int)got, (int)want);
    }
    request_free(&req);
}

static void test_parse_bad_uri(void **state)
{
    (void)state;
    const char *uris[] = {
        "REQUEST_URI=/a%00b",          "REQUEST_URI=/a%zz",       "REQUEST_URI=/a%4",
        "REQUEST_URI=/a%",             "REQUEST_URI=/a%g1",       "REQUEST_URI=api/v1",
        "REQUEST_URI=",                "REQUEST_URI=/a?x=%00",    "REQUEST_URI=/a?x=%zz",
        "REQUEST_URI=/a?%zz=1",        "REQUEST_URI=/a?x=1&y=%",  "REQUEST_URI=http://h/a",
        "REQUEST_URI=/a/x%2Fy",        "REQUEST_URI=/a/x%2fy",
    };
    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++) {
        char *envp[] = {"REQUEST_METHOD=GET", (char *)uris[i], NULL};
        expect_parse(envp, REQUEST_BAD_URI);
    }
    char *missing[] = {"REQUEST_METHOD=GET", "QUERY_STRING=a=1", NULL};
    expect_parse(missing, REQUEST_BAD_URI);
    char *nul_in_query[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/a", "QUERY_STRING=a=%00", NULL};
    expect_parse(nul_in_query, REQUEST_BAD_URI);
}

static void test_parse_bad_length(void **state)
{
    (void)state;
    const char *lengths[] = {
        "CONTENT_LENGTH=-1", "CONTENT_LENGTH=abc", "CONTENT_LENGTH=12abc",
        "CONTENT_LENGTH=1.5", "CONTENT_LENGTH=99999999999999999999999", "CONTENT_LENGTH=0x10",
        "CONTENT_LENGTH=+5", "CONTENT_LENGTH= 5",
    };
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        char *envp[] = {"REQUEST_METHOD=POST", (char *)lengths[i], "REQUEST_URI=/a", NULL};
        expect_parse(envp, REQUEST_BAD_LENGTH);
    }
}

static void test_parse_too_many_params(void **state)
{
    (void)state;
    char qs[1024];
    size_t used = (size_t)snprintf(qs, sizeof qs, "QUERY_STRING=");
    for (int i = 0; i < REQUEST_MAX_PARAMS; i++)
        used += (size_t)snprintf(qs + used, sizeof qs - used, "%sk%d=%d", i ? "&" : "", i, i);
    char *envp[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/a", qs, NULL};
    request req;
    assert_int_equal(request_parse(&req, envp), REQUEST_OK);
    assert_int_equal(req.query_count, REQUEST_MAX_PARAMS);
    assert_string_equal(request_query(&req, "k31"), "31");
    request_free(&req);

    snprintf(qs + used, sizeof qs - used, "&one=more");
    expect_parse(envp, REQUEST_TOO_MANY_PARAMS);
}

static void test_url_decode(void **state)
{
    (void)state;
    char a[] = "a+b%41%42%c3%a9";
    assert_true(request_url_decode(a, false));
    assert_string_equal(a, "a+bABé");
    char b[] = "a+b%20c";
    assert_true(request_url_decode(b, true));
    assert_string_equal(b, "a b c");
    char c[] = "%2B";
    assert_true(request_url_decode(c, true));
    assert_string_equal(c, "+");
    char d[] = "x%00";
    assert_false(request_url_decode(d, false));
    char e[] = "%0";
    assert_false(request_url_decode(e, false));
    char f[] = "";
    assert_true(request_url_decode(f, true));
    assert_string_equal(f, "");
}

/* ---- body ----------------------------------------------------------------- */

/* Delivers data at most `chunk` bytes a call; fails with -1 when fail_at_call is reached. */
typedef struct fake_reader {
    const char *data;
    size_t len, pos, chunk;
    int calls;
    int fail_at_call; /* 0: never */
    size_t biggest_ask;
} fake_reader;

static ssize_t fake_read(void *ctx, char *buf, size_t len)
{
    fake_reader *r = ctx;
    r->calls++;
    if (len > r->biggest_ask)
        r->biggest_ask = len;
    if (r->fail_at_call != 0 && r->calls >= r->fail_at_call)
        return -1;
    size_t n = r->len - r->pos;
    if (n > r->chunk)
        n = r->chunk;
    if (n > len)
        n = len;
    memcpy(buf, r->data + r->pos, n);
    r->pos += n;
    return (ssize_t)n;
}

/* A POST request with CONTENT_LENGTH=length (NULL: absent) reading from r. */
typedef struct body_env {
    char length[64];
    char *envp[4];
} body_env;

static void body_request(request *req, body_env *env, const char *length, fake_reader *r)
{
    size_t i = 0;
    env->envp[i++] = "REQUEST_METHOD=POST";
    env->envp[i++] = "REQUEST_URI=/api/v1/dossiers";
    if (length != NULL) {
        snprintf(env->length, sizeof env->length, "CONTENT_LENGTH=%s", length);
        env->envp[i++] = env->length;
    }
    env->envp[i] = NULL;
    assert_int_equal(request_parse(req, env->envp), REQUEST_OK);
    req->read_body = fake_read;
    req->read_ctx = r;
}

static void test_body_small_chunks(void **state)
{
    (void)state;
    const char *json = "{\"applicant\":{\"name\":\"Nguyễn Văn An\"}}";
    fake_reader r = {json, strlen(json), 0, 3, 0, 0, 0};
    char length[16];
    snprintf(length, sizeof length, "%zu", strlen(json));
    body_env env;
    request req;
    body_request(&req, &env, length, &r);
    assert_int_equal(request_read_body(&req, 1024), BODY_OK);
    assert_int_equal(req.body_len, strlen(json));
    assert_memory_equal(req.body, json, strlen(json));
    assert_int_equal(req.body[req.body_len], '\0');
    assert_int_equal(r.calls, (int)((strlen(json) + 2) / 3));
    /* a second call keeps the body and reads nothing */
    assert_int_equal(request_read_body(&req, 1024), BODY_OK);
    assert_int_equal(r.calls, (int)((strlen(json) + 2) / 3));
    request_free(&req);
    assert_null(req.body);
    request_free(&req); /* a second free is harmless */
}

/* Reads exactly the declared length, never asking for more. */
static void test_body_exact_length(void **state)
{
    (void)state;
    const char data[] = "hello world, and more after the body";
    fake_reader r = {data, sizeof data - 1, 0, 1000, 0, 0, 0};
    body_env env;
    request req;
    body_request(&req, &env, "5", &r);
    assert_int_equal(request_read_body(&req, 100), BODY_OK);
    assert_int_equal(req.body_len, 5);
    assert_string_equal(req.body, "hello");
    assert_int_equal(r.pos, 5);
    assert_true(r.biggest_ask <= 5);
    request_free(&req);
}

/* Binary bodies keep their NUL bytes; body_len counts them. */
static void test_body_binary(void **state)
{
    (void)state;
    const char data[] = {'\x89', 'P', 'N', 'G', '\0', '\r', '\n', '\0'};
    fake_reader r = {data, sizeof data, 0, 2, 0, 0, 0};
    body_env env;
    request req;
    body_request(&req, &env, "8", &r);
    assert_int_equal(request_read_body(&req, 8), BODY_OK); /* exactly the limit is fine */
    assert_int_equal(req.body_len, 8);
    assert_memory_equal(req.body, data, 8);
    request_free(&req);
}

static void test_body_too_large_not_read(void **state)
{
    (void)state;
    const char data[] = "0123456789ABCDEF";
    fake_reader r = {data, sizeof data - 1, 0, 4, 0, 0, 0};
    body_env env;
    request req;
    body_request(&req, &env, "16", &r);
    assert_int_equal(request_read_body(&req, 15), BODY_TOO_LARGE);
    assert_int_equal(r.calls, 0);
    assert_null(req.body);
    assert_int_equal(req.body_len, 0);
    request_free(&req);

    /* a declared length far beyond any size_t-sized limit */
    fake_reader r2 = {data, sizeof data - 1, 0, 4, 0, 0, 0};
    body_request(&req, &env, "9223372036854775807", &r2);
    assert_int_equal(request_read_body(&req, 1024 * 1024), BODY_TOO_LARGE);
    assert_int_equal(r2.calls, 0);
    request_free(&req);
}

static void test_body_short_is_incomplete(void **state)
{
    (void)state;
    const char data[] = "abcd";
    fake_reader r = {data, 4, 0, 3, 0, 0, 0};
    body_env env;
    request req;
    body_request(&req, &env, "10", &r);
    assert_int_equal(request_read_body(&req, 100), BODY_INCOMPLETE);
    assert_null(req.body);
    assert_int_equal(req.body_len, 0);
    assert_int_equal(r.pos, 4);
    request_free(&req);
}

static void test_body_reader_error_is_incomplete(void **state)
{
    (void)state;
    const char data[] = "abcdefgh";
    fake_reader r = {data, 8, 0, 2, 0, 2, 0};
    body_env env;
    request req;
    body_request(&req, &env, "8", &r);
    assert_int_equal(request_read_body(&req, 100), BODY_INCOMPLETE);
    assert_null(req.body);
    request_free(&req);
}

static void test_body_zero_and_absent(void **state)
{
    (void)state;
    const char data[] = "unexpected";
    fake_reader r = {data, sizeof data - 1, 0, 4, 0, 0, 0};
    body_env env;
    request req;
    body_request(&req, &env, "0", &r);
    assert_int_equal(request_read_body(&req, 100), BODY_OK);
    assert_null(req.body);
    assert_int_equal(req.body_len, 0);
    assert_int_equal(r.calls, 0);
    request_free(&req);

    body_request(&req, &env, NULL, &r);
    assert_int_equal(req.content_length, -1);
    assert_int_equal(request_read_body(&req, 100), BODY_OK);
    assert_null(req.body);
    assert_int_equal(r.calls, 0);
    request_free(&req);
}

/* Without a reader a declared body cannot arrive. */
static void test_body_without_reader(void **state)
{
    (void)state;
    body_env env;
    request req;
    body_request(&req, &env, "3", NULL);
    req.read_body = NULL;
    assert_int_equal(request_read_body(&req, 100), BODY_INCOMPLETE);
    assert_null(req.body);
    request_free(&req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_basic),
        cmocka_unit_test(test_parse_absent_fields),
        cmocka_unit_test(test_parse_path_decoding),
        cmocka_unit_test(test_parse_query_decoding),
        cmocka_unit_test(test_parse_query_from_uri),
        cmocka_unit_test(test_parse_repeated_key_first_wins),
        cmocka_unit_test(test_parse_bad_uri),
        cmocka_unit_test(test_parse_bad_length),
        cmocka_unit_test(test_parse_too_many_params),
        cmocka_unit_test(test_url_decode),
        cmocka_unit_test(test_body_small_chunks),
        cmocka_unit_test(test_body_exact_length),
        cmocka_unit_test(test_body_binary),
        cmocka_unit_test(test_body_too_large_not_read),
        cmocka_unit_test(test_body_short_is_incomplete),
        cmocka_unit_test(test_body_reader_error_is_incomplete),
        cmocka_unit_test(test_body_zero_and_absent),
        cmocka_unit_test(test_body_without_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
