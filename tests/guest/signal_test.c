/*
 * Guest test: signals. Handlers with siginfo, masks and pending sets, system-call restart,
 * alarm, the CPU-time interval timers, POSIX timers (timer_create), the alternate stack, faults turned into SIGSEGV, and register state (general and
 * SSE/AVX) restored by sigreturn. Runs natively (the oracle) and inside um-lite.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

static volatile sig_atomic_t got_sig, got_code, got_pid;
static volatile uintptr_t got_addr, got_sp;

static void on_info(int sig, siginfo_t *si, void *uc)
{
	got_sig = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_addr = (uintptr_t)si->si_addr;
	got_sp = (uintptr_t)&sig;
}

static void catch(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

TEST(a_handler_gets_the_signal_and_siginfo)
{
	catch(SIGUSR1, 0);
	got_sig = 0;
	ASSERT_EQ(0, kill(getpid(), SIGUSR1));
	EXPECT_EQ(SIGUSR1, got_sig);
	EXPECT_EQ(SI_USER, got_code);
	EXPECT_EQ(getpid(), got_pid);
}

TEST(blocked_signals_stay_pending_until_unblocked)
{
	sigset_t set, pend;

	catch(SIGUSR2, 0);
	got_sig = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	kill(getpid(), SIGUSR2);
	EXPECT_EQ(0, got_sig);
	ASSERT_EQ(0, sigpending(&pend));
	EXPECT_TRUE(sigismember(&pend, SIGUSR2));
	ASSERT_EQ(0, sigprocmask(SIG_UNBLOCK, &set, NULL));
	EXPECT_EQ(SIGUSR2, got_sig);
}

TEST(sigkill_cannot_be_caught)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	EXPECT_EQ(-1, sigaction(SIGKILL, &sa, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, kill(getpid(), 65));
	EXPECT_EQ(EINVAL, errno);
}

TEST(a_bad_pointer_dereference_is_sigsegv_with_the_address)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		catch(SIGSEGV, SA_RESETHAND);
		got_sig = 0;
		/* The handler returns and the access faults again: SA_RESETHAND makes it fatal. */
		*(volatile int *)0x1234 = 1;
		_exit(99);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFSIGNALED(st));
	EXPECT_EQ(SIGSEGV, WTERMSIG(st));
}

static sigjmp_buf jb;

static void jump_out(int sig, siginfo_t *si, void *uc)
{
	got_addr = (uintptr_t)si->si_addr;
	got_code = si->si_code;
	siglongjmp(jb, sig);
}

TEST(sigsegv_handler_sees_the_fault_address_and_can_longjmp)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = jump_out;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(jb, 1) == 0) {
		*(volatile int *)0x5008 = 1;
		EXPECT_TRUE(0) TH_LOG("no fault");
	}
	EXPECT_EQ(0x5008, got_addr);
	EXPECT_EQ(SEGV_MAPERR, got_code);
}

static void nothing(int sig)
{
}

TEST(sa_restart_restarts_a_blocking_read_and_eintr_without_it)
{
	int p[2];
	char c;
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };

	ASSERT_EQ(0, pipe(p));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nothing;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	EXPECT_EQ(-1, read(p[0], &c, 1));
	EXPECT_EQ(EINTR, errno);

	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	if (fork() == 0) {
		usleep(200000);
		write(p[1], "k", 1);
		_exit(0);
	}
	setitimer(ITIMER_REAL, &it, NULL);
	EXPECT_EQ(1, read(p[0], &c, 1));
	EXPECT_EQ('k', c);
	wait(NULL);
}

TEST(alarm_delivers_sigalrm)
{
	catch(SIGALRM, 0);
	got_sig = 0;
	alarm(1);
	while (!got_sig)
		pause();
	EXPECT_EQ(SIGALRM, got_sig);
}

static volatile sig_atomic_t cpu_ticks;

static void on_cpu_tick(int sig)
{
	cpu_ticks++;
}

/* Busy in user mode (and in system calls for ITIMER_PROF) until n ticks or ~10 s. */
static void spin_until_ticks(int n, bool syscalls)
{
	time_t t0 = time(NULL);
	volatile unsigned long x = 0;

	while (cpu_ticks < n && time(NULL) - t0 < 10) {
		for (int i = 0; i < 100000; i++)
			x += i;
		if (syscalls)
			getppid();
	}
}

