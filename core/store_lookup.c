/* The public side of the store: the code+PIN failure throttle, what a citizen may see of a dossier, and ratings. */
#include "store_reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "store_reports_internal.h"

static const char *ip_key(const char *ip)
{
    return ip != NULL && ip[0] != '\0' ? ip : "unknown";
}

int store_lookup_throttle(store *st, const char *ip, time_t now)
{
    sqlite3 *db = store_sqlite_db(st);
    const char *p[] = {ip_key(ip)};
    /* The LOOKUP_MAX_FAILURES-th newest failure in the window: while it is there the
     * address is throttled, and it leaves the window first among those that count. */
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db, "SELECT at FROM lookup_attempts WHERE ip = ?1 AND at > ?2 ORDER BY at DESC LIMIT 1 OFFSET ?3",
        p, 1);
    if (stmt == NULL || sqlite3_bind_int64(stmt, 2, (sqlite3_int64)(now - LOOKUP_WINDOW_SECONDS)) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 3, LOOKUP_MAX_FAILURES - 1) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return -1;
    }
    int rc = sqlite3_step(stmt), wait = -1;
    if (rc == SQLITE_ROW) {
        time_t release = (time_t)sqlite3_column_int64(stmt, 0) + LOOKUP_WINDOW_SECONDS;
        wait = release > now ? (int)(release - now) : 1;
    } else if (rc == SQLITE_DONE) {
        wait = 0;
    }
    sqlite3_finalize(stmt);
    return wait;
}

int store_lookup_failure(store *st, const char *ip, time_t now)
{
    sqlite3 *db = store_sqlite_db(st);
    char at[24], old[24];
    snprintf(at, sizeof at, "%lld", (long long)now);
    snprintf(old, sizeof old, "%lld", (long long)(now - LOOKUP_WINDOW_SECONDS));
    const char *p[] = {ip_key(ip), at};
    const char *q[] = {old};
    if (store_sqlite_exec(db, "INSERT INTO lookup_attempts (ip, at) VALUES (?1, CAST(?2 AS INTEGER))",
                          p, 2) != 0)
        return -1;
    return store_sqlite_exec(db, "DELETE FROM lookup_attempts WHERE at <= CAST(?1 AS INTEGER)", q, 1);
}

/* The dossier's history as public steps: what happened and when, never who or why. */
static json_t *public_steps(sqlite3 *db, const char *code)
{
    const char *p[] = {code};
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db,
        "SELECT action, substr(at, 1, 16) AS at,"
        " CASE WHEN action = 'dossier.step' OR action = 'dossier.done'"
        "  THEN json_extract(before_json, '$.step_index') END AS step_index"
        " FROM events WHERE subject = ?1 AND action LIKE 'dossier.%'"
        " AND action NOT IN ('dossier.page', 'dossier.rating') ORDER BY id",
        p, 1);
    if (stmt == NULL)
        return NULL;
    json_t *rows = store_sqlite_rows(stmt, false);
    sqlite3_finalize(stmt);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        if (json_is_null(json_object_get(row, "step_index")))
            json_object_del(row, "step_index");
    }
    return rows;
}

int store_lookup_public(store *st, const char *code, json_t **out)
{
    sqlite3 *db = store_sqlite_db(st);
    if (out == NULL)
        return -1;
    *out = NULL;
    const char *p[] = {code};
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db,
        "SELECT d.id, d.code, d.status, d.procedure_code AS procedure, d.procedure_digest,"
        " d.received_at, d.appointment_at, d.appointment_at AS original_appointment_at,"
        " d.result_at, d.returned_at,"
        " EXISTS (SELECT 1 FROM ratings r WHERE r.dossier_id = d.id) AS rated"
        " FROM dossiers d WHERE d.code = ?1",
        p, 1);
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_step(stmt);
    json_t *o = rc == SQLITE_ROW ? store_sqlite_row(stmt, false) : NULL;
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE)
        return 0;
    if (o == NULL)
        return -1;
    json_t *ap = NULL, *steps = public_steps(db, code);
    long long id = json_integer_value(json_object_get(o, "id"));
    int has = reports_apology_get(db, id, &ap);
    if (steps == NULL || has < 0) {
        json_decref(steps);
        json_decref(o);
        return -1;
    }
    if (has == 1)
        json_object_set(o, "appointment_at", json_object_get(ap, "new_appointment_at"));
    json_decref(ap);
    json_object_set_new(o, "rated", json_boolean(json_integer_value(json_object_get(o, "rated")) != 0));
    json_object_set_new(o, "steps", steps);
    json_object_del(o, "id");
    *out = o;
    return 1;
}

