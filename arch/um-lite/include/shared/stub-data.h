/*
 * The SKAS stub's data pages: a queue of host system calls that the kernel fills and the
 * stub executes (mmap/munmap/mprotect of its own address space), the stub's results, and
 * the stub's stack.
 *
 * Trust: guest code runs in the same host process as the stub and can read these pages,
 * and write any of them the host maps writable. The queue would be a way out of the
 * sandbox if the guest could write it (a queued open or execve runs on the host), so:
 *   - the queue (struct stub_queue, the first STUB_QUEUE_SIZE bytes) is mapped read-only
 *     in the stub: the kernel makes it so with the first call it queues in every new
 *     address space, before any guest code runs there;
 *   - the kernel never reads the queue's length back from these pages: it keeps its own
 *     count and writes ncalls and the calls itself just before resuming the stub at
 *     stub_entry_queue (no guest code runs in between: only one host thread of all stubs
 *     runs at a time, skas_host.c);
 *   - the results and the stack (struct stub_result, then STUB_STACK_TOP) are writable and
 *     the kernel treats every value it reads back from them as untrusted.
 * Any system call the guest makes itself, even from inside the stub page, is intercepted
 * by PTRACE_SYSEMU and never reaches the host.
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

/* At STUB_DATA; read-only in the stub. */
struct stub_queue {
	uint32_t ncalls; /* calls queued by the kernel */
	uint32_t pad;
	struct stub_call calls[STUB_MAX_CALLS];
};

#define STUB_QUEUE_SIZE (2 * UM_PAGE_SIZE)

/* At STUB_RESULT, writable by the stub (and so by the guest). */
struct stub_result {
	int64_t err;   /* first failing result (negative errno), or 0 */
	uint32_t done; /* calls the stub completed before stopping */
};

#define STUB_RESULT (STUB_DATA + STUB_QUEUE_SIZE)

/* The stub stack grows down from the top of the data area. */
#define STUB_STACK_TOP (STUB_DATA + STUB_DATA_SIZE - 64)

/* Entry points in the stub code page (fixed by stub.lds). */
#define STUB_ENTRY_RUN_QUEUE (STUB_CODE + 0x0)
#define STUB_ENTRY_SYSCALL (STUB_CODE + 0x10)

#endif
