/*
 * Content-based page sharing, the way VMware ESX does it (Waldspurger, "Memory Resource
 * Management in VMware ESX Server", OSDI 2002), behind Linux's KSM controls.
 *
 * A kernel thread, ksmd, walks the pages of every address space, pages_to_scan of them
 * every sleep_ms. Each page gets a 64-bit hash of its content, looked up in one table:
 *  - a stable entry is a shared frame (PG_KSM; this file holds a reference on it): when the
 *    page's bytes equal the frame's, the page table entry is pointed at the frame, without
 *    PTE_WRITE, and the page's own frame is dropped;
 *  - a hint is a page seen once in this pass (its address space, address and frame): when
 *    the hint's entry still maps that frame and the bytes are equal, both entries are
 *    pointed at a new shared frame holding a copy, and the hint becomes a stable entry;
 *  - no entry: the page is recorded as a hint.
 * Pages of zeros all map the one zero frame. A hash match is always confirmed byte for
 * byte, and a hint is checked against the page table before use, so a page that changed
 * since it was hashed is never merged.
 *
 * Sharing ends on write as fork's sharing does: the entries lack PTE_WRITE, the host maps
 * the frame read-only in every address space (the mode is told at merge time), and a write
 * fault copies (mm/fault.c cow_break; our reference keeps the count above one while any
 * mapping is left, so a shared frame is never written in place). At the end of every pass
 * the hints are dropped and the shared frames nobody maps any more are freed.
 *
 * Which pages: those of private mappings that no file holds: every present page of a
 * private anonymous mapping, and the copied pages (PTE_WRITE) of private file mappings.
 * Shared mappings and the files' own frames are never touched.
 *
 * Lifetime: every mm has a struct ksm_mm (ksm_mm_enter from mm_alloc). A hint holds a
 * reference on the ksm_mm, not on the mm; ksm_mm_exit, the first step of an mm's teardown,
 * cuts the link, so the hints of a dead mm are recognised and dropped. The scan cursor
 * moves on when its mm goes. Everything runs on the kernel's one thread, and a batch never
 * sleeps, so nothing changes under the scanner while it looks at a page.
 */
#include "kernel.h"
#include "ksm.h"
#include "mm.h"
#include "mode.h"
#include "page.h"
#include "params.h"
#include "sched.h"
#include "sig.h"
#include "slab.h"
#include "task.h"

#define SCAN_CHUNK 1024 /* pages scanned between two chances for other tasks to run */

struct ksm_mm {
	struct mm *mm;         /* NULL once the mm is being torn down */
	int refs;              /* one for the mm while it lives, one per hint */
	struct list_head link; /* in ksm_mms while the mm lives */
};

struct ksm_entry {
	struct ksm_entry *next; /* in its hash bucket */
	u64 hash;
	phys_t frame;           /* stable: the shared frame (referenced); hint: the page's frame */
	struct ksm_mm *kmm;     /* hint: whose page (referenced); NULL for a stable entry */
	uaddr_t addr;           /* hint: the page's address */
};

static LIST_HEAD(ksm_mms);
static struct ksm_entry **buckets; /* the hash table, allocated when first started */
static unsigned long nbuckets;     /* a power of two */
static phys_t zero_frame;          /* PG_KSM, referenced for good once allocated */
static struct task *ksmd;

static struct {
	struct ksm_mm *kmm; /* address space being scanned; NULL: the next one starts a pass */
	uaddr_t addr;       /* where to go on in it */
} cursor;

static unsigned long run_state = KSM_RUN_STOP;
static unsigned long pages_to_scan = 256, sleep_ms = 20;
static unsigned long nr_hints, pages_scanned, full_scans;

/* ---- hashing and the table */

