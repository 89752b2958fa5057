/* motcua-scand's service loop: takes scan and import jobs from the store, captures from the
 * stations' SANE devices (in a child process, `motcua-scan capture`, killed when its scanner
 * stalls: SANE never runs in motcua-scand), recognises pages in the OCR pool writing each
 * page's result as it comes, classifies, checks completeness and stores the verdict; survives
 * restarts (a job whose claimer died is resumed from the pages already recognised, or failed
 * cleanly). */
#ifndef MOTCUA_SCAN_SCAND_H
#define MOTCUA_SCAN_SCAND_H

#include <signal.h>
#include <stdbool.h>

#include "config.h"
#include "store_scan.h"

/* What the signal handlers set (scand_main.c) and the loop reads. */
typedef struct scand_flags {
    volatile sig_atomic_t stop;        /* SIGTERM/SIGINT: finish the pages in the workers (a capture
                                          is killed, its pages kept), release the job, stop */
    volatile sig_atomic_t reopen_log;  /* SIGHUP */
} scand_flags;

/* Runs the service until flags->stop: opens the store and the catalogue (the procedure data
 * files in [plugins] plugin_dir), takes back jobs of dead claimers, then claims and works
 * jobs one at a time. The OCR pool starts with the first job that needs it; a capture runs
 * motcua-scan from the folder of the running program, with SANE_CONFIG_DIR set from [scan]
 * sane_config_dir, killed after [scan] capture_page_timeout seconds without a page. Returns 0
 * after a graceful stop, or -1 with an English reason in err when it cannot start. */
int scand_run(const config *cfg, scand_flags *flags, char *err, size_t errlen);

/* True when pid is a live motcua-scand process on this machine (not a zombie, and not
 * another program that reuses the number). */
bool scand_process_alive(int pid);

#endif
