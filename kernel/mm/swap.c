/*
 * Swap areas and the movement of anonymous pages to and from them: swapon(2) and
 * swapoff(2) on block devices (ubd), the slot chosen for a page going out (the active area
 * of highest priority with room), the write and the PTE's swap entry, and the read back
 * on fault. Counters for /proc/meminfo, /proc/swaps, /proc/vmstat and sysinfo(2).
 *
 * Swap I/O is synchronous (the block layer waits for the host), so a page is either fully
 * in memory or fully on its slot. Areas on regular files are refused (EINVAL): writing a
 * page out through a filesystem could need memory at the moment there is none.
 *
 * Layer: memory management, above the block layer. Single-threaded kernel: no locks.
 */
#include "kernel.h"
#include "blkdev.h"
#include "fs.h"
#include "mm.h"
#include "mode.h"
#include "page.h"
#include "slab.h"
#include "swap.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <asm/siginfo.h>

#define SWAP_FLAG_PREFER 0x8000
#define SWAP_FLAG_PRIO_MASK 0x7fff
#define SWAP_FLAG_ALL 0x7ffff /* PREFER, PRIO, DISCARD and its kinds: accepted */
#define SWAPOFF_MARGIN 512UL  /* frames swapoff leaves free for the kernel */

struct swap_area {
	bool active;
	bool draining;            /* swapoff is emptying it: no new slots */
	struct block_device *bdev;
	char name[128];           /* the path given to swapon, as /proc/swaps shows it */
	int prio;
	struct swap_map map;
	u32 *owner;               /* per slot: the frame number last written to it */
};

static struct swap_area areas[SWAP_MAX_AREAS];
static int next_default_prio = -2; /* Linux numbers areas without a priority -2, -3, ... */
static struct swap_stats stats;

/* ---- counters */

void swap_get_stats(struct swap_stats *s)
{
	*s = stats;
	s->total = s->free = 0;
	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		if (!areas[i].active)
			continue;
		s->total += areas[i].map.nr_good;
		s->free += areas[i].map.nr_good - areas[i].map.used;
	}
}

void swap_count_scan(unsigned long scanned, unsigned long stolen)
{
	stats.pgscan += scanned;
	stats.pgsteal += stolen;
}

void swap_count_oom_kill(void)
{
	stats.oom_kill++;
}

bool swap_area_get(unsigned i, struct swap_area_info *out)
{
	struct swap_area *a = &areas[i];

	if (i >= SWAP_MAX_AREAS || !a->active)
		return false;
	out->name = a->name;
	out->is_file = false;
	out->size_kb = a->map.nr_good * (PAGE_SIZE / 1024);
	out->used_kb = a->map.used * (PAGE_SIZE / 1024);
	out->prio = a->prio;
	return true;
}

/* ---- slots */

/* The area a new page goes to: active, not draining, room left, highest priority. */
static struct swap_area *pick_area(void)
{
	struct swap_area *best = NULL;

	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		struct swap_area *a = &areas[i];

		if (!a->active || a->draining || a->map.used >= a->map.nr_good)
			continue;
		if (!best || a->prio > best->prio)
			best = a;
	}
	return best;
}

bool swap_space_left(void)
{
	return pick_area() != NULL;
}

static struct swap_area *entry_area(u64 pte)
{
	struct swap_area *a = &areas[swp_type(pte) % SWAP_MAX_AREAS];

	return a->active ? a : NULL;
}

void swap_free_entry(u64 pte)
{
	struct swap_area *a = entry_area(pte);

	if (a)
		swap_map_put(&a->map, swp_slot(pte));
}

bool swap_dup_entry(u64 pte)
{
	struct swap_area *a = entry_area(pte);

	return a && swap_map_dup(&a->map, swp_slot(pte));
}

/* ---- pages out and in
 *
 * The swap cache: when one of several sharers of a frame (fork) is swapped out, the frame
 * stays for the others and remembers its slot (PG_SWAPCACHE, ->private the entry). The
 * next sharer swapped out takes the same slot without writing it again, and a sharer that
 * faults back in maps the frame (copy-on-write) instead of reading it. A note is trusted
 * only while it is provably current: the frame is not written in place (cow_break clears
 * it), not freed (page_free clears flags), and the slot is still used and was last
 * written from this frame (owner[]).
 */

static u32 frame_number(const struct page *pg)
{
	return (u32)(page_to_phys(pg) >> PAGE_SHIFT);
}

static void note_clear(struct page *pg)
{
	pg->flags &= ~PG_SWAPCACHE;
	pg->private = 0;
}

