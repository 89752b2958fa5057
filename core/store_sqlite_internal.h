/* SQLite store internals shared with its migration list and the unit tests; not for other modules. */
#ifndef MOTCUA_STORE_SQLITE_INTERNAL_H
#define MOTCUA_STORE_SQLITE_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "store.h"

/* The forward migrations: store_migrations[i] takes the schema from
 * user_version i to i + 1. Append only; never edit a released entry. */
extern const char *const store_migrations[];
extern const int store_migration_count;

/* Migration texts kept in their own files (store_schema_<name>.c). */
extern const char store_schema_accounts[];
extern const char store_schema_dossiers[];
extern const char store_schema_reports[];
extern const char store_schema_receipt[];
extern const char store_schema_scan[];

/* store_open, but migrates only up to `target_version` (0..latest), so tests can
 * leave a database at an older schema. target_version < 0 means the latest. */
int store_open_at(const char *path, int busy_timeout_ms, int target_version, store **out,
                  char *err, size_t errlen);

/* The connection behind a store, for tests and for other store_sqlite_*.c files. */
sqlite3 *store_sqlite_db(store *st);

/* ---- SQL helpers of the store_*.c files (store_sqlite_util.c) ---- */

/* Prepares sql and binds texts[0..n) as ?1..?n (a NULL text binds NULL; the texts are
 * copied). NULL when db is NULL or on any error (nothing left to finalize). */
sqlite3_stmt *store_sqlite_prepare(sqlite3 *db, const char *sql, const char *const *texts, int n);

/* Runs a writing statement with text parameters: 0 when done, -1 otherwise. */
int store_sqlite_exec(sqlite3 *db, const char *sql, const char *const *texts, int n);

/* The current row of stmt as an object keyed by column name: NULL columns are null, integers
 * stay integers, the rest are strings. With json_columns, a non-NULL, non-integer column
 * named <key>_json is parsed instead and set under <key> (null when it does not parse).
 * NULL when out of memory. */
json_t *store_sqlite_row(sqlite3_stmt *stmt, bool json_columns);

/* The remaining rows of stmt (stepped to the end) as a JSON array of store_sqlite_row
 * objects. NULL on a step error or when out of memory. */
json_t *store_sqlite_rows(sqlite3_stmt *stmt, bool json_columns);

/* Writes "what: <sqlite message>" ("what: no store" when db is NULL) into err when there
 * is room, and returns -1. */
int store_sqlite_fail(sqlite3 *db, const char *what, char *err, size_t errlen);

#endif
