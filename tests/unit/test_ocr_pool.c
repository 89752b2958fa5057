/* Unit tests for the OCR pool: real motcua-scan-worker processes on small pango-rendered
 * Vietnamese pages: text and diacritics, a garbage file, a crashing page, a hanging page past
 * its deadline, the per-page callback (every page once, a stopped run), recycling, the
 * workers' environment and dossier.pdf merged from the pages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo.h>
#include <fcntl.h>
#include <leptonica/allheaders.h>
#include <pango/pangocairo.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fold.h"
#include "forms.h"
#include "ocr_pool.h"
#include "ocr_protocol.h"
#include "ocr_worker.h"
#include "pdf_merge.h"
#include "test_tmpdir.h"

/* ---- fixtures made here: pages rendered with pango at 300 dpi ------------------------ */

/* Renders lines of text (UTF-8, one per line) black on white at 300 dpi into a gray PNG. */
static void render_page(const char *path, const char *const *lines, size_t n)
{
    const int width = 1500, line_h = 90, margin = 80;
    int height = 2 * margin + (int)n * line_h;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    PangoLayout *layout = pango_cairo_create_layout(cr);
    pango_cairo_context_set_resolution(pango_layout_get_context(layout), 300);
    pango_layout_context_changed(layout);
    PangoFontDescription *font = pango_font_description_from_string("DejaVu Serif 12");
    pango_layout_set_font_description(layout, font);
    for (size_t i = 0; i < n; i++) {
        pango_layout_set_text(layout, lines[i], -1);
        cairo_move_to(cr, margin, margin + (double)i * line_h);
        pango_cairo_show_layout(cr, layout);
    }
    pango_font_description_free(font);
    g_object_unref(layout);
    cairo_destroy(cr);
    assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

static const char *const PAGE_KHAI_SINH[] = {
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
};

/* Writes d/name as the "tờ khai đăng ký khai sinh" page. */
static void khai_sinh_page(const tdir *d, const char *name, char *out, size_t outlen)
{
    tdir_file(d, name, out, outlen);
    render_page(out, PAGE_KHAI_SINH, 3);
}

/* Writes d/name as bytes that look like nothing (a PNG name over random-ish bytes). */
static void garbage_file(const tdir *d, const char *name, char *out, size_t outlen)
{
    tdir_file(d, name, out, outlen);
    FILE *f = fopen(out, "wb");
    assert_non_null(f);
    for (int i = 0; i < 4096; i++)
        fputc((i * 7919 + 13) & 0xff, f);
    assert_int_equal(fclose(f), 0);
}

/* ---- the protocol, without workers --------------------------------------------------- */

/* Writes raw bytes to fd. */
static void put(int fd, const void *p, size_t n)
{
    assert_int_equal(write(fd, p, n), (ssize_t)n);
}

static void test_protocol_frames(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    char err[256] = "";
    json_t *a = json_pack("{s:s, s:i}", "op", "page", "index", 3);
    json_t *b = json_pack("{s:s}", "text", "Đăng ký khai sinh");
    assert_int_equal(ocrp_write(sv[0], a, err, sizeof err), 0);
    assert_int_equal(ocrp_write(sv[0], b, err, sizeof err), 0);
    /* Two frames in one read come out one at a time, equal to what was sent. */
    ocrp_reader rd = {0};
    json_t *m = NULL;
    assert_int_equal(ocrp_read_blocking(&rd, sv[1], &m, err, sizeof err), OCRP_FRAME);
    assert_true(json_equal(m, a));
    json_decref(m);
    assert_int_equal(ocrp_read_blocking(&rd, sv[1], &m, err, sizeof err), OCRP_FRAME);
    assert_true(json_equal(m, b));
    json_decref(m);
    json_decref(a);
    json_decref(b);

    /* A frame arriving byte by byte on a non-blocking fd: AGAIN until whole. */
    assert_int_equal(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
    const char frame[] = "\0\0\0\x0b{\"op\":\"ok\"}";
    for (size_t i = 0; i < sizeof frame - 2; i++) {
        put(sv[0], frame + i, 1);
        assert_int_equal(ocrp_read(&rd, sv[1], &m, err, sizeof err), OCRP_AGAIN);
        assert_null(m);
    }
    put(sv[0], frame + sizeof frame - 2, 1);
    assert_int_equal(ocrp_read(&rd, sv[1], &m, err, sizeof err), OCRP_FRAME);
    assert_string_equal(json_string_value(json_object_get(m, "op")), "ok");
    json_decref(m);

    /* A peer that dies mid-frame: end of stream, never a message. */
    put(sv[0], "\0\0\0\x20{\"ok\":tr", 12);
    close(sv[0]);
    ocrp_status st;
    while ((st = ocrp_read(&rd, sv[1], &m, err, sizeof err)) == OCRP_AGAIN)
        ;
    assert_int_equal(st, OCRP_EOF);
    assert_null(m);
    ocrp_reader_reset(&rd);
    close(sv[1]);
}

static void test_protocol_bad_frames(void **state)
{
    (void)state;
    char err[256];
    const struct {
        const char *bytes;
        size_t n;
    } bad[] = {
        {"\x7f\xff\xff\xff", 4},        /* over the size limit */
        {"\0\0\0\x03[1]", 7},           /* JSON, not an object */
        {"\0\0\0\x05{nope", 9},         /* not JSON */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        put(sv[0], bad[i].bytes, bad[i].n);
        ocrp_reader rd = {0};
        json_t *m = NULL;
        err[0] = '\0';
        assert_int_equal(ocrp_read_blocking(&rd, sv[1], &m, err, sizeof err), OCRP_ERROR);
        assert_null(m);
        assert_true(err[0] != '\0');
        ocrp_reader_reset(&rd);
        close(sv[0]);
        close(sv[1]);
    }
    /* Writing to a closed socket is an error, not a SIGPIPE. */
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[1]);
    json_t *q = json_pack("{s:s}", "op", "quit");
    assert_int_equal(ocrp_write(sv[0], q, err, sizeof err), -1);
    json_decref(q);
    close(sv[0]);
}

/* ---- the pool ------------------------------------------------------------------------ */

static void worker_path(char *out, size_t outlen)
{
    const char *build = getenv("BUILD");
    snprintf(out, outlen, "%s/bin/motcua-scan-worker", build != NULL && build[0] ? build : "build");
}

static ocr_pool *pool_start(int workers, int deadline_s, int recycle_after)
{
    char wp[256];
    worker_path(wp, sizeof wp);
    ocr_pool_options opt = {.workers = workers, .page_deadline_s = deadline_s,
                            .recycle_after = recycle_after, .worker_path = wp};
    char err[512] = "";
    ocr_pool *pool = ocr_pool_start(&opt, err, sizeof err);
    if (pool == NULL)
        fprintf(stderr, "ocr_pool_start: %s\n", err);
    assert_non_null(pool);
    return pool;
}

/* The only live worker's pid (the pools here have one worker). */
static pid_t only_worker(const ocr_pool *pool)
{
    pid_t pids[4];
    assert_int_equal(ocr_pool_worker_pids(pool, pids, 4), 1);
    return pids[0];
}

/* Asserts that the folded text contains each folded phrase. */
static void assert_folded_contains(const char *text, const char *const *phrases, size_t n)
{
    char *folded = fold_text(text);
    assert_non_null(folded);
    for (size_t i = 0; i < n; i++) {
        if (strstr(folded, phrases[i]) == NULL)
            fprintf(stderr, "missing '%s' in: %s\n", phrases[i], folded);
        assert_non_null(strstr(folded, phrases[i]));
    }
    free(folded);
}

/* Code points above U+007F in UTF-8 text (each starts with a byte 0xC2..0xF4). */
static int non_ascii_chars(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += *p >= 0xc2 && *p <= 0xf4;
    return n;
}

/* Opens pdf, which must hold one page showing one image: returns that image (the caller
 * destroys it) and the page's text in *text (g_free). */
static cairo_surface_t *one_page_pdf(const char *pdf, char **text)
{
    char *uri = g_filename_to_uri(pdf, NULL, NULL);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, NULL);
    assert_non_null(doc);
    assert_int_equal(poppler_document_get_n_pages(doc), 1);
    PopplerPage *pp = poppler_document_get_page(doc, 0);
    *text = poppler_page_get_text(pp);
    GList *images = poppler_page_get_image_mapping(pp);
    assert_int_equal(g_list_length(images), 1);
    cairo_surface_t *img = poppler_page_get_image(pp, ((PopplerImageMapping *)images->data)->image_id);
    assert_non_null(img);
    poppler_page_free_image_mapping(images);
    g_object_unref(pp);
    g_object_unref(doc);
    g_free(uri);
    return img;
}

