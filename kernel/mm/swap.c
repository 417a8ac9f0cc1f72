/*
 * Swap areas and the movement of anonymous pages to and from them: swapon(2) and
 * swapoff(2) on block devices (ubd), the slot chosen for a page going out (the active area
 * of highest priority with room), the write and the PTE's swap entry, and the read back
 * on fault. Counters for /proc/meminfo, /proc/swaps, /proc/vmstat and sysinfo(2).
 *
 * Swap I/O is synchronous (the block layer waits for the host), so a page is either fully
 * in memory or fully on its slot. Swap files (regular files on a filesystem with the
 * swap_map inode operation: ext4) never go through the filesystem or its page cache:
 * writing a page out that way could need memory at the moment there is none. At swapon
 * the file's pages are mapped to device offsets once (swap_extents, swapfile.c) and the
 * file is marked S_SWAPFILE (the VFS then refuses writes, truncation and unlink); swap
 * I/O goes to the device by offset, as for a device area (one extent).
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
#include <linux/mount.h>

#define SWAP_FLAG_PREFER 0x8000
#define SWAP_FLAG_PRIO_MASK 0x7fff
#define SWAP_FLAG_ALL 0x7ffff /* PREFER, PRIO, DISCARD and its kinds: accepted */
#define SWAPOFF_MARGIN 512UL  /* frames swapoff leaves free for the kernel */

