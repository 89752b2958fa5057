/* What the accounts files (accounts.c, accounts_login.c, accounts_session.c) share; not for other modules.
 * Their SQL is in store_accounts.c. */
#ifndef MOTCUA_ACCOUNTS_INTERNAL_H
#define MOTCUA_ACCOUNTS_INTERNAL_H

#include <stddef.h>

#include "accounts.h"

/* The account's state as audit JSON (no password hash), malloc'ed; NULL when out of memory. */
char *account_audit_json(const account *a);

/* Sets the argon2id cost of new hashes. Only the unit tests lower it (to
 * libsodium's minimum) so that valgrind runs finish in seconds; hashes carry
 * their own parameters, so verification is unaffected. */
void accounts_set_hash_cost(unsigned long long opslimit, size_t memlimit);

/* A hash of a random password at the current cost, made once per process:
 * verifying against it for an unknown user takes as long as for a real one. */
const char *accounts_dummy_hash(void);

#endif
