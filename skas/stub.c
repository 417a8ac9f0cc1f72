/*
 * The SKAS stub: the only host code in a guest address space's host process.
 *
 * It is a static program without libc, linked at STUB_CODE (skas/stub.lds). The kernel
 * execs it for every new guest address space (skas_host.c), maps the stub data pages
 * (STUB_DATA) from the physmem file, and afterwards only ever resumes it in two places:
 *   - stub_entry_queue (STUB_CODE + 0): execute the queue of host system calls the
 *     kernel wrote into struct stub_queue (mmap/munmap/mprotect of guest pages), report in
 *     struct stub_result, then stop with int3. The stack is STUB_STACK_TOP in the data
 *     pages. The queue page is read-only here (stub-data.h says why).
 *   - stub_entry_syscall (STUB_CODE + 16): execute the one system call in the registers,
 *     then stop with int3 (used before the data pages exist).
 * Guest code runs in the same process under PTRACE_SYSEMU, so any syscall instruction it
 * executes, even one inside this page, is intercepted rather than run on the host.
 *
 * Compiled with -mgeneral-regs-only: the stub must not touch the guest's FPU/SSE state,
 * which lives in this host thread between guest runs.
 */
#include <stdint.h>

#include "as-layout.h"
#include "stub-data.h"

void stub_run_queue(void);

__asm__(".section .text.stub_entry,\"ax\",@progbits\n"
	".globl stub_entry_queue\n"
	"stub_entry_queue:\n"
	"	call stub_run_queue\n"
	"	int3\n"
	"	jmp stub_entry_queue\n"
	"	.balign 16\n"
	".globl stub_entry_syscall\n"
	"stub_entry_syscall:\n"
	"	syscall\n"
	"	int3\n"
	"	jmp stub_entry_syscall\n"
	".text\n");

static inline long stub_syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

void stub_run_queue(void)
{
	volatile const struct stub_queue *q = (volatile const struct stub_queue *)STUB_DATA;
	volatile struct stub_result *res = (volatile struct stub_result *)STUB_RESULT;
	uint32_t n = q->ncalls, i;

	res->err = 0;
	if (n > STUB_MAX_CALLS)
		n = STUB_MAX_CALLS;
	for (i = 0; i < n; i++) {
		volatile const struct stub_call *c = &q->calls[i];
		long r = stub_syscall6((long)c->nr, (long)c->args[0], (long)c->args[1],
				       (long)c->args[2], (long)c->args[3], (long)c->args[4],
				       (long)c->args[5]);

		if (r < 0 && r > -4096) {
			res->err = r;
			break;
		}
	}
	res->done = i;
}
