/* Unit tests for scan/import: every format imports, the magic bytes decide (not
 * the extension), caps refuse before decoding, damaged files fail with a reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"

/* ---- a temporary folder and small images -------------------------------------------- */

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/motcua-import-XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* tmpdir/name into buf. */
static const char *tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
    return buf;
}

/* A white w x h page of depth 32 with black "text lines" (rectangles) and a
 * gray gradient so compressed files are not trivially small. */
static PIX *make_page(int w, int h)
{
    PIX *pix = pixCreate(w, h, 32);
    assert_non_null(pix);
    pixSetAll(pix);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x += 7) {
            l_uint32 v = (l_uint32)(200 + (x * 31 + y * 17) % 56);
            pixSetPixel(pix, x, y, (v << 24) | (v << 16) | (v << 8));
        }
    }
    for (int y = h / 8; y + 10 < h - h / 8; y += 25) {
        BOX *b = boxCreate(w / 10, y, w * 7 / 10 - (y % 3) * 20, 10);
        pixClearInRect(pix, b);
        boxDestroy(&b);
    }
    pixSetResolution(pix, 300, 300);
    return pix;
}

static void write_pix(const char *path, PIX *pix, int format)
{
    assert_int_equal(pixWrite(path, pix, format), 0);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

static long file_size(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    fclose(fp);
    return n;
}

/* Imports page index of path and checks it succeeds with the given size. */
static PIX *import_ok(const char *path, int index, const import_limits *lim, int w, int h)
{
    char err[256] = "";
    PIX *pix = import_page(path, index, lim, err, sizeof err);
    if (pix == NULL)
        fail_msg("import_page(%s, %d): %s", path, index, err);
    assert_int_equal(pixGetWidth(pix), w);
    assert_int_equal(pixGetHeight(pix), h);
    assert_true(pixGetXRes(pix) > 0);
    assert_true(pixGetYRes(pix) > 0);
    return pix;
}

/* Checks import_page fails on page index with a message containing each of the words. */
static void import_fails(const char *path, int index, const import_limits *lim, const char *w1, const char *w2)
{
    char err[256] = "";
    PIX *pix = import_page(path, index, lim, err, sizeof err);
    if (pix != NULL) {
        pixDestroy(&pix);
        fail_msg("import_page(%s, %d) should fail", path, index);
    }
    if (strstr(err, w1) == NULL || (w2 != NULL && strstr(err, w2) == NULL))
        fail_msg("message \"%s\" should contain \"%s\" and \"%s\"", err, w1, w2 != NULL ? w2 : "");
}

static int count_pages(const char *path, const import_limits *lim, char *err, size_t errlen)
{
    int pages = -1;
    if (import_page_count(path, lim, &pages, err, errlen) != 0)
        return -1;
    return pages;
}

/* ---- sniffing ------------------------------------------------------------------------- */

static void test_sniff_magic(void **state)
{
    (void)state;
    assert_int_equal(import_sniff((const unsigned char *)"\x89PNG\r\n\x1a\n....", 12), IMPORT_PNG);
    assert_int_equal(import_sniff((const unsigned char *)"\xff\xd8\xff\xe0", 4), IMPORT_JPEG);
    assert_int_equal(import_sniff((const unsigned char *)"II*\0\x08\0\0\0", 8), IMPORT_TIFF);
    assert_int_equal(import_sniff((const unsigned char *)"MM\0*\0\0\0\x08", 8), IMPORT_TIFF);
    assert_int_equal(import_sniff((const unsigned char *)"P5\n10 10\n255\n", 13), IMPORT_PNM);
    assert_int_equal(import_sniff((const unsigned char *)"%PDF-1.7\n", 9), IMPORT_PDF);
    assert_int_equal(import_sniff((const unsigned char *)"junk\n%PDF-1.4\n", 14), IMPORT_PDF);
    assert_int_equal(import_sniff((const unsigned char *)"\x89PNG", 4), IMPORT_UNKNOWN);
    assert_int_equal(import_sniff((const unsigned char *)"GIF89a", 6), IMPORT_UNKNOWN);
    assert_int_equal(import_sniff((const unsigned char *)"Pa", 2), IMPORT_UNKNOWN);
    assert_int_equal(import_sniff(NULL, 0), IMPORT_UNKNOWN);
}

/* ---- each format ---------------------------------------------------------------------- */

static void test_png_lossless(void **state)
{
    (void)state;
    char path[128];
    PIX *src = make_page(240, 320);
    write_pix(tmp_path(path, sizeof path, "page.png"), src, IFF_PNG);
    char err[256] = "";
    assert_int_equal(count_pages(path, &import_default_limits, err, sizeof err), 1);
    PIX *got = import_ok(path, 0, &import_default_limits, 240, 320);
    l_int32 same = 0;
    assert_int_equal(pixEqual(src, got, &same), 0);
    assert_true(same);
    import_fails(path, 1, &import_default_limits, "page 2 of page.png", "does not exist");
    pixDestroy(&got);
    pixDestroy(&src);
}

static void test_jpeg_and_pnm(void **state)
{
    (void)state;
    char path[128];
    PIX *src = make_page(200, 150);
    write_pix(tmp_path(path, sizeof path, "photo.jpg"), src, IFF_JFIF_JPEG);
    PIX *got = import_ok(path, 0, &import_default_limits, 200, 150);
    pixDestroy(&got);
    write_pix(tmp_path(path, sizeof path, "page.pnm"), src, IFF_PNM);
    got = import_ok(path, 0, &import_default_limits, 200, 150);
    pixDestroy(&got);
    pixDestroy(&src);
}

/* A PNG named .jpg and a JPEG named .pdf import by their content. */
static void test_sniff_ignores_extension(void **state)
{
    (void)state;
    char path[128];
    PIX *src = make_page(120, 90);
    write_pix(tmp_path(path, sizeof path, "really-png.jpg"), src, IFF_PNG);
    PIX *got = import_ok(path, 0, &import_default_limits, 120, 90);
    l_int32 same = 0;
    pixEqual(src, got, &same);
    assert_true(same);   /* lossless: it was read as PNG */
    pixDestroy(&got);
    write_pix(tmp_path(path, sizeof path, "really-jpeg.pdf"), src, IFF_JFIF_JPEG);
    got = import_ok(path, 0, &import_default_limits, 120, 90);
    pixDestroy(&got);
    pixDestroy(&src);
}

/* Three pages of different sizes, written as one TIFF; *two_pages (when not
 * NULL) gets the file's size before the third was appended. */
static void write_tiff3(const char *path, int format, long *two_pages)
{
    const int sizes[3][2] = {{100, 140}, {120, 160}, {140, 180}};
    for (int i = 0; i < 3; i++) {
        PIX *p = make_page(sizes[i][0], sizes[i][1]);
        PIX *b = format == IFF_TIFF_G4 ? pixConvertTo1(p, 128) : pixClone(p);
        assert_non_null(b);
        if (i == 2 && two_pages != NULL)
            *two_pages = file_size(path);
        assert_int_equal(pixWriteTiff(path, b, format, i == 0 ? "w" : "a"), 0);
        pixDestroy(&b);
        pixDestroy(&p);
    }
}

static void test_tiff_three_pages(void **state)
{
    (void)state;
    char path[128], err[256] = "";
    write_tiff3(tmp_path(path, sizeof path, "scan.tiff"), IFF_TIFF_G4, NULL);
    assert_int_equal(count_pages(path, &import_default_limits, err, sizeof err), 3);
    for (int i = 0; i < 3; i++) {
        PIX *got = import_ok(path, i, &import_default_limits, 100 + 20 * i, 140 + 20 * i);
        assert_int_equal(pixGetDepth(got), 1);
        pixDestroy(&got);
    }
    import_fails(path, 3, &import_default_limits, "page 4 of scan.tiff", "does not exist");
    import_limits two = import_default_limits;
    two.max_pages = 2;
    assert_int_equal(count_pages(path, &two, err, sizeof err), -1);
    assert_non_null(strstr(err, "more than 2 pages"));
}

/* A two-page PDF drawn with cairo: 4x2 in, then 2x4 in, each with a black box. */
static void write_pdf2(const char *path)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, 288, 144);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, 36, 36, 72, 36);   /* 1x0.5 in at (0.5, 0.5) in */
    cairo_fill(cr);
    cairo_show_page(cr);
    cairo_pdf_surface_set_size(s, 144, 288);
    cairo_rectangle(cr, 72, 144, 36, 72);
    cairo_fill(cr);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

