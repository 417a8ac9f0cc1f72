/*
 * SKAS over seccomp (skas=seccomp), kernel side: the um_mode_ops table, the request queue,
 * and the guest registers and FPU state in the stub's signal frame.
 *
 * An address space owns the request pages (4 frames, read-only in the stub) holding the
 * queue of mmap/munmap/mprotect calls that the stub's control thread executes
 * (seccomp_host.c); each of its threads (struct sc_thread, the mode's thread handle) a
 * host thread of the stub and a hand-off slot (8 frames, writable by guest code) holding
 * the trap record and the signal stack on which every trap's host signal frame is built
 * (stub-seccomp.h). Host threads are never ended: one whose guest thread is gone stays
 * parked in its hand-off for the next thread_create of the address space. Design and
 * security argument: seccomp_host.c.
 *
 * Queue: requests are queued (adjacent maps merge) and run before guest code resumes,
 * or when the memory manager flushes: guest code may be running meanwhile, so the mode
 * declares UM_FEAT_GUEST_CONCURRENT and the memory manager flushes the revocation of a
 * page before it frees the frame (kernel/mm: zap_range, cow_break).
 *
 * Registers: after each hand-off the trap record and the frame's ucontext are copied out
 * once and checked (every byte of the slot is hostile input): the ucontext and the FPU
 * image must lie inside the slot's signal stack, or the stub is killed. The general
 * registers come from the mcontext; for SIGSYS it holds the call number in rax (seccomp
 * rolls rax back), which becomes orig_rax as with ptrace. Before resuming, the kernel's
 * registers are written back into the same mcontext, with an empty saved signal mask and
 * the slot's signal stack (so a guest-crafted rt_sigreturn cannot keep either). FS/GS
 * bases travel in the slot (the stub reads them with rdfsbase, or the kernel keeps what
 * it set). The FPU image is copied between the frame and regs->fp only when asked
 * (fp_save) or changed (UM_FP_IN_BUF): the frame holds the host's XSAVE layout, which
 * the kernel's image shares, except the software bytes 464..511, which hold the frame's
 * own description there and the host's XCR0 in the kernel's image (as ptrace stores it).
 * XCR0 and the MXCSR mask always come from the host's probe, never from the frame.
 */
#include "kernel.h"
#include "list.h"
#include "mode.h"
#include "page.h"
#include "seccomp.h"
#include "slab.h"
#include "stub-data.h"
#include "stub-seccomp.h"

#include <asm/sigcontext.h>
#include <asm/siginfo.h>
#include <asm/signal.h>
#include <asm/unistd.h>
#include <linux/mman.h>

#define REQ_ORDER 2
#define USER_CS 0x33
#define USER_SS 0x2b
#define FXSAVE_SIZE 512
#define MXCSR_MASK_OFF 28
#define SW_BYTES_OFF 464
#define SW_BYTES_SIZE 48
#define XHDR_OFF 512
#define XHDR_SIZE 64
#define PF_WRITE 0x2
#define PF_INSTR 0x10
#define TRAP_PF 14

_Static_assert((1 << REQ_ORDER) * PAGE_SIZE == STUB_DATA_SIZE, "request pages");

/* The host's struct ucontext, with addresses as integers. */
struct sc_ucontext {
	u64 uc_flags;
	u64 uc_link;
	u64 ss_sp;
	s32 ss_flags, ss_pad;
	u64 ss_size;
	struct sigcontext_64 mc;
	u64 uc_sigmask;
};

struct sc_mm {
	struct sc_stub *host;
	struct page *req_pages;
	struct stub_queue *req;    /* kernel mapping of the request pages */
	struct list_head threads; /* of struct sc_thread: every host thread of the stub */
	unsigned nthreads;        /* their number: the next one's slot index */
};

struct sc_thread {
	struct sc_mm *mm;
	struct sc_thr *host;
	struct page *slot_pages;
	struct stub_slot *slot;  /* kernel mapping of its slot: hostile */
	u64 base;                /* the slot's stub address */
	u64 uc;                  /* checked stub address of the last trap's ucontext; 0: the
				    thread has not parked in its first hand-off yet */
	u64 fs_base, gs_base;    /* what the host thread has, as far as we know */
	bool busy;               /* a guest thread runs on it */
	struct list_head link;   /* in mm->threads */
};

