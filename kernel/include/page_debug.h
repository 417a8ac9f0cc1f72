/*
 * Debug checks of the page allocator (kernel/mm/page_debug.c), called by page.c at every
 * allocation and free. Without CONFIG_DEBUG_PAGEALLOC and KASAN they do nothing.
 */
#ifndef PAGE_DEBUG_H
#define PAGE_DEBUG_H

#include "kernel.h"

struct page;

/*
 * A block of 2^order frames is being freed: fill it with the poison byte
 * (DEBUG_PAGEALLOC) and poison it for AddressSanitizer (KASAN).
 */
void page_debug_free(struct page *pg, unsigned order);
/*
 * A free block is being handed out: unpoison it (KASAN) and, unless it is clean (reads as
 * zero), check that each frame still holds only the poison byte, or only zeros; anything
 * else was written after the free: report the frame, offset and byte, and panic.
 */
void page_debug_alloc(struct page *pg, unsigned order, bool clean);

#endif
