/* Unit tests for the Vietnamese lunar calendar: published dates, leap months, invariants 1900–2199. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lunar.h"

static vn_date solar_of(int year, int month, int day, bool leap)
{
    lunar_date ld = {.year = year, .month = month, .day = day, .leap = leap};
    vn_date d = 0;
    if (!lunar_to_solar(&ld, &d))
        fail_msg("lunar %d/%d%s/%d does not exist", day, month, leap ? "+" : "", year);
    return d;
}

static void assert_lunar(vn_date d, int year, int month, int day, bool leap)
{
    lunar_date ld;
    if (!lunar_from_solar(d, &ld))
        fail_msg("no lunar date for %d", d);
    if (ld.year != year || ld.month != month || ld.day != day || ld.leap != leap)
        fail_msg("%d: got %d/%d%s/%d, want %d/%d%s/%d", d, ld.day, ld.month, ld.leap ? "+" : "",
                 ld.year, day, month, leap ? "+" : "", year);
}

static void test_julian_day_numbers(void **state)
{
    (void)state;
    assert_int_equal(lunar_jdn(20000101), 2451545); /* J2000 */
    assert_int_equal(lunar_jdn(19700101), 2440588); /* Unix epoch */
    assert_int_equal(lunar_jdn(18581117), 2400001); /* MJD epoch + 1 */
    assert_int_equal(lunar_jdn_to_date(2451545), 20000101);
    assert_int_equal(lunar_jdn_to_date(2460000), 20230224);
    for (long j = lunar_jdn(18991201); j <= lunar_jdn(22010131); j++)
        if (lunar_jdn(lunar_jdn_to_date(j)) != j)
            fail_msg("JDN %ld does not round-trip", j);
}

/* Tết (lunar 1/1) and Giỗ Tổ Hùng Vương (lunar 10/3) as published in Vietnamese calendars. */
static void test_published_tet_and_hung_kings(void **state)
{
    (void)state;
    static const struct {
        int year;
        vn_date tet, hung;
    } published[] = {
        {2022, 20220201, 20220410}, {2023, 20230122, 20230429}, {2024, 20240210, 20240418},
        {2025, 20250129, 20250407}, {2026, 20260217, 20260426}, {2027, 20270206, 20270416},
    };
    for (size_t i = 0; i < sizeof published / sizeof published[0]; i++) {
        assert_int_equal(solar_of(published[i].year, 1, 1, false), published[i].tet);
        assert_int_equal(solar_of(published[i].year, 3, 10, false), published[i].hung);
        assert_lunar(published[i].tet, published[i].year, 1, 1, false);
        assert_lunar(published[i].hung, published[i].year, 3, 10, false);
    }
}

/* Years where UTC+7 gives another day than China's UTC+8 calendar. */
static void test_vietnam_time_zone_differences(void **state)
{
    (void)state;
    assert_int_equal(solar_of(1985, 1, 1, false), 19850121); /* China: 1985-02-20 */
    assert_int_equal(solar_of(2007, 1, 1, false), 20070217); /* China: 2007-02-18 */
    assert_int_equal(solar_of(1968, 1, 1, false), 19680129); /* China: 1968-01-30 */
}

static void test_leap_months(void **state)
{
    (void)state;
    assert_int_equal(lunar_leap_month(2012), 4);
    assert_int_equal(lunar_leap_month(2014), 9);
    assert_int_equal(lunar_leap_month(2017), 6);
    assert_int_equal(lunar_leap_month(2020), 4);
    assert_int_equal(lunar_leap_month(2023), 2);
    assert_int_equal(lunar_leap_month(2025), 6);
    assert_int_equal(lunar_leap_month(2033), 11); /* Vietnam's calendar; China's is disputed */
    assert_int_equal(lunar_leap_month(2024), 0);
    assert_int_equal(lunar_leap_month(2026), 0);
    assert_int_equal(lunar_leap_month(2027), 0);
    assert_int_equal(lunar_leap_month(1899), -1);
    assert_int_equal(lunar_leap_month(2200), -1);

    /* 2023: 2nd month from 20 Feb, leap 2nd from 22 Mar, 3rd from 20 Apr. */
    assert_int_equal(solar_of(2023, 2, 1, false), 20230220);
    assert_int_equal(solar_of(2023, 2, 1, true), 20230322);
    assert_int_equal(solar_of(2023, 3, 1, false), 20230420);
    assert_lunar(20230322, 2023, 2, 1, true);
    assert_lunar(20230321, 2023, 2, 30, false);
    /* 2025: leap 6th month from 25 Jul; Vu Lan (15/7) on 6 Sep, Trung thu (15/8) on 6 Oct. */
    assert_int_equal(solar_of(2025, 6, 1, false), 20250625);
    assert_int_equal(solar_of(2025, 6, 1, true), 20250725);
    assert_int_equal(solar_of(2025, 7, 15, false), 20250906);
    assert_int_equal(solar_of(2025, 8, 15, false), 20251006);
    /* 2020: 4th month from 23 Apr (Phật đản 15/4 on 7 May), leap 4th from 23 May. */
    assert_int_equal(solar_of(2020, 4, 15, false), 20200507);
    assert_int_equal(solar_of(2020, 4, 1, true), 20200523);
    /* Trung thu 2024 and the last day of the Quý Mão year. */
    assert_lunar(20240917, 2024, 8, 15, false);
    assert_lunar(20240209, 2023, 12, 30, false);
    assert_lunar(20250128, 2024, 12, 29, false);
}

