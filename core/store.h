/* The store: everything motcua keeps, behind one interface so that the SQLite
 * backend (store_sqlite.c) can be replaced by PostgreSQL in one module.
 * A store handle belongs to one process: open it after fork(), never share it. */
#ifndef MOTCUA_STORE_H
#define MOTCUA_STORE_H

#include <stddef.h>

typedef struct store store;

/* Opens (creating if needed) the store at path, sets WAL, busy_timeout and
 * foreign keys, and applies every pending forward migration, each in its own
 * transaction. Returns 0 and *out, or -1 with an English reason in err (for
 * example a database whose schema is newer than this program). */
int store_open(const char *path, int busy_timeout_ms, store **out, char *err, size_t errlen);
/* Closes; store_close(NULL) is a no-op. */
void store_close(store *st);

/* The schema version of the open store, and the newest this program knows. */
int store_schema_version(store *st);
int store_schema_latest(void);

/* 0 if the store answers a trivial query, -1 otherwise (for /health). */
int store_ping(store *st);

/* Transactions: store_begin takes the write lock at once (BEGIN IMMEDIATE,
 * waiting up to busy_timeout), so that read-then-write sequences such as the
 * daily dossier sequence cannot interleave between processes. Each returns 0
 * or -1; store_rollback is safe to call after a failed step. */
int store_begin(store *st);
int store_commit(store *st);
int store_rollback(store *st);

/* Plugin registries: a key/value table namespaced by department.
 * get: 1 and *value_out (malloc'ed, caller frees) if found, 0 if not, -1 on error.
 * put: 0 stored, 1 key already present (value unchanged), -1 on error. */
int store_registry_get(store *st, const char *ns, const char *key, char **value_out);
int store_registry_put(store *st, const char *ns, const char *key, const char *value);

/* Records a procedure version as loaded from a plugin data file, so that a
 * dossier can point at the exact rules in force at intake. Idempotent: the same
 * (code, effective_from, digest) is stored once. Returns 0 or -1. */
int store_procedure_version_record(store *st, const char *code, const char *effective_from,
                                   const char *digest, const char *json);
#endif
