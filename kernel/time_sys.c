/*
 * Time system calls: clocks (clock_gettime/getres/settime, gettimeofday, settimeofday,
 * time, times), sleeping (nanosleep, clock_nanosleep, with restart_syscall continuing an
 * interrupted relative sleep at its original deadline) and the real-time interval timer
 * (alarm, setitimer, getitimer: ITIMER_REAL, a kernel timer in the process's
 * signal_struct sending SIGALRM).
 *
 * Time sources are kernel/time.c's: ktime_now() (monotonic since boot, also used for
 * CLOCK_BOOTTIME: the guest never suspends) and ktime_real() (host realtime plus an offset
 * root may set, so the host clock is never touched). CPU time comes from the accounting of
 * the run loop (utime_ns, stime_ns).
 */
#include "kernel.h"
#include "sched.h"
#include "sig.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/times.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_USEC 1000ULL
#define USER_HZ 100
#define NS_MAX ((u64)INT64_MAX)
/* settimeofday refuses times past this (Linux's TIME_SETTOD_SEC_MAX, about year 2232) */
#define SETTOD_SEC_MAX 8277292036LL
/* An interval timer never re-arms sooner than this after it fired. */
#define ITIMER_MIN_NS 50000ULL

static struct timezone sys_tz;

static u64 sec_ns(u64 sec, u64 ns)
{
	if (sec >= NS_MAX / NSEC_PER_SEC)
		return NS_MAX;
	return sec * NSEC_PER_SEC + ns;
}

static u64 deadline_after(u64 ns)
{
	u64 now = ktime_now();

	return ns > NS_MAX - now ? NS_MAX : now + ns;
}

int time_timespec_from_user(uaddr_t uts, u64 *ns)
{
	struct __kernel_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NSEC_PER_SEC)
		return -EINVAL;
	*ns = sec_ns((u64)ts.tv_sec, (u64)ts.tv_nsec);
	return 0;
}

