/*
 * Kernel time: monotonic and real clocks from the host, the jiffies tick counter, and
 * kernel timers (a list sorted by expiry, run from irq_handle, the idle loop and after
 * every trap of guest code, so a timer is not late by up to a tick while the CPU is busy).
 */
#include "kernel.h"
#include "os.h"
#include "task.h"

volatile u64 jiffies;
static u64 boot_mono;
static LIST_HEAD(timers);

void time_init(void)
{
	boot_mono = os_monotonic_ns();
}

u64 ktime_now(void)
{
	return os_monotonic_ns() - boot_mono;
}

s64 ktime_real_offset;

u64 ktime_real(void)
{
	return os_realtime_ns() + (u64)ktime_real_offset;
}

void ktimer_arm(struct ktimer *t, u64 expires)
{
	struct ktimer *pos;

	if (t->armed)
		ktimer_cancel(t);
	t->expires = expires;
	list_for_each_entry(pos, &timers, link) {
		if (pos->expires > expires)
			break;
	}
	list_add_tail(&t->link, &pos->link);
	t->armed = true;
}

void ktimer_cancel(struct ktimer *t)
{
	if (t->armed) {
		list_del_init(&t->link);
		t->armed = false;
	}
}

s64 ktimer_run(void)
{
	/* Called after every trap: with no timer armed, not even the clock is read. */
	while (!list_empty(&timers)) {
		struct ktimer *t = list_first_entry(&timers, struct ktimer, link);
		u64 now = ktime_now();

		if (t->expires > now)
			return (s64)(t->expires - now);
		ktimer_cancel(t);
		t->fn(t);
	}
	return -1;
}

static void sleep_timer_fn(struct ktimer *t)
{
	wake_up_process(container_of(t, struct task, sleep_timer));
}

int schedule_until(u64 deadline)
{
	struct task *t = current;

	if (ktime_now() >= deadline)
		return 0;
	t->sleep_timer.fn = sleep_timer_fn;
	ktimer_arm(&t->sleep_timer, deadline);
	task_set_state(t, TASK_INTERRUPTIBLE);
	if (!signal_pending(t))
		schedule();
	task_set_state(t, TASK_RUNNING);
	ktimer_cancel(&t->sleep_timer);
	if (ktime_now() >= deadline)
		return 0;
	return signal_pending(t) ? -ERESTARTSYS : 1;
}
