/*
 * Guest signals, core: pending queues and handler tables, sending (kill(2) semantics,
 * permissions, process groups), job-control stop and continue, and delivery before the
 * return to guest code (default actions, handler frames, the system-call restart
 * protocol). The system calls are in kernel/signal_sys.c, the x86_64 frames and
 * sigaltstack in kernel/signal_frame.c, what concerns the thread group as a whole (stops,
 * group kill, orphaned groups) in kernel/signal_group.c.
 *
 * Rules kept here, as Linux keeps them:
 *  - standard signals (below SIGRTMIN) coalesce; real-time ones queue with their siginfo;
 *  - a signal that would be ignored and is not blocked is dropped when it is sent;
 *  - sending SIGCONT discards pending stop signals and resumes a stopped group even when
 *    SIGCONT itself is blocked or ignored; sending a stop signal discards pending SIGCONT;
 *  - delivery takes the thread queue before the process queue, synchronous fault signals
 *    first, then the lowest number;
 *  - pid 1 gets no default action except for a fault it caused itself;
 *  - SIGTSTP/SIGTTIN/SIGTTOU do not stop an orphaned process group;
 *  - a signal sent to a process waits in its shared queue and wakes one thread that does
 *    not block it (the one addressed first); when that thread blocks it or exits, another
 *    is woken; a fatal default action kills every thread (task_group_exit);
 *  - a job-control stop stops every thread: the one taking the signal stops at once and
 *    marks the others (jobctl_stop), which stop before they next run guest code; sleeping
 *    ones are woken for that, and their system call restarts after SIGCONT.
 *
 * Zombies may keep stale sighand/signal pointers: every path checks sig_task_live() before
 * touching them. Single CPU, no locks (kernel/sched.c).
 */
#include "kernel.h"
#include "sig.h"
#include "slab.h"
#include "task.h"
#include "trace.h"

#include <asm/unistd.h>
#include <linux/poll.h>

#define SIG_STOP_SET (sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))
#define SIG_IGNORE_SET (sigmask(SIGCHLD) | sigmask(SIGURG) | sigmask(SIGWINCH) | sigmask(SIGCONT))
#define SIG_SYNC_SET                                                                    \
	(sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | sigmask(SIGTRAP) |      \
	 sigmask(SIGFPE) | sigmask(SIGSYS))
/* Real-time signals queued per pending list at most (RLIMIT_SIGPENDING lowers it). */
#define SIGQUEUE_CAP 1024
/* sa_flags bits rt_sigaction keeps (Linux's UAPI_SA_FLAGS on x86_64). */
#define SA_KNOWN                                                                        \
	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER |  \
	 SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER)

static inline bool sig_member(ksigset_t set, int sig)
{
	return (set >> (sig - 1)) & 1;
}

static bool is_init(const struct task *t)
{
	return t->tgid == 1;
}

/* ---- pending queues and handler tables */

void sigpending_init(struct sigpending *p)
{
	p->set = 0;
	INIT_LIST_HEAD(&p->queue);
}

/* Drop every pending instance of the signals in mask. */
static void pending_discard(struct sigpending *p, ksigset_t mask)
{
	struct sigqueue *q, *n;

	if (!(p->set & mask))
		return;
	list_for_each_entry_safe(q, n, &p->queue, link) {
		if (sig_member(mask, q->info.si_signo)) {
			list_del(&q->link);
			kfree(q);
		}
	}
	p->set &= ~mask;
}

void sigpending_flush(struct sigpending *p)
{
	pending_discard(p, ~0ULL);
}

static unsigned pending_len(const struct sigpending *p)
{
	const struct sigqueue *q;
	unsigned n = 0;

	list_for_each_entry(q, &p->queue, link)
		n++;
	return n;
}

struct sighand *sighand_alloc(void)
{
	struct sighand *sh = kzalloc(sizeof(*sh));

	if (sh) {
		sh->refcount = 1;
		wait_queue_init(&sh->signalfd_wqh);
	}
	return sh;
}

struct sighand *sighand_copy(const struct sighand *old)
{
	struct sighand *sh = kmalloc(sizeof(*sh));

	if (!sh)
		return NULL;
	memcpy(sh->action, old->action, sizeof(sh->action));
	sh->refcount = 1;
	wait_queue_init(&sh->signalfd_wqh);
	return sh;
}

