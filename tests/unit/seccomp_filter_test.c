/*
 * Unit tests of the stub filters of skas=seccomp (arch/um-lite/os/security.c), loaded into
 * a child of the test on the host. A "code page" with "syscall; ret" stands for the stub's
 * code page; calls made through it come from inside, calls made by the test's own code
 * from outside. What the filter lets through runs on the host; what it traps raises
 * SIGSYS (the handler records the call and answers TRAPPED); what it kills, dies. A child
 * under a filter cannot even exit cleanly, so it reports through shared memory.
 */
// UNIT-OBJS: arch/um-lite/os/security.o
// UNIT-LIBS: -lseccomp
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "os.h"

#define TRAPPED 0x7badL
#define TASK_SIZE 0x7fc000000000UL

#define WINDOW_FD 16 /* the windows pinned in the control filter: [16, 32) */

static uint8_t *code;              /* the stub page: "syscall; ret" at 0, a restorer at 16 */
static volatile uint32_t word;     /* the pinned futex word */
static int efd;                    /* the control thread's eventfd */
static const uint64_t done = 1, failed = 2, other = 3; /* what it may write */
static volatile long trapped_nr = -1;
static volatile int *result;       /* shared with the children */
/* The guest filter's futex words: (w & futex_mask) == futex_base (default: word only). */
static uint64_t futex_base, futex_mask = ~0ULL;
static uint8_t *slots;             /* 4 "slots" of 4 KiB, aligned to their 16 KiB */

static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	trapped_nr = si->si_syscall;
	uc->uc_mcontext.gregs[REG_RAX] = TRAPPED;
}

/* System call nr made from the code page. */
static long inside(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ volatile("call *%[site]"
			 : "=a"(ret), "+r"(r10), "+r"(r8), "+r"(r9)
			 : [site] "r"(code), "a"(nr), "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "memory");
	return ret;
}

/* The SIGSYS handler returns through code[16] (rt_sigreturn from the "stub page"). */
static int load(struct os_bpf_insn *prog, int len)
{
	struct sock_fprog fp = { .len = (unsigned short)len, .filter = (void *)prog };
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		uint64_t mask;
	} sa = { (void *)on_sigsys, SA_SIGINFO | 0x04000000 /* SA_RESTORER */, code + 16, 0 };

	if (syscall(SYS_rt_sigaction, SIGSYS, &sa, NULL, 8))
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp);
}

/*
 * Run fn in a child under the guest (ctl = 0) or control (ctl = 1) filter. Returns fn's
 * result, or -1 when it did not return; *status gets the child's wait status.
 */
static int under_filter(int ctl, int physfd, int (*fn)(int), int *status)
{
	static struct os_bpf_insn prog[256];
	uint64_t lo = (uint64_t)code, hi = lo + 4096;
	const struct os_ctl_filter pins = {
		.code_lo = lo, .code_hi = hi, .physmem_fd = (uint64_t)physfd, .task_size = TASK_SIZE,
		.seq_word = (uint64_t)&word, .event_fd = (uint64_t)efd,
		.done_buf = (uint64_t)&done, .failed_buf = (uint64_t)&failed,
		.window_fd = WINDOW_FD, .nr_windows = 16,
	};
	int len = ctl ? os_seccomp_ctl_filter(prog, 256, &pins)
		      : os_seccomp_guest_filter(prog, 256, lo, hi,
							futex_base ? futex_base : (uint64_t)&word,
							futex_mask);
	pid_t pid;

	*status = -1;
	*result = -1;
	if (len <= 0)
		return -2;
	pid = fork();
	if (pid == 0) {
		if (load(prog, len) == 0)
			*result = fn(physfd);
		_exit(0); /* traps (then dies on glibc's hlt) or is killed under the filter */
	}
	for (int i = 0; i < 200 && waitpid(pid, status, WNOHANG) == 0; i++)
		usleep(10000);
	if (*status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, status, 0);
	}
	return *result;
}

FIXTURE(filters)
{
	int physfd;
};

FIXTURE_SETUP(filters)
{
	static const uint8_t stub[] = { 0x0f, 0x05, 0xc3 }; /* syscall; ret */
	static const uint8_t restorer[] = { 0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05 }; /* rt_sigreturn */

	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, code);
	memcpy(code, stub, sizeof(stub));
	memcpy(code + 16, restorer, sizeof(restorer));
	result = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, result);
	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	self->physfd = memfd_create("physmem", 0);
	ASSERT_LE(0, self->physfd);
	ASSERT_EQ(0, ftruncate(self->physfd, 1 << 20));
}

