/* Civil dates for plugin checks: "YYYY-MM-DD" parsing and today's date in Vietnam. */
#ifndef PLUGIN_CIVIL_DATE_H
#define PLUGIN_CIVIL_DATE_H

#include <stdbool.h>

typedef struct civil_date {
    int year, month, day;
} civil_date;

/* Parses text that is exactly "YYYY-MM-DD" and a real Gregorian date
 * (year 1..9999, leap years honoured). Returns false and leaves *out
 * untouched otherwise; civil_date_parse(NULL, ...) returns false. */
bool civil_date_parse(const char *text, civil_date *out);

/* Today's date in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
civil_date civil_date_today(void);

/* <0, 0, >0 as a is before, equal to, after b. */
int civil_date_cmp(civil_date a, civil_date b);

#endif
