/* One capture batch in a child process: `motcua-scan capture --progress json` exec'ed in a
 * process group of its own, each page handed on as the child reports it, and a deadline
 * between pages. A child that stalls (no page in time), crashes, ends without its summary
 * or must stop for a shutdown is killed with its whole group; the pages it wrote stay. The
 * calling process never loads SANE, so a hanging backend cannot hang it. */
#ifndef MOTCUA_SCAN_CAPTURE_CHILD_H
#define MOTCUA_SCAN_CAPTURE_CHILD_H

#include <signal.h>
#include <stddef.h>

#include "capture.h"

typedef struct capture_child_options {
    const char *program;       /* motcua-scan; NULL: the one beside the running program */
    const char *device;        /* SANE device name */
    const char *source;        /* "adf", "flatbed", or NULL for the capture default */
    const char *out_dir;       /* an existing folder; pages arrive as out_dir/page-NNNN.png */
    int page_timeout_s;        /* longest wait for the next page, the first one counted from
                                  the start; <= 0: 120 */
    volatile sig_atomic_t *stop; /* may be NULL; once non-zero the child is killed and the
                                  capture ends CAPTURE_CHILD_STOPPED */
} capture_child_options;

/* How the child's batch ended. */
typedef enum capture_child_end {
    CAPTURE_CHILD_FINISHED = 0, /* the child gave its summary: result->status is its status */
    CAPTURE_CHILD_STALLED,      /* no page within page_timeout_s: killed */
    CAPTURE_CHILD_CRASHED,      /* ended by a signal, or exited without a summary */
    CAPTURE_CHILD_STOPPED,      /* *stop was set: killed */
    CAPTURE_CHILD_NOT_STARTED   /* the program could not be run */
} capture_child_end;

/* Runs one batch in a child and waits for its end. progress (may be NULL) is called from
 * this thread for each page the moment the child reports it, with the page's number and
 * file (checked to be out_dir/page-NNNN.png), and for any page the child wrote but did not
 * report before it died (see capture_child_collect). result is filled in every case:
 * pages is the number of pages handed to progress; for an end other than FINISHED, status
 * is CAPTURE_IO_ERROR and message_vi / detail say what happened (the officer's words say
 * the pages scanned are kept). The environment (SANE_CONFIG_DIR...) is this process's.
 * Safe to call while holding an SQLite connection: the child execs at once. */
capture_child_end capture_child_run(const capture_child_options *opt, capture_result *result,
                                    void (*progress)(void *ctx, size_t page, const char *file),
                                    void *ctx);

/* Finishes a folder a capture child left behind once no child writes there any more: calls
 * progress for each out_dir/page-NNNN.png numbered above `after`, in order, and deletes the
 * temporary files of a page whose writing was cut short. Returns the number of pages handed
 * to progress. A missing folder has none. */
size_t capture_child_collect(const char *out_dir, size_t after,
                             void (*progress)(void *ctx, size_t page, const char *file), void *ctx);

#endif
