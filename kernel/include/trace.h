/*
 * strace= tracing of guest system calls (kernel/trace.c): the hooks the run loop, signal
 * delivery and exit call while tracing is on.
 */
#ifndef TRACE_H
#define TRACE_H

#include "kernel.h"
#include "syscall.h"

#include <asm/siginfo.h>

struct task;

/* True when strace= (or strace_file=) selected anything. */
extern bool trace_enabled;
/* A system call of t (current) starts / has returned ret. */
void trace_syscall_enter(struct task *t, const struct sc_args *a);
void trace_syscall_exit(struct task *t, const struct sc_args *a, long ret);
/* Signal sig is being delivered to t (current), before its action is taken. */
void trace_signal(struct task *t, int sig, const siginfo_t *info);
/* t (current) exits with wait status status. */
void trace_task_exit(struct task *t, int status);
/* Write out a half-printed call (before the kernel halts). */
void trace_flush(void);

#endif
