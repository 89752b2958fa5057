/* Capture of a batch from a scanner through SANE: one session per feeder
 * batch, options found by name and set by their type, ADF or flatbed, colour or
 * gray, at >= 200 dpi (300 by default); the batch ends on SANE_STATUS_NO_DOCS
 * from sane_start or sane_read; a jam, an open cover or a busy device ends it
 * with a clear error while keeping the pages already captured. sane_cancel always. */
#ifndef MOTCUA_SCAN_CAPTURE_H
#define MOTCUA_SCAN_CAPTURE_H

#include <stddef.h>

typedef enum capture_status {
    CAPTURE_OK = 0,        /* the feeder ran empty (or one flatbed page) */
    CAPTURE_JAMMED,
    CAPTURE_COVER_OPEN,
    CAPTURE_BUSY,
    CAPTURE_NO_DEVICE,     /* cannot open the device */
    CAPTURE_IO_ERROR,      /* anything else from SANE or writing the page */
    CAPTURE_INVALID        /* bad options (resolution < 200, unknown source...) */
} capture_status;

typedef struct capture_options {
    const char *device;    /* SANE device name, e.g. "test:0", "pnm:0" */
    const char *source;    /* "adf" or "flatbed" (default adf) */
    int resolution;        /* dpi, >= 200, default 300 */
    const char *mode;      /* "color" or "gray" (default gray) */
    const char *out_dir;   /* pages written as page-0001.png, ... */
    int max_pages;         /* stop after this many (0: no limit) */
    /* Added for the CLI and for tests (zero means "not used"): */
    int first_page;        /* number in the first file name (0: 1), to continue a batch */
    const char *const *device_options; /* backend options as text, set by their type:
                              "NAME=VALUE" once, after source, mode and resolution;
                              "N:NAME=VALUE" before page N of this batch (N >= 1),
                              e.g. the test backend's "4:read-return-value=SANE_STATUS_JAMMED" */
    size_t n_device_options;
} capture_options;

typedef struct capture_result {
    capture_status status;
    size_t pages;          /* pages written, also on error */
    char message_vi[256];  /* for the officer: what happened and what to do */
    char detail[256];      /* for the operator log, English */
} capture_result;

/* Captures one batch. progress (may be NULL) is called after each page with
 * the page's number (as in its file name, so from first_page) and its file. Returns 0 when status is CAPTURE_OK, -1 otherwise; in both
 * cases result->pages pages were written and stay. */
int capture_batch(const capture_options *opt, capture_result *result,
                  void (*progress)(void *ctx, size_t page, const char *file), void *ctx);

/* The status as a lowercase English word for logs and JSON: "ok", "jammed",
 * "cover_open", "busy", "no_device", "io_error", "invalid". */
const char *capture_status_name(capture_status status);

/* Calls each (ctx, name, vendor, model, type) for every device SANE finds (network
 * devices included, so it may take seconds). Returns the number of devices, or -1 with
 * an English reason in err. */
int capture_list_devices(void (*each)(void *ctx, const char *name, const char *vendor,
                                      const char *model, const char *type),
                         void *ctx, char *err, size_t errlen);

/* SANE is initialised once per process, on first use (SANE_CONFIG_DIR is read then);
 * this calls sane_exit on the way out. Harmless when SANE was never used; a later
 * capture initialises it again. Not while a capture runs in another thread. */
void capture_shutdown(void);

#endif
