/* motcua-fcgi: the FastCGI process manager serving the motcua API behind nginx. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "config.h"
#include "log.h"
#include "master.h"
#include "plugin_check.h"

#define DEFAULT_CONFIG "/etc/motcua/motcua.ini"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: motcua-fcgi [-c FILE] [-t]\n"
            "Serve the motcua HTTP API over FastCGI (behind nginx): a master process\n"
            "owns the socket and pre-forks workers that load the department plugins.\n"
            "\n"
            "  -c, --config FILE  configuration (default " DEFAULT_CONFIG ")\n"
            "  -t, --test         check the configuration and report on every plugin, then\n"
            "                     exit (1 only if the configuration or plugin folder is unusable)\n"
            "  -h, --help         show this help\n"
            "\n"
            "Signals: HUP reloads config and plugins without failing requests in flight;\n"
            "TERM, QUIT or INT stop after the requests in flight. Runs in the foreground.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"test", no_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = DEFAULT_CONFIG;
    bool test_only = false;
    int c;
    while ((c = getopt_long(argc, argv, "c:th", opts, NULL)) != -1) {
        switch (c) {
        case 'c': path = optarg; break;
        case 't': test_only = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    char err[512];
    config *cfg = config_load(path, err, sizeof err);
    if (cfg == NULL) {
        fprintf(stderr, "motcua-fcgi: %s\n", err);
        return 1;
    }
    if (test_only) {
        printf("configuration %s: ok\n", path);
        if (cfg->calendar_file != NULL) {
            calendar *cal = calendar_new();
            int bad = cal == NULL || calendar_override_load(cal, cfg->calendar_file, err, sizeof err) != 0;
            calendar_free(cal);
            if (bad) {
                fprintf(stderr, "motcua-fcgi: calendar %s: %s\n", cfg->calendar_file, cal ? err : "out of memory");
                config_free(cfg);
                return 1;
            }
            printf("calendar %s: ok\n", cfg->calendar_file);
        }
        /* Like nginx -t: the exit status is about the configuration. A plugin
         * that would be skipped is reported but does not stop the service. */
        int skipped = plugin_check_dir(cfg->plugin_dir, cfg, stdout);
        config_free(cfg);
        if (skipped > 0)
            printf("warning: %d plugins would be skipped (see FAIL lines); the others serve\n", skipped);
        return skipped < 0 ? 1 : 0;
    }
    if (log_open(cfg->log_file, cfg->log_level) != 0)
        fprintf(stderr, "motcua-fcgi: cannot open log file %s, logging to stderr: %m\n", cfg->log_file);
    return master_run(cfg);
}
