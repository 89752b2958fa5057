/* GET /api/v1/dossiers/{code}/forms/{01..06}.pdf: the printable forms of a dossier, filled
 * from the store and the rules in force at intake, rendered by core/forms. */
#include "api_dossiers.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "forms.h"
#include "log.h"
#include "response.h"

/* "YYYY-MM-DD HH:MM" -> "HH:MM dd/mm/yyyy" (json string), or NULL for "" / malformed. */
static json_t *form_time(const char *stored)
{
    vn_minute m;
    char buf[17];
    if (stored == NULL || !calendar_minute_parse(stored, &m))
        return NULL;
    calendar_minute_format_vn(m, buf);
    return json_string(buf);
}

/* "YYYY-MM-DD HH:MM" -> "dd/mm/yyyy". */
static json_t *form_date(const char *stored)
{
    vn_minute m;
    char buf[17];
    if (stored == NULL || !calendar_minute_parse(stored, &m))
        return NULL;
    calendar_minute_format_vn(m, buf);
    return json_string(buf + 6);
}

/* The public lookup address printed on the forms and in their QR code: [centre] lookup_url,
 * else this site's lookup page as the request names it. */
static void lookup_url(const app *a, request *req, char *out, size_t len)
{
    if (a->cfg->lookup_url != NULL) {
        snprintf(out, len, "%s", a->cfg->lookup_url);
        return;
    }
    const char *scheme = request_env(req, "REQUEST_SCHEME");
    const char *host = request_env(req, "HTTP_HOST");
    if (host == NULL || host[0] == '\0' || strchr(host, '|') != NULL || strchr(host, '/') != NULL)
        host = "localhost";
    snprintf(out, len, "%s://%s/tra-cuu", scheme != NULL && strcmp(scheme, "https") == 0 ? "https" : "http", host);
}

static const char *applicant_text(const dossier_row *row, const char *key)
{
    return json_string_value(json_object_get(row->applicant, key));
}

/* The keys common to forms 01-05. */
static json_t *form_common(app *a, request *req, const dossier_row *row)
{
    const cat_procedure *p = catalogue_find(a->cat, row->procedure_code);
    char url[300];
    lookup_url(a, req, url, sizeof url);
    return json_pack("{s:{s:s},s:s,s:{s:s,s:s},s:{s:s,s:s?,s:s?,s:s?},s:s}", "agency", "name",
                     a->cfg->centre_name, "dossier_code", row->code, "procedure", "code",
                     row->procedure_code, "name", p != NULL ? p->name : row->procedure_code,
                     "applicant", "name", applicant_text(row, "name"), "address",
                     applicant_text(row, "address"), "phone", applicant_text(row, "phone"),
                     "email", applicant_text(row, "email"), "lookup_url", url);
}

static void time_limit_text(const json_t *rules, char *out, size_t len)
{
    json_t *tl = json_object_get(rules, "time_limit");
    const char *unit = json_string_value(json_object_get(tl, "unit"));
    if (unit != NULL && strcmp(unit, "working_days") == 0)
        snprintf(out, len, "%lld ngày làm việc", (long long)json_integer_value(json_object_get(tl, "value")));
    else
        snprintf(out, len, "Trong ngày (nhận sau %s trả vào ngày làm việc tiếp theo)",
                 json_string_value(json_object_get(tl, "cutoff")) ? json_string_value(json_object_get(tl, "cutoff")) : "15:00");
}

/* Form 01: the receipt. NULL when it does not apply (no appointment yet). */
static json_t *form01(const dossier_row *row, const json_t *rules, json_t *d)
{
    if (row->appointment_at[0] == '\0')
        return NULL;
    json_t *docs = json_array();
    json_t *list = json_object_get(rules, "documents");
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *doc = json_array_get(list, i);
        if (!json_is_true(json_object_get(doc, "required")))
            continue;
        json_array_append_new(docs, json_pack("{s:O,s:O,s:O}", "title", json_object_get(doc, "title"),
                                              "kind", json_object_get(doc, "kind"), "copies",
                                              json_object_get(doc, "copies")));
    }
    char limit[128], book[64];
    time_limit_text(rules, limit, sizeof limit);
    /* One register a year (Form 06): the book is named by its year, which keeps "Vào Sổ theo
     * dõi hồ sơ, Quyển số: 2025  Số thứ tự: 0007" on one line of the A5 receipt. */
    snprintf(book, sizeof book, "%.4s", row->received_at);
    json_object_set_new(d, "documents", docs);
    json_object_set(d, "sets", json_object_get(rules, "sets"));
    json_object_set_new(d, "time_limit_text", json_string(limit));
    json_object_set_new(d, "received_at", form_time(row->received_at));
    json_object_set_new(d, "appointment_at", form_time(row->appointment_at));
    json_object_set_new(d, "return_place", json_string(strcmp(row->channel, "post") == 0
                                                           ? "Qua dịch vụ bưu chính"
                                                           : "Tại Bộ phận Một cửa"));
    json_object_set_new(d, "register_book", json_string(book));
    json_object_set_new(d, "register_line", json_string(row->code + strlen(row->code) - 4));
    json_object_set_new(d, "officer_name", json_string(row->received_by_name[0] ? row->received_by_name
                                                                                : row->received_by));
    return d;
}

