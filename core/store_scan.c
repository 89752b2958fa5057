/* The store's scanner half (store_scan.h): motcua-scand's jobs, per-page results, verdicts and overrides. */
#include "store_scan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dossier.h"
#include "store_sqlite_internal.h"

/* Prepares sql and binds its parameters ?1.. from the variadic list as typed by `types`:
 * 't' const char * (NULL binds NULL), 'i' long long, 'd' double. NULL on any error. */
static sqlite3_stmt *prep(sqlite3 *db, const char *sql, const char *types, ...)
{
    sqlite3_stmt *stmt = NULL;
    if (db == NULL || sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return NULL;
    }
    va_list ap;
    va_start(ap, types);
    int rc = SQLITE_OK;
    for (int i = 0; types[i] != '\0' && rc == SQLITE_OK; i++) {
        if (types[i] == 't') {
            const char *t = va_arg(ap, const char *);
            rc = t != NULL ? sqlite3_bind_text(stmt, i + 1, t, -1, SQLITE_TRANSIENT)
                           : sqlite3_bind_null(stmt, i + 1);
        } else if (types[i] == 'i') {
            rc = sqlite3_bind_int64(stmt, i + 1, va_arg(ap, long long));
        } else {
            rc = sqlite3_bind_double(stmt, i + 1, va_arg(ap, double));
        }
    }
    va_end(ap);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return NULL;
    }
    return stmt;
}

/* Steps a prepared writing statement to the end and finalizes it: the number of rows
 * changed, or -1. A NULL stmt is an error. */
static int run(sqlite3 *db, sqlite3_stmt *stmt)
{
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_step(stmt);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? sqlite3_changes(db) : -1;
}

/* The first column of the first row as an integer: 1 and *out, 0 no row, -1 error. */
static int scalar(sqlite3_stmt *stmt, long long *out)
{
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_step(stmt);
    int r = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (r == 1)
        *out = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return r;
}

/* Ends the transaction: commit when ok (then true), roll back otherwise. */
static bool finish_tx(store *st, bool ok)
{
    if (ok && store_commit(st) == 0)
        return true;
    store_rollback(st);
    return false;
}

/* Whether job_id is running and held by pid (inside the caller's transaction): 1, 0, -1. */
static int job_is_ours(sqlite3 *db, long long job_id, int pid)
{
    long long one = 0;
    return scalar(prep(db, "SELECT 1 FROM scan_jobs WHERE id = ?1 AND state = 'running' AND claimed_by = ?2",
                       "ii", job_id, (long long)pid),
                  &one);
}

/* Appends the audit event `action` on dossier code with the JSON object after (stolen). */
static int audit_json(store *st, const char *actor, const char *action, const char *code, json_t *after)
{
    char *text = after != NULL ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int rc = text != NULL ? audit_append(st, actor, action, code, NULL, text) : -1;
    free(text);
    json_decref(after);
    return rc;
}

/* The job's progress from its dossier's scan pages (inside the caller's transaction). */
static int progress_update(sqlite3 *db, long long job_id, long long dossier_id)
{
    return run(db, prep(db,
                        "UPDATE scan_jobs SET heartbeat_at = CAST(strftime('%s','now') AS INTEGER),"
                        " pages_total = (SELECT count(*) FROM scan_pages WHERE dossier_id = ?2),"
                        " pages_recognised = (SELECT count(*) FROM scan_pages WHERE dossier_id = ?2"
                        "   AND state <> 'pending') WHERE id = ?1",
                        "ii", job_id, dossier_id)) == 1
               ? 0
               : -1;
}

/* Queues (inside the caller's transaction) per rq for dossier_id unless an import is already
 * queued: 0 with *job_id and *created, or -1. */
