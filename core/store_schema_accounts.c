/* Schema migration: accounts, their sessions and the failed logins that throttle them. */
#include "store_sqlite_internal.h"

/* Times in sessions and login_attempts are Unix seconds (compared on every
 * request); users.created_at is ISO 8601 UTC like the other tables. Which
 * department a departmental account belongs to is checked in code against the
 * loaded plugins, not here: plugins come and go without a migration. */
const char store_schema_accounts[] =
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  full_name TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('counter', 'department_officer', 'department_head',"
    "                                     'supervisor', 'archivist', 'admin')),"
    "  department TEXT,"
    "  password_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
    "  CHECK ((role IN ('department_officer', 'department_head')) = (department IS NOT NULL))"
    ");"
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY,"           /* SHA-256 hex of the cookie token, never the token */
    "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
    "  csrf_token TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"           /* absolute end of the session */
    "  last_seen_at INTEGER NOT NULL"          /* the idle limit counts from here */
    ");"
    "CREATE INDEX sessions_by_user ON sessions (user_id);"
    "CREATE TABLE login_attempts ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL,"
    "  ip TEXT NOT NULL,"
    "  at INTEGER NOT NULL"
    ");"
    "CREATE INDEX login_attempts_by_username ON login_attempts (username, at);"
    "CREATE INDEX login_attempts_by_ip ON login_attempts (ip, at);";
