/*
 * The host half of the packet NICs (pkt_host.c): the descriptors that carry Ethernet
 * frames for eth<N>=daemon (a datagram socket paired with a uml_switch port) and
 * eth<N>=tuntap / vec<N>:transport=tap (an existing host tap device). Shared header:
 * stdint types only. Functions return >= 0 or -errno.
 *
 * Every descriptor is non-blocking, close-on-exec and raises SIGIO (O_ASYNC, owned by
 * the kernel process), which os/signal.c turns into OS_IRQ_IO; the kernel then reads
 * the frames in pkt_poll. No descriptor ever reaches a guest.
 */
#ifndef PKT_HOST_H
#define PKT_HOST_H

#include <stddef.h>
#include <stdint.h>

/* What a failed open was doing (for the kernel's error message). */
enum pkt_host_stage {
	PKT_STAGE_SOCKET,   /* making a host socket */
	PKT_STAGE_BIND,     /* binding the data socket */
	PKT_STAGE_CONNECT,  /* connecting to the switch's control socket */
	PKT_STAGE_REQUEST,  /* sending the request to the switch */
	PKT_STAGE_REPLY,    /* reading the switch's answer */
	PKT_STAGE_TUN,      /* opening /dev/net/tun */
	PKT_STAGE_TUNSETIFF /* attaching to the tap device */
};

/*
 * Join a uml_switch: connect to its control socket ctl, ask for a port for a data
 * socket bound to dsock (NULL or "": an abstract name of our own), and connect the data
 * socket to the switch's. The data descriptor; *ctl_fd keeps the port open.
 */
int pkt_host_daemon_open(const char *ctl, const char *dsock, int *ctl_fd, int *stage);
/* Attach to the existing tap device ifname (IFF_TAP | IFF_NO_PI); its descriptor. */
int pkt_host_tap_open(const char *ifname, int *stage);
/* Send one frame: bytes sent, -EAGAIN when the host is full, or the error. */
long pkt_host_send(int fd, const void *frame, size_t len);
/* Receive one frame (cut to len): its length, -EAGAIN when none, or the error. */
long pkt_host_recv(int fd, void *buf, size_t len);
void pkt_host_close(int fd);

#endif
