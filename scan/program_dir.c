/* The running program's folder (program_dir.h). */
#include "program_dir.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int program_dir(char *dir, size_t len)
{
    char self[PATH_MAX];
    if (len > 0)
        dir[0] = '\0';
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    int w = snprintf(dir, len, "%s", self);
    if (w < 0 || (size_t)w >= len) {
        if (len > 0)
            dir[0] = '\0';
        return -1;
    }
    return 0;
}

int program_beside(const char *name, char *path, size_t len)
{
    char dir[PATH_MAX];
    if (program_dir(dir, sizeof dir) != 0)
        return -1;
    int w = snprintf(path, len, "%s/%s", dir, name);
    return w < 0 || (size_t)w >= len ? -1 : 0;
}
