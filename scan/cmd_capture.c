/* motcua-scan capture: one batch from a scanner through SANE into a folder of PNG pages. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "commands.h"

/* Exit codes of capture, beyond SCAN_EXIT_OK / FAILED (I/O error) / USAGE. */
enum {
    CAPTURE_EXIT_NO_DEVICE = 3,
    CAPTURE_EXIT_JAMMED = 4,
    CAPTURE_EXIT_COVER_OPEN = 5,
    CAPTURE_EXIT_BUSY = 6,
    CAPTURE_EXIT_REFUSED = 7
};

#define CAPTURE_MAX_DEVICE_OPTIONS 64

static const char capture_usage[] =
    "--device DEV [--source adf|flatbed] [--resolution DPI] [--mode color|gray] --out DIR "
    "[--max-pages N] [--first-page N] [--option [PAGE:]NAME=VALUE]... [--progress text|json]";

static void capture_help(void)
{
    printf("Usage: motcua-scan capture %s\n\n", capture_usage);
    printf("Captures one batch through SANE into DIR/page-0001.png, page-0002.png, ...\n"
           "(files written durably: temp name, fsync, rename). ADF: until the feeder is empty;\n"
           "flatbed: one page.\n\n"
           "  --device DEV        SANE device name (motcua-scan list-devices), e.g. net:host:fujitsu:...\n"
           "  --source S          adf (default) or flatbed\n"
           "  --resolution DPI    at least 200, default 300\n"
           "  --mode M            gray (default) or color\n"
           "  --out DIR           output folder (created if missing; files of the same name are replaced)\n"
           "  --max-pages N       stop after N pages (0: no limit)\n"
           "  --first-page N      number of the first file, to continue a batch after a jam (default 1)\n"
           "  --option NAME=VALUE a backend option set by its type after the above (repeatable),\n"
           "                      e.g. --option page-height=297; PAGE:NAME=VALUE sets it before page\n"
           "                      PAGE of this batch (diagnostics and tests, e.g. with SANE's test\n"
           "                      backend: --option 4:read-return-value=SANE_STATUS_JAMMED)\n"
           "  --progress P        text (default): progress on stderr, one line a page\n"
           "                      (\"trang 3 đã quét / page 3 captured: FILE\");\n"
           "                      json: for programs (motcua-scand runs capture so): one JSON line\n"
           "                      a page on stdout, {\"page\":N,\"file\":\"DIR/page-000N.png\"}, flushed\n"
           "                      once the page is durable, then the summary line below; nothing\n"
           "                      on stderr but what SANE's backends print themselves\n\n"
           "On stdout, at the end, one JSON object (one line):\n"
           "  {\"status\":\"ok|jammed|cover_open|busy|no_device|io_error|invalid\",\"pages\":N,\n"
           "   \"files\":[...],\"message\":\"(Vietnamese, for the officer)\",\"detail\":\"(English)\"}\n"
           "Pages written before an error are kept and listed.\n\n"
           "Exit codes: 0 batch complete; 1 I/O error (device or disk); 2 bad command line;\n"
           "3 device cannot be opened; 4 paper jam; 5 cover open; 6 device busy;\n"
           "7 options refused (resolution under 200 dpi, a source or mode the device lacks,\n"
           "a bad --option).\n"
           "Environment: SANE_CONFIG_DIR (folder with dll.conf...), as for scanimage.\n");
}