static l_uint32 gray_at(PIX *pix, int x, int y)
{
    l_uint32 v = 0;
    assert_int_equal(pixGetPixel(pix, x, y, &v), 0);
    return pixGetDepth(pix) == 32 ? (v >> 8) & 0xff : v;   /* blue channel: all equal here */
}

static void test_pdf_two_pages(void **state)
{
    (void)state;
    char path[128], err[256] = "";
    write_pdf2(tmp_path(path, sizeof path, "dossier.pdf"));
    import_limits lim = import_default_limits;
    lim.pdf_dpi = 100;
    assert_int_equal(count_pages(path, &lim, err, sizeof err), 2);
    PIX *p1 = import_ok(path, 0, &lim, 400, 200);
    assert_int_equal(pixGetXRes(p1), 100);
    assert_true(gray_at(p1, 100, 70) < 40);    /* inside the box */
    assert_true(gray_at(p1, 300, 150) > 215);  /* paper */
    PIX *p2 = import_ok(path, 1, &lim, 200, 400);
    assert_true(gray_at(p2, 120, 250) < 40);
    assert_true(gray_at(p2, 30, 30) > 215);
    import_fails(path, 2, &lim, "page 3 of dossier.pdf", "does not exist");
    pixDestroy(&p1);
    pixDestroy(&p2);
}

