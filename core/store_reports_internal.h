/* What the store_overdue/return/lookup/stats files share besides store_sqlite_internal.h. */
#ifndef MOTCUA_STORE_REPORTS_INTERNAL_H
#define MOTCUA_STORE_REPORTS_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>

#include "store_sqlite_internal.h"

/* store_apology_get on a connection (store_overdue.c; also used by the lookup). */
int reports_apology_get(sqlite3 *db, long long dossier_id, json_t **out);

#endif
