/*
 * The ext2/3/4 page cache's structure (filesystem layer, below ext4_file.c): a radix tree
 * per inode mapping page numbers to slots (a physmem frame | PC_* bits), and one LRU of
 * the inodes that have cached pages, with which memory is given back when the guest runs
 * low.
 *
 * The tree is struct pcache (kernel/mm/pcache.c; 2^36 pages, more than ext4's largest
 * file). An absent slot is a page not in the cache.
 *
 * Balance: the cache may use at most half of guest memory, and gives pages back whenever
 * free memory falls under 1/16 of it. Reclaim walks the LRU from the least recently used
 * inode: it writes back the inode's dirty pages that nothing maps (a page still mapped
 * shared-writable would stay dirty: written again at every pass), then drops its clean
 * pages that nothing else maps (a frame whose only reference is the cache's), and its
 * window pages (ubd_share: they cost the guest no frame, only the tree's nodes). Pages
 * that are mapped are let go by the page-table clock of mm/vmscan.c, which drops a
 * mapping's entry and then asks (ext4_page_reclaim) for the page alone to be dropped when
 * nothing else holds it.
 */
#include "kernel.h"
#include "page.h"
#include "slab.h"
#include "ext4.h"

#define RECLAIM_BATCH 256

u64 ext4_cached_pages;
static LIST_HEAD(cache_lru); /* of struct ext4_inode, least recently used first */

/* ---- accounting and the LRU */

void ext4_cache_added(struct ext4_inode *ei, u64 slot)
{
	if (slot & PC_WINDOW)
		window_nr_shared++;
	else
		ext4_cached_pages++;
	if (ei->pages.nr++ == 0)
		list_add_tail(&ei->lru, &cache_lru);
}

void ext4_cache_removed(struct ext4_inode *ei, u64 slot)
{
	if (slot & PC_WINDOW)
		window_nr_shared--;
	else
		ext4_cached_pages--;
	if (--ei->pages.nr == 0)
		list_del_init(&ei->lru);
}

void ext4_cache_touch(struct ext4_inode *ei)
{
	if (!list_empty(&ei->lru))
		list_move_tail(&ei->lru, &cache_lru);
}

u64 ext4_cache_reclaim(u64 want)
{
	struct ext4_inode *ei;
	u64 freed = 0;
	int tries = 0;

	/* Each inode is visited at most once: a visited one moves to the tail. */
	while (freed < want && !list_empty(&cache_lru) && tries++ < 4096) {
		ei = list_first_entry(&cache_lru, struct ext4_inode, lru);
		list_move_tail(&ei->lru, &cache_lru);
		if (ei->nr_dirty)
			ext4_write_unmapped(ei->inode);
		freed += ext4_shrink_pages(ei->inode);
		if (&ei->lru == cache_lru.next)
			break; /* the only inode left */
	}
	return freed;
}

void ext4_cache_balance(void)
{
	unsigned long total = page_nr_total();

	if (ext4_cached_pages > total / 2 || page_nr_free() < total / 16)
		ext4_cache_reclaim(RECLAIM_BATCH);
}

phys_t ext4_page_peek(struct inode *inode, u64 index)
{
	u64 *slot = pcache_slot(&EXT4_I(inode)->pages, index, false);

	return slot ? *slot & ~PC_FLAGS : 0;
}

struct drop_one {
	struct ext4_inode *ei;
	u64 index;
	int freed;
};

/* pcache_walk callback: drop the page of d->index if it is a clean frame nothing maps. */
static bool drop_clean(u64 index, u64 *slot, void *arg)
{
	struct drop_one *d = arg;
	phys_t f = *slot & ~PC_FLAGS;

	if (index != d->index)
		return false;
	if ((*slot & (PC_DIRTY | PC_WINDOW)) || phys_to_page(f)->refcount != 1)
		return false;
	ext4_cache_removed(d->ei, *slot);
	*slot = 0;
	frame_put(f);
	d->freed = 1;
	return false;
}

int ext4_page_reclaim(struct inode *inode, u64 index)
{
	struct drop_one d = { EXT4_I(inode), index, 0 };

	/* Dirty pages stay: the LRU pass (ext4_cache_reclaim) writes them back first. */
	pcache_walk(&d.ei->pages, index, drop_clean, &d);
	return d.freed;
}
