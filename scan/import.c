/* Import of page images from files: format sniffed from the magic bytes, the
 * file size and every page's declared dimensions checked against the caps
 * before decoding; single-image formats (PNG, JPEG, PNM) here, TIFF and PDF in
 * import_tiff.c and import_pdf.c. */
#include "import.h"
#include "import_formats.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const import_limits import_default_limits = {
    .max_file_bytes = 200u * 1024u * 1024u,
    .max_side = 20000,
    .max_pixels = 120000000LL,
    .max_pages = 500,
    .pdf_dpi = 300,
};

/* Resolution assumed when a file declares none, or one no scanner produces. */
enum { IMPORT_DEFAULT_DPI = 300, IMPORT_MIN_DPI = 70, IMPORT_MAX_DPI = 2400 };
/* Bytes read for sniffing; a PDF header may follow up to 1 KB of junk. */
enum { IMPORT_HEAD_BYTES = 1024 };

import_kind import_sniff(const unsigned char *head, size_t n)
{
    if (head == NULL)
        return IMPORT_UNKNOWN;
    if (n >= 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0)
        return IMPORT_PNG;
    if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
        return IMPORT_JPEG;
    if (n >= 4 && (memcmp(head, "II*\0", 4) == 0 || memcmp(head, "MM\0*", 4) == 0 ||
                   memcmp(head, "II+\0", 4) == 0 || memcmp(head, "MM\0+", 4) == 0))
        return IMPORT_TIFF;
    if (n >= 3 && head[0] == 'P' && head[1] >= '1' && head[1] <= '7' &&
        (head[2] == ' ' || head[2] == '\n' || head[2] == '\r' || head[2] == '\t'))
        return IMPORT_PNM;
    size_t lim = n < IMPORT_HEAD_BYTES ? n : IMPORT_HEAD_BYTES;
    for (size_t i = 0; i + 5 <= lim; i++) {
        if (memcmp(head + i, "%PDF-", 5) == 0)
            return IMPORT_PDF;
    }
    return IMPORT_UNKNOWN;
}

/* The last component of path, for messages. */
static const char *import_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

int import_check_dimensions(long long w, long long h, int page, const char *name,
                            const import_limits *lim, char *err, size_t errlen)
{
    if (w <= 0 || h <= 0) {
        snprintf(err, errlen, "page %d of %s declares no size", page, name);
        return -1;
    }
    if (w > lim->max_side || h > lim->max_side) {
        snprintf(err, errlen, "page %d of %s is %lldx%lld pixels, over the limit of %d a side",
                 page, name, w, h, lim->max_side);
        return -1;
    }
    if (w * h > lim->max_pixels) {
        snprintf(err, errlen, "page %d of %s is %lld pixels, over the limit of %lld",
                 page, name, w * h, lim->max_pixels);
        return -1;
    }
    return 0;
}

/* Opens path just long enough to check it is a regular file within the size
 * cap and sniff its format. 0 with *kind (never IMPORT_UNKNOWN), or -1 with err. */
static int import_open_check(const char *path, const char *name, const import_limits *lim,
                             import_kind *kind, char *err, size_t errlen)
{
    unsigned char head[IMPORT_HEAD_BYTES];
    struct stat st;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(err, errlen, "%s cannot be opened: %s", name, strerror(errno));
        return -1;
    }
    int rc = -1;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is not a regular file", name);
    } else if (st.st_size == 0) {
        snprintf(err, errlen, "%s is empty", name);
    } else if ((unsigned long long)st.st_size > (unsigned long long)lim->max_file_bytes) {
        snprintf(err, errlen, "%s is %lld bytes, over the limit of %zu", name,
                 (long long)st.st_size, lim->max_file_bytes);
    } else {
        size_t n = fread(head, 1, sizeof head, fp);
        *kind = import_sniff(head, n);
        if (*kind == IMPORT_UNKNOWN)
            snprintf(err, errlen, "%s is not a PNG, JPEG, TIFF, PNM or PDF file", name);
        else
            rc = 0;
    }
    fclose(fp);
    return rc;
}

/* Whether the last bytes of path look like the end of a complete file of kind
 * (PNG: the IEND chunk; JPEG: the EOI marker, allowing trailing padding). */
static int import_has_end_marker(const char *path, import_kind kind)
{
    unsigned char tail[64];
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return 0;
    int found = 0;
    if (fseeko(fp, 0, SEEK_END) == 0) {
        off_t size = ftello(fp);
        off_t start = size > (off_t)sizeof tail ? size - (off_t)sizeof tail : 0;
        size_t n;
        if (size > 0 && fseeko(fp, start, SEEK_SET) == 0 && (n = fread(tail, 1, sizeof tail, fp)) > 0) {
            if (kind == IMPORT_PNG) {
                found = n >= 12 && memcmp(tail + n - 8, "IEND", 4) == 0;
            } else {
                for (size_t i = 0; i + 1 < n; i++)
                    found |= tail[i] == 0xff && tail[i + 1] == 0xd9;
            }
        }
    }
    fclose(fp);
    return found;
}

