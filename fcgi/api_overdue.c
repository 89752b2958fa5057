/* Overdue dossiers: GET /api/v1/overdue (who missed or is about to miss the appointment) and
 * POST /api/v1/dossiers/{code}/apology (Form 04, the department head's one new date). */
#include "api_dossiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "log.h"
#include "response.h"
#include "store_reports.h"

#define REASON_MAX 2000

/* The end of the next working day after today: what is due by then and not finished
 * "will miss" unless someone acts today. False when the calendar fails. */
static bool overdue_horizon(const calendar *cal, const char *now, char out[17])
{
    vn_minute m;
    if (!calendar_minute_parse(now, &m))
        return false;
    vn_date next = calendar_next_working_day(cal, calendar_minute_date(m));
    if (next == 0)
        return false;
    calendar_minute_format(calendar_minute_make(next, 23, 59), out);
    return true;
}

static void overdue_list(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    if (!auth_require(a, req, ROLE_SUPERVISOR | ROLE_ADMIN | ROLE_ANY_DEPARTMENT, &user))
        return;
    const char *department = request_query(req, "department");
    if (department != NULL && department[0] == '\0')
        department = NULL;
    if (role_is_departmental(user.role)) {
        if (department != NULL && strcmp(department, user.department) != 0) {
            response_error(req, 403, "forbidden", "Tài khoản của bạn chỉ được xem hồ sơ của cơ quan mình.");
            return;
        }
        department = user.department;
    }
    char now[17], horizon[17];
    dossier_now(now);
    json_t *rows = NULL;
    if (!overdue_horizon(a->cal, now, horizon)) {
        api_reply_internal(req, "calendar: cannot compute the overdue horizon", now);
        return;
    }
    if (store_overdue_list(a->st, now, horizon, department, 5000, &rows) != 0) {
        api_reply_internal(req, "store: cannot list overdue dossiers", department);
        return;
    }
    size_t i, missed = 0;
    json_t *row;
    json_array_foreach(rows, i, row) {
        dossier_status s;
        bool is_missed = strcmp(json_string_value(json_object_get(row, "kind")), "missed") == 0;
        missed += is_missed;
        if (dossier_status_parse(json_string_value(json_object_get(row, "status")), &s))
            json_object_set_new(row, "status_label", json_string(dossier_status_label(s)));
        json_object_set_new(row, "kind_label", json_string(is_missed ? "Đã quá hạn" : "Sắp đến hạn"));
    }
    response_json(req, 200, json_pack("{s:s,s:s,s:I,s:I,s:o}", "now", now, "horizon", horizon,
                                      "count", (json_int_t)json_array_size(rows), "missed",
                                      (json_int_t)missed, "dossiers", rows));
}

/* Parses new_date: "YYYY-MM-DD" (the end of that day's working hours) or "YYYY-MM-DD HH:MM"
 * within working hours. False after a 422. */
static bool parse_new_date(request *req, const calendar *cal, const char *text, vn_minute *out)
{
    vn_date d;
    calendar_hours h = calendar_get_hours(cal);
    if (text != NULL && strlen(text) == 10 && vn_date_parse(text, &d)) {
        *out = calendar_minute_make(d, h.pm_end / 60, h.pm_end % 60);
        return *out != CALENDAR_MINUTE_INVALID;
    }
    if (text != NULL && calendar_minute_parse(text, out)) {
        int minute = calendar_minute_of_day(*out);
        if ((minute >= h.am_start && minute <= h.am_end) || (minute >= h.pm_start && minute <= h.pm_end))
            return true;
        response_error(req, 422, "invalid_new_date",
                       "Giờ hẹn trả mới phải trong giờ làm việc (07:30–11:30, 13:00–17:00).");
        return false;
    }
    response_error(req, 422, "invalid_new_date",
                   "Ngày hẹn trả mới không hợp lệ: ghi theo dạng YYYY-MM-DD (ví dụ 2025-12-05) "
                   "hoặc YYYY-MM-DD HH:MM.");
    return false;
}

/* Checks body {reason, new_date} against the dossier's appointment; fills reason and new_at.
 * False after a 422. */
static bool apology_input(request *req, const calendar *cal, const json_t *body, const dossier_row *row,
                          const char **reason, char new_at[17])
{
    *reason = json_string_value(json_object_get(body, "reason"));
    if (*reason == NULL || (*reason)[strspn(*reason, " \t\r\n")] == '\0' || strlen(*reason) > REASON_MAX) {
        response_error(req, 422, "missing_reason",
                       "Hãy ghi rõ lý do chậm trả kết quả (reason, tối đa 2000 byte).");
        return false;
    }
    vn_minute appt, when;
    bool ok = calendar_minute_parse(row->appointment_at, &appt);
    if (!ok) {
        api_reply_internal(req, "apology: cannot read the appointment", row->code);
        return false;
    }
    ok = parse_new_date(req, cal, json_string_value(json_object_get(body, "new_date")), &when);
    if (ok && !calendar_is_working_day(cal, calendar_minute_date(when))) {
        response_error(req, 422, "not_a_working_day",
                       "Ngày hẹn trả mới rơi vào ngày nghỉ (thứ Bảy, Chủ nhật hoặc ngày lễ). "
                       "Hãy chọn một ngày làm việc.");
        ok = false;
    }
    if (ok && calendar_minute_date(when) <= vn_date_of(time(NULL))) {
        response_error(req, 422, "new_date_past", "Ngày hẹn trả mới phải sau ngày hôm nay.");
        ok = false;
    }
    if (ok && calendar_minute_date(when) <= calendar_minute_date(appt)) {
        char msg[256], vn[17];
        calendar_minute_format_vn(appt, vn);
        snprintf(msg, sizeof msg, "Ngày hẹn trả mới phải sau ngày hẹn hiện tại (%s).", vn + 6);
        response_error(req, 422, "new_date_not_later", msg);
        ok = false;
    }
    if (ok)
        calendar_minute_format(when, new_at);
    return ok;
}

