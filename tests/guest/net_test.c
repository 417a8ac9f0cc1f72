/*
 * Guest test: sockets. AF_UNIX (stream, datagram, seqpacket; abstract and filesystem
 * names; SCM_RIGHTS and SCM_CREDENTIALS), TCP and UDP over 127.0.0.1 and ::1 between
 * processes, non-blocking connect and accept with poll, EADDRINUSE, ECONNREFUSED, SIGPIPE,
 * half-close, resets, MSG_PEEK and MSG_WAITALL, socket options, interface queries and a
 * raw ICMP echo. Runs natively (the oracle) and inside um-lite. Natively it uses only
 * loopback and ports it gets by binding port 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	sigpipes++;
}

/* A TCP or UDP socket bound to the loopback of family (port 0); its port in *port. */
static int bound_socket(int family, int type, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = socket(family, type, 0);

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
	}
	if (fd < 0 || bind(fd, (void *)&ss, family == AF_INET ? sizeof(struct sockaddr_in) :
			   sizeof(struct sockaddr_in6)) < 0)
		return -1;
	getsockname(fd, (void *)&ss, &len);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
			    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static socklen_t loop_addr(int family, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (void *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_addr = in6addr_loopback;
	return sizeof(*sin6);
}

static int tcp_connect_to(int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = loop_addr(family, port, &ss);
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (void *)&ss, len) < 0)
		return -1;
	return fd;
}

/* A connected TCP pair over the loopback of family: *c the client, *s the server side. */
static int tcp_pair(int family, int *c, int *s)
{
	int port, l = bound_socket(family, SOCK_STREAM, &port);

	if (l < 0 || listen(l, 4) < 0)
		return -1;
	*c = tcp_connect_to(family, port);
	*s = accept(l, NULL, NULL);
	close(l);
	return *c >= 0 && *s >= 0 ? 0 : -1;
}

static int unique_abstract(struct sockaddr_un *sun, const char *tag)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "umlite-%s-%d", tag, getpid());
	return (int)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sun->sun_path + 1));
}

/* ---- AF_UNIX */

TEST(unix_stream_pair_carries_bytes_and_half_close)
{
	int sv[2];
	char buf[16];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(5, write(sv[0], "hello", 5));
	ASSERT_EQ(6, write(sv[0], " world", 6));
	ASSERT_EQ(11, recv(sv[1], buf, 11, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "hello world", 11));
	ASSERT_EQ(0, shutdown(sv[0], SHUT_WR));
	EXPECT_EQ(0, read(sv[1], buf, sizeof(buf)));
	ASSERT_EQ(2, write(sv[1], "ok", 2));
	EXPECT_EQ(2, read(sv[0], buf, sizeof(buf)));
	close(sv[0]);
	close(sv[1]);
}

