/*
 * The seccomp SKAS stub (skas=seccomp): fixed addresses, entry points, and the memory it
 * shares with the kernel. Used by the stub program (skas/seccomp_stub.c), the kernel side
 * (skas/seccomp.c) and the host side (skas/seccomp_host.c).
 *
 * A seccomp stub process has two threads and two shared areas, both physmem frames (and
 * an eventfd at STUB_EVENT_FD, written only by the control thread):
 *   - the request pages at STUB_DATA (struct stub_data, the queue of mmap/munmap/mprotect
 *     calls, then struct stub_sc_conf and the setup area): mapped READ-ONLY in the stub,
 *     written only by the kernel through its own mapping;
 *   - the hand-off slot at STUB_SLOT (struct stub_slot, then the signal stack): read-write,
 *     so guest code can write every byte of it, and the kernel treats it as hostile.
 * Shared header: stdint types only.
 */
#ifndef UM_STUB_SECCOMP_H
#define UM_STUB_SECCOMP_H

#include <stdint.h>

#include "as-layout.h"
#include "stub-data.h"

/* Entry points in the seccomp stub's code page (fixed by skas/seccomp_stub.lds). */
#define STUB_SC_ENTRY_PARK (STUB_CODE + 0x00)     /* guest thread: first trap */
#define STUB_SC_ENTRY_HANDLER (STUB_CODE + 0x10)  /* the host signal handler */
#define STUB_SC_ENTRY_RESTORER (STUB_CODE + 0x20) /* rt_sigreturn */
#define STUB_SC_ENTRY_SETUP (STUB_CODE + 0x30)    /* guest thread, traced: set the stub up */

/* The control thread's eventfd, through which it reports (the kernel has the other end). */
#define STUB_EVENT_FD (STUB_PHYSMEM_FD + 1)

/* The hand-off slot of the (one) guest thread: a control page, then the signal stack. */
#define STUB_SLOT (STUB_START + 0x20000UL)
#define STUB_SLOT_ORDER 3
#define STUB_SLOT_SIZE ((1UL << STUB_SLOT_ORDER) * UM_PAGE_SIZE)
#define STUB_SLOT_STACK (STUB_SLOT + UM_PAGE_SIZE)
#define STUB_SLOT_STACK_SIZE (STUB_SLOT_SIZE - UM_PAGE_SIZE)

/* In the read-only request pages, after struct stub_data. */
#define STUB_SC_CONF (STUB_DATA + 0x2000UL)
#define STUB_SC_SETUP (STUB_DATA + 0x2100UL)
#define STUB_SC_SETUP_SIZE (STUB_DATA_SIZE - 0x2100UL)

/* What the stub reads from the request pages (the guest cannot change it). */
struct stub_sc_conf {
	uint32_t seq;       /* bumped (then FUTEX_WAKE) by the kernel: run the queue */
	uint32_t spin;      /* busy-wait iterations (pause) before yielding */
	uint32_t fsgsbase;  /* 1: rd/wrfsbase are usable; 0: arch_prctl */
	uint32_t pad;
	uint64_t done;      /* 1: what the control thread writes to its eventfd when it is done */
	uint64_t failed;    /* 2: ... when a request failed (or its own setup did) */
	uint64_t yield_tsc; /* then yield the CPU this many TSC ticks, before sleeping */
};
#define STUB_SC_CONF_SEQ (STUB_SC_CONF + 0)
#define STUB_SC_CONF_DONE (STUB_SC_CONF + 16)
#define STUB_SC_CONF_FAILED (STUB_SC_CONF + 24)

/*
 * What stub_sc_setup reads (at STUB_SC_SETUP), written by the kernel before it starts the
 * stub: the kernel's struct sigaction for every handled signal, the signal stack (the
 * slot), two signal masks, and the two seccomp filters (struct sock_fprog + program).
 */
#define STUB_SC_FILTER_MAX 256
#define STUB_SC_MAX_SIGNALS 8

struct stub_sc_fprog {
	uint16_t len, pad[3];
	uint64_t filter; /* stub address of the instructions (8 bytes each) */
};

struct stub_sc_setup {
	uint64_t act_handler, act_flags, act_restorer, act_mask; /* struct sigaction */
	uint64_t stack_sp; /* stack_t */
	int32_t stack_flags, stack_pad;
	uint64_t stack_size;
	uint64_t mask_all, mask_none;
	int32_t signals[STUB_SC_MAX_SIGNALS];
	uint32_t nsignals;
	uint32_t pad;
	struct stub_sc_fprog guest_prog, ctl_prog;
	uint64_t guest[STUB_SC_FILTER_MAX], ctl[STUB_SC_FILTER_MAX];
};

/* slot.state: who runs. The futex word of the hand-off. */
#define STUB_SLOT_GUEST 0  /* guest code runs (or is about to); the kernel waits */
#define STUB_SLOT_KERNEL 1 /* the stub handed a trap over; it waits for GUEST */

/* What the stub's handler saw, written by the handler: hostile input for the kernel. */
struct stub_trap {
	int32_t signo;
	int32_t code;     /* si_code */
	uint64_t addr;    /* si_addr (SIGSYS: the call address) */
	uint64_t uc;      /* the ucontext of the host signal frame (a stub address) */
	uint64_t fs_base; /* the thread's FS/GS bases, when bases_valid */
	uint64_t gs_base;
	uint32_t bases_valid;
	uint32_t arch;    /* SIGSYS: si_arch */
};

struct stub_slot {
	uint32_t state;           /* STUB_SLOT_*; the only word futex calls may name */
	uint32_t stub_sleeping;   /* the stub is (about to be) in FUTEX_WAIT */
	uint32_t kernel_sleeping; /* the kernel is (about to be) in FUTEX_WAIT */
	uint32_t set_bases;       /* kernel -> stub: bit 0 set FS base, bit 1 GS base */
	uint32_t nap;             /* kernel -> stub: another stub runs now, stop spinning */
	uint32_t pad;
	uint64_t fs_base;         /* kernel -> stub: the bases to install */
	uint64_t gs_base;
	struct stub_trap trap;    /* stub -> kernel */
};

#endif
