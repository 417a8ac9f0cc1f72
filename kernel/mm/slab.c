/*
 * kmalloc/kfree over the page allocator.
 *
 * Small objects (16..2048 bytes, power-of-two classes) come from slab pages: one frame per
 * slab, its free objects chained through their first word, partially used slabs on a list
 * per class. Larger requests get a buddy block of the smallest fitting order. kfree finds
 * which kind a pointer is from its frame's struct page.
 *
 * With CONFIG_DEBUG_SLAB, freed objects are filled with 0x6b (poison) so that a use after
 * free reads garbage instead of plausible stale data.
 */
#include "kernel.h"
#include "page.h"
#include "slab.h"

#define MIN_SHIFT 4
#define NR_CLASSES 8 /* 16 .. 2048 */
#define SLAB_POISON 0x6b

struct slab_class {
	size_t size;
	struct list_head partial; /* slab pages with at least one free object */
};

static struct slab_class classes[NR_CLASSES];
static bool slab_ready;

static void slab_init(void)
{
	for (int i = 0; i < NR_CLASSES; i++) {
		classes[i].size = 1UL << (MIN_SHIFT + i);
		INIT_LIST_HEAD(&classes[i].partial);
	}
	slab_ready = true;
}

static int size_class(size_t size)
{
	int c = 0;

	while ((1UL << (MIN_SHIFT + c)) < size)
		c++;
	return c;
}

static struct page *slab_grow(int c)
{
	struct page *pg = page_alloc(0, GFP_KERNEL);
	char *base;
	size_t sz = classes[c].size;

	if (!pg)
		return NULL;
	pg->flags = PG_SLAB;
	pg->slab_class = c;
	pg->slab_inuse = 0;
	base = page_address(pg);
	pg->slab_free = base;
	for (size_t off = 0; off < PAGE_SIZE; off += sz)
		*(void **)(base + off) = off + sz < PAGE_SIZE ? base + off + sz : NULL;
	list_add(&pg->lru, &classes[c].partial);
	return pg;
}

static void *slab_alloc(int c)
{
	struct page *pg;
	void *obj;

	if (list_empty(&classes[c].partial) && !slab_grow(c))
		return NULL;
	pg = list_first_entry(&classes[c].partial, struct page, lru);
	obj = pg->slab_free;
	pg->slab_free = *(void **)obj;
	pg->slab_inuse++;
	if (!pg->slab_free)
		list_del_init(&pg->lru);
	return obj;
}

static void slab_free(struct page *pg, void *obj)
{
	struct slab_class *sc = &classes[pg->slab_class];
	bool was_full = pg->slab_free == NULL;

	if (IS_ENABLED(CONFIG_DEBUG_SLAB))
		memset(obj, SLAB_POISON, sc->size);
	*(void **)obj = pg->slab_free;
	pg->slab_free = obj;
	BUG_ON(pg->slab_inuse == 0);
	pg->slab_inuse--;
	if (was_full)
		list_add(&pg->lru, &sc->partial);
	if (pg->slab_inuse == 0) {
		list_del_init(&pg->lru);
		pg->flags = PG_HEAD;
		pg->order = 0;
		page_free(pg, 0);
	}
}

void *kmalloc(size_t size)
{
	unsigned order = 0;
	struct page *pg;

	if (!slab_ready)
		slab_init();
	if (size == 0)
		size = 1;
	if (size <= classes[NR_CLASSES - 1].size)
		return slab_alloc(size_class(size));
	while ((PAGE_SIZE << order) < size)
		order++;
	pg = page_alloc(order, GFP_KERNEL);
	return pg ? page_address(pg) : NULL;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	struct page *pg;

	if (!p)
		return;
	pg = virt_to_page(p);
	if (pg->flags & PG_SLAB) {
		slab_free(pg, (void *)p);
		return;
	}
	BUG_ON(!(pg->flags & PG_HEAD) || ((uintptr_t)p & (PAGE_SIZE - 1)));
	page_free(pg, pg->order);
}

size_t ksize(const void *p)
{
	struct page *pg = virt_to_page(p);

	if (pg->flags & PG_SLAB)
		return classes[pg->slab_class].size;
	return PAGE_SIZE << pg->order;
}
