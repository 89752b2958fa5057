/* Dossiers: POST /api/v1/dossiers (intake), GET /api/v1/dossiers/{code}, GET /api/v1/dossiers
 * (scoped lists), and the helpers the other api_dossiers_*.c files share. */
#include "api_dossiers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "response.h"

void api_reply_internal(request *req, const char *what, const char *detail)
{
    log_msg(LOG_ERROR, "%s: %s", what, detail != NULL ? detail : "?");
    response_error(req, 500, "internal", "Lỗi hệ thống. Vui lòng thử lại hoặc báo quản trị viên.");
}

json_t *api_body_object(request *req)
{
    json_t *body = req->body != NULL ? json_loadb(req->body, req->body_len, 0, NULL) : NULL;
    if (!json_is_object(body)) {
        json_decref(body);
        response_error(req, 400, "invalid_json",
                       "Dữ liệu gửi lên không phải JSON hợp lệ (cần một đối tượng {...}). "
                       "Hãy kiểm tra lại nội dung.");
        return NULL;
    }
    return body;
}

void api_reply_not_allowed(request *req, const dossier_row *row)
{
    char msg[256];
    snprintf(msg, sizeof msg,
             "Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái \"%s\". "
             "Hãy tải lại hồ sơ để xem trạng thái mới nhất.",
             dossier_status_label(row->status));
    response_error(req, 409, "transition_not_allowed", msg);
}

dossier_change api_dossier_change(const dossier_row *row, const dossier_transition *t,
                                  const auth_user *user, const char *at, int step_index)
{
    dossier_change c = {.code = row->code, .from = t->from, .to = t->to, .step_index = step_index,
                        .audit_action = t->audit_action, .actor = user->username,
                        .actor_name = user->full_name, .at = at};
    return c;
}

void api_dossier_release(dossier_row *row, json_t *rules, json_t *body)
{
    json_decref(rules);
    json_decref(body);
    dossier_row_clear(row);
}

bool api_dossier_load(app *a, request *req, const auth_user *user, dossier_row *row)
{
    const char *code = request_path_param(req, "code");
    int found = dossier_code_valid(code) ? store_dossier_get(a->st, code, row) : 0;
    if (found < 0) {
        api_reply_internal(req, "store: cannot read dossier", code);
        return false;
    }
    if (found == 0) {
        response_error(req, 404, "unknown_dossier",
                       "Không tìm thấy hồ sơ có mã này. Hãy kiểm tra lại mã hồ sơ trên giấy tiếp nhận.");
        return false;
    }
    if (!auth_may_access_department(user, row->department)) {
        dossier_row_clear(row);
        response_error(req, 403, "forbidden",
                       "Hồ sơ này thuộc cơ quan khác; tài khoản của bạn không được xem hoặc xử lý.");
        return false;
    }
    return true;
}

json_t *api_dossier_rules(app *a, request *req, const dossier_row *row)
{
    char *text = NULL;
    int rc = store_procedure_version_json(a->st, row->procedure_code, row->procedure_digest, &text);
    json_t *rules = rc == 1 ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!json_is_object(rules)) {
        json_decref(rules);
        api_reply_internal(req, "store: procedure version of dossier missing", row->code);
        return NULL;
    }
    return rules;
}

/* A JSON string, or null for "". */
static json_t *text_or_null(const char *s)
{
    return s[0] != '\0' ? json_string(s) : json_null();
}

json_t *api_dossier_view(app *a, const dossier_row *row, bool with_related)
{
    const cat_procedure *p = catalogue_find(a->cat, row->procedure_code);
    json_t *v = json_pack(
        "{s:s,s:s,s:s,s:s,s:{s:s,s:s?,s:s,s:s},s:s,s:i,s:s,s:O,s:O,s:i,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:s}",
        "code", row->code, "status", dossier_status_name(row->status), "status_label",
        dossier_status_label(row->status), "department", row->department, "procedure", "code",
        row->procedure_code, "name", p != NULL ? p->name : NULL, "effective_from",
        row->procedure_effective_from, "digest", row->procedure_digest, "channel", row->channel,
        "step_index", row->step_index, "agency_code", row->agency_code, "applicant", row->applicant,
        "details", row->details, "supplement_count", row->supplement_count, "received_at",
        row->received_at, "accepted_at", text_or_null(row->accepted_at), "appointment_at",
        text_or_null(row->appointment_at), "due_at", text_or_null(row->due_at), "transferred_at",
        text_or_null(row->transferred_at), "result_at", text_or_null(row->result_at), "returned_at",
        text_or_null(row->returned_at), "received_by", row->received_by);
    if (v == NULL || !with_related)
        return v;
    json_t *related = NULL;
    if (store_dossier_related(a->st, row->id, &related) != 0 || json_object_update(v, related) != 0) {
        json_decref(related);
        json_decref(v);
        return NULL;
    }
    json_decref(related);
    return v;
}

