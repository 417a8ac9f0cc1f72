/*
 * eventfd and eventfd2: a 64-bit counter behind a file (VFS layer, an anonymous-inode
 * file named "[eventfd]").
 *
 * write adds an 8-byte value to the counter (the counter never exceeds 2^64 - 2: a write
 * that would overflow blocks, or fails with EAGAIN when non-blocking; the value 2^64 - 1 is
 * EINVAL); read returns the counter and zeroes it, or with EFD_SEMAPHORE returns 1 and
 * decrements it; a read of a zero counter blocks (EAGAIN when non-blocking). Readable when
 * the counter is not zero, writable while 1 can still be added. Both directions share one
 * wait queue, woken with the events that became true.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"

/* eventfd2 flags (Linux's values; the Debian 12 UAPI headers have no linux/eventfd.h) */
#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK
#define EFD_MAX UINT64_MAX
#define EFD_FLAGS_ALL (EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)

struct eventfd_ctx {
	u64 count;
	bool semaphore;
	unsigned id;
	struct wait_queue_head wq;
};

static unsigned eventfd_next_id;

static ssize_t eventfd_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct eventfd_ctx *ctx = f->private;
	u64 v;

	if (to->count < sizeof(v))
		return -EINVAL;
	if (!ctx->count) {
		long r;

		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event_interruptible(ctx->wq, ctx->count != 0);
		if (r)
			return r;
	}
	v = ctx->semaphore ? 1 : ctx->count;
	if (iter_copy_to(to, &v, sizeof(v)) != sizeof(v))
		return -EFAULT;
	ctx->count -= v;
	wake_up_key(&ctx->wq, POLLOUT | POLLWRNORM);
	return sizeof(v);
}

static ssize_t eventfd_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct eventfd_ctx *ctx = f->private;
	u64 v;

	if (from->count < sizeof(v))
		return -EINVAL;
	if (iter_copy_from(&v, from, sizeof(v)) != sizeof(v))
		return -EFAULT;
	if (v == EFD_MAX)
		return -EINVAL;
	if (EFD_MAX - ctx->count <= v) {
		long r;

		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event_interruptible(ctx->wq, EFD_MAX - ctx->count > v);
		if (r)
			return r;
	}
	ctx->count += v;
	if (ctx->count)
		wake_up_key(&ctx->wq, POLLIN | POLLRDNORM);
	return sizeof(v);
}

static unsigned eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd_ctx *ctx = f->private;
	unsigned mask = 0;

	poll_wait(f, &ctx->wq, pt);
	if (ctx->count)
		mask |= POLLIN | POLLRDNORM;
	if (ctx->count == EFD_MAX)
		mask |= POLLERR;
	if (EFD_MAX - 1 > ctx->count)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static void eventfd_release(struct inode *inode, struct file *f)
{
	kfree(f->private);
}

static size_t eventfd_show_fdinfo(struct file *f, char *buf, size_t size)
{
	struct eventfd_ctx *ctx = f->private;

	return (size_t)ksnprintf(buf, size, "eventfd-count: %16llx\neventfd-id: %u\n"
				 "eventfd-semaphore: %d\n", (unsigned long long)ctx->count,
				 ctx->id, ctx->semaphore);
}

static const struct file_operations eventfd_fops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.release = eventfd_release,
	.llseek = vfs_no_llseek,
	.show_fdinfo = eventfd_show_fdinfo,
};

static long do_eventfd(unsigned count, int flags)
{
	struct eventfd_ctx *ctx;
	struct file *f;
	int fd;

	if (!IS_ENABLED(CONFIG_EVENTFDS))
		return -ENOSYS;
	if (flags & ~EFD_FLAGS_ALL)
		return -EINVAL;
	ctx = kzalloc(sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->count = count;
	ctx->semaphore = flags & EFD_SEMAPHORE;
	ctx->id = eventfd_next_id++;
	wait_queue_init(&ctx->wq);
	f = anon_inode_file("[eventfd]", &eventfd_fops, O_RDWR | (flags & O_NONBLOCK), ctx);
	if (IS_ERR(f)) {
		kfree(ctx);
		return PTR_ERR(f);
	}
	fd = fd_install(f, 0, flags & EFD_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_eventfd(const struct sc_args *a)
{
	return do_eventfd((unsigned)a->arg[0], 0);
}

long sys_eventfd2(const struct sc_args *a)
{
	return do_eventfd((unsigned)a->arg[0], (int)a->arg[1]);
}
