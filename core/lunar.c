/* The Vietnamese lunar calendar: new moons and solar terms at UTC+7, leap months, conversions. */
#include "lunar.h"

#include <math.h>

/* Vietnam's civil time zone, in hours east of Greenwich. */
#define LUNAR_TZ 7.0

/* Julian day of the mean new moon of 1900-01-01 (lunation k = 0 of the series below). */
#define LUNAR_EPOCH_JD 2415021.076998695
#define LUNAR_SYNODIC_MONTH 29.530588853

static const double DEG = M_PI / 180.0;

long lunar_jdn(vn_date d)
{
    long yy = d / 10000, mm = d / 100 % 100, dd = d % 100;
    long a = (14 - mm) / 12; /* 1 for January and February, which count as months 13, 14 */
    long y = yy + 4800 - a;
    long m = mm + 12 * a - 3;
    return dd + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045;
}

vn_date lunar_jdn_to_date(long jdn)
{
    long a = jdn + 32044;
    long b = (4 * a + 3) / 146097;
    long c = a - 146097 * b / 4;
    long d = (4 * c + 3) / 1461;
    long e = c - 1461 * d / 4;
    long m = (5 * e + 2) / 153;
    long day = e - (153 * m + 2) / 5 + 1;
    long month = m + 3 - 12 * (m / 10);
    long year = 100 * b + d - 4800 + m / 10;
    return (vn_date)(year * 10000 + month * 100 + day);
}

/* Julian day (UT, fractional) of the true new moon of lunation k counted from 1900-01-01:
 * the mean phase plus the main periodic terms of the sun's and moon's anomalies and the
 * moon's argument of latitude (Meeus, "Astronomical Formulae for Calculators"), minus ΔT. */
static double lunar_new_moon(long k)
{
    double t = (double)k / 1236.85; /* Julian centuries from 1900 */
    double t2 = t * t, t3 = t2 * t;
    double jd = 2415020.75933 + 29.53058868 * (double)k + 0.0001178 * t2 - 0.000000155 * t3;
    jd += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * DEG);
    double m = 359.2242 + 29.10535608 * (double)k - 0.0000333 * t2 - 0.00000347 * t3; /* sun */
    double mp = 306.0253 + 385.81691806 * (double)k + 0.0107306 * t2 + 0.00001236 * t3; /* moon */
    double f = 21.2964 + 390.67050646 * (double)k - 0.0016528 * t2 - 0.00000239 * t3;
    double c = (0.1734 - 0.000393 * t) * sin(m * DEG) + 0.0021 * sin(2 * m * DEG);
    c += -0.4068 * sin(mp * DEG) + 0.0161 * sin(2 * mp * DEG) - 0.0004 * sin(3 * mp * DEG);
    c += 0.0104 * sin(2 * f * DEG) - 0.0051 * sin((m + mp) * DEG);
    c += -0.0074 * sin((m - mp) * DEG) + 0.0004 * sin((2 * f + m) * DEG);
    c += -0.0004 * sin((2 * f - m) * DEG) - 0.0006 * sin((2 * f + mp) * DEG);
    c += 0.0010 * sin((2 * f - mp) * DEG) + 0.0005 * sin((2 * mp + m) * DEG);
    double delta_t; /* TT - UT in days, polynomial fits before/after ~1800 */
    if (t < -11)
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3;
    else
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2;
    return jd + c - delta_t;
}

/* Apparent geometric longitude of the sun, radians in [0, 2π), at Julian day jd (low
 * precision solar theory: mean longitude plus equation of centre, Meeus ch. 25). */
static double lunar_sun_longitude(double jd)
{
    double t = (jd - 2451545.0) / 36525.0; /* Julian centuries from J2000 */
    double t2 = t * t;
    double m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    double l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    double dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(m * DEG);
    dl += (0.019993 - 0.000101 * t) * sin(2 * m * DEG) + 0.000290 * sin(3 * m * DEG);
    double l = (l0 + dl) * DEG;
    l -= 2 * M_PI * floor(l / (2 * M_PI));
    return l;
}

/* Julian day number of the civil day (UTC+7) holding new moon k. */
static long lunar_new_moon_day(long k)
{
    return (long)floor(lunar_new_moon(k) + 0.5 + LUNAR_TZ / 24.0);
}

/* Which 30° sector (0..11; 9 = from the winter solstice) the sun is in at the start
 * (00:00 UTC+7) of the civil day jdn. */
static int lunar_sun_sector(long jdn)
{
    double jd = (double)jdn - 0.5 - LUNAR_TZ / 24.0;
    return (int)floor(lunar_sun_longitude(jd) / M_PI * 6.0);
}

/* Lunation index k of the new moon nearest the day jdn. */
static long lunar_k_near(long jdn)
{
    return (long)floor(((double)jdn - LUNAR_EPOCH_JD) / LUNAR_SYNODIC_MONTH + 0.5);
}

/* JDN of the first day of the 11th lunar month around the December of solar year `year`:
 * the month that holds the winter solstice. */
static long lunar_month11(int year)
{
    long off = lunar_jdn(year * 10000 + 1231) - 2415021;
    long k = (long)floor((double)off / LUNAR_SYNODIC_MONTH);
    long nm = lunar_new_moon_day(k);
    /* If the sun has already passed 270° when this month starts, the solstice fell in
     * the previous month. */
    if (lunar_sun_sector(nm) >= 9)
        nm = lunar_new_moon_day(k - 1);
    return nm;
}

