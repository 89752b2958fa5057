/* Unit tests of the scanner's job store (core/store_scan.h): atomic claims across processes, one
 * running job per dossier, resume from recognised pages after a claimer dies, fencing of a
 * stale claimer, stale heartbeats, max attempts, graceful release, overrides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/wait.h>

#include "store_scan.h"
#include "test_support.h"

#define HOST "test-host"

/* Adds dossier `code` (and, once, the procedure version it points at) straight in SQL; returns its id. */
static long long add_dossier(store *st, const char *code)
{
    sqlite3 *db = store_sqlite_db(st);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT OR IGNORE INTO procedure_versions (code, effective_from, digest, json)"
                                  " VALUES ('lltp', '2025-01-01', 'd1', '{}')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    const char *p[] = {code};
    assert_int_equal(store_sqlite_exec(db,
                                       "INSERT INTO dossiers (code, agency_code, procedure_code, procedure_digest,"
                                       " procedure_effective_from, department, status, channel, applicant_name,"
                                       " applicant_json, pin_hash, received_at, received_by, created_at, updated_at)"
                                       " VALUES (?1, 'H35', 'lltp', 'd1', '2025-01-01', 'congan', 'received',"
                                       " 'counter', 'A', '{}', 'x', '2025-11-24 08:00', 'c', '2025-11-24 08:00',"
                                       " '2025-11-24 08:00')",
                                       p, 1),
                     0);
    return test_query_int_bound(st, "SELECT id FROM dossiers WHERE code = ?1", code);
}

/* Adds an uploaded page row (as store_page_add would, without its file); returns its id. */
static long long add_upload(store *st, const char *code, int seq)
{
    char path[64];
    snprintf(path, sizeof path, "pages/%s/%d.png", code, seq);
    assert_int_equal(store_page_add(st, code, "image/png", "ab", 10, path, "2025-11-24 08:01", "c", NULL),
                     STORE_CHANGE_OK);
    return test_query_int_bound(st, "SELECT max(id) FROM pages", NULL);
}

static long long queue(store *st, const char *code, const char *kind)
{
    scan_job_request rq = {.code = code, .kind = kind, .actor = "c"};
    long long id = 0;
    assert_int_equal(store_scan_queue(st, &rq, &id, NULL), STORE_CHANGE_OK);
    assert_true(id > 0);
    return id;
}

static bool always_dead(int pid)
{
    (void)pid;
    return false;
}

static bool always_alive(int pid)
{
    (void)pid;
    return true;
}

static int setup(void **state)
{
    return test_db_setup(state, "scan", 10000);
}

static void test_queue_import_once(void **state)
{
    test_db *d = *state;
    add_dossier(d->st, "H35.251124.0001");
    scan_job_request rq = {.code = "H35.251124.0001", .kind = "import", .actor = "c"};
    long long a = 0, b = 0;
    bool created = false;
    assert_int_equal(store_scan_queue(d->st, &rq, &a, &created), STORE_CHANGE_OK);
    assert_true(created);
    assert_int_equal(store_scan_queue(d->st, &rq, &b, &created), STORE_CHANGE_OK);
    assert_false(created);
    assert_true(a == b);
    rq.code = "H35.251124.0999";
    long long events = test_query_int(d->st, "SELECT count(*) FROM events");
    assert_int_equal(store_scan_queue(d->st, &rq, &b, NULL), STORE_CHANGE_NOT_FOUND);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM scan_jobs"), 1);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM events"), events);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM events WHERE action = 'scan.queue'"), 0);
    rq.code = "H35.251124.0001";
    rq.kind = "capture";
    rq.station = "quay1";
    rq.device = "test:0";
    assert_int_equal(store_scan_queue(d->st, &rq, &b, &created), STORE_CHANGE_OK);
    assert_true(created && b != a);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM events WHERE action = 'scan.queue'"), 1);
    rq.kind = "print";
    assert_int_equal(store_scan_queue(d->st, &rq, &b, &created), STORE_CHANGE_ERROR);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM scan_jobs"), 2);
}