static int queue_in_tx(store *st, long long dossier_id, const scan_job_request *rq, long long *job_id,
                       bool *created)
{
    sqlite3 *db = store_sqlite_db(st);
    *created = false;
    if (strcmp(rq->kind, "import") == 0) {
        int r = scalar(prep(db, "SELECT id FROM scan_jobs WHERE dossier_id = ?1 AND kind = 'import'"
                                " AND state = 'queued' ORDER BY id LIMIT 1", "i", dossier_id),
                       job_id);
        if (r != 0)
            return r > 0 ? 0 : -1;
    }
    char now[17];
    dossier_now(now);
    int r = scalar(prep(db,
                        "INSERT INTO scan_jobs (dossier_id, kind, station, device, source, created_by,"
                        " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                        "ittttt" "t", dossier_id, rq->kind, rq->station, rq->device, rq->source,
                        rq->actor, now),
                   job_id);
    if (r != 1)
        return -1;
    *created = true;
    /* A capture is an officer's request that adds pages: audited. An import only follows an
     * upload or an override, which are audited themselves. */
    if (strcmp(rq->kind, "capture") != 0)
        return 0;
    return audit_json(st, rq->actor, "scan.queue", rq->code,
                      json_pack("{s:I,s:s,s:s?,s:s?}", "job", (json_int_t)*job_id, "kind", rq->kind,
                                "station", rq->station, "source", rq->source));
}

store_change_result store_scan_queue(store *st, const scan_job_request *rq, long long *job_id,
                                     bool *created)
{
    sqlite3 *db = store_sqlite_db(st);
    bool made = false;
    long long id = 0, dossier_id = 0;
    if (db == NULL || rq == NULL || rq->code == NULL || rq->actor == NULL || rq->kind == NULL ||
        (strcmp(rq->kind, "import") != 0 && strcmp(rq->kind, "capture") != 0) || store_begin(st) != 0)
        return STORE_CHANGE_ERROR;
    int found = scalar(prep(db, "SELECT id FROM dossiers WHERE code = ?1", "t", rq->code), &dossier_id);
    if (found != 1) {
        store_rollback(st);
        return found == 0 ? STORE_CHANGE_NOT_FOUND : STORE_CHANGE_ERROR;
    }
    if (!finish_tx(st, queue_in_tx(st, dossier_id, rq, &id, &made) == 0))
        return STORE_CHANGE_ERROR;
    if (job_id != NULL)
        *job_id = id;
    if (created != NULL)
        *created = made;
    return STORE_CHANGE_OK;
}

/* Copies text column i of stmt into dst (len bytes; "" for NULL). */
static void col_text(sqlite3_stmt *stmt, int i, char *dst, size_t len)
{
    const char *t = (const char *)sqlite3_column_text(stmt, i);
    snprintf(dst, len, "%s", t != NULL ? t : "");
}

int store_scan_claim(store *st, int pid, const char *host, scan_job *job)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || job == NULL || store_begin(st) != 0)
        return -1;
    memset(job, 0, sizeof *job);
    sqlite3_stmt *stmt = prep(
        db,
        "SELECT j.id, j.dossier_id, d.code, d.procedure_code, d.procedure_digest, j.kind,"
        " j.station, j.device, j.source, j.phase, j.created_by, j.attempts + 1"
        " FROM scan_jobs j JOIN dossiers d ON d.id = j.dossier_id"
        " WHERE j.state = 'queued' AND NOT EXISTS (SELECT 1 FROM scan_jobs r"
        "   WHERE r.dossier_id = j.dossier_id AND r.state = 'running')"
        " ORDER BY j.id LIMIT 1",
        "");
    int rc = stmt != NULL ? sqlite3_step(stmt) : SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        job->id = sqlite3_column_int64(stmt, 0);
        job->dossier_id = sqlite3_column_int64(stmt, 1);
        col_text(stmt, 2, job->code, sizeof job->code);
        col_text(stmt, 3, job->procedure_code, sizeof job->procedure_code);
        col_text(stmt, 4, job->procedure_digest, sizeof job->procedure_digest);
        col_text(stmt, 5, job->kind, sizeof job->kind);
        col_text(stmt, 6, job->station, sizeof job->station);
        col_text(stmt, 7, job->device, sizeof job->device);
        col_text(stmt, 8, job->source, sizeof job->source);
        col_text(stmt, 9, job->phase, sizeof job->phase);
        col_text(stmt, 10, job->created_by, sizeof job->created_by);
        job->attempts = sqlite3_column_int(stmt, 11);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW) {
        store_rollback(st);
        return rc == SQLITE_DONE ? 0 : -1;
    }
    char now[17];
    dossier_now(now);
    int changed = run(db, prep(db,
                               "UPDATE scan_jobs SET state = 'running', claimed_by = ?2, claimed_host = ?3,"
                               " heartbeat_at = CAST(strftime('%s','now') AS INTEGER), attempts = attempts + 1,"
                               " started_at = COALESCE(started_at, ?4), error = NULL, error_vi = NULL"
                               " WHERE id = ?1 AND state = 'queued'",
                               "iitt", job->id, (long long)pid, host, now));
    if (!finish_tx(st, changed == 1 && progress_update(db, job->id, job->dossier_id) == 0)) {
        memset(job, 0, sizeof *job);
        return -1;
    }
    return 1;
}

