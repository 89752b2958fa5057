/* The working-day calendar: working days, holiday lookups, appointments and deadlines. */
#include "calendar_internal.h"

#include <stdlib.h>

#include "lunar.h"

/* How far day searches go before giving up (only an override table that declares years of
 * days off could get there). */
#define CALENDAR_SEARCH_DAYS 3660

static const calendar_hours CALENDAR_DEFAULT_HOURS = {
    .am_start = 7 * 60 + 30, .am_end = 11 * 60 + 30, .pm_start = 13 * 60, .pm_end = 17 * 60,
};

calendar *calendar_new(void)
{
    calendar *cal = calloc(1, sizeof *cal);
    if (cal == NULL)
        return NULL;
    cal->hours = CALENDAR_DEFAULT_HOURS;
    cal->computed = calloc((size_t)CALENDAR_YEARS * CALENDAR_MAX_PER_YEAR, sizeof *cal->computed);
    if (cal->computed == NULL) {
        free(cal);
        return NULL;
    }
    for (int y = CALENDAR_FIRST_YEAR; y <= CALENDAR_LAST_YEAR; y++)
        cal->ncomputed += calendar_compute_year(y, cal->computed + cal->ncomputed);
    return cal;
}

void calendar_free(calendar *cal)
{
    if (cal == NULL)
        return;
    for (size_t i = 0; i < cal->noverrides; i++)
        free(cal->overrides[i].owned);
    free(cal->overrides);
    free(cal->computed);
    free(cal);
}

int calendar_set_hours(calendar *cal, const calendar_hours *h)
{
    if (h == NULL || h->am_start < 0 || h->am_start >= h->am_end || h->am_end > h->pm_start ||
        h->pm_start >= h->pm_end || h->pm_end > 1440)
        return -1;
    cal->hours = *h;
    return 0;
}

calendar_hours calendar_get_hours(const calendar *cal)
{
    return cal->hours;
}

/* The entry deciding d: an override (not "remove"), else a computed day unless removed. */
static const calendar_entry *calendar_day_entry(const calendar *cal, vn_date d)
{
    const calendar_entry *o = calendar_find(cal->overrides, cal->noverrides, d);
    if (o != NULL)
        return o->kind == CALENDAR_ENTRY_REMOVE ? NULL : o;
    return calendar_find(cal->computed, cal->ncomputed, d);
}

bool calendar_is_working_day(const calendar *cal, vn_date d)
{
    if (!calendar_date_valid(d))
        return false;
    const calendar_entry *e = calendar_day_entry(cal, d);
    if (e != NULL)
        return e->kind == CALENDAR_DAY_WORK;
    int wd = calendar_weekday(d);
    return wd != 0 && wd != 6;
}

const char *calendar_holiday_name(const calendar *cal, vn_date d)
{
    if (!calendar_date_valid(d))
        return NULL;
    const calendar_entry *e = calendar_day_entry(cal, d);
    return e != NULL && e->kind != CALENDAR_DAY_WORK ? e->name : NULL;
}

size_t calendar_holidays(const calendar *cal, int year, calendar_holiday *out, size_t cap)
{
    vn_date first = year * 10000 + 101, last = year * 10000 + 1231;
    size_t i = calendar_lower_bound(cal->computed, cal->ncomputed, first);
    size_t k = calendar_lower_bound(cal->overrides, cal->noverrides, first);
    size_t count = 0;
    /* Merge the two sorted tables; an override wins over a computed day of its date. */
    for (;;) {
        const calendar_entry *c = i < cal->ncomputed && cal->computed[i].date <= last
                                      ? &cal->computed[i] : NULL;
        const calendar_entry *o = k < cal->noverrides && cal->overrides[k].date <= last
                                      ? &cal->overrides[k] : NULL;
        const calendar_entry *e;
        if (c == NULL && o == NULL)
            break;
        if (o == NULL || (c != NULL && c->date < o->date)) {
            e = c;
            i++;
        } else {
            if (c != NULL && c->date == o->date)
                i++;
            e = o;
            k++;
        }
        if (e->kind == CALENDAR_ENTRY_REMOVE)
            continue;
        if (count < cap)
            out[count] = (calendar_holiday){.date = e->date, .kind = (calendar_day_kind)e->kind,
                                            .name = e->name};
        count++;
    }
    return count;
}

vn_date calendar_next_working_day(const calendar *cal, vn_date d)
{
    if (!calendar_date_valid(d))
        return 0;
    long j = lunar_jdn(d);
    for (int i = 1; i <= CALENDAR_SEARCH_DAYS; i++) {
        vn_date c = lunar_jdn_to_date(j + i);
        if (!calendar_date_valid(c))
            return 0;
        if (calendar_is_working_day(cal, c))
            return c;
    }
    return 0;
}

vn_date calendar_add_working_days(const calendar *cal, vn_date d, int n)
{
    if (!calendar_date_valid(d) || n < 0)
        return 0;
    if (n == 0)
        return calendar_is_working_day(cal, d) ? d : calendar_next_working_day(cal, d);
    for (int i = 0; i < n && d != 0; i++)
        d = calendar_next_working_day(cal, d);
    return d;
}

int calendar_working_days_between(const calendar *cal, vn_date from, vn_date to)
{
    if (!calendar_date_valid(from) || !calendar_date_valid(to))
        return 0;
    if (to < from)
        return -calendar_working_days_between(cal, to, from);
    long a = lunar_jdn(from), b = lunar_jdn(to);
    int count = 0;
    for (long j = a + 1; j <= b; j++)
        count += calendar_is_working_day(cal, lunar_jdn_to_date(j));
    return count;
}