/* ---- caps ------------------------------------------------------------------------------ */

static void test_caps_refuse(void **state)
{
    (void)state;
    char path[128], err[256] = "";
    PIX *src = make_page(400, 300);
    write_pix(tmp_path(path, sizeof path, "wide.png"), src, IFF_PNG);
    pixDestroy(&src);
    import_limits lim = import_default_limits;
    lim.max_side = 350;
    import_fails(path, 0, &lim, "page 1 of wide.png", "limit of 350 a side");
    lim = import_default_limits;
    lim.max_pixels = 100000;
    import_fails(path, 0, &lim, "120000 pixels", "limit of 100000");
    lim = import_default_limits;
    lim.max_file_bytes = (size_t)file_size(path) - 1;
    import_fails(path, 0, &lim, "wide.png is", "over the limit");
    assert_int_equal(count_pages(path, &lim, err, sizeof err), -1);
    assert_non_null(strstr(err, "over the limit"));

    /* A PDF page of 200 x 200 inches is refused before rendering (60000 px at 300 dpi). */
    cairo_surface_t *s = cairo_pdf_surface_create(tmp_path(path, sizeof path, "poster.pdf"), 14400, 14400);
    cairo_surface_destroy(s);
    assert_int_equal(count_pages(path, &import_default_limits, err, sizeof err), 1);
    import_fails(path, 0, &import_default_limits, "page 1 of poster.pdf", "limit of 20000 a side");
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* A PNG that declares 100000 x 100000 pixels and holds no pixel data: only the
 * header check can refuse it for its size (decoding would report truncation). */
static void test_declared_size_checked_before_decoding(void **state)
{
    (void)state;
    unsigned char png[8 + 25 + 12];
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    put_be32(png + 8, 13);
    memcpy(png + 12, "IHDR", 4);
    put_be32(png + 16, 100000);
    put_be32(png + 20, 100000);
    png[24] = 8;   /* bit depth */
    png[25] = 0;   /* gray */
    png[26] = png[27] = png[28] = 0;
    put_be32(png + 29, crc32_of(png + 12, 17));
    put_be32(png + 33, 0);
    memcpy(png + 37, "IEND", 4);
    put_be32(png + 41, crc32_of(png + 37, 4));
    char path[128];
    write_bytes(tmp_path(path, sizeof path, "huge.png"), png, sizeof png);
    import_fails(path, 0, &import_default_limits, "page 1 of huge.png is 100000x100000", "over the limit");
}

/* ---- damaged files --------------------------------------------------------------------- */

static void test_truncated_png(void **state)
{
    (void)state;
    char path[128], err[256] = "";
    PIX *src = make_page(300, 400);
    write_pix(tmp_path(path, sizeof path, "cut.png"), src, IFF_PNG);
    pixDestroy(&src);
    long n = file_size(path);
    assert_int_equal(truncate(path, n * 6 / 10), 0);
    assert_int_equal(count_pages(path, &import_default_limits, err, sizeof err), 1);
    import_fails(path, 0, &import_default_limits, "page 1 of cut.png", "is truncated");
}

static void test_truncated_tiff(void **state)
{
    (void)state;
    char path[128], err[256] = "";
    long two = 0;
    write_tiff3(tmp_path(path, sizeof path, "scan.tiff"), IFF_TIFF_ZIP, &two);
    long three = file_size(path);
    /* Cut in the middle of page 3: libtiff writes a page's data, then its directory. */
    assert_int_equal(truncate(path, two + (three - two) / 2), 0);
    assert_int_equal(count_pages(path, &import_default_limits, err, sizeof err), 3);
    PIX *p = import_ok(path, 0, &import_default_limits, 100, 140);
    pixDestroy(&p);
    p = import_ok(path, 1, &import_default_limits, 120, 160);
    pixDestroy(&p);
    import_fails(path, 2, &import_default_limits, "page 3 of scan.tiff is truncated", NULL);
}

static void test_garbage_files(void **state)
{
    (void)state;
    char path[128], err[256] = "";
    unsigned char junk[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (unsigned char)(x >> 16);
    }
    junk[0] = 'X';
    write_bytes(tmp_path(path, sizeof path, "scan.png"), junk, sizeof junk);
    import_fails(path, 0, &import_default_limits, "scan.png is not a PNG, JPEG, TIFF, PNM or PDF", NULL);
    assert_int_equal(count_pages(path, &import_default_limits, err, sizeof err), -1);

    /* The right magic followed by garbage. */
    const char *magics[] = {"\x89PNG\r\n\x1a\n", "\xff\xd8\xff", "II*\0", "MM\0*", "P6\n", "%PDF-1.4\n"};
    const size_t lens[] = {8, 3, 4, 4, 3, 9};
    for (size_t m = 0; m < sizeof magics / sizeof magics[0]; m++) {
        memcpy(junk, magics[m], lens[m]);
        write_bytes(tmp_path(path, sizeof path, "bad.bin"), junk, sizeof junk);
        int pages = count_pages(path, &import_default_limits, err, sizeof err);
        if (pages == -1) {
            assert_non_null(strstr(err, "bad.bin"));
        }
        err[0] = '\0';
        PIX *pix = import_page(path, 0, &import_default_limits, err, sizeof err);
        if (pix != NULL) {
            pixDestroy(&pix);
            fail_msg("garbage with magic %zu decoded", m);
        }
        if (strstr(err, "bad.bin") == NULL)
            fail_msg("magic %zu: message \"%s\" does not name the file", m, err);
    }

    write_bytes(tmp_path(path, sizeof path, "empty.tif"), "", 0);
    import_fails(path, 0, &import_default_limits, "empty.tif is empty", NULL);
    import_fails(tmp_path(path, sizeof path, "missing.png"), 0, &import_default_limits, "missing.png cannot be opened", NULL);
    import_fails(tmpdir, 0, &import_default_limits, "not a regular file", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_magic),
        cmocka_unit_test(test_png_lossless),
        cmocka_unit_test(test_jpeg_and_pnm),
        cmocka_unit_test(test_sniff_ignores_extension),
        cmocka_unit_test(test_tiff_three_pages),
        cmocka_unit_test(test_pdf_two_pages),
        cmocka_unit_test(test_caps_refuse),
        cmocka_unit_test(test_declared_size_checked_before_decoding),
        cmocka_unit_test(test_truncated_png),
        cmocka_unit_test(test_truncated_tiff),
        cmocka_unit_test(test_garbage_files),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
