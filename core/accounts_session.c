/* Sessions: random bearer tokens stored as SHA-256, with an idle and an absolute lifetime, and a CSRF token each. */
#include "accounts_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"

/* last_seen_at is written at most this often per session. */
#define SESSION_TOUCH_SECONDS 60

void session_token_hash(const char *token, char hex[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(hex, 65, digest, sizeof digest);
}

/* 32 random bytes as base64url without padding (SESSION_TOKEN_LEN chars). */
static void random_token(char out[SESSION_TOKEN_LEN + 1])
{
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, bytes, sizeof bytes,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes, sizeof bytes);
}

/* True when token has the shape random_token makes; anything else is not looked up. */
static bool token_well_formed(const char *token)
{
    if (token == NULL || strlen(token) != SESSION_TOKEN_LEN)
        return false;
    for (const char *p = token; *p != '\0'; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

/* Removes the sessions past either lifetime at now. */
static bool purge_expired(store *st, time_t now)
{
    sqlite3_stmt *stmt =
        accounts_prepare(st, "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2");
    if (stmt == NULL)
        return false;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)(now - SESSION_IDLE_SECONDS));
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE;
}

int session_create_at(store *st, const account *user, time_t now,
                      char token[SESSION_TOKEN_LEN + 1], char csrf[SESSION_TOKEN_LEN + 1])
{
    if (sodium_init() < 0 || user == NULL)
        return -1;
    char hash[65];
    random_token(token);
    random_token(csrf);
    session_token_hash(token, hash);
    if (store_begin(st) != 0)
        return -1;
    sqlite3_stmt *stmt = accounts_prepare(
        st, "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?4)");
    int rc = SQLITE_ERROR;
    if (stmt != NULL) {
        sqlite3_bind_text(stmt, 1, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, user->id);
        sqlite3_bind_text(stmt, 3, csrf, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 4, (sqlite3_int64)now);
        sqlite3_bind_int64(stmt, 5, (sqlite3_int64)(now + SESSION_MAX_SECONDS));
        rc = sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE && purge_expired(st, now) &&
        audit_append(st, user->username, "session.login", user->username, NULL, NULL) == 0 &&
        store_commit(st) == 0)
        return 0;
    store_rollback(st);
    sodium_memzero(token, SESSION_TOKEN_LEN + 1);
    return -1;
}

int session_create(store *st, const account *user, char token[SESSION_TOKEN_LEN + 1],
                   char csrf[SESSION_TOKEN_LEN + 1])
{
    return session_create_at(st, user, time(NULL), token, csrf);
}

/* Deletes the session stored under hash; true when the statement completed. */
static bool delete_by_hash(store *st, const char *hash)
{
    sqlite3_stmt *stmt = accounts_prepare(st, "DELETE FROM sessions WHERE token_hash = ?1");
    if (stmt == NULL)
        return false;
    sqlite3_bind_text(stmt, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE;
}

/* Runs a statement binding ?1 to an integer and ?2 to text; true when it completed. */
static bool exec_int_text(store *st, const char *sql, long long n, const char *text)
{
    sqlite3_stmt *stmt = accounts_prepare(st, sql);
    if (stmt == NULL)
        return false;
    sqlite3_bind_int64(stmt, 1, n);
    sqlite3_bind_text(stmt, 2, text, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE;
}

int session_lookup_at(store *st, const char *token, time_t now, account *out,
                      char csrf[SESSION_TOKEN_LEN + 1])
{
    if (!token_well_formed(token))
        return 0;
    if (sodium_init() < 0)
        return -1;
    char hash[65];
    session_token_hash(token, hash);
    sqlite3_stmt *stmt = accounts_prepare(
        st, "SELECT " ACCOUNT_COLUMNS ", s.csrf_token, s.expires_at, s.last_seen_at "
            "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1");
    if (stmt == NULL)
        return -1;
    sqlite3_bind_text(stmt, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        return rc == SQLITE_DONE ? 0 : -1;
    }
    account a;
    account_from_row(stmt, 0, &a);
    const unsigned char *c = sqlite3_column_text(stmt, 6);
    time_t expires_at = (time_t)sqlite3_column_int64(stmt, 7);
    time_t last_seen_at = (time_t)sqlite3_column_int64(stmt, 8);
    if (csrf != NULL)
        snprintf(csrf, SESSION_TOKEN_LEN + 1, "%s", c != NULL ? (const char *)c : "");
    sqlite3_finalize(stmt);

    if (now >= expires_at || now - last_seen_at >= SESSION_IDLE_SECONDS) {
        /* Best effort: an expired row left behind is purged at the next login. */
        delete_by_hash(st, hash);
        return 0;
    }
    if (a.disabled)
        return 0;
    if (now - last_seen_at >= SESSION_TOUCH_SECONDS &&
        !exec_int_text(st, "UPDATE sessions SET last_seen_at = ?1 WHERE token_hash = ?2",
                       (long long)now, hash))
        return -1;
    if (out != NULL)
        *out = a;
    return 1;
}

int session_lookup(store *st, const char *token, account *out, char csrf[SESSION_TOKEN_LEN + 1])
{
    return session_lookup_at(st, token, time(NULL), out, csrf);
}

int session_delete(store *st, const char *token)
{
    if (!token_well_formed(token))
        return 0;
    if (sodium_init() < 0)
        return -1;
    char hash[65];
    session_token_hash(token, hash);
    if (store_begin(st) != 0)
        return -1;
    sqlite3_stmt *stmt = accounts_prepare(
        st, "SELECT u.username FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1");
    if (stmt == NULL) {
        store_rollback(st);
        return -1;
    }
    sqlite3_bind_text(stmt, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    char username[64] = "";
    if (rc == SQLITE_ROW)
        snprintf(username, sizeof username, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE) {
        store_rollback(st);
        return 0;
    }
    if (rc == SQLITE_ROW &&
        delete_by_hash(st, hash) &&
        audit_append(st, username, "session.logout", username, NULL, NULL) == 0 && store_commit(st) == 0)
        return 1;
    store_rollback(st);
    return -1;
}
