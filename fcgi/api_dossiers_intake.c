/* The outcomes of intake: POST /api/v1/dossiers/{code}/accept, /supplement (also a
 * department's send-back) and /refuse, decided by the transition table of core/dossier.c;
 * the helpers every status-changing handler shares. */
#include "api_dossiers.h"
#include "api_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "log.h"
#include "response.h"

#define NOTE_MAX 2000
#define ITEMS_MAX 50

/* The role declared by the current workflow step, and the number of steps. */
static const char *current_step_role(const json_t *rules, int step_index, int *step_count)
{
    json_t *steps = json_object_get(rules, "workflow");
    *step_count = (int)json_array_size(steps);
    return json_string_value(json_object_get(json_array_get(steps, (size_t)step_index), "role"));
}

/* Finds the transition for action from the dossier's status and checks the user's role.
 * NULL after sending 409 (not allowed from this status) or 403 (not this role). */
const dossier_transition *api_allowed_transition(request *req, const dossier_row *row,
                                                 const json_t *rules, const char *action,
                                                 const auth_user *user)
{
    int steps = 0;
    const char *step_role = current_step_role(rules, row->step_index, &steps);
    const dossier_transition *t = dossier_transition_find(action, row->status, row->step_index, steps);
    if (t == NULL) {
        api_reply_not_allowed(req, row);
        return NULL;
    }
    if (!dossier_transition_allows(t, user->role, step_role)) {
        response_error(req, 403, "forbidden",
                       "Vai trò của tài khoản này không được thực hiện thao tác này với hồ sơ.");
        return NULL;
    }
    return t;
}

/* Answers a failed store change; true when it sent something (i.e. not OK). */
bool api_reply_change(request *req, store_change_result r, const char *err)
{
    switch (r) {
    case STORE_CHANGE_OK:
        return false;
    case STORE_CHANGE_NOT_FOUND:
        response_error(req, 404, "unknown_dossier", "Không tìm thấy hồ sơ có mã này.");
        break;
    case STORE_CHANGE_STALE:
        response_error(req, 409, "transition_not_allowed",
                       "Hồ sơ vừa được người khác chuyển sang trạng thái khác. Hãy tải lại hồ sơ.");
        break;
    case STORE_CHANGE_SUPPLEMENT_LIMIT:
        response_error(req, 409, "supplement_limit",
                       "Hồ sơ này đã được yêu cầu bổ sung một lần; chỉ lãnh đạo cơ quan mới "
                       "được cho phép yêu cầu bổ sung thêm (override).");
        break;
    default:
        api_reply_internal(req, "store: dossier change failed", err);
        break;
    }
    return true;
}

/* Sends the dossier's new state: {code, status, status_label, ...extra}. */
void api_reply_state(app *a, request *req, const char *code, json_t *extra)
{
    dossier_row row;
    json_t *out = NULL;
    if (store_dossier_get(a->st, code, &row) == 1) {
        out = api_dossier_view(a, &row, false);
        dossier_row_clear(&row);
    }
    if (out == NULL) {
        json_decref(extra);
        api_reply_internal(req, "store: cannot read dossier back", code);
        return;
    }
    if (extra != NULL)
        json_object_update(out, extra);
    json_decref(extra);
    response_json(req, 200, out);
}

void api_reply_state_form(app *a, request *req, const char *code, int form, json_t *extra)
{
    char url[96];
    snprintf(url, sizeof url, "/api/v1/dossiers/%s/forms/%02d.pdf", code, form);
    if (extra == NULL)
        extra = json_object();
    json_object_set_new(extra, "forms", json_pack("[s]", url));
    api_reply_state(a, req, code, extra);
}

