/*
 * SKAS mode, kernel side: the um_mode_ops table for skas=ptrace.
 *
 * An address space is a stub process (skas_host.c) plus its data pages: four physmem
 * frames, mapped at STUB_DATA in the stub and reachable by the kernel through its own
 * physmem mapping. Map, unmap and protect requests are queued there as host system calls
 * (adjacent mmaps of contiguous frames merge into one) and executed by the stub in one
 * ptrace round trip, when the queue fills or before the guest runs again (STYLE.md rule 17).
 *
 * The guest can write the stub's writable data pages (it runs in the same host process), so
 * the queue's length lives here, in kernel memory, and is written to the stub's page only
 * just before the stub runs; the queue itself is made read-only in the stub by the first
 * call queued in every address space (stub-data.h).
 *
 * Threads: each guest thread runs on a host thread of the stub (struct skas_thread, the
 * mode's thread handle). The stub's main thread is the first; more are cloned on demand
 * (skas_host_thread_new). A thread whose guest thread is gone is parked (left stopped)
 * for the next thread_create, so that pthread_create/join loops do not pay a host clone
 * each time; beyond SKAS_PARKED_MAX parked threads, non-main ones are ended. The main
 * host thread is never ended before the stub itself: it runs the stub's queue.
 */
#include "kernel.h"
#include "list.h"
#include "mode.h"
#include "os.h"
#include "page.h"
#include "skas.h"
#include "slab.h"
#include "stub-data.h"

#include <asm/unistd.h>
#include <linux/mman.h>

#define STUB_DATA_ORDER 2
_Static_assert((1 << STUB_DATA_ORDER) == STUB_DATA_PAGES, "stub data pages");
_Static_assert(sizeof(struct stub_queue) <= STUB_QUEUE_SIZE, "stub queue too big");
_Static_assert(STUB_QUEUE_SIZE + sizeof(struct stub_result) + 4096 <= STUB_DATA_SIZE,
	       "stub data too big");

/* Parked host threads an address space keeps for reuse. */
#define SKAS_PARKED_MAX 4

struct skas_mm {
	struct stub_proc *host;
	struct page *data_pages;
	struct stub_queue *data;  /* the queue, at the start of the data pages */
	struct list_head threads; /* of struct skas_thread: every host thread of the stub */
	unsigned parked;          /* threads in the list that no guest thread uses */
	/*
	 * Calls queued in data->calls. Kept here, never read back from the data page: guest
	 * code can write that page, and a count taken from it would make the stub run calls
	 * the guest wrote (a host escape) and the kernel index past the queue.
	 */
	unsigned ncalls;
};

/* A host thread of a stub: the mode's handle for a guest thread while busy. */
struct skas_thread {
	struct skas_mm *mm;
	int tid;               /* host thread id */
	bool busy;             /* a guest thread runs on it */
	struct list_head link; /* in mm->threads */
};

static struct skas_thread *thread_add(struct skas_mm *m, int tid)
{
	struct skas_thread *th = kzalloc(sizeof(*th));

	if (!th)
		return NULL;
	th->mm = m;
	th->tid = tid;
	list_add_tail(&th->link, &m->threads);
	m->parked++;
	return th;
}

static int queue(struct skas_mm *m, long nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5);

static int skas_init(int physmem_fd)
{
	return skas_host_init(physmem_fd);
}

static int skas_mm_create(void **ctx)
{
	struct skas_mm *m = kzalloc(sizeof(*m));
	int r;

	if (!m)
		return -ENOMEM;
	m->data_pages = page_alloc(STUB_DATA_ORDER, GFP_ZERO);
	if (!m->data_pages) {
		kfree(m);
		return -ENOMEM;
	}
	m->data = page_address(m->data_pages);
	INIT_LIST_HEAD(&m->threads);
	r = skas_host_spawn(page_to_phys(m->data_pages), m->data, &m->host);
	if (r == 0 && !thread_add(m, skas_host_pid(m->host))) {
		skas_host_kill(m->host);
		r = -ENOMEM;
	}
	if (r < 0) {
		page_free(m->data_pages, STUB_DATA_ORDER);
		kfree(m);
		return r;
	}
	/* Before any guest code runs here: the guest must never write the queue. */
	queue(m, __NR_mprotect, STUB_DATA, STUB_QUEUE_SIZE, PROT_READ, 0, 0, 0);
	*ctx = m;
	return 0;
}

static void skas_mm_destroy(void *ctx)
{
	struct skas_mm *m = ctx;
	struct skas_thread *th, *n;

	skas_host_kill(m->host);
	list_for_each_entry_safe(th, n, &m->threads, link) {
		BUG_ON(th->busy); /* the kernel destroys threads before their address space */
		list_del(&th->link);
		kfree(th);
	}
	page_free(m->data_pages, STUB_DATA_ORDER);
	kfree(m);
}

