/*
 * A network tool for tests/bats/slirp.bats (not a test by itself: busybox has no UDP nc
 * and no non-blocking connect).
 *   nat_tool server PORT N      answer N UDP datagrams with "echo:" + the datagram
 *   nat_tool client IP PORT MSG send MSG over UDP, print the reply and its source (3 s)
 *   nat_tool connect IP PORT    non-blocking TCP connect: poll, SO_ERROR, the addresses
 *   nat_tool refused IP PORT    connected UDP socket: send, then what recv says (3 s)
 *   nat_tool ping IP            one echo request from an ICMP datagram ("ping") socket
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int server(int port, int n)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[2048], out[2100];

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("nat_tool: bind");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	while (n-- > 0) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t r = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &len);

		if (r < 0) {
			perror("nat_tool: recvfrom");
			return 1;
		}
		buf[r] = '\0';
		printf("from %s: %s\n", inet_ntoa(from.sin_addr), buf);
		fflush(stdout);
		snprintf(out, sizeof(out), "echo:%s", buf);
		sendto(fd, out, strlen(out), 0, (struct sockaddr *)&from, len);
	}
	return 0;
}

static int client(const char *ip, int port, const char *msg)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) }, from;
	struct timeval tv = { .tv_sec = 3 };
	socklen_t len = sizeof(from);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[2048];
	ssize_t r;

	if (fd < 0 || inet_pton(AF_INET, ip, &to.sin_addr) != 1)
		return 2;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("nat_tool: sendto");
		return 1;
	}
	r = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &len);
	if (r < 0) {
		perror("nat_tool: recvfrom");
		return 1;
	}
	buf[r] = '\0';
	printf("%s from %s:%d\n", buf, inet_ntoa(from.sin_addr), ntohs(from.sin_port));
	return 0;
}

static int refused(const char *ip, int port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 3 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[64];

	if (fd < 0 || inet_pton(AF_INET, ip, &to.sin_addr) != 1)
		return 2;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 || send(fd, "x", 1, 0) < 0) {
		perror("nat_tool: connect/send");
		return 1;
	}
	if (recv(fd, buf, sizeof(buf), 0) < 0)
		printf("recv: %s\n", strerror(errno));
	else
		printf("recv: data\n");
	return 0;
}

static int ping_dgram(const char *ip)
{
	struct sockaddr_in to = { .sin_family = AF_INET }, from;
	struct timeval tv = { .tv_sec = 3 };
	unsigned char req[16] = { 8, 0, 0, 0, 0, 0, 0, 7, 'u', 'm', 'l', 'i', 't', 'e' }, buf[64];
	socklen_t len = sizeof(from);
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	ssize_t r;

	if (fd < 0 || inet_pton(AF_INET, ip, &to.sin_addr) != 1) {
		perror("nat_tool: socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("nat_tool: sendto");
		return 1;
	}
	r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	if (r < 0) {
		perror("nat_tool: recvfrom");
		return 1;
	}
	printf("echo reply type %d seq %d from %s, %s\n", buf[0], buf[7], inet_ntoa(from.sin_addr),
	       r == (ssize_t)sizeof(req) && !memcmp(buf + 8, req + 8, 8) ? "same data" : "bad data");
	return 0;
}

static int nb_connect(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) }, me, peer;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0, r;
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(err);

	if (fd < 0 || inet_pton(AF_INET, ip, &a.sin_addr) != 1)
		return 2;
	r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	printf("connect: %s\n", r ? strerror(errno) : "done");
	r = poll(&p, 1, 3000);
	printf("poll: %d%s%s\n", r, (p.revents & POLLOUT) ? " POLLOUT" : "",
	       (p.revents & POLLERR) ? " POLLERR" : "");
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	printf("SO_ERROR: %s\n", err ? strerror(err) : "0");
	if (err)
		return 0;
	len = sizeof(me);
	getsockname(fd, (struct sockaddr *)&me, &len);
	printf("local: %s\n", inet_ntoa(me.sin_addr));
	len = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0)
		printf("peer: %s:%d\n", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "connect"))
		return nb_connect(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "ping"))
		return ping_dgram(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "refused"))
		return refused(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]), atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: nat_tool server PORT N | client IP PORT MSG | connect IP PORT | refused IP PORT | ping IP\n");
	return 2;
}
