/*
 * TT mode, kernel side: the um_mode_ops table for mode=tt, the tracing-thread mode of the
 * historic UML (../shared/REFERENCE-uml.md section 6), and its `jail` option.
 *
 * What is TT here, and what is shared with SKAS:
 *   - Every guest process is its own host process: the SKAS stub program (skas/stub.c),
 *     exec'd afresh for every address space (fork and exec both make a new one), rather
 *     than a fork of the kernel as in 2.4-era UML. Address-space edits reuse SKAS's
 *     queue of stub system calls unchanged: TT delegates mm_create/destroy, map, unmap,
 *     protect, flush, the thread handle (a host thread of the stub per guest thread, as
 *     in SKAS: threads of a guest process are host threads of its host process) and the
 *     FPU image to skas_ptrace_ops.
 *   - Guest code runs under PTRACE_SYSCALL, not PTRACE_SYSEMU: each system call stops
 *     twice, is nullified on the host at the entry stop and answered at the exit stop
 *     (tt_host.c). Page faults, other synchronous signals and the preemption kick are the
 *     same signal-delivery stops as in SKAS.
 *   - The kernel's memory, the whole physmem file, is mapped in every guest host process
 *     at TT_KMEM_BASE (as-layout.h), above the guest's usable range: guest code can read
 *     it and, unless `jail` is given, write it. Guest /proc/PID/maps (built from the
 *     kernel's VMAs) does not show it; the host's /proc/PID/maps of the process does.
 *
 * The kernel itself still runs in its own host process, so unlike UML's jail (which
 * mprotected kernel memory on every user/kernel transition) ours costs nothing per trap:
 * the guest's view is simply mapped read-only.
 *
 * The canary: physmem frame 0 is reserved by the page allocator and never handed out. TT
 * keeps a small record there, the first bytes guest code finds at TT_KMEM_BASE: a magic
 * string, the number of TT address spaces created, and how many times the kernel found
 * the magic overwritten. The kernel checks it whenever it creates an address space and
 * at halt, warns once and restores it, so a test can watch the kernel notice a write.
 *
 * What `jail` does not give: guest processes can still read all of physmem, including
 * other processes' memory and every cached file, whatever the guest's permissions.
 * Reading a page of the window the kernel has not used (a hole in the physmem file)
 * makes the host allocate it, as any guest use of memory does; it is bounded by mem=.
 */
#include "kernel.h"
#include "mode.h"
#include "os.h"
#include "page.h"
#include "params.h"
#include "as-layout.h"
#include "stub-data.h"
#include "../skas/skas.h"
#include "tt.h"

#include <asm/unistd.h>
#include <linux/signal.h>

#define TT_CANARY_MAGIC "um-lite TT kernel memory canary"
#define TT_PROBE_RESULT 0x7474L /* what the boot probe writes as a nullified call's result */
#define USER_CS 0x33
#define USER_SS 0x2b
#define USER_EFLAGS 0x202

/* The record in physmem frame 0, at TT_KMEM_BASE in every TT guest process. */
struct tt_canary {
	char magic[32];  /* TT_CANARY_MAGIC, NUL-padded */
	u64 mm_created;  /* TT address spaces created since boot */
	u64 overwrites;  /* times the kernel found magic changed (and restored it) */
};

_Static_assert(sizeof(TT_CANARY_MAGIC) == sizeof(((struct tt_canary *)0)->magic), "canary");

static bool tt_jail;

static int set_jail(const char *v)
{
	if (!IS_ENABLED(CONFIG_MODE_TT)) {
		printk(KERN_ERR "jail: TT mode is not built in this version (CONFIG_MODE_TT)\n");
		return -EINVAL;
	}
	tt_jail = true;
	return 0;
}
KPARAM("jail", set_jail, KP_FLAG, "jail              with mode=tt: kernel memory read-only in guest processes");

/*
 * Options that defeat what jail is for. UML's jail refused hostfs, SMP and modules,
 * whose code ran inside the guest's host process; here the kernel has its own process,
 * but every guest process can still read all of the kernel's memory, so anything that
 * brings host data the guest may not see into it is refused. (um-lite has no hostfs
 * yet: the word is refused under jail now so that the option cannot arrive unchecked.)
 */
