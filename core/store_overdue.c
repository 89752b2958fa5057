/* Overdue dossiers (missed or about to miss their deadline) and Form 04 apologies, on SQLite. */
#include "store_reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "store_reports_internal.h"

/* The apology of each row, as a nested object (or null). */
static int attach_apologies(sqlite3 *db, json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *ap = NULL;
        json_t *id = json_object_get(row, "dossier_id");
        int rc = reports_apology_get(db, json_integer_value(id), &ap);
        if (rc < 0)
            return -1;
        json_object_set_new(row, "apology", rc == 1 ? ap : json_null());
        json_object_del(row, "dossier_id");
    }
    return 0;
}

int store_overdue_list(store *st, const char *now, const char *horizon, const char *department,
                       int limit, json_t **out)
{
    sqlite3 *db = store_sqlite_db(st);
    if (out == NULL)
        return -1;
    *out = NULL;
    if (db == NULL || now == NULL || horizon == NULL || limit < 1 || limit > 5000)
        return -1;
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[] = {now, horizon, department, lim};
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db,
        "SELECT id AS dossier_id, code, procedure_code AS procedure, department, status,"
        " applicant_name, received_at, appointment_at, COALESCE(due_at, appointment_at) AS due_at,"
        " CASE WHEN COALESCE(due_at, appointment_at) < ?1 THEN 'missed' ELSE 'at_risk' END AS kind"
        " FROM dossiers WHERE status IN ('accepted','transferred','processing')"
        " AND COALESCE(due_at, appointment_at) IS NOT NULL"
        " AND COALESCE(due_at, appointment_at) <= ?2 AND (?3 IS NULL OR department = ?3)"
        " ORDER BY COALESCE(due_at, appointment_at), id LIMIT CAST(?4 AS INTEGER)",
        p, 4);
    if (stmt == NULL)
        return -1;
    json_t *rows = store_sqlite_rows(stmt, false);
    sqlite3_finalize(stmt);
    if (rows == NULL || attach_apologies(db, rows) != 0) {
        json_decref(rows);
        return -1;
    }
    *out = rows;
    return 0;
}

int reports_apology_get(sqlite3 *db, long long dossier_id, json_t **out)
{
    *out = NULL;
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db,
        "SELECT id AS number, reason, new_appointment_at, issued_at, signed_by FROM apologies"
        " WHERE dossier_id = ?1",
        NULL, 0);
    if (stmt == NULL || sqlite3_bind_int64(stmt, 1, dossier_id) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return -1;
    }
    int rc = sqlite3_step(stmt), found = -1;
    if (rc == SQLITE_ROW) {
        *out = store_sqlite_row(stmt, false);
        found = *out != NULL ? 1 : -1;
    } else if (rc == SQLITE_DONE) {
        found = 0;
    }
    sqlite3_finalize(stmt);
    return found;
}

int store_apology_get(store *st, long long dossier_id, json_t **out)
{
    sqlite3 *db = store_sqlite_db(st);
    if (out == NULL)
        return -1;
    *out = NULL;
    return db != NULL ? reports_apology_get(db, dossier_id, out) : -1;
}

/* The audit event of an apology. */
static int apology_event(store *st, const dossier_apology *ap, long long number)
{
    json_t *after = json_pack("{s:I,s:s,s:s,s:s,s:b}", "apology", (json_int_t)number, "reason",
                              ap->reason, "appointment_at", ap->appointment_at,
                              "new_appointment_at", ap->new_appointment_at, "late", ap->late);
    char *a = after != NULL ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int rc = a != NULL ? audit_append(st, ap->actor, "dossier.apology", ap->code, NULL, a) : -1;
    free(a);
    json_decref(after);
    return rc;
}

static store_apology_result apology_in_tx(sqlite3 *db, store *st, const dossier_apology *ap,
                                          long long *number, char *err, size_t errlen)
{
    const char *p[] = {ap->code};
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db,
        "SELECT d.id, d.status, d.appointment_at, (SELECT count(*) FROM apologies a"
        " WHERE a.dossier_id = d.id) FROM dossiers d WHERE d.code = ?1",
        p, 1);
    if (stmt == NULL)
        return store_sqlite_fail(db, "cannot read the dossier", err, errlen);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        return rc == SQLITE_DONE ? STORE_APOLOGY_NOT_FOUND
                                 : store_sqlite_fail(db, "cannot read the dossier", err, errlen);
    }
    long long id = sqlite3_column_int64(stmt, 0);
    dossier_status status;
    bool known = dossier_status_parse((const char *)sqlite3_column_text(stmt, 1), &status);
    const char *appt = (const char *)sqlite3_column_text(stmt, 2);
    bool same_appt = appt != NULL && strcmp(appt, ap->appointment_at) == 0;
    int existing = sqlite3_column_int(stmt, 3);
    sqlite3_finalize(stmt);
    if (!known) {
        snprintf(err, errlen, "dossier %s has an unknown status", ap->code);
        return STORE_APOLOGY_ERROR;
    }
    if (existing > 0)
        return STORE_APOLOGY_EXISTS;
    if (dossier_status_terminal(status))
        return STORE_APOLOGY_CLOSED;
    if (!same_appt)
        return STORE_APOLOGY_STALE;
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", id);
    const char *signer = ap->actor_name != NULL && ap->actor_name[0] != '\0' ? ap->actor_name : ap->actor;
    const char *q[] = {idtext, ap->reason, ap->new_appointment_at, signer, ap->at};
    if (store_sqlite_exec(db,
                          "INSERT INTO apologies (dossier_id, reason, new_appointment_at, signed_by,"
                          " issued_at) VALUES (CAST(?1 AS INTEGER), ?2, ?3, ?4, ?5)",
                          q, 5) != 0)
        return store_sqlite_fail(db, "cannot record the apology", err, errlen);
    *number = sqlite3_last_insert_rowid(db);
    const char *u[] = {ap->at, ap->code};
    if (store_sqlite_exec(db, "UPDATE dossiers SET updated_at = ?1 WHERE code = ?2", u, 2) != 0)
        return store_sqlite_fail(db, "cannot touch the dossier", err, errlen);
    if (apology_event(st, ap, *number) != 0)
        return store_sqlite_fail(db, "cannot append the audit event", err, errlen);
    return STORE_APOLOGY_OK;
}

store_apology_result store_apology_add(store *st, const dossier_apology *ap, long long *number,
                                       char *err, size_t errlen)
{
    char scratch[8];
    long long n = 0;
    if (err == NULL || errlen == 0) {
        err = scratch;
        errlen = sizeof scratch;
    }
    err[0] = '\0';
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || ap == NULL || ap->code == NULL || ap->appointment_at == NULL ||
        ap->reason == NULL || ap->new_appointment_at == NULL || ap->actor == NULL || ap->at == NULL) {
        snprintf(err, errlen, "store_apology_add: a required field is missing");
        return STORE_APOLOGY_ERROR;
    }
    if (store_begin(st) != 0) {
        store_sqlite_fail(db, "cannot start the transaction", err, errlen);
        return STORE_APOLOGY_ERROR;
    }
    store_apology_result r = apology_in_tx(db, st, ap, &n, err, errlen);
    if (r == STORE_APOLOGY_OK && store_commit(st) != 0) {
        store_sqlite_fail(db, "cannot commit", err, errlen);
        r = STORE_APOLOGY_ERROR;
    }
    if (r != STORE_APOLOGY_OK) {
        store_rollback(st);
        n = 0;
    }
    if (number != NULL)
        *number = n;
    return r;
}
