/* The store's dossier half: creation with the daily code sequence and PIN, reads and lists,
 * status changes with their side rows (supplement requests, refusals), pages. Every change
 * runs in one write transaction together with its audit event: all of it lands or none. */
#ifndef MOTCUA_STORE_DOSSIERS_H
#define MOTCUA_STORE_DOSSIERS_H

#include <jansson.h>
#include <stddef.h>

#include "dossier.h"
#include "store.h"

/* Times are "YYYY-MM-DD HH:MM", Vietnam local (see store_schema_dossiers.c). */
#define STORE_TIME_LEN 17

/* A dossier as read back (never the PIN hash). */
typedef struct dossier_row {
    long long id;
    char code[DOSSIER_CODE_MAX];
    char agency_code[16];
    char procedure_code[64];
    char procedure_digest[65];
    char procedure_effective_from[11];
    char department[33];
    dossier_status status;
    int step_index;
    char channel[8];
    int supplement_count;
    char received_at[STORE_TIME_LEN], accepted_at[STORE_TIME_LEN], appointment_at[STORE_TIME_LEN],
        due_at[STORE_TIME_LEN], transferred_at[STORE_TIME_LEN], result_at[STORE_TIME_LEN],
        returned_at[STORE_TIME_LEN];    /* "" when not set */
    char received_by[64];
    char received_by_name[128];
    json_t *applicant;                   /* owned: the applicant object given at intake */
    json_t *details;                     /* owned: procedure-specific details */
} dossier_row;

/* Releases what a filled row owns; safe on a zeroed row and twice. */
void dossier_row_clear(dossier_row *row);

/* What intake gives for a new dossier; all strings borrowed. */
typedef struct dossier_intake {
    const char *agency_code;          /* [centre] agency_code */
    const char *procedure_code;
    const char *procedure_digest;     /* the version in force at intake ... */
    const char *procedure_effective_from;
    const char *procedure_json;       /* ... and its canonical JSON (recorded if not yet) */
    const char *department;
    const char *channel;              /* counter | post | online */
    const char *applicant_name, *applicant_id_number, *applicant_phone, *applicant_email,
        *applicant_address;           /* name required, the rest may be NULL */
    const char *applicant_json, *details_json;
    const char *received_at;          /* "YYYY-MM-DD HH:MM": its date is the code's date */
    const char *actor, *actor_name;   /* username and full name of the counter officer */
} dossier_intake;

/* Creates the dossier in one BEGIN IMMEDIATE transaction: takes the next daily sequence
 * number of (agency, day) — so concurrent creators get unique, gapless numbers and a
 * failed creation gives its number back —, makes a PIN and stores its keyed hash (what
 * lookups check) and its sealed copy (for reprinting Form 01, store_dossier_pin_reveal),
 * inserts the row and the audit event "dossier.create". On success code_out holds the
 * code and pin_out the PIN (never stored in clear). Returns 0, or -1 with an English
 * reason in err and nothing written. */
int store_dossier_create(store *st, const dossier_intake *in, char code_out[DOSSIER_CODE_MAX],
                         char pin_out[7], char *err, size_t errlen);

/* Reads the dossier `code`. Returns 1 and fills *out (clear it after), 0 when there is
 * none, -1 on a read error. */
int store_dossier_get(store *st, const char *code, dossier_row *out);

/* Checks pin against the dossier's stored hash, in constant time. 1 match, 0 no such
 * dossier or wrong PIN (the caller cannot tell which), -1 on a read error. */
int store_dossier_pin_check(store *st, const char *code, const char *pin);

/* Summaries of dossiers, newest first: status and department filter when not NULL;
 * at most limit (1..1000) rows. *out: a JSON array (caller decrefs). 0 or -1. */
int store_dossier_list(store *st, const char *status, const char *department, int limit,
                       json_t **out);

/* Pages, supplement requests, refusals, hand-overs and apologies of a dossier, as
 * {"pages":[...],"supplements":[...],"refusals":[...],"handovers":[...],"apologies":[...]}
 * in creation order; supplements' items are JSON arrays. 0 and *out (caller decrefs), or -1. */
int store_dossier_related(store *st, long long dossier_id, json_t **out);

/* The canonical JSON of a recorded procedure version (malloc'ed, caller frees).
 * 1 found, 0 not recorded, -1 on error. */
int store_procedure_version_json(store *st, const char *code, const char *digest, char **out);

/* A supplement request recorded with a change. */
typedef struct dossier_supplement {
    const char *items_json;      /* JSON array of {id?, title} */
    const char *note;            /* may be NULL */
    const char *source;          /* "counter" | "department" */
    const char *override_by;     /* username of the head who allowed a further request, or NULL */
} dossier_supplement;

/* The fee collected when a result is returned: a payments row (collected_by = the change's
 * actor, collected_at = its time; one per dossier). Strings borrowed. */
typedef struct dossier_payment {
    long long amount;             /* VND, >= 0 */
    const char *fee_name;         /* the entry of the rules in force at intake that amount matched */
    const char *receipt_number;   /* NULL for a free procedure */
    const char *method;           /* "counter" | "post" */
} dossier_payment;

