/* The store's scanner half: motcua-scand's job queue (queue, atomic claim, heartbeat,
 * take-back of jobs whose claimer died, finish), the per-page results written as each page
 * is recognised, the classification and completeness verdict, and the officer's override.
 * All SQL of the scanner service lives here (schema: store_schema_scan.c). */
#ifndef MOTCUA_STORE_SCAN_H
#define MOTCUA_STORE_SCAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "store_dossiers.h"

/* A claimed job, as motcua-scand works on it. */
typedef struct scan_job {
    long long id;
    long long dossier_id;
    char code[DOSSIER_CODE_MAX];
    char procedure_code[64];
    char procedure_digest[65];
    char kind[8];            /* "import" | "capture" */
    char station[64];        /* capture: the station name and its SANE device; "" otherwise */
    char device[128];
    char source[16];         /* capture: "adf" | "flatbed" | "" (the capture default) */
    char phase[16];          /* "" (never started), "capture", "ocr", "classify" */
    char created_by[64];
    int attempts;            /* counting this claim */
} scan_job;

/* What a job request names (strings borrowed; NULL station/device/source for an import). */
typedef struct scan_job_request {
    const char *code;
    const char *kind;        /* "import" | "capture" */
    const char *station, *device, *source;
    const char *actor;       /* the officer, or "system" */
} scan_job_request;

/* Queues a job for the dossier code (a capture with the audit event "scan.queue"; an import
 * follows an audited upload or override and adds no event of its own). An import is not
 * queued twice: when an import job of the dossier is already queued, its id is given back
 * and *created (may be NULL) is false. Returns STORE_CHANGE_OK with *job_id,
 * STORE_CHANGE_NOT_FOUND (no such dossier), or STORE_CHANGE_ERROR; nothing is written
 * unless OK. */
store_change_result store_scan_queue(store *st, const scan_job_request *rq, long long *job_id,
                                     bool *created);

/* Claims the oldest queued job whose dossier has no running job, atomically (BEGIN
 * IMMEDIATE): state running, claimed_by = pid on host, heartbeat now, attempts + 1.
 * Returns 1 and *job, 0 when there is nothing to claim, -1 on a store error (nothing
 * claimed). Two processes never claim the same job. */
int store_scan_claim(store *st, int pid, const char *host, scan_job *job);

/* Refreshes the heartbeat of a job this process (pid) holds. 1 still ours, 0 the job is
 * no longer ours (taken back: stop working on it), -1 on a store error. */
int store_scan_heartbeat(store *st, long long job_id, int pid);

/* Sets the phase of a job this process holds (and its heartbeat). 1, 0 not ours, -1. */
int store_scan_set_phase(store *st, long long job_id, int pid, const char *phase);

/* Takes back running jobs whose claimer is gone: claimed on `host` by a pid for which
 * alive(pid) is false, or by self_pid itself (a process never holds a job while it takes
 * jobs back), or with a heartbeat older than stale_after_s seconds on any host. Each goes
 * back to queued (claim cleared; pages already recognised stay), or to failed with a
 * Vietnamese error once attempts >= max_attempts. Counts go to *requeued and *failed (may
 * be NULL). 0, or -1 on a store error (nothing changed). */
int store_scan_reclaim(store *st, const char *host, int self_pid, int stale_after_s,
                       int max_attempts, bool (*alive)(int pid), int *requeued, int *failed);

/* Gives a job this process holds back to the queue without counting the attempt (a
 * graceful stop). 1, 0 not ours, -1. */
int store_scan_release(store *st, long long job_id, int pid);

/* Ends a job this process holds: done (ok) or failed, with an optional English error and
 * Vietnamese error_vi (a done job may carry them: e.g. a capture stopped by a jam). The job
 * row is the record (the audit log keeps the people's actions: queueing, overrides, pages
 * captured). 1, 0 not ours (nothing written), -1. */
int store_scan_finish(store *st, long long job_id, int pid, bool ok, const char *error,
                      const char *error_vi);

