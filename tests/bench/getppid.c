/*
 * getppid: the cost of the cheapest system call, in ns per call.
 *
 *   getppid [N]     N calls (default 100000) after N/10 warm-up calls
 *
 * A `make bench` workload (scripts/bench.sh), run natively, inside um-lite and under
 * runsc. It calls syscall(SYS_getppid) directly so that no libc caching can hide the
 * system call. Prints one line on stdout: "RESULT getppid <ns> ns/call"; errors go to
 * stderr with a non-zero exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = arg_count(argc, argv, 1, 100000);
	long ppid = syscall(SYS_getppid);
	long bad = 0;

	for (long i = 0; i < n / 10; i++)
		bad += syscall(SYS_getppid) != ppid;
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		bad += syscall(SYS_getppid) != ppid;
	double t1 = now_ns();
	if (bad) {
		fprintf(stderr, "getppid: %ld calls returned a value other than %ld\n", bad, ppid);
		return 1;
	}
	printf("RESULT getppid %.1f ns/call\n", (t1 - t0) / n);
	return 0;
}
