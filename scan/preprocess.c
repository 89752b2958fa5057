/* Page preprocessing: blank check, orientation from Tesseract OSD (applied only
 * above a confidence threshold), deskew by Leptonica's skew search, and the
 * binarised (Otsu) copy handed to OCR, red seals removed from it on colour scans; the
 * upright page keeps its depth and colour. A blank
 * page is only flagged: it is neither turned, straightened nor binarised. */
#include "preprocess.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const preprocess_options preprocess_defaults = {
    .min_orientation_confidence = 2.0,
    .max_skew_degrees = 10.0,
    .blank_max_ink = 0.002,
    .margin_fraction = 0.06,
};

/* Skew search results below this confidence are noise (Leptonica's own
 * pixDeskew threshold), and angles under the minimum are not worth the blur. */
static const float SKEW_MIN_CONFIDENCE = 3.0f;
static const double SKEW_MIN_DEGREES = 0.1;

static int preprocess_dpi(PIX *pix)
{
    return pixGetXRes(pix) > 0 ? pixGetXRes(pix) : 300;
}

/* The global Otsu threshold of an 8 bpp gray, the rule Tesseract applies to a
 * gray page, from a histogram of every second pixel each way (a quarter of the
 * pixels: the same threshold within a level or two, at a quarter of the cost).
 * Measured on generated pages (noise 0.3, tinted, 300 dpi, Tesseract vie) against
 * Sauvola (k 0.34, window 51 px) and gray input: CER 2.5/19.0/6.1 % for Otsu,
 * 2.7/19.6/7.1 % for Sauvola, 2.6/18.6/6.2 % for gray, and Otsu costs a fifth of
 * Sauvola's time. -1 when the histogram cannot be made. */
static int preprocess_otsu_threshold(PIX *gray)
{
    l_int32 threshold = 0;
    if (pixSplitDistributionFgBg(gray, 0.0f, 2, &threshold, NULL, NULL, NULL) != 0)
        return -1;
    return threshold;
}

/* A new 1 bpp image of gray (1 = ink: darker than threshold), with its resolution.
 * NULL when out of memory. */
static PIX *preprocess_binarize(PIX *gray, int threshold)
{
    PIX *bin = pixThresholdToBinary(gray, threshold);
    if (bin != NULL)
        pixCopyResolution(bin, gray);
    return bin;
}

/* A red mark at least this many inches across both ways is a seal or a "BẢN SAO" frame
 * (their rings and frames are 0.5-1.5 in), not a red letter of a printed title. */
static const double STAMP_MIN_INCHES = 0.33;

/* Gaps in a seal's ring up to dpi / SEAL_JOIN_PER_INCH (10 px at 300 dpi) are bridged. */
enum { SEAL_JOIN_PER_INCH = 30 };

/* Removes red seals from binary (1 bpp, the OCR copy of color, same size): the ink that is
 * dark in luminance but light in the red channel (red ink: black and blue ink are dark in
 * both) inside the bounding box of a large red mark. Seals sit on the signature block, and
 * Tesseract took the block for a picture and dropped its text (place, date, title and name
 * of the signer); black ink under a seal stays, as do red titles away from one. 0, or -1
 * when out of memory (binary is then unchanged). */
static int preprocess_drop_seals(PIX *binary, PIX *color)
{
    int dpi = preprocess_dpi(color);
    int rc = -1;
    BOXA *seals = NULL;
    PIX *red_ink = NULL, *large = NULL, *inside = NULL;
    PIX *red = pixGetRGBComponent(color, COLOR_RED);
    int threshold = red != NULL ? preprocess_otsu_threshold(red) : -1;
    PIX *dark_in_red = threshold >= 0 ? pixThresholdToBinary(red, threshold) : NULL;
    if (dark_in_red == NULL || (red_ink = pixSubtract(NULL, binary, dark_in_red)) == NULL)
        goto done;
    /* Black text over a seal cuts its rings into arcs; grown by a stroke's gap they join again. */
    l_int32 min_side = (l_int32)(dpi * STAMP_MIN_INCHES), join = dpi / SEAL_JOIN_PER_INCH;
    PIX *joined = pixDilateBrick(NULL, red_ink, join > 1 ? join : 1, join > 1 ? join : 1);
    large = joined != NULL ? pixSelectBySize(joined, min_side, min_side, 8, L_SELECT_IF_BOTH,
                                             L_SELECT_IF_GTE, NULL)
                           : NULL;
    pixDestroy(&joined);
    if (large == NULL || (seals = pixConnCompBB(large, 8)) == NULL)
        goto done;
    rc = 0;
    if (boxaGetCount(seals) == 0)
        goto done;
    inside = pixCreateTemplate(binary);
    if (inside == NULL || pixMaskBoxa(inside, inside, seals, L_SET_PIXELS) == NULL) {
        rc = -1;
        goto done;
    }
    pixAnd(inside, inside, red_ink);
    pixSubtract(binary, binary, inside);
done:
    boxaDestroy(&seals);
    pixDestroy(&inside);
    pixDestroy(&large);
    pixDestroy(&red_ink);
    pixDestroy(&dark_in_red);
    pixDestroy(&red);
    return rc;
}

/* Clockwise degrees (0, 90, 180, 270) that make binary upright, with OSD's
 * confidence; 0 and confidence 0 when OSD finds too little text. */
