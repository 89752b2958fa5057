/* The public catalogue: GET /api/v1/procedures?q=&department=,
 * GET /api/v1/procedures/{code}, POST /api/v1/procedures/{code}/validate. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "log.h"
#include "response.h"

static void procedures_list(request *req, void *ctx)
{
    app *a = ctx;
    const char *q = request_query(req, "q");
    const char *department = request_query(req, "department");
    if (department != NULL && department[0] == '\0')
        department = NULL;
    if (department != NULL && catalogue_department(a->cat, department) == NULL) {
        response_error(req, 404, "unknown_department",
                       "Không có cơ quan này trong danh mục. Hãy chọn cơ quan trong danh sách.");
        return;
    }
    size_t len = 0;
    char *body = catalogue_search_json(a->cat, q, department, vn_date_of(time(NULL)), &len);
    if (body == NULL) {
        response_error(req, 500, "internal", "Lỗi hệ thống khi tra cứu. Vui lòng thử lại.");
        return;
    }
    response_send(req, 200, RESPONSE_JSON_TYPE, NULL, body, len);
    free(body);
}

static void procedure_get(request *req, void *ctx)
{
    app *a = ctx;
    size_t len = 0;
    const char *body = catalogue_detail_json(a->cat, request_path_param(req, "code"),
                                             vn_date_of(time(NULL)), &len);
    if (body == NULL) {
        response_error(req, 404, "unknown_procedure",
                       "Không tìm thấy thủ tục này. Hãy kiểm tra lại mã thủ tục hoặc tìm theo tên.");
        return;
    }
    response_send(req, 200, RESPONSE_JSON_TYPE, NULL, body, len);
}

/* Runs the owning plugin's validation hook on a draft dossier. */
static void procedure_validate(request *req, void *ctx)
{
    app *a = ctx;
    const cat_procedure *p = catalogue_find(a->cat, request_path_param(req, "code"));
    if (p == NULL) {
        response_error(req, 404, "unknown_procedure",
                       "Không tìm thấy thủ tục này. Hãy kiểm tra lại mã thủ tục.");
        return;
    }
    json_error_t jerr;
    json_t *draft = req->body ? json_loadb(req->body, req->body_len, 0, &jerr) : NULL;
    if (!json_is_object(draft)) {
        json_decref(draft);
        response_error(req, 400, "invalid_json",
                       "Dữ liệu gửi lên không phải JSON hợp lệ (cần một đối tượng {...}). "
                       "Hãy kiểm tra lại nội dung.");
        return;
    }
    json_decref(draft);
    json_t *problems = json_array();
    if (problems == NULL) {
        response_error(req, 500, "internal", "Lỗi hệ thống. Vui lòng thử lại.");
        return;
    }
    loaded_plugin *owner = plugin_set_find(&a->plugins, p->department->id);
    if (plugin_validate(owner, p->code, req->body, problems) != 0) {
        log_msg(LOG_ERROR, "plugin %s: validate hook failed for %s", p->department->id, p->code);
        json_decref(problems);
        response_error(req, 500, "validation_failed",
                       "Không kiểm tra được hồ sơ lúc này. Vui lòng thử lại hoặc báo quản trị viên.");
        return;
    }
    response_json(req, 200,
                  json_pack("{s:s,s:b,s:o}", "procedure", p->code, "valid", json_array_size(problems) == 0,
                            "problems", problems));
}

void api_procedures_register(router *r, app *a)
{
    router_add(r, "GET", "/api/v1/procedures", procedures_list, a);
    router_add(r, "GET", "/api/v1/procedures/{code}", procedure_get, a);
    router_add(r, "POST", "/api/v1/procedures/{code}/validate", procedure_validate, a);
}
