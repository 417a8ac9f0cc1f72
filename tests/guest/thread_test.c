/*
 * Guest test: threads (built -static -pthread). pthread_create/join, mutexes, condition
 * variables and PI mutexes under contention, thread-group exit, execve from a thread other than the leader, signals aimed at one
 * thread or taken by the one thread that does not block them, job-control stops of every
 * thread, robust mutexes whose owner dies, thread-local storage, and per-thread FPU state
 * and signal stacks. The futex system call itself is tested in futex_test.c. Runs natively
 * (the oracle) and inside um-lite in every mode.
 *
 * Assertions are made by the main thread only: other threads record what they saw.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

extern char **environ;
static const char *self_path;

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Fork; the child runs fn and exits with its result. Returns the child's wait status. */
static int in_child(int (*fn)(void))
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* ---- creation, join, identity */

static void *report_ids(void *arg)
{
	long *out = arg;

	out[0] = getpid();
	out[1] = gettid_();
	return (void *)(out[1] * 3);
}

TEST(many_threads_are_created_and_joined_with_their_results)
{
	enum { N = 48 };
	static long ids[N][2];
	pthread_t th[N];

	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++)
			ASSERT_EQ(0, pthread_create(&th[i], NULL, report_ids, ids[i]));
		for (int i = 0; i < N; i++) {
			void *res;

			ASSERT_EQ(0, pthread_join(th[i], &res));
			EXPECT_EQ(ids[i][1] * 3, (long)res);
			EXPECT_EQ(getpid(), ids[i][0]);
			EXPECT_NE(getpid(), ids[i][1]);
			for (int j = 0; j < i; j++)
				EXPECT_NE(ids[j][1], ids[i][1]);
		}
	}
	EXPECT_EQ(getpid(), gettid_());
}

static pthread_barrier_t task_barrier;

static void *wait_at_barrier(void *arg)
{
	pthread_barrier_wait(&task_barrier);
	pthread_barrier_wait(&task_barrier);
	return NULL;
}

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

TEST(proc_self_task_lists_every_thread)
{
	pthread_t th[3];
	char path[64];

	pthread_barrier_init(&task_barrier, NULL, 4);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, wait_at_barrier, NULL));
	pthread_barrier_wait(&task_barrier);
	EXPECT_EQ(4, count_dir("/proc/self/task"));
	snprintf(path, sizeof(path), "/proc/self/task/%d", gettid_());
	EXPECT_EQ(0, access(path, F_OK));
	pthread_barrier_wait(&task_barrier);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	/* a joined thread may linger a moment in /proc while the host reaps it */
	for (int i = 0; i < 1000 && count_dir("/proc/self/task") != 1; i++)
		sleep_ms(1);
	EXPECT_EQ(1, count_dir("/proc/self/task"));
	pthread_barrier_destroy(&task_barrier);
}

/* ---- mutexes and condition variables */

static pthread_mutex_t count_lock;
static long counter;

static void *add_many(void *arg)
{
	for (int i = 0; i < 3000; i++) {
		pthread_mutex_lock(&count_lock);
		long v = counter;

		if ((i & 63) == 0)
			sched_yield(); /* hold the lock across a switch: others must wait */
		counter = v + 1;
		pthread_mutex_unlock(&count_lock);
	}
	return NULL;
}

static void run_counters(int protocol)
{
	pthread_mutexattr_t a;
	pthread_t th[6];

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, protocol);
	pthread_mutex_init(&count_lock, &a);
	counter = 0;
	for (int i = 0; i < 6; i++)
		pthread_create(&th[i], NULL, add_many, NULL);
	for (int i = 0; i < 6; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&count_lock);
}

TEST(a_contended_mutex_loses_no_update)
{
	run_counters(PTHREAD_PRIO_NONE);
	EXPECT_EQ(6 * 3000, counter);
}

TEST(a_contended_priority_inheritance_mutex_loses_no_update)
{
	run_counters(PTHREAD_PRIO_INHERIT);
	EXPECT_EQ(6 * 3000, counter);
}

enum { QCAP = 4, ITEMS = 2000 };
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_notfull = PTHREAD_COND_INITIALIZER, q_notempty = PTHREAD_COND_INITIALIZER;
static int q_buf[QCAP], q_head, q_len;
static long q_sum;

