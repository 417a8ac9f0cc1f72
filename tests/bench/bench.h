/*
 * What the `make bench` workloads (the .c files of tests/bench) share: a monotonic clock
 * in ns, the parsing of a positive count argument, pinning to one CPU. Header-only: each
 * workload is one static program built from its own .c file.
 */
#ifndef BENCH_H
#define BENCH_H

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* CLOCK_MONOTONIC in ns (a double: differences of it are what the workloads print). */
static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* argv[i] as a positive count, def when absent; exits 2 with a message when bad. */
static inline long arg_count(int argc, char **argv, int i, long def)
{
	long v;

	if (argc <= i)
		return def;
	v = strtol(argv[i], NULL, 0);
	if (v <= 0) {
		fprintf(stderr, "%s: bad count '%s'\n", argv[0], argv[i]);
		exit(2);
	}
	return v;
}

/* Run the calling thread on CPU cpu only; 0 or -1 (errno set). */
static inline int bench_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

#endif
