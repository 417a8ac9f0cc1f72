/*
 * The SKAS stub's data pages: a queue of host system calls that the kernel fills and the
 * stub executes (mmap/munmap/mprotect of its own address space), and the stub's stack.
 *
 * Trust: guest code runs in the same host process and can write these pages. That is
 * harmless in the ptrace backend because the stub only executes the queue when the kernel
 * has just written it and resumed the stopped process at stub_run_queue; any system call
 * the guest makes itself, even from inside the stub page, is intercepted by PTRACE_SYSEMU.
 * The kernel treats every value it reads back from here as untrusted.
 */
#ifndef UM_STUB_DATA_H
#define UM_STUB_DATA_H

#include <stdint.h>
#include "as-layout.h"

struct stub_call {
	uint64_t nr;
	uint64_t args[6];
};

#define STUB_MAX_CALLS 120

struct stub_data {
	int64_t err;   /* first failing result (negative errno), or 0 */
	uint32_t ncalls; /* calls queued by the kernel */
	uint32_t done;   /* calls the stub completed before stopping */
	struct stub_call calls[STUB_MAX_CALLS];
};

/* The stub stack grows down from the top of the data area. */
#define STUB_STACK_TOP (STUB_DATA + STUB_DATA_SIZE - 64)

/* Entry points in the stub code page (fixed by stub.lds). */
#define STUB_ENTRY_RUN_QUEUE (STUB_CODE + 0x0)
#define STUB_ENTRY_SYSCALL (STUB_CODE + 0x10)

#endif
