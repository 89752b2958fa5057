/* The store's accounts half: users, their sessions and the failed logins that throttle them.
 * All SQL of accounts lives here (schema: store_schema_accounts.c); the rules (validation,
 * roles, argon2id, lifetimes, audit events) are core/accounts*.c. None of these functions
 * opens a transaction: a caller that needs several to land together wraps them in
 * store_begin .. store_commit. */
#ifndef MOTCUA_STORE_ACCOUNTS_H
#define MOTCUA_STORE_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "accounts.h"
#include "store.h"

/* ---- users ---------------------------------------------------------------------------- */

/* Inserts user a (its username, full_name, role and department; "" department is stored as
 * none; id and disabled are ignored: a new user is enabled) with password_hash. Returns 0 and
 * the new id in *id_out (may be NULL), 1 when the username is taken, -1 on a store error;
 * nothing is inserted unless 0. */
int store_user_insert(store *st, const account *a, const char *password_hash, long long *id_out);

/* The user named username: 1 and *out, 0 when there is none, -1 on a store error. */
int store_user_by_name(store *st, const char *username, account *out);

/* store_user_by_name that also copies the stored password hash into hash (hashlen bytes, cut
 * to fit; "" when NULL in the row). Only the login check needs it. */
int store_user_by_name_with_hash(store *st, const char *username, account *out, char *hash,
                                 size_t hashlen);

/* Calls fn for every user in username order; stops at the first non-zero return of fn and
 * returns it. Returns 0 when all were visited, -1 on a store error. */
int store_users_list(store *st, int (*fn)(void *ctx, const account *a), void *ctx);

/* Replaces the password hash of user user_id. 0 (also when there is no such user), or -1. */
int store_user_set_password(store *st, long long user_id, const char *password_hash);

/* Sets the disabled flag of user user_id. 0 (also when there is no such user), or -1. */
int store_user_set_disabled(store *st, long long user_id, bool disabled);

/* ---- sessions ------------------------------------------------------------------------- */

/* A session as read back, with its user. */
typedef struct session_row {
    account user;
    char csrf[SESSION_TOKEN_LEN + 1];
    time_t expires_at;        /* absolute end */
    time_t last_seen_at;      /* the idle limit counts from here */
} session_row;

/* Inserts the session token_hash (the SHA-256 hex of the token, never the token) of user_id
 * with its CSRF token, created and last seen at created_at, ending at expires_at. 0, or -1
 * (nothing inserted). */
int store_session_insert(store *st, const char *token_hash, long long user_id, const char *csrf,
                         time_t created_at, time_t expires_at);

/* The session stored under token_hash with its user: 1 and *out, 0 when there is none, -1
 * on a store error. Expiry is the caller's check. */
int store_session_get(store *st, const char *token_hash, session_row *out);

/* Sets the session's last_seen_at to now. 0 (also when there is no such session), or -1. */
int store_session_touch(store *st, const char *token_hash, time_t now);

/* Deletes the session stored under token_hash. 0 (also when there was none), or -1. */
int store_session_delete(store *st, const char *token_hash);

/* Deletes every session of user user_id. 0, or -1. */
int store_sessions_delete_user(store *st, long long user_id);

/* Deletes the sessions past either lifetime at now: expires_at <= now, or last seen
 * idle_seconds or more before now. 0, or -1. */
int store_sessions_delete_expired(store *st, time_t now, int idle_seconds);

/* ---- failed logins -------------------------------------------------------------------- */

/* What a failure count is keyed by. */
typedef enum store_login_key {
    STORE_LOGIN_BY_USERNAME,
    STORE_LOGIN_BY_IP
} store_login_key;

/* The failures recorded for `key` = value after `since`: returns their count, or -1 on a
 * store error. When the count is >= limit (limit >= 1), *counted_at gets the time of the
 * (count - limit + 1)-th oldest of them: the one that must leave the window for the count
 * to drop below limit. */
int store_login_failures(store *st, store_login_key key, const char *value, time_t since,
                         int limit, time_t *counted_at);

/* Records a failure of username from ip at `at`, then forgets every failure at or before
 * forget_upto. 0, or -1 (the insert may have landed when the forgetting failed). */
int store_login_failure_add(store *st, const char *username, const char *ip, time_t at,
                            time_t forget_upto);

/* Forgets the failures of username (after a successful login). 0, or -1. */
int store_login_failures_clear(store *st, const char *username);

#endif
