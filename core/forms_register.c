/* core/forms: Form 06, the register of dossiers (Sổ theo dõi hồ sơ), A4 landscape. */
#include "forms_internal.h"

enum { COLS = 14 };

/* Keys of each row in column order after TT; the "Ký nhận" column (index 12) stays blank. */
static const struct {
    const char *key;
    int required;
} row_keys[] = {
    { "dossier_code", 1 },   { "procedure_name", 1 }, { "sets", 0 },       { "applicant_name", 1 },
    { "applicant_address", 0 }, { "lead_agency", 1 },  { "received_at", 1 }, { "appointment_at", 1 },
    { "transferred_at", 0 }, { "result_at", 0 },      { "returned_at", 0 },
};
#define ROW_KEYS (sizeof row_keys / sizeof row_keys[0])

int form06_render(struct form_doc *doc, const json_t *data)
{
    const char *agency = form_get(doc, data, "agency.name", 1);
    const char *parent = form_get(doc, data, "agency.parent", 0);
    const char *book = form_get(doc, data, "register_book", 0);
    const char *period = form_get(doc, data, "period", 0);
    const json_t *rows = form_array(doc, data, "rows", 0);
    if (doc->failed)
        return -1;
    size_t n = json_array_size(rows);
    const char **cells = form_alloc(doc, n * COLS, sizeof *cells);
    for (size_t i = 0; cells != NULL && i < n; i++) {
        const char **row = cells + i * COLS;
        row[0] = form_printf(doc, "%zu", i + 1);
        for (size_t k = 0; k < ROW_KEYS; k++)
            row[1 + k] = form_item(doc, rows, "rows", i, row_keys[k].key, row_keys[k].required);
        row[COLS - 1] = form_item(doc, rows, "rows", i, "note", 0);
    }
    if (doc->failed)
        return -1;

    form_header(doc, parent, agency, "", "");
    form_title(doc, "Sổ theo dõi hồ sơ");
    const char *sub = *book && *period ? form_printf(doc, "Quyển số: %s — %s", book, period)
                      : *book          ? form_printf(doc, "Quyển số: %s", book)
                                       : period;
    if (sub != NULL && *sub) {
        const struct form_style st = { doc->body_pt, 0, 1, FORM_CENTER };
        form_para(doc, sub, &st);
    }
    doc->y += 4;
    static const struct form_col cols[COLS] = {
        { "TT", 2.6, FORM_CENTER },
        { "Mã hồ sơ", 8.5, FORM_LEFT },
        { "Tên thủ tục hành chính", 13, FORM_LEFT },
        { "Số lượng hồ sơ (bộ)", 4.5, FORM_CENTER },
        { "Tên cá nhân, tổ chức", 9, FORM_LEFT },
        { "Địa chỉ, số điện thoại", 10, FORM_LEFT },
        { "Cơ quan chủ trì giải quyết", 9, FORM_LEFT },
        { "Nhận hồ sơ", 6.2, FORM_CENTER },
        { "Hẹn trả kết quả", 6.2, FORM_CENTER },
        { "Chuyển hồ sơ đến cơ quan giải quyết", 6.2, FORM_CENTER },
        { "Nhận kết quả từ cơ quan giải quyết", 6.2, FORM_CENTER },
        { "Trả kết quả", 6.2, FORM_CENTER },
        { "Ký nhận", 5, FORM_CENTER },
        { "Ghi chú", 6, FORM_LEFT },
    };
    form_table(doc, cols, COLS, cells, n, doc->body_pt - 1.5);
    return doc->failed ? -1 : 0;
}
