/*
 * The seccomp SKAS stub (skas=seccomp): fixed addresses, entry points, and the memory it
 * shares with the kernel. Used by the stub program (skas/seccomp_stub.c), the kernel side
 * (skas/seccomp.c) and the host side (skas/seccomp_host.c).
 *
 * A seccomp stub process has three kinds of threads (seccomp_host.c): its leader, the
 * spawner, kept in a ptrace stop by the kernel and run only to create guest threads; the
 * control thread, which edits mappings; and one host thread per guest thread, each with a
 * hand-off slot of its own. Two kinds of shared areas, all physmem frames (and an
 * eventfd at STUB_EVENT_FD, written only by the control thread):
 *   - the request pages at STUB_DATA (struct stub_queue, the queue of mmap/munmap/mprotect
 *     calls, then struct stub_sc_conf and the setup area): mapped READ-ONLY in the stub,
 *     written only by the kernel through its own mapping;
 *   - the hand-off slots, slot i at STUB_SLOT(i) (struct stub_slot, then the signal
 *     stack of guest thread i): read-write, so guest code can write every byte of them,
 *     and the kernel treats them as hostile.
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
#define STUB_SC_ENTRY_SETUP (STUB_CODE + 0x30)    /* leader, traced: set the stub up */
#define STUB_SC_ENTRY_SPAWN (STUB_CODE + 0x40)    /* leader, traced: a new guest thread */

/* The control thread's eventfd, through which it reports (the kernel has the other end). */
#define STUB_EVENT_FD (STUB_PHYSMEM_FD + 1)

/*
 * The hand-off slots: slot i (a control page, then the signal stack) of guest thread i at
 * STUB_SLOT(i), in an area aligned to its power-of-two size so that the filter can name
 * every slot's state word, and nothing else, with one masked comparison.
 */
#define STUB_SLOT_ORDER 3
#define STUB_SLOT_SIZE ((1UL << STUB_SLOT_ORDER) * UM_PAGE_SIZE)
#define STUB_SC_MAX_THREADS 1024
#define STUB_SLOTS (STUB_START + 0x2000000UL)
#define STUB_SLOTS_SIZE (STUB_SC_MAX_THREADS * STUB_SLOT_SIZE)
#define STUB_SLOT(i) (STUB_SLOTS + (uint64_t)(i) * STUB_SLOT_SIZE)
#define STUB_SLOT_STACK_OFF UM_PAGE_SIZE
#define STUB_SLOT_STACK_SIZE (STUB_SLOT_SIZE - UM_PAGE_SIZE)
/* A futex word w is a slot's state word when (w & STUB_SLOT_WORD_MASK) == STUB_SLOTS. */
#define STUB_SLOT_WORD_MASK (~(STUB_SLOTS_SIZE - 1) | (STUB_SLOT_SIZE - 1))

/* In the read-only request pages, after struct stub_queue. */
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
 * What stub_sc_setup and new guest threads read (at STUB_SC_SETUP), written by the kernel
 * before it starts the stub: the kernel's struct sigaction for every handled signal, two
 * signal masks, and the two seccomp filters (struct sock_fprog + program).
 */
#define STUB_SC_FILTER_MAX 256
#define STUB_SC_MAX_SIGNALS 8

struct stub_sc_fprog {
	uint16_t len, pad[3];
	uint64_t filter; /* stub address of the instructions (8 bytes each) */
};

struct stub_sc_setup {
	uint64_t act_handler, act_flags, act_restorer, act_mask; /* struct sigaction */
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
	uint64_t ss_sp;           /* kernel -> new thread: its signal stack (a stack_t) */
	int32_t ss_flags, ss_pad;
	uint64_t ss_size;
	uint64_t fs_base;         /* kernel -> stub: the bases to install */
	uint64_t gs_base;
	struct stub_trap trap;    /* stub -> kernel */
};

#endif
