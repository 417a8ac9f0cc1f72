/*
 * Task death and child waiting: exit, exit_group, wait4, waitid, the parent's SIGCHLD for
 * exits, stops and continues, and orphaned process groups.
 *
 * Layer: kernel core, next to kernel/fork.c (which owns task_free) and kernel/signal.c.
 *
 * Exit protocol (keep consistent with kernel/sched.c):
 *  1. release the robust futexes and the tid word (kernel/futex.c), the address space
 *     (mode thread first), files and fs; wake a vfork parent;
 *  2. when the thread group dies: session leader's tty, timers, accounting;
 *  3. children go to the nearest live subreaper ancestor or to init (zombies among them are
 *     announced to the new parent), and process groups that become orphaned with stopped
 *     members get SIGHUP + SIGCONT;
 *  4. the parent gets exit_signal and a wake-up on its wait_child queue when the last
 *     thread of the group is gone (the leader, dead before, waits as a zombie). If it ignores
 *     SIGCHLD (SIG_IGN or SA_NOCLDWAIT) or there is no parent, the task reaps itself:
 *     pid_detach and state TASK_DEAD, so sched_finish_switch frees it after the switch.
 *     Otherwise it becomes TASK_ZOMBIE (sched_finish_switch frees its stack) and the
 *     parent's wait frees it with pid_detach + task_free.
 * The zombie keeps its signal_struct (pgid, accounting) and sighand until it is freed.
 * When the last thread of init (pid 1) exits the kernel halts with init's status.
 *
 * Threads: a thread other than the leader reaps itself at once. Children, the parent link
 * and wait reports belong to the group leader, so they outlive a leader that exits before
 * its other threads (it stays a zombie); children are reparented only when the whole
 * group is dead. exit_group and fatal signals SIGKILL the other threads, which then exit
 * with the group's code; a thread in execve (signal_struct.group_exec_task) has the
 * others killed the same way, but they exit with 0 and no group exit, and the last one
 * out wakes it.
 *
 * Wait statuses are Linux's: code << 8 for exit, the signal number (| 0x80 for a core
 * dump) for death, 0x7f | sig << 8 for stopped, 0xffff for continued. Stop/continue
 * reports use signal_struct.stop_sig / stop_reported / cont_reported: a report is pending
 * while the *_reported flag is false (task_notify_parent_stop clears it).
 */
#include "kernel.h"
#include "console.h"
#include "fs.h"
#include "futex.h"
#include "init.h"
#include "ipc.h"
#include "mm.h"
#include "mode.h"
#include "sig.h"
#include "syscall.h"
#include "task.h"
#include "trace.h"
#include "uaccess.h"

#include <linux/wait.h>

#define HANDLER_IGN 1 /* SIG_IGN as a ksigaction handler value */
#define NS_PER_TICK 10000000ULL /* clock_t ticks are 1/100 s */

/* ---- exit */

static bool status_exited(int status)
{
	return (status & 0x7f) == 0;
}

/* si_code and si_status of a wait status of a dead task. */
static void status_decode(int status, int *code, int *chld_status)
{
	if (status_exited(status)) {
		*code = CLD_EXITED;
		*chld_status = (status >> 8) & 0xff;
	} else {
		*code = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
		*chld_status = status & 0x7f;
	}
}

static void __noreturn init_exit(int status)
{
	int st = status_exited(status) ? (status >> 8) & 0xff : 128 + (status & 0x7f);

	if (status_exited(status))
		pr_info("init exited with status %d\n", st);
	else
		pr_info("init killed by signal %d\n", status & 0x7f);
	kernel_halt(st);
}

static void exit_mm(struct task *t)
{
	bool did_exec = t->did_exec;

	futex_exit_release(t);
	task_vfork_done(t);
	t->did_exec = did_exec;
	if (!t->mm)
		return;
	if (t->mode_thread)
		um_mode->thread_destroy(t->mode_thread);
	t->mode_thread = NULL;
	mm_put(t->mm);
	t->mm = NULL;
}

