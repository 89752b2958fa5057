/* The audit log's hash chain: each event's hash is SHA-256 over the previous event's hash
 * and the event's own fields, so an edited, inserted or deleted row breaks the chain. */
#include "audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store_audit.h"

/* Feeds one field as "<length>:<bytes>;" (or "-;" for NULL), so that no two different
 * rows share a canonical text (a field cannot leak into its neighbour). */
static void feed(crypto_hash_sha256_state *h, const char *field)
{
    char len[32];
    if (field == NULL) {
        crypto_hash_sha256_update(h, (const unsigned char *)"-;", 2);
        return;
    }
    size_t n = strlen(field);
    int k = snprintf(len, sizeof len, "%zu:", n);
    crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
    crypto_hash_sha256_update(h, (const unsigned char *)field, n);
    crypto_hash_sha256_update(h, (const unsigned char *)";", 1);
}

/* hash = SHA-256(prev_hash || id || at || actor || action || subject || before || after),
 * as lower-case hex. */
static void row_hash(const audit_row *row, const char *prev_hash, char out[65])
{
    crypto_hash_sha256_state h;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char id[32];
    snprintf(id, sizeof id, "%lld", row->id);
    crypto_hash_sha256_init(&h);
    feed(&h, prev_hash);
    feed(&h, id);
    feed(&h, row->at);
    feed(&h, row->actor);
    feed(&h, row->action);
    feed(&h, row->subject);
    feed(&h, row->before_json);
    feed(&h, row->after_json);
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(out, 65, digest, sizeof digest);
}

/* Now, in Vietnam local time, "YYYY-MM-DD HH:MM:SS". */
static void now_text(char buf[20])
{
    time_t t = time(NULL) + 7 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

int audit_append(store *st, const char *actor, const char *action, const char *subject,
                 const char *before_json, const char *after_json)
{
    if (st == NULL || actor == NULL || action == NULL || subject == NULL)
        return -1;
    if (sodium_init() < 0)
        return -1;
    long long highest = 0;
    char prev[65], at[20], hash[65];
    if (store_audit_tail(st, &highest, prev) != 0)
        return -1;
    now_text(at);
    audit_row row = {highest + 1, at, actor, action, subject, before_json, after_json, prev, hash};
    row_hash(&row, prev, hash);
    return store_audit_insert(st, &row);
}

typedef struct verify_ctx {
    long long expected;   /* the id the next row must have */
    char prev[65];        /* the previous row's stored hash */
    long long bad;
    char *err;
    size_t errlen;
} verify_ctx;

static int verify_row(void *arg, const audit_row *row)
{
    verify_ctx *v = arg;
    char hash[65];
    if (row->id != v->expected) {
        v->bad = v->expected;
        snprintf(v->err, v->errlen, "event %lld is missing (deleted?): the next event is %lld",
                 v->expected, row->id);
        return 1;
    }
    if (row->prev_hash == NULL || strcmp(row->prev_hash, v->prev) != 0) {
        v->bad = row->id;
        snprintf(v->err, v->errlen,
                 "event %lld: prev_hash does not match the hash of the event before it", row->id);
        return 1;
    }
    row_hash(row, v->prev, hash);
    if (row->hash == NULL || strcmp(row->hash, hash) != 0) {
        v->bad = row->id;
        snprintf(v->err, v->errlen,
                 "event %lld: its content does not match its hash (the row was edited)", row->id);
        return 1;
    }
    snprintf(v->prev, sizeof v->prev, "%s", row->hash);
    v->expected++;
    return 0;
}

long long audit_verify(store *st, char *err, size_t errlen)
{
    char scratch[8];
    if (err == NULL || errlen == 0) {
        err = scratch;
        errlen = sizeof scratch;
    }
    err[0] = '\0';
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    verify_ctx v = {.expected = 1, .bad = 0, .err = err, .errlen = errlen};
    memset(v.prev, '0', 64);
    v.prev[64] = '\0';
    long long highest = 0;
    if (store_audit_scan(st, verify_row, &v, &highest) != 0) {
        snprintf(err, errlen, "cannot read the events table");
        return -1;
    }
    if (v.bad > 0)
        return v.bad;
    if (highest >= v.expected) {
        snprintf(err, errlen, "event %lld is missing (deleted?): events up to %lld were written",
                 v.expected, highest);
        return v.expected;
    }
    return 0;
}
