/*
 * POSIX per-process timers: timer_create, timer_settime, timer_gettime, timer_getoverrun
 * and timer_delete, on CLOCK_REALTIME, CLOCK_MONOTONIC and CLOCK_BOOTTIME (and their
 * _ALARM forms, for root), each a kernel timer (struct ktimer) owned by the process's
 * signal_struct. Expiry sends the sigevent's signal with SI_TIMER siginfo (timer id,
 * overrun, value) to the process, or to one of its threads with SIGEV_THREAD_ID; while
 * that signal is still pending further expiries are counted as overruns instead of
 * queued, and the count goes into si_overrun when the signal is taken, as in Linux. An absolute CLOCK_REALTIME time is converted once, at settime.
 * Timers go at exec and when the process ends; fork does not copy them. CPU-time clocks
 * are refused (EINVAL).
 */
#include "kernel.h"
#include "sched.h"
#include "sig.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/time.h>
#include <linux/time_types.h>

#define PTIMER_MAX 1024          /* timers per process (Linux: RLIMIT_SIGPENDING) */
#define PTIMER_MIN_INTERVAL 100000ULL /* 100 us: no busier reload than this */

struct ptimer {
	struct ktimer kt;
	struct list_head link;   /* on signal_struct->posix_timers */
	struct signal_struct *owner;
	int id;
	int clock;
	int notify;              /* SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID */
	int signo;
	int tid;                 /* SIGEV_THREAD_ID's thread */
	u64 value;               /* sigev_value */
	u64 interval;
	int overrun, overrun_last;
	bool queued;             /* its signal is (probably) still pending */
};

static bool ptimer_clock_ok(int clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME ||
	       clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM;
}

static struct ptimer *ptimer_find(int id)
{
	struct ptimer *p;

	list_for_each_entry(p, &current->signal->posix_timers, link) {
		if (p->id == id)
			return p;
	}
	return NULL;
}

/* Is the timer's signal still pending (in the target's or the process's queue)? */
static bool ptimer_signal_pending(struct ptimer *p, struct task *t)
{
	return ((t->pending.set | p->owner->shared_pending.set) & sigmask(p->signo)) != 0;
}

static void ptimer_fire(struct ptimer *p)
{
	struct task *t = NULL, *leader;
	siginfo_t info;

	if (p->notify == SIGEV_NONE)
		return;
	leader = signal_live_task(p->owner);
	if (!leader)
		return;
	if (p->notify == SIGEV_THREAD_ID) {
		t = task_by_pid(p->tid);
		if (!t || t->signal != p->owner)
			return;
	}
	if (p->queued) {
		if (ptimer_signal_pending(p, t ? t : leader)) {
			p->overrun++;
			return;
		}
		p->overrun = 0; /* its signal went without being taken (discarded) */
	}
	/*
	 * The overruns counted from here (periods ptimer_expired found missed, and expiries
	 * while this signal waits) go into its si_overrun when it is taken; overrun_last,
	 * what timer_getoverrun reports, changes only then (a new signal queued right after
	 * the last was taken must not reset it).
	 */
	memset(&info, 0, sizeof(info));
	info.si_signo = p->signo;
	info.si_code = SI_TIMER;
	info.si_tid = p->id;
	info.si_overrun = p->overrun;
	info.si_value.sival_ptr = (void *)(uintptr_t)p->value;
	p->queued = true;
	if (t)
		sig_send_task(t, p->signo, &info);
	else
		sig_send_process(leader->group_leader ? leader->group_leader : leader, p->signo,
				 &info);
}

static void ptimer_expired(struct ktimer *kt)
{
	struct ptimer *p = container_of(kt, struct ptimer, kt);
	u64 now, next, step;

	if (p->interval) {
		step = max(p->interval, PTIMER_MIN_INTERVAL);
		now = ktime_now();
		next = kt->expires + step;
		if (next <= now) {
			u64 missed = (now - next) / step + 1;

			p->overrun += (int)min(missed, (u64)0x3fffffff);
			next += missed * step;
		}
		ktimer_arm(kt, next);
	}
	ptimer_fire(p);
}

