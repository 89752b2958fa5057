/* Unit tests for the audit log: the hash chain verifies, and edits or deletions made with the
 * append-only triggers dropped are found and named. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "store.h"
#include "store_sqlite_internal.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    store *st;
} fixture;

/* A fresh database holding five events. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/motcua-audit-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/motcua.db", f->dir);
    char err[256];
    if (store_open(f->path, 5000, &f->st, err, sizeof err) != 0) {
        fprintf(stderr, "store_open: %s\n", err);
        free(f);
        return -1;
    }
    *state = f;
    if (store_begin(f->st) != 0)
        return -1;
    for (int i = 1; i <= 5; i++) {
        char subject[32], after[64];
        snprintf(subject, sizeof subject, "H35.251122.%04d", i);
        snprintf(after, sizeof after, "{\"status\":\"received\",\"n\":%d}", i);
        if (audit_append(f->st, "demo-counter", "dossier.create", subject, i % 2 ? NULL : "{}", after) != 0)
            return -1;
    }
    return store_commit(f->st);
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->st);
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    int rc = rmdir(f->dir);
    free(f);
    return rc;
}

static int exec(fixture *f, const char *sql)
{
    return sqlite3_exec(store_sqlite_db(f->st), sql, NULL, NULL, NULL);
}

static void test_chain_verifies(void **state)
{
    fixture *f = *state;
    char err[256] = "x";
    assert_int_equal(audit_verify(f->st, err, sizeof err), 0);
    assert_string_equal(err, "");
    /* More events later continue the chain. */
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(audit_append(f->st, "demo-counter", "dossier.accept", "H35.251122.0001",
                                  "{\"status\":\"received\"}", "{\"status\":\"accepted\"}"), 0);
    assert_int_equal(store_commit(f->st), 0);
    assert_int_equal(audit_verify(f->st, err, sizeof err), 0);
}

static void test_rows_chain_to_their_predecessor(void **state)
{
    fixture *f = *state;
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(f->st),
                                        "SELECT count(*) FROM events e JOIN events p ON p.id = e.id - 1"
                                        " WHERE e.prev_hash = p.hash",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 4);
    sqlite3_finalize(stmt);
}

static void test_triggers_refuse_edits(void **state)
{
    fixture *f = *state;
    assert_int_not_equal(exec(f, "UPDATE events SET actor = 'mallory' WHERE id = 2"), SQLITE_OK);
    assert_int_not_equal(exec(f, "DELETE FROM events WHERE id = 2"), SQLITE_OK);
    assert_int_equal(audit_verify(f->st, NULL, 0), 0);
}

static void test_edit_found(void **state)
{
    fixture *f = *state;
    char err[256];
    assert_int_equal(exec(f, "DROP TRIGGER events_no_update"), SQLITE_OK);
    assert_int_equal(exec(f, "UPDATE events SET after_json = '{\"status\":\"refused\",\"n\":3}' WHERE id = 3"),
                     SQLITE_OK);
    assert_int_equal(audit_verify(f->st, err, sizeof err), 3);
    assert_non_null(strstr(err, "event 3"));
}

static void test_edit_with_rehash_of_row_found_at_next(void **state)
{
    fixture *f = *state;
    char err[256];
    /* Someone who rewrites a row's hash too breaks the link from the row after it. */
    assert_int_equal(exec(f, "DROP TRIGGER events_no_update"), SQLITE_OK);
    assert_int_equal(exec(f, "UPDATE events SET hash = 'ab' || substr(hash, 3) WHERE id = 2"), SQLITE_OK);
    long long bad = audit_verify(f->st, err, sizeof err);
    assert_int_equal(bad, 2); /* its own hash no longer matches its content */
}

static void test_delete_found(void **state)
{
    fixture *f = *state;
    char err[256];
    assert_int_equal(exec(f, "DROP TRIGGER events_no_delete"), SQLITE_OK);
    assert_int_equal(exec(f, "DELETE FROM events WHERE id = 4"), SQLITE_OK);
    assert_int_equal(audit_verify(f->st, err, sizeof err), 4);
    assert_non_null(strstr(err, "event 4"));
}

static void test_delete_of_last_found(void **state)
{
    fixture *f = *state;
    char err[256];
    assert_int_equal(exec(f, "DROP TRIGGER events_no_delete"), SQLITE_OK);
    assert_int_equal(exec(f, "DELETE FROM events WHERE id = 5"), SQLITE_OK);
    assert_int_equal(audit_verify(f->st, err, sizeof err), 5);
    /* An append after the deletion does not hide it. */
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(audit_append(f->st, "system", "user.add", "x", NULL, NULL), 0);
    assert_int_equal(store_commit(f->st), 0);
    assert_int_equal(audit_verify(f->st, err, sizeof err), 5);
}

static void test_inserted_row_found(void **state)
{
    fixture *f = *state;
    char err[256];
    /* A forged row placed between others cannot carry a valid hash and breaks the next link. */
    assert_int_equal(exec(f, "DROP TRIGGER events_no_delete"), SQLITE_OK);
    assert_int_equal(exec(f, "DELETE FROM events WHERE id = 5"), SQLITE_OK);
    assert_int_equal(exec(f, "INSERT INTO events (id, at, actor, action, subject, prev_hash, hash)"
                             " SELECT 5, at, 'mallory', action, subject, hash, hash FROM events WHERE id = 4"),
                     SQLITE_OK);
    assert_int_equal(audit_verify(f->st, err, sizeof err), 5);
}

static void test_bad_arguments(void **state)
{
    fixture *f = *state;
    assert_int_equal(audit_append(NULL, "a", "b", "c", NULL, NULL), -1);
    assert_int_equal(audit_append(f->st, NULL, "b", "c", NULL, NULL), -1);
    assert_int_equal(audit_verify(NULL, NULL, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_chain_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_chain_to_their_predecessor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_triggers_refuse_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edit_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edit_with_rehash_of_row_found_at_next, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_of_last_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inserted_row_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
