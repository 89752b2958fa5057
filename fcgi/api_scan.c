/* The scanner's API: POST /dossiers/{code}/scan (capture from a station), POST
 * /dossiers/{code}/recognise (recognise the uploaded pages again), GET
 * /dossiers/{code}/completeness, PUT /dossiers/{code}/pages/{n}/document (officer override).
 * Uploading a page (api_dossiers_pages.c) queues recognition by itself. The work is done by
 * motcua-scand; these handlers only queue jobs and read what it wrote. */
#include "api_scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_dossiers.h"
#include "log.h"
#include "response.h"
#include "store_scan.h"

/* The dossier accepts new scans: not closed and not done. Sends 409 otherwise. */
static bool scan_allowed(request *req, const dossier_row *row)
{
    if (dossier_status_terminal(row->status) || row->status == DOSSIER_DONE) {
        api_reply_not_allowed(req, row);
        return false;
    }
    return true;
}

/* Answers a queued job: 202 {"code","job","kind","created",...extra (stolen)}. */
static void reply_queued(request *req, const char *code, long long job, const char *kind, bool created,
                         json_t *extra)
{
    json_t *v = json_pack("{s:s,s:I,s:s,s:s,s:b,s:s}", "code", code, "job", (json_int_t)job, "kind", kind,
                          "state", "queued", "created", created, "message",
                          "Đã đưa vào hàng đợi của dịch vụ quét. Theo dõi tiến độ ở mục kiểm tra thành phần hồ sơ.");
    if (v != NULL && extra != NULL)
        json_object_update(v, extra);
    json_decref(extra);
    response_json(req, 202, v);
}

/* POST /api/v1/dossiers/{code}/scan {"station", "source"?: "adf"|"flatbed"}. */
static void scan_post(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_COUNTER, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    json_t *body = NULL;
    if (scan_allowed(req, &row) && (body = api_body_object(req)) != NULL) {
        const char *station = json_string_value(json_object_get(body, "station"));
        json_t *src = json_object_get(body, "source");
        const char *source = json_string_value(src);
        const char *device = config_scan_station(a->cfg, station);
        if (device == NULL) {
            response_error(req, 422, "unknown_station",
                           "Không có quầy quét này trong cấu hình (station). Hãy chọn đúng quầy có máy quét "
                           "hoặc báo quản trị viên khai báo máy quét cho quầy.");
        } else if ((src != NULL && !json_is_null(src) && source == NULL) ||
                   (source != NULL && strcmp(source, "adf") != 0 && strcmp(source, "flatbed") != 0)) {
            response_error(req, 422, "invalid_source",
                           "Nguồn giấy không hợp lệ: chọn adf (khay nạp giấy) hoặc flatbed (mặt kính).");
        } else {
            scan_job_request rq = {.code = row.code, .kind = "capture", .station = station, .device = device,
                                   .source = source, .actor = user.username};
            long long job = 0;
            bool created = false;
            store_change_result r = store_scan_queue(a->st, &rq, &job, &created);
            if (r == STORE_CHANGE_OK)
                reply_queued(req, row.code, job, "capture", created,
                             json_pack("{s:s,s:s?}", "station", station, "source", source));
            else
                api_reply_change(req, r, "scan: cannot queue a capture job");
        }
    }
    api_dossier_release(&row, NULL, body);
}

/* POST /api/v1/dossiers/{code}/recognise: recognise uploads not yet recognised and classify again. */
static void recognise_post(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_COUNTER, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    if (scan_allowed(req, &row)) {
        scan_job_request rq = {.code = row.code, .kind = "import", .actor = user.username};
        long long job = 0;
        bool created = false;
        store_change_result r = store_scan_queue(a->st, &rq, &job, &created);
        if (r == STORE_CHANGE_OK)
            reply_queued(req, row.code, job, "import", created, NULL);
        else
            api_reply_change(req, r, "scan: cannot queue an import job");
    }
    dossier_row_clear(&row);
}

/* The title of document id in the rules, or NULL. */
static const char *doc_title(const json_t *rules, const char *id)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(rules, "documents"), i, d) {
        if (id != NULL && json_is_string(json_object_get(d, "id")) &&
            strcmp(json_string_value(json_object_get(d, "id")), id) == 0)
            return json_string_value(json_object_get(d, "title"));
    }
    return NULL;
}

