/* Unit tests for the dossier model and its store: the transition table, the one-supplement
 * rule, code format, gapless daily numbers under 8 concurrent processes, PINs never in clear,
 * and changes that are all-or-nothing. */
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

#include "audit.h"
#include "dossier.h"
#include "store.h"
#include "store_dossiers.h"
#include "store_sqlite_internal.h"
#include "test_support.h"

/* ---- the transition table ---------------------------------------------------------- */

static void test_status_names_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < DOSSIER_STATUS_COUNT; i++) {
        dossier_status s;
        assert_true(dossier_status_parse(dossier_status_name((dossier_status)i), &s));
        assert_int_equal(s, i);
        assert_non_null(dossier_status_label((dossier_status)i));
    }
    dossier_status s = DOSSIER_DONE;
    assert_false(dossier_status_parse("Received", &s));
    assert_false(dossier_status_parse(NULL, &s));
    assert_int_equal(s, DOSSIER_DONE);
    assert_null(dossier_status_name(DOSSIER_STATUS_COUNT));
}

static void test_intake_outcomes(void **state)
{
    (void)state;
    const dossier_transition *t = dossier_transition_find("accept", DOSSIER_RECEIVED, 0, 2);
    assert_non_null(t);
    assert_int_equal(t->to, DOSSIER_ACCEPTED);
    assert_true(dossier_transition_allows(t, ROLE_COUNTER, NULL));
    assert_false(dossier_transition_allows(t, ROLE_DEPARTMENT_OFFICER, NULL));
    assert_false(dossier_transition_allows(t, ROLE_ADMIN, NULL));
    t = dossier_transition_find("refuse", DOSSIER_RECEIVED, 0, 2);
    assert_non_null(t);
    assert_int_equal(t->to, DOSSIER_REFUSED);
    t = dossier_transition_find("request_supplement", DOSSIER_RECEIVED, 0, 2);
    assert_non_null(t);
    assert_int_equal(t->to, DOSSIER_SUPPLEMENT_REQUESTED);
    t = dossier_transition_find("resubmit", DOSSIER_SUPPLEMENT_REQUESTED, 0, 2);
    assert_non_null(t);
    assert_int_equal(t->to, DOSSIER_RECEIVED);
    /* Not from elsewhere. */
    assert_null(dossier_transition_find("accept", DOSSIER_ACCEPTED, 0, 2));
    assert_null(dossier_transition_find("accept", DOSSIER_SUPPLEMENT_REQUESTED, 0, 2));
    assert_null(dossier_transition_find("refuse", DOSSIER_ACCEPTED, 0, 2));
    assert_null(dossier_transition_find("fly", DOSSIER_RECEIVED, 0, 2));
    assert_null(dossier_transition_find(NULL, DOSSIER_RECEIVED, 0, 2));
}

static void test_terminal_states_have_no_way_out(void **state)
{
    (void)state;
    for (size_t i = 0; i < dossier_transition_count; i++) {
        const dossier_transition *t = &dossier_transitions[i];
        assert_false(dossier_status_terminal(t->from));
        assert_non_null(t->audit_action);
        assert_true(t->roles != 0 || t->step_role);
    }
    assert_true(dossier_status_terminal(DOSSIER_REFUSED));
    assert_true(dossier_status_terminal(DOSSIER_RETURNED));
    assert_true(dossier_status_terminal(DOSSIER_STOPPED));
    assert_true(dossier_status_terminal(DOSSIER_WITHDRAWN));
    assert_false(dossier_status_terminal(DOSSIER_DONE));
    assert_null(dossier_transition_find("withdraw", DOSSIER_RETURNED, 0, 1));
    assert_null(dossier_transition_find("return", DOSSIER_REFUSED, 0, 1));
}

