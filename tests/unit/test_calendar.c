/* Unit tests for the working-day calendar: holidays, overrides, minutes, appointments, deadlines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

#define FIXTURE_2025 "tests/unit/data/calendar_2025.json"
#define SAME_DAY_15H ((calendar_limit){.kind = CALENDAR_LIMIT_SAME_DAY, .value = 15 * 60})

static int setup(void **state)
{
    *state = calendar_new();
    return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    calendar_free(*state);
    return 0;
}

static vn_minute at(const char *text)
{
    vn_minute m = 0;
    if (!calendar_minute_parse(text, &m))
        fail_msg("bad test time \"%s\"", text);
    return m;
}

static void assert_minute(vn_minute got, const char *want)
{
    char buf[17];
    calendar_minute_format(got, buf);
    if (strcmp(buf, want) != 0)
        fail_msg("got %s, want %s", buf, want);
}

/* Every day in [from, to] is (not) a working day. */
static void assert_days(const calendar *cal, vn_date from, vn_date to, bool working)
{
    vn_minute m = calendar_minute_make(from, 12, 0), end = calendar_minute_make(to, 12, 0);
    assert_true(m != CALENDAR_MINUTE_INVALID && end != CALENDAR_MINUTE_INVALID);
    for (; m <= end; m += 1440) {
        vn_date d = calendar_minute_date(m);
        if (calendar_is_working_day(cal, d) != working)
            fail_msg("%d should %sbe a working day", d, working ? "" : "not ");
    }
}

static vn_minute working_days(const calendar *cal, const char *received, int n)
{
    calendar_limit limit = {.kind = CALENDAR_LIMIT_WORKING_DAYS, .value = n};
    return calendar_appointment(cal, at(received), limit);
}

/* ---- vn_minute -------------------------------------------------------------------------- */

static void test_minute_conversions(void **state)
{
    (void)state;
    assert_int_equal(calendar_minute_from_time(0), 7 * 60); /* 07:00 in Hà Nội */
    assert_int_equal(calendar_minute_to_time(7 * 60), 0);
    assert_int_equal(calendar_minute_from_time(59), 7 * 60);
    assert_int_equal(calendar_minute_from_time(-1), 7 * 60 - 1);
    /* 2025-11-22 03:04:05 UTC is 10:04 in Vietnam. */
    vn_minute m = calendar_minute_from_time(1763780645);
    assert_minute(m, "2025-11-22 10:04");
    assert_int_equal(calendar_minute_to_time(m), 1763780640);
    assert_int_equal(calendar_minute_date(m), 20251122);
    assert_int_equal(calendar_minute_of_day(m), 10 * 60 + 4);
    /* 23:30 UTC on 31 Dec is already New Year's morning in Vietnam. */
    assert_int_equal(calendar_minute_date(calendar_minute_from_time(1767223800)), 20260101);
    assert_int_equal(calendar_minute_date(at("1969-12-31 23:59")), 19691231);
    assert_int_equal(calendar_minute_of_day(at("1969-12-31 23:59")), 1439);
}

