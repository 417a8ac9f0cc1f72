/*
 * Windows: read-only host files (the backing files of disks) made mappable like physmem,
 * so that instances booted from one image share the host page cache's single copy of its
 * unmodified blocks (DESIGN.md, "Sharing pages between instances"; page.h).
 *
 * A driver registers an open read-only file; it gets the "physical" base of a window
 * above physmem. The kernel maps the whole file PROT_READ for itself (phys_to_virt works
 * on window addresses) and every stub started afterwards holds the file at a fixed
 * descriptor, so the modes map window pages into guest address spaces as they map frames.
 * Registration closes when the first address space is made: stubs that exist cannot be
 * handed a new descriptor, so a disk added later is simply not shared.
 *
 * Window pages have no reference counts and are never freed: the file stays open and
 * mapped until umlite exits. Since they are read-only everywhere, a page-table entry that
 * points into a window is never writable; writing the data means copying it into a frame
 * (the filesystem's page cache does this, and mm_window_zap removes the old entries).
 */
#include "kernel.h"
#include "fs.h"
#include "mm.h"
#include "mode.h"
#include "os.h"
#include "page.h"
#include "task.h"

static int nr_windows;
static bool sealed;
u64 window_nr_shared;

phys_t window_register(int host_fd, u64 size)
{
	void *addr;
	int r;

	if (sealed || nr_windows >= PHYS_WINDOW_MAX || !size || size > PHYS_WINDOW_SIZE)
		return 0;
	r = os_window_register(nr_windows, host_fd, size, &addr);
	if (r < 0)
		return 0;
	window_virt[nr_windows] = addr;
	return PHYS_WINDOW_BASE + ((u64)nr_windows++ << PHYS_WINDOW_SHIFT);
}

bool window_is_cut(phys_t w)
{
	return os_window_cut((int)((w - PHYS_WINDOW_BASE) >> PHYS_WINDOW_SHIFT));
}

void window_seal(void)
{
	sealed = true;
}

struct zap {
	struct inode *inode;
	u64 index;
	phys_t win;
};

/* Drop the entry of addr in mm if it still maps the window page z->win. */
static void zap_in_mm(struct mm *mm, struct vma *v, const struct zap *z)
{
	uaddr_t addr = v->start + ((z->index - v->pgoff) << PAGE_SHIFT);
	u64 *pte = pte_lookup(mm, addr, false);

	if (!pte || !(*pte & PTE_PRESENT) || (*pte & PTE_FRAME_MASK) != z->win)
		return;
	if ((*pte & PTE_HOSTMAP) && mm->mode_ctx) {
		um_mode->mm_unmap(mm->mode_ctx, addr, PAGE_SIZE);
		if (um_mode->features & UM_FEAT_GUEST_CONCURRENT)
			um_mode->mm_flush(mm->mode_ctx);
	}
	*pte = 0;
	mm->rss--;
}

void mm_window_zap(struct inode *inode, u64 index, phys_t win)
{
	struct zap z = { inode, index, win };
	struct task *t;
	struct vma *v;

	list_for_each_entry(t, &task_list, all_tasks) {
		struct mm *mm = t->mm;

		if (!mm)
			continue;
		list_for_each_entry(v, &mm->vmas, link) {
			u64 pages = (v->end - v->start) >> PAGE_SHIFT;

			if (v->file && v->file->inode == inode && index >= v->pgoff &&
			    index - v->pgoff < pages)
				zap_in_mm(mm, v, &z);
		}
	}
}
