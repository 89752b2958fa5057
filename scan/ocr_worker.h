/* The OCR worker process (motcua-scan-worker): warm Tesseract engines answering
 * the pool's requests (ocr_protocol.h) on its stdin/stdout. Untrusted image
 * bytes are decoded here only, under the rlimits the pool set before exec. */
#ifndef MOTCUA_SCAN_OCR_WORKER_H
#define MOTCUA_SCAN_OCR_WORKER_H

/* Test-only triggers, read once at start from the worker's environment; the
 * pool never sets them (it passes its own environment through, so a test sets
 * them in its process before ocr_pool_start). When a "page" request's path
 * contains the value, the worker crashes (SIGSEGV) or sleeps for an hour. */
#define OCR_WORKER_CRASH_ENV "MOTCUA_SCAN_WORKER_CRASH_ON"
#define OCR_WORKER_SLEEP_ENV "MOTCUA_SCAN_WORKER_SLEEP_ON"

typedef struct ocr_worker_options {
    const char *languages;   /* Tesseract languages, e.g. "vie+eng" */
    const char *tessdata;    /* NULL: Tesseract's default */
} ocr_worker_options;

/* Runs the worker on the protocol fds in_fd/out_fd: loads the engines, sends
 * "ready" (or "fatal" and returns 1), then answers requests until "quit" (returns
 * 0) or end of input (returns 0) or a protocol error (returns 1). A failing page
 * is answered with ok:false; it never ends the loop. */
int ocr_worker_serve(const ocr_worker_options *opt, int in_fd, int out_fd);

#endif
