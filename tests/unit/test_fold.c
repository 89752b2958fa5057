/* Unit tests for fold_text: Vietnamese case and diacritic folding for search. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fold.h"

/* Folds `in` and checks it equals `want` (want NULL: the fold must fail). */
static void check_fold(const char *in, const char *want)
{
    char *got = fold_text(in);
    if (want == NULL) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_fold_vietnamese_phrase(void **state)
{
    (void)state;
    check_fold("Đăng ký khai sinh", "dang ky khai sinh");
    check_fold("Đăng ký  KHAI-SINH", "dang ky khai sinh");
    check_fold("Cấp Giấy chứng nhận quyền sử dụng đất", "cap giay chung nhan quyen su dung dat");
    check_fold("Hộ tịch", "ho tich");
}

static void test_fold_equal_to_plain(void **state)
{
    (void)state;
    char *a = fold_text("Đăng ký khai sinh");
    char *b = fold_text("dang ky khai sinh");
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void test_fold_nfd_input(void **state)
{
    (void)state;
    /* "Việt" written decomposed: e + U+0323 dot below + U+0302 circumflex. */
    check_fold("Vi\x65\xcc\xa3\xcc\x82t", "viet");
    /* "ký" with a combining acute on y. */
    check_fold("ky\xcc\x81", "ky");
    /* NFC and NFD spellings fold the same. */
    char *nfc = fold_text("Nguyễn");
    char *nfd = fold_text("Nguye\xcc\x82\xcc\x83n");
    assert_non_null(nfc);
    assert_non_null(nfd);
    assert_string_equal(nfc, nfd);
    assert_string_equal(nfc, "nguyen");
    free(nfc);
    free(nfd);
}

static void test_fold_uppercase_horn_and_stroke(void **state)
{
    (void)state;
    check_fold("ƯỚC", "uoc");
    check_fold("ƠN", "on");
    check_fold("ĐỒNG", "dong");
    check_fold("đ", "d");
    check_fold("Đ", "d");
    check_fold("TRƯỜNG ĐẠI HỌC", "truong dai hoc");
}

static void test_fold_punctuation_and_space(void **state)
{
    (void)state;
    check_fold("  ...khai -- sinh!!  ", "khai sinh");
    check_fold("a,b;c\t\nd", "a b c d");
    check_fold("1.001193", "1 001193");
    check_fold("khai_sinh", "khai sinh");
    check_fold("", "");
    check_fold("   ", "");
    check_fold("--", "");
}

static void test_fold_keeps_digits_and_ascii(void **state)
{
    (void)state;
    check_fold("Luật số 60/2014/QH13", "luat so 60 2014 qh13");
    check_fold("abc", "abc");
}

static void test_fold_invalid_utf8(void **state)
{
    (void)state;
    check_fold("abc\xff", NULL);
    check_fold("\xc3", NULL);           /* truncated sequence */
    check_fold("\xed\xa0\x80", NULL);   /* surrogate */
    check_fold("\xc0\xaf", NULL);       /* overlong */
    assert_null(fold_text(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold_vietnamese_phrase),
        cmocka_unit_test(test_fold_equal_to_plain),
        cmocka_unit_test(test_fold_nfd_input),
        cmocka_unit_test(test_fold_uppercase_horn_and_stroke),
        cmocka_unit_test(test_fold_punctuation_and_space),
        cmocka_unit_test(test_fold_keeps_digits_and_ascii),
        cmocka_unit_test(test_fold_invalid_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