static void *producer(void *arg)
{
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_len == QCAP)
			pthread_cond_wait(&q_notfull, &q_lock);
		q_buf[(q_head + q_len++) % QCAP] = i;
		pthread_cond_signal(&q_notempty);
		pthread_mutex_unlock(&q_lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	for (int n = 0; n < ITEMS; n++) {
		pthread_mutex_lock(&q_lock);
		while (q_len == 0)
			pthread_cond_wait(&q_notempty, &q_lock);
		q_sum += q_buf[q_head];
		q_head = (q_head + 1) % QCAP;
		q_len--;
		pthread_cond_broadcast(&q_notfull);
		pthread_mutex_unlock(&q_lock);
	}
	return NULL;
}

TEST(condition_variables_pass_every_item_between_producers_and_consumers)
{
	pthread_t p[2], c[2];

	for (int i = 0; i < 2; i++) {
		pthread_create(&p[i], NULL, producer, NULL);
		pthread_create(&c[i], NULL, consumer, NULL);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(p[i], NULL);
		pthread_join(c[i], NULL);
	}
	EXPECT_EQ(2L * ITEMS * (ITEMS + 1) / 2, q_sum);
	EXPECT_EQ(0, q_len);
}

/* ---- thread-group exit and exec */

static void *sleep_forever(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void *exit_group_soon(void *arg)
{
	sleep_ms(20);
	exit(arg ? (int)(long)arg : 7); /* exit_group: every thread goes */
}

static int group_exit_child(void)
{
	pthread_t th;

	for (int i = 0; i < 3; i++)
		pthread_create(&th, NULL, sleep_forever, NULL);
	pthread_create(&th, NULL, exit_group_soon, NULL);
	sleep_forever(NULL);
	return 99;
}

TEST(exit_group_from_a_thread_ends_every_thread)
{
	int status = in_child(group_exit_child);

	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(7, WEXITSTATUS(status));
}

static void *exit_last(void *arg)
{
	sleep_ms(100);
	exit(getpid() == (pid_t)(long)arg ? 5 : 6);
}

static int leader_exits_first_child(void)
{
	pthread_t th;

	pthread_create(&th, NULL, exit_last, (void *)(long)getpid());
	pthread_exit(NULL); /* only this thread: the process lives on */
}

TEST(the_process_outlives_its_leader_until_the_last_thread_exits)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(leader_exits_first_child());
	ASSERT_GT(pid, 0);
	sleep_ms(40);
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG)); /* not reaped while a thread lives */
	EXPECT_EQ(0, kill(pid, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(5, WEXITSTATUS(status));
}

static volatile int *volatile bad_pointer = (int *)8;

static void *crash(void *arg)
{
	sleep_ms(20);
	*bad_pointer = 1;
	return NULL;
}

static int crash_child(void)
{
	pthread_t th;

	pthread_create(&th, NULL, sleep_forever, NULL);
	pthread_create(&th, NULL, crash, NULL);
	sleep_forever(NULL);
	return 0;
}

TEST(a_fault_in_one_thread_kills_the_whole_process)
{
	int status = in_child(crash_child);

	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGSEGV, WTERMSIG(status));
}

static char **exec_argv;

static void *exec_from_thread(void *arg)
{
	execve(self_path, exec_argv, environ);
	return (void *)1L;
}

static int exec_child(void)
{
	char pidarg[32];
	char *argv[] = { (char *)self_path, "--exec-probe", pidarg, NULL };
	pthread_t th;

	snprintf(pidarg, sizeof(pidarg), "%d", getpid());
	exec_argv = argv;
	pthread_create(&th, NULL, sleep_forever, NULL);
	pthread_create(&th, NULL, exec_from_thread, NULL);
	sleep_forever(NULL);
	return 99;
}

/* After the exec: one thread, whose thread id is the old process id. */
static int exec_probe(const char *pidarg)
{
	pid_t want = atoi(pidarg);

	if (getpid() != want || gettid_() != want)
		return 2;
	if (count_dir("/proc/self/task") != 1)
		return 3;
	return 42;
}

TEST(execve_from_a_thread_leaves_one_thread_with_the_process_id)
{
	int status = in_child(exec_child);

	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(42, WEXITSTATUS(status));
}

static void *fork_from_thread(void *arg)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(getppid() == (pid_t)(long)arg ? 12 : 13);
	return (void *)(long)pid;
}

