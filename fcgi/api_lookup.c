/* The public lookup: GET /api/v1/lookup?code=&pin= (status, procedure, dates and steps, nothing
 * personal) and POST /api/v1/lookup/rating (once per returned dossier). No session: the code and
 * the PIN printed on the receipt are the key; failed checks are throttled per client address. */
#include "api_dossiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "response.h"
#include "store_reports.h"

#define COMMENT_MAX 2000

/* One body for an unknown code, a malformed code or PIN and a wrong PIN: the answer says
 * nothing about whether the code exists. */
static void reply_no_match(request *req)
{
    response_error(req, 404, "not_found",
                   "Mã hồ sơ hoặc mã tra cứu (PIN) không đúng. Hãy kiểm tra lại trên Giấy tiếp nhận "
                   "hồ sơ và hẹn trả kết quả.");
}

/* False after a 429 (too many failures from this address) or a 500. */
static bool lookup_allowed(app *a, request *req, time_t now)
{
    int wait = store_lookup_throttle(a->st, req->remote_addr, now);
    if (wait < 0) {
        api_reply_internal(req, "store: cannot read lookup attempts", req->remote_addr);
        return false;
    }
    if (wait == 0)
        return true;
    char headers[64], msg[256];
    snprintf(headers, sizeof headers, "Retry-After: %d\r\n", wait);
    snprintf(msg, sizeof msg,
             "Bạn đã nhập sai mã hồ sơ hoặc mã tra cứu quá nhiều lần. Vui lòng thử lại sau %d phút.",
             (wait + 59) / 60);
    json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", "too_many_attempts", "message", msg);
    char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (text == NULL) {
        api_reply_internal(req, "lookup", "out of memory");
        return false;
    }
    response_send(req, 429, RESPONSE_JSON_TYPE, headers, text, strlen(text));
    free(text);
    return false;
}

/* Checks code+PIN the same way whatever is wrong with them: 1 match, 0 no match (the
 * failure is counted and the 404 sent), -1 after a 500. */
static int lookup_check(app *a, request *req, const char *code, const char *pin, time_t now)
{
    int ok = store_dossier_pin_check(a->st, code != NULL ? code : "", pin != NULL ? pin : "");
    if (ok < 0) {
        api_reply_internal(req, "store: cannot check a lookup PIN", NULL);
        return -1;
    }
    if (ok == 1)
        return 1;
    if (store_lookup_failure(a->st, req->remote_addr, now) != 0)
        log_msg(LOG_WARN, "store: cannot record a failed lookup from %s",
                req->remote_addr != NULL ? req->remote_addr : "?");
    reply_no_match(req);
    return 0;
}

/* What a step of the history says to the citizen. */
static const char *step_label(const char *action)
{
    static const char *const labels[][2] = {
        {"dossier.create", "Nộp hồ sơ"},
        {"dossier.accept", "Tiếp nhận hồ sơ, hẹn ngày trả kết quả"},
        {"dossier.supplement", "Yêu cầu bổ sung, hoàn thiện hồ sơ"},
        {"dossier.send_back", "Cơ quan giải quyết yêu cầu bổ sung, hoàn thiện hồ sơ"},
        {"dossier.resubmit", "Nộp bổ sung hồ sơ"},
        {"dossier.refuse", "Từ chối tiếp nhận hồ sơ"},
        {"dossier.transfer", "Chuyển hồ sơ đến cơ quan giải quyết"},
        {"dossier.receive", "Cơ quan giải quyết nhận hồ sơ"},
        {"dossier.step", "Hoàn thành bước xử lý"},
        {"dossier.done", "Giải quyết xong, kết quả chuyển về Bộ phận Một cửa"},
        {"dossier.apology", "Xin lỗi và hẹn lại ngày trả kết quả"},
        {"dossier.stop", "Dừng xử lý hồ sơ"},
        {"dossier.withdraw", "Công dân rút hồ sơ"},
        {"dossier.return", "Đã trả kết quả"},
    };
    for (size_t i = 0; action != NULL && i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i][0], action) == 0)
            return labels[i][1];
    return "Cập nhật quá trình giải quyết";
}

