/*
 * Active-memory estimation by sampling, the way VMware ESX does it (Waldspurger, "Memory
 * Resource Management in VMware ESX Server", OSDI 2002, section 5.2), for the host-side
 * memory manager (tools/umlite-balance.c) that taxes idle memory.
 *
 * Every period, IDLE_SAMPLE_PAGES resident guest pages are chosen uniformly at random
 * among the pages the host maps for the guest. Each is taken out of the host's mapping
 * only (its page table entry stays, marked PTE_IDLE_SAMPLE), so the guest's next access
 * to it faults; mm_handle_fault() clears the mark and calls idle_sample_touched(). At the
 * end of the period, touched / sampled estimates the fraction of the guest's memory that
 * is in active use. Like ESX we keep two exponentially weighted moving averages, a slow
 * one (alpha 1/8) and a fast one (alpha 1/2), and report the larger, so a guest that
 * becomes busy is seen at once and one that becomes idle is believed only slowly.
 *
 * Pages still marked at the end of a period were not touched: their mark is cleared and
 * they are left unmapped on the host (the next access maps them as any fault does).
 * Fault-around skips marked pages, so touching a neighbour does not count as touching the
 * sample.
 *
 * Cost: one walk of the resident pages per period and at most IDLE_SAMPLE_PAGES extra
 * faults per period (100 faults per second is well under 1% of a CPU). Sampling starts
 * with `memsample=1` or when the management console is first asked for `memstat` (the
 * manager asks), so an instance nobody manages has no timer and no extra faults.
 *
 * Layer: memory management; runs from the timer list, between system calls, in the
 * single kernel thread (kernel/sched.c), so no locks.
 */
#include "kernel.h"
#include "mm.h"
#include "params.h"
#include "sched.h"
#include "task.h"
#include "mode.h"

#define IDLE_SAMPLE_PAGES 100
#define IDLE_SAMPLE_PERIOD_MS 1000
#define NS_PER_MS 1000000ULL

struct sample {
	struct mm *mm; /* NULL: slot unused (or its address space is gone) */
	uaddr_t addr;
};

static struct sample samples[IDLE_SAMPLE_PAGES];
static unsigned nr_samples, nr_touched; /* this period */
static struct ktimer sample_timer;
static bool sampling;
static u64 rng = 0x9e3779b97f4a7c15ULL;
static struct idle_sample_stats stats;

/* xorshift64*: a cheap generator; the samples need no secrecy. */
static u64 rng_next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

void idle_sample_touched(void)
{
	nr_touched++;
}

/* mm_put calls this before an address space goes: forget its samples. */
void idle_sample_mm_exit(struct mm *mm)
{
	for (unsigned i = 0; i < nr_samples; i++)
		if (samples[i].mm == mm)
			samples[i].mm = NULL;
}

/* The distinct address spaces, one call of fn each (threads and vfork share one). */
static void for_each_mm(void (*fn)(struct mm *mm, void *arg), void *arg)
{
	struct task *t, *u;

	list_for_each_entry(t, &task_list, all_tasks) {
		bool seen = false;

		if (!t->mm || t->mm->refcount <= 0)
			continue;
		/* Seen earlier in the list? Address spaces are shared by few tasks. */
		list_for_each_entry(u, &task_list, all_tasks) {
			if (u == t)
				break;
			if (u->mm == t->mm) {
				seen = true;
				break;
			}
		}
		if (!seen)
			fn(t->mm, arg);
	}
}

static bool pte_sampleable(u64 pte)
{
	return (pte & PTE_PRESENT) && (pte & PTE_HOSTMAP) && !(pte & PTE_IDLE_SAMPLE);
}

static void count_mm(struct mm *mm, void *arg)
{
	u64 *total = arg;
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, link) {
		uaddr_t a = v->start;
		u64 *pte;

		while ((pte = pte_next_present(mm, &a, v->end))) {
			if (pte_sampleable(*pte))
				(*total)++;
			a += PAGE_SIZE;
		}
	}
}

struct pick {
	u64 targets[IDLE_SAMPLE_PAGES]; /* sorted indices among the sampleable pages */
	unsigned nr, next;
	u64 index; /* of the next sampleable page met */
};

