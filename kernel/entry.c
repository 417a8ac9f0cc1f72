/*
 * The run loop of guest tasks and system-call dispatch.
 *
 * Each guest task repeats a small state machine on its own kernel stack (gVisor's
 * taskRunState shape):
 *   1. reschedule if the tick asked for it;
 *   2. deliver pending signals (frames, default actions, system-call restart);
 *   3. run guest code through the mode until it traps;
 *   4. dispatch the trap: a system call, a page fault (or a signal for the guest), a
 *      synchronous host signal turned into a guest signal, or an interrupt;
 *   5. handle pending host interrupts.
 * Execution modes return here with a trap record; they never call into the kernel.
 *
 * Dispatch uses the table generated from kernel/syscalls.def. An unimplemented or
 * out-of-range number returns -ENOSYS and is counted (shown at halt with `debug`, and in
 * /proc); the first call of each such number is logged with its name.
 */
#include "kernel.h"
#include "mm.h"
#include "mode.h"
#include "os.h"
#include "swap.h"
#include "syscall.h"
#include "task.h"
#include "trace.h"

#include <asm/siginfo.h>
#include <asm/signal.h>

#define SC_FN_FULL(name) sys_##name
#define SC_FN_PARTIAL(name) sys_##name
#define SC_FN_ENOSYS(name) NULL

static const syscall_fn sc_table[SC_NR_MAX] = {
#define SYSCALL(nr, name, status, note) [nr] = SC_FN_##status(name),
#include "syscalls.def"
#undef SYSCALL
};

static const struct syscall_info sc_info[SC_NR_MAX] = {
#define SYSCALL(nr, name, status, note) [nr] = { #name, SC_##status, note },
#include "syscalls.def"
#undef SYSCALL
};

unsigned long syscall_enosys_count[SC_NR_MAX];
static unsigned long enosys_out_of_range;

const struct syscall_info *syscall_info(long nr)
{
	if (nr < 0 || nr >= SC_NR_MAX || !sc_info[nr].name)
		return NULL;
	return &sc_info[nr];
}

const char *syscall_name(long nr)
{
	const struct syscall_info *si = syscall_info(nr);

	return si ? si->name : NULL;
}

long syscall_dispatch(const struct sc_args *a)
{
	if (a->nr < 0 || a->nr >= SC_NR_MAX) {
		enosys_out_of_range++;
		return -ENOSYS;
	}
	if (!sc_table[a->nr]) {
		if (syscall_enosys_count[a->nr]++ == 0)
			pr_info("unimplemented system call %ld (%s) from %s[%d]\n", a->nr,
				sc_info[a->nr].name ? sc_info[a->nr].name : "?", current->comm,
				current->pid);
		return -ENOSYS;
	}
	return sc_table[a->nr](a);
}

void syscall_print_enosys(void)
{
	bool any = false;

	for (long nr = 0; nr < SC_NR_MAX; nr++) {
		if (!syscall_enosys_count[nr])
			continue;
		if (!any)
			printk(KERN_NOTICE "unimplemented system calls used (number name count):\n");
		any = true;
		printk(KERN_NOTICE "  %3ld %-24s %lu\n", nr, sc_info[nr].name ? sc_info[nr].name : "?",
		       syscall_enosys_count[nr]);
	}
	if (enosys_out_of_range)
		printk(KERN_NOTICE "  out-of-range numbers: %lu\n", enosys_out_of_range);
}

static void do_syscall(struct task *t)
{
	struct sc_args a;
	u64 *r = t->regs.gp;
	long ret;

	a.nr = (long)r[UM_ORIG_RAX];
	a.arg[0] = r[UM_RDI];
	a.arg[1] = r[UM_RSI];
	a.arg[2] = r[UM_RDX];
	a.arg[3] = r[UM_R10];
	a.arg[4] = r[UM_R8];
	a.arg[5] = r[UM_R9];
	t->in_syscall = true;
	t->syscall_nr = a.nr;
	if (IS_ENABLED(CONFIG_SYSCALL_TRACE) && trace_enabled)
		trace_syscall_enter(t, &a);
	ret = syscall_dispatch(&a);
	if (IS_ENABLED(CONFIG_SYSCALL_TRACE) && trace_enabled)
		trace_syscall_exit(t, &a, ret);
	if (t->regs_replaced)
		t->regs_replaced = false; /* execve, rt_sigreturn: regs already hold the result */
	else
		r[UM_RAX] = (u64)ret;
}

static void do_fault(struct task *t, const struct um_trap *trap)
{
	int access = UM_ACCESS_UNKNOWN, code, r;

	if (trap->signo == SIGBUS || (trap->code != SEGV_MAPERR && trap->code != SEGV_ACCERR)) {
		/* General protection faults and the like: nothing for the memory manager. */
		sig_force_fault(trap->signo, trap->code, trap->signo == SIGBUS ? trap->addr : 0);
		return;
	}
	if (trap->addr == t->regs.gp[UM_RIP])
		access = UM_ACCESS_EXEC;
	r = mm_handle_fault(t->mm, trap->addr, access, trap->code, &code);
	if (r == -SIGKILL && vmscan_fault_oom())
		return; /* memory was found (or a victim is dying): the access is retried */
	if (r == -SIGKILL) {
		pr_warn("%s[%d]: out of memory in a page fault: killed\n", t->comm, t->pid);
		task_group_exit(SIGKILL);
	}
	if (r)
		sig_force_fault(-r, code, trap->addr);
}

void task_user_loop(void *unused)
{
	struct task *t = current;
	struct um_trap trap;
	u64 t0;
	int r;

	for (;;) {
		if (need_resched)
			schedule();
		/* (before sig_deliver: a signal frame must hold the abort address) */
		if (unlikely(t->rseq) && (t->rseq_event || t->sigpending_flag))
			rseq_resume(t);
		sig_deliver();
		vmscan_balance();
		t->in_syscall = false;
		t0 = ktime_now();
		r = um_mode->run(t->mode_thread, &t->regs, &trap);
		t0 = ktime_now() - t0;
		t->utime_ns += t0;
		itimer_account(t, t0, 0);
		if (r < 0) {
			pr_err("%s[%d]: %s: cannot run guest code: %s\n", t->comm, t->pid, um_mode->name,
			       errname(r));
			task_group_exit(SIGKILL);
		}
		switch (trap.kind) {
		case UM_TRAP_SYSCALL:
			t->last_fault_addr = 0; /* the guest made progress since any refused access */
			t0 = ktime_now() - t->offcpu_ns;
			do_syscall(t);
			/* system time: the call's duration less the time it slept or waited */
			t0 = ktime_now() - t->offcpu_ns - t0;
			t->stime_ns += t0;
			itimer_account(t, 0, t0);
			break;
		case UM_TRAP_FAULT:
			do_fault(t, &trap);
			break;
		case UM_TRAP_SIGNAL:
			t->last_fault_addr = 0;
			sig_force_fault(trap.signo, trap.code, trap.addr);
			break;
		case UM_TRAP_DIED:
			pr_warn("%s[%d]: its host process died (status %#x): killed\n", t->comm, t->pid,
				trap.status);
			task_group_exit(SIGKILL);
		default:
			break;
		}
		if (os_irq_pending())
			irq_handle();
		else
			ktimer_run(); /* timers due since the last tick: sleeps finer than a tick */
		task_check_stack(t);
	}
}
