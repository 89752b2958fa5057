/* JSON in and out of a plugin: parsing the dossier and request bodies,
 * sending JSON responses through the host. */
#include "json_io.h"

#include <string.h>

#include "host_api.h"

json_t *json_io_parse_object(const char *text, size_t len)
{
    if (text == NULL)
        return NULL;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    if (root != NULL && !json_is_object(root)) {
        json_decref(root);
        root = NULL;
    }
    return root;
}

json_t *json_io_request_object(motcua_request *req)
{
    size_t len = 0;
    const char *body = host_api()->request_body(req, &len);
    json_t *root = json_io_parse_object(body, body == NULL ? 0 : len);
    if (root == NULL)
        host_api()->respond_error(req, 400, "invalid_json",
                                  "Nội dung yêu cầu phải là một đối tượng JSON hợp lệ.");
    return root;
}

void json_io_respond(motcua_request *req, int status, json_t *body)
{
    char *text = body == NULL ? NULL : json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (text == NULL) {
        host_api()->respond_error(req, 500, "internal",
                                  "Lỗi nội bộ khi tạo câu trả lời; vui lòng thử lại.");
        return;
    }
    host_api()->respond(req, status, "application/json; charset=utf-8", text, strlen(text));
    /* json_dumps allocates with jansson's functions, which the host may have replaced. */
    json_malloc_t malloc_fn = NULL;
    json_free_t free_fn = NULL;
    json_get_alloc_funcs(&malloc_fn, &free_fn);
    free_fn(text);
}

json_t *json_io_check_begin(motcua_request *req, problem_sink *sink)
{
    json_t *body = json_io_request_object(req);
    if (body == NULL)
        return NULL;
    if (problem_sink_json(sink) != 0) {
        json_decref(body);
        json_io_respond(req, 500, NULL);
        return NULL;
    }
    return body;
}

void json_io_check_end(json_t *body, problem_sink *sink)
{
    problem_sink_release(sink);
    json_decref(body);
}