/* A trimmed-non-empty JSON string member, or NULL. */
static const char *text_member(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (s == NULL)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return *s != '\0' ? s : NULL;
}

/* The procedure named by the body, with its version in force today, or NULL after a 422. */
static const cat_procedure *intake_procedure(app *a, request *req, const json_t *body,
                                             const cat_version **version)
{
    const cat_procedure *p = catalogue_find(a->cat, json_string_value(json_object_get(body, "procedure")));
    if (p == NULL) {
        response_error(req, 422, "unknown_procedure",
                       "Không có thủ tục này trong danh mục. Hãy chọn thủ tục trong danh sách.");
        return NULL;
    }
    *version = cat_procedure_version_at(p, vn_date_of(time(NULL)));
    if (*version == NULL) {
        response_error(req, 422, "procedure_not_in_force",
                       "Thủ tục này chưa có quy định đang có hiệu lực; chưa thể tiếp nhận hồ sơ.");
        return NULL;
    }
    return p;
}

/* Checks applicant, channel and details, filling defaults (channel "counter", details {}).
 * False after a 422 naming the field. */
static bool intake_check_fields(request *req, json_t *body)
{
    json_t *applicant = json_object_get(body, "applicant");
    if (!json_is_object(applicant) || text_member(applicant, "name") == NULL) {
        response_error(req, 422, "invalid_applicant",
                       "Thiếu họ tên người nộp hồ sơ (applicant.name). Hãy nhập họ tên rồi gửi lại.");
        return false;
    }
    static const char *const fields[] = {"name", "id_number", "phone", "email", "address",
                                         "birth_date", "sex"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        json_t *f = json_object_get(applicant, fields[i]);
        if (f != NULL && !json_is_null(f) && !json_is_string(f)) {
            char msg[200];
            snprintf(msg, sizeof msg, "Trường applicant.%s phải là chuỗi ký tự.", fields[i]);
            response_error(req, 422, "invalid_applicant", msg);
            return false;
        }
    }
    json_t *channel = json_object_get(body, "channel");
    if (channel == NULL || json_is_null(channel)) {
        json_object_set_new(body, "channel", json_string("counter"));
    } else {
        const char *c = json_string_value(channel);
        if (c == NULL || (strcmp(c, "counter") != 0 && strcmp(c, "post") != 0 && strcmp(c, "online") != 0)) {
            response_error(req, 422, "invalid_channel",
                           "Kênh tiếp nhận không hợp lệ: chọn counter (trực tiếp), post (bưu chính) "
                           "hoặc online (trực tuyến).");
            return false;
        }
    }
    json_t *details = json_object_get(body, "details");
    if (details == NULL || json_is_null(details)) {
        json_object_set_new(body, "details", json_object());
    } else if (!json_is_object(details)) {
        response_error(req, 422, "invalid_details", "Trường details phải là một đối tượng {...}.");
        return false;
    }
    return true;
}

/* Runs the owning plugin's validation hook; false after a 422 listing the problems
 * (or a 500 when the hook fails). */
static bool intake_plugin_check(app *a, request *req, const cat_procedure *p, const json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_t *problems = json_array();
    int rc = text != NULL && problems != NULL
                 ? plugin_validate(plugin_set_find(&a->plugins, p->department->id), p->code, text, problems)
                 : -1;
    free(text);
    if (rc != 0) {
        json_decref(problems);
        log_msg(LOG_ERROR, "plugin %s: validate hook failed for %s", p->department->id, p->code);
        response_error(req, 500, "validation_failed",
                       "Không kiểm tra được hồ sơ lúc này. Vui lòng thử lại hoặc báo quản trị viên.");
        return false;
    }
    if (json_array_size(problems) == 0) {
        json_decref(problems);
        return true;
    }
    response_json(req, 422,
                  json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid_dossier", "message",
                            "Hồ sơ có thông tin chưa hợp lệ. Hãy sửa các mục được nêu rồi gửi lại.",
                            "problems", problems));
    return false;
}