static inline u64 rotl64(u64 x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* A 64-bit hash of a page: two multiply-rotate lanes, then a final avalanche. */
static u64 page_hash(const u64 *w)
{
	u64 a = 0x9e3779b97f4a7c15ULL, b = 0xc2b2ae3d27d4eb4fULL;

	for (unsigned i = 0; i < PAGE_SIZE / 8; i += 2) {
		a = rotl64(a ^ w[i], 27) * 0xff51afd7ed558ccdULL;
		b = rotl64(b ^ w[i + 1], 31) * 0xc4ceb9fe1a85ec53ULL;
	}
	a ^= rotl64(b, 32);
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdULL;
	return a ^ (a >> 29);
}

static bool page_is_zero(const u64 *w)
{
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++) {
		if (w[i])
			return false;
	}
	return true;
}

static bool same_content(phys_t a, phys_t b)
{
	return memcmp(phys_to_virt(a), phys_to_virt(b), PAGE_SIZE) == 0;
}

static struct ksm_entry *entry_find(u64 hash)
{
	for (struct ksm_entry *e = buckets[hash & (nbuckets - 1)]; e; e = e->next) {
		if (e->hash == hash)
			return e;
	}
	return NULL;
}

static void kmm_put(struct ksm_mm *k)
{
	if (--k->refs == 0)
		kfree(k);
}

static void hint_set(struct ksm_entry *e, struct mm *mm, uaddr_t addr, phys_t frame)
{
	if (e->kmm)
		kmm_put(e->kmm);
	else
		nr_hints++;
	e->kmm = mm->ksm;
	e->kmm->refs++;
	e->addr = addr;
	e->frame = frame;
}

static void hint_add(u64 hash, struct mm *mm, uaddr_t addr, phys_t frame)
{
	struct ksm_entry *e = kzalloc(sizeof(*e));
	struct ksm_entry **b = &buckets[hash & (nbuckets - 1)];

	if (!e)
		return; /* merging is an optimisation: out of memory, skip the page */
	e->hash = hash;
	hint_set(e, mm, addr, frame);
	e->next = *b;
	*b = e;
}

static void entry_free(struct ksm_entry *e)
{
	if (e->kmm) {
		kmm_put(e->kmm);
		nr_hints--;
	} else {
		phys_to_page(e->frame)->flags &= ~PG_KSM;
		frame_put(e->frame);
	}
	kfree(e);
}

/* Drop every hint, and every shared frame that only we still hold. */
static void table_prune(void)
{
	for (unsigned long i = 0; i < nbuckets; i++) {
		struct ksm_entry **pp = &buckets[i], *e;

		while ((e = *pp)) {
			if (e->kmm || phys_to_page(e->frame)->refcount == 1) {
				*pp = e->next;
				entry_free(e);
			} else {
				pp = &e->next;
			}
		}
	}
}

/* ---- merging */

static bool vma_scannable(const struct vma *v)
{
	return !(v->flags & VM_SHARED);
}

/* In a private file mapping only the copied pages are anonymous: the others are the file's. */
static bool pte_scannable(const struct vma *v, u64 pte)
{
	return !v->file || (pte & PTE_WRITE);
}

/*
 * The host mapping of addr follows its new entry before the old frame can be freed (a mode
 * that may run guest code meanwhile applies it at once: UM_FEAT_GUEST_CONCURRENT).
 */
static void host_remap(struct mm *mm, struct vma *v, uaddr_t addr, u64 pte)
{
	if (!(pte & PTE_HOSTMAP) || !mm->mode_ctx)
		return;
	mm_host_map_page(mm, v, addr, pte);
	if (um_mode->features & UM_FEAT_GUEST_CONCURRENT)
		um_mode->mm_flush(mm->mode_ctx);
}

/* Point the entry of addr at the shared frame s, read-only, and drop the page's frame. */
static void merge_into(struct mm *mm, struct vma *v, uaddr_t addr, u64 *pte, phys_t s)
{
	phys_t old = *pte & PTE_FRAME_MASK;

	frame_get(s);
	*pte = s | PTE_PRESENT | (*pte & PTE_HOSTMAP);
	host_remap(mm, v, addr, *pte);
	frame_put(old);
}

