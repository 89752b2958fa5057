/* Supervision: GET /api/v1/stats?from=&to= (counts and rates per department and procedure) and
 * the Form 06 register of a date range as GET /api/v1/register.pdf and /api/v1/register.csv. */
#include "api_dossiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "forms.h"
#include "log.h"
#include "response.h"
#include "store_reports.h"

#define REGISTER_PDF_MAX 2000
#define REGISTER_CSV_MAX 50000

/* The range from..to ("YYYY-MM-DD", inclusive) of the query; absent: this month up to
 * today. False after a 400. */
static bool query_range(request *req, char from[11], char to[11])
{
    const char *f = request_query(req, "from"), *t = request_query(req, "to");
    vn_date df, dt, today = vn_date_of(time(NULL));
    if (f == NULL || f[0] == '\0')
        df = today / 100 * 100 + 1;
    else if (strlen(f) != 10 || !vn_date_parse(f, &df))
        df = 0;
    if (t == NULL || t[0] == '\0')
        dt = today;
    else if (strlen(t) != 10 || !vn_date_parse(t, &dt))
        dt = 0;
    if (df == 0 || dt == 0 || df > dt) {
        response_error(req, 400, "invalid_range",
                       "Khoảng thời gian không hợp lệ: from và to theo dạng YYYY-MM-DD, from không sau to.");
        return false;
    }
    vn_date_format(df, from);
    vn_date_format(dt, to);
    return true;
}

/* a / b in percent with one decimal, or null when b is 0. */
static json_t *percent(json_int_t a, json_int_t b)
{
    return b > 0 ? json_real((double)((a * 2000 / b + 1) / 2) / 10.0) : json_null();
}

static json_int_t count_of(const json_t *c, const char *key)
{
    return json_integer_value(json_object_get(c, key));
}

/* Adds the rates of Decision 766/QĐ-TTg that motcua can compute to a counts object:
 *   on_time_rate  = on time / finished;
 *   overdue_rate  = (finished late + overdue now) / (finished + overdue now);
 *   complaint_rate: null, complaints are not recorded here (petitions go through another
 *     system), so satisfaction_766 = 100 - overdue_rate counts them as zero and says so;
 *   rating averages: the citizens' own scores (1..5) of returned dossiers. */
static void add_rates(json_t *c)
{
    json_int_t finished = count_of(c, "finished"), overdue = count_of(c, "overdue_now");
    json_int_t ratings = count_of(c, "ratings");
    json_object_set_new(c, "on_time_rate", percent(count_of(c, "on_time"), finished));
    json_t *od = percent(count_of(c, "late") + overdue, finished + overdue);
    json_object_set_new(c, "complaint_rate", json_null());
    json_object_set_new(c, "satisfaction_766",
                        json_is_real(od) ? json_real(100.0 - json_real_value(od)) : json_null());
    json_object_set_new(c, "overdue_rate", od);
    static const char *const sums[][2] = {{"satisfaction_sum", "rating_satisfaction_avg"},
                                          {"on_time_rating_sum", "rating_on_time_avg"},
                                          {"attitude_sum", "rating_attitude_avg"}};
    for (size_t i = 0; i < 3; i++) {
        json_int_t s = count_of(c, sums[i][0]);
        json_object_set_new(c, sums[i][1],
                            ratings > 0 ? json_real((double)(s * 100 / ratings) / 100.0) : json_null());
        json_object_del(c, sums[i][0]);
    }
}

static void stats_get(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    char from[11], to[11], now[17];
    if (!auth_require(a, req, ROLE_SUPERVISOR | ROLE_ADMIN, &user) || !query_range(req, from, to))
        return;
    dossier_now(now);
    json_t *s = NULL;
    if (store_stats(a->st, from, to, now, &s) != 0) {
        api_reply_internal(req, "store: cannot compute statistics", from);
        return;
    }
    add_rates(json_object_get(s, "totals"));
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(s, "departments"), i, g) {
        const cat_department *d = catalogue_department(a->cat, json_string_value(json_object_get(g, "department")));
        json_object_set_new(g, "department_name", d != NULL ? json_string(d->name) : json_null());
        add_rates(g);
    }
    json_array_foreach(json_object_get(s, "procedures"), i, g) {
        const cat_procedure *p = catalogue_find(a->cat, json_string_value(json_object_get(g, "procedure")));
        json_object_set_new(g, "procedure_name", p != NULL ? json_string(p->name) : json_null());
        add_rates(g);
    }
    json_object_set_new(s, "from", json_string(from));
    json_object_set_new(s, "to", json_string(to));
    json_object_set_new(s, "now", json_string(now));
    json_object_set_new(s, "notes",
                        json_string("Tỷ lệ tính trên hồ sơ tiếp nhận trong khoảng thời gian. Hạn giải quyết "
                                    "đã trừ thời gian chờ bổ sung. Hồ sơ có phiếu xin lỗi vẫn tính theo hạn ban đầu. "
                                    "Chưa có số liệu phản ánh, kiến nghị nên complaint_rate để trống và "
                                    "satisfaction_766 = 100% - tỷ lệ trễ hạn."));
    /* Six significant digits: rates print as 33.3, not 33.299999999999997. */
    char *text = json_dumps(s, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(s);
    if (text == NULL) {
        api_reply_internal(req, "stats", "out of memory");
        return;
    }
    response_send(req, 200, RESPONSE_JSON_TYPE, NULL, text, strlen(text));
    free(text);
}