/* [ids] -> [{"id","title"}] (title null for an id outside the rules). */
static json_t *titled(const json_t *rules, const json_t *ids)
{
    json_t *out = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        const char *s = json_string_value(id);
        json_array_append_new(out, json_pack("{s:s?,s:s?}", "id", s, "title", doc_title(rules, s)));
    }
    return out;
}

/* The Vietnamese label of a job state for the officer. */
static const char *state_label(const char *state)
{
    if (state == NULL)
        return "Chưa có trang nào được quét hoặc tải lên";
    if (strcmp(state, "queued") == 0)
        return "Đang chờ dịch vụ quét xử lý";
    if (strcmp(state, "running") == 0)
        return "Đang quét và nhận dạng";
    if (strcmp(state, "done") == 0)
        return "Đã nhận dạng xong";
    return "Xử lý thất bại";
}

/* The pages of the view: the classifier's and the officer's documents, the effective one
 * (from the verdict when it covers every page), flags and Vietnamese errors (also into errors). */
static json_t *view_pages(const json_t *rules, json_t *pages, const json_t *verdict, json_t *errors)
{
    json_t *docs = json_object_get(verdict, "documents");
    bool covered = json_array_size(docs) == json_array_size(pages);
    json_t *out = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(pages, i, p) {
        const char *detected = json_string_value(json_object_get(p, "document"));
        const char *over = json_string_value(json_object_get(p, "override_document"));
        const char *doc = over != NULL ? over : covered ? json_string_value(json_array_get(docs, i)) : detected;
        const char *state = json_string_value(json_object_get(p, "state"));
        const char *err_vi = json_string_value(json_object_get(p, "error_vi"));
        json_int_t ordinal = json_integer_value(json_object_get(p, "ordinal"));
        json_t *override = over != NULL ? json_pack("{s:s,s:O,s:O}", "document", over, "by",
                                                    json_object_get(p, "override_by"), "at",
                                                    json_object_get(p, "override_at"))
                                        : json_null();
        json_array_append_new(
            out, json_pack("{s:I,s:O,s:O,s:s,s:s?,s:s?,s:s?,s:o,s:O,s:O,s:O,s:O,s:O,s:O,s:s?}", "page", ordinal,
                           "upload", json_object_get(p, "upload_seq"), "index_in_file",
                           json_object_get(p, "page_index"), "state", state, "document", doc, "document_title",
                           doc_title(rules, doc), "detected_document", detected, "override", override, "blank",
                           json_object_get(p, "blank"), "continuation", json_object_get(p, "continuation"),
                           "confidence", json_object_get(p, "confidence"), "ocr_confidence",
                           json_object_get(p, "ocr_confidence"), "rotation", json_object_get(p, "rotation"),
                           "skew", json_object_get(p, "skew"), "error", err_vi));
        if (err_vi != NULL) {
            char msg[600];
            snprintf(msg, sizeof msg, "Trang %lld: %s", (long long)ordinal, err_vi);
            json_array_append_new(errors, json_string(msg));
        }
    }
    return out;
}

/* GET /api/v1/dossiers/{code}/completeness */
static void completeness_get(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_ANY_STAFF, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    json_t *rules = api_dossier_rules(a, req, &row), *st = NULL;
    if (rules == NULL) {
        dossier_row_clear(&row);
        return;
    }
    if (store_scan_status(a->st, row.id, &st) != 0) {
        api_reply_internal(req, "store: cannot read scan status", row.code);
        api_dossier_release(&row, rules, NULL);
        return;
    }
    json_t *job = json_object_get(st, "job"), *verdict = json_object_get(st, "verdict");
    const char *state = json_string_value(json_object_get(job, "state"));
    json_t *errors = json_array();
    const char *job_err = json_string_value(json_object_get(job, "error_vi"));
    if (job_err != NULL)
        json_array_append_new(errors, json_string(job_err));
    json_t *pages = view_pages(rules, json_object_get(st, "pages"), verdict, errors);
    bool pending = json_integer_value(json_object_get(st, "jobs_active")) > 0;
    json_t *v = json_pack(
        "{s:s,s:s?,s:s,s:b,s:{s:I,s:I,s:I},s:O,s:o,s:o,s:o,s:o,s:o,s:O,s:O,s:o}", "code", row.code, "state",
        state, "state_label", state_label(state), "verdict_pending", pending || json_is_null(verdict), "progress",
        "captured", (json_int_t)json_integer_value(json_object_get(job, "pages_captured")), "recognised",
        (json_int_t)json_integer_value(json_object_get(job, "pages_recognised")), "total",
        (json_int_t)json_integer_value(json_object_get(job, "pages_total")), "job", job, "pages", pages, "present",
        titled(rules, json_object_get(verdict, "present")), "missing",
        titled(rules, json_object_get(verdict, "missing")), "optional_missing",
        titled(rules, json_object_get(verdict, "optional_missing")), "extra",
        titled(rules, json_object_get(verdict, "extra")), "complete",
        json_is_null(verdict) ? json_null() : json_object_get(verdict, "complete"), "verdict_at",
        json_object_get(st, "verdict_at"), "errors", errors);
    if (v == NULL)
        api_reply_internal(req, "completeness", "out of memory");
    else
        response_json(req, 200, v);
    json_decref(st);
    api_dossier_release(&row, rules, NULL);
}