static struct skas_sc_info host;
static struct sc_mm *spare; /* the boot probe's stub, fresh and parked: the first mm's */

/* The kernel address of [addr, addr + len) in the thread's signal stack, or NULL. */
static void *stack_ptr(struct sc_thread *t, u64 addr, u64 len)
{
	u64 lo = t->base + STUB_SLOT_STACK_OFF, end = t->base + STUB_SLOT_SIZE;

	if (addr < lo || addr > end || len > end - addr)
		return NULL;
	return (char *)t->slot + (addr - t->base);
}

/* ---- the request queue */

static int sc_flush(void *ctx)
{
	struct sc_mm *m = ctx;
	int r;

	if (m->req->ncalls == 0)
		return 0;
	r = skas_sc_flush(m->host);
	m->req->ncalls = 0;
	return r;
}

static int queue(struct sc_mm *m, long nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct stub_queue *d = m->req;
	struct stub_call *c;

	if (a0 >= UM_TASK_SIZE || a1 > UM_TASK_SIZE - a0)
		return -EINVAL;
	if (d->ncalls == STUB_MAX_CALLS) {
		int r = sc_flush(m);

		if (r < 0)
			return r;
	}
	c = &d->calls[d->ncalls];
	c->nr = (u64)nr;
	c->args[0] = a0;
	c->args[1] = a1;
	c->args[2] = a2;
	c->args[3] = a3;
	c->args[4] = a4;
	c->args[5] = a5;
	d->ncalls++;
	return 0;
}

static int sc_mm_map(void *ctx, u64 va, u64 len, u64 phys, int prot)
{
	struct sc_mm *m = ctx;
	struct stub_queue *d = m->req;
	u64 off;
	int fd = phys_stub_fd(phys, &off);

	if (d->ncalls) {
		struct stub_call *p = &d->calls[d->ncalls - 1];

		if (p->nr == __NR_mmap && p->args[0] + p->args[1] == va && p->args[4] == (u64)fd &&
		    p->args[5] + p->args[1] == off && p->args[2] == (u64)prot &&
		    va + len <= UM_TASK_SIZE) {
			p->args[1] += len;
			return 0;
		}
	}
	/* A window is read-only: its descriptor is refused PROT_WRITE (filter and host). */
	if (fd != STUB_PHYSMEM_FD && (prot & UM_PROT_WRITE))
		return -EACCES;
	return queue(m, __NR_mmap, va, len, (u64)prot, MAP_SHARED | MAP_FIXED, (u64)fd, off);
}

static int sc_mm_unmap(void *ctx, u64 va, u64 len)
{
	return queue(ctx, __NR_munmap, va, len, 0, 0, 0, 0);
}

static int sc_mm_protect(void *ctx, u64 va, u64 len, int prot)
{
	return queue(ctx, __NR_mprotect, va, len, (u64)prot & 7, 0, 0, 0);
}

/* ---- address spaces and threads */

static void sc_mm_free(struct sc_mm *m)
{
	while (!list_empty(&m->threads)) {
		struct sc_thread *t = list_first_entry(&m->threads, struct sc_thread, link);

		list_del(&t->link);
		page_free(t->slot_pages, STUB_SLOT_ORDER);
		kfree(t);
	}
	if (m->req_pages)
		page_free(m->req_pages, REQ_ORDER);
	kfree(m);
}

static int sc_mm_create(void **ctx)
{
	struct sc_mm *m;
	int r;

	if (spare) {
		*ctx = spare;
		spare = NULL;
		return 0;
	}
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	INIT_LIST_HEAD(&m->threads);
	m->req_pages = page_alloc(REQ_ORDER, GFP_ZERO);
	if (!m->req_pages) {
		sc_mm_free(m);
		return -ENOMEM;
	}
	m->req = page_address(m->req_pages);
	r = skas_sc_spawn(page_to_phys(m->req_pages), m->req, &m->host);
	if (r < 0) {
		sc_mm_free(m);
		return r;
	}
	*ctx = m;
	return 0;
}

static void sc_mm_destroy(void *ctx)
{
	struct sc_mm *m = ctx;

	skas_sc_kill(m->host); /* first: no host mapping outlives the frames */
	sc_mm_free(m);
}

/* A new host thread of m with a slot of its own (its first hand-off is taken later). */
static struct sc_thread *thread_new(struct sc_mm *m, int *err)
{
	struct sc_thread *t = kzalloc(sizeof(*t));

