/*
 * timerfd_create, timerfd_settime, timerfd_gettime: timers read through a file (VFS layer,
 * an anonymous-inode file named "[timerfd]"), on the kernel's timer list (kernel/time.c).
 *
 * A timer is a ktimer on the monotonic clock: CLOCK_MONOTONIC and CLOCK_BOOTTIME are that
 * clock (the guest never suspends); a CLOCK_REALTIME expiry is converted when it is set,
 * so a later clock_settime does not move it (TFD_TIMER_CANCEL_ON_SET is accepted but
 * never cancels). Each expiry adds one to the tick count, counting intervals missed while
 * nobody read; read returns the count as 8 bytes and zeroes it, or blocks while it is zero
 * (EAGAIN when non-blocking). The _ALARM clocks need privilege (EPERM otherwise), as
 * CAP_WAKE_ALARM does on Linux, and then behave like their plain clocks.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/time.h>
#include <linux/timerfd.h>

#define NSEC_PER_SEC 1000000000ULL
#define TFD_SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)
#define TFD_CREATE_FLAGS (TFD_CLOEXEC | TFD_NONBLOCK)

struct timerfd_ctx {
	struct ktimer timer;  /* armed while the timer runs; expires is monotonic ns */
	int clockid;
	int settime_flags;
	u64 ticks;            /* expirations not yet read */
	u64 interval;         /* ns; 0: one-shot */
	struct wait_queue_head wq;
};

static const struct file_operations timerfd_fops;

/* The timer expired (kernel timer context, or a late check): count, re-arm, wake. */
static void timerfd_fire(struct ktimer *kt)
{
	struct timerfd_ctx *ctx = container_of(kt, struct timerfd_ctx, timer);
	u64 now = ktime_now(), next;

	ctx->ticks++;
	if (ctx->interval) {
		next = kt->expires + ctx->interval;
		if (next <= now) {
			u64 missed = (now - next) / ctx->interval + 1;

			ctx->ticks += missed;
			next += missed * ctx->interval;
		}
		ktimer_arm(kt, next);
	}
	wake_up_key(&ctx->wq, POLLIN | POLLRDNORM);
}

/* Run the timer now if it is due and the timer list has not got to it yet. */
static void timerfd_catch_up(struct timerfd_ctx *ctx)
{
	if (ctx->timer.armed && ctx->timer.expires <= ktime_now()) {
		ktimer_cancel(&ctx->timer);
		timerfd_fire(&ctx->timer);
	}
}

static ssize_t timerfd_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct timerfd_ctx *ctx = f->private;
	u64 v;

	if (to->count < sizeof(v))
		return -EINVAL;
	timerfd_catch_up(ctx);
	if (!ctx->ticks) {
		long r;

		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event_interruptible(ctx->wq, ctx->ticks != 0);
		if (r)
			return r;
	}
	v = ctx->ticks;
	if (iter_copy_to(to, &v, sizeof(v)) != sizeof(v))
		return -EFAULT;
	ctx->ticks = 0;
	return sizeof(v);
}

static unsigned timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd_ctx *ctx = f->private;

	poll_wait(f, &ctx->wq, pt);
	timerfd_catch_up(ctx);
	return ctx->ticks ? POLLIN | POLLRDNORM : 0;
}

static void timerfd_release(struct inode *inode, struct file *f)
{
	struct timerfd_ctx *ctx = f->private;

	ktimer_cancel(&ctx->timer);
	kfree(ctx);
}

/* Time until the next expiry (0 when disarmed). */
static u64 timerfd_remaining(const struct timerfd_ctx *ctx)
{
	u64 now = ktime_now();

	if (!ctx->timer.armed)
		return 0;
	return ctx->timer.expires > now ? ctx->timer.expires - now : 1;
}

static size_t timerfd_show_fdinfo(struct file *f, char *buf, size_t size)
{
	struct timerfd_ctx *ctx = f->private;
	u64 left = timerfd_remaining(ctx);

	return (size_t)ksnprintf(buf, size, "clockid: %d\nticks: %llu\nsettime flags: 0%o\n"
				 "it_value: (%llu, %llu)\nit_interval: (%llu, %llu)\n",
				 ctx->clockid, (unsigned long long)ctx->ticks,
				 ctx->settime_flags, left / NSEC_PER_SEC, left % NSEC_PER_SEC,
				 ctx->interval / NSEC_PER_SEC, ctx->interval % NSEC_PER_SEC);
}

