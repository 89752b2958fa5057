/* motcua-scan-worker: one OCR worker process, started by the OCR pool (ocr_pool.c) with the
 * protocol socket as stdin/stdout; not meant to be run by hand. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ocr_worker.h"

static void usage(void)
{
    fprintf(stderr, "usage: motcua-scan-worker [--languages LANGS] [--tessdata DIR]\n"
                    "  started by motcua-scan / motcua-scand; speaks the OCR pool protocol on stdin/stdout\n");
}

/* Moves the protocol off fds 0 and 1 so that a library printing to stdout can
 * never corrupt a frame: stdout then goes to the log (stderr), stdin to /dev/null. */
static int take_protocol_fds(int *in_fd, int *out_fd)
{
    *in_fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
    *out_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (*in_fd < 0 || *out_fd < 0)
        return -1;
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
        return -1;
    close(null_fd);
    return 0;
}

int main(int argc, char **argv)
{
    ocr_worker_options opt = {.languages = "vie+eng", .tessdata = NULL};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--languages") == 0 && i + 1 < argc) {
            opt.languages = argv[++i];
        } else if (strcmp(argv[i], "--tessdata") == 0 && i + 1 < argc) {
            opt.tessdata = argv[++i];
        } else {
            usage();
            return 2;
        }
    }
    log_open(NULL, LOG_INFO);
    int in_fd, out_fd;
    if (take_protocol_fds(&in_fd, &out_fd) != 0) {
        log_msg(LOG_ERROR, "ocr worker: cannot set up its protocol descriptors");
        return 1;
    }
    int rc = ocr_worker_serve(&opt, in_fd, out_fd);
    close(in_fd);
    close(out_fd);
    return rc;
}