TEST(unix_dgram_and_seqpacket_keep_boundaries)
{
	int types[2] = { SOCK_DGRAM, SOCK_SEQPACKET };
	char buf[16];
	struct iovec iov = { buf, 2 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	for (int i = 0; i < 2; i++) {
		int sv[2];

		ASSERT_EQ(0, socketpair(AF_UNIX, types[i], 0, sv));
		ASSERT_EQ(3, send(sv[0], "abc", 3, 0));
		ASSERT_EQ(5, send(sv[0], "defgh", 5, 0));
		ASSERT_EQ(2, recvmsg(sv[1], &mh, 0));
		EXPECT_TRUE(mh.msg_flags & MSG_TRUNC);
		EXPECT_EQ(5, recv(sv[1], buf, sizeof(buf), MSG_PEEK));
		EXPECT_EQ(5, recv(sv[1], buf, sizeof(buf), 0));
		EXPECT_EQ(0, memcmp(buf, "defgh", 5));
		EXPECT_EQ(-1, recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
		EXPECT_EQ(EAGAIN, errno);
		close(sv[0]);
		close(sv[1]);
	}
}

TEST(unix_abstract_names_connect_and_name_both_ends)
{
	struct sockaddr_un sun, got;
	socklen_t len = unique_abstract(&sun, "abs"), glen = sizeof(got);
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0), a, d;

	ASSERT_EQ(0, bind(l, (void *)&sun, len));
	d = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(-1, bind(d, (void *)&sun, len));
	EXPECT_EQ(EADDRINUSE, errno);
	EXPECT_EQ(-1, connect(d, (void *)&sun, len));
	EXPECT_EQ(ECONNREFUSED, errno); /* bound but not listening */
	ASSERT_EQ(0, listen(l, 1));
	ASSERT_EQ(0, connect(c, (void *)&sun, len));
	a = accept(l, (void *)&got, &glen);
	ASSERT_LE(0, a);
	EXPECT_EQ(sizeof(sa_family_t), glen); /* the client is unbound */
	glen = sizeof(got);
	ASSERT_EQ(0, getpeername(c, (void *)&got, &glen));
	EXPECT_EQ(len, glen);
	EXPECT_EQ(0, memcmp(&got, &sun, len));
	glen = sizeof(got);
	ASSERT_EQ(0, getsockname(a, (void *)&got, &glen));
	EXPECT_EQ(len, glen);
	close(a);
	close(c);
	close(l);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(-1, connect(c, (void *)&sun, len));
	EXPECT_EQ(ECONNREFUSED, errno);
	close(c);
	close(d);
}

TEST(a_datagram_socket_talking_to_another_refuses_strangers)
{
	struct sockaddr_un a, b;
	socklen_t la = unique_abstract(&a, "dga"), lb = unique_abstract(&b, "dgb");
	int x = socket(AF_UNIX, SOCK_DGRAM, 0), y = socket(AF_UNIX, SOCK_DGRAM, 0);
	int z = socket(AF_UNIX, SOCK_DGRAM, 0), st = socket(AF_UNIX, SOCK_STREAM, 0);

	ASSERT_EQ(0, bind(x, (void *)&a, la));
	ASSERT_EQ(0, bind(y, (void *)&b, lb));
	ASSERT_EQ(0, connect(x, (void *)&b, lb)); /* x talks to y only */
	EXPECT_EQ(-1, connect(z, (void *)&a, la));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, sendto(z, "hi", 2, 0, (void *)&a, la));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(2, sendto(y, "hi", 2, 0, (void *)&a, la));
	EXPECT_EQ(0, bind(st, (void *)&a, la)); /* abstract names are per socket type */
}

TEST(unix_filesystem_names_are_socket_nodes)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int l = socket(AF_UNIX, SOCK_DGRAM, 0), c = socket(AF_UNIX, SOCK_DGRAM, 0), d;
	char buf[8];

	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/umlite-net-%d.sock", getpid());
	unlink(sun.sun_path);
	ASSERT_EQ(0, bind(l, (void *)&sun, sizeof(sun)));
	ASSERT_EQ(0, stat(sun.sun_path, &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT_EQ(-1, bind(d, (void *)&sun, sizeof(sun)));
	EXPECT_EQ(EADDRINUSE, errno);
	ASSERT_EQ(4, sendto(c, "ping", 4, 0, (void *)&sun, sizeof(sun)));
	EXPECT_EQ(4, recv(l, buf, sizeof(buf), 0));
	close(l);
	EXPECT_EQ(-1, sendto(c, "ping", 4, 0, (void *)&sun, sizeof(sun)));
	EXPECT_EQ(ECONNREFUSED, errno); /* the node stays, nobody is bound to it */
	EXPECT_EQ(0, unlink(sun.sun_path));
	EXPECT_EQ(-1, sendto(c, "ping", 4, 0, (void *)&sun, sizeof(sun)));
	EXPECT_EQ(ENOENT, errno);
	close(c);
	close(d);
}

TEST(scm_rights_passes_an_open_file)
{
	int sv[2], p[2], fd;
	char c = 'x', buf[8];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			     .msg_controllen = sizeof(u.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pipe(p));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &p[0], sizeof(int));
	ASSERT_EQ(1, sendmsg(sv[0], &mh, 0));
	close(p[0]);
	memset(&u, 0, sizeof(u));
	mh.msg_controllen = sizeof(u.b);
	ASSERT_EQ(1, recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC));
	cm = CMSG_FIRSTHDR(&mh);
	ASSERT_NE(NULL, cm);
	ASSERT_EQ(SCM_RIGHTS, cm->cmsg_type);
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	ASSERT_EQ(3, write(p[1], "via", 3));
	EXPECT_EQ(3, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "via", 3));
}

/* Send fd over sock with SCM_RIGHTS (one byte of data); sendmsg's result. */
static ssize_t send_fd(int sock, int fd)
{
	char c = 'f';
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			     .msg_controllen = sizeof(u.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	memset(&u, 0, sizeof(u));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0);
}

