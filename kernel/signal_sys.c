/*
 * The signal system calls: rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend,
 * pause, rt_sigtimedwait, kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo and
 * restart_syscall. They decode and copy; the work is in kernel/signal.c (sigaltstack and
 * rt_sigreturn are in kernel/signal_frame.c).
 *
 * Sleeping calls return -ERESTARTNOHAND when a signal arrives; sig_deliver turns that
 * into EINTR when a handler runs and restarts the call otherwise. sigsuspend's temporary
 * mask is undone through saved_sigmask/restore_sigmask after delivery.
 */
#include "kernel.h"
#include "sched.h"
#include "sig.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

static void sleep_until_signal(struct task *t)
{
	for (;;) {
		task_set_state(t, TASK_INTERRUPTIBLE);
		if (signal_pending(t))
			break;
		schedule();
	}
	task_set_state(t, TASK_RUNNING);
}

long sys_rt_sigaction(const struct sc_args *a)
{
	int sig = (int)a->arg[0];
	uaddr_t uact = a->arg[1], uoact = a->arg[2];
	struct ksigaction act, oact;
	int r;

	if (a->arg[3] != sizeof(ksigset_t))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	r = sig_action(sig, uact ? &act : NULL, uoact ? &oact : NULL);
	if (r == 0 && uoact && copy_to_user(uoact, &oact, sizeof(oact)))
		return -EFAULT;
	return r;
}

long sys_rt_sigprocmask(const struct sc_args *a)
{
	int how = (int)a->arg[0];
	uaddr_t uset = a->arg[1], uoset = a->arg[2];
	struct task *t = current;
	ksigset_t old = t->blocked, set;

	if (a->arg[3] != sizeof(ksigset_t))
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:
			set |= old;
			break;
		case SIG_UNBLOCK:
			set = old & ~set;
			break;
		case SIG_SETMASK:
			break;
		default:
			return -EINVAL;
		}
		sig_set_blocked(t, set);
	}
	if (uoset && copy_to_user(uoset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(const struct sc_args *a)
{
	uaddr_t uset = a->arg[0];
	u64 size = a->arg[1];
	struct task *t = current;
	ksigset_t set = (t->pending.set | t->signal->shared_pending.set) & t->blocked;

	if (size > sizeof(ksigset_t))
		return -EINVAL;
	return copy_to_user(uset, &set, size) ? -EFAULT : 0;
}

long sys_rt_sigsuspend(const struct sc_args *a)
{
	uaddr_t umask = a->arg[0];
	struct task *t = current;
	ksigset_t mask;

	if (a->arg[1] != sizeof(ksigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	t->saved_sigmask = t->blocked;
	sig_set_blocked(t, mask);
	sleep_until_signal(t);
	t->restore_sigmask = true;
	return -ERESTARTNOHAND;
}

long sys_pause(const struct sc_args *a)
{
	sleep_until_signal(current);
	return -ERESTARTNOHAND;
}

/*
 * Wait for one of the signals of these (taken even while blocked) for at most *timeout
 * ns (NULL: forever). Returns the signal, -EAGAIN at the timeout, -EINTR when another
 * signal came.
 */
static int sig_wait(ksigset_t these, const u64 *timeout, siginfo_t *info)
{
	struct task *t = current;
	ksigset_t saved = t->blocked;
	u64 deadline = 0;
	int sig, r = 0;

	sig = sig_dequeue(t, these, info);
	if (sig)
		return sig;
	if (timeout && *timeout == 0)
		return -EAGAIN;
	t->real_blocked = saved; /* still blocked for sig_is_ignored: init must get them */
	sig_set_blocked(t, saved & ~these);
	if (timeout) {
		deadline = ktime_now() + *timeout;
		if (deadline < *timeout)
			deadline = ~0ULL;
		while ((r = schedule_until(deadline)) == 1)
			;
	} else {
		sleep_until_signal(t);
	}
	sig_set_blocked(t, saved);
	t->real_blocked = 0;
	sig = sig_dequeue(t, these, info);
	if (sig)
		return sig;
	return timeout && r == 0 ? -EAGAIN : -EINTR;
}

long sys_rt_sigtimedwait(const struct sc_args *a)
{
	uaddr_t uthese = a->arg[0], uinfo = a->arg[1], uts = a->arg[2];
	ksigset_t these;
	siginfo_t info;
	u64 timeout;
	int sig, r;

	if (a->arg[3] != sizeof(ksigset_t))
		return -EINVAL;
	if (copy_from_user(&these, uthese, sizeof(these)))
		return -EFAULT;
	if (uts) {
		r = time_timespec_from_user(uts, &timeout);
		if (r < 0)
			return r;
	}
	sig = sig_wait(these & ~SIG_KERNEL_ONLY, uts ? &timeout : NULL, &info);
	if (sig > 0 && uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}

long sys_kill(const struct sc_args *a)
{
	return sig_kill((int)a->arg[0], (int)a->arg[1], NULL);
}

/* tkill/tgkill/rt_tgsigqueueinfo: one thread, of process tgid when tgid > 0. */
static long send_specific(int tgid, int tid, int sig, const siginfo_t *info)
{
	struct task *t = task_by_pid(tid);

	if (!t || (tgid > 0 && t->tgid != tgid))
		return -ESRCH;
	return sig_send_checked(t, sig, info, false);
}

static void tkill_info(siginfo_t *info, int sig)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = SI_TKILL;
	info->si_pid = current->tgid;
	info->si_uid = current->cred.uid;
}

long sys_tkill(const struct sc_args *a)
{
	int tid = (int)a->arg[0], sig = (int)a->arg[1];
	siginfo_t info;

	if (tid <= 0)
		return -EINVAL;
	tkill_info(&info, sig);
	return send_specific(0, tid, sig, &info);
}

long sys_tgkill(const struct sc_args *a)
{
	int tgid = (int)a->arg[0], tid = (int)a->arg[1], sig = (int)a->arg[2];
	siginfo_t info;

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	tkill_info(&info, sig);
	return send_specific(tgid, tid, sig, &info);
}

/*
 * A siginfo from the guest: only for itself may it claim to be the kernel or kill/tkill
 * (si_code >= 0 or SI_TKILL), as Linux rules.
 */
static int queueinfo_from_user(siginfo_t *info, uaddr_t uinfo, int sig, int target)
{
	if (copy_from_user(info, uinfo, sizeof(*info)))
		return -EFAULT;
	if ((info->si_code >= 0 || info->si_code == SI_TKILL) && target != current->pid)
		return -EPERM;
	info->si_signo = sig;
	return 0;
}

long sys_rt_sigqueueinfo(const struct sc_args *a)
{
	int tgid = (int)a->arg[0], sig = (int)a->arg[1];
	siginfo_t info;
	struct task *t;
	int r;

	r = queueinfo_from_user(&info, a->arg[2], sig, tgid);
	if (r < 0)
		return r;
	t = task_by_pid(tgid);
	if (!t)
		return -ESRCH;
	return sig_send_checked(t, sig, &info, true);
}

long sys_rt_tgsigqueueinfo(const struct sc_args *a)
{
	int tgid = (int)a->arg[0], tid = (int)a->arg[1], sig = (int)a->arg[2];
	siginfo_t info;
	int r;

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	r = queueinfo_from_user(&info, a->arg[3], sig, tid);
	if (r < 0)
		return r;
	return send_specific(tgid, tid, sig, &info);
}

long sys_restart_syscall(const struct sc_args *a)
{
	struct task *t = current;
	long (*fn)(struct task *t) = t->restart_fn;

	t->restart_fn = NULL;
	return fn ? fn(t) : -EINTR;
}
