/*
 * The seccomp SKAS stub (skas=seccomp): the only host code in a guest address space's host
 * process. A static program without libc, linked at STUB_CODE by skas/seccomp_stub.lds,
 * exec'd and set up by skas/seccomp_host.c (which explains the whole design and why it is
 * safe). This file is the code that runs afterwards, in its two threads:
 *
 *   - the guest thread runs guest code. Every system call it makes outside this page, and
 *     every call other than the handful of hand-off calls inside it, raises SIGSYS (the
 *     seccomp filter); faults raise SIGSEGV/SIGBUS/..., the kernel's kick SIGVTALRM. All
 *     of them enter stub_sc_handler on the signal stack in the hand-off slot, which
 *     records the trap, hands it to the kernel (slot.state and a futex on it), waits for
 *     the kernel's answer, installs the FS/GS bases the kernel asks for and returns:
 *     rt_sigreturn then restores the registers the kernel wrote into the frame.
 *   - the control thread never runs on its own: it sits in a ptrace stop, and the kernel
 *     resumes it at stub_sc_run_queue to execute the mmap/munmap/mprotect calls queued
 *     in the read-only request pages. That loop uses registers only, no stack and no
 *     writable memory, so guest code cannot steer it; it stops with int3, the result in
 *     rax (0 or -errno) and the index reached in r14.
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

#define NR_RT_SIGRETURN 15
#define NR_GETPID 39
#define NR_FUTEX 202
#define NR_ARCH_PRCTL 158
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define SIGSYS 31

_Static_assert(offsetof(struct stub_data, ncalls) == 8, "queue layout (asm below)");
_Static_assert(offsetof(struct stub_data, calls) == 16, "queue layout (asm below)");
_Static_assert(sizeof(struct stub_call) == 56, "queue layout (asm below)");
_Static_assert(STUB_MAX_CALLS == 120, "queue layout (asm below)");
_Static_assert(STUB_DATA == 0x7fc000010000UL, "queue address (asm below)");

/*
 * The entry table (offsets fixed in stub-seccomp.h), then the queue runner: r12 walks
 * the calls, r13 is their count (at most STUB_MAX_CALLS), r14 the index.
 */
__asm__(".section .text.stub_entry,\"ax\",@progbits\n"
	".globl stub_sc_queue, stub_sc_park\n"
	"stub_sc_queue:\n"
	"	jmp stub_sc_run_queue\n"
	"	.balign 16\n"
	"stub_sc_syscall:\n"
	"	syscall\n"
	"	int3\n"
	"	jmp stub_sc_syscall\n"
	"	.balign 16\n"
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
	"stub_sc_run_queue:\n"
	"	movabs $0x7fc000010000, %r12\n"
	"	mov 8(%r12), %r13d\n"
	"	mov $-7, %rax\n" /* -E2BIG for a count the kernel never writes */
	"	cmp $120, %r13d\n"
	"	ja 3f\n"
	"	add $16, %r12\n"
	"	xor %r14d, %r14d\n"
	"1:	cmp %r13d, %r14d\n"
	"	jae 2f\n"
	"	mov (%r12), %rax\n"
	"	mov 8(%r12), %rdi\n"
	"	mov 16(%r12), %rsi\n"
	"	mov 24(%r12), %rdx\n"
	"	mov 32(%r12), %r10\n"
	"	mov 40(%r12), %r8\n"
	"	mov 48(%r12), %r9\n"
	"	syscall\n"
	"	cmp $-4095, %rax\n"
	"	jae 3f\n"
	"	add $56, %r12\n"
	"	inc %r14d\n"
	"	jmp 1b\n"
	"2:	xor %eax, %eax\n"
	"3:	int3\n"
	"	jmp stub_sc_run_queue\n"
	".text\n");

/* The parts of the x86_64 siginfo the handler reads. */
struct stub_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	uint64_t addr; /* si_addr; SIGSYS: _call_addr */
	int32_t syscall;
	uint32_t arch;
};

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

static inline uint32_t load_acq(volatile uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Wait until the kernel sets the state back to GUEST: spin first, then sleep. */
static void wait_for_kernel(volatile struct stub_slot *s, uint32_t spin)
{
	for (uint32_t i = 0; i < spin; i++) {
		if (load_acq(&s->state) == STUB_SLOT_GUEST)
			return;
		__builtin_ia32_pause();
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
static void hand_off(volatile struct stub_slot *s, uint32_t spin)
{
	__atomic_store_n(&s->state, STUB_SLOT_KERNEL, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->kernel_sleeping, __ATOMIC_RELAXED))
		sc3(NR_FUTEX, (long)&s->state, FUTEX_WAKE, 1);
	wait_for_kernel(s, spin);
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
	volatile struct stub_slot *s = (volatile struct stub_slot *)STUB_SLOT;
	const volatile struct stub_sc_conf *conf = (const volatile struct stub_sc_conf *)STUB_SC_CONF;
	uint32_t fsgsbase = conf->fsgsbase, set;

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
	hand_off(s, conf->spin);
	set = s->set_bases;
	if (set & 1)
		set_base(ARCH_SET_FS, s->fs_base, fsgsbase);
	if (set & 2)
		set_base(ARCH_SET_GS, s->gs_base, fsgsbase);
}
