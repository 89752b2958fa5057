/* Who is asking: session cookies, CSRF tokens and role checks for API handlers.
 * Sessions are random tokens (libsodium) stored hashed; the cookie is HttpOnly,
 * SameSite=Strict, Path=/; every state change (POST, PUT, PATCH, DELETE) needs
 * the session's CSRF token in the X-CSRF-Token header. */
#ifndef MOTCUA_AUTH_H
#define MOTCUA_AUTH_H

#include <stdbool.h>
#include "accounts.h"
#include "app.h"
#include "roles.h"

/* The session cookie's name. */
#define AUTH_COOKIE_NAME "motcua_session"

typedef struct auth_user {
    long long id;
    char username[64];
    char full_name[128];
    role role;
    char department[33];   /* "" unless role_is_departmental(role) */
} auth_user;

/* The logged-in user of req, if its session cookie is valid and unexpired and
 * the account is enabled. Returns true and fills *user. */
bool auth_session_user(app *a, request *req, auth_user *user);

/* For handlers: requires a logged-in user whose role is in `allowed` (a mask of
 * role values) and, for a state-changing method, a matching X-CSRF-Token. On
 * failure sends the JSON error itself (401 not logged in, 403 wrong role or
 * missing/bad CSRF token) and returns false. */
bool auth_require(app *a, request *req, unsigned allowed, auth_user *user);

/* True when user may see or act on a dossier of `department`: departmental
 * roles only within their own department, the other staff roles everywhere. */
bool auth_may_access_department(const auth_user *user, const char *department);

/* Like auth_session_user, also copying the session's CSRF token into csrf
 * (SESSION_TOKEN_LEN + 1 bytes) for GET /api/v1/session. Returns false (and
 * sends nothing) when there is no valid session or the store fails. */
bool auth_session_current(app *a, request *req, auth_user *user, char csrf[SESSION_TOKEN_LEN + 1]);

/* Copies the value of the session cookie from HTTP_COOKIE into out. False when
 * there is none or it does not fit in outlen (then out is ""). */
bool auth_cookie_token(const request *req, char *out, size_t outlen);

/* The auth_user view of a store account. */
void auth_user_from_account(auth_user *user, const account *acc);

/* The plugin_route_guard of the plugin host (ctx is the app): auth_require
 * with the route's roles, then auth_may_access_department for the plugin's
 * department. MOTCUA_ROLE_* in plugin.h equal the role values of roles.h. */
bool auth_plugin_route_guard(void *ctx, request *req, unsigned roles, const char *department);

#endif