	*err = -ENOMEM;
	if (!t)
		return NULL;
	t->slot_pages = page_alloc(STUB_SLOT_ORDER, GFP_ZERO);
	if (!t->slot_pages) {
		kfree(t);
		return NULL;
	}
	t->mm = m;
	t->slot = page_address(t->slot_pages);
	t->base = STUB_SLOT(m->nthreads);
	*err = skas_sc_thread_new(m->host, m->nthreads, page_to_phys(t->slot_pages), t->slot,
				  &t->host);
	if (*err < 0) {
		page_free(t->slot_pages, STUB_SLOT_ORDER);
		kfree(t);
		return NULL;
	}
	m->nthreads++;
	list_add_tail(&t->link, &m->threads);
	return t;
}

static int sc_thread_create(void *mm_ctx, void **thr)
{
	struct sc_mm *m = mm_ctx;
	struct sc_thread *t;
	int r;

	list_for_each_entry(t, &m->threads, link) {
		if (!t->busy)
			goto found;
	}
	t = thread_new(m, &r);
	if (!t)
		return r;
found:
	t->busy = true;
	*thr = t;
	return 0;
}

static void sc_thread_destroy(void *thr)
{
	struct sc_thread *t = thr;

	t->busy = false; /* parked in its hand-off until the next thread_create */
}

/* ---- registers */

/*
 * Copy out the trap record and its frame's ucontext, once, and check where the frame is.
 * 0, or -EIO for a corrupt hand-off (the caller kills the stub).
 */
static int take_trap(struct sc_thread *th, struct stub_trap *t, struct sc_ucontext *uc)
{
	const void *p;

	memcpy(t, (const void *)&th->slot->trap, sizeof(*t));
	p = stack_ptr(th, t->uc, sizeof(*uc));
	if (!p || (t->uc & 7)) {
		pr_warn("skas=seccomp: a stub handed over a frame outside its signal stack\n");
		return -EIO;
	}
	memcpy(uc, p, sizeof(*uc));
	th->uc = t->uc;
	if (t->bases_valid) {
		th->fs_base = t->fs_base;
		th->gs_base = t->gs_base;
	}
	return 0;
}

/*
 * The stub's first hand-off (its park entry, reached while the kernel was busy elsewhere):
 * taken before the frame is first needed. 0, or -ESRCH when the stub died or was corrupt.
 */
static int parked(struct sc_thread *th)
{
	struct sc_ucontext uc;
	struct stub_trap t;

	if (th->uc)
		return 0;
	if (skas_sc_wait(th->host) || take_trap(th, &t, &uc))
		return -ESRCH;
	return 0;
}

/* The general registers in sigcontext order (r8 ... r15, di, si, bp, bx, dx, ax, cx, sp, ip,
 * flags), as indexes of um_regs.gp. */
static const u8 sc_regs[] = { UM_R8, UM_R9, UM_R10, UM_R11, UM_R12, UM_R13, UM_R14, UM_R15,
			      UM_RDI, UM_RSI, UM_RBP, UM_RBX, UM_RDX, UM_RAX, UM_RCX, UM_RSP,
			      UM_RIP, UM_EFLAGS };

_Static_assert(offsetof(struct sigcontext_64, flags) == 17 * 8, "sigcontext layout");

static void regs_from_frame(struct sc_thread *m, const struct stub_trap *t,
			    const struct sc_ucontext *uc, u64 *r)
{
	const u64 *g = (const u64 *)&uc->mc;

	for (unsigned i = 0; i < ARRAY_SIZE(sc_regs); i++)
		r[sc_regs[i]] = g[i];
	r[UM_CS] = USER_CS;
	r[UM_SS] = USER_SS;
	r[UM_FS_BASE] = m->fs_base;
	r[UM_GS_BASE] = m->gs_base;
	r[UM_ORIG_RAX] = (u64)-1;
	if (t->signo == SIGSYS) {
		r[UM_ORIG_RAX] = uc->mc.ax;
		r[UM_RAX] = (u64)-ENOSYS;
	}
}

/* Store v at p unless it is there already: a line left clean crosses CPUs for free. */
static inline void put64(volatile u64 *p, u64 v)
{
	if (*p != v)
		*p = v;
}

/*
 * The registers to resume with, into the frame, with an empty saved mask and the slot's
 * signal stack (whatever a crafted rt_sigreturn left there), and the FS/GS bases to set.
 */
