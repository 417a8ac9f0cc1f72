/*
 * Guest test: attempts to escape the SKAS stub. A guest program with full control of its
 * registers and memory tries to make the host run a system call the kernel did not
 * intend: it scans the stub area above its address space for syscall instructions and
 * jumps to each with crafted registers (mkdir of a marker, mmap of guessed descriptors,
 * futex on the stub's hand-off word), unmaps and mprotects the stub, scribbles on every
 * stub page it can write, forges a hand-off, blocks SIGSYS, returns through the stub's
 * rt_sigreturn with a mask that blocks every trap and the preemption signal, makes a
 * system call with a garbage stack pointer, and races the hand-off from a second thread
 * (rewriting the first thread's slot and saved registers while it makes calls, or its
 * state word while it spins).
 *
 * Every attempt must end with an error, with the call served by the kernel (the marker
 * appears in the guest's filesystem), or with the attempting process's death; the rest of
 * the instance keeps working. Runs natively (the oracle: no stub there, so the jumps have
 * nowhere to go) and under both SKAS backends. tests/bats/skas.bats checks the host
 * side: a marker directory named on the command line must stay absent on the host.
 *
 *   stub_escape_test [--markers=DIR] [harness options]
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* Where um-lite puts its stub (as-layout.h); an attacker finds it by scanning. */
#define STUB_AREA 0x7fc000000000UL
#define STUB_AREA_SIZE (256UL * 4096)
#define STUB_SLOT_GUESS (STUB_AREA + 0x2000000UL) /* skas=seccomp's first hand-off slot */
#define SLOT_SIZE_GUESS 0x8000UL
#define SLOT_TRAP_OFF 64 /* the trap record in a slot: signo, code, addr, uc */
#define MAX_SITES 256

static const char *marker_dir;
static char default_dir[64];
static pid_t main_pid;
static uint64_t sites[MAX_SITES];
static int nsites;

/* ---- probing memory */

static sigjmp_buf probe_jb;

static void probe_fault(int sig)
{
	siglongjmp(probe_jb, sig);
}

static void catch_faults(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = SA_NODEFER | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

static void *altstack(void)
{
	static char *mem;
	stack_t ss;

	if (!mem)
		mem = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ss.ss_sp = mem;
	ss.ss_size = 65536;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	return mem;
}

/* 1 when the byte at p can be read (or, with write, written back unchanged). */
static int accessible(volatile uint8_t *p, int write)
{
	int ok = 0;

	catch_faults(probe_fault);
	if (sigsetjmp(probe_jb, 1) == 0) {
		uint8_t v = *p;

		if (write)
			*p = v;
		ok = 1;
	}
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	return ok;
}

/* Every "syscall" byte pair (0f 05) in the readable pages of the stub area. */
static int find_sites(void)
{
	if (nsites)
		return nsites;
	altstack();
	for (uint64_t a = STUB_AREA; a < STUB_AREA + STUB_AREA_SIZE; a += 4096) {
		const uint8_t *p = (const uint8_t *)a;

		if (!accessible((volatile uint8_t *)p, 0))
			continue;
		for (int i = 0; i < 4095 && nsites < MAX_SITES; i++)
			if (p[i] == 0x0f && p[i + 1] == 0x05)
				sites[nsites++] = a + i;
	}
	return nsites;
}

static int stub_present(void)
{
	return accessible((volatile uint8_t *)STUB_AREA, 0);
}

/* ---- jumping into the stub with crafted registers */

struct jregs {
	uint64_t rax, rdi, rsi, rdx, r10, r8, r9, rsp, rip, other;
};

void escape_jump(const struct jregs *r) __attribute__((noreturn));
__asm__(".text\n"
	".globl escape_jump\n"
	"escape_jump:\n"
	"	mov %rdi, %r11\n"
	"	mov 72(%r11), %rbx\n"
	"	mov %rbx, %rbp\n"
	"	mov %rbx, %r12\n"
	"	mov %rbx, %r13\n"
	"	mov %rbx, %r14\n"
	"	mov %rbx, %r15\n"
	"	mov 8(%r11), %rdi\n"
	"	mov 16(%r11), %rsi\n"
	"	mov 24(%r11), %rdx\n"
	"	mov 32(%r11), %r10\n"
	"	mov 40(%r11), %r8\n"
	"	mov 48(%r11), %r9\n"
	"	mov 56(%r11), %rsp\n"
	"	mov 0(%r11), %rax\n"
	"	jmp *64(%r11)\n");

static sigjmp_buf jump_jb;
static volatile int sig_seen;

static void jump_over(int sig)
{
	sig_seen = sig;
	siglongjmp(jump_jb, sig);
}

/* Scratch memory for the registers that are not arguments, and a stack. */
static char *scratch(void)
{
	static char *mem;

	if (!mem)
		mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			   0);
	return mem;
}

