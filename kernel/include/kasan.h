/*
 * AddressSanitizer hooks for the kernel's own allocators (make KASAN=1, which defines
 * __SANITIZE_ADDRESS__). kmalloc (kernel/mm/slab.c) and the page allocator
 * (kernel/mm/page.c, through mm_debug.c) poison what the kernel must not touch: freed
 * objects and pages, slab redzones, the slack after an object. In other builds every hook
 * is an empty inline and costs nothing. The host side is arch/um-lite/os/asan.c.
 */
#ifndef KASAN_H
#define KASAN_H

#include "kernel.h"
#include "os.h"

#ifdef __SANITIZE_ADDRESS__
#define KASAN_ENABLED 1
#else
#define KASAN_ENABLED 0
#endif

static inline void kasan_poison(const void *p, size_t len)
{
	if (KASAN_ENABLED)
		os_asan_poison(p, len);
}

static inline void kasan_unpoison(const void *p, size_t len)
{
	if (KASAN_ENABLED)
		os_asan_unpoison(p, len);
}

/* True when p is poisoned (always false without KASAN). */
static inline bool kasan_is_poisoned(const void *p)
{
	return KASAN_ENABLED && os_asan_is_poisoned(p);
}

/*
 * Around a kernel-stack switch (kernel/sched.c): tell ASan the stack being switched to,
 * then, once on it, learn the one just left (its bounds, for the idle task's host stack).
 */
static inline void kasan_switch_start(const void *bottom, size_t size)
{
	if (KASAN_ENABLED)
		os_asan_switch_start(bottom, size);
}

static inline void kasan_switch_finish(const void **old_bottom, size_t *old_size)
{
	if (KASAN_ENABLED)
		os_asan_switch_finish(old_bottom, old_size);
}

#endif
