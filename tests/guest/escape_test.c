/*
 * Guest test: attempts to leave the SKAS sandbox (DESIGN.md section 3: no guest action may
 * make the host run a system call the kernel did not intend, read kernel memory, or map a
 * page the kernel did not give it). The guest writes the stub's data pages (its queue of
 * host system calls), plants calls in every stub page and makes the kernel flush, runs the
 * stub's entry points as its own code, maps, protects, unmaps and reads the stub area, and
 * single-steps through kernel flushes. Each attempt must fail or end in a signal for the
 * guest. "escape_test escape HOSTPATH" makes every attempt aimed at creating HOSTPATH on
 * the host: tests/bats/hostile.bats checks from the host that the file never appears.
 *
 * The stub area is ordinary user space natively: there the tests check nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "stub_layout.h"
#include "kselftest_harness.h"

static int in_umlite(void)
{
	struct utsname u;

	return uname(&u) == 0 && strstr(u.release, "um-lite") != NULL;
}

static sigjmp_buf probe_jmp;
static volatile sig_atomic_t probe_sig;
static volatile uint64_t probe_rax;

static void probe_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)si;
	probe_sig = sig;
	probe_rax = uc->uc_mcontext.gregs[REG_RAX];
	siglongjmp(probe_jmp, 1);
}

static void catch_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
}

/* Write v at addr; 0 when it worked, the signal number when it faulted. */
static int try_write64(uint64_t addr, uint64_t v)
{
	probe_sig = 0;
	if (sigsetjmp(probe_jmp, 1) == 0)
		*(volatile uint64_t *)addr = v;
	return probe_sig;
}

static int try_read64(uint64_t addr)
{
	probe_sig = 0;
	if (sigsetjmp(probe_jmp, 1) == 0)
		(void)*(volatile uint64_t *)addr;
	return probe_sig;
}

/*
 * Plant host system calls in the stub's queue (and in the writable result/stack pages, in
 * case the kernel read the queue from there): an mmap of the start of the physmem file
 * (kernel memory) at `probe`, then open(hostpath, O_CREAT). `phase` is the word of the
 * queue's count (the calls follow it): 0 for today's layout, 1 for the first one (which
 * had an error word first). Returns how many words went in.
 */
static int plant_queue(const char *hostpath, uint64_t probe, int phase)
{
	static const uint64_t bases[] = { FZ_STUB_DATA, FZ_STUB_RESULT, FZ_STUB_RESULT + 64 };
	uint64_t calls[2][7] = {
		{ SYS_mmap, probe, FZ_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, 3, 0 },
		{ SYS_open, 0, O_CREAT | O_WRONLY, 0644, 0, 0, 0 },
	};
	size_t plen = hostpath ? strlen(hostpath) + 1 : 0;
	int planted = 0, ncalls = hostpath ? 2 : 1;

	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		uint64_t path_at = bases[b] + 3000, q = bases[b] + 8 * phase;

		for (size_t i = 0; i < plen; i += 8) {
			uint64_t w = 0;

			memcpy(&w, hostpath + i, plen - i < 8 ? plen - i : 8);
			planted += try_write64(path_at + i, w) == 0;
		}
		calls[1][1] = path_at;
		for (int c = 0; c < ncalls; c++)
			for (int k = 0; k < 7; k++)
				planted += try_write64(q + 8 + c * 56 + k * 8, calls[c][k]) == 0;
		/* the count last: each probing write makes system calls, and so flushes */
		planted += try_write64(q, ncalls) == 0;
	}
	return planted;
}

