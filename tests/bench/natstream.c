/*
 * natstream: TCP throughput to a server on the host, for eth0=slirp's NAT.
 *
 *   natstream sink PORT         (on the host) serve forever on 127.0.0.1:PORT: read each
 *                               connection to its end, answer with the byte count
 *   natstream ADDR PORT N       connect to ADDR:PORT, write N * 64 KiB, half-close, wait
 *                               for the count
 *
 * A `make bench` workload (scripts/bench.sh): natively ADDR is 127.0.0.1 (the host's own
 * loopback), inside um-lite it is 10.0.2.2 through eth0=slirp, so the two figures compare
 * the NAT path with the host's loopback. Prints "RESULT nat_stream <MB/s> MB/s".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static char buf[CHUNK];

static int die(const char *what)
{
	fprintf(stderr, "natstream: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void serve(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) < 0 || listen(l, 8) < 0)
		die("listen");
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int c = accept(l, NULL, NULL);
		unsigned long long n = 0;
		ssize_t r;

		if (c < 0)
			continue;
		while ((r = read(c, buf, sizeof(buf))) > 0)
			n += (unsigned long long)r;
		if (write(c, &n, sizeof(n)) < 0) {
			/* the client went away */
		}
		close(c);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	unsigned long long want, got = 0;
	double t0;
	int fd;

	if (argc == 3 && !strcmp(argv[1], "sink"))
		serve(atoi(argv[2]));
	if (argc != 4 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
		fprintf(stderr, "usage: natstream sink PORT | natstream ADDR PORT N\n");
		return 2;
	}
	a.sin_port = htons(atoi(argv[2]));
	want = strtoull(argv[3], NULL, 10) * CHUNK;
	memset(buf, 'n', sizeof(buf));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (void *)&a, sizeof(a)) < 0)
		die("connect");
	t0 = now_s();
	for (unsigned long long left = want; left > 0;) {
		ssize_t w = write(fd, buf, left < CHUNK ? left : CHUNK);

		if (w <= 0)
			die("write");
		left -= (unsigned long long)w;
	}
	shutdown(fd, SHUT_WR);
	if (read(fd, &got, sizeof(got)) != sizeof(got) || got != want)
		die("the sink's count");
	printf("RESULT nat_stream %.1f MB/s\n", want / (now_s() - t0) / 1e6);
	return 0;
}
