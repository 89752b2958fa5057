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
#include "test_support.h"

typedef test_db fixture;

/* A fresh database holding five events. */
static int setup(void **state)
{
    if (test_db_setup(state, "audit", 5000) != 0)
        return -1;
    fixture *f = *state;
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
    assert_int_equal(test_query_int(f->st, "SELECT count(*) FROM events e JOIN events p ON p.id = e.id - 1"
                                           " WHERE e.prev_hash = p.hash"),
                     4);
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
        cmocka_unit_test_setup_teardown(test_chain_verifies, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_rows_chain_to_their_predecessor, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_triggers_refuse_edits, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_edit_found, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_edit_with_rehash_of_row_found_at_next, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_delete_found, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_delete_of_last_found, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_inserted_row_found, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