/* Pixels of an RGB image surface that are neither near black nor near white. */
static long gray_pixels(cairo_surface_t *img)
{
    cairo_surface_flush(img);
    const unsigned char *data = cairo_image_surface_get_data(img);
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    assert_non_null(data);
    long n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t px;
            memcpy(&px, data + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
            unsigned g = (px >> 8) & 0xff;
            n += g > 48 && g < 208;
        }
    return n;
}

static const char *const KHAI_SINH_WORDS[] = {"cong hoa", "viet nam", "doc lap", "dang ky khai sinh"};

static void test_vietnamese_page(void **state)
{
    (void)state;
    tdir d;
    tdir_make(&d, "ocrpool");
    char page[128], pdf[128], upright[128];
    khai_sinh_page(&d, "ks.png", page, sizeof page);
    tdir_file(&d, "ks.pdf", pdf, sizeof pdf);
    tdir_file(&d, "ks-upright.png", upright, sizeof upright);

    ocr_pool *pool = pool_start(1, 120, 10);
    int pages = 0;
    char err[256] = "";
    assert_int_equal(ocr_pool_count_pages(pool, page, &pages, err, sizeof err), 0);
    assert_int_equal(pages, 1);

    ocr_page_job job = {.path = page, .index = 0, .pdf_out = pdf, .upright_out = upright};
    ocr_page_result r;
    assert_int_equal(ocr_pool_run(pool, &job, 1, &r, NULL, NULL), 0);
    assert_true(r.ok);
    assert_null(r.error);
    assert_non_null(r.text);
    assert_folded_contains(r.text, KHAI_SINH_WORDS, 4);
    /* The diacritics survive: the three lines have 30 accented letters; most must be there. */
    assert_true(non_ascii_chars(r.text) >= 15);
    assert_non_null(strstr(r.text, "VIỆT NAM"));
    assert_true(r.mean_confidence > 50 && r.mean_confidence <= 100);
    assert_non_null(strstr(r.hocr, "ocr_page"));
    assert_int_equal(r.width, 1500);
    assert_int_equal(r.dpi, 300);
    assert_int_equal(r.rotation, 0);
    assert_false(r.blank);
    /* The upright page is a PNG of the page's size; the PDF exists and is one page. */
    PIX *pix = pixRead(upright);
    assert_non_null(pix);
    assert_int_equal(pixGetWidth(pix), r.width);
    assert_int_equal(pixGetHeight(pix), r.height);
    pixDestroy(&pix);
    char *pdf_text = NULL;
    cairo_surface_t *img = one_page_pdf(pdf, &pdf_text);
    assert_folded_contains(pdf_text, KHAI_SINH_WORDS, 4);
    g_free(pdf_text);
    /* The PDF shows the page as scanned: its one image is the gray original (anti-aliased
     * glyph edges), not the 1 bpp copy recognition used. */
    assert_int_equal(cairo_image_surface_get_width(img), r.width);
    assert_true(gray_pixels(img) > 100);
    cairo_surface_destroy(img);
    ocr_page_result_clear(&r);
    ocr_pool_stop(pool);
    tdir_remove(&d);
}

