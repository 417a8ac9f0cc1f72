/*
 * Host half of eth0=slirp: the host sockets through which the kernel's socket-level NAT
 * (slirp.c) reaches the host's network as the user who started umlite. Every socket is
 * non-blocking, close-on-exec, raises SIGIO (O_ASYNC, owned by this process) and sits in
 * one epoll set whose level-triggered readiness slirp_host_poll reports with the kernel's
 * cookie. Nothing here decides anything: addresses, lengths and policy are the kernel's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/slirp_host.h"

static int epfd = -1;

int slirp_host_init(void)
{
	if (epfd >= 0)
		return 0;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	return epfd < 0 ? -errno : 0;
}

static void fill_sin(struct sockaddr_in *sin, uint32_t ip, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = ip;
	sin->sin_port = htons(port);
}

static unsigned to_epoll(unsigned ev)
{
	return ((ev & SLIRP_EV_IN) ? EPOLLIN : 0) | ((ev & SLIRP_EV_OUT) ? EPOLLOUT : 0);
}

/* Make fd signal-driven and add it to the set; fd is closed on failure. */
static int arm(int fd, uint64_t cookie, unsigned events)
{
	struct epoll_event e = { .events = to_epoll(events), .data.u64 = cookie };
	int err;

	if (fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC | O_NONBLOCK) < 0 ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int slirp_host_tcp_connect(uint32_t ip, uint16_t port, uint64_t cookie)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1, err;

	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fd = arm(fd, cookie, SLIRP_EV_OUT);
	if (fd < 0)
		return fd;
	fill_sin(&sin, ip, port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int slirp_host_connect_result(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	if (err)
		return -err;
	if (getpeername(fd, (struct sockaddr *)&sin, &slen) < 0)
		return errno == ENOTCONN ? -EINPROGRESS : -errno;
	return 0;
}

int slirp_host_tcp_listen(uint32_t ip, uint16_t port, uint64_t cookie)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1, err;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	fill_sin(&sin, ip, port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 64) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return arm(fd, cookie, SLIRP_EV_IN);
}

int slirp_host_accept(int lfd, uint64_t cookie, uint32_t *ip, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = accept4(lfd, (struct sockaddr *)&sin, &len, SOCK_CLOEXEC | SOCK_NONBLOCK), one = 1;

	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*ip = sin.sin_addr.s_addr;
	*port = ntohs(sin.sin_port);
	return arm(fd, cookie, SLIRP_EV_IN);
}

int slirp_host_udp(uint32_t ip, uint16_t port, uint64_t cookie)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), err;

	if (fd < 0)
		return -errno;
	fill_sin(&sin, ip, port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return arm(fd, cookie, SLIRP_EV_IN);
}

static long result(ssize_t n)
{
	if (n >= 0)
		return (long)n;
	return errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

long slirp_host_send(int fd, const void *buf, size_t len)
{
	return result(send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL));
}

long slirp_host_recv(int fd, void *buf, size_t len)
{
	return result(recv(fd, buf, len, MSG_DONTWAIT));
}

long slirp_host_sendto(int fd, const void *buf, size_t len, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sin;

	fill_sin(&sin, ip, port);
	return result(sendto(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&sin,
			     sizeof(sin)));
}

long slirp_host_recvfrom(int fd, void *buf, size_t len, uint32_t *ip, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	ssize_t n = recvfrom(fd, buf, len, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&sin, &slen);

	if (n < 0)
		return result(n);
	if (sin.sin_family != AF_INET)
		return -EAFNOSUPPORT;
	*ip = sin.sin_addr.s_addr;
	*port = ntohs(sin.sin_port);
	return (long)n;
}

int slirp_host_shutdown_wr(int fd)
{
	return shutdown(fd, SHUT_WR) < 0 ? -errno : 0;
}

int slirp_host_watch(int fd, uint64_t cookie, unsigned events)
{
	struct epoll_event e = { .events = to_epoll(events), .data.u64 = cookie };

	return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &e) < 0 ? -errno : 0;
}

void slirp_host_close(int fd, int reset)
{
	if (reset) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
}

int slirp_host_poll(uint64_t *cookies, unsigned *events, int max)
{
	struct epoll_event e[64];
	int n;

	if (epfd < 0)
		return 0;
	if (max > 64)
		max = 64;
	n = epoll_wait(epfd, e, max, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		cookies[i] = e[i].data.u64;
		events[i] = ((e[i].events & EPOLLIN) ? SLIRP_EV_IN : 0) |
			    ((e[i].events & EPOLLOUT) ? SLIRP_EV_OUT : 0) |
			    ((e[i].events & (EPOLLERR | EPOLLHUP)) ? SLIRP_EV_ERR : 0);
	}
	return n;
}

int slirp_host_resolver(uint32_t *ip)
{
	FILE *f = fopen("/etc/resolv.conf", "re");
	char line[256], addr[64];
	struct in_addr a;
	int err = -ENOENT;

	if (!f)
		return -ENOENT;
	while (err && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " nameserver %63s", addr) == 1 && inet_pton(AF_INET, addr, &a) == 1) {
			*ip = a.s_addr;
			err = 0;
		}
	}
	fclose(f);
	return err;
}