static void exit_files(struct task *t)
{
	if (t->files)
		files_put(t->files);
	t->files = NULL;
	if (t->fs)
		fs_struct_put(t->fs);
	t->fs = NULL;
}

static bool pgrp_orphaned_except(int pgid, struct task *ignore)
{
	struct task *p;

	list_for_each_entry(p, &task_list, all_tasks) {
		struct task *par = p->parent;

		if (p == ignore || !p->signal || p->signal->pgid != pgid || !thread_group_leader(p))
			continue;
		/* init counts as a parent, as in sig_pgrp_orphaned (kernel/signal.c). */
		if (!task_group_alive(p) || !par)
			continue;
		if (par->signal->pgid != pgid && par->signal->sid == p->signal->sid)
			return false;
	}
	return true;
}

static bool pgrp_has_stopped(int pgid)
{
	struct task *p;

	list_for_each_entry(p, &task_list, all_tasks) {
		if (p->signal && p->signal->pgid == pgid &&
		    (p->state == TASK_STOPPED || p->signal->stop_sig))
			return true;
	}
	return false;
}

/*
 * t's process group may become orphaned now that its link through parent goes (t exits,
 * ignore = t; or parent exits and t was reparented, ignore = NULL): if so and it has stopped
 * members, send SIGHUP and SIGCONT to the group.
 */
static void check_orphaned_pgrp(struct task *t, struct task *parent, struct task *ignore)
{
	int pgid = t->signal->pgid;

	if (!parent || parent->signal->pgid == pgid || parent->signal->sid != t->signal->sid)
		return;
	if (!pgrp_orphaned_except(pgid, ignore) || !pgrp_has_stopped(pgid))
		return;
	sig_send_pgrp(pgid, SIGHUP, NULL);
	sig_send_pgrp(pgid, SIGCONT, NULL);
}

static void fill_chld_info(siginfo_t *info, struct task *t, int sig, int code, int status)
{
	struct rusage ru;

	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->si_pid = t->tgid;
	info->si_uid = t->cred.uid;
	info->si_status = status;
	task_rusage(t, RUSAGE_SELF, &ru);
	info->si_utime = (long)((u64)ru.ru_utime.tv_sec * 100 + (u64)ru.ru_utime.tv_usec / 10000);
	info->si_stime = (long)((u64)ru.ru_stime.tv_sec * 100 + (u64)ru.ru_stime.tv_usec / 10000);
}

/* Tell t's parent that t died. Returns true when t must be reaped at once. */
static bool notify_parent_exit(struct task *t)
{
	struct task *p = t->parent;
	const struct ksigaction *act;
	int sig = t->exit_signal, code, status;
	bool autoreap = false;
	siginfo_t info;

	if (!p || sig < 0)
		return true;
	status_decode(task_exit_status(t), &code, &status);
	fill_chld_info(&info, t, sig, code, status);
	act = &p->sighand->action[SIGCHLD - 1];
	if (sig == SIGCHLD && (act->handler == HANDLER_IGN || (act->flags & SA_NOCLDWAIT))) {
		autoreap = true;
		if (act->handler == HANDLER_IGN)
			sig = 0;
	}
	if (sig > 0 && sig <= KNSIG)
		sig_send_process(p, sig, &info);
	wake_up(&p->signal->wait_child);
	return autoreap;
}

/* Free a zombie that nobody will wait for (or that was waited for). */
static void release_zombie(struct task *p)
{
	list_del_init(&p->sibling);
	pid_detach(p);
	task_free(p);
}

/* The task that inherits t's children: the nearest live subreaper ancestor, or init. */
static struct task *find_reaper(struct task *t)
{
	struct task *p, *init = task_by_pid(1);

	for (p = t->parent; p; p = p->parent) {
		if (p->child_subreaper && p != t && task_group_alive(p) && !p->signal->group_exiting)
			return p;
	}
	return init != t ? init : NULL;
}