static int rating_event(store *st, const char *code, const dossier_rating *r)
{
    json_t *after = json_pack("{s:i,s:i,s:i,s:i,s:b}", "satisfaction", r->satisfaction, "on_time",
                              r->on_time, "attitude", r->attitude, "visits", r->visits, "comment",
                              r->comment != NULL);
    char *a = after != NULL ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int rc = a != NULL ? audit_append(st, "public", "dossier.rating", code, NULL, a) : -1;
    free(a);
    json_decref(after);
    return rc;
}

static store_rating_result rating_in_tx(sqlite3 *db, store *st, const char *code, const dossier_rating *r)
{
    const char *p[] = {code};
    sqlite3_stmt *stmt = store_sqlite_prepare(
        db,
        "SELECT d.id, d.status, EXISTS (SELECT 1 FROM ratings r WHERE r.dossier_id = d.id)"
        " FROM dossiers d WHERE d.code = ?1",
        p, 1);
    if (stmt == NULL)
        return STORE_RATING_ERROR;
    int rc = sqlite3_step(stmt);
    long long id = 0;
    bool returned = false, rated = false;
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(stmt, 0);
        const char *s = (const char *)sqlite3_column_text(stmt, 1);
        returned = s != NULL && strcmp(s, "returned") == 0;
        rated = sqlite3_column_int(stmt, 2) != 0;
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE)
        return STORE_RATING_NOT_FOUND;
    if (rc != SQLITE_ROW)
        return STORE_RATING_ERROR;
    if (rated)
        return STORE_RATING_EXISTS;
    if (!returned)
        return STORE_RATING_NOT_RETURNED;
    char idtext[24], s[8], o[8], a[8], v[16];
    snprintf(idtext, sizeof idtext, "%lld", id);
    snprintf(s, sizeof s, "%d", r->satisfaction);
    snprintf(o, sizeof o, "%d", r->on_time);
    snprintf(a, sizeof a, "%d", r->attitude);
    snprintf(v, sizeof v, "%d", r->visits);
    const char *q[] = {idtext, s, o, a, v, r->comment, r->at};
    if (store_sqlite_exec(db,
                          "INSERT INTO ratings (dossier_id, satisfaction, on_time, attitude, visits,"
                          " comment, rated_at) VALUES (CAST(?1 AS INTEGER), CAST(?2 AS INTEGER),"
                          " CAST(?3 AS INTEGER), CAST(?4 AS INTEGER), CAST(?5 AS INTEGER), ?6, ?7)",
                          q, 7) != 0 ||
        rating_event(st, code, r) != 0)
        return STORE_RATING_ERROR;
    return STORE_RATING_OK;
}

store_rating_result store_rating_add(store *st, const char *code, const dossier_rating *r)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || code == NULL || r == NULL || r->at == NULL || store_begin(st) != 0)
        return STORE_RATING_ERROR;
    store_rating_result res = rating_in_tx(db, st, code, r);
    if (res == STORE_RATING_OK && store_commit(st) != 0)
        res = STORE_RATING_ERROR;
    if (res != STORE_RATING_OK)
        store_rollback(st);
    return res;
}
