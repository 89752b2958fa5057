/* The fee collected at the return of a result: its payments row, written inside the return transition's transaction. */
#include "store_dossiers.h"

#include <stdio.h>

#include "store_reports_internal.h"

/* Why there is no store function that returns a dossier by itself: the return is the
 * transition done -> returned (store_dossier_transition), which also closes the open
 * "result" hand-over and runs the department plugin's hook. A separate path would skip
 * one or the other; the payment rides on that transition's change (dossier_change.payment)
 * and lands in its transaction, or nothing does. */

int store_payment_record_in_tx(store *st, long long dossier_id, const dossier_payment *p,
                               const char *actor, const char *at)
{
    sqlite3 *db = store_sqlite_db(st);
    if (db == NULL || dossier_id <= 0 || p == NULL || p->amount < 0 || p->fee_name == NULL ||
        p->method == NULL || actor == NULL || at == NULL)
        return -1;
    char idtext[24], amount[24];
    snprintf(idtext, sizeof idtext, "%lld", dossier_id);
    snprintf(amount, sizeof amount, "%lld", p->amount);
    const char *q[] = {idtext, amount, actor, at, p->fee_name, p->receipt_number, p->method};
    return store_sqlite_exec(db,
                             "INSERT INTO payments (dossier_id, amount, collected_by, collected_at, fee_name,"
                             " receipt_number, method) VALUES (CAST(?1 AS INTEGER), CAST(?2 AS INTEGER),"
                             " ?3, ?4, ?5, ?6, ?7)",
                             q, 7);
}
