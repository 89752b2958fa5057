/* The audit log's SQL on SQLite: the chain's tail, inserts and an ordered scan of events. */
#include "store_audit.h"

#include <stdio.h>
#include <string.h>

#include "store_sqlite_internal.h"

/* sqlite_sequence holds the highest AUTOINCREMENT id ever given to events. */
static int highest_issued(sqlite3 *db, long long *highest)
{
    sqlite3_stmt *stmt = NULL;
    *highest = 0;
    if (sqlite3_prepare_v2(db, "SELECT seq FROM sqlite_sequence WHERE name = 'events'", -1,
                           &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return -1;
    }
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *highest = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int store_audit_tail(store *st, long long *highest, char prev_hash[65])
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || highest_issued(db, highest) != 0)
        return -1;
    memset(prev_hash, '0', 64);
    prev_hash[64] = '\0';
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, "SELECT hash FROM events ORDER BY id DESC LIMIT 1", -1, &stmt,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return -1;
    }
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const unsigned char *h = sqlite3_column_text(stmt, 0);
        snprintf(prev_hash, 65, "%s", h != NULL ? (const char *)h : "");
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int bind_opt(sqlite3_stmt *stmt, int i, const char *text)
{
    return text != NULL ? sqlite3_bind_text(stmt, i, text, -1, SQLITE_STATIC)
                        : sqlite3_bind_null(stmt, i);
}

int store_audit_insert(store *st, const audit_row *row)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || row == NULL)
        return -1;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "INSERT INTO events (id, at, actor, action, subject, before_json,"
                                " after_json, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                                -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 1, row->id);
    const char *texts[] = {row->at,          row->actor,      row->action,
                           row->subject,     row->before_json, row->after_json,
                           row->prev_hash,   row->hash};
    for (int i = 0; rc == SQLITE_OK && i < 8; i++)
        rc = bind_opt(stmt, i + 2, texts[i]);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char *col(sqlite3_stmt *stmt, int i)
{
    return (const char *)sqlite3_column_text(stmt, i);
}

int store_audit_scan(store *st, store_audit_visit visit, void *ctx, long long *highest)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || visit == NULL || highest_issued(db, highest) != 0)
        return -1;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, at, actor, action, subject, before_json, after_json,"
                           " prev_hash, hash FROM events ORDER BY id",
                           -1, &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        audit_row row = {sqlite3_column_int64(stmt, 0), col(stmt, 1), col(stmt, 2), col(stmt, 3),
                         col(stmt, 4), col(stmt, 5), col(stmt, 6), col(stmt, 7), col(stmt, 8)};
        if (visit(ctx, &row) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}