/* Answers a refused apology; true when it sent something. */
static bool reply_apology(request *req, store_apology_result r, const char *err)
{
    switch (r) {
    case STORE_APOLOGY_OK:
        return false;
    case STORE_APOLOGY_NOT_FOUND:
        response_error(req, 404, "unknown_dossier", "Không tìm thấy hồ sơ có mã này.");
        break;
    case STORE_APOLOGY_EXISTS:
        response_error(req, 409, "apology_exists",
                       "Hồ sơ này đã có Phiếu xin lỗi và hẹn lại ngày trả kết quả; ngày hẹn mới "
                       "chỉ được đặt một lần.");
        break;
    case STORE_APOLOGY_CLOSED:
        response_error(req, 409, "dossier_closed",
                       "Hồ sơ đã kết thúc (đã trả kết quả, từ chối, dừng xử lý hoặc đã rút); "
                       "không thể hẹn lại ngày trả.");
        break;
    case STORE_APOLOGY_STALE:
        response_error(req, 409, "appointment_changed",
                       "Ngày hẹn của hồ sơ vừa thay đổi. Hãy tải lại hồ sơ rồi làm lại.");
        break;
    default:
        api_reply_internal(req, "store: apology failed", err);
        break;
    }
    return true;
}

/* POST /apology: only the head of the dossier's department (scope by api_dossier_load), once,
 * while the dossier is not terminal. Issued after the appointment's day it is still recorded
 * (a late Form 04 is better than none for the citizen), flagged "late" in the answer and the
 * audit event, so that supervision sees that the rule "by the appointment date" was missed. */
static void apology_post(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_DEPARTMENT_HEAD, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    json_t *body = api_body_object(req), *existing = NULL;
    const char *reason = NULL;
    char new_at[17], now[17], err[256] = "";
    bool go = false;
    int has = body != NULL ? store_apology_get(a->st, row.id, &existing) : 0;
    json_decref(existing);
    if (body == NULL)
        go = false; /* 400 already sent */
    else if (has < 0)
        api_reply_internal(req, "store: cannot read apology", row.code);
    else if (has == 1)
        reply_apology(req, STORE_APOLOGY_EXISTS, NULL);
    else if (dossier_status_terminal(row.status))
        reply_apology(req, STORE_APOLOGY_CLOSED, NULL);
    else if (row.appointment_at[0] == '\0')
        response_error(req, 409, "no_appointment",
                       "Hồ sơ chưa được tiếp nhận nên chưa có ngày hẹn trả; chưa thể lập phiếu xin lỗi.");
    else
        go = apology_input(req, a->cal, body, &row, &reason, new_at);
    if (go) {
        dossier_now(now);
        bool late = strncmp(now, row.appointment_at, 10) > 0;
        dossier_apology ap = {.code = row.code, .appointment_at = row.appointment_at, .reason = reason,
                              .new_appointment_at = new_at, .actor = user.username,
                              .actor_name = user.full_name, .at = now, .late = late};
        long long number = 0;
        if (!reply_apology(req, store_apology_add(a->st, &ap, &number, err, sizeof err), err)) {
            log_msg(LOG_INFO, "dossier %s: apology %lld/PXL by %s, new date %s%s", row.code, number,
                    user.username, new_at, late ? " (issued after the appointment date)" : "");
            char form[96], numtext[32];
            snprintf(form, sizeof form, "/api/v1/dossiers/%s/forms/04.pdf", row.code);
            snprintf(numtext, sizeof numtext, "%lld/PXL", number);
            json_t *v = api_dossier_view(a, &row, false);
            json_t *extra = json_pack("{s:{s:I,s:s,s:s,s:s,s:s,s:b},s:[s]}", "apology", "number",
                                      (json_int_t)number, "number_text", numtext, "reason", reason,
                                      "new_appointment_at", new_at, "issued_at", now, "late", late,
                                      "forms", form);
            if (v == NULL || extra == NULL || json_object_update(v, extra) != 0) {
                json_decref(v);
                v = NULL;
            }
            json_decref(extra);
            if (v == NULL)
                api_reply_internal(req, "apology: cannot build the answer", row.code);
            else
                response_json(req, 201, v);
        }
    }
    api_dossier_release(&row, NULL, body);
}

void api_overdue_register(router *r, app *a)
{
    router_add(r, "GET", "/api/v1/overdue", overdue_list, a);
    router_add(r, "POST", "/api/v1/dossiers/{code}/apology", apology_post, a);
}
