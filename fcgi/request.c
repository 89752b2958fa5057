/* Request parsing: CGI params, path and query decoding, bounded body reading. */
#include "request.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *request_env(const request *req, const char *name)
{
    if (req->envp == NULL)
        return NULL;
    size_t n = strlen(name);
    for (char **e = req->envp; *e != NULL; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool request_url_decode(char *s, bool plus_is_space)
{
    char *out = s;
    for (const char *in = s; *in != '\0'; in++) {
        if (*in == '%') {
            int hi = hex_value(in[1]);
            int lo = hi < 0 ? -1 : hex_value(in[2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return false;
            *out++ = (char)(hi * 16 + lo);
            in += 2;
        } else if (*in == '+' && plus_is_space) {
            *out++ = ' ';
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
    return true;
}

/* Splits "a=1&b=2" into req->query, decoding names and values. */
static request_parse_result parse_query(request *req, const char *qs)
{
    while (*qs != '\0') {
        const char *amp = strchr(qs, '&');
        size_t len = amp ? (size_t)(amp - qs) : strlen(qs);
        if (len > 0) {
            if (req->query_count == REQUEST_MAX_PARAMS)
                return REQUEST_TOO_MANY_PARAMS;
            char *pair = strndup(qs, len);
            if (pair == NULL)
                return REQUEST_NO_MEMORY;
            char *eq = strchr(pair, '=');
            char *value = eq ? eq + 1 : pair + len;
            if (eq)
                *eq = '\0';
            char *v = strdup(value);
            if (v == NULL) {
                free(pair);
                return REQUEST_NO_MEMORY;
            }
            request_param *p = &req->query[req->query_count++];
            p->name = pair;
            p->value = v;
            if (!request_url_decode(p->name, true) || !request_url_decode(p->value, true))
                return REQUEST_BAD_URI;
        }
        qs += len;
        if (*qs == '&')
            qs++;
    }
    return REQUEST_OK;
}

request_parse_result request_parse(request *req, char **envp)
{
    memset(req, 0, sizeof *req);
    req->envp = envp;
    req->content_length = -1;
    const char *method = request_env(req, "REQUEST_METHOD");
    req->method = method ? method : "";
    req->content_type = request_env(req, "CONTENT_TYPE");
    if (req->content_type != NULL && req->content_type[0] == '\0')
        req->content_type = NULL;
    req->remote_addr = request_env(req, "REMOTE_ADDR");

    const char *len = request_env(req, "CONTENT_LENGTH");
    if (len != NULL && len[0] != '\0') {
        if (len[0] < '0' || len[0] > '9')
            return REQUEST_BAD_LENGTH; /* no sign, no spaces */
        char *end;
        errno = 0;
        long long v = strtoll(len, &end, 10);
        if (errno != 0 || end == len || *end != '\0' || v < 0)
            return REQUEST_BAD_LENGTH;
        req->content_length = v;
    }

    const char *uri = request_env(req, "REQUEST_URI");
    if (uri == NULL)
        uri = request_env(req, "DOCUMENT_URI");
    if (uri == NULL || uri[0] != '/')
        return REQUEST_BAD_URI;
    const char *q = strchr(uri, '?');
    req->path = q ? strndup(uri, (size_t)(q - uri)) : strdup(uri);
    if (req->path == NULL)
        return REQUEST_NO_MEMORY;
    /* An encoded slash would let one segment pose as two after decoding. */
    if (strcasestr(req->path, "%2f") != NULL || !request_url_decode(req->path, false))
        return REQUEST_BAD_URI;
    const char *qs = request_env(req, "QUERY_STRING");
    if (qs == NULL && q != NULL)
        qs = q + 1;
    return qs ? parse_query(req, qs) : REQUEST_OK;
}

void request_free(request *req)
{
    free(req->path);
    for (size_t i = 0; i < req->query_count; i++) {
        free(req->query[i].name);
        free(req->query[i].value);
    }
    for (size_t i = 0; i < req->path_param_count; i++)
        free(req->path_params[i].value);
    free(req->body);
    req->path = NULL;
    req->body = NULL;
    req->query_count = req->path_param_count = 0;
}

const char *request_query(const request *req, const char *name)
{
    for (size_t i = 0; i < req->query_count; i++)
        if (strcmp(req->query[i].name, name) == 0)
            return req->query[i].value;
    return NULL;
}

const char *request_path_param(const request *req, const char *name)
{
    for (size_t i = 0; i < req->path_param_count; i++)
        if (strcmp(req->path_params[i].name, name) == 0)
            return req->path_params[i].value;
    return NULL;
}

const char *request_param_value(const request *req, const char *name)
{
    const char *v = request_path_param(req, name);
    return v ? v : request_query(req, name);
}

request_body_result request_read_body(request *req, size_t limit)
{
    if (req->body != NULL)
        return BODY_OK;
    if (req->content_length < 0)
        return BODY_OK; /* no body declared: nginx always sends CONTENT_LENGTH with one */
    if ((unsigned long long)req->content_length > limit)
        return BODY_TOO_LARGE;
    size_t want = (size_t)req->content_length;
    if (want == 0)
        return BODY_OK;
    char *buf = malloc(want + 1);
    if (buf == NULL)
        return BODY_NO_MEMORY;
    size_t got = 0;
    while (got < want) {
        ssize_t n = req->read_body ? req->read_body(req->read_ctx, buf + got, want - got) : 0;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got < want) {
        free(buf);
        return BODY_INCOMPLETE;
    }
    buf[want] = '\0';
    req->body = buf;
    req->body_len = want;
    return BODY_OK;
}
