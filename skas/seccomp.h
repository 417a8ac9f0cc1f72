/*
 * Declarations shared by the two halves of the seccomp SKAS backend: seccomp.c (kernel
 * side: the ops table, the request queue, frames and registers) and seccomp_host.c (host
 * side: stub processes, their setup through ptrace, the hand-off and the control thread).
 * Shared header: stdint types only.
 */
#ifndef SKAS_SECCOMP_H
#define SKAS_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>

#include "mode.h"

struct sc_stub;
struct sc_thr;

/* What the host side learnt at boot, for the kernel side. */
struct skas_sc_info {
	uint64_t xfeatures;  /* XCR0's user features, from an image the host saved (ptrace) */
	uint32_t mxcsr_mask; /* MXCSR bits the host accepts, from the same image */
	uint32_t fsgsbase;   /* stubs read FS/GS bases with rdfsbase (reported each trap) */
	int32_t kernel_cpu;  /* where the kernel (and the control threads) run; -1: anywhere */
	int32_t guest_cpu;   /* where guest threads run; -1: anywhere */
	uint32_t spin;       /* both sides busy-wait before sleeping (more than one CPU) */
};

/*
 * Probe the host: ptrace (as skas=ptrace), the seccomp stub program, the filters, the CPUs
 * (the kernel on one, guest threads on another). 0 or -errno.
 */
int skas_sc_init(int physmem_fd, struct skas_sc_info *info);
/*
 * Start a stub whose request pages are physmem [req_phys, +STUB_DATA_SIZE) (req: the
 * kernel's mapping), with no guest thread yet. 0 or -errno.
 */
int skas_sc_spawn(uint64_t req_phys, void *req, struct sc_stub **out);
/*
 * Create guest thread idx of stub sp, whose hand-off slot is physmem [slot_phys,
 * +STUB_SLOT_SIZE) (slot: the kernel's mapping, zeroed). Returns once the thread is on its
 * way to its first hand-off (skas_sc_wait). 0, -EAGAIN (idx too big) or -errno (the stub
 * may then be dead).
 */
int skas_sc_thread_new(struct sc_stub *sp, unsigned idx, uint64_t slot_phys, void *slot,
		       struct sc_thr **out);
/* Kill and reap a stub. */
void skas_sc_kill(struct sc_stub *sp);
/*
 * Have the control thread execute the calls queued in the request pages. 0, or the first
 * failure (-errno), in which case the stub has been killed and reaped: no mapping of it
 * outlives a failed request.
 */
int skas_sc_flush(struct sc_stub *sp);
/*
 * Let guest thread t run (slot state GUEST) and wait for its next hand-off, kicking it
 * when a host interrupt is pending. Returns 0 after a hand-off, 1 when the stub is dead.
 */
int skas_sc_switch(struct sc_thr *t);
/* Wait for a hand-off without resuming the thread (its first); 0, or 1 when it is dead. */
int skas_sc_wait(struct sc_thr *t);
/* Are guest threads on the kernel's CPU because the host's CPUs are contended? */
bool skas_sc_contended(void);
/* Was the stub killed because it went on running guest code after a kick? */
bool skas_sc_refused_kick(const struct sc_stub *sp);
/* Kill the stub (if it still lives) and wait for it; returns its wait status. */
int skas_sc_condemn(struct sc_stub *sp);
/* Kill every stub. */
void skas_sc_shutdown(void);

#endif