static void test_invalid_input_leaves_out(void **state)
{
    (void)state;
    vn_date d = 42;
    lunar_date ld = {.year = 2024, .month = 2, .day = 1, .leap = true}; /* 2024 has no leap */
    assert_false(lunar_to_solar(&ld, &d));
    ld = (lunar_date){.year = 2023, .month = 3, .day = 1, .leap = true}; /* 2023's leap is 2 */
    assert_false(lunar_to_solar(&ld, &d));
    ld = (lunar_date){.year = 2024, .month = 12, .day = 30, .leap = false}; /* 29-day month */
    assert_int_equal(lunar_month_days(2024, 12, false), 29);
    assert_false(lunar_to_solar(&ld, &d));
    const lunar_date bad[] = {
        {2024, 0, 1, false}, {2024, 13, 1, false}, {2024, 1, 0, false},
        {2024, 1, 31, false}, {1899, 1, 1, false}, {2200, 1, 1, false},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(lunar_to_solar(&bad[i], &d));
    assert_false(lunar_to_solar(NULL, &d));
    assert_int_equal(d, 42);

    lunar_date out = {.year = 7, .month = 7, .day = 7, .leap = true};
    const vn_date bad_solar[] = {20230229, 20231301, 20230100, 18991231, 22000101, 0};
    for (size_t i = 0; i < sizeof bad_solar / sizeof bad_solar[0]; i++)
        assert_false(lunar_from_solar(bad_solar[i], &out));
    assert_int_equal(out.year, 7);
    assert_int_equal(out.day, 7);
    assert_int_equal(lunar_month_days(2023, 3, true), 0);
}

/* The range ends: 1900-01-01 lies in the last month of lunar 1899, and converts back. */
static void test_range_ends(void **state)
{
    (void)state;
    lunar_date ld;
    assert_true(lunar_from_solar(19000101, &ld));
    assert_int_equal(ld.year, 1899);
    assert_int_equal(ld.month, 12);
    vn_date back = 0;
    assert_true(lunar_to_solar(&ld, &back));
    assert_int_equal(back, 19000101);
    assert_int_equal(solar_of(1900, 1, 1, false), 19000131);
    assert_true(lunar_from_solar(21991231, &ld));
    assert_true(lunar_to_solar(&ld, &back));
    assert_int_equal(back, 21991231);
    /* Lunar 1899 before 1900-01-01 is outside the range. */
    ld = (lunar_date){.year = 1899, .month = 11, .day = 1, .leap = false};
    back = 5;
    assert_false(lunar_to_solar(&ld, &back));
    assert_int_equal(back, 5);
}

/* Every month of every supported year: months of 29 or 30 days that follow each other
 * without gap, one leap month at most (only in the year lunar_leap_month names), Tết
 * between 21 Jan and 20 Feb, and both conversions agree on each month's first and last days. */
static void test_invariants_1900_2199(void **state)
{
    (void)state;
    long prev_end = 0; /* JDN after the last day of the previous month */
    for (int y = 1900; y <= 2199; y++) {
        int leap = lunar_leap_month(y);
        assert_true(leap >= 0 && leap <= 12);
        vn_date tet = solar_of(y, 1, 1, false);
        assert_true(tet >= y * 10000 + 121 && tet <= y * 10000 + 220);
        int months = 0;
        for (int m = 1; m <= 12; m++) {
            for (int l = 0; l <= 1; l++) {
                bool is_leap = l == 1;
                int days = lunar_month_days(y, m, is_leap);
                if (is_leap && m != leap) {
                    assert_int_equal(days, 0);
                    continue;
                }
                if (days != 29 && days != 30)
                    fail_msg("%d month %d%s has %d days", y, m, is_leap ? "+" : "", days);
                months++;
                vn_date first = solar_of(y, m, 1, is_leap);
                vn_date last = solar_of(y, m, days, is_leap);
                long j = lunar_jdn(first);
                if (prev_end != 0 && j != prev_end)
                    fail_msg("%d month %d%s starts at %d, not after the previous month", y, m,
                             is_leap ? "+" : "", first);
                prev_end = j + days;
                assert_int_equal(lunar_jdn(last), j + days - 1);
                if (first <= 21991231)
                    assert_lunar(first, y, m, 1, is_leap);
                if (last <= 21991231)
                    assert_lunar(last, y, m, days, is_leap);
            }
        }
        assert_int_equal(months, leap == 0 ? 12 : 13);
    }
}

/* Day by day over three years: each day is the next day of the same month or day 1 of
 * the following month, and converts back to itself. */
static void test_day_by_day_2023_2025(void **state)
{
    (void)state;
    lunar_date prev;
    assert_true(lunar_from_solar(20230101, &prev));
    for (long j = lunar_jdn(20230102); j <= lunar_jdn(20251231); j++) {
        vn_date d = lunar_jdn_to_date(j);
        lunar_date cur;
        assert_true(lunar_from_solar(d, &cur));
        if (cur.day == 1) {
            assert_true(prev.day == 29 || prev.day == 30);
        } else {
            assert_int_equal(cur.day, prev.day + 1);
            assert_int_equal(cur.month, prev.month);
            assert_int_equal(cur.leap, prev.leap);
        }
        vn_date back = 0;
        assert_true(lunar_to_solar(&cur, &back));
        assert_int_equal(back, d);
        prev = cur;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_julian_day_numbers),
        cmocka_unit_test(test_published_tet_and_hung_kings),
        cmocka_unit_test(test_vietnam_time_zone_differences),
        cmocka_unit_test(test_leap_months),
        cmocka_unit_test(test_invalid_input_leaves_out),
        cmocka_unit_test(test_range_ends),
        cmocka_unit_test(test_invariants_1900_2199),
        cmocka_unit_test(test_day_by_day_2023_2025),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
