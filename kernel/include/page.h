/*
 * Page frames: the physmem file divided into 4 KiB frames, a struct page per frame, and
 * a buddy allocator over them (kernel/mm/page.c).
 *
 * phys_t is an offset in the physmem file. The kernel reaches a frame through its own
 * mapping of the whole file (phys_to_virt); guest address spaces map frames through the
 * execution mode. Frame 0 is never handed out, so phys 0 can mean "no frame".
 */
#ifndef PAGE_H
#define PAGE_H

#include "kernel.h"
#include "list.h"
#include "as-layout.h"

/* struct page flags */
#define PG_FREE 0x1     /* head of a free buddy block */
#define PG_RESERVED 0x2 /* frame 0 (the array's own frames are below the first free one) */
#define PG_SLAB 0x4     /* owned by kmalloc's small-object slabs */
#define PG_HEAD 0x8     /* head of an allocated block of 2^order frames */
#define PG_CLEAN 0x10   /* free block known to read as zero (released to the host) */
#define PG_KSM 0x20     /* a frame shared by content (mm/ksm.c holds a reference) */
#define PG_SWAPCACHE 0x40 /* anonymous frame whose bytes are also on swap: ->private (swap.h) */

struct page {
	u32 flags;
	s32 refcount;   /* users of an allocated frame; frame_put frees at zero */
	u8 order;       /* buddy order of the block this frame heads */
	u8 slab_class;  /* PG_SLAB: index of the size class */
	u16 slab_inuse; /* PG_SLAB: objects handed out from this page */
	struct list_head lru; /* buddy free list, or the slab class's partial list */
	void *slab_free;      /* PG_SLAB: first free object */
	u64 private;          /* owner's use; in a dirty free block, the epoch it was freed in */
};

#define MAX_ORDER 11 /* blocks of up to 2^10 frames (4 MiB) */

/* Allocation flags */
#define GFP_KERNEL 0x0
#define GFP_ZERO 0x1
/*
 * Memory a guest asks for (its pages, page tables, file data, pipe buffers): refused while
 * free memory is at or below the reserve, which only the kernel's own allocations may use,
 * so that a guest that fills memory cannot wedge the kernel (unlink, exit, open still work).
 */
#define GFP_USER 0x2

extern char *physmem_base;
extern phys_t physmem_size;
extern struct page *page_array;

/*
 * Windows (kernel/mm/window.c): read-only host files (the backing files of disks) made
 * mappable like physmem. Window i is the "physical" range [PHYS_WINDOW_BASE + i *
 * PHYS_WINDOW_SIZE, + the file's size): far above any physmem offset and still inside
 * PTE_FRAME_MASK. A page there is not a frame: no struct page of its own, no reference
 * counts (frame_get/frame_put ignore it; phys_to_page gives window_page, which looks
 * reserved and shared, so code that would free, swap or reuse a frame in place leaves it
 * alone). The kernel reads it through its own read-only mapping of the file: writing it
 * would fault, and the host never lets anyone write it.
 */
#define PHYS_WINDOW_BASE (1ULL << 46)
#define PHYS_WINDOW_SHIFT 40
#define PHYS_WINDOW_SIZE (1ULL << PHYS_WINDOW_SHIFT)
#define PHYS_WINDOW_MAX 16

extern char *window_virt[PHYS_WINDOW_MAX];
extern struct page window_page;

static inline bool phys_is_window(phys_t p)
{
	return p >= PHYS_WINDOW_BASE;
}

/*
 * Where a mode maps phys from: the stub's descriptor (the physmem file, or a window's) and
 * the offset in that file.
 */
static inline int phys_stub_fd(phys_t p, u64 *off)
{
	if (phys_is_window(p)) {
		*off = p & (PHYS_WINDOW_SIZE - 1);
		return STUB_WINDOW_FD + (int)(((p - PHYS_WINDOW_BASE) >> PHYS_WINDOW_SHIFT) &
					      (PHYS_WINDOW_MAX - 1));
	}
	*off = p;
	return STUB_PHYSMEM_FD;
}

