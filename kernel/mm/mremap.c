/*
 * mremap(2): shrink a mapping, grow it in place when the addresses above it are free, or
 * move it (MREMAP_MAYMOVE, MREMAP_FIXED, MREMAP_DONTUNMAP).
 *
 * A move never copies page contents: the present page-table entries of the old range are
 * moved to the new addresses (each keeps its frame reference and its copy-on-write state),
 * the host mappings of the old range are dropped, and the pages fault in at their new
 * addresses on first touch. File and shared mappings keep their file and offset, so their
 * pages stay the file's. With MREMAP_DONTUNMAP the old range stays mapped but empty:
 * anonymous pages read back as zero there, file pages come back from the file.
 */
#include "kernel.h"
#include "fs.h"
#include "mm.h"
#include "mode.h"
#include "slab.h"
#include "syscall.h"
#include "swap.h"
#include "task.h"
#include "as-layout.h"
#include "internal.h"

#define MREMAP_FLAGS (MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)

/* A move of [from, ...) to to..: where each entry goes, and the first failure. */
struct move {
	uaddr_t from, to;
	int err;
};

static void prepare_swap(struct mm *mm, uaddr_t a, u64 *pte, void *arg)
{
	struct move *mv = arg;

	(void)pte;
	if (!mv->err && !pte_lookup(mm, mv->to + (a - mv->from), true))
		mv->err = -ENOMEM;
}

/*
 * Make sure a page-table leaf exists for the target of every present page and every swap
 * entry (a swapped-out page, swap.h); 0 or -ENOMEM.
 */
static int prepare_tables(struct mm *mm, uaddr_t from, uaddr_t end, uaddr_t to)
{
	struct move mv = { from, to, 0 };
	uaddr_t a = from;

	while (pte_next_present(mm, &a, end)) {
		if (!pte_lookup(mm, to + (a - from), true))
			return -ENOMEM;
		a += PAGE_SIZE;
	}
	pte_walk_swap(mm, from, end, prepare_swap, &mv);
	return mv.err;
}

static void move_swap(struct mm *mm, uaddr_t a, u64 *pte, void *arg)
{
	struct move *mv = arg;
	u64 *dst = pte_lookup(mm, mv->to + (a - mv->from), false);

	*dst = *pte;
	*pte = 0;
}

/*
 * Move the present entries and the swap entries of [from, end) to to..; both ranges must
 * be disjoint. A page the idle sampler took out of the host mapping (PTE_IDLE_SAMPLE)
 * loses its mark: its sample is counted at the old address, where nothing is left.
 */
static void move_ptes(struct mm *mm, uaddr_t from, uaddr_t end, uaddr_t to)
{
	struct move mv = { from, to, 0 };
	uaddr_t a = from;
	u64 *pte;

	while ((pte = pte_next_present(mm, &a, end))) {
		u64 *dst = pte_lookup(mm, to + (a - from), false);

		*dst = *pte & ~(u64)(PTE_HOSTMAP | PTE_IDLE_SAMPLE);
		*pte = 0;
		a += PAGE_SIZE;
	}
	pte_walk_swap(mm, from, end, move_swap, &mv);
	pgtable_trim(mm, from, end);
	if (mm->mode_ctx)
		um_mode->mm_unmap(mm->mode_ctx, from, end - from);
}

/* Isolate [addr, addr+len) of v as a VMA of its own; returns it or NULL (no memory). */
static struct vma *vma_isolate(struct mm *mm, struct vma *v, uaddr_t addr, u64 len)
{
	if (v->start < addr && !(v = vma_split(mm, v, addr)))
		return NULL;
	if (v->end > addr + len && !vma_split(mm, v, addr + len))
		return NULL;
	return v;
}

/*
 * Move the old_len bytes at v (already isolated) to new_addr, giving new_len bytes there
 * (new_len >= old_len; the range at new_addr is free). Returns new_addr or -errno.
 */
static long move_vma(struct mm *mm, struct vma *v, uaddr_t new_addr, u64 new_len,
		     bool dontunmap)
{
	struct vma *n;
	int r;

	r = prepare_tables(mm, v->start, v->end, new_addr);
	if (r < 0)
		return r;
	n = vma_new(mm);
	if (!n)
		return -ENOMEM;
	*n = *v;
	n->start = new_addr;
	n->end = new_addr + new_len;
	n->flags &= ~VM_HEAP;
	if (n->file)
		file_get(n->file);
	move_ptes(mm, v->start, v->end, new_addr);
	if (!dontunmap)
		vma_free(mm, v);
	vma_insert(mm, n);
	vma_merge_around(mm, n);
	return (long)new_addr;
}