/* "YYYY-MM-DD HH:MM" -> "HH:MM dd/mm/yyyy" into out ("" for null / malformed). */
static const char *vn_time(const json_t *v, char out[17])
{
    vn_minute m;
    const char *t = json_string_value(v);
    if (t == NULL || !calendar_minute_parse(t, &m)) {
        out[0] = '\0';
        return out;
    }
    calendar_minute_format_vn(m, out);
    return out;
}

/* The register note of a line: the state when it is not the usual end, and the apology. */
static void register_note(const json_t *row, char *out, size_t len)
{
    dossier_status s;
    const char *label = dossier_status_parse(json_string_value(json_object_get(row, "status")), &s) &&
                                s != DOSSIER_RETURNED
                            ? dossier_status_label(s)
                            : "";
    char again[17];
    vn_time(json_object_get(row, "new_appointment_at"), again);
    snprintf(out, len, "%s%s%s%s", label, label[0] && again[0] ? "; " : "",
             again[0] ? "Hẹn lại: " : "", again);
}

/* The rows of the range, or NULL after a 422 (too many) or a 500. */
static json_t *register_rows(app *a, request *req, const char *from, const char *to, int limit)
{
    json_t *rows = NULL;
    bool truncated = false;
    if (store_register(a->st, from, to, limit, &rows, &truncated) != 0) {
        api_reply_internal(req, "store: cannot read the register", from);
        return NULL;
    }
    if (truncated) {
        char msg[200];
        snprintf(msg, sizeof msg, "Khoảng thời gian có hơn %d hồ sơ. Hãy chọn khoảng ngắn hơn.", limit);
        response_error(req, 422, "range_too_large", msg);
        json_decref(rows);
        return NULL;
    }
    return rows;
}

static const char *text_of(const json_t *row, const char *key)
{
    const char *t = json_string_value(json_object_get(row, key));
    return t != NULL ? t : "";
}

static void register_pdf(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    char from[11], to[11];
    if (!auth_require(a, req, ROLE_SUPERVISOR | ROLE_ADMIN, &user) || !query_range(req, from, to))
        return;
    json_t *rows = register_rows(a, req, from, to, REGISTER_PDF_MAX);
    if (rows == NULL)
        return;
    json_t *lines = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const cat_procedure *p = catalogue_find(a->cat, text_of(row, "procedure"));
        char t[5][17], note[200], addr[400];
        const char *lead = text_of(row, "lead_agency");
        snprintf(addr, sizeof addr, "%s%s%s", text_of(row, "applicant_address"),
                 text_of(row, "applicant_address")[0] && text_of(row, "applicant_phone")[0] ? ", " : "",
                 text_of(row, "applicant_phone"));
        register_note(row, note, sizeof note);
        json_t *line = json_pack(
            "{s:s,s:s,s:O,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "dossier_code", text_of(row, "dossier_code"),
            "procedure_name", p != NULL ? p->name : text_of(row, "procedure"), "sets", json_object_get(row, "sets"),
            "applicant_name", text_of(row, "applicant_name"), "applicant_address", addr, "lead_agency",
            lead[0] ? lead : "-", "received_at", vn_time(json_object_get(row, "received_at"), t[0]),
            "appointment_at", vn_time(json_object_get(row, "appointment_at"), t[1]), "transferred_at",
            vn_time(json_object_get(row, "transferred_at"), t[2]), "result_at",
            vn_time(json_object_get(row, "result_at"), t[3]), "returned_at",
            vn_time(json_object_get(row, "returned_at"), t[4]), "note", note);
        if (line == NULL || json_array_append_new(lines, line) != 0)
            break;
    }
    json_decref(rows);
    char period[64], dfrom[11], dto[11];
    snprintf(dfrom, sizeof dfrom, "%.2s/%.2s/%.4s", from + 8, from + 5, from);
    snprintf(dto, sizeof dto, "%.2s/%.2s/%.4s", to + 8, to + 5, to);
    snprintf(period, sizeof period, "Từ ngày %s đến ngày %s", dfrom, dto);
    json_t *data = json_pack("{s:{s:s},s:s,s:o}", "agency", "name", a->cfg->centre_name, "period", period,
                             "rows", lines);
    unsigned char *pdf = NULL;
    size_t len = 0;
    char err[256] = "", disposition[128];
    if (data == NULL || forms_render_mem(6, data, &pdf, &len, err, sizeof err) != 0) {
        api_reply_internal(req, "forms: cannot render the register", err);
    } else {
        snprintf(disposition, sizeof disposition,
                 "Content-Disposition: inline; filename=\"so-theo-doi-%s-%s.pdf\"\r\n", from, to);
        response_send(req, 200, "application/pdf", disposition, (const char *)pdf, len);
    }
    free(pdf);
    json_decref(data);
}