/* A blank back (white paper, a few specks of dust) is flagged, not recognised, and
 * keeps its place in the PDF as an image-only page. */
static void test_blank_page_flagged_not_read(void **state)
{
    (void)state;
    tdir d;
    tdir_make(&d, "ocrpool");
    char page[128], pdf[128];
    tdir_file(&d, "blank.png", page, sizeof page);
    tdir_file(&d, "blank.pdf", pdf, sizeof pdf);
    PIX *white = pixCreate(1240, 1754, 8);
    assert_non_null(white);
    pixSetAll(white);
    for (int i = 0; i < 12; i++) /* 3x3 px specks: dust, not ink */
        pixRasterop(white, 150 + i * 80, 200 + i * 110, 3, 3, PIX_CLR, NULL, 0, 0);
    pixSetResolution(white, 150, 150);
    assert_int_equal(pixWrite(page, white, IFF_PNG), 0);

    ocr_pool *pool = pool_start(1, 120, 10);
    ocr_page_job job = {.path = page, .index = 0, .pdf_out = pdf};
    ocr_page_result r;
    assert_int_equal(ocr_pool_run(pool, &job, 1, &r, NULL, NULL), 0);
    assert_true(r.ok);
    assert_true(r.blank);
    assert_string_equal(r.text, "");
    assert_true(r.mean_confidence == 0);
    assert_int_equal(r.rotation, 0);
    assert_int_equal(r.width, 1240);
    char *pdf_text = NULL;
    cairo_surface_t *img = one_page_pdf(pdf, &pdf_text);
    assert_string_equal(pdf_text, "");
    assert_int_equal(cairo_image_surface_get_width(img), 1240);
    cairo_surface_destroy(img);
    g_free(pdf_text);
    pixDestroy(&white);
    ocr_page_result_clear(&r);
    ocr_pool_stop(pool);
    tdir_remove(&d);
}

