/*
 * spawn: fork + execve + wait of a static program, in µs per spawn.
 *
 *   spawn [N [PROG]]     N spawns (default 100) of PROG (default /bench/exit0)
 *
 * A `make bench` workload (scripts/bench.sh). PROG is run with no arguments and an
 * empty environment and must exit 0. The path is an argument so that the same binary
 * works natively, inside um-lite and under runsc. Prints "RESULT spawn <us> us/spawn".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* One fork+execve+wait of prog; 0 when it exited 0, -1 otherwise (reported). */
static int spawn_once(const char *prog)
{
	char *const child_argv[] = { (char *)prog, NULL };
	char *const child_envp[] = { NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "spawn: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execve(prog, child_argv, child_envp);
		fprintf(stderr, "spawn: execve %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "spawn: waitpid: %s\n", strerror(errno));
			return -1;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "spawn: %s: wait status 0x%x\n", prog, status);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = arg_count(argc, argv, 1, 100);
	const char *prog = argc > 2 ? argv[2] : "/bench/exit0";

	if (spawn_once(prog) < 0) /* warm-up: page cache, and fail fast on a bad path */
		return 1;
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		if (spawn_once(prog) < 0)
			return 1;
	double t1 = now_ns();
	printf("RESULT spawn %.1f us/spawn\n", (t1 - t0) / n / 1e3);
	return 0;
}