static void test_minute_parse_and_format(void **state)
{
    (void)state;
    vn_minute a = at("2026-02-13 14:59"), b = at("14:59 13/02/2026");
    assert_int_equal(a, b);
    char buf[17];
    calendar_minute_format_vn(a, buf);
    assert_string_equal(buf, "14:59 13/02/2026");
    calendar_minute_format(a, buf);
    assert_string_equal(buf, "2026-02-13 14:59");
    assert_int_equal(at("2024-02-29 00:00") + 1439, at("23:59 29/02/2024"));
    assert_int_equal(calendar_minute_make(20240229, 23, 59), at("2024-02-29 23:59"));

    const char *bad[] = {
        "2025-02-29 10:00", "2025-13-01 10:00", "2025-01-01 24:00", "2025-01-01 10:60",
        "2025-01-01T10:00", "2025-01-01 10:0", "2025-1-01 10:00", "10:00 1/01/2025",
        "10:00 01-01-2025", "25:00 01/01/2025", "10:00 31/04/2025", "2025-01-01 10:00 ",
        "", "10:00", "2025-01-01", "ab:cd 01/01/2025", "0000-01-01 00:00",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vn_minute m = 77;
        if (calendar_minute_parse(bad[i], &m))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(m, 77);
    }
    vn_minute m = 77;
    assert_false(calendar_minute_parse(NULL, &m));
    assert_true(calendar_minute_make(20250229, 0, 0) == CALENDAR_MINUTE_INVALID);
    assert_true(calendar_minute_make(20250228, 24, 0) == CALENDAR_MINUTE_INVALID);
    assert_true(calendar_minute_make(20250228, 0, -1) == CALENDAR_MINUTE_INVALID);
    calendar_minute_format(CALENDAR_MINUTE_INVALID, buf);
    assert_string_equal(buf, "-");
    assert_int_equal(calendar_minute_date(CALENDAR_MINUTE_INVALID), 0);
    assert_int_equal(calendar_minute_of_day(CALENDAR_MINUTE_INVALID), -1);
}

/* ---- computed holidays -------------------------------------------------------------------- */

static void test_published_lunar_holidays(void **state)
{
    const calendar *cal = *state;
    const vn_date tet[] = {20240210, 20250129, 20260217, 20270206};
    const vn_date hung[] = {20240418, 20250407, 20260426, 20270416};
    for (size_t i = 0; i < 4; i++) {
        assert_false(calendar_is_working_day(cal, tet[i]));
        assert_string_equal(calendar_holiday_name(cal, tet[i]), "Tết Nguyên đán");
        assert_false(calendar_is_working_day(cal, hung[i]));
        assert_string_equal(calendar_holiday_name(cal, hung[i]), "Giỗ Tổ Hùng Vương");
    }
    assert_string_equal(calendar_holiday_name(cal, 20250101), "Tết Dương lịch");
    assert_string_equal(calendar_holiday_name(cal, 20250430), "Ngày Chiến thắng");
    assert_string_equal(calendar_holiday_name(cal, 20250501), "Ngày Quốc tế Lao động");
    assert_string_equal(calendar_holiday_name(cal, 20250902), "Quốc khánh");
    assert_null(calendar_holiday_name(cal, 20250906)); /* an ordinary Saturday */
    assert_null(calendar_holiday_name(cal, 20250905)); /* an ordinary Friday */
    assert_true(calendar_is_working_day(cal, 20250905));
    assert_false(calendar_is_working_day(cal, 20250906));
    assert_false(calendar_is_working_day(cal, 20250907));
    assert_false(calendar_is_working_day(cal, 20250230)); /* not a date */
    assert_null(calendar_holiday_name(cal, 20250230));
}

/* The default Tết span: the last day of the lunar year and 1/1..1/4, with compensatory days
 * for the ones on a weekend. */
static void test_default_tet_span(void **state)
{
    const calendar *cal = *state;
    /* 2025: 28 Jan (29 Chạp) .. 1 Feb (mùng 4, a Saturday) → compensatory Monday 3 Feb. */
    assert_days(cal, 20250127, 20250127, true);
    assert_days(cal, 20250128, 20250202, false);
    assert_string_equal(calendar_holiday_name(cal, 20250203), "Nghỉ bù Tết Nguyên đán");
    assert_days(cal, 20250203, 20250203, false);
    assert_days(cal, 20250204, 20250207, true);
    /* 2026: 16..20 Feb, Monday to Friday, nothing to compensate. */
    assert_days(cal, 20260213, 20260213, true);
    assert_days(cal, 20260214, 20260222, false);
    assert_days(cal, 20260223, 20260227, true);
    /* 2024: 9..13 Feb with Saturday and Sunday inside → 14 and 15 Feb compensatory. */
    assert_days(cal, 20240208, 20240208, true);
    assert_days(cal, 20240209, 20240215, false);
    assert_string_equal(calendar_holiday_name(cal, 20240215), "Nghỉ bù Tết Nguyên đán");
    assert_days(cal, 20240216, 20240216, true);
}