/* Language lists: Tesseract's names joined by '+', nothing else. */
static void test_languages_valid(void **state)
{
    (void)state;
    assert_true(ocr_languages_valid("vie"));
    assert_true(ocr_languages_valid("vie+eng"));
    assert_true(ocr_languages_valid("chi_sim+vie"));
    assert_false(ocr_languages_valid(""));
    assert_false(ocr_languages_valid("vie+"));
    assert_false(ocr_languages_valid("+vie"));
    assert_false(ocr_languages_valid("vie++eng"));
    assert_false(ocr_languages_valid("../etc/passwd"));
    assert_false(ocr_languages_valid("vie eng"));
    assert_false(ocr_languages_valid("VIE"));
    assert_false(ocr_languages_valid("abcdefghijklmnopqrstuvwxyz0123456789"));
}

/* ---- a bad page fails alone ---------------------------------------------------------- */

typedef struct progress_log {
    size_t calls;
    size_t done[8];
    size_t total;
    ocr_pool *pool;
    pid_t worker[8];     /* the live worker at each call */
} progress_log;

static void record_progress(void *ctx, size_t done, size_t total)
{
    progress_log *log = ctx;
    assert_true(log->calls < 8);
    log->done[log->calls] = done;
    log->total = total;
    if (log->pool != NULL)
        log->worker[log->calls] = only_worker(log->pool);
    log->calls++;
}