static void reparent_children(struct task *t)
{
	struct task *reaper = find_reaper(t), *c, *n;

	list_for_each_entry_safe(c, n, &t->children, sibling) {
		list_del_init(&c->sibling);
		c->parent = reaper;
		if (reaper)
			list_add_tail(&c->sibling, &reaper->children);
		c->exit_signal = SIGCHLD;
		if (c->state == TASK_ZOMBIE) {
			if (c->signal->nr_threads == 0 && notify_parent_exit(c))
				release_zombie(c);
			continue;
		}
		if (c->pdeath_signal)
			sig_send_process(c, c->pdeath_signal, NULL);
		check_orphaned_pgrp(c, t, NULL);
	}
}

/* The last thread of t's group is gone: group-wide cleanup. */
static void exit_group_dead(struct task *t)
{
	struct signal_struct *sig = t->signal;

	ktimer_cancel(&sig->real_timer);
	posix_timers_release(sig);
	sigpending_flush(&sig->shared_pending);
	if (sig->sid == t->tgid && sig->tty)
		tty_session_leader_exit(sig->tty, sig->sid);
}

int task_exit_status(const struct task *t)
{
	return t->signal && t->signal->group_exiting ? t->signal->group_exit_code : t->exit_code;
}

/*
 * The last thread of the group is leaving: group-wide cleanup, children to a reaper, and
 * the parent told (through the leader). True when the leader is to be reaped at once.
 */
static bool exit_last_thread(struct task *t, struct task *leader)
{
	exit_group_dead(t);
	reparent_children(leader);
	check_orphaned_pgrp(leader, leader->parent, leader);
	return notify_parent_exit(leader);
}

/* Release what t holds and note its time; true when t was the group's last thread. */
static bool exit_release(struct task *t, int code)
{
	struct signal_struct *sig = t->signal;

	t->exit_code = code;
	sig_thread_exiting(t);
	sem_exit(t);
	exit_mm(t);
	exit_files(t);
	ktimer_cancel(&t->sleep_timer);
	sigpending_flush(&t->pending);
	sig->utime_ns += t->utime_ns;
	sig->stime_ns += t->stime_ns;
	if (!thread_group_leader(t))
		list_del_init(&t->thread_node);
	if (--sig->nr_threads > 0) {
		if (sig->group_exec_task && sig->nr_threads == 1)
			wake_up_process(sig->group_exec_task);
		return false;
	}
	pidfd_group_exited();
	return true;
}

void task_exit(int code)
{
	struct task *t = current, *leader = t->group_leader;
	struct signal_struct *sig = t->signal;
	bool autoreap;

	if (sig->group_exiting)
		code = sig->group_exit_code;
	if (sig->nr_threads <= 1 && !sig->group_exiting && thread_group_leader(t)) {
		sig->group_exiting = true;
		sig->group_exit_code = code;
	}
	if (IS_ENABLED(CONFIG_SYSCALL_TRACE) && trace_enabled)
		trace_task_exit(t, code);
	if (t->tgid == 1 && sig->nr_threads <= 1) {
		t->exit_code = code;
		init_exit(task_exit_status(leader));
	}
	if (!exit_release(t, code)) {
		autoreap = !thread_group_leader(t); /* a leader waits as a zombie for the rest */
	} else if (thread_group_leader(t)) {
		autoreap = exit_last_thread(t, t);
	} else {
		autoreap = true;
		if (exit_last_thread(t, leader))
			release_zombie(leader);
	}
	if (autoreap) {
		/* Threads and self-reaping processes: sched_finish_switch frees us. */
		list_del_init(&t->sibling);
		pid_detach(t);
		task_set_state(t, TASK_DEAD);
	} else {
		task_set_state(t, TASK_ZOMBIE);
	}
	sched_dequeue(t);
	schedule();
	panic("task_exit: %s[%d] ran after its death", t->comm, t->pid);
}