/* ---- minutes ---------------------------------------------------------------------------- */

vn_minute calendar_appointment(const calendar *cal, vn_minute received, calendar_limit limit)
{
    if (received == CALENDAR_MINUTE_INVALID)
        return CALENDAR_MINUTE_INVALID;
    vn_date day = calendar_minute_date(received);
    int tod = calendar_minute_of_day(received);
    if (!calendar_date_valid(day))
        return CALENDAR_MINUTE_INVALID;
    vn_date due;
    if (limit.kind == CALENDAR_LIMIT_SAME_DAY) {
        if (limit.value < 0 || limit.value > 1439)
            return CALENDAR_MINUTE_INVALID;
        if (calendar_is_working_day(cal, day) && tod <= limit.value)
            due = day;
        else
            due = calendar_next_working_day(cal, day);
    } else if (limit.kind == CALENDAR_LIMIT_WORKING_DAYS) {
        if (limit.value < 1 || limit.value > 3650)
            return CALENDAR_MINUTE_INVALID;
        if (!calendar_is_working_day(cal, day) || tod > cal->hours.pm_end)
            day = calendar_next_working_day(cal, day);
        due = day == 0 ? 0 : calendar_add_working_days(cal, day, limit.value);
    } else {
        return CALENDAR_MINUTE_INVALID;
    }
    if (due == 0)
        return CALENDAR_MINUTE_INVALID;
    return calendar_minute_make(due, 0, 0) + cal->hours.pm_end;
}

/* The working periods of a day, as [start, end) minute-of-day pairs. */
static void calendar_periods(const calendar *cal, int p[2][2])
{
    p[0][0] = cal->hours.am_start;
    p[0][1] = cal->hours.am_end;
    p[1][0] = cal->hours.pm_start;
    p[1][1] = cal->hours.pm_end;
}

int64_t calendar_working_minutes(const calendar *cal, vn_minute from, vn_minute to)
{
    if (from == CALENDAR_MINUTE_INVALID || to == CALENDAR_MINUTE_INVALID)
        return -1;
    if (to <= from)
        return 0;
    int p[2][2];
    calendar_periods(cal, p);
    vn_date first = calendar_minute_date(from), last = calendar_minute_date(to);
    if (!calendar_date_valid(first) || !calendar_date_valid(last))
        return -1;
    int64_t total = 0;
    for (long j = lunar_jdn(first); j <= lunar_jdn(last); j++) {
        vn_date d = lunar_jdn_to_date(j);
        if (!calendar_is_working_day(cal, d))
            continue;
        vn_minute midnight = calendar_minute_make(d, 0, 0);
        for (int i = 0; i < 2; i++) {
            vn_minute s = midnight + p[i][0], e = midnight + p[i][1];
            if (s < from)
                s = from;
            if (e > to)
                e = to;
            if (e > s)
                total += e - s;
        }
    }
    return total;
}

vn_minute calendar_add_working_minutes(const calendar *cal, vn_minute t, int64_t minutes)
{
    if (t == CALENDAR_MINUTE_INVALID || minutes < 0)
        return CALENDAR_MINUTE_INVALID;
    if (minutes == 0)
        return t;
    int p[2][2];
    calendar_periods(cal, p);
    vn_date d = calendar_minute_date(t);
    if (!calendar_date_valid(d))
        return CALENDAR_MINUTE_INVALID;
    long j = lunar_jdn(d);
    /* Bound the walk: at least one working day per CALENDAR_SEARCH_DAYS days. */
    int64_t per_day = (p[0][1] - p[0][0]) + (p[1][1] - p[1][0]);
    int64_t limit_days = (minutes / per_day + 1) * CALENDAR_SEARCH_DAYS;
    for (int64_t n = 0; n <= limit_days; n++, j++) {
        d = lunar_jdn_to_date(j);
        if (!calendar_date_valid(d))
            return CALENDAR_MINUTE_INVALID;
        if (!calendar_is_working_day(cal, d))
            continue;
        vn_minute midnight = calendar_minute_make(d, 0, 0);
        for (int i = 0; i < 2; i++) {
            vn_minute s = midnight + p[i][0], e = midnight + p[i][1];
            if (e <= t)
                continue;
            if (s < t)
                s = t;
            if (minutes <= e - s)
                return s + minutes;
            minutes -= e - s;
        }
    }
    return CALENDAR_MINUTE_INVALID;
}

vn_minute calendar_extend(const calendar *cal, vn_minute due, vn_minute pause_start,
                          vn_minute pause_end)
{
    if (due == CALENDAR_MINUTE_INVALID)
        return CALENDAR_MINUTE_INVALID;
    int64_t paused = calendar_working_minutes(cal, pause_start, pause_end);
    if (paused < 0)
        return CALENDAR_MINUTE_INVALID;
    return calendar_add_working_minutes(cal, due, paused);
}

calendar_deadline calendar_compare_deadline(vn_minute finished, vn_minute due)
{
    if (finished > due)
        return CALENDAR_AFTER_DEADLINE;
    if (calendar_minute_date(finished) == calendar_minute_date(due))
        return CALENDAR_ON_DEADLINE;
    return CALENDAR_BEFORE_DEADLINE;
}

const char *calendar_deadline_label(calendar_deadline c)
{
    switch (c) {
    case CALENDAR_BEFORE_DEADLINE:
        return "Trước hạn";
    case CALENDAR_ON_DEADLINE:
        return "Đúng hạn";
    case CALENDAR_AFTER_DEADLINE:
        return "Quá hạn";
    }
    return NULL;
}