/* Read the sigevent (NULL: SIGALRM with the timer id as value) into p. */
static long ptimer_sigevent(struct ptimer *p, uaddr_t uev)
{
	struct sigevent ev;

	if (!uev) {
		p->notify = SIGEV_SIGNAL;
		p->signo = SIGALRM;
		p->value = (u64)p->id;
		return 0;
	}
	if (copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	p->notify = ev.sigev_notify;
	p->signo = ev.sigev_signo;
	p->value = (u64)(uintptr_t)ev.sigev_value.sival_ptr;
	switch (p->notify) {
	case SIGEV_NONE:
		return 0;
	case SIGEV_THREAD_ID: {
		struct task *t = task_by_pid(ev._sigev_un._tid);

		if (!t || t->signal != current->signal)
			return -EINVAL;
		p->tid = ev._sigev_un._tid;
	}
		/* fall through */
	case SIGEV_SIGNAL:
		return p->signo >= 1 && p->signo <= KNSIG ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

long sys_timer_create(const struct sc_args *a)
{
	int clock = (int)a->arg[0];
	struct signal_struct *s = current->signal;
	struct ptimer *p;
	int n = 0;
	long r;

	if (!ptimer_clock_ok(clock))
		return -EINVAL;
	if ((clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM) &&
	    !cred_capable(CAP_WAKE_ALARM))
		return -EPERM;
	list_for_each_entry(p, &s->posix_timers, link)
		n++;
	if (n >= PTIMER_MAX)
		return -EAGAIN;
	p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	INIT_LIST_HEAD(&p->kt.link);
	p->kt.fn = ptimer_expired;
	p->owner = s;
	p->clock = clock;
	while (ptimer_find(s->next_timer_id))
		s->next_timer_id = (s->next_timer_id + 1) & 0x7fffffff;
	p->id = s->next_timer_id;
	r = ptimer_sigevent(p, a->arg[1]);
	if (!r && put_user(p->id, a->arg[2]))
		r = -EFAULT;
	if (r) {
		kfree(p);
		return r;
	}
	s->next_timer_id = (p->id + 1) & 0x7fffffff;
	list_add_tail(&p->link, &s->posix_timers);
	return 0;
}

/* Remaining time and interval of p as a struct __kernel_itimerspec for the guest. */
static long ptimer_get(struct ptimer *p, uaddr_t uval)
{
	u64 now = ktime_now(), rem = 0;
	long r;

	if (p->kt.armed)
		rem = p->kt.expires > now ? p->kt.expires - now : 1;
	r = time_timespec_to_user(uval, p->interval);
	if (!r)
		r = time_timespec_to_user(uval + sizeof(struct __kernel_timespec), rem);
	return r;
}

long sys_timer_settime(const struct sc_args *a)
{
	struct ptimer *p = ptimer_find((int)a->arg[0]);
	int flags = (int)a->arg[1];
	uaddr_t unew = a->arg[2], uold = a->arg[3];
	u64 interval, value, now;
	long r;

	if (!unew)
		return -EINVAL;
	r = time_timespec_from_user(unew, &interval);
	if (!r)
		r = time_timespec_from_user(unew + sizeof(struct __kernel_timespec), &value);
	if (r)
		return r;
	if (!p)
		return -EINVAL;
	if (uold && ptimer_get(p, uold))
		return -EFAULT;
	ktimer_cancel(&p->kt);
	p->interval = value ? interval : 0;
	p->overrun = 0;
	p->queued = false;
	if (!value)
		return 0;
	now = ktime_now();
	if (flags & TIMER_ABSTIME) {
		bool real = p->clock == CLOCK_REALTIME || p->clock == CLOCK_REALTIME_ALARM;
		u64 clock_now = real ? ktime_real() : now;

		/* an absolute time already past fires at once */
		value = value > clock_now ? value - clock_now : 0;
	}
	ktimer_arm(&p->kt, now + (value ? value : 1));
	return 0;
}

long sys_timer_gettime(const struct sc_args *a)
{
	struct ptimer *p = ptimer_find((int)a->arg[0]);

	if (!p)
		return -EINVAL;
	return ptimer_get(p, a->arg[1]) ? -EFAULT : 0;
}

long sys_timer_getoverrun(const struct sc_args *a)
{
	struct ptimer *p = ptimer_find((int)a->arg[0]);

	return p ? p->overrun_last : -EINVAL;
}

static void ptimer_free(struct ptimer *p)
{
	ktimer_cancel(&p->kt);
	list_del(&p->link);
	kfree(p);
}

long sys_timer_delete(const struct sc_args *a)
{
	struct ptimer *p = ptimer_find((int)a->arg[0]);

	if (!p)
		return -EINVAL;
	ptimer_free(p);
	return 0;
}

void posix_timer_dequeued(struct signal_struct *s, siginfo_t *info)
{
	struct ptimer *p;

	list_for_each_entry(p, &s->posix_timers, link) {
		if (p->id != info->si_tid || !p->queued)
			continue;
		info->si_overrun = p->overrun;
		p->overrun_last = p->overrun;
		p->overrun = 0;
		p->queued = false;
		return;
	}
}

void posix_timers_release(struct signal_struct *s)
{
	while (!list_empty(&s->posix_timers))
		ptimer_free(list_first_entry(&s->posix_timers, struct ptimer, link));
}
