/* Who is asking: the session cookie, the CSRF header and role checks for API handlers. */
#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "response.h"

void auth_user_from_account(auth_user *user, const account *acc)
{
    memset(user, 0, sizeof *user);
    user->id = acc->id;
    snprintf(user->username, sizeof user->username, "%s", acc->username);
    snprintf(user->full_name, sizeof user->full_name, "%s", acc->full_name);
    user->role = acc->role;
    if (role_is_departmental(acc->role))
        snprintf(user->department, sizeof user->department, "%s", acc->department);
}

bool auth_cookie_token(const request *req, char *out, size_t outlen)
{
    static const char name[] = AUTH_COOKIE_NAME;
    const size_t name_len = sizeof name - 1;
    if (outlen > 0)
        out[0] = '\0';
    const char *p = request_env(req, "HTTP_COOKIE");
    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len > name_len && strncmp(p, name, name_len) == 0 && p[name_len] == '=') {
            size_t vlen = len - name_len - 1;
            while (vlen > 0 && (p[name_len + 1 + vlen - 1] == ' ' || p[name_len + 1 + vlen - 1] == '\t'))
                vlen--;
            if (vlen > 0 && vlen < outlen) {
                memcpy(out, p + name_len + 1, vlen);
                out[vlen] = '\0';
                return true;
            }
        }
        p = end;
    }
    return false;
}

/* 1 with *user (and csrf) for a live session, 0 for none, -1 on a store error. */
static int session_of(app *a, request *req, auth_user *user, char csrf[SESSION_TOKEN_LEN + 1])
{
    char token[SESSION_TOKEN_LEN + 1];
    if (!auth_cookie_token(req, token, sizeof token))
        return 0;
    account acc;
    int found = session_lookup(a->st, token, &acc, csrf);
    sodium_memzero(token, sizeof token);
    if (found < 0) {
        log_msg(LOG_ERROR, "auth: session lookup failed (store error)");
        return -1;
    }
    if (found == 1 && user != NULL)
        auth_user_from_account(user, &acc);
    return found;
}

bool auth_session_user(app *a, request *req, auth_user *user)
{
    return session_of(a, req, user, NULL) == 1;
}

bool auth_session_current(app *a, request *req, auth_user *user, char csrf[SESSION_TOKEN_LEN + 1])
{
    return session_of(a, req, user, csrf) == 1;
}

/* POST, PUT, PATCH and DELETE change state; GET and HEAD do not. */
static bool changes_state(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0 ||
           strcmp(method, "DELETE") == 0;
}

static bool csrf_matches(const request *req, const char *expected)
{
    const char *given = request_env(req, "HTTP_X_CSRF_TOKEN");
    size_t n = strlen(expected);
    return given != NULL && n > 0 && strlen(given) == n && sodium_memcmp(given, expected, n) == 0;
}

bool auth_require(app *a, request *req, unsigned allowed, auth_user *user)
{
    auth_user u;
    char csrf[SESSION_TOKEN_LEN + 1] = "";
    int found = session_of(a, req, &u, csrf);
    if (found < 0) {
        response_error(req, 500, "internal", "Lỗi hệ thống khi kiểm tra phiên đăng nhập. Vui lòng thử lại.");
        return false;
    }
    if (found == 0) {
        response_error(req, 401, "not_logged_in",
                       "Bạn cần đăng nhập để dùng chức năng này. Hãy đăng nhập rồi thử lại.");
        return false;
    }
    if ((u.role & allowed) == 0) {
        response_error(req, 403, "forbidden",
                       "Bạn không có quyền thực hiện thao tác này. Nếu cần, hãy liên hệ quản trị viên.");
        return false;
    }
    if (changes_state(req->method) && !csrf_matches(req, csrf)) {
        response_error(req, 403, "csrf_token_invalid",
                       "Thiếu mã xác thực CSRF hoặc mã không đúng. Hãy tải lại trang rồi thử lại.");
        return false;
    }
    if (user != NULL)
        *user = u;
    return true;
}

bool auth_may_access_department(const auth_user *user, const char *department)
{
    if (user == NULL || (user->role & ROLE_ANY_STAFF) == 0)
        return false;
    if (!role_is_departmental(user->role))
        return true;
    return department != NULL && user->department[0] != '\0' && strcmp(user->department, department) == 0;
}

bool auth_plugin_route_guard(void *ctx, request *req, unsigned roles, const char *department)
{
    auth_user u;
    if (!auth_require(ctx, req, roles, &u))
        return false;
    if (!auth_may_access_department(&u, department)) {
        response_error(req, 403, "forbidden",
                       "Chức năng này thuộc cơ quan khác. Bạn không có quyền thực hiện thao tác này.");
        return false;
    }
    return true;
}