void sighand_put(struct sighand *sh)
{
	if (!sh || --sh->refcount > 0)
		return;
	/* signalfd pollers (epoll items) still queued: detach them, their removal is a no-op */
	while (!list_empty(&sh->signalfd_wqh.head))
		list_del_init(sh->signalfd_wqh.head.next);
	kfree(sh);
}

/* Discard the signals of mask pending anywhere in t's process. */
static void group_discard(struct task *t, ksigset_t mask)
{
	struct task *th;

	pending_discard(&t->signal->shared_pending, mask);
	for_each_thread(t, th)
		pending_discard(&th->pending, mask);
}

/* ---- pending state */

bool signal_pending(struct task *t)
{
	if (!t->signal)
		return false;
	return t->jobctl_stop ||
	       ((t->pending.set | t->signal->shared_pending.set) & ~t->blocked) != 0;
}

bool sig_fatal_pending(const struct task *t)
{
	ksigset_t set = t->pending.set | (t->signal ? t->signal->shared_pending.set : 0);

	return sig_member(set, SIGKILL);
}

void sig_recalc(struct task *t)
{
	t->sigpending_flag = signal_pending(t);
}

void sig_set_blocked(struct task *t, ksigset_t mask)
{
	ksigset_t newly = mask & ~t->blocked;

	t->blocked = mask & ~SIG_KERNEL_ONLY;
	sig_recalc(t);
	if (newly & t->signal->shared_pending.set)
		sig_retarget_shared(t, newly);
}

/* The next signal to take from set: SIGKILL, synchronous faults, then the lowest. */
static int next_signal(ksigset_t set)
{
	if (!set)
		return 0;
	if (set & sigmask(SIGKILL))
		return SIGKILL;
	if (set & SIG_SYNC_SET)
		set &= SIG_SYNC_SET;
	return __builtin_ctzll(set) + 1;
}

static int dequeue_from(struct sigpending *p, ksigset_t mask, siginfo_t *info)
{
	int sig = next_signal(p->set & mask);
	struct sigqueue *q, *found = NULL;
	bool more = false;

	if (!sig)
		return 0;
	list_for_each_entry(q, &p->queue, link) {
		if (q->info.si_signo != sig)
			continue;
		if (found) {
			more = true;
			break;
		}
		found = q;
	}
	if (!more)
		p->set &= ~sigmask(sig);
	if (found) {
		*info = found->info;
		list_del(&found->link);
		kfree(found);
	} else {
		/* queued without its siginfo (allocation failed): what Linux reports */
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_USER;
	}
	return sig;
}

int sig_dequeue(struct task *t, ksigset_t mask, siginfo_t *info)
{
	int sig = dequeue_from(&t->pending, mask, info);

	if (!sig)
		sig = dequeue_from(&t->signal->shared_pending, mask, info);
	if (sig && info->si_code == SI_TIMER)
		posix_timer_dequeued(t->signal, info);
	sig_recalc(t);
	return sig;
}

/* ---- sending */

void sig_info_set_addr(siginfo_t *info, uaddr_t addr)
{
	memcpy(&info->si_addr, &addr, sizeof(addr));
}

uaddr_t sig_info_addr(const siginfo_t *info)
{
	uaddr_t addr;

	memcpy(&addr, &info->si_addr, sizeof(addr));
	return addr;
}

static void info_kernel(siginfo_t *info, int sig)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = SI_KERNEL;
}

static void info_user(siginfo_t *info, int sig)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = SI_USER;
	info->si_pid = current->tgid;
	info->si_uid = current->cred.uid;
}

/*
 * Dropped at once when sent: ignored (explicitly or by default) and not blocked, nor
 * waited for by rt_sigtimedwait (real_blocked, as Linux: busybox init waits that way).
 */
static bool sig_is_ignored(const struct task *t, int sig)
{
	u64 h = t->sighand->action[sig - 1].handler;

	if (sig_member(t->blocked, sig) || sig_member(t->real_blocked, sig))
		return false;
	if (h == KSIG_IGN)
		return true;
	if (h != KSIG_DFL)
		return false;
	return sig_member(SIG_IGNORE_SET, sig) || is_init(t);
}

/* Side effects of sending sig; false when the signal is to be dropped. */
static bool prepare_signal(struct task *t, int sig)
{
	if (sig_member(SIG_STOP_SET, sig)) {
		group_discard(t, sigmask(SIGCONT));
	} else if (sig == SIGCONT) {
		group_discard(t, SIG_STOP_SET);
		if (t->signal->stop_sig)
			sig_group_continue(t);
	}
	return !sig_is_ignored(t, sig);
}

