/* Unit tests for accounts: validation, argon2id logins, throttling, session lifetimes, hashed tokens, audit events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "accounts.h"
#include "accounts_internal.h"
#include "audit.h"
#include "store.h"
#include "store_accounts.h"
#include "store_sqlite_internal.h"
#include "test_support.h"

#define PASSWORD "correct horse battery"
#define T0 ((time_t)1800000000) /* a fixed clock: throttling and lifetimes are computed from it */

typedef test_db fixture;

/* A fresh database, opened. */
static int setup(void **state)
{
    return test_db_setup(state, "accounts", 2000);
}

static void add_ok(store *st, const char *user, const char *role_text, const char *dept)
{
    char err[256] = "";
    account_status s = account_add(st, "tester", user, "Nguyễn Văn A", role_text, dept, PASSWORD, err, sizeof err);
    if (s != ACCOUNT_OK)
        fail_msg("account_add %s: %d %s", user, s, err);
}

static void test_add_validates(void **state)
{
    fixture *f = *state;
    char err[256];
    struct {
        const char *user, *role, *dept, *password;
    } bad[] = {
        {"ab", "counter", NULL, PASSWORD},                 /* too short */
        {"Upper", "counter", NULL, PASSWORD},              /* upper case */
        {"has space", "counter", NULL, PASSWORD},
        {"abcdefghijklmnopqrstuvwxyz0123456", "counter", NULL, PASSWORD}, /* 33 chars */
        {"officer", "department_officer", NULL, PASSWORD}, /* no department */
        {"officer", "department_head", "Bad-Dept", PASSWORD},
        {"counter1", "counter", "tuphap", PASSWORD},       /* department on a non-departmental role */
        {"counter1", "clerk", NULL, PASSWORD},             /* unknown role */
        {"counter1", "counter", NULL, "short"},            /* password under 10 */
        {"counter1", "counter", NULL, "123456789"},        /* 9 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(account_add(f->st, "tester", bad[i].user, "Tên", bad[i].role, bad[i].dept,
                                     bad[i].password, err, sizeof err),
                         ACCOUNT_INVALID);
        assert_true(err[0] != '\0');
    }
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM users", NULL), 0);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM events", NULL), 0);

    add_ok(f->st, "a.b_c-1", "counter", NULL);
    add_ok(f->st, "officer", "department_officer", "tuphap");
    assert_int_equal(account_add(f->st, "tester", "officer", "X", "counter", NULL, PASSWORD, err, sizeof err),
                     ACCOUNT_EXISTS);
    account a;
    assert_int_equal(account_get(f->st, "officer", &a), ACCOUNT_OK);
    assert_string_equal(a.username, "officer");
    assert_string_equal(a.full_name, "Nguyễn Văn A");
    assert_int_equal(a.role, ROLE_DEPARTMENT_OFFICER);
    assert_string_equal(a.department, "tuphap");
    assert_false(a.disabled);
    assert_int_equal(account_get(f->st, "nobody", &a), ACCOUNT_NOT_FOUND);
    /* Stored as argon2id, never as the password. */
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'", NULL), 2);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM users WHERE instr(password_hash, ?1) > 0", PASSWORD), 0);
}

static void test_login(void **state)
{
    fixture *f = *state;
    add_ok(f->st, "counter1", "counter", NULL);
    account a;
    int retry = -1;
    assert_int_equal(account_verify_login_at(f->st, "counter1", PASSWORD, "10.0.0.1", T0, &a, &retry), LOGIN_OK);
    assert_string_equal(a.username, "counter1");
    assert_int_equal(a.role, ROLE_COUNTER);
    assert_int_equal(account_verify_login_at(f->st, "counter1", "wrong password", "10.0.0.1", T0, &a, &retry),
                     LOGIN_BAD_CREDENTIALS);
    assert_int_equal(account_verify_login_at(f->st, "nobody", PASSWORD, "10.0.0.1", T0, &a, &retry),
                     LOGIN_BAD_CREDENTIALS);
    assert_int_equal(account_verify_login_at(f->st, "NOT VALID", PASSWORD, "10.0.0.1", T0, &a, &retry),
                     LOGIN_BAD_CREDENTIALS);
    /* Failures are recorded; the success above recorded none. */
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM login_attempts", NULL), 3);

    char err[256];
    assert_int_equal(account_set_disabled(f->st, "tester", "counter1", true, err, sizeof err), ACCOUNT_OK);
    assert_int_equal(account_verify_login_at(f->st, "counter1", PASSWORD, "10.0.0.1", T0, &a, &retry),
                     LOGIN_DISABLED);
    assert_int_equal(account_set_disabled(f->st, "tester", "counter1", false, err, sizeof err), ACCOUNT_OK);
    assert_int_equal(account_verify_login_at(f->st, "counter1", PASSWORD, "10.0.0.1", T0, &a, &retry), LOGIN_OK);

    assert_int_equal(account_set_password(f->st, "tester", "counter1", "another password", err, sizeof err),
                     ACCOUNT_OK);
    assert_int_equal(account_verify_login_at(f->st, "counter1", PASSWORD, "10.0.0.1", T0, &a, &retry),
                     LOGIN_BAD_CREDENTIALS);
    assert_int_equal(account_verify_login_at(f->st, "counter1", "another password", "10.0.0.1", T0, &a, &retry),
                     LOGIN_OK);
    assert_int_equal(account_set_password(f->st, "tester", "counter1", "short", err, sizeof err), ACCOUNT_INVALID);
    assert_int_equal(account_set_password(f->st, "tester", "nobody", "long enough pw", err, sizeof err),
                     ACCOUNT_NOT_FOUND);
}

static void test_throttle_by_username(void **state)
{
    fixture *f = *state;
    add_ok(f->st, "counter1", "counter", NULL);
    account a;
    int retry = 0;
    for (int i = 0; i < LOGIN_MAX_FAILURES_USER; i++)
        assert_int_equal(account_verify_login_at(f->st, "counter1", "wrong password", "10.0.0.1", T0 + i, &a, &retry),
                         LOGIN_BAD_CREDENTIALS);
    /* Now even the right password, from another address, is refused without being checked. */
    assert_int_equal(account_verify_login_at(f->st, "counter1", PASSWORD, "10.0.0.2", T0 + 10, &a, &retry),
                     LOGIN_THROTTLED);
    /* The first failure (at T0) leaves the window at T0 + 900. */
    assert_int_equal(retry, LOGIN_WINDOW_SECONDS - 10);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM login_attempts", NULL), LOGIN_MAX_FAILURES_USER);
    /* Another user is not affected. */
    add_ok(f->st, "counter2", "counter", NULL);
    assert_int_equal(account_verify_login_at(f->st, "counter2", PASSWORD, "10.0.0.2", T0 + 10, &a, &retry), LOGIN_OK);
    /* Once the oldest failure is out of the window, the right password works and clears the rest. */
    assert_int_equal(account_verify_login_at(f->st, "counter1", PASSWORD, "10.0.0.2",
                                             T0 + LOGIN_WINDOW_SECONDS, &a, &retry),
                     LOGIN_OK);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM login_attempts WHERE username = 'counter1'", NULL), 0);
}

static void test_throttle_by_address(void **state)
{
    fixture *f = *state;
    add_ok(f->st, "counter1", "counter", NULL);
    account a;
    int retry = 0;
    /* One address trying many usernames: the per-address limit stops it. */
    for (int i = 0; i < LOGIN_MAX_FAILURES_IP; i++) {
        char user[32];
        snprintf(user, sizeof user, "guess%02d", i);
        assert_int_equal(account_verify_login_at(f->st, user, "wrong password", "192.0.2.9", T0, &a, &retry),
                         LOGIN_BAD_CREDENTIALS);
    }
    assert_int_equal(account_verify_login_at(f->st, "counter1", PASSWORD, "192.0.2.9", T0 + 60, &a, &retry),
                     LOGIN_THROTTLED);
    assert_int_equal(retry, LOGIN_WINDOW_SECONDS - 60);
    assert_int_equal(account_verify_login_at(f->st, "counter1", PASSWORD, "192.0.2.10", T0 + 60, &a, &retry),
                     LOGIN_OK);
}

static void test_session_token_hash_vector(void **state)
{
    (void)state;
    char hex[65];
    session_token_hash("abc", hex); /* FIPS 180-2 test vector */
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_sessions(void **state)
{
    fixture *f = *state;
    add_ok(f->st, "counter1", "counter", NULL);
    account a, seen;
    assert_int_equal(account_get(f->st, "counter1", &a), ACCOUNT_OK);
    char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1], csrf_seen[SESSION_TOKEN_LEN + 1];
    assert_int_equal(session_create_at(f->st, &a, T0, token, csrf), 0);
    assert_int_equal(strlen(token), SESSION_TOKEN_LEN);
    assert_int_equal(strlen(csrf), SESSION_TOKEN_LEN);
    assert_string_not_equal(token, csrf);

    /* Only the hash is stored: no column holds the token. */
    char hex[65];
    session_token_hash(token, hex);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM sessions WHERE token_hash = ?1", hex), 1);
    assert_int_equal(test_query_int_bound(f->st,
                               "SELECT count(*) FROM sessions WHERE token_hash = ?1 OR csrf_token = ?1 "
                               "OR instr(token_hash, ?1) > 0",
                               token),
                     0);

    assert_int_equal(session_lookup_at(f->st, token, T0 + 1, &seen, csrf_seen), 1);
    assert_string_equal(seen.username, "counter1");
    assert_string_equal(csrf_seen, csrf);
    /* Unknown and malformed tokens. */
    char other[SESSION_TOKEN_LEN + 1];
    memcpy(other, token, sizeof other);
    other[0] = other[0] == 'A' ? 'B' : 'A';
    assert_int_equal(session_lookup_at(f->st, other, T0 + 1, &seen, NULL), 0);
    assert_int_equal(session_lookup_at(f->st, "short", T0 + 1, &seen, NULL), 0);
    assert_int_equal(session_lookup_at(f->st, "", T0 + 1, &seen, NULL), 0);
    assert_int_equal(session_lookup_at(f->st, hex, T0 + 1, &seen, NULL), 0); /* the hash is no key */

    /* Used every few hours it stays alive, but never past the absolute 12 h. */
    assert_int_equal(session_lookup_at(f->st, token, T0 + 7 * 3600, &seen, NULL), 1);
    assert_int_equal(session_lookup_at(f->st, token, T0 + 11 * 3600, &seen, NULL), 1);
    assert_int_equal(session_lookup_at(f->st, token, T0 + SESSION_MAX_SECONDS, &seen, NULL), 0);
    /* An expired session is gone for good. */
    assert_int_equal(session_lookup_at(f->st, token, T0 + 11 * 3600, &seen, NULL), 0);

    /* Idle expiry: unused for 8 h. */
    assert_int_equal(session_create_at(f->st, &a, T0, token, csrf), 0);
    assert_int_equal(session_lookup_at(f->st, token, T0 + SESSION_IDLE_SECONDS - 1, &seen, NULL), 1);
    assert_int_equal(session_create_at(f->st, &a, T0, token, csrf), 0);
    assert_int_equal(session_lookup_at(f->st, token, T0 + SESSION_IDLE_SECONDS, &seen, NULL), 0);

    /* Logout. */
    assert_int_equal(session_create_at(f->st, &a, T0, token, csrf), 0);
    assert_int_equal(session_delete(f->st, token), 1);
    assert_int_equal(session_lookup_at(f->st, token, T0 + 1, &seen, NULL), 0);
    assert_int_equal(session_delete(f->st, token), 0);

    /* Disabling, and a new password, end the account's sessions. */
    char err[256];
    assert_int_equal(session_create_at(f->st, &a, T0, token, csrf), 0);
    assert_int_equal(account_set_disabled(f->st, "tester", "counter1", true, err, sizeof err), ACCOUNT_OK);
    assert_int_equal(session_lookup_at(f->st, token, T0 + 1, &seen, NULL), 0);
    assert_int_equal(account_set_disabled(f->st, "tester", "counter1", false, err, sizeof err), ACCOUNT_OK);
    assert_int_equal(session_lookup_at(f->st, token, T0 + 1, &seen, NULL), 0);
    assert_int_equal(session_create_at(f->st, &a, T0, token, csrf), 0);
    assert_int_equal(account_set_password(f->st, "tester", "counter1", "a new password", err, sizeof err),
                     ACCOUNT_OK);
    assert_int_equal(session_lookup_at(f->st, token, T0 + 1, &seen, NULL), 0);
}

static void test_tokens_are_random(void **state)
{
    fixture *f = *state;
    add_ok(f->st, "counter1", "counter", NULL);
    account a;
    assert_int_equal(account_get(f->st, "counter1", &a), ACCOUNT_OK);
    char t1[SESSION_TOKEN_LEN + 1], c1[SESSION_TOKEN_LEN + 1], t2[SESSION_TOKEN_LEN + 1], c2[SESSION_TOKEN_LEN + 1];
    assert_int_equal(session_create_at(f->st, &a, T0, t1, c1), 0);
    assert_int_equal(session_create_at(f->st, &a, T0, t2, c2), 0);
    assert_string_not_equal(t1, t2);
    assert_string_not_equal(c1, c2);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM sessions", NULL), 2);
}

static void test_audit_events(void **state)
{
    fixture *f = *state;
    char err[256];
    add_ok(f->st, "officer", "department_head", "congan");
    assert_int_equal(account_set_password(f->st, "admin1", "officer", "changed password", err, sizeof err),
                     ACCOUNT_OK);
    assert_int_equal(account_set_disabled(f->st, "admin1", "officer", true, err, sizeof err), ACCOUNT_OK);
    /* Already disabled: no change, no event. */
    assert_int_equal(account_set_disabled(f->st, "admin1", "officer", true, err, sizeof err), ACCOUNT_OK);
    assert_int_equal(account_set_disabled(f->st, "admin1", "officer", false, err, sizeof err), ACCOUNT_OK);
    account a;
    assert_int_equal(account_get(f->st, "officer", &a), ACCOUNT_OK);
    char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];
    assert_int_equal(session_create_at(f->st, &a, T0, token, csrf), 0);
    assert_int_equal(session_delete(f->st, token), 1);

    const char *actions[] = {"user.add", "user.passwd", "user.disable", "user.enable", "session.login",
                             "session.logout"};
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM events WHERE action = ?1 AND subject = 'officer'",
                                   actions[i]),
                         1);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM events", NULL), 6);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM events WHERE action = 'user.add' AND actor = 'tester' "
                                      "AND json_extract(after_json, '$.role') = 'department_head' "
                                      "AND json_extract(after_json, '$.department') = 'congan'",
                               NULL),
                     1);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM events WHERE action = 'user.disable' "
                                      "AND json_extract(before_json, '$.disabled') = 0 "
                                      "AND json_extract(after_json, '$.disabled') = 1",
                               NULL),
                     1);
    /* Never a password or its hash in the log. */
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM events WHERE instr(coalesce(before_json, '') || "
                                      "coalesce(after_json, ''), 'argon2') > 0 OR instr(coalesce(after_json, ''), "
                                      "'changed password') > 0 OR instr(coalesce(after_json, ''), ?1) > 0",
                               PASSWORD),
                     0);
    char why[256] = "";
    assert_int_equal(audit_verify(f->st, why, sizeof why), 0);
    /* Failed changes leave no event. */
    long long before = test_query_int_bound(f->st, "SELECT count(*) FROM events", NULL);
    assert_int_equal(account_add(f->st, "t", "officer", "X", "counter", NULL, PASSWORD, err, sizeof err), ACCOUNT_EXISTS);
    assert_int_equal(account_set_disabled(f->st, "t", "nobody", true, err, sizeof err), ACCOUNT_NOT_FOUND);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM events", NULL), before);
}