static void test_garbage_fails_alone(void **state)
{
    (void)state;
    tdir d;
    tdir_make(&d, "ocrpool");
    char bad[128], good[128];
    garbage_file(&d, "rac.png", bad, sizeof bad);
    khai_sinh_page(&d, "ks.png", good, sizeof good);

    ocr_pool *pool = pool_start(1, 120, 10);
    pid_t before = only_worker(pool);
    int pages = 0;
    char err[256] = "";
    assert_int_equal(ocr_pool_count_pages(pool, bad, &pages, err, sizeof err), -1);
    assert_true(err[0] != '\0');

    ocr_page_job jobs[2] = {{.path = bad}, {.path = good}};
    ocr_page_result r[2];
    progress_log log = {0};
    assert_int_equal(ocr_pool_run(pool, jobs, 2, r, record_progress, &log), 1);
    assert_false(r[0].ok);
    assert_non_null(r[0].error);
    assert_non_null(r[0].error_vi);
    assert_non_null(strstr(r[0].error_vi, "Không đọc được"));
    assert_null(r[0].text);
    assert_true(r[1].ok);
    assert_folded_contains(r[1].text, KHAI_SINH_WORDS, 4);
    /* A refused file does not cost the worker. */
    assert_int_equal(only_worker(pool), before);
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.done[0], 1);
    assert_int_equal(log.done[1], 2);
    assert_int_equal(log.total, 2);
    ocr_page_result_clear(&r[0]);
    ocr_page_result_clear(&r[1]);
    ocr_pool_stop(pool);
    tdir_remove(&d);
}

/* ---- pages that trigger the worker's test-only faults ------------------------------- */

/* A page whose name holds a trigger, a garbage file and a good page. */
typedef struct trigger_pages {
    char trigger[128], bad[128], good[128];
} trigger_pages;

static void trigger_pages_make(const tdir *d, const char *trigger, trigger_pages *t)
{
    char name[64];
    snprintf(name, sizeof name, "%s.png", trigger);
    khai_sinh_page(d, name, t->trigger, sizeof t->trigger);
    garbage_file(d, "rac.png", t->bad, sizeof t->bad);
    khai_sinh_page(d, "ks.png", t->good, sizeof t->good);
}

/* A one-worker pool whose worker has env=value: the worker reads its triggers at exec, so
 * the variable is set before the pool starts and cleared after. */
static ocr_pool *pool_with_trigger(const char *env, const char *value, int deadline_s)
{
    assert_int_equal(setenv(env, value, 1), 0);
    ocr_pool *pool = pool_start(1, deadline_s, 10);
    assert_int_equal(unsetenv(env), 0);
    return pool;
}

/* ---- a crashing page ----------------------------------------------------------------- */

static void test_crash_fails_alone(void **state)
{
    (void)state;
    tdir d;
    tdir_make(&d, "ocrpool");
    trigger_pages t;
    trigger_pages_make(&d, "crash-me", &t);
    ocr_pool *pool = pool_with_trigger(OCR_WORKER_CRASH_ENV, "crash-me", 120);
    pid_t before = only_worker(pool);

    ocr_page_job jobs[3] = {{.path = t.trigger}, {.path = t.bad}, {.path = t.good}};
    ocr_page_result r[3];
    assert_int_equal(ocr_pool_run(pool, jobs, 3, r, NULL, NULL), 2);
    assert_false(r[0].ok);
    assert_non_null(strstr(r[0].error, "worker"));
    assert_non_null(strstr(r[0].error, "crash-me.png"));
    assert_non_null(strstr(r[0].error_vi, "dừng đột ngột"));
    /* The next pages went to a new worker and were treated on their own merits. */
    assert_false(r[1].ok);
    assert_non_null(strstr(r[1].error_vi, "Không đọc được"));
    assert_true(r[2].ok);
    assert_folded_contains(r[2].text, KHAI_SINH_WORDS, 4);
    assert_true(only_worker(pool) != before);
    for (int i = 0; i < 3; i++)
        ocr_page_result_clear(&r[i]);
    ocr_pool_stop(pool);
    tdir_remove(&d);
}

/* ---- the per-page callback ----------------------------------------------------------- */

