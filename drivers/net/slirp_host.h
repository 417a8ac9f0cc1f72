/*
 * The host half of eth0=slirp (slirp_host.c): non-blocking host TCP and UDP sockets made
 * for the kernel's socket-level NAT (slirp.c), their readiness through one host epoll
 * set, and the host's resolver. Shared header: stdint types only. Addresses are IPv4 in
 * network byte order, ports in host order. Functions return >= 0 or -errno.
 *
 * Every socket made here raises SIGIO (O_ASYNC, owned by the kernel process) when its
 * state changes, which os/signal.c turns into OS_IRQ_IO; the kernel then asks
 * slirp_host_poll which ones are ready. No descriptor ever reaches a guest.
 */
#ifndef SLIRP_HOST_H
#define SLIRP_HOST_H

#include <stddef.h>
#include <stdint.h>

#define SLIRP_EV_IN 0x1   /* readable (data, a connection to accept, end of file) */
#define SLIRP_EV_OUT 0x2  /* writable, or a connect finished */
#define SLIRP_EV_ERR 0x4  /* error or hang-up */

/* Make the epoll set; 0 or -errno. */
int slirp_host_init(void);
/* Start a TCP connection to ip:port; the descriptor (the connect goes on in the host). */
int slirp_host_tcp_connect(uint32_t ip, uint16_t port, uint64_t cookie);
/* The outcome of a connection started above: 0, -EINPROGRESS, or the error. */
int slirp_host_connect_result(int fd);
/* A TCP listener on ip:port (hostfwd); the descriptor. */
int slirp_host_tcp_listen(uint32_t ip, uint16_t port, uint64_t cookie);
/* Accept a connection on a listener: its descriptor, peer in *ip, *port; -EAGAIN: none. */
int slirp_host_accept(int lfd, uint64_t cookie, uint32_t *ip, uint16_t *port);
/* A UDP socket bound to ip:port (0, 0: any address, a port the host picks). */
int slirp_host_udp(uint32_t ip, uint16_t port, uint64_t cookie);
/* Send on a TCP socket without blocking: bytes sent, -EAGAIN, or the error. */
long slirp_host_send(int fd, const void *buf, size_t len);
/* Receive without blocking: bytes (0: end of file), -EAGAIN, or the error. */
long slirp_host_recv(int fd, void *buf, size_t len);
/* One UDP datagram to ip:port: bytes sent or -errno. */
long slirp_host_sendto(int fd, const void *buf, size_t len, uint32_t ip, uint16_t port);
/* One UDP datagram (cut to len) and its source; its length, -EAGAIN, or the error. */
long slirp_host_recvfrom(int fd, void *buf, size_t len, uint32_t *ip, uint16_t *port);
/* Half-close a TCP connection (our FIN). */
int slirp_host_shutdown_wr(int fd);
/* Which events to be told about (SLIRP_EV_IN | SLIRP_EV_OUT; errors always). */
int slirp_host_watch(int fd, uint64_t cookie, unsigned events);
/* Close; reset: abort a TCP connection (RST) instead of an orderly close. */
void slirp_host_close(int fd, int reset);
/* Up to max ready sockets without waiting: their cookies and SLIRP_EV_* events; count. */
int slirp_host_poll(uint64_t *cookies, unsigned *events, int max);
/* The first IPv4 nameserver of the host's /etc/resolv.conf; 0 or -ENOENT. */
int slirp_host_resolver(uint32_t *ip);

#endif
