/* PDF pages rasterised with poppler-glib into a cairo image surface, then
 * copied into a 32 bpp Leptonica PIX; page sizes are checked against the caps
 * before any rendering. */
#include "import_formats.h"

#include <cairo.h>
#include <glib.h>
#include <math.h>
#include <poppler.h>
#include <stdint.h>
#include <stdio.h>

/* Opens path with poppler. NULL with err (damaged, encrypted, unreadable). */
static PopplerDocument *pdf_open(const char *path, const char *name, char *err, size_t errlen)
{
    gchar *abs = g_canonicalize_filename(path, NULL);
    GError *gerr = NULL;
    gchar *uri = g_filename_to_uri(abs, NULL, &gerr);
    PopplerDocument *doc = NULL;
    if (uri != NULL)
        doc = poppler_document_new_from_file(uri, NULL, &gerr);
    if (doc == NULL) {
        if (gerr != NULL && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
            snprintf(err, errlen, "%s is password-protected", name);
        else
            snprintf(err, errlen, "%s is not a readable PDF (%s)", name,
                     gerr != NULL ? gerr->message : "unknown error");
    }
    if (gerr != NULL)
        g_error_free(gerr);
    g_free(uri);
    g_free(abs);
    return doc;
}

int import_pdf_count(const char *path, const char *name, const import_limits *lim, int *pages,
                     char *err, size_t errlen)
{
    PopplerDocument *doc = pdf_open(path, name, err, errlen);
    if (doc == NULL)
        return -1;
    int n = poppler_document_get_n_pages(doc);
    g_object_unref(doc);
    if (n <= 0) {
        snprintf(err, errlen, "%s has no pages", name);
        return -1;
    }
    if (n > lim->max_pages) {
        snprintf(err, errlen, "%s has %d pages, more than the limit of %d", name, n, lim->max_pages);
        return -1;
    }
    *pages = n;
    return 0;
}

/* Copies a CAIRO_FORMAT_RGB24 surface into a new 32 bpp PIX. NULL when out of memory. */
static PIX *pdf_pix_from_surface(cairo_surface_t *s, int dpi)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    PIX *pix = pixCreate(w, h, 32);
    if (pix == NULL)
        return NULL;
    cairo_surface_flush(s);
    const unsigned char *src = cairo_image_surface_get_data(s);
    l_uint32 *dst = pixGetData(pix);
    int wpl = pixGetWpl(pix);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(src + (size_t)y * (size_t)stride);
        l_uint32 *out = dst + (size_t)y * (size_t)wpl;
        /* cairo: 0x00RRGGBB in a native word; Leptonica: 0xRRGGBB00. */
        for (int x = 0; x < w; x++)
            out[x] = (l_uint32)row[x] << 8;
    }
    pixSetResolution(pix, dpi, dpi);
    return pix;
}

PIX *import_pdf_page(const char *path, const char *name, int index, const import_limits *lim,
                     char *err, size_t errlen)
{
    PopplerDocument *doc = pdf_open(path, name, err, errlen);
    if (doc == NULL)
        return NULL;
    PIX *pix = NULL;
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    int n = poppler_document_get_n_pages(doc);
    PopplerPage *page = index >= 0 && index < n ? poppler_document_get_page(doc, index) : NULL;
    if (page == NULL) {
        snprintf(err, errlen, "page %d of %s does not exist (the file has %d)", index + 1, name, n);
        goto out;
    }
    double wpt = 0, hpt = 0, scale = lim->pdf_dpi / 72.0;
    poppler_page_get_size(page, &wpt, &hpt);
    if (!(wpt > 0 && hpt > 0) || !isfinite(wpt) || !isfinite(hpt)) {
        snprintf(err, errlen, "page %d of %s has no usable size", index + 1, name);
        goto out;
    }
    double wpx = ceil(wpt * scale - 0.01), hpx = ceil(hpt * scale - 0.01);
    /* Clamp before the conversion to integers: a page can declare any size. */
    long long w = wpx > 1e9 ? 1000000000LL : (long long)wpx, h = hpx > 1e9 ? 1000000000LL : (long long)hpx;
    if (import_check_dimensions(w, h, index + 1, name, lim, err, errlen) != 0)
        goto out;
    surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "page %d of %s: cannot allocate a %lldx%lld image", index + 1, name, w, h);
        goto out;
    }
    cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    poppler_page_render(page, cr);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "page %d of %s cannot be rendered (%s)", index + 1, name,
                 cairo_status_to_string(cairo_status(cr)));
        goto out;
    }
    pix = pdf_pix_from_surface(surface, lim->pdf_dpi);
    if (pix == NULL)
        snprintf(err, errlen, "page %d of %s: out of memory", index + 1, name);
out:
    if (cr != NULL)
        cairo_destroy(cr);
    if (surface != NULL)
        cairo_surface_destroy(surface);
    if (page != NULL)
        g_object_unref(page);
    g_object_unref(doc);
    return pix;
}
