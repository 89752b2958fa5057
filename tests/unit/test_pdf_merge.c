/* Unit tests for pdf_merge: cairo-made PDFs merged in order with qpdf, read back with poppler;
 * errors leave the output as it was and no temporary file behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo-pdf.h>
#include <dirent.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forms.h"
#include "pdf_merge.h"
#include "test_tmpdir.h"

/* Files in d. */
static int tdir_count(const tdir *d)
{
    DIR *dir = opendir(d->path);
    assert_non_null(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(dir);
    return n;
}

/* Writes a PDF of `pages` A6 pages at path, page k showing "marker-<first + k>". */
static void make_pdf(const char *path, int first, int pages)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, 298, 420);
    cairo_t *cr = cairo_create(s);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 14);
    for (int k = 0; k < pages; k++) {
        char label[32];
        snprintf(label, sizeof label, "marker-%03d", first + k);
        cairo_move_to(cr, 40, 80);
        cairo_show_text(cr, label);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

static PopplerDocument *open_pdf(const char *path)
{
    char *uri = g_filename_to_uri(path, NULL, NULL);
    assert_non_null(uri);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, NULL);
    g_free(uri);
    assert_non_null(doc);
    return doc;
}

/* Asserts that page i of doc shows "marker-<want>". */
static void assert_page_marker(PopplerDocument *doc, int i, int want)
{
    PopplerPage *page = poppler_document_get_page(doc, i);
    assert_non_null(page);
    char *text = poppler_page_get_text(page);
    char label[32];
    snprintf(label, sizeof label, "marker-%03d", want);
    if (strstr(text, label) == NULL)
        fprintf(stderr, "page %d: want %s, got '%s'\n", i, label, text);
    assert_non_null(strstr(text, label));
    g_free(text);
    g_object_unref(page);
}

static void test_merge_in_order(void **state)
{
    (void)state;
    tdir d;
    tdir_make(&d, "pdfmerge");
    char a[128], b[128], c[128], out[128];
    tdir_file(&d, "a.pdf", a, sizeof a);
    tdir_file(&d, "b.pdf", b, sizeof b);
    tdir_file(&d, "c.pdf", c, sizeof c);
    tdir_file(&d, "dossier.pdf", out, sizeof out);
    make_pdf(a, 1, 1);
    make_pdf(b, 2, 2); /* a two-page input brings both pages */
    make_pdf(c, 4, 1);
    const char *inputs[] = {a, b, c};
    char err[512] = "";
    assert_int_equal(pdf_merge(inputs, 3, out, err, sizeof err), 0);
    PopplerDocument *doc = open_pdf(out);
    assert_int_equal(poppler_document_get_n_pages(doc), 4);
    for (int i = 0; i < 4; i++)
        assert_page_marker(doc, i, i + 1);
    g_object_unref(doc);
    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_int_equal(tdir_count(&d), 4); /* the inputs and dossier.pdf, no temporary */

    /* Merging again replaces the output. */
    const char *one[] = {c};
    assert_int_equal(pdf_merge(one, 1, out, err, sizeof err), 0);
    doc = open_pdf(out);
    assert_int_equal(poppler_document_get_n_pages(doc), 1);
    assert_page_marker(doc, 0, 4);
    g_object_unref(doc);
    tdir_remove(&d);
}

/* A failed merge keeps the old output byte for byte and leaves nothing behind. */
static void check_failure_keeps_output(const char *bad_name, int make_garbage)
{
    tdir d;
    tdir_make(&d, "pdfmerge");
    char good[128], bad[128], out[128];
    tdir_file(&d, "good.pdf", good, sizeof good);
    tdir_file(&d, bad_name, bad, sizeof bad);
    tdir_file(&d, "dossier.pdf", out, sizeof out);
    make_pdf(good, 1, 1);
    if (make_garbage) {
        FILE *f = fopen(bad, "wb");
        assert_non_null(f);
        fputs("this is not a PDF at all\n", f);
        assert_int_equal(fclose(f), 0);
    }
    FILE *f = fopen(out, "wb");
    assert_non_null(f);
    fputs("old dossier", f);
    assert_int_equal(fclose(f), 0);
    int files = tdir_count(&d);

    const char *inputs[] = {good, bad};
    char err[512] = "";
    assert_int_equal(pdf_merge(inputs, 2, out, err, sizeof err), -1);
    assert_non_null(strstr(err, bad_name));
    char buf[64] = "";
    f = fopen(out, "rb");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "old dossier");
    assert_int_equal(tdir_count(&d), files);
    tdir_remove(&d);
}

static void test_missing_input(void **state)
{
    (void)state;
    check_failure_keeps_output("missing.pdf", 0);
}

static void test_garbage_input(void **state)
{
    (void)state;
    check_failure_keeps_output("garbage.pdf", 1);
}

static void test_no_inputs(void **state)
{
    (void)state;
    char err[256] = "";
    assert_int_equal(pdf_merge(NULL, 0, "/tmp/motcua-pdfmerge-none.pdf", err, sizeof err), -1);
    assert_true(err[0] != '\0');
    assert_int_equal(access("/tmp/motcua-pdfmerge-none.pdf", F_OK), -1);
}

/* More inputs than one merge group: merged through intermediate parts, in order. */
static void test_many_inputs(void **state)
{
    (void)state;
    enum { N = 261 };
    tdir d;
    tdir_make(&d, "pdfmerge");
    static char names[N][128];
    const char *inputs[N];
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "p%03d.pdf", i);
        tdir_file(&d, name, names[i], sizeof names[i]);
        make_pdf(names[i], i, 1);
        inputs[i] = names[i];
    }
    char out[128];
    tdir_file(&d, "dossier.pdf", out, sizeof out);
    char err[512] = "";
    assert_int_equal(pdf_merge(inputs, N, out, err, sizeof err), 0);
    PopplerDocument *doc = open_pdf(out);
    assert_int_equal(poppler_document_get_n_pages(doc), N);
    const int probes[] = {0, 1, 127, 128, 129, 255, 256, N - 1};
    for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++)
        assert_page_marker(doc, probes[k], probes[k]);
    g_object_unref(doc);
    assert_int_equal(tdir_count(&d), N + 1);
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
        cmocka_unit_test(test_merge_in_order),
        cmocka_unit_test(test_missing_input),
        cmocka_unit_test(test_garbage_input),
        cmocka_unit_test(test_no_inputs),
        cmocka_unit_test(test_many_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, release_fonts);
}
