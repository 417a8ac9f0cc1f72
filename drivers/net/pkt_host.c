/*
 * Host half of the packet NICs: the uml_switch client (eth<N>=daemon: the switch's
 * protocol version 3 over a control stream socket, then one Ethernet frame per datagram
 * between two AF_UNIX datagram sockets) and the tap client (eth<N>=tuntap, vec<N> tap:
 * /dev/net/tun attached to an existing tap device, no packet information header).
 * Nothing here decides anything: which frames go out is the kernel's business (pkt.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/pkt_host.h"

#define SWITCH_MAGIC 0xfeedface
#define SWITCH_VERSION 3
#define REQ_NEW_CONTROL 0

/* uml_switch's request, version 3 (uml-utilities' uml_switch/switch.h). */
struct switch_req {
	uint32_t magic;
	uint32_t version;
	uint32_t type;
	struct sockaddr_un sock;
};

/* Non-blocking and signal-driven (SIGIO to this process). */
static int arm(int fd)
{
	if (fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static int fail(int fd1, int fd2, int *stage, int st)
{
	int err = -errno;

	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	*stage = st;
	return err ? err : -EIO;
}

/* Bind the data socket: to path dsock, or to an abstract name made of pid and time. */
static int bind_data(int fd, const char *dsock)
{
	struct sockaddr_un sun;
	struct timeval tv;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (dsock && *dsock) {
		if (strlen(dsock) >= sizeof(sun.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		strcpy(sun.sun_path, dsock);
	} else {
		gettimeofday(&tv, NULL);
		snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "umlite-%d-%ld", getpid(),
			 (long)tv.tv_usec);
	}
	return bind(fd, (struct sockaddr *)&sun, sizeof(sun));
}

int pkt_host_daemon_open(const char *ctl, const char *dsock, int *ctl_fd, int *stage)
{
	struct switch_req req = { .magic = SWITCH_MAGIC, .version = SWITCH_VERSION,
				  .type = REQ_NEW_CONTROL };
	struct sockaddr_un sun = { .sun_family = AF_UNIX }, peer;
	socklen_t len = sizeof(req.sock);
	int c, d;
	ssize_t n;

	if (strlen(ctl) >= sizeof(sun.sun_path)) {
		*stage = PKT_STAGE_CONNECT;
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, ctl);
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	d = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c < 0 || d < 0)
		return fail(c, d, stage, PKT_STAGE_SOCKET);
	if (connect(c, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return fail(c, d, stage, PKT_STAGE_CONNECT);
	if (bind_data(d, dsock) < 0 || getsockname(d, (struct sockaddr *)&req.sock, &len) < 0)
		return fail(c, d, stage, PKT_STAGE_BIND);
	if (write(c, &req, sizeof(req)) != (ssize_t)sizeof(req))
		return fail(c, d, stage, PKT_STAGE_REQUEST);
	memset(&peer, 0, sizeof(peer));
	n = read(c, &peer, sizeof(peer));
	if (n != (ssize_t)sizeof(peer) || peer.sun_family != AF_UNIX) {
		if (n >= 0)
			errno = EPROTO;
		return fail(c, d, stage, PKT_STAGE_REPLY);
	}
	if (connect(d, (struct sockaddr *)&peer, sizeof(peer)) < 0)
		return fail(c, d, stage, PKT_STAGE_REPLY);
	if (arm(d) < 0 || fcntl(c, F_SETFL, O_NONBLOCK) < 0)
		return fail(c, d, stage, PKT_STAGE_SOCKET);
	*ctl_fd = c;
	return d;
}

int pkt_host_tap_open(const char *ifname, int *stage)
{
	struct ifreq ifr;
	int fd;

	if (strlen(ifname) >= IFNAMSIZ) {
		*stage = PKT_STAGE_TUNSETIFF;
		return -ENAMETOOLONG;
	}
	if (!if_nametoindex(ifname)) { /* TUNSETIFF would make a new one: attach only */
		*stage = PKT_STAGE_TUNSETIFF;
		return -ENODEV;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail(-1, -1, stage, PKT_STAGE_TUN);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return fail(fd, -1, stage, PKT_STAGE_TUNSETIFF);
	if (arm(fd) < 0)
		return fail(fd, -1, stage, PKT_STAGE_TUNSETIFF);
	return fd;
}

long pkt_host_send(int fd, const void *frame, size_t len)
{
	ssize_t n = write(fd, frame, len);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

long pkt_host_recv(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

void pkt_host_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
