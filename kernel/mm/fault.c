/*
 * Page faults: demand-zero anonymous pages, file pages (through the inode's get_page),
 * copy-on-write, stack growth, and the host mappings that follow.
 *
 * Guest faults arrive from the mode with the host's verdict but usually without the access
 * kind: SEGV_MAPERR means the host had no mapping (fill the page in and map it with what
 * the VMA and PTE allow), SEGV_ACCERR means the host refused an access to a page it had
 * mapped. We map exactly the VMA's protection minus write for copy-on-write pages, so a
 * refused access to a page whose VMA is writable but whose PTE is not must be the write of
 * a copy-on-write page; any other refusal is the guest's fault (SIGSEGV, SEGV_ACCERR).
 * A refusal the tables cannot explain is retried once with a fresh host mapping; the same
 * address refused again right after is the guest's fault. The entry code passes
 * UM_ACCESS_EXEC when the fault address is the instruction pointer. Kernel accesses
 * (uaccess.c) pass the access kind explicitly.
 *
 * Fault-around: a host fault also maps up to FAULT_AROUND pages around it that are present
 * in the page table or in the file's cache, so a fresh address space (after fork or exec)
 * takes one trap per window instead of one per page.
 *
 * The host mappings are a cache of the page table: a host process holds at most
 * vm.max_map_count (65530 by default) mappings, and guest pages whose frames are not
 * contiguous each take one. So after HOST_MAPS_MAX host mappings (a page continuing the
 * last one mapped, in the guest and in physmem, extends it) an address space's host
 * mappings are all dropped (PTE_HOSTMAP cleared, one munmap of the guest range) before the
 * next fault maps anything; the pages still in use come back one fault-around at a time.
 * Only when it has HOST_MAPS_MAX present pages, though: each host mapping holds at least
 * one, so a smaller address space cannot reach the limit, however often its pages were
 * remapped (after idle sampling, reclaim or munmap).
 */
#include "kernel.h"
#include "fs.h"
#include "mm.h"
#include "mode.h"
#include "page.h"
#include "swap.h"
#include "task.h"

#include <asm/siginfo.h>

#define FAULT_AROUND 16
#define HOST_MAPS_MAX 28672 /* under half of 65530: a mapping may also split one */
#define STACK_GUARD_GAP (256UL << 12)

unsigned mm_host_prot(unsigned prot, bool writable)
{
	/*
	 * Write access implies read access on x86: a copy-on-write page of a PROT_WRITE-only
	 * mapping stays readable, or a mere read would look like a write and copy the page
	 * (which then no longer showed later changes of the file under a private mapping).
	 */
	if (!writable && (prot & PROT_WRITE))
		prot = (prot & ~PROT_WRITE) | PROT_READ;
	return prot;
}

void mm_host_map_page(struct mm *mm, struct vma *vma, uaddr_t addr, u64 pte)
{
	if (addr != mm->host_next || (pte & PTE_FRAME_MASK) != mm->host_next_frame)
		mm->host_maps++;
	mm->host_next = addr + PAGE_SIZE;
	mm->host_next_frame = (pte & PTE_FRAME_MASK) + PAGE_SIZE;
	um_mode->mm_map(mm->mode_ctx, addr, PAGE_SIZE, pte & PTE_FRAME_MASK,
			mm_host_prot(vma->prot, pte & PTE_WRITE));
}

/* Fill in a missing page; file pages are shared with the file (copy-on-write if private). */
static int fault_in(struct mm *mm, struct vma *vma, uaddr_t addr, u64 *pte, bool write)
{
	phys_t f;

	if (vma->file) {
		struct inode *inode = vma->file->inode;
		u64 index = vma->pgoff + ((addr - vma->start) >> PAGE_SHIFT);
		bool shared = vma->flags & VM_SHARED;
		/* A shared writable page is mapped writable whatever the first access. */
		int r = inode->i_op->get_page(inode, index, shared && (vma->prot & PROT_WRITE),
					      &f);

		if (r < 0)
			return r == -ENOMEM ? -SIGKILL : -SIGBUS;
		*pte = f | PTE_PRESENT | (shared && (vma->prot & PROT_WRITE) ? PTE_WRITE : 0);
	} else {
		f = vmscan_alloc_user_frame(GFP_ZERO | GFP_USER);
		if (!f)
			return -SIGKILL;
		*pte = f | PTE_PRESENT | PTE_WRITE;
	}
	mm->rss++;
	current->min_flt++;
	return 0;
}