/* Can [v->end, v->end + extra) be added to v in place? */
static bool can_grow_in_place(struct mm *mm, struct vma *v, u64 extra)
{
	uaddr_t end = v->end + extra;
	struct vma *next = vma_find_next(mm, v->end);

	return end > v->end && end <= UM_TASK_SIZE && (!next || next->start >= end);
}

/* MREMAP_FIXED / MREMAP_DONTUNMAP: the move to a given (or any free) address. */
static long mremap_to(struct mm *mm, uaddr_t addr, u64 old_len, uaddr_t new_addr, u64 new_len,
		      unsigned flags)
{
	struct vma *v;
	long r;

	if (flags & MREMAP_FIXED) {
		if ((new_addr & ~PAGE_MASK) || new_addr + new_len > UM_TASK_SIZE ||
		    new_addr + new_len < new_addr || new_addr < UM_MMAP_MIN)
			return -EINVAL;
		if (new_addr < addr + old_len && addr < new_addr + new_len)
			return -EINVAL;
		r = mm_unmap_region(mm, new_addr, new_len);
		if (r < 0)
			return r;
	}
	if (old_len > new_len) {
		r = mm_unmap_region(mm, addr + new_len, old_len - new_len);
		if (r < 0)
			return r;
		old_len = new_len;
	}
	if (!(flags & MREMAP_FIXED)) {
		new_addr = mm_get_unmapped_area(mm, 0, new_len);
		if (!new_addr)
			return -ENOMEM;
	}
	v = vma_find(mm, addr);
	if (!v || v->end < addr + old_len)
		return -EFAULT;
	v = vma_isolate(mm, v, addr, old_len);
	if (!v)
		return -ENOMEM;
	return move_vma(mm, v, new_addr, new_len, flags & MREMAP_DONTUNMAP);
}

/* old_len 0 with MREMAP_MAYMOVE: a second mapping of the same shared pages. */
static long mremap_dup_shared(struct mm *mm, struct vma *v, uaddr_t addr, u64 new_len)
{
	long r;

	if (!(v->flags & VM_SHARED) || !v->file)
		return -EINVAL;
	r = mm_map_region(mm, 0, new_len, v->prot, v->flags, v->file,
			  v->pgoff + ((addr - v->start) >> PAGE_SHIFT), false);
	return r;
}

static long do_mremap(struct mm *mm, uaddr_t addr, u64 old_len, u64 new_len, unsigned flags,
		      uaddr_t new_addr)
{
	struct vma *v;
	long r;

	v = vma_find(mm, addr);
	if (!v)
		return -EFAULT;
	if (old_len == 0) {
		if (!(flags & MREMAP_MAYMOVE))
			return -EINVAL;
		return mremap_dup_shared(mm, v, addr, new_len);
	}
	if (v->end - addr < old_len)
		return -EFAULT;
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return mremap_to(mm, addr, old_len, new_addr, new_len, flags);
	if (new_len <= old_len) {
		if (new_len < old_len) {
			r = mm_unmap_region(mm, addr + new_len, old_len - new_len);
			if (r < 0)
				return r;
		}
		return (long)addr;
	}
	if (addr + old_len == v->end && can_grow_in_place(mm, v, new_len - old_len)) {
		v->end = addr + new_len;
		vma_merge_around(mm, v);
		return (long)addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	new_addr = mm_get_unmapped_area(mm, 0, new_len);
	if (!new_addr)
		return -ENOMEM;
	v = vma_isolate(mm, v, addr, old_len);
	if (!v)
		return -ENOMEM;
	return move_vma(mm, v, new_addr, new_len, false);
}

long sys_mremap(const struct sc_args *a)
{
	uaddr_t addr = a->arg[0], new_addr = a->arg[4];
	u64 old_len = a->arg[1], new_len = a->arg[2];
	unsigned flags = (unsigned)a->arg[3];

	if ((flags & ~MREMAP_FLAGS) || (addr & ~PAGE_MASK))
		return -EINVAL;
	if ((flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && old_len != new_len)
		return -EINVAL;
	if (old_len > UM_TASK_SIZE || new_len > UM_TASK_SIZE)
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (new_len == 0)
		return -EINVAL;
	if (addr + old_len < addr || addr + old_len > UM_TASK_SIZE)
		return -EFAULT;
	if (!vmscan_room_for_kernel()) /* a moved or split VMA */
		return -ENOMEM;
	return do_mremap(current->mm, addr, old_len, new_len, flags, new_addr);
}
