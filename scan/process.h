/* Processing a dossier's images end to end (motcua-scan process, motcua-scand):
 * pages counted and OCRed in the pool, classified, completeness checked, and
 * the outputs written into out_dir:
 *   result.json  {"pages":[{"file","page","document"(id|null),"blank","rotation","skew",
 *                 "confidence","ocr_confidence","continuation","error"}],
 *                 "present":[ids],"missing":[ids],"complete":bool, ...}
 *   text/<image-stem>.txt (multi-page sources: <stem>-<n>.txt)
 *   dossier.pdf  searchable, pages in order
 * Files are written to a temp name, fsynced and renamed. */
#ifndef MOTCUA_SCAN_PROCESS_H
#define MOTCUA_SCAN_PROCESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "catalogue.h"
#include "ocr_pool.h"

typedef struct scan_process_options {
    const cat_version *version;  /* the procedure's rules (documents to classify into) */
    const char *out_dir;
    bool write_pdf;              /* dossier.pdf (default true in the CLI) */
    /* progress: phase "count" / "ocr" / "pdf", done of total pages */
    void (*progress)(void *ctx, const char *phase, size_t done, size_t total);
    void *progress_ctx;
} scan_process_options;

/* Processes files in order. Returns 0 and *result (the result.json object, new
 * reference) when the outputs are written — individual pages may have failed
 * (their "error" says why) —, or -1 with a reason in err. */
int scan_process(ocr_pool *pool, const scan_process_options *opt, const char *const *files,
                 size_t n, json_t **result, char *err, size_t errlen);

#endif