/* The time limit of a rules object as a calendar limit; false if malformed. */
static bool rules_limit(const json_t *rules, calendar_limit *limit)
{
    json_t *tl = json_object_get(rules, "time_limit");
    const char *unit = json_string_value(json_object_get(tl, "unit"));
    if (unit != NULL && strcmp(unit, "working_days") == 0) {
        limit->kind = CALENDAR_LIMIT_WORKING_DAYS;
        limit->value = (int)json_integer_value(json_object_get(tl, "value"));
        return limit->value >= 1;
    }
    const char *cutoff = json_string_value(json_object_get(tl, "cutoff"));
    int h, m;
    char tail;
    if (unit == NULL || strcmp(unit, "same_day") != 0 || cutoff == NULL ||
        sscanf(cutoff, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
        return false;
    limit->kind = CALENDAR_LIMIT_SAME_DAY;
    limit->value = h * 60 + m;
    return true;
}

/* The appointment for the dossier: from its received time and its rules' time limit. */
static bool compute_appointment(const calendar *cal, const dossier_row *row, const json_t *rules,
                                char out[17])
{
    calendar_limit limit;
    vn_minute received;
    if (!rules_limit(rules, &limit) || !calendar_minute_parse(row->received_at, &received))
        return false;
    vn_minute due = calendar_appointment(cal, received, limit);
    if (due == CALENDAR_MINUTE_INVALID)
        return false;
    calendar_minute_format(due, out);
    return true;
}

static void dossier_accept(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_COUNTER, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    json_t *rules = api_dossier_rules(a, req, &row);
    const dossier_transition *t = rules != NULL ? api_allowed_transition(req, &row, rules, "accept", &user) : NULL;
    char appointment[17], now[17], err[256] = "";
    if (t != NULL && !compute_appointment(a->cal, &row, rules, appointment)) {
        api_reply_internal(req, "calendar: cannot compute the appointment", row.code);
        t = NULL;
    }
    if (t != NULL) {
        dossier_now(now);
        dossier_change c = api_dossier_change(&row, t, &user, now, -1);
        c.accepted_at = now;
        c.appointment_at = appointment;
        c.due_at = appointment;
        if (!api_reply_change(req, store_dossier_change(a->st, &c, NULL, err, sizeof err), err))
            api_reply_state_form(a, req, row.code, 1, NULL);
    }
    api_dossier_release(&row, rules, NULL);
}

/* The supplement items as [{id?, title}]: a document id of the rules becomes its title,
 * anything else is kept as free text. NULL after a 422. */
static json_t *supplement_items(request *req, const json_t *body, const json_t *rules)
{
    json_t *items = json_object_get(body, "items");
    size_t n = json_array_size(items);
    if (!json_is_array(items) || n == 0 || n > ITEMS_MAX) {
        response_error(req, 422, "invalid_items",
                       "Hãy liệt kê một lần đầy đủ các giấy tờ cần bổ sung (items: danh sách "
                       "mã giấy tờ hoặc nội dung, từ 1 đến 50 mục).");
        return NULL;
    }
    json_t *out = json_array();
    for (size_t i = 0; out != NULL && i < n; i++) {
        const char *text = json_string_value(json_array_get(items, i));
        if (text == NULL || text[0] == '\0' || strlen(text) > NOTE_MAX) {
            json_decref(out);
            response_error(req, 422, "invalid_items",
                           "Mỗi mục cần bổ sung phải là một chuỗi không rỗng (mã giấy tờ hoặc nội dung).");
            return NULL;
        }
        json_t *docs = json_object_get(rules, "documents"), *item = NULL;
        for (size_t d = 0; item == NULL && d < json_array_size(docs); d++) {
            json_t *doc = json_array_get(docs, d);
            const char *id = json_string_value(json_object_get(doc, "id"));
            if (id != NULL && strcmp(id, text) == 0)
                item = json_pack("{s:s,s:O}", "id", id, "title", json_object_get(doc, "title"));
        }
        if (item == NULL)
            item = json_pack("{s:s}", "title", text);
        json_array_append_new(out, item);
    }
    if (out == NULL)
        api_reply_internal(req, "supplement", "out of memory");
    return out;
}

/* An optional text member of at most NOTE_MAX bytes; false after a 422. */
bool api_optional_note(request *req, const json_t *body, const char *key, const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = json_string_value(v);
    if ((v != NULL && !json_is_null(v) && *out == NULL) || (*out != NULL && strlen(*out) > NOTE_MAX)) {
        response_error(req, 422, "invalid_note", "Ghi chú phải là chuỗi ký tự, tối đa 2000 byte.");
        return false;
    }
    return true;
}

/* POST /supplement: at intake (received) from the counter, or a deficiency sent back by the
 * department (transferred, processing): either way the citizen's one supplement. */
/* {"from_completeness": true} without "items": the items are the required documents the
 * scanner found missing. False after answering (no verdict yet, nothing missing, error). */
static bool supplement_items_from_completeness(app *a, request *req, const dossier_row *row, json_t *body)
{
    if (!json_is_true(json_object_get(body, "from_completeness")) || json_object_get(body, "items") != NULL)
        return true;
    json_t *ids = NULL;
    int found = api_scan_missing_ids(a, row, &ids);
    if (found < 0) {
        api_reply_internal(req, "store: cannot read the completeness verdict", row->code);
        return false;
    }
    if (found == 0 || json_array_size(ids) == 0) {
        response_error(req, 409, found == 0 ? "no_verdict" : "nothing_missing",
                       found == 0 ? "Hệ thống chưa kiểm tra xong thành phần hồ sơ. Hãy chờ kết quả "
                                    "nhận dạng rồi thử lại, hoặc liệt kê giấy tờ cần bổ sung."
                                  : "Hồ sơ đã đủ thành phần theo kết quả nhận dạng; không có giấy tờ "
                                    "nào cần bổ sung.");
        json_decref(ids);
        return false;
    }
    json_object_set_new(body, "items", ids);
    return true;
}

static void dossier_supplement_post(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_COUNTER | ROLE_ANY_DEPARTMENT, &user) ||
        !api_dossier_load(a, req, &user, &row))
        return;
    json_t *body = api_body_object(req), *rules = NULL, *items = NULL;
    const char *note = NULL;
    const dossier_transition *t = NULL;
    if (body != NULL && !supplement_items_from_completeness(a, req, &row, body)) {
        api_dossier_release(&row, NULL, body);
        return;
    }
    if (body != NULL && (rules = api_dossier_rules(a, req, &row)) != NULL &&
        api_optional_note(req, body, "note", &note) && (items = supplement_items(req, body, rules)) != NULL) {
        const char *action = row.status == DOSSIER_RECEIVED ? "request_supplement" : "send_back";
        t = api_allowed_transition(req, &row, rules, action, &user);
    }
    bool override = json_is_true(json_object_get(body, "override"));
    const char *override_by = NULL;
    if (t != NULL) {
        switch (dossier_supplement_check(row.supplement_count, user.role, override)) {
        case DOSSIER_SUPPLEMENT_FIRST:
            break;
        case DOSSIER_SUPPLEMENT_OVERRIDE:
            override_by = user.username;
            log_msg(LOG_INFO, "dossier %s: further supplement request allowed by %s", row.code, user.username);
            break;
        default:
            api_reply_change(req, STORE_CHANGE_SUPPLEMENT_LIMIT, NULL);
            t = NULL;
        }
    }
    if (t != NULL) {
        char now[17];
        char *items_json = json_dumps(items, JSON_COMPACT);
        dossier_now(now);
        dossier_supplement s = {items_json, note, t->from == DOSSIER_RECEIVED ? "counter" : "department",
                                override_by};
        dossier_change c = api_dossier_change(&row, t, &user, now, -1);
        c.supplement = &s;
        long long number = 0;
        bool applied = false;
        if (items_json == NULL)
            api_reply_internal(req, "supplement", "out of memory");
        else
            applied = api_dossier_apply(a, req, &user, &row, rules, t, &c, &number);
        free(items_json);
        if (applied)
            api_reply_state_form(a, req, row.code, 2,
                                 json_pack("{s:{s:I,s:O,s:s?}}", "supplement", "number", (json_int_t)number,
                                           "items", items, "override_by", override_by));
    }
    json_decref(items);
    api_dossier_release(&row, rules, body);
}

