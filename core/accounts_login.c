/* Login checks: argon2id verification with throttling of repeated failures per username and per address. */
#include "accounts_internal.h"

#include <sodium.h>
#include <string.h>

#include "store_accounts.h"

/* Failures recorded for key = value since `since`: the count, and in *release the time at
 * which the count drops below `limit` (meaningful when count >= limit). Returns the count,
 * or -1 on error. */
static int recent_failures(store *st, store_login_key key, const char *value, time_t since, int limit,
                           time_t *release)
{
    time_t counted_at = 0;
    int count = store_login_failures(st, key, value, since, limit, &counted_at);
    if (count >= limit)
        *release = counted_at + LOGIN_WINDOW_SECONDS;
    return count;
}

/* 1 when the username or ip is throttled at now (with *retry_after), 0 when not, -1 on error. */
static int throttled(store *st, const char *user_key, const char *ip_key, time_t now, int *retry_after)
{
    time_t since = now - LOGIN_WINDOW_SECONDS, release_user = 0, release_ip = 0;
    int by_user = recent_failures(st, STORE_LOGIN_BY_USERNAME, user_key, since, LOGIN_MAX_FAILURES_USER,
                                  &release_user);
    int by_ip = recent_failures(st, STORE_LOGIN_BY_IP, ip_key, since, LOGIN_MAX_FAILURES_IP, &release_ip);
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
    int found = valid ? store_user_by_name_with_hash(st, username, &a, hash, sizeof hash) : 0;
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
        return store_login_failure_add(st, user_key, ip_key, now, now - LOGIN_WINDOW_SECONDS) == 0
                   ? LOGIN_BAD_CREDENTIALS
                   : LOGIN_ERROR;
    if (store_login_failures_clear(st, user_key) != 0)
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