void task_group_exit(int code)
{
	struct task *t = current;
	struct signal_struct *sig = t->signal;

	if (sig->group_exiting) {
		code = sig->group_exit_code;
	} else if (sig->group_exec_task && sig->group_exec_task != t) {
		task_exit(0); /* killed for another thread's execve: no group exit */
	} else {
		sig->group_exiting = true;
		sig->group_exit_code = code;
		sig_zap_threads(t);
	}
	task_exit(code);
}

/* Execve by t, not the leader: t takes over the (dead) leader's pid, parent and children. */
static void take_leadership(struct task *t, struct task *leader)
{
	struct task *c, *n;

	BUG_ON(leader->state != TASK_ZOMBIE);
	pid_exchange(t, leader);
	list_del_init(&t->thread_node);
	t->group_leader = t;
	t->parent = leader->parent;
	t->exit_signal = leader->exit_signal;
	t->start_time = leader->start_time;
	t->child_subreaper = leader->child_subreaper;
	if (t->parent)
		list_add_tail(&t->sibling, &leader->sibling);
	list_del_init(&leader->sibling);
	list_for_each_entry_safe(c, n, &leader->children, sibling) {
		c->parent = t;
		list_move_tail(&c->sibling, &t->children);
	}
	leader->parent = NULL;
	pid_detach(leader);
	task_free(leader);
}

int task_de_thread(void)
{
	struct task *t = current, *leader = t->group_leader;
	struct signal_struct *sig = t->signal;

	if (sig->nr_threads == 1 && thread_group_leader(t))
		return 0;
	if (sig->group_exiting || sig->group_exec_task)
		return -EINTR;
	sig->group_exec_task = t;
	sig_zap_threads(t);
	t->wchan = "exec";
	while (sig->nr_threads > 1 && !sig_fatal_pending(t)) {
		/* the last other thread to exit wakes us (exit_release) */
		task_set_state(t, TASK_INTERRUPTIBLE);
		schedule();
		task_set_state(t, TASK_RUNNING);
	}
	t->wchan = NULL;
	sig->group_exec_task = NULL;
	if (sig->nr_threads > 1)
		return -EINTR;
	if (!thread_group_leader(t))
		take_leadership(t, leader);
	return 0;
}

void task_notify_parent_stop(struct task *t, int why)
{
	struct task *leader = t->group_leader, *p = leader->parent;
	struct signal_struct *sig = t->signal;
	const struct ksigaction *act;
	siginfo_t info;
	int status;

	if (why == CLD_STOPPED) {
		sig->stop_reported = false;
		sig->cont_reported = true;
		status = sig->stop_sig;
	} else if (why == CLD_CONTINUED) {
		sig->cont_reported = false;
		sig->stop_reported = true;
		status = SIGCONT;
	} else {
		return;
	}
	if (!p || !task_group_alive(p))
		return;
	fill_chld_info(&info, leader, SIGCHLD, why, status);
	act = &p->sighand->action[SIGCHLD - 1];
	if (act->handler != HANDLER_IGN && !(act->flags & SA_NOCLDSTOP))
		sig_send_process(p, SIGCHLD, &info);
	wake_up(&p->signal->wait_child);
}

/* ---- resource usage */

static void ns_to_timeval(u64 ns, struct __kernel_old_timeval *tv)
{
	tv->tv_sec = (long)(ns / 1000000000ULL);
	tv->tv_usec = (long)(ns % 1000000000ULL / 1000);
}

static void rusage_add_thread(struct task *th, u64 *ut, u64 *st, struct rusage *ru)
{
	if (th->state == TASK_ZOMBIE || th->state == TASK_DEAD)
		return;
	*ut += th->utime_ns;
	*st += th->stime_ns;
	ru->ru_minflt += (long)th->min_flt;
	ru->ru_majflt += (long)th->maj_flt;
	ru->ru_nvcsw += (long)th->nvcsw;
	ru->ru_nivcsw += (long)th->nivcsw;
}