/* For a leap interval starting at the 11th month a11 (13 new moons before the next
 * 11th month): offset from a11 (1..12) of the first month without a major solar term. */
static int lunar_leap_offset(long a11)
{
    long k = lunar_k_near(a11);
    int i = 1;
    int arc = lunar_sun_sector(lunar_new_moon_day(k + i));
    int last;
    do {
        last = arc;
        i++;
        arc = lunar_sun_sector(lunar_new_moon_day(k + i));
    } while (arc != last && i < 14);
    return i - 1;
}

/* True if d is a real proleptic Gregorian date within the supported range. */
static bool lunar_solar_in_range(vn_date d)
{
    if (d < LUNAR_FIRST_YEAR * 10000 + 101 || d > LUNAR_LAST_YEAR * 10000 + 1231)
        return false;
    return lunar_jdn_to_date(lunar_jdn(d)) == d;
}

bool lunar_from_solar(vn_date d, lunar_date *out)
{
    if (!lunar_solar_in_range(d))
        return false;
    int yy = d / 10000;
    long day = lunar_jdn(d);
    /* The mean lunation is a first guess: the true new moon can be most of a day away from
     * it, so step to the month that really holds the day (2054-05-07 needs the second step). */
    long k = (long)floor(((double)day - LUNAR_EPOCH_JD) / LUNAR_SYNODIC_MONTH) + 1;
    long month_start = lunar_new_moon_day(k);
    while (month_start > day)
        month_start = lunar_new_moon_day(--k);
    while (lunar_new_moon_day(k + 1) <= day)
        month_start = lunar_new_moon_day(++k);
    long a11 = lunar_month11(yy), b11 = a11;
    int year;
    if (a11 >= month_start) {
        year = yy;
        a11 = lunar_month11(yy - 1);
    } else {
        year = yy + 1;
        b11 = lunar_month11(yy + 1);
    }
    int diff = (int)floor((double)(month_start - a11) / 29.0); /* months since the 11th */
    int month = diff + 11;
    bool leap = false;
    if (b11 - a11 > 365) { /* 13 months in this interval */
        int leap_off = lunar_leap_offset(a11);
        if (diff >= leap_off) {
            month = diff + 10;
            leap = diff == leap_off;
        }
    }
    if (month > 12)
        month -= 12;
    if (month >= 11 && diff < 4)
        year -= 1;
    out->year = year;
    out->month = month;
    out->day = (int)(day - month_start + 1);
    out->leap = leap;
    return true;
}

/* Lunation index of the first day of lunar month (year, month, leap), or false if that
 * month does not exist. */
static bool lunar_month_k(int year, int month, bool leap, long *k_out)
{
    if (year < LUNAR_FIRST_YEAR - 1 || year > LUNAR_LAST_YEAR + 1 || month < 1 || month > 12)
        return false;
    long a11, b11;
    if (month < 11) {
        a11 = lunar_month11(year - 1);
        b11 = lunar_month11(year);
    } else {
        a11 = lunar_month11(year);
        b11 = lunar_month11(year + 1);
    }
    long k = lunar_k_near(a11);
    int off = month - 11;
    if (off < 0)
        off += 12;
    if (b11 - a11 > 365) {
        int leap_off = lunar_leap_offset(a11);
        int leap_month = leap_off - 2;
        if (leap_month < 0)
            leap_month += 12;
        if (leap && month != leap_month)
            return false;
        if (leap || off >= leap_off)
            off += 1;
    } else if (leap) {
        return false;
    }
    *k_out = k + off;
    return true;
}

int lunar_month_days(int year, int month, bool leap)
{
    long k;
    if (year < LUNAR_FIRST_YEAR || year > LUNAR_LAST_YEAR || !lunar_month_k(year, month, leap, &k))
        return 0;
    return (int)(lunar_new_moon_day(k + 1) - lunar_new_moon_day(k));
}

bool lunar_to_solar(const lunar_date *ld, vn_date *out)
{
    long k;
    if (ld == NULL || ld->day < 1 || ld->day > 30 ||
        !lunar_month_k(ld->year, ld->month, ld->leap, &k))
        return false;
    long start = lunar_new_moon_day(k);
    if (ld->day > lunar_new_moon_day(k + 1) - start)
        return false;
    vn_date d = lunar_jdn_to_date(start + ld->day - 1);
    if ((ld->year < LUNAR_FIRST_YEAR || ld->year > LUNAR_LAST_YEAR) && !lunar_solar_in_range(d))
        return false;
    *out = d;
    return true;
}

int lunar_leap_month(int year)
{
    if (year < LUNAR_FIRST_YEAR || year > LUNAR_LAST_YEAR)
        return -1;
    /* Months 1..10 of `year` lie between the 11th months of year-1 and year; months 11
     * and 12 of `year` between those of year and year+1. */
    long a11 = lunar_month11(year - 1), b11 = lunar_month11(year);
    if (b11 - a11 > 365) {
        int off = lunar_leap_offset(a11);
        if (off >= 3)
            return off - 2;
    }
    long c11 = lunar_month11(year + 1);
    if (c11 - b11 > 365) {
        int off = lunar_leap_offset(b11);
        if (off <= 2)
            return off + 10;
    }
    return 0;
}