int time_timespec_to_user(uaddr_t uts, u64 ns)
{
	struct __kernel_timespec ts = {
		.tv_sec = (long long)(ns / NSEC_PER_SEC),
		.tv_nsec = (long long)(ns % NSEC_PER_SEC),
	};

	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

static bool timeval_valid(const struct __kernel_old_timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

static u64 timeval_ns(const struct __kernel_old_timeval *tv)
{
	return sec_ns((u64)tv->tv_sec, (u64)tv->tv_usec * NSEC_PER_USEC);
}

static void ns_timeval(u64 ns, struct __kernel_old_timeval *tv)
{
	tv->tv_sec = (long)(ns / NSEC_PER_SEC);
	tv->tv_usec = (long)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
}

/* ---- clocks */

/* CPU time of every live thread of s's process plus what its dead threads left. */
static void process_cputime(const struct signal_struct *s, u64 *utime, u64 *stime)
{
	struct task *t;

	*utime = s->utime_ns;
	*stime = s->stime_ns;
	list_for_each_entry(t, &task_list, all_tasks) {
		if (t->signal == s && t->state != TASK_ZOMBIE && t->state != TASK_DEAD) {
			*utime += t->utime_ns;
			*stime += t->stime_ns;
		}
	}
}

/*
 * The CPU-time clock of one thread or process (pthread_getcpuclockid, clock_getcpuclockid):
 * clk is ~pid << 3 | per-thread bit (4) | kind (0 user+system, 1 user, 2 scheduled); pid 0
 * is the caller. A thread's clock is readable only within its own process, as in Linux.
 */
static int cpu_clock_read(int clk, u64 *ns)
{
	int pid = ~(clk >> 3), kind = clk & 3;
	struct task *t = pid ? task_by_pid(pid) : current;
	u64 u, s;

	if (kind == 3 || !t || !t->signal || t->state == TASK_DEAD)
		return -EINVAL;
	if (clk & 4) {
		if (t->tgid != current->tgid)
			return -EINVAL;
		u = t->utime_ns;
		s = t->stime_ns;
	} else {
		if (!thread_group_leader(t) || !task_group_alive(t))
			return -EINVAL;
		process_cputime(t->signal, &u, &s);
	}
	*ns = kind == 1 ? u : u + s;
	return 0;
}

static int clock_read(int clk, u64 *ns)
{
	struct task *t = current;
	u64 u, s;

	if (clk < 0)
		return cpu_clock_read(clk, ns);
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		*ns = ktime_real();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = ktime_now();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		process_cputime(t->signal, &u, &s);
		*ns = u + s;
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = t->utime_ns + t->stime_ns;
		return 0;
	}
	return -EINVAL;
}

long sys_clock_gettime(const struct sc_args *a)
{
	u64 ns;
	int r = clock_read((int)a->arg[0], &ns);

	return r < 0 ? r : time_timespec_to_user(a->arg[1], ns);
}

long sys_clock_getres(const struct sc_args *a)
{
	int clk = (int)a->arg[0];
	uaddr_t ures = a->arg[1];
	u64 ns, res = 1;

	if (clock_read(clk, &ns) < 0)
		return -EINVAL;
	if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
		res = NSEC_PER_SEC / CONFIG_HZ;
	return ures ? time_timespec_to_user(ures, res) : 0;
}

long sys_gettimeofday(const struct sc_args *a)
{
	uaddr_t utv = a->arg[0], utz = a->arg[1];
	struct __kernel_old_timeval tv;

	if (utv) {
		ns_timeval(ktime_real(), &tv);
		if (copy_to_user(utv, &tv, sizeof(tv)))
			return -EFAULT;
	}
	if (utz && copy_to_user(utz, &sys_tz, sizeof(sys_tz)))
		return -EFAULT;
	return 0;
}

long sys_time(const struct sc_args *a)
{
	uaddr_t tloc = a->arg[0];
	long secs = (long)(ktime_real() / NSEC_PER_SEC);

	if (tloc && put_user(secs, tloc))
		return -EFAULT;
	return secs;
}

/* Set CLOCK_REALTIME to ns (checked by the caller) by moving the guest's offset. */
static void realtime_set(u64 ns)
{
	ktime_real_offset += (s64)(ns - ktime_real());
}

long sys_settimeofday(const struct sc_args *a)
{
	uaddr_t utv = a->arg[0], utz = a->arg[1];
	struct __kernel_old_timeval tv;
	struct timezone tz;

	if (utv && copy_from_user(&tv, utv, sizeof(tv)))
		return -EFAULT;
	if (utz && copy_from_user(&tz, utz, sizeof(tz)))
		return -EFAULT;
	if (utv && (!timeval_valid(&tv) || tv.tv_sec >= SETTOD_SEC_MAX))
		return -EINVAL;
	if (!cred_capable(CAP_SYS_TIME))
		return -EPERM;
	if (utz) {
		if (tz.tz_minuteswest > 15 * 60 || tz.tz_minuteswest < -15 * 60)
			return -EINVAL;
		sys_tz = tz;
	}
	if (utv)
		realtime_set(timeval_ns(&tv));
	return 0;
}

long sys_clock_settime(const struct sc_args *a)
{
	u64 ns;
	int r;

	if ((int)a->arg[0] != CLOCK_REALTIME)
		return -EINVAL;
	r = time_timespec_from_user(a->arg[1], &ns);
	if (r < 0)
		return r;
	if (ns / NSEC_PER_SEC >= (u64)SETTOD_SEC_MAX)
		return -EINVAL;
	if (!cred_capable(CAP_SYS_TIME))
		return -EPERM;
	realtime_set(ns);
	return 0;
}

static long ns_ticks(u64 ns)
{
	return (long)(ns / (NSEC_PER_SEC / USER_HZ));
}

long sys_times(const struct sc_args *a)
{
	uaddr_t ubuf = a->arg[0];
	struct signal_struct *s = current->signal;
	struct tms tms;
	u64 u, st;

	if (ubuf) {
		process_cputime(s, &u, &st);
		tms.tms_utime = ns_ticks(u);
		tms.tms_stime = ns_ticks(st);
		tms.tms_cutime = ns_ticks(s->cutime_ns);
		tms.tms_cstime = ns_ticks(s->cstime_ns);
		if (copy_to_user(ubuf, &tms, sizeof(tms)))
			return -EFAULT;
	}
	return ns_ticks(ktime_now());
}

/* ---- sleeping */

static long sleep_restart(struct task *t);

/*
 * Sleep until the monotonic deadline. Interrupted: an absolute sleep is restarted as it
 * was called; a relative one stores the remaining time at urem (if not 0) and continues
 * through restart_syscall.
 */
static long sleep_until(u64 deadline, uaddr_t urem, bool abs)
{
	struct task *t = current;
	u64 now;
	int r;

	while ((r = schedule_until(deadline)) == 1)
		;
	if (r == 0)
		return 0;
	if (abs)
		return -ERESTARTNOHAND;
	now = ktime_now();
	if (urem && time_timespec_to_user(urem, deadline > now ? deadline - now : 0))
		return -EFAULT;
	t->restart_fn = sleep_restart;
	t->restart_arg[0] = deadline;
	t->restart_arg[1] = urem;
	return -ERESTART_RESTARTBLOCK;
}

static long sleep_restart(struct task *t)
{
	return sleep_until(t->restart_arg[0], t->restart_arg[1], false);
}

long sys_nanosleep(const struct sc_args *a)
{
	u64 ns;
	int r = time_timespec_from_user(a->arg[0], &ns);

	if (r < 0)
		return r;
	return sleep_until(deadline_after(ns), a->arg[1], false);
}

/* 0 when clk can be slept on, else the errno clock_nanosleep gives. */
static int nsleep_clock_ok(int clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		return -EOPNOTSUPP;
	}
	return -EINVAL;
}

