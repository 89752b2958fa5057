/* Internals shared by the calendar's files: the day tables and their lookups. */
#ifndef MOTCUA_CALENDAR_INTERNAL_H
#define MOTCUA_CALENDAR_INTERNAL_H

#include "calendar.h"

/* Years whose holidays are computed (the lunar calendar's range). */
#define CALENDAR_FIRST_YEAR 1900
#define CALENDAR_LAST_YEAR 2199
#define CALENDAR_YEARS (CALENDAR_LAST_YEAR - CALENDAR_FIRST_YEAR + 1)

/* The most computed entries one year can have: 11 holiday days + as many compensatory. */
#define CALENDAR_MAX_PER_YEAR 24

/* An override entry that drops the computed holiday of its date. */
#define CALENDAR_ENTRY_REMOVE 100

/* One special day: a calendar_day_kind, or CALENDAR_ENTRY_REMOVE in an override table. */
typedef struct calendar_entry {
    vn_date date;
    int kind;
    const char *name; /* static text, or `owned` */
    char *owned;      /* the override's own copy of its name, or NULL */
} calendar_entry;

struct calendar {
    calendar_hours hours;
    calendar_entry *computed; /* sorted by date, unique dates */
    size_t ncomputed;
    calendar_entry *overrides; /* sorted by date, unique dates */
    size_t noverrides;
    bool year_loaded[CALENDAR_YEARS]; /* override tables loaded, by year */
};

/* Writes the computed holidays and compensatory days of `year` (1900..2199) into out,
 * sorted by date; returns the count (<= CALENDAR_MAX_PER_YEAR), 0 for a year out of range. */
size_t calendar_compute_year(int year, calendar_entry out[CALENDAR_MAX_PER_YEAR]);

/* Index of the first entry of the sorted table dated on or after d (n if none). */
size_t calendar_lower_bound(const calendar_entry *table, size_t n, vn_date d);

/* The entry for d in the sorted table, or NULL. */
const calendar_entry *calendar_find(const calendar_entry *table, size_t n, vn_date d);

/* Day of the week of a real date d: 0 = Sunday .. 6 = Saturday. */
int calendar_weekday(vn_date d);

/* True if d is a real date in years 1..9999. */
bool calendar_date_valid(vn_date d);

#endif
