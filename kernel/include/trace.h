/*
 * strace= tracing of guest system calls (kernel/trace.c).
 */
#ifndef TRACE_H
#define TRACE_H

#include "kernel.h"
#include "syscall.h"

struct task;

/* True when strace= selected any call. */
extern bool trace_enabled;
void trace_syscall_enter(struct task *t, const struct sc_args *a);
void trace_syscall_exit(struct task *t, const struct sc_args *a, long ret);

#endif
