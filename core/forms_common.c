/* core/forms: what forms 01–05 share — the common keys, the head with its QR, the applicant. */
#include <string.h>

#include "forms_internal.h"

#define FORM_QR_SIZE 66.0

int form_common_read(struct form_doc *doc, const json_t *data, struct form_common *c)
{
    c->agency = form_get(doc, data, "agency.name", 1);
    c->parent = form_get(doc, data, "agency.parent", 0);
    c->place = form_get(doc, data, "place", 0);
    c->dossier_code = form_get(doc, data, "dossier_code", 1);
    c->proc_code = form_get(doc, data, "procedure.code", 1);
    c->proc_name = form_get(doc, data, "procedure.name", 1);
    c->name = form_get(doc, data, "applicant.name", 1);
    c->address = form_get(doc, data, "applicant.address", 0);
    c->phone = form_get(doc, data, "applicant.phone", 0);
    c->email = form_get(doc, data, "applicant.email", 0);
    c->lookup_url = form_get(doc, data, "lookup_url", 1);
    if (doc->failed)
        return -1;
    /* '|' separates the QR payload's fields; the URL is last, so only the first two matter. */
    if (strchr(c->dossier_code, '|') != NULL)
        return form_fail(doc, "key \"dossier_code\" must not contain '|'");
    if (strchr(c->proc_code, '|') != NULL)
        return form_fail(doc, "key \"procedure.code\" must not contain '|'");
    return 0;
}

int form_common_top(struct form_doc *doc, const struct form_common *c, const char *number_line,
                    const char *day_words, const char *title, const char *marker)
{
    const char *date_line = "";
    if (day_words != NULL && *day_words != '\0') {
        /* "Hà Nam, ngày 22 tháng 11 năm 2025", or "Ngày 22 tháng 11 năm 2025" without a place. */
        date_line = *c->place ? form_printf(doc, "%s, %s", c->place, day_words)
                              : form_printf(doc, "N%s", day_words + 1);
        if (date_line == NULL)
            return -1;
    }
    form_header(doc, c->parent, c->agency, number_line, date_line);
    form_title(doc, title);
    const struct form_style code = { doc->body_pt + 0.5, 1, 0, FORM_CENTER };
    form_para(doc, form_printf(doc, "Mã hồ sơ: %s", c->dossier_code), &code);
    if (marker != NULL && *marker != '\0') {
        const struct form_style it = { doc->body_pt, 0, 1, FORM_CENTER };
        form_para(doc, marker, &it);
    }
    doc->y += 6;

    /* The public lookup address with the dossier and procedure codes: a phone camera opens it
     * with the code filled in, and a counter's handheld scanner typing it into the lookup
     * field leaves the code (web/tra-cuu reads "code="; forms printed before carried
     * "code|procedure|url", which it still reads). Codes are [A-Za-z0-9.-]: no escaping. */
    const char *payload = form_printf(doc, "%s%scode=%s&procedure=%s", c->lookup_url,
                                      strchr(c->lookup_url, '?') != NULL ? "&" : "?", c->dossier_code,
                                      c->proc_code);
    if (payload == NULL)
        return -1;
    const double x = doc->page_w - doc->right - FORM_QR_SIZE;
    if (form_qr(doc, x, doc->y, FORM_QR_SIZE, payload) != 0)
        return -1;
    /* No caption beside the fields: text there would interleave with wrapped field lines
     * when the PDF's text is extracted (pdftotext -layout, screen readers). */
    doc->reserve_w = FORM_QR_SIZE + 10;
    doc->reserve_until = doc->y + FORM_QR_SIZE;
    return doc->failed ? -1 : 0;
}

void form_common_applicant(struct form_doc *doc, const struct form_common *c, const char *name_label)
{
    form_field(doc, name_label, c->name);
    form_field(doc, "Địa chỉ:", c->address);
    const char *contact[4] = { "Số điện thoại:", c->phone, "Email:", c->email };
    form_fields(doc, contact, 2);
    form_field(doc, "Nội dung yêu cầu giải quyết:", c->proc_name);
}