/* What ocr_pool_run_each told the callback. */
typedef struct done_log {
    ocr_page_result *results;
    size_t n;
    size_t calls;
    int times[8];        /* calls per index */
    bool ok[8];          /* the result's ok as reported */
    char text[8][256];   /* folded text of a recognised page, as reported */
    size_t order[8];     /* indexes in the order reported */
    size_t stop_at;      /* return false at this call (1-based); 0: never */
} done_log;

/* Records the call, checks the result is final and is results[index], then clears it (the
 * pool must not need it afterwards). */
static bool record_done(void *ctx, size_t index, ocr_page_result *r)
{
    done_log *log = ctx;
    assert_true(index < log->n);
    assert_true(log->calls < 8);
    assert_ptr_equal(r, &log->results[index]);
    if (r->ok) {
        assert_non_null(r->text);
        char *folded = fold_text(r->text);
        assert_non_null(folded);
        snprintf(log->text[index], sizeof log->text[index], "%s", folded);
        free(folded);
    } else {
        assert_non_null(r->error);
        assert_non_null(r->error_vi);
    }
    log->times[index]++;
    log->ok[index] = r->ok;
    log->order[log->calls++] = index;
    ocr_page_result_clear(r);
    return log->stop_at == 0 || log->calls < log->stop_at;
}

static void test_run_each_reports_every_page(void **state)
{
    (void)state;
    tdir d;
    tdir_make(&d, "ocrpool");
    trigger_pages t;
    trigger_pages_make(&d, "crash-me", &t);
    ocr_pool *pool = pool_with_trigger(OCR_WORKER_CRASH_ENV, "crash-me", 120);

    /* A refused page, a page whose worker crashes, a good page: each reported once, with
     * its own index, as it finishes (one worker: in order). */
    ocr_page_job jobs[3] = {{.path = t.bad}, {.path = t.trigger}, {.path = t.good}};
    ocr_page_result r[3];
    done_log log = {.results = r, .n = 3};
    /* Failures are counted before the callback clears the results. */
    assert_int_equal(ocr_pool_run_each(pool, jobs, 3, r, record_done, &log), 2);
    assert_int_equal(log.calls, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(log.times[i], 1);
        assert_int_equal(log.order[i], i);
        assert_null(r[i].text); /* cleared in the callback, untouched after */
        assert_null(r[i].error);
    }
    assert_false(log.ok[0]);
    assert_false(log.ok[1]);
    assert_true(log.ok[2]);
    assert_non_null(strstr(log.text[2], "dang ky khai sinh"));

    /* No page: no call. */
    done_log none = {.results = r, .n = 0};
    assert_int_equal(ocr_pool_run_each(pool, jobs, 0, r, record_done, &none), 0);
    assert_int_equal(none.calls, 0);
    ocr_pool_stop(pool);
    tdir_remove(&d);
}

static void test_run_each_stops(void **state)
{
    (void)state;
    tdir d;
    tdir_make(&d, "ocrpool");
    char bad[128];
    garbage_file(&d, "rac.png", bad, sizeof bad);
    /* Two workers: pages 0 and 1 go out together. The callback stops the run at the first
     * page it hears of; the other page in flight is still reported, pages 2 and 3 never run. */
    ocr_pool *pool = pool_start(2, 120, 10);
    ocr_page_job jobs[4] = {{.path = bad}, {.path = bad}, {.path = bad}, {.path = bad}};
    ocr_page_result r[4];
    done_log log = {.results = r, .n = 4, .stop_at = 1};
    assert_int_equal(ocr_pool_run_each(pool, jobs, 4, r, record_done, &log), 4);
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.times[0], 1);
    assert_int_equal(log.times[1], 1);
    assert_int_equal(log.times[2] + log.times[3], 0);
    for (size_t i = 2; i < 4; i++) {
        assert_false(r[i].ok);
        assert_non_null(strstr(r[i].error, "not run"));
        assert_non_null(strstr(r[i].error_vi, "chưa được nhận dạng"));
        ocr_page_result_clear(&r[i]);
    }
    /* The pool goes on working after a stopped run. */
    log = (done_log){.results = r, .n = 1};
    assert_int_equal(ocr_pool_run_each(pool, jobs, 1, r, record_done, &log), 1);
    assert_int_equal(log.times[0], 1);
    ocr_pool_stop(pool);
    tdir_remove(&d);
}

