/* Schema migration: what the return and the public lookup add to the dossier tables —
 * the payment's fee entry, receipt number and delivery method, and the failed lookups that
 * throttle code+PIN guessing per client address. */
#include "store_sqlite_internal.h"

/* Why lookups do not share login_attempts: that table's per-address count also throttles
 * staff logins (accounts_login.c counts every row of an address), so citizens mistyping a
 * PIN at a shared kiosk address would lock the counter officers of that address out.
 * Same shape, same window logic, kept apart. Times are Unix seconds, as there. */
const char store_schema_reports[] =
    "ALTER TABLE payments ADD COLUMN fee_name TEXT;"
    "ALTER TABLE payments ADD COLUMN receipt_number TEXT;"
    "ALTER TABLE payments ADD COLUMN method TEXT"
    "  CHECK (method IS NULL OR method IN ('counter','post'));"
    "CREATE UNIQUE INDEX payments_one_per_dossier ON payments (dossier_id);"
    "CREATE TABLE lookup_attempts ("
    "  id INTEGER PRIMARY KEY,"
    "  ip TEXT NOT NULL,"
    "  at INTEGER NOT NULL"
    ");"
    "CREATE INDEX lookup_attempts_by_ip ON lookup_attempts (ip, at);";