static void regs_to_frame(struct sc_thread *m, const u64 *r)
{
	struct sc_ucontext *uc = stack_ptr(m, m->uc, sizeof(*uc));
	volatile u64 *g = (volatile u64 *)&uc->mc;
	struct stub_slot *s = m->slot;
	u32 set = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(sc_regs); i++)
		put64(&g[i], r[sc_regs[i]]);
	put64(&uc->uc_sigmask, 0);
	put64(&uc->ss_sp, m->base + STUB_SLOT_STACK_OFF);
	put64(&uc->ss_size, STUB_SLOT_STACK_SIZE);
	if (uc->ss_flags)
		uc->ss_flags = 0;
	if (r[UM_FS_BASE] != m->fs_base) {
		s->fs_base = m->fs_base = r[UM_FS_BASE];
		set |= 1;
	}
	if (r[UM_GS_BASE] != m->gs_base) {
		s->gs_base = m->gs_base = r[UM_GS_BASE];
		set |= 2;
	}
	if (s->set_bases != set)
		s->set_bases = set;
}

/* ---- FPU state in the frame */

/* The frame's FPU image: kernel address and size (512: legacy), or NULL. */
static void *frame_fp(struct sc_thread *m, u64 *size, struct _fpx_sw_bytes *sw)
{
	struct sc_ucontext *uc = stack_ptr(m, m->uc, sizeof(*uc));
	u64 addr = uc->mc.fpstate;
	char *fp = stack_ptr(m, addr, FXSAVE_SIZE);

	if (!fp || (addr & 63))
		return NULL;
	memcpy(sw, fp + SW_BYTES_OFF, sizeof(*sw));
	*size = FXSAVE_SIZE;
	if (um_fp_xsave && sw->magic1 == FP_XSTATE_MAGIC1 &&
	    sw->xstate_size >= XHDR_OFF + XHDR_SIZE && sw->xstate_size <= um_fp_size &&
	    stack_ptr(m, addr, sw->xstate_size))
		*size = sw->xstate_size;
	return fp;
}

static int sc_fp_save(void *thr, struct um_regs *regs)
{
	struct sc_thread *m = thr;
	struct _fpx_sw_bytes sw;
	char *img = regs->fp;
	u64 size, bv;
	void *fp;

	if (regs->fp_where != UM_FP_IN_THREAD || !img)
		return 0;
	if (parked(m) < 0)
		return -EFAULT;
	fp = frame_fp(m, &size, &sw);
	if (!fp)
		return -EFAULT;
	memcpy(img, fp, size);
	memset(img + size, 0, um_fp_size - size);
	memcpy(img + MXCSR_MASK_OFF, &host.mxcsr_mask, sizeof(host.mxcsr_mask));
	memset(img + SW_BYTES_OFF, 0, SW_BYTES_SIZE);
	if (um_fp_xsave) {
		memcpy(img + SW_BYTES_OFF, &host.xfeatures, sizeof(host.xfeatures));
		memcpy(&bv, img + XHDR_OFF, sizeof(bv));
		bv = size == FXSAVE_SIZE ? 3 : bv & host.xfeatures;
		memset(img + XHDR_OFF, 0, XHDR_SIZE); /* standard form, reserved bytes zero */
		memcpy(img + XHDR_OFF, &bv, sizeof(bv));
	}
	regs->fp_where = UM_FP_SYNCED;
	return 0;
}

/* Put the kernel's image into the frame, keeping the frame's own software bytes. */
static int fp_to_frame(struct sc_thread *m, struct um_regs *regs)
{
	struct _fpx_sw_bytes sw;
	const char *img = regs->fp;
	u64 size, bv;
	char *fp = frame_fp(m, &size, &sw);

	if (!fp)
		return -EFAULT;
	memcpy(fp, img, SW_BYTES_OFF);
	memcpy(fp + FXSAVE_SIZE, img + FXSAVE_SIZE, size - FXSAVE_SIZE);
	if (size > FXSAVE_SIZE) {
		memcpy(&bv, fp + XHDR_OFF, sizeof(bv));
		bv &= sw.xfeatures;
		memcpy(fp + XHDR_OFF, &bv, sizeof(bv));
	}
	regs->fp_where = UM_FP_IN_THREAD;
	return 0;
}

/* ---- running */