/* The hint's page table entry, if it still maps the hint's frame as a scannable page. */
static u64 *hint_pte(const struct ksm_entry *e, struct vma **vp)
{
	struct mm *mm = e->kmm->mm;
	struct vma *v;
	u64 *pte;

	if (!mm)
		return NULL;
	v = vma_find(mm, e->addr);
	if (!v || !vma_scannable(v))
		return NULL;
	pte = pte_lookup(mm, e->addr, false);
	if (!pte || !(*pte & PTE_PRESENT) || (*pte & PTE_FRAME_MASK) != e->frame ||
	    !pte_scannable(v, *pte))
		return NULL;
	*vp = v;
	return pte;
}

/*
 * The page at pte has the hint e's hash: merge both into a new shared frame when the hint
 * is still valid and the bytes are equal. False when the hint is of no use (stale, or
 * different bytes), so that the caller records the page instead.
 */
static bool merge_with_hint(struct ksm_entry *e, struct mm *mm, struct vma *v, uaddr_t addr,
			    u64 *pte)
{
	phys_t f = *pte & PTE_FRAME_MASK, s;
	struct vma *hv;
	u64 *hpte = hint_pte(e, &hv);

	if (!hpte || hpte == pte)
		return false;
	if (e->frame == f)
		return true; /* one frame already (shared since a fork): nothing to gain */
	if (!same_content(f, e->frame))
		return false;
	s = frame_alloc(GFP_KERNEL);
	if (!s)
		return true;
	memcpy(phys_to_virt(s), phys_to_virt(f), PAGE_SIZE);
	phys_to_page(s)->flags |= PG_KSM;
	merge_into(e->kmm->mm, hv, e->addr, hpte, s);
	merge_into(mm, v, addr, pte, s);
	kmm_put(e->kmm);
	nr_hints--;
	e->kmm = NULL;
	e->addr = 0;
	e->frame = s; /* the reference from frame_alloc is ours */
	return true;
}

static void scan_page(struct mm *mm, struct vma *v, uaddr_t addr, u64 *pte)
{
	phys_t f = *pte & PTE_FRAME_MASK;
	const u64 *p = phys_to_virt(f);
	struct ksm_entry *e;
	u64 hash;

	pages_scanned++;
	if (phys_to_page(f)->flags & PG_KSM)
		return;
	if (page_is_zero(p)) {
		merge_into(mm, v, addr, pte, zero_frame);
		return;
	}
	hash = page_hash(p);
	e = entry_find(hash);
	if (!e) {
		hint_add(hash, mm, addr, f);
	} else if (!e->kmm) {
		if (same_content(f, e->frame))
			merge_into(mm, v, addr, pte, e->frame);
	} else if (!merge_with_hint(e, mm, v, addr, pte)) {
		hint_set(e, mm, addr, f);
	}
}

/* ---- the scan */

static void cursor_next(void)
{
	struct ksm_mm *k = cursor.kmm;

	cursor.addr = 0;
	if (k->link.next != &ksm_mms) {
		cursor.kmm = list_entry(k->link.next, struct ksm_mm, link);
		return;
	}
	cursor.kmm = NULL;
	full_scans++;
	table_prune();
}

static struct vma *vma_after(struct mm *mm, struct vma *v)
{
	return v->link.next == &mm->vmas ? NULL : list_entry(v->link.next, struct vma, link);
}

/*
 * Scan the cursor's address space from the cursor on, up to budget pages. Returns the
 * budget used (at least 1: visiting an empty address space costs one); *done when the
 * address space has been scanned to its end.
 */
static unsigned long scan_mm(unsigned long budget, bool *done)
{
	struct mm *mm = cursor.kmm->mm;
	unsigned long used = 0;
	uaddr_t a = cursor.addr;

	*done = false;
	for (struct vma *v = vma_find_next(mm, a); v; v = vma_after(mm, v)) {
		if (!vma_scannable(v))
			continue;
		a = max(a, v->start);
		while (used < budget) {
			u64 *pte = pte_next_present(mm, &a, v->end);

			if (!pte)
				break;
			if (pte_scannable(v, *pte))
				scan_page(mm, v, a, pte);
			used++; /* a file's page costs a look too: bounded work per batch */
			a += PAGE_SIZE;
		}
		if (used >= budget) {
			cursor.addr = a;
			return used;
		}
	}
	*done = true;
	return used ? used : 1;
}

