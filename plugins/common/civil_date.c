/* Civil dates for plugin checks: "YYYY-MM-DD" parsing and today's date in Vietnam. */
#include "civil_date.h"

#include <stddef.h>
#include <time.h>

static bool civil_date_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Days in month m (1..12) of year y. */
static int civil_date_month_days(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return (m == 2 && civil_date_is_leap(y)) ? 29 : days[m - 1];
}

/* Reads n ASCII digits at s; -1 if any is not a digit. */
static int civil_date_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool civil_date_parse(const char *text, civil_date *out)
{
    if (text == NULL)
        return false;
    /* Exactly 10 bytes: check every byte before reading past a NUL. */
    for (int i = 0; i < 10; i++)
        if (text[i] == '\0')
            return false;
    if (text[10] != '\0' || text[4] != '-' || text[7] != '-')
        return false;
    int y = civil_date_digits(text, 4);
    int m = civil_date_digits(text + 5, 2);
    int d = civil_date_digits(text + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > civil_date_month_days(y, m))
        return false;
    out->year = y;
    out->month = m;
    out->day = d;
    return true;
}

civil_date civil_date_today(void)
{
    time_t t = time(NULL) + 7 * 3600;
    struct tm tm;
    civil_date today = { 1970, 1, 1 };
    if (gmtime_r(&t, &tm) != NULL) {
        today.year = tm.tm_year + 1900;
        today.month = tm.tm_mon + 1;
        today.day = tm.tm_mday;
    }
    return today;
}

int civil_date_cmp(civil_date a, civil_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}
