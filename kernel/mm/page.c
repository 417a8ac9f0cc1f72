/*
 * The physical page allocator: a binary buddy allocator over the frames of the physmem
 * file (DESIGN.md section 4), and the accounting of which free frames still cost the host
 * memory.
 *
 * Frame 0 and the frames holding the struct page array are reserved. Free blocks are kept
 * on one list per order. A free block is dirty (its frames hold stale data, so the host
 * still backs them) or clean (PG_CLEAN: hole-punched, reading as zero). Each list keeps its
 * dirty blocks in front of its clean ones, and allocation takes from the front: freed
 * memory is reused while the host still backs it, and a GFP_ZERO allocation from a clean
 * block needs no clearing.
 *
 * Giving memory back to the host is batched: page_release_aged() (called periodically by
 * mm/reclaim.c) collects the dirty blocks that stayed free for a whole release period,
 * sorts them by address, joins neighbours into runs and punches one hole per run, so a
 * 1 GiB free costs a handful of host calls, and memory freed and reused at once costs none.
 * A dirty block's ->private holds the release epoch in which it was freed.
 *
 * Lazy set-up: at boot only the frames up to the first top-order boundary go on the free
 * lists; the rest is carved into the lists one top-order block (4 MiB) at a time when they
 * run dry. So the struct page array, itself in physmem, is only written, and backed by
 * host memory, as far as the guest has used its memory; and the parts of it that describe
 * the inside of large free blocks are released with them (release_block_tails).
 *
 * A reserve of free frames (about 1/128 of memory, 64 to 1024 frames) is kept for the
 * kernel: GFP_USER allocations fail rather than take it (page.h).
 *
 * Single-threaded by the kernel's concurrency model (kernel/sched.c): no locks.
 */
#include "kernel.h"
#include "os.h"
#include "page.h"
#include "page_debug.h"

#define RELEASE_BATCH 256          /* dirty blocks sorted and punched per round */
#define RELEASE_ROUNDS_PER_CALL 64 /* page_release_aged: the rest waits for the next call */

char *physmem_base;
phys_t physmem_size;
struct page *page_array;
/* Windows (page.h, mm/window.c): the kernel's mappings, and what phys_to_page gives. */
char *window_virt[PHYS_WINDOW_MAX];
struct page window_page = { .flags = PG_RESERVED, .refcount = 1 << 30 };

static int physmem_fd = -1;
static unsigned long nr_frames, first_free, carve_next, nr_free, nr_dirty;
static unsigned long nr_reserved; /* free frames GFP_USER allocations leave to the kernel */
static unsigned long nr_offline;  /* frames taken by the balloon (mm/balloon.c) */
static u64 release_epoch = 1;
static struct list_head free_lists[MAX_ORDER];

static void free_list_add(struct page *pg, unsigned order, bool clean)
{
	pg->flags = PG_FREE | (clean ? PG_CLEAN : 0);
	pg->order = order;
	if (clean) {
		list_add_tail(&pg->lru, &free_lists[order]);
		return;
	}
	pg->private = release_epoch;
	nr_dirty += 1UL << order;
	list_add(&pg->lru, &free_lists[order]);
}

static void free_list_del(struct page *pg)
{
	list_del_init(&pg->lru);
	if (!(pg->flags & PG_CLEAN))
		nr_dirty -= 1UL << pg->order;
	pg->flags = 0;
}

/* Put frames [from, to) on the free lists as clean blocks, each as large as alignment lets. */
static void add_clean_range(unsigned long from, unsigned long to)
{
	while (from < to) {
		unsigned order = MAX_ORDER - 1;

		while (order && ((from & ((1UL << order) - 1)) || from + (1UL << order) > to))
			order--;
		free_list_add(&page_array[from], order, true);
		from += 1UL << order;
	}
}

/* Bring the next block of never-used frames onto the free lists; false when none is left. */
static bool carve_block(void)
{
	unsigned long end = min(carve_next + (1UL << (MAX_ORDER - 1)), nr_frames);

	if (carve_next >= nr_frames)
		return false;
	add_clean_range(carve_next, end);
	carve_next = end;
	return true;
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
	/* Only frame 0's entry is written: the array's own frames are below first_free. */
	page_array[0].flags = PG_RESERVED;
	page_array[0].refcount = 1;
	nr_dirty = 0;
	nr_free = nr_frames - first_free;
	nr_reserved = min(max(nr_free / 128, 64UL), 1024UL);
	carve_next = min(ALIGN_UP(first_free, 1UL << (MAX_ORDER - 1)), nr_frames);
	add_clean_range(first_free, carve_next);
	return 0;
}

/* The first free block of at least order (carving more when needed); *got its order. */
static struct page *take_block(unsigned order, unsigned *got)
{
	for (;;) {
		for (unsigned o = order; o < MAX_ORDER; o++) {
			if (!list_empty(&free_lists[o])) {
				*got = o;
				return list_first_entry(&free_lists[o], struct page, lru);
			}
		}
		if (!carve_block())
			return NULL;
	}
}

struct page *page_alloc(unsigned order, unsigned gfp)
{
	struct page *pg;
	unsigned o;
	bool clean;
	u64 epoch;

	if (order >= MAX_ORDER)
		return NULL;
	if ((gfp & GFP_USER) && nr_free < nr_reserved + (1UL << order))
		return NULL;
	pg = take_block(order, &o);
	if (!pg)
		return NULL;
	clean = pg->flags & PG_CLEAN;
	epoch = pg->private;
	free_list_del(pg);
	while (o > order) {
		struct page *half;

		o--;
		half = pg + (1UL << o);
		free_list_add(half, o, clean);
		half->private = clean ? 0 : epoch; /* the halves keep their age */
	}
	nr_free -= 1UL << order;
	pg->flags = PG_HEAD;
	pg->order = order;
	pg->refcount = 1;
	pg->private = 0;
	page_debug_alloc(pg, order, clean);
	if ((gfp & GFP_ZERO) && !clean)
		memset(page_address(pg), 0, PAGE_SIZE << order);
	return pg;
}

