/* SQLite store internals shared with its migration list and the unit tests; not for other modules. */
#ifndef MOTCUA_STORE_SQLITE_INTERNAL_H
#define MOTCUA_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"

/* The forward migrations: store_migrations[i] takes the schema from
 * user_version i to i + 1. Append only; never edit a released entry. */
extern const char *const store_migrations[];
extern const int store_migration_count;

/* Migration texts kept in their own files (store_schema_<name>.c). */
extern const char store_schema_accounts[];
extern const char store_schema_dossiers[];
extern const char store_schema_reports[];

/* store_open, but migrates only up to `target_version` (0..latest), so tests can
 * leave a database at an older schema. target_version < 0 means the latest. */
int store_open_at(const char *path, int busy_timeout_ms, int target_version, store **out,
                  char *err, size_t errlen);

/* The connection behind a store, for tests and for other store_sqlite_*.c files. */
sqlite3 *store_sqlite_db(store *st);

#endif
