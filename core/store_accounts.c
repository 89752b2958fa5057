/* The accounts' SQL on SQLite: users, sessions and failed logins (the rules are core/accounts*.c). */
#include "store_accounts.h"

#include <stdio.h>
#include <string.h>

#include "roles.h"
#include "store_sqlite_internal.h"

/* The columns user_from_row reads, in order, for "SELECT " USER_COLUMNS " FROM users u ...". */
#define USER_COLUMNS "u.id, u.username, u.full_name, u.role, u.department, u.disabled"
#define USER_COLUMN_COUNT 6

/* Prepares sql on st's connection; NULL (nothing to finalize) when st is NULL or on error. */
static sqlite3_stmt *prepare(store *st, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return NULL;
    }
    return stmt;
}

/* Steps a prepared writing statement once and finalizes it: 0 when it completed, else -1.
 * stmt may be NULL (a failed prepare or bind): -1. */
static int finish_write(sqlite3_stmt *stmt)
{
    int rc = stmt != NULL ? sqlite3_step(stmt) : SQLITE_ERROR;
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void copy_text(char *dst, size_t dstlen, const unsigned char *src)
{
    snprintf(dst, dstlen, "%s", src != NULL ? (const char *)src : "");
}

/* Fills *out from columns first..first+5 (USER_COLUMNS) of the current row of stmt. */
static void user_from_row(sqlite3_stmt *stmt, int first, account *out)
{
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(stmt, first);
    copy_text(out->username, sizeof out->username, sqlite3_column_text(stmt, first + 1));
    copy_text(out->full_name, sizeof out->full_name, sqlite3_column_text(stmt, first + 2));
    out->role = role_parse((const char *)sqlite3_column_text(stmt, first + 3));
    copy_text(out->department, sizeof out->department, sqlite3_column_text(stmt, first + 4));
    out->disabled = sqlite3_column_int(stmt, first + 5) != 0;
}

/* ---- users ---------------------------------------------------------------------------- */

int store_user_insert(store *st, const account *a, const char *password_hash, long long *id_out)
{
    if (a == NULL || password_hash == NULL)
        return -1;
    sqlite3_stmt *stmt = prepare(st, "INSERT INTO users (username, full_name, role, department, password_hash) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (stmt == NULL)
        return -1;
    /* ?4 stays NULL for a user outside any department. */
    int rc = sqlite3_bind_text(stmt, 1, a->username, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(stmt, 2, a->full_name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(stmt, 3, role_name(a->role), -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && a->department[0] != '\0')
        rc = sqlite3_bind_text(stmt, 4, a->department, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(stmt, 5, password_hash, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return 1;
    if (rc != SQLITE_DONE)
        return -1;
    if (id_out != NULL)
        *id_out = sqlite3_last_insert_rowid(store_sqlite_db(st));
    return 0;
}

/* Runs a users query with ?1 bound to username and reads its first row: 1 and *out (and the
 * column after USER_COLUMNS into hash when hash is not NULL), 0 no row, -1 on error. */
static int user_query_by_name(store *st, const char *sql, const char *username, account *out,
                              char *hash, size_t hashlen)
{
    if (username == NULL || out == NULL)
        return -1;
    sqlite3_stmt *stmt = prepare(st, sql);
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_bind_text(stmt, 1, username, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    int found = -1;
    if (rc == SQLITE_ROW) {
        user_from_row(stmt, 0, out);
        if (hash != NULL && hashlen > 0)
            copy_text(hash, hashlen, sqlite3_column_text(stmt, USER_COLUMN_COUNT));
        found = 1;
    } else if (rc == SQLITE_DONE) {
        found = 0;
    }
    sqlite3_finalize(stmt);
    return found;
}

int store_user_by_name(store *st, const char *username, account *out)
{
    return user_query_by_name(st, "SELECT " USER_COLUMNS " FROM users u WHERE u.username = ?1",
                              username, out, NULL, 0);
}

int store_user_by_name_with_hash(store *st, const char *username, account *out, char *hash,
                                 size_t hashlen)
{
    if (hash == NULL || hashlen == 0)
        return -1;
    return user_query_by_name(
        st, "SELECT " USER_COLUMNS ", u.password_hash FROM users u WHERE u.username = ?1",
        username, out, hash, hashlen);
}

int store_users_list(store *st, int (*fn)(void *ctx, const account *a), void *ctx)
{
    if (fn == NULL)
        return -1;
    sqlite3_stmt *stmt = prepare(st, "SELECT " USER_COLUMNS " FROM users u ORDER BY u.username");
    if (stmt == NULL)
        return -1;
    int rc, result = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        account a;
        user_from_row(stmt, 0, &a);
        if ((result = fn(ctx, &a)) != 0)
            break;
    }
    if (result == 0 && rc != SQLITE_DONE)
        result = -1;
    sqlite3_finalize(stmt);
    return result;
}

int store_user_set_password(store *st, long long user_id, const char *password_hash)
{
    if (password_hash == NULL)
        return -1;
    sqlite3_stmt *stmt = prepare(st, "UPDATE users SET password_hash = ?1 WHERE id = ?2");
    if (stmt != NULL && (sqlite3_bind_text(stmt, 1, password_hash, -1, SQLITE_STATIC) != SQLITE_OK ||
                         sqlite3_bind_int64(stmt, 2, user_id) != SQLITE_OK)) {
        sqlite3_finalize(stmt);
        return -1;
    }
    return finish_write(stmt);
}

/* Runs a statement binding ?1 to an integer and, when text is not NULL, ?2 to text: 0 when
 * it completed, else -1. */
static int exec_int_text(store *st, const char *sql, long long n, const char *text)
{
    sqlite3_stmt *stmt = prepare(st, sql);
    if (stmt != NULL && (sqlite3_bind_int64(stmt, 1, n) != SQLITE_OK ||
                         (text != NULL && sqlite3_bind_text(stmt, 2, text, -1, SQLITE_STATIC) != SQLITE_OK))) {
        sqlite3_finalize(stmt);
        return -1;
    }
    return finish_write(stmt);
}

int store_user_set_disabled(store *st, long long user_id, bool disabled)
{
    return exec_int_text(st, disabled ? "UPDATE users SET disabled = 1 WHERE id = ?1"
                                      : "UPDATE users SET disabled = 0 WHERE id = ?1",
                         user_id, NULL);
}

/* ---- sessions ------------------------------------------------------------------------- */

int store_session_insert(store *st, const char *token_hash, long long user_id, const char *csrf,
                         time_t created_at, time_t expires_at)
{
    if (token_hash == NULL || csrf == NULL)
        return -1;
    sqlite3_stmt *stmt = prepare(
        st, "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?4)");
    if (stmt != NULL && (sqlite3_bind_text(stmt, 1, token_hash, -1, SQLITE_STATIC) != SQLITE_OK ||
                         sqlite3_bind_int64(stmt, 2, user_id) != SQLITE_OK ||
                         sqlite3_bind_text(stmt, 3, csrf, -1, SQLITE_STATIC) != SQLITE_OK ||
                         sqlite3_bind_int64(stmt, 4, (sqlite3_int64)created_at) != SQLITE_OK ||
                         sqlite3_bind_int64(stmt, 5, (sqlite3_int64)expires_at) != SQLITE_OK)) {
        sqlite3_finalize(stmt);
        return -1;
    }
    return finish_write(stmt);
}

int store_session_get(store *st, const char *token_hash, session_row *out)
{
    if (token_hash == NULL || out == NULL)
        return -1;
    sqlite3_stmt *stmt = prepare(
        st, "SELECT " USER_COLUMNS ", s.csrf_token, s.expires_at, s.last_seen_at "
            "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1");
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_bind_text(stmt, 1, token_hash, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    int found = -1;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        user_from_row(stmt, 0, &out->user);
        copy_text(out->csrf, sizeof out->csrf, sqlite3_column_text(stmt, USER_COLUMN_COUNT));
        out->expires_at = (time_t)sqlite3_column_int64(stmt, USER_COLUMN_COUNT + 1);
        out->last_seen_at = (time_t)sqlite3_column_int64(stmt, USER_COLUMN_COUNT + 2);
        found = 1;
    } else if (rc == SQLITE_DONE) {
        found = 0;
    }
    sqlite3_finalize(stmt);
    return found;
}

int store_session_touch(store *st, const char *token_hash, time_t now)
{
    if (token_hash == NULL)
        return -1;
    return exec_int_text(st, "UPDATE sessions SET last_seen_at = ?1 WHERE token_hash = ?2",
                         (long long)now, token_hash);
}

int store_session_delete(store *st, const char *token_hash)
{
    const char *p[] = {token_hash};
    if (token_hash == NULL)
        return -1;
    return store_sqlite_exec(store_sqlite_db(st), "DELETE FROM sessions WHERE token_hash = ?1", p, 1);
}

int store_sessions_delete_user(store *st, long long user_id)
{
    return exec_int_text(st, "DELETE FROM sessions WHERE user_id = ?1", user_id, NULL);
}

int store_sessions_delete_expired(store *st, time_t now, int idle_seconds)
{
    sqlite3_stmt *stmt = prepare(st, "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2");
    if (stmt != NULL && (sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now) != SQLITE_OK ||
                         sqlite3_bind_int64(stmt, 2, (sqlite3_int64)(now - idle_seconds)) != SQLITE_OK)) {
        sqlite3_finalize(stmt);
        return -1;
    }
    return finish_write(stmt);
}

/* ---- failed logins -------------------------------------------------------------------- */

int store_login_failures(store *st, store_login_key key, const char *value, time_t since,
                         int limit, time_t *counted_at)
{
    /* A column name cannot be a parameter: one constant pair of statements per key. */
    static const char *const sql_count[] = {
        [STORE_LOGIN_BY_USERNAME] = "SELECT count(*) FROM login_attempts WHERE username = ?1 AND at > ?2",
        [STORE_LOGIN_BY_IP] = "SELECT count(*) FROM login_attempts WHERE ip = ?1 AND at > ?2",
    };
    static const char *const sql_nth[] = {
        [STORE_LOGIN_BY_USERNAME] =
            "SELECT at FROM login_attempts WHERE username = ?1 AND at > ?2 ORDER BY at LIMIT 1 OFFSET ?3",
        [STORE_LOGIN_BY_IP] =
            "SELECT at FROM login_attempts WHERE ip = ?1 AND at > ?2 ORDER BY at LIMIT 1 OFFSET ?3",
    };
    if ((key != STORE_LOGIN_BY_USERNAME && key != STORE_LOGIN_BY_IP) || value == NULL ||
        counted_at == NULL || limit < 1)
        return -1;
    sqlite3_stmt *stmt = prepare(st, sql_count[key]);
    if (stmt == NULL)
        return -1;
    int count = -1;
    if (sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_int64(stmt, 2, (sqlite3_int64)since) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        count = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    if (count < limit)
        return count;
    /* The (count - limit + 1)-th oldest failure must leave the window first. */
    stmt = prepare(st, sql_nth[key]);
    if (stmt == NULL)
        return -1;
    if (sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_int64(stmt, 2, (sqlite3_int64)since) == SQLITE_OK &&
        sqlite3_bind_int(stmt, 3, count - limit) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
        *counted_at = (time_t)sqlite3_column_int64(stmt, 0);
    else
        count = -1;
    sqlite3_finalize(stmt);
    return count;
}

int store_login_failure_add(store *st, const char *username, const char *ip, time_t at,
                            time_t forget_upto)
{
    if (username == NULL || ip == NULL)
        return -1;
    sqlite3_stmt *stmt = prepare(st, "INSERT INTO login_attempts (username, ip, at) VALUES (?1, ?2, ?3)");
    if (stmt != NULL && (sqlite3_bind_text(stmt, 1, username, -1, SQLITE_STATIC) != SQLITE_OK ||
                         sqlite3_bind_text(stmt, 2, ip, -1, SQLITE_STATIC) != SQLITE_OK ||
                         sqlite3_bind_int64(stmt, 3, (sqlite3_int64)at) != SQLITE_OK)) {
        sqlite3_finalize(stmt);
        return -1;
    }
    if (finish_write(stmt) != 0)
        return -1;
    return exec_int_text(st, "DELETE FROM login_attempts WHERE at <= ?1", (long long)forget_upto, NULL);
}

int store_login_failures_clear(store *st, const char *username)
{
    const char *p[] = {username};
    if (username == NULL)
        return -1;
    return store_sqlite_exec(store_sqlite_db(st), "DELETE FROM login_attempts WHERE username = ?1", p, 1);
}
