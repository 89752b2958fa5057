/* Operator log lines, written atomically to a file or stderr. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = STDERR_FILENO;
static int log_min = LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

int log_open(const char *path, int min_level)
{
    log_min = min_level;
    if (path == NULL || path[0] == '\0') {
        if (log_fd != STDERR_FILENO)
            close(log_fd);
        log_fd = STDERR_FILENO;
        return 0;
    }
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        int saved = errno;
        if (log_fd != STDERR_FILENO)
            close(log_fd);
        log_fd = STDERR_FILENO;
        errno = saved;
        return -1;
    }
    if (log_fd != STDERR_FILENO)
        close(log_fd);
    log_fd = fd;
    return 0;
}

int log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (name != NULL && strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

void log_vmsg(int level, const char *prefix, const char *fmt, va_list ap)
{
    if (level < log_min)
        return;
    if (level < LOG_DEBUG || level > LOG_ERROR)
        level = LOG_ERROR;
    int saved = errno;
    char line[4096];
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int n = snprintf(line, sizeof line, "%s %s [%ld] %s", stamp, level_names[level],
                     (long)getpid(), prefix ? prefix : "");
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof line) {
        int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        if (m > 0)
            n += m;
    }
    if ((size_t)n >= sizeof line - 1)
        n = sizeof line - 2;
    line[n++] = '\n';
    ssize_t w;
    do {
        w = write(log_fd, line, (size_t)n);
    } while (w < 0 && errno == EINTR);
    errno = saved;
}

void log_msg(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, NULL, fmt, ap);
    va_end(ap);
}
