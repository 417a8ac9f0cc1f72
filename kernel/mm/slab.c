/*
 * kmalloc/kfree over the page allocator.
 *
 * Small objects (16..2048 bytes, power-of-two classes) come from slab pages: one frame per
 * slab, its free objects chained through their first word, partially used slabs on a list
 * per class. Larger requests get a buddy block of the smallest fitting order. kfree finds
 * which kind a pointer is from its frame's struct page.
 *
 * CONFIG_DEBUG_SLAB (off by default; configs/debug_defconfig) checks every object:
 *
 *   | struct slab_debug (32 bytes) | the size asked for | redzone: 0xcc, 16 bytes or more |
 *
 * The header keeps the free-list link, a state magic (live or free), the size asked for,
 * and the return addresses of the allocating and the freeing callers. A free object is
 * filled with 0x6b. kfree checks the magic (a double free, or a pointer kmalloc never
 * returned) and the redzone (a write past the end); kmalloc checks that a free object's
 * poison is intact (a write after free) before handing it out again. A large block's
 * slack after the size asked for is a redzone too (the size is kept in its struct page).
 * A failed check prints what was found, the object, its size, who allocated and who
 * freed it, and panics (the panic's backtrace shows who found it). Live objects come back
 * filled with 0x6b, so an uninitialized read shows too.
 *
 * With make KASAN=1 (kasan.h) the same places are poisoned for AddressSanitizer: free
 * objects, the header and redzone of live ones and the slack after the size asked for,
 * so the kernel touching them is reported at the access itself; kfree of a poisoned
 * pointer (a double free) panics.
 */
#include "kernel.h"
#include "kasan.h"
#include "page.h"
#include "slab.h"

#define MIN_SHIFT 4
#define NR_CLASSES 8 /* 16 .. 2048 */
#define CLASS_MAX (1UL << (MIN_SHIFT + NR_CLASSES - 1))
#define SLAB_POISON 0x6b
#define SLAB_RED 0xcc
#define MAGIC_LIVE 0x4556494cU /* "LIVE" */
#define MAGIC_FREE 0x45455246U /* "FREE" */

/* The head of every small object with CONFIG_DEBUG_SLAB. */
struct slab_debug {
	void *free_next;          /* the free-list link, while free (the first word, as always) */
	u32 magic;                /* MAGIC_LIVE or MAGIC_FREE */
	u32 size;                 /* what kmalloc was asked for */
	const void *alloc_caller; /* return address into kmalloc's caller */
	const void *free_caller;  /* and into kfree's, once freed */
};

#define DBG_HDR (IS_ENABLED(CONFIG_DEBUG_SLAB) ? sizeof(struct slab_debug) : 0)
#define DBG_RED (IS_ENABLED(CONFIG_DEBUG_SLAB) ? 16UL : 0UL)

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

/* ---- debug checks */

static void __noreturn slab_corrupt(const char *what, const void *obj, size_t size,
				    size_t block, long bad, const struct slab_debug *h,
				    const void *caller)
{
	printk(KERN_EMERG "BUG: kmalloc: %s\n", what);
	printk(KERN_EMERG "  object %p: %zu bytes asked for, in a block of %zu\n", obj, size,
	       block);
	if (bad >= 0)
		printk(KERN_EMERG "  first bad byte at object+%ld: %#x\n", bad,
		       ((const u8 *)obj)[bad]);
	if (h && h->alloc_caller)
		panic_print_pc(KERN_EMERG "  allocated by ", (u64)(uintptr_t)h->alloc_caller, true);
	if (h && h->free_caller)
		panic_print_pc(KERN_EMERG "  freed by ", (u64)(uintptr_t)h->free_caller, true);
	panic_print_pc(KERN_EMERG "  found at a call from ", (u64)(uintptr_t)caller, true);
	panic("kmalloc: %s (object %p)", what, obj);
}

/* Offset of the first byte of [p+from, p+to) that is not c, or -1. */
static long first_not(const void *p, size_t from, size_t to, u8 c)
{
	for (size_t i = from; i < to; i++)
		if (((const u8 *)p)[i] != c)
			return (long)i;
	return -1;
}

