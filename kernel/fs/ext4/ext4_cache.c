/*
 * The ext2/3/4 page cache's structure (filesystem layer, below ext4_file.c): a radix tree
 * per inode mapping page numbers to slots (a physmem frame | PC_* bits), and one LRU of
 * the inodes that have cached pages, with which memory is given back when the guest runs
 * low.
 *
 * The tree: 512-slot nodes (one 4 KiB kmalloc block each), up to 4 levels (2^36 pages,
 * more than ext4's largest file). An absent slot is a page not in the cache.
 *
 * Balance: the cache may use at most half of guest memory, and gives pages back whenever
 * free memory falls under 1/16 of it. Reclaim walks the LRU from the least recently used
 * inode: it writes the inode back if it is dirty, then drops its clean pages that nothing
 * else maps (a frame whose only reference is the cache's).
 */
#include "kernel.h"
#include "page.h"
#include "slab.h"
#include "ext4.h"

#define RADIX_SHIFT 9
#define RADIX_SLOTS (1U << RADIX_SHIFT)
#define RADIX_MAX_HEIGHT 4
#define RECLAIM_BATCH 256

u64 ext4_cached_pages;
static LIST_HEAD(cache_lru); /* of struct ext4_inode, least recently used first */

/* ---- the radix tree */

static inline u64 *child_of(u64 slot)
{
	return (u64 *)(uintptr_t)slot;
}

/* Add levels on top until index fits; false when out of memory or index too large. */
static bool radix_grow(struct pcache *pc, u64 index)
{
	while (pc->height == 0 || (index >> (RADIX_SHIFT * pc->height))) {
		u64 *node;

		if (pc->height == RADIX_MAX_HEIGHT)
			return false;
		node = kzalloc(RADIX_SLOTS * sizeof(u64));
		if (!node)
			return false;
		if (pc->root)
			node[0] = (u64)(uintptr_t)pc->root;
		pc->root = node;
		pc->height++;
	}
	return true;
}

u64 *pcache_slot(struct pcache *pc, u64 index, bool create)
{
	u64 *node;

	if (pc->height == 0 || (index >> (RADIX_SHIFT * pc->height))) {
		if (!create || !radix_grow(pc, index))
			return NULL;
	}
	node = pc->root;
	for (unsigned h = pc->height; h > 1; h--) {
		u64 *slot = &node[(index >> (RADIX_SHIFT * (h - 1))) & (RADIX_SLOTS - 1)];

		if (!*slot) {
			if (!create)
				return NULL;
			*slot = (u64)(uintptr_t)kzalloc(RADIX_SLOTS * sizeof(u64));
			if (!*slot)
				return NULL;
		}
		node = child_of(*slot);
	}
	return &node[index & (RADIX_SLOTS - 1)];
}

struct walk {
	u64 first;
	bool (*fn)(u64 index, u64 *slot, void *arg);
	void *arg;
	bool stop;
};

/*
 * Visit the used slots of node (level h, first index base). Returns true when the node
 * ended up empty (it is then freed by the caller).
 */
static bool walk_node(struct pcache *pc, u64 *node, unsigned h, u64 base, struct walk *w)
{
	u64 span = 1ULL << (RADIX_SHIFT * (h - 1));
	bool empty = true;

	for (unsigned i = 0; i < RADIX_SLOTS; i++) {
		u64 start = base + i * span;

		if (!node[i])
			continue;
		if (w->stop || start + span <= w->first) {
			empty = false;
		} else if (h == 1) {
			w->stop = !w->fn(start, &node[i], w->arg);
			if (node[i])
				empty = false;
		} else if (walk_node(pc, child_of(node[i]), h - 1, start, w)) {
			kfree(child_of(node[i]));
			node[i] = 0;
		} else {
			empty = false;
		}
	}
	return empty;
}

void pcache_walk(struct pcache *pc, u64 first, bool (*fn)(u64 index, u64 *slot, void *arg),
		 void *arg)
{
	struct walk w = { first, fn, arg, false };

	if (pc->root && walk_node(pc, pc->root, pc->height, 0, &w)) {
		kfree(pc->root);
		pc->root = NULL;
		pc->height = 0;
	}
}

/* ---- accounting and the LRU */

void ext4_cache_added(struct ext4_inode *ei)
{
	ext4_cached_pages++;
	if (ei->pages.nr++ == 0)
		list_add_tail(&ei->lru, &cache_lru);
}

void ext4_cache_removed(struct ext4_inode *ei)
{
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
			ext4_write_pages(ei->inode);
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