/* An UPDATE of a job held by pid; ?1 is the job, ?2 the pid, further parameters follow
 * `types` after "ii". 1 changed, 0 not ours, -1. */
static int update_ours(store *st, const char *sql, const char *types, long long job_id, int pid,
                       const char *text)
{
    sqlite3 *db = store_sqlite_db(st);
    sqlite3_stmt *stmt = types[2] == 't' ? prep(db, sql, types, job_id, (long long)pid, text)
                                         : prep(db, sql, types, job_id, (long long)pid);
    int changed = run(db, stmt);
    return changed < 0 ? -1 : changed > 0 ? 1 : 0;
}

int store_scan_heartbeat(store *st, long long job_id, int pid)
{
    return update_ours(st,
                       "UPDATE scan_jobs SET heartbeat_at = CAST(strftime('%s','now') AS INTEGER)"
                       " WHERE id = ?1 AND claimed_by = ?2 AND state = 'running'",
                       "ii", job_id, pid, NULL);
}

int store_scan_set_phase(store *st, long long job_id, int pid, const char *phase)
{
    return update_ours(st,
                       "UPDATE scan_jobs SET phase = ?3, heartbeat_at = CAST(strftime('%s','now') AS INTEGER)"
                       " WHERE id = ?1 AND claimed_by = ?2 AND state = 'running'",
                       "iit", job_id, pid, phase);
}

int store_scan_captured(store *st, long long job_id, int pid)
{
    return update_ours(st,
                       "UPDATE scan_jobs SET pages_captured = pages_captured + 1,"
                       " heartbeat_at = CAST(strftime('%s','now') AS INTEGER)"
                       " WHERE id = ?1 AND claimed_by = ?2 AND state = 'running'",
                       "ii", job_id, pid, NULL);
}

int store_scan_release(store *st, long long job_id, int pid)
{
    return update_ours(st,
                       "UPDATE scan_jobs SET state = 'queued', claimed_by = NULL, claimed_host = NULL,"
                       " heartbeat_at = NULL, attempts = MAX(attempts - 1, 0)"
                       " WHERE id = ?1 AND claimed_by = ?2 AND state = 'running'",
                       "ii", job_id, pid, NULL);
}

/* The Vietnamese error of a job failed after too many attempts. */
#define SCAN_GAVE_UP_VI                                                                      \
    "Dịch vụ quét đã dừng giữa chừng nhiều lần khi xử lý hồ sơ này nên đã ngừng thử lại. "  \
    "Các trang đã nhận dạng được giữ nguyên; hãy yêu cầu nhận dạng lại hoặc báo quản trị viên."

