/* Unit tests for responses: status line, headers, body length, HEAD, one response per request, JSON errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "response.h"
#include "test_support.h"

/* A parsed request of `method` writing into c (8 KiB at most). */
static void make_request(request *req, char **envp, test_capture *c)
{
    assert_int_equal(request_parse(req, envp), REQUEST_OK);
    test_capture_start(c, 8192, req);
}

static char *get_envp[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/api/v1/x", NULL};
static char *head_envp[] = {"REQUEST_METHOD=HEAD", "REQUEST_URI=/api/v1/x", NULL};

/* The header block (up to and including the blank line) and the body of c. */
typedef struct split {
    char headers[4096];
    const char *body;
    size_t body_len;
} split;

static void split_response(const test_capture *c, split *s)
{
    test_response_split(c->buf, c->len, s->headers, sizeof s->headers, &s->body, &s->body_len);
}

/* The value of header `name` in the block, copied into out ("" if absent). */
static const char *header_value(const split *s, const char *name, char *out, size_t outlen)
{
    out[0] = '\0';
    const char *line = s->headers;
    size_t n = strlen(name);
    while (*line != '\0') {
        const char *eol = strstr(line, "\r\n");
        assert_non_null(eol);
        if (strncmp(line, name, n) == 0 && line[n] == ':' && line[n + 1] == ' ') {
            snprintf(out, outlen, "%.*s", (int)(eol - line - (long)n - 2), line + n + 2);
            return out;
        }
        line = eol + 2;
    }
    return out;
}

static void test_send_status_headers_body(void **state)
{
    (void)state;
    request req;
    test_capture c;
    make_request(&req, get_envp, &c);
    const char *body = "Xin chào";
    assert_int_equal(response_send(&req, 201, "text/plain; charset=utf-8", "X-Dossier: H35.251122.0007\r\n",
                                   body, strlen(body)),
                     0);
    assert_true(req.responded);
    assert_int_equal(req.status, 201);

    split s;
    split_response(&c, &s);
    assert_int_equal(strncmp(s.headers, "Status: 201 Created\r\n", 21), 0);
    char v[256];
    assert_string_equal(header_value(&s, "Content-Type", v, sizeof v), "text/plain; charset=utf-8");
    assert_string_equal(header_value(&s, "X-Dossier", v, sizeof v), "H35.251122.0007");
    header_value(&s, "Content-Length", v, sizeof v);
    char expect_len[32];
    snprintf(expect_len, sizeof expect_len, "%zu", strlen(body));
    assert_string_equal(v, expect_len); /* bytes, not characters: "chào" is 5 bytes */
    assert_int_equal(s.body_len, strlen(body));
    assert_memory_equal(s.body, body, strlen(body));
    request_free(&req);
}

static void test_send_empty_body(void **state)
{
    (void)state;
    request req;
    test_capture c;
    make_request(&req, get_envp, &c);
    assert_int_equal(response_send(&req, 204, "text/plain", NULL, NULL, 0), 0);
    split s;
    split_response(&c, &s);
    assert_int_equal(strncmp(s.headers, "Status: 204 No Content\r\n", 24), 0);
    char v[64];
    assert_string_equal(header_value(&s, "Content-Length", v, sizeof v), "0");
    assert_int_equal(s.body_len, 0);
    request_free(&req);
}

static void test_head_sends_no_body(void **state)
{
    (void)state;
    request req;
    test_capture c;
    make_request(&req, head_envp, &c);
    const char *body = "{\"status\":\"ok\"}";
    assert_int_equal(response_send(&req, 200, RESPONSE_JSON_TYPE, NULL, body, strlen(body)), 0);
    split s;
    split_response(&c, &s);
    char v[64];
    char expect_len[32];
    snprintf(expect_len, sizeof expect_len, "%zu", strlen(body));
    /* the length of the body GET would have sent, and no body */
    assert_string_equal(header_value(&s, "Content-Length", v, sizeof v), expect_len);
    assert_int_equal(s.body_len, 0);
    assert_int_equal(c.writes, 1);
    request_free(&req);
}

static void test_second_response_refused(void **state)
{
    (void)state;
    request req;
    test_capture c;
    make_request(&req, get_envp, &c);
    assert_int_equal(response_send(&req, 200, "text/plain", NULL, "one", 3), 0);
    size_t len_after_first = c.len;
    int writes_after_first = c.writes;
    assert_int_equal(response_send(&req, 500, "text/plain", NULL, "two", 3), -1);
    assert_int_equal(response_error(&req, 404, "not_found", "Không tìm thấy."), -1);
    assert_int_equal(c.len, len_after_first);
    assert_int_equal(c.writes, writes_after_first);
    assert_int_equal(req.status, 200);
    assert_null(strstr(c.buf, "two"));
    request_free(&req);
}

static void test_error_json_shape(void **state)
{
    (void)state;
    request req;
    test_capture c;
    make_request(&req, get_envp, &c);
    const char *message = "Không tìm thấy thủ tục này. Hãy kiểm tra lại mã thủ tục hoặc tìm theo tên.";
    assert_int_equal(response_error(&req, 404, "unknown_procedure", message), 0);
    assert_int_equal(req.status, 404);
    split s;
    split_response(&c, &s);
    assert_int_equal(strncmp(s.headers, "Status: 404 Not Found\r\n", 23), 0);
    char v[128];
    assert_string_equal(header_value(&s, "Content-Type", v, sizeof v), RESPONSE_JSON_TYPE);
    assert_string_equal(header_value(&s, "Content-Type", v, sizeof v), "application/json; charset=utf-8");
    char expect_len[32];
    snprintf(expect_len, sizeof expect_len, "%zu", s.body_len);
    assert_string_equal(header_value(&s, "Content-Length", v, sizeof v), expect_len);

    /* the message travels as UTF-8, not as \u escapes */
    assert_non_null(strstr(s.body, message));

    json_error_t jerr;
    json_t *root = json_loadb(s.body, s.body_len, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(root);
    assert_int_equal(json_object_size(root), 1);
    json_t *error = json_object_get(root, "error");
    assert_true(json_is_object(error));
    assert_int_equal(json_object_size(error), 2);
    assert_string_equal(json_string_value(json_object_get(error, "code")), "unknown_procedure");
    assert_string_equal(json_string_value(json_object_get(error, "message")), message);
    json_decref(root);
    request_free(&req);
}

/* Characters JSON must escape survive the round trip. */
static void test_error_json_escaping(void **state)
{
    (void)state;
    request req;
    test_capture c;
    make_request(&req, get_envp, &c);
    const char *message = "Trường \"họ tên\" không được chứa \\ hoặc xuống dòng\n.";
    assert_int_equal(response_error(&req, 400, "invalid_value", message), 0);
    split s;
    split_response(&c, &s);
    json_t *root = json_loadb(s.body, s.body_len, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "error"), "message")), message);
    json_decref(root);
    request_free(&req);
}