void task_rusage(struct task *t, int who, struct rusage *ru)
{
	struct task *leader = t->group_leader, *th;
	struct signal_struct *sig = t->signal;
	u64 ut = 0, st = 0;

	memset(ru, 0, sizeof(*ru));
	if (who == RUSAGE_THREAD) {
		rusage_add_thread(t, &ut, &st, ru);
	} else {
		if (who != RUSAGE_CHILDREN) {
			ut = sig->utime_ns;
			st = sig->stime_ns;
			rusage_add_thread(leader, &ut, &st, ru);
			list_for_each_entry(th, &leader->thread_group, thread_node)
				rusage_add_thread(th, &ut, &st, ru);
			if (t->mm)
				ru->ru_maxrss = (long)(t->mm->rss * (PAGE_SIZE / 1024));
		}
		if (who == RUSAGE_CHILDREN || who == RUSAGE_BOTH) {
			ut += sig->cutime_ns;
			st += sig->cstime_ns;
		}
	}
	ns_to_timeval(ut, &ru->ru_utime);
	ns_to_timeval(st, &ru->ru_stime);
}

/* ---- wait */

struct wait_opts {
	int type;      /* P_ALL, P_PID or P_PGID */
	int id;        /* pid or pgid */
	int options;   /* WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT | __WCLONE | __WALL */
	/* the result */
	int pid;
	int status;    /* wait status (wait4) */
	int code;      /* CLD_* (waitid) */
	int chld_status; /* exit code or signal (waitid) */
	u32 uid;
	struct rusage ru;
};

static bool wait_eligible(const struct wait_opts *wo, struct task *p)
{
	if (wo->type == P_PID && p->tgid != wo->id)
		return false;
	if (wo->type == P_PGID && p->signal->pgid != wo->id)
		return false;
	if (wo->options & __WALL)
		return true;
	return (p->exit_signal != SIGCHLD) == !!(wo->options & __WCLONE);
}

static int wait_report(struct wait_opts *wo, struct task *p, int status, int code, int chld_status)
{
	wo->pid = p->tgid;
	wo->status = status;
	wo->code = code;
	wo->chld_status = chld_status;
	wo->uid = p->cred.uid;
	task_rusage(p, RUSAGE_BOTH, &wo->ru);
	return p->tgid;
}

static int wait_zombie(struct wait_opts *wo, struct task *p)
{
	struct signal_struct *mine = current->signal;
	int code, chld_status, pid;

	status_decode(task_exit_status(p), &code, &chld_status);
	pid = wait_report(wo, p, task_exit_status(p), code, chld_status);
	if (wo->options & WNOWAIT)
		return pid;
	mine->cutime_ns += p->signal->utime_ns + p->signal->cutime_ns;
	mine->cstime_ns += p->signal->stime_ns + p->signal->cstime_ns;
	release_zombie(p);
	return pid;
}

/* 0: p has nothing to report; else its pid (reaped unless WNOWAIT). */
static int wait_one(struct wait_opts *wo, struct task *p)
{
	struct signal_struct *sig = p->signal;
	int pid;

	if (p->state == TASK_ZOMBIE && !task_group_alive(p)) {
		if (!(wo->options & WEXITED))
			return 0;
		return wait_zombie(wo, p);
	}
	if ((wo->options & WSTOPPED) && sig->stop_sig && !sig->stop_reported) {
		pid = wait_report(wo, p, 0x7f | (sig->stop_sig << 8), CLD_STOPPED, sig->stop_sig);
		if (!(wo->options & WNOWAIT))
			sig->stop_reported = true;
		return pid;
	}
	if ((wo->options & WCONTINUED) && !sig->stop_sig && !sig->cont_reported) {
		pid = wait_report(wo, p, 0xffff, CLD_CONTINUED, SIGCONT);
		if (!(wo->options & WNOWAIT))
			sig->cont_reported = true;
		return pid;
	}
	return 0;
}

