/* The store's late-lifecycle half: overdue detection and Form 04 apologies, the public lookup (with its failure throttle) and rating, supervision counts and the
 * Form 06 register. Same conventions as store_dossiers.h: times are "YYYY-MM-DD HH:MM"
 * Vietnam local text, every change runs in one transaction with its audit event. */
#ifndef MOTCUA_STORE_REPORTS_H
#define MOTCUA_STORE_REPORTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "store.h"
#include "store_dossiers.h"

/* ---- overdue and apologies (store_overdue.c) ---------------------------------------- */

/* Dossiers still being processed (accepted, transferred, processing) whose deadline
 * (due_at, else appointment_at) is at or before `horizon`; `now` splits them into
 * "missed" (deadline before now) and "at_risk". Supplement waits (supplement_requested)
 * and finished dossiers are left out: their clock is stopped. department NULL = all.
 * *out: JSON array, earliest deadline first, of {code, procedure, department, status,
 * applicant_name, received_at, appointment_at, due_at, kind, apology: null |
 * {number, reason, new_appointment_at, issued_at, signed_by}}; at most limit (1..5000)
 * rows. Returns 0, or -1 (then *out is NULL). */
int store_overdue_list(store *st, const char *now, const char *horizon, const char *department,
                       int limit, json_t **out);

typedef enum store_apology_result {
    STORE_APOLOGY_OK = 0,
    STORE_APOLOGY_ERROR = -1,    /* nothing written; reason in err */
    STORE_APOLOGY_NOT_FOUND = 1,
    STORE_APOLOGY_EXISTS = 2,    /* the dossier already has its one apology */
    STORE_APOLOGY_CLOSED = 3,    /* the dossier is in a terminal state */
    STORE_APOLOGY_STALE = 4      /* its appointment changed since the caller read it */
} store_apology_result;

/* A Form 04 apology of a department head. All strings required except late's reason. */
typedef struct dossier_apology {
    const char *code;
    const char *appointment_at;      /* the appointment the caller checked new_appointment_at against */
    const char *reason;
    const char *new_appointment_at;  /* "YYYY-MM-DD HH:MM" */
    const char *actor, *actor_name;  /* the signing head: username and full name */
    const char *at;                  /* issue time */
    bool late;                       /* issued after the appointment's day (kept in the audit event) */
} dossier_apology;

/* Records the apology (apologies.signed_by = the head's full name, or username when it has
 * none) and the audit event "dossier.apology" in one transaction, re-checking inside it that
 * the dossier is not terminal, has no apology yet and still has appointment_at. The
 * dossier's own appointment_at/due_at are left as they were: they stay the legal deadline on
 * which on-time counts are made; the new date is the apology's. *number gets the apology's
 * number (the N of "N/PXL"). */
store_apology_result store_apology_add(store *st, const dossier_apology *ap, long long *number,
                                       char *err, size_t errlen);

/* The apology of a dossier: 1 and *out ({number, reason, new_appointment_at, issued_at,
 * signed_by}, caller decrefs), 0 when it has none, -1 on error. */
int store_apology_get(store *st, long long dossier_id, json_t **out);

/* ---- public lookup and rating (store_lookup.c) ---------------------------------------- */

#define LOOKUP_WINDOW_SECONDS (15 * 60)
#define LOOKUP_MAX_FAILURES 10   /* failed code+PIN checks per client address in the window */

/* 0 when ip may try a lookup at now; otherwise the seconds (>= 1) until the oldest counted
 * failure leaves the window. -1 on a store error. ip NULL counts as "unknown". */
int store_lookup_throttle(store *st, const char *ip, time_t now);

/* Counts one failed check for ip at now, and forgets failures older than the window. 0 or -1. */
int store_lookup_failure(store *st, const char *ip, time_t now);

/* What the public may see of a dossier (call only after store_dossier_pin_check said 1):
 * {status, procedure, received_at, appointment_at, original_appointment_at, result_at,
 * returned_at, steps: [{action, at, step_index?}], rated} — nothing personal: no name, no
 * ID number, no note, no staff name. appointment_at is the apology's new date when there is
 * one. Returns 1 and *out, 0 when there is no such dossier, -1 on error. */
int store_lookup_public(store *st, const char *code, json_t **out);

typedef struct dossier_rating {
    int satisfaction, on_time, attitude;  /* 1..5 */
    int visits;                            /* >= 1 */
    const char *comment;                   /* may be NULL */
    const char *at;
} dossier_rating;

typedef enum store_rating_result {
    STORE_RATING_OK = 0,
    STORE_RATING_ERROR = -1,
    STORE_RATING_NOT_FOUND = 1,
    STORE_RATING_NOT_RETURNED = 2,  /* only a returned dossier may be rated */
    STORE_RATING_EXISTS = 3         /* already rated: once per dossier */
} store_rating_result;

/* Records the rating and the audit event "dossier.rating" (actor "public") in one
 * transaction, checking status and uniqueness inside it. */
store_rating_result store_rating_add(store *st, const char *code, const dossier_rating *r);

/* ---- supervision (store_stats.c) ------------------------------------------------------ */

/* Counts over the dossiers received on days from..to (inclusive, "YYYY-MM-DD"), `now`
 * deciding what is overdue. *out: {totals: C, departments: [{department, ...C}],
 * procedures: [{procedure, department, ...C}]} where C = {received, accepted, refused,
 * withdrawn, stopped, in_progress, supplement_waiting, with_supplement, supplement_requests,
 * finished, on_time, late, overdue_now, returned, apologies, ratings, satisfaction_sum,
 * on_time_rating_sum, attitude_sum}. Rates are the caller's. 0 or -1. */
int store_stats(store *st, const char *from, const char *to, const char *now, json_t **out);

/* The Form 06 register lines of the dossiers received on days from..to that were accepted
 * (have an appointment), in receipt order: [{dossier_code, procedure, sets, applicant_name,
 * applicant_address, applicant_phone, lead_agency, status, received_at, appointment_at,
 * transferred_at, result_at, returned_at, new_appointment_at}] (absent times are null).
 * At most limit rows: *truncated tells whether there were more. 0 or -1. */
int store_register(store *st, const char *from, const char *to, int limit, json_t **out,
                   bool *truncated);

#endif
