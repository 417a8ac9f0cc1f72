/*
 * SKAS mode, kernel side: the um_mode_ops table for skas=ptrace.
 *
 * An address space is a stub process (skas_host.c) plus its data pages: four physmem
 * frames, mapped at STUB_DATA in the stub and reachable by the kernel through its own
 * physmem mapping. Map, unmap and protect requests are queued there as host system calls
 * (adjacent mmaps of contiguous frames merge into one) and executed by the stub in one
 * ptrace round trip, when the queue fills or before the guest runs again (STYLE.md rule 17).
 *
 * Threads: in this version every address space runs one guest thread, the stub's main
 * thread, so the thread handle is the address space itself.
 */
#include "kernel.h"
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
_Static_assert(sizeof(struct stub_data) + 4096 <= STUB_DATA_SIZE, "stub data too big");

struct skas_mm {
	struct stub_proc *host;
	struct page *data_pages;
	struct stub_data *data;  /* guest code can write it: ncalls below is the real count */
	u32 ncalls;              /* calls queued in data->calls */
	bool has_thread;
};

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
	r = skas_host_spawn(page_to_phys(m->data_pages), m->data, &m->host);
	if (r < 0) {
		page_free(m->data_pages, STUB_DATA_ORDER);
		kfree(m);
		return r;
	}
	*ctx = m;
	return 0;
}

static void skas_mm_destroy(void *ctx)
{
	struct skas_mm *m = ctx;

	skas_host_kill(m->host);
	page_free(m->data_pages, STUB_DATA_ORDER);
	kfree(m);
}

static int skas_flush(void *ctx)
{
	struct skas_mm *m = ctx;
	int r;

	if (m->ncalls == 0)
		return 0;
	m->data->ncalls = m->ncalls;
	r = skas_host_run_queue(m->host);
	m->ncalls = 0;
	return r;
}

static int queue(struct skas_mm *m, long nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct stub_data *d = m->data;
	struct stub_call *c;

	if (m->ncalls == STUB_MAX_CALLS) {
		int r = skas_flush(m);

		if (r < 0)
			return r;
	}
	c = &d->calls[m->ncalls++];
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
	struct stub_data *d = m->data;

	if (m->ncalls) {
		struct stub_call *p = &d->calls[m->ncalls - 1];

		if (p->nr == __NR_mmap && p->args[0] + p->args[1] == va &&
		    p->args[5] + p->args[1] == phys && p->args[2] == (u64)prot) {
			p->args[1] += len;
			return 0;
		}
	}
	return queue(m, __NR_mmap, va, len, prot, MAP_SHARED | MAP_FIXED, STUB_PHYSMEM_FD, phys);
}

static int skas_mm_unmap(void *ctx, u64 va, u64 len)
{
	return queue(ctx, __NR_munmap, va, len, 0, 0, 0, 0);
}

static int skas_mm_protect(void *ctx, u64 va, u64 len, int prot)
{
	return queue(ctx, __NR_mprotect, va, len, prot, 0, 0, 0);
}

static int skas_thread_create(void *mm_ctx, void **thr)
{
	struct skas_mm *m = mm_ctx;

	if (m->has_thread)
		return -EAGAIN;
	m->has_thread = true;
	*thr = m;
	return 0;
}

static void skas_thread_destroy(void *thr)
{
	struct skas_mm *m = thr;

	m->has_thread = false;
}

static int skas_run(void *thr, struct um_regs *regs, struct um_trap *trap)
{
	struct skas_mm *m = thr;
	int r = skas_flush(m);

	if (r < 0)
		return r;
	return skas_host_run(m->host, regs, trap);
}

static int skas_fp_save(void *thr, struct um_regs *regs)
{
	struct skas_mm *m = thr;

	return skas_host_fp_save(m->host, regs);
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