FIXTURE_TEARDOWN(filters)
{
	close(self->physfd);
	close(efd);
}

/* Exit codes of the children: 0 when every expectation held, else the failing step. */
static int guest_outside_traps(int fd)
{
	if (syscall(SYS_getppid) != TRAPPED || trapped_nr != SYS_getppid)
		return 1;
	if (syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0) != TRAPPED)
		return 2; /* even the hand-off call, from outside */
	if (syscall(SYS_rt_sigreturn) != TRAPPED)
		return 3;
	return 0;
}

TEST_F(filters, guest_calls_from_outside_the_stub_page_all_trap)
{
	int st;

	EXPECT_EQ(0, under_filter(0, self->physfd, guest_outside_traps, &st));
}

static int guest_inside(int fd)
{
	uint32_t other = 0;
	uint64_t mask;
	stack_t ss;

	if (inside(SYS_futex, (long)&word, FUTEX_WAKE, 1, 0, 0, 0) != 0)
		return 1; /* allowed: nobody to wake */
	if (inside(SYS_futex, (long)&word, FUTEX_WAIT, 1, 0, 0, 0) != -EAGAIN)
		return 2; /* allowed: the value differs */
	if (inside(SYS_futex, (long)&other, FUTEX_WAKE, 1, 0, 0, 0) != TRAPPED)
		return 3; /* another word */
	if (inside(SYS_futex, (long)&word, FUTEX_CMP_REQUEUE, 1, 0, (long)&other, 0) != TRAPPED)
		return 4; /* another operation */
	if (inside(SYS_futex, (long)&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0) != TRAPPED)
		return 5;
	if (inside(SYS_sched_yield, 0, 0, 0, 0, 0, 0) != 0)
		return 6;
	if (inside(SYS_mmap, 0, 4096, PROT_READ, MAP_SHARED, fd, 0) != TRAPPED)
		return 7;
	if (inside(SYS_getpid, 0, 0, 0, 0, 0, 0) != TRAPPED)
		return 8;
	if (inside(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, (long)&other, 0, 0, 0, 0) != TRAPPED)
		return 9;
	if (inside(SYS_write, 1, (long)"x", 1, 0, 0, 0) != TRAPPED)
		return 10;
	if (inside(SYS_rt_sigprocmask, SIG_SETMASK, 0, (long)&mask, 8, 0, 0) != 0)
		return 11; /* a new thread's start (as rt_sigreturn can) */
	if (inside(SYS_sigaltstack, 0, (long)&ss, 0, 0, 0, 0) != 0)
		return 12;
	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, 0, &mask, 8) != TRAPPED)
		return 13; /* not from outside */
	return 0;
}

TEST_F(filters, guest_calls_from_the_stub_page_run_only_the_pinned_hand_off)
{
	int st;

	EXPECT_EQ(0, under_filter(0, self->physfd, guest_inside, &st));
}

static int ctl_allowed(int fd)
{
	long a = inside(SYS_mmap, 0x200000000L, 8192, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 4096);

	if (a != 0x200000000L)
		return 1;
	if (inside(SYS_mprotect, a, 4096, PROT_READ | PROT_WRITE, 0, 0, 0) != 0)
		return 2;
	if (inside(SYS_munmap, a, 8192, 0, 0, 0, 0) != 0)
		return 3;
	if (inside(SYS_futex, (long)&word, FUTEX_WAIT, 1, 0, 0, 0) != -EAGAIN)
		return 4; /* its sleep, on the pinned word */
	if (inside(SYS_write, efd, (long)&done, 8, 0, 0, 0) != 8)
		return 5;
	if (inside(SYS_write, efd, (long)&failed, 8, 0, 0, 0) != 8)
		return 6;
	return 0;
}

/* Under a filter whose futex words are the state words (offset 0) of the 4 slots. */
static int guest_slot_words(int fd)
{
	for (int i = 0; i < 4; i++)
		if (inside(SYS_futex, (long)(slots + i * 4096), FUTEX_WAKE, 1, 0, 0, 0) != 0)
			return 1 + i;
	if (inside(SYS_futex, (long)(slots + 4096 + 4), FUTEX_WAKE, 1, 0, 0, 0) != TRAPPED)
		return 5; /* inside a slot, not its state word */
	if (inside(SYS_futex, (long)(slots + 16384), FUTEX_WAKE, 1, 0, 0, 0) != TRAPPED)
		return 6; /* past the last slot */
	if (inside(SYS_futex, (long)(slots - 4096), FUTEX_WAKE, 1, 0, 0, 0) != TRAPPED)
		return 7; /* before the first */
	if (inside(SYS_futex, (long)(slots + 4096), FUTEX_CMP_REQUEUE, 1, 0, (long)slots, 0) !=
	    TRAPPED)
		return 8;
	return 0;
}

