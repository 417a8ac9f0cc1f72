/*
 * Reclaim under memory pressure and the OOM killer.
 *
 * When free frames fall under a low watermark (checked each time a task is about to run
 * guest code, a safe point where no kernel path holds a page-table entry or a frame without
 * a reference), or when a page fault finds no free frame, a reclaim pass frees memory in
 * Linux's order: the ext4 page cache first (dirty pages nothing maps written back, then
 * clean pages that nothing maps dropped: ext4_cache.c), tmpfs pages nothing maps written
 * to swap (fs/tmpfs/tmpfs_swap.c), then the clock: anonymous pages of private mappings
 * written to swap and mapped file pages let go.
 *
 * Victims are chosen by a clock over every address space (there is no reverse map: the
 * hand walks the tasks' page tables as ksm.c does; DESIGN.md says why). The host gives no
 * accessed bits, so the clock samples them itself: a page the guest has mapped on the host
 * gets a second chance (its host mapping is removed, so a touch re-faults and maps it
 * again); a page still unmapped when the hand comes back has not been touched. An
 * anonymous one goes to swap. Frames shared by fork are swapped one mapping at a time
 * through the swap cache (swap.c): the frame is freed with its last mapping. A file's own
 * page (the frame its cache holds, ->page_peek) loses the entry, and once no mapping holds
 * it the file frees it (->page_reclaim: dropped when clean, tmpfs pages to swap); the next
 * access faults it in from the file. KSM frames and windows (ubd_share) stay.
 * Whoever faults a page back in gets a private copy or the cached frame copy-on-write, so
 * no two processes can ever end up writing one copy.
 *
 * The OOM killer runs only when a fault finds no frame and reclaim freed nothing: it kills
 * the process with the largest resident set (init only when it is alone) with SIGKILL and
 * logs it as Linux does.
 *
 * Layer: memory management, above the page allocator, swap (swap.c) and the page cache.
 */
#include "kernel.h"
#include "fs.h"
#include "mm.h"
#include "mode.h"
#include "page.h"
#include "sched.h"
#include "sig.h"
#include "swap.h"
#include "task.h"

#define LOW_MIN_FRAMES 256UL  /* the low watermark: the reserve + 1/64 of memory, >= 1 MiB */
#define FAULT_RECLAIM 256UL   /* frames a failed fault asks reclaim for */
#define OOM_WAIT_TRIES 10000  /* retries while a victim dies before the faulting task goes */

#ifdef CONFIG_EXT4
u64 ext4_cache_reclaim(u64 want);
#else
static u64 ext4_cache_reclaim(u64 want)
{
	return 0;
}
#endif

static int hand_pid;          /* the clock: the task whose address space it is in */
static uaddr_t hand_addr;     /* and the address it stopped at */
static u64 balance_failed_at; /* jiffies of the last pass that freed nothing */
static bool balance_failed;
static unsigned oom_waits;

struct scan {
	unsigned long want, freed, scanned;
	bool anon;  /* anonymous pages may go to swap (there is room) */
	bool files; /* mapped file pages may be let go (only at a safe point) */
};

static bool task_dead(const struct task *t)
{
	return !t->mm || (t->state & (TASK_ZOMBIE | TASK_DEAD));
}

/* Does t stand for its address space in a walk over the tasks (so each mm is visited once)? */
static bool first_user(const struct task *t)
{
	const struct task *o;

	if (task_dead(t))
		return false;
	/* Threads: the leader stands for them (vfork children are visited twice: harmless). */
	if (thread_group_leader(t))
		return true;
	if (!task_dead(t->group_leader) && t->group_leader->mm == t->mm)
		return false;
	list_for_each_entry(o, &task_list, all_tasks) {
		if (o == t)
			return true;
		if (o->mm == t->mm && !task_dead(o))
			return false;
	}
	return true;
}

/*
 * A page of a file mapping that is the file's own cached page (not a private copy): its
 * entry is dropped (the next access faults it in again from the file) and the file is
 * asked to free the page once no mapping holds it. Returns true when it was such a page.
 */
static bool scan_file_page(struct mm *mm, struct vma *v, uaddr_t addr, u64 *pte,
			   struct scan *s)
{
	struct inode *inode = v->file->inode;
	u64 index = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);
	phys_t f = *pte & PTE_FRAME_MASK;

	if (!inode->i_op || !inode->i_op->page_peek || inode->i_op->page_peek(inode, index) != f)
		return false;
	if (!s->files)
		return true;
	if (*pte & PTE_HOSTMAP) {
		um_mode->mm_unmap(mm->mode_ctx, addr, PAGE_SIZE);
		*pte &= ~PTE_HOSTMAP;
		return true;
	}
	*pte = 0;
	mm->rss--;
	frame_put(f);
	if (phys_to_page(f)->refcount == 1) {
		int r = inode->i_op->page_reclaim(inode, index);

		if (r > 0)
			s->freed++;
		else if (r == -ENOSPC)
			s->anon = false;
	}
	return true;
}