static void test_json_steals_and_sends(void **state)
{
    (void)state;
    request req;
    test_capture c;
    make_request(&req, get_envp, &c);
    json_t *v = json_pack("{s:s,s:i}", "name", "Đăng ký khai sinh", "count", 1);
    assert_int_equal(response_json(&req, 200, v), 0); /* v is released (valgrind checks) */
    split s;
    split_response(&c, &s);
    assert_int_equal(strncmp(s.headers, "Status: 200 OK\r\n", 16), 0);
    json_t *root = json_loadb(s.body, s.body_len, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "name")), "Đăng ký khai sinh");
    assert_int_equal(json_integer_value(json_object_get(root, "count")), 1);
    json_decref(root);
    request_free(&req);

    /* no value (a failed json_pack): a 500 with the error shape */
    make_request(&req, get_envp, &c);
    response_json(&req, 200, NULL);
    assert_int_equal(req.status, 500);
    split_response(&c, &s);
    root = json_loadb(s.body, s.body_len, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "error"), "code")), "internal");
    json_decref(root);
    request_free(&req);
}

static void test_writer_failure(void **state)
{
    (void)state;
    request req;
    test_capture c;
    make_request(&req, get_envp, &c);
    c.fail_at_write = 1;
    assert_int_equal(response_send(&req, 200, "text/plain", NULL, "abc", 3), -1);
    assert_true(req.responded); /* nothing more may be sent on a broken stream */
    request_free(&req);

    make_request(&req, get_envp, &c);
    c.fail_at_write = 2;
    assert_int_equal(response_send(&req, 200, "text/plain", NULL, "abc", 3), -1);
    request_free(&req);
}

static void test_reason_phrases(void **state)
{
    (void)state;
    assert_string_equal(response_reason(200), "OK");
    assert_string_equal(response_reason(400), "Bad Request");
    assert_string_equal(response_reason(403), "Forbidden");
    assert_string_equal(response_reason(404), "Not Found");
    assert_string_equal(response_reason(405), "Method Not Allowed");
    assert_string_equal(response_reason(413), "Payload Too Large");
    assert_string_equal(response_reason(500), "Internal Server Error");
    assert_string_equal(response_reason(503), "Service Unavailable");
    assert_string_equal(response_reason(299), "Unknown");
    assert_string_equal(response_reason(-1), "Unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_send_status_headers_body),
        cmocka_unit_test(test_send_empty_body),
        cmocka_unit_test(test_head_sends_no_body),
        cmocka_unit_test(test_second_response_refused),
        cmocka_unit_test(test_error_json_shape),
        cmocka_unit_test(test_error_json_escaping),
        cmocka_unit_test(test_json_steals_and_sends),
        cmocka_unit_test(test_writer_failure),
        cmocka_unit_test(test_reason_phrases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