static int skas_flush(void *ctx)
{
	struct skas_mm *m = ctx;
	int r;

	if (m->ncalls == 0)
		return 0;
	m->data->ncalls = m->ncalls; /* guest code is stopped from here until the stub is done */
	r = skas_host_run_queue(m->host);
	m->ncalls = 0;
	m->data->ncalls = 0;
	return r;
}

static int queue(struct skas_mm *m, long nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct stub_call *c;

	if (m->ncalls >= STUB_MAX_CALLS) {
		int r = skas_flush(m);

		if (r < 0)
			return r;
	}
	c = &m->data->calls[m->ncalls++];
	c->nr = nr;
	c->args[0] = a0;
	c->args[1] = a1;
	c->args[2] = a2;
	c->args[3] = a3;
	c->args[4] = a4;
	c->args[5] = a5;
	return 0;
}

static int skas_mm_map(void *ctx, u64 va, u64 len, u64 phys, int prot)
{
	struct skas_mm *m = ctx;
	u64 off;
	int fd = phys_stub_fd(phys, &off);

	if (m->ncalls) {
		struct stub_call *p = &m->data->calls[m->ncalls - 1];

		if (p->nr == __NR_mmap && p->args[0] + p->args[1] == va && p->args[4] == (u64)fd &&
		    p->args[5] + p->args[1] == off && p->args[2] == (u64)prot) {
			p->args[1] += len;
			return 0;
		}
	}
	return queue(m, __NR_mmap, va, len, prot, MAP_SHARED | MAP_FIXED, (u64)fd, off);
}

static int skas_mm_unmap(void *ctx, u64 va, u64 len)
{
	return queue(ctx, __NR_munmap, va, len, 0, 0, 0, 0);
}

static int skas_mm_protect(void *ctx, u64 va, u64 len, int prot)
{
	return queue(ctx, __NR_mprotect, va, len, prot, 0, 0, 0);
}

/* A parked host thread of m, or a new one; NULL and *err when neither. */
static struct skas_thread *thread_get(struct skas_mm *m, int *err)
{
	struct skas_thread *th;
	int tid;

	list_for_each_entry(th, &m->threads, link) {
		if (!th->busy)
			return th;
	}
	/* The queue runs in the main thread: apply it before cloning from there. */
	*err = skas_flush(m);
	if (*err < 0)
		return NULL;
	tid = skas_host_thread_new(m->host);
	if (tid < 0) {
		*err = tid;
		return NULL;
	}
	th = thread_add(m, tid);
	if (!th) {
		skas_host_thread_end(m->host, tid);
		*err = -ENOMEM;
	}
	return th;
}

static int skas_thread_create(void *mm_ctx, void **thr)
{
	struct skas_mm *m = mm_ctx;
	struct skas_thread *th;
	int r = 0;

	th = thread_get(m, &r);
	if (!th)
		return r;
	th->busy = true;
	m->parked--;
	*thr = th;
	return 0;
}

static void skas_thread_destroy(void *thr)
{
	struct skas_thread *th = thr;
	struct skas_mm *m = th->mm;

	th->busy = false;
	m->parked++;
	if (m->parked <= SKAS_PARKED_MAX || th->tid == skas_host_pid(m->host))
		return;
	skas_host_thread_end(m->host, th->tid);
	list_del(&th->link);
	m->parked--;
	kfree(th);
}

static int skas_run(void *thr, struct um_regs *regs, struct um_trap *trap)
{
	struct skas_thread *th = thr;
	int r = skas_flush(th->mm);

	if (r < 0)
		return r;
	return skas_host_run(th->mm->host, th->tid, regs, trap);
}

static int skas_fp_save(void *thr, struct um_regs *regs)
{
	struct skas_thread *th = thr;

	return skas_host_fp_save(th->mm->host, th->tid, regs);
}

void *skas_thread_mm(void *thr)
{
	struct skas_thread *th = thr;

	return th->mm;
}

int skas_thread_tid(void *thr)
{
	struct skas_thread *th = thr;

	return th->tid;
}

struct stub_proc *skas_mm_stub(void *ctx)
{
	struct skas_mm *m = ctx;

	return m->host;
}

const struct um_mode_ops skas_ptrace_ops = {
	.name = "skas=ptrace",
	.features = UM_FEAT_SEPARATE_KERNEL,
	.init = skas_init,
	.mm_create = skas_mm_create,
	.mm_destroy = skas_mm_destroy,
	.mm_map = skas_mm_map,
	.mm_unmap = skas_mm_unmap,
	.mm_protect = skas_mm_protect,
	.mm_flush = skas_flush,
	.thread_create = skas_thread_create,
	.thread_destroy = skas_thread_destroy,
	.run = skas_run,
	.fp_save = skas_fp_save,
	.shutdown = skas_host_shutdown,
};
