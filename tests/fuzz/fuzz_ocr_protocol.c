/* Fuzz target: the OCR pool's frame reader (scan/ocr_protocol.c) on what a
 * worker sends back. A worker has just decoded a hostile image, so its bytes
 * are untrusted by the parent. The input is read twice: from a file (reads of
 * up to 64 KiB, blocking) and from a non-blocking socket it trickles into in
 * pieces of 1..97 bytes (OCRP_AGAIN between them). Each message then goes
 * through the pool's reading of a page reply (result_from_reply in
 * scan/ocr_pool.c, compiled into this harness to reach the static function).
 *
 * Contracts checked beyond "no crash, no sanitizer report": both reads give
 * the same messages and end the same way (how the bytes arrive never changes
 * what is read); every message is an object; an error has a reason. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "fuzz_util.h"
#include "log.h"
#include "ocr_protocol.h"

/* The pool itself: its static result_from_reply is what reads a reply. */
#include "../../scan/ocr_pool.c"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    log_open("/dev/null", LOG_DEBUG);
    return 0;
}

/* Messages and end of one read of the input. */
typedef struct reading {
    json_t *messages;   /* array */
    ocrp_status end;    /* OCRP_EOF or OCRP_ERROR */
} reading;

static void take(reading *rd, json_t *msg)
{
    FUZZ_REQUIRE(json_is_object(msg));
    ocr_page_result r;
    memset(&r, 0, sizeof r);
    result_from_reply(&r, msg);
    FUZZ_REQUIRE(r.ok ? r.text != NULL && r.hocr != NULL : r.error != NULL && r.error_vi != NULL);
    ocr_page_result_clear(&r);
    json_array_append_new(rd->messages, msg);
}

/* The whole input from a file: blocking reads until the end or an error. */
static reading read_file(const uint8_t *data, size_t size)
{
    reading rd = {json_array(), OCRP_EOF};
    int fd = memfd_create("fuzz-frames", MFD_CLOEXEC);
    FUZZ_REQUIRE(fd >= 0 && rd.messages != NULL);
    FUZZ_REQUIRE(size == 0 || write(fd, data, size) == (ssize_t)size);
    FUZZ_REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
    ocrp_reader r = {0};
    for (;;) {
        char err[256] = "";
        json_t *msg = NULL;
        ocrp_status st = ocrp_read_blocking(&r, fd, &msg, err, sizeof err);
        if (st != OCRP_FRAME) {
            FUZZ_REQUIRE(msg == NULL && (st == OCRP_EOF || st == OCRP_ERROR));
            FUZZ_REQUIRE(st != OCRP_ERROR || err[0] != '\0');
            rd.end = st;
            break;
        }
        take(&rd, msg);
    }
    ocrp_reader_reset(&r);
    close(fd);
    return rd;
}

/* The input trickling into a non-blocking socket, as the pool's poll loop reads it. */
static reading read_trickle(const uint8_t *data, size_t size)
{
    reading rd = {json_array(), OCRP_EOF};
    int sv[2];
    FUZZ_REQUIRE(rd.messages != NULL && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    FUZZ_REQUIRE(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
    ocrp_reader r = {0};
    uint32_t seed = 2166136261u ^ (uint32_t)size;
    size_t sent = 0;
    bool done = false;
    while (!done) {
        if (sent < size) {
            seed = seed * 1103515245u + 12345u;
            size_t piece = 1 + (seed >> 16) % 97;
            if (piece > size - sent)
                piece = size - sent;
            FUZZ_REQUIRE(write(sv[1], data + sent, piece) == (ssize_t)piece);
            sent += piece;
            if (sent == size)
                close(sv[1]);
        } else if (size == 0) {
            close(sv[1]);
            sent = 1; /* closed */
        }
        for (;;) {
            char err[256] = "";
            json_t *msg = NULL;
            ocrp_status st = ocrp_read(&r, sv[0], &msg, err, sizeof err);
            if (st == OCRP_AGAIN) {
                FUZZ_REQUIRE(msg == NULL);
                break;
            }
            if (st == OCRP_FRAME) {
                take(&rd, msg);
                continue;
            }
            FUZZ_REQUIRE(msg == NULL && (st == OCRP_EOF || st == OCRP_ERROR));
            FUZZ_REQUIRE(st != OCRP_ERROR || err[0] != '\0');
            rd.end = st;
            done = true;
            break;
        }
    }
    if (sent < size)
        close(sv[1]);
    ocrp_reader_reset(&r);
    close(sv[0]);
    return rd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Frames are capped at 64 MiB, inputs are far smaller: nothing in here waits. */
    if (size > 1u << 20)
        return 0;
    reading a = read_file(data, size);
    reading b = read_trickle(data, size);
    FUZZ_REQUIRE(a.end == b.end);
    FUZZ_REQUIRE(json_equal(a.messages, b.messages));
    json_decref(a.messages);
    json_decref(b.messages);
    return 0;
}