/*
 * One page under the hand: second chance, swap-out or drop, or nothing. Frames used by
 * others (fork) are swapped from anonymous mappings only: in a private file mapping they
 * may be the file's page-cache frames, which scan_file_page lets go instead.
 */
static void scan_page(struct mm *mm, struct vma *v, uaddr_t addr, u64 *pte, struct scan *s)
{
	struct page *pg = phys_to_page(*pte & PTE_FRAME_MASK);
	int r;

	s->scanned++;
	if (pg->flags & (PG_KSM | PG_SLAB | PG_RESERVED))
		return;
	if (v->file && scan_file_page(mm, v, addr, pte, s))
		return;
	if ((pg->refcount != 1 && v->file) || (v->flags & VM_SHARED) || !s->anon)
		return;
	if (*pte & PTE_HOSTMAP) {
		um_mode->mm_unmap(mm->mode_ctx, addr, PAGE_SIZE);
		*pte &= ~PTE_HOSTMAP;
		return;
	}
	r = swap_out_pte(mm, addr, pte);
	if (r > 0)
		s->freed++;
	else if (r == -ENOSPC)
		s->anon = false;
}

/* Is the pass over (enough freed, or nothing left it may take)? */
static bool scan_done(const struct scan *s)
{
	return s->freed >= s->want || (!s->anon && !s->files);
}

/* Move the hand over mm from *cursor; true when the pass is done. */
static bool scan_mm(struct mm *mm, struct scan *s, uaddr_t *cursor)
{
	struct vma *v;

	/*
	 * Host mappings removed by an earlier turn (queued) must be gone before their frames
	 * are freed in this one, when guest threads may run meanwhile (skas=seccomp).
	 */
	if ((um_mode->features & UM_FEAT_GUEST_CONCURRENT) && mm->mode_ctx)
		um_mode->mm_flush(mm->mode_ctx);

	list_for_each_entry(v, &mm->vmas, link) {
		uaddr_t a = max(v->start, *cursor);
		u64 *pte;

		if (v->end <= *cursor || ((v->flags & VM_SHARED) && !s->files))
			continue;
		while ((pte = pte_next_present(mm, &a, v->end))) {
			scan_page(mm, v, a, pte, s);
			a += PAGE_SIZE;
			if (scan_done(s)) {
				*cursor = a;
				return true;
			}
		}
	}
	*cursor = 0;
	return false;
}

static struct task *next_task(struct task *t)
{
	struct list_head *n = t->all_tasks.next;

	if (n == &task_list)
		n = n->next;
	return list_entry(n, struct task, all_tasks);
}

/*
 * Free up to want frames by the clock: anonymous pages to swap (when there is room), and
 * with files, mapped file pages let go. Two turns of the clock at most.
 */
static unsigned long reclaim_clock(unsigned long want, bool files, unsigned long *scanned)
{
	struct scan s = { .want = want, .anon = swap_space_left(), .files = files };
	struct task *t = hand_pid ? task_by_pid(hand_pid) : NULL;
	unsigned n = 0;

	if (list_empty(&task_list) || scan_done(&s))
		return 0;
	list_for_each_entry(t, &task_list, all_tasks)
		n++;
	t = hand_pid ? task_by_pid(hand_pid) : NULL;
	if (!t || task_dead(t)) {
		t = list_first_entry(&task_list, struct task, all_tasks);
		hand_addr = 0;
	}
	for (unsigned step = 0; step < 2 * n + 2; step++) {
		if (first_user(t) && scan_mm(t->mm, &s, &hand_addr))
			break;
		hand_addr = 0;
		t = next_task(t);
	}
	hand_pid = t->pid;
	*scanned += s.scanned;
	return s.freed;
}

phys_t vmscan_alloc_user_frame(unsigned gfp)
{
	phys_t f = frame_alloc(gfp);
	unsigned long scanned = 0, freed;

	if (f || !swap_space_left())
		return f;
	freed = reclaim_clock(FAULT_RECLAIM, false, &scanned);
	swap_count_scan(scanned, freed);
	return freed ? frame_alloc(gfp) : 0;
}

unsigned long vmscan_reclaim(unsigned long want)
{
	unsigned long freed = 0, scanned = 0;

	freed = ext4_cache_reclaim(want);
	if (freed < want)
		freed += tmpfs_reclaim(want - freed);
	scanned += freed;
	if (freed < want)
		freed += reclaim_clock(want - freed, true, &scanned);
	/* Dirty pages the clock unmapped: written back, then dropped. */
	if (freed < want)
		freed += ext4_cache_reclaim(want - freed);
	swap_count_scan(scanned, freed);
	return freed;
}

