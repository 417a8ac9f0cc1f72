/*
 * Guest address spaces (kernel/mm/): a sorted list of VMAs and a 4-level page table
 * mapping guest pages to physmem frames, both kept by the kernel. The execution mode
 * holds a cache of these mappings in the guest's host process, filled lazily on fault and
 * kept coherent by the functions here (they queue map/unmap/protect operations that the
 * mode applies before the guest runs again).
 *
 * Page table entries: frame address | PTE_* bits. A present entry holds one reference on
 * its frame. PTE_WRITE means the guest may write the frame in place (it is private to
 * this mm, or the mapping is shared); a present entry without PTE_WRITE in a writable
 * private VMA is copy-on-write.
 */
#ifndef MM_H
#define MM_H

#include "kernel.h"
#include "list.h"

#include <asm/mman.h>
#include <linux/mman.h>

struct file;
struct inode;
struct task;
struct ksm_mm;

#define PTE_PRESENT 0x1
#define PTE_WRITE 0x2
#define PTE_HOSTMAP 0x4 /* the mode has (or has queued) a host mapping of this page */
#define PTE_IDLE_SAMPLE 0x100 /* unmapped from the host to see if it is touched (idle_sample.c) */
#define PTE_FRAME_MASK 0x000ffffffffff000ULL

/* vma->flags */
#define VM_SHARED 0x1
#define VM_GROWSDOWN 0x2
#define VM_STACK 0x4
#define VM_HEAP 0x8
#define VM_DONTCOPY 0x10
#define VM_NOWRITE 0x20  /* shared view of a file not open for writing: never PROT_WRITE */

/* At most this many VMAs per address space (Linux's default vm.max_map_count). */
#define VMA_MAX 65530

struct vma {
	uaddr_t start, end;    /* [start, end), page aligned */
	unsigned prot;         /* PROT_READ | PROT_WRITE | PROT_EXEC */
	unsigned flags;        /* VM_* */
	struct file *file;     /* file mapping (holds a reference), or NULL for anonymous */
	u64 pgoff;             /* file offset of start, in pages */
	struct list_head link; /* in mm->vmas, sorted by start */
};

struct mm {
	int refcount;            /* tasks using it (threads, vfork children) */
	struct list_head vmas;   /* sorted, non-overlapping */
	int nr_vmas;
	u64 *pgd;                /* top-level page table (a frame in physmem) */
	void *mode_ctx;          /* the mode's address space */
	uaddr_t start_code, end_code, start_data, end_data;
	uaddr_t start_brk, brk;  /* heap */
	uaddr_t start_stack, stack_top;
	uaddr_t arg_start, arg_end, env_start, env_end;
	uaddr_t mmap_base;       /* top-down search starts here */
	unsigned long rss;       /* present pages */
	unsigned long host_maps; /* host mappings made since the last full unmap (fault.c) */
	uaddr_t host_next;       /* the page after the last one mapped, and its frame: a */
	u64 host_next_frame;     /* mapping that continues it costs no new host mapping */
	struct file *exe_file;   /* /proc/PID/exe (holds a reference) */
	struct ksm_mm *ksm;      /* page sharing's view of this mm (mm/ksm.c), or NULL */
	u64 saved_auxv[48];      /* /proc/PID/auxv */
	unsigned auxv_len;       /* entries used in saved_auxv (pairs * 2) */
};

/* ---- mm/mm.c: lifetime */
/* A new empty address space with its mode context; ERR_PTR on failure. */
struct mm *mm_alloc(void);
/* Copy for fork: VMAs duplicated, private pages shared copy-on-write. */
struct mm *mm_fork(struct mm *old);
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);

/* ---- mm/mmap.c: VMAs and the memory system calls */
/* The VMA containing addr, or NULL. */
struct vma *vma_find(struct mm *mm, uaddr_t addr);
/* The first VMA ending above addr (containing it, or the next one up), or NULL. */
struct vma *vma_find_next(struct mm *mm, uaddr_t addr);
/*
 * Map [addr, addr+len) (MAP_FIXED semantics when fixed, else a hint); returns the start or
 * -errno. file/pgoff for file mappings. Used by mmap(2), exec and brk.
 */
long mm_map_region(struct mm *mm, uaddr_t addr, u64 len, unsigned prot, unsigned flags,
		   struct file *file, u64 pgoff, bool fixed);