/* The valid swap entry pg's note names, or 0 (the note is dropped if stale). */
static u64 note_entry(struct page *pg)
{
	struct swap_area *a;
	u64 e = pg->private, slot;

	if (!(pg->flags & PG_SWAPCACHE))
		return 0;
	a = pte_is_swap(e) ? entry_area(e) : NULL;
	slot = swp_slot(e);
	if (!a || slot >= a->map.nr || a->owner[slot] != frame_number(pg) ||
	    !a->map.count[slot] || a->map.count[slot] == SWAP_MAP_BAD) {
		note_clear(pg);
		return 0;
	}
	return e;
}

/* A slot for pg: its note's (one more user), or a new one written now. Entry or -errno. */
static int slot_for(struct page *pg, u64 *entry)
{
	struct swap_area *a;
	u64 e = note_entry(pg), slot;

	if (e && !entry_area(e)->draining && swap_map_dup(&entry_area(e)->map, swp_slot(e))) {
		*entry = e;
		return 0;
	}
	a = pick_area();
	if (!a)
		return -ENOSPC;
	slot = swap_map_alloc(&a->map);
	if (!slot)
		return -ENOSPC;
	if (blkdev_write(a->bdev, slot << PAGE_SHIFT, page_address(pg), PAGE_SIZE) < 0) {
		swap_map_put(&a->map, slot);
		return -EIO;
	}
	a->owner[slot] = frame_number(pg);
	stats.pswpout++;
	*entry = swp_entry((unsigned)(a - areas), slot);
	return 0;
}

int swap_out_pte(struct mm *mm, uaddr_t addr, u64 *pte)
{
	phys_t f = *pte & PTE_FRAME_MASK;
	struct page *pg = phys_to_page(f);
	bool last = pg->refcount == 1;
	u64 e;
	int r = slot_for(pg, &e);

	if (r < 0)
		return r;
	if (last) {
		note_clear(pg);
	} else {
		pg->flags |= PG_SWAPCACHE;
		pg->private = e;
	}
	if (*pte & PTE_HOSTMAP)
		um_mode->mm_unmap(mm->mode_ctx, addr, PAGE_SIZE);
	*pte = e;
	mm->rss--;
	frame_put(f);
	return last;
}

/* The frame still holding entry e's bytes (a sharer's, noted), or 0. */
static phys_t cached_frame(struct swap_area *a, u64 e)
{
	u64 slot = swp_slot(e);
	struct page *pg;

	if (!a->owner[slot])
		return 0;
	pg = &page_array[a->owner[slot]];
	if (!(pg->flags & PG_SWAPCACHE) || pg->private != e || pg->refcount <= 0)
		return 0;
	return page_to_phys(pg);
}

int swap_in_pte(struct mm *mm, struct vma *vma, uaddr_t addr, u64 *pte)
{
	struct swap_area *a = entry_area(*pte);
	u64 slot = swp_slot(*pte);
	phys_t f;

	if (!a)
		return -SIGBUS;
	f = cached_frame(a, swp_entry(swp_type(*pte), slot));
	if (f) {
		/* Shared again with the sharers still holding it: copy-on-write. */
		frame_get(f);
		swap_map_put(&a->map, slot);
		*pte = f | PTE_PRESENT;
		mm->rss++;
		return 0;
	}
	f = vmscan_alloc_user_frame(GFP_USER);
	if (!f)
		return -SIGKILL;
	if (blkdev_read(a->bdev, slot << PAGE_SHIFT, phys_to_virt(f), PAGE_SIZE) < 0) {
		frame_put(f);
		return -SIGBUS;
	}
	/* Whoever else holds the slot reads its own copy later: this one is private. */
	swap_map_put(&a->map, slot);
	*pte = f | PTE_PRESENT | PTE_WRITE;
	mm->rss++;
	current->maj_flt++;
	stats.pswpin++;
	return 0;
}

/* ---- swapon(2), swapoff(2) */

/* The block device behind a guest path; -ENOTBLK-like refusals as Linux gives them. */
static int lookup_swap_dev(uaddr_t upath, struct block_device **out, char *name, size_t len)
{
	struct path p;
	struct inode *inode;
	int r = user_path(AT_FDCWD, upath, LOOKUP_FOLLOW, &p);

	if (r < 0)
		return r;
	inode = p.dentry->inode;
	if (S_ISBLK(inode->mode)) {
		*out = blkdev_find(inode->rdev);
		r = *out ? 0 : -ENXIO;
	} else {
		r = -EINVAL; /* swap files are not supported: only block devices */
	}
	if (!r && path_to_string(&p, current->fs ? &current->fs->root : NULL, name, len) < 0)
		r = -ENAMETOOLONG;
	path_put(&p);
	return r;
}