/*
 * Make a present copy-on-write page private and writable. The old frame is released
 * only once the host mapping points at the new one (UM_FEAT_GUEST_CONCURRENT). The
 * allocation may reclaim, and the clock may take this very entry (swap it out, or drop a
 * file page): then -EAGAIN, and the access is simply retried.
 */
static int cow_break(struct mm *mm, struct vma *vma, uaddr_t addr, u64 *pte)
{
	phys_t old = *pte & PTE_FRAME_MASK, f = 0;

	/* (A window page, page.h, looks shared: it is always copied, never written.) */
	if (phys_to_page(old)->refcount == 1) {
		/* Written in place: any copy on swap (swap.h) is no longer its content. */
		phys_to_page(old)->flags &= ~PG_SWAPCACHE;
		*pte |= PTE_WRITE;
	} else {
		frame_get(old); /* kept valid whatever reclaim does to the entry meanwhile */
		f = vmscan_alloc_user_frame(GFP_USER);
		if (!f || (*pte & (PTE_PRESENT | PTE_FRAME_MASK)) != (old | PTE_PRESENT)) {
			if (f)
				frame_put(f);
			frame_put(old);
			return f ? -EAGAIN : -SIGKILL;
		}
		frame_put(old); /* the entry still holds its own reference */
		memcpy(phys_to_virt(f), phys_to_virt(old), PAGE_SIZE);
		*pte = f | PTE_PRESENT | PTE_WRITE | (*pte & PTE_HOSTMAP);
	}
	if (*pte & PTE_HOSTMAP) {
		mm_host_map_page(mm, vma, addr, *pte);
		if (f && (um_mode->features & UM_FEAT_GUEST_CONCURRENT))
			um_mode->mm_flush(mm->mode_ctx);
	}
	if (f)
		frame_put(old);
	return 0;
}

/* Grow a VM_GROWSDOWN stack VMA down to addr, within RLIMIT_STACK. */
static bool stack_grow(struct mm *mm, struct vma *vma, uaddr_t addr)
{
	u64 limit = current->signal ? current->signal->rlim[RLIMIT_STACK].rlim_cur : 8 << 20;
	struct vma *prev;

	addr &= PAGE_MASK;
	if (vma->end - addr > limit && limit != RLIM_INFINITY)
		return false;
	if (vma->link.prev != &mm->vmas) {
		prev = list_entry(vma->link.prev, struct vma, link);
		if (prev->end + STACK_GUARD_GAP > addr)
			return false;
	}
	vma->start = addr;
	return true;
}

static void fault_around(struct mm *mm, struct vma *vma, uaddr_t addr)
{
	uaddr_t lo = max(vma->start, addr & ~(FAULT_AROUND * PAGE_SIZE - 1));
	uaddr_t hi = min(vma->end, lo + FAULT_AROUND * PAGE_SIZE);

	for (uaddr_t a = lo; a < hi; a += PAGE_SIZE) {
		u64 *pte;

		if (a == addr)
			continue;
		pte = pte_lookup(mm, a, vma->file != NULL);
		if (!pte)
			continue;
		if (*pte & PTE_SWAP)
			continue; /* swapped out: read back only when touched */
		if (*pte & PTE_IDLE_SAMPLE)
			continue; /* a sample is mapped only by its own touch */
		if (!(*pte & PTE_PRESENT)) {
			/* Only file pages are brought in speculatively: they cost no new memory. */
			if (!vma->file || (vma->flags & VM_SHARED) || fault_in(mm, vma, a, pte, false))
				continue;
		}
		if (!(*pte & PTE_HOSTMAP)) {
			*pte |= PTE_HOSTMAP;
			mm_host_map_page(mm, vma, a, *pte);
		}
	}
}

