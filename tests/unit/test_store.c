/* Unit tests for the SQLite store: migrations, refusal of newer schemas, registry, procedure versions, WAL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "store_sqlite_internal.h"
#include "test_support.h"

/* A fresh temp directory holding the database path for one test; each test opens the store. */
typedef test_db fixture;

static int setup(void **state)
{
    return test_db_setup(state, "store", -1);
}

/* 1 if a table, index or view of that name exists, 0 if not. */
static long long table_exists(store *st, const char *name)
{
    return test_query_int_bound(st, "SELECT count(*) FROM sqlite_master WHERE name = ?1", name);
}

static store *open_ok(const char *path)
{
    store *st = NULL;
    char err[256] = "";
    if (store_open(path, 5000, &st, err, sizeof err) != 0)
        fail_msg("store_open failed: %s", err);
    assert_non_null(st);
    return st;
}

static void test_fresh_db_migrates_to_latest(void **state)
{
    fixture *f = *state;
    assert_true(store_schema_latest() >= 2);
    store *st = open_ok(f->path);
    assert_int_equal(store_schema_version(st), store_schema_latest());
    assert_int_equal(table_exists(st, "registry"), 1);
    assert_int_equal(table_exists(st, "procedure_versions"), 1);
    assert_int_equal(table_exists(st, "meta"), 1);
    assert_int_equal(table_exists(st, "procedure_versions_by_date"), 1);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM meta WHERE key = 'installed_at'"), 1);
    assert_int_equal(store_ping(st), 0);
    store_close(st);

    /* Opening again applies nothing more. */
    st = open_ok(f->path);
    assert_int_equal(store_schema_version(st), store_schema_latest());
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM meta WHERE key = 'installed_at'"), 1);
    store_close(st);
}

static void test_version_1_migrates_to_2(void **state)
{
    fixture *f = *state;
    store *st = NULL;
    char err[256] = "";
    assert_int_equal(store_open_at(f->path, 5000, 1, &st, err, sizeof err), 0);
    assert_int_equal(store_schema_version(st), 1);
    assert_int_equal(table_exists(st, "registry"), 1);
    assert_int_equal(table_exists(st, "meta"), 0);
    assert_int_equal(table_exists(st, "procedure_versions_by_date"), 0);
    /* Data written at version 1 survives the migration. */
    assert_int_equal(store_registry_put(st, "tuphap", "seq", "41"), 0);
    store_close(st);

    st = open_ok(f->path);
    assert_int_equal(store_schema_version(st), store_schema_latest());
    assert_int_equal(table_exists(st, "meta"), 1);
    assert_int_equal(table_exists(st, "procedure_versions_by_date"), 1);
    char *v = NULL;
    assert_int_equal(store_registry_get(st, "tuphap", "seq", &v), 1);
    assert_string_equal(v, "41");
    free(v);
    store_close(st);
}

static void test_version_0_stays_empty(void **state)
{
    fixture *f = *state;
    store *st = NULL;
    char err[256] = "";
    assert_int_equal(store_open_at(f->path, 5000, 0, &st, err, sizeof err), 0);
    assert_int_equal(store_schema_version(st), 0);
    assert_int_equal(table_exists(st, "registry"), 0);
    store_close(st);
    st = open_ok(f->path);
    assert_int_equal(store_schema_version(st), store_schema_latest());
    assert_int_equal(table_exists(st, "registry"), 1);
    store_close(st);
}

static void test_newer_schema_refused(void **state)
{
    fixture *f = *state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE future(x); PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    store *st = (store *)0x1;
    char err[256] = "";
    assert_int_equal(store_open(f->path, 1000, &st, err, sizeof err), -1);
    assert_null(st);
    char want[96];
    snprintf(want, sizeof want, "schema version 99 is newer than this program knows (%d)",
             store_schema_latest());
    assert_non_null(strstr(err, want));

    /* Refused without being touched: still version 99, not switched to WAL. */
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 99);
    sqlite3_finalize(stmt);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "delete");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

static void test_open_errors(void **state)
{
    fixture *f = *state;
    store *st = NULL;
    char err[256] = "";
    char bad[192];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.db", f->dir);
    assert_int_equal(store_open(bad, 1000, &st, err, sizeof err), -1);
    assert_null(st);
    assert_non_null(strstr(err, "cannot open database"));
    assert_int_equal(store_open(NULL, 1000, &st, err, sizeof err), -1);
    store_close(NULL);
    assert_int_equal(store_ping(NULL), -1);
    assert_int_equal(store_schema_version(NULL), -1);
}

