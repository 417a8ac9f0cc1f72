/*
 * tcp: loopback TCP between two processes: round-trip latency and stream throughput.
 *
 *   tcp [N]     N 1-byte round trips (after N/10 warm-up ones), then N * 4 KiB streamed
 *
 * A `make bench` workload (scripts/bench.sh). The parent listens on 127.0.0.1 (port 0:
 * one the kernel picks), the child connects; with TCP_NODELAY set on both ends, the parent
 * sends one byte and waits for the child to echo it back. Then the child writes N * 4 KiB
 * in 64 KiB writes and the parent reads all of it.
 * Prints "RESULT tcp_rtt <us> us/roundtrip" and "RESULT tcp_stream <MB/s> MB/s".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define CHUNK (64 * 1024)

static int die(const char *what)
{
	fprintf(stderr, "tcp: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void nodelay(int fd)
{
	int on = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0)
		die("TCP_NODELAY");
}

/* The child: echo n_rtt bytes, then stream bytes bytes. */
static void child(int port, long n_rtt, long long bytes)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	static char buf[CHUNK];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char c;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (void *)&a, sizeof(a)) < 0)
		die("connect");
	nodelay(fd);
	for (long i = 0; i < n_rtt; i++) {
		if (read(fd, &c, 1) != 1 || write(fd, &c, 1) != 1)
			die("echo");
	}
	memset(buf, 'z', sizeof(buf));
	while (bytes > 0) {
		ssize_t w = write(fd, buf, bytes < CHUNK ? (size_t)bytes : CHUNK);

		if (w <= 0)
			die("stream write");
		bytes -= w;
	}
	close(fd);
	_exit(0);
}

static void ping(int fd, long n)
{
	char c = 'x';

	for (long i = 0; i < n; i++) {
		if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1)
			die("round trip");
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 10000, warm = n / 10 + 1;
	long long bytes = (long long)n * 4096, got = 0;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	static char buf[CHUNK];
	int l = socket(AF_INET, SOCK_STREAM, 0), fd, status;
	double t0, t1, t2;
	ssize_t r;
	pid_t pid;

	if (n <= 0) {
		fprintf(stderr, "tcp: bad count '%s'\n", argv[1]);
		return 2;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (void *)&a, &len) < 0)
		die("listen");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		child(ntohs(a.sin_port), warm + n, bytes);
	fd = accept(l, NULL, NULL);
	if (fd < 0)
		die("accept");
	nodelay(fd);
	ping(fd, warm);
	t0 = now_ns();
	ping(fd, n);
	t1 = now_ns();
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		got += r;
	t2 = now_ns();
	if (r < 0 || got != bytes || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "tcp: the stream was cut short (%lld of %lld bytes)\n", got, bytes);
		return 1;
	}
	printf("RESULT tcp_rtt %.2f us/roundtrip\n", (t1 - t0) / n / 1e3);
	printf("RESULT tcp_stream %.1f MB/s\n", bytes / ((t2 - t1) / 1e9) / 1e6);
	return 0;
}