TEST_F(filters, guest_futex_calls_name_only_the_slots_state_words)
{
	uint8_t *area = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			     0);
	int st;

	ASSERT_NE(MAP_FAILED, area);
	slots = (uint8_t *)(((uintptr_t)area + 32768) & ~(uintptr_t)16383);
	futex_base = (uint64_t)slots;
	futex_mask = ~(uint64_t)16383 | 4095;
	EXPECT_EQ(0, under_filter(0, self->physfd, guest_slot_words, &st));
	futex_base = 0;
	futex_mask = ~0ULL;
	munmap(area, 65536);
}

TEST_F(filters, the_control_thread_maps_the_physmem_descriptor_below_the_stub)
{
	uint64_t v = 0;
	int st;

	EXPECT_EQ(0, under_filter(1, self->physfd, ctl_allowed, &st));
	EXPECT_EQ(8, read(efd, &v, 8));
	EXPECT_EQ(3, v); /* both reports arrived */
	/* and then its exit, which nothing needs, killed it */
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
}

/* A window descriptor (a read-only file in a real stub): mapped read-only and executable. */
static int ctl_window(int fd)
{
	long a = inside(SYS_mmap, 0x200000000L, 4096, PROT_READ | PROT_EXEC,
			MAP_SHARED | MAP_FIXED, WINDOW_FD + 3, 0);

	return a == 0x200000000L ? 0 : 1;
}

TEST_F(filters, the_control_thread_maps_a_window_read_only)
{
	int st;

	ASSERT_EQ(WINDOW_FD + 3, dup2(self->physfd, WINDOW_FD + 3));
	EXPECT_EQ(0, under_filter(1, self->physfd, ctl_window, &st));
	close(WINDOW_FD + 3);
}

static int ctl_window_write(int fd)
{
	inside(SYS_mmap, 0x200000000L, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
	       WINDOW_FD, 0);
	return 0;
}

static int ctl_past_windows(int fd)
{
	inside(SYS_mmap, 0x200000000L, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, WINDOW_FD + 16, 0);
	return 0;
}

static int ctl_other_fd(int fd)
{
	inside(SYS_mmap, 0x200000000L, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, fd + 1, 0);
	return 0;
}

static int ctl_not_fixed(int fd)
{
	inside(SYS_mmap, 0x200000000L, 4096, PROT_READ, MAP_SHARED, fd, 0);
	return 0;
}

static int ctl_above(int fd)
{
	inside(SYS_munmap, (long)TASK_SIZE, 4096, 0, 0, 0, 0);
	return 0;
}

static int ctl_outside(int fd)
{
	syscall(SYS_getpid);
	return 0;
}

static int ctl_exec_bit(int fd)
{
	inside(SYS_mprotect, 0x200000000L, 4096, 0x10 /* PROT_SEM */, 0, 0, 0);
	return 0;
}

static int ctl_other_report(int fd)
{
	inside(SYS_write, efd, (long)&other, 8, 0, 0, 0);
	return 0;
}

static int ctl_other_fd_report(int fd)
{
	inside(SYS_write, 1, (long)&done, 8, 0, 0, 0);
	return 0;
}

static int ctl_wake(int fd)
{
	inside(SYS_futex, (long)&word, FUTEX_WAKE, 1, 0, 0, 0);
	return 0;
}

TEST_F(filters, anything_else_kills_the_control_thread)
{
	int (*const fns[])(int) = { ctl_other_fd, ctl_not_fixed, ctl_above, ctl_outside,
				   ctl_exec_bit, ctl_other_report, ctl_other_fd_report, ctl_wake,
				   ctl_window_write, ctl_past_windows };

	for (unsigned i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		int st;

		EXPECT_EQ(-1, under_filter(1, self->physfd, fns[i], &st)) TH_LOG("case %u", i);
		EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
			TH_LOG("case %u: %#x", i, st);
	}
}

TEST_HARNESS_MAIN
