/*
 * Guest test: rseq(2), restartable sequences. glibc registers an area per thread at start
 * (sched_getcpu reads it); the kernel keeps its cpu_id right, refuses bad registrations
 * as Linux does, and moves a thread out of a critical section to its abort handler when
 * the thread takes a signal or is switched away inside it. A fork keeps the registration,
 * a thread and an exec'd program start with their own.
 * Runs natively (the oracle) and inside um-lite.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define AREA_LEN 32 /* what glibc registers (the original struct rseq) */
#define CPU_ID_UNINITIALIZED ((uint32_t)-1)

static struct rseq *my_area(void)
{
	return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

static long rseq_call(void *area, uint32_t len, int flags, uint32_t sig)
{
	return syscall(SYS_rseq, area, len, flags, sig);
}

/* The CPU the kernel says we are on (retried: natively the thread may move meanwhile). */
static int cpu_matches(volatile struct rseq *rs)
{
	for (int i = 0; i < 100; i++) {
		unsigned cpu = ~0U;
		uint32_t before = rs->cpu_id;

		if (syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 && cpu == before &&
		    rs->cpu_id == before && rs->cpu_id_start == before)
			return 1;
	}
	return 0;
}

/* Run by the exec test: the new program's glibc could register its own area. */
__attribute__((constructor)) static void exec_probe(void)
{
	if (getenv("RSEQ_TEST_PROBE"))
		_exit(__rseq_size > 0 && my_area()->cpu_id != CPU_ID_UNINITIALIZED &&
			      my_area()->cpu_id < 4096 ? 0 : 1);
}

/* The section's descriptor (struct rseq_cs), defined by the asm below. */
struct cs_desc {
	uint32_t version, flags;
	uint64_t start_ip, post_commit_offset, abort_ip;
};
extern const struct cs_desc rseq_test_cs;

/*
 * Count iters down inside a critical section. Returns 1 when the kernel sent us to the
 * abort handler, 0 when the count ran out. The signature sits in the four bytes before
 * the abort label. (noinline: the asm defines a symbol, so it must appear once.)
 */
__attribute__((noinline)) static int spin_in_section(struct rseq *rs, unsigned long iters)
{
	int aborted;

	__asm__ volatile(".pushsection .data.rseq_test_cs, \"aw\"\n\t"
			 ".balign 32\n\t"
			 ".globl rseq_test_cs\n"
			 "rseq_test_cs:\n\t"
			 ".long 0, 0\n\t"
			 ".quad 1f, (2f - 1f), 4f\n\t"
			 ".popsection\n\t"
			 "leaq rseq_test_cs(%%rip), %%rax\n\t"
			 "movq %%rax, %[cs]\n"
			 "1:\n\t"
			 "subq $1, %[n]\n\t"
			 "jnz 1b\n"
			 "2:\n\t"
			 "movl $0, %[ab]\n\t"
			 "jmp 5f\n\t"
			 ".long 0x53053053\n" /* RSEQ_SIG */
			 "4:\n\t"
			 "movl $1, %[ab]\n"
			 "5:\n\t"
			 : [ab] "=m"(aborted), [n] "+r"(iters), [cs] "=m"(rs->rseq_cs)
			 :
			 : "rax", "memory", "cc");
	return aborted;
}

static volatile sig_atomic_t alarms;
static volatile uint64_t alarm_ip, alarm_cs;

/* Where the signal frame says the thread was, and what rseq_cs held, at delivery. */
static void on_alarm(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	alarm_ip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	alarm_cs = my_area()->rseq_cs;
	alarms++;
}

TEST(glibc_registered_an_area_and_its_cpu_id_is_the_current_cpu)
{
	ASSERT_LT(0, __rseq_size) TH_LOG("glibc's registration failed");
	EXPECT_TRUE(cpu_matches(my_area()));
	EXPECT_EQ(0, my_area()->rseq_cs);
}

TEST(bad_registrations_fail_as_on_linux)
{
	static __thread struct rseq other;
	struct rseq *rs = my_area();

	ASSERT_LT(0, __rseq_size);
	errno = 0;
	EXPECT_EQ(-1, rseq_call(rs, AREA_LEN, 0, RSEQ_SIG));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, rseq_call(rs, AREA_LEN, 0, RSEQ_SIG + 1));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, rseq_call(&other, AREA_LEN, 0, RSEQ_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rseq_call(rs, AREA_LEN, 2, RSEQ_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rseq_call(rs, AREA_LEN, RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, rseq_call(rs, AREA_LEN + 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rseq_call(&other, AREA_LEN, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	EXPECT_EQ(EINVAL, errno);

	/* Unregistered, the area says so, and another area can be registered. */
	ASSERT_EQ(0, rseq_call(rs, AREA_LEN, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	EXPECT_EQ(CPU_ID_UNINITIALIZED, rs->cpu_id);
	EXPECT_EQ(-1, rseq_call(rs, AREA_LEN, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rseq_call((char *)&other + 8, AREA_LEN, 0, RSEQ_SIG));
	EXPECT_EQ(EINVAL, errno); /* misaligned */
	EXPECT_EQ(-1, rseq_call(&other, 16, 0, RSEQ_SIG));
	EXPECT_EQ(EINVAL, errno); /* too short */
	EXPECT_EQ(-1, rseq_call((void *)0xffff800000000000UL, AREA_LEN, 0, RSEQ_SIG));
	EXPECT_EQ(EFAULT, errno);
	other.cpu_id = CPU_ID_UNINITIALIZED;
	ASSERT_EQ(0, rseq_call(&other, AREA_LEN, 0, 0x12345678));
	EXPECT_TRUE(cpu_matches(&other));
	EXPECT_EQ(-1, rseq_call(&other, AREA_LEN, 0, 0x12345678));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, rseq_call(&other, AREA_LEN, RSEQ_FLAG_UNREGISTER, 0x12345678));
	EXPECT_EQ(CPU_ID_UNINITIALIZED, other.cpu_id);
	/* glibc's area back, as it was */
	ASSERT_EQ(0, rseq_call(rs, AREA_LEN, 0, RSEQ_SIG));
	EXPECT_TRUE(cpu_matches(rs));
}

TEST(a_signal_inside_a_critical_section_sends_the_thread_to_its_abort_handler)
{
	struct itimerval it = { .it_value = { 0, 20000 } };
	struct sigaction sa = { .sa_sigaction = on_alarm, .sa_flags = SA_SIGINFO };
	struct rseq *rs = my_area();
	uint64_t start, end;
	int tries = 0;

	ASSERT_LT(0, __rseq_size);
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	/*
	 * Without the kernel's help each pass counts down for about ten seconds; a switch
	 * to another task (natively, on a busy machine) may abort one before the signal.
	 */
	while (!alarms && tries++ < 1000)
		ASSERT_EQ(1, spin_in_section(rs, 1UL << 35));
	ASSERT_EQ(1, alarms);
	EXPECT_EQ(0, rs->rseq_cs) TH_LOG("the kernel clears rseq_cs when it aborts");
	EXPECT_EQ(0, alarm_cs) TH_LOG("cleared before the handler ran");
	start = rseq_test_cs.start_ip;
	end = start + rseq_test_cs.post_commit_offset;
	EXPECT_TRUE(alarm_ip < start || alarm_ip >= end)
	TH_LOG("the signal frame holds %#lx, inside the section [%#lx, %#lx)",
	       (unsigned long)alarm_ip, (unsigned long)start, (unsigned long)end);
	/* A section that ends by itself is not aborted. */
	EXPECT_EQ(0, spin_in_section(rs, 1000));
}

TEST(being_switched_away_inside_a_critical_section_aborts_it)
{
	cpu_set_t one;
	pid_t pid;
	int st;

	ASSERT_LT(0, __rseq_size);
	/* one CPU for both (natively too), so that the spinning child must preempt us */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		alarm(20);
		for (;;)
			;
	}
	EXPECT_EQ(1, spin_in_section(my_area(), 1UL << 35));
	EXPECT_EQ(0, my_area()->rseq_cs);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
}

struct thread_check {
	struct rseq *main_area;
	int ok;
};

static void *thread_area(void *arg)
{
	struct thread_check *c = arg;
	struct rseq *rs = my_area();

	c->ok = rs != c->main_area && cpu_matches(rs) &&
		rseq_call(rs, AREA_LEN, 0, RSEQ_SIG) == -1 && errno == EBUSY;
	return NULL;
}

TEST(a_fork_keeps_the_registration_and_a_thread_has_its_own)
{
	struct thread_check c = { my_area(), 0 };
	pthread_t th;
	int st;
	pid_t pid = fork();

	ASSERT_LT(0, __rseq_size);
	ASSERT_LE(0, pid);
	if (pid == 0) /* still registered at the same address: EBUSY, not EINVAL */
		_exit(cpu_matches(my_area()) && rseq_call(my_area(), AREA_LEN, 0, RSEQ_SIG) == -1 &&
			      errno == EBUSY ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	ASSERT_EQ(0, pthread_create(&th, NULL, thread_area, &c));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(1, c.ok);
}

TEST(an_exec_drops_the_registration_so_the_new_program_makes_its_own)
{
	int st;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *argv[] = { "rseq_test", NULL };
		char *envp[] = { "RSEQ_TEST_PROBE=1", NULL };

		execve("/proc/self/exe", argv, envp);
		_exit(2);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
