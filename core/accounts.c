/* Accounts: create, change password, disable/enable, read and list, each change audited. */
#include "accounts_internal.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "store_accounts.h"

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s", msg);
}

char *account_audit_json(const account *a)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:s?,s:b}", "username", a->username, "full_name", a->full_name,
                          "role", role_name(a->role), "department",
                          a->department[0] != '\0' ? a->department : NULL, "disabled", a->disabled);
    if (o == NULL)
        return NULL;
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return text;
}

bool account_username_valid(const char *username)
{
    if (username == NULL)
        return false;
    size_t n = strlen(username);
    if (n < 3 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = username[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool department_id_valid(const char *d)
{
    size_t n = strlen(d);
    if (n < 1 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((d[i] >= 'a' && d[i] <= 'z') || (d[i] >= '0' && d[i] <= '9') || d[i] == '_'))
            return false;
    return true;
}

/* Non-empty, shorter than account.full_name, no control characters. */
static bool full_name_valid(const char *name)
{
    if (name == NULL || name[0] == '\0' || strlen(name) >= sizeof(((account *)0)->full_name))
        return false;
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static account_status check_password(const char *password, char *err, size_t errlen)
{
    size_t n = password != NULL ? strlen(password) : 0;
    if (n < ACCOUNT_PASSWORD_MIN) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "the password must have at least %d characters", ACCOUNT_PASSWORD_MIN);
        return ACCOUNT_INVALID;
    }
    if (n > ACCOUNT_PASSWORD_MAX) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "the password must have at most %d characters", ACCOUNT_PASSWORD_MAX);
        return ACCOUNT_INVALID;
    }
    return ACCOUNT_OK;
}

/* argon2id cost: libsodium's "interactive" limits (64 MiB, 2 passes, a few hundred ms). */
static unsigned long long hash_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t hash_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void accounts_set_hash_cost(unsigned long long opslimit, size_t memlimit)
{
    hash_opslimit = opslimit;
    hash_memlimit = memlimit;
}

const char *accounts_dummy_hash(void)
{
    static char dummy[crypto_pwhash_STRBYTES];
    static unsigned long long made_ops;
    static size_t made_mem;
    if (dummy[0] == '\0' || made_ops != hash_opslimit || made_mem != hash_memlimit) {
        char password[16];
        randombytes_buf(password, sizeof password);
        if (crypto_pwhash_str(dummy, password, sizeof password, hash_opslimit, hash_memlimit) != 0)
            dummy[0] = '\0';
        made_ops = hash_opslimit;
        made_mem = hash_memlimit;
    }
    return dummy;
}

static account_status hash_password(const char *password, char hash[crypto_pwhash_STRBYTES], char *err,
                                    size_t errlen)
{
    if (sodium_init() < 0 ||
        crypto_pwhash_str(hash, password, strlen(password), hash_opslimit, hash_memlimit) != 0) {
        set_err(err, errlen, "cannot hash the password (out of memory?)");
        return ACCOUNT_STORE_ERROR;
    }
    return ACCOUNT_OK;
}

/* Ends the transaction: commits when status is ACCOUNT_OK (turning a failed
 * commit into ACCOUNT_STORE_ERROR), rolls back otherwise. */
static account_status finish(store *st, account_status status, char *err, size_t errlen)
{
    if (status == ACCOUNT_OK && store_commit(st) != 0) {
        set_err(err, errlen, "cannot commit the change to the database");
        status = ACCOUNT_STORE_ERROR;
    }
    if (status != ACCOUNT_OK)
        store_rollback(st);
    return status;
}

