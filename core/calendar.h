/* Working-day calendar: Vietnamese public holidays, swap days, working hours, appointments. */
#ifndef MOTCUA_CALENDAR_H
#define MOTCUA_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vntime.h"

/* ---- minute-precision local time ------------------------------------------------------ */

/* Minutes since 1970-01-01 00:00 Vietnam time (UTC+7, Asia/Ho_Chi_Minh has no DST since
 * 1975). Dossier timestamps (received, appointment, hand-overs) are kept in this unit. */
typedef int64_t vn_minute;

/* Returned by every function below that cannot produce a time. */
#define CALENDAR_MINUTE_INVALID INT64_MIN

/* The minute (rounded down) that holds the instant t. */
vn_minute calendar_minute_from_time(time_t t);

/* The instant at the start of minute m. m must not be CALENDAR_MINUTE_INVALID. */
time_t calendar_minute_to_time(vn_minute m);

/* hh:mm on date d. CALENDAR_MINUTE_INVALID unless d is a real date (years 1..9999),
 * 0 <= hour <= 23 and 0 <= minute <= 59. */
vn_minute calendar_minute_make(vn_date d, int hour, int minute);

/* The civil date, and the minute of that day (0..1439), of m: 0 and -1 for
 * CALENDAR_MINUTE_INVALID; the date is 0 outside years 1..9999. */
vn_date calendar_minute_date(vn_minute m);
int calendar_minute_of_day(vn_minute m);

/* Parses "YYYY-MM-DD HH:MM" or "HH:MM dd/mm/yyyy" (the form printed on receipts), exactly,
 * with two-digit fields and a real date. Returns false and leaves *out on anything else. */
bool calendar_minute_parse(const char *text, vn_minute *out);

/* Writes "YYYY-MM-DD HH:MM" / "HH:MM dd/mm/yyyy" (17 bytes with the NUL). For a minute
 * outside years 1..9999 (or CALENDAR_MINUTE_INVALID) the text is "-". */
void calendar_minute_format(vn_minute m, char buf[17]);
void calendar_minute_format_vn(vn_minute m, char buf[17]);

/* ---- the calendar ----------------------------------------------------------------------- */

/*
 * Working days are Monday–Friday minus public holidays (Labour Code 2019 Art. 112),
 * computed for 1900–2199 (outside those years only weekends and override days count):
 *   - 1 Jan (Tết Dương lịch);
 *   - Tết Nguyên đán, 5 days: by default the last day of the lunar year and lunar 1/1..1/4
 *     (the exact span is announced yearly: put it in the override table);
 *   - Giỗ Tổ Hùng Vương, lunar 10/3 (of the ordinary 3rd month when it is leap);
 *   - 30 Apr (Ngày Chiến thắng) and 1 May (Ngày Quốc tế Lao động);
 *   - Quốc khánh: 2 Sep and, by default, the day before (1 Sep), as chosen in 2022, 2023 and
 *     2025; when 1 Sep is a Sunday (2024) the compensation below gives 3 Sep, which is what
 *     was announced that year. Other years' choices go in the override table.
 * A holiday that falls on a Saturday or Sunday (weekly rest) gives a compensatory day off
 * ("Nghỉ bù ...") on the next weekday that is neither a holiday nor already a compensatory
 * day (Labour Code 2019 Art. 111 clause 3), holidays taken in date order. A day that holds
 * two holidays counts once. The override table is applied last and wins.
 *
 * Override table (JSON; load as many files as wanted, each year at most once overall):
 *   {
 *     "2025": [
 *       {"date": "2025-01-25", "kind": "off", "name": "Tết Ất Tỵ"},
 *       {"date": "2025-02-03", "kind": "remove", "note": "the computed compensatory day"},
 *       {"date": "2025-02-08", "kind": "work", "name": "Làm bù ngày 27/01/2025"}
 *     ]
 *   }
 * Keys are years (4 digits, 1900–2199); each entry has "date" (YYYY-MM-DD, within that
 * year), "kind" and optionally "note" (free text, ignored):
 *   "off"    the day is off (announced holiday span, swapped day); "name" required;
 *   "work"   the day is a working day even if a weekend or computed holiday (swap/make-up
 *            Saturday); "name" optional;
 *   "remove" drops the computed holiday of that date (there must be one); no "name".
 * No other keys, no duplicate dates, no duplicate keys. A file is applied entirely or
 * not at all.
 */
typedef struct calendar calendar;

/* The centre's working hours, minutes after midnight: morning am_start..am_end and
 * afternoon pm_start..pm_end (defaults 07:30–11:30, 13:00–17:00). */
typedef struct calendar_hours {
    int am_start, am_end, pm_start, pm_end;
} calendar_hours;

/* A calendar with the computed holidays and default hours; NULL if out of memory. */
calendar *calendar_new(void);

/* Frees cal; calendar_free(NULL) is a harmless no-op. */
void calendar_free(calendar *cal);

/* Sets the working hours. Returns 0, or -1 (changing nothing) unless
 * 0 <= am_start < am_end <= pm_start < pm_end <= 1440. */
int calendar_set_hours(calendar *cal, const calendar_hours *hours);
calendar_hours calendar_get_hours(const calendar *cal);