static const struct {
	const char *prefix, *why;
} jail_unsafe[] = {
	{ "hostfs", "host files read by the kernel would be readable by every guest process" },
};

/* Does a word of the command line start with prefix? */
static bool cmdline_has(const char *prefix)
{
	const char *w = kernel_cmdline();
	size_t n = strlen(prefix);

	while (*w) {
		if (!strncmp(w, prefix, n))
			return true;
		w = strchr(w, ' ');
		if (!w)
			break;
		w++;
	}
	return false;
}

/* See mode.h: `jail` needs mode=tt and none of the options above. */
int tt_check_options(void)
{
	if (!tt_jail)
		return 0;
	if (um_mode != &tt_mode_ops) {
		printk(KERN_ERR "jail: only with mode=tt (in SKAS mode guest processes cannot "
				"reach kernel memory at all)\n");
		return -EINVAL;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(jail_unsafe); i++) {
		if (cmdline_has(jail_unsafe[i].prefix)) {
			printk(KERN_ERR "jail: refusing %s: %s\n", jail_unsafe[i].prefix,
			       jail_unsafe[i].why);
			return -EINVAL;
		}
	}
	return 0;
}

static struct tt_canary *canary(void)
{
	return phys_to_virt(0);
}

static void canary_init(void)
{
	struct tt_canary *c = canary();

	memset(c, 0, sizeof(*c));
	memcpy(c->magic, TT_CANARY_MAGIC, sizeof(TT_CANARY_MAGIC));
}

/* Restore the magic if guest code changed it; warn the first time. */
static void canary_check(void)
{
	struct tt_canary *c = canary();

	if (!memcmp(c->magic, TT_CANARY_MAGIC, sizeof(c->magic)))
		return;
	if (c->overwrites++ == 0)
		pr_warn("tt: a guest process wrote the kernel's memory (the canary at physmem "
			"offset 0 changed); restored. mode=tt jail prevents this\n");
	memcpy(c->magic, TT_CANARY_MAGIC, sizeof(c->magic));
}

static int tt_mm_create(void **ctx)
{
	int prot = UM_PROT_READ | (tt_jail ? 0 : UM_PROT_WRITE);
	int r = skas_ptrace_ops.mm_create(ctx);

	if (r < 0)
		return r;
	canary_check();
	canary()->mm_created++;
	/* Queued: the stub maps the kernel window with the rest of its first batch. */
	r = skas_ptrace_ops.mm_map(*ctx, TT_KMEM_BASE, physmem_size, 0, prot);
	if (r < 0) {
		skas_ptrace_ops.mm_destroy(*ctx);
		return r;
	}
	return 0;
}

/* The thread handle is a SKAS stub thread (skas_ptrace_ops.thread_create). */
static int tt_run(void *thr, struct um_regs *regs, struct um_trap *trap)
{
	void *mm = skas_thread_mm(thr);
	int r = skas_ptrace_ops.mm_flush(mm);

	if (r < 0)
		return r;
	return tt_host_run(skas_mm_stub(mm), skas_thread_tid(thr), regs, trap);
}

/*
 * UML's "Checking that ptrace can change system call numbers", on the real path: a
 * fresh TT address space executes exit_group at the stub's syscall entry; the host must
 * stop it at entry, run nothing, and return our result at the exit stop (the stub then
 * reaches its int3). Also checks the kernel window in the host's map of the process.
 */