/* A growing text buffer; on allocation failure it keeps failing (ok false). */
typedef struct csv_buf {
    char *data;
    size_t len, cap;
    bool ok;
} csv_buf;

static void csv_put(csv_buf *b, const char *s, size_t n)
{
    if (!b->ok)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (p == NULL) {
            b->ok = false;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* One RFC 4180 field, always quoted (quotes doubled). A value that a spreadsheet would take
 * as a formula (starting with = + - @, tab or CR) gets a leading apostrophe. */
static void csv_field(csv_buf *b, const char *s, bool last)
{
    csv_put(b, "\"", 1);
    if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')
        csv_put(b, "'", 1);
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
        csv_put(b, s, (size_t)(q - s));
        csv_put(b, "\"\"", 2);
    }
    csv_put(b, s, strlen(s));
    csv_put(b, last ? "\"\r\n" : "\",", last ? 3 : 2);
}

static void register_csv(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    char from[11], to[11];
    if (!auth_require(a, req, ROLE_SUPERVISOR | ROLE_ADMIN, &user) || !query_range(req, from, to))
        return;
    json_t *rows = register_rows(a, req, from, to, REGISTER_CSV_MAX);
    if (rows == NULL)
        return;
    static const char *const head[] = {"STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Số bộ",
                                       "Tên cá nhân, tổ chức", "Địa chỉ", "Số điện thoại",
                                       "Cơ quan chủ trì giải quyết", "Trạng thái", "Nhận hồ sơ",
                                       "Hẹn trả kết quả", "Hẹn lại (phiếu xin lỗi)", "Chuyển cơ quan giải quyết",
                                       "Nhận kết quả", "Trả kết quả"};
    enum { NCOL = sizeof head / sizeof head[0] };
    csv_buf b = {NULL, 0, 0, true};
    csv_put(&b, "\xEF\xBB\xBF", 3);
    for (size_t k = 0; k < NCOL; k++)
        csv_field(&b, head[k], k == NCOL - 1);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const cat_procedure *p = catalogue_find(a->cat, text_of(row, "procedure"));
        dossier_status s;
        char n[24], sets[24];
        snprintf(n, sizeof n, "%zu", i + 1);
        json_t *sv = json_object_get(row, "sets");
        snprintf(sets, sizeof sets, "%lld", json_is_integer(sv) ? (long long)json_integer_value(sv) : 1LL);
        const char *cells[NCOL] = {
            n, text_of(row, "dossier_code"), text_of(row, "procedure"), p != NULL ? p->name : "", sets,
            text_of(row, "applicant_name"), text_of(row, "applicant_address"), text_of(row, "applicant_phone"),
            text_of(row, "lead_agency"),
            dossier_status_parse(text_of(row, "status"), &s) ? dossier_status_label(s) : text_of(row, "status"),
            text_of(row, "received_at"), text_of(row, "appointment_at"), text_of(row, "new_appointment_at"),
            text_of(row, "transferred_at"), text_of(row, "result_at"), text_of(row, "returned_at")};
        for (size_t k = 0; k < NCOL; k++)
            csv_field(&b, cells[k], k == NCOL - 1);
    }
    json_decref(rows);
    if (!b.ok) {
        api_reply_internal(req, "register csv", "out of memory");
    } else {
        char disposition[128];
        snprintf(disposition, sizeof disposition,
                 "Content-Disposition: attachment; filename=\"so-theo-doi-%s-%s.csv\"\r\n", from, to);
        response_send(req, 200, "text/csv; charset=utf-8", disposition, b.data, b.len);
    }
    free(b.data);
}

void api_stats_register(router *r, app *a)
{
    router_add(r, "GET", "/api/v1/stats", stats_get, a);
    router_add(r, "GET", "/api/v1/register.pdf", register_pdf, a);
    router_add(r, "GET", "/api/v1/register.csv", register_csv, a);
}
