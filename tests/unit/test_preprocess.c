/* Unit tests for scan/preprocess: orientation by OSD on a Vietnamese text page,
 * deskew, the binary copy (red seals removed, red text kept), and blank detection
 * (specks, bleed-through, tint). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forms.h"
#include "preprocess.h"

/* Pages are 4 x 5 inches at 300 dpi: enough text for OSD, quick to process. */
enum { DPI = 300, PAGE_W = 1200, PAGE_H = 1500 };

static const char *const PARAGRAPH =
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n\n"
    "TỜ KHAI ĐĂNG KÝ KHAI SINH\n\n"
    "Kính gửi: Ủy ban nhân dân phường Bến Nghé, quận 1.\n"
    "Họ, chữ đệm, tên người yêu cầu: Nguyễn Văn An.\n"
    "Nơi cư trú: số 12 đường Lê Lợi, phường Bến Nghé.\n"
    "Giấy tờ tùy thân: căn cước công dân số 079123456789,\n"
    "cấp ngày 15 tháng 3 năm 2021 tại Cục Cảnh sát.\n"
    "Quan hệ với người được đăng ký khai sinh: cha.\n"
    "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:\n"
    "Họ, chữ đệm, tên: Nguyễn Thị Bình. Giới tính: nữ.\n"
    "Ngày, tháng, năm sinh: 02 tháng 9 năm 2024.\n"
    "Nơi sinh: Bệnh viện Từ Dũ, Thành phố Hồ Chí Minh.\n"
    "Dân tộc: Kinh. Quốc tịch: Việt Nam.\n"
    "Tôi cam đoan nội dung đề nghị đăng ký khai sinh\n"
    "trên đây là đúng sự thật, được sự thỏa thuận nhất trí\n"
    "của các bên liên quan theo quy định pháp luật.\n"
    "Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội\n"
    "dung cam đoan của mình.\n";

/* Paper colour and what to draw on it. */
typedef struct page_spec {
    double paper[3];         /* RGB 0..1 */
    const char *text;        /* NULL: none */
    double ink;              /* gray level of the text, 0 black */
    int font_px;             /* font size in pixels */
    int mirrored;            /* draw the text mirrored (seen through the paper) */
    int specks;              /* number of 3x3 px black specks */
    int a4_150;              /* an A4 page at 150 dpi instead of 4 x 5 in at 300 */
    int red_text;            /* the text in red ink instead of gray ink */
    int seal;                /* a red seal (two rings, 1.5 in) stamped over the text */
} page_spec;