/* ---- a hanging page past its deadline ------------------------------------------------ */

static void test_deadline_kills_and_recovers(void **state)
{
    (void)state;
    tdir d;
    tdir_make(&d, "ocrpool");
    trigger_pages t;
    trigger_pages_make(&d, "sleepy", &t);
    ocr_pool *pool = pool_with_trigger(OCR_WORKER_SLEEP_ENV, "sleepy", 1);
    pid_t before = only_worker(pool);

    /* After the hanging page, a page that needs no recognition (so the 1 s deadline
     * cannot be what fails it): it must fail for its own reason, from a new worker. */
    ocr_page_job jobs[2] = {{.path = t.trigger}, {.path = t.bad}};
    ocr_page_result r[2];
    assert_int_equal(ocr_pool_run(pool, jobs, 2, r, NULL, NULL), 2);
    assert_false(r[0].ok);
    assert_non_null(strstr(r[0].error_vi, "Quá thời gian xử lý trang"));
    assert_non_null(strstr(r[0].error, "deadline"));
    assert_false(r[1].ok);
    assert_non_null(strstr(r[1].error_vi, "Không đọc được"));
    ocr_page_result_clear(&r[0]);
    ocr_page_result_clear(&r[1]);

    pid_t after = only_worker(pool);
    assert_true(after != before);
    assert_int_equal(kill(before, 0), -1); /* killed and reaped */
    int pages = 0;
    char err[256] = "";
    assert_int_equal(ocr_pool_count_pages(pool, t.good, &pages, err, sizeof err), 0);
    assert_int_equal(pages, 1);
    ocr_pool_stop(pool);
    tdir_remove(&d);
}

/* ---- the workers' environment -------------------------------------------------------- */

/* Whether the NUL-separated environment of pid holds exactly `entry`; fails the
 * test if another value of the same variable is there. */
static int environ_has(pid_t pid, const char *entry)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/environ", (long)pid);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    size_t name_len = (size_t)(strchr(entry, '=') - entry) + 1;
    int found = 0;
    for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
        if (strncmp(buf + i, entry, name_len) != 0)
            continue;
        assert_string_equal(buf + i, entry);
        found++;
    }
    return found;
}

static void test_worker_environment(void **state)
{
    (void)state;
    /* Our own OMP_THREAD_LIMIT must not leak into the workers. */
    assert_int_equal(setenv("OMP_THREAD_LIMIT", "4", 1), 0);
    ocr_pool *pool = pool_start(2, 120, 10);
    assert_int_equal(unsetenv("OMP_THREAD_LIMIT"), 0);
    pid_t pids[4];
    assert_int_equal(ocr_pool_worker_pids(pool, pids, 4), 2);
    for (int i = 0; i < 2; i++) {
        assert_true(pids[i] != getpid());
        assert_int_equal(environ_has(pids[i], "OMP_THREAD_LIMIT=1"), 1);
    }
    ocr_pool_stop(pool);
    for (int i = 0; i < 2; i++)
        assert_int_equal(kill(pids[i], 0), -1); /* stopped and reaped */
}

/* ---- workers that cannot start ------------------------------------------------------- */