long sys_clock_nanosleep(const struct sc_args *a)
{
	int clk = (int)a->arg[0], flags = (int)a->arg[1];
	u64 ns, deadline, now;
	int r = nsleep_clock_ok(clk);

	if (r < 0)
		return r;
	r = time_timespec_from_user(a->arg[2], &ns);
	if (r < 0)
		return r;
	if (!(flags & TIMER_ABSTIME))
		return sleep_until(deadline_after(ns), a->arg[3], false);
	if (clk == CLOCK_MONOTONIC || clk == CLOCK_BOOTTIME) {
		deadline = ns;
	} else {
		now = ktime_real();
		if (ns <= now)
			return 0;
		deadline = deadline_after(ns - now);
	}
	return sleep_until(deadline, 0, true);
}

/* ---- ITIMER_REAL and alarm */

struct task *signal_live_task(const struct signal_struct *s)
{
	struct task *t;

	list_for_each_entry(t, &task_list, all_tasks) {
		if (t->signal == s && t->state != TASK_ZOMBIE && t->state != TASK_DEAD)
			return t;
	}
	return NULL;
}

static void real_timer_fn(struct ktimer *kt)
{
	struct signal_struct *s = container_of(kt, struct signal_struct, real_timer);
	struct task *t = signal_live_task(s);
	u64 now, next, step;

	if (!t)
		return;
	sig_send_process(t->group_leader ? t->group_leader : t, SIGALRM, NULL);
	if (!s->real_interval_ns)
		return;
	step = max(s->real_interval_ns, ITIMER_MIN_NS);
	now = ktime_now();
	next = kt->expires + step;
	if (next <= now)
		next += ((now - next) / step + 1) * step;
	ktimer_arm(kt, next);
}

static void itimer_get(const struct signal_struct *s, struct __kernel_old_itimerval *v)
{
	u64 rem = 0, now = ktime_now();

	memset(v, 0, sizeof(*v));
	if (s->real_timer.armed)
		rem = s->real_timer.expires > now ? s->real_timer.expires - now : NSEC_PER_USEC;
	ns_timeval(rem, &v->it_value);
	ns_timeval(s->real_interval_ns, &v->it_interval);
}

