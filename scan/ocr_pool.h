/* The OCR pool: pre-started worker processes (motcua-scan-worker, exec'ed with
 * OMP_THREAD_LIMIT=1 in their environment), each holding warm Tesseract engines
 * (vie+eng, and osd), under rlimits, recycled after N pages; a page past its
 * deadline has its worker killed and replaced. A crashing or hanging page fails
 * that page only. Each page is imported, preprocessed and recognised in a
 * worker; the caller gets text, confidence, hOCR and a one-page searchable PDF. */
#ifndef MOTCUA_SCAN_OCR_POOL_H
#define MOTCUA_SCAN_OCR_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct ocr_pool_options {
    int workers;               /* processes; default: number of CPUs */
    int page_deadline_s;       /* default 120 */
    int recycle_after;         /* pages per worker before it is replaced; default 200 */
    size_t memory_limit_mb;    /* RLIMIT_AS of a worker; default 2048 */
    const char *worker_path;   /* motcua-scan-worker; default: beside the running binary */
    const char *languages;     /* default "vie+eng" */
    const char *tessdata;      /* NULL: motcua's folder made by ocr-models/link-tessdata near the
                                  worker (<bin>/../tessdata, <bin>/../share/motcua/tessdata) if
                                  there is one, else Tesseract's default */
} ocr_pool_options;

typedef struct ocr_page_job {
    const char *path;          /* image or PDF file */
    int index;                 /* page within the file, 0-based */
    const char *pdf_out;       /* write a one-page searchable PDF here, or NULL */
    const char *upright_out;   /* write the upright original as PNG here, or NULL */
} ocr_page_job;

typedef struct ocr_page_result {
    bool ok;
    char *error;               /* when !ok: English, for the log */
    char *error_vi;            /* when !ok: Vietnamese, for the officer, says what to do */
    int width, height, dpi;
    int rotation;              /* degrees applied to make the page upright */
    double skew;
    bool blank;
    double ink;
    double mean_confidence;    /* Tesseract mean word confidence, 0..100 */
    char *text;                /* UTF-8 */
    char *hocr;
} ocr_page_result;

typedef struct ocr_pool ocr_pool;

/* Starts the workers (they load their engines before the first page). NULL
 * with a reason in err when no worker could start. Workers inherit this
 * process's environment (plus OMP_THREAD_LIMIT=1) as it is now, and write their
 * log lines to this process's stderr (fd 2). Children are reaped with
 * waitpid(pid): a SIGCHLD handler that reaps every child only loses exit statuses. */
ocr_pool *ocr_pool_start(const ocr_pool_options *opt, char *err, size_t errlen);

/* Counts the pages of an untrusted file inside a worker. 0, or -1 with err. */
int ocr_pool_count_pages(ocr_pool *pool, const char *path, int *pages, char *err, size_t errlen);

/* Processes every job across the workers; results[i] belongs to jobs[i] (it
 * need not be initialised: it is overwritten) and must be released with
 * ocr_page_result_clear. progress (may be NULL) is called after each finished
 * page. Returns the number of pages that failed. (ocr_pool_run_each with a
 * callback that counts.) */
size_t ocr_pool_run(ocr_pool *pool, const ocr_page_job *jobs, size_t n, ocr_page_result *results,
                    void (*progress)(void *ctx, size_t done, size_t total), void *ctx);

/* Told by ocr_pool_run_each that jobs[index] is finished: r is &results[index], final
 * (recognised, refused, crashed, past its deadline, or no worker could run it). The
 * callee may read r, take its strings or clear it: the pool does not look at it again.
 * Returns true to go on, false to stop the run. It must not call the pool. */
typedef bool (*ocr_page_done_fn)(void *ctx, size_t index, ocr_page_result *r);

/* As ocr_pool_run, with every job submitted at once (every worker busy while pages
 * remain), and done (may be NULL) called once per page the moment it is finished, in the
 * order pages finish (not jobs order), from this thread. Failed pages are reported too.
 * When done returns false no further page is started; the pages already in a worker
 * finish and are reported (done's answer for them is ignored); the pages never started
 * fail ("not run") and are not reported. Returns the number of pages that failed, those
 * not run included. n == 0 does nothing. */
size_t ocr_pool_run_each(ocr_pool *pool, const ocr_page_job *jobs, size_t n, ocr_page_result *results,
                         ocr_page_done_fn done, void *ctx);

/* The process ids of the workers alive now (started or starting), at most max of
 * them into pids; returns how many. For status pages and tests. */
size_t ocr_pool_worker_pids(const ocr_pool *pool, pid_t *pids, size_t max);

/* Stops the workers; ocr_pool_stop(NULL) is a no-op. */
void ocr_pool_stop(ocr_pool *pool);

void ocr_page_result_clear(ocr_page_result *r);

/* True for "name" or "name+name...", names of lowercase letters, digits and '_' (vie, eng,
 * chi_sim), each at most 32 long: what Tesseract takes as languages, and nothing that
 * reaches a path or a shell. */
bool ocr_languages_valid(const char *languages);

#endif
