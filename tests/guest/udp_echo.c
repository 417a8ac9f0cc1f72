/*
 * A UDP tool for tests/bats/slirp.bats (not a test by itself: busybox has no UDP nc).
 *   udp_echo server PORT N      answer N datagrams with "echo:" + the datagram, then exit
 *   udp_echo client IP PORT MSG send MSG, print the reply and its source (3 s timeout)
 */
#include <arpa/inet.h>
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
		perror("udp_echo: bind");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	while (n-- > 0) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t r = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &len);

		if (r < 0) {
			perror("udp_echo: recvfrom");
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
		perror("udp_echo: sendto");
		return 1;
	}
	r = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &len);
	if (r < 0) {
		perror("udp_echo: recvfrom");
		return 1;
	}
	buf[r] = '\0';
	printf("%s from %s:%d\n", buf, inet_ntoa(from.sin_addr), ntohs(from.sin_port));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]), atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "client"))
		return client(argv[2], atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: udp_echo server PORT N | client IP PORT MSG\n");
	return 2;
}