/* Scan up to budget pages; a batch ends early at the end of a pass (at most one per batch). */
static void scan_batch(unsigned long budget)
{
	if (!cursor.kmm) {
		if (list_empty(&ksm_mms))
			return;
		cursor.kmm = list_first_entry(&ksm_mms, struct ksm_mm, link);
		cursor.addr = 0;
	}
	while (budget && cursor.kmm) {
		unsigned long used;
		bool done;

		used = scan_mm(budget, &done);
		budget -= min(used, budget);
		if (done)
			cursor_next();
	}
}

/*
 * Scan n pages in chunks, letting the other runnable tasks run between chunks (a large
 * pages_to_scan must not stall the guest), and account the time as ksmd's (/proc, top).
 */
static void scan_pages(unsigned long n)
{
	while (n && run_state == KSM_RUN_MERGE) {
		unsigned long chunk = min(n, (unsigned long)SCAN_CHUNK);
		u64 t0 = ktime_now();

		scan_batch(chunk);
		current->stime_ns += ktime_now() - t0;
		n -= chunk;
		if (n)
			schedule(); /* still runnable: back of the run queue */
	}
}

/* A kernel thread never returns to guest code: signals sent to it are dropped here. */
static void discard_signals(struct task *t)
{
	sigpending_flush(&t->pending);
	if (t->signal)
		sigpending_flush(&t->signal->shared_pending);
	sig_recalc(t);
}

static void ksmd_main(void *arg)
{
	for (;;) {
		discard_signals(current);
		if (run_state == KSM_RUN_MERGE) {
			scan_pages(pages_to_scan);
			schedule_until(ktime_now() + sleep_ms * 1000000ULL);
			continue;
		}
		task_set_state(current, TASK_INTERRUPTIBLE);
		if (run_state != KSM_RUN_MERGE)
			schedule();
		task_set_state(current, TASK_RUNNING);
	}
}

/* ---- undoing every merge (run = 2) */

/* Give the page at pte its own writable copy of the shared frame it maps. */
static int unshare(struct mm *mm, struct vma *v, uaddr_t addr, u64 *pte)
{
	phys_t old = *pte & PTE_FRAME_MASK, f = frame_alloc(GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	memcpy(phys_to_virt(f), phys_to_virt(old), PAGE_SIZE);
	*pte = f | PTE_PRESENT | PTE_WRITE | (*pte & PTE_HOSTMAP);
	host_remap(mm, v, addr, *pte);
	frame_put(old);
	return 0;
}

static int unmerge_mm(struct mm *mm)
{
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, link) {
		uaddr_t a = v->start;
		u64 *pte;

		if (!vma_scannable(v))
			continue;
		while ((pte = pte_next_present(mm, &a, v->end))) {
			if (phys_to_page(*pte & PTE_FRAME_MASK)->flags & PG_KSM) {
				int r = unshare(mm, v, a, pte);

				if (r < 0)
					return r;
			}
			a += PAGE_SIZE;
		}
	}
	return 0;
}

static int unmerge_all(void)
{
	struct ksm_mm *k;
	int r = 0;

	list_for_each_entry(k, &ksm_mms, link) {
		r = unmerge_mm(k->mm);
		if (r < 0)
			break;
	}
	if (buckets)
		table_prune();
	cursor.kmm = NULL;
	return r;
}

/* ---- interface */

void ksm_mm_enter(struct mm *mm)
{
	struct ksm_mm *k;

	mm->ksm = NULL;
	if (!IS_ENABLED(CONFIG_KSM))
		return;
	k = kmalloc(sizeof(*k));
	if (!k)
		return; /* this address space is simply never scanned */
	k->mm = mm;
	k->refs = 1;
	list_add_tail(&k->link, &ksm_mms);
	mm->ksm = k;
}

void ksm_mm_exit(struct mm *mm)
{
	struct ksm_mm *k = mm->ksm;

	if (!k)
		return;
	if (cursor.kmm == k)
		cursor_next();
	list_del_init(&k->link);
	k->mm = NULL;
	mm->ksm = NULL;
	kmm_put(k);
}

