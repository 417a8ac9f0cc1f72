/*
 * The host half of the management console (mconsole_host.c): the umid directory with its
 * pid file, the AF_UNIX datagram socket, and the notify socket. Called only by the kernel
 * half (mconsole.c). Shared header: stdint types only. Functions return >= 0 or -errno.
 */
#ifndef MCONSOLE_HOST_H
#define MCONSOLE_HOST_H

#include <stddef.h>
#include <stdint.h>

/* Longest umid (UML's UMID_LEN is 64 with the NUL). */
#define MCONSOLE_UMID_MAX 63
/* Longest socket path (sun_path holds 108 bytes with the NUL). */
#define MCONSOLE_PATH_MAX 107

/* A client's address, opaque to the kernel half (a struct sockaddr_un and its length). */
struct mconsole_peer {
	uint32_t len;
	uint8_t addr[112];
};

/*
 * Make the umid directory dir/umid (dir is created too, mode 0777 & umask) holding a pid
 * file with our pid. A directory left by a dead instance is removed and reused. When umid
 * is empty a random 6-character one is chosen and written back (umid holds
 * MCONSOLE_UMID_MAX + 1 bytes). Returns 0; -EADDRINUSE when a live process owns the
 * directory (*owner gets its pid); other -errno from the host. On success the directory is
 * removed again at every exit of umlite (os_exit, os_reexec).
 */
int mconsole_host_umid_dir(const char *dir, char *umid, int *owner);
/*
 * Bind the datagram socket at path (the directory made above) and arrange for SIGIO when a
 * datagram arrives. Returns the descriptor.
 */
int mconsole_host_socket(const char *path);
/*
 * Receive one datagram into buf (len bytes); the return value is the datagram's real size
 * (more than len when it was cut). wait: block until one arrives, but return -EINTR when a
 * host signal comes first (unlike other os_* calls, so the kernel can look at it); without
 * wait, -EAGAIN when there is none.
 */
long mconsole_host_recv(int fd, void *buf, size_t len, struct mconsole_peer *from, int wait);
/*
 * Send one datagram to peer. A client whose receive queue stays full for 200 ms gets
 * -EAGAIN, and later sends to it are tried once without waiting until one gets through,
 * so a client that does not read stalls the kernel once, not per packet. -ECONNREFUSED and
 * the like when it went away; -EDESTADDRREQ when it has no address to answer to.
 */
int mconsole_host_send(int fd, const void *buf, size_t len, const struct mconsole_peer *to);
/* Send one datagram to the notify socket at path (a fresh unbound socket each time). */
int mconsole_host_notify(const char *path, const void *buf, size_t len);

#endif