/* Sets a resolution a page can be processed at: the file's, else 300 dpi. */
static void import_fix_resolution(PIX *pix, int default_dpi)
{
    l_int32 xres = pixGetXRes(pix), yres = pixGetYRes(pix);
    if (xres < IMPORT_MIN_DPI || xres > IMPORT_MAX_DPI)
        xres = default_dpi;
    if (yres < IMPORT_MIN_DPI || yres > IMPORT_MAX_DPI)
        yres = xres;
    pixSetResolution(pix, xres, yres);
}

/* PNG, JPEG or PNM: header checked, then decoded. */
static PIX *import_single(const char *path, const char *name, import_kind kind,
                          const import_limits *lim, char *err, size_t errlen)
{
    l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
    if (pixReadHeader(path, &format, &w, &h, &bps, &spp, &cmap) != 0) {
        snprintf(err, errlen, "page 1 of %s has a damaged header", name);
        return NULL;
    }
    if (import_check_dimensions(w, h, 1, name, lim, err, errlen) != 0)
        return NULL;
    PIX *pix;
    if (kind == IMPORT_JPEG) {
        l_int32 warnings = 0;
        pix = pixReadJpeg(path, 0, 1, &warnings, 0);   /* hint 0: fail on damaged data */
    } else {
        pix = pixRead(path);
    }
    if (pix == NULL) {
        if (kind != IMPORT_PNM && !import_has_end_marker(path, kind))
            snprintf(err, errlen, "page 1 of %s is truncated", name);
        else
            snprintf(err, errlen, "page 1 of %s is damaged and cannot be decoded", name);
        return NULL;
    }
    return pix;
}

/* Page index of a TIFF: its directory checked, then decoded. */
static PIX *import_tiff(const char *path, const char *name, int index, const import_limits *lim,
                        char *err, size_t errlen)
{
    int pages = 0;
    import_tiff_page pg = {0};
    if (import_tiff_walk(path, name, lim, &pages, index, &pg, err, errlen) != 0)
        return NULL;
    if (index >= pages) {
        snprintf(err, errlen, "page %d of %s does not exist (the file has %d)", index + 1, name, pages);
        return NULL;
    }
    if (pg.truncated) {
        snprintf(err, errlen, "page %d of %s is truncated", index + 1, name);
        return NULL;
    }
    if (import_check_dimensions(pg.width, pg.height, index + 1, name, lim, err, errlen) != 0)
        return NULL;
    PIX *pix = pixReadTiff(path, index);
    if (pix == NULL)
        snprintf(err, errlen, "page %d of %s is damaged and cannot be decoded", index + 1, name);
    return pix;
}

int import_page_count(const char *path, const import_limits *lim, int *pages, char *err, size_t errlen)
{
    if (path == NULL || lim == NULL || pages == NULL) {
        snprintf(err, errlen, "import_page_count: missing argument");
        return -1;
    }
    const char *name = import_name(path);
    import_kind kind;
    if (import_open_check(path, name, lim, &kind, err, errlen) != 0)
        return -1;
    l_int32 old = setMsgSeverity(L_SEVERITY_NONE);
    int rc = 0;
    if (kind == IMPORT_TIFF) {
        rc = import_tiff_walk(path, name, lim, pages, -1, NULL, err, errlen);
    } else if (kind == IMPORT_PDF) {
        rc = import_pdf_count(path, name, lim, pages, err, errlen);
    } else {
        l_int32 format, w, h, bps, spp, cmap;
        if (pixReadHeader(path, &format, &w, &h, &bps, &spp, &cmap) != 0) {
            snprintf(err, errlen, "%s has a damaged header", name);
            rc = -1;
        } else {
            *pages = 1;
        }
    }
    setMsgSeverity(old);
    return rc;
}

PIX *import_page(const char *path, int index, const import_limits *lim, char *err, size_t errlen)
{
    if (path == NULL || lim == NULL) {
        snprintf(err, errlen, "import_page: missing argument");
        return NULL;
    }
    const char *name = import_name(path);
    import_kind kind;
    if (import_open_check(path, name, lim, &kind, err, errlen) != 0)
        return NULL;
    if (index < 0) {
        snprintf(err, errlen, "page %d of %s does not exist", index + 1, name);
        return NULL;
    }
    l_int32 old = setMsgSeverity(L_SEVERITY_NONE);
    PIX *pix;
    if (kind == IMPORT_TIFF) {
        pix = import_tiff(path, name, index, lim, err, errlen);
    } else if (kind == IMPORT_PDF) {
        pix = import_pdf_page(path, name, index, lim, err, errlen);
    } else if (index > 0) {
        snprintf(err, errlen, "page %d of %s does not exist (the file has 1)", index + 1, name);
        pix = NULL;
    } else {
        pix = import_single(path, name, kind, lim, err, errlen);
    }
    setMsgSeverity(old);
    if (pix != NULL)
        import_fix_resolution(pix, kind == IMPORT_PDF ? lim->pdf_dpi : IMPORT_DEFAULT_DPI);
    return pix;
}