static void test_wal_and_pragmas(void **state)
{
    fixture *f = *state;
    store *st = open_ok(f->path);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(st), "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
    sqlite3_finalize(stmt);
    assert_int_equal(test_query_int(st, "PRAGMA foreign_keys"), 1);
    assert_int_equal(test_query_int(st, "PRAGMA synchronous"), 1); /* NORMAL */
    assert_int_equal(test_query_int(st, "PRAGMA busy_timeout"), 5000);
    store_close(st);
}

static void test_registry(void **state)
{
    fixture *f = *state;
    store *st = open_ok(f->path);
    char *v = (char *)0x1;
    assert_int_equal(store_registry_get(st, "tuphap", "counter", &v), 0);
    assert_null(v);
    assert_int_equal(store_registry_put(st, "tuphap", "counter", "Sổ hộ tịch số 1"), 0);
    assert_int_equal(store_registry_get(st, "tuphap", "counter", &v), 1);
    assert_string_equal(v, "Sổ hộ tịch số 1");
    free(v);
    /* Duplicate: refused with 1, value unchanged. */
    assert_int_equal(store_registry_put(st, "tuphap", "counter", "other"), 1);
    assert_int_equal(store_registry_get(st, "tuphap", "counter", &v), 1);
    assert_string_equal(v, "Sổ hộ tịch số 1");
    free(v);
    /* Namespaces are separate. */
    assert_int_equal(store_registry_get(st, "xaydung", "counter", &v), 0);
    assert_int_equal(store_registry_put(st, "xaydung", "counter", "x"), 0);
    assert_int_equal(store_registry_get(st, "xaydung", "counter", &v), 1);
    assert_string_equal(v, "x");
    free(v);
    /* Values are bound, never spliced into SQL. */
    assert_int_equal(store_registry_put(st, "t'; DROP TABLE registry; --", "k", "'\""), 0);
    assert_int_equal(store_registry_get(st, "t'; DROP TABLE registry; --", "k", &v), 1);
    assert_string_equal(v, "'\"");
    free(v);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM registry"), 3);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM registry WHERE created_at LIKE '20__-__-__T__:__:__Z'"), 3);
    assert_int_equal(store_registry_put(st, NULL, "k", "v"), -1);
    assert_int_equal(store_registry_get(st, "a", NULL, &v), -1);
    store_close(st);
}

static void test_procedure_version_record(void **state)
{
    fixture *f = *state;
    store *st = open_ok(f->path);
    const char *d1 = "1111111111111111111111111111111111111111111111111111111111111111";
    const char *d2 = "2222222222222222222222222222222222222222222222222222222222222222";
    assert_int_equal(store_procedure_version_record(st, "khaisinh", "2024-01-01", d1, "{\"a\":1}"), 0);
    assert_int_equal(store_procedure_version_record(st, "khaisinh", "2024-01-01", d1, "{\"a\":1}"), 0);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM procedure_versions"), 1);
    assert_int_equal(store_procedure_version_record(st, "khaisinh", "2025-07-01", d2, "{\"a\":2}"), 0);
    assert_int_equal(store_procedure_version_record(st, "kethon", "2024-01-01", d1, "{\"a\":1}"), 0);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM procedure_versions"), 3);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM procedure_versions WHERE code = 'khaisinh'"), 2);
    assert_int_equal(store_procedure_version_record(st, "k", NULL, d1, "{}"), -1);
    store_close(st);

    /* Survives reopening. */
    st = open_ok(f->path);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM procedure_versions"), 3);
    store_close(st);
}

/* Several processes open one fresh database at once: each must succeed, and
 * the migrations run exactly once (a second run of migration 2 would fail on
 * CREATE TABLE meta, and would add a second installed_at row). */
static void test_concurrent_first_open(void **state)
{
    fixture *f = *state;
    enum { N = 6 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            store *st = NULL;
            char err[256];
            int rc = store_open(f->path, 10000, &st, err, sizeof err);
            if (rc != 0)
                fprintf(stderr, "child %d: %s\n", i, err);
            int ok = rc == 0 && store_schema_version(st) == store_schema_latest() &&
                     store_registry_put(st, "race", "k", "v") >= 0;
            store_close(st);
            _exit(ok ? 0 : 1);
        }
    }
    /* Reap every child before judging, so none outlives the temp directory. */
    int failed = 0;
    for (int i = 0; i < N; i++) {
        int status = 0;
        if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            failed++;
    }
    assert_int_equal(failed, 0);
    store *st = open_ok(f->path);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM meta WHERE key = 'installed_at'"), 1);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM registry WHERE ns = 'race'"), 1);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fresh_db_migrates_to_latest, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_version_1_migrates_to_2, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_version_0_stays_empty, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_wal_and_pragmas, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_registry, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_procedure_version_record, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_first_open, setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