TEST(a_child_forked_by_one_thread_is_the_process_child)
{
	pthread_t th;
	void *res;
	int status;

	pthread_create(&th, NULL, fork_from_thread, (void *)(long)getpid());
	pthread_join(th, &res);
	ASSERT_GT((long)res, 0);
	/* the thread that forked is gone: the process (any thread) waits for the child */
	ASSERT_EQ((pid_t)(long)res, waitpid(-1, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(12, WEXITSTATUS(status));
}

static int vm_child(void *arg)
{
	*(volatile int *)arg = getpid();
	return 3;
}

TEST(clone_vm_without_clone_thread_makes_a_process_sharing_memory)
{
	static char stack[65536] __attribute__((aligned(16)));
	static volatile int seen;
	int status;
	pid_t pid = clone(vm_child, stack + sizeof(stack), CLONE_VM | SIGCHLD, (void *)&seen);

	ASSERT_GT(pid, 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(pid, seen);
	EXPECT_NE(getpid(), pid);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(3, WEXITSTATUS(status));
}

TEST(vfork_and_posix_spawn_share_the_parent_memory)
{
	static volatile int shared_word;
	char *argv[] = { "/nonexistent/prog", NULL };
	pid_t pid;
	int status;

	shared_word = 1;
	pid = vfork();
	if (pid == 0) {
		shared_word = 2;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(2, shared_word);
	/* glibc learns the exec error through the memory it shares with the child */
	EXPECT_EQ(ENOENT, posix_spawn(&pid, argv[0], NULL, NULL, argv, environ));
}

/* ---- signals and threads */

static atomic_int sig_tid, sig_count;
static volatile uintptr_t sig_sp;

static void record_tid(int sig)
{
	atomic_store(&sig_tid, gettid_());
	atomic_fetch_add(&sig_count, 1);
	sig_sp = (uintptr_t)&sig;
}

static atomic_int target_tid, stop_waiting;

static void *wait_for_signal(void *arg)
{
	sigset_t set;

	if (arg) { /* the one thread that takes SIGUSR2 */
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		atomic_store(&target_tid, gettid_());
	}
	while (!atomic_load(&stop_waiting))
		sleep_ms(5);
	return NULL;
}

TEST(tgkill_signals_exactly_the_thread_named)
{
	struct sigaction sa = { .sa_handler = record_tid };
	pthread_t th[3];
	long ids[3][2];

	sigaction(SIGUSR1, &sa, NULL);
	atomic_store(&stop_waiting, 0);
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, report_ids, ids[i]);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	pthread_create(&th[0], NULL, wait_for_signal, NULL);
	pthread_create(&th[1], NULL, wait_for_signal, (void *)1L);
	while (!atomic_load(&target_tid))
		sleep_ms(1);
	atomic_store(&sig_tid, 0);
	EXPECT_EQ(0, syscall(SYS_tgkill, getpid(), atomic_load(&target_tid), SIGUSR1));
	while (!atomic_load(&sig_tid))
		sleep_ms(1);
	EXPECT_EQ(atomic_load(&target_tid), atomic_load(&sig_tid));
	EXPECT_EQ(-1, syscall(SYS_tgkill, getpid() + 100000, atomic_load(&target_tid), SIGUSR1));
	EXPECT_EQ(ESRCH, errno);
	atomic_store(&stop_waiting, 1);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	atomic_store(&target_tid, 0);
}

TEST(a_process_signal_goes_to_the_thread_that_does_not_block_it)
{
	struct sigaction sa = { .sa_handler = record_tid };
	sigset_t set, old;
	pthread_t th[4];

	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, &old); /* inherited by every new thread */
	atomic_store(&stop_waiting, 0);
	atomic_store(&target_tid, 0);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, wait_for_signal, (void *)(long)(i == 2));
	while (!atomic_load(&target_tid))
		sleep_ms(1);
	for (int round = 0; round < 3; round++) {
		atomic_store(&sig_tid, 0);
		kill(getpid(), SIGUSR2);
		while (!atomic_load(&sig_tid))
			sleep_ms(1);
		EXPECT_EQ(atomic_load(&target_tid), atomic_load(&sig_tid));
	}
	atomic_store(&stop_waiting, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static atomic_long *spin_counter;

static void *spin(void *arg)
{
	for (;;)
		atomic_fetch_add(spin_counter, 1);
	return NULL;
}

static int spinning_child(void)
{
	pthread_t th;

	pthread_create(&th, NULL, spin, NULL);
	pthread_create(&th, NULL, spin, NULL);
	sleep_forever(NULL);
	return 0;
}

TEST(sigstop_stops_every_thread_and_sigcont_resumes_them)
{
	int status;
	long a, b;
	pid_t pid;

	spin_counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, spin_counter);
	pid = fork();
	if (pid == 0)
		_exit(spinning_child());
	while (atomic_load(spin_counter) == 0)
		sleep_ms(1);
	kill(pid, SIGSTOP);
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	EXPECT_TRUE(WIFSTOPPED(status));
	a = atomic_load(spin_counter);
	sleep_ms(80);
	b = atomic_load(spin_counter);
	EXPECT_EQ(a, b);
	kill(pid, SIGCONT);
	sleep_ms(80);
	EXPECT_GT(atomic_load(spin_counter), b);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	munmap(spin_counter, 4096);
}

static char alt_stack[3][65536];
static atomic_int alt_state[3];
static volatile uintptr_t alt_sp[3];

static void on_alt(int sig)
{
	int i = atomic_load(&target_tid);

	alt_sp[i] = (uintptr_t)&sig;
}

static void *with_altstack(void *arg)
{
	int i = (int)(long)arg;
	stack_t ss = { .ss_sp = alt_stack[i], .ss_size = sizeof(alt_stack[i]) }, cur;

	sigaltstack(NULL, &cur);
	atomic_store(&alt_state[i], cur.ss_flags);
	if (i > 0)
		sigaltstack(&ss, NULL);
	atomic_store(&target_tid, i);
	raise(SIGWINCH);
	return NULL;
}

TEST(each_thread_has_its_own_signal_stack)
{
	struct sigaction sa = { .sa_handler = on_alt, .sa_flags = SA_ONSTACK };
	stack_t ss = { .ss_sp = alt_stack[0], .ss_size = sizeof(alt_stack[0]) };
	pthread_t th;

	sigaction(SIGWINCH, &sa, NULL);
	ASSERT_EQ(0, sigaltstack(&ss, NULL)); /* the main thread's */
	for (int i = 1; i < 3; i++) {
		pthread_create(&th, NULL, with_altstack, (void *)(long)i);
		pthread_join(th, NULL);
		EXPECT_EQ(SS_DISABLE, atomic_load(&alt_state[i]));
		EXPECT_TRUE(alt_sp[i] >= (uintptr_t)alt_stack[i] &&
			    alt_sp[i] < (uintptr_t)alt_stack[i] + sizeof(alt_stack[i]));
	}
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
}

/* ---- robust mutexes */

static pthread_mutex_t *robust;

static void init_robust(pthread_mutex_t *m, int pshared, int protocol)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setpshared(&a, pshared);
	pthread_mutexattr_setprotocol(&a, protocol);
	pthread_mutex_init(m, &a);
}

static void *lock_and_die(void *arg)
{
	pthread_mutex_lock(robust);
	if (arg)
		sleep_ms(80); /* let the main thread block on it first */
	return NULL; /* the thread ends holding the mutex */
}

static int robust_after_death(int protocol, int wait_first)
{
	static pthread_mutex_t m;
	pthread_t th;
	int r, r2;

	robust = &m;
	init_robust(&m, PTHREAD_PROCESS_PRIVATE, protocol);
	pthread_create(&th, NULL, lock_and_die, (void *)(long)wait_first);
	if (wait_first)
		sleep_ms(20);
	else
		pthread_join(th, NULL);
	r = pthread_mutex_lock(&m);
	if (r == EOWNERDEAD)
		pthread_mutex_consistent(&m);
	pthread_mutex_unlock(&m);
	r2 = pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	if (wait_first)
		pthread_join(th, NULL);
	return r == EOWNERDEAD && r2 == 0;
}

TEST(a_robust_mutex_reports_its_owner_death)
{
	EXPECT_TRUE(robust_after_death(PTHREAD_PRIO_NONE, 0));
	EXPECT_TRUE(robust_after_death(PTHREAD_PRIO_NONE, 1));
	EXPECT_TRUE(robust_after_death(PTHREAD_PRIO_INHERIT, 0));
	EXPECT_TRUE(robust_after_death(PTHREAD_PRIO_INHERIT, 1));
}

TEST(a_process_shared_robust_mutex_survives_its_owner_process)
{
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				  -1, 0);
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, m);
	init_robust(m, PTHREAD_PROCESS_SHARED, PTHREAD_PRIO_NONE);
	pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(m);
		sleep_ms(80);
		_exit(0);
	}
	sleep_ms(20);
	EXPECT_EQ(EOWNERDEAD, pthread_mutex_lock(m)); /* asleep when the owner dies */
	pthread_mutex_consistent(m);
	pthread_mutex_unlock(m);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	munmap(m, 4096);
}

