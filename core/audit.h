/* The audit log: every state change is an event (who, when, what, before/after)
 * in an append-only table whose rows are chained by SHA-256, so that an edited
 * or deleted row is detected by audit_verify (motcuactl audit verify). */
#ifndef MOTCUA_AUDIT_H
#define MOTCUA_AUDIT_H

#include <stddef.h>
#include "store.h"

/* Appends one event inside the caller's transaction (call between
 * store_begin and store_commit so the change and its event land together).
 * actor: username or "system"; action: "dossier.accept", "user.add"...;
 * subject: dossier code or username; before/after: JSON text or NULL.
 * Returns 0 or -1. */
int audit_append(store *st, const char *actor, const char *action, const char *subject,
                 const char *before_json, const char *after_json);

/* Recomputes the chain. Returns 0 when intact, else the id of the first bad
 * row (> 0) with a reason in err, or -1 on a read error. */
long long audit_verify(store *st, char *err, size_t errlen);

#endif
