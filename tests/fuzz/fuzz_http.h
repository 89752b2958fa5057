/* The request harnesses' input format (tests/fuzz/README.md): CGI params one a
 * line ("NAME=value", as nginx hands them to FastCGI), an empty line, then the
 * body. The body is handed to the request in small pieces, as a slow peer sends. */
#ifndef MOTCUA_FUZZ_HTTP_H
#define MOTCUA_FUZZ_HTTP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "request.h"

/* At most this many params: more lines join the body (libfcgi has no limit, nginx
 * sends about 30). */
enum { FUZZ_HTTP_MAX_ENV = 64 };

typedef struct fuzz_http {
    char *text;                          /* the input + NUL, lines cut in place */
    char *envp[FUZZ_HTTP_MAX_ENV + 1];   /* NULL-terminated, into text */
    const char *body;
    size_t body_len, body_pos;
    unsigned step;                       /* bytes per read: 1..13, from the body's length */
} fuzz_http;

/* Splits data into params and body. False when out of memory. */
static inline bool fuzz_http_split(fuzz_http *h, const uint8_t *data, size_t size)
{
    memset(h, 0, sizeof *h);
    h->text = malloc(size + 1);
    if (h->text == NULL)
        return false;
    memcpy(h->text, data, size);
    h->text[size] = '\0';
    char *p = h->text, *end = h->text + size;
    size_t n = 0;
    while (p < end && n < FUZZ_HTTP_MAX_ENV) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            nl = end;
        if (nl == p) { /* the empty line: the body follows */
            p++;
            break;
        }
        *nl = '\0';
        /* a param cannot hold a NUL byte: libfcgi's envp are C strings */
        h->envp[n++] = p;
        p = nl < end ? nl + 1 : end;
    }
    h->envp[n] = NULL;
    h->body = p < end ? p : end;
    h->body_len = (size_t)(end - h->body);
    h->step = 1 + (unsigned)(h->body_len % 13);
    return true;
}

static inline void fuzz_http_free(fuzz_http *h)
{
    free(h->text);
    h->text = NULL;
}

/* request_body_reader over the body, step bytes a call. */
static inline ssize_t fuzz_http_read(void *ctx, char *buf, size_t len)
{
    fuzz_http *h = ctx;
    size_t n = h->body_len - h->body_pos;
    if (n > h->step)
        n = h->step;
    if (n > len)
        n = len;
    memcpy(buf, h->body + h->body_pos, n);
    h->body_pos += n;
    return (ssize_t)n;
}

/* Splits data into h and parses its params into req, with h as the body reader.
 * False when out of memory (nothing to free then); else *parsed is request_parse's
 * answer, and req and h are freed by request_free and fuzz_http_free. */
static inline bool fuzz_http_request(fuzz_http *h, request *req, const uint8_t *data, size_t size,
                                     request_parse_result *parsed)
{
    if (!fuzz_http_split(h, data, size))
        return false;
    *parsed = request_parse(req, h->envp);
    req->read_body = fuzz_http_read;
    req->read_ctx = h;
    return true;
}

#endif