void page_free(struct page *pg, unsigned order)
{
	unsigned long idx = pg - page_array;

	BUG_ON(!(pg->flags & PG_HEAD) || pg->order != order);
	page_debug_free(pg, order);
	pg->flags = 0;
	nr_free += 1UL << order;
	while (order < MAX_ORDER - 1) {
		unsigned long buddy = idx ^ (1UL << order);
		struct page *b = &page_array[buddy];

		if (buddy < first_free || buddy >= carve_next || !(b->flags & PG_FREE) ||
		    b->order != order)
			break;
		free_list_del(b);
		idx &= ~(1UL << order);
		order++;
	}
	free_list_add(&page_array[idx], order, false);
}

/* ---- giving free memory back to the host */

/* Up to RELEASE_BATCH dirty free blocks (all of them, or those freed before this epoch). */
static unsigned collect_dirty(struct page **blocks, bool all)
{
	unsigned n = 0;

	for (unsigned o = 0; o < MAX_ORDER && n < RELEASE_BATCH; o++) {
		struct page *pg;

		list_for_each_entry(pg, &free_lists[o], lru) {
			if (pg->flags & PG_CLEAN)
				break; /* the clean blocks follow the dirty ones */
			if (!all && pg->private >= release_epoch)
				continue;
			blocks[n++] = pg;
			if (n == RELEASE_BATCH)
				break;
		}
	}
	return n;
}

static void sort_blocks(struct page **b, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct page *x = b[i];
		unsigned j = i;

		for (; j > 0 && b[j - 1] > x; j--)
			b[j] = b[j - 1];
		b[j] = x;
	}
}

/*
 * The struct pages of a free block's frames other than its head are never read while the
 * block is free, and all-zero is a valid state for them (flags 0, refcount 0: what
 * merging leaves), so the whole pages of the array that hold only such entries can go
 * back to the host too: after a large free, the array costs the host nothing there.
 */
static void release_block_tails(struct page *pg)
{
	phys_t lo = ALIGN_UP(virt_to_phys(pg + 1), PAGE_SIZE);
	phys_t hi = ALIGN_DOWN(virt_to_phys(pg + (1UL << pg->order)), PAGE_SIZE);

	if (hi > lo)
		os_punch_hole(physmem_fd, lo, hi - lo);
}

/* Punch the blocks b[0..n) (sorted, one contiguous run); mark them clean. */
static int release_run(struct page **b, unsigned n)
{
	phys_t start = page_to_phys(b[0]);
	phys_t end = page_to_phys(b[n - 1]) + (PAGE_SIZE << b[n - 1]->order);
	int r = os_punch_hole(physmem_fd, start, end - start);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < n; i++) {
		unsigned order = b[i]->order;

		free_list_del(b[i]);
		free_list_add(b[i], order, true);
		release_block_tails(b[i]);
	}
	return 0;
}

/* One round: collect, sort, punch each contiguous run. Frames released, or -errno. */
static long release_round(bool all)
{
	struct page *blocks[RELEASE_BATCH];
	unsigned n = collect_dirty(blocks, all), first = 0;
	long done = 0;

	sort_blocks(blocks, n);
	for (unsigned i = 1; i <= n; i++) {
		struct page *last = blocks[i - 1];
		int r;

		if (i < n && blocks[i] == last + (1UL << last->order))
			continue;
		r = release_run(blocks + first, i - first);
		if (r < 0)
			return done ? done : r;
		done += (last - blocks[first]) + (1L << last->order);
		first = i;
	}
	return done;
}

/* Release rounds until nothing is left to do or max_rounds were done. */
static unsigned long release(bool all, unsigned max_rounds)
{
	unsigned long total = 0;
	long r;

	if (physmem_fd < 0)
		return 0;
	while (nr_dirty && max_rounds-- && (r = release_round(all)) > 0)
		total += r;
	return total;
}

unsigned long page_release_free(void)
{
	return release(true, ~0U);
}

unsigned long page_release_aged(void)
{
	/* Bounded, so that a very fragmented free list cannot stall the tick for long. */
	unsigned long n = release(false, RELEASE_ROUNDS_PER_CALL);

	release_epoch++;
	return n;
}

phys_t frame_alloc(unsigned gfp)
{
	struct page *pg = page_alloc(0, gfp);

	return pg ? page_to_phys(pg) : 0;
}

void frame_get(phys_t p)
{
	struct page *pg = phys_to_page(p);

	if (phys_is_window(p))
		return;
	BUG_ON(pg->refcount <= 0);
	pg->refcount++;
}

void frame_put(phys_t p)
{
	struct page *pg = phys_to_page(p);

	if (phys_is_window(p))
		return;
	BUG_ON(pg->refcount <= 0);
	if (--pg->refcount == 0)
		page_free(pg, 0);
}

unsigned long page_nr_free(void)
{
	return nr_free;
}

unsigned long page_nr_dirty(void)
{
	return nr_dirty;
}

unsigned long page_nr_total(void)
{
	return nr_frames - first_free - nr_offline;
}

unsigned long page_nr_boot_total(void)
{
	return nr_frames - first_free;
}

void page_set_offline(unsigned long frames)
{
	nr_offline = frames;
}

int page_discard(struct page *pg)
{
	if (physmem_fd < 0)
		return -EBADF;
	return os_punch_hole(physmem_fd, page_to_phys(pg), PAGE_SIZE << pg->order);
}

unsigned long page_nr_reserved(void)
{
	return nr_reserved;
}
