/* Unit tests for vntime: Vietnam's civil date (UTC+7) and YYYY-MM-DD parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vntime.h"

static void test_parse_valid(void **state)
{
    (void)state;
    vn_date d = 0;
    assert_true(vn_date_parse("2025-07-01", &d));
    assert_int_equal(d, 20250701);
    assert_true(vn_date_parse("2024-02-29", &d));
    assert_int_equal(d, 20240229);
    assert_true(vn_date_parse("2000-02-29", &d));
    assert_int_equal(d, 20000229);
    assert_true(vn_date_parse("2025-12-31", &d));
    assert_int_equal(d, 20251231);
    assert_true(vn_date_parse("2025-01-31", &d));
    assert_int_equal(d, 20250131);
}

static void test_parse_invalid_leaves_out(void **state)
{
    (void)state;
    const char *bad[] = {
        "2025-02-29", "1900-02-29", "2025-02-30", "2025-04-31", "2025-13-01", "2025-00-10",
        "2025-01-00", "2025-1-01", "2025-01-1", "25-01-01", "2025/01/01", "2025-01-01 ",
        " 2025-01-01", "2025-01-01T00", "", "abcd-ef-gh", "0000-01-01", "2025-0a-01",
        "+025-01-01", "2025--1-01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vn_date d = 12345;
        if (vn_date_parse(bad[i], &d))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(d, 12345);
    }
    vn_date d = 7;
    assert_false(vn_date_parse(NULL, &d));
    assert_int_equal(d, 7);
}

static void test_format_round_trip(void **state)
{
    (void)state;
    char buf[11];
    vn_date_format(20251122, buf);
    assert_string_equal(buf, "2025-11-22");
    vn_date_format(20240229, buf);
    assert_string_equal(buf, "2024-02-29");
    vn_date_format(10101, buf);
    assert_string_equal(buf, "0001-01-01");
    vn_date d = 0;
    assert_true(vn_date_parse("2030-09-02", &d));
    vn_date_format(d, buf);
    assert_string_equal(buf, "2030-09-02");
}

static void test_date_of_utc_plus_7(void **state)
{
    (void)state;
    /* 2025-11-21 16:59:59 UTC is 23:59:59 in Hanoi; one second later it is the 22nd. */
    time_t t = 1763744399; /* 2025-11-21T16:59:59Z */
    assert_int_equal(vn_date_of(t), 20251121);
    assert_int_equal(vn_date_of(t + 1), 20251122);
    /* 1970-01-01T00:00:00Z is 07:00 on the same day in Vietnam. */
    assert_int_equal(vn_date_of(0), 19700101);
    /* 2024-02-28T17:00:00Z is midnight of the leap day in Vietnam. */
    assert_int_equal(vn_date_of(1709139600), 20240229);
    /* Mid-year: no daylight saving shift. */
    assert_int_equal(vn_date_of(1751302800 - 1), 20250630); /* 2025-06-30T16:59:59Z */
    assert_int_equal(vn_date_of(1751302800), 20250701);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid_leaves_out),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_date_of_utc_plus_7),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
