/* Fuzz target: motcua-scand's reading of a capture child's progress on its stdout
 * (scan/capture_child.c: on_bytes, on_line, on_page, then result_from_summary),
 * one JSON object a line, {"page":N,"file":F} per page and a final {"status":...}.
 * A SANE backend may print anything on that stdout too. capture_child.c is
 * compiled into this harness to reach its static reader; no process is started.
 * The input arrives in pieces of 1..509 bytes, as reads from a pipe give it.
 *
 * Contracts checked beyond "no crash, no sanitizer report": pages are handed
 * on in increasing order, each as out_dir/page-NNNN.png; the line buffer stays
 * within its cap; a summary's status is one of capture_status's, and a failed
 * one comes with a message for the officer. */
#include <stdint.h>
#include <stdio.h>

#include "fuzz_util.h"
#include "log.h"

#include "../../scan/capture_child.c"

#define FUZZ_OUT_DIR "/srv/motcua/scan/job-1"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    log_open("/dev/null", LOG_DEBUG);
    return 0;
}

typedef struct seen {
    size_t pages, last;
} seen;

static void on_progress(void *ctx, size_t page, const char *file)
{
    seen *s = ctx;
    char want[PATH_MAX];
    snprintf(want, sizeof want, FUZZ_OUT_DIR "/page-%04zu.png", page);
    FUZZ_REQUIRE(page > s->last && page <= 9999 && strcmp(file, want) == 0);
    s->last = page;
    s->pages++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    capture_child_options opt = {.out_dir = FUZZ_OUT_DIR};
    seen s = {0, 0};
    child_watch w = {.opt = &opt, .progress = on_progress, .ctx = &s, .pid = 4242, .fd = -1};
    uint32_t seed = 2166136261u ^ (uint32_t)size;
    for (size_t off = 0; off < size;) {
        seed = seed * 1103515245u + 12345u;
        size_t piece = 1 + (seed >> 16) % 509;
        if (piece > size - off)
            piece = size - off;
        on_bytes(&w, (const char *)data + off, piece);
        FUZZ_REQUIRE(w.cap <= LINE_MAX_BYTES && (w.cap == 0 || w.len < w.cap));
        off += piece;
    }
    FUZZ_REQUIRE(w.pages == s.pages && w.last_page == s.last);
    if (w.summary != NULL) {
        capture_result r;
        memset(&r, 0, sizeof r);
        result_from_summary(&r, w.summary);
        FUZZ_REQUIRE(r.status >= CAPTURE_OK && r.status <= CAPTURE_INVALID);
        FUZZ_REQUIRE(r.status == CAPTURE_OK || r.message_vi[0] != '\0'); /* the officer is told what to do */
    }
    json_decref(w.summary);
    free(w.line);
    return 0;
}