static struct swap_area *area_of(struct block_device *b)
{
	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		if (areas[i].active && areas[i].bdev == b)
			return &areas[i];
	}
	return NULL;
}

/* Read and check the header, set up the slot map. */
static int area_setup(struct swap_area *a, struct block_device *b)
{
	struct swap_header_info info;
	const char *why;
	void *hdr;
	int r;

	if (b->size < PAGE_SIZE)
		return -EINVAL;
	hdr = kmalloc(PAGE_SIZE);
	if (!hdr)
		return -ENOMEM;
	r = blkdev_read(b, 0, hdr, PAGE_SIZE);
	if (!r) {
		r = swap_parse_header(hdr, b->size >> PAGE_SHIFT, &info, &why);
		if (r)
			pr_err("swapon: %s: %s\n", b->name, why);
	}
	if (!r)
		r = swap_map_init(&a->map, &info);
	kfree(hdr);
	if (r)
		return r;
	a->owner = kmalloc(a->map.nr * sizeof(*a->owner));
	if (!a->owner) {
		swap_map_destroy(&a->map);
		return -ENOMEM;
	}
	memset(a->owner, 0, a->map.nr * sizeof(*a->owner));
	return 0;
}

long sys_swapon(const struct sc_args *a)
{
	struct block_device *b;
	struct swap_area *s = NULL;
	int flags = (int)a->arg[1], r;
	char name[sizeof(areas[0].name)];

	if (!IS_ENABLED(CONFIG_SWAP))
		return -ENOSYS;
	if (!capable_root())
		return -EPERM;
	if (flags & ~SWAP_FLAG_ALL)
		return -EINVAL;
	r = lookup_swap_dev(a->arg[0], &b, name, sizeof(name));
	if (r < 0)
		return r;
	if (area_of(b))
		return -EBUSY;
	for (unsigned i = 0; i < SWAP_MAX_AREAS && !s; i++)
		s = areas[i].active ? NULL : &areas[i];
	if (!s)
		return -EPERM; /* Linux: too many swap areas */
	if (b->readonly)
		return -EROFS;
	r = area_setup(s, b);
	if (r < 0)
		return r;
	s->bdev = b;
	s->draining = false;
	kstrlcpy(s->name, name, sizeof(s->name));
	s->prio = (flags & SWAP_FLAG_PREFER) ? (flags & SWAP_FLAG_PRIO_MASK) : next_default_prio--;
	s->active = true;
	b->openers++;
	pr_info("Adding %luk swap on %s.  Priority:%d extents:1 across:%luk\n",
		(unsigned long)(s->map.nr_good * (PAGE_SIZE / 1024)), s->name, s->prio,
		(unsigned long)(s->map.nr * (PAGE_SIZE / 1024)));
	return 0;
}

/*
 * Can what s holds come back into memory? Like Linux's check before swapoff: free frames
 * (less a margin for the kernel) and free slots of the other areas must hold it.
 */
static bool room_for(const struct swap_area *s)
{
	u64 room = page_nr_free() > SWAPOFF_MARGIN ? page_nr_free() - SWAPOFF_MARGIN : 0;

	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		const struct swap_area *o = &areas[i];

		if (o != s && o->active && !o->draining)
			room += o->map.nr_good - o->map.used;
	}
	return s->map.used <= room;
}

long sys_swapoff(const struct sc_args *a)
{
	struct block_device *b;
	struct swap_area *s;
	char name[sizeof(areas[0].name)];
	int r;

	if (!IS_ENABLED(CONFIG_SWAP))
		return -ENOSYS;
	if (!capable_root())
		return -EPERM;
	r = lookup_swap_dev(a->arg[0], &b, name, sizeof(name));
	if (r < 0)
		return r;
	s = area_of(b);
	if (!s)
		return -EINVAL;
	if (!room_for(s))
		return -ENOMEM;
	s->draining = true;
	r = vmscan_unuse((unsigned)(s - areas));
	if (r < 0) {
		s->draining = false;
		return r;
	}
	s->active = false;
	swap_map_destroy(&s->map);
	kfree(s->owner);
	s->owner = NULL;
	if (b->openers > 0)
		b->openers--;
	if (s->prio < 0 && s->prio == next_default_prio + 1)
		next_default_prio++;
	return 0;
}
