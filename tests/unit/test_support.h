/* Helpers shared by the unit tests: a temporary database folder with its store, one-number
 * queries, and a writer that captures a response. Include after <cmocka.h>. */
#ifndef MOTCUA_TEST_SUPPORT_H
#define MOTCUA_TEST_SUPPORT_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "request.h"
#include "store.h"
#include "store_sqlite_internal.h"

/* ---- a temporary database folder ---------------------------------------------------- */

/* One test's database: dir is /tmp/motcua-<name>-XXXXXX, path is dir/motcua.db, and st the
 * store opened on path by test_db_open (NULL until then). */
typedef struct test_db {
    char dir[64];
    char path[128];
    store *st;
} test_db;

/* Creates a fresh folder for d. Returns 0, or -1 with nothing created and d all zero (so
 * d->dir[0] == '\0' tells whether there is a folder to remove). */
static inline int test_db_make(test_db *d, const char *name)
{
    memset(d, 0, sizeof *d);
    int n = snprintf(d->dir, sizeof d->dir, "/tmp/motcua-%s-XXXXXX", name);
    if (n < 0 || (size_t)n >= sizeof d->dir || mkdtemp(d->dir) == NULL) {
        memset(d, 0, sizeof *d);
        return -1;
    }
    snprintf(d->path, sizeof d->path, "%s/motcua.db", d->dir);
    return 0;
}

/* Opens d->st on d->path with the given busy timeout. Returns 0, or -1 with the store's
 * reason on stderr and d->st NULL. */
static inline int test_db_open(test_db *d, int busy_timeout_ms)
{
    char err[256] = "";
    if (store_open(d->path, busy_timeout_ms, &d->st, err, sizeof err) != 0) {
        fprintf(stderr, "store_open %s: %s\n", d->path, err);
        d->st = NULL;
        return -1;
    }
    return 0;
}

/* Closes d->st if open, removes the database with its -wal, -shm and -journal files, then the
 * folder. Returns rmdir's result: -1 when anything else was left in the folder. */
static inline int test_db_remove(test_db *d)
{
    store_close(d->st);
    d->st = NULL;
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s%s", d->path, suffixes[i]);
        unlink(p);
    }
    return rmdir(d->dir);
}

/* A cmocka setup: *state becomes a calloc'ed test_db made for `name`, its store opened with
 * busy_timeout_ms (or left closed when busy_timeout_ms < 0). Returns 0, or -1 with nothing
 * left behind. */
static inline int test_db_setup(void **state, const char *name, int busy_timeout_ms)
{
    test_db *d = calloc(1, sizeof *d);
    if (d == NULL)
        return -1;
    if (test_db_make(d, name) != 0) {
        free(d);
        return -1;
    }
    if (busy_timeout_ms >= 0 && test_db_open(d, busy_timeout_ms) != 0) {
        test_db_remove(d);
        free(d);
        return -1;
    }
    *state = d;
    return 0;
}

/* The cmocka teardown of test_db_setup: removes and frees; returns test_db_remove's result. */
static inline int test_db_teardown(void **state)
{
    test_db *d = *state;
    int rc = test_db_remove(d);
    free(d);
    return rc;
}

/* ---- one number from the database ------------------------------------------------------- */

/* The integer in the first column of the first row of sql, with ?1 bound to param when param
 * is not NULL. Fails the test if sql does not prepare or yields no row. */
static inline long long test_query_int_bound(store *st, const char *sql, const char *param)
{
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(st), sql, -1, &stmt, NULL), SQLITE_OK);
    if (param != NULL)
        sqlite3_bind_text(stmt, 1, param, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    long long v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* test_query_int_bound without a parameter. */
static inline long long test_query_int(store *st, const char *sql)
{
    return test_query_int_bound(st, sql, NULL);
}

/* ---- a captured response ---------------------------------------------------------------- */

#define TEST_CAPTURE_MAX 65536

/* Everything a request's writer was given, and how it was given. limit is the most bytes
 * (with the final NUL) the test allows: a longer response fails the test. */
typedef struct test_capture {
    char buf[TEST_CAPTURE_MAX];
    size_t limit;
    size_t len;
    int writes;
    int fail_at_write; /* 0: never; n: the n-th write and every later one return -1 */
} test_capture;

/* A request writer (request.write) appending to the test_capture ctx, always NUL-terminated. */
static inline int test_capture_write(void *ctx, const char *buf, size_t len)
{
    test_capture *c = ctx;
    c->writes++;
    if (c->fail_at_write != 0 && c->writes >= c->fail_at_write)
        return -1;
    assert_true(c->len + len < c->limit);
    memcpy(c->buf + c->len, buf, len);
    c->len += len;
    c->buf[c->len] = '\0';
    return 0;
}

/* Empties c, allows it `limit` bytes (at most TEST_CAPTURE_MAX) and, when req is not NULL,
 * makes it req's writer. */
static inline void test_capture_start(test_capture *c, size_t limit, request *req)
{
    assert_true(limit > 0 && limit <= sizeof c->buf);
    memset(c, 0, sizeof *c);
    c->limit = limit;
    if (req != NULL) {
        req->write = test_capture_write;
        req->write_ctx = c;
    }
}

/* Splits the response in buf (len bytes) at its blank line: the header block, blank line
 * included, is copied into headers (NUL-terminated), *body points just after it in buf.
 * Fails the test when there is no blank line or the block does not fit in headers_size. */
static inline void test_response_split(const char *buf, size_t len, char *headers, size_t headers_size,
                                       const char **body, size_t *body_len)
{
    const char *end = strstr(buf, "\r\n\r\n");
    assert_non_null(end);
    size_t hlen = (size_t)(end - buf) + 4;
    assert_true(hlen < headers_size);
    memcpy(headers, buf, hlen);
    headers[hlen] = '\0';
    *body = buf + hlen;
    *body_len = len - hlen;
}

#endif
