/*
 * netdiff: a deterministic sequence of random socket calls on a few sockets (AF_INET,
 * AF_INET6, AF_UNIX; stream, datagram, seqpacket; loopback ports 41000-41002 and three
 * abstract names), printing every result. scripts/netdiff.sh runs it natively in a fresh
 * network namespace and inside um-lite and compares the two outputs line by line: the
 * first difference is a place where our sockets answer differently from the host's Linux.
 *
 *   netdiff SEED [STEPS]     DUMP=1 in the environment also prints bind/connect addresses
 *
 * Every socket is non-blocking and every receive uses MSG_DONTWAIT, so no call waits.
 * Not part of `make test`: answers differ between kernel versions in corner cases.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define NS 6

static int fds[NS], fam_of[NS];
static unsigned long long seed;
static int dump;

static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(seed >> 33) % n;
}

/* A random address of family fam: mostly loopback, sometimes the wildcard or port 0. */
static socklen_t mkaddr(int fam, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (fam == AF_INET) {
		struct sockaddr_in *s = (void *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(rnd(4) ? 41000 + rnd(3) : 0);
		s->sin_addr.s_addr = htonl(rnd(4) ? 0x7f000001 : rnd(2) ? 0 : 0x7f000002);
		return sizeof(*s);
	}
	if (fam == AF_INET6) {
		struct sockaddr_in6 *s = (void *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(rnd(4) ? 41000 + rnd(3) : 0);
		if (rnd(3)) {
			s->sin6_addr = in6addr_loopback;
		} else if (rnd(2)) {
			s->sin6_addr.s6_addr[10] = s->sin6_addr.s6_addr[11] = 0xff;
			s->sin6_addr.s6_addr[12] = 127;
			s->sin6_addr.s6_addr[15] = 1;
		}
		return sizeof(*s);
	}
	struct sockaddr_un *u = (void *)ss;

	u->sun_family = AF_UNIX;
	snprintf(u->sun_path + 1, 20, "dfz%u", rnd(3));
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(u->sun_path + 1);
}

static void result(const char *op, int i, long rv)
{
	printf("%s[%d] = %ld %s\n", op, i, rv, rv < 0 ? strerror(errno) : "");
}

static void print_addr(const struct sockaddr_storage *ss, socklen_t len)
{
	if (!dump)
		return;
	for (socklen_t k = 0; k < len; k++)
		printf("%02x", ((const unsigned char *)ss)[k]);
	printf("\n");
}

static void op_socket(int i)
{
	static const int fams[3] = { AF_INET, AF_INET6, AF_UNIX };
	static const int types[3] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	int f = fams[rnd(3)], t = types[rnd(3)];

	if (fds[i] >= 0)
		close(fds[i]);
	fds[i] = socket(f, t | SOCK_NONBLOCK, 0);
	fam_of[i] = f;
	printf("socket[%d](%d,%d) = %s\n", i, f, t, fds[i] < 0 ? strerror(errno) : "ok");
}

static void op_name(int i, int which)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	long rv;

	if (which == 'c') {
		sl = mkaddr(fam_of[i], &ss);
		result("connect", i, connect(fds[i], (void *)&ss, sl));
		print_addr(&ss, sl);
		return;
	}
	if (which == 'b') {
		sl = mkaddr(fam_of[i], &ss);
		result("bind", i, bind(fds[i], (void *)&ss, sl));
		print_addr(&ss, sl);
		return;
	}
	rv = which == 's' ? getsockname(fds[i], (void *)&ss, &sl) :
			    getpeername(fds[i], (void *)&ss, &sl);
	result(which == 's' ? "getsockname" : "getpeername", i, rv);
	if (rv || which != 's' || fam_of[i] == AF_UNIX)
		return;
	printf("  len %u port %s\n", sl, (ss.ss_family == AF_INET ?
		((struct sockaddr_in *)&ss)->sin_port :
		((struct sockaddr_in6 *)&ss)->sin6_port) ? "set" : "0");
}

static void op_accept(int i)
{
	long rv = accept4(fds[i], NULL, NULL, SOCK_NONBLOCK);
	int j;

	result("accept", i, rv < 0 ? rv : 0);
	if (rv < 0)
		return;
	j = (int)rnd(NS);
	if (fds[j] >= 0)
		close(fds[j]);
	fds[j] = (int)rv;
	fam_of[j] = fam_of[i];
	printf("  -> slot %d\n", j);
}

static void op_misc(int i, int op)
{
	char buf[256];
	int e, on = 1;
	socklen_t l = sizeof(e);
	struct pollfd p = { fds[i], POLLIN | POLLOUT | POLLPRI | POLLRDHUP, 0 };

	switch (op) {
	case 2:
		result("listen", i, listen(fds[i], (int)rnd(3)));
		break;
	case 5:
		result("send", i, send(fds[i], "hello world", 1 + rnd(11), MSG_DONTWAIT));
		break;
	case 6:
		result("recv", i, recv(fds[i], buf, 1 + rnd(20), MSG_DONTWAIT |
					(rnd(3) ? 0 : MSG_PEEK)));
		break;
	case 7:
		result("shutdown", i, shutdown(fds[i], (int)rnd(3)));
		break;
	case 8:
		close(fds[i]);
		fds[i] = -1;
		printf("close[%d]\n", i);
		break;
	case 11:
		e = getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &on, &l);
		printf("soerror[%d] = %d %d\n", i, e, on);
		break;
	case 12:
		e = poll(&p, 1, 0);
		printf("poll[%d] = %d %x\n", i, e, p.revents);
		break;
	case 13:
		result("setsockopt", i, setsockopt(fds[i], SOL_SOCKET,
						   rnd(2) ? SO_REUSEADDR : SO_REUSEPORT, &on,
						   sizeof(on)));
		break;
	}
}

int main(int argc, char **argv)
{
	int steps = argc > 2 ? atoi(argv[2]) : 300;

	seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
	dump = getenv("DUMP") != NULL;
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < NS; i++)
		fds[i] = -1;
	for (int st = 0; st < steps; st++) {
		int i = (int)rnd(NS), op = (int)rnd(14);

		if (fds[i] < 0 || op == 0)
			op_socket(i);
		else if (op == 1 || op == 3 || op == 9 || op == 10)
			op_name(i, op == 1 ? 'b' : op == 3 ? 'c' : op == 9 ? 's' : 'p');
		else if (op == 4)
			op_accept(i);
		else
			op_misc(i, op);
		fflush(stdout);
	}
	return 0;
}
