/*
 * AddressSanitizer services for the kernel (make KASAN=1: every object of umlite, the
 * kernel side included, is built with -fsanitize=address; the SKAS stub is not).
 *
 * ASan sees the host heap and the stacks by itself, but not the kernel's own allocators,
 * which carve physmem: kmalloc and the page allocator call os_asan_poison/unpoison (through
 * kernel/include/kasan.h) to mark freed objects, slab redzones and free pages, so a kernel
 * access to them is an ASan report naming both sides.
 *
 * The kernel switches between kernel stacks (arch_switch_to): sched.c tells ASan around
 * each switch (os_asan_switch_start/finish), so that its notion of the current stack stays
 * right. Stack use-after-return detection (fake stacks) stays off: kernel stacks are
 * switched and freed by the kernel.
 *
 * In ordinary builds every function here is an empty stub.
 */
#include <stddef.h>
#include <stdint.h>

#include "kern_util.h"
#include "os.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

/*
 * The runtime's defaults for umlite (ASAN_OPTIONS still overrides them). Its name is
 * ASan's interface, hence no subsystem prefix. Our own SIGSEGV handler stays (a fault in
 * the kernel is a kernel panic, kernel/panic.c); the kernel leaves by _exit, so leak
 * checking would never run.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_stack_use_after_return=0:detect_leaks=0:allow_user_segv_handler=1:"
	       "handle_segv=0:handle_sigbus=0:handle_sigill=0:handle_sigfpe=0";
}

/* ASan found an error and is about to print its report: a raw terminal would garble it. */
void __asan_on_error(void);
void __asan_on_error(void)
{
	os_tty_restore();
}

/*
 * After an ASan report (a kernel bug): leave the host as a panic does, removing the umid
 * directory, with the panic's exit status.
 */
static void asan_death(void)
{
	os_exit(UMLITE_EXIT_PANIC);
}

void os_asan_init(void)
{
	__asan_set_death_callback(asan_death);
}

void os_asan_poison(const void *p, size_t len)
{
	ASAN_POISON_MEMORY_REGION(p, len);
}

void os_asan_unpoison(const void *p, size_t len)
{
	ASAN_UNPOISON_MEMORY_REGION(p, len);
}

int os_asan_is_poisoned(const void *p)
{
	return __asan_address_is_poisoned(p);
}

void os_asan_switch_start(const void *bottom, size_t size)
{
	__sanitizer_start_switch_fiber(NULL, bottom, size);
}

void os_asan_switch_finish(const void **old_bottom, size_t *old_size)
{
	__sanitizer_finish_switch_fiber(NULL, old_bottom, old_size);
}

#else /* !__SANITIZE_ADDRESS__ */

void os_asan_init(void)
{
}

void os_asan_poison(const void *p, size_t len)
{
}

void os_asan_unpoison(const void *p, size_t len)
{
}

int os_asan_is_poisoned(const void *p)
{
	return 0;
}

void os_asan_switch_start(const void *bottom, size_t size)
{
}

void os_asan_switch_finish(const void **old_bottom, size_t *old_size)
{
}

#endif