int store_scan_reclaim(store *st, const char *host, int self_pid, int stale_after_s,
                       int max_attempts, bool (*alive)(int pid), int *requeued, int *failed)
{
    sqlite3 *db = store_sqlite_db(st);
    int nq = 0, nf = 0;
    if (db == NULL || store_begin(st) != 0)
        return -1;
    sqlite3_stmt *stmt = prep(db,
                              "SELECT id, claimed_by, COALESCE(claimed_host, ''),"
                              " COALESCE(heartbeat_at, 0) < CAST(strftime('%s','now') AS INTEGER) - ?1,"
                              " attempts FROM scan_jobs WHERE state = 'running' ORDER BY id",
                              "i", (long long)stale_after_s);
    bool ok = stmt != NULL;
    int rc = SQLITE_ERROR;
    while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(stmt, 0);
        int pid = sqlite3_column_int(stmt, 1);
        const char *claimed_host = (const char *)sqlite3_column_text(stmt, 2);
        bool stale = sqlite3_column_int(stmt, 3) != 0;
        int attempts = sqlite3_column_int(stmt, 4);
        bool here = host != NULL && strcmp(claimed_host, host) == 0;
        bool gone = stale || (here && (pid == self_pid || (alive != NULL && !alive(pid))));
        if (!gone)
            continue;
        bool give_up = attempts >= max_attempts;
        char now[17];
        dossier_now(now);
        int changed = run(db, give_up ? prep(db,
                                             "UPDATE scan_jobs SET state = 'failed', claimed_by = NULL,"
                                             " claimed_host = NULL, heartbeat_at = NULL, finished_at = ?2,"
                                             " phase = NULL, error = ?3, error_vi = ?4 WHERE id = ?1",
                                             "ittt", id, now, "its claimer died too many times",
                                             SCAN_GAVE_UP_VI)
                                      : prep(db,
                                             "UPDATE scan_jobs SET state = 'queued', claimed_by = NULL,"
                                             " claimed_host = NULL, heartbeat_at = NULL WHERE id = ?1",
                                             "i", id));
        ok = changed == 1;
        if (give_up)
            nf++;
        else
            nq++;
    }
    sqlite3_finalize(stmt);
    if (!finish_tx(st, ok && rc == SQLITE_DONE))
        return -1;
    if (requeued != NULL)
        *requeued = nq;
    if (failed != NULL)
        *failed = nf;
    return 0;
}

int store_scan_finish(store *st, long long job_id, int pid, bool ok, const char *error,
                      const char *error_vi)
{
    sqlite3 *db = store_sqlite_db(st);
    char now[17];
    if (db == NULL || store_begin(st) != 0)
        return -1;
    int ours = job_is_ours(db, job_id, pid);
    if (ours != 1) {
        store_rollback(st);
        return ours;
    }
    dossier_now(now);
    bool good =
        run(db, prep(db,
                     "UPDATE scan_jobs SET state = ?3, finished_at = ?4, error = ?5, error_vi = ?6,"
                     " claimed_by = NULL, heartbeat_at = NULL, phase = NULL WHERE id = ?1 AND claimed_by = ?2",
                     "iitttt", job_id, (long long)pid, ok ? "done" : "failed", now, error, error_vi)) == 1;
    return finish_tx(st, good) ? 1 : -1;
}

int store_scan_unregistered(store *st, long long dossier_id, json_t **out)
{
    sqlite3 *db = store_sqlite_db(st);
    sqlite3_stmt *stmt = prep(db,
                              "SELECT p.id, p.seq, p.path, p.content_type FROM pages p WHERE p.dossier_id = ?1"
                              " AND NOT EXISTS (SELECT 1 FROM scan_pages s WHERE s.page_id = p.id)"
                              " ORDER BY p.seq",
                              "i", dossier_id);
    json_t *rows = stmt != NULL ? store_sqlite_rows(stmt, false) : NULL;
    sqlite3_finalize(stmt);
    *out = rows;
    return rows != NULL ? 0 : -1;
}

