/* The public holidays of a year (Labour Code 2019 Art. 111–112), with compensatory days. */
#include "calendar_internal.h"

#include <stdlib.h>

#include "lunar.h"

enum calendar_holiday_id { H_NEW_YEAR, H_TET, H_HUNG, H_VICTORY, H_LABOUR, H_NATIONAL, H_COUNT };

static const char *const HOLIDAY_NAME[H_COUNT] = {
    "Tết Dương lịch", "Tết Nguyên đán", "Giỗ Tổ Hùng Vương",
    "Ngày Chiến thắng", "Ngày Quốc tế Lao động", "Quốc khánh",
};

static const char *const COMPENSATORY_NAME[H_COUNT] = {
    "Nghỉ bù Tết Dương lịch", "Nghỉ bù Tết Nguyên đán", "Nghỉ bù Giỗ Tổ Hùng Vương",
    "Nghỉ bù Ngày Chiến thắng", "Nghỉ bù Ngày Quốc tế Lao động", "Nghỉ bù Quốc khánh",
};

bool calendar_date_valid(vn_date d)
{
    return d >= 10101 && d <= 99991231 && lunar_jdn_to_date(lunar_jdn(d)) == d;
}

int calendar_weekday(vn_date d)
{
    return (int)((lunar_jdn(d) + 1) % 7);
}

size_t calendar_lower_bound(const calendar_entry *table, size_t n, vn_date d)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (table[mid].date < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const calendar_entry *calendar_find(const calendar_entry *table, size_t n, vn_date d)
{
    size_t i = calendar_lower_bound(table, n, d);
    return i < n && table[i].date == d ? &table[i] : NULL;
}

static int calendar_entry_cmp(const void *a, const void *b)
{
    vn_date x = ((const calendar_entry *)a)->date, y = ((const calendar_entry *)b)->date;
    return (x > y) - (x < y);
}

/* Appends holiday `id` on d unless d already holds one (a day counts once). */
static void calendar_add(calendar_entry *out, size_t *n, int ids[], vn_date d, int id)
{
    for (size_t i = 0; i < *n; i++)
        if (out[i].date == d)
            return;
    out[*n] = (calendar_entry){.date = d, .kind = CALENDAR_DAY_HOLIDAY,
                               .name = HOLIDAY_NAME[id], .owned = NULL};
    ids[*n] = id;
    (*n)++;
}

size_t calendar_compute_year(int year, calendar_entry out[CALENDAR_MAX_PER_YEAR])
{
    if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR)
        return 0;
    int ids[CALENDAR_MAX_PER_YEAR];
    size_t n = 0;
    vn_date base = year * 10000;
    calendar_add(out, &n, ids, base + 101, H_NEW_YEAR);

    vn_date d;
    lunar_date tet = {.year = year, .month = 1, .day = 1, .leap = false};
    if (lunar_to_solar(&tet, &d)) {
        long j = lunar_jdn(d);
        for (long i = -1; i <= 3; i++) /* last day of the old year, then 1/1..1/4 */
            calendar_add(out, &n, ids, lunar_jdn_to_date(j + i), H_TET);
    }
    lunar_date hung = {.year = year, .month = 3, .day = 10, .leap = false};
    if (lunar_to_solar(&hung, &d))
        calendar_add(out, &n, ids, d, H_HUNG);
    calendar_add(out, &n, ids, base + 430, H_VICTORY);
    calendar_add(out, &n, ids, base + 501, H_LABOUR);
    calendar_add(out, &n, ids, base + 901, H_NATIONAL);
    calendar_add(out, &n, ids, base + 902, H_NATIONAL);

    /* Sort holidays (keeping their ids alongside), then give each one on a weekend a
     * compensatory day on the next weekday that is free. */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && out[k - 1].date > out[k].date; k--) {
            calendar_entry t = out[k];
            out[k] = out[k - 1];
            out[k - 1] = t;
            int ti = ids[k];
            ids[k] = ids[k - 1];
            ids[k - 1] = ti;
        }
    size_t nholidays = n;
    for (size_t i = 0; i < nholidays; i++) {
        int wd = calendar_weekday(out[i].date);
        if (wd != 0 && wd != 6)
            continue;
        long j = lunar_jdn(out[i].date);
        for (;;) {
            j++;
            vn_date c = lunar_jdn_to_date(j);
            int cwd = calendar_weekday(c);
            bool taken = false;
            for (size_t k = 0; k < n && !taken; k++)
                taken = out[k].date == c;
            if (cwd != 0 && cwd != 6 && !taken) {
                out[n] = (calendar_entry){.date = c, .kind = CALENDAR_DAY_COMPENSATORY,
                                          .name = COMPENSATORY_NAME[ids[i]], .owned = NULL};
                n++;
                break;
            }
        }
    }
    qsort(out, n, sizeof out[0], calendar_entry_cmp);
    return n;
}
