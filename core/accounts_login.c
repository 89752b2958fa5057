/* Login checks: argon2id verification with throttling of repeated failures per username and per address. */
#include "accounts_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* An argon2id hash with the same limits as real ones, of a random password nobody
 * knows: verified against when the username does not exist, so that the answer
 * takes as long as for a real account. */
/* Failures recorded for `column` = value since `since`: the count, and in
 * *release the time at which the count drops below `limit` (meaningful when
 * count >= limit). Returns the count, or -1 on error. */
static int recent_failures(store *st, const char *sql_count, const char *sql_nth, const char *value,
                           time_t since, int limit, time_t *release)
{
    sqlite3_stmt *stmt = accounts_prepare(st, sql_count);
    if (stmt == NULL)
        return -1;
    sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)since);
    int count = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    if (count < limit)
        return count;
    /* The (count - limit + 1)-th oldest failure must leave the window first. */
    stmt = accounts_prepare(st, sql_nth);
    if (stmt == NULL)
        return -1;
    sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)since);
    sqlite3_bind_int(stmt, 3, count - limit);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        *release = (time_t)sqlite3_column_int64(stmt, 0) + LOGIN_WINDOW_SECONDS;
    else
        count = -1;
    sqlite3_finalize(stmt);
    return count;
}

/* 1 when the username or ip is throttled at now (with *retry_after), 0 when not, -1 on error. */
static int throttled(store *st, const char *user_key, const char *ip_key, time_t now, int *retry_after)
{
    time_t since = now - LOGIN_WINDOW_SECONDS, release_user = 0, release_ip = 0;
    int by_user = recent_failures(
        st, "SELECT count(*) FROM login_attempts WHERE username = ?1 AND at > ?2",
        "SELECT at FROM login_attempts WHERE username = ?1 AND at > ?2 ORDER BY at LIMIT 1 OFFSET ?3",
        user_key, since, LOGIN_MAX_FAILURES_USER, &release_user);
    int by_ip = recent_failures(
        st, "SELECT count(*) FROM login_attempts WHERE ip = ?1 AND at > ?2",
        "SELECT at FROM login_attempts WHERE ip = ?1 AND at > ?2 ORDER BY at LIMIT 1 OFFSET ?3", ip_key,
        since, LOGIN_MAX_FAILURES_IP, &release_ip);
    if (by_user < 0 || by_ip < 0)
        return -1;
    time_t release = 0;
    if (by_user >= LOGIN_MAX_FAILURES_USER)
        release = release_user;
    if (by_ip >= LOGIN_MAX_FAILURES_IP && release_ip > release)
        release = release_ip;
    if (release == 0)
        return 0;
    if (retry_after != NULL)
        *retry_after = release > now ? (int)(release - now) : 1;
    return 1;
}

/* Records one failure and forgets those older than the window. Returns 0 or -1. */
static int record_failure(store *st, const char *user_key, const char *ip_key, time_t now)
{
    sqlite3_stmt *stmt =
        accounts_prepare(st, "INSERT INTO login_attempts (username, ip, at) VALUES (?1, ?2, ?3)");
    if (stmt == NULL)
        return -1;
    sqlite3_bind_text(stmt, 1, user_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, ip_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)now);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return -1;
    stmt = accounts_prepare(st, "DELETE FROM login_attempts WHERE at <= ?1");
    if (stmt == NULL)
        return -1;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)(now - LOGIN_WINDOW_SECONDS));
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int clear_failures(store *st, const char *user_key)
{
    sqlite3_stmt *stmt = accounts_prepare(st, "DELETE FROM login_attempts WHERE username = ?1");
    if (stmt == NULL)
        return -1;
    sqlite3_bind_text(stmt, 1, user_key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Looks the account up with its hash: 1 found, 0 not, -1 error. */
static int find_with_hash(store *st, const char *username, account *out, char hash[crypto_pwhash_STRBYTES])
{
    sqlite3_stmt *stmt = accounts_prepare(
        st, "SELECT " ACCOUNT_COLUMNS ", u.password_hash FROM users u WHERE u.username = ?1");
    if (stmt == NULL)
        return -1;
    sqlite3_bind_text(stmt, 1, username, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt), found = -1;
    if (rc == SQLITE_ROW) {
        account_from_row(stmt, 0, out);
        const unsigned char *h = sqlite3_column_text(stmt, 6);
        snprintf(hash, crypto_pwhash_STRBYTES, "%s", h != NULL ? (const char *)h : "");
        found = 1;
    } else if (rc == SQLITE_DONE) {
        found = 0;
    }
    sqlite3_finalize(stmt);
    return found;
}

login_result account_verify_login_at(store *st, const char *username, const char *password,
                                     const char *ip, time_t now, account *out, int *retry_after)
{
    if (sodium_init() < 0)
        return LOGIN_ERROR;
    if (password == NULL)
        password = "";
    /* Usernames that cannot exist are throttled together under one key, so that
     * an attacker cannot fill the table with long strings. */
    bool valid = account_username_valid(username);
    const char *user_key = valid ? username : "?";
    const char *ip_key = ip != NULL && ip[0] != '\0' && strlen(ip) < 64 ? ip : "unknown";

    int t = throttled(st, user_key, ip_key, now, retry_after);
    if (t != 0)
        return t > 0 ? LOGIN_THROTTLED : LOGIN_ERROR;

    account a;
    char hash[crypto_pwhash_STRBYTES] = "";
    int found = valid ? find_with_hash(st, username, &a, hash) : 0;
    if (found < 0)
        return LOGIN_ERROR;
    size_t len = strlen(password);
    bool long_enough = len <= ACCOUNT_PASSWORD_MAX;
    /* The same work whether or not the account exists. */
    bool match = crypto_pwhash_str_verify(found == 1 ? hash : accounts_dummy_hash(), password,
                                          long_enough ? len : 0) == 0;
    match = match && found == 1 && long_enough;
    sodium_memzero(hash, sizeof hash);
    if (!match)
        return record_failure(st, user_key, ip_key, now) == 0 ? LOGIN_BAD_CREDENTIALS : LOGIN_ERROR;
    if (clear_failures(st, user_key) != 0)
        return LOGIN_ERROR;
    if (out != NULL)
        *out = a;
    return a.disabled ? LOGIN_DISABLED : LOGIN_OK;
}

login_result account_verify_login(store *st, const char *username, const char *password,
                                  const char *ip, account *out, int *retry_after)
{
    return account_verify_login_at(st, username, password, ip, time(NULL), out, retry_after);
}