/* Turns the store's public view into the answer: labels, procedure name, step names. */
static void lookup_dress(app *a, json_t *v)
{
    const char *proc = json_string_value(json_object_get(v, "procedure"));
    const char *digest = json_string_value(json_object_get(v, "procedure_digest"));
    const cat_procedure *p = catalogue_find(a->cat, proc);
    char *rules_text = NULL;
    json_t *rules = NULL;
    if (proc != NULL && digest != NULL &&
        store_procedure_version_json(a->st, proc, digest, &rules_text) == 1)
        rules = json_loads(rules_text, 0, NULL);
    free(rules_text);
    json_t *workflow = json_object_get(rules, "workflow");
    dossier_status s;
    if (dossier_status_parse(json_string_value(json_object_get(v, "status")), &s))
        json_object_set_new(v, "status_label", json_string(dossier_status_label(s)));
    json_object_set_new(v, "procedure_name", json_string(p != NULL ? p->name : proc));
    size_t i;
    json_t *step;
    json_array_foreach(json_object_get(v, "steps"), i, step) {
        const char *action = json_string_value(json_object_get(step, "action"));
        json_object_set_new(step, "label", json_string(step_label(action)));
        json_t *idx = json_object_get(step, "step_index");
        const char *name = json_is_integer(idx)
                               ? json_string_value(json_object_get(
                                     json_array_get(workflow, (size_t)json_integer_value(idx)), "name"))
                               : NULL;
        if (name != NULL)
            json_object_set_new(step, "step_name", json_string(name));
        if (action != NULL && strncmp(action, "dossier.", 8) == 0)
            json_object_set_new(step, "action", json_string(action + 8));
    }
    json_object_del(v, "procedure_digest");
    json_decref(rules);
}

static void lookup_get(request *req, void *ctx)
{
    app *a = ctx;
    time_t now = time(NULL);
    const char *code = request_query(req, "code"), *pin = request_query(req, "pin");
    if (!lookup_allowed(a, req, now))
        return;
    if (code == NULL || pin == NULL || code[0] == '\0' || pin[0] == '\0') {
        response_error(req, 400, "missing_parameters",
                       "Hãy nhập mã hồ sơ (code) và mã tra cứu (pin) in trên Giấy tiếp nhận hồ sơ.");
        return;
    }
    if (lookup_check(a, req, code, pin, now) != 1)
        return;
    json_t *v = NULL;
    int rc = store_lookup_public(a->st, code, &v);
    if (rc != 1) {
        api_reply_internal(req, "store: cannot read a dossier for lookup", code);
        return;
    }
    lookup_dress(a, v);
    char *text = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    if (text == NULL) {
        api_reply_internal(req, "lookup", "out of memory");
        return;
    }
    response_send(req, 200, RESPONSE_JSON_TYPE, "Cache-Control: no-store\r\n", text, strlen(text));
    free(text);
}

/* An integer member within lo..hi into *out; false when absent or outside. */
static bool score(const json_t *body, const char *key, int lo, int hi, int *out)
{
    json_t *v = json_object_get(body, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return false;
    *out = (int)json_integer_value(v);
    return true;
}

static void rating_post(request *req, void *ctx)
{
    app *a = ctx;
    time_t now = time(NULL);
    if (!lookup_allowed(a, req, now))
        return;
    json_t *body = api_body_object(req);
    if (body == NULL)
        return;
    const char *code = json_string_value(json_object_get(body, "code"));
    const char *pin = json_string_value(json_object_get(body, "pin"));
    dossier_rating r = {0};
    json_t *comment = json_object_get(body, "comment");
    r.comment = json_string_value(comment);
    if (code == NULL || pin == NULL) {
        response_error(req, 400, "missing_parameters",
                       "Hãy nhập mã hồ sơ (code) và mã tra cứu (pin) in trên Giấy tiếp nhận hồ sơ.");
    } else if (lookup_check(a, req, code, pin, now) == 1) {
        if (!score(body, "satisfaction", 1, 5, &r.satisfaction) || !score(body, "on_time", 1, 5, &r.on_time) ||
            !score(body, "attitude", 1, 5, &r.attitude) || !score(body, "visits", 1, 99, &r.visits) ||
            (comment != NULL && !json_is_null(comment) && (r.comment == NULL || strlen(r.comment) > COMMENT_MAX))) {
            response_error(req, 422, "invalid_rating",
                           "Hãy đánh giá đủ các mục: mức độ hài lòng (satisfaction), đúng hẹn (on_time), "
                           "thái độ phục vụ (attitude), mỗi mục từ 1 đến 5 điểm, và số lần phải đi lại "
                           "(visits, từ 1); góp ý (comment) không quá 2000 byte.");
        } else {
            char at[17];
            dossier_now(at);
            r.at = at;
            switch (store_rating_add(a->st, code, &r)) {
            case STORE_RATING_OK:
                response_json(req, 201, json_pack("{s:s,s:s}", "code", code, "message",
                                                  "Cảm ơn Ông/Bà đã đánh giá chất lượng phục vụ."));
                break;
            case STORE_RATING_EXISTS:
                response_error(req, 409, "already_rated", "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.");
                break;
            case STORE_RATING_NOT_RETURNED:
                response_error(req, 409, "not_returned",
                               "Chỉ đánh giá được sau khi đã nhận kết quả giải quyết hồ sơ.");
                break;
            case STORE_RATING_NOT_FOUND:
                reply_no_match(req);
                break;
            default:
                api_reply_internal(req, "store: cannot record a rating", code);
            }
        }
    }
    json_decref(body);
}

void api_lookup_register(router *r, app *a)
{
    router_add(r, "GET", "/api/v1/lookup", lookup_get, a);
    router_add(r, "POST", "/api/v1/lookup/rating", rating_post, a);
}
