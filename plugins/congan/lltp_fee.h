/* The fee for a judicial record certificate (Phiếu lý lịch tư pháp):
 * 200.000 đồng a request, 100.000 đồng for the reduced categories, and a
 * charge per certificate from the third one (Circular 244/2016/TT-BTC). */
#ifndef CONGAN_LLTP_FEE_H
#define CONGAN_LLTP_FEE_H

#include <stdbool.h>
#include <jansson.h>
#include <motcua/plugin.h>

#include "problem_sink.h"

#define LLTP_FEE_FULL 200000LL
#define LLTP_FEE_REDUCED 100000LL
#define LLTP_EXTRA_COPY_FEE 5000LL
#define LLTP_FREE_COPIES 2LL
#define LLTP_MAX_COPIES 10LL

/* The plugin's settings, read at init. */
struct lltp_fee_rules {
    long extra_copy_fee; /* VND per certificate from the third; config extra_copy_fee */
};

/* Checks the fee fields of `obj` (the dossier's details, or a /fee body):
 * "fee_reduction" (optional; one of the reduced categories' ids) and
 * "copies" (optional, default 1; an integer 1..10). path_prefix is prepended
 * to field names in problems ("details." or ""). On success stores the
 * category id (NULL for none) and the copy count and returns true. */
bool lltp_fee_check(problem_sink *sink, const json_t *obj, const char *path_prefix,
                    const char **reduction_out, long long *copies_out);

/* Route POST /fee: body {"fee_reduction":id|null, "copies":n} ->
 * {"amount", "currency":"VND", "copies", "fee_reduction", "breakdown":[{item, amount}]};
 * 400 invalid_json for a malformed body, 400 invalid_request with "problems"
 * for wrong fields. state is the struct lltp_fee_rules. */
void lltp_fee_route(motcua_host *host, void *state, motcua_request *req);

#endif
