/*
 * Address-space lifetime: creation with its mode context, fork (copy-on-write), and
 * teardown. Also the check for file mappings and the file behind shared anonymous memory.
 */
#include "kernel.h"
#include "fs.h"
#include "ksm.h"
#include "mm.h"
#include "mode.h"
#include "page.h"
#include "slab.h"
#include "swap.h"

struct mm *mm_alloc(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	phys_t pgd;
	int r;

	if (!mm)
		return ERR_PTR(-ENOMEM);
	window_seal(); /* stubs are started from here on: no new window reaches them */
	pgd = frame_alloc(GFP_ZERO | GFP_USER);
	if (!pgd) {
		kfree(mm);
		return ERR_PTR(-ENOMEM);
	}
	mm->pgd = phys_to_virt(pgd);
	mm->refcount = 1;
	INIT_LIST_HEAD(&mm->vmas);
	mm_exec_layout(mm);
	r = um_mode->mm_create(&mm->mode_ctx);
	if (r < 0) {
		frame_put(pgd);
		kfree(mm);
		return ERR_PTR(r);
	}
	ksm_mm_enter(mm);
	return mm;
}

void mm_get(struct mm *mm)
{
	mm->refcount++;
}

static void put_pte(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	frame_put(*pte & PTE_FRAME_MASK);
	*pte = 0;
}

static void put_swap_pte(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	swap_free_entry(*pte);
	*pte = 0;
}

void mm_put(struct mm *mm)
{
	struct vma *v, *n;

	if (--mm->refcount > 0)
		return;
	ksm_mm_exit(mm);
	idle_sample_mm_exit(mm);
	/* The stub goes first: no host mapping outlives the frames it points at. */
	um_mode->mm_destroy(mm->mode_ctx);
	mm->mode_ctx = NULL;
	list_for_each_entry_safe(v, n, &mm->vmas, link) {
		pte_walk(mm, v->start, v->end, put_pte, NULL);
		pte_walk_swap(mm, v->start, v->end, put_swap_pte, NULL);
		list_del(&v->link);
		if (v->file)
			file_put(v->file);
		kfree(v);
	}
	pgtable_free(mm);
	if (mm->exe_file)
		file_put(mm->exe_file);
	kfree(mm);
}

struct fork_walk {
	struct mm *child;
	struct vma *vma;
	int err;
};

static void fork_pte(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	struct fork_walk *fw = arg;
	u64 *cpte;

	if (fw->err)
		return;
	cpte = pte_lookup(fw->child, addr, true);
	if (!cpte) {
		fw->err = -ENOMEM;
		return;
	}
	frame_get(*pte & PTE_FRAME_MASK);
	if (!(fw->vma->flags & VM_SHARED))
		*pte &= ~PTE_WRITE;
	*cpte = *pte & (PTE_FRAME_MASK | PTE_PRESENT | PTE_WRITE);
	fw->child->rss++;
}

/* A swapped-out page: the child holds the slot too (swap.h). */
static void fork_swap_pte(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	struct fork_walk *fw = arg;
	u64 *cpte;

	if (fw->err)
		return;
	cpte = pte_lookup(fw->child, addr, true);
	if (!cpte || !swap_dup_entry(*pte)) {
		fw->err = -ENOMEM;
		return;
	}
	*cpte = *pte;
}

static int fork_vma(struct mm *old, struct mm *new, struct vma *v)
{
	struct vma *c = kmalloc(sizeof(*c));
	struct fork_walk fw = { .child = new, .vma = v };

	if (!c)
		return -ENOMEM;
	*c = *v;
	if (c->file)
		file_get(c->file);
	list_add_tail(&c->link, &new->vmas);
	new->nr_vmas++;
	pte_walk(old, v->start, v->end, fork_pte, &fw);
	pte_walk_swap(old, v->start, v->end, fork_swap_pte, &fw);
	/* The parent's writable private pages are copy-on-write now: read-only on the host. */
	if (!(v->flags & VM_SHARED) && (v->prot & PROT_WRITE))
		mm_host_protect(old, v->start, v->end, mm_host_prot(v->prot, false));
	return fw.err;
}

struct mm *mm_fork(struct mm *old)
{
	struct mm *mm = mm_alloc();
	struct vma *v;

	if (IS_ERR(mm))
		return mm;
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->stack_top = old->stack_top;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	mm->mmap_base = old->mmap_base;
	memcpy(mm->saved_auxv, old->saved_auxv, sizeof(mm->saved_auxv));
	mm->auxv_len = old->auxv_len;
	mm->exe_file = old->exe_file;
	if (mm->exe_file)
		file_get(mm->exe_file);
	list_for_each_entry(v, &old->vmas, link) {
		if (v->flags & VM_DONTCOPY)
			continue;
		if (fork_vma(old, mm, v) < 0) {
			mm_put(mm);
			return ERR_PTR(-ENOMEM);
		}
	}
	return mm;
}

int mm_check_file_map(struct file *f, unsigned prot, unsigned vmflags)
{
	struct inode *inode = f->inode;

	if (!(f->mode & FMODE_READ))
		return -EACCES;
	if ((vmflags & VM_SHARED) && (prot & PROT_WRITE) && !(f->mode & FMODE_WRITE))
		return -EACCES;
	if (f->f_op->mmap)
		return 0;
	if (!inode || !S_ISREG(inode->mode) || !inode->i_op || !inode->i_op->get_page)
		return -ENODEV;
	return 0;
}

struct file *mm_shared_anon_file(u64 len)
{
	return tmpfs_anon_file("dev/zero", ALIGN_UP(len, PAGE_SIZE));
}
