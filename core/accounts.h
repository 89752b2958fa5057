/* Accounts, passwords, login throttling and sessions, at the store level (no HTTP).
 * Passwords are hashed with libsodium's argon2id (crypto_pwhash_str); session
 * tokens are 32 random bytes, given to the client once and stored only as their
 * SHA-256. Every account change is written to the audit log in the same
 * transaction; password hashes never appear there. */
#ifndef MOTCUA_ACCOUNTS_H
#define MOTCUA_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "roles.h"
#include "store.h"

#define ACCOUNT_PASSWORD_MIN 10       /* characters (bytes) */
#define ACCOUNT_PASSWORD_MAX 1024     /* longer is refused, not truncated */
#define SESSION_TOKEN_LEN 43          /* base64url of 32 bytes, no padding */
#define SESSION_IDLE_SECONDS (8 * 3600)
#define SESSION_MAX_SECONDS (12 * 3600)
#define LOGIN_WINDOW_SECONDS (15 * 60)
#define LOGIN_MAX_FAILURES_USER 5     /* failures per username in the window, then refused */
#define LOGIN_MAX_FAILURES_IP 20      /* failures per client address in the window */

typedef struct account {
    long long id;
    char username[64];
    char full_name[128];
    role role;
    char department[33];   /* "" unless role_is_departmental(role) */
    bool disabled;
} account;

typedef enum account_status {
    ACCOUNT_OK = 0,
    ACCOUNT_INVALID,      /* bad username, name, role, department or password; err says which */
    ACCOUNT_EXISTS,       /* the username is taken */
    ACCOUNT_NOT_FOUND,    /* no such username */
    ACCOUNT_STORE_ERROR   /* the store failed; nothing was changed */
} account_status;

/* True for [a-z0-9._-]{3,32}. */
bool account_username_valid(const char *username);

/* Creates an account. role is a role name ("counter"...); department is
 * required (a [a-z0-9_]{1,32} id) for the departmental roles and must be NULL or
 * "" for the others; whether it names a loaded plugin is the caller's check.
 * password: ACCOUNT_PASSWORD_MIN..MAX bytes. actor names who did it in the audit
 * log ("motcuactl", a username). On anything but ACCOUNT_OK nothing is stored and
 * err holds an English reason. */
account_status account_add(store *st, const char *actor, const char *username, const char *full_name,
                           const char *role_name_text, const char *department, const char *password,
                           char *err, size_t errlen);

/* Replaces the password (same rules as account_add) and ends every session of
 * the account. ACCOUNT_NOT_FOUND, ACCOUNT_INVALID (err says why), or ACCOUNT_OK. */
account_status account_set_password(store *st, const char *actor, const char *username,
                                    const char *password, char *err, size_t errlen);

/* Disables (and ends every session of) or re-enables an account. Setting the
 * state it already has is ACCOUNT_OK and writes no audit event. */
account_status account_set_disabled(store *st, const char *actor, const char *username, bool disabled,
                                    char *err, size_t errlen);

/* Fetches one account. ACCOUNT_OK and *out, ACCOUNT_NOT_FOUND or ACCOUNT_STORE_ERROR. */
account_status account_get(store *st, const char *username, account *out);

/* Calls fn for every account in username order; stops at the first non-zero
 * return of fn and returns it. Returns 0 when all were visited, -1 on a store error. */
int account_list(store *st, int (*fn)(void *ctx, const account *a), void *ctx);

typedef enum login_result {
    LOGIN_OK = 0,
    LOGIN_BAD_CREDENTIALS, /* unknown user or wrong password: deliberately not told apart */
    LOGIN_DISABLED,        /* right password, disabled account */
    LOGIN_THROTTLED,       /* too many recent failures: the password was not even checked */
    LOGIN_ERROR            /* store error */
} login_result;

/* Checks a login at time now. Throttled (without checking the password) when the
 * username has had LOGIN_MAX_FAILURES_USER failures, or ip LOGIN_MAX_FAILURES_IP,
 * within LOGIN_WINDOW_SECONDS; then *retry_after (may be NULL) is the number of
 * seconds until the oldest counted failure leaves the window (>= 1). A failure is
 * recorded for username and ip; a success clears the username's failures. An
 * unknown username costs the same argon2id verification as a known one. ip may be
 * NULL ("unknown"). On LOGIN_OK and LOGIN_DISABLED *out is filled. */
login_result account_verify_login_at(store *st, const char *username, const char *password,
                                     const char *ip, time_t now, account *out, int *retry_after);
/* The same at the current time. */
login_result account_verify_login(store *st, const char *username, const char *password,
                                  const char *ip, account *out, int *retry_after);

/* Opens a session for user_id at time now: writes a fresh random token (the
 * cookie value, SESSION_TOKEN_LEN chars + NUL) into token and a fresh random
 * CSRF token (same size) into csrf; only the token's SHA-256 is stored. The
 * session ends SESSION_IDLE_SECONDS after its last use or SESSION_MAX_SECONDS
 * after now, whichever is first. Also removes expired sessions. Writes a
 * "session.login" audit event. Returns 0, or -1 (nothing stored). */
int session_create_at(store *st, const account *user, time_t now,
                      char token[SESSION_TOKEN_LEN + 1], char csrf[SESSION_TOKEN_LEN + 1]);
int session_create(store *st, const account *user,
                   char token[SESSION_TOKEN_LEN + 1], char csrf[SESSION_TOKEN_LEN + 1]);

/* The account of a live session at time now: 1 with *out (and the session's CSRF
 * token in csrf when not NULL), 0 when the token is malformed, unknown, expired
 * (idle or absolute) or its account disabled, -1 on a store error. Refreshes
 * last_seen_at (at most once a minute, to spare writes). */
int session_lookup_at(store *st, const char *token, time_t now, account *out,
                      char csrf[SESSION_TOKEN_LEN + 1]);
int session_lookup(store *st, const char *token, account *out, char csrf[SESSION_TOKEN_LEN + 1]);

/* Ends the session of token (logout), writing a "session.logout" audit event
 * when one was ended. Returns 1 when a session was ended, 0 when there was none,
 * -1 on a store error. */
int session_delete(store *st, const char *token);

/* Writes the lowercase hex SHA-256 of token into hex (65 bytes with the NUL):
 * what the sessions table keeps instead of the token. */
void session_token_hash(const char *token, char hex[65]);

#endif