static void decode_trap(const struct stub_trap *t, const struct sc_ucontext *uc,
			struct um_trap *trap)
{
	trap->signo = t->signo;
	trap->code = t->code;
	trap->addr = t->addr;
	switch (t->signo) {
	case SIGSYS:
		trap->kind = UM_TRAP_SYSCALL;
		break;
	case SIGSEGV:
	case SIGBUS:
		trap->kind = UM_TRAP_FAULT;
		if (uc->mc.trapno == TRAP_PF)
			trap->access = (uc->mc.err & PF_INSTR) ? UM_ACCESS_EXEC :
				       (uc->mc.err & PF_WRITE) ? UM_ACCESS_WRITE : UM_ACCESS_READ;
		break;
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
		trap->kind = UM_TRAP_SIGNAL;
		break;
	default:
		trap->kind = UM_TRAP_INTERRUPT; /* the kick (or anything else): dropped */
		break;
	}
}

/* Say (with debug) when guest threads change CPUs because of host load. */
static void note_contention(void)
{
	static bool was;
	bool now = skas_sc_contended();

	if (now != was)
		pr_info("skas=seccomp: host CPUs %s: guest threads on %s, %s hand-off\n",
			now ? "contended" : "free again", now ? "the kernel's CPU" : "their own CPU",
			now ? "sleeping" : "spinning");
	was = now;
}

/*
 * Resume the guest thread with regs and wait for its next trap. A stub that died, failed
 * a request or handed over a corrupt frame is killed and reported as DIED.
 */
static int sc_run(void *thr, struct um_regs *regs, struct um_trap *trap)
{
	struct sc_thread *m = thr;
	struct sc_ucontext uc;
	struct stub_trap t;
	int r;

	memset(trap, 0, sizeof(*trap));
	if (parked(m) < 0)
		goto dead;
	r = sc_flush(m->mm);
	if (r == 0) {
		regs_to_frame(m, regs->gp);
		if (regs->fp_where == UM_FP_IN_BUF && regs->fp)
			r = fp_to_frame(m, regs);
	}
	if (r == 0 && skas_sc_switch(m->host) == 0 && take_trap(m, &t, &uc) == 0) {
		note_contention();
		regs->fp_where = UM_FP_IN_THREAD;
		regs_from_frame(m, &t, &uc, regs->gp);
		decode_trap(&t, &uc, trap);
		return 0;
	}
	if (r < 0)
		pr_warn("skas=seccomp: a request to the stub failed (%s)\n", errname(r));
	else if (skas_sc_refused_kick(m->mm->host))
		pr_warn("skas=seccomp: a guest thread blocked its preemption signal: killed\n");
dead:
	trap->kind = UM_TRAP_DIED;
	trap->status = skas_sc_condemn(m->mm->host);
	return 0;
}

static int sc_init(int physmem_fd)
{
	void *ctx, *thr;
	int r = skas_sc_init(physmem_fd, &host);

	if (r < 0)
		return r;
	/* The probe: a whole stub and a thread, up to its first hand-off, checked as any. */
	r = sc_mm_create(&ctx);
	if (r < 0)
		return r;
	r = sc_thread_create(ctx, &thr);
	if (r == 0)
		r = parked(thr);
	if (r < 0) {
		sc_mm_destroy(ctx);
		return -ENOEXEC;
	}
	sc_thread_destroy(thr);
	spare = ctx; /* init's address space will be this one (and its thread) */
	pr_info("skas=seccomp: kernel on CPU %d, guest threads on CPU %d (-1: any), %s\n",
		host.kernel_cpu, host.guest_cpu,
		host.spin ? "spinning hand-off" : "sleeping hand-off (one CPU)");
	return 0;
}

const struct um_mode_ops skas_seccomp_ops = {
	.name = "skas=seccomp",
	.features = UM_FEAT_SEPARATE_KERNEL | UM_FEAT_GUEST_CONCURRENT,
	.init = sc_init,
	.mm_create = sc_mm_create,
	.mm_destroy = sc_mm_destroy,
	.mm_map = sc_mm_map,
	.mm_unmap = sc_mm_unmap,
	.mm_protect = sc_mm_protect,
	.mm_flush = sc_flush,
	.thread_create = sc_thread_create,
	.thread_destroy = sc_thread_destroy,
	.run = sc_run,
	.fp_save = sc_fp_save,
	.shutdown = skas_sc_shutdown,
};
