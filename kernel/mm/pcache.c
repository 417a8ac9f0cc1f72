/*
 * The page-index radix tree shared by the ext4 page cache and tmpfs file data
 * (kernel/include/pcache.h). Layer: a data structure of the memory manager; it allocates
 * its nodes with kmalloc and knows nothing of what the slots hold.
 */
#include "kernel.h"
#include "pcache.h"
#include "slab.h"

#define RADIX_SHIFT 9
#define RADIX_SLOTS (1U << RADIX_SHIFT)
#define RADIX_MAX_HEIGHT 4

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
