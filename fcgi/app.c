/* A worker's application: setup after fork, and dispatch of one request. */
#include "app.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "log.h"
#include "response.h"

static void report_plugin(void *ctx, const char *file, const loaded_plugin *p, const char *problem)
{
    bool *loud = ctx;
    if (problem != NULL)
        log_msg(*loud ? LOG_WARN : LOG_DEBUG, "plugin %s skipped: %s", file, problem);
    else
        log_msg(*loud ? LOG_INFO : LOG_DEBUG, "plugin %s loaded: department %s, version %s, %zu procedures, %zu routes",
                file, p->decl->department, p->decl->version ? p->decl->version : "?",
                p->procedure_count, p->route_count);
}

/* Records each loaded procedure version in the store (idempotent). */
static void record_versions(app *a)
{
    for (size_t i = 0; i < catalogue_count(a->cat); i++) {
        const cat_procedure *p = catalogue_at(a->cat, i);
        for (size_t v = 0; v < p->version_count; v++) {
            char from[11];
            vn_date_format(p->versions[v].effective_from, from);
            if (store_procedure_version_record(a->st, p->code, from, p->versions[v].digest,
                                               p->versions[v].json) != 0)
                log_msg(LOG_WARN, "store: cannot record procedure version %s@%s", p->code, from);
        }
    }
}

int app_init(app *a, const config *cfg, bool report_plugins, char *err, size_t errlen)
{
    a->cfg = cfg;
    a->cat = catalogue_new();
    a->routes = router_new();
    if (a->cat == NULL || a->routes == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    a->cal = calendar_new();
    if (a->cal == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char why[512];
    if (cfg->calendar_file != NULL &&
        calendar_override_load(a->cal, cfg->calendar_file, why, sizeof why) != 0) {
        snprintf(err, errlen, "calendar %s: %s", cfg->calendar_file, why);
        return -1;
    }
    if (store_open(cfg->database, cfg->busy_timeout_ms, &a->st, why, sizeof why) != 0) {
        snprintf(err, errlen, "store %s: %s", cfg->database, why);
        return -1;
    }
    bool loud = report_plugins;
    if (plugin_set_load(&a->plugins, cfg->plugin_dir, a->cat, cfg, a->st, report_plugin, &loud, err,
                        errlen) != 0)
        return -1;
    if (report_plugins)
        record_versions(a);
    api_health_register(a->routes, a);
    api_status_register(a->routes, a);
    api_procedures_register(a->routes, a);
    api_dossiers_register(a->routes, a);
    api_session_register(a->routes, a);
    api_overdue_register(a->routes, a);
    api_return_register(a->routes, a);
    api_lookup_register(a->routes, a);
    api_stats_register(a->routes, a);
    api_scan_register(a->routes, a);
    a->plugins.guard = auth_plugin_route_guard;
    a->plugins.guard_ctx = a;
    plugin_set_mount(&a->plugins, a->routes);
    return 0;
}

void app_fini(app *a)
{
    plugin_set_unload(&a->plugins);
    router_free(a->routes);
    catalogue_free(a->cat);
    calendar_free(a->cal);
    store_close(a->st);
    memset(a, 0, sizeof *a);
}

static void reply_parse_error(request *req, request_parse_result parsed)
{
    switch (parsed) {
    case REQUEST_TOO_MANY_PARAMS:
        response_error(req, 400, "too_many_parameters",
                       "Yêu cầu có quá nhiều tham số. Hãy bỏ bớt tham số và thử lại.");
        break;
    case REQUEST_BAD_LENGTH:
        response_error(req, 400, "bad_content_length", "Độ dài nội dung không hợp lệ.");
        break;
    case REQUEST_NO_MEMORY:
        response_error(req, 503, "busy", "Hệ thống đang quá tải. Vui lòng thử lại sau ít phút.");
        break;
    default:
        response_error(req, 400, "bad_uri",
                       "Địa chỉ yêu cầu không hợp lệ. Hãy kiểm tra lại đường dẫn.");
        break;
    }
}

/* limit: the route's own body limit, or 0 for max_json_body. */
static bool read_body_or_reply(app *a, request *req, size_t limit)
{
    char msg[256];
    if (limit == 0)
        limit = a->cfg->max_json_body;
    switch (request_read_body(req, limit)) {
    case BODY_OK:
        return true;
    case BODY_TOO_LARGE:
        snprintf(msg, sizeof msg,
                 "Nội dung gửi lên quá lớn (tối đa %zu KB). Hãy giảm dung lượng và gửi lại.",
                 limit / 1024);
        response_error(req, 413, "payload_too_large", msg);
        return false;
    case BODY_INCOMPLETE:
        response_error(req, 400, "incomplete_body",
                       "Nội dung gửi lên bị thiếu (kết nối bị ngắt). Vui lòng gửi lại.");
        return false;
    default:
        response_error(req, 503, "busy", "Hệ thống đang quá tải. Vui lòng thử lại sau ít phút.");
        return false;
    }
}

void app_dispatch(app *a, request *req, request_parse_result parsed)
{
    int64_t t0 = scoreboard_now_ms();
    if (parsed != REQUEST_OK) {
        reply_parse_error(req, parsed);
    } else {
        route_handler handler = NULL;
        void *ctx = NULL;
        size_t body_limit = 0;
        char allow[128];
        switch (router_match_limit(a->routes, req, &handler, &ctx, &body_limit, allow, sizeof allow)) {
        case ROUTE_FOUND:
            if (read_body_or_reply(a, req, body_limit))
                handler(req, ctx);
            break;
        case ROUTE_METHOD_NOT_ALLOWED: {
            char header[160];
            snprintf(header, sizeof header, "Allow: %s\r\n", allow);
            static const char body[] =
                "{\"error\":{\"code\":\"method_not_allowed\",\"message\":\"Phương thức này không "
                "được hỗ trợ cho địa chỉ này.\"}}";
            response_send(req, 405, RESPONSE_JSON_TYPE, header, body, sizeof body - 1);
            break;
        }
        case ROUTE_NOT_FOUND:
            response_error(req, 404, "not_found",
                           "Không có chức năng này. Hãy kiểm tra lại địa chỉ (xem tài liệu API).");
            break;
        }
    }
    if (!req->responded)
        response_error(req, 500, "internal", "Lỗi hệ thống. Vui lòng thử lại.");
    int64_t took = scoreboard_now_ms() - t0;
    if (a->sb != NULL && took >= (int64_t)a->cfg->slow_request * 1000) {
        atomic_fetch_add(&a->sb->slow, 1);
        log_msg(LOG_WARN, "slow request: %s %s took %lld ms", req->method, req->path ? req->path : "?",
                (long long)took);
    }
}