static void test_start_failures(void **state)
{
    (void)state;
    char wp[256];
    worker_path(wp, sizeof wp);
    char err[512] = "";
    /* Engines that cannot load: the worker's own reason comes back. */
    ocr_pool_options opt = {.workers = 1, .worker_path = wp, .languages = "xyz"};
    assert_null(ocr_pool_start(&opt, err, sizeof err));
    assert_non_null(strstr(err, "xyz"));
    /* No worker program at all. */
    ocr_pool_options none = {.workers = 1, .worker_path = "/nonexistent/motcua-scan-worker"};
    err[0] = '\0';
    assert_null(ocr_pool_start(&none, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/motcua-scan-worker"));
    ocr_pool_stop(NULL);
}

/* ---- recycling, then dossier.pdf from the pages -------------------------------------- */

static const char *const RECYCLE_TITLES[3] = {"GIẤY CHỨNG SINH", "SỔ HỘ KHẨU", "CĂN CƯỚC CÔNG DÂN"};
static const char *const RECYCLE_FOLDED[3] = {"giay chung sinh", "so ho khau", "can cuoc cong dan"};

static void test_recycle_and_merge(void **state)
{
    (void)state;
    tdir d;
    tdir_make(&d, "ocrpool");
    char png[3][128], pdf[3][128];
    ocr_page_job jobs[3];
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "p%d.png", i + 1);
        tdir_file(&d, name, png[i], sizeof png[i]);
        render_page(png[i], &RECYCLE_TITLES[i], 1);
        snprintf(name, sizeof name, "p%d.pdf", i + 1);
        tdir_file(&d, name, pdf[i], sizeof pdf[i]);
        jobs[i] = (ocr_page_job){.path = png[i], .pdf_out = pdf[i]};
    }
    ocr_pool *pool = pool_start(1, 120, 1);
    ocr_page_result r[3];
    progress_log log = {.pool = pool};
    assert_int_equal(ocr_pool_run(pool, jobs, 3, r, record_progress, &log), 0);
    assert_int_equal(log.calls, 3);
    for (int i = 0; i < 3; i++) {
        assert_true(r[i].ok);
        assert_folded_contains(r[i].text, &RECYCLE_FOLDED[i], 1);
        ocr_page_result_clear(&r[i]);
    }
    /* One worker per page. */
    assert_true(log.worker[0] != log.worker[1]);
    assert_true(log.worker[1] != log.worker[2]);
    assert_true(log.worker[0] != log.worker[2]);
    ocr_pool_stop(pool);

    char out[128];
    tdir_file(&d, "dossier.pdf", out, sizeof out);
    const char *inputs[3] = {pdf[0], pdf[1], pdf[2]};
    char err[512] = "";
    assert_int_equal(pdf_merge(inputs, 3, out, err, sizeof err), 0);
    char *uri = g_filename_to_uri(out, NULL, NULL);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, NULL);
    assert_non_null(doc);
    assert_int_equal(poppler_document_get_n_pages(doc), 3);
    for (int i = 0; i < 3; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *text = poppler_page_get_text(page);
        assert_folded_contains(text, &RECYCLE_FOLDED[i], 1);
        g_free(text);
        g_object_unref(page);
    }
    g_object_unref(doc);
    g_free(uri);
    tdir_remove(&d);
}

/* Releases the font caches pango, cairo and fontconfig keep, so valgrind sees no loss. */
static int release_fonts(void **state)
{
    (void)state;
    forms_release_font_caches();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protocol_frames),
        cmocka_unit_test(test_languages_valid),
        cmocka_unit_test(test_protocol_bad_frames),
        cmocka_unit_test(test_worker_environment),
        cmocka_unit_test(test_start_failures),
        cmocka_unit_test(test_vietnamese_page),
        cmocka_unit_test(test_blank_page_flagged_not_read),
        cmocka_unit_test(test_garbage_fails_alone),
        cmocka_unit_test(test_crash_fails_alone),
        cmocka_unit_test(test_run_each_reports_every_page),
        cmocka_unit_test(test_run_each_stops),
        cmocka_unit_test(test_deadline_kills_and_recovers),
        cmocka_unit_test(test_recycle_and_merge),
    };
    return cmocka_run_group_tests(tests, NULL, release_fonts);
}
