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

/* Sets the argon2id cost of new hashes. Only the unit tests lower it (to
 * libsodium's minimum) so that valgrind runs finish in seconds; hashes carry
 * their own parameters, so verification is unaffected. */
void accounts_set_hash_cost(unsigned long long opslimit, size_t memlimit);

/* A hash of a random password at the current cost, made once per process:
 * verifying against it for an unknown user takes as long as for a real one. */
const char *accounts_dummy_hash(void);

#endif
