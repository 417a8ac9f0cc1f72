/*
 * The seccomp SKAS stub (skas=seccomp): the only host code in a guest address space's host
 * process. A static program without libc, linked at STUB_CODE by skas/seccomp_stub.lds,
 * exec'd and set up by skas/seccomp_host.c (which explains the whole design and why it is
 * safe). This file is the code that runs afterwards, in its threads:
 *
 *   - the leader (the spawner) stays in a ptrace stop; the kernel runs stub_sc_spawn in
 *     it to create a guest thread: it maps the thread's hand-off slot and clones. It has
 *     no filter of its own and never runs anything else (every signal blocked, it is
 *     traced: nothing but the kernel makes it run).
 *   - each guest thread runs guest code. It starts in stub_sc_thread_start, which installs
 *     its seccomp filter first (with every signal blocked, registers and read-only memory
 *     only), then its signal stack (in its slot) and an empty mask. Every system call it
 *     makes outside this page, and every call other than the handful of hand-off calls
 *     inside it, raises SIGSYS (the seccomp filter); faults raise SIGSEGV/SIGBUS/..., the
 *     kernel's kick SIGVTALRM. All of them enter stub_sc_handler on the signal stack in
 *     the thread's slot, which records the trap, hands it to the kernel (slot.state and a
 *     futex on it), waits for the kernel's answer, installs the FS/GS bases the kernel
 *     asks for and returns: rt_sigreturn then restores the registers the kernel wrote
 *     into the frame.
 *   - the control thread sleeps on a futex in the read-only request pages; the kernel
 *     bumps it to have the thread execute the mmap/munmap/mprotect calls queued there,
 *     and the thread reports on its eventfd. Its loop uses registers only, no stack and
 *     no writable memory, so guest code cannot steer it (and cannot write the eventfd,
 *     nor wake it: both calls trap in the guest threads).
 * Before any guest code runs, the kernel runs stub_sc_setup once in the (traced) leader:
 * it maps the request pages, installs the handlers, blocks every signal in the leader and
 * creates the control thread (which installs its own filter and reports).
 *
 * Compiled with -mgeneral-regs-only: the handler must not touch the FPU/SSE state (the
 * host saved the guest's in the frame and gives the handler a fresh one; keeping our
 * hands off it is simply cheaper).
 */
#include <stddef.h>
#include <stdint.h>

#include "as-layout.h"
#include "stub-data.h"
#include "stub-seccomp.h"

#define NR_MMAP 9
#define NR_RT_SIGACTION 13
#define NR_RT_SIGPROCMASK 14
#define NR_RT_SIGRETURN 15
#define NR_SCHED_YIELD 24
#define NR_GETPID 39
#define NR_CLONE 56
#define NR_SIGALTSTACK 131
#define NR_PRCTL 157
#define NR_ARCH_PRCTL 158
#define NR_FUTEX 202
#define NR_SECCOMP 317
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 1
#define MAP_FIXED 0x10
#define PR_SET_DUMPABLE 4
#define PR_SET_NO_NEW_PRIVS 38
#define SIG_SETMASK 2
#define SECCOMP_SET_MODE_FILTER 1
#define EIO 5
/* CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM */
#define CLONE_CTL 0x00050f00
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define SIGSYS 31

_Static_assert(offsetof(struct stub_queue, ncalls) == 0, "queue layout (asm below)");
_Static_assert(offsetof(struct stub_queue, calls) == 8, "queue layout (asm below)");
_Static_assert(sizeof(struct stub_call) == 56, "queue layout (asm below)");
_Static_assert(STUB_MAX_CALLS == 120, "queue layout (asm below)");
_Static_assert(STUB_DATA == 0x7fc000010000UL, "queue address (asm below)");
_Static_assert(STUB_SC_CONF_SEQ == 0x7fc000012000UL, "conf address (asm below)");
_Static_assert(offsetof(struct stub_sc_conf, done) == 16, "conf layout (asm below)");
_Static_assert(offsetof(struct stub_sc_conf, failed) == 24, "conf layout (asm below)");
_Static_assert(STUB_EVENT_FD == 4, "eventfd (asm below)");
_Static_assert(STUB_SLOT_SIZE == 0x8000, "slot size (asm below)");
_Static_assert(offsetof(struct stub_slot, ss_sp) == 24, "slot layout (asm below)");
_Static_assert(STUB_SC_SETUP + offsetof(struct stub_sc_setup, guest_prog) == 0x7fc000012158UL,
	       "guest filter address (asm below)");