/* PUT /api/v1/dossiers/{code}/pages/{n}/document {"document": id | null} */
static void override_put(request *req, void *ctx)
{
    app *a = ctx;
    auth_user user;
    dossier_row row;
    if (!auth_require(a, req, ROLE_COUNTER, &user) || !api_dossier_load(a, req, &user, &row))
        return;
    json_t *body = NULL, *rules = NULL;
    const char *n_text = request_path_param(req, "n");
    char *end = NULL;
    errno = 0;
    long n = n_text != NULL ? strtol(n_text, &end, 10) : 0;
    if (errno != 0 || end == n_text || end == NULL || *end != '\0' || n < 1 || n > 100000) {
        response_error(req, 404, "unknown_page", "Không có trang này trong hồ sơ. Hãy kiểm tra số thứ tự trang.");
    } else if (scan_allowed(req, &row) && (body = api_body_object(req)) != NULL &&
               (rules = api_dossier_rules(a, req, &row)) != NULL) {
        json_t *d = json_object_get(body, "document");
        const char *doc = json_string_value(d);
        if (d == NULL || (!json_is_null(d) && (doc == NULL || doc_title(rules, doc) == NULL))) {
            response_error(req, 422, "unknown_document",
                           "Loại giấy tờ không thuộc thành phần hồ sơ của thủ tục này (document: mã giấy tờ, "
                           "hoặc null để bỏ chọn). Hãy chọn trong danh sách giấy tờ của thủ tục.");
        } else {
            long long job = 0;
            store_change_result r = store_scan_override(a->st, row.code, (int)n, doc, user.username, &job);
            if (r == STORE_CHANGE_NOT_FOUND)
                response_error(req, 404, "unknown_page",
                               "Không có trang này trong hồ sơ (chưa được quét hoặc nhận dạng). "
                               "Hãy kiểm tra số thứ tự trang.");
            else if (r != STORE_CHANGE_OK)
                api_reply_internal(req, "scan: cannot store an override", row.code);
            else
                response_json(req, 200,
                              json_pack("{s:s,s:i,s:s?,s:s?,s:s,s:I,s:s}", "code", row.code, "page", (int)n,
                                        "document", doc, "document_title", doc_title(rules, doc), "override_by",
                                        user.username, "job", (json_int_t)job, "message",
                                        "Đã ghi nhận loại giấy tờ của trang; kết quả kiểm tra thành phần hồ sơ "
                                        "đang được tính lại."));
        }
    }
    api_dossier_release(&row, rules, body);
}

int api_scan_missing_ids(app *a, const dossier_row *row, json_t **ids)
{
    json_t *st = NULL;
    *ids = NULL;
    if (store_scan_status(a->st, row->id, &st) != 0)
        return -1;
    json_t *verdict = json_object_get(st, "verdict");
    int rc = 0;
    if (json_is_object(verdict) && json_integer_value(json_object_get(st, "jobs_active")) == 0) {
        json_t *missing = json_object_get(verdict, "missing");
        *ids = json_is_array(missing) ? json_deep_copy(missing) : json_array();
        rc = *ids != NULL ? 1 : -1;
    }
    json_decref(st);
    return rc;
}

void api_scan_register(router *r, app *a)
{
    router_add(r, "POST", "/api/v1/dossiers/{code}/scan", scan_post, a);
    router_add(r, "POST", "/api/v1/dossiers/{code}/recognise", recognise_post, a);
    router_add(r, "GET", "/api/v1/dossiers/{code}/completeness", completeness_get, a);
    router_add(r, "PUT", "/api/v1/dossiers/{code}/pages/{n}/document", override_put, a);
}
