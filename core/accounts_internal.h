/* What the accounts files (accounts.c, accounts_login.c, accounts_session.c) share; not for other modules. */
#ifndef MOTCUA_ACCOUNTS_INTERNAL_H
#define MOTCUA_ACCOUNTS_INTERNAL_H

#include <sqlite3.h>

#include "accounts.h"

/* The columns account_from_row reads, in order, for "SELECT " ACCOUNT_COLUMNS " FROM users u ...". */
#define ACCOUNT_COLUMNS "u.id, u.username, u.full_name, u.role, u.department, u.disabled"

/* Fills *out from columns first..first+5 of the current row of stmt. */
void account_from_row(sqlite3_stmt *stmt, int first, account *out);

/* The account's state as audit JSON (no password hash), malloc'ed; NULL when out of memory. */
char *account_audit_json(const account *a);

/* Prepares sql on st's connection; NULL on error. */
sqlite3_stmt *accounts_prepare(store *st, const char *sql);

#endif