TEST(rights_that_do_not_fit_are_closed_with_msg_ctrunc)
{
	int sv[2], p[2], fds[3], got[4] = { -1, -1, -1, -1 };
	char c = 'r';
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(3 * sizeof(int))];
	} u;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			     .msg_controllen = CMSG_SPACE(3 * sizeof(int)) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	ASSERT_EQ(0, pipe(p));
	fds[0] = fds[1] = fds[2] = p[1];
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	ASSERT_EQ(1, sendmsg(sv[0], &mh, 0));
	close(p[1]);
	memset(&u, 0, sizeof(u));
	mh.msg_controllen = CMSG_SPACE(sizeof(int)); /* 24 bytes: room for two descriptors */
	ASSERT_EQ(1, recvmsg(sv[1], &mh, 0));
	EXPECT_TRUE(mh.msg_flags & MSG_CTRUNC);
	cm = CMSG_FIRSTHDR(&mh);
	ASSERT_NE(NULL, cm);
	EXPECT_EQ(CMSG_LEN(2 * sizeof(int)), cm->cmsg_len);
	memcpy(got, CMSG_DATA(cm), 2 * sizeof(int));
	close(got[0]);
	close(got[1]);
	EXPECT_EQ(0, read(p[0], &c, 1)); /* every write end is closed: the third one too */
}

/* Is a socket with inode ino listed in /proc/net/unix? */
static int unix_listed(unsigned long ino)
{
	FILE *f = fopen("/proc/net/unix", "r");
	char line[512];
	unsigned long i;
	int found = 0;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu", &i) == 1 && i == ino)
			found = 1;
	}
	if (f)
		fclose(f);
	return found;
}

TEST(sockets_sent_over_themselves_are_collected_when_closed)
{
	int sv[2], tv[2], i;
	struct stat st;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, fstat(sv[0], &st));
	ASSERT_EQ(1, send_fd(sv[0], sv[0])); /* sv[0] waits in sv[1]'s queue */
	ASSERT_EQ(1, send_fd(sv[1], sv[1])); /* and sv[1] in sv[0]'s */
	close(sv[0]);
	close(sv[1]);
	EXPECT_TRUE(unix_listed(st.st_ino));
	for (i = 0; i < 200 && unix_listed(st.st_ino); i++) {
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, tv)); /* a release runs the GC */
		close(tv[0]);
		close(tv[1]);
		usleep(10000);
	}
	EXPECT_FALSE(unix_listed(st.st_ino));
}

TEST(a_deep_chain_of_sockets_in_flight_is_released)
{
	int prev[2] = { -1, -1 }, sv[2], depth;

	for (depth = 0; depth < 400; depth++) {
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
		if (prev[0] >= 0) {
			if (send_fd(sv[0], prev[0]) < 0 || send_fd(sv[0], prev[1]) < 0) {
				ASSERT_EQ(ETOOMANYREFS, errno); /* Linux caps rights in flight */
				close(sv[0]);
				close(sv[1]);
				break;
			}
			close(prev[0]);
			close(prev[1]);
		}
		prev[0] = sv[0];
		prev[1] = sv[1];
	}
	close(prev[0]);
	close(prev[1]);
	EXPECT_LT(100, depth);
}

TEST(scm_credentials_and_so_peercred_name_the_sender)
{
	int sv[2], on = 1;
	char c = 'x';
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct ucred))];
	} u;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			     .msg_controllen = sizeof(u.b) };
	struct ucred cr;
	socklen_t len = sizeof(cr);

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	ASSERT_EQ(0, getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len));
	EXPECT_EQ(getpid(), cr.pid);
	EXPECT_EQ(geteuid(), cr.uid);
	ASSERT_EQ(0, setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
	ASSERT_EQ(1, send(sv[0], "x", 1, 0));
	ASSERT_EQ(1, recvmsg(sv[1], &mh, 0));
	ASSERT_NE(NULL, CMSG_FIRSTHDR(&mh));
	ASSERT_EQ(SCM_CREDENTIALS, CMSG_FIRSTHDR(&mh)->cmsg_type);
	memcpy(&cr, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(cr));
	EXPECT_EQ(getpid(), cr.pid);
	EXPECT_EQ(getuid(), cr.uid);
	EXPECT_EQ(getgid(), cr.gid);
}

