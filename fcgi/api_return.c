/* POST /api/v1/dossiers/{code}/return: the counter hands the result over (at the counter or
 * by post) and records the fee collected, checked against the rules in force at intake; the
 * only way to return a dossier. */
#include "api_dossiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "response.h"

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

/* Reads and checks {fee_collected, receipt_number, method} into *pay (strings borrowed from
 * body and rules). False after a 422. */
static bool return_input(request *req, const json_t *body, const json_t *rules, dossier_payment *pay)
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
    pay->amount = json_integer_value(fee);
    pay->fee_name = matching_fee(rules, pay->amount);
    if (pay->fee_name == NULL) {
        fee_list(rules, fees, sizeof fees);
        snprintf(msg, sizeof msg,
                 "Số tiền đã thu không khớp mức phí, lệ phí quy định cho hồ sơ này (%s). "
                 "Hãy kiểm tra lại số tiền.", fees);
        response_error(req, 422, "fee_mismatch", msg);
        return false;
    }
    pay->method = method == NULL || json_is_null(method) ? "counter" : json_string_value(method);
    if (pay->method == NULL || (strcmp(pay->method, "counter") != 0 && strcmp(pay->method, "post") != 0)) {
        response_error(req, 422, "invalid_method",
                       "Hình thức trả kết quả không hợp lệ: counter (tại Bộ phận Một cửa) hoặc post (bưu chính).");
        return false;
    }
    pay->receipt_number = json_string_value(receipt);
    bool absent = receipt == NULL || json_is_null(receipt);
    if ((absent && pay->amount > 0) || (!absent && !receipt_valid(pay->receipt_number))) {
        response_error(req, 422, "invalid_receipt",
                       "Hãy ghi số biên lai thu phí, lệ phí (receipt_number: chữ, số và - / . _, "
                       "tối đa 64 ký tự).");
        return false;
    }
    return true;
}

/* The return is the transition done -> returned applied through api_dossier_apply, like every
 * processing step (the open "result" hand-over is closed, the plugin's on_transition hook runs,
 * the audit event is written), with the payment as part of the same change: one transaction,
 * all or nothing. POST /transitions refuses "return" so that no return skips the fee. */
static void return_post(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_COUNTER, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    json_t *body = api_body_object(req), *rules = NULL;
    const dossier_transition *t = NULL;
    const char *note = NULL;
    dossier_payment pay = {0};
    if (body != NULL && row.status != DOSSIER_DONE)
        api_reply_not_allowed(req, &row);   /* before the rules: a wrong state is the first thing to say */
    else if (body != NULL && (rules = api_dossier_rules(a, req, &row)) != NULL &&
             (t = api_allowed_transition(req, &row, rules, "return", &user)) != NULL &&
             (!return_input(req, body, rules, &pay) || !api_optional_note(req, body, "note", &note)))
        t = NULL;
    if (t != NULL) {
        char now[17];
        dossier_now(now);
        dossier_change c = api_dossier_change(&row, t, &user, now,
                                              dossier_transition_next_step(t, row.step_index));
        c.note = note;
        c.returned_at = now;
        c.closed_at = now;
        c.payment = &pay;
        if (api_dossier_apply(a, req, &user, &row, rules, t, &c, NULL)) {
            log_msg(LOG_INFO, "dossier %s returned by %s (%s, fee %lld)", row.code, user.username,
                    pay.method, pay.amount);
            api_reply_state(a, req, row.code,
                            json_pack("{s:{s:I,s:s,s:s?,s:s}}", "payment", "fee_collected",
                                      (json_int_t)pay.amount, "fee_name", pay.fee_name,
                                      "receipt_number", pay.receipt_number, "method", pay.method));
        }
    }
    api_dossier_release(&row, rules, body);
}

void api_return_register(router *r, app *a)
{
    router_add(r, "POST", "/api/v1/dossiers/{code}/return", return_post, a);
}