static int queue_signal(struct task *t, struct sigpending *p, int sig, const siginfo_t *info)
{
	struct sigqueue *q = NULL;
	bool rt = sig >= SIGRTMIN;
	u64 limit = t->signal->rlim[RLIMIT_SIGPENDING].rlim_cur;

	if (!rt && sig_member(p->set, sig))
		return 0;
	if (!rt || pending_len(p) < min(limit, (u64)SIGQUEUE_CAP))
		q = kmalloc(sizeof(*q));
	if (q) {
		q->info = *info;
		list_add_tail(&q->link, &p->queue);
	} else if (rt && info->si_code != SI_USER) {
		return -EAGAIN;
	}
	p->set |= sigmask(sig);
	return 0;
}

void sig_wake(struct task *t, bool kill)
{
	sig_recalc(t);
	if (t->state == TASK_INTERRUPTIBLE) {
		wake_up_process(t);
	} else if (kill && t->state == TASK_STOPPED) {
		task_set_state(t, TASK_RUNNING);
		if (t != current)
			sched_enqueue(t);
	}
}

/* Pick the thread that will take sig and wake it. */
static void complete_signal(struct task *t, int sig, bool group)
{
	struct task *th;

	if (!group) {
		if (sig == SIGKILL || !sig_member(t->blocked, sig))
			sig_wake(t, sig == SIGKILL);
		return;
	}
	for_each_thread(t, th)
		sig_recalc(th);
	if (sig == SIGKILL) {
		for_each_thread(t, th)
			sig_wake(th, true);
		return;
	}
	if (sig_task_live(t) && !sig_member(t->blocked, sig)) {
		sig_wake(t, false);
		return;
	}
	for_each_thread(t, th) {
		if (sig_task_live(th) && !sig_member(th->blocked, sig)) {
			sig_wake(th, false);
			return;
		}
	}
}

/* Send sig to t (group: to its process). info NULL: kernel-made info. */
static int send_signal(struct task *t, int sig, const siginfo_t *info, bool group)
{
	siginfo_t k;
	int r;

	if (sig < 1 || sig > KNSIG)
		return -EINVAL;
	if (group ? !task_group_alive(t) || !t->sighand : !sig_task_live(t))
		return 0;
	if (info)
		k = *info;
	else
		info_kernel(&k, sig);
	k.si_signo = sig;
	if (!prepare_signal(t, sig))
		return 0;
	r = queue_signal(t, group ? &t->signal->shared_pending : &t->pending, sig, &k);
	if (r == 0) {
		wake_up_key(&t->sighand->signalfd_wqh, POLLIN);
		complete_signal(t, sig, group);
	}
	return r;
}

int sig_send_task(struct task *t, int sig, const siginfo_t *info)
{
	return send_signal(t, sig, info, false);
}

int sig_send_process(struct task *t, int sig, const siginfo_t *info)
{
	return send_signal(t, sig, info, true);
}

/* kill(2)'s permission rule; signals the kernel makes up (si_code > 0) always pass. */
static bool kill_permitted(const struct task *t, int sig, const siginfo_t *info)
{
	const struct cred *c = &current->cred, *tc = &t->cred;

	if (info->si_code > 0 || t->tgid == current->tgid)
		return true;
	if (c->euid == tc->suid || c->euid == tc->uid || c->uid == tc->suid || c->uid == tc->uid)
		return true;
	if (cred_capable(CAP_KILL))
		return true;
	return sig == SIGCONT && task_group_alive(t) && current->signal &&
	       t->signal->sid == current->signal->sid;
}

int sig_send_checked(struct task *t, int sig, const siginfo_t *info, bool group)
{
	siginfo_t k;

	if (sig < 0 || sig > KNSIG)
		return -EINVAL;
	if (!info) {
		info_user(&k, sig);
		info = &k;
	}
	if (!kill_permitted(t, sig, info))
		return -EPERM;
	if (sig == 0)
		return 0;
	return send_signal(t, sig, info, group);
}

/* Every live process of group pgid; 0 if one was signalled, else -EPERM or -ESRCH. */
static int kill_pgrp(int pgid, int sig, const siginfo_t *info, bool check)
{
	struct task *p;
	int ret = -ESRCH, r;
	bool ok = false;

	list_for_each_entry(p, &task_list, all_tasks) {
		if (!thread_group_leader(p) || !task_group_alive(p) || p->signal->pgid != pgid)
			continue;
		if (check)
			r = sig_send_checked(p, sig, info, true);
		else
			r = sig ? send_signal(p, sig, info, true) : 0;
		ok |= r == 0;
		ret = r;
	}
	return ok ? 0 : ret;
}