/* Weekend holidays move to the next free weekday; these match what was announced. */
static void test_compensatory_days_match_published_years(void **state)
{
    const calendar *cal = *state;
    /* 2022: Giỗ Tổ on Sunday 10 Apr, compensatory Monday 11 Apr. */
    assert_days(cal, 20220410, 20220411, false);
    assert_string_equal(calendar_holiday_name(cal, 20220411), "Nghỉ bù Giỗ Tổ Hùng Vương");
    assert_days(cal, 20220412, 20220412, true);
    /* 2023: Giỗ Tổ (Sat 29 Apr), 30 Apr (Sun), 1 May (Mon) → off 29 Apr .. 3 May. */
    assert_days(cal, 20230428, 20230428, true);
    assert_days(cal, 20230429, 20230503, false);
    assert_days(cal, 20230504, 20230504, true);
    /* Quốc khánh 2023: 1–4 Sep; 2024: 31 Aug – 3 Sep; 2025: 30 Aug – 2 Sep. */
    assert_days(cal, 20230831, 20230831, true);
    assert_days(cal, 20230901, 20230904, false);
    assert_days(cal, 20230905, 20230905, true);
    assert_days(cal, 20240830, 20240830, true);
    assert_days(cal, 20240831, 20240903, false);
    assert_days(cal, 20240904, 20240904, true);
    assert_days(cal, 20250829, 20250829, true);
    assert_days(cal, 20250830, 20250902, false);
    assert_days(cal, 20250903, 20250903, true);
}

static void test_holiday_list(void **state)
{
    const calendar *cal = *state;
    size_t n = calendar_holidays(cal, 2026, NULL, 0);
    /* 1 Jan, 5 Tết days, Giỗ Tổ (Sunday 26 Apr) + compensatory 27 Apr, 30 Apr, 1 May, 1–2 Sep. */
    assert_int_equal(n, 12);
    calendar_holiday h[12];
    memset(h, 0, sizeof h);
    assert_int_equal(calendar_holidays(cal, 2026, h, 3), 12);
    assert_int_equal(h[0].date, 20260101);
    assert_int_equal(h[1].date, 20260216);
    assert_int_equal(h[3].date, 0); /* nothing written past cap */
    assert_int_equal(calendar_holidays(cal, 2026, h, 12), 12);
    for (size_t i = 1; i < n; i++)
        assert_true(h[i - 1].date < h[i].date);
    assert_int_equal(h[6].date, 20260426);
    assert_int_equal(h[6].kind, CALENDAR_DAY_HOLIDAY);
    assert_int_equal(h[7].date, 20260427);
    assert_int_equal(h[7].kind, CALENDAR_DAY_COMPENSATORY);
    assert_string_equal(h[7].name, "Nghỉ bù Giỗ Tổ Hùng Vương");
    assert_int_equal(h[11].date, 20260902);
    assert_int_equal(calendar_holidays(cal, 1800, NULL, 0), 0);
    /* Outside the computed years only weekends count. */
    assert_true(calendar_is_working_day(cal, 22000101));
}

/* ---- override tables ------------------------------------------------------------------------- */

