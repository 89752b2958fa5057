/* The FastCGI listening socket: a unix socket path or HOST:PORT (TCP). */
#ifndef MOTCUA_LISTEN_SOCKET_H
#define MOTCUA_LISTEN_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* True if listen names a unix socket (it contains a '/'). */
bool listen_is_unix(const char *address);

/* Opens and listens (backlog 511, close-on-exec). Unix: a stale socket file
 * left by a crashed run is replaced, a live one is refused ("already in use");
 * the socket gets mode and, when group is not NULL, that group. TCP: HOST:PORT
 * with SO_REUSEADDR. Returns the fd, or -1 with an English reason in err. */
int listen_socket_open(const char *address, mode_t mode, const char *group, char *err, size_t errlen);

/* Closes fd and removes the unix socket file. */
void listen_socket_close(int fd, const char *address);

#endif