int store_scan_register(store *st, long long job_id, int pid, long long dossier_id,
                        long long page_id, const char *file, int n_pages, const char *error,
                        const char *error_vi)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || file == NULL || (error == NULL && n_pages < 1) || store_begin(st) != 0)
        return -1;
    int ours = job_is_ours(db, job_id, pid);
    if (ours != 1) {
        store_rollback(st);
        return ours;
    }
    if (error != NULL)
        n_pages = 1;
    char now[17];
    dossier_now(now);
    bool ok = true;
    for (int i = 0; ok && i < n_pages; i++)
        ok = run(db, prep(db,
                          "INSERT INTO scan_pages (dossier_id, job_id, ordinal, page_id, page_index, file,"
                          " state, error, error_vi, recognised_by_job, recognised_at)"
                          " SELECT ?1, ?2, 1 + COALESCE((SELECT MAX(ordinal) FROM scan_pages WHERE dossier_id = ?1), 0),"
                          " ?3, ?4, ?5, CASE WHEN ?6 IS NULL THEN 'pending' ELSE 'failed' END, ?6, ?7,"
                          " CASE WHEN ?6 IS NULL THEN NULL ELSE ?2 END,"
                          " CASE WHEN ?6 IS NULL THEN NULL ELSE ?8 END",
                          "iiiitttt", dossier_id, job_id, page_id, (long long)i, file, error, error_vi,
                          now)) == 1;
    ok = ok && progress_update(db, job_id, dossier_id) == 0;
    return finish_tx(st, ok) ? 1 : -1;
}

int store_scan_pending(store *st, long long dossier_id, int limit, json_t **out)
{
    sqlite3 *db = store_sqlite_db(st);
    sqlite3_stmt *stmt = prep(db,
                              "SELECT id, ordinal, file, page_index FROM scan_pages WHERE dossier_id = ?1"
                              " AND state = 'pending' ORDER BY ordinal LIMIT ?2",
                              "ii", dossier_id, (long long)(limit > 0 ? limit : 1));
    json_t *rows = stmt != NULL ? store_sqlite_rows(stmt, false) : NULL;
    sqlite3_finalize(stmt);
    *out = rows;
    return rows != NULL ? 0 : -1;
}

int store_scan_page_result(store *st, long long job_id, int pid, long long scan_page_id,
                           const scan_page_outcome *o)
{
    sqlite3 *db = store_sqlite_db(st);
    long long dossier_id = 0;
    char now[17];
    if (db == NULL || o == NULL || store_begin(st) != 0)
        return -1;
    int ours = job_is_ours(db, job_id, pid);
    if (ours != 1) {
        store_rollback(st);
        return ours;
    }
    dossier_now(now);
    int changed = run(db, prep(db,
                               "UPDATE scan_pages SET state = ?2, blank = ?3, rotation = ?4, skew = ?5,"
                               " ocr_confidence = ?6, text_path = ?7, error = ?8, error_vi = ?9,"
                               " recognised_by_job = ?10, recognised_at = ?11"
                               " WHERE id = ?1 AND state = 'pending'",
                               "itiiddtttit", scan_page_id, o->ok ? "done" : "failed",
                               (long long)(o->blank ? 1 : 0), (long long)o->rotation, o->skew,
                               o->ocr_confidence, o->text_path, o->error, o->error_vi, job_id, now));
    bool ok = changed >= 0 &&
              (changed == 0 ||
               (scalar(prep(db, "SELECT dossier_id FROM scan_pages WHERE id = ?1", "i", scan_page_id),
                       &dossier_id) == 1 &&
                progress_update(db, job_id, dossier_id) == 0));
    if (!finish_tx(st, ok))
        return -1;
    return changed == 1 ? 1 : 0;
}

