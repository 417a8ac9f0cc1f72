/*
 * Guest test: the futex system call, raw (built -static -pthread): FUTEX_WAKE counts,
 * REQUEUE, CMP_REQUEUE, WAKE_OP and the BITSET forms, a shared futex between two
 * processes, value checks, relative and absolute timeouts on both clocks,
 * EINTR from a signal, argument errors, and the PI lock in the uncontended case (the
 * contended one is exercised by thread_test's PI mutexes). Waiters are known to be asleep
 * in the kernel (state S in /proc/self/task/TID/stat) before they are woken. Runs natively
 * (the oracle) and inside um-lite in every mode.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static long futex(atomic_int *w, int op, int val, const struct timespec *ts, atomic_int *w2,
		  int val3)
{
	return syscall(SYS_futex, w, op, val, ts, w2, val3);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static double now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static atomic_int fw1, fw2, woken_count, nwaiters;
static atomic_int waiter_tid[8];

/* Thread tid of process pid is asleep (state S in /proc); gives up after 2 s. */
static void wait_asleep(pid_t pid, pid_t tid)
{
	double end = now_s(CLOCK_MONOTONIC) + 2;
	char path[64], buf[256], *p;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	while (now_s(CLOCK_MONOTONIC) < end) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		if (f)
			fclose(f);
		buf[n] = 0;
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return;
		sleep_ms(1);
	}
}

static void *futex_waiter(void *arg)
{
	atomic_int *w = arg;

	atomic_store(&waiter_tid[atomic_fetch_add(&nwaiters, 1)], gettid_());
	while (atomic_load(w) == 0) {
		if (futex(w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) == 0)
			break;
	}
	atomic_fetch_add(&woken_count, 1);
	return NULL;
}

/* Wait until the first n waiters are asleep in the kernel. */
static void all_asleep(int n)
{
	while (atomic_load(&nwaiters) < n)
		sleep_ms(1);
	for (int i = 0; i < n; i++)
		wait_asleep(getpid(), atomic_load(&waiter_tid[i]));
}

/* Start n waiters on fw1 and wait until all sleep in the kernel (they never saw fw1 != 0). */
static void start_waiters(pthread_t *th, int n)
{
	atomic_store(&fw1, 0);
	atomic_store(&fw2, 0);
	atomic_store(&woken_count, 0);
	atomic_store(&nwaiters, 0);
	for (int i = 0; i < n; i++)
		pthread_create(&th[i], NULL, futex_waiter, &fw1);
	all_asleep(n);
}

