/* Sessions: random bearer tokens stored as SHA-256, with an idle and an absolute lifetime, and a CSRF token each. */
#include "accounts_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "store_accounts.h"

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
    if (store_session_insert(st, hash, user->id, csrf, now, now + SESSION_MAX_SECONDS) == 0 &&
        store_sessions_delete_expired(st, now, SESSION_IDLE_SECONDS) == 0 &&
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

int session_lookup_at(store *st, const char *token, time_t now, account *out,
                      char csrf[SESSION_TOKEN_LEN + 1])
{
    if (!token_well_formed(token))
        return 0;
    if (sodium_init() < 0)
        return -1;
    char hash[65];
    session_token_hash(token, hash);
    session_row s;
    int found = store_session_get(st, hash, &s);
    if (found != 1)
        return found;
    if (csrf != NULL)
        snprintf(csrf, SESSION_TOKEN_LEN + 1, "%s", s.csrf);

    if (now >= s.expires_at || now - s.last_seen_at >= SESSION_IDLE_SECONDS) {
        /* Best effort: an expired row left behind is purged at the next login. */
        store_session_delete(st, hash);
        return 0;
    }
    if (s.user.disabled)
        return 0;
    if (now - s.last_seen_at >= SESSION_TOUCH_SECONDS && store_session_touch(st, hash, now) != 0)
        return -1;
    if (out != NULL)
        *out = s.user;
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
    session_row s;
    int found = store_session_get(st, hash, &s);
    if (found == 0) {
        store_rollback(st);
        return 0;
    }
    const char *username = s.user.username;
    if (found == 1 && store_session_delete(st, hash) == 0 &&
        audit_append(st, username, "session.logout", username, NULL, NULL) == 0 && store_commit(st) == 0)
        return 1;
    store_rollback(st);
    return -1;
}
