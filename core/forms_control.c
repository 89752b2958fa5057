/* core/forms: Form 05, the control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ). */
#include <string.h>

#include "forms_internal.h"

#define FORM05_MIN_ROWS 4 /* blank rows are left to record later hand-overs by hand */

/* "early" | "on_time" | "late" → the wording on the slip; "" stays ""; NULL if unknown. */
static const char *result_text(const char *result)
{
    static const char *const map[][2] = {
        { "early", "Trước hạn" }, { "on_time", "Đúng hạn" }, { "late", "Quá hạn" }, { "", "" },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(result, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

enum { COLS = 7 };

/* The hand-over rows: TT, agency, times given/received, giver, receiver, result, note. */
static const char **handover_cells(struct form_doc *doc, const json_t *list, size_t *nrows)
{
    size_t n = json_array_size(list), rows = n < FORM05_MIN_ROWS ? FORM05_MIN_ROWS : n;
    const char **cells = form_alloc(doc, rows * COLS, sizeof *cells);
    for (size_t i = 0; cells != NULL && i < n; i++) {
        const char **row = cells + i * COLS;
        const char *given = form_item(doc, list, "handovers", i, "given_at", 1);
        const char *taken = form_item(doc, list, "handovers", i, "received_at", 0);
        const char *result = form_item(doc, list, "handovers", i, "result", 0);
        row[0] = form_printf(doc, "%zu", i + 1);
        row[1] = form_item(doc, list, "handovers", i, "agency", 1);
        if (given != NULL && taken != NULL)
            row[2] = form_printf(doc, "Giao: %s\nNhận: %s", given, *taken ? taken : "……");
        row[3] = form_item(doc, list, "handovers", i, "giver", 1);
        row[4] = form_item(doc, list, "handovers", i, "receiver", 0);
        row[5] = result ? result_text(result) : NULL;
        if (result != NULL && row[5] == NULL)
            form_fail(doc, "key \"handovers[%zu].result\" must be \"early\", \"on_time\" or \"late\", got \"%s\"", i,
                      result);
        row[6] = form_item(doc, list, "handovers", i, "note", 0);
    }
    *nrows = rows;
    return doc->failed ? NULL : cells;
}

int form05_render(struct form_doc *doc, const json_t *data)
{
    struct form_common c;
    if (form_common_read(doc, data, &c) != 0)
        return -1;
    const char *received = form_time_words(doc, data, "received_at", 1);
    const char *appointment = form_time_words(doc, data, "appointment_at", 1);
    const char *lead = form_get(doc, data, "lead_agency", 1);
    const json_t *list = form_array(doc, data, "handovers", 0);
    if (doc->failed)
        return -1;
    size_t nrows;
    const char **cells = handover_cells(doc, list, &nrows);
    if (cells == NULL)
        return -1;

    if (form_common_top(doc, &c, "", "", "Phiếu kiểm soát quá trình giải quyết hồ sơ",
                        "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)") != 0)
        return -1;
    form_field(doc, "Cơ quan (bộ phận) giải quyết hồ sơ:", lead);
    form_field(doc, "Người nộp hồ sơ:", c.name);
    form_field(doc, "Nội dung yêu cầu giải quyết:", c.proc_name);
    form_field(doc, "Thời gian nhận hồ sơ:", received);
    form_field(doc, "Thời gian hẹn trả kết quả:", appointment);
    doc->y += 4;
    static const struct form_col cols[COLS] = {
        { "TT", 2.3, FORM_CENTER },
        { "Tên cơ quan, bộ phận", 7, FORM_LEFT },
        { "Thời gian giao, nhận hồ sơ", 8.5, FORM_LEFT },
        { "Người giao", 6, FORM_CENTER },
        { "Người nhận", 6, FORM_CENTER },
        { "Kết quả (Trước hạn / Đúng hạn / Quá hạn)", 6, FORM_CENTER },
        { "Ghi chú", 4.5, FORM_LEFT },
    };
    form_table(doc, cols, COLS, cells, nrows, doc->body_pt - 2);
    return doc->failed ? -1 : 0;
}