TEST(a_closed_peer_gives_epipe_and_sigpipe)
{
	int sv[2];

	signal(SIGPIPE, on_sigpipe);
	sigpipes = 0;
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	close(sv[1]);
	EXPECT_EQ(-1, write(sv[0], "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, sigpipes);
	EXPECT_EQ(-1, send(sv[0], "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, sigpipes);
}

TEST(sockets_are_files_named_socket_inode)
{
	int sv[2];
	struct stat st;
	char path[64], link[64], want[64];
	ssize_t n;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, fstat(sv[0], &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", sv[0]);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT_LT(0, n);
	link[n] = '\0';
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
	EXPECT_STREQ(want, link);
	EXPECT_EQ(-1, lseek(sv[0], 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
}

/* ---- TCP */

/* A child connects to port over family, sends msg and exits; returns its pid. */
static pid_t tcp_client_child(int family, int port, const char *msg)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = tcp_connect_to(family, port);

		if (fd < 0 || write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg))
			_exit(1);
		shutdown(fd, SHUT_WR);
		char b;
		_exit(read(fd, &b, 1) == 1 && b == 'k' ? 0 : 2);
	}
	return pid;
}

static void tcp_between_processes(struct __test_metadata *_metadata, int family)
{
	int port, l = bound_socket(family, SOCK_STREAM, &port), a, status;
	struct sockaddr_storage peer, local;
	socklen_t plen = sizeof(peer), llen = sizeof(local);
	char buf[64];
	ssize_t n, total = 0;
	pid_t pid;

	ASSERT_LE(0, l);
	ASSERT_EQ(0, listen(l, 1));
	pid = tcp_client_child(family, port, "across processes");
	a = accept(l, (void *)&peer, &plen);
	ASSERT_LE(0, a);
	EXPECT_EQ(family, peer.ss_family);
	ASSERT_EQ(0, getsockname(a, (void *)&local, &llen));
	EXPECT_EQ(port, ntohs(family == AF_INET ? ((struct sockaddr_in *)&local)->sin_port :
			      ((struct sockaddr_in6 *)&local)->sin6_port));
	while ((n = read(a, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	buf[total] = '\0';
	EXPECT_STREQ("across processes", buf);
	ASSERT_EQ(1, write(a, "k", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(a);
	close(l);
}

TEST(tcp_over_127_0_0_1_between_processes)
{
	tcp_between_processes(_metadata, AF_INET);
}

TEST(tcp_over_ipv6_loopback_between_processes)
{
	tcp_between_processes(_metadata, AF_INET6);
}

TEST(a_dual_stack_listener_accepts_ipv4_as_mapped_addresses)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6 }, peer;
	socklen_t len = sizeof(any), plen = sizeof(peer);
	int l = socket(AF_INET6, SOCK_STREAM, 0), c, a, off = 0;
	char text[64];

	ASSERT_EQ(0, setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)));
	ASSERT_EQ(0, bind(l, (void *)&any, sizeof(any)));
	ASSERT_EQ(0, getsockname(l, (void *)&any, &len));
	ASSERT_EQ(0, listen(l, 1));
	c = tcp_connect_to(AF_INET, ntohs(any.sin6_port));
	ASSERT_LE(0, c);
	a = accept(l, (void *)&peer, &plen);
	ASSERT_LE(0, a);
	inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof(text));
	EXPECT_STREQ("::ffff:127.0.0.1", text);
}

TEST(bind_conflicts_give_eaddrinuse)
{
	int port, a = bound_socket(AF_INET, SOCK_STREAM, &port), on = 1;
	struct sockaddr_storage ss;
	socklen_t len = loop_addr(AF_INET, port, &ss);
	int b = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_LE(0, a);
	EXPECT_EQ(-1, bind(b, (void *)&ss, len));
	EXPECT_EQ(EADDRINUSE, errno);
	ASSERT_EQ(0, listen(a, 1));
	ASSERT_EQ(0, setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)));
	EXPECT_EQ(-1, bind(c, (void *)&ss, len)); /* SO_REUSEADDR does not beat a listener */
	EXPECT_EQ(EADDRINUSE, errno);
	close(a);
	EXPECT_EQ(0, bind(c, (void *)&ss, len));
}

TEST(connecting_to_a_closed_port_is_refused)
{
	int port, x = bound_socket(AF_INET, SOCK_STREAM, &port), c, err;
	struct sockaddr_storage ss;
	socklen_t len = loop_addr(AF_INET, port, &ss), elen = sizeof(err);
	struct pollfd pfd;

	close(x);
	c = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT_EQ(-1, connect(c, (void *)&ss, len));
	EXPECT_EQ(ECONNREFUSED, errno);
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	EXPECT_EQ(-1, connect(c, (void *)&ss, len));
	EXPECT_EQ(EINPROGRESS, errno);
	pfd = (struct pollfd){ c, POLLOUT, 0 };
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_TRUE(pfd.revents & POLLERR);
	ASSERT_EQ(0, getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen));
	EXPECT_EQ(ECONNREFUSED, err);
	close(c);
}

TEST(non_blocking_connect_and_accept_with_poll)
{
	int port, l = bound_socket(AF_INET, SOCK_STREAM, &port), c, a, err = -1, r;
	struct sockaddr_storage ss;
	socklen_t len = loop_addr(AF_INET, port, &ss), elen = sizeof(err);
	struct pollfd pfd;

	ASSERT_EQ(0, listen(l, 4));
	ASSERT_EQ(0, fcntl(l, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, accept(l, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	pfd = (struct pollfd){ l, POLLIN, 0 };
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(c, (void *)&ss, len);
	EXPECT_TRUE(r == 0 || errno == EINPROGRESS);
	pfd = (struct pollfd){ c, POLLOUT, 0 };
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_EQ(POLLOUT, pfd.revents);
	ASSERT_EQ(0, getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen));
	EXPECT_EQ(0, err);
	pfd = (struct pollfd){ l, POLLIN, 0 };
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	a = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	ASSERT_LE(0, a);
	EXPECT_EQ(-1, recv(a, &err, 1, 0));
	EXPECT_EQ(EAGAIN, errno);
	pfd = (struct pollfd){ a, POLLIN, 0 };
	ASSERT_EQ(1, send(c, "z", 1, 0));
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_EQ(1, recv(a, &err, 1, 0));
}

TEST(half_close_peek_and_waitall)
{
	int c, s;
	char buf[16];

	ASSERT_EQ(0, tcp_pair(AF_INET, &c, &s));
	ASSERT_EQ(5, send(c, "hello", 5, 0));
	EXPECT_EQ(5, recv(s, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	EXPECT_EQ(5, recv(s, buf, sizeof(buf), MSG_WAITALL)); /* stops at end of file */
	EXPECT_EQ(0, recv(s, buf, sizeof(buf), 0));
	ASSERT_EQ(4, send(s, "back", 4, 0));
	EXPECT_EQ(4, recv(c, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, send(c, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
}

TEST(urgent_data_is_out_of_band)
{
	int c, s, mark = -1;
	char buf[16];
	struct pollfd pfd;

	ASSERT_EQ(0, tcp_pair(AF_INET, &c, &s));
	ASSERT_EQ(2, send(c, "ab", 2, 0));
	ASSERT_EQ(2, send(c, "XU", 2, MSG_OOB)); /* U is urgent, X ordinary data */
	ASSERT_EQ(2, send(c, "de", 2, 0));
	usleep(10000);
	pfd = (struct pollfd){ s, POLLPRI, 0 };
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(POLLPRI, pfd.revents);
	EXPECT_EQ(3, recv(s, buf, sizeof(buf), 0)); /* "abX": a read stops at the mark */
	EXPECT_EQ(0, memcmp(buf, "abX", 3));
	ASSERT_EQ(0, ioctl(s, SIOCATMARK, &mark));
	EXPECT_EQ(1, mark);
	EXPECT_EQ(1, recv(s, buf, sizeof(buf), MSG_OOB));
	EXPECT_EQ('U', buf[0]);
	EXPECT_EQ(-1, recv(s, buf, sizeof(buf), MSG_OOB));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(2, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "de", 2));
	ASSERT_EQ(0, ioctl(s, SIOCATMARK, &mark));
	EXPECT_EQ(0, mark);
}

TEST(closing_with_unread_data_resets_the_connection)
{
	int c, s, i;
	char buf[8];
	ssize_t r = 0;

	ASSERT_EQ(0, tcp_pair(AF_INET, &c, &s));
	ASSERT_EQ(4, send(c, "lost", 4, 0));
	usleep(10000);
	close(s);
	for (i = 0; i < 100; i++) {
		r = recv(c, buf, sizeof(buf), MSG_DONTWAIT);
		if (r >= 0 || errno != EAGAIN)
			break;
		usleep(1000);
	}
	EXPECT_EQ(-1, r);
	EXPECT_EQ(ECONNRESET, errno);
}

TEST(writing_to_a_closed_tcp_peer_ends_in_epipe)
{
	int c, s, i;
	ssize_t r = 0;

	signal(SIGPIPE, on_sigpipe);
	sigpipes = 0;
	ASSERT_EQ(0, tcp_pair(AF_INET, &c, &s));
	close(s);
	for (i = 0; i < 100; i++) {
		r = send(c, "x", 1, 0);
		if (r < 0)
			break;
		usleep(1000);
	}
	EXPECT_EQ(-1, r);
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, sigpipes);
	EXPECT_EQ(0, recv(c, &r, 1, 0));
}

/* The byte at offset i of the test stream. */
static unsigned char pattern(long i)
{
	return (unsigned char)(i * 7 + (i >> 11));
}

TEST(a_large_tcp_stream_arrives_whole_and_in_order)
{
	const long total = 4L << 20;
	int c, s, status;
	static unsigned char buf[70000];
	long got = 0, bad = -1;
	pid_t pid;

	ASSERT_EQ(0, tcp_pair(AF_INET6, &c, &s));
	pid = fork();
	if (pid == 0) {
		long sent = 0;

		close(s);
		srand(5);
		while (sent < total) {
			long n = 1 + rand() % (int)sizeof(buf), w;

			n = n > total - sent ? total - sent : n;
			for (long i = 0; i < n; i++)
				buf[i] = pattern(sent + i);
			w = write(c, buf, n);
			if (w <= 0)
				_exit(1);
			sent += w;
		}
		_exit(0);
	}
	close(c);
	srand(9);
	for (;;) {
		ssize_t r = read(s, buf, 1 + rand() % (int)sizeof(buf));

		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r && bad < 0; i++) {
			if (buf[i] != pattern(got + i))
				bad = got + i;
		}
		got += r;
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(total, got);
	EXPECT_EQ(-1, bad);
}

TEST(many_connections_at_once)
{
	enum { N = 150 };
	int port, l = bound_socket(AF_INET, SOCK_STREAM, &port), c[N], a[N], i;
	char b;

	ASSERT_EQ(0, listen(l, N));
	for (i = 0; i < N; i++) {
		c[i] = tcp_connect_to(AF_INET, port);
		ASSERT_LE(0, c[i]);
	}
	for (i = 0; i < N; i++) {
		a[i] = accept(l, NULL, NULL);
		ASSERT_LE(0, a[i]);
		b = (char)i;
		ASSERT_EQ(1, write(c[i], &b, 1));
	}
	for (i = 0; i < N; i++) {
		ASSERT_EQ(1, read(a[i], &b, 1));
		EXPECT_EQ((char)i, b);
		close(a[i]);
		EXPECT_EQ(0, read(c[i], &b, 1));
		close(c[i]);
	}
}

TEST(tcp_socket_options)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), v = 0, on = 1;
	socklen_t len = sizeof(v);
	struct linger lg = { 1, 5 };

	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
	EXPECT_EQ(SOCK_STREAM, v);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ 10000 }, sizeof(int)));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len));
	EXPECT_EQ(20000, v);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)));
	ASSERT_EQ(0, getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len));
	EXPECT_EQ(1, v);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	len = sizeof(lg);
	memset(&lg, 0, sizeof(lg));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len));
	EXPECT_EQ(1, lg.l_onoff);
	EXPECT_EQ(5, lg.l_linger);
	len = sizeof(v);
	ASSERT_EQ(0, listen(fd, 1));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	EXPECT_EQ(1, v);
	EXPECT_EQ(-1, setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, 2));
	EXPECT_EQ(EINVAL, errno);
}