/* Adds the lookup PIN to Form 01's data (the only place it is ever opened). True when added
 * or when the dossier has none kept (received before PINs were sealed: the receipt then
 * shows the address alone); false after a 500 was sent. */
static bool form01_pin(app *a, request *req, const dossier_row *row, json_t *d)
{
    char pin[7];
    int rc = store_dossier_pin_reveal(a->st, row->code, pin);
    if (rc < 0) {
        api_reply_internal(req, "store: the sealed lookup PIN does not open", row->code);
        return false;
    }
    if (rc == 1)
        json_object_set_new(d, "lookup_pin", json_string(pin));
    sodium_memzero(pin, sizeof pin);
    return true;
}

/* The last element of related[key], or NULL. */
static json_t *last_of(const json_t *related, const char *key)
{
    json_t *arr = json_object_get(related, key);
    size_t n = json_array_size(arr);
    return n > 0 ? json_array_get(arr, n - 1) : NULL;
}

static const char *name_or_user(const json_t *o, const char *name_key, const char *user_key)
{
    const char *n = json_string_value(json_object_get(o, name_key));
    return n != NULL && n[0] != '\0' ? n : json_string_value(json_object_get(o, user_key));
}

/* Form 02: the latest supplement request. */
static json_t *form02(const json_t *related, json_t *d)
{
    json_t *s = last_of(related, "supplements");
    if (s == NULL)
        return NULL;
    json_t *missing = json_array();
    json_t *items = json_object_get(s, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        json_array_append_new(missing, json_pack("{s:O}", "title", json_object_get(json_array_get(items, i), "title")));
    json_object_set(d, "number", json_object_get(s, "number"));
    json_object_set_new(d, "issued_on", form_date(json_string_value(json_object_get(s, "requested_at"))));
    json_object_set_new(d, "missing", missing);
    if (json_is_string(json_object_get(s, "note")))
        json_object_set(d, "reason", json_object_get(s, "note"));
    json_object_set_new(d, "officer_name", json_string(name_or_user(s, "requested_by_name", "requested_by")));
    return d;
}

/* Form 03: the refusal. */
static json_t *form03(const json_t *related, json_t *d)
{
    json_t *r = last_of(related, "refusals");
    if (r == NULL)
        return NULL;
    json_object_set_new(d, "issued_on", form_date(json_string_value(json_object_get(r, "refused_at"))));
    json_object_set(d, "reason", json_object_get(r, "reason"));
    json_object_set_new(d, "officer_name", json_string(name_or_user(r, "refused_by_name", "refused_by")));
    return d;
}

/* Form 04: the apology (recorded by the overdue flow). */
static json_t *form04(const dossier_row *row, const json_t *related, json_t *d)
{
    json_t *ap = last_of(related, "apologies");
    if (ap == NULL)
        return NULL;
    json_object_set(d, "number", json_object_get(ap, "number"));
    json_object_set_new(d, "issued_on", form_date(json_string_value(json_object_get(ap, "issued_at"))));
    json_object_set_new(d, "received_at", form_time(row->received_at));
    json_object_set_new(d, "appointment_at", form_time(row->appointment_at));
    json_object_set(d, "reason", json_object_get(ap, "reason"));
    json_object_set_new(d, "new_appointment_at",
                        form_time(json_string_value(json_object_get(ap, "new_appointment_at"))));
    json_object_set_new(d, "signer", json_pack("{s:O}", "name", json_object_get(ap, "signed_by")));
    return d;
}

/* Form 05: the control slip, from the hand-overs recorded so far. */
static json_t *form05(const dossier_row *row, const json_t *rules, const json_t *related, json_t *d)
{
    if (row->appointment_at[0] == '\0')
        return NULL;
    json_t *list = json_array();
    json_t *hs = json_object_get(related, "handovers");
    for (size_t i = 0; i < json_array_size(hs); i++) {
        json_t *h = json_array_get(hs, i);
        json_t *item = json_pack("{s:O,s:o,s:O}", "agency", json_object_get(h, "to_agency"), "given_at",
                                 form_time(json_string_value(json_object_get(h, "given_at"))), "giver",
                                 json_object_get(h, "giver"));
        json_t *got = form_time(json_string_value(json_object_get(h, "received_at")));
        if (got != NULL)
            json_object_set_new(item, "received_at", got);
        if (json_is_string(json_object_get(h, "receiver")))
            json_object_set(item, "receiver", json_object_get(h, "receiver"));
        if (json_is_string(json_object_get(h, "result")))
            json_object_set(item, "result", json_object_get(h, "result"));
        if (json_is_string(json_object_get(h, "note")))
            json_object_set(item, "note", json_object_get(h, "note"));
        json_array_append_new(list, item);
    }
    json_object_set_new(d, "received_at", form_time(row->received_at));
    json_object_set_new(d, "appointment_at", form_time(row->appointment_at));
    json_object_set(d, "lead_agency", json_object_get(rules, "competent_agency"));
    json_object_set_new(d, "handovers", list);
    return d;
}

/* Form 06: the register, here with this dossier's line. */
static json_t *form06(app *a, const dossier_row *row, const json_t *rules, json_t *d)
{
    if (row->appointment_at[0] == '\0')
        return NULL;
    const cat_procedure *p = catalogue_find(a->cat, row->procedure_code);
    json_t *line = json_pack("{s:s,s:s,s:O,s:s,s:s?,s:O,s:o,s:o}", "dossier_code", row->code,
                             "procedure_name", p != NULL ? p->name : row->procedure_code, "sets",
                             json_object_get(rules, "sets"), "applicant_name",
                             applicant_text(row, "name"), "applicant_address",
                             applicant_text(row, "address"), "lead_agency",
                             json_object_get(rules, "competent_agency"), "received_at",
                             form_time(row->received_at), "appointment_at",
                             form_time(row->appointment_at));
    const char *more[][2] = {{"transferred_at", row->transferred_at},
                             {"result_at", row->result_at},
                             {"returned_at", row->returned_at}};
    for (size_t i = 0; line != NULL && i < 3; i++) {
        json_t *t = form_time(more[i][1]);
        if (t != NULL)
            json_object_set_new(line, more[i][0], t);
    }
    char period[32];
    snprintf(period, sizeof period, "Năm %.4s", row->received_at);
    json_object_set_new(d, "period", json_string(period));
    json_object_set_new(d, "rows", json_pack("[o]", line));
    return d;
}

/* The form number of "01.pdf".."06.pdf", else 0. */
static int form_number(const char *name)
{
    if (name == NULL || strlen(name) != 6 || name[0] != '0' || name[1] < '1' || name[1] > '6' ||
        strcmp(name + 2, ".pdf") != 0)
        return 0;
    return name[1] - '0';
}

static json_t *form_data(app *a, request *req, int n, const dossier_row *row, const json_t *rules,
                         const json_t *related)
{
    json_t *d = form_common(a, req, row);
    json_t *filled = NULL;
    if (d == NULL)
        return NULL;
    switch (n) {
    case 1: filled = form01(row, rules, d); break;
    case 2: filled = form02(related, d); break;
    case 3: filled = form03(related, d); break;
    case 4: filled = form04(row, related, d); break;
    case 5: filled = form05(row, rules, related, d); break;
    default: filled = form06(a, row, rules, d); break;
    }
    if (filled == NULL)
        json_decref(d);
    return filled;
}

static const char *const not_yet[7] = {
    NULL,
    "Chưa có Giấy tiếp nhận hồ sơ và hẹn trả kết quả: hồ sơ chưa được tiếp nhận (accept).",
    "Hồ sơ này không có Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.",
    "Hồ sơ này không bị từ chối tiếp nhận nên không có Phiếu từ chối.",
    "Hồ sơ này không có Phiếu xin lỗi và hẹn lại ngày trả kết quả.",
    "Chưa có Phiếu kiểm soát quá trình giải quyết: hồ sơ chưa được tiếp nhận (accept).",
    "Hồ sơ chưa được tiếp nhận nên chưa có dòng trong Sổ theo dõi hồ sơ.",
};

static void form_get(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    int n = form_number(request_path_param(req, "form"));
    if (!auth_require(a, req, ROLE_ANY_STAFF, &user))
        return;
    if (n == 0) {
        response_error(req, 404, "unknown_form", "Không có biểu mẫu này. Các biểu mẫu: 01.pdf đến 06.pdf.");
        return;
    }
    if (!api_dossier_load(a, req, &user, &row))
        return;
    json_t *rules = api_dossier_rules(a, req, &row), *related = NULL, *data = NULL;
    if (rules != NULL && store_dossier_related(a->st, row.id, &related) != 0)
        api_reply_internal(req, "store: cannot read dossier details", row.code);
    else if (rules != NULL && (data = form_data(a, req, n, &row, rules, related)) == NULL)
        response_error(req, 404, "form_not_applicable", not_yet[n]);
    else if (data != NULL && n == 1 && !form01_pin(a, req, &row, data)) {
        json_decref(data);
        data = NULL;
    }
    if (data != NULL) {
        unsigned char *pdf = NULL;
        size_t len = 0;
        char err[256] = "", disposition[160];
        if (forms_render_mem(n, data, &pdf, &len, err, sizeof err) != 0) {
            api_reply_internal(req, "forms: cannot render", err);
        } else {
            snprintf(disposition, sizeof disposition,
                     "Content-Disposition: inline; filename=\"%s-mau-%02d.pdf\"\r\n", row.code, n);
            response_send(req, 200, "application/pdf", disposition, (const char *)pdf, len);
            free(pdf);
        }
    }
    json_decref(data);
    json_decref(related);
    api_dossier_release(&row, rules, NULL);
}

void api_dossiers_forms_register(router *r, app *a)
{
    router_add(r, "GET", "/api/v1/dossiers/{code}/forms/{form}", form_get, a);
}
