/*
 * pipe: 1-byte ping-pong between two processes over two pipes, in µs per round trip.
 *
 *   pipe [N]     N round trips (default 10000) after N/10 warm-up ones
 *
 * A `make bench` workload (scripts/bench.sh). The parent writes one byte into the
 * first pipe; the child reads it and writes it back into the second one; the parent
 * reads it. Each round trip is two writes, two reads and two wake-ups.
 * Prints "RESULT pipe <us> us/roundtrip".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* Moves one byte from fd `from` to fd `to` (either may be -1: only write or only read). */
static int hop(int from, int to, char *c)
{
	if (from >= 0 && read(from, c, 1) != 1)
		return -1;
	if (to >= 0 && write(to, c, 1) != 1)
		return -1;
	return 0;
}

/* The echoing child: returns every byte until the first pipe reaches end of file. */
static void echo_child(int in, int out)
{
	char c;
	ssize_t r;

	while ((r = read(in, &c, 1)) == 1)
		if (write(out, &c, 1) != 1)
			_exit(1);
	_exit(r == 0 ? 0 : 1);
}

/* n round trips; 0 on success. */
static int ping(int out, int in, long n)
{
	char c = 'x';

	for (long i = 0; i < n; i++) {
		if (hop(-1, out, &c) < 0 || hop(in, -1, &c) < 0) {
			fprintf(stderr, "pipe: round trip %ld: %s\n", i, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = arg_count(argc, argv, 1, 10000);
	int p1[2], p2[2], status;

	if (pipe(p1) < 0 || pipe(p2) < 0) {
		fprintf(stderr, "pipe: pipe: %s\n", strerror(errno));
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "pipe: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(p1[1]);
		close(p2[0]);
		echo_child(p1[0], p2[1]);
	}
	close(p1[0]);
	close(p2[1]);
	if (ping(p1[1], p2[0], n / 10 + 1) < 0)
		return 1;
	double t0 = now_ns();
	if (ping(p1[1], p2[0], n) < 0)
		return 1;
	double t1 = now_ns();
	close(p1[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "pipe: the echoing child failed\n");
		return 1;
	}
	printf("RESULT pipe %.2f us/roundtrip\n", (t1 - t0) / n / 1e3);
	return 0;
}