_Static_assert(STUB_SC_SETUP + offsetof(struct stub_sc_setup, mask_none) == 0x7fc000012128UL,
	       "empty mask address (asm below)");

/*
 * The entry table (offsets fixed in stub-seccomp.h), then stub_sc_spawn and the start of a
 * guest thread, then stub_sc_clone and the control thread.
 * stub_sc_spawn(slot, slot_phys), run by the kernel in the traced leader: map the slot
 * (MAP_SHARED | MAP_FIXED of the physmem descriptor), clone a thread whose stack pointer
 * is the slot's top, stop at the int3 with the result in rax (the new thread's id, or
 * what failed). The new thread inherits the leader's registers (r12: its slot) and its
 * mask (everything blocked): it installs the guest filter before anything else, then its
 * signal stack (slot.ss_*) and an empty mask (both allowed from this page by the filter),
 * and parks: its first system call, its first hand-off. A failure there is a ud2 with
 * every signal blocked: the process dies, and the kernel sees it.
 * stub_sc_clone stub_sc_clone(flags, &mask_all, &ctl_prog) returns the new thread's id to the
 * caller; the new thread runs on the caller's stack pointer but never touches memory
 * other than the read-only request pages: it blocks every signal, installs its filter,
 * reports "done" (or "failed", and dies) on its eventfd, then loops: sleep on conf.seq
 * until the kernel changes it (r12: the last value served), run the queue (r13 walks the
 * calls, r14 is their count, at most STUB_MAX_CALLS, r15 the index), report.
 */
__asm__(".section .text.stub_entry,\"ax\",@progbits\n"
	".globl stub_sc_park\n"
	"stub_sc_park:\n"
	"	mov $39, %eax\n"
	"	syscall\n"
	"	ud2\n"
	"	.balign 16\n"
	"stub_sc_handler_entry:\n"
	"	jmp stub_sc_handler\n"
	"	.balign 16\n"
	"stub_sc_restorer:\n"
	"	mov $15, %eax\n"
	"	syscall\n"
	"	ud2\n"
	"	.balign 16\n"
	"stub_sc_setup_entry:\n"
	"	call stub_sc_setup\n"
	"	int3\n"
	"	ud2\n"
	"	.balign 16\n"
	"stub_sc_spawn_entry:\n"
	"	jmp stub_sc_spawn\n"
	"	.balign 16\n"
	"stub_sc_spawn:\n"
	"	mov %rdi, %r12\n"
	"	mov %rsi, %r9\n"
	"	mov $9, %eax\n"
	"	mov $0x8000, %esi\n"
	"	mov $3, %edx\n"
	"	mov $0x11, %r10d\n"
	"	mov $3, %r8d\n"
	"	syscall\n"
	"	cmp %rax, %r12\n"
	"	jne 1f\n"
	"	mov $56, %eax\n"
	"	mov $0x00050f00, %edi\n"
	"	lea 0x8000(%r12), %rsi\n"
	"	xor %edx, %edx\n"
	"	xor %r10d, %r10d\n"
	"	xor %r8d, %r8d\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jz stub_sc_thread_start\n"
	"1:	int3\n"
	"	ud2\n"
	"stub_sc_thread_start:\n"
	"	mov $317, %eax\n"
	"	mov $1, %edi\n"
	"	xor %esi, %esi\n"
	"	movabs $0x7fc000012158, %rdx\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 2f\n"
	"	mov $131, %eax\n"
	"	lea 24(%r12), %rdi\n"
	"	xor %esi, %esi\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 2f\n"
	"	mov $14, %eax\n"
	"	mov $2, %edi\n"
	"	movabs $0x7fc000012128, %rsi\n"
	"	xor %edx, %edx\n"
	"	mov $8, %r10d\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 2f\n"
	"	jmp stub_sc_park\n"
	"2:	ud2\n"
	"stub_sc_clone:\n"
	"	mov %rsi, %r8\n"
	"	mov %rdx, %r9\n"
	"	mov $56, %eax\n"
	"	xor %esi, %esi\n"
	"	xor %edx, %edx\n"
	"	xor %r10d, %r10d\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jz 1f\n"
	"	ret\n"
	"1:	mov $14, %eax\n"
	"	mov $2, %edi\n"
	"	mov %r8, %rsi\n"
	"	xor %edx, %edx\n"
	"	mov $8, %r10d\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 9f\n"
	"	mov $317, %eax\n"
	"	mov $1, %edi\n"
	"	xor %esi, %esi\n"
	"	mov %r9, %rdx\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 9f\n"
	"	xor %r12d, %r12d\n"
	"	jmp 6f\n"
	"2:	mov $202, %eax\n"
	"	movabs $0x7fc000012000, %rdi\n"
	"	xor %esi, %esi\n"
	"	mov %r12d, %edx\n"
	"	xor %r10d, %r10d\n"
	"	syscall\n"
	"	movabs $0x7fc000012000, %rdi\n"
	"	mov (%rdi), %eax\n"
	"	cmp %eax, %r12d\n"
	"	je 2b\n"
	"	mov %eax, %r12d\n"
	"	movabs $0x7fc000010000, %r13\n"
	"	mov (%r13), %r14d\n"
	"	cmp $120, %r14d\n"
	"	ja 7f\n"
	"	add $8, %r13\n"
	"	xor %r15d, %r15d\n"
	"3:	cmp %r14d, %r15d\n"
	"	jae 6f\n"
	"	mov (%r13), %rax\n"
	"	mov 8(%r13), %rdi\n"
	"	mov 16(%r13), %rsi\n"
	"	mov 24(%r13), %rdx\n"
	"	mov 32(%r13), %r10\n"
	"	mov 40(%r13), %r8\n"
	"	mov 48(%r13), %r9\n"
	"	syscall\n"
	"	cmp $-4095, %rax\n"
	"	jae 7f\n"
	"	add $56, %r13\n"
	"	inc %r15d\n"
	"	jmp 3b\n"
	"6:	movabs $0x7fc000012010, %rsi\n" /* done */
	"	jmp 8f\n"
	"7:	movabs $0x7fc000012018, %rsi\n" /* failed */
	"8:	mov $1, %eax\n"
	"	mov $4, %edi\n"
	"	mov $8, %edx\n"
	"	syscall\n"
	"	jmp 2b\n"
	"9:	movabs $0x7fc000012018, %rsi\n" /* its own setup failed: report, then die */
	"	mov $1, %eax\n"
	"	mov $4, %edi\n"
	"	mov $8, %edx\n"
	"	syscall\n"
	"	ud2\n"
	".text\n");