static void dossier_create(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    if (!auth_require(a, req, ROLE_COUNTER, &user))
        return;
    json_t *body = api_body_object(req);
    if (body == NULL)
        return;
    const cat_version *version = NULL;
    const cat_procedure *p = intake_procedure(a, req, body, &version);
    if (p == NULL || !intake_check_fields(req, body) || !intake_plugin_check(a, req, p, body)) {
        json_decref(body);
        return;
    }
    json_t *applicant = json_object_get(body, "applicant");
    char *applicant_json = json_dumps(applicant, JSON_COMPACT | JSON_SORT_KEYS);
    char *details_json = json_dumps(json_object_get(body, "details"), JSON_COMPACT | JSON_SORT_KEYS);
    char received_at[17], from[11], code[DOSSIER_CODE_MAX], pin[7], err[256] = "";
    dossier_now(received_at);
    vn_date_format(version->effective_from, from);
    dossier_intake in = {
        .agency_code = a->cfg->agency_code,
        .procedure_code = p->code,
        .procedure_digest = version->digest,
        .procedure_effective_from = from,
        .procedure_json = version->json,
        .department = p->department->id,
        .channel = json_string_value(json_object_get(body, "channel")),
        .applicant_name = text_member(applicant, "name"),
        .applicant_id_number = text_member(applicant, "id_number"),
        .applicant_phone = text_member(applicant, "phone"),
        .applicant_email = text_member(applicant, "email"),
        .applicant_address = text_member(applicant, "address"),
        .applicant_json = applicant_json,
        .details_json = details_json,
        .received_at = received_at,
        .actor = user.username,
        .actor_name = user.full_name,
    };
    int rc = applicant_json != NULL && details_json != NULL
                 ? store_dossier_create(a->st, &in, code, pin, err, sizeof err)
                 : -1;
    free(applicant_json);
    free(details_json);
    if (rc != 0) {
        json_decref(body);
        api_reply_internal(req, "store: cannot create dossier", err);
        return;
    }
    log_msg(LOG_INFO, "dossier %s received by %s (%s)", code, user.username, p->code);
    json_t *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O}", "code", code, "pin", pin, "status",
                            "received", "status_label", dossier_status_label(DOSSIER_RECEIVED),
                            "procedure", p->code, "department", p->department->id, "received_at",
                            received_at, "applicant", applicant);
    json_decref(body);
    response_json(req, 201, out);
}

static void dossier_get(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_ANY_STAFF, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    json_t *v = api_dossier_view(a, &row, true);
    dossier_row_clear(&row);
    if (v == NULL) {
        api_reply_internal(req, "store: cannot read dossier details", request_path_param(req, "code"));
        return;
    }
    response_json(req, 200, v);
}

static void dossier_list(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    if (!auth_require(a, req, ROLE_ANY_STAFF, &user))
        return;
    const char *status = request_query(req, "status");
    const char *department = request_query(req, "department");
    dossier_status parsed;
    if (status != NULL && status[0] == '\0')
        status = NULL;
    if (department != NULL && department[0] == '\0')
        department = NULL;
    if (status != NULL && !dossier_status_parse(status, &parsed)) {
        response_error(req, 400, "invalid_status",
                       "Trạng thái lọc không hợp lệ (ví dụ: received, accepted, processing, done).");
        return;
    }
    if (role_is_departmental(user.role)) {
        if (department != NULL && strcmp(department, user.department) != 0) {
            response_error(req, 403, "forbidden",
                           "Tài khoản của bạn chỉ được xem hồ sơ của cơ quan mình.");
            return;
        }
        department = user.department;
    }
    long limit = 200;
    const char *limit_text = request_query(req, "limit");
    if (limit_text != NULL) {
        char *end;
        limit = strtol(limit_text, &end, 10);
        if (end == limit_text || *end != '\0' || limit < 1 || limit > 1000) {
            response_error(req, 400, "invalid_limit", "Tham số limit phải là số từ 1 đến 1000.");
            return;
        }
    }
    json_t *rows = NULL;
    if (store_dossier_list(a->st, status, department, (int)limit, &rows) != 0) {
        api_reply_internal(req, "store: cannot list dossiers", status);
        return;
    }
    response_json(req, 200, json_pack("{s:o,s:I}", "dossiers", rows, "count",
                                      (json_int_t)json_array_size(rows)));
}

void api_dossiers_register(router *r, app *a)
{
    router_add(r, "POST", "/api/v1/dossiers", dossier_create, a);
    router_add(r, "GET", "/api/v1/dossiers", dossier_list, a);
    router_add(r, "GET", "/api/v1/dossiers/{code}", dossier_get, a);
    api_dossiers_intake_register(r, a);
    api_dossiers_pages_register(r, a);
    api_dossiers_forms_register(r, a);
    api_dossiers_process_register(r, a);
}
