/* Import of page images from files: PNG, JPEG, TIFF (multi-page), PNM and PDF
 * (rasterised with poppler), checked against size, dimension and page-count
 * caps before any pixel is decoded. Untrusted bytes: runs in the OCR workers
 * (scan/ocr_worker.c), never in the web workers. */
#ifndef MOTCUA_SCAN_IMPORT_H
#define MOTCUA_SCAN_IMPORT_H

#include <leptonica/allheaders.h>
#include <stddef.h>

typedef enum import_kind {
    IMPORT_UNKNOWN = 0, IMPORT_PNG, IMPORT_JPEG, IMPORT_TIFF, IMPORT_PNM, IMPORT_PDF
} import_kind;

typedef struct import_limits {
    size_t max_file_bytes;   /* whole file */
    int max_side;            /* pixels, width or height of one page */
    long long max_pixels;    /* width * height of one page */
    int max_pages;           /* pages in one file */
    int pdf_dpi;             /* rasterisation resolution for PDF pages */
} import_limits;

/* 200 MB, 20000 px a side, 120 megapixels, 500 pages, PDF at 300 dpi. */
extern const import_limits import_default_limits;

/* The format from the first bytes (magic numbers), IMPORT_UNKNOWN if none. */
import_kind import_sniff(const unsigned char *head, size_t n);

/* Counts the pages of path after checking its size and format. Returns 0 and
 * *pages, or -1 with an English reason in err (unknown format, over a cap,
 * truncated or unreadable file). */
int import_page_count(const char *path, const import_limits *lim, int *pages, char *err, size_t errlen);

/* Decodes page `index` (0-based) of path into a new PIX (caller pixDestroy's)
 * with its resolution set (from the file, else 300 dpi). Checks the page's
 * dimensions from its header before decoding. NULL with a reason in err. */
PIX *import_page(const char *path, int index, const import_limits *lim, char *err, size_t errlen);

#endif
