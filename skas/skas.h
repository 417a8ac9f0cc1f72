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
/* Run guest code in the stub until it traps. */
int skas_host_run(struct stub_proc *sp, struct um_regs *regs, struct um_trap *trap);
/* Read the stub's FPU state into regs->fp. */
int skas_host_fp_save(struct stub_proc *sp, struct um_regs *regs);
/* Host pid of a stub (for debugging output). */
int skas_host_pid(const struct stub_proc *sp);
/* Kill every stub. */
void skas_host_shutdown(void);

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