/* Two processes claim from the same queue at once: every job is claimed exactly once. */
static void test_claim_two_processes(void **state)
{
    test_db *d = *state;
    enum { JOBS = 40 };
    for (int i = 0; i < JOBS; i++) {
        char code[32];
        snprintf(code, sizeof code, "H35.251124.%04d", i + 1);
        add_dossier(d->st, code);
        queue(d->st, code, "import");
    }
    store_close(d->st); /* never hold a connection across fork() */
    d->st = NULL;
    int fds[2][2];
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(pipe(fds[k]), 0);
        kids[k] = fork();
        assert_true(kids[k] >= 0);
        if (kids[k] == 0) {
            close(fds[k][0]);
            store *st = NULL;
            char err[256];
            if (store_open(d->path, 10000, &st, err, sizeof err) != 0)
                _exit(2);
            scan_job job;
            int r;
            while ((r = store_scan_claim(st, (int)getpid(), HOST, &job)) == 1)
                if (write(fds[k][1], &job.id, sizeof job.id) != (ssize_t)sizeof job.id)
                    _exit(3);
            store_close(st);
            _exit(r == 0 ? 0 : 4);
        }
        close(fds[k][1]);
    }
    int seen[JOBS + 1] = {0}, per_kid[2] = {0};
    for (int k = 0; k < 2; k++) {
        long long id;
        while (read(fds[k][0], &id, sizeof id) == (ssize_t)sizeof id) {
            assert_true(id >= 1 && id <= JOBS);
            seen[id]++;
            per_kid[k]++;
        }
        close(fds[k][0]);
        int status = 0;
        assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    for (int i = 1; i <= JOBS; i++)
        assert_int_equal(seen[i], 1);
    assert_int_equal(per_kid[0] + per_kid[1], JOBS);
    assert_int_equal(test_db_open(d, 10000), 0);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM scan_jobs WHERE state = 'running' AND attempts = 1"),
                     JOBS);
}

static void test_one_running_job_per_dossier(void **state)
{
    test_db *d = *state;
    add_dossier(d->st, "H35.251124.0001");
    long long a = queue(d->st, "H35.251124.0001", "import");
    scan_job job;
    assert_int_equal(store_scan_claim(d->st, 100, HOST, &job), 1);
    assert_true(job.id == a);
    assert_string_equal(job.code, "H35.251124.0001");
    assert_string_equal(job.kind, "import");
    assert_int_equal(job.attempts, 1);
    long long b = queue(d->st, "H35.251124.0001", "capture");
    assert_true(b != a);
    assert_int_equal(store_scan_claim(d->st, 101, HOST, &job), 0); /* a job of the dossier runs */
    assert_int_equal(store_scan_finish(d->st, a, 100, true, NULL, NULL), 1);
    assert_int_equal(store_scan_claim(d->st, 101, HOST, &job), 1);
    assert_true(job.id == b);
    assert_int_equal(store_scan_finish(d->st, a, 100, true, NULL, NULL), 0); /* already closed */
}

/* A claimer dies after recognising one page of three: the job is queued again and resumes
 * with the two pending pages; the dead claimer's late writes are refused. */
static void test_resume_after_death(void **state)
{
    test_db *d = *state;
    const char *code = "H35.251124.0001";
    long long dossier = add_dossier(d->st, code);
    long long up = add_upload(d->st, code, 1);
    long long jid = queue(d->st, code, "import");
    scan_job job;
    assert_int_equal(store_scan_claim(d->st, 200, HOST, &job), 1);
    json_t *ups = NULL;
    assert_int_equal(store_scan_unregistered(d->st, dossier, &ups), 0);
    assert_int_equal(json_array_size(ups), 1);
    json_decref(ups);
    assert_int_equal(store_scan_register(d->st, jid, 200, dossier, up, "pages/x.tif", 3, NULL, NULL), 1);
    assert_int_equal(store_scan_register(d->st, jid, 200, dossier, up, "pages/x.tif", 3, NULL, NULL), -1);
    assert_int_equal(store_scan_unregistered(d->st, dossier, &ups), 0);
    assert_int_equal(json_array_size(ups), 0);
    json_decref(ups);
    json_t *pending = NULL;
    assert_int_equal(store_scan_pending(d->st, dossier, 10, &pending), 0);
    assert_int_equal(json_array_size(pending), 3);
    long long first = json_integer_value(json_object_get(json_array_get(pending, 0), "id"));
    long long second = json_integer_value(json_object_get(json_array_get(pending, 1), "id"));
    json_decref(pending);
    scan_page_outcome o = {.ok = true, .ocr_confidence = 91.5, .text_path = "scan/t/1.txt"};
    assert_int_equal(store_scan_page_result(d->st, jid, 200, first, &o), 1);
    assert_int_equal(test_query_int(d->st, "SELECT pages_recognised * 10 + pages_total FROM scan_jobs"), 13);

    /* pid 200 dies: a live claimer elsewhere is left alone, a dead one here is taken back. */
    int requeued = -1, failed = -1;
    assert_int_equal(store_scan_reclaim(d->st, "other-host", 1, 600, 3, always_dead, &requeued, &failed), 0);
    assert_int_equal(requeued, 0);
    assert_int_equal(store_scan_reclaim(d->st, HOST, 1, 600, 3, always_alive, &requeued, &failed), 0);
    assert_int_equal(requeued, 0);
    assert_int_equal(store_scan_reclaim(d->st, HOST, 1, 600, 3, always_dead, &requeued, &failed), 0);
    assert_int_equal(requeued, 1);
    assert_int_equal(failed, 0);
    assert_int_equal(store_scan_page_result(d->st, jid, 200, second, &o), 0); /* fenced */
    assert_int_equal(store_scan_heartbeat(d->st, jid, 200), 0);

    assert_int_equal(store_scan_claim(d->st, 300, HOST, &job), 1);
    assert_true(job.id == jid);
    assert_int_equal(job.attempts, 2);
    assert_int_equal(store_scan_pending(d->st, dossier, 10, &pending), 0);
    assert_int_equal(json_array_size(pending), 2);
    assert_true(json_integer_value(json_object_get(json_array_get(pending, 0), "id")) == second);
    json_decref(pending);
    assert_int_equal(store_scan_page_result(d->st, jid, 300, first, &o), 0); /* done pages stay done */
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM scan_pages WHERE recognised_by_job IS NOT NULL"), 1);
    assert_int_equal(store_scan_page_result(d->st, jid, 300, second, &o), 1);
    assert_int_equal(test_query_int(d->st, "SELECT pages_recognised FROM scan_jobs"), 2);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM scan_pages"), 3);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM scan_jobs WHERE state = 'running' AND claimed_by = 300"
                                           " AND attempts = 2"),
                     1);
}