TEST(itimer_virtual_and_prof_count_cpu_time)
{
	struct itimerval it = { { 0, 20000 }, { 0, 30000 } }, got;
	int which[2] = { ITIMER_VIRTUAL, ITIMER_PROF }, sig[2] = { SIGVTALRM, SIGPROF };

	for (int i = 0; i < 2; i++) {
		cpu_ticks = 0;
		signal(sig[i], on_cpu_tick);
		ASSERT_EQ(0, setitimer(which[i], &it, NULL));
		ASSERT_EQ(0, getitimer(which[i], &got));
		EXPECT_EQ(20000, got.it_interval.tv_usec);
		EXPECT_GT(got.it_value.tv_usec, 0); /* Linux rounds it up to its tick */
		spin_until_ticks(3, i == 1);
		EXPECT_GE(cpu_ticks, 3);
		memset(&got, 0, sizeof(got));
		ASSERT_EQ(0, setitimer(which[i], &got, NULL));
		ASSERT_EQ(0, getitimer(which[i], &got));
		EXPECT_EQ(0, got.it_value.tv_sec + got.it_value.tv_usec);
		signal(sig[i], SIG_DFL);
	}
	EXPECT_EQ(-1, setitimer(42, &it, NULL));
	EXPECT_EQ(EINVAL, errno);
}

TEST(posix_timer_signals_with_si_timer_value_and_overruns)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 1 };
	struct itimerspec its = { .it_value = { 0, 20000000 } }, cur;
	sigset_t set;
	siginfo_t si;
	timer_t id;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	ev.sigev_value.sival_int = 1234;
	ASSERT_EQ(0, timer_create(CLOCK_MONOTONIC, &ev, &id));
	ASSERT_EQ(0, timer_settime(id, 0, &its, NULL));
	ASSERT_EQ(0, timer_gettime(id, &cur));
	EXPECT_GT(cur.it_value.tv_nsec, 0);
	ASSERT_EQ(SIGRTMIN + 1, sigwaitinfo(&set, &si));
	EXPECT_EQ(SI_TIMER, si.si_code);
	EXPECT_EQ(1234, si.si_value.sival_int);
	ASSERT_EQ(0, timer_gettime(id, &cur));
	EXPECT_EQ(0, cur.it_value.tv_sec + cur.it_value.tv_nsec);
	/* a 2 ms period while the signal stays blocked: one signal, the rest overruns */
	its.it_value.tv_nsec = 2000000;
	its.it_interval.tv_nsec = 2000000;
	ASSERT_EQ(0, timer_settime(id, 0, &its, NULL));
	usleep(100000);
	ASSERT_EQ(SIGRTMIN + 1, sigwaitinfo(&set, &si));
	EXPECT_GT(si.si_overrun, 5);
	/* Another period ends and queues the next signal: the last count stays as it was. */
	usleep(10000);
	EXPECT_EQ(si.si_overrun, timer_getoverrun(id));
	ASSERT_EQ(0, timer_delete(id));
	EXPECT_EQ(-1, timer_gettime(id, &cur));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, timer_create(12345, &ev, &id));
	EXPECT_EQ(EINVAL, errno);
	/*
	 * A period may have ended between the sigwaitinfo and the delete: as on Linux, its
	 * signal stays pending after timer_delete. Take it before unblocking (its default
	 * action would end the test).
	 */
	while (sigtimedwait(&set, &si, &(struct timespec){ 0, 0 }) == SIGRTMIN + 1)
		;
	ASSERT_EQ(0, sigprocmask(SIG_UNBLOCK, &set, NULL));
}

TEST(handlers_run_on_the_alternate_stack)
{
	static char stack[65536];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) };

	ASSERT_EQ(0, sigaltstack(&ss, NULL));
	catch(SIGUSR1, SA_ONSTACK);
	got_sp = 0;
	raise(SIGUSR1);
	EXPECT_GE(got_sp, (uintptr_t)stack);
	EXPECT_LT(got_sp, (uintptr_t)stack + sizeof(stack));
}