/*
 * In a child: prepare (prep(r), which may build what the jump needs: pages the child
 * touches are mapped into its new stub), jump to r->rip with the registers of r, get back
 * on the first signal (the stub code that follows the syscall instruction faults, traps
 * or loops until the alarm), then exit with after(arg), or RECOVERED + the signal.
 * Returns the child's wait status.
 */
#define RECOVERED 64
static int jump_in_child(struct jregs *r, void (*prep)(struct jregs *), int (*after)(void *),
			 void *arg)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGALRM, SIGSYS };
	struct itimerval it = { { 0, 0 }, { 0, 300000 } };
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = jump_over;
		sa.sa_flags = SA_ONSTACK | SA_NODEFER;
		altstack();
		for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaction(sigs[i], &sa, NULL);
		if (!r->rsp)
			r->rsp = (uint64_t)scratch() + (1 << 20) - 4096;
		r->other = (uint64_t)scratch() + 4096;
		if (prep)
			prep(r);
		setitimer(ITIMER_REAL, &it, NULL);
		if (sigsetjmp(jump_jb, 1) == 0)
			escape_jump(r);
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, NULL);
		_exit(after ? after(arg) : RECOVERED + sig_seen);
	}
	waitpid(pid, &status, 0);
	return status;
}

static void marker_path(char *buf, size_t len, const char *what, int i)
{
	snprintf(buf, len, "%s/%s-%d", marker_dir, what, i);
}

/* mkdir -p of the marker directory, so that a call the kernel serves can create one. */
static void make_marker_dir(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s", marker_dir);
	for (char *p = path + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(path, 0755);
			*p = '/';
		}
	}
	mkdir(path, 0755);
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* ---- the attempts */

TEST(every_syscall_instruction_in_the_stub_is_intercepted)
{
	char path[512];

	make_marker_dir();
	if (!stub_present()) {
		ASSERT_EQ(0, find_sites()); /* native: nothing up there */
		return;
	}
	ASSERT_LT(0, find_sites());
	for (int i = 0; i < nsites; i++) {
		struct jregs r = { .rax = SYS_mkdir, .rip = sites[i] };

		marker_path(path, sizeof(path), "site", i);
		r.rdi = (uint64_t)path;
		r.rsi = 0755;
		jump_in_child(&r, NULL, NULL, NULL);
		/* The kernel served the call: the marker is in the guest's filesystem. */
		EXPECT_TRUE(exists(path)) TH_LOG("site %d at %#lx", i, (unsigned long)sites[i]);
	}
}

static int hole_faults(void *hole)
{
	return accessible(hole, 0) ? 1 : 0;
}

