/* Length-prefixed JSON frames between the OCR pool and its workers (see ocr_protocol.h). */
#include "ocr_protocol.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEADER_BYTES 4u

static uint32_t header_length(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* Takes the first frame out of r if a whole one is buffered: OCRP_FRAME with
 * *msg, OCRP_AGAIN when more bytes are needed, OCRP_ERROR on a bad frame. */
static ocrp_status take_frame(ocrp_reader *r, json_t **msg, char *err, size_t errlen)
{
    if (r->len < HEADER_BYTES)
        return OCRP_AGAIN;
    uint32_t body = header_length(r->buf);
    if (body > OCRP_MAX_FRAME) {
        snprintf(err, errlen, "frame of %lu bytes is over the limit", (unsigned long)body);
        return OCRP_ERROR;
    }
    if (r->len - HEADER_BYTES < body)
        return OCRP_AGAIN;
    json_error_t jerr;
    json_t *m = json_loadb((const char *)r->buf + HEADER_BYTES, body, 0, &jerr);
    size_t used = HEADER_BYTES + body;
    memmove(r->buf, r->buf + used, r->len - used);
    r->len -= used;
    if (m == NULL || !json_is_object(m)) {
        snprintf(err, errlen, "frame is not a JSON object: %s", m == NULL ? jerr.text : "not an object");
        json_decref(m);
        return OCRP_ERROR;
    }
    *msg = m;
    return OCRP_FRAME;
}

/* Makes room for at least `more` bytes after r->len. 0, or -1 out of memory. */
static int reserve(ocrp_reader *r, size_t more)
{
    if (r->cap - r->len >= more)
        return 0;
    size_t cap = r->cap ? r->cap : 4096;
    while (cap - r->len < more)
        cap *= 2;
    unsigned char *b = realloc(r->buf, cap);
    if (b == NULL)
        return -1;
    r->buf = b;
    r->cap = cap;
    return 0;
}

ocrp_status ocrp_read(ocrp_reader *r, int fd, json_t **msg, char *err, size_t errlen)
{
    *msg = NULL;
    ocrp_status st = take_frame(r, msg, err, errlen);
    if (st != OCRP_AGAIN)
        return st;
    /* Read what the frame still needs when its length is known, in 64 KiB steps. */
    size_t want = 65536;
    if (r->len >= HEADER_BYTES) {
        size_t missing = HEADER_BYTES + header_length(r->buf) - r->len;
        if (missing < want)
            want = missing;
    }
    if (reserve(r, want) != 0) {
        snprintf(err, errlen, "out of memory reading a frame");
        return OCRP_ERROR;
    }
    ssize_t n;
    do {
        n = read(fd, r->buf + r->len, want);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return OCRP_AGAIN;
        if (errno == ECONNRESET)
            return OCRP_EOF;
        snprintf(err, errlen, "read: %s", strerror(errno));
        return OCRP_ERROR;
    }
    if (n == 0)
        return OCRP_EOF;
    r->len += (size_t)n;
    return take_frame(r, msg, err, errlen);
}

ocrp_status ocrp_read_blocking(ocrp_reader *r, int fd, json_t **msg, char *err, size_t errlen)
{
    for (;;) {
        ocrp_status st = ocrp_read(r, fd, msg, err, errlen);
        if (st != OCRP_AGAIN)
            return st;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, -1) < 0 && errno != EINTR) {
            snprintf(err, errlen, "poll: %s", strerror(errno));
            return OCRP_ERROR;
        }
    }
}

void ocrp_reader_reset(ocrp_reader *r)
{
    free(r->buf);
    r->buf = NULL;
    r->len = 0;
    r->cap = 0;
}

/* One write of up to len bytes: send(MSG_NOSIGNAL) on a socket, write otherwise. */
static ssize_t write_some(int fd, const unsigned char *p, size_t len)
{
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK)
        n = write(fd, p, len);
    return n;
}

static int write_all(int fd, const unsigned char *p, size_t len, char *err, size_t errlen)
{
    while (len > 0) {
        ssize_t n = write_some(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd pf = {.fd = fd, .events = POLLOUT};
                if (poll(&pf, 1, -1) < 0 && errno != EINTR) {
                    snprintf(err, errlen, "poll: %s", strerror(errno));
                    return -1;
                }
                continue;
            }
            snprintf(err, errlen, "write: %s", strerror(errno));
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int ocrp_write(int fd, const json_t *msg, char *err, size_t errlen)
{
    char *body = json_dumps(msg, JSON_COMPACT);
    if (body == NULL) {
        snprintf(err, errlen, "cannot encode the message");
        return -1;
    }
    size_t len = strlen(body);
    if (len > OCRP_MAX_FRAME) {
        snprintf(err, errlen, "message of %zu bytes is over the frame limit", len);
        free(body);
        return -1;
    }
    /* Header and body in one buffer so a small frame goes out in one write. */
    unsigned char *frame = malloc(HEADER_BYTES + len);
    if (frame == NULL) {
        snprintf(err, errlen, "out of memory writing a frame");
        free(body);
        return -1;
    }
    frame[0] = (unsigned char)(len >> 24);
    frame[1] = (unsigned char)(len >> 16);
    frame[2] = (unsigned char)(len >> 8);
    frame[3] = (unsigned char)len;
    memcpy(frame + HEADER_BYTES, body, len);
    free(body);
    int rc = write_all(fd, frame, HEADER_BYTES + len, err, errlen);
    free(frame);
    return rc;
}