/* ---- UDP */

static void udp_roundtrip(struct __test_metadata *_metadata, int family)
{
	int pa, pb, a = bound_socket(family, SOCK_DGRAM, &pa), b = bound_socket(family, SOCK_DGRAM,
										   &pb);
	struct sockaddr_storage to, from;
	socklen_t tlen = loop_addr(family, pb, &to), flen = sizeof(from);
	char buf[16];

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(3, sendto(a, "one", 3, 0, (void *)&to, tlen));
	ASSERT_EQ(5, sendto(a, "three", 5, 0, (void *)&to, tlen));
	EXPECT_EQ(3, recvfrom(b, buf, sizeof(buf), MSG_PEEK, (void *)&from, &flen));
	EXPECT_EQ(3, recvfrom(b, buf, sizeof(buf), 0, (void *)&from, &flen));
	EXPECT_EQ(tlen, flen);
	EXPECT_EQ(pa, ntohs(family == AF_INET ? ((struct sockaddr_in *)&from)->sin_port :
			    ((struct sockaddr_in6 *)&from)->sin6_port));
	EXPECT_EQ(5, recv(b, buf, sizeof(buf), 0));
	ASSERT_EQ(0, connect(b, (void *)&from, flen));
	ASSERT_EQ(4, send(b, "back", 4, 0));
	EXPECT_EQ(4, recv(a, buf, sizeof(buf), 0));
	close(a);
	close(b);
}

