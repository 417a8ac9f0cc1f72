/*
 * Declarations shared by the two halves of the SKAS mode: skas.c (kernel side: the ops
 * table, stub data pages, batching) and skas_host.c (host side: stub processes, ptrace).
 * Shared header: stdint types only.
 */
#ifndef SKAS_H
#define SKAS_H

#include <stdint.h>

#include "mode.h"

struct stub_proc;

/* Load the stub program, probe ptrace and the FPU state size, pin to one CPU. */
int skas_host_init(int physmem_fd);
/*
 * Start a stub process whose data pages are physmem [data_phys, +STUB_DATA_SIZE), mapped
 * in the kernel at data. Returns 0 and the handle, or -errno.
 */
int skas_host_spawn(uint64_t data_phys, void *data, struct stub_proc **out);
/* Kill and reap a stub. */
void skas_host_kill(struct stub_proc *sp);
/* Execute the calls queued in the stub's data pages; 0 or the first failure (-errno). */
int skas_host_run_queue(struct stub_proc *sp);
/* Run guest code in host thread tid of the stub until it traps. */
int skas_host_run(struct stub_proc *sp, int tid, struct um_regs *regs, struct um_trap *trap);
/* Read host thread tid's FPU state into regs->fp. */
int skas_host_fp_save(struct stub_proc *sp, int tid, struct um_regs *regs);
/*
 * Another host thread in the stub, stopped before its first instruction: its tid, or -errno
 * (the stub is then killed if the host left it in an unknown state).
 */
int skas_host_thread_new(struct stub_proc *sp);
/* End host thread tid (never the main one) and reap it; on failure the stub is killed. */
void skas_host_thread_end(struct stub_proc *sp, int tid);
/* Host pid of a stub (for debugging output). */
int skas_host_pid(const struct stub_proc *sp);
/* Kill every stub. */
void skas_host_shutdown(void);

/*
 * For a mode that runs guest code in SKAS stubs with a trap loop of its own (TT, tt/):
 * the stub behind an address space made by skas_ptrace_ops.mm_create; the address space
 * and host thread id behind a thread made by skas_ptrace_ops.thread_create; whether the
 * stub's host process is gone; and waiting for the next stop of host thread tid (with
 * kick, it is kicked with os_kick_signal() when a host interrupt arrives meanwhile).
 * skas_host_wait returns the wait status (the stub is marked dead when the thread exited
 * or was killed) or -errno.
 */
struct stub_proc *skas_mm_stub(void *ctx);
void *skas_thread_mm(void *thr);
int skas_thread_tid(void *thr);
int skas_host_dead(const struct stub_proc *sp);
int skas_host_wait(struct stub_proc *sp, int tid, int kick);

/* For the other SKAS backend (seccomp_host.c), which starts its stubs the same way: */
/* Copy a stub program into a sealed memfd; returns the descriptor or -errno. */
int skas_host_load_program(const char *start, const char *end);
/*
 * Start the stub program prog_fd, traced and stopped after its exec, with the physmem
 * file at STUB_PHYSMEM_FD and extra_fd (unless -1; not 3 or 4) at STUB_PHYSMEM_FD + 1.
 * 0 or -errno.
 */
int skas_host_start(int prog_fd, int extra_fd, int *pidp);

#endif