static void sample_page(struct mm *mm, uaddr_t addr, u64 *pte)
{
	*pte = (*pte | PTE_IDLE_SAMPLE) & ~(u64)PTE_HOSTMAP;
	if (mm->mode_ctx)
		um_mode->mm_unmap(mm->mode_ctx, addr, PAGE_SIZE);
	samples[nr_samples].mm = mm;
	samples[nr_samples].addr = addr;
	nr_samples++;
}

static void pick_mm(struct mm *mm, void *arg)
{
	struct pick *p = arg;
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, link) {
		uaddr_t a = v->start;
		u64 *pte;

		while (p->next < p->nr && (pte = pte_next_present(mm, &a, v->end))) {
			if (pte_sampleable(*pte)) {
				if (p->index == p->targets[p->next]) {
					sample_page(mm, a, pte);
					/* Equal targets (drawn twice) take one page. */
					while (p->next < p->nr && p->targets[p->next] == p->index)
						p->next++;
				}
				p->index++;
			}
			a += PAGE_SIZE;
		}
	}
}

static void sort_u64(u64 *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		u64 x = v[i];
		unsigned j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Close the period: clear the marks left, update the averages. */
static void finish_period(void)
{
	for (unsigned i = 0; i < nr_samples; i++) {
		u64 *pte;

		if (!samples[i].mm)
			continue;
		pte = pte_lookup(samples[i].mm, samples[i].addr, false);
		if (pte && (*pte & PTE_IDLE_SAMPLE))
			*pte &= ~(u64)PTE_IDLE_SAMPLE;
	}
	if (nr_samples) {
		unsigned pm = nr_touched * 1000 / nr_samples;

		if (nr_touched > nr_samples)
			pm = 1000;
		if (!stats.periods) {
			stats.slow_pm = stats.fast_pm = pm;
		} else {
			stats.slow_pm = (stats.slow_pm * 7 + pm) / 8;
			stats.fast_pm = (stats.fast_pm + pm) / 2;
		}
		stats.last_pm = pm;
		stats.periods++;
		stats.sampled += nr_samples;
		stats.touched += nr_touched;
	}
	nr_samples = 0;
	nr_touched = 0;
}

static void start_period(void)
{
	struct pick p = { .nr = 0 };
	u64 total = 0;

	for_each_mm(count_mm, &total);
	stats.resident = total;
	if (!total)
		return;
	p.nr = total < IDLE_SAMPLE_PAGES ? (unsigned)total : IDLE_SAMPLE_PAGES;
	for (unsigned i = 0; i < p.nr; i++)
		p.targets[i] = rng_next() % total;
	sort_u64(p.targets, p.nr);
	for_each_mm(pick_mm, &p);
}

static void sample_tick(struct ktimer *t)
{
	finish_period();
	start_period();
	ktimer_arm(t, ktime_now() + IDLE_SAMPLE_PERIOD_MS * NS_PER_MS);
}

void idle_sample_start(void)
{
	if (sampling)
		return;
	sampling = true;
	rng ^= ktime_real();
	sample_timer.fn = sample_tick;
	ktimer_arm(&sample_timer, ktime_now() + IDLE_SAMPLE_PERIOD_MS * NS_PER_MS);
}

void idle_sample_get(struct idle_sample_stats *s)
{
	*s = stats;
	s->active_pm = max(stats.slow_pm, stats.fast_pm);
	s->running = sampling;
}

static bool sample_at_boot;

void idle_sample_boot(void)
{
	if (sample_at_boot)
		idle_sample_start();
}

static int set_memsample(const char *v)
{
	if (!strcmp(v, "1") || !strcmp(v, "on")) {
		sample_at_boot = true;
		return 0;
	}
	if (!strcmp(v, "0") || !strcmp(v, "off")) {
		sample_at_boot = false;
		return 0;
	}
	printk(KERN_ERR "memsample=%s: expected 1, on, 0 or off\n", v);
	return -EINVAL;
}
KPARAM("memsample", set_memsample, KP_VALUE,
       "memsample=1|0     estimate active memory by sampling from boot (default: from the\n"
       "                  first mconsole memstat request)");
