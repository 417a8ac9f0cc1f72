/*
 * Giving freed guest memory back to the host (DESIGN.md section 4).
 *
 * A kernel timer runs every RELEASE_PERIOD_MS and has the page allocator release the free
 * frames that stayed free for a whole period (page_release_aged: hole punches in the
 * physmem file, sorted and joined into runs). So memory the guest frees (a process exits,
 * munmap, a deleted tmpfs file, page tables and kmalloc slabs emptied) stops costing the
 * host within two periods, while memory freed and reused at once costs no host call.
 * /proc/sys/vm/drop_caches releases every free frame at once.
 *
 * Layer: memory management, above the page allocator (page.c), run from the timer list
 * (kernel/time.c) in whatever context handles interrupts.
 */
#include "kernel.h"
#include "mm.h"
#include "page.h"
#include "sched.h"

#define RELEASE_PERIOD_MS 100
#define NS_PER_MS 1000000ULL

static struct ktimer release_timer;
static unsigned long frames_released; /* since boot (for a debugger) */

static void release_tick(struct ktimer *t)
{
	frames_released += page_release_aged();
	ktimer_arm(t, ktime_now() + RELEASE_PERIOD_MS * NS_PER_MS);
}

void reclaim_init(void)
{
	release_timer.fn = release_tick;
	ktimer_arm(&release_timer, ktime_now() + RELEASE_PERIOD_MS * NS_PER_MS);
	idle_sample_boot();
}

int reclaim_drop_caches(unsigned long mode)
{
	if (mode < 1 || mode > 3)
		return -EINVAL;
	/* The page cache is tmpfs (not droppable); what is free goes back to the host now. */
	frames_released += page_release_free();
	return 0;
}