/* Make the kernel queue and flush host mappings: a fresh page touched, a protect, an unmap. */
static void make_kernel_flush(void)
{
	char *p = mmap(NULL, 3 * FZ_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return;
	p[0] = 1;
	p[FZ_PAGE] = 2;
	mprotect(p, FZ_PAGE, PROT_READ);
	(void)*(volatile char *)p;
	munmap(p, 3 * FZ_PAGE);
	getpid();
}

/* Run the stub's entry points as guest code. Returns the signal that ended each attempt. */
static int jump_to(uint64_t target, uint64_t rax)
{
	probe_sig = 0;
	probe_rax = 0;
	if (sigsetjmp(probe_jmp, 1) == 0) {
		__asm__ volatile("mov %0, %%rax\n"
				 "call *%1\n"
				 :
				 : "r"(rax), "r"(target)
				 : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
				   "memory");
	}
	return probe_sig;
}

/*
 * Every escape attempt, in one child per attempt family; prints what happened. The host
 * side (hostile.bats) checks that hostpath was never created; here we check that the probe
 * page (which a planted mmap would have filled with kernel memory) stayed unmapped.
 */
static int escape_main(const char *hostpath)
{
	/* the probe page: a hole between two guard pages, so that no mapping reuses it */
	char *probe = mmap(NULL, 3 * FZ_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int bad = 0, sig, planted;

	if (!in_umlite()) {
		fprintf(stderr, "escape: only meaningful inside um-lite\n");
		return 2;
	}
	probe += FZ_PAGE;
	munmap(probe, FZ_PAGE);
	catch_faults();
	for (int phase = 1; phase >= 0; phase--) {
		planted = plant_queue(hostpath, (uint64_t)probe, phase);
		make_kernel_flush();
		sig = try_read64((uint64_t)probe);
		printf("escape: planted %d words in the stub pages; probe page after a flush: %s\n",
		       planted, sig ? "unmapped" : "MAPPED");
		bad |= !sig;
	}
	/*
	 * The stub's own code, entered by the guest: its syscalls must be the guest's. Under
	 * skas=ptrace this entry is "syscall; int3" (SIGTRAP with the guest's getpid in rax);
	 * under skas=seccomp it is the signal handler's, which dies of SIGILL outside a signal
	 * frame (tests/guest/stub_escape_test.c jumps to every syscall of that stub).
	 */
	sig = jump_to(FZ_STUB_CODE + 0x10, SYS_getpid);
	printf("escape: stub syscall entry: signal %d, rax %ld (guest pid %d)\n", sig,
	       (long)probe_rax, getpid());
	bad |= sig == 0 || (sig == SIGTRAP && (long)probe_rax != getpid());
	plant_queue(hostpath, (uint64_t)probe, 0);
	sig = jump_to(FZ_STUB_CODE, 0);
	printf("escape: stub queue entry: signal %d\n", sig);
	bad |= sig == 0;
	make_kernel_flush();
	sig = try_read64((uint64_t)probe);
	printf("escape: probe page at the end: %s\n", sig ? "unmapped" : "MAPPED");
	bad |= !sig;
	printf("escape: %s\n", bad ? "FAILED" : "contained");
	fflush(stdout);
	return bad;
}

/* ---- the test suite */

/* Run fn in a child; return its wait status. */
static int in_child(void (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return st;
}

static void write_stub_queue(void)
{
	*(volatile uint64_t *)FZ_STUB_DATA = 1;
	_exit(0);
}

TEST(the_stub_queue_is_read_only_for_the_guest)
{
	int st;

	if (!in_umlite())
		return; /* natively the address is ordinary user space */
	st = in_child(write_stub_queue);
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) TH_LOG("status %#x", st);
}

static void escape_child(void)
{
	_exit(escape_main(NULL) ? 1 : 0);
}

TEST(planted_stub_calls_never_run_and_stub_code_traps)
{
	int st;

	if (!in_umlite())
		return;
	st = in_child(escape_child);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("status %#x", st);
}

static void *escape_thread(void *unused)
{
	(void)unused;
	return (void *)(long)escape_main(NULL);
}

/* The same attempts from a second thread: its host thread was cloned after the queue was
 * made read-only, and the kernel's queue must not run what this thread planted either. */
static void escape_from_thread_child(void)
{
	pthread_t th;
	void *bad = (void *)1;

	if (pthread_create(&th, NULL, escape_thread, NULL) != 0)
		_exit(2);
	pthread_join(th, &bad);
	_exit(bad ? 1 : 0);
}

TEST(escape_attempts_from_a_second_thread_are_contained_too)
{
	int st;

	if (!in_umlite())
		return;
	st = in_child(escape_from_thread_child);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("status %#x", st);
}

TEST(the_stub_area_cannot_be_mapped_protected_or_read)
{
	static const uint64_t addrs[] = { FZ_STUB_CODE, FZ_STUB_DATA, FZ_STUB_RESULT };
	char buf[64];
	int fd = open("/dev/zero", O_RDONLY), p[2];
	FILE *maps;

	if (!in_umlite())
		return;
	ASSERT_EQ(0, pipe(p));
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		uint64_t a = addrs[i];

		EXPECT_EQ(MAP_FAILED, mmap((void *)a, 2 * FZ_PAGE, PROT_READ | PROT_WRITE |
					   PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
					   -1, 0)) TH_LOG("mmap at %#lx", (long)a);
		EXPECT_EQ(MAP_FAILED, mmap((void *)a, FZ_PAGE, PROT_READ, MAP_SHARED | MAP_FIXED,
					   fd, 0));
		EXPECT_NE(0, mprotect((void *)a, FZ_PAGE, PROT_READ | PROT_WRITE | PROT_EXEC));
		EXPECT_NE(0, munmap((void *)a, FZ_PAGE));
		EXPECT_EQ(-1, read(fd, (void *)a, 8));
		EXPECT_EQ(EFAULT, errno);
		EXPECT_EQ(-1, write(p[1], (void *)a, 8));
		EXPECT_EQ(EFAULT, errno);
	}
	/* a mapping that would run from the guest's top page into the stub area */
	EXPECT_EQ(MAP_FAILED, mmap((void *)(FZ_TASK_SIZE - FZ_PAGE), 2 * FZ_PAGE, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	/* a hint there is moved below the top of guest space */
	void *m = mmap((void *)FZ_STUB_DATA, FZ_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	EXPECT_NE(MAP_FAILED, m);
	EXPECT_LT((uint64_t)m, FZ_TASK_SIZE);
	/* brk there is refused: the break stays where it was */
	void *cur = sbrk(0);
	EXPECT_EQ((long)cur, syscall(SYS_brk, FZ_STUB_DATA));
	/* the guest's maps show nothing of the stub */
	maps = fopen("/proc/self/maps", "r");
	ASSERT_NE(NULL, maps);
	while (fgets(buf, sizeof(buf), maps))
		EXPECT_LT(strtoull(buf, NULL, 16), FZ_TASK_SIZE) TH_LOG("%s", buf);
	fclose(maps);
	close(fd);
}

static volatile int traps;

static void count_trap(int sig)
{
	(void)sig;
	traps++;
}

/* Single-step (TF set) through a page fault and a system call that make the kernel flush. */
static void single_step_through_flush(void)
{
	char *p = mmap(NULL, 2 * FZ_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	signal(SIGTRAP, count_trap);
	__asm__ volatile("pushfq\n orq $0x100, (%%rsp)\n popfq\n"
			 "movb $1, (%0)\n"
			 "movb $1, 4096(%0)\n"
			 "pushfq\n andq $~0x100, (%%rsp)\n popfq\n"
			 :
			 : "r"(p)
			 : "memory", "cc");
	_exit(traps > 0 && p[0] == 1 ? 0 : 3);
}

TEST(a_guest_with_the_trap_flag_set_keeps_running)
{
	int st = in_child(single_step_through_flush);

	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("status %#x", st);
}

/*
 * clone(flags, stack) of a thread that sets *done and exits at once, in assembly (it runs
 * on a stack of its own with nothing of C's set up). Returns the thread's id or -errno.
 */
long clone_thread_raw(unsigned long flags, void *stack, volatile int *done);
__asm__(".text\n"
	".globl clone_thread_raw\n"
	"clone_thread_raw:\n"
	"	mov %rdx, %r9\n"
	"	xor %edx, %edx\n"
	"	xor %r10d, %r10d\n"
	"	xor %r8d, %r8d\n"
	"	mov $56, %eax\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	movl $1, (%r9)\n"
	"	mov $60, %eax\n"
	"	xor %edi, %edi\n"
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n");

static char thread_stack[65536] __attribute__((aligned(64)));
static volatile int thread_done;

/*
 * Make a thread with the trap flag set: under SKAS the kernel clones the new thread's host
 * thread by injecting a call into the stub from the caller's stopped host thread, whose
 * registers hold the guest's TF. The clone must happen once, and the new thread inherits
 * TF (it traps into its handler, on its own stack), as on Linux.
 */
static void single_step_through_clone(void)
{
	long tid;

	signal(SIGTRAP, count_trap);
	__asm__ volatile("pushfq\n orq $0x100, (%%rsp)\n popfq\n" ::: "memory", "cc");
	tid = clone_thread_raw(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			       CLONE_SYSVSEM, thread_stack + sizeof(thread_stack), &thread_done);
	__asm__ volatile("pushfq\n andq $~0x100, (%%rsp)\n popfq\n" ::: "memory", "cc");
	for (int i = 0; tid > 0 && !thread_done && i < 100000; i++)
		sched_yield();
	_exit(tid > 0 && thread_done && traps > 0 ? 0 : 3);
}

TEST(a_thread_created_with_the_trap_flag_set_runs)
{
	int st = in_child(single_step_through_clone);

	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) TH_LOG("status %#x", st);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "escape"))
		return escape_main(argv[2]);
	return test_harness_run(argc, argv);
}
