/* The return of a result to the citizen with its fee, on SQLite: done -> returned and the payment, in one transaction. */
#include "store_reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "store_reports_internal.h"

static int return_event(store *st, const dossier_return *r)
{
    json_t *before = json_pack("{s:s}", "status", "done");
    json_t *after = json_pack("{s:s,s:s,s:I,s:s,s:s?,s:s}", "status", "returned", "returned_at", r->at,
                              "fee_collected", (json_int_t)r->amount, "fee_name", r->fee_name,
                              "receipt_number", r->receipt_number, "method", r->method);
    char *b = before != NULL ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *a = after != NULL ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int rc = b != NULL && a != NULL ? audit_append(st, r->actor, "dossier.return", r->code, b, a) : -1;
    free(b);
    free(a);
    json_decref(before);
    json_decref(after);
    return rc;
}

static store_change_result return_in_tx(sqlite3 *db, store *st, const dossier_return *r, char *err,
                                        size_t errlen)
{
    const char *p[] = {r->code};
    sqlite3_stmt *stmt = reports_prepare(db, "SELECT id, status FROM dossiers WHERE code = ?1", p, 1);
    if (stmt == NULL)
        return reports_fail(db, "cannot read the dossier", err, errlen);
    int rc = sqlite3_step(stmt);
    long long id = 0;
    bool done = false;
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(stmt, 0);
        const char *s = (const char *)sqlite3_column_text(stmt, 1);
        done = s != NULL && strcmp(s, "done") == 0;
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE)
        return STORE_CHANGE_NOT_FOUND;
    if (rc != SQLITE_ROW)
        return reports_fail(db, "cannot read the dossier", err, errlen);
    if (!done)
        return STORE_CHANGE_STALE;
    const char *u[] = {r->at, r->code};
    if (reports_exec(db,
                     "UPDATE dossiers SET status = 'returned', returned_at = ?1, closed_at = ?1,"
                     " updated_at = ?1 WHERE code = ?2 AND status = 'done'",
                     u, 2) != 0 || sqlite3_changes(db) != 1)
        return reports_fail(db, "cannot update the dossier", err, errlen);
    char idtext[24], amount[24];
    snprintf(idtext, sizeof idtext, "%lld", id);
    snprintf(amount, sizeof amount, "%lld", r->amount);
    const char *q[] = {idtext, amount, r->actor, r->at, r->fee_name, r->receipt_number, r->method};
    if (reports_exec(db,
                     "INSERT INTO payments (dossier_id, amount, collected_by, collected_at, fee_name,"
                     " receipt_number, method) VALUES (CAST(?1 AS INTEGER), CAST(?2 AS INTEGER),"
                     " ?3, ?4, ?5, ?6, ?7)",
                     q, 7) != 0)
        return reports_fail(db, "cannot record the payment", err, errlen);
    if (return_event(st, r) != 0)
        return reports_fail(db, "cannot append the audit event", err, errlen);
    return STORE_CHANGE_OK;
}

store_change_result store_dossier_return(store *st, const dossier_return *r, char *err, size_t errlen)
{
    char scratch[8];
    if (err == NULL || errlen == 0) {
        err = scratch;
        errlen = sizeof scratch;
    }
    err[0] = '\0';
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || r == NULL || r->code == NULL || r->amount < 0 || r->fee_name == NULL ||
        r->method == NULL || r->actor == NULL || r->at == NULL) {
        snprintf(err, errlen, "store_dossier_return: a required field is missing");
        return STORE_CHANGE_ERROR;
    }
    if (store_begin(st) != 0) {
        reports_fail(db, "cannot start the transaction", err, errlen);
        return STORE_CHANGE_ERROR;
    }
    store_change_result res = return_in_tx(db, st, r, err, errlen);
    if (res == STORE_CHANGE_OK && store_commit(st) != 0) {
        reports_fail(db, "cannot commit", err, errlen);
        res = STORE_CHANGE_ERROR;
    }
    if (res != STORE_CHANGE_OK)
        store_rollback(st);
    return res;
}
