/*
 * VMAs and the memory system calls: mmap, munmap, mprotect, brk, madvise, msync (mremap is
 * in mremap.c).
 *
 * An address space's VMAs are a list sorted by start address. Mapping never touches the
 * page table (pages come in on fault); unmapping releases the frames of the range and
 * queues one host unmap with the mode; changing protection rewrites the VMAs and queues
 * one host mprotect, never granting write access the host did not have before (pages
 * shared copy-on-write must stay read-only there; a write fault upgrades them one by one).
 */
#include "kernel.h"
#include "fs.h"
#include "mm.h"
#include "mode.h"
#include "page.h"
#include "swap.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "as-layout.h"
#include "internal.h"

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)

struct vma *vma_find_next(struct mm *mm, uaddr_t addr)
{
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, link) {
		if (v->end > addr)
			return v;
	}
	return NULL;
}

struct vma *vma_find(struct mm *mm, uaddr_t addr)
{
	struct vma *v = vma_find_next(mm, addr);

	return v && v->start <= addr ? v : NULL;
}

void vma_insert(struct mm *mm, struct vma *n)
{
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, link) {
		if (v->start > n->start)
			break;
	}
	list_add_tail(&n->link, &v->link);
	mm->nr_vmas++;
}

void vma_free(struct mm *mm, struct vma *v)
{
	list_del(&v->link);
	mm->nr_vmas--;
	if (v->file)
		file_put(v->file);
	kfree(v);
}

/*
 * A new VMA for mm, or NULL: past VMA_MAX of them (Linux's vm.max_map_count), or when
 * free memory is down to the kernel's reserve. VMAs are kernel memory a guest asks for,
 * and the list costs O(n) per operation: a guest splitting a big mapping page by page
 * would otherwise eat all memory and slow the whole kernel down.
 */
struct vma *vma_new(struct mm *mm)
{
	if (mm->nr_vmas >= VMA_MAX || page_nr_free() <= page_nr_reserved())
		return NULL;
	return kzalloc(sizeof(struct vma));
}

/* Split v at addr (inside it); returns the upper part, or NULL on allocation failure. */
struct vma *vma_split(struct mm *mm, struct vma *v, uaddr_t addr)
{
	struct vma *n = vma_new(mm);

	if (!n)
		return NULL;
	*n = *v;
	n->start = addr;
	if (n->file) {
		file_get(n->file);
		n->pgoff += (addr - v->start) >> PAGE_SHIFT;
	}
	v->end = addr;
	list_add(&n->link, &v->link);
	mm->nr_vmas++;
	return n;
}

static bool vma_can_merge(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->prot == b->prot && a->flags == b->flags && !a->file &&
	       !b->file;
}

void vma_merge_around(struct mm *mm, struct vma *v)
{
	struct vma *prev, *next;

	if (v->link.prev != &mm->vmas) {
		prev = list_entry(v->link.prev, struct vma, link);
		if (vma_can_merge(prev, v)) {
			prev->end = v->end;
			vma_free(mm, v);
			v = prev;
		}
	}
	if (v->link.next != &mm->vmas) {
		next = list_entry(v->link.next, struct vma, link);
		if (vma_can_merge(v, next)) {
			v->end = next->end;
			vma_free(mm, next);
		}
	}
}

static void zap_pte(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	frame_put(*pte & PTE_FRAME_MASK);
	*pte = 0;
	mm->rss--;
}

static void zap_swap_pte(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	swap_free_entry(*pte);
	*pte = 0;
}

/*
 * Drop the host mappings of [start, end), then release its frames, its swap entries and
 * the page tables left empty (the mode makes the unmap take effect before a frame can be
 * reused: UM_FEAT_GUEST_CONCURRENT).
 */
void mm_zap_range(struct mm *mm, uaddr_t start, uaddr_t end)
{
	if (mm->mode_ctx) {
		um_mode->mm_unmap(mm->mode_ctx, start, end - start);
		if (um_mode->features & UM_FEAT_GUEST_CONCURRENT)
			um_mode->mm_flush(mm->mode_ctx);
	}
	pte_walk(mm, start, end, zap_pte, NULL);
	pte_walk_swap(mm, start, end, zap_swap_pte, NULL);
	pgtable_trim(mm, start, end);
}