/* Reads a whole number in [min, max]. Returns 0 or -1. */
static int parse_int(const char *s, long min, long max, int *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* What the progress callback keeps and how it reports. */
typedef struct capture_progress_ctx {
    json_t *files;           /* for the summary */
    bool json;               /* --progress json */
} capture_progress_ctx;

/* progress: the file kept for the summary, and one line per page: on stderr for people, or
 * (--progress json) a JSON line on stdout, flushed at once for the program reading it. */
static void capture_progress(void *ctx, size_t page, const char *file)
{
    capture_progress_ctx *p = ctx;
    json_array_append_new(p->files, json_string(file));
    if (!p->json) {
        fprintf(stderr, "trang %zu đã quét / page %zu captured: %s\n", page, page, file);
        return;
    }
    json_t *line = json_pack("{s:I, s:s}", "page", (json_int_t)page, "file", file);
    char *text = line != NULL ? json_dumps(line, JSON_COMPACT) : NULL;
    if (text != NULL) {
        printf("%s\n", text);
        fflush(stdout);
    }
    free(text);
    json_decref(line);
}

static int exit_code(capture_status s)
{
    switch (s) {
    case CAPTURE_OK: return SCAN_EXIT_OK;
    case CAPTURE_JAMMED: return CAPTURE_EXIT_JAMMED;
    case CAPTURE_COVER_OPEN: return CAPTURE_EXIT_COVER_OPEN;
    case CAPTURE_BUSY: return CAPTURE_EXIT_BUSY;
    case CAPTURE_NO_DEVICE: return CAPTURE_EXIT_NO_DEVICE;
    case CAPTURE_INVALID: return CAPTURE_EXIT_REFUSED;
    case CAPTURE_IO_ERROR: return SCAN_EXIT_FAILED;
    }
    return SCAN_EXIT_FAILED;
}

static int bad_usage(const char *why)
{
    fprintf(stderr, "motcua-scan capture: %s\nUsage: motcua-scan capture %s\n", why, capture_usage);
    return SCAN_EXIT_USAGE;
}

static int capture_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"device", required_argument, NULL, 'd'},  {"source", required_argument, NULL, 's'},
        {"resolution", required_argument, NULL, 'r'}, {"mode", required_argument, NULL, 'm'},
        {"out", required_argument, NULL, 'o'},     {"max-pages", required_argument, NULL, 'n'},
        {"first-page", required_argument, NULL, 'f'}, {"option", required_argument, NULL, 'O'},
        {"progress", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    capture_options opt = {0};
    const char *devopts[CAPTURE_MAX_DEVICE_OPTIONS];
    bool json_progress = false;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': opt.device = optarg; break;
        case 's': opt.source = optarg; break;
        case 'm': opt.mode = optarg; break;
        case 'o': opt.out_dir = optarg; break;
        case 'r':
            /* below 200 is accepted here and refused by capture_batch with its message */
            if (parse_int(optarg, 1, 9600, &opt.resolution) != 0)
                return bad_usage("--resolution wants a number of dpi");
            break;
        case 'n':
            if (parse_int(optarg, 0, 9999, &opt.max_pages) != 0)
                return bad_usage("--max-pages wants a number from 0 to 9999");
            break;
        case 'f':
            if (parse_int(optarg, 1, 9999, &opt.first_page) != 0)
                return bad_usage("--first-page wants a number from 1 to 9999");
            break;
        case 'O':
            if (opt.n_device_options >= CAPTURE_MAX_DEVICE_OPTIONS)
                return bad_usage("too many --option");
            devopts[opt.n_device_options++] = optarg;
            break;
        case 'p':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
                return bad_usage("--progress is text or json");
            json_progress = strcmp(optarg, "json") == 0;
            break;
        case 'h': capture_help(); return SCAN_EXIT_OK;
        default: return bad_usage("unknown option");
        }
    }
    if (optind < argc)
        return bad_usage("unexpected argument");
    if (opt.device == NULL || opt.out_dir == NULL)
        return bad_usage("--device and --out are required");
    if (opt.source != NULL && strcmp(opt.source, "adf") != 0 && strcmp(opt.source, "flatbed") != 0)
        return bad_usage("--source is adf or flatbed");
    if (opt.mode != NULL && strcmp(opt.mode, "color") != 0 && strcmp(opt.mode, "gray") != 0)
        return bad_usage("--mode is color or gray");
    opt.device_options = devopts;

    json_t *files = json_array();
    if (files == NULL) {
        fprintf(stderr, "motcua-scan capture: out of memory\n");
        return SCAN_EXIT_FAILED;
    }
    capture_result res;
    capture_progress_ctx progress = {.files = files, .json = json_progress};
    capture_batch(&opt, &res, capture_progress, &progress);

    if (json_progress) {
        /* the reading program reports the summary itself */
    } else if (res.status != CAPTURE_OK) {
        fprintf(stderr, "motcua-scan capture: %s\n  %s (%s)\n", res.message_vi, res.detail,
                capture_status_name(res.status));
    } else {
        fprintf(stderr, "%s / %s\n", res.message_vi, res.detail);
    }
    json_t *summary = json_pack("{s:s, s:I, s:O, s:s, s:s}", "status", capture_status_name(res.status),
                                "pages", (json_int_t)res.pages, "files", files, "message", res.message_vi,
                                "detail", res.detail);
    json_decref(files);
    if (summary != NULL) {
        char *text = json_dumps(summary, JSON_COMPACT);
        if (text != NULL)
            printf("%s\n", text);
        free(text);
        json_decref(summary);
    }
    /* The summary goes out before sane_exit: a backend that hangs on the way out (see
     * cancel_settle in capture.c) then costs the reader no result. */
    int flushed = fflush(stdout);
    capture_shutdown();
    if (flushed != 0)
        return SCAN_EXIT_FAILED;
    return exit_code(res.status);
}

const scan_command scan_cmd_capture = {
    .name = "capture",
    .summary = "capture one batch from a SANE scanner into PNG pages",
    .usage = capture_usage,
    .run = capture_run,
};