/* The announced Tết Ất Tỵ span (25 Jan – 2 Feb 2025), with the make-up Saturday 8 Feb. */
static void test_override_file_2025(void **state)
{
    calendar *cal = *state;
    char err[256] = "";
    if (calendar_override_load(cal, FIXTURE_2025, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_days(cal, 20250124, 20250124, true);
    assert_days(cal, 20250125, 20250202, false);
    assert_days(cal, 20250203, 20250207, true);
    assert_days(cal, 20250208, 20250208, true); /* working Saturday */
    assert_days(cal, 20250209, 20250209, false);
    assert_string_equal(calendar_holiday_name(cal, 20250127), "Tết Ất Tỵ");
    assert_string_equal(calendar_holiday_name(cal, 20250129), "Tết Ất Tỵ");
    assert_null(calendar_holiday_name(cal, 20250203)); /* removed compensatory day */
    assert_null(calendar_holiday_name(cal, 20250208));
    /* Other holidays of 2025 are still computed. */
    assert_false(calendar_is_working_day(cal, 20250407));

    calendar_holiday h[32];
    size_t n = calendar_holidays(cal, 2025, h, 32);
    assert_true(n <= 32);
    size_t off = 0, work = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(h[i].date != 20250203);
        off += h[i].kind == CALENDAR_DAY_OFF;
        if (h[i].kind == CALENDAR_DAY_WORK) {
            work++;
            assert_int_equal(h[i].date, 20250208);
            assert_string_equal(h[i].name, "Làm bù ngày 27/01/2025");
        }
    }
    assert_int_equal(off, 9);
    assert_int_equal(work, 1);

    /* A year is loaded once. */
    err[0] = '\0';
    assert_int_equal(calendar_override_load(cal, FIXTURE_2025, err, sizeof err), -1);
    assert_non_null(strstr(err, "2025"));
}

/* 2024: Monday 29 Apr swapped with Saturday 4 May (27 Apr – 1 May off). */
static void test_override_swap_2024(void **state)
{
    calendar *cal = *state;
    assert_true(calendar_is_working_day(cal, 20240429));
    assert_false(calendar_is_working_day(cal, 20240504));
    char err[256];
    const char *table = "{\"2024\": ["
                        "{\"date\": \"2024-04-29\", \"kind\": \"off\", \"name\": \"Nghỉ hoán đổi\"},"
                        "{\"date\": \"2024-05-04\", \"kind\": \"work\"}]}";
    if (calendar_override_text(cal, table, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_days(cal, 20240426, 20240426, true);
    assert_days(cal, 20240427, 20240501, false);
    assert_days(cal, 20240502, 20240504, true);
    assert_string_equal(calendar_holiday_name(cal, 20240429), "Nghỉ hoán đổi");
    assert_null(calendar_holiday_name(cal, 20240504));
    /* A "work" entry without a name gets the default name in the list. */
    calendar_holiday h[32];
    size_t n = calendar_holidays(cal, 2024, h, 32);
    bool found = false;
    for (size_t i = 0; i < n && i < 32; i++)
        if (h[i].date == 20240504) {
            found = true;
            assert_int_equal(h[i].kind, CALENDAR_DAY_WORK);
            assert_string_equal(h[i].name, "Ngày làm việc bù");
        }
    assert_true(found);
    /* Several years in one table, next to the 2024 one already loaded. */
    if (calendar_override_text(cal, "{\"2021\": [{\"date\": \"2021-09-01\", \"kind\": \"remove\"},"
                                    "{\"date\": \"2021-09-03\", \"kind\": \"off\","
                                    " \"name\": \"Quốc khánh\"}], \"2030\": []}",
                               err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_true(calendar_is_working_day(cal, 20210901));
    assert_false(calendar_is_working_day(cal, 20210903));
    assert_false(calendar_is_working_day(cal, 20240429)); /* still there */
}

static void test_override_rejects_bad_tables(void **state)
{
    calendar *cal = *state;
    static const struct {
        const char *text, *needle;
    } bad[] = {
        {"not json", "override text"},
        {"[]", "object keyed by year"},
        {"{\"25\": []}", "not a year"},
        {"{\"1899\": []}", "not a year"},
        {"{\"2200\": []}", "not a year"},
        {"{\"2025\": {}}", "array"},
        {"{\"2025\": [1]}", "object"},
        {"{\"2025\": [{\"date\": \"2025-02-30\", \"kind\": \"off\", \"name\": \"x\"}]}", "date"},
        {"{\"2025\": [{\"date\": \"2026-01-01\", \"kind\": \"off\", \"name\": \"x\"}]}", "not in 2025"},
        {"{\"2025\": [{\"date\": \"2025-03-03\", \"kind\": \"holiday\", \"name\": \"x\"}]}", "kind"},
        {"{\"2025\": [{\"date\": \"2025-03-03\", \"kind\": \"off\"}]}", "needs a \"name\""},
        {"{\"2025\": [{\"date\": \"2025-03-03\", \"kind\": \"off\", \"name\": \"\"}]}", "name"},
        {"{\"2025\": [{\"date\": \"2025-03-03\", \"kind\": \"off\", \"name\": 5}]}", "name"},
        {"{\"2025\": [{\"date\": \"2025-03-03\", \"kind\": \"work\", \"note\": 5}]}", "note"},
        {"{\"2025\": [{\"date\": \"2025-03-03\", \"kind\": \"work\", \"day\": 1}]}", "unknown key"},
        {"{\"2025\": [{\"date\": \"2025-03-03\", \"kind\": \"remove\"}]}", "no computed holiday"},
        {"{\"2025\": [{\"date\": \"2025-04-07\", \"kind\": \"remove\", \"name\": \"x\"}]}", "no \"name\""},
        {"{\"2025\": [{\"date\": \"2025-03-03\", \"kind\": \"work\"},"
         " {\"date\": \"2025-03-03\", \"kind\": \"work\"}]}", "more than once"},
        {"{\"2025\": [], \"2025\": []}", "override text"},
        /* A good entry followed by a bad one: nothing of the table applies. */
        {"{\"2025\": [{\"date\": \"2025-03-03\", \"kind\": \"off\", \"name\": \"x\"},"
         " {\"date\": \"2025-03-04\"}]}", "2025[1]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[256] = "";
        if (calendar_override_text(cal, bad[i].text, err, sizeof err) != -1)
            fail_msg("accepted %s", bad[i].text);
        if (strstr(err, bad[i].needle) == NULL)
            fail_msg("error for %s is \"%s\", expected to mention \"%s\"", bad[i].text, err,
                     bad[i].needle);
    }
    assert_true(calendar_is_working_day(cal, 20250303));
    assert_false(calendar_is_working_day(cal, 20250407));
    assert_int_equal(calendar_override_text(cal, NULL, NULL, 0), -1);
    char err[256] = "";
    assert_int_equal(calendar_override_load(cal, "tests/unit/data/no-such-file.json", err,
                                            sizeof err), -1);
    assert_non_null(strstr(err, "no-such-file.json"));
    /* After all those failures 2025 can still be loaded. */
    assert_int_equal(calendar_override_load(cal, FIXTURE_2025, err, sizeof err), 0);
}

/* ---- appointments ------------------------------------------------------------------------ */

/* The 15:00 rule on a same-day procedure. */
static void test_same_day_cutoff(void **state)
{
    const calendar *cal = *state;
    static const struct {
        const char *received, *due;
    } cases[] = {
        {"2025-03-12 14:59", "2025-03-12 17:00"},
        {"2025-03-12 15:00", "2025-03-12 17:00"},
        {"2025-03-12 15:01", "2025-03-13 17:00"},
        {"2025-03-12 07:00", "2025-03-12 17:00"},
        /* Friday after 15:00 → Monday; a Saturday (online) → Monday. */
        {"2025-03-14 15:01", "2025-03-17 17:00"},
        {"2025-03-15 09:00", "2025-03-17 17:00"},
        /* The Friday before Tết 2026, late: after the whole holiday. */
        {"15:01 13/02/2026", "2026-02-23 17:00"},
        {"14:59 13/02/2026", "2026-02-13 17:00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_minute(calendar_appointment(cal, at(cases[i].received), SAME_DAY_15H),
                      cases[i].due);
    calendar_limit bad = {.kind = CALENDAR_LIMIT_SAME_DAY, .value = 1440};
    assert_true(calendar_appointment(cal, at("2025-03-12 10:00"), bad) == CALENDAR_MINUTE_INVALID);
    assert_true(calendar_appointment(cal, CALENDAR_MINUTE_INVALID, SAME_DAY_15H) ==
                CALENDAR_MINUTE_INVALID);
}

static void test_working_days_across_tet(void **state)
{
    const calendar *cal = *state;
    /* 3 working days from Friday 13 Feb 2026: 23, 24, 25 Feb. */
    assert_minute(working_days(cal, "2026-02-13 10:00", 3), "2026-02-25 17:00");
    /* Thursday 12 Feb: 13, 23, 24 Feb. */
    assert_minute(working_days(cal, "2026-02-12 10:00", 3), "2026-02-24 17:00");
    /* Thursday after closing counts as Friday. */
    assert_minute(working_days(cal, "2026-02-12 17:00", 3), "2026-02-24 17:00");
    assert_minute(working_days(cal, "2026-02-12 17:01", 3), "2026-02-25 17:00");
    /* Received during Tết (online) counts from the first working day, 23 Feb. */
    assert_minute(working_days(cal, "2026-02-18 09:00", 1), "2026-02-24 17:00");
    /* An ordinary week: Monday + 3 → Thursday; Friday + 1 → Monday. */
    assert_minute(working_days(cal, "2025-03-10 08:00", 3), "2025-03-13 17:00");
    assert_minute(working_days(cal, "2025-03-14 16:00", 1), "2025-03-17 17:00");
    /* lltp: 10 working days. */
    assert_minute(working_days(cal, "2025-03-10 08:00", 10), "2025-03-24 17:00");
    assert_true(working_days(cal, "2025-03-10 08:00", 0) == CALENDAR_MINUTE_INVALID);
    assert_true(working_days(cal, "2025-03-10 08:00", -2) == CALENDAR_MINUTE_INVALID);
}

static void test_working_days_across_compensatory_day(void **state)
{
    const calendar *cal = *state;
    /* Giỗ Tổ 2022 on Sunday 10 Apr, compensatory Monday 11 Apr: from Friday 8 Apr,
     * 2 working days are Tuesday 12 and Wednesday 13. */
    assert_minute(working_days(cal, "2022-04-08 09:00", 2), "2022-04-13 17:00");
    /* 2023: from Friday 28 Apr, 1 working day is Thursday 4 May. */
    assert_minute(working_days(cal, "2023-04-28 09:00", 1), "2023-05-04 17:00");
}

static void test_override_changes_appointments(void **state)
{
    calendar *cal = *state;
    /* Default 2025 rule: from Friday 24 Jan, 1 working day → Monday 27 Jan. */
    assert_minute(working_days(cal, "2025-01-24 09:00", 1), "2025-01-27 17:00");
    assert_int_equal(calendar_override_load(cal, FIXTURE_2025, NULL, 0), 0);
    /* The announced span: 3 Feb; the make-up Saturday 8 Feb counts. */
    assert_minute(working_days(cal, "2025-01-24 09:00", 1), "2025-02-03 17:00");
    assert_minute(working_days(cal, "2025-02-06 09:00", 2), "2025-02-08 17:00");
}

static void test_working_hours(void **state)
{
    calendar *cal = *state;
    calendar_hours h = calendar_get_hours(cal);
    assert_int_equal(h.am_start, 450);
    assert_int_equal(h.am_end, 690);
    assert_int_equal(h.pm_start, 780);
    assert_int_equal(h.pm_end, 1020);
    const calendar_hours bad[] = {
        {-1, 690, 780, 1020}, {690, 690, 780, 1020}, {450, 800, 780, 1020},
        {450, 690, 1020, 1020}, {450, 690, 780, 1441},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(calendar_set_hours(cal, &bad[i]), -1);
    assert_int_equal(calendar_set_hours(cal, NULL), -1);
    assert_int_equal(calendar_get_hours(cal).pm_end, 1020);
    calendar_hours later = {8 * 60, 12 * 60, 13 * 60 + 30, 17 * 60 + 30};
    assert_int_equal(calendar_set_hours(cal, &later), 0);
    assert_minute(calendar_appointment(cal, at("2025-03-12 09:00"), SAME_DAY_15H),
                  "2025-03-12 17:30");
    assert_minute(working_days(cal, "2025-03-12 17:20", 1), "2025-03-13 17:30");
    assert_minute(working_days(cal, "2025-03-12 17:31", 1), "2025-03-14 17:30");
}

/* ---- supplement time and deadlines ------------------------------------------------------ */

static void test_working_minutes(void **state)
{
    const calendar *cal = *state;
    assert_int_equal(calendar_working_minutes(cal, at("2025-03-12 07:30"), at("2025-03-12 17:00")),
                     480);
    assert_int_equal(calendar_working_minutes(cal, at("2025-03-12 10:00"), at("2025-03-12 14:00")),
                     150);
    assert_int_equal(calendar_working_minutes(cal, at("2025-03-14 17:00"), at("2025-03-18 17:00")),
                     960); /* Friday evening to Tuesday evening: Monday and Tuesday */
    assert_int_equal(calendar_working_minutes(cal, at("2025-03-15 08:00"), at("2025-03-16 16:00")),
                     0);
    assert_int_equal(calendar_working_minutes(cal, at("2025-03-12 12:00"), at("2025-03-12 12:30")),
                     0);
    assert_int_equal(calendar_working_minutes(cal, at("2025-03-12 14:00"), at("2025-03-12 10:00")),
                     0);
    assert_int_equal(calendar_working_minutes(cal, CALENDAR_MINUTE_INVALID, at("2025-03-12 10:00")),
                     -1);
    assert_minute(calendar_add_working_minutes(cal, at("2025-03-12 11:00"), 30), "2025-03-12 11:30");
    assert_minute(calendar_add_working_minutes(cal, at("2025-03-12 11:00"), 31), "2025-03-12 13:01");
    assert_minute(calendar_add_working_minutes(cal, at("2025-03-14 16:00"), 61), "2025-03-17 07:31");
    assert_minute(calendar_add_working_minutes(cal, at("2025-03-15 10:00"), 0), "2025-03-15 10:00");
    assert_true(calendar_add_working_minutes(cal, at("2025-03-15 10:00"), -1) ==
                CALENDAR_MINUTE_INVALID);
}

static void test_supplement_pause_extends_due(void **state)
{
    const calendar *cal = *state;
    vn_minute due = working_days(cal, "2025-03-10 08:00", 3); /* Thursday 13 Mar 17:00 */
    assert_minute(due, "2025-03-13 17:00");
    /* Paused Tuesday 17:00 → Thursday 17:00: two working days. */
    assert_minute(calendar_extend(cal, due, at("2025-03-11 17:00"), at("2025-03-13 17:00")),
                  "2025-03-17 17:00");
    /* A pause across the weekend counts only Monday and Tuesday. */
    assert_minute(calendar_extend(cal, due, at("2025-03-07 17:00"), at("2025-03-11 17:00")),
                  "2025-03-17 17:00");
    /* Half a morning. */
    assert_minute(calendar_extend(cal, due, at("2025-03-11 08:00"), at("2025-03-11 10:00")),
                  "2025-03-14 09:30");
    /* Across Tết 2026: paused Friday 13 Feb 07:30 → Monday 23 Feb 07:30 is one working day. */
    vn_minute due26 = at("2026-02-25 17:00");
    assert_minute(calendar_extend(cal, due26, at("2026-02-13 07:30"), at("2026-02-23 07:30")),
                  "2026-02-26 17:00");
    /* No pause, or an inverted one: unchanged. */
    assert_int_equal(calendar_extend(cal, due, at("2025-03-11 10:00"), at("2025-03-11 10:00")), due);
    assert_int_equal(calendar_extend(cal, due, at("2025-03-12 10:00"), at("2025-03-11 10:00")), due);
    assert_true(calendar_extend(cal, CALENDAR_MINUTE_INVALID, at("2025-03-11 10:00"),
                                at("2025-03-12 10:00")) == CALENDAR_MINUTE_INVALID);
}

static void test_deadline_classification(void **state)
{
    (void)state;
    vn_minute due = at("2025-03-13 17:00");
    assert_int_equal(calendar_compare_deadline(at("2025-03-12 16:00"), due), CALENDAR_BEFORE_DEADLINE);
    assert_int_equal(calendar_compare_deadline(at("2025-03-13 08:00"), due), CALENDAR_ON_DEADLINE);
    assert_int_equal(calendar_compare_deadline(due, due), CALENDAR_ON_DEADLINE);
    assert_int_equal(calendar_compare_deadline(at("2025-03-13 17:01"), due), CALENDAR_AFTER_DEADLINE);
    assert_int_equal(calendar_compare_deadline(at("2025-03-14 08:00"), due), CALENDAR_AFTER_DEADLINE);
    assert_string_equal(calendar_deadline_label(CALENDAR_BEFORE_DEADLINE), "Trước hạn");
    assert_string_equal(calendar_deadline_label(CALENDAR_ON_DEADLINE), "Đúng hạn");
    assert_string_equal(calendar_deadline_label(CALENDAR_AFTER_DEADLINE), "Quá hạn");
    assert_null(calendar_deadline_label((calendar_deadline)7));
}

static void test_day_counting(void **state)
{
    const calendar *cal = *state;
    assert_int_equal(calendar_working_days_between(cal, 20260213, 20260225), 3);
    assert_int_equal(calendar_working_days_between(cal, 20260225, 20260213), -3);
    assert_int_equal(calendar_working_days_between(cal, 20260213, 20260213), 0);
    assert_int_equal(calendar_working_days_between(cal, 20250101, 20251231),
                     261 - 11); /* 261 weekdays in 2025; 11 of them are holidays or compensatory */
    assert_int_equal(calendar_working_days_between(cal, 20250230, 20250301), 0);
    assert_int_equal(calendar_next_working_day(cal, 20260213), 20260223);
    assert_int_equal(calendar_add_working_days(cal, 20260214, 0), 20260223);
    assert_int_equal(calendar_add_working_days(cal, 20260213, 0), 20260213);
    assert_int_equal(calendar_add_working_days(cal, 20260213, 2), 20260224);
    assert_int_equal(calendar_add_working_days(cal, 20260213, -1), 0);
    assert_int_equal(calendar_next_working_day(cal, 20250230), 0);
}

static void test_free_null(void **state)
{
    (void)state;
    calendar_free(NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_minute_conversions),
        T(test_minute_parse_and_format),
        T(test_published_lunar_holidays),
        T(test_default_tet_span),
        T(test_compensatory_days_match_published_years),
        T(test_holiday_list),
        T(test_override_file_2025),
        T(test_override_swap_2024),
        T(test_override_rejects_bad_tables),
        T(test_same_day_cutoff),
        T(test_working_days_across_tet),
        T(test_working_days_across_compensatory_day),
        T(test_override_changes_appointments),
        T(test_working_hours),
        T(test_working_minutes),
        T(test_supplement_pause_extends_due),
        T(test_deadline_classification),
        T(test_day_counting),
        T(test_free_null),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
