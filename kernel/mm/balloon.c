/*
 * The memory balloon: taking free frames away from the guest and giving them to the host
 * (the mconsole's `config mem=-N`), and handing them back (`config mem=+N`), as UML's
 * memory hot-unplug does (REFERENCE-uml.md section 2.5).
 *
 * Inflating allocates blocks from the page allocator, as large as the request and the free
 * lists allow (so 256 MiB costs about 64 allocations and hole punches, not 65536), punches
 * each block out of the physmem file at once, and keeps it on a list through its head's
 * struct page. page_nr_total() stops counting the ballooned frames, so MemTotal, sysinfo
 * and `free` follow. Since the frames stay allocated, the guest cannot use them: a guest
 * that then asks for more than is left gets ENOMEM or is killed at the fault, while the
 * host keeps the memory.
 *
 * Like UML, inflating stops early when free memory runs out (leaving BALLOON_RESERVE
 * frames free for the guest's programs, on top of the kernel's own reserve that they can
 * never take: page.h, GFP_USER); the caller reports the shortfall. The frames it leaves
 * are the largest free blocks, set aside before inflating and freed after: what reclaim
 * frees for the balloon is scattered single frames, and a guest left only those could not
 * even fork (a kernel stack is four contiguous frames). Deflating
 * frees blocks from the list, splitting the last one when the request ends inside it; it
 * never gives back more than was taken, so memory never grows past the boot mem=.
 *
 * Single-threaded by the kernel's concurrency model: no locks.
 */
#include "kernel.h"
#include "page.h"

#define BALLOON_RESERVE 1024UL /* frames (4 MiB) inflation leaves free */

static LIST_HEAD(balloon_blocks);
static unsigned long balloon_frames;

/* The largest order whose block fits in n frames (n > 0). */
static unsigned order_for(unsigned long n)
{
	unsigned order = 0;

	while (order < MAX_ORDER - 1 && (2UL << order) <= n)
		order++;
	return order;
}

/* Frames free beyond the kernel's own reserve. */
static unsigned long takeable(void)
{
	unsigned long free = page_nr_free(), keep = page_nr_reserved();

	return free > keep ? free - keep : 0;
}

/*
 * Allocate up to want frames (no more than takeable()) onto list, largest blocks first,
 * punching each out of the physmem file when discard; returns how many were taken.
 */
static unsigned long take_blocks(struct list_head *list, unsigned long want, bool discard)
{
	unsigned long taken = 0;
	unsigned order = MAX_ORDER - 1;

	want = min(want, takeable());
	while (taken < want) {
		struct page *pg;

		order = min(order, order_for(want - taken));
		pg = page_alloc(order, GFP_KERNEL);
		if (!pg) {
			if (!order)
				break;
			order--;
			continue;
		}
		if (discard)
			page_discard(pg); /* a failed punch leaves the host backing it: still taken */
		list_add(&pg->lru, list);
		taken += 1UL << order;
	}
	return taken;
}

static void release_held(struct list_head *held)
{
	while (!list_empty(held)) {
		struct page *pg = list_first_entry(held, struct page, lru);

		list_del_init(&pg->lru);
		page_free(pg, pg->order);
	}
}

unsigned long balloon_inflate(unsigned long frames)
{
	unsigned long taken;
	LIST_HEAD(held);

	take_blocks(&held, BALLOON_RESERVE, false); /* the guest keeps its largest free blocks */
	taken = take_blocks(&balloon_blocks, frames, true);
	release_held(&held);
	balloon_frames += taken;
	page_set_offline(balloon_frames);
	return taken;
}

/* Cut an allocated block in two halves; the second goes back on the balloon list. */
static void split_block(struct page *pg)
{
	unsigned order = pg->order - 1;
	struct page *half = pg + (1UL << order);

	pg->order = order;
	half->flags = PG_HEAD;
	half->order = order;
	half->refcount = 1;
	half->private = 0;
	list_add(&half->lru, &balloon_blocks);
}

int balloon_deflate(unsigned long frames)
{
	if (frames > balloon_frames)
		return -ENOSPC;
	while (frames) {
		struct page *pg = list_first_entry(&balloon_blocks, struct page, lru);

		list_del_init(&pg->lru);
		while ((1UL << pg->order) > frames)
			split_block(pg);
		frames -= 1UL << pg->order;
		balloon_frames -= 1UL << pg->order;
		page_free(pg, pg->order);
	}
	page_set_offline(balloon_frames);
	return 0;
}

unsigned long balloon_nr_frames(void)
{
	return balloon_frames;
}
