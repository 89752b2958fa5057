/* The store on SQLite: connection setup (WAL, busy timeout, foreign keys), migrations, registry, procedure versions. */
#include "store_sqlite_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store {
    sqlite3 *db;
};

int store_schema_latest(void)
{
    return store_migration_count;
}

sqlite3 *store_sqlite_db(store *st)
{
    return st != NULL ? st->db : NULL;
}

/* Writes "<what>: <sqlite message>" into err; returns -1. */
static int store_fail(sqlite3 *db, const char *what, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s: %s", what, db != NULL ? sqlite3_errmsg(db) : "out of memory");
    return -1;
}

/* Reads PRAGMA user_version; -1 on error. */
static int read_user_version(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* Runs one PRAGMA that answers a text row and copies its first column into out.
 * Returns the SQLite result code (SQLITE_OK when a row was read). */
static int pragma_text(sqlite3 *db, const char *sql, char *out, size_t outlen)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(stmt, 0);
            snprintf(out, outlen, "%s", t != NULL ? (const char *)t : "");
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_ERROR;
        }
    }
    sqlite3_finalize(stmt);
    return rc;
}

/* Switches to WAL. SQLite answers SQLITE_BUSY at once, without calling the busy
 * handler, when several connections race to change the journal mode of a fresh
 * file, so this retries for up to busy_timeout_ms. */
static int set_wal(sqlite3 *db, int busy_timeout_ms, char *mode, size_t modelen)
{
    const int pause_ms = 5;
    int waited = 0;
    for (;;) {
        int rc = pragma_text(db, "PRAGMA journal_mode = WAL", mode, modelen);
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
            return rc;
        if (waited >= busy_timeout_ms)
            return rc;
        sqlite3_sleep(pause_ms);
        waited += pause_ms;
    }
}

static int refuse_newer(int found, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen,
                 "database schema version %d is newer than this program knows (%d); "
                 "run a newer motcua or restore a backup made for this version",
                 found, store_schema_latest());
    return -1;
}

/* Applies migration `from` -> `from + 1` unless another process did it first.
 * BEGIN IMMEDIATE takes the write lock before user_version is re-read, so two
 * processes opening a fresh database never both migrate. */
static int migrate_step(sqlite3 *db, int target, int *version, char *err, size_t errlen)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(db, "cannot start a migration transaction", err, errlen);
    int v = read_user_version(db);
    if (v < 0) {
        store_fail(db, "cannot read the schema version", err, errlen);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (v > store_schema_latest()) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return refuse_newer(v, err, errlen);
    }
    if (v < target) {
        char what[64], pragma[48];
        snprintf(what, sizeof what, "schema migration %d -> %d failed", v, v + 1);
        /* PRAGMA takes no bound parameters; v + 1 is our own small integer. */
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (sqlite3_exec(db, store_migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
            store_fail(db, what, err, errlen);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        v++;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        store_fail(db, "cannot commit a schema migration", err, errlen);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    *version = v;
    return 0;
}

static int migrate(sqlite3 *db, int target, char *err, size_t errlen)
{
    int v = read_user_version(db);
    if (v < 0)
        return store_fail(db, "cannot read the schema version", err, errlen);
    if (v > store_schema_latest())
        return refuse_newer(v, err, errlen);
    while (v < target)
        if (migrate_step(db, target, &v, err, errlen) != 0)
            return -1;
    return 0;
}

/* Connection settings every handle needs, in the order SQLite wants them. */
static int configure(sqlite3 *db, int busy_timeout_ms, char *err, size_t errlen)
{
    char mode[16];
    if (sqlite3_busy_timeout(db, busy_timeout_ms) != SQLITE_OK)
        return store_fail(db, "cannot set busy_timeout", err, errlen);
    /* Refuse a newer schema before changing anything in the file. */
    int v = read_user_version(db);
    if (v < 0)
        return store_fail(db, "cannot read the schema version", err, errlen);
    if (v > store_schema_latest())
        return refuse_newer(v, err, errlen);
    if (sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(db, "cannot enable foreign keys", err, errlen);
    if (set_wal(db, busy_timeout_ms, mode, sizeof mode) != SQLITE_OK)
        return store_fail(db, "cannot switch to WAL", err, errlen);
    /* An in-memory database answers "memory"; anything else means WAL was refused. */
    if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "cannot switch to WAL (journal_mode stays %s); "
                     "check that the database directory is writable", mode);
        return -1;
    }
    if (sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(db, "cannot set synchronous", err, errlen);
    return 0;
}

int store_open_at(const char *path, int busy_timeout_ms, int target_version, store **out,
                  char *err, size_t errlen)
{
    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "store_open: no database path given");
        return -1;
    }
    if (target_version < 0 || target_version > store_schema_latest())
        target_version = store_schema_latest();
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        char what[512];
        snprintf(what, sizeof what, "cannot open database %s", path);
        store_fail(db, what, err, errlen);
        sqlite3_close(db);
        return -1;
    }
    sqlite3_extended_result_codes(db, 1);
    if (configure(db, busy_timeout_ms, err, errlen) != 0 ||
        migrate(db, target_version, err, errlen) != 0) {
        sqlite3_close(db);
        return -1;
    }
    store *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        sqlite3_close(db);
        return store_fail(NULL, "store_open", err, errlen);
    }
    st->db = db;
    *out = st;
    return 0;
}

