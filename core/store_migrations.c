/* The SQLite schema as an ordered list of forward migrations (index i: user_version i -> i + 1). */
#include "store_sqlite_internal.h"

const char *const store_migrations[] = {
    /* 1: plugin registries and the procedure versions dossiers point at. */
    "CREATE TABLE registry ("
    "  ns TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
    "  PRIMARY KEY (ns, key)"
    ");"
    "CREATE TABLE procedure_versions ("
    "  code TEXT NOT NULL,"
    "  effective_from TEXT NOT NULL,"
    "  digest TEXT NOT NULL,"
    "  json TEXT NOT NULL,"
    "  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
    "  PRIMARY KEY (code, digest)"
    ");",

    /* 2: when the database was created, and "which version was in force on a date" by index. */
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ");"
    "INSERT INTO meta (key, value) VALUES ('installed_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));"
    "CREATE INDEX procedure_versions_by_date ON procedure_versions (code, effective_from);",

    /* 3: accounts, sessions, login throttling (store_schema_accounts.c). */
    store_schema_accounts,

    /* 4: dossiers, pages, hand-overs, intake outcomes, the audit log (store_schema_dossiers.c). */
    store_schema_dossiers,

    /* 5: payment details at return, failed public lookups (store_schema_reports.c). */
    store_schema_reports,

    /* 6: the sealed lookup PIN that Form 01 prints (store_schema_receipt.c). */
    store_schema_receipt,

    /* 7: motcua-scand's jobs, per-page results and completeness verdicts (store_schema_scan.c). */
    store_schema_scan,
};

const int store_migration_count = (int)(sizeof store_migrations / sizeof store_migrations[0]);
