/* Logging in and out: POST, GET and DELETE /api/v1/session (cookie + CSRF token). */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "log.h"
#include "response.h"

/* The cookie attributes every Set-Cookie of ours carries; Secure behind HTTPS. */
static const char *cookie_secure(const request *req)
{
    const char *https = request_env(req, "HTTPS");
    return https != NULL && strcmp(https, "on") == 0 ? "; Secure" : "";
}

static json_t *user_json(const auth_user *u)
{
    return json_pack("{s:s,s:s,s:s,s:s?}", "username", u->username, "full_name", u->full_name, "role",
                     role_name(u->role), "department", u->department[0] != '\0' ? u->department : NULL);
}

/* Sends value (stolen) as JSON with extra header lines. */
static void send_json(request *req, int status, json_t *value, const char *headers)
{
    char *text = value != NULL ? json_dumps(value, JSON_COMPACT) : NULL;
    json_decref(value);
    if (text == NULL) {
        response_error(req, 500, "internal", "Lỗi hệ thống. Vui lòng thử lại.");
        return;
    }
    response_send(req, status, RESPONSE_JSON_TYPE, headers, text, strlen(text));
    free(text);
}

static void reply_throttled(request *req, int retry_after)
{
    int minutes = (retry_after + 59) / 60;
    char msg[256], headers[64];
    snprintf(msg, sizeof msg,
             "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %d phút.", minutes);
    snprintf(headers, sizeof headers, "Retry-After: %d\r\n", retry_after);
    send_json(req, 429,
              json_pack("{s:{s:s,s:s}}", "error", "code", "too_many_attempts", "message", msg), headers);
}

static void session_post(request *req, void *ctx)
{
    app *a = ctx;
    json_error_t jerr;
    json_t *body = req->body != NULL ? json_loadb(req->body, req->body_len, 0, &jerr) : NULL;
    const char *username = json_string_value(json_object_get(body, "username"));
    const char *password = json_string_value(json_object_get(body, "password"));
    if (!json_is_object(body) || username == NULL || password == NULL || username[0] == '\0' ||
        password[0] == '\0') {
        json_decref(body);
        response_error(req, 400, "missing_credentials",
                       "Hãy nhập tên đăng nhập và mật khẩu (JSON {\"username\":…,\"password\":…}).");
        return;
    }
    account acc;
    int retry_after = 60;
    login_result r = account_verify_login(a->st, username, password, req->remote_addr, &acc, &retry_after);
    json_decref(body);
    switch (r) {
    case LOGIN_OK:
        break;
    case LOGIN_THROTTLED:
        log_msg(LOG_WARN, "login throttled from %s", req->remote_addr ? req->remote_addr : "?");
        reply_throttled(req, retry_after);
        return;
    case LOGIN_BAD_CREDENTIALS:
        response_error(req, 401, "invalid_credentials",
                       "Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại (chú ý chữ hoa, "
                       "chữ thường và bộ gõ tiếng Việt).");
        return;
    case LOGIN_DISABLED:
        response_error(req, 403, "account_disabled",
                       "Tài khoản này đã bị khóa. Hãy liên hệ quản trị viên.");
        return;
    default:
        log_msg(LOG_ERROR, "login: store error");
        response_error(req, 500, "internal", "Lỗi hệ thống khi đăng nhập. Vui lòng thử lại.");
        return;
    }
    /* A session the browser still holds is ended: one login, one session. */
    char old[SESSION_TOKEN_LEN + 1];
    if (auth_cookie_token(req, old, sizeof old))
        session_delete(a->st, old);
    char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];
    if (session_create(a->st, &acc, token, csrf) != 0) {
        log_msg(LOG_ERROR, "login: cannot create a session for %s", acc.username);
        response_error(req, 500, "internal", "Lỗi hệ thống khi đăng nhập. Vui lòng thử lại.");
        return;
    }
    auth_user u;
    auth_user_from_account(&u, &acc);
    char headers[256];
    snprintf(headers, sizeof headers,
             "Set-Cookie: " AUTH_COOKIE_NAME "=%s; HttpOnly; SameSite=Strict; Path=/%s\r\n",
             token, cookie_secure(req));
    sodium_memzero(token, sizeof token);
    log_msg(LOG_INFO, "login: %s (%s)", u.username, role_name(u.role));
    send_json(req, 200, json_pack("{s:o,s:s}", "user", user_json(&u), "csrf_token", csrf), headers);
    sodium_memzero(headers, sizeof headers);
}

static void session_get(request *req, void *ctx)
{
    app *a = ctx;
    auth_user u;
    char csrf[SESSION_TOKEN_LEN + 1];
    if (!auth_session_current(a, req, &u, csrf)) {
        response_error(req, 401, "not_logged_in", "Bạn chưa đăng nhập hoặc phiên đã hết hạn. Hãy đăng nhập.");
        return;
    }
    send_json(req, 200, json_pack("{s:o,s:s}", "user", user_json(&u), "csrf_token", csrf), NULL);
}

static void session_delete_handler(request *req, void *ctx)
{
    app *a = ctx;
    auth_user u;
    if (!auth_require(a, req, ROLE_ANY_STAFF, &u))
        return;
    char token[SESSION_TOKEN_LEN + 1];
    if (!auth_cookie_token(req, token, sizeof token) || session_delete(a->st, token) < 0) {
        response_error(req, 500, "internal", "Lỗi hệ thống khi đăng xuất. Vui lòng thử lại.");
        return;
    }
    char headers[160];
    snprintf(headers, sizeof headers,
             "Set-Cookie: " AUTH_COOKIE_NAME "=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/%s\r\n",
             cookie_secure(req));
    log_msg(LOG_INFO, "logout: %s", u.username);
    send_json(req, 200, json_pack("{s:b}", "logged_out", 1), headers);
}

void api_session_register(router *r, app *a)
{
    router_add(r, "POST", "/api/v1/session", session_post, a);
    router_add(r, "GET", "/api/v1/session", session_get, a);
    router_add(r, "DELETE", "/api/v1/session", session_delete_handler, a);
}