/* A password change whose audit event fails changes nothing: the old password still works
 * and the sessions opened with it stay (the update, the sessions' deletion and the event are
 * one transaction). The same for disabling. */
static void test_changes_are_atomic(void **state)
{
    fixture *f = *state;
    add_ok(f->st, "counter1", "counter", NULL);
    account a, seen;
    assert_int_equal(account_get(f->st, "counter1", &a), ACCOUNT_OK);
    char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];
    assert_int_equal(session_create_at(f->st, &a, T0, token, csrf), 0);
    assert_int_equal(sqlite3_exec(store_sqlite_db(f->st),
                                  "CREATE TEMP TRIGGER refuse_user_events BEFORE INSERT ON events "
                                  "WHEN NEW.action IN ('user.passwd', 'user.disable') "
                                  "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    char err[256] = "";
    assert_int_equal(account_set_password(f->st, "tester", "counter1", "a new password", err, sizeof err),
                     ACCOUNT_STORE_ERROR);
    assert_true(err[0] != '\0');
    assert_int_equal(account_set_disabled(f->st, "tester", "counter1", true, err, sizeof err),
                     ACCOUNT_STORE_ERROR);
    assert_int_equal(session_lookup_at(f->st, token, T0 + 1, &seen, NULL), 1);
    assert_int_equal(account_verify_login_at(f->st, "counter1", PASSWORD, "10.0.0.1", T0, &seen, NULL), LOGIN_OK);
    assert_false(seen.disabled);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM events WHERE subject = 'counter1' "
                                                 "AND action <> 'user.add' AND action <> 'session.login'",
                                          NULL),
                     0);
}