/* Adds the pages captured so far to the job's pages_captured (1 page per call). 1, 0, -1. */
int store_scan_captured(store *st, long long job_id, int pid);

/* The dossier's uploaded pages (pages rows) that have no scan_pages row yet, in upload
 * order: a JSON array of {"id","seq","path","content_type"}. 0 and *out, or -1. */
int store_scan_unregistered(store *st, long long dossier_id, json_t **out);

/* Registers upload page_id (file: its path under files_dir) of the dossier as n_pages pages
 * (page_index 0..n-1) with the next ordinals, for job job_id held by pid; with error (n_pages
 * is then taken as 1) the one page is registered as failed with error/error_vi. Updates the
 * job's pages_total. 1, 0 job not ours (nothing written), -1. Registering the same upload
 * twice fails (-1) and changes nothing. */
int store_scan_register(store *st, long long job_id, int pid, long long dossier_id,
                        long long page_id, const char *file, int n_pages, const char *error,
                        const char *error_vi);

/* Up to limit pending pages of the dossier, in order: a JSON array of
 * {"id","ordinal","file","page_index"}. 0 and *out, or -1. */
int store_scan_pending(store *st, long long dossier_id, int limit, json_t **out);

/* One recognised (or failed) page. */
typedef struct scan_page_outcome {
    bool ok;
    bool blank;
    int rotation;
    double skew, ocr_confidence;
    const char *text_path;    /* under files_dir, or NULL */
    const char *error, *error_vi;
} scan_page_outcome;

/* Writes page scan_page_id's result for job job_id held by pid, and the job's progress,
 * in one transaction. Only a pending page is written: 1 written, 0 not written (the page is
 * no longer pending, or the job is no longer ours), -1 on a store error. */
int store_scan_page_result(store *st, long long job_id, int pid, long long scan_page_id,
                           const scan_page_outcome *o);

/* Every scan page of the dossier in order: a JSON array of objects with id, ordinal,
 * page_id, page_index, upload_seq, file, state, document, override_document, override_by,
 * override_at, blank (bool), rotation, skew, confidence, ocr_confidence, continuation
 * (bool), text_path, error, error_vi, recognised_at. 0 and *out, or -1. */
int store_scan_pages(store *st, long long dossier_id, json_t **out);

/* One page's classification (scan/classify.h), by scan page id. */
typedef struct scan_page_class {
    long long id;
    const char *document;     /* NULL: none */
    double confidence;
    bool continuation;
} scan_page_class;

/* Stores the classification of n pages and the dossier's verdict (JSON text) in one
 * transaction, for job job_id held by pid. 1, 0 not ours (nothing written), -1. */
int store_scan_classified(store *st, long long job_id, int pid, long long dossier_id,
                          const scan_page_class *pages, size_t n, const char *verdict_json);

/* The officer's document for page `ordinal` of dossier code (document NULL: clear the
 * override, back to the classifier's), with who/when and the audit event "scan.override",
 * and an import job queued (if none is) so that motcua-scand recomputes completeness.
 * Returns STORE_CHANGE_OK, _NOT_FOUND (no such dossier or page), or _ERROR (nothing
 * written). *job_id (may be NULL) gets the queued job. */
store_change_result store_scan_override(store *st, const char *code, int ordinal,
                                        const char *document, const char *actor,
                                        long long *job_id);

/* The scanner's view of a dossier: {"pages":[store_scan_pages],"verdict":object|null,
 * "verdict_at":text|null,"job":the latest job|null,"jobs_active":n} where a job is
 * {"id","kind","state","phase","station","attempts","pages_captured","pages_recognised",
 * "pages_total","error","error_vi","created_at","started_at","finished_at"}. 0 and *out, or -1. */
int store_scan_status(store *st, long long dossier_id, json_t **out);

/* The state of job id: 1 and state (16 bytes), 0 none, -1. */
int store_scan_job_state(store *st, long long job_id, char state[16]);

#endif
