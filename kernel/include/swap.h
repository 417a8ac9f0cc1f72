/*
 * Swap (kernel/mm/swapfile.c, swap.c, vmscan.c): swap areas on block devices in Linux's
 * format (the "SWAPSPACE2" header busybox mkswap writes), anonymous pages written to them
 * under memory pressure and read back on fault, the reclaim pass that chooses what to free,
 * and the OOM killer that runs when nothing can be.
 *
 * A swapped-out page's PTE is not present and holds a swap entry: PTE_SWAP, the area's
 * index (bits 4-7) and the slot (bits 12 and up). Each slot has a use count: the PTEs that
 * hold it (fork copies an entry and counts it again). A slot's data never changes while it
 * is used, so whoever faults it in gets its own private copy (or, while a sharer still has
 * the frame it was written from, that frame copy-on-write); the last user frees the slot.
 */
#ifndef SWAP_H
#define SWAP_H

#include "kernel.h"

struct mm;
struct vma;
struct super_block;

#define PTE_SWAP 0x8 /* not present: a swap entry (PTE_PRESENT is clear) */
#define SWAP_MAX_AREAS 8

static inline bool pte_is_swap(u64 pte)
{
	return (pte & (PTE_SWAP | 0x1)) == PTE_SWAP;
}

static inline u64 swp_entry(unsigned type, u64 slot)
{
	return (slot << 12) | ((u64)type << 4) | PTE_SWAP;
}

static inline unsigned swp_type(u64 pte)
{
	return (pte >> 4) & 0xf;
}

static inline u64 swp_slot(u64 pte)
{
	return (pte & 0x000ffffffffff000ULL) >> 12;
}

/* ---- mm/swapfile.c: the on-disk header and the slot map (no I/O: host-testable) */

#define SWAP_MAGIC "SWAPSPACE2"
#define SWAP_MAGIC_LEN 10
#define SWAP_INFO_OFF 1024   /* the header fields follow 1 KiB of boot bits */
#define SWAP_BADPAGES_OFF 1536
#define SWAP_MAX_BADPAGES ((4096 - SWAP_MAGIC_LEN - SWAP_BADPAGES_OFF) / 4)
#define SWAP_MAP_BAD 0xffff  /* a bad page's count: never handed out */
#define SWAP_MAP_MAX 0xfffe  /* the most users one slot may have */

struct swap_header_info {
	u64 pages;         /* pages of the area, header included (last_page + 1) */
	u32 nr_bad;
	const u32 *bad;    /* nr_bad page numbers, inside the header page */
};

/*
 * Check the first page of a would-be swap area whose device holds dev_pages pages. Fills
 * *info; 0, or -EINVAL with *why saying what is wrong (no signature, version, sizes).
 */
int swap_parse_header(const void *page, u64 dev_pages, struct swap_header_info *info,
		      const char **why);

struct swap_map {
	u16 *count;   /* per slot: users, 0 free, SWAP_MAP_BAD never used */
	u64 nr;       /* slots, the header's slot 0 included */
	u64 nr_good;  /* slots that can be used */
	u64 used;     /* slots in use */
	u64 next;     /* where the next search starts (round-robin) */
};

/* Set up the map of an area (slot 0 and the bad pages excluded); 0 or -ENOMEM/-EINVAL. */
int swap_map_init(struct swap_map *m, const struct swap_header_info *info);
void swap_map_destroy(struct swap_map *m);
/* A free slot with count 1, or 0 when the area is full. */
u64 swap_map_alloc(struct swap_map *m);
/* One more user of a used slot; false when the count would overflow. */
bool swap_map_dup(struct swap_map *m, u64 slot);
/* One user fewer; returns the users left (0: the slot is free again). */
unsigned swap_map_put(struct swap_map *m, u64 slot);

/* Make slot of an initialised map unusable (a swap file page that cannot be mapped). */
void swap_map_mark_bad(struct swap_map *m, u64 slot);

/*
 * Where an area's pages lie on its block device, in runs of pages contiguous on the
 * device (Linux's swap_extent): one run for a device, one per fragment of a swap file.
 */
struct swap_extent {
	u64 start_page;  /* the first page (slot) of the run */
	u64 nr_pages;
	u64 start_off;   /* its byte offset on the device */
};
struct swap_extents {
	struct swap_extent *ext;  /* by start_page, not overlapping */
	u32 nr, cap;
};
#define SWAP_NO_OFFSET (~0ULL)
/* Add page at byte off (pages in increasing order); merged with the run it extends. 0/-ENOMEM. */
int swap_extents_add(struct swap_extents *x, u64 page, u64 off);
/* The byte offset of page, or SWAP_NO_OFFSET when it was not added. */
u64 swap_extents_lookup(const struct swap_extents *x, u64 page);
/* Bytes of the device from the lowest run's start to the highest run's end. */
u64 swap_extents_span(const struct swap_extents *x);
void swap_extents_destroy(struct swap_extents *x);

