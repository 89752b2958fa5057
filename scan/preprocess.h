/* Page preprocessing with Leptonica: orientation (Tesseract OSD, above a
 * confidence threshold), deskew, a binarised copy for OCR while the upright
 * original keeps its colour/gray for the archive, and blank-page detection that
 * ignores margins, specks and bleed-through. Blank pages are flagged, never dropped. */
#ifndef MOTCUA_SCAN_PREPROCESS_H
#define MOTCUA_SCAN_PREPROCESS_H

#include <leptonica/allheaders.h>
#include <stdbool.h>
#include <stddef.h>
#include <tesseract/capi.h>

typedef struct preprocess_options {
    double min_orientation_confidence; /* OSD confidence below this: no rotation (default 2.0) */
    double max_skew_degrees;           /* search range for deskew (default 10) */
    double blank_max_ink;              /* ink fraction under which a page is blank (default 0.002) */
    double margin_fraction;            /* border ignored by blank detection (default 0.06) */
} preprocess_options;

extern const preprocess_options preprocess_defaults;

typedef struct preprocess_result {
    PIX *upright;        /* the page turned upright and deskewed, original depth/colour */
    PIX *binary;         /* 1 bpp copy of upright, for OCR; NULL for a blank page */
    int rotation;        /* degrees clockwise applied: 0, 90, 180 or 270 */
    double orientation_confidence;
    double skew;         /* degrees corrected (positive: the page was turned clockwise) */
    bool blank;
    double ink;          /* foreground fraction inside the margins, after speck removal */
} preprocess_result;

/* Preprocesses page (not modified). osd: a TessBaseAPI initialised with the
 * "osd" language for orientation detection, or NULL to skip orientation.
 * Returns 0 and fills out (free with preprocess_result_clear), or -1 with err. */
int preprocess_page(PIX *page, TessBaseAPI *osd, const preprocess_options *opt,
                    preprocess_result *out, char *err, size_t errlen);

/* Blank detection alone, on any depth; sets *ink when not NULL. */
bool preprocess_is_blank(PIX *page, const preprocess_options *opt, double *ink);

/* The same on the page's 8 bpp gray (resolution set), for callers that have it already. */
bool preprocess_gray_is_blank(PIX *gray, const preprocess_options *opt, double *ink);

void preprocess_result_clear(preprocess_result *r);

#endif