/* A free object of size osize at obj becomes live with size bytes for caller. */
static void debug_alloc(char *obj, size_t osize, size_t size, const void *caller)
{
	struct slab_debug *h = (struct slab_debug *)obj;
	long bad = first_not(obj, DBG_HDR, osize, SLAB_POISON);

	if (h->magic != MAGIC_FREE)
		slab_corrupt("free list corrupted: a free object's header was overwritten",
			     obj + DBG_HDR, 0, osize, -1, NULL, caller);
	if (bad >= 0)
		slab_corrupt("object written after it was freed", obj + DBG_HDR, h->size, osize,
			     bad - (long)DBG_HDR, h, caller);
	h->magic = MAGIC_LIVE;
	h->size = (u32)size;
	h->alloc_caller = caller;
	h->free_caller = NULL;
	memset(obj + DBG_HDR + size, SLAB_RED, osize - DBG_HDR - size);
}

/* A live object at obj is freed by caller: check it, then poison it. */
static void debug_free(char *obj, size_t osize, const void *caller)
{
	struct slab_debug *h = (struct slab_debug *)obj;
	long bad;

	if (h->magic == MAGIC_FREE)
		slab_corrupt("double free", obj + DBG_HDR, h->size, osize, -1, h, caller);
	if (h->magic != MAGIC_LIVE || h->size > osize - DBG_HDR - DBG_RED)
		slab_corrupt("kfree of a pointer kmalloc did not return, or its header was "
			     "overwritten", obj + DBG_HDR, 0, osize, -1, NULL, caller);
	bad = first_not(obj, DBG_HDR + h->size, osize, SLAB_RED);
	if (bad >= 0)
		slab_corrupt("redzone overwritten: a write past the end of the object",
			     obj + DBG_HDR, h->size, osize, bad - (long)DBG_HDR, h, caller);
	memset(obj + DBG_HDR, SLAB_POISON, osize - DBG_HDR);
	h->magic = MAGIC_FREE;
	h->free_caller = caller;
}

/* ---- slab pages */

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
	if (IS_ENABLED(CONFIG_DEBUG_SLAB))
		memset(base, SLAB_POISON, PAGE_SIZE);
	for (size_t off = 0; off < PAGE_SIZE; off += sz) {
		if (IS_ENABLED(CONFIG_DEBUG_SLAB)) {
			struct slab_debug *h = (struct slab_debug *)(base + off);

			h->magic = MAGIC_FREE;
			h->size = 0;
			h->alloc_caller = h->free_caller = NULL;
		}
		*(void **)(base + off) = off + sz < PAGE_SIZE ? base + off + sz : NULL;
	}
	kasan_poison(base, PAGE_SIZE);
	list_add(&pg->lru, &classes[c].partial);
	return pg;
}

/* Take a free object of class c; it comes back unpoisoned for KASAN. */
static void *slab_alloc(int c)
{
	struct page *pg;
	void *obj;

	if (list_empty(&classes[c].partial) && !slab_grow(c))
		return NULL;
	pg = list_first_entry(&classes[c].partial, struct page, lru);
	obj = pg->slab_free;
	kasan_unpoison(obj, classes[c].size);
	pg->slab_free = *(void **)obj;
	pg->slab_inuse++;
	if (!pg->slab_free)
		list_del_init(&pg->lru);
	return obj;
}