/* kill(-1, sig): every process but init and the caller's. */
static int kill_all(int sig, const siginfo_t *info)
{
	struct task *p;
	int ret = 0, count = 0, r;

	list_for_each_entry(p, &task_list, all_tasks) {
		if (!thread_group_leader(p) || p->tgid <= 1 || p->tgid == current->tgid ||
		    !task_group_alive(p))
			continue;
		r = sig_send_checked(p, sig, info, true);
		count++;
		if (r != -EPERM)
			ret = r;
	}
	return count ? ret : -ESRCH;
}

int sig_kill(int pid, int sig, const siginfo_t *info)
{
	siginfo_t k;
	struct task *t;

	if (!info) {
		info_user(&k, sig);
		info = &k;
	}
	if (pid > 0) {
		t = task_by_pid(pid);
		return t ? sig_send_checked(t, sig, info, true) : -ESRCH;
	}
	if (pid == -1)
		return kill_all(sig, info);
	if (pid < -CONFIG_MAX_PIDS)
		return -ESRCH;
	if (pid == 0)
		return current->signal ? kill_pgrp(current->signal->pgid, sig, info, true) : -ESRCH;
	return kill_pgrp(-pid, sig, info, true);
}

int sig_send_pgrp(int pgid, int sig, const siginfo_t *info)
{
	if (sig < 0 || sig > KNSIG)
		return -EINVAL;
	return kill_pgrp(pgid, sig, info, false);
}

/*
 * A synchronous signal t cannot refuse: blocked or ignored, it is unblocked and reset to
 * the default action (Linux's force_sig_info).
 */
static void force_signal(struct task *t, int sig, const siginfo_t *info)
{
	struct ksigaction *ka;
	siginfo_t k = *info;

	if (sig < 1 || sig > KNSIG || !sig_task_live(t))
		return;
	ka = &t->sighand->action[sig - 1];
	if (sig_member(t->blocked, sig) || ka->handler == KSIG_IGN) {
		ka->handler = KSIG_DFL;
		t->blocked &= ~sigmask(sig);
	}
	k.si_signo = sig;
	queue_signal(t, &t->pending, sig, &k);
	sig_recalc(t);
}

void sig_force_fault(int sig, int code, uaddr_t addr)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	sig_info_set_addr(&info, addr);
	force_signal(current, sig, &info);
}

/* The frame for sig could not be written: SIGSEGV, fatal if sig was SIGSEGV itself. */
static void force_segv(struct task *t, int sig)
{
	siginfo_t info;

	if (sig == SIGSEGV)
		t->sighand->action[SIGSEGV - 1].handler = KSIG_DFL;
	info_kernel(&info, SIGSEGV);
	force_signal(t, SIGSEGV, &info);
}

/* ---- actions */

int sig_action(int sig, const struct ksigaction *act, struct ksigaction *oact)
{
	struct task *t = current;
	struct ksigaction *k;
	struct task *th;

	if (sig < 1 || sig > KNSIG || (act && sig_member(SIG_KERNEL_ONLY, sig)))
		return -EINVAL;
	k = &t->sighand->action[sig - 1];
	if (oact)
		*oact = *k;
	if (!act)
		return 0;
	*k = *act;
	k->flags &= SA_KNOWN;
	k->mask &= ~SIG_KERNEL_ONLY;
	if (k->handler == KSIG_IGN ||
	    (k->handler == KSIG_DFL && sig_member(SIG_IGNORE_SET, sig))) {
		group_discard(t, sigmask(sig));
		for_each_thread(t, th)
			sig_recalc(th);
	}
	return 0;
}

void sig_exec_reset(struct task *t)
{
	struct sighand *sh = t->sighand;

	if (sh->refcount > 1) {
		struct sighand *n = sighand_copy(sh);

		if (n) {
			sighand_put(sh);
			t->sighand = sh = n;
		}
	}
	for (int i = 0; i < KNSIG; i++) {
		struct ksigaction *a = &sh->action[i];

		if (a->handler != KSIG_IGN)
			a->handler = KSIG_DFL;
		a->flags = 0;
		a->restorer = 0;
		a->mask = 0;
	}
}