TEST(udp_over_127_0_0_1)
{
	udp_roundtrip(_metadata, AF_INET);
}

TEST(udp_over_ipv6_loopback)
{
	udp_roundtrip(_metadata, AF_INET6);
}

TEST(udp_send_binds_a_port_even_when_it_fails)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	EXPECT_EQ(-1, send(u, "x", 1, 0));
	EXPECT_EQ(EDESTADDRREQ, errno);
	ASSERT_EQ(0, getsockname(u, (void *)&sin, &len));
	EXPECT_NE(0, sin.sin_port);
	sin.sin_port = 0;
	EXPECT_EQ(-1, bind(u, (void *)&sin, sizeof(sin)));
	EXPECT_EQ(EINVAL, errno);
}

TEST(connected_udp_learns_the_port_is_closed)
{
	int port, x = bound_socket(AF_INET, SOCK_DGRAM, &port), u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_storage ss;
	socklen_t len = loop_addr(AF_INET, port, &ss);
	char buf[4];

	close(x);
	ASSERT_EQ(0, connect(u, (void *)&ss, len));
	ASSERT_EQ(1, send(u, "x", 1, 0));
	usleep(10000);
	EXPECT_EQ(-1, recv(u, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ECONNREFUSED, errno);
}

/* ---- interfaces and ICMP */

TEST(lo_is_up_with_127_0_0_1)
{
	struct ifreq ifr;
	struct ifaddrs *ifa, *i;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), found = 0;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ASSERT_EQ(0, ioctl(fd, SIOCGIFFLAGS, &ifr));
	EXPECT_TRUE(ifr.ifr_flags & IFF_UP);
	EXPECT_TRUE(ifr.ifr_flags & IFF_LOOPBACK);
	ASSERT_EQ(0, ioctl(fd, SIOCGIFADDR, &ifr));
	EXPECT_EQ(htonl(INADDR_LOOPBACK), ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr);
	EXPECT_LT(0, (int)if_nametoindex("lo"));
	strcpy(ifr.ifr_name, "nosuchif0");
	EXPECT_EQ(-1, ioctl(fd, SIOCGIFFLAGS, &ifr));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, getifaddrs(&ifa));
	for (i = ifa; i; i = i->ifa_next) {
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && !strcmp(i->ifa_name, "lo"))
			found = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr ==
				htonl(INADDR_LOOPBACK);
	}
	freeifaddrs(ifa);
	EXPECT_TRUE(found);
}