static int preprocess_orientation(TessBaseAPI *osd, PIX *binary, double *conf)
{
    int deg = 0;
    float oconf = 0, sconf = 0;
    const char *script = NULL;
    TessBaseAPISetImage2(osd, binary);
    TessBaseAPISetSourceResolution(osd, preprocess_dpi(binary));
    BOOL ok = TessBaseAPIDetectOrientationScript(osd, &deg, &oconf, &script, &sconf);
    TessBaseAPIClear(osd);
    if (!ok || deg % 90 != 0 || deg < 0 || deg >= 360) {
        *conf = 0;
        return 0;
    }
    *conf = oconf;
    /* OSD reports how far the page is turned clockwise (a page fed a quarter
     * turn clockwise gives 90); what makes it upright is the rest of the turn. */
    return (360 - deg) % 360;
}

/* Leptonica's skew of binary: degrees to rotate clockwise to deskew it, 0 when
 * the search is not confident. */
static double preprocess_find_skew(PIX *binary, double max_degrees)
{
    int dpi = preprocess_dpi(binary);
    l_int32 redsweep = dpi >= 250 ? 4 : dpi >= 120 ? 2 : 1;
    l_int32 redsearch = redsweep > 1 ? redsweep / 2 : 1;
    l_float32 angle = 0, conf = 0;
    if (max_degrees <= 0)
        return 0;
    if (pixFindSkewSweepAndSearch(binary, &angle, &conf, redsweep, redsearch, (l_float32)max_degrees,
                                  1.0f, 0.01f) != 0)
        return 0;
    if (conf < SKEW_MIN_CONFIDENCE || fabs(angle) < SKEW_MIN_DEGREES || fabs(angle) > max_degrees)
        return 0;
    return angle;
}

/* Replaces *pix by next (which may be NULL on failure: then returns -1). */
static int preprocess_swap(PIX **pix, PIX *next)
{
    if (next == NULL)
        return -1;
    pixDestroy(pix);
    *pix = next;
    return 0;
}

int preprocess_page(PIX *page, TessBaseAPI *osd, const preprocess_options *opt,
                    preprocess_result *out, char *err, size_t errlen)
{
    if (out == NULL || page == NULL) {
        snprintf(err, errlen, "preprocess_page: missing page");
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (opt == NULL)
        opt = &preprocess_defaults;
    PIX *gray = pixConvertTo8(page, 0); /* blank check and threshold share it */
    PIX *work = NULL;                   /* becomes the upright page */
    PIX *detect = NULL;                 /* binary of work: orientation and skew are found on it */
    if (gray == NULL)
        goto oom;
    pixCopyResolution(gray, page);
    if (pixGetXRes(gray) <= 0)
        pixSetResolution(gray, 300, 300);
    out->blank = preprocess_gray_is_blank(gray, opt, &out->ink);
    /* A blank page has no text to orient, lines to straighten or read: it stays as it is. */
    if (out->blank) {
        pixDestroy(&gray);
        if ((out->upright = pixCopy(NULL, page)) == NULL)
            goto oom;
        if (pixGetXRes(out->upright) <= 0)
            pixSetResolution(out->upright, 300, 300);
        return 0;
    }
    int threshold = preprocess_otsu_threshold(gray);
    if (threshold < 0 || (detect = preprocess_binarize(gray, threshold)) == NULL)
        goto oom;
    pixDestroy(&gray);
    work = pixClone(page);
    if (osd != NULL) {
        int deg = preprocess_orientation(osd, detect, &out->orientation_confidence);
        if (deg != 0 && out->orientation_confidence >= opt->min_orientation_confidence) {
            if (preprocess_swap(&work, pixRotateOrth(work, deg / 90)) != 0 ||
                preprocess_swap(&detect, pixRotateOrth(detect, deg / 90)) != 0)
                goto oom;
            out->rotation = deg;
        }
    }
    double angle = preprocess_find_skew(detect, opt->max_skew_degrees);
    if (angle != 0) {
        PIX *straight = pixRotate(work, (l_float32)(angle * M_PI / 180.0), L_ROTATE_AREA_MAP,
                                  L_BRING_IN_WHITE, 0, 0);
        if (preprocess_swap(&work, straight) != 0)
            goto oom;
        out->skew = -angle;
    }
    /* Untouched, work still shares the caller's pixels: the result gets its own. */
    if (out->rotation == 0 && out->skew == 0 && preprocess_swap(&work, pixCopy(NULL, page)) != 0)
        goto oom;
    if (pixGetXRes(work) <= 0)
        pixSetResolution(work, 300, 300);
    out->upright = work;
    work = NULL;
    /* The binary found before deskewing still matches the upright page unless it was
     * deskewed: then the straightened page is thresholded again at the same level. */
    if (angle == 0) {
        out->binary = detect;
        detect = NULL;
    } else {
        pixDestroy(&detect);
        gray = pixConvertTo8(out->upright, 0);
        out->binary = gray != NULL ? preprocess_binarize(gray, threshold) : NULL;
        pixDestroy(&gray);
    }
    if (out->binary == NULL)
        goto oom;
    pixCopyResolution(out->binary, out->upright);
    if (pixGetDepth(out->upright) == 32 && preprocess_drop_seals(out->binary, out->upright) != 0)
        goto oom;
    return 0;
oom:
    pixDestroy(&gray);
    pixDestroy(&detect);
    pixDestroy(&work);
    preprocess_result_clear(out);
    snprintf(err, errlen, "preprocess_page: out of memory for a %dx%d page", pixGetWidth(page),
             pixGetHeight(page));
    return -1;
}

void preprocess_result_clear(preprocess_result *r)
{
    if (r == NULL)
        return;
    pixDestroy(&r->upright);
    pixDestroy(&r->binary);
    memset(r, 0, sizeof *r);
}