/* The parts of the x86_64 siginfo the handler reads. */
struct stub_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	uint64_t addr; /* si_addr; SIGSYS: _call_addr */
	int32_t syscall;
	uint32_t arch;
};

static inline long sc0(long n)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(n) : "rcx", "r11", "memory");
	return ret;
}

static inline long sc3(long n, long a1, long a2, long a3)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long sc4(long n, long a1, long a2, long a3, long a4)
{
	register long r10 __asm__("r10") = a4;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long sc6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline uint32_t load_acq(volatile uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/*
 * Wait until the kernel sets the state back to GUEST: spin first (a fast call is answered
 * within a microsecond or two, a page fault within some), unless the kernel says it runs
 * another stub now (nap); then yield the CPU for a while (so that another stub the kernel
 * resumed meanwhile on this CPU runs at once, and the CPU stays awake: waking a sleeping
 * thread on another CPU costs ~30 us to several ms on these virtual machines), then
 * sleep on the futex.
 */
static void wait_for_kernel(volatile struct stub_slot *s, const volatile struct stub_sc_conf *c)
{
	uint32_t spin = c->spin;
	uint64_t budget = c->yield_tsc, t0;

	for (uint32_t i = 0; i < spin && !s->nap; i++) {
		if (load_acq(&s->state) == STUB_SLOT_GUEST)
			return;
		__builtin_ia32_pause();
	}
	for (t0 = __builtin_ia32_rdtsc(); __builtin_ia32_rdtsc() - t0 < budget;) {
		if (load_acq(&s->state) == STUB_SLOT_GUEST)
			return;
		sc0(NR_SCHED_YIELD);
	}
	for (;;) {
		__atomic_store_n(&s->stub_sleeping, 1, __ATOMIC_SEQ_CST);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (load_acq(&s->state) == STUB_SLOT_GUEST)
			break;
		sc4(NR_FUTEX, (long)&s->state, FUTEX_WAIT, STUB_SLOT_KERNEL, 0);
	}
	__atomic_store_n(&s->stub_sleeping, 0, __ATOMIC_RELAXED);
}

/* Give the trap to the kernel: publish it, wake the kernel if it sleeps, then wait. */
static void hand_off(volatile struct stub_slot *s, const volatile struct stub_sc_conf *c)
{
	__atomic_store_n(&s->state, STUB_SLOT_KERNEL, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->kernel_sleeping, __ATOMIC_RELAXED))
		sc3(NR_FUTEX, (long)&s->state, FUTEX_WAKE, 1);
	wait_for_kernel(s, c);
}

static void set_base(int which, uint64_t v, uint32_t fsgsbase)
{
	if (!fsgsbase)
		sc3(NR_ARCH_PRCTL, which, (long)v, 0);
	else if (which == ARCH_SET_FS)
		__asm__ volatile("wrfsbase %0" : : "r"(v) : "memory");
	else
		__asm__ volatile("wrgsbase %0" : : "r"(v) : "memory");
}

void stub_sc_handler(int sig, struct stub_siginfo *si, void *uc);

void stub_sc_handler(int sig, struct stub_siginfo *si, void *uc)
{
	const volatile struct stub_sc_conf *conf = (const volatile void *)STUB_SC_CONF;
	uint64_t off = (uint64_t)uc - STUB_SLOTS;
	volatile struct stub_slot *s;
	uint32_t fsgsbase = conf->fsgsbase, set;

	/* The frame is on this thread's signal stack, in its slot; anywhere else: die. */
	if (off >= STUB_SLOTS_SIZE || (off & (STUB_SLOT_SIZE - 1)) < STUB_SLOT_STACK_OFF)
		__builtin_trap();
	s = (volatile struct stub_slot *)(STUB_SLOTS + (off & ~(STUB_SLOT_SIZE - 1)));

	s->trap.signo = sig;
	s->trap.code = si->si_code;
	s->trap.addr = si->addr;
	s->trap.arch = sig == SIGSYS ? si->arch : 0;
	s->trap.uc = (uint64_t)uc;
	s->trap.bases_valid = fsgsbase;
	if (fsgsbase) {
		uint64_t fs, gs;

		__asm__ volatile("rdfsbase %0" : "=r"(fs));
		__asm__ volatile("rdgsbase %0" : "=r"(gs));
		s->trap.fs_base = fs;
		s->trap.gs_base = gs;
	}
	hand_off(s, conf);
	set = s->set_bases;
	if (set & 1)
		set_base(ARCH_SET_FS, s->fs_base, fsgsbase);
	if (set & 2)
		set_base(ARCH_SET_GS, s->gs_base, fsgsbase);
}

long stub_sc_clone(long flags, const volatile uint64_t *mask_all,
		   const volatile struct stub_sc_fprog *prog);
long stub_sc_setup(uint64_t req_phys);

/*
 * Run once by the kernel (ptrace) in the leader before any guest thread exists: the
 * request pages (read-only), no new privileges and no core dumps, the handlers, every
 * signal blocked in the leader (guest threads start so), and the control thread. Returns
 * 0 or the first failure (-errno).
 */
long stub_sc_setup(uint64_t req_phys)
{
	const volatile struct stub_sc_setup *su = (const volatile void *)STUB_SC_SETUP;
	uint32_t n;
	long r = sc6(NR_MMAP, STUB_DATA, STUB_DATA_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED,
		     STUB_PHYSMEM_FD, (long)req_phys);

	r = r == (long)STUB_DATA ? 0 : r < 0 ? r : -EIO;
	if (!r)
		r = sc6(NR_PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0);
	if (!r)
		r = sc6(NR_PRCTL, PR_SET_DUMPABLE, 0, 0, 0, 0, 0);
	n = su->nsignals;
	for (uint32_t i = 0; !r && i < n && i < STUB_SC_MAX_SIGNALS; i++)
		r = sc4(NR_RT_SIGACTION, su->signals[i], (long)&su->act_handler, 0, 8);
	if (!r)
		r = sc4(NR_RT_SIGPROCMASK, SIG_SETMASK, (long)&su->mask_all, 0, 8);
	if (!r) {
		r = stub_sc_clone(CLONE_CTL, &su->mask_all, &su->ctl_prog);
		r = r > 0 ? 0 : r ? r : -EIO;
	}
	return r;
}