int mm_unmap_region(struct mm *mm, uaddr_t addr, u64 len)
{
	uaddr_t end = addr + len;
	struct vma *v, *next;

	if ((addr & ~PAGE_MASK) || len == 0 || end > UM_TASK_SIZE || end < addr)
		return -EINVAL;
	v = vma_find_next(mm, addr);
	while (v && v->start < end) {
		if (v->start < addr) {
			v = vma_split(mm, v, addr);
			if (!v)
				return -ENOMEM;
		}
		if (v->end > end && !vma_split(mm, v, end))
			return -ENOMEM;
		next = v->link.next == &mm->vmas ? NULL : list_entry(v->link.next, struct vma, link);
		vma_free(mm, v);
		v = next;
	}
	mm_zap_range(mm, addr, end);
	return 0;
}

uaddr_t mm_get_unmapped_area(struct mm *mm, uaddr_t hint, u64 len)
{
	uaddr_t top = mm->mmap_base, end;
	struct vma *v;

	if (len > UM_TASK_SIZE - UM_MMAP_MIN)
		return 0;
	if (hint) {
		hint = ALIGN_UP(hint, PAGE_SIZE);
		v = vma_find_next(mm, hint);
		if (hint >= UM_MMAP_MIN && hint + len <= UM_TASK_SIZE && hint + len > hint &&
		    (!v || v->start >= hint + len))
			return hint;
	}
	/* Top-down: the highest gap below mmap_base that fits. */
	end = top;
	list_for_each_entry_reverse(v, &mm->vmas, link) {
		if (v->start >= end)
			continue;
		if (v->end <= end && end - v->end >= len)
			return end - len;
		end = min(end, v->start);
	}
	if (end >= UM_MMAP_MIN + len)
		return end - len;
	return 0;
}

long mm_map_region(struct mm *mm, uaddr_t addr, u64 len, unsigned prot, unsigned flags,
		   struct file *file, u64 pgoff, bool fixed)
{
	struct vma *v;
	int r;

	len = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0)
		return -EINVAL;
	if (fixed && ((addr & ~PAGE_MASK) || addr < UM_MMAP_MIN || addr + len > UM_TASK_SIZE ||
		      addr + len < addr))
		return addr < UM_MMAP_MIN ? -EPERM : -ENOMEM;
	/* Allocated first: a MAP_FIXED that fails must leave the old mapping in place. */
	v = vma_new(mm);
	if (!v)
		return -ENOMEM;
	if (fixed) {
		r = mm_unmap_region(mm, addr, len);
		if (r < 0) {
			kfree(v);
			return r;
		}
	} else {
		addr = mm_get_unmapped_area(mm, addr, len);
		if (!addr) {
			kfree(v);
			return -ENOMEM;
		}
	}
	v->start = addr;
	v->end = addr + len;
	v->prot = prot & PROT_ALL;
	v->flags = flags;
	v->file = file;
	v->pgoff = pgoff;
	if (file)
		file_get(file);
	vma_insert(mm, v);
	vma_merge_around(mm, v);
	return (long)addr;
}

static void protect_pte(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	if (!(*(unsigned *)arg & VM_SHARED))
		return; /* private pages keep their COW state */
	if (phys_is_window(*pte & PTE_FRAME_MASK)) {
		/* Read-only by nature: the next fault asks the file for a writable frame. */
		if (*pte & PTE_HOSTMAP)
			um_mode->mm_unmap(mm->mode_ctx, addr, PAGE_SIZE);
		*pte = 0;
		mm->rss--;
		return;
	}
	*pte |= PTE_WRITE; /* shared mappings may write in place */
}

struct host_protect {
	struct mm *mm;
	unsigned prot;
	uaddr_t run_start, run_end; /* the run of host-mapped pages being collected */
};