static int tt_probe_run(void *thr)
{
	struct um_regs regs = { .fp_where = UM_FP_IN_THREAD };
	struct um_trap trap;
	u64 *g = regs.gp;
	int r;

	g[UM_RIP] = STUB_ENTRY_SYSCALL;
	g[UM_RSP] = STUB_STACK_TOP;
	g[UM_RAX] = __NR_exit_group;
	g[UM_RDI] = 99;
	g[UM_CS] = USER_CS;
	g[UM_SS] = USER_SS;
	g[UM_EFLAGS] = USER_EFLAGS;
	g[UM_ORIG_RAX] = (u64)-1;
	for (int i = 0; i < 10; i++) {
		r = tt_run(thr, &regs, &trap);
		if (r < 0 || trap.kind != UM_TRAP_INTERRUPT || os_irq_peek() != OS_IRQ_IO)
			break;
		/*
		 * An mconsole client spoke first (its SIGIO kicked the probe): the socket is read
		 * on every tick anyway, so the bit can go and the probe run again.
		 */
		os_irq_take();
	}
	if (r < 0)
		return r;
	if (trap.kind != UM_TRAP_SYSCALL || g[UM_ORIG_RAX] != __NR_exit_group)
		return -ENOSYS;
	g[UM_RAX] = TT_PROBE_RESULT;
	r = tt_run(thr, &regs, &trap);
	if (r < 0)
		return r;
	if (trap.kind != UM_TRAP_SIGNAL || trap.signo != SIGTRAP || g[UM_RAX] != TT_PROBE_RESULT)
		return -ENOSYS;
	return tt_host_check_kmem(skas_mm_stub(skas_thread_mm(thr)), TT_KMEM_BASE, physmem_size,
				  !tt_jail);
}

static int tt_probe(void)
{
	void *mm, *thr;
	int r;

	r = tt_mm_create(&mm);
	if (r < 0)
		return r;
	r = skas_ptrace_ops.thread_create(mm, &thr);
	if (r == 0) {
		r = tt_probe_run(thr);
		skas_ptrace_ops.thread_destroy(thr);
	}
	skas_ptrace_ops.mm_destroy(mm);
	return r;
}

static int tt_init(int physmem_fd)
{
	int r;

	if (physmem_size > TT_KMEM_MAX)
		return -E2BIG;
	r = skas_ptrace_ops.init(physmem_fd);
	if (r < 0)
		return r;
	canary_init();
	r = tt_probe();
	if (r == -ENOSYS)
		printk(KERN_ERR "tt: the host does not let ptrace nullify system calls "
				"(PTRACE_SYSCALL, orig_rax = -1)\n");
	else if (r < 0)
		printk(KERN_ERR "tt: cannot map the kernel's memory at %#lx in a guest "
				"process: %s\n", TT_KMEM_BASE, errname(r));
	else
		pr_info("tt: kernel memory (%llu MiB) at %#lx in every guest process, %s\n",
			(unsigned long long)(physmem_size >> 20), TT_KMEM_BASE,
			tt_jail ? "read-only (jail)" : "writable (no jail)");
	return r;
}

static void tt_shutdown(void)
{
	canary_check();
	skas_ptrace_ops.shutdown();
}

static int tt_mm_map(void *ctx, u64 va, u64 len, u64 phys, int prot)
{
	return skas_ptrace_ops.mm_map(ctx, va, len, phys, prot);
}

static void tt_mm_destroy(void *ctx)
{
	skas_ptrace_ops.mm_destroy(ctx);
}

static int tt_mm_unmap(void *ctx, u64 va, u64 len)
{
	return skas_ptrace_ops.mm_unmap(ctx, va, len);
}

static int tt_mm_protect(void *ctx, u64 va, u64 len, int prot)
{
	return skas_ptrace_ops.mm_protect(ctx, va, len, prot);
}

static int tt_mm_flush(void *ctx)
{
	return skas_ptrace_ops.mm_flush(ctx);
}

static int tt_thread_create(void *mm_ctx, void **thr)
{
	return skas_ptrace_ops.thread_create(mm_ctx, thr);
}

static void tt_thread_destroy(void *thr)
{
	skas_ptrace_ops.thread_destroy(thr);
}

static int tt_fp_save(void *thr, struct um_regs *regs)
{
	return skas_ptrace_ops.fp_save(thr, regs);
}

/* mode=tt: selected by kernel/init.c, never tested for by name elsewhere. */
const struct um_mode_ops tt_mode_ops = {
	.name = "tt",
	.features = UM_FEAT_KERNEL_IN_GUEST,
	.init = tt_init,
	.mm_create = tt_mm_create,
	.mm_destroy = tt_mm_destroy,
	.mm_map = tt_mm_map,
	.mm_unmap = tt_mm_unmap,
	.mm_protect = tt_mm_protect,
	.mm_flush = tt_mm_flush,
	.thread_create = tt_thread_create,
	.thread_destroy = tt_thread_destroy,
	.run = tt_run,
	.fp_save = tt_fp_save,
	.shutdown = tt_shutdown,
};