static void host_unmapped(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	*pte &= ~(u64)PTE_HOSTMAP;
}

/* Drop every host mapping of mm (see the header comment); they come back on faults. */
static void host_unmap_all(struct mm *mm)
{
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, link)
		pte_walk(mm, v->start, v->end, host_unmapped, NULL);
	um_mode->mm_unmap(mm->mode_ctx, 0, UM_TASK_SIZE);
	mm->host_maps = 0;
}

static bool access_allowed(const struct vma *vma, int access)
{
	switch (access) {
	case UM_ACCESS_WRITE:
		return vma->prot & PROT_WRITE;
	case UM_ACCESS_EXEC:
		return vma->prot & PROT_EXEC;
	default:
		return vma->prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
	}
}

int mm_handle_fault(struct mm *mm, uaddr_t addr, int access, int host_code, int *code)
{
	bool from_host = host_code != 0, host_accerr = host_code == SEGV_ACCERR;
	struct vma *vma = vma_find(mm, addr);
	u64 *pte;
	int r;

	*code = SEGV_MAPERR;
	if (!vma) {
		vma = vma_find_next(mm, addr);
		if (!vma || !(vma->flags & VM_GROWSDOWN) || !stack_grow(mm, vma, addr))
			return -SIGSEGV;
	}
	*code = SEGV_ACCERR;
	if (!access_allowed(vma, access))
		return -SIGSEGV;
	addr &= PAGE_MASK;
	pte = pte_lookup(mm, addr, true);
	if (!pte)
		return -SIGKILL;
	if (pte_is_swap(*pte)) {
		r = swap_in_pte(mm, vma, addr, pte);
		if (r)
			return r;
	} else if (!(*pte & PTE_PRESENT)) {
		r = fault_in(mm, vma, addr, pte, access == UM_ACCESS_WRITE);
		if (r)
			return r;
	}
	if ((*pte & PTE_IDLE_SAMPLE) && from_host) {
		*pte &= ~(u64)PTE_IDLE_SAMPLE;
		idle_sample_touched();
	}
	if (host_accerr) {
		if (!(*pte & PTE_WRITE) && (vma->prot & PROT_WRITE)) {
			r = cow_break(mm, vma, addr, pte);
			return r == -EAGAIN ? 0 : r;
		}
		/*
		 * The host refused an access our tables allow: its mapping was stale (a remap
		 * fixes it), or the guest's access is one the VMA does not allow, which a
		 * refusal of the same address right after a remap reveals.
		 */
		if (current->last_fault_addr == addr) {
			current->last_fault_addr = 0; /* the next refusal starts a new sequence */
			return -SIGSEGV;
		}
		current->last_fault_addr = addr;
		mm_host_map_page(mm, vma, addr, *pte | PTE_HOSTMAP);
		*pte |= PTE_HOSTMAP;
		return 0;
	}
	if (access == UM_ACCESS_WRITE && !(*pte & PTE_WRITE)) {
		if (!(vma->prot & PROT_WRITE))
			return -SIGSEGV;
		r = cow_break(mm, vma, addr, pte);
		if (r)
			return r == -EAGAIN ? 0 : r; /* the entry changed: fault again */
	}
	if (from_host) {
		if (mm->host_maps >= HOST_MAPS_MAX && mm->rss >= HOST_MAPS_MAX && mm->mode_ctx)
			host_unmap_all(mm);
		*pte |= PTE_HOSTMAP;
		mm_host_map_page(mm, vma, addr, *pte);
		fault_around(mm, vma, addr);
	}
	return 0;
}