TEST(mmap_of_guessed_descriptors_from_the_stub_maps_nothing)
{
	static const uint64_t offsets[] = { 0, 1 << 20, 16 << 20, 64 << 20 };
	char *hole;

	altstack(); /* mapped now, so that nothing the children map lands in the hole */
	scratch();
	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, munmap(hole, 4096));
	for (int fd = 3; fd < 16; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue; /* the harness's own descriptors */
		for (unsigned k = 0; k < sizeof(offsets) / sizeof(offsets[0]); k++) {
			/* The guest's own call first: the kernel knows no such descriptor. */
			void *m = mmap(hole, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, fd,
				       (off_t)offsets[k]);

			EXPECT_EQ(MAP_FAILED, m);
			EXPECT_FALSE(accessible((volatile uint8_t *)hole, 0));
		}
	}
	find_sites();
	for (int i = 0; i < nsites; i++) {
		for (int fd = 3; fd < 8; fd++) {
			if (fcntl(fd, F_GETFD) >= 0)
				continue;
			struct jregs r = { .rax = SYS_mmap, .rdi = (uint64_t)hole, .rsi = 4096,
					   .rdx = PROT_READ | PROT_WRITE,
					   .r10 = MAP_SHARED | MAP_FIXED, .r8 = (uint64_t)fd,
					   .r9 = offsets[i % 4], .rip = sites[i] };
			int st = jump_in_child(&r, NULL, hole_faults, hole);

			/* Nothing got mapped (or the child died trying). */
			EXPECT_FALSE(WIFEXITED(st) && WEXITSTATUS(st) != 0)
				TH_LOG("site %#lx fd %d mapped something", (long)sites[i], fd);
		}
	}
}

TEST(the_stub_cannot_be_unmapped_or_made_writable)
{
	uint8_t before[256], *code = (uint8_t *)STUB_AREA;
	int present = stub_present();

	if (present)
		memcpy(before, code, sizeof(before));
	if (munmap(code, 16384) == 0)
		EXPECT_FALSE(present); /* only where nothing was mapped */
	EXPECT_EQ(-1, mprotect(code, 16384, PROT_READ | PROT_WRITE | PROT_EXEC));
	EXPECT_EQ(-1, mprotect((void *)(STUB_AREA + 0x10000), 16384, PROT_READ | PROT_WRITE));
	if (present) {
		ASSERT_TRUE(accessible(code, 0));
		EXPECT_EQ(0, memcmp(before, code, sizeof(before)));
		EXPECT_FALSE(accessible(code, 1));
	}
	EXPECT_EQ(getppid(), (pid_t)syscall(SYS_getppid));
}

TEST(a_raw_sigprocmask_blocking_the_trap_signals_changes_nothing)
{
	uint64_t block = (1ULL << (SIGSYS - 1)) | (1ULL << (SIGSEGV - 1)) |
			 (1ULL << (SIGVTALRM - 1)) | (1ULL << (SIGALRM - 1));
	uint64_t old = 0, none = 0;
	char path[512];

	make_marker_dir();
	marker_path(path, sizeof(path), "masked", 0);
	ASSERT_EQ(0, syscall(SYS_rt_sigprocmask, SIG_BLOCK, &block, &old, 8));
	EXPECT_EQ(0, syscall(SYS_mkdir, path, 0755));
	EXPECT_TRUE(exists(path));
	EXPECT_EQ(getpid(), (pid_t)syscall(SYS_getpid));
	ASSERT_EQ(0, syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8));
}

/* ---- rt_sigreturn through the stub with a crafted frame */

struct frame {
	uint64_t pretcode;
	uint64_t uc_flags, uc_link, ss_sp;
	int32_t ss_flags, ss_pad;
	uint64_t ss_size;
	uint64_t gregs[18]; /* r8..r15 di si bp bx dx ax cx sp ip flags */
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate, reserved[8];
	uint64_t sigmask;
	uint8_t info[128];
};

enum { F_DI = 8, F_SP = 15, F_IP = 16, F_FLAGS = 17 };

static char crafted_path[512];
static void (*crafted_fn)(void);

static void after_sigreturn_mkdir(void)
{
	syscall(SYS_mkdir, crafted_path, 0755);
	syscall(SYS_exit, 0);
	for (;;)
		;
}

static void after_sigreturn_spin(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}

/*
 * Build (in the process that jumps, so that its stub has the pages) a frame that resumes
 * at crafted_fn with every signal blocked, as the host would have saved it.
 */
