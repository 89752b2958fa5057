/* Unit tests for SANE capture: picking the backend's spelling of ADF / flatbed / colour /
 * gray from real backends' lists, and the options refused before any device is touched.
 * (Capture through SANE's test and pnm backends: tests/integration/t_capture.sh.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "sane_options.h"

/* The entry sopt_pick_string picks from list for want, or NULL for none. */
static const char *pick(const SANE_String_Const *list, sopt_want want)
{
    int i = sopt_pick_string(list, want);
    return i < 0 ? NULL : list[i];
}

static void test_pick_source(void **state)
{
    (void)state;
    static const SANE_String_Const test_backend[] = {"Flatbed", "Automatic Document Feeder", NULL};
    static const SANE_String_Const fujitsu[] = {"ADF Front", "ADF Back", "ADF Duplex", NULL};
    static const SANE_String_Const brother[] = {"FlatBed", "Automatic Document Feeder(left aligned)",
                                                "Automatic Document Feeder(centrally aligned)", NULL};
    static const SANE_String_Const epson[] = {"Flatbed", "ADF", "ADF Duplex", NULL};
    static const SANE_String_Const duplex_first[] = {"ADF Duplex", "ADF Simplex", NULL};
    static const SANE_String_Const film[] = {"Transparency Unit", "Negative Film", NULL};

    assert_string_equal(pick(test_backend, SOPT_SOURCE_ADF), "Automatic Document Feeder");
    assert_string_equal(pick(test_backend, SOPT_SOURCE_FLATBED), "Flatbed");
    assert_string_equal(pick(fujitsu, SOPT_SOURCE_ADF), "ADF Front");
    assert_null(pick(fujitsu, SOPT_SOURCE_FLATBED));
    assert_string_equal(pick(brother, SOPT_SOURCE_ADF), "Automatic Document Feeder(left aligned)");
    assert_string_equal(pick(brother, SOPT_SOURCE_FLATBED), "FlatBed");
    assert_string_equal(pick(epson, SOPT_SOURCE_ADF), "ADF");
    assert_string_equal(pick(duplex_first, SOPT_SOURCE_ADF), "ADF Simplex");
    assert_null(pick(film, SOPT_SOURCE_ADF));
    assert_null(pick(film, SOPT_SOURCE_FLATBED));
    assert_int_equal(sopt_pick_string(NULL, SOPT_SOURCE_ADF), -1);
}

static void test_pick_mode(void **state)
{
    (void)state;
    static const SANE_String_Const test_backend[] = {"Gray", "Color", NULL};
    static const SANE_String_Const brother[] = {"Black & White", "Gray[Error Diffusion]", "True Gray",
                                                "24bit Color", NULL};
    static const SANE_String_Const british[] = {"Lineart", "Greyscale", "Colour", NULL};
    static const SANE_String_Const lineart[] = {"Lineart", "Halftone", NULL};

    assert_string_equal(pick(test_backend, SOPT_MODE_GRAY), "Gray");
    assert_string_equal(pick(test_backend, SOPT_MODE_COLOR), "Color");
    assert_string_equal(pick(brother, SOPT_MODE_GRAY), "True Gray"); /* not the dithered one */
    assert_string_equal(pick(brother, SOPT_MODE_COLOR), "24bit Color");
    assert_string_equal(pick(british, SOPT_MODE_GRAY), "Greyscale");
    assert_string_equal(pick(british, SOPT_MODE_COLOR), "Colour");
    assert_null(pick(lineart, SOPT_MODE_GRAY));
    assert_null(pick(lineart, SOPT_MODE_COLOR));
}

/* Runs capture_batch with opt and checks it is refused with `want` and no page. */
static void expect_refused(const capture_options *opt, capture_status want)
{
    capture_result r;
    memset(&r, 0x55, sizeof r); /* must be overwritten */
    assert_int_equal(capture_batch(opt, &r, NULL, NULL), -1);
    assert_int_equal(r.status, want);
    assert_int_equal(r.pages, 0);
    assert_true(strlen(r.message_vi) > 10);
    assert_true(strlen(r.detail) > 5);
}

static void test_refused_before_the_device(void **state)
{
    (void)state;
    char dir[] = "/tmp/motcua-capture-XXXXXX";
    assert_non_null(mkdtemp(dir));
    capture_options opt = {.device = "test:0", .out_dir = dir, .resolution = 150};

    expect_refused(&opt, CAPTURE_INVALID);
    capture_result r;
    capture_batch(&opt, &r, NULL, NULL);
    assert_non_null(strstr(r.message_vi, "200 dpi"));
    assert_non_null(strstr(r.detail, "150"));

    opt.resolution = 199;
    expect_refused(&opt, CAPTURE_INVALID);
    opt.resolution = 300;
    opt.source = "tray";
    expect_refused(&opt, CAPTURE_INVALID);
    opt.source = "flatbed";
    opt.mode = "sepia";
    expect_refused(&opt, CAPTURE_INVALID);
    opt.mode = NULL;
    opt.max_pages = -1;
    expect_refused(&opt, CAPTURE_INVALID);
    opt.max_pages = 0;
    opt.device = "";
    expect_refused(&opt, CAPTURE_INVALID);
    opt.device = "test:0";
    static const char *const malformed[] = {"4:read-return-value"};
    opt.device_options = malformed;
    opt.n_device_options = 1;
    expect_refused(&opt, CAPTURE_INVALID);
    static const char *const page_zero[] = {"0:depth=8"};
    opt.device_options = page_zero;
    expect_refused(&opt, CAPTURE_INVALID);
    opt.device_options = NULL;
    opt.n_device_options = 0;

    /* an output folder that cannot be made: an I/O error, still before the device */
    char bad[128];
    snprintf(bad, sizeof bad, "%s/no/such/folder", dir);
    opt.out_dir = bad;
    expect_refused(&opt, CAPTURE_IO_ERROR);

    /* nothing was written into the folder by any of these */
    char probe[128];
    snprintf(probe, sizeof probe, "%s/page-0001.png", dir);
    assert_int_not_equal(access(probe, F_OK), 0);
    assert_int_equal(rmdir(dir), 0);
    capture_shutdown(); /* harmless: SANE was never started */
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(capture_status_name(CAPTURE_OK), "ok");
    assert_string_equal(capture_status_name(CAPTURE_JAMMED), "jammed");
    assert_string_equal(capture_status_name(CAPTURE_COVER_OPEN), "cover_open");
    assert_string_equal(capture_status_name(CAPTURE_BUSY), "busy");
    assert_string_equal(capture_status_name(CAPTURE_NO_DEVICE), "no_device");
    assert_string_equal(capture_status_name(CAPTURE_IO_ERROR), "io_error");
    assert_string_equal(capture_status_name(CAPTURE_INVALID), "invalid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pick_source),
        cmocka_unit_test(test_pick_mode),
        cmocka_unit_test(test_refused_before_the_device),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
