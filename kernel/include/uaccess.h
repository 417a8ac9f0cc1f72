/*
 * Access to guest memory (kernel/mm/uaccess.c). Guest addresses are uaddr_t integers and
 * are never dereferenced: these functions walk the current task's page table into the
 * physmem mapping, faulting pages in (and breaking copy-on-write for writes) exactly as
 * a guest access would. A bad address gives -EFAULT, never a kernel crash.
 */
#ifndef UACCESS_H
#define UACCESS_H

#include "kernel.h"

struct mm;

/* 0, or -EFAULT if any byte is inaccessible (bytes before it may have been copied). */
int copy_from_user(void *dst, uaddr_t src, size_t n);
int copy_to_user(uaddr_t dst, const void *src, size_t n);
int clear_user(uaddr_t dst, size_t n);
/*
 * Copy a NUL-terminated string of at most max-1 characters into dst. Returns its length,
 * -EFAULT, or -ENAMETOOLONG when no NUL was found within max bytes.
 */
long strncpy_from_user(char *dst, uaddr_t src, size_t max);
/* The same on an explicit address space (exec copies strings from the old mm). */
int mm_copy_from(struct mm *mm, void *dst, uaddr_t src, size_t n);
int mm_copy_to(struct mm *mm, uaddr_t dst, const void *src, size_t n);
long mm_strncpy_from(struct mm *mm, char *dst, uaddr_t src, size_t max);
/* Bytes of [addr, addr+n) readable right now, for /proc/PID/cmdline-style readers. */

#define get_user(x, uaddr)                                             \
	({                                                             \
		__typeof__(x) __v;                                     \
		int __e = copy_from_user(&__v, (uaddr), sizeof(__v));  \
		if (!__e)                                              \
			(x) = __v;                                     \
		__e;                                                   \
	})
#define put_user(x, uaddr)                                     \
	({                                                     \
		__typeof__(x) __v = (x);                       \
		copy_to_user((uaddr), &__v, sizeof(__v));      \
	})

/* A guest range is valid when it lies below the top of guest space without wrapping. */
bool access_ok(uaddr_t addr, u64 len);

#endif