TEST(raw_icmp_echo_to_127_0_0_1_is_answered)
{
	struct sockaddr_in to = { .sin_family = AF_INET }, from;
	socklen_t flen = sizeof(from);
	unsigned char pkt[64], buf[256];
	struct icmphdr *h = (void *)pkt;
	unsigned sum = 0;
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), i;

	if (fd < 0)
		SKIP(return, "raw sockets need root");
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(pkt, 0, sizeof(pkt));
	h->type = ICMP_ECHO;
	h->un.echo.id = htons(getpid() & 0xffff);
	h->un.echo.sequence = htons(7);
	for (i = 0; i < (int)sizeof(pkt); i += 2)
		sum += (unsigned)(pkt[i] | pkt[i + 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h->checksum = (unsigned short)~sum;
	ASSERT_EQ(64, sendto(fd, pkt, sizeof(pkt), 0, (void *)&to, sizeof(to)));
	for (i = 0; i < 4; i++) {
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (void *)&from, &flen);
		struct icmphdr *r = (void *)(buf + (buf[0] & 0xf) * 4);

		ASSERT_LT(20, n);
		if (r->type == ICMP_ECHOREPLY && r->un.echo.id == h->un.echo.id)
			break;
	}
	EXPECT_LT(i, 4);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), from.sin_addr.s_addr);
}

