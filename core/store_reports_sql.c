/* SQL helpers of the report-side store files: bound statements and rows as JSON. */
#include "store_reports_internal.h"

#include <stdio.h>

sqlite3_stmt *reports_prepare(sqlite3 *db, const char *sql, const char *const *texts, int n)
{
    sqlite3_stmt *stmt = NULL;
    if (db == NULL || sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        int rc = texts[i] != NULL ? sqlite3_bind_text(stmt, i + 1, texts[i], -1, SQLITE_TRANSIENT)
                                  : sqlite3_bind_null(stmt, i + 1);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(stmt);
            return NULL;
        }
    }
    return stmt;
}

int reports_exec(sqlite3 *db, const char *sql, const char *const *texts, int n)
{
    sqlite3_stmt *stmt = reports_prepare(db, sql, texts, n);
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

json_t *reports_row(sqlite3_stmt *stmt)
{
    json_t *o = json_object();
    int n = sqlite3_column_count(stmt);
    for (int i = 0; o != NULL && i < n; i++) {
        json_t *v;
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_NULL:
            v = json_null();
            break;
        case SQLITE_INTEGER:
            v = json_integer(sqlite3_column_int64(stmt, i));
            break;
        default: {
            const char *t = (const char *)sqlite3_column_text(stmt, i);
            v = json_string(t != NULL ? t : "");
        }
        }
        if (v == NULL || json_object_set_new(o, sqlite3_column_name(stmt, i), v) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

json_t *reports_rows(sqlite3_stmt *stmt)
{
    json_t *arr = json_array();
    int rc = SQLITE_DONE;
    while (arr != NULL && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_t *o = reports_row(stmt);
        if (o == NULL || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    if (arr != NULL && rc != SQLITE_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

int reports_fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s: %s", what, db != NULL ? sqlite3_errmsg(db) : "no store");
    return -1;
}