static inline void *phys_to_virt(phys_t p)
{
	if (unlikely(phys_is_window(p)))
		return window_virt[((p - PHYS_WINDOW_BASE) >> PHYS_WINDOW_SHIFT) &
				   (PHYS_WINDOW_MAX - 1)] + (p & (PHYS_WINDOW_SIZE - 1));
	return physmem_base + p;
}

static inline phys_t virt_to_phys(const void *v)
{
	return (phys_t)((const char *)v - physmem_base);
}

static inline struct page *phys_to_page(phys_t p)
{
	if (unlikely(phys_is_window(p)))
		return &window_page;
	return &page_array[p >> PAGE_SHIFT];
}

static inline phys_t page_to_phys(const struct page *pg)
{
	return (phys_t)(pg - page_array) << PAGE_SHIFT;
}

static inline void *page_address(const struct page *pg)
{
	return phys_to_virt(page_to_phys(pg));
}

static inline struct page *virt_to_page(const void *v)
{
	return phys_to_page(virt_to_phys(v));
}

/*
 * Set up the allocator over [0, size) of the physmem file mapped at base (file descriptor
 * fd, used to release freed memory to the host). Returns 0 or -ENOMEM when size is too
 * small to hold the page array.
 */
int page_init(void *base, phys_t size, int fd);
/* Allocate 2^order contiguous frames; NULL when memory is exhausted. */
struct page *page_alloc(unsigned order, unsigned gfp);
/* Free a block from page_alloc with the same order. */
void page_free(struct page *pg, unsigned order);
/* One frame with refcount 1, for user memory and caches; 0 when memory is exhausted. */
phys_t frame_alloc(unsigned gfp);
void frame_get(phys_t p);
/* Drop a reference; the frame is freed when the last one goes. */
void frame_put(phys_t p);
/*
 * Frames free now, free frames the host still backs (dirty), frames managed in total, and
 * frames kept for the kernel (GFP_USER allocations leave them).
 */
unsigned long page_nr_free(void);
unsigned long page_nr_dirty(void);
unsigned long page_nr_total(void);
unsigned long page_nr_reserved(void);
/* Frames managed at boot, before the balloon took any. */
unsigned long page_nr_boot_total(void);
/* How many frames the balloon holds: page_nr_total() no longer counts them. */
void page_set_offline(unsigned long frames);
/* Give the frames of an allocated block back to the host now (their data is lost); 0/-errno. */
int page_discard(struct page *pg);
/*
 * Give every dirty free frame back to the host now, in batched hole punches. Returns the
 * number of frames released.
 */
unsigned long page_release_free(void);
/*
 * Give back the dirty free frames that stayed free since the previous call (so memory freed
 * and reused between two calls costs no host call), then start a new period. Returns the
 * number of frames released. Called periodically (mm/reclaim.c).
 */
unsigned long page_release_aged(void);

/* ---- mm/window.c */
/*
 * Make the open, read-only host file host_fd (size bytes) a window; returns its base
 * "physical" address, or 0 when it cannot be one (too many, too large, registration
 * closed because address spaces exist, or the host refused). Never fails loudly: the
 * caller then simply does not share.
 */
phys_t window_register(int host_fd, u64 size);
/* Close registration (the first address space is being made). */
void window_seal(void);
/*
 * Has window w's file been found shorter than at registration (the host truncated it
 * under us; os_window_fault)? Its owner then stops sharing from it.
 */
bool window_is_cut(phys_t w);
/* Page-cache pages currently shared from windows (kept by the filesystems). */
extern u64 window_nr_shared;

/* ---- mm/reclaim.c */
/* Start the periodic release of freed memory to the host (needs the clock). */
void reclaim_init(void);
/* echo N > /proc/sys/vm/drop_caches (N = 1..3): release every free frame now; 0 or -EINVAL. */
int reclaim_drop_caches(unsigned long mode);

/* ---- mm/balloon.c (the mconsole's `config mem=-N` / `config mem=+N`) */
/* Take up to frames free frames from the guest and give them to the host; frames taken. */
unsigned long balloon_inflate(unsigned long frames);
/* Give frames ballooned frames back to the guest; -ENOSPC (nothing done) if fewer are held. */
int balloon_deflate(unsigned long frames);
/* Frames the balloon holds now. */
unsigned long balloon_nr_frames(void);

#endif