/* A status change. NULL fields leave their column unchanged. */
typedef struct dossier_change {
    const char *code;
    dossier_status from, to;     /* refused unless the dossier is still in `from` */
    int step_index;              /* the new step index, or -1 to keep it */
    const char *audit_action;    /* "dossier.accept" */
    const char *actor, *actor_name;
    const char *at;              /* "YYYY-MM-DD HH:MM" */
    const char *accepted_at, *appointment_at, *due_at, *transferred_at, *result_at,
        *returned_at, *closed_at;
    const dossier_supplement *supplement;  /* adds a supplements row, counts it */
    const char *refusal_reason;            /* adds a refusals row */
    const char *note;                      /* kept in the audit event */
    const dossier_payment *payment;        /* adds a payments row, kept in the audit event */
} dossier_change;

typedef enum store_change_result {
    STORE_CHANGE_OK = 0,
    STORE_CHANGE_ERROR = -1,     /* nothing written; reason in err */
    STORE_CHANGE_NOT_FOUND = 1,
    STORE_CHANGE_STALE = 2,      /* the dossier is no longer in `from` (someone moved it) */
    STORE_CHANGE_SUPPLEMENT_LIMIT = 3 /* a further supplement request without override_by */
} store_change_result;

/* Applies c in one transaction with its audit event (before/after status and what was
 * set). The one-supplement rule is re-checked inside the transaction. *side_id (may be
 * NULL) gets the id of the supplements/refusals row added, else 0. */
store_change_result store_dossier_change(store *st, const dossier_change *c, long long *side_id,
                                         char *err, size_t errlen);

/* Records an uploaded page (the file is already durable under files_dir at path,
 * relative) as the dossier's next page, with the audit event "dossier.page". *seq_out gets
 * its number (1-based). Returns STORE_CHANGE_OK, _NOT_FOUND or _ERROR. */
store_change_result store_page_add(store *st, const char *code, const char *content_type,
                                   const char *sha256_hex, long long size, const char *path,
                                   const char *at, const char *actor, int *seq_out);

/* ---- processing: hand-overs (Form 05) and transitions with plugin hooks (store_handovers.c) ---- */

/* The same as store_dossier_change, for a caller that already holds the write transaction
 * (store_begin): nothing is committed or rolled back here. */
store_change_result store_dossier_change_in_tx(store *st, const dossier_change *c,
                                               long long *side_id, char *err, size_t errlen);

/* What a transition does to the dossier's chain of hand-overs. Hand-overs form a chain:
 * at most one is open (given, not yet received) at a time, and whoever acts next on the
 * dossier is the one who received it. All strings borrowed; NULL = not set. */
typedef struct handover_plan {
    bool close_open;           /* the actor receives the open hand-over: received_at = c->at,
                                  receiver = receiver (a no-op when none is open) */
    const char *receiver;      /* shown on Form 05: the actor's full name */
    const char *step;          /* when set, opens a new hand-over: "transfer", a workflow step
                                  id, "result", "send_back", "resubmit" */
    const char *from_agency, *to_agency, *giver;
    const char *due_at;        /* the deadline the giving is classed against */
    const char *result;        /* "early" | "on_time" | "late" (the class of given_at vs due_at) */
    const char *note;
    bool received;             /* the new hand-over is received at once (received_at = c->at,
                                  receiver = receiver): it ends the chain, e.g. a withdrawal */
} handover_plan;

/* Runs inside the transition's transaction after the dossier's change and hand-overs are
 * written: 0 lets it commit, 1 refuses it, -1 fails it (both roll back everything). */
typedef int (*store_tx_hook)(void *ctx);

/* A processing transition in one transaction: the change c (as store_dossier_change, with
 * its audit event), the hand-over plan h (may be NULL), then hook (may be NULL). Returns
 * STORE_CHANGE_OK (committed), or the change's result with nothing written; when the hook
 * refused, STORE_CHANGE_ERROR with *refused set (refused may be NULL otherwise). */
store_change_result store_dossier_transition(store *st, const dossier_change *c,
                                             const handover_plan *h, store_tx_hook hook,
                                             void *hook_ctx, long long *side_id, bool *refused,
                                             char *err, size_t errlen);

/* The latest supplement request of a dossier: 1 and its source ("counter"/"department",
 * 16 bytes) and requested_at (the pause start), 0 when there is none, -1 on error. */
int store_supplement_latest(store *st, long long dossier_id, char source[16],
                            char requested_at[STORE_TIME_LEN]);

/* Inside the caller's write transaction (store_dossier_change_in_tx calls it for a change
 * with a payment): inserts the payments row of dossier_id, collected by actor at `at`.
 * 0, or -1 on missing fields or a store error (a second payment of a dossier is refused by
 * the schema); the caller then rolls back. (store_return.c) */
int store_payment_record_in_tx(store *st, long long dossier_id, const dossier_payment *p,
                               const char *actor, const char *at);

/* The dossier's lookup PIN, opened from its sealed copy (core/dossier.h dossier_pin_seal),
 * for printing Form 01 only; never put it in a JSON view. 1 and the PIN in pin_out, 0 (pin_out
 * "") when the dossier does not exist or was received before PINs were kept sealed, -1
 * (pin_out "") on a read error or a sealed value that does not open (altered, copied from
 * another dossier, or the meta 'pin_key' changed). */
int store_dossier_pin_reveal(store *st, const char *code, char pin_out[7]);

#endif