bool vmscan_room_for_kernel(void)
{
	if (page_nr_free() > page_nr_reserved())
		return true;
	vmscan_reclaim(FAULT_RECLAIM);
	return page_nr_free() > page_nr_reserved();
}

void vmscan_drop_page_cache(void)
{
	ext4_cache_reclaim(~0ULL);
}

void vmscan_balance(void)
{
	unsigned long total = page_nr_total(), free = page_nr_free();
	/* Above the reserve, which guest requests never take: free at the reserve is empty. */
	unsigned long low = page_nr_reserved() + max(total / 64, LOW_MIN_FRAMES);

	if (free >= low)
		return;
	/* A pass that found nothing is not repeated at every return to the guest. */
	if (balance_failed && jiffies - balance_failed_at < 10)
		return;
	balance_failed = !vmscan_reclaim(2 * low - free);
	balance_failed_at = jiffies;
}

/* ---- the OOM killer */

struct rss_count {
	unsigned long anon, file, shmem;
	struct vma *vma;
};

static void count_pte(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	struct rss_count *c = arg;

	if (!c->vma->file)
		c->anon++;
	else if (c->vma->flags & VM_SHARED)
		c->shmem++;
	else if (phys_to_page(*pte & PTE_FRAME_MASK)->refcount == 1)
		c->anon++; /* a private copy of a file page */
	else
		c->file++;
}

static void oom_report(struct task *t)
{
	struct rss_count c = { 0 };
	unsigned long vm = 0;
	struct vma *v;

	list_for_each_entry(v, &t->mm->vmas, link) {
		vm += (v->end - v->start) >> 10;
		c.vma = v;
		pte_walk(t->mm, v->start, v->end, count_pte, &c);
	}
	pr_err("Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, "
	       "file-rss:%lukB, shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:0\n",
	       t->group_leader->pid, t->group_leader->comm, vm, c.anon * 4, c.file * 4,
	       c.shmem * 4, t->cred.uid, (t->mm->rss / 512 + 1) * 4);
	swap_count_oom_kill();
}

/* The process with the largest resident set; init only when nothing else has memory. */
static struct task *oom_select(void)
{
	struct task *t, *best = NULL;

	list_for_each_entry(t, &task_list, all_tasks) {
		if (!thread_group_leader(t) || task_dead(t) || t->pid == 1)
			continue;
		if (!best || t->mm->rss > best->mm->rss)
			best = t;
	}
	if (!best) {
		t = task_by_pid(1);
		best = t && !task_dead(t) ? t : NULL;
	}
	return best;
}

bool vmscan_fault_oom(void)
{
	struct task *victim;

	if (vmscan_reclaim(FAULT_RECLAIM)) {
		oom_waits = 0;
		return true;
	}
	victim = oom_select();
	if (!victim || victim->mm == current->mm) {
		pr_warn("%s invoked oom-killer: order=0, oom_score_adj=0\n", current->comm);
		oom_report(current);
		oom_waits = 0;
		return false;
	}
	if (sig_fatal_pending(victim)) {
		/* Already killed: let it run and exit, then try again. */
		need_resched = true;
		return ++oom_waits < OOM_WAIT_TRIES;
	}
	pr_warn("%s invoked oom-killer: order=0, oom_score_adj=0\n", current->comm);
	oom_report(victim);
	sig_send_process(victim, SIGKILL, NULL);
	need_resched = true;
	return true;
}

/* ---- swapoff */

struct unuse {
	unsigned type;
	int err;
};

static void unuse_pte(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	struct unuse *u = arg;
	struct vma *v;

	if (u->err || swp_type(*pte) != u->type)
		return;
	v = vma_find(mm, addr);
	if (v && swap_in_pte(mm, v, addr, pte) < 0)
		u->err = -ENOMEM;
}

/* One pass over every address space; -ENOMEM when a frame was missing. */
static int unuse_all(unsigned type)
{
	struct unuse u = { .type = type };
	struct task *t;
	struct vma *v;

	list_for_each_entry(t, &task_list, all_tasks) {
		if (!first_user(t))
			continue;
		list_for_each_entry(v, &t->mm->vmas, link) {
			pte_walk_swap(t->mm, v->start, v->end, unuse_pte, &u);
			if (u.err)
				return u.err;
		}
	}
	return 0;
}

int vmscan_unuse(unsigned type)
{
	struct swap_area_info info;
	int r;

	while ((r = unuse_all(type)) < 0 || (r = tmpfs_unuse(type)) < 0) {
		/* Make room (other areas, page cache); nothing freed: Linux's ENOMEM. */
		if (r == -EIO)
			return r;
		if (!vmscan_reclaim(FAULT_RECLAIM))
			return -ENOMEM;
	}
	if (swap_area_get(type, &info) && info.used_kb) {
		pr_warn("swapoff: %s: %lu kB still in use by no process\n", info.name,
			info.used_kb);
		return -EBUSY;
	}
	return 0;
}
