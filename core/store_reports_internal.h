/* SQL helpers shared by the store_overdue/return/lookup/stats files; not for other modules. */
#ifndef MOTCUA_STORE_REPORTS_INTERNAL_H
#define MOTCUA_STORE_REPORTS_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>

#include "store_sqlite_internal.h"

/* Prepares sql and binds texts[0..n) as ?1..?n (a NULL text binds NULL). NULL on error. */
sqlite3_stmt *reports_prepare(sqlite3 *db, const char *sql, const char *const *texts, int n);

/* Runs a writing statement with text parameters: 0 when done, -1 otherwise. */
int reports_exec(sqlite3 *db, const char *sql, const char *const *texts, int n);

/* The remaining rows of stmt as a JSON array of objects keyed by column name: NULL columns
 * are null, integers stay integers, the rest are strings. NULL on error. */
json_t *reports_rows(sqlite3_stmt *stmt);

/* The current row of stmt as such an object (NULL when out of memory). */
json_t *reports_row(sqlite3_stmt *stmt);

/* Writes "what: <sqlite message>" into err (when there is room) and returns -1. */
int reports_fail(sqlite3 *db, const char *what, char *err, size_t errlen);

/* store_apology_get on a connection (store_overdue.c; also used by the lookup). */
int reports_apology_get(sqlite3 *db, long long dossier_id, json_t **out);

#endif
