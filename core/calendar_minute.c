/* Minute-precision Vietnam local time (vn_minute): conversions, parsing, receipt formats. */
#include "calendar_internal.h"

#include <stdio.h>
#include <string.h>

#include "lunar.h"

#define CALENDAR_UTC_OFFSET_MINUTES (7 * 60)
#define CALENDAR_JDN_1970 2440588L /* Julian day number of 1970-01-01 */
#define MINUTES_PER_DAY 1440

/* floor(a / b) for b > 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

vn_minute calendar_minute_from_time(time_t t)
{
    return floor_div((int64_t)t, 60) + CALENDAR_UTC_OFFSET_MINUTES;
}

time_t calendar_minute_to_time(vn_minute m)
{
    return (time_t)((m - CALENDAR_UTC_OFFSET_MINUTES) * 60);
}

vn_minute calendar_minute_make(vn_date d, int hour, int minute)
{
    if (!calendar_date_valid(d) || hour < 0 || hour > 23 || minute < 0 || minute > 59)
        return CALENDAR_MINUTE_INVALID;
    int64_t days = lunar_jdn(d) - CALENDAR_JDN_1970;
    return days * MINUTES_PER_DAY + hour * 60 + minute;
}

vn_date calendar_minute_date(vn_minute m)
{
    if (m == CALENDAR_MINUTE_INVALID)
        return 0;
    int64_t jdn = floor_div(m, MINUTES_PER_DAY) + CALENDAR_JDN_1970;
    if (jdn < 1721426 || jdn > 5373484) /* 0001-01-01 .. 9999-12-31 */
        return 0;
    return lunar_jdn_to_date((long)jdn);
}

int calendar_minute_of_day(vn_minute m)
{
    if (m == CALENDAR_MINUTE_INVALID)
        return -1;
    return (int)(m - floor_div(m, MINUTES_PER_DAY) * MINUTES_PER_DAY);
}

/* The value of two ASCII digits at s, or -1. */
static int two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

bool calendar_minute_parse(const char *text, vn_minute *out)
{
    char iso[11]; /* the date part rewritten as YYYY-MM-DD for vn_date_parse */
    const char *clock;
    if (text == NULL || strlen(text) != 16)
        return false;
    if (text[10] == ' ') { /* YYYY-MM-DD HH:MM */
        memcpy(iso, text, 10);
        clock = text + 11;
    } else { /* HH:MM dd/mm/yyyy */
        if (text[5] != ' ' || text[8] != '/' || text[11] != '/')
            return false;
        memcpy(iso, text + 12, 4);
        iso[4] = '-';
        memcpy(iso + 5, text + 9, 2);
        iso[7] = '-';
        memcpy(iso + 8, text + 6, 2);
        clock = text;
    }
    iso[10] = '\0';
    vn_date d;
    int h = two_digits(clock), mi = two_digits(clock + 3);
    if (clock[2] != ':' || h < 0 || mi < 0 || !vn_date_parse(iso, &d))
        return false;
    vn_minute m = calendar_minute_make(d, h, mi);
    if (m == CALENDAR_MINUTE_INVALID)
        return false;
    *out = m;
    return true;
}

/* Splits m into fields; false if it is outside years 1..9999. */
static bool split(vn_minute m, unsigned *y, unsigned *mo, unsigned *d, unsigned *h,
                  unsigned *mi)
{
    vn_date date = calendar_minute_date(m);
    if (date == 0)
        return false;
    unsigned u = (unsigned)date, tod = (unsigned)calendar_minute_of_day(m);
    *y = u / 10000u;
    *mo = u / 100u % 100u;
    *d = u % 100u;
    *h = tod / 60u;
    *mi = tod % 60u;
    return true;
}

/* Writes m as "YYYY-MM-DD HH:MM", or as "HH:MM dd/mm/yyyy" when receipt_form is set. */
static void format_minute(vn_minute m, bool receipt_form, char buf[17])
{
    unsigned y, mo, d, h, mi;
    if (!split(m, &y, &mo, &d, &h, &mi))
        snprintf(buf, 17, "-");
    else if (receipt_form)
        snprintf(buf, 17, "%02u:%02u %02u/%02u/%04u", h % 100u, mi % 100u, d % 100u,
                 mo % 100u, y % 10000u);
    else
        snprintf(buf, 17, "%04u-%02u-%02u %02u:%02u", y % 10000u, mo % 100u, d % 100u,
                 h % 100u, mi % 100u);
}

void calendar_minute_format(vn_minute m, char buf[17])
{
    format_minute(m, false, buf);
}

void calendar_minute_format_vn(vn_minute m, char buf[17])
{
    format_minute(m, true, buf);
}