/* ---- delivery */

/* pid 1 takes a default action only for a fault it caused itself. */
static bool init_skips(const struct task *t, int sig, const siginfo_t *info)
{
	return is_init(t) && !(sig_member(SIG_SYNC_SET, sig) && info->si_code > 0);
}

/*
 * Dequeue signals, applying ignore, stop and terminate actions, until one has a handler:
 * returns it with its action (SA_RESETHAND applied), or 0 when nothing is left.
 */
static int get_signal(struct task *t, struct ksigaction *ka, siginfo_t *info)
{
	int sig;

	while ((sig = sig_dequeue(t, ~t->blocked, info)) != 0) {
		struct ksigaction *act = &t->sighand->action[sig - 1];

		/* Even in init: a SIGKILL only gets there from its own group exit. */
		if (sig == SIGKILL)
			task_group_exit(SIGKILL);
		if (act->handler == KSIG_IGN)
			continue;
		if (IS_ENABLED(CONFIG_SYSCALL_TRACE) && trace_enabled)
			trace_signal(t, sig, info);
		if (act->handler != KSIG_DFL) {
			*ka = *act;
			if (act->flags & SA_RESETHAND)
				act->handler = KSIG_DFL;
			return sig;
		}
		if (sig_member(SIG_IGNORE_SET, sig) || init_skips(t, sig, info))
			continue;
		if (sig_member(SIG_STOP_SET, sig)) {
			if (sig == SIGSTOP || !sig_pgrp_orphaned(t->signal->pgid))
				sig_group_stop(t, sig);
			continue;
		}
		task_group_exit(sig);
	}
	return 0;
}

/* A handler runs: resolve a restart code left by the interrupted system call. */
static void restart_with_handler(struct task *t, const struct ksigaction *ka)
{
	u64 *r = t->regs.gp;

	switch ((long)r[UM_RAX]) {
	case -ERESTART_RESTARTBLOCK:
	case -ERESTARTNOHAND:
		r[UM_RAX] = (u64)-EINTR;
		break;
	case -ERESTARTSYS:
		if (!(ka->flags & SA_RESTART)) {
			r[UM_RAX] = (u64)-EINTR;
			break;
		}
		/* fall through */
	case -ERESTARTNOINTR:
		r[UM_RAX] = r[UM_ORIG_RAX];
		r[UM_RIP] -= 2;
		break;
	}
}

/* No handler ran: every restart code restarts the call (back over the syscall insn). */
static void restart_without_handler(struct task *t)
{
	u64 *r = t->regs.gp;

	switch ((long)r[UM_RAX]) {
	case -ERESTARTNOHAND:
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
		r[UM_RAX] = r[UM_ORIG_RAX];
		r[UM_RIP] -= 2;
		break;
	case -ERESTART_RESTARTBLOCK:
		r[UM_RAX] = __NR_restart_syscall;
		r[UM_RIP] -= 2;
		break;
	}
}

static void handle_signal(struct task *t, int sig, const struct ksigaction *ka,
			  const siginfo_t *info)
{
	ksigset_t saved = t->restore_sigmask ? t->saved_sigmask : t->blocked;
	ksigset_t blocked = t->blocked | ka->mask;

	if (t->in_syscall)
		restart_with_handler(t, ka);
	t->in_syscall = false;
	if (sig_setup_frame(t, sig, info, ka, saved) < 0) {
		force_segv(t, sig);
		return;
	}
	t->restore_sigmask = false;
	if (!(ka->flags & SA_NODEFER))
		blocked |= sigmask(sig);
	sig_set_blocked(t, blocked);
}

/* Handle every deliverable signal; each handler gets a frame (nested, like Linux). */
static void deliver_pending(struct task *t)
{
	struct ksigaction ka;
	siginfo_t info;
	int sig;

	while ((sig = get_signal(t, &ka, &info)) != 0)
		handle_signal(t, sig, &ka, &info);
}

void sig_deliver(void)
{
	struct task *t = current;

	if (!sig_task_live(t))
		return;
	if (t->jobctl_stop)
		sig_join_group_stop(t);
	if (signal_pending(t))
		deliver_pending(t);
	if (t->in_syscall) {
		restart_without_handler(t);
		t->in_syscall = false;
	}
	if (t->restore_sigmask) {
		t->restore_sigmask = false;
		sig_set_blocked(t, t->saved_sigmask);
		if (signal_pending(t))
			deliver_pending(t);
	}
}
