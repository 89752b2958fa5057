/* Hand-overs for Form 05 and processing transitions: the change, its hand-overs and the plugin hook in one transaction. */
#include "store_dossiers.h"

#include <stdio.h>
#include <string.h>

#include "store_sqlite_internal.h"

/* Runs sql with ?1.. bound to texts (NULL binds NULL) and ?n+1 to id when id > 0.
 * Returns 0 when done, -1 otherwise. */
static int run(sqlite3 *db, const char *sql, const char *const *texts, int n, long long id)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK ? SQLITE_OK : SQLITE_ERROR;
    for (int i = 0; rc == SQLITE_OK && i < n; i++)
        rc = texts[i] != NULL ? sqlite3_bind_text(stmt, i + 1, texts[i], -1, SQLITE_STATIC)
                              : sqlite3_bind_null(stmt, i + 1);
    if (rc == SQLITE_OK && id > 0)
        rc = sqlite3_bind_int64(stmt, n + 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The id of dossier code; 0 when there is none or on error. */
static long long dossier_id_of(sqlite3 *db, const char *code)
{
    sqlite3_stmt *stmt = NULL;
    long long id = 0;
    if (sqlite3_prepare_v2(db, "SELECT id FROM dossiers WHERE code = ?1", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_bind_text(stmt, 1, code, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        id = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return id;
}

/* Writes the plan's hand-over rows for dossier id at time `at`. 0 or -1. */
static int handovers_apply(sqlite3 *db, long long id, const handover_plan *h, const char *at)
{
    if (h->close_open) {
        const char *p[] = {at, h->receiver != NULL ? h->receiver : ""};
        if (run(db, "UPDATE handovers SET received_at = ?1, receiver = ?2"
                    " WHERE dossier_id = ?3 AND received_at IS NULL", p, 2, id) != 0)
            return -1;
    }
    if (h->step == NULL)
        return 0;
    if (h->from_agency == NULL || h->to_agency == NULL || h->giver == NULL)
        return -1;
    if (h->received && h->receiver == NULL)
        return -1;
    const char *p[] = {h->step, h->from_agency, h->to_agency, at, h->giver, h->due_at, h->result,
                       h->note, h->received ? at : NULL, h->received ? h->receiver : NULL};
    return run(db, "INSERT INTO handovers (step, from_agency, to_agency, given_at, giver, due_at,"
                   " result, note, received_at, receiver, dossier_id)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
               p, 10, id);
}

store_change_result store_dossier_transition(store *st, const dossier_change *c,
                                             const handover_plan *h, store_tx_hook hook,
                                             void *hook_ctx, long long *side_id, bool *refused,
                                             char *err, size_t errlen)
{
    char scratch[8];
    long long side = 0;
    if (err == NULL || errlen == 0) {
        err = scratch;
        errlen = sizeof scratch;
    }
    err[0] = '\0';
    if (refused != NULL)
        *refused = false;
    if (side_id != NULL)
        *side_id = 0;
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || c == NULL || c->code == NULL) {
        snprintf(err, errlen, "store_dossier_transition: no store or no change");
        return STORE_CHANGE_ERROR;
    }
    if (store_begin(st) != 0) {
        snprintf(err, errlen, "cannot start the transaction: %s", sqlite3_errmsg(db));
        return STORE_CHANGE_ERROR;
    }
    store_change_result r = store_dossier_change_in_tx(st, c, &side, err, errlen);
    if (r == STORE_CHANGE_OK && h != NULL && handovers_apply(db, dossier_id_of(db, c->code), h, c->at) != 0) {
        snprintf(err, errlen, "cannot record the hand-over: %s", sqlite3_errmsg(db));
        r = STORE_CHANGE_ERROR;
    }
    if (r == STORE_CHANGE_OK && hook != NULL) {
        int verdict = hook(hook_ctx);
        if (verdict != 0) {
            snprintf(err, errlen, verdict > 0 ? "refused by the department plugin"
                                              : "the department plugin's transition hook failed");
            if (verdict > 0 && refused != NULL)
                *refused = true;
            r = STORE_CHANGE_ERROR;
        }
    }
    if (r == STORE_CHANGE_OK && store_commit(st) != 0) {
        snprintf(err, errlen, "cannot commit: %s", sqlite3_errmsg(db));
        r = STORE_CHANGE_ERROR;
    }
    if (r != STORE_CHANGE_OK) {
        store_rollback(st);
        return r;
    }
    if (side_id != NULL)
        *side_id = side;
    return r;
}

int store_supplement_latest(store *st, long long dossier_id, char source[16],
                            char requested_at[STORE_TIME_LEN])
{
    sqlite3 *db = store_sqlite_db(st);
    sqlite3_stmt *stmt = NULL;
    if (db == NULL || sqlite3_prepare_v2(db, "SELECT source, requested_at FROM supplements"
                                             " WHERE dossier_id = ?1 ORDER BY id DESC LIMIT 1",
                                         -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 1, dossier_id) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return -1;
    }
    int rc = sqlite3_step(stmt), found = rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(stmt, 0);
        const char *t = (const char *)sqlite3_column_text(stmt, 1);
        snprintf(source, 16, "%s", s != NULL ? s : "");
        snprintf(requested_at, STORE_TIME_LEN, "%s", t != NULL ? t : "");
        found = 1;
    }
    sqlite3_finalize(stmt);
    return found;
}