static const struct file_operations timerfd_fops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.release = timerfd_release,
	.llseek = vfs_no_llseek,
	.show_fdinfo = timerfd_show_fdinfo,
};

long sys_timerfd_create(const struct sc_args *a)
{
	int clk = (int)a->arg[0], flags = (int)a->arg[1];
	struct timerfd_ctx *ctx;
	struct file *f;
	int fd;

	if (!IS_ENABLED(CONFIG_EVENTFDS))
		return -ENOSYS;
	if (flags & ~TFD_CREATE_FLAGS)
		return -EINVAL;
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME &&
	    clk != CLOCK_REALTIME_ALARM && clk != CLOCK_BOOTTIME_ALARM)
		return -EINVAL;
	if ((clk == CLOCK_REALTIME_ALARM || clk == CLOCK_BOOTTIME_ALARM) && !cred_capable(CAP_WAKE_ALARM))
		return -EPERM;
	ctx = kzalloc(sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->clockid = clk;
	ctx->timer.fn = timerfd_fire;
	INIT_LIST_HEAD(&ctx->timer.link);
	wait_queue_init(&ctx->wq);
	f = anon_inode_file("[timerfd]", &timerfd_fops, O_RDWR | (flags & O_NONBLOCK), ctx);
	if (IS_ERR(f)) {
		kfree(ctx);
		return PTR_ERR(f);
	}
	fd = fd_install(f, 0, flags & TFD_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* The timerfd at fd with a reference, or NULL with *err set (-EBADF, -EINVAL). */
static struct file *timerfd_get(int fd, long *err)
{
	struct file *f = fd_get(fd);

	*err = -EBADF;
	if (f && f->f_op != &timerfd_fops) {
		file_put(f);
		f = NULL;
		*err = -EINVAL;
	}
	return f;
}

static long timerfd_put_spec(uaddr_t u, const struct timerfd_ctx *ctx)
{
	if (!u)
		return 0;
	if (time_timespec_to_user(u, ctx->interval) ||
	    time_timespec_to_user(u + sizeof(struct __kernel_timespec), timerfd_remaining(ctx)))
		return -EFAULT;
	return 0;
}

/* Start (value != 0) or stop the timer; value is on ctx's clock (absolute with abs). */
static void timerfd_start(struct timerfd_ctx *ctx, u64 value, u64 interval, bool abs)
{
	u64 now = ktime_now(), expires;
	bool real = ctx->clockid == CLOCK_REALTIME || ctx->clockid == CLOCK_REALTIME_ALARM;

	ktimer_cancel(&ctx->timer);
	ctx->ticks = 0;
	ctx->interval = interval;
	if (!value)
		return;
	if (!abs)
		expires = now + value;
	else if (real)
		expires = value > ktime_real() ? now + (value - ktime_real()) : now;
	else
		expires = value;
	ktimer_arm(&ctx->timer, expires);
	timerfd_catch_up(ctx);
}

long sys_timerfd_settime(const struct sc_args *a)
{
	int flags = (int)a->arg[1];
	uaddr_t unew = a->arg[2], uold = a->arg[3];
	struct timerfd_ctx *ctx;
	u64 value, interval;
	struct file *f;
	long r;

	if (!IS_ENABLED(CONFIG_EVENTFDS))
		return -ENOSYS;
	if (flags & ~TFD_SETTIME_FLAGS)
		return -EINVAL;
	r = time_timespec_from_user(unew, &interval);
	if (!r)
		r = time_timespec_from_user(unew + sizeof(struct __kernel_timespec), &value);
	if (r)
		return r;
	f = timerfd_get((int)a->arg[0], &r);
	if (!f)
		return r;
	ctx = f->private;
	r = timerfd_put_spec(uold, ctx);
	if (!r) {
		ctx->settime_flags = flags;
		timerfd_start(ctx, value, interval, flags & TFD_TIMER_ABSTIME);
	}
	file_put(f);
	return r;
}

long sys_timerfd_gettime(const struct sc_args *a)
{
	struct file *f;
	long r;

	if (!IS_ENABLED(CONFIG_EVENTFDS))
		return -ENOSYS;
	f = timerfd_get((int)a->arg[0], &r);
	if (!f)
		return r;
	timerfd_catch_up(f->private);
	r = timerfd_put_spec(a->arg[1], f->private);
	file_put(f);
	return r;
}