static void dossier_refuse(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_COUNTER, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    json_t *body = api_body_object(req), *rules = NULL;
    const char *reason = NULL;
    const dossier_transition *t = NULL;
    if (body != NULL && api_optional_note(req, body, "reason", &reason)) {
        if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0')
            response_error(req, 422, "missing_reason",
                           "Hãy ghi rõ lý do từ chối tiếp nhận hồ sơ (reason).");
        else if ((rules = api_dossier_rules(a, req, &row)) != NULL)
            t = api_allowed_transition(req, &row, rules, "refuse", &user);
    }
    if (t != NULL) {
        char now[17], err[256] = "";
        dossier_now(now);
        dossier_change c = api_dossier_change(&row, t, &user, now, -1);
        c.closed_at = now;
        c.refusal_reason = reason;
        if (!api_reply_change(req, store_dossier_change(a->st, &c, NULL, err, sizeof err), err))
            api_reply_state_form(a, req, row.code, 3, NULL);
    }
    api_dossier_release(&row, rules, body);
}

void api_dossiers_intake_register(router *r, app *a)
{
    router_add(r, "POST", "/api/v1/dossiers/{code}/accept", dossier_accept, a);
    router_add(r, "POST", "/api/v1/dossiers/{code}/supplement", dossier_supplement_post, a);
    router_add(r, "POST", "/api/v1/dossiers/{code}/refuse", dossier_refuse, a);
}