/* The scan pages of a dossier as JSON rows, blank and continuation as booleans. */
int store_scan_pages(store *st, long long dossier_id, json_t **out)
{
    sqlite3 *db = store_sqlite_db(st);
    sqlite3_stmt *stmt = prep(db,
                              "SELECT s.id, s.ordinal, s.page_id, s.page_index, p.seq AS upload_seq, s.file,"
                              " s.state, s.document, s.override_document, s.override_by, s.override_at,"
                              " s.blank, s.rotation, s.skew, s.confidence, s.ocr_confidence, s.continuation,"
                              " s.text_path, s.error, s.error_vi, s.recognised_at"
                              " FROM scan_pages s JOIN pages p ON p.id = s.page_id"
                              " WHERE s.dossier_id = ?1 ORDER BY s.ordinal",
                              "i", dossier_id);
    json_t *rows = stmt != NULL ? store_sqlite_rows(stmt, false) : NULL;
    sqlite3_finalize(stmt);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        static const char *const flags[] = {"blank", "continuation"};
        for (size_t f = 0; f < 2; f++)
            json_object_set_new(row, flags[f],
                                json_boolean(json_integer_value(json_object_get(row, flags[f])) != 0));
        /* REAL columns come back as text from store_sqlite_row: give numbers. */
        static const char *const reals[] = {"skew", "confidence", "ocr_confidence"};
        for (size_t f = 0; f < 3; f++) {
            json_t *v = json_object_get(row, reals[f]);
            if (json_is_string(v))
                json_object_set_new(row, reals[f], json_real(strtod(json_string_value(v), NULL)));
            else if (json_is_integer(v))
                json_object_set_new(row, reals[f], json_real((double)json_integer_value(v)));
        }
    }
    *out = rows;
    return rows != NULL ? 0 : -1;
}

int store_scan_classified(store *st, long long job_id, int pid, long long dossier_id,
                          const scan_page_class *pages, size_t n, const char *verdict_json)
{
    sqlite3 *db = store_sqlite_db(st);
    char now[17];
    if (db == NULL || verdict_json == NULL || (n > 0 && pages == NULL) || store_begin(st) != 0)
        return -1;
    int ours = job_is_ours(db, job_id, pid);
    if (ours != 1) {
        store_rollback(st);
        return ours;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++)
        ok = run(db, prep(db,
                          "UPDATE scan_pages SET document = ?2, confidence = ?3, continuation = ?4"
                          " WHERE id = ?1 AND dossier_id = ?5",
                          "itdii", pages[i].id, pages[i].document, pages[i].confidence,
                          (long long)(pages[i].continuation ? 1 : 0), dossier_id)) == 1;
    dossier_now(now);
    ok = ok && run(db, prep(db,
                            "INSERT INTO scan_verdicts (dossier_id, job_id, verdict_json, computed_at)"
                            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (dossier_id) DO UPDATE SET"
                            " job_id = excluded.job_id, verdict_json = excluded.verdict_json,"
                            " computed_at = excluded.computed_at",
                            "iitt", dossier_id, job_id, verdict_json, now)) == 1;
    ok = ok && progress_update(db, job_id, dossier_id) == 0;
    return finish_tx(st, ok) ? 1 : -1;
}

