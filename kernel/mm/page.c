/*
 * The physical page allocator: a binary buddy allocator over the frames of the physmem
 * file (DESIGN.md section 4).
 *
 * Frame 0 and the frames holding the struct page array are reserved. Free blocks are kept
 * on one list per order. Memory goes back to the host as it is freed: when a free block
 * that holds stale data merges into a block of RELEASE_ORDER or more, its range of the
 * physmem file is hole-punched and the block is marked PG_CLEAN (reads as zero), so a
 * GFP_ZERO allocation from it needs no clearing. Smaller dirty fragments stay on the host
 * until they merge; page_release_free() releases everything on demand.
 *
 * A reserve of free frames (about 1/128 of memory, 64 to 1024 frames) is kept for the
 * kernel: GFP_USER allocations fail rather than take it (page.h).
 *
 * Single-threaded by the kernel's concurrency model (kernel/sched.c): no locks.
 */
#include "kernel.h"
#include "os.h"
#include "page.h"

#define RELEASE_ORDER 6 /* 256 KiB */

char *physmem_base;
phys_t physmem_size;
struct page *page_array;

static int physmem_fd = -1;
static unsigned long nr_frames, first_free, nr_free, nr_reserved;
static struct list_head free_lists[MAX_ORDER];

static void release_block(struct page *pg, unsigned order)
{
	if (physmem_fd < 0 || (pg->flags & PG_CLEAN))
		return;
	if (os_punch_hole(physmem_fd, page_to_phys(pg), PAGE_SIZE << order) == 0)
		pg->flags |= PG_CLEAN;
}

static void free_list_add(struct page *pg, unsigned order, bool clean)
{
	pg->flags = PG_FREE | (clean ? PG_CLEAN : 0);
	pg->order = order;
	list_add(&pg->lru, &free_lists[order]);
}

int page_init(void *base, phys_t size, int fd)
{
	unsigned long i, array_frames;

	physmem_base = base;
	physmem_size = size & PAGE_MASK;
	physmem_fd = fd;
	nr_frames = physmem_size >> PAGE_SHIFT;
	array_frames = DIV_ROUND_UP(nr_frames * sizeof(struct page), PAGE_SIZE);
	if (nr_frames < array_frames + 64)
		return -ENOMEM;
	page_array = (struct page *)(physmem_base + PAGE_SIZE);
	first_free = 1 + array_frames;
	for (i = 0; i < MAX_ORDER; i++)
		INIT_LIST_HEAD(&free_lists[i]);
	for (i = 0; i < first_free; i++) {
		page_array[i].flags = PG_RESERVED;
		page_array[i].refcount = 1;
	}
	nr_free = 0;
	i = first_free;
	while (i < nr_frames) {
		unsigned order = MAX_ORDER - 1;

		while (order && ((i & ((1UL << order) - 1)) || i + (1UL << order) > nr_frames))
			order--;
		free_list_add(&page_array[i], order, true);
		nr_free += 1UL << order;
		i += 1UL << order;
	}
	nr_reserved = min(max(nr_free / 128, 64UL), 1024UL);
	return 0;
}

struct page *page_alloc(unsigned order, unsigned gfp)
{
	unsigned o = order;
	struct page *pg;
	bool clean;

	if (order >= MAX_ORDER)
		return NULL;
	if ((gfp & GFP_USER) && nr_free < nr_reserved + (1UL << order))
		return NULL;
	while (o < MAX_ORDER && list_empty(&free_lists[o]))
		o++;
	if (o == MAX_ORDER)
		return NULL;
	pg = list_first_entry(&free_lists[o], struct page, lru);
	list_del_init(&pg->lru);
	clean = pg->flags & PG_CLEAN;
	while (o > order) {
		o--;
		free_list_add(pg + (1UL << o), o, clean);
	}
	nr_free -= 1UL << order;
	pg->flags = PG_HEAD;
	pg->order = order;
	pg->refcount = 1;
	pg->private = 0;
	if ((gfp & GFP_ZERO) && !clean)
		memset(page_address(pg), 0, PAGE_SIZE << order);
	return pg;
}

void page_free(struct page *pg, unsigned order)
{
	unsigned long idx = pg - page_array;
	bool clean = false;

	BUG_ON(!(pg->flags & PG_HEAD) || pg->order != order);
	if (IS_ENABLED(CONFIG_DEBUG_PAGEALLOC))
		memset(page_address(pg), 0x6b, PAGE_SIZE << order);
	pg->flags = 0;
	nr_free += 1UL << order;
	while (order < MAX_ORDER - 1) {
		unsigned long buddy = idx ^ (1UL << order);
		struct page *b = &page_array[buddy];

		if (buddy < first_free || buddy >= nr_frames || !(b->flags & PG_FREE) ||
		    b->order != order)
			break;
		list_del_init(&b->lru);
		b->flags = 0;
		idx &= ~(1UL << order);
		order++;
	}
	pg = &page_array[idx];
	free_list_add(pg, order, clean);
	if (order >= RELEASE_ORDER)
		release_block(pg, order);
}

void page_release_free(void)
{
	for (unsigned o = 0; o < MAX_ORDER; o++) {
		struct page *pg;

		list_for_each_entry(pg, &free_lists[o], lru)
			release_block(pg, o);
	}
}

phys_t frame_alloc(unsigned gfp)
{
	struct page *pg = page_alloc(0, gfp);

	return pg ? page_to_phys(pg) : 0;
}

void frame_get(phys_t p)
{
	struct page *pg = phys_to_page(p);

	BUG_ON(pg->refcount <= 0);
	pg->refcount++;
}

void frame_put(phys_t p)
{
	struct page *pg = phys_to_page(p);

	BUG_ON(pg->refcount <= 0);
	if (--pg->refcount == 0)
		page_free(pg, 0);
}

unsigned long page_nr_free(void)
{
	return nr_free;
}

unsigned long page_nr_total(void)
{
	return nr_frames - first_free;
}

unsigned long page_nr_reserved(void)
{
	return nr_reserved;
}
