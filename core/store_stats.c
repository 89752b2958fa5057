/* Supervision on SQLite: counts per department and procedure over a receipt-date range, and the Form 06 register lines. */
#include "store_reports.h"

#include <stdio.h>
#include <string.h>

#include "store_reports_internal.h"

/* The count columns of store_stats, in the order of the SELECT below (after department
 * and procedure). The deadline is due_at (extended by supplement waits), else appointment_at. */
static const char *const count_names[] = {
    "received", "accepted", "refused", "withdrawn", "stopped", "in_progress",
    "supplement_waiting", "with_supplement", "supplement_requests", "finished", "on_time", "late",
    "overdue_now", "returned", "apologies", "ratings", "satisfaction_sum", "on_time_rating_sum",
    "attitude_sum",
};
#define COUNT_N (sizeof count_names / sizeof count_names[0])

#define DEADLINE "COALESCE(d.due_at, d.appointment_at)"

static const char stats_sql[] =
    "SELECT d.department, d.procedure_code, count(*),"
    " sum(d.accepted_at IS NOT NULL), sum(d.status = 'refused'), sum(d.status = 'withdrawn'),"
    " sum(d.status = 'stopped'),"
    " sum(d.status IN ('received','accepted','transferred','processing','supplement_requested')),"
    " sum(d.status = 'supplement_requested'), sum(d.supplement_count > 0), sum(d.supplement_count),"
    " sum(d.result_at IS NOT NULL),"
    " sum(d.result_at IS NOT NULL AND " DEADLINE " IS NOT NULL AND d.result_at <= " DEADLINE "),"
    " sum(d.result_at IS NOT NULL AND " DEADLINE " IS NOT NULL AND d.result_at > " DEADLINE "),"
    " sum(d.result_at IS NULL AND d.status IN ('accepted','transferred','processing')"
    "     AND " DEADLINE " < ?3),"
    " sum(d.status = 'returned'),"
    " sum(EXISTS (SELECT 1 FROM apologies a WHERE a.dossier_id = d.id)),"
    " count(r.dossier_id), COALESCE(sum(r.satisfaction), 0), COALESCE(sum(r.on_time), 0),"
    " COALESCE(sum(r.attitude), 0)"
    " FROM dossiers d LEFT JOIN ratings r ON r.dossier_id = d.id"
    " WHERE d.received_at >= ?1 || ' 00:00' AND d.received_at <= ?2 || ' 23:59'"
    " GROUP BY d.department, d.procedure_code ORDER BY d.department, d.procedure_code";

/* Adds the counts of the current row (columns 2..) into the object o. */
static void add_counts(json_t *o, sqlite3_stmt *stmt)
{
    for (size_t i = 0; i < COUNT_N; i++) {
        json_int_t v = sqlite3_column_int64(stmt, (int)i + 2);
        json_t *cur = json_object_get(o, count_names[i]);
        json_object_set_new(o, count_names[i], json_integer(json_integer_value(cur) + v));
    }
}

/* The member of arr whose key equals value, created (with key set) when missing. */
static json_t *group_of(json_t *arr, const char *key, const char *value)
{
    size_t i;
    json_t *g;
    json_array_foreach(arr, i, g) {
        if (strcmp(json_string_value(json_object_get(g, key)), value) == 0)
            return g;
    }
    g = json_pack("{s:s}", key, value);
    if (g == NULL || json_array_append_new(arr, g) != 0)
        return NULL;
    return g;
}

int store_stats(store *st, const char *from, const char *to, const char *now, json_t **out)
{
    sqlite3 *db = store_sqlite_db(st);
    if (out == NULL)
        return -1;
    *out = NULL;
    if (from == NULL || to == NULL || now == NULL)
        return -1;
    const char *p[] = {from, to, now};
    sqlite3_stmt *stmt = store_sqlite_prepare(db, stats_sql, p, 3);
    if (stmt == NULL)
        return -1;
    json_t *totals = json_object(), *depts = json_array(), *procs = json_array();
    int rc = SQLITE_DONE;
    bool ok = totals != NULL && depts != NULL && procs != NULL;
    for (size_t i = 0; ok && i < COUNT_N; i++)
        ok = json_object_set_new(totals, count_names[i], json_integer(0)) == 0;
    while (ok && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *dept = (const char *)sqlite3_column_text(stmt, 0);
        const char *proc = (const char *)sqlite3_column_text(stmt, 1);
        json_t *d = group_of(depts, "department", dept != NULL ? dept : "");
        json_t *p2 = json_pack("{s:s,s:s}", "procedure", proc != NULL ? proc : "", "department",
                               dept != NULL ? dept : "");
        ok = d != NULL && p2 != NULL && json_array_append_new(procs, p2) == 0;
        if (ok) {
            add_counts(totals, stmt);
            add_counts(d, stmt);
            add_counts(p2, stmt);
        }
    }
    sqlite3_finalize(stmt);
    if (!ok || rc != SQLITE_DONE) {
        json_decref(totals);
        json_decref(depts);
        json_decref(procs);
        return -1;
    }
    *out = json_pack("{s:o,s:o,s:o}", "totals", totals, "departments", depts, "procedures", procs);
    return *out != NULL ? 0 : -1;
}

int store_register(store *st, const char *from, const char *to, int limit, json_t **out,
                   bool *truncated)
{
    sqlite3 *db = store_sqlite_db(st);
    if (out == NULL || truncated == NULL)
        return -1;
    *out = NULL;
    *truncated = false;
    if (from == NULL || to == NULL || limit < 1)
        return -1;
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit + 1);
    const char *p[] = {from, to, lim};
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db,
        "SELECT d.code AS dossier_code, d.procedure_code AS procedure,"
        " json_extract(v.json, '$.sets') AS sets, d.applicant_name, d.applicant_address,"
        " d.applicant_phone, json_extract(v.json, '$.competent_agency') AS lead_agency, d.status,"
        " d.received_at, d.appointment_at, d.transferred_at, d.result_at, d.returned_at,"
        " a.new_appointment_at"
        " FROM dossiers d LEFT JOIN procedure_versions v"
        "  ON v.code = d.procedure_code AND v.digest = d.procedure_digest"
        " LEFT JOIN apologies a ON a.dossier_id = d.id"
        " WHERE d.appointment_at IS NOT NULL"
        " AND d.received_at >= ?1 || ' 00:00' AND d.received_at <= ?2 || ' 23:59'"
        " ORDER BY d.received_at, d.id LIMIT CAST(?3 AS INTEGER)",
        p, 3);
    if (stmt == NULL)
        return -1;
    json_t *rows = store_sqlite_rows(stmt, false);
    sqlite3_finalize(stmt);
    if (rows == NULL)
        return -1;
    if (json_array_size(rows) > (size_t)limit) {
        json_array_remove(rows, (size_t)limit);
        *truncated = true;
    }
    *out = rows;
    return 0;
}