static void clobber_fp(int sig)
{
	volatile double d = 1e300;

	__asm__ volatile("pxor %%xmm0, %%xmm0\n\tpxor %%xmm7, %%xmm7\n\tpxor %%xmm15, %%xmm15"
			 ::: "xmm0", "xmm7", "xmm15");
	d = d * d;
	(void)d;
}

TEST(sigreturn_restores_sse_registers)
{
	uint64_t in[2] = { 0x1122334455667788ULL, 0x99aabbccddeeff00ULL }, out[2];

	signal(SIGUSR1, clobber_fp);
	__asm__ volatile("movdqu %1, %%xmm7\n\t"
			 "mov $62, %%eax\n\t"  /* kill(getpid(), SIGUSR1) */
			 "mov %2, %%edi\n\t"
			 "mov $10, %%esi\n\t"
			 "syscall\n\t"
			 "movdqu %%xmm7, %0\n\t"
			 : "=m"(out)
			 : "m"(in), "r"(getpid())
			 : "rax", "rdi", "rsi", "rcx", "r11", "xmm7", "memory");
	EXPECT_EQ(in[0], out[0]);
	EXPECT_EQ(in[1], out[1]);
}

TEST(sigsuspend_waits_with_a_temporary_mask)
{
	sigset_t block, old, wait_mask;

	catch(SIGUSR1, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	got_sig = 0;
	kill(getpid(), SIGUSR1);
	EXPECT_EQ(0, got_sig);
	sigemptyset(&wait_mask);
	EXPECT_EQ(-1, sigsuspend(&wait_mask));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(SIGUSR1, got_sig);
	sigprocmask(SIG_SETMASK, NULL, &old);
	EXPECT_TRUE(sigismember(&old, SIGUSR1));
}

TEST(realtime_signals_queue_and_standard_ones_coalesce)
{
	sigset_t set;
	siginfo_t si;
	int n = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < 3; i++) {
		union sigval v = { .sival_int = i };

		sigqueue(getpid(), SIGRTMIN, v);
		kill(getpid(), SIGUSR1);
	}
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&set, &si, &zero) > 0)
		n++;
	EXPECT_EQ(4, n);
}

TEST(nanosleep_sleeps_at_least_the_time_asked)
{
	struct timespec a, b, d = { 0, 30000000 };

	clock_gettime(CLOCK_MONOTONIC, &a);
	ASSERT_EQ(0, nanosleep(&d, NULL));
	clock_gettime(CLOCK_MONOTONIC, &b);
	EXPECT_GE((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec), 30000000L);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/*
 * A 1 ms sleep ends about 1 ms later even while other processes keep the CPU busy, making
 * a system call now and then (as Python threads do around the GIL): a timer is run when
 * due, at the first entry to the kernel after it, not at the next 10 ms tick. The median
 * of many sleeps is compared, so a hiccup of a loaded host does not count.
 */
TEST(a_short_sleep_is_not_rounded_up_to_a_tick_among_busy_processes)
{
	enum { SLEEPS = 41 };
	struct timespec a, b, d = { 0, 1000000 };
	long took[SLEEPS];
	pid_t kids[2];

	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		ASSERT_GE(kids[i], 0);
		if (kids[i] == 0) {
			struct timespec t0, t1;

			for (;;) { /* 200 us of work, then a system call that lets others run */
				clock_gettime(CLOCK_MONOTONIC, &t0);
				do
					clock_gettime(CLOCK_MONOTONIC, &t1);
				while ((t1.tv_sec - t0.tv_sec) * 1000000000L +
					       (t1.tv_nsec - t0.tv_nsec) < 200000);
				sched_yield();
			}
		}
	}
	for (int i = 0; i < SLEEPS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		nanosleep(&d, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		took[i] = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
	}
	for (int i = 0; i < 2; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	qsort(took, SLEEPS, sizeof(took[0]), cmp_long);
	EXPECT_GE(took[SLEEPS / 2], 1000000L);
	EXPECT_LT(took[SLEEPS / 2], 5000000L);
}

TEST_HARNESS_MAIN
