/* POST /api/v1/dossiers/{code}/return: the counter hands the result over (at the counter or
 * by post) and records the fee collected, checked against the rules in force at intake. */
#include "api_dossiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "response.h"
#include "store_reports.h"

#define RECEIPT_MAX 64

/* The fee entry of the dossier's rule version whose amount is `amount` (the standard fee is
 * the first entry; a reduced fee is any other declared entry). NULL when none matches. */
static const char *matching_fee(const json_t *rules, json_int_t amount)
{
    size_t i;
    json_t *fee;
    json_array_foreach(json_object_get(rules, "fees"), i, fee) {
        json_t *v = json_object_get(fee, "amount");
        if (json_is_integer(v) && json_integer_value(v) == amount)
            return json_string_value(json_object_get(fee, "name"));
    }
    return NULL;
}

/* The declared fees as "200.000 đồng, 100.000 đồng" for messages. */
static void fee_list(const json_t *rules, char *out, size_t len)
{
    size_t i, used = 0;
    json_t *fee;
    out[0] = '\0';
    json_array_foreach(json_object_get(rules, "fees"), i, fee) {
        json_int_t v = json_integer_value(json_object_get(fee, "amount"));
        char num[32], grouped[48];
        int n = snprintf(num, sizeof num, "%lld", (long long)v), g = 0;
        for (int k = 0; k < n && g < (int)sizeof grouped - 2; k++) {
            if (k > 0 && (n - k) % 3 == 0)
                grouped[g++] = '.';
            grouped[g++] = num[k];
        }
        grouped[g] = '\0';
        int w = snprintf(out + used, len - used, "%s%s đồng", i > 0 ? ", " : "", grouped);
        if (w < 0 || (size_t)w >= len - used)
            return;
        used += (size_t)w;
    }
}

/* True for 1..RECEIPT_MAX bytes of letters, digits and "-/._" (a receipt series and number). */
static bool receipt_valid(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n == 0 || n > RECEIPT_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '/' || c == '.' || c == '_'))
            return false;
    }
    return true;
}

/* Reads and checks {fee_collected, receipt_number, method}. False after a 422. */
static bool return_input(request *req, const json_t *body, const json_t *rules, dossier_return *r)
{
    json_t *fee = json_object_get(body, "fee_collected");
    json_t *receipt = json_object_get(body, "receipt_number");
    json_t *method = json_object_get(body, "method");
    char msg[400], fees[200];
    if (!json_is_integer(fee) || json_integer_value(fee) < 0) {
        response_error(req, 422, "invalid_fee",
                       "Hãy ghi số tiền phí, lệ phí đã thu (fee_collected, số nguyên đồng, 0 nếu miễn phí).");
        return false;
    }
    r->amount = json_integer_value(fee);
    r->fee_name = matching_fee(rules, r->amount);
    if (r->fee_name == NULL) {
        fee_list(rules, fees, sizeof fees);
        snprintf(msg, sizeof msg,
                 "Số tiền đã thu không khớp mức phí, lệ phí quy định cho hồ sơ này (%s). "
                 "Hãy kiểm tra lại số tiền.", fees);
        response_error(req, 422, "fee_mismatch", msg);
        return false;
    }
    r->method = method == NULL || json_is_null(method) ? "counter" : json_string_value(method);
    if (r->method == NULL || (strcmp(r->method, "counter") != 0 && strcmp(r->method, "post") != 0)) {
        response_error(req, 422, "invalid_method",
                       "Hình thức trả kết quả không hợp lệ: counter (tại Bộ phận Một cửa) hoặc post (bưu chính).");
        return false;
    }
    r->receipt_number = json_string_value(receipt);
    bool absent = receipt == NULL || json_is_null(receipt);
    if ((absent && r->amount > 0) || (!absent && !receipt_valid(r->receipt_number))) {
        response_error(req, 422, "invalid_receipt",
                       "Hãy ghi số biên lai thu phí, lệ phí (receipt_number: chữ, số và - / . _, "
                       "tối đa 64 ký tự).");
        return false;
    }
    return true;
}

static void return_post(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_COUNTER, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    json_t *body = api_body_object(req), *rules = NULL;
    dossier_return r = {.code = row.code, .actor = user.username, .actor_name = user.full_name};
    bool go = false;
    if (body != NULL && row.status != DOSSIER_DONE)
        api_reply_not_allowed(req, &row);
    else if (body != NULL && (rules = api_dossier_rules(a, req, &row)) != NULL)
        go = return_input(req, body, rules, &r);
    if (go) {
        char now[17], err[256] = "";
        dossier_now(now);
        r.at = now;
        store_change_result res = store_dossier_return(a->st, &r, err, sizeof err);
        if (res == STORE_CHANGE_OK) {
            log_msg(LOG_INFO, "dossier %s returned by %s (%s, fee %lld)", row.code, user.username,
                    r.method, r.amount);
            dossier_row back;
            json_t *v = NULL;
            if (store_dossier_get(a->st, row.code, &back) == 1) {
                v = api_dossier_view(a, &back, false);
                dossier_row_clear(&back);
            }
            if (v != NULL)
                json_object_set_new(v, "payment",
                                    json_pack("{s:I,s:s,s:s?,s:s}", "fee_collected", (json_int_t)r.amount,
                                              "fee_name", r.fee_name, "receipt_number", r.receipt_number,
                                              "method", r.method));
            if (v == NULL)
                api_reply_internal(req, "store: cannot read dossier back", row.code);
            else
                response_json(req, 200, v);
        } else if (res == STORE_CHANGE_STALE) {
            response_error(req, 409, "transition_not_allowed",
                           "Hồ sơ vừa được người khác chuyển sang trạng thái khác. Hãy tải lại hồ sơ.");
        } else if (res == STORE_CHANGE_NOT_FOUND) {
            response_error(req, 404, "unknown_dossier", "Không tìm thấy hồ sơ có mã này.");
        } else {
            api_reply_internal(req, "store: return failed", err);
        }
    }
    json_decref(rules);
    json_decref(body);
    dossier_row_clear(&row);
}

void api_return_register(router *r, app *a)
{
    router_add(r, "POST", "/api/v1/dossiers/{code}/return", return_post, a);
}