struct swap_area {
	bool active;
	bool draining;            /* swapoff is emptying it: no new slots */
	struct block_device *bdev;
	struct swap_extents ext;  /* where its pages lie on bdev */
	struct inode *inode;      /* swap files: the file (NULL for a device) ... */
	struct path file;         /* ... held, with its mount, until swapoff */
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
	out->is_file = a->inode != NULL;
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

/* Read or write the page of slot: straight to the device, no memory needed. */
static int area_io(struct swap_area *a, u64 slot, void *buf, bool write)
{
	u64 off = swap_extents_lookup(&a->ext, slot);

	if (off == SWAP_NO_OFFSET)
		return -EIO;
	if (write)
		return blkdev_write(a->bdev, off, buf, PAGE_SIZE);
	return blkdev_read(a->bdev, off, buf, PAGE_SIZE);
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
	if (area_io(a, slot, page_address(pg), true) < 0) {
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

int swap_write_page(phys_t f, u64 *entry)
{
	struct swap_area *a = pick_area();
	u64 slot;

	if (!a)
		return -ENOSPC;
	slot = swap_map_alloc(&a->map);
	if (!slot)
		return -ENOSPC;
	if (area_io(a, slot, phys_to_virt(f), true) < 0) {
		swap_map_put(&a->map, slot);
		return -EIO;
	}
	a->owner[slot] = 0; /* no swap-cache note: the file keeps the entry */
	stats.pswpout++;
	*entry = swp_entry((unsigned)(a - areas), slot);
	return 0;
}

int swap_read_page(u64 entry, phys_t f)
{
	struct swap_area *a = entry_area(entry);

	if (!a || swp_slot(entry) >= a->map.nr || area_io(a, swp_slot(entry), phys_to_virt(f),
							  false) < 0)
		return -EIO;
	current->maj_flt++;
	stats.pswpin++;
	return 0;
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
	if (area_io(a, slot, phys_to_virt(f), false) < 0) {
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

/* What a swapon/swapoff path names: a block device, or a regular file (path held). */
struct swap_target {
	struct block_device *bdev; /* devices */
	struct inode *inode;       /* files */
	struct path file;
	char name[sizeof(areas[0].name)];
};

/* Resolve the guest path; -EINVAL for what is neither a block device nor a regular file. */
static int lookup_target(uaddr_t upath, struct swap_target *t)
{
	struct path p;
	struct inode *inode;
	int r = user_path(AT_FDCWD, upath, LOOKUP_FOLLOW, &p);

	if (r < 0)
		return r;
	inode = p.dentry->inode;
	t->bdev = NULL;
	t->inode = NULL;
	if (S_ISBLK(inode->mode)) {
		t->bdev = blkdev_find(inode->rdev);
		r = t->bdev ? 0 : -ENXIO;
	} else if (!S_ISREG(inode->mode)) {
		r = -EINVAL;
	}
	if (!r && path_to_string(&p, current->fs ? &current->fs->root : NULL, t->name,
				 sizeof(t->name)) < 0)
		r = -ENAMETOOLONG;
	if (!r && S_ISREG(inode->mode)) {
		t->inode = inode;
		t->file = p; /* the caller's reference now */
		return 0;
	}
	path_put(&p);
	return r;
}

static void target_put(struct swap_target *t)
{
	if (t->inode)
		path_put(&t->file);
	t->inode = NULL;
}

static struct swap_area *area_of(const struct swap_target *t)
{
	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		struct swap_area *a = &areas[i];

		if (a->active && (t->inode ? a->inode == t->inode : !a->inode && a->bdev == t->bdev))
			return a;
	}
	return NULL;
}

/* Read and check the header (page 0, mapped by a->ext) of an area of dev_pages pages. */
static int area_setup(struct swap_area *a, u64 dev_pages)
{
	struct swap_header_info info;
	const char *why;
	void *hdr = kmalloc(PAGE_SIZE);
	int r;

	if (!hdr)
		return -ENOMEM;
	r = area_io(a, 0, hdr, false);
	if (!r) {
		r = swap_parse_header(hdr, dev_pages, &info, &why);
		if (r)
			pr_err("swapon: %s: %s\n", a->name, why);
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

/* A device area: one extent over the whole device. */
static int device_setup(struct swap_area *a)
{
	u64 pages = a->bdev->size >> PAGE_SHIFT;
	int r;

	if (pages < 1)
		return -EINVAL;
	if (a->bdev->readonly)
		return -EROFS;
	r = swap_extents_add(&a->ext, 0, 0);
	if (r)
		return r;
	a->ext.ext[0].nr_pages = pages;
	return area_setup(a, pages);
}

/* The offset of one page of a swap file, with Linux's refusal of a hole. */
static int file_page(struct swap_area *a, u64 page, u64 off)
{
	if (off == SWAP_MAP_HOLE) {
		pr_err("swapon: file %s has unallocated extents\n", a->name);
		return -EINVAL;
	}
	if (off == SWAP_MAP_SPLIT) {
		if (!page) {
			pr_err("swapon: file %s: its first page is not contiguous on disk\n",
			       a->name);
			return -EINVAL;
		}
		swap_map_mark_bad(&a->map, page); /* never used, like a bad page */
		return 0;
	}
	return swap_extents_add(&a->ext, page, off);
}

#define MAP_BATCH 256 /* pages mapped per swap_map call */

/* Map pages [1, map.nr) of the swap file behind a, after its header was read. */
static int file_map_rest(struct swap_area *a)
{
	u64 *off = kmalloc(MAP_BATCH * sizeof(*off));
	int r = off ? 0 : -ENOMEM;

	for (u64 p = 1; p < a->map.nr && !r; p += MAP_BATCH) {
		u32 n = (u32)min((u64)MAP_BATCH, a->map.nr - p);

		r = a->inode->i_op->swap_map(a->inode, p, n, off);
		for (u32 i = 0; i < n && !r; i++)
			r = file_page(a, p + i, off[i]);
	}
	kfree(off);
	if (!r && !a->map.nr_good)
		r = -EINVAL;
	return r;
}

/* A file area: the file's cache dropped, page 0 mapped, the header read, the rest mapped. */
static int file_setup(struct swap_area *a)
{
	struct inode *inode = a->inode;
	u64 pages = inode->size >> PAGE_SHIFT, off;
	int r;

	if (!inode->i_op || !inode->i_op->swap_map || !inode->i_op->swap_activate) {
		/* Linux: no bmap (tmpfs...), so generic_swapfile_activate finds "holes". */
		pr_err("swapon: swapfile has holes\n");
		return -EINVAL;
	}
	if ((a->file.mnt->flags & MNT_RDONLY) || (inode->sb->flags & MS_RDONLY))
		return -EROFS;
	if (pages < 2)
		return -EINVAL;
	r = inode->i_op->swap_activate(inode, &a->bdev);
	if (!r)
		r = inode->i_op->swap_map(inode, 0, 1, &off);
	if (!r)
		r = file_page(a, 0, off);
	if (!r)
		r = area_setup(a, pages);
	if (r)
		return r;
	r = file_map_rest(a);
	if (r) {
		swap_map_destroy(&a->map);
		kfree(a->owner);
		a->owner = NULL;
	}
	return r;
}

static struct swap_area *free_area(void)
{
	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		if (!areas[i].active)
			return &areas[i];
	}
	return NULL;
}

/* Make s an area for t (its path reference moves to s). 0 or -errno (t untouched). */
static int area_activate(struct swap_area *s, struct swap_target *t, int flags)
{
	int r;

	memset(&s->ext, 0, sizeof(s->ext));
	kstrlcpy(s->name, t->name, sizeof(s->name));
	s->bdev = t->bdev;
	s->inode = t->inode;
	if (t->inode)
		s->file = t->file;
	r = t->inode ? file_setup(s) : device_setup(s);
	if (r) {
		swap_extents_destroy(&s->ext);
		s->inode = NULL;
		return r;
	}
	if (t->inode) {
		t->inode->iflags |= S_SWAPFILE;
		t->inode = NULL; /* s holds the path now */
	} else {
		s->bdev->openers++;
	}
	s->draining = false;
	s->prio = (flags & SWAP_FLAG_PREFER) ? (flags & SWAP_FLAG_PRIO_MASK) : next_default_prio--;
	s->active = true;
	return 0;
}

long sys_swapon(const struct sc_args *a)
{
	struct swap_target t;
	struct swap_area *s;
	int flags = (int)a->arg[1], r;

	if (!IS_ENABLED(CONFIG_SWAP))
		return -ENOSYS;
	if (!cred_capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (flags & ~SWAP_FLAG_ALL)
		return -EINVAL;
	r = lookup_target(a->arg[0], &t);
	if (r < 0)
		return r;
	s = free_area();
	if (area_of(&t) || (t.inode && IS_SWAPFILE(t.inode)))
		r = -EBUSY;
	else if (!s)
		r = -EPERM; /* Linux: too many swap areas */
	else
		r = area_activate(s, &t, flags);
	target_put(&t);
	if (r < 0)
		return r;
	pr_info("Adding %luk swap on %s.  Priority:%d extents:%u across:%luk\n",
		(unsigned long)(s->map.nr_good * (PAGE_SIZE / 1024)), s->name, s->prio, s->ext.nr,
		(unsigned long)(swap_extents_span(&s->ext) / 1024));
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

/* Forget area s (its pages are all back, or the system halts). */
static void area_release(struct swap_area *s)
{
	s->active = false;
	swap_map_destroy(&s->map);
	swap_extents_destroy(&s->ext);
	kfree(s->owner);
	s->owner = NULL;
	if (s->inode) {
		s->inode->iflags &= ~S_SWAPFILE;
		s->inode = NULL;
		path_put(&s->file);
	} else if (s->bdev->openers > 0) {
		s->bdev->openers--;
	}
	if (s->prio < 0 && s->prio == next_default_prio + 1)
		next_default_prio++;
}

long sys_swapoff(const struct sc_args *a)
{
	struct swap_target t;
	struct swap_area *s;
	int r;

	if (!IS_ENABLED(CONFIG_SWAP))
		return -ENOSYS;
	if (!cred_capable(CAP_SYS_ADMIN))
		return -EPERM;
	r = lookup_target(a->arg[0], &t);
	if (r < 0)
		return r;
	s = area_of(&t);
	target_put(&t);
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
	area_release(s);
	return 0;
}

void swap_halt(void)
{
	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		if (areas[i].active && areas[i].inode)
			area_release(&areas[i]);
	}
}

bool swap_sb_busy(const struct super_block *sb)
{
	for (unsigned i = 0; i < SWAP_MAX_AREAS; i++) {
		if (areas[i].active && areas[i].inode && areas[i].inode->sb == sb)
			return true;
	}
	return false;
}
