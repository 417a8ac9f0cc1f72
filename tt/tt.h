/*
 * Declarations shared by the two halves of TT mode: tt.c (kernel side: the ops table, the
 * kernel window and its canary, `jail`) and tt_host.c (host side: the PTRACE_SYSCALL trap
 * loop). The stubs themselves are SKAS's (skas/skas.h).
 * Shared header: stdint types only.
 */
#ifndef TT_H
#define TT_H

#include <stdint.h>

#include "mode.h"

struct stub_proc;

/*
 * Run guest code in host thread tid of stub sp under PTRACE_SYSCALL until it traps. A system call is
 * nullified on the host at its entry stop and the stub left at the exit stop, where the
 * next run writes the result (and whatever else the kernel changed) with the registers.
 */
int tt_host_run(struct stub_proc *sp, int tid, struct um_regs *regs, struct um_trap *trap);
/*
 * Check in the host's /proc/PID/maps of sp that [base, base+len) is one shared mapping,
 * readable, writable exactly when writable, and that nothing else overlaps it. 0, or
 * -ENOENT (missing), -EACCES (other protection), -EEXIST (overlap).
 */
int tt_host_check_kmem(struct stub_proc *sp, uint64_t base, uint64_t len, int writable);

#endif
