/* Responses through the request's writer, and the API's JSON error shape. */
#include "response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *response_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

int response_send(request *req, int status, const char *content_type,
                  const char *extra_headers, const char *body, size_t len)
{
    if (req->responded)
        return -1;
    req->responded = true;
    req->status = status;
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "Status: %d %s\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "Cache-Control: no-store\r\n"
                     "%s\r\n",
                     status, response_reason(status), content_type, len,
                     extra_headers ? extra_headers : "");
    if (n < 0 || (size_t)n >= sizeof head || req->write == NULL)
        return -1;
    if (req->write(req->write_ctx, head, (size_t)n) != 0)
        return -1;
    if (len > 0 && strcmp(req->method, "HEAD") != 0)
        return req->write(req->write_ctx, body, len);
    return 0;
}

int response_json(request *req, int status, json_t *value)
{
    char *text = value ? json_dumps(value, JSON_COMPACT) : NULL;
    json_decref(value);
    if (text == NULL) {
        static const char oom[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"Lỗi hệ thống. Vui lòng thử lại.\"}}";
        return response_send(req, 500, RESPONSE_JSON_TYPE, NULL, oom, sizeof oom - 1);
    }
    int rc = response_send(req, status, RESPONSE_JSON_TYPE, NULL, text, strlen(text));
    free(text);
    return rc;
}

int response_error(request *req, int status, const char *code, const char *message)
{
    return response_json(req, status,
                         json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message));
}