static void test_workflow_steps(void **state)
{
    (void)state;
    /* Two steps: officer appraises, head signs. */
    const dossier_transition *t = dossier_transition_find("receive", DOSSIER_TRANSFERRED, 0, 2);
    assert_non_null(t);
    assert_int_equal(dossier_transition_next_step(t, 0), 0);
    assert_int_equal(t->to, DOSSIER_PROCESSING);
    t = dossier_transition_find("complete_step", DOSSIER_PROCESSING, 0, 2);
    assert_non_null(t);
    assert_int_equal(t->to, DOSSIER_PROCESSING);
    assert_int_equal(dossier_transition_next_step(t, 0), 1);
    assert_true(dossier_transition_allows(t, ROLE_DEPARTMENT_OFFICER, "department_officer"));
    assert_true(dossier_transition_allows(t, ROLE_DEPARTMENT_HEAD, "department_officer"));
    assert_false(dossier_transition_allows(t, ROLE_COUNTER, "department_officer"));
    t = dossier_transition_find("complete_step", DOSSIER_PROCESSING, 1, 2);
    assert_non_null(t);
    assert_int_equal(t->to, DOSSIER_DONE);
    assert_int_equal(dossier_transition_next_step(t, 1), 1);
    assert_true(dossier_transition_allows(t, ROLE_DEPARTMENT_HEAD, "department_head"));
    assert_false(dossier_transition_allows(t, ROLE_DEPARTMENT_OFFICER, "department_head"));
    assert_false(dossier_transition_allows(t, ROLE_DEPARTMENT_HEAD, NULL));
    /* send back, stop, withdraw, return */
    t = dossier_transition_find("send_back", DOSSIER_PROCESSING, 1, 2);
    assert_non_null(t);
    assert_int_equal(t->to, DOSSIER_SUPPLEMENT_REQUESTED);
    t = dossier_transition_find("stop", DOSSIER_PROCESSING, 0, 2);
    assert_non_null(t);
    assert_true(dossier_transition_allows(t, ROLE_DEPARTMENT_HEAD, NULL));
    assert_false(dossier_transition_allows(t, ROLE_DEPARTMENT_OFFICER, NULL));
    t = dossier_transition_find("return", DOSSIER_DONE, 1, 2);
    assert_non_null(t);
    assert_int_equal(t->to, DOSSIER_RETURNED);
    assert_true(dossier_transition_allows(t, ROLE_COUNTER, NULL));
    assert_null(dossier_transition_find("return", DOSSIER_PROCESSING, 1, 2));
}

static void test_one_supplement(void **state)
{
    (void)state;
    assert_int_equal(dossier_supplement_check(0, ROLE_COUNTER, false), DOSSIER_SUPPLEMENT_FIRST);
    assert_int_equal(dossier_supplement_check(1, ROLE_COUNTER, false), DOSSIER_SUPPLEMENT_REFUSED);
    assert_int_equal(dossier_supplement_check(1, ROLE_COUNTER, true), DOSSIER_SUPPLEMENT_REFUSED);
    assert_int_equal(dossier_supplement_check(1, ROLE_DEPARTMENT_OFFICER, true), DOSSIER_SUPPLEMENT_REFUSED);
    assert_int_equal(dossier_supplement_check(1, ROLE_DEPARTMENT_HEAD, false), DOSSIER_SUPPLEMENT_REFUSED);
    assert_int_equal(dossier_supplement_check(1, ROLE_DEPARTMENT_HEAD, true), DOSSIER_SUPPLEMENT_OVERRIDE);
    assert_int_equal(dossier_supplement_check(2, ROLE_DEPARTMENT_HEAD, true), DOSSIER_SUPPLEMENT_OVERRIDE);
}

/* ---- codes and PINs ------------------------------------------------------------------ */

static void test_code_format(void **state)
{
    (void)state;
    char buf[DOSSIER_CODE_MAX] = "untouched";
    assert_int_equal(dossier_code_format("H35", 20251122, 7, buf, sizeof buf), 0);
    assert_string_equal(buf, "H35.251122.0007");
    assert_true(dossier_code_valid(buf));
    assert_int_equal(dossier_code_format("H35", 20250101, 9999, buf, sizeof buf), 0);
    assert_string_equal(buf, "H35.250101.9999");
    snprintf(buf, sizeof buf, "untouched");
    assert_int_equal(dossier_code_format("H35", 20251122, 0, buf, sizeof buf), -1);
    assert_int_equal(dossier_code_format("H35", 20251122, 10000, buf, sizeof buf), -1);
    assert_int_equal(dossier_code_format("h35", 20251122, 1, buf, sizeof buf), -1);
    assert_int_equal(dossier_code_format("", 20251122, 1, buf, sizeof buf), -1);
    assert_int_equal(dossier_code_format("H35.X", 20251122, 1, buf, sizeof buf), -1);
    assert_int_equal(dossier_code_format("H35", 20250230, 1, buf, sizeof buf), -1);
    assert_int_equal(dossier_code_format("H35", 20251122, 1, buf, 8), -1);
    assert_string_equal(buf, "untouched");
    assert_false(dossier_code_valid("H35.251122.007"));
    assert_false(dossier_code_valid("H35.25112a.0007"));
    assert_false(dossier_code_valid("../etc.251122.0007"));
    assert_false(dossier_code_valid("H35.251122.0007/"));
    assert_false(dossier_code_valid(".251122.0007"));
    assert_false(dossier_code_valid(NULL));
}