TEST(futex_wake_wakes_as_many_as_asked)
{
	pthread_t th[4];

	start_waiters(th, 4);
	EXPECT_EQ(1, futex(&fw1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	sleep_ms(50);
	EXPECT_EQ(1, atomic_load(&woken_count));
	EXPECT_EQ(3, futex(&fw1, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, futex(&fw1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
}

TEST(futex_cmp_requeue_moves_waiters_to_the_second_word)
{
	pthread_t th[4];

	start_waiters(th, 4);
	EXPECT_EQ(-1, futex(&fw1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &fw2, 5));
	EXPECT_EQ(EAGAIN, errno);
	/* one woken, two moved: the fourth stays on fw1 */
	EXPECT_EQ(3, futex(&fw1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &fw2, 0));
	sleep_ms(50);
	EXPECT_EQ(1, atomic_load(&woken_count));
	EXPECT_EQ(2, futex(&fw2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	EXPECT_EQ(1, futex(&fw1, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(4, atomic_load(&woken_count));
}

TEST(futex_wake_op_changes_the_second_word_and_wakes_by_its_old_value)
{
	pthread_t th[2];
	int op = FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 7);

	start_waiters(th, 1);
	pthread_create(&th[1], NULL, futex_waiter, &fw2);
	all_asleep(2);
	/* old value 0 is not 7: only fw1's waiter wakes, fw2 becomes 5 */
	EXPECT_EQ(1, futex(&fw1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &fw2, op));
	EXPECT_EQ(5, atomic_load(&fw2));
	atomic_store(&fw2, 7);
	/* fw2's waiter is still asleep with the old value 0 expected; old 7 == 7 wakes it */
	EXPECT_EQ(1, futex(&fw1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &fw2, op));
	EXPECT_EQ(12, atomic_load(&fw2));
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
}

TEST(futex_wait_checks_the_value_and_times_out)
{
	atomic_int w = 3;
	struct timespec rel = { 0, 60 * 1000000L }, abs;
	double t0;

	EXPECT_EQ(-1, futex(&w, FUTEX_WAIT_PRIVATE, 4, &rel, NULL, 0));
	EXPECT_EQ(EAGAIN, errno);
	t0 = now_s(CLOCK_MONOTONIC);
	EXPECT_EQ(-1, futex(&w, FUTEX_WAIT_PRIVATE, 3, &rel, NULL, 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_GE(now_s(CLOCK_MONOTONIC) - t0, 0.055);

	/* WAIT_BITSET: an absolute deadline, on CLOCK_MONOTONIC or with CLOCK_REALTIME */
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 60 * 1000000L;
	abs.tv_sec += abs.tv_nsec / 1000000000L;
	abs.tv_nsec %= 1000000000L;
	t0 = now_s(CLOCK_MONOTONIC);
	EXPECT_EQ(-1, futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 3, &abs, NULL, FUTEX_BITSET_MATCH_ANY));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_GE(now_s(CLOCK_MONOTONIC) - t0, 0.055);
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec -= 1; /* in the past: at once */
	EXPECT_EQ(-1, futex(&w, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 3, &abs, NULL,
			    FUTEX_BITSET_MATCH_ANY));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(-1, futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 3, &abs, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	rel.tv_nsec = 1000000000L;
	EXPECT_EQ(-1, futex(&w, FUTEX_WAIT_PRIVATE, 3, &rel, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, futex((atomic_int *)((char *)&w + 1), FUTEX_WAIT_PRIVATE, 3, NULL, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
}

static void on_usr1_nothing(int sig)
{
}

static pthread_t main_thread;

static void *kick_main_later(void *arg)
{
	sleep_ms(60);
	pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

TEST(a_signal_interrupts_a_futex_wait_with_eintr)
{
	struct sigaction sa = { .sa_handler = on_usr1_nothing }; /* no SA_RESTART */
	atomic_int w = 0;
	pthread_t th;

	sigaction(SIGUSR1, &sa, NULL);
	main_thread = pthread_self();
	pthread_create(&th, NULL, kick_main_later, NULL);
	EXPECT_EQ(-1, futex(&w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
	EXPECT_EQ(EINTR, errno);
	pthread_join(th, NULL);
}

TEST(pi_futex_lock_and_unlock_in_the_uncontended_case)
{
	atomic_int w = 0;
	pid_t me = gettid_();

	EXPECT_EQ(0, futex(&w, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	EXPECT_EQ(me, atomic_load(&w));
	EXPECT_EQ(-1, futex(&w, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	EXPECT_EQ(EDEADLK, errno);
	EXPECT_EQ(0, futex(&w, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	EXPECT_EQ(0, atomic_load(&w));
	EXPECT_EQ(-1, futex(&w, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, futex(&w, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	EXPECT_EQ(me, atomic_load(&w));
	EXPECT_EQ(0, futex(&w, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
}

static void *bitset_waiter(void *arg)
{
	atomic_store(&waiter_tid[atomic_fetch_add(&nwaiters, 1)], gettid_());
	if (futex(&fw1, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, (int)(long)arg) == 0)
		atomic_fetch_add(&woken_count, (int)(long)arg);
	return NULL;
}

TEST(futex_wake_bitset_wakes_only_waiters_whose_bits_meet)
{
	pthread_t th[2];

	atomic_store(&nwaiters, 0);
	atomic_store(&woken_count, 0);
	atomic_store(&fw1, 0);
	pthread_create(&th[0], NULL, bitset_waiter, (void *)1L);
	pthread_create(&th[1], NULL, bitset_waiter, (void *)2L);
	all_asleep(2);
	EXPECT_EQ(0, futex(&fw1, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 4));
	EXPECT_EQ(1, futex(&fw1, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 2));
	pthread_join(th[1], NULL);
	EXPECT_EQ(2, atomic_load(&woken_count));
	EXPECT_EQ(1, futex(&fw1, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	pthread_join(th[0], NULL);
	EXPECT_EQ(3, atomic_load(&woken_count));
	EXPECT_EQ(-1, futex(&fw1, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST(futex_requeue_moves_without_comparing)
{
	pthread_t th[3];

	start_waiters(th, 3);
	EXPECT_EQ(3, futex(&fw1, FUTEX_REQUEUE_PRIVATE, 0, (void *)3L, &fw2, 0));
	EXPECT_EQ(0, futex(&fw1, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	EXPECT_EQ(3, futex(&fw2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(-1, futex(&fw1, FUTEX_REQUEUE_PRIVATE, -1, (void *)1L, &fw2, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST(a_shared_futex_wakes_a_waiter_in_another_process)
{
	atomic_int *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			     -1, 0);
	struct timespec limit = { 10, 0 };
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, w);
	pid = fork();
	if (pid == 0) {
		/* wait until the parent sleeps on the word, then wake it (not private) */
		while (atomic_load(&w[1]) == 0)
			sleep_ms(1);
		wait_asleep(getppid(), atomic_load(&w[1]));
		atomic_store(&w[0], 1);
		_exit(futex(&w[0], FUTEX_WAKE, 1, NULL, NULL, 0) == 1 ? 0 : 1);
	}
	atomic_store(&w[1], gettid_());
	EXPECT_EQ(0, futex(&w[0], FUTEX_WAIT, 0, &limit, NULL, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	munmap(w, 4096);
}

TEST_HARNESS_MAIN
