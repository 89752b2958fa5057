/* core/forms: the one-page notices — Form 02 supplement request, 03 refusal, 04 apology. */
#include "forms_internal.h"

static const char sign_hint[] = "(Ký và ghi rõ họ tên)";

/* What every notice reads first: the keys common to the forms, its number (numbered notices
 * only) and its issue day in words. */
struct notice {
    struct form_common c;
    const char *suffix; /* of the number, "HDHS" or "PXL"; NULL on a notice without a number */
    const char *number;
    const char *day;
};

/* Reads n; suffix as in struct notice. Returns 0, or -1 with an error naming the key (a
 * missing number or issue day is recorded in doc->failed for the caller's check). */
static int notice_read(struct form_doc *doc, const json_t *data, const char *suffix, struct notice *n)
{
    if (form_common_read(doc, data, &n->c) != 0)
        return -1;
    n->suffix = suffix;
    n->number = suffix != NULL ? form_get(doc, data, "number", 0) : NULL;
    n->day = form_date_words(doc, data, "issued_on", 1);
    return 0;
}

/* The top of a notice titled title, with "Số: 15/HDHS" on a numbered notice (dots to number
 * by hand when its number is ""). Returns form_common_top's result. */
static int notice_top(struct form_doc *doc, const struct notice *n, const char *title)
{
    const char *number_line =
        n->suffix != NULL ? form_printf(doc, "Số: %s/%s", *n->number ? n->number : "………", n->suffix) : "";
    return form_common_top(doc, &n->c, number_line, n->day, title, "");
}

/* One signature block at the right half of the page. */
static void sign_right(struct form_doc *doc, const char *title, const char *hint, const char *name)
{
    const struct form_sig sigs[2] = { { "", "", "" }, { title, hint, name } };
    form_signatures(doc, sigs, 2);
}

/* The closing courtesy line, in italics. */
static void closing(struct form_doc *doc, const char *text)
{
    const struct form_style it = { doc->body_pt, 0, 1, FORM_LEFT };
    form_para(doc, text, &it);
}

static const struct form_style *body(const struct form_doc *doc, struct form_style *st)
{
    *st = (struct form_style){ doc->body_pt, 0, 0, FORM_JUSTIFY };
    return st;
}

int form02_render(struct form_doc *doc, const json_t *data)
{
    struct notice nt;
    struct form_style st;
    if (notice_read(doc, data, "HDHS", &nt) != 0)
        return -1;
    const json_t *missing = form_array(doc, data, "missing", 1);
    const char *reason = form_get(doc, data, "reason", 0);
    const char *phone = form_get(doc, data, "contact_phone", 0);
    const char *officer = form_get(doc, data, "officer_name", 1);
    if (doc->failed)
        return -1;
    size_t n = json_array_size(missing);
    const char **items = form_alloc(doc, n, sizeof *items);
    for (size_t i = 0; items != NULL && i < n; i++) {
        const char *title = form_item(doc, missing, "missing", i, "title", 1);
        const char *detail = form_item(doc, missing, "missing", i, "detail", 0);
        if (title != NULL && detail != NULL)
            items[i] = *detail ? form_printf(doc, "%s: %s", title, detail) : title;
    }
    if (doc->failed)
        return -1;

    if (notice_top(doc, &nt, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ") != 0)
        return -1;
    form_common_applicant(doc, &nt.c, "Hồ sơ của:");
    form_para(doc, "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", body(doc, &st));
    for (size_t i = 0; i < n; i++)
        form_field(doc, form_printf(doc, "%zu.", i + 1), items[i]);
    if (*reason)
        form_field(doc, "Lý do:", reason);
    form_para(doc,
              *phone ? form_printf(doc,
                                   "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông/bà liên hệ với %s, "
                                   "số điện thoại %s để được hướng dẫn.",
                                   nt.c.agency, phone)
                     : form_printf(doc,
                                   "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông/bà liên hệ với %s "
                                   "để được hướng dẫn.",
                                   nt.c.agency),
              body(doc, &st));
    sign_right(doc, "NGƯỜI HƯỚNG DẪN", sign_hint, officer);
    return doc->failed ? -1 : 0;
}

int form03_render(struct form_doc *doc, const json_t *data)
{
    struct notice nt;
    struct form_style st;
    if (notice_read(doc, data, NULL, &nt) != 0)
        return -1;
    const char *reason = form_get(doc, data, "reason", 1);
    const char *officer = form_get(doc, data, "officer_name", 1);
    if (doc->failed)
        return -1;

    if (notice_top(doc, &nt, "Phiếu từ chối tiếp nhận giải quyết hồ sơ") != 0)
        return -1;
    form_common_applicant(doc, &nt.c, form_printf(doc, "%s tiếp nhận hồ sơ của:", nt.c.agency));
    form_para(doc,
              form_printf(doc,
                          "Qua xem xét, %s thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể "
                          "như sau:",
                          nt.c.agency),
              body(doc, &st));
    form_field(doc, "Lý do:", reason);
    closing(doc, "Xin trân trọng thông báo!");
    sign_right(doc, "NGƯỜI TIẾP NHẬN HỒ SƠ", sign_hint, officer);
    return doc->failed ? -1 : 0;
}

int form04_render(struct form_doc *doc, const json_t *data)
{
    struct notice nt;
    struct form_style st;
    if (notice_read(doc, data, "PXL", &nt) != 0)
        return -1;
    const char *received = form_time_words(doc, data, "received_at", 1);
    const char *appointment = form_time_words(doc, data, "appointment_at", 1);
    const char *reason = form_get(doc, data, "reason", 1);
    const char *again = form_time_words(doc, data, "new_appointment_at", 1);
    const char *signer = form_get(doc, data, "signer.name", 1);
    const char *title = form_get(doc, data, "signer.title", 0);
    if (doc->failed)
        return -1;

    if (notice_top(doc, &nt, "Phiếu xin lỗi và hẹn lại ngày trả kết quả") != 0)
        return -1;
    form_field(doc, "Kính gửi:", nt.c.name);
    form_para(doc, form_printf(doc, "Lúc %s, %s tiếp nhận giải quyết hồ sơ của Ông/Bà.", received, nt.c.agency),
              body(doc, &st));
    form_field(doc, "Nội dung yêu cầu giải quyết:", nt.c.proc_name);
    form_field(doc, "Thời gian hẹn trả kết quả giải quyết hồ sơ:", appointment);
    form_para(doc, form_printf(doc, "Tuy nhiên đến nay, %s chưa trả kết quả giải quyết hồ sơ của Ông/Bà.", nt.c.agency),
              body(doc, &st));
    form_field(doc, "Lý do:", reason);
    form_para(doc,
              form_printf(doc, "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. %s xin lỗi Ông/Bà và hẹn trả kết quả vào:",
                          nt.c.agency),
              body(doc, &st));
    form_field(doc, "Thời gian hẹn trả kết quả mới:", again);
    closing(doc, "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.");
    sign_right(doc, *title ? form_upper(doc, title) : "THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", signer);
    return doc->failed ? -1 : 0;
}