static void crafted_frame(struct jregs *r)
{
	struct frame *f = (struct frame *)(scratch() + 65536);
	char *stack = scratch() + (1 << 19);

	memset(stack - 8192, 0, 8192);
	memset(f, 0, sizeof(*f));
	f->gregs[F_SP] = ((uint64_t)stack & ~15UL) - 8;
	f->gregs[F_IP] = (uint64_t)crafted_fn;
	f->gregs[F_FLAGS] = 0x202;
	f->cs = 0x33;
	f->ss = 0x2b;
	f->sigmask = ~0ULL;
	r->rsp = (uint64_t)f + 8; /* as after the restorer's return popped pretcode */
}

/*
 * rt_sigreturn through the stub's syscall instruction at site (natively, site 0: our own
 * one) into fn, in a child unless fork is 0 (then this process jumps and never returns).
 */
static int sigreturn_in_child(uint64_t site, void (*fn)(void), int fork)
{
	static const uint8_t own_syscall[] = { 0x0f, 0x05, 0x0f, 0x0b };
	struct jregs r = { .rax = SYS_rt_sigreturn, .rip = site };

	if (!site) {
		void *x = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		memcpy(x, own_syscall, sizeof(own_syscall));
		r.rip = (uint64_t)x;
	}
	crafted_fn = fn;
	if (!fork) {
		altstack();
		r.other = (uint64_t)scratch() + 4096;
		crafted_frame(&r);
		escape_jump(&r);
	}
	return jump_in_child(&r, crafted_frame, NULL, NULL);
}