/* A pid when a child reported, 0 when eligible children have nothing yet, or -ECHILD. */
static int wait_scan(struct wait_opts *wo)
{
	struct task *p, *n;
	bool any = false;

	/* The children of every thread of the process are its leader's. */
	list_for_each_entry_safe(p, n, &current->group_leader->children, sibling) {
		int r;

		if (!wait_eligible(wo, p))
			continue;
		any = true;
		r = wait_one(wo, p);
		if (r)
			return r;
	}
	return any ? 0 : -ECHILD;
}

/* Wait as wo says: a pid, 0 (WNOHANG, nothing yet), -ECHILD or -ERESTARTSYS. */
static long do_wait(struct wait_opts *wo)
{
	struct task *t = current;
	struct wait_entry we = { .task = t };
	long r;

	wait_add(&t->signal->wait_child, &we);
	t->wchan = "wait";
	for (;;) {
		r = wait_scan(wo);
		if (r || (wo->options & WNOHANG))
			break;
		if (signal_pending(t)) {
			r = -ERESTARTSYS;
			break;
		}
		task_set_state(t, TASK_INTERRUPTIBLE);
		schedule();
		task_set_state(t, TASK_RUNNING);
	}
	t->wchan = NULL;
	wait_remove(&we);
	return r;
}

/* ---- system calls */

long sys_exit(const struct sc_args *a)
{
	int code = (int)a->arg[0];

	task_exit((code & 0xff) << 8);
}

long sys_exit_group(const struct sc_args *a)
{
	int code = (int)a->arg[0];

	task_group_exit((code & 0xff) << 8);
}

long sys_wait4(const struct sc_args *a)
{
	int upid = (int)a->arg[0];
	uaddr_t ustatus = a->arg[1];
	int options = (int)a->arg[2];
	uaddr_t uru = a->arg[3];
	struct wait_opts wo = { .type = P_ALL };
	long r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (upid == -0x7fffffff - 1)
		return -ESRCH;
	if (upid < -1) {
		wo.type = P_PGID;
		wo.id = -upid;
	} else if (upid == 0) {
		wo.type = P_PGID;
		wo.id = current->signal->pgid;
	} else if (upid > 0) {
		wo.type = P_PID;
		wo.id = upid;
	}
	wo.options = options | WEXITED;
	r = do_wait(&wo);
	if (r <= 0)
		return r;
	if (ustatus && put_user(wo.status, ustatus))
		return -EFAULT;
	if (uru && copy_to_user(uru, &wo.ru, sizeof(wo.ru)))
		return -EFAULT;
	return r;
}

static int waitid_put_info(uaddr_t uinfo, const struct wait_opts *wo, bool found)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (found) {
		info.si_signo = SIGCHLD;
		info.si_code = wo->code;
		info.si_pid = wo->pid;
		info.si_uid = wo->uid;
		info.si_status = wo->chld_status;
	}
	/* Linux writes si_signo, si_errno, si_code, si_pid, si_uid and si_status only. */
	return copy_to_user(uinfo, &info, offsetof(siginfo_t, si_status) + sizeof(int));
}

long sys_waitid(const struct sc_args *a)
{
	int which = (int)a->arg[0];
	int upid = (int)a->arg[1];
	uaddr_t uinfo = a->arg[2];
	int options = (int)a->arg[3];
	uaddr_t uru = a->arg[4];
	struct wait_opts wo = { .type = which, .id = upid, .options = options };
	long r;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if (which == P_PID && upid <= 0)
		return -EINVAL;
	if (which == P_PGID && upid < 0)
		return -EINVAL;
	if (which == P_PGID && upid == 0)
		wo.id = current->signal->pgid;
	if (which != P_ALL && which != P_PID && which != P_PGID)
		return -EINVAL; /* P_PIDFD: no pidfds */
	r = do_wait(&wo);
	if (r < 0)
		return r;
	if (r > 0 && uru && copy_to_user(uru, &wo.ru, sizeof(wo.ru)))
		return -EFAULT;
	if (uinfo && waitid_put_info(uinfo, &wo, r > 0))
		return -EFAULT;
	return 0;
}
