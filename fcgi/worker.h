/* A motcua-fcgi worker: one single-threaded process serving FastCGI requests
 * from the shared listening socket until told to stop or recycled. */
#ifndef MOTCUA_WORKER_H
#define MOTCUA_WORKER_H

#include <stdbool.h>
#include <stdnoreturn.h>
#include "config.h"
#include "scoreboard.h"

/* Exit status of a worker that could not set itself up (store, plugin folder). */
#define WORKER_EXIT_SETUP 78

typedef struct worker_args {
    const config *cfg;
    int listen_fd;
    scoreboard *sb;
    worker_slot *slot;
    bool report_plugins;   /* log plugin loading at info/warn (the first worker of a generation) */
} worker_args;

/* Runs in the forked child: sets up signals (SIGQUIT/SIGTERM/SIGINT: finish
 * the request in flight, then exit 0), opens the app, serves, and exits 0
 * after max_requests. Never returns. */
noreturn void worker_main(const worker_args *w);

#endif
