/* The OCR pool's wire protocol between the parent and a motcua-scan-worker:
 * frames of a 4-byte big-endian length followed by that many bytes of one JSON
 * object, over a socketpair (or pipes). A worker that dies mid-frame leaves an
 * incomplete frame, which the reader reports as end of stream, never as a message.
 *
 * Messages (all objects):
 *   worker -> parent, once engines are loaded:  {"op":"ready"} or {"op":"fatal","error":"..."}
 *   parent -> worker:  {"op":"count","path":P}
 *                      {"op":"page","path":P,"index":I,"pdf_out":P|null,"upright_out":P|null}
 *                      {"op":"quit"}
 *   worker -> parent, one reply per count/page request:
 *     {"ok":true,"pages":N}                                              (count)
 *     {"ok":true,"width","height","dpi","rotation","skew","blank","ink",
 *      "confidence","text","hocr"}                                      (page)
 *     {"ok":false,"error":"English reason","error_vi":"Vietnamese, what to do"} */
#ifndef MOTCUA_SCAN_OCR_PROTOCOL_H
#define MOTCUA_SCAN_OCR_PROTOCOL_H

#include <jansson.h>
#include <stddef.h>

/* The largest frame body accepted (text + hOCR of one page fit with room). */
#define OCRP_MAX_FRAME (64u * 1024u * 1024u)

/* An incremental frame reader: bytes read from an fd accumulate until a whole
 * frame is there. Zero-initialise ({0}) before use; ocrp_reader_reset frees. */
typedef struct ocrp_reader {
    unsigned char *buf;
    size_t len;
    size_t cap;
} ocrp_reader;

typedef enum ocrp_status {
    OCRP_FRAME = 0,  /* *msg holds a new reference to the next message */
    OCRP_AGAIN,      /* no whole frame yet (non-blocking fd had nothing more) */
    OCRP_EOF,        /* the peer closed; any partial frame is dropped */
    OCRP_ERROR       /* read error, oversized frame, or a body that is not a JSON object */
} ocrp_status;

/* Returns the next message: from the bytes already buffered if a whole frame is
 * there, otherwise after at most one read(2) on fd (retried on EINTR). On a
 * blocking fd that read waits for data; on a non-blocking fd it may give
 * OCRP_AGAIN. On OCRP_ERROR a reason is in err; the stream is then unusable. */
ocrp_status ocrp_read(ocrp_reader *r, int fd, json_t **msg, char *err, size_t errlen);

/* Blocking read of one whole message (loops ocrp_read, waiting with poll when
 * fd is non-blocking). Returns OCRP_FRAME, OCRP_EOF or OCRP_ERROR. */
ocrp_status ocrp_read_blocking(ocrp_reader *r, int fd, json_t **msg, char *err, size_t errlen);

/* Frees the reader's buffer and empties it; safe on a zeroed or reset reader. */
void ocrp_reader_reset(ocrp_reader *r);

/* Writes msg as one frame, whole: retries on EINTR and short writes, waits with
 * poll on a non-blocking fd, and never raises SIGPIPE on a socket (send with
 * MSG_NOSIGNAL; plain write for pipes). Returns 0, or -1 with a reason in err
 * (peer gone: "EPIPE"/"ECONNRESET" text, or message too large). */
int ocrp_write(int fd, const json_t *msg, char *err, size_t errlen);

#endif