/* Loads an override table from the JSON file at path / from text. Returns 0, or -1 with a
 * message (English, for the operator, naming the year and entry) in err; on error the
 * calendar is unchanged. err may be NULL. */
int calendar_override_load(calendar *cal, const char *path, char *err, size_t errlen);
int calendar_override_text(calendar *cal, const char *text, char *err, size_t errlen);

/* True if d is a working day. False for a date that is not real. */
bool calendar_is_working_day(const calendar *cal, vn_date d);

/* The Vietnamese name of the holiday or announced day off on d, or NULL if d is not one
 * (ordinary weekends and working days, swap "work" days). Valid while cal lives. */
const char *calendar_holiday_name(const calendar *cal, vn_date d);

typedef enum calendar_day_kind {
    CALENDAR_DAY_HOLIDAY,      /* computed public holiday */
    CALENDAR_DAY_COMPENSATORY, /* computed compensatory day for a holiday on a weekend */
    CALENDAR_DAY_OFF,          /* override: announced day off */
    CALENDAR_DAY_WORK          /* override: announced working day */
} calendar_day_kind;

typedef struct calendar_holiday {
    vn_date date;
    calendar_day_kind kind;
    const char *name; /* Vietnamese; valid while the calendar lives */
} calendar_holiday;

/* Lists the special days of `year` in date order: holidays, compensatory days, override
 * days off and override working days (removed holidays are left out). Writes at most cap
 * entries into out (out may be NULL when cap is 0) and returns how many there are. */
size_t calendar_holidays(const calendar *cal, int year, calendar_holiday *out, size_t cap);

/* The first working day strictly after d; 0 if d is not a real date or none is found
 * within ten years. */
vn_date calendar_next_working_day(const calendar *cal, vn_date d);

/* The n-th working day after d (n >= 1); for n == 0, d itself if it is a working day,
 * else the next one. 0 on a bad date, n < 0, or past the ten-year search limit. */
vn_date calendar_add_working_days(const calendar *cal, vn_date d, int n);

/* Working days in (from, to]: 0 when equal, negative when to < from (minus the count in
 * (to, from]). 0 if either date is not real. */
int calendar_working_days_between(const calendar *cal, vn_date from, vn_date to);

/* ---- appointments and deadlines ----------------------------------------------------- */

typedef enum calendar_limit_kind {
    CALENDAR_LIMIT_SAME_DAY,    /* value = cutoff, minutes after midnight (15:00 = 900) */
    CALENDAR_LIMIT_WORKING_DAYS /* value = number of working days, >= 1 */
} calendar_limit_kind;

typedef struct calendar_limit {
    calendar_limit_kind kind;
    int value;
} calendar_limit;

/*
 * The appointment (hẹn trả kết quả) for a dossier received at `received`:
 *   same day, cutoff C: received on a working day at or before C → that day at the end of
 *     working hours (pm_end, 17:00); after C or on a day off → the next working day at
 *     pm_end (the 15:00 rule);
 *   N working days: the receipt day does not count (Civil Code 2015 Art. 147: a period in
 *     days starts the day after the event); receipt on a day off or after pm_end counts as
 *     receipt on the next working day; the appointment is pm_end of the N-th working day
 *     after the receipt day: a period ends with the end of its last working day (Civil Code
 *     Art. 148; Decree 61/2018 Art. 19 dates the appointment by working days).
 * CALENDAR_MINUTE_INVALID if received is invalid, the limit is out of range (cutoff
 * outside 0..1439, N outside 1..3650) or the search limit is hit.
 */
vn_minute calendar_appointment(const calendar *cal, vn_minute received, calendar_limit limit);

/* Working minutes (within working hours of working days) in [from, to); 0 if to <= from,
 * -1 if either is invalid. */
int64_t calendar_working_minutes(const calendar *cal, vn_minute from, vn_minute to);

/* The time reached after `minutes` of working time from t (t itself for 0). A result that
 * lands exactly on the end of a working period stays there (e.g. 17:00), it does not
 * jump to the next morning. CALENDAR_MINUTE_INVALID on invalid input or minutes < 0. */
vn_minute calendar_add_working_minutes(const calendar *cal, vn_minute t, int64_t minutes);

/* Supplement time excluded: the due time pushed by the working time elapsed between
 * pause_start and pause_end (a supplement request and the citizen's reply). Two full
 * working days of pause move a 17:00 due time by two working days, to 17:00. Returns due
 * unchanged if pause_end <= pause_start; CALENDAR_MINUTE_INVALID on invalid input. */
vn_minute calendar_extend(const calendar *cal, vn_minute due, vn_minute pause_start,
                          vn_minute pause_end);

typedef enum calendar_deadline {
    CALENDAR_BEFORE_DEADLINE = -1, /* Trước hạn: finished on an earlier day than due */
    CALENDAR_ON_DEADLINE = 0,      /* Đúng hạn: finished on due's day, not after due */
    CALENDAR_AFTER_DEADLINE = 1    /* Quá hạn: finished after due */
} calendar_deadline;

/* Classifies a result finished at `finished` against the appointment `due`. */
calendar_deadline calendar_compare_deadline(vn_minute finished, vn_minute due);

/* "Trước hạn", "Đúng hạn", "Quá hạn" (NULL for a value outside the enum). */
const char *calendar_deadline_label(calendar_deadline c);

#endif