/* Renders spec into a new 32 bpp PIX at 300 dpi (through a PNG written by cairo). */
static PIX *render_page(const page_spec *spec)
{
    int w = spec->a4_150 ? 1240 : PAGE_W, h = spec->a4_150 ? 1754 : PAGE_H, dpi = spec->a4_150 ? 150 : DPI;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, spec->paper[0], spec->paper[1], spec->paper[2]);
    cairo_paint(cr);
    if (spec->text != NULL) {
        cairo_save(cr);
        if (spec->mirrored) {
            cairo_translate(cr, w, 0);
            cairo_scale(cr, -1, 1);
        }
        cairo_move_to(cr, 110, 120);
        if (spec->red_text)
            cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
        else
            cairo_set_source_rgb(cr, spec->ink, spec->ink, spec->ink);
        PangoLayout *layout = pango_cairo_create_layout(cr);
        char font[64];
        snprintf(font, sizeof font, "DejaVu Serif %dpx", spec->font_px);
        PangoFontDescription *fd = pango_font_description_from_string(font);
        pango_layout_set_font_description(layout, fd);
        pango_layout_set_text(layout, spec->text, -1);
        pango_cairo_show_layout(cr, layout);
        pango_font_description_free(fd);
        g_object_unref(layout);
        cairo_restore(cr);
    }
    if (spec->seal) { /* multiplied like ink, as the fixture generator stamps */
        cairo_save(cr);
        cairo_set_operator(cr, CAIRO_OPERATOR_MULTIPLY);
        cairo_set_source_rgba(cr, 0.86, 0.12, 0.14, 0.85);
        cairo_set_line_width(cr, 9);
        cairo_arc(cr, 600, 520, 225, 0, 2 * M_PI);
        cairo_stroke(cr);
        cairo_set_line_width(cr, 5);
        cairo_arc(cr, 600, 520, 150, 0, 2 * M_PI);
        cairo_stroke(cr);
        cairo_restore(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    uint32_t x = 2024;
    for (int i = 0; i < spec->specks; i++) {
        x = x * 1103515245u + 12345u;
        int px = (int)((x >> 8) % (uint32_t)(w - 10)), py = (int)((x >> 3) % (uint32_t)(h - 10));
        cairo_rectangle(cr, px, py, 3, 3);
    }
    cairo_fill(cr);
    cairo_destroy(cr);
    char path[] = "/tmp/motcua-preprocess-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    PIX *pix = pixRead(path);
    unlink(path);
    assert_non_null(pix);
    pixSetResolution(pix, dpi, dpi);
    return pix;
}

static PIX *text_page(void)
{
    page_spec spec = {.paper = {1, 1, 1}, .text = PARAGRAPH, .ink = 0, .font_px = 42};
    return render_page(&spec);
}

/* ---- orientation and skew (OSD engine shared by these tests) ----------------------- */

static int setup_osd(void **state)
{
    TessBaseAPI *api = TessBaseAPICreate();
    if (api == NULL || TessBaseAPIInit3(api, NULL, "osd") != 0) {
        TessBaseAPIDelete(api);
        return -1;
    }
    *state = api;
    return 0;
}

static int teardown_osd(void **state)
{
    TessBaseAPIEnd(*state);
    TessBaseAPIDelete(*state);
    forms_release_font_caches(); /* so valgrind sees no font cache as lost */
    return 0;
}

static void run(PIX *page, TessBaseAPI *osd, preprocess_result *r)
{
    char err[256] = "";
    if (preprocess_page(page, osd, NULL, r, err, sizeof err) != 0)
        fail_msg("preprocess_page: %s", err);
    assert_non_null(r->upright);
    if (r->blank) { /* a blank page is only flagged: no binary for OCR */
        assert_null(r->binary);
        return;
    }
    assert_non_null(r->binary);
    assert_int_equal(pixGetDepth(r->binary), 1);
    assert_int_equal(pixGetWidth(r->binary), pixGetWidth(r->upright));
    assert_int_equal(pixGetHeight(r->binary), pixGetHeight(r->upright));
}

/* Fraction of pixels where a and b (1 bpp, same size) differ. */
static double binary_difference(PIX *a, PIX *b)
{
    PIX *x = pixXor(NULL, a, b);
    assert_non_null(x);
    l_int32 n = 0;
    pixCountPixels(x, &n, NULL);
    pixDestroy(&x);
    return (double)n / ((double)pixGetWidth(a) * pixGetHeight(a));
}

static void test_upright_page_untouched(void **state)
{
    PIX *page = text_page();
    preprocess_result r;
    run(page, *state, &r);
    assert_int_equal(r.rotation, 0);
    assert_true(fabs(r.skew) < 0.1);
    assert_false(r.blank);
    assert_int_equal(pixGetDepth(r.upright), pixGetDepth(page));
    l_int32 same = 0;
    pixEqual(r.upright, page, &same);
    assert_true(same);
    preprocess_result_clear(&r);
    assert_null(r.upright);
    pixDestroy(&page);
}

/* The text page turned quads quarter turns clockwise comes back upright (the
 * very same pixels) with rotation want and a confident OSD. */
static void check_turned(TessBaseAPI *osd, int quads, int want)
{
    PIX *page = text_page();
    PIX *turned = pixRotateOrth(page, quads);
    preprocess_result r;
    run(turned, osd, &r);
    assert_int_equal(r.rotation, want);
    assert_true(r.orientation_confidence >= preprocess_defaults.min_orientation_confidence);
    l_int32 same = 0;
    pixEqual(r.upright, page, &same);
    assert_true(same);
    preprocess_result_clear(&r);
    pixDestroy(&turned);
    pixDestroy(&page);
}

/* A page fed upside down comes back upright, rotation 180. */
static void test_rotated_180(void **state)
{
    check_turned(*state, 2, 180);
}

/* A page turned a quarter clockwise needs 270 degrees more clockwise, and the
 * other way round. */
static void test_rotated_90(void **state)
{
    check_turned(*state, 1, 270);
    check_turned(*state, 3, 90);
}

/* Without an OSD engine nothing is turned. */
static void test_no_osd_no_rotation(void **state)
{
    (void)state;
    PIX *page = text_page();
    PIX *turned = pixRotateOrth(page, 2);
    preprocess_result r;
    run(turned, NULL, &r);
    assert_int_equal(r.rotation, 0);
    preprocess_result_clear(&r);
    pixDestroy(&turned);
    pixDestroy(&page);
}

/* A page skewed 3 degrees clockwise is measured and straightened. */
static void test_skew_3_degrees(void **state)
{
    PIX *page = text_page();
    PIX *skewed = pixRotate(page, (l_float32)(3.0 * M_PI / 180.0), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
    assert_non_null(skewed);
    pixCopyResolution(skewed, page);
    preprocess_result r;
    run(skewed, *state, &r);
    if (fabs(r.skew - 3.0) >= 0.5)
        fail_msg("skew %.2f, want 3", r.skew);
    assert_int_equal(r.rotation, 0);
    l_float32 left = 99, conf = 0;
    assert_int_equal(pixFindSkew(r.binary, &left, &conf), 0);
    if (fabs(left) >= 0.3)
        fail_msg("still skewed by %.2f after deskew", left);
    /* Straightened text lines up with the original page's. */
    PIX *want = NULL;
    char err[256];
    preprocess_result plain;
    assert_int_equal(preprocess_page(page, NULL, NULL, &plain, err, sizeof err), 0);
    want = plain.binary;
    double before = binary_difference(want, r.binary);
    assert_true(before < 0.05);
    preprocess_result_clear(&plain);
    preprocess_result_clear(&r);

    /* Skewed the other way: negative. */
    PIX *ccw = pixRotate(page, (l_float32)(-2.0 * M_PI / 180.0), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
    pixCopyResolution(ccw, page);
    run(ccw, NULL, &r);
    if (fabs(r.skew + 2.0) >= 0.5)
        fail_msg("skew %.2f, want -2", r.skew);
    preprocess_result_clear(&r);
    pixDestroy(&ccw);
    pixDestroy(&skewed);
    pixDestroy(&page);
}

/* ---- blank detection ------------------------------------------------------------------ */

static bool blank_of(const page_spec *spec, double *ink)
{
    PIX *page = render_page(spec);
    bool blank = preprocess_is_blank(page, NULL, ink);
    pixDestroy(&page);
    return blank;
}

static void test_blank_with_specks_and_bleed_through(void **state)
{
    (void)state;
    double ink = -1;
    page_spec spec = {.paper = {1, 1, 1}, .text = PARAGRAPH, .ink = 0.78, .font_px = 42, .mirrored = 1,
                      .specks = 400};
    if (!blank_of(&spec, &ink))
        fail_msg("back with bleed-through and specks not blank: ink %.5f", ink);
    assert_true(ink < preprocess_defaults.blank_max_ink);

    /* The same marks in real ink are not blank: the threshold is not just high. */
    spec.ink = 0;
    if (blank_of(&spec, &ink))
        fail_msg("mirrored black text called blank: ink %.5f", ink);
}

/* One line of 12 pt text on a whole A4 page is content. */
static void test_short_line_not_blank(void **state)
{
    (void)state;
    double ink = -1;
    page_spec spec = {.paper = {1, 1, 1}, .text = "Trang này để trống theo quy định.", .ink = 0,
                      .font_px = 25, .a4_150 = 1, .specks = 100};
    if (blank_of(&spec, &ink))
        fail_msg("a short line of text called blank: ink %.5f", ink);
    spec.text = NULL;
    if (!blank_of(&spec, &ink))
        fail_msg("the same A4 page without the line not blank: ink %.5f", ink);
}

static void test_tinted_blank(void **state)
{
    (void)state;
    double ink = -1;
    page_spec spec = {.paper = {0.93, 0.86, 0.66}, .specks = 400, .font_px = 42};
    if (!blank_of(&spec, &ink))
        fail_msg("tinted blank page not blank: ink %.5f", ink);
    spec.paper[0] = 0.55;   /* a dark pink form */
    spec.paper[1] = 0.45;
    spec.paper[2] = 0.50;
    if (!blank_of(&spec, &ink))
        fail_msg("dark tinted blank page not blank: ink %.5f", ink);
    spec.text = "Trang này để trống theo quy định.";
    if (blank_of(&spec, &ink))
        fail_msg("text on dark tinted paper called blank: ink %.5f", ink);
}

/* Marks only in the margins (a punched hole shadow, the scanner's edge) do not count. */
static void test_margins_ignored(void **state)
{
    (void)state;
    page_spec spec = {.paper = {1, 1, 1}};
    PIX *page = render_page(&spec);
    BOX *edge = boxCreate(0, 0, 40, PAGE_H);
    pixClearInRect(page, edge);
    boxDestroy(&edge);
    double ink = -1;
    assert_true(preprocess_is_blank(page, NULL, &ink));
    preprocess_options opt = preprocess_defaults;
    opt.margin_fraction = 0;
    assert_false(preprocess_is_blank(page, &opt, &ink));
    pixDestroy(&page);
}

/* A blank page is flagged and kept, never turned. */
static void test_blank_page_flagged_not_rotated(void **state)
{
    page_spec spec = {.paper = {1, 1, 1}, .specks = 40};
    PIX *page = render_page(&spec);
    preprocess_result r;
    run(page, *state, &r);
    assert_true(r.blank);
    assert_int_equal(r.rotation, 0);
    assert_true(r.skew == 0);
    assert_true(r.ink < preprocess_defaults.blank_max_ink);
    l_int32 same = 0;
    pixEqual(r.upright, page, &same);
    assert_true(same);
    preprocess_result_clear(&r);
    pixDestroy(&page);
}

/* ---- red seals ---------------------------------------------------------------------- */

/* Ink pixels of a binary. */
static double ink_pixels(PIX *binary)
{
    l_int32 n = 0;
    pixCountPixels(binary, &n, NULL);
    return n;
}

/* A red seal stamped over the text leaves the OCR copy as if it were not there, while a
 * plain luminance threshold of the same page keeps its rings (so the check can fail). */
static void test_red_seal_removed_from_binary(void **state)
{
    (void)state;
    page_spec plain_spec = {.paper = {1, 1, 1}, .text = PARAGRAPH, .font_px = 42};
    page_spec sealed_spec = plain_spec;
    sealed_spec.seal = 1;
    PIX *plain = render_page(&plain_spec), *sealed = render_page(&sealed_spec);
    preprocess_result a, b;
    run(plain, NULL, &a);
    run(sealed, NULL, &b);
    assert_int_equal(b.skew == 0 && a.skew == 0, 1);
    PIX *gray = pixConvertTo8(sealed, 0);
    PIX *with_rings = pixThresholdToBinary(gray, 128);
    double rings = binary_difference(a.binary, with_rings);
    double left = binary_difference(a.binary, b.binary);
    if (!(rings > 0.004 && left < rings / 10))
        fail_msg("seal pixels: %.4f of the page by luminance, %.4f left in the OCR copy", rings, left);
    /* The seal is still on the upright page kept for the archive. */
    l_int32 same = 0;
    pixEqual(b.upright, sealed, &same);
    assert_true(same);
    pixDestroy(&with_rings);
    pixDestroy(&gray);
    preprocess_result_clear(&a);
    preprocess_result_clear(&b);
    pixDestroy(&plain);
    pixDestroy(&sealed);
}

/* Red printed text (a title in red ink) with no seal around it is text: it stays. */
static void test_red_text_kept(void **state)
{
    (void)state;
    page_spec black_spec = {.paper = {1, 1, 1}, .text = PARAGRAPH, .font_px = 42};
    page_spec red_spec = black_spec;
    red_spec.red_text = 1;
    PIX *black = render_page(&black_spec), *red = render_page(&red_spec);
    preprocess_result a, b;
    run(black, NULL, &a);
    run(red, NULL, &b);
    double kept = ink_pixels(b.binary) / ink_pixels(a.binary);
    if (kept < 0.7)
        fail_msg("red text: %.2f of the black text's ink left in the OCR copy", kept);
    preprocess_result_clear(&a);
    preprocess_result_clear(&b);
    pixDestroy(&black);
    pixDestroy(&red);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upright_page_untouched),
        cmocka_unit_test(test_rotated_180),
        cmocka_unit_test(test_rotated_90),
        cmocka_unit_test(test_no_osd_no_rotation),
        cmocka_unit_test(test_skew_3_degrees),
        cmocka_unit_test(test_blank_with_specks_and_bleed_through),
        cmocka_unit_test(test_short_line_not_blank),
        cmocka_unit_test(test_tinted_blank),
        cmocka_unit_test(test_margins_ignored),
        cmocka_unit_test(test_blank_page_flagged_not_rotated),
        cmocka_unit_test(test_red_seal_removed_from_binary),
        cmocka_unit_test(test_red_text_kept),
    };
    return cmocka_run_group_tests(tests, setup_osd, teardown_osd);
}
