/*
 * System-call dispatch (kernel/entry.c, table in kernel/syscalls.def).
 *
 * Every handler has the same shape, long sys_<name>(const struct sc_args *a): it names its
 * arguments from a->arg[0..5] (xv6-style explicit decoding), checks and copies, calls a
 * typed subsystem function, and returns a value or a negative errno.
 */
#ifndef SYSCALL_H
#define SYSCALL_H

#include "kernel.h"

struct sc_args {
	long nr;
	u64 arg[6];
};

typedef long (*syscall_fn)(const struct sc_args *a);

enum sc_status { SC_FULL, SC_PARTIAL, SC_ENOSYS };

struct syscall_info {
	const char *name;
	enum sc_status status;
	const char *note;
};

#define SC_NR_MAX 451

/* Declarations of every implemented handler, generated from the table. */
#define SC_DECL_FULL(name) long sys_##name(const struct sc_args *a);
#define SC_DECL_PARTIAL(name) long sys_##name(const struct sc_args *a);
#define SC_DECL_ENOSYS(name)
#define SYSCALL(nr, name, status, note) SC_DECL_##status(name)
#include "../syscalls.def"
#undef SYSCALL

/* Name of a system call number, or NULL. */
const char *syscall_name(long nr);
const struct syscall_info *syscall_info(long nr);
/* Dispatch a system call for current; returns the guest-visible result. */
long syscall_dispatch(const struct sc_args *a);
/* Counts of calls that returned -ENOSYS because they are not implemented, by number. */
extern unsigned long syscall_enosys_count[SC_NR_MAX];
/* Print the counts (debug, at halt). */
void syscall_print_enosys(void);

#endif
