/* Blank-page detection: the ink left inside the margins once the paper's tint
 * is normalised away, light marks (bleed-through from the other side) are
 * ignored by a dark threshold, and specks are removed by size. */
#include "preprocess.h"

/* After background normalisation the paper sits at 200 (Leptonica's default);
 * ink is what is darker than 55% of it. Bleed-through seen through the paper
 * is much lighter than that, printed or written ink much darker. */
enum { BLANK_INK_THRESHOLD = 110 };

/* A connected mark no larger than dpi / SPECK_PER_INCH in both directions is a
 * speck (dust, scanner noise): 10 px at 300 dpi, smaller than a letter. */
enum { SPECK_PER_INCH = 30 };

/* The inside of gray (8 bpp) without its margins; NULL when nothing is left. */
static PIX *blank_interior(PIX *gray, double margin_fraction)
{
    l_int32 w = pixGetWidth(gray), h = pixGetHeight(gray);
    if (margin_fraction < 0)
        margin_fraction = 0;
    l_int32 mx = (l_int32)(w * margin_fraction), my = (l_int32)(h * margin_fraction);
    if (w - 2 * mx <= 0 || h - 2 * my <= 0)
        return NULL;
    BOX *box = boxCreate(mx, my, w - 2 * mx, h - 2 * my);
    PIX *inside = box != NULL ? pixClipRectangle(gray, box, NULL) : NULL;
    boxDestroy(&box);
    return inside;
}

/* Marks are measured by their footprint, each grown by dpi / FOOTPRINT_PER_INCH
 * (12 px at 300 dpi): a single short line of thin text on an A4 page then
 * weighs like the band it occupies (~1% of the page), not like its few inked
 * pixels (under 0.1%), while a blank page's leftovers stay near zero. */
enum { FOOTPRINT_PER_INCH = 25 };

/* The ink (1 bpp) of an 8 bpp image, specks removed and marks grown to their
 * footprint. NULL when out of memory. */
static PIX *blank_ink(PIX *gray, int dpi)
{
    /* Normalisation needs a few tiles of background; a tiny image keeps its levels. */
    PIX *norm = pixBackgroundNormSimple(gray, NULL, NULL);
    PIX *dark = pixThresholdToBinary(norm != NULL ? norm : gray, BLANK_INK_THRESHOLD);
    pixDestroy(&norm);
    if (dark == NULL)
        return NULL;
    l_int32 speck = dpi / SPECK_PER_INCH;
    if (speck < 2)
        speck = 2;
    PIX *ink = pixSelectBySize(dark, speck, speck, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, NULL);
    pixDestroy(&dark);
    l_int32 grow = dpi / FOOTPRINT_PER_INCH;
    if (ink == NULL || grow < 2)
        return ink;
    PIX *footprint = pixDilateBrick(NULL, ink, grow, grow);
    pixDestroy(&ink);
    return footprint;
}

bool preprocess_gray_is_blank(PIX *gray, const preprocess_options *opt, double *ink)
{
    if (opt == NULL)
        opt = &preprocess_defaults;
    if (ink != NULL)
        *ink = 0;
    if (gray == NULL)
        return true;
    int dpi = pixGetXRes(gray) > 0 ? pixGetXRes(gray) : 300;
    PIX *inside = blank_interior(gray, opt->margin_fraction);
    if (inside == NULL)
        return true;
    PIX *marks = blank_ink(inside, dpi);
    double fraction = 0;
    l_int32 count = 0;
    if (marks != NULL && pixCountPixels(marks, &count, NULL) == 0)
        fraction = (double)count / ((double)pixGetWidth(inside) * (double)pixGetHeight(inside));
    else
        fraction = 1;   /* could not measure: never call an unknown page blank */
    pixDestroy(&marks);
    pixDestroy(&inside);
    if (ink != NULL)
        *ink = fraction;
    return fraction < opt->blank_max_ink;
}

bool preprocess_is_blank(PIX *page, const preprocess_options *opt, double *ink)
{
    if (ink != NULL)
        *ink = 0;
    if (page == NULL)
        return true;
    PIX *gray = pixConvertTo8(page, 0);
    if (gray == NULL) {
        if (ink != NULL)
            *ink = 1;
        return false; /* could not measure: never call an unknown page blank */
    }
    pixCopyResolution(gray, page);
    bool blank = preprocess_gray_is_blank(gray, opt, ink);
    pixDestroy(&gray);
    return blank;
}
