/*
 * Debug checks of the page allocator (page.c calls them; page_debug.h has the contract).
 *
 * CONFIG_DEBUG_PAGEALLOC: every freed block is filled with PAGE_POISON (0x6b), so a use
 * after free reads garbage rather than plausible stale data, and every allocation checks
 * the poison: a frame of a free block must hold only 0x6b, or only zeros (a block given
 * back to the host reads as zero, and a poisoned block may have merged with such a one).
 * Any other byte was written after the free (by the kernel, or by a guest still mapping a
 * frame the kernel freed): the report names the frame and the byte, and the kernel panics.
 *
 * KASAN (make KASAN=1): free blocks are poisoned for AddressSanitizer, so a kernel access
 * to a freed page is reported at the access.
 */
#include "kernel.h"
#include "kasan.h"
#include "page.h"
#include "page_debug.h"

#define PAGE_POISON 0x6b

void page_debug_free(struct page *pg, unsigned order)
{
	void *p = page_address(pg);

	kasan_unpoison(p, PAGE_SIZE << order); /* kmalloc may have poisoned parts of it */
	if (IS_ENABLED(CONFIG_DEBUG_PAGEALLOC))
		memset(p, PAGE_POISON, PAGE_SIZE << order);
	kasan_poison(p, PAGE_SIZE << order);
}

/* Offset of the first byte of the frame at p that is neither all-poison nor all-zero. */
static long frame_check(const u8 *p)
{
	u8 c = p[0];

	if (c != PAGE_POISON && c != 0)
		return 0;
	for (size_t i = 1; i < PAGE_SIZE; i++)
		if (p[i] != c)
			return (long)i;
	return -1;
}

void page_debug_alloc(struct page *pg, unsigned order, bool clean)
{
	const u8 *p = page_address(pg);

	kasan_unpoison(p, PAGE_SIZE << order);
	if (!IS_ENABLED(CONFIG_DEBUG_PAGEALLOC) || clean)
		return;
	for (unsigned long f = 0; f < (1UL << order); f++) {
		const u8 *frame = p + f * PAGE_SIZE;
		long bad = frame_check(frame);

		if (bad < 0)
			continue;
		printk(KERN_EMERG "BUG: page allocator: frame at physmem offset %#llx was written "
				  "after it was freed: byte %#x at +%#lx\n",
		       (unsigned long long)virt_to_phys(frame), frame[bad], bad);
		panic("page allocator: free frame %#llx modified",
		      (unsigned long long)virt_to_phys(frame));
	}
}
