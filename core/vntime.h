/* Time in Vietnam (Asia/Ho_Chi_Minh, UTC+7, no daylight saving) and civil dates. */
#ifndef MOTCUA_VNTIME_H
#define MOTCUA_VNTIME_H

#include <stdbool.h>
#include <time.h>

/* A civil date packed as yyyymmdd, e.g. 20251122. */
typedef int vn_date;

/* Today's date in Vietnam for the instant t. */
vn_date vn_date_of(time_t t);

/* Parses "YYYY-MM-DD" into *out. Returns false (and leaves *out) unless the
 * text is exactly that shape and a real Gregorian date. */
bool vn_date_parse(const char *text, vn_date *out);

/* Writes "YYYY-MM-DD" (11 bytes with the NUL) into buf. */
void vn_date_format(vn_date d, char buf[11]);

#endif