static atomic_int cpu_spin_stop;

static void *burn_cpu(void *arg)
{
	while (!atomic_load(&cpu_spin_stop))
		;
	return NULL;
}

static double clock_s(clockid_t clk)
{
	struct timespec ts = { 0, 0 };

	if (clock_gettime(clk, &ts) < 0)
		return -1;
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(each_thread_has_a_cpu_clock_of_its_own)
{
	clockid_t other, mine;
	pthread_t th;
	double a;

	atomic_store(&cpu_spin_stop, 0);
	pthread_create(&th, NULL, burn_cpu, NULL);
	ASSERT_EQ(0, pthread_getcpuclockid(th, &other));
	ASSERT_EQ(0, pthread_getcpuclockid(pthread_self(), &mine));
	sleep_ms(150); /* the other thread burns CPU, this one sleeps */
	a = clock_s(other);
	EXPECT_GT(a, 0.02);
	EXPECT_LT(clock_s(mine), a);
	EXPECT_GE(clock_s(CLOCK_PROCESS_CPUTIME_ID), a);
	atomic_store(&cpu_spin_stop, 1);
	pthread_join(th, NULL);
}

/* ---- per-thread state */

static __thread long tls_value = 17;
static __thread char tls_buf[256];

static void *tls_check(void *arg)
{
	long me = (long)arg;
	int bad = tls_value != 17;

	tls_value = me;
	memset(tls_buf, (int)me, sizeof(tls_buf));
	for (int i = 0; i < 50; i++) {
		sched_yield();
		bad |= tls_value != me || tls_buf[i] != (char)me;
	}
	return (void *)(long)bad;
}

TEST(thread_local_storage_is_private_to_each_thread)
{
	pthread_t th[5];
	void *res;

	tls_value = 1000;
	for (long i = 0; i < 5; i++)
		pthread_create(&th[i], NULL, tls_check, (void *)(i + 1));
	for (int i = 0; i < 5; i++) {
		pthread_join(th[i], &res);
		EXPECT_EQ(0L, (long)res);
	}
	EXPECT_EQ(1000, tls_value);
}

static unsigned get_mxcsr(void)
{
	unsigned v;

	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void set_mxcsr(unsigned v)
{
	__asm__ volatile("ldmxcsr %0" ::"m"(v));
}

/* Hold a pattern in xmm9 and a rounding mode (MXCSR) across many switches to other threads. */
static void *fpu_check(void *arg)
{
	long me = (long)arg;
	uint64_t in[2] = { 0x1111111111111111ULL * (uint64_t)me, ~(uint64_t)me }, out[2];
	unsigned mxcsr = (get_mxcsr() & ~0x6000U) | (unsigned)(me % 4) << 13;
	int bad = 0;

	set_mxcsr(mxcsr);
	__asm__ volatile("movdqu (%0), %%xmm9" ::"r"(in) : "memory");
	for (int i = 0; i < 200; i++) {
		long nr = SYS_sched_yield;

		__asm__ volatile("syscall" : "+a"(nr) : : "rcx", "r11", "memory");
	}
	__asm__ volatile("movdqu %%xmm9, (%0)" ::"r"(out) : "memory");
	bad |= memcmp(in, out, sizeof(in)) != 0;
	bad |= (get_mxcsr() != mxcsr) << 1;
	return (void *)(long)bad;
}

TEST(fpu_state_belongs_to_each_thread)
{
	unsigned mine = get_mxcsr();
	pthread_t th[4];
	void *res;

	for (long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, fpu_check, (void *)(i + 1));
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], &res);
		EXPECT_EQ(0L, (long)res);
	}
	EXPECT_EQ(mine, get_mxcsr());
}