static int count_cb(void *ctx, const account *a)
{
    (void)a;
    (*(int *)ctx)++;
    return 0;
}

/* Records the usernames visited (up to 4) and stops after the first with 7. */
typedef struct list_seen {
    char names[4][64];
    int n;
    bool stop;
} list_seen;

static int record_cb(void *ctx, const account *a)
{
    list_seen *ls = ctx;
    if (ls->n < 4)
        snprintf(ls->names[ls->n], sizeof ls->names[0], "%s", a->username);
    ls->n++;
    return ls->stop ? 7 : 0;
}

static void test_list(void **state)
{
    fixture *f = *state;
    add_ok(f->st, "bbb", "admin", NULL);
    add_ok(f->st, "aaa", "supervisor", NULL);
    int n = 0;
    assert_int_equal(account_list(f->st, count_cb, &n), 0);
    assert_int_equal(n, 2);
    /* In username order; a non-zero return stops the visit and is returned. */
    list_seen ls = {.stop = false};
    assert_int_equal(account_list(f->st, record_cb, &ls), 0);
    assert_int_equal(ls.n, 2);
    assert_string_equal(ls.names[0], "aaa");
    assert_string_equal(ls.names[1], "bbb");
    list_seen first = {.stop = true};
    assert_int_equal(account_list(f->st, record_cb, &first), 7);
    assert_int_equal(first.n, 1);
    assert_string_equal(first.names[0], "aaa");
}