TEST(icmp_echo_sockets_get_their_replies)
{
	struct sockaddr_in to = { .sin_family = AF_INET }, from;
	socklen_t flen = sizeof(from);
	struct icmphdr h = { .type = ICMP_ECHO }, r;
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);

	if (fd < 0 && (errno == EACCES || errno == EPERM))
		SKIP(return, "net.ipv4.ping_group_range excludes us");
	ASSERT_LE(0, fd);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	h.un.echo.sequence = htons(3);
	ASSERT_EQ(sizeof(h), sendto(fd, &h, sizeof(h), 0, (void *)&to, sizeof(to)));
	ASSERT_EQ(sizeof(r), recvfrom(fd, &r, sizeof(r), 0, (void *)&from, &flen));
	EXPECT_EQ(ICMP_ECHOREPLY, r.type);
	EXPECT_EQ(htons(3), r.un.echo.sequence);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), from.sin_addr.s_addr);
}

TEST(bad_arguments_get_errors)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), sv[2], len = -1;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char junk[64], buf[8];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1025 };
	union {
		struct cmsghdr h;
		char b[64];
	} u;

	EXPECT_EQ(-1, socket(AF_INET, 99, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, socket(12345, SOCK_STREAM, 0));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	EXPECT_EQ(-1, bind(fd, (void *)16, sizeof(sin)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, bind(fd, (void *)&sin, 1000));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, connect(fd, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, accept(fd, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, getsockopt(fd, SOL_SOCKET, SO_TYPE, junk, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, getsockopt(fd, SOL_SOCKET, SO_TYPE, junk, (socklen_t *)&len));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, listen(open("/", O_RDONLY), 1));
	EXPECT_EQ(ENOTSOCK, errno);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	EXPECT_EQ(-1, send(sv[0], (void *)16, 4, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, recvmsg(sv[1], (void *)16, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, sendmsg(sv[0], &mh, 0));
	EXPECT_EQ(EMSGSIZE, errno);
	mh.msg_iovlen = 1;
	mh.msg_control = u.b;
	mh.msg_controllen = sizeof(u.b);
	u.h.cmsg_len = 4096;
	u.h.cmsg_level = SOL_SOCKET;
	u.h.cmsg_type = SCM_RIGHTS;
	EXPECT_EQ(-1, sendmsg(sv[0], &mh, 0));
	EXPECT_EQ(EINVAL, errno);
	u.h.cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(&u.h), &(int){ 999 }, sizeof(int));
	mh.msg_controllen = CMSG_SPACE(sizeof(int));
	EXPECT_EQ(-1, sendmsg(sv[0], &mh, 0));
	EXPECT_EQ(EBADF, errno);
}

/* Random netlink traffic: queries with garbage payloads and non-requests of any type. */
TEST(netlink_garbage_is_survived)
{
	static const unsigned short gets[] = { 18 /* RTM_GETLINK */, 22 /* RTM_GETADDR */,
					       26 /* RTM_GETROUTE */ };
	int fd = socket(AF_NETLINK, SOCK_RAW, 0);
	unsigned char junk[256];

	ASSERT_LE(0, fd);
	srand(1);
	for (int i = 0; i < 64; i++) {
		struct nlmsghdr *h = (void *)junk;

		for (size_t j = 0; j < sizeof(junk); j++)
			junk[j] = (unsigned char)(rand() >> 7);
		h->nlmsg_len = 16 + (unsigned)rand() % 300;
		if (i % 2) {
			h->nlmsg_type = gets[i % 3];
			h->nlmsg_flags = NLM_F_REQUEST | (i % 4 == 1 ? NLM_F_DUMP : 0);
		} else {
			h->nlmsg_flags &= ~NLM_F_REQUEST; /* never ask the host kernel to change things */
		}
		EXPECT_EQ((ssize_t)sizeof(junk), send(fd, junk, sizeof(junk), 0));
	}
	while (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	EXPECT_EQ(EAGAIN, errno);
}

TEST_HARNESS_MAIN