static void host_protect_flush(struct host_protect *hp)
{
	if (hp->run_end > hp->run_start)
		um_mode->mm_protect(hp->mm->mode_ctx, hp->run_start, hp->run_end - hp->run_start,
				    hp->prot);
	hp->run_start = hp->run_end = 0;
}

static void host_protect_pte(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	struct host_protect *hp = arg;

	if (!(*pte & PTE_HOSTMAP))
		return;
	if (addr != hp->run_end)
		host_protect_flush(hp);
	if (!hp->run_end)
		hp->run_start = addr;
	hp->run_end = addr + PAGE_SIZE;
}

/*
 * Change the host protection of the pages of [start, end) that the mode has mapped, in
 * runs of contiguous pages. The host's mprotect stops at the first hole of a range (and
 * fails with ENOMEM), so a whole-VMA request would leave the pages after a hole with
 * their old protection; pages not mapped yet get the VMA's protection when they fault.
 */
void mm_host_protect(struct mm *mm, uaddr_t start, uaddr_t end, unsigned prot)
{
	struct host_protect hp = { .mm = mm, .prot = prot };

	if (!mm->mode_ctx)
		return;
	pte_walk(mm, start, end, host_protect_pte, &hp);
	host_protect_flush(&hp);
}

int mm_protect_region(struct mm *mm, uaddr_t addr, u64 len, unsigned prot)
{
	uaddr_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	struct vma *v;
	uaddr_t cur = addr;

	if ((addr & ~PAGE_MASK) || (prot & ~(PROT_ALL | PROT_GROWSDOWN | PROT_GROWSUP)))
		return -EINVAL;
	if (end < addr || end > UM_TASK_SIZE)
		return -ENOMEM;
	if (end == addr)
		return 0;
	/*
	 * Linux fails with ENOMEM when any page of the range is unmapped, changing nothing; and
	 * with EACCES for write access to a shared view of a file opened read-only (it would
	 * let anyone who can read a file write it).
	 */
	for (cur = addr; cur < end;) {
		v = vma_find(mm, cur);
		if (!v)
			return -ENOMEM;
		if ((prot & PROT_WRITE) &&
		    ((v->flags & VM_NOWRITE) ||
		     ((v->flags & VM_SHARED) && v->file && memfd_write_sealed(v->file))))
			return -EACCES;
		cur = v->end;
	}
	for (cur = addr; cur < end; cur = v->end) {
		v = vma_find(mm, cur);
		if (v->start < cur && !(v = vma_split(mm, v, cur)))
			return -ENOMEM;
		if (v->end > end && !vma_split(mm, v, end))
			return -ENOMEM;
		v->prot = prot & PROT_ALL;
		if ((prot & PROT_WRITE) && (v->flags & VM_SHARED))
			pte_walk(mm, v->start, v->end, protect_pte, &v->flags);
		mm_host_protect(mm, v->start, v->end,
				mm_host_prot(v->prot, v->flags & VM_SHARED));
	}
	return 0;
}

void mm_exec_layout(struct mm *mm)
{
	mm->stack_top = UM_TASK_SIZE;
	/* mmap grows down from below the largest stack we allow (Linux keeps a gap too). */
	mm->mmap_base = UM_TASK_SIZE - (1ULL << 30);
}

/* ---- system calls */

