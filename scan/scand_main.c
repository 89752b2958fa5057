/* motcua-scand: the scanner service (captures, recognises and classifies dossier pages from the job queue). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "scand.h"

#define DEFAULT_CONFIG "/etc/motcua/motcua.ini"

static scand_flags flags;

static void on_stop(int sig)
{
    (void)sig;
    flags.stop = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    flags.reopen_log = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: motcua-scand [-c FILE]\n"
            "Run the motcua scanner service: take scan and import jobs from the database,\n"
            "capture from the counters' scanners (SANE), recognise pages with a pool of warm\n"
            "Tesseract workers, classify them and check each dossier's completeness. Reads\n"
            "the same configuration as motcua-fcgi ([store], [plugins] and [scan]).\n"
            "\n"
            "  -c, --config FILE  configuration (default " DEFAULT_CONFIG ")\n"
            "  -h, --help         show this help\n"
            "\n"
            "Captures run in a child process, motcua-scan capture (found beside motcua-scand),\n"
            "killed when its scanner gives no page for [scan] capture_page_timeout seconds;\n"
            "the pages scanned before are kept.\n"
            "\n"
            "Runs in the foreground. TERM or INT: finish the pages in hand (a capture is\n"
            "killed, its pages kept) and stop, leaving the job to resume; HUP reopens the log\n"
            "file ([scan] log_file). A job left by a killed motcua-scand is resumed at the next\n"
            "start from the pages already captured and recognised.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = DEFAULT_CONFIG;
    int c;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': path = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    char err[512] = "";
    config *cfg = config_load(path, err, sizeof err);
    if (cfg == NULL) {
        fprintf(stderr, "motcua-scand: %s\n", err);
        return 1;
    }
    if (log_open(cfg->scan_log_file, cfg->log_level) != 0)
        fprintf(stderr, "motcua-scand: cannot open log %s; logging to stderr\n", cfg->scan_log_file);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    int rc = scand_run(cfg, &flags, err, sizeof err);
    if (rc != 0) {
        log_msg(LOG_ERROR, "scand: cannot start: %s", err);
        fprintf(stderr, "motcua-scand: %s\n", err);
    }
    config_free(cfg);
    return rc == 0 ? 0 : 1;
}
