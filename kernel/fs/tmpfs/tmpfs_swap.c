/*
 * tmpfs file pages on swap (filesystem layer, below tmpfs_file.c; above mm/swap.c), as
 * Linux swaps shmem: the memory of tmpfs files (an initramfs root, /tmp, memfd, SysV and
 * POSIX shared memory, MAP_SHARED|MAP_ANONYMOUS) can leave memory under pressure.
 *
 * A page's slot in the file's index holds either its frame or, once written out, its swap
 * entry (swap.h: PTE_SWAP set, never a frame address, which is page aligned). Only a page
 * nothing else holds goes out (its frame's only reference is the file's): pages that are
 * mapped are first let go by the page-table clock of mm/vmscan.c (through ->page_peek and
 * ->page_reclaim here), and read() and write() hold a reference while they copy. A
 * swapped page comes back on any access (read, write, fault, fallocate, a truncate that
 * cuts it); truncate and unlink free the slot without reading it.
 *
 * Reclaim of pages nothing maps walks one LRU of the files that have pages, from the least
 * recently read or written. Counters: tmpfs_resident_pages (Shmem in /proc/meminfo) and
 * tmpfs_swapped_pages.
 *
 * Single-threaded kernel: no locks. Reclaim runs only at safe points (swap.h).
 */
#include "kernel.h"
#include "fs.h"
#include "page.h"
#include "swap.h"
#include "tmpfs.h"

u64 tmpfs_resident_pages, tmpfs_swapped_pages;
static LIST_HEAD(tmpfs_lru); /* files with used slots, least recently used first */

static void blocks_update(struct inode *inode)
{
	inode->blocks = TMPFS_I(inode)->pages.nr * (PAGE_SIZE / 512);
}

void tmpfs_slot_added(struct inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	struct tmpfs_sb *sbi = TMPFS_SB(inode->sb);

	if (ti->pages.nr++ == 0)
		list_add_tail(&ti->lru, &tmpfs_lru);
	ti->resident++;
	tmpfs_resident_pages++;
	if (sbi)
		sbi->used_pages++;
	blocks_update(inode);
}

void tmpfs_slot_removed(struct inode *inode, u64 *slot)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	struct tmpfs_sb *sbi = TMPFS_SB(inode->sb);

	if (pte_is_swap(*slot)) {
		swap_free_entry(*slot);
		tmpfs_swapped_pages--;
	} else {
		frame_put(*slot);
		ti->resident--;
		tmpfs_resident_pages--;
	}
	*slot = 0;
	if (--ti->pages.nr == 0)
		list_del_init(&ti->lru);
	if (sbi)
		sbi->used_pages--;
	blocks_update(inode);
}

void tmpfs_lru_touch(struct inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);

	if (!list_empty(&ti->lru))
		list_move_tail(&ti->lru, &tmpfs_lru);
}

int tmpfs_swap_in(struct inode *inode, u64 *slot)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	phys_t f = vmscan_alloc_user_frame(GFP_USER);

	if (!f)
		return -ENOMEM;
	if (swap_read_page(*slot, f) < 0) {
		frame_put(f);
		return -EIO;
	}
	swap_free_entry(*slot);
	*slot = f;
	ti->resident++;
	tmpfs_resident_pages++;
	tmpfs_swapped_pages--;
	return 0;
}

/* Write the frame of *slot to swap if nothing but the file holds it: 1, 0 or -errno. */
static int swap_out_slot(struct inode *inode, u64 *slot)
{
	phys_t f = *slot;
	u64 e;
	int r;

	if (pte_is_swap(f) || phys_to_page(f)->refcount != 1 ||
	    (phys_to_page(f)->flags & (PG_KSM | PG_RESERVED)))
		return 0;
	r = swap_write_page(f, &e);
	if (r < 0)
		return r;
	*slot = e;
	frame_put(f);
	TMPFS_I(inode)->resident--;
	tmpfs_resident_pages--;
	tmpfs_swapped_pages++;
	return 1;
}

phys_t tmpfs_page_peek(struct inode *inode, u64 index)
{
	u64 *slot = pcache_slot(&TMPFS_I(inode)->pages, index, false);

	/* Without swap a mapped page could not leave memory: the clock leaves it mapped. */
	if (!slot || pte_is_swap(*slot) || !swap_space_left())
		return 0;
	return *slot;
}

int tmpfs_page_reclaim(struct inode *inode, u64 index)
{
	u64 *slot = pcache_slot(&TMPFS_I(inode)->pages, index, false);

	return slot && *slot ? swap_out_slot(inode, slot) : 0;
}

struct out {
	struct inode *inode;
	u64 want, freed;
	int err;
};

static bool out_one(u64 index, u64 *slot, void *arg)
{
	struct out *o = arg;
	int r = swap_out_slot(o->inode, slot);

	if (r < 0)
		o->err = r;
	else
		o->freed += (u64)r;
	return !o->err && o->freed < o->want;
}

u64 tmpfs_reclaim(u64 want)
{
	struct out o = { .want = want };
	struct tmpfs_inode *ti;
	u64 n = 0;

	if (!swap_space_left())
		return 0;
	list_for_each_entry(ti, &tmpfs_lru, lru)
		n++;
	/* Each file once, the least recently used first; a visited one moves to the tail. */
	while (n-- && o.freed < want && !o.err) {
		ti = list_first_entry(&tmpfs_lru, struct tmpfs_inode, lru);
		list_move_tail(&ti->lru, &tmpfs_lru);
		if (!ti->resident)
			continue;
		o.inode = ti->inode;
		pcache_walk(&ti->pages, 0, out_one, &o);
	}
	return o.freed;
}

struct unuse {
	struct inode *inode;
	unsigned type;
	int err;
};

static bool unuse_one(u64 index, u64 *slot, void *arg)
{
	struct unuse *u = arg;

	if (pte_is_swap(*slot) && swp_type(*slot) == u->type)
		u->err = tmpfs_swap_in(u->inode, slot);
	return !u->err;
}

int tmpfs_unuse(unsigned type)
{
	struct unuse u = { .type = type };
	struct tmpfs_inode *ti;

	if (!tmpfs_swapped_pages)
		return 0;
	list_for_each_entry(ti, &tmpfs_lru, lru) {
		if (ti->resident == ti->pages.nr)
			continue;
		u.inode = ti->inode;
		pcache_walk(&ti->pages, 0, unuse_one, &u);
		if (u.err)
			return u.err == -EIO ? -EIO : -ENOMEM;
	}
	return 0;
}