/* Give obj (unpoisoned, already checked) back to its slab page. */
static void slab_free(struct page *pg, void *obj)
{
	struct slab_class *sc = &classes[pg->slab_class];
	bool was_full = pg->slab_free == NULL;

	*(void **)obj = pg->slab_free;
	kasan_poison(obj, sc->size);
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

static void *small_alloc(size_t size, const void *caller)
{
	int c = size_class(size + DBG_HDR + DBG_RED);
	char *obj = slab_alloc(c);

	if (!obj)
		return NULL;
	if (IS_ENABLED(CONFIG_DEBUG_SLAB))
		debug_alloc(obj, classes[c].size, size, caller);
	kasan_poison(obj, classes[c].size);
	kasan_unpoison(obj + DBG_HDR, size);
	return obj + DBG_HDR;
}

static void small_free(struct page *pg, const void *p, const void *caller)
{
	size_t osize = classes[pg->slab_class].size;
	char *obj = (char *)p - DBG_HDR, *base = page_address(pg);

	if (obj < base || (size_t)(obj - base) % osize)
		slab_corrupt("kfree of a pointer into the middle of an object", p, 0, osize, -1,
			     NULL, caller);
	if (!IS_ENABLED(CONFIG_DEBUG_SLAB) && kasan_is_poisoned(p))
		slab_corrupt("double free (the object is already free)", p, 0, osize, -1, NULL,
			     caller);
	kasan_unpoison(obj, osize);
	if (IS_ENABLED(CONFIG_DEBUG_SLAB))
		debug_free(obj, osize, caller);
	slab_free(pg, obj);
}

/* ---- large blocks: the size asked for is kept in the head page's private */

static void *large_alloc(size_t size)
{
	unsigned order = 0;
	struct page *pg;
	char *p;

	while ((PAGE_SIZE << order) < size)
		order++;
	pg = page_alloc(order, GFP_KERNEL);
	if (!pg)
		return NULL;
	pg->private = size;
	p = page_address(pg);
	if (IS_ENABLED(CONFIG_DEBUG_SLAB))
		memset(p + size, SLAB_RED, (PAGE_SIZE << order) - size);
	kasan_poison(p, PAGE_SIZE << order);
	kasan_unpoison(p, size);
	return p;
}

static void large_free(struct page *pg, const void *p, const void *caller)
{
	size_t block = PAGE_SIZE << pg->order;
	long bad;

	if (!(pg->flags & PG_HEAD) || ((uintptr_t)p & (PAGE_SIZE - 1)))
		slab_corrupt("kfree of a pointer kmalloc did not return, or a double free", p, 0,
			     0, -1, NULL, caller);
	kasan_unpoison(p, block);
	if (IS_ENABLED(CONFIG_DEBUG_SLAB)) {
		bad = first_not(p, pg->private, block, SLAB_RED);
		if (bad >= 0)
			slab_corrupt("redzone overwritten: a write past the end of the object", p,
				     pg->private, block, bad, NULL, caller);
	}
	page_free(pg, pg->order);
}

/* ---- the interface */

static void *kmalloc_caller(size_t size, const void *caller)
{
	if (!slab_ready)
		slab_init();
	if (size == 0)
		size = 1;
	if (size > (u32)-1)
		return NULL;
	if (size <= CLASS_MAX - DBG_HDR - DBG_RED)
		return small_alloc(size, caller);
	return large_alloc(size);
}

void *kmalloc(size_t size)
{
	return kmalloc_caller(size, __builtin_return_address(0));
}

void *kzalloc(size_t size)
{
	void *p = kmalloc_caller(size, __builtin_return_address(0));

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	const void *caller = __builtin_return_address(0);
	struct page *pg;

	if (!p)
		return;
	if ((const char *)p < physmem_base || (const char *)p >= physmem_base + physmem_size)
		slab_corrupt("kfree of a pointer outside kmalloc's memory", p, 0, 0, -1, NULL,
			     caller);
	pg = virt_to_page(p);
	if (pg->flags & PG_SLAB)
		small_free(pg, p, caller);
	else
		large_free(pg, p, caller);
}

size_t ksize(const void *p)
{
	const struct slab_debug *h = (const void *)((const char *)p - DBG_HDR);
	struct page *pg = virt_to_page(p);
	size_t n;

	if (pg->flags & PG_SLAB && IS_ENABLED(CONFIG_DEBUG_SLAB)) {
		kasan_unpoison(h, DBG_HDR);
		n = h->size;
		kasan_poison(h, DBG_HDR);
	} else if (pg->flags & PG_SLAB)
		n = classes[pg->slab_class].size;
	else
		n = IS_ENABLED(CONFIG_DEBUG_SLAB) ? pg->private : PAGE_SIZE << pg->order;
	kasan_unpoison(p, n); /* the caller may use all of it, as Linux's ksize allows */
	return n;
}