/*
 * Modes for tests/bats/threads.bats, which boots this program as init:
 *   --exit-in-thread CODE   three sleeping threads, a fourth calls exit(CODE)
 *   --fault-in-thread       a thread dereferences a bad pointer
 *   --hold-threads N SECS   N sleeping threads for SECS seconds, then exit 0
 */
static int init_modes(int argc, char **argv)
{
	pthread_t th;

	if (!strcmp(argv[1], "--exit-in-thread")) {
		for (int i = 0; i < 3; i++)
			pthread_create(&th, NULL, sleep_forever, NULL);
		pthread_create(&th, NULL, exit_group_soon, (void *)(long)atoi(argv[2]));
		sleep_forever(NULL);
	}
	if (!strcmp(argv[1], "--fault-in-thread"))
		return crash_child();
	if (!strcmp(argv[1], "--hold-threads") && argc > 3) {
		for (int i = 0; i < atoi(argv[2]); i++)
			pthread_create(&th, NULL, sleep_forever, NULL);
		sleep_ms(atoi(argv[3]) * 1000);
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	int r;

	self_path = argv[0];
	if (argc > 2 && !strcmp(argv[1], "--exec-probe"))
		return exec_probe(argv[2]);
	if (argc > 1 && (r = init_modes(argc, argv)) >= 0)
		return r;
	return test_harness_run(argc, argv);
}