/* ---- mm/swap.c: areas, swap-out and swap-in */

struct swap_stats {
	unsigned long total, free; /* pages over every area */
	unsigned long pswpin, pswpout;
	unsigned long pgscan, pgsteal; /* pages looked at / freed by reclaim */
	unsigned long oom_kill;
};

void swap_get_stats(struct swap_stats *s);
/* Reclaim counters (vmscan.c) */
void swap_count_scan(unsigned long scanned, unsigned long stolen);
void swap_count_oom_kill(void);
/* True when some area has a free slot. */
bool swap_space_left(void);
/*
 * Put the present anonymous page at addr (PTE *pte) on swap and replace the PTE by a swap
 * entry. Returns 1 when its frame was freed, 0 when other sharers still map it (the frame
 * then remembers its slot: the swap cache, swap.c), -ENOSPC (no slot) or -EIO.
 */
int swap_out_pte(struct mm *mm, uaddr_t addr, u64 *pte);
/* Bring the page of swap entry *pte back: a private frame, PTE made present. 0/-SIGKILL/-SIGBUS. */
int swap_in_pte(struct mm *mm, struct vma *vma, uaddr_t addr, u64 *pte);
/* Drop a swap entry being unmapped (munmap, exit). */
void swap_free_entry(u64 pte);
/* fork: the child gets a copy of entry pte; false when the slot cannot take another user. */
bool swap_dup_entry(u64 pte);
/* What /proc/swaps shows of active area i (0..SWAP_MAX_AREAS-1); false if none is there. */
struct swap_area_info {
	const char *name;
	bool is_file;
	unsigned long size_kb, used_kb;
	int prio;
};
bool swap_area_get(unsigned i, struct swap_area_info *out);
/*
 * Halt: turn the swap files off (no pages brought back: nothing runs again) so that the
 * filesystems are written back and unmounted without them.
 */
void swap_halt(void);
/* Does an active swap file lie on sb? (it cannot be remounted read-only then) */
bool swap_sb_busy(const struct super_block *sb);

/*
 * tmpfs pages (fs/tmpfs/tmpfs_file.c keeps the entry in the file's page index instead of
 * a PTE). swap_write_page: a new slot holding frame f's bytes, its entry in *entry; 0,
 * -ENOSPC or -EIO. swap_read_page: entry's bytes into frame f (the slot stays used: free
 * it with swap_free_entry); 0 or -EIO.
 */
int swap_write_page(phys_t f, u64 *entry);
int swap_read_page(u64 entry, phys_t f);
/*
 * fs/tmpfs/tmpfs_file.c: write up to want tmpfs pages that nothing maps to swap, from the
 * least recently used file on. Frames freed. Only at a safe point.
 */
u64 tmpfs_reclaim(u64 want);
/* swapoff: bring back every tmpfs page on area type; 0, -ENOMEM or -EIO. */
int tmpfs_unuse(unsigned type);
/* Pages of tmpfs files in memory (/proc/meminfo Shmem) and on swap. */
extern u64 tmpfs_resident_pages, tmpfs_swapped_pages;

/* ---- mm/vmscan.c: reclaim and the OOM killer */

/* At a safe point (a task about to run guest code): reclaim when free memory is low. */
void vmscan_balance(void);
/*
 * A frame for a user page being faulted in (also from within a system call): when none is
 * free, anonymous pages are swapped out first (never the page cache, which the calling
 * path may be using). 0 when there is still none.
 */
phys_t vmscan_alloc_user_frame(unsigned gfp);
/*
 * Free up to want frames: clean and dirty page cache, then anonymous pages to swap.
 * Only at a safe point. Returns the frames freed.
 */
unsigned long vmscan_reclaim(unsigned long want);
/*
 * A page fault ran out of memory (safe point): reclaim, or kill the biggest process.
 * Returns true when the faulting access should simply be retried.
 */
bool vmscan_fault_oom(void);
/*
 * Before a system call takes kernel memory for a guest (a VMA, a task), at its start (a
 * safe point): true when free memory is above the kernel's reserve, after reclaiming
 * when it was not. Such requests never eat into the reserve, and without this they
 * failed with ENOMEM while reclaimable pages were still there.
 */
bool vmscan_room_for_kernel(void);
/* drop_caches: write back and drop every ext4 page-cache page nothing maps. */
void vmscan_drop_page_cache(void);
/* Swap every page of area type back in (swapoff): 0 or -ENOMEM. */
int vmscan_unuse(unsigned type);

#endif