static void test_pin(void **state)
{
    (void)state;
    unsigned char key[DOSSIER_PIN_KEY_BYTES] = {1, 2, 3};
    char pin[7], hash[DOSSIER_PIN_HASH_HEX], other[DOSSIER_PIN_HASH_HEX];
    dossier_pin_generate(pin);
    assert_int_equal(strlen(pin), 6);
    assert_int_equal(strspn(pin, "0123456789"), 6);
    assert_int_equal(dossier_pin_hash(key, "H35.251122.0007", pin, hash), 0);
    assert_int_equal(strlen(hash), 64);
    assert_true(dossier_pin_matches(key, "H35.251122.0007", pin, hash));
    /* bound to the code and the key */
    assert_false(dossier_pin_matches(key, "H35.251122.0008", pin, hash));
    key[0] = 9;
    assert_false(dossier_pin_matches(key, "H35.251122.0007", pin, hash));
    key[0] = 1;
    assert_int_equal(dossier_pin_hash(key, "H35.251122.0007", "123456", hash), 0);
    assert_int_equal(dossier_pin_hash(key, "H35.251122.0007", "123457", other), 0);
    assert_string_not_equal(hash, other);
    assert_false(dossier_pin_matches(key, "H35.251122.0007", "123457", hash));
    assert_int_equal(dossier_pin_hash(key, "H35.251122.0007", "12345", hash), -1);
    assert_int_equal(dossier_pin_hash(key, "H35.251122.0007", "12345a", hash), -1);
    assert_false(dossier_pin_matches(key, "H35.251122.0007", NULL, other));
}

/* ---- the store ----------------------------------------------------------------------- */

/* A fresh temp directory for the database; each test opens its own connections. */
typedef test_db fixture;

static int setup(void **state)
{
    return test_db_setup(state, "dossier", -1);
}

static store *open_store(const fixture *f)
{
    store *st = NULL;
    char err[256];
    if (store_open(f->path, 30000, &st, err, sizeof err) != 0)
        fprintf(stderr, "store_open: %s\n", err);
    return st;
}

static dossier_intake sample_intake(const char *received_at)
{
    dossier_intake in = {
        .agency_code = "H35",
        .procedure_code = "lltp",
        .procedure_digest = "d1d1",
        .procedure_effective_from = "2025-07-01",
        .procedure_json = "{\"time_limit\":{\"unit\":\"working_days\",\"value\":10}}",
        .department = "congan",
        .channel = "counter",
        .applicant_name = "Nguyễn Văn An",
        .applicant_id_number = "035085001234",
        .applicant_json = "{\"name\":\"Nguyễn Văn An\",\"id_number\":\"035085001234\"}",
        .details_json = "{}",
        .received_at = received_at,
        .actor = "demo-counter",
        .actor_name = "Cán bộ",
    };
    return in;
}

#define CHILDREN 8
#define PER_CHILD 6

/* Each child opens its own connection after fork and creates PER_CHILD dossiers, writing
 * each sequence number (one byte pair) to the pipe. */
static void child_create(const fixture *f, int fd)
{
    store *st = open_store(f);
    if (st == NULL)
        _exit(2);
    dossier_intake in = sample_intake("2025-11-22 09:15");
    for (int i = 0; i < PER_CHILD; i++) {
        char code[DOSSIER_CODE_MAX], pin[7], err[256];
        if (store_dossier_create(st, &in, code, pin, err, sizeof err) != 0) {
            fprintf(stderr, "child: %s\n", err);
            _exit(3);
        }
        if (strncmp(code, "H35.251122.", 11) != 0)
            _exit(4);
        unsigned short seq = (unsigned short)strtol(code + 11, NULL, 10);
        if (write(fd, &seq, sizeof seq) != (ssize_t)sizeof seq)
            _exit(5);
    }
    store_close(st);
    _exit(0);
}