TEST(a_crafted_sigreturn_from_the_stub_cannot_block_the_traps)
{
	int n;

	make_marker_dir();
	n = stub_present() ? find_sites() : 0;
	for (int i = 0; i <= n; i++) {
		uint64_t site = i < n ? sites[i] : 0;
		int st;

		marker_path(crafted_path, sizeof(crafted_path), "sigreturn", i);
		st = sigreturn_in_child(site, after_sigreturn_mkdir, 1);
		/* The kernel served the mkdir, or the process died: nothing else. */
		if (WIFEXITED(st)) {
			EXPECT_TRUE(WEXITSTATUS(st) == 0 && exists(crafted_path))
				TH_LOG("site %d: exit %d", i, WEXITSTATUS(st));
		} else {
			EXPECT_TRUE(WIFSIGNALED(st));
		}
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(blocking_the_preemption_signal_neither_starves_others_nor_survives_a_kill)
{
	struct timespec nap = { 0, 200 * 1000 * 1000 };
	int n = stub_present() ? find_sites() : 0;

	if (n > 6)
		n = 6; /* (which rt_sigreturn it goes through does not matter: keep it short) */
	for (int i = 0; i <= n; i++) {
		double t0;
		int st;
		pid_t pid = fork();

		if (pid == 0) /* blocks every signal, then spins without a system call */
			sigreturn_in_child(i < n ? sites[i] : 0, after_sigreturn_spin, 0);
		ASSERT_LT(0, pid);
		t0 = now();
		nanosleep(&nap, NULL); /* needs the CPU back from the spinning child */
		EXPECT_GT(5.0, now() - t0) TH_LOG("site %d", i);
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		EXPECT_TRUE(WIFSIGNALED(st)) TH_LOG("site %d: status %#x", i, st);
	}
}

TEST(futex_on_the_hand_off_word_from_the_stub_does_not_hang_the_kernel)
{
	static const int ops[] = { FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT | FUTEX_PRIVATE_FLAG,
				   FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP };
	const unsigned nops = sizeof(ops) / sizeof(ops[0]);
	int n = stub_present() ? find_sites() : 0;

	/*
	 * Every operation from the first site, one from each other (the filter tests the
	 * page a call comes from, not the instruction).
	 */
	for (int i = 0; i < n; i++) {
		unsigned first = i ? (unsigned)i % nops : 0, end = i ? first + 1 : nops;

		for (unsigned k = first; k < end; k++) {
			struct jregs r = { .rax = SYS_futex, .rdi = STUB_SLOT_GUESS, .rsi = ops[k],
					   .rdx = 0, .r10 = 0, .r8 = STUB_AREA + 0x10000,
					   .r9 = 0, .rip = sites[i] };
			int st = jump_in_child(&r, NULL, NULL, NULL);

			EXPECT_TRUE(WIFEXITED(st) || WIFSIGNALED(st));
		}
	}
	EXPECT_EQ(getpid(), (pid_t)syscall(SYS_getpid));
}

/* ---- writing the stub's pages */

/* After scribbling: the kernel still serves this process correctly (0), or not (2, 3). */
static int still_works(int which)
{
	char path[512];

	marker_path(path, sizeof(path), "scribbled", which);
	if (syscall(SYS_mkdir, path, 0755) != 0 || !exists(path))
		return 2;
	return getpid() == (pid_t)syscall(SYS_getpid) ? 0 : 3;
}

static int scribble_everything(void)
{
	for (uint64_t a = STUB_AREA; a < STUB_AREA + STUB_AREA_SIZE; a += 4096)
		if (accessible((volatile uint8_t *)a, 1))
			memset((void *)a, 0xa5, 4096);
	for (uint64_t a = STUB_SLOT_GUESS; a < STUB_SLOT_GUESS + 4 * SLOT_SIZE_GUESS; a += 4096)
		if (accessible((volatile uint8_t *)a, 1))
			memset((void *)a, 0xa5, 4096);
	return still_works(0);
}

/*
 * skas=seccomp's hand-off slot (stub-seccomp.h; an attacker reads the layout from the
 * binary): state at 0, the trap record at SLOT_TRAP_OFF (signo, code, addr, uc). A forged hand-off
 * says "SIGSYS, frame here" while this process keeps running: the kernel may serve the
 * forged mkdir concurrently, or kill the process, but must stay correct and alive.
 */
static int forge_hand_off(void)
{
	volatile uint32_t *state = (volatile uint32_t *)STUB_SLOT_GUESS;
	uint64_t *trap = (uint64_t *)(STUB_SLOT_GUESS + SLOT_TRAP_OFF);
	uint64_t uc = STUB_SLOT_GUESS + 0x3000;
	struct frame *f = (struct frame *)(uc - 8);
	char path[512];
	double t0;

	if (!accessible((volatile uint8_t *)state, 1))
		return still_works(1);
	marker_path(path, sizeof(path), "forged", 0);
	memset(f, 0, sizeof(*f));
	f->gregs[13] = SYS_mkdir; /* ax */
	f->gregs[F_DI] = (uint64_t)path;
	f->gregs[9] = 0755;       /* si */
	f->gregs[F_IP] = (uint64_t)forge_hand_off;
	trap[0] = SIGSYS | (1ULL << 32); /* signo, code SYS_SECCOMP */
	trap[1] = 0;
	trap[2] = uc;
	*state = 1;
	for (t0 = now(); *state == 1 && now() - t0 < 2.0;)
		;
	return still_works(1);
}

TEST(scribbling_on_the_stub_pages_and_forging_a_hand_off_are_survivable)
{
	make_marker_dir();
	for (int forge = 0; forge < 2; forge++) {
		int st;
		pid_t pid = fork();

		if (pid == 0) {
			altstack();
			_exit(forge ? forge_hand_off() : scribble_everything());
		}
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		/* It works on, or the kernel killed it: never a wrong answer. */
		EXPECT_TRUE((WIFEXITED(st) && WEXITSTATUS(st) == 0) || WIFSIGNALED(st))
			TH_LOG("forge %d: status %#x", forge, st);
		if (forge) {
			char path[512];

			marker_path(path, sizeof(path), "forged", 0);
			TH_LOG("the forged hand-off was %sserved", exists(path) ? "" : "not ");
		}
	}
	EXPECT_EQ(getpid(), (pid_t)syscall(SYS_getpid));
}

/* ---- racing the hand-off from a second thread */

struct race {
	volatile int stop;
	int mode;
	uint64_t site;       /* a syscall instruction of the stub */
	char path[512];      /* what a redirected call would create */
	uint64_t pages[64];  /* writable stub pages (mode 3) */
	int npages;
};

/*
 * The second thread: while the first runs, rewrite its slot (slot 0: the process's first
 * thread) again and again. Mode 0: its state word (GUEST, KERNEL, neither); 1: its trap
 * record (a SIGSYS whose frame is anywhere in the signal stack); 2: the saved registers
 * of its last trap (a mkdir from a syscall instruction of the stub, as if it had jumped
 * there); 3: every writable page of the stub area; 4: its state word and the flag that
 * says it sleeps, both cleared (so that the kernel's wake-up may be skipped).
 */
static void *racer(void *arg)
{
	struct race *r = arg;
	volatile uint32_t *state = (volatile uint32_t *)STUB_SLOT_GUESS;
	volatile uint64_t *trap = (volatile uint64_t *)(STUB_SLOT_GUESS + SLOT_TRAP_OFF);

	for (unsigned i = 0; !r->stop; i++) {
		uint64_t uc = trap[2];
		volatile uint64_t *g = (volatile uint64_t *)(uc + 40); /* uc_mcontext */

		switch (r->mode) {
		case 0:
			*state = i % 3;
			break;
		case 1:
			trap[0] = SIGSYS | (1ULL << 32);
			trap[2] = STUB_SLOT_GUESS + 4096 + (i * 8) % (SLOT_SIZE_GUESS - 8192);
			break;
		case 2:
			if (uc < STUB_SLOT_GUESS + 4096 || uc > STUB_SLOT_GUESS + SLOT_SIZE_GUESS - 512)
				break;
			g[13] = SYS_mkdir; /* ax */
			g[8] = (uint64_t)r->path; /* di */
			g[9] = 0755; /* si */
			g[16] = r->site; /* ip */
			break;
		case 3:
			memset((void *)r->pages[i % r->npages], (int)i, 4096);
			break;
		default:
			state[0] = 0;
			state[1] = 0;
			break;
		}
	}
	return NULL;
}

/* The first thread: calls (mkdir, mmap, munmap, getppid), or none (spin). */
static void race_work(int calls, double secs)
{
	char path[512];

	for (double t0 = now(); now() - t0 < secs;) {
		if (!calls)
			continue;
		marker_path(path, sizeof(path), "raced", 0);
		syscall(SYS_mkdir, path, 0755);
		munmap(mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		       8192);
		syscall(SYS_getppid);
	}
}

static int race_in_child(int mode, int calls)
{
	static struct race r;
	pthread_t th;

	r.mode = mode;
	r.site = nsites ? sites[0] : 0;
	snprintf(r.path, sizeof(r.path), "%s", marker_dir);
	for (uint64_t a = STUB_AREA; a < STUB_AREA + STUB_AREA_SIZE && r.npages < 32; a += 4096)
		if (accessible((volatile uint8_t *)a, 1))
			r.pages[r.npages++] = a;
	for (uint64_t a = STUB_SLOT_GUESS; a < STUB_SLOT_GUESS + 4 * SLOT_SIZE_GUESS; a += 4096)
		if (accessible((volatile uint8_t *)a, 1))
			r.pages[r.npages++] = a;
	if ((mode != 3 && !accessible((volatile uint8_t *)STUB_SLOT_GUESS, 1)) || !r.npages)
		return 0; /* no hand-off slot (skas=ptrace, native): nothing to race */
	if (pthread_create(&th, NULL, racer, &r))
		return 5;
	race_work(calls, 0.3);
	r.stop = 1;
	pthread_join(th, NULL);
	return 0;
}

TEST(racing_the_hand_off_from_a_second_thread_reaches_no_host_call)
{
	struct timespec nap = { 0, 100 * 1000 * 1000 };

	make_marker_dir();
	if (stub_present())
		find_sites();
	for (int mode = 0; mode < 6; mode++) {
		int st;
		double t0;
		pid_t pid = fork();

		if (pid == 0) {
			altstack();
			_exit(race_in_child(mode % 5, mode < 5)); /* 5: mode 0 while it spins */
		}
		ASSERT_LT(0, pid);
		t0 = now();
		nanosleep(&nap, NULL); /* the kernel keeps serving others meanwhile */
		EXPECT_GT(5.0, now() - t0) TH_LOG("mode %d", mode);
		/*
		 * It may confuse itself for good (its calls "return" before the kernel
		 * answered them): then a SIGKILL must still end it.
		 */
		for (t0 = now(); waitpid(pid, &st, WNOHANG) == 0;) {
			if (now() - t0 > 3.0) {
				kill(pid, SIGKILL);
				ASSERT_EQ(pid, waitpid(pid, &st, 0));
				break;
			}
			nanosleep(&nap, NULL);
		}
		/* It worked on, or died: never a hang, never a call outside the kernel. */
		EXPECT_TRUE((WIFEXITED(st) && WEXITSTATUS(st) == 0) || WIFSIGNALED(st))
			TH_LOG("mode %d: status %#x", mode, st);
		TH_LOG("race mode %d: %s %d", mode, WIFSIGNALED(st) ? "killed by signal" :
		       "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	}
	EXPECT_EQ(getpid(), (pid_t)syscall(SYS_getpid));
}

/* ---- the stack pointer */

static volatile uint64_t saved_rsp;

/* getpid with rsp = sp during the syscall. */
static long getpid_with_rsp(uint64_t sp)
{
	long ret;

	__asm__ volatile("mov %%rsp, saved_rsp(%%rip)\n\t"
			 "mov %1, %%rsp\n\t"
			 "mov $39, %%eax\n\t"
			 "syscall\n\t"
			 "mov saved_rsp(%%rip), %%rsp\n\t"
			 : "=a"(ret)
			 : "r"(sp)
			 : "rcx", "r11", "memory");
	return ret;
}

TEST(a_system_call_with_a_garbage_stack_pointer_is_served)
{
	EXPECT_EQ(getpid(), getpid_with_rsp(0xdead000UL));
	EXPECT_EQ(getpid(), getpid_with_rsp(0));
	EXPECT_EQ(getpid(), getpid_with_rsp(~0UL));
}

TEST(a_system_call_with_the_stack_pointer_in_the_stub_is_served_or_fatal)
{
	static const uint64_t sps[] = { STUB_SLOT_GUESS + 0x1100, STUB_SLOT_GUESS + 0x8000,
					STUB_AREA + 0x10100, STUB_AREA + 0x100 };

	for (unsigned i = 0; i < sizeof(sps) / sizeof(sps[0]); i++) {
		int st;
		pid_t pid = fork();

		if (pid == 0)
			_exit(getpid_with_rsp(sps[i]) == getpid() ? 0 : 1);
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		EXPECT_TRUE((WIFEXITED(st) && WEXITSTATUS(st) == 0) || WIFSIGNALED(st))
			TH_LOG("rsp %#lx: status %#x", (unsigned long)sps[i], st);
	}
}

/* The markers are empty directories: remove them and their directory at the end. */
static void remove_markers(void)
{
	char path[600];
	struct dirent *e;
	DIR *d;

	if (getpid() != main_pid || !(d = opendir(marker_dir)))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", marker_dir, e->d_name);
		rmdir(path);
	}
	closedir(d);
	rmdir(marker_dir);
}

int main(int argc, char **argv)
{
	main_pid = getpid();
	snprintf(default_dir, sizeof(default_dir), "/tmp/umlite-escape-%d", (int)main_pid);
	marker_dir = default_dir;
	atexit(remove_markers);
	if (argc > 1 && !strncmp(argv[1], "--markers=", 10)) {
		marker_dir = argv[1] + 10;
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	return test_harness_run(argc, argv);
}
