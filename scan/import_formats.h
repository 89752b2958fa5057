/* Internal to import.c: the readers for multi-page formats (TIFF structure walk,
 * PDF through poppler). Each takes a path already sniffed and size-checked and
 * writes an English reason naming the page and the file on error. */
#ifndef MOTCUA_SCAN_IMPORT_FORMATS_H
#define MOTCUA_SCAN_IMPORT_FORMATS_H

#include <stddef.h>

#include "import.h"

/* One TIFF page as its directory declares it. */
typedef struct import_tiff_page {
    long long width, height;
    int truncated;           /* a directory entry or image data lies past the end of the file */
} import_tiff_page;

/* Walks the TIFF directory chain of path (classic and BigTIFF) without
 * decoding pixels. Fills *pages (at most lim->max_pages are accepted) and, when
 * info is not NULL and info_index >= 0, *info with page info_index's
 * declared size. 0, or -1 with err (damaged header, loop, too many pages,
 * a directory past the end of the file). */
int import_tiff_walk(const char *path, const char *name, const import_limits *lim, int *pages,
                     int info_index, import_tiff_page *info, char *err, size_t errlen);

/* Counts the pages of a PDF (poppler), refusing more than lim->max_pages.
 * 0, or -1 with err (damaged, encrypted). */
int import_pdf_count(const char *path, const char *name, const import_limits *lim, int *pages,
                     char *err, size_t errlen);

/* Renders page index of a PDF at lim->pdf_dpi into a new 32 bpp PIX, after
 * checking the page's pixel size against the caps. NULL with err. */
PIX *import_pdf_page(const char *path, const char *name, int index, const import_limits *lim,
                     char *err, size_t errlen);

/* Checks a page's declared size against max_side and max_pixels. 0, or -1 with
 * err naming page (1-based) and name. */
int import_check_dimensions(long long w, long long h, int page, const char *name,
                            const import_limits *lim, char *err, size_t errlen);

#endif