store_change_result store_scan_override(store *st, const char *code, int ordinal,
                                        const char *document, const char *actor,
                                        long long *job_id)
{
    sqlite3 *db = store_sqlite_db(st);
    long long dossier_id = 0, page_id = 0, id = 0;
    if (db == NULL || code == NULL || actor == NULL || store_begin(st) != 0)
        return STORE_CHANGE_ERROR;
    int found = scalar(prep(db, "SELECT id FROM dossiers WHERE code = ?1", "t", code), &dossier_id);
    if (found == 1)
        found = scalar(prep(db, "SELECT id FROM scan_pages WHERE dossier_id = ?1 AND ordinal = ?2", "ii",
                            dossier_id, (long long)ordinal),
                       &page_id);
    if (found != 1) {
        store_rollback(st);
        return found == 0 ? STORE_CHANGE_NOT_FOUND : STORE_CHANGE_ERROR;
    }
    char now[17], before[128] = "";
    dossier_now(now);
    sqlite3_stmt *old = prep(db, "SELECT document, override_document FROM scan_pages WHERE id = ?1", "i", page_id);
    json_t *before_obj = NULL;
    if (old != NULL && sqlite3_step(old) == SQLITE_ROW)
        before_obj = store_sqlite_row(old, false);
    sqlite3_finalize(old);
    char *before_text = before_obj != NULL ? json_dumps(before_obj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(before_obj);
    snprintf(before, sizeof before, "%s", before_text != NULL ? before_text : "");
    bool created = false;
    scan_job_request rq = {.code = code, .kind = "import", .actor = actor};
    json_t *after = json_pack("{s:i,s:s?,s:s}", "page", ordinal, "document", document, "at", now);
    char *after_text = after != NULL ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(after);
    bool ok = before_text != NULL && after_text != NULL &&
              run(db, prep(db,
                           "UPDATE scan_pages SET override_document = ?2, override_by = ?3, override_at = ?4"
                           " WHERE id = ?1",
                           "ittt", page_id, document, document != NULL ? actor : NULL,
                           document != NULL ? now : NULL)) == 1 &&
              audit_append(st, actor, "scan.override", code, before_text, after_text) == 0 &&
              queue_in_tx(st, dossier_id, &rq, &id, &created) == 0;
    free(before_text);
    free(after_text);
    if (!finish_tx(st, ok))
        return STORE_CHANGE_ERROR;
    if (job_id != NULL)
        *job_id = id;
    return STORE_CHANGE_OK;
}

int store_scan_status(store *st, long long dossier_id, json_t **out)
{
    sqlite3 *db = store_sqlite_db(st);
    json_t *pages = NULL, *v = NULL, *job = json_null(), *verdict = json_null(), *at = json_null();
    long long active = 0;
    *out = NULL;
    if (store_scan_pages(st, dossier_id, &pages) != 0)
        return -1;
    sqlite3_stmt *stmt = prep(db, "SELECT verdict_json, computed_at FROM scan_verdicts WHERE dossier_id = ?1",
                              "i", dossier_id);
    int rc = stmt != NULL ? sqlite3_step(stmt) : SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        json_decref(verdict);
        json_decref(at);
        verdict = json_loads((const char *)sqlite3_column_text(stmt, 0), 0, NULL);
        at = json_string((const char *)sqlite3_column_text(stmt, 1));
    }
    sqlite3_finalize(stmt);
    bool ok = (rc == SQLITE_ROW || rc == SQLITE_DONE) && verdict != NULL;
    stmt = ok ? prep(db,
                     "SELECT id, kind, state, phase, station, attempts, pages_captured, pages_recognised,"
                     " pages_total, error, error_vi, created_at, started_at, finished_at"
                     " FROM scan_jobs WHERE dossier_id = ?1 ORDER BY id DESC LIMIT 1",
                     "i", dossier_id)
              : NULL;
    rc = stmt != NULL ? sqlite3_step(stmt) : SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        json_decref(job);
        job = store_sqlite_row(stmt, false);
    }
    sqlite3_finalize(stmt);
    ok = ok && (rc == SQLITE_ROW || rc == SQLITE_DONE) && job != NULL &&
         scalar(prep(db, "SELECT count(*) FROM scan_jobs WHERE dossier_id = ?1 AND state IN ('queued','running')",
                     "i", dossier_id),
                &active) == 1;
    if (ok)
        v = json_pack("{s:o,s:o,s:o,s:o,s:I}", "pages", pages, "verdict", verdict, "verdict_at", at, "job",
                      job, "jobs_active", (json_int_t)active);
    else {
        json_decref(pages);
        json_decref(verdict);
        json_decref(at);
        json_decref(job);
    }
    *out = v;
    return v != NULL ? 0 : -1;
}

int store_scan_job_state(store *st, long long job_id, char state[16])
{
    sqlite3 *db = store_sqlite_db(st);
    sqlite3_stmt *stmt = prep(db, "SELECT state FROM scan_jobs WHERE id = ?1", "i", job_id);
    int rc = stmt != NULL ? sqlite3_step(stmt) : SQLITE_ERROR;
    if (rc == SQLITE_ROW)
        col_text(stmt, 0, state, 16);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
