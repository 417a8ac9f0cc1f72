/*
 * thread: the cost of a thread's life and of a futex hand-off between two threads.
 *
 *   thread [N]   N pthread_create + pthread_join pairs, then N futex round trips
 *                (defaults 2000; N/10 of each first, as a warm-up)
 *
 * A `make bench` workload (scripts/bench.sh). A round trip: the main thread sets a word to
 * 1 and wakes the partner, which sets it back to 0 and wakes the main thread; each sleeps
 * in FUTEX_WAIT until the word changes. Prints "RESULT thread_spawn <us> us/thread" and
 * "RESULT futex_pingpong <us> us/roundtrip".
 */
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static atomic_int word;
static long rounds;

static void wait_while(int v)
{
	while (atomic_load(&word) == v)
		syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void set_and_wake(int v)
{
	atomic_store(&word, v);
	syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *nothing(void *arg)
{
	return arg;
}

static void *partner(void *arg)
{
	(void)arg;
	for (long i = 0; i < rounds; i++) {
		wait_while(0);
		set_and_wake(0);
	}
	return NULL;
}

static double spawn_us(long n)
{
	double t0 = now_ns();
	pthread_t th;

	for (long i = 0; i < n; i++) {
		if (pthread_create(&th, NULL, nothing, NULL) || pthread_join(th, NULL)) {
			perror("thread: pthread_create");
			exit(1);
		}
	}
	return (now_ns() - t0) / 1e3 / n;
}

static double pingpong_us(long n)
{
	pthread_t th;
	double t0;

	rounds = n;
	atomic_store(&word, 0);
	pthread_create(&th, NULL, partner, NULL);
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		set_and_wake(1);
		wait_while(1);
	}
	t0 = (now_ns() - t0) / 1e3 / n;
	pthread_join(th, NULL);
	return t0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 2000;

	if (n <= 0) {
		fprintf(stderr, "%s: bad count '%s'\n", argv[0], argv[1]);
		return 2;
	}
	spawn_us(n / 10 + 1);
	printf("RESULT thread_spawn %.2f us/thread\n", spawn_us(n));
	pingpong_us(n / 10 + 1);
	printf("RESULT futex_pingpong %.2f us/roundtrip\n", pingpong_us(n));
	return 0;
}