int store_open(const char *path, int busy_timeout_ms, store **out, char *err, size_t errlen)
{
    return store_open_at(path, busy_timeout_ms, -1, out, err, errlen);
}

void store_close(store *st)
{
    if (st == NULL)
        return;
    sqlite3_close(st->db);
    free(st);
}

int store_schema_version(store *st)
{
    return st != NULL ? read_user_version(st->db) : -1;
}

int store_ping(store *st)
{
    if (st == NULL)
        return -1;
    sqlite3_stmt *stmt = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(st->db, "SELECT 1", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 1)
        rc = 0;
    sqlite3_finalize(stmt);
    return rc;
}

static int exec_plain(store *st, const char *sql)
{
    return st != NULL && sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int store_begin(store *st)
{
    return exec_plain(st, "BEGIN IMMEDIATE");
}

int store_commit(store *st)
{
    return exec_plain(st, "COMMIT");
}

int store_rollback(store *st)
{
    if (st == NULL || sqlite3_get_autocommit(st->db))
        return 0; /* nothing open: SQLite already rolled back, or never began */
    return exec_plain(st, "ROLLBACK");
}

int store_registry_get(store *st, const char *ns, const char *key, char **value_out)
{
    if (st == NULL || ns == NULL || key == NULL || value_out == NULL)
        return -1;
    *value_out = NULL;
    sqlite3_stmt *stmt = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM registry WHERE ns = ?1 AND key = ?2", -1,
                           &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 1, ns, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return -1;
    }
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(stmt, 0);
        *value_out = strdup(v != NULL ? (const char *)v : "");
        rc = *value_out != NULL ? 1 : -1;
    } else if (step == SQLITE_DONE) {
        rc = 0;
    }
    sqlite3_finalize(stmt);
    return rc;
}

/* Runs one writing statement with n text parameters bound as ?1..?n.
 * Returns 0 when it ran to completion, -1 on any error. */
static int exec_bound(sqlite3 *db, const char *sql, const char *const *params, int n)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    for (int i = 0; rc == SQLITE_OK && i < n; i++)
        rc = sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_registry_put(store *st, const char *ns, const char *key, const char *value)
{
    if (st == NULL || ns == NULL || key == NULL || value == NULL)
        return -1;
    const char *params[] = {ns, key, value};
    if (exec_bound(st->db,
                   "INSERT INTO registry (ns, key, value) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (ns, key) DO NOTHING",
                   params, 3) != 0)
        return -1;
    return sqlite3_changes(st->db) == 1 ? 0 : 1;
}

int store_procedure_version_record(store *st, const char *code, const char *effective_from,
                                   const char *digest, const char *json)
{
    if (st == NULL || code == NULL || effective_from == NULL || digest == NULL || json == NULL)
        return -1;
    const char *params[] = {code, effective_from, digest, json};
    return exec_bound(st->db,
                      "INSERT INTO procedure_versions (code, effective_from, digest, json) "
                      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (code, digest) DO NOTHING",
                      params, 4);
}
