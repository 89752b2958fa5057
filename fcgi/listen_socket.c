/* Creating the listening socket the workers share. */
#include "listen_socket.h"

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

bool listen_is_unix(const char *address)
{
    return strchr(address, '/') != NULL;
}

static int open_unix(const char *path, mode_t mode, const char *group, char *err, size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errlen, "socket path %s is longer than %zu bytes", path, sizeof sa.sun_path - 1);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            snprintf(err, errlen, "%s exists and is not a socket; remove it or choose another listen path", path);
            return -1;
        }
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
            close(probe);
            snprintf(err, errlen, "%s is already in use by a running process (another motcua-fcgi?)", path);
            return -1;
        }
        if (probe >= 0)
            close(probe);
        unlink(path); /* stale socket from a crashed run */
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    mode_t old = umask(0777 & ~mode);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0) {
        snprintf(err, errlen, "cannot bind %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (chmod(path, mode) != 0) {
        snprintf(err, errlen, "cannot chmod %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    if (group != NULL) {
        struct group *gr = getgrnam(group);
        if (gr == NULL || chown(path, (uid_t)-1, gr->gr_gid) != 0) {
            snprintf(err, errlen, "cannot give %s to group %s: %s", path, group,
                     gr ? strerror(errno) : "no such group");
            close(fd);
            unlink(path);
            return -1;
        }
    }
    return fd;
}

static int open_tcp(const char *address, char *err, size_t errlen)
{
    const char *colon = strrchr(address, ':');
    if (colon == NULL || colon == address || colon[1] == '\0') {
        snprintf(err, errlen, "listen '%s' is neither a socket path nor HOST:PORT", address);
        return -1;
    }
    char host[256];
    size_t hlen = (size_t)(colon - address);
    if (hlen >= sizeof host) {
        snprintf(err, errlen, "listen host is too long");
        return -1;
    }
    memcpy(host, address, hlen);
    host[hlen] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, colon + 1, &hints, &res);
    if (gai != 0) {
        snprintf(err, errlen, "listen %s: %s", address, gai_strerror(gai));
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
        snprintf(err, errlen, "cannot bind %s: %s", address, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    return fd;
}

int listen_socket_open(const char *address, mode_t mode, const char *group, char *err, size_t errlen)
{
    int fd = listen_is_unix(address) ? open_unix(address, mode, group, err, errlen)
                                    : open_tcp(address, err, errlen);
    if (fd < 0)
        return -1;
    if (listen(fd, 511) != 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", address, strerror(errno));
        listen_socket_close(fd, address);
        return -1;
    }
    return fd;
}

void listen_socket_close(int fd, const char *address)
{
    if (fd >= 0)
        close(fd);
    if (address != NULL && listen_is_unix(address))
        unlink(address);
}
