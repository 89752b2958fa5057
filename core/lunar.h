/* The Vietnamese lunisolar calendar (âm lịch), computed astronomically at UTC+7. */
#ifndef MOTCUA_LUNAR_H
#define MOTCUA_LUNAR_H

#include <stdbool.h>

#include "vntime.h"

/*
 * How the calendar is built (the method published by Hồ Ngọc Đức, written here from the
 * astronomy it rests on):
 *  - a lunar month starts on the civil day, in Vietnam's time zone (UTC+7), that holds the
 *    new moon (mean lunation + periodic terms, Meeus);
 *  - the 11th month is the one that holds the winter solstice (sun longitude 270°);
 *  - a lunar year (between two 11th months) with 13 new moons has a leap month: the first
 *    month, counted from the 11th, that holds no major solar term (no multiple of 30° of
 *    sun longitude begins in it); it takes the number of the month before it.
 * Vietnam (UTC+7) and China (UTC+8) differ in some years: Tết 1985 fell on 21 Jan in
 * Vietnam and 20 Feb in China.
 *
 * Supported range: lunar years 1900–2199 and solar dates 1900-01-01 .. 2199-12-31.
 * Dates are proleptic Gregorian (vn_date, yyyymmdd).
 */

typedef struct lunar_date {
    int year;  /* lunar year; its 1st day (Tết) falls in the solar year of the same number */
    int month; /* 1..12 */
    int day;   /* 1..30 */
    bool leap; /* true in the leap month (tháng nhuận), which repeats `month` */
} lunar_date;

#define LUNAR_FIRST_YEAR 1900
#define LUNAR_LAST_YEAR 2199

/* Julian day number of the proleptic Gregorian date d (noon-based integer, e.g.
 * 2000-01-01 → 2451545). d must be a real date; no check beyond that. */
long lunar_jdn(vn_date d);

/* The proleptic Gregorian date of Julian day number jdn (inverse of lunar_jdn). */
vn_date lunar_jdn_to_date(long jdn);

/* Converts the solar date d to the lunar calendar. Returns false (and leaves *out) if d
 * is not a real date or lies outside 1900-01-01 .. 2199-12-31. */
bool lunar_from_solar(vn_date d, lunar_date *out);

/* Converts a lunar date to the solar date. Returns false (and leaves *out) if the year is
 * outside 1900..2199 (the end of lunar 1899 and the start of 2200 are accepted where they
 * fall within 1900-01-01 .. 2199-12-31), the month/day are out of range, `leap` is set for a month that is
 * not the leap month of that year, or the day is 30 in a 29-day month. */
bool lunar_to_solar(const lunar_date *ld, vn_date *out);

/* The leap month of lunar year `year`: 0 if the year has none, otherwise the number of the
 * month that is repeated (e.g. 2 for 2023, 6 for 2025). -1 if year is out of range. */
int lunar_leap_month(int year);

/* Number of days (29 or 30) of the given lunar month, 0 if it does not exist. */
int lunar_month_days(int year, int month, bool leap);

#endif
