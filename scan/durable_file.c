/* Durable file replacement: of a temporary file (outputs of libraries that open files by name: qpdf, Tesseract, Leptonica) or by a buffer. */
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

int durable_write(const char *path, const void *data, size_t len, unsigned mode, char *err,
                  size_t errlen)
{
    char tmp[4200];
    if (durable_temp_name(path, tmp, sizeof tmp) != 0) {
        snprintf(err, errlen, "path too long: %.300s", path);
        return -1;
    }
    /* Private until durable_commit gives it its mode: nobody reads a half-written file. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "create %s: %s", tmp, strerror(errno));
        return -1;
    }
    const char *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "write %s: %s", tmp, n < 0 ? strerror(errno) : "no progress");
            close(fd);
            unlink(tmp);
            return -1;
        }
        done += (size_t)n;
    }
    if (close(fd) != 0) {
        snprintf(err, errlen, "write %s: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return durable_commit(tmp, path, mode, err, errlen);
}