long sys_mmap(const struct sc_args *a)
{
	uaddr_t addr = a->arg[0];
	u64 len = a->arg[1], off = a->arg[5];
	unsigned prot = a->arg[2], flags = a->arg[3];
	int fd = (int)a->arg[4];
	unsigned type = flags & MAP_TYPE, vmflags = 0;
	struct file *f = NULL;
	long r;

	if (len == 0 || (off & ~PAGE_MASK) || len > UM_TASK_SIZE)
		return -EINVAL;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (!vmscan_room_for_kernel()) /* the VMA (mm_map_region only checks) */
		return -ENOMEM;
	if (type != MAP_PRIVATE)
		vmflags |= VM_SHARED;
	if (flags & MAP_GROWSDOWN)
		vmflags |= VM_GROWSDOWN;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		r = mm_check_file_map(f, prot, vmflags);
		if (r < 0)
			goto out;
		/* Linux: no writable shared mapping of an active swap file (ETXTBSY). */
		r = (vmflags & VM_SHARED) && (prot & PROT_WRITE) && IS_SWAPFILE(f->inode) ?
			-ETXTBSY : 0;
		if (r < 0)
			goto out;
		/* Linux: no shared mapping of an append-only file through a writable fd. */
		r = (vmflags & VM_SHARED) && (f->mode & FMODE_WRITE) && IS_APPEND(f->inode) ?
			-EACCES : 0;
		if (r < 0)
			goto out;
		if ((vmflags & VM_SHARED) && (!(f->mode & FMODE_WRITE) || IS_SWAPFILE(f->inode)))
			vmflags |= VM_NOWRITE;
	} else if (vmflags & VM_SHARED) {
		f = mm_shared_anon_file(len);
		if (IS_ERR(f))
			return PTR_ERR(f);
		off = 0;
	}
	if ((flags & MAP_FIXED_NOREPLACE) && vma_find_next(current->mm, addr) &&
	    vma_find_next(current->mm, addr)->start < addr + ALIGN_UP(len, PAGE_SIZE)) {
		r = -EEXIST;
		goto out;
	}
	r = mm_map_region(current->mm, addr, len, prot, vmflags, f, off >> PAGE_SHIFT,
			  (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0);
	if (r >= 0 && f && f->f_op->mmap) {
		struct vma *v = vma_find(current->mm, r);
		int e = f->f_op->mmap(f, v);

		if (e < 0) {
			mm_unmap_region(current->mm, r, ALIGN_UP(len, PAGE_SIZE));
			r = e;
		}
	}
out:
	if (f)
		file_put(f);
	return r;
}

long sys_munmap(const struct sc_args *a)
{
	uaddr_t addr = a->arg[0];
	u64 len = ALIGN_UP(a->arg[1], PAGE_SIZE);

	if (addr + len > UM_TASK_SIZE || addr + len < addr)
		return -EINVAL;
	return mm_unmap_region(current->mm, addr, len);
}

long sys_mprotect(const struct sc_args *a)
{
	return mm_protect_region(current->mm, a->arg[0], a->arg[1], (unsigned)a->arg[2]);
}

long sys_brk(const struct sc_args *a)
{
	struct mm *mm = current->mm;
	uaddr_t want = a->arg[0], old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end;

	if (want < mm->start_brk)
		return mm->brk;
	new_end = ALIGN_UP(want, PAGE_SIZE);
	if (new_end > old_end) {
		struct vma *next = vma_find_next(mm, old_end);

		if (new_end > UM_TASK_SIZE || (next && next->start < new_end) ||
		    new_end - mm->start_brk > current->signal->rlim[RLIMIT_DATA].rlim_cur)
			return mm->brk;
		if (mm_map_region(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE, VM_HEAP,
				  NULL, 0, true) < 0)
			return mm->brk;
	} else if (new_end < old_end) {
		mm_unmap_region(mm, new_end, old_end - new_end);
	}
	mm->brk = want;
	return want;
}

long sys_madvise(const struct sc_args *a)
{
	uaddr_t addr = a->arg[0];
	u64 len = ALIGN_UP(a->arg[1], PAGE_SIZE);
	int advice = (int)a->arg[2];
	struct vma *v;

	if ((addr & ~PAGE_MASK) || addr + len < addr)
		return -EINVAL;
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE:
		/* Private anonymous pages read back as zero afterwards; file pages reload. */
		for (uaddr_t cur = addr, end = addr + len; cur < end; cur = v->end) {
			v = vma_find_next(current->mm, cur);
			if (!v || v->start >= end)
				break;
			if (!(v->flags & VM_SHARED))
				mm_zap_range(current->mm, max(cur, v->start), min(end, v->end));
		}
		return 0;
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_msync(const struct sc_args *a)
{
	uaddr_t addr = a->arg[0];
	int flags = (int)a->arg[2];

	if ((addr & ~PAGE_MASK) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (!vma_find(current->mm, addr))
		return -ENOMEM;
	return 0;
}
