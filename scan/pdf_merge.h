/* Merging per-page PDFs (the OCR workers' searchable pages) into one dossier.pdf with qpdf. */
#ifndef MOTCUA_SCAN_PDF_MERGE_H
#define MOTCUA_SCAN_PDF_MERGE_H

#include <stddef.h>

/* Writes out_path as the pages of inputs[0..n) in order (every page of each
 * input), durably: a temporary file beside out_path, fsync, rename, fsync of the
 * folder; mode 0640. Any number of inputs: they are merged in groups so that
 * open files stay few. Returns 0, or -1 with an English reason in err (n == 0,
 * an input missing or not a PDF, a write error); on error out_path is left as
 * it was and no temporary file remains. */
int pdf_merge(const char *const *inputs, size_t n, const char *out_path, char *err, size_t errlen);

#endif