/* A process never holds a job while it takes jobs back: its own pid's jobs (a previous life
 * with the same number) are taken back too; a fresh heartbeat elsewhere is left, a stale one is not. */
static void test_reclaim_own_pid_and_stale_heartbeat(void **state)
{
    test_db *d = *state;
    add_dossier(d->st, "H35.251124.0001");
    add_dossier(d->st, "H35.251124.0002");
    queue(d->st, "H35.251124.0001", "import");
    queue(d->st, "H35.251124.0002", "import");
    scan_job j1, j2;
    assert_int_equal(store_scan_claim(d->st, 42, HOST, &j1), 1);
    assert_int_equal(store_scan_claim(d->st, 43, "elsewhere", &j2), 1);
    int requeued = 0;
    assert_int_equal(store_scan_reclaim(d->st, HOST, 42, 600, 3, always_alive, &requeued, NULL), 0);
    assert_int_equal(requeued, 1);
    char state_text[16];
    assert_int_equal(store_scan_job_state(d->st, j1.id, state_text), 1);
    assert_string_equal(state_text, "queued");
    assert_int_equal(store_scan_job_state(d->st, j2.id, state_text), 1);
    assert_string_equal(state_text, "running");
    const char *p[] = {"0"};
    assert_int_equal(store_sqlite_exec(store_sqlite_db(d->st),
                                       "UPDATE scan_jobs SET heartbeat_at = heartbeat_at - 700 WHERE claimed_host = 'elsewhere'"
                                       " AND ?1 = '0'",
                                       p, 1),
                     0);
    assert_int_equal(store_scan_reclaim(d->st, HOST, 42, 600, 3, always_alive, &requeued, NULL), 0);
    assert_int_equal(requeued, 1);
    assert_int_equal(store_scan_job_state(d->st, j2.id, state_text), 1);
    assert_string_equal(state_text, "queued");
    assert_int_equal(store_scan_job_state(d->st, 999, state_text), 0);
}

/* A job whose claimer keeps dying is failed after max attempts, with a Vietnamese error; a
 * graceful release does not count as an attempt. */
