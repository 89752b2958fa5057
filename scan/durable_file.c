/* Durable file replacement for outputs written by libraries that open files by name (qpdf, Tesseract, Leptonica). */
#include "durable_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int durable_temp_name(const char *path, char *tmp, size_t tmplen)
{
    /* Per process counter: two calls in one process never share a name. */
    static unsigned long serial;
    serial++;
    int n = snprintf(tmp, tmplen, "%s.tmp-%ld-%lu", path, (long)getpid(), serial);
    return n < 0 || (size_t)n >= tmplen ? -1 : 0;
}

/* fsyncs the folder that holds path. 0 or -1 with errno. */
static int sync_folder(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        dir[0] = '.';
        dir[1] = '\0';
    } else {
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        if (len >= sizeof dir) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int durable_commit(const char *tmp, const char *path, unsigned mode, char *err, size_t errlen)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "open %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (fchmod(fd, (mode_t)mode) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "sync %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        snprintf(err, errlen, "rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (sync_folder(path) != 0) {
        snprintf(err, errlen, "sync the folder of %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