/* The store functions under the accounts, on their own. */
static void test_store_accounts(void **state)
{
    fixture *f = *state;
    account u = {.role = ROLE_DEPARTMENT_OFFICER};
    snprintf(u.username, sizeof u.username, "officer");
    snprintf(u.full_name, sizeof u.full_name, "Trần Thị B");
    snprintf(u.department, sizeof u.department, "tuphap");
    long long id = 0;
    assert_int_equal(store_user_insert(f->st, &u, "$argon2id$not-a-real-hash", &id), 0);
    assert_true(id > 0);
    long long again = -5;
    assert_int_equal(store_user_insert(f->st, &u, "$argon2id$other", &again), 1);
    assert_int_equal(again, -5);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM users", NULL), 1);

    account got;
    char hash[64];
    assert_int_equal(store_user_by_name(f->st, "officer", &got), 1);
    assert_int_equal(got.id, id);
    assert_string_equal(got.full_name, "Trần Thị B");
    assert_int_equal(got.role, ROLE_DEPARTMENT_OFFICER);
    assert_string_equal(got.department, "tuphap");
    assert_false(got.disabled);
    assert_int_equal(store_user_by_name(f->st, "nobody", &got), 0);
    assert_int_equal(store_user_by_name_with_hash(f->st, "officer", &got, hash, sizeof hash), 1);
    assert_string_equal(hash, "$argon2id$not-a-real-hash");
    assert_int_equal(store_user_set_password(f->st, id, "$argon2id$new"), 0);
    assert_int_equal(store_user_set_disabled(f->st, id, true), 0);
    assert_int_equal(store_user_by_name_with_hash(f->st, "officer", &got, hash, sizeof hash), 1);
    assert_string_equal(hash, "$argon2id$new");
    assert_true(got.disabled);

    /* Sessions: read back with their user; touch, delete, per user, expired. */
    assert_int_equal(store_session_insert(f->st, "h1", id, "csrf1", T0, T0 + 100), 0);
    assert_int_equal(store_session_insert(f->st, "h2", id, "csrf2", T0, T0 + 100), 0);
    assert_int_equal(store_session_insert(f->st, "h1", id, "dup", T0, T0 + 100), -1);
    session_row s;
    assert_int_equal(store_session_get(f->st, "h1", &s), 1);
    assert_string_equal(s.user.username, "officer");
    assert_string_equal(s.csrf, "csrf1");
    assert_int_equal(s.expires_at, T0 + 100);
    assert_int_equal(s.last_seen_at, T0);
    assert_int_equal(store_session_touch(f->st, "h1", T0 + 50), 0);
    assert_int_equal(store_session_get(f->st, "h1", &s), 1);
    assert_int_equal(s.last_seen_at, T0 + 50);
    assert_int_equal(store_session_get(f->st, "nope", &s), 0);
    /* 60 s idle limit at T0 + 60: h2 (last seen T0) is past it, h1 (T0 + 50) is not. */
    assert_int_equal(store_sessions_delete_expired(f->st, T0 + 60, 60), 0);
    assert_int_equal(store_session_get(f->st, "h2", &s), 0);
    assert_int_equal(store_session_get(f->st, "h1", &s), 1);
    assert_int_equal(store_sessions_delete_expired(f->st, T0 + 100, 3600), 0); /* absolute end */
    assert_int_equal(store_session_get(f->st, "h1", &s), 0);
    assert_int_equal(store_session_insert(f->st, "h3", id, "c", T0, T0 + 100), 0);
    assert_int_equal(store_session_insert(f->st, "h4", id, "c", T0, T0 + 100), 0);
    assert_int_equal(store_session_delete(f->st, "h3"), 0);
    assert_int_equal(store_session_delete(f->st, "h3"), 0);
    assert_int_equal(store_sessions_delete_user(f->st, id), 0);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM sessions", NULL), 0);

    /* Failed logins: counts after `since`, and the one that must leave the window first. */
    for (int i = 0; i < 4; i++)
        assert_int_equal(store_login_failure_add(f->st, "officer", i < 2 ? "10.0.0.1" : "10.0.0.2",
                                                 T0 + 10 * i, T0 - 1000),
                         0);
    time_t at = 0;
    assert_int_equal(store_login_failures(f->st, STORE_LOGIN_BY_USERNAME, "officer", T0 - 1, 9, &at), 4);
    assert_int_equal(at, 0); /* under the limit: not set */
    assert_int_equal(store_login_failures(f->st, STORE_LOGIN_BY_USERNAME, "officer", T0 - 1, 3, &at), 4);
    assert_int_equal(at, T0 + 10); /* the 2nd oldest: with it gone, 2 < 3 remain */
    assert_int_equal(store_login_failures(f->st, STORE_LOGIN_BY_USERNAME, "officer", T0, 1, &at), 3);
    assert_int_equal(at, T0 + 30);
    assert_int_equal(store_login_failures(f->st, STORE_LOGIN_BY_IP, "10.0.0.2", T0 - 1, 2, &at), 2);
    assert_int_equal(at, T0 + 20);
    /* A new failure forgets those at or before forget_upto. */
    assert_int_equal(store_login_failure_add(f->st, "other", "10.0.0.3", T0 + 40, T0 + 10), 0);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM login_attempts", NULL), 3);
    assert_int_equal(store_login_failures_clear(f->st, "officer"), 0);
    assert_int_equal(store_login_failures(f->st, STORE_LOGIN_BY_USERNAME, "officer", T0 - 1, 1, &at), 0);
    assert_int_equal(test_query_int_bound(f->st, "SELECT count(*) FROM login_attempts", NULL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_validates, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_login, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_throttle_by_username, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_throttle_by_address, setup, test_db_teardown),
        cmocka_unit_test(test_session_token_hash_vector),
        cmocka_unit_test_setup_teardown(test_sessions, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_tokens_are_random, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_audit_events, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_changes_are_atomic, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_store_accounts, setup, test_db_teardown),
    };
    /* Minimum argon2id cost: the algorithm is the same, valgrind runs stay short. */
    accounts_set_hash_cost(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