static void test_max_attempts_and_release(void **state)
{
    test_db *d = *state;
    add_dossier(d->st, "H35.251124.0001");
    long long jid = queue(d->st, "H35.251124.0001", "capture");
    scan_job job;
    assert_int_equal(store_scan_claim(d->st, 7, HOST, &job), 1);
    assert_int_equal(store_scan_set_phase(d->st, jid, 7, "capture"), 1);
    assert_int_equal(store_scan_release(d->st, jid, 7), 1);
    assert_int_equal(store_scan_release(d->st, jid, 7), 0);
    assert_int_equal(test_query_int(d->st, "SELECT attempts FROM scan_jobs"), 0);
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(store_scan_claim(d->st, 7, HOST, &job), 1);
        assert_int_equal(job.attempts, i);
        assert_string_equal(job.phase, "capture"); /* where the previous attempt stopped */
        int requeued = 0, failed = 0;
        assert_int_equal(store_scan_reclaim(d->st, HOST, 8, 600, 3, always_dead, &requeued, &failed), 0);
        assert_int_equal(requeued + failed, 1);
        assert_int_equal(failed, i == 3 ? 1 : 0);
    }
    assert_int_equal(store_scan_claim(d->st, 7, HOST, &job), 0);
    char state_text[16];
    assert_int_equal(store_scan_job_state(d->st, jid, state_text), 1);
    assert_string_equal(state_text, "failed");
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM scan_jobs WHERE error_vi LIKE '%dịch vụ quét%'"
                                           " AND finished_at IS NOT NULL"),
                     1);
}

/* Classification and verdict land together; an override needs an existing page, is audited and
 * queues a recomputation; the status shows both. */
static void test_classified_override_status(void **state)
{
    test_db *d = *state;
    const char *code = "H35.251124.0001";
    long long dossier = add_dossier(d->st, code);
    long long up = add_upload(d->st, code, 1);
    long long jid = queue(d->st, code, "import");
    scan_job job;
    assert_int_equal(store_scan_claim(d->st, 5, HOST, &job), 1);
    assert_int_equal(store_scan_register(d->st, jid, 5, dossier, up, "pages/a.png", 1, NULL, NULL), 1);
    json_t *pending = NULL;
    assert_int_equal(store_scan_pending(d->st, dossier, 1, &pending), 0);
    long long pid = json_integer_value(json_object_get(json_array_get(pending, 0), "id"));
    json_decref(pending);
    scan_page_outcome o = {.ok = true, .blank = true, .skew = 1.5};
    assert_int_equal(store_scan_page_result(d->st, jid, 5, pid, &o), 1);
    scan_page_class c = {.id = pid, .document = "cccd", .confidence = 0.75};
    assert_int_equal(store_scan_classified(d->st, jid, 6, dossier, &c, 1, "{\"complete\":false}"), 0);
    assert_int_equal(store_scan_classified(d->st, jid, 5, dossier, &c, 1, "{\"complete\":false}"), 1);
    assert_int_equal(store_scan_finish(d->st, jid, 5, true, NULL, NULL), 1);

    assert_int_equal(store_scan_override(d->st, code, 2, "uyquyen", "c", NULL), STORE_CHANGE_NOT_FOUND);
    assert_int_equal(store_scan_override(d->st, "H35.251124.0404", 1, "uyquyen", "c", NULL), STORE_CHANGE_NOT_FOUND);
    long long requeue = 0;
    assert_int_equal(store_scan_override(d->st, code, 1, "uyquyen", "c", &requeue), STORE_CHANGE_OK);
    assert_true(requeue > jid);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM events WHERE action = 'scan.override'"), 1);

    json_t *st = NULL;
    assert_int_equal(store_scan_status(d->st, dossier, &st), 0);
    json_t *page = json_array_get(json_object_get(st, "pages"), 0);
    assert_string_equal(json_string_value(json_object_get(page, "document")), "cccd");
    assert_string_equal(json_string_value(json_object_get(page, "override_document")), "uyquyen");
    assert_string_equal(json_string_value(json_object_get(page, "override_by")), "c");
    assert_true(json_is_true(json_object_get(page, "blank")));
    assert_true(json_real_value(json_object_get(page, "skew")) == 1.5);
    assert_true(json_real_value(json_object_get(page, "confidence")) == 0.75);
    assert_true(json_is_false(json_object_get(json_object_get(st, "verdict"), "complete")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(st, "job"), "state")), "queued");
    assert_int_equal(json_integer_value(json_object_get(st, "jobs_active")), 1);
    json_decref(st);
    assert_int_equal(store_scan_override(d->st, code, 1, NULL, "c", NULL), STORE_CHANGE_OK);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM scan_pages WHERE override_document IS NULL"
                                           " AND override_by IS NULL"),
                     1);
    assert_int_equal(test_query_int(d->st, "SELECT count(*) FROM scan_jobs WHERE state = 'queued'"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_queue_import_once, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_claim_two_processes, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_one_running_job_per_dossier, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_resume_after_death, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_reclaim_own_pid_and_stale_heartbeat, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_max_attempts_and_release, setup, test_db_teardown),
        cmocka_unit_test_setup_teardown(test_classified_override_status, setup, test_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
