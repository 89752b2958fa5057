/* Store primitives of the audit log (the events table); the hash chain itself is core/audit.c. */
#ifndef MOTCUA_STORE_AUDIT_H
#define MOTCUA_STORE_AUDIT_H

#include "store.h"

/* One event row as stored. Strings are borrowed (valid during a visit, or owned by the
 * caller on insert); before_json and after_json may be NULL. */
typedef struct audit_row {
    long long id;
    const char *at, *actor, *action, *subject, *before_json, *after_json, *prev_hash, *hash;
} audit_row;

/* The highest event id ever given (0 when none; deleted rows still count) into
 * *highest, and the hash of the last existing row into prev_hash (64 '0' when there is
 * none). Call inside the caller's write transaction. Returns 0 or -1. */
int store_audit_tail(store *st, long long *highest, char prev_hash[65]);

/* Inserts row with its explicit id. Returns 0, or -1 (nothing inserted). */
int store_audit_insert(store *st, const audit_row *row);

/* Calls visit for every event in id order; a visit returning non-zero stops the scan.
 * *highest gets the highest id ever given (as store_audit_tail). Returns 0 when the
 * scan ran (stopped early or not), -1 on a read error. */
typedef int (*store_audit_visit)(void *ctx, const audit_row *row);
int store_audit_scan(store *st, store_audit_visit visit, void *ctx, long long *highest);

#endif
