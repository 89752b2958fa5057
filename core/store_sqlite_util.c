/* SQL helpers shared by the store_*.c files: statements with bound text parameters, rows as JSON, error texts. */
#include "store_sqlite_internal.h"

#include <stdio.h>
#include <string.h>

sqlite3_stmt *store_sqlite_prepare(sqlite3 *db, const char *sql, const char *const *texts, int n)
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

int store_sqlite_exec(sqlite3 *db, const char *sql, const char *const *texts, int n)
{
    sqlite3_stmt *stmt = store_sqlite_prepare(db, sql, texts, n);
    if (stmt == NULL)
        return -1;
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Column i of the current row as JSON: null, an integer, or a string (NULL when out of memory). */
static json_t *column_value(sqlite3_stmt *stmt, int i)
{
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_NULL:
        return json_null();
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(stmt, i));
    default: {
        const char *t = (const char *)sqlite3_column_text(stmt, i);
        return json_string(t != NULL ? t : "");
    }
    }
}

/* Adds text column i, named *_json, as its parsed value under the name without the suffix
 * (null when it does not parse). Returns json_object_set_new's result. */
static int set_parsed(json_t *o, sqlite3_stmt *stmt, int i, const char *name, size_t nl)
{
    const char *t = (const char *)sqlite3_column_text(stmt, i);
    json_t *v = json_loads(t != NULL ? t : "null", JSON_DECODE_ANY, NULL);
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(nl - 5), name);
    return json_object_set_new(o, key, v != NULL ? v : json_null());
}

json_t *store_sqlite_row(sqlite3_stmt *stmt, bool json_columns)
{
    json_t *o = json_object();
    int n = sqlite3_column_count(stmt);
    for (int i = 0; o != NULL && i < n; i++) {
        const char *name = sqlite3_column_name(stmt, i);
        size_t nl = strlen(name);
        int rc;
        int type = sqlite3_column_type(stmt, i);
        if (json_columns && type != SQLITE_NULL && type != SQLITE_INTEGER && nl > 5 &&
            strcmp(name + nl - 5, "_json") == 0)
            rc = set_parsed(o, stmt, i, name, nl);
        else
            rc = json_object_set_new(o, name, column_value(stmt, i));
        if (rc != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

json_t *store_sqlite_rows(sqlite3_stmt *stmt, bool json_columns)
{
    json_t *arr = json_array();
    int rc = SQLITE_DONE;
    while (arr != NULL && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_t *o = store_sqlite_row(stmt, json_columns);
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

int store_sqlite_fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s: %s", what, db != NULL ? sqlite3_errmsg(db) : "no store");
    return -1;
}