static void test_sequence_concurrent_gapless(void **state)
{
    fixture *f = *state;
    /* Create the schema first, then close: no connection crosses fork(). */
    store *st = open_store(f);
    assert_non_null(st);
    store_close(st);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pids[CHILDREN];
    for (int c = 0; c < CHILDREN; c++) {
        pids[c] = fork();
        assert_true(pids[c] >= 0);
        if (pids[c] == 0) {
            close(fds[0]);
            child_create(f, fds[1]);
        }
    }
    close(fds[1]);
    int seen[CHILDREN * PER_CHILD + 1] = {0};
    unsigned short seq;
    int count = 0;
    while (read(fds[0], &seq, sizeof seq) == (ssize_t)sizeof seq) {
        assert_true(seq >= 1 && seq <= CHILDREN * PER_CHILD);
        assert_int_equal(seen[seq], 0); /* unique */
        seen[seq] = 1;
        count++;
    }
    close(fds[0]);
    for (int c = 0; c < CHILDREN; c++) {
        int status = 0;
        assert_int_equal(waitpid(pids[c], &status, 0), pids[c]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(count, CHILDREN * PER_CHILD); /* 1..48 each once: gapless */
    st = open_store(f);
    assert_non_null(st);
    assert_int_equal(test_query_int(st, "SELECT count(DISTINCT code) FROM dossiers"), CHILDREN * PER_CHILD);
    assert_int_equal(test_query_int(st, "SELECT last FROM daily_sequences WHERE day = '2025-11-22'"),
                     CHILDREN * PER_CHILD);
    assert_int_equal(audit_verify(st, NULL, 0), 0);
    store_close(st);
}

static void test_sequence_per_day_and_failure_gives_number_back(void **state)
{
    fixture *f = *state;
    store *st = open_store(f);
    assert_non_null(st);
    char code[DOSSIER_CODE_MAX], pin[7], err[256];
    dossier_intake in = sample_intake("2025-11-22 16:59");
    assert_int_equal(store_dossier_create(st, &in, code, pin, err, sizeof err), 0);
    assert_string_equal(code, "H35.251122.0001");
    in.received_at = "2025-11-23 07:30";
    assert_int_equal(store_dossier_create(st, &in, code, pin, err, sizeof err), 0);
    assert_string_equal(code, "H35.251123.0001");
    /* A failing creation (bad channel: the CHECK constraint) leaves nothing behind. */
    long long events = test_query_int(st, "SELECT count(*) FROM events");
    in.channel = "fax";
    assert_int_equal(store_dossier_create(st, &in, code, pin, err, sizeof err), -1);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM dossiers"), 2);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM events"), events);
    in.channel = "post";
    assert_int_equal(store_dossier_create(st, &in, code, pin, err, sizeof err), 0);
    assert_string_equal(code, "H35.251123.0002");
    store_close(st);
}

static void test_pin_not_stored_in_clear(void **state)
{
    fixture *f = *state;
    store *st = open_store(f);
    assert_non_null(st);
    char code[DOSSIER_CODE_MAX], pin[7], err[256];
    dossier_intake in = sample_intake("2025-11-22 10:00");
    assert_int_equal(store_dossier_create(st, &in, code, pin, err, sizeof err), 0);
    /* No column of the dossier, nor any event, holds the PIN as a value. */
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite_db(st), "SELECT * FROM dossiers", -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    for (int i = 0; i < sqlite3_column_count(stmt); i++) {
        const char *v = (const char *)sqlite3_column_text(stmt, i);
        if (v != NULL)
            assert_string_not_equal(v, pin);
        if (strcmp(sqlite3_column_name(stmt, i), "pin_hash") == 0)
            assert_int_equal(strlen(v), 64);
    }
    sqlite3_finalize(stmt);
    char like[64];
    snprintf(like, sizeof like, "SELECT count(*) FROM events WHERE after_json LIKE '%%%s%%'", pin);
    assert_int_equal(test_query_int(st, like), 0);
    assert_int_equal(store_dossier_pin_check(st, code, pin), 1);
    char wrong[16];
    snprintf(wrong, sizeof wrong, "%06ld", (strtol(pin, NULL, 10) + 1) % 1000000);
    assert_int_equal(store_dossier_pin_check(st, code, wrong), 0);
    assert_int_equal(store_dossier_pin_check(st, "H35.251122.9999", pin), 0);
    store_close(st);
}