static void itimer_set(struct signal_struct *s, u64 value, u64 interval)
{
	ktimer_cancel(&s->real_timer);
	s->real_interval_ns = value ? interval : 0;
	if (!value)
		return;
	s->real_timer.fn = real_timer_fn;
	ktimer_arm(&s->real_timer, deadline_after(value));
}

/* ---- ITIMER_VIRTUAL (user time) and ITIMER_PROF (user and system time) */

static const int cpu_timer_signal[2] = { SIGVTALRM, SIGPROF };

void itimer_account(struct task *t, u64 user_ns, u64 sys_ns)
{
	struct signal_struct *s = t->signal;

	if (!s)
		return;
	for (int i = 0; i < 2; i++) {
		u64 used = i == 0 ? user_ns : user_ns + sys_ns;

		if (!s->cpu_timer_value[i] || !used)
			continue;
		if (used < s->cpu_timer_value[i]) {
			s->cpu_timer_value[i] -= used;
			continue;
		}
		/* expired: reload (what was overrun counts against the next period) */
		used -= s->cpu_timer_value[i];
		s->cpu_timer_value[i] = 0;
		if (s->cpu_timer_interval[i]) {
			u64 step = max(s->cpu_timer_interval[i], ITIMER_MIN_NS);

			s->cpu_timer_value[i] = step - used % step;
		}
		sig_send_process(t->group_leader ? t->group_leader : t, cpu_timer_signal[i], NULL);
	}
}

static void cpu_itimer_get(const struct signal_struct *s, int i,
			   struct __kernel_old_itimerval *v)
{
	memset(v, 0, sizeof(*v));
	ns_timeval(s->cpu_timer_value[i], &v->it_value);
	ns_timeval(s->cpu_timer_interval[i], &v->it_interval);
}

static void any_itimer_get(const struct signal_struct *s, int which,
			   struct __kernel_old_itimerval *v)
{
	if (which == ITIMER_REAL)
		itimer_get(s, v);
	else
		cpu_itimer_get(s, which == ITIMER_VIRTUAL ? 0 : 1, v);
}

long sys_setitimer(const struct sc_args *a)
{
	int which = (int)a->arg[0];
	uaddr_t unew = a->arg[1], uold = a->arg[2];
	struct signal_struct *s = current->signal;
	struct __kernel_old_itimerval nv, ov;
	u64 value, interval;

	memset(&nv, 0, sizeof(nv));
	if (unew && copy_from_user(&nv, unew, sizeof(nv)))
		return -EFAULT;
	if (!timeval_valid(&nv.it_value) || !timeval_valid(&nv.it_interval))
		return -EINVAL;
	if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
		return -EINVAL;
	any_itimer_get(s, which, &ov);
	value = timeval_ns(&nv.it_value);
	interval = timeval_ns(&nv.it_interval);
	if (which == ITIMER_REAL) {
		itimer_set(s, value, interval);
	} else {
		int i = which == ITIMER_VIRTUAL ? 0 : 1;

		s->cpu_timer_value[i] = value;
		s->cpu_timer_interval[i] = value ? interval : 0;
	}
	if (uold && copy_to_user(uold, &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

long sys_getitimer(const struct sc_args *a)
{
	int which = (int)a->arg[0];
	struct __kernel_old_itimerval v;

	if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
		return -EINVAL;
	any_itimer_get(current->signal, which, &v);
	return copy_to_user(a->arg[1], &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_alarm(const struct sc_args *a)
{
	unsigned secs = (unsigned)a->arg[0];
	struct signal_struct *s = current->signal;
	struct __kernel_old_itimerval old;
	long ret;

	itimer_get(s, &old);
	itimer_set(s, (u64)secs * NSEC_PER_SEC, 0);
	ret = old.it_value.tv_sec;
	/* round as Linux: never 0 for a pending alarm, else to the nearest second */
	if ((!ret && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
		ret++;
	return ret;
}
