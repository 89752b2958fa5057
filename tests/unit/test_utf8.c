/* Unit tests for core/utf8: cuts that would split a character drop it whole. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "utf8.h"

/* "Quét" is Q u (2 bytes: é) t; "ệ" is 3 bytes; U+1F4C4 is 4. */
static void test_copy_never_splits(void **state)
{
    (void)state;
    char buf[5];
    utf8_copy(buf, sizeof buf, "Quét"); /* 5 bytes + NUL: the cut falls after "Qué" */
    assert_string_equal(buf, "Qué");
    utf8_copy(buf, 4, "Quét");          /* 3 bytes fit: "Qu" + half of é -> "Qu" */
    assert_string_equal(buf, "Qu");
    char three[4];
    utf8_copy(three, sizeof three, "aệb"); /* a + 2 of ệ's 3 bytes -> "a" */
    assert_string_equal(three, "a");
    char four[6];
    utf8_copy(four, sizeof four, "ab\xF0\x9F\x93\x84"); /* a b + 3 of 4 bytes -> "ab" */
    assert_string_equal(four, "ab");
    char whole[16];
    utf8_copy(whole, sizeof whole, "Máy quét");
    assert_string_equal(whole, "Máy quét");
    utf8_copy(whole, sizeof whole, NULL);
    assert_string_equal(whole, "");
}

/* Complete text is left alone, whatever its last character. */
static void test_drop_partial_keeps_complete_text(void **state)
{
    (void)state;
    char s[32];
    strcpy(s, "Hạnh phúc");
    assert_int_equal(utf8_drop_partial(s), strlen("Hạnh phúc"));
    strcpy(s, "ệ");
    assert_int_equal(utf8_drop_partial(s), 3);
    strcpy(s, "\xF0\x9F\x93\x84");
    assert_int_equal(utf8_drop_partial(s), 4);
    strcpy(s, "");
    assert_int_equal(utf8_drop_partial(s), 0);
    strcpy(s, "x\xE1\xBB");                 /* ệ cut after 2 bytes */
    assert_int_equal(utf8_drop_partial(s), 1);
    assert_string_equal(s, "x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_never_splits),
        cmocka_unit_test(test_drop_partial_keeps_complete_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
