/* The motcua-fcgi master (process manager, after php-fpm): owns the listening
 * socket, pre-forks workers, respawns the dead within a crash budget, recycles,
 * cuts requests past request_timeout, reloads on SIGHUP by draining old workers
 * while new ones serve, and stops gracefully on SIGTERM, SIGQUIT or SIGINT. */
#ifndef MOTCUA_MASTER_H
#define MOTCUA_MASTER_H

#include "config.h"

/* Runs until stopped. Takes ownership of cfg (replaced on reload). Returns the
 * process exit status: 0 after a graceful stop, 1 if it could not start. */
int master_run(config *cfg);

#endif
