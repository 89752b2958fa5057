/* core/forms: Form 01, the receipt and appointment (Giấy tiếp nhận hồ sơ và hẹn trả kết quả). */
#include <string.h>

#include "forms_internal.h"

/* The documents received, as rows of the documents table: TT, title, kind, copies. */
static const char **document_cells(struct form_doc *doc, const json_t *docs, size_t *nrows)
{
    size_t n = json_array_size(docs);
    *nrows = n;
    const char **cells = form_alloc(doc, n * 4, sizeof *cells);
    for (size_t i = 0; cells != NULL && i < n; i++) {
        cells[4 * i] = form_printf(doc, "%zu", i + 1);
        cells[4 * i + 1] = form_item(doc, docs, "documents", i, "title", 1);
        cells[4 * i + 2] = form_item(doc, docs, "documents", i, "kind", 0);
        cells[4 * i + 3] = form_item(doc, docs, "documents", i, "copies", 0);
    }
    return doc->failed ? NULL : cells;
}

/* Where and how the citizen follows the dossier. Three short lines at most: a receipt for a
 * usual checklist (three papers) then still holds on one A5 page a copy, signatures
 * included. The PIN goes on the applicant's copy only: the centre's copy is filed on paper,
 * and staff can print the receipt again. */
static void lookup_lines(struct form_doc *doc, const char *url, const char *pin)
{
    form_field(doc, "7. Tra cứu hồ sơ tại:", url);
    if (*pin == '\0')
        return;
    form_field(doc, "Mã tra cứu (PIN):", pin);
    const struct form_style note = { doc->body_pt - 2, 0, 1, FORM_LEFT };
    form_para(doc, "Nhập Mã hồ sơ và Mã tra cứu tại địa chỉ trên hoặc quét mã QR; giữ kín mã tra cứu.",
              &note);
}

static const char *const copy_markers[] = { "Liên 1: Lưu", "Liên 2: Giao người nộp" };

int form01_render(struct form_doc *doc, const json_t *data)
{
    struct form_common c;
    if (form_common_read(doc, data, &c) != 0)
        return -1;
    const char *copy = form_get(doc, data, "copy", 0);
    const json_t *docs = form_array(doc, data, "documents", 0);
    const char *sets = form_get(doc, data, "sets", 1);
    const char *limit = form_get(doc, data, "time_limit_text", 1);
    const char *received = form_time_words(doc, data, "received_at", 1);
    const char *received_short = form_get(doc, data, "received_at", 1);
    const char *appointment = form_time_words(doc, data, "appointment_at", 1);
    const char *place = form_get(doc, data, "return_place", 1);
    const char *book = form_get(doc, data, "register_book", 1);
    const char *line = form_get(doc, data, "register_line", 1);
    const char *officer = form_get(doc, data, "officer_name", 1);
    const char *pin = form_get(doc, data, "lookup_pin", 0);
    if (doc->failed)
        return -1;
    int first = 0, last = 1;
    if (strcmp(copy, "1") == 0)
        last = 0;
    else if (strcmp(copy, "2") == 0)
        first = 1;
    else if (*copy != '\0')
        return form_fail(doc, "key \"copy\" must be \"1\" or \"2\" (or absent for both), got \"%s\"", copy);
    size_t nrows;
    const char **cells = document_cells(doc, docs, &nrows);
    if (cells == NULL)
        return -1;
    const char *sets_text = form_printf(doc, "%s (bộ)", sets);
    const char *day = form_words_of_day(doc, received_short);

    static const struct form_col cols[] = {
        { "TT", 2.2, FORM_CENTER },
        { "Tên giấy tờ", 14, FORM_LEFT },
        { "Hình thức", 6, FORM_CENTER },
        { "Số lượng", 4, FORM_CENTER },
    };
    const struct form_sig sigs[] = {
        { "NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", c.name },
        { "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", officer },
    };
    const struct form_style plain = { doc->body_pt, 0, 0, FORM_LEFT };
    for (int k = first; k <= last; k++) {
        if (k != first)
            form_new_page(doc);
        const char *marker = form_printf(doc, "(%s)", copy_markers[k]);
        if (form_common_top(doc, &c, "", day, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", marker) != 0)
            return -1;
        form_common_applicant(doc, &c, "Tiếp nhận hồ sơ của:");
        form_para(doc, "1. Thành phần hồ sơ nộp gồm:", &plain);
        form_table(doc, cols, 4, cells, nrows, doc->body_pt - 1);
        form_field(doc, "2. Số lượng hồ sơ:", sets_text);
        form_field(doc, "3. Thời gian giải quyết hồ sơ theo quy định:", limit);
        form_field(doc, "4. Thời gian nhận hồ sơ:", received);
        form_field(doc, "5. Thời gian trả kết quả giải quyết hồ sơ:", appointment);
        form_field(doc, "6. Đăng ký nhận kết quả tại:", place);
        lookup_lines(doc, c.lookup_url, k == 1 ? pin : "");
        const char *reg[4] = { "Vào Sổ theo dõi hồ sơ, Quyển số:", book, "Số thứ tự:", line };
        form_fields(doc, reg, 2);
        form_signatures(doc, sigs, 2);
    }
    return doc->failed ? -1 : 0;
}