static void test_change_all_or_nothing(void **state)
{
    fixture *f = *state;
    store *st = open_store(f);
    assert_non_null(st);
    char code[DOSSIER_CODE_MAX], pin[7], err[256];
    dossier_intake in = sample_intake("2025-11-22 10:00");
    assert_int_equal(store_dossier_create(st, &in, code, pin, err, sizeof err), 0);
    long long events = test_query_int(st, "SELECT count(*) FROM events");
    /* A stale from-state changes nothing. */
    dossier_change c = {.code = code, .from = DOSSIER_ACCEPTED, .to = DOSSIER_TRANSFERRED,
                        .step_index = -1, .audit_action = "dossier.transfer", .actor = "demo-counter",
                        .at = "2025-11-22 10:05"};
    assert_int_equal(store_dossier_change(st, &c, NULL, err, sizeof err), STORE_CHANGE_STALE);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM events"), events);
    c.code = "H35.251122.9999";
    assert_int_equal(store_dossier_change(st, &c, NULL, err, sizeof err), STORE_CHANGE_NOT_FOUND);
    /* The first supplement request is counted; a second without override is refused. */
    dossier_supplement s = {"[{\"title\":\"Tờ khai\"}]", "ghi chú", "counter", NULL};
    dossier_change sup = {.code = code, .from = DOSSIER_RECEIVED, .to = DOSSIER_SUPPLEMENT_REQUESTED,
                          .step_index = -1, .audit_action = "dossier.supplement",
                          .actor = "demo-counter", .at = "2025-11-22 10:06", .supplement = &s};
    long long number = 0;
    assert_int_equal(store_dossier_change(st, &sup, &number, err, sizeof err), STORE_CHANGE_OK);
    assert_true(number > 0);
    dossier_change back = {.code = code, .from = DOSSIER_SUPPLEMENT_REQUESTED, .to = DOSSIER_RECEIVED,
                           .step_index = -1, .audit_action = "dossier.resubmit",
                           .actor = "demo-counter", .at = "2025-11-23 08:00"};
    assert_int_equal(store_dossier_change(st, &back, NULL, err, sizeof err), STORE_CHANGE_OK);
    events = test_query_int(st, "SELECT count(*) FROM events");
    assert_int_equal(store_dossier_change(st, &sup, &number, err, sizeof err),
                     STORE_CHANGE_SUPPLEMENT_LIMIT);
    assert_int_equal(number, 0);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM supplements"), 1);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM events"), events);
    s.override_by = "demo-congan-head";
    assert_int_equal(store_dossier_change(st, &sup, &number, err, sizeof err), STORE_CHANGE_OK);
    assert_int_equal(test_query_int(st, "SELECT supplement_count FROM dossiers"), 2);
    assert_int_equal(test_query_int(st, "SELECT count(*) FROM supplements WHERE override_by = 'demo-congan-head'"), 1);
    dossier_row row;
    assert_int_equal(store_dossier_get(st, code, &row), 1);
    assert_int_equal(row.status, DOSSIER_SUPPLEMENT_REQUESTED);
    assert_string_equal(row.department, "congan");
    assert_string_equal(json_string_value(json_object_get(row.applicant, "name")), "Nguyễn Văn An");
    dossier_row_clear(&row);
    dossier_row_clear(&row);
    assert_int_equal(audit_verify(st, NULL, 0), 0);
    store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names_round_trip),
        cmocka_unit_test(test_intake_outcomes),
        cmocka_unit_test(test_terminal_states_have_no_way_out),
        cmocka_unit_test(test_workflow_steps),
        cmocka_unit_test(test_one_supplement),
        cmocka_unit_test(test_code_format),
        cmocka_unit_test(test_pin),
        cmocka_unit_test_setup_teardown(test_sequence_concurrent_gapless, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_sequence_per_day_and_failure_gives_number_back, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_pin_not_stored_in_clear, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_change_all_or_nothing, setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