/* Unmap [addr, addr+len): frames released, the mode told. */
int mm_unmap_region(struct mm *mm, uaddr_t addr, u64 len);
int mm_protect_region(struct mm *mm, uaddr_t addr, u64 len, unsigned prot);
/* Re-protect on the host the pages of [start, end) the mode has mapped (runs, no holes). */
void mm_host_protect(struct mm *mm, uaddr_t start, uaddr_t end, unsigned prot);
/* Find a free range of len bytes for a non-fixed mapping; 0 when none. */
uaddr_t mm_get_unmapped_area(struct mm *mm, uaddr_t hint, u64 len);

/* ---- mm/pgtable.c: the page table */
/* Pointer to the entry for addr; with create, missing tables are allocated (NULL: no memory). */
u64 *pte_lookup(struct mm *mm, uaddr_t addr, bool create);
/* Call fn for each present entry in [start, end). */
void pte_walk(struct mm *mm, uaddr_t start, uaddr_t end,
	      void (*fn)(struct mm *mm, uaddr_t addr, u64 *pte, void *arg), void *arg);
/* Call fn for each swap entry (swapped-out page, swap.h) in [start, end). */
void pte_walk_swap(struct mm *mm, uaddr_t start, uaddr_t end,
		   void (*fn)(struct mm *mm, uaddr_t addr, u64 *pte, void *arg), void *arg);
/* Release every table page (entries must already be cleared). */
void pgtable_free(struct mm *mm);
/* Release the table pages left empty in [start, end) (after the range was unmapped). */
void pgtable_trim(struct mm *mm, uaddr_t start, uaddr_t end);
/*
 * The first present entry at or above *addr and below end, skipping absent tables whole;
 * *addr is set to its address. NULL (and *addr = end) when there is none.
 */
u64 *pte_next_present(struct mm *mm, uaddr_t *addr, uaddr_t end);

/* ---- mm/fault.c */
/*
 * Make addr accessible for the access kind (UM_ACCESS_*; WRITE breaks copy-on-write).
 * host_code: 0 for a kernel access (uaccess), or the host's si_code for a guest fault
 * (SEGV_MAPERR: the host had no mapping; SEGV_ACCERR: it refused one), in which case the
 * page is also mapped on the host. Returns 0, or the signal to send the guest: -SIGSEGV
 * (with *code SEGV_MAPERR or SEGV_ACCERR), -SIGBUS (beyond the end of a file mapping) or
 * -SIGKILL (out of memory).
 */
int mm_handle_fault(struct mm *mm, uaddr_t addr, int access, int host_code, int *code);
/* Queue the host mapping of one present page with the protection its VMA and PTE allow. */
void mm_host_map_page(struct mm *mm, struct vma *vma, uaddr_t addr, u64 pte);
/* The host protection for VMA protection prot when the page may (not) be written in place. */
unsigned mm_host_prot(unsigned prot, bool writable);

/* Set stack_top and mmap_base of a fresh address space. */
void mm_exec_layout(struct mm *mm);
/* May f be mapped with prot (and VM_SHARED in vmflags)? 0 or -EACCES/-ENODEV. */
int mm_check_file_map(struct file *f, unsigned prot, unsigned vmflags);
/* The hidden file behind a MAP_SHARED|MAP_ANONYMOUS mapping (referenced), or ERR_PTR. */
struct file *mm_shared_anon_file(u64 len);

/* ---- mm/window.c */
/*
 * Page index of inode stopped being the window page win in the page cache (it was
 * copied into a frame to be written): drop every page-table entry still mapping win
 * there, so the next access faults in the new frame.
 */
void mm_window_zap(struct inode *inode, u64 index, phys_t win);

/* ---- mm/idle_sample.c: active memory estimated by sampling (ESX) */
struct idle_sample_stats {
	bool running;
	unsigned active_pm;        /* estimated active fraction, per mille: max(slow, fast) */
	unsigned slow_pm, fast_pm; /* the two moving averages */
	unsigned last_pm;          /* the last period's fraction */
	unsigned long periods;     /* periods completed */
	unsigned long sampled, touched; /* totals since sampling started */
	unsigned long resident;    /* host-mapped guest pages at the last period's start */
};
/* Start sampling (once; later calls do nothing). */
void idle_sample_start(void);
/* Start sampling at boot when memsample=1 asked for it (called from reclaim_init). */
void idle_sample_boot(void);
void idle_sample_get(struct idle_sample_stats *s);
/* A sampled page was touched (mm_handle_fault, after clearing PTE_IDLE_SAMPLE). */
void idle_sample_touched(void);
/* An address space is going away: drop its samples. */
void idle_sample_mm_exit(struct mm *mm);

#endif