/* The table (about one bucket per eight frames) and the zero frame; 0 or -ENOMEM. */
static int ksm_setup(void)
{
	unsigned long want = page_nr_total() / 8;

	if (buckets)
		return 0;
	nbuckets = 256;
	while (nbuckets < want && nbuckets < (1UL << 17))
		nbuckets <<= 1;
	zero_frame = frame_alloc(GFP_ZERO);
	if (!zero_frame)
		return -ENOMEM;
	phys_to_page(zero_frame)->flags |= PG_KSM;
	buckets = kzalloc(nbuckets * sizeof(*buckets));
	if (!buckets) {
		frame_put(zero_frame);
		zero_frame = 0;
		return -ENOMEM;
	}
	return 0;
}

static int start_scanner(void)
{
	int r = ksm_setup();
	struct task *t;

	if (r < 0)
		return r;
	if (ksmd) {
		wake_up_process(ksmd);
		return 0;
	}
	t = task_create_kthread("ksmd", ksmd_main, NULL);
	if (IS_ERR(t))
		return (int)PTR_ERR(t);
	ksmd = t;
	return 0;
}

static bool ksm_started; /* init exists: the scanner may take a pid */

void ksm_start(void)
{
	ksm_started = true;
	if (run_state == KSM_RUN_MERGE && start_scanner() < 0) {
		pr_warn("ksm: cannot start the scanner: out of memory\n");
		run_state = KSM_RUN_STOP;
	}
}

int ksm_set_run(unsigned long run)
{
	int r = 0;

	if (!IS_ENABLED(CONFIG_KSM) || run > KSM_RUN_UNMERGE)
		return -EINVAL;
	if (run == KSM_RUN_MERGE && ksm_started)
		r = start_scanner();
	else if (run == KSM_RUN_UNMERGE)
		r = unmerge_all();
	if (r < 0)
		return r;
	run_state = run;
	return 0;
}

unsigned long ksm_get_run(void)
{
	return run_state;
}

int ksm_set_pages_to_scan(unsigned long n)
{
	if (n < 1 || n > 100000)
		return -EINVAL;
	pages_to_scan = n;
	return 0;
}

unsigned long ksm_get_pages_to_scan(void)
{
	return pages_to_scan;
}

int ksm_set_sleep_ms(unsigned long ms)
{
	if (ms < 1 || ms > 60000)
		return -EINVAL;
	sleep_ms = ms;
	return 0;
}

unsigned long ksm_get_sleep_ms(void)
{
	return sleep_ms;
}

void ksm_get_stats(struct ksm_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned long i = 0; i < nbuckets; i++) {
		for (struct ksm_entry *e = buckets[i]; e; e = e->next) {
			long maps = phys_to_page(e->frame)->refcount - 1;

			if (e->kmm || maps < 1)
				continue;
			s->pages_shared++;
			s->pages_sharing += maps - 1;
		}
	}
	s->pages_unshared = nr_hints;
	s->pages_scanned = pages_scanned;
	s->full_scans = full_scans;
	s->zero_pages = zero_frame ? phys_to_page(zero_frame)->refcount - 1 : 0;
}

static int set_ksm_param(const char *v)
{
	if (!strcmp(v, "1") || !strcmp(v, "on")) {
		if (!IS_ENABLED(CONFIG_KSM)) {
			printk(KERN_ERR "ksm=%s: page sharing is not built in (CONFIG_KSM)\n", v);
			return -EINVAL;
		}
		run_state = KSM_RUN_MERGE;
		return 0;
	}
	if (!strcmp(v, "0") || !strcmp(v, "off")) {
		run_state = KSM_RUN_STOP;
		return 0;
	}
	printk(KERN_ERR "ksm=%s: expected 1, on, 0 or off\n", v);
	return -EINVAL;
}
KPARAM("ksm", set_ksm_param, KP_VALUE,
       "ksm=1|0           share identical guest pages (default 0; /sys/kernel/mm/ksm/run)");
