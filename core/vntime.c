/* Time in Vietnam (UTC+7, no daylight saving) and Gregorian civil dates packed as yyyymmdd. */
#include "vntime.h"

#include <stdio.h>
#include <string.h>

#define VN_UTC_OFFSET_SECONDS (7 * 3600)

static bool vn_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m (1..12) of year y; 0 for a month out of range. */
static int vn_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && vn_is_leap(y))
        return 29;
    return days[m - 1];
}

vn_date vn_date_of(time_t t)
{
    time_t local = t + VN_UTC_OFFSET_SECONDS;
    struct tm tm;
    if (gmtime_r(&local, &tm) == NULL)
        return 0;
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* Reads exactly `n` ASCII digits at s into *out; false on any non-digit. */
static bool vn_read_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool vn_date_parse(const char *text, vn_date *out)
{
    int y, m, d;
    if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return false;
    if (!vn_read_digits(text, 4, &y) || !vn_read_digits(text + 5, 2, &m) ||
        !vn_read_digits(text + 8, 2, &d))
        return false;
    if (y < 1 || d < 1 || d > vn_days_in_month(y, m))
        return false;
    *out = y * 10000 + m * 100 + d;
    return true;
}

void vn_date_format(vn_date d, char buf[11])
{
    /* Unsigned arithmetic bounds every field, so the text always fits in 11 bytes. */
    unsigned u = (unsigned)d;
    snprintf(buf, 11, "%04u-%02u-%02u", u / 10000u % 10000u, u / 100u % 100u, u % 100u);
}
