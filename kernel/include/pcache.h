/*
 * A radix tree of 64-bit slots indexed by page number (kernel/mm/pcache.c): the shared
 * structure under the page cache of ext4 and the data of tmpfs files. 512-slot nodes (one
 * 4 KiB kmalloc block each), up to 4 levels (2^36 pages). A slot of 0 is an absent page;
 * what a used slot holds (a physmem frame, with or without flag bits) is the user's.
 */
#ifndef PCACHE_H
#define PCACHE_H

#include "kernel.h"

struct pcache {
	void *root;
	unsigned height; /* levels (1: root is a leaf); 0 when root is NULL */
	u64 nr;          /* slots in use, kept by the user (the tree does not count) */
};

/* The slot of index; with create, missing nodes are made (NULL: no memory / too far). */
u64 *pcache_slot(struct pcache *pc, u64 index, bool create);
/*
 * Call fn on every used slot with index >= first, in index order, while it returns true.
 * fn may clear the slot (set it to 0): nodes left empty are freed.
 */
void pcache_walk(struct pcache *pc, u64 first, bool (*fn)(u64 index, u64 *slot, void *arg),
		 void *arg);

#endif