account_status account_add(store *st, const char *actor, const char *username, const char *full_name,
                           const char *role_name_text, const char *department, const char *password,
                           char *err, size_t errlen)
{
    if (!account_username_valid(username)) {
        set_err(err, errlen, "the username must be 3 to 32 characters among a-z 0-9 . _ -");
        return ACCOUNT_INVALID;
    }
    if (!full_name_valid(full_name)) {
        set_err(err, errlen, "the full name must be non-empty, under 128 bytes, without control characters");
        return ACCOUNT_INVALID;
    }
    role r = role_parse(role_name_text);
    if (r == ROLE_NONE) {
        set_err(err, errlen, "unknown role; use counter, department_officer, department_head, "
                             "supervisor, archivist or admin");
        return ACCOUNT_INVALID;
    }
    if (department != NULL && department[0] == '\0')
        department = NULL;
    if (role_is_departmental(r) && (department == NULL || !department_id_valid(department))) {
        set_err(err, errlen, "this role needs a department id ([a-z0-9_], 1 to 32 characters)");
        return ACCOUNT_INVALID;
    }
    if (!role_is_departmental(r) && department != NULL) {
        set_err(err, errlen, "only department_officer and department_head belong to a department");
        return ACCOUNT_INVALID;
    }
    account_status status = check_password(password, err, errlen);
    if (status != ACCOUNT_OK)
        return status;
    char hash[crypto_pwhash_STRBYTES];
    /* Hashing takes a moment: do it before taking the write lock. */
    if ((status = hash_password(password, hash, err, errlen)) != ACCOUNT_OK)
        return status;

    /* The validation above keeps every field within its account buffer. */
    account a = {.role = r, .disabled = false};
    snprintf(a.username, sizeof a.username, "%s", username);
    snprintf(a.full_name, sizeof a.full_name, "%s", full_name);
    snprintf(a.department, sizeof a.department, "%s", department != NULL ? department : "");

    if (store_begin(st) != 0) {
        sodium_memzero(hash, sizeof hash);
        set_err(err, errlen, "cannot start a database transaction");
        return ACCOUNT_STORE_ERROR;
    }
    int inserted = store_user_insert(st, &a, hash, &a.id);
    sodium_memzero(hash, sizeof hash);
    if (inserted == 1) {
        set_err(err, errlen, "an account with this username already exists");
        return finish(st, ACCOUNT_EXISTS, err, errlen);
    }
    if (inserted != 0) {
        set_err(err, errlen, "cannot store the account");
        return finish(st, ACCOUNT_STORE_ERROR, err, errlen);
    }
    char *after = account_audit_json(&a);
    if (after == NULL || audit_append(st, actor, "user.add", username, NULL, after) != 0) {
        set_err(err, errlen, "cannot write the audit event");
        status = ACCOUNT_STORE_ERROR;
    }
    free(after);
    return finish(st, status, err, errlen);
}

account_status account_get(store *st, const char *username, account *out)
{
    if (username == NULL)
        return ACCOUNT_NOT_FOUND;
    int found = store_user_by_name(st, username, out);
    return found == 1 ? ACCOUNT_OK : found == 0 ? ACCOUNT_NOT_FOUND : ACCOUNT_STORE_ERROR;
}

int account_list(store *st, int (*fn)(void *ctx, const account *a), void *ctx)
{
    return store_users_list(st, fn, ctx);
}

/* Reads the account inside the open transaction; sets err on failure. */
static account_status get_locked(store *st, const char *username, account *a, char *err, size_t errlen)
{
    account_status status = account_get(st, username, a);
    if (status == ACCOUNT_NOT_FOUND)
        set_err(err, errlen, "no account with this username");
    else if (status != ACCOUNT_OK)
        set_err(err, errlen, "cannot read the account");
    return status;
}

account_status account_set_password(store *st, const char *actor, const char *username,
                                    const char *password, char *err, size_t errlen)
{
    account_status status = check_password(password, err, errlen);
    if (status != ACCOUNT_OK)
        return status;
    char hash[crypto_pwhash_STRBYTES];
    if ((status = hash_password(password, hash, err, errlen)) != ACCOUNT_OK)
        return status;
    if (store_begin(st) != 0) {
        sodium_memzero(hash, sizeof hash);
        set_err(err, errlen, "cannot start a database transaction");
        return ACCOUNT_STORE_ERROR;
    }
    account a;
    status = get_locked(st, username, &a, err, errlen);
    if (status == ACCOUNT_OK) {
        /* A new password ends the sessions opened with the old one, in the same transaction. */
        if (store_user_set_password(st, a.id, hash) != 0 || store_sessions_delete_user(st, a.id) != 0 ||
            audit_append(st, actor, "user.passwd", username, NULL, "{\"password\":\"changed\"}") != 0) {
            set_err(err, errlen, "cannot store the new password");
            status = ACCOUNT_STORE_ERROR;
        }
    }
    sodium_memzero(hash, sizeof hash);
    return finish(st, status, err, errlen);
}

account_status account_set_disabled(store *st, const char *actor, const char *username, bool disabled,
                                    char *err, size_t errlen)
{
    if (store_begin(st) != 0) {
        set_err(err, errlen, "cannot start a database transaction");
        return ACCOUNT_STORE_ERROR;
    }
    account a;
    account_status status = get_locked(st, username, &a, err, errlen);
    if (status != ACCOUNT_OK || a.disabled == disabled)
        return finish(st, status, err, errlen);
    char *before = account_audit_json(&a);
    a.disabled = disabled;
    char *after = account_audit_json(&a);
    bool ok = before != NULL && after != NULL && store_user_set_disabled(st, a.id, disabled) == 0 &&
              (!disabled || store_sessions_delete_user(st, a.id) == 0) &&
              audit_append(st, actor, disabled ? "user.disable" : "user.enable", username, before,
                           after) == 0;
    free(before);
    free(after);
    if (!ok) {
        set_err(err, errlen, "cannot change the account");
        status = ACCOUNT_STORE_ERROR;
    }
    return finish(st, status, err, errlen);
}
