/*
 * signalfd and signalfd4: reading pending signals through a file (VFS layer, an
 * anonymous-inode file named "[signalfd]").
 *
 * The file holds a signal mask (never SIGKILL or SIGSTOP). read takes signals of the mask
 * pending for the reading thread (its own queue first, then its process's) and returns
 * one struct signalfd_siginfo per signal, as many as the buffer holds; with none pending
 * it blocks until one is queued (EAGAIN when non-blocking). Readiness is the reader's too:
 * poll reports POLLIN while a signal of the mask is pending for the polling thread, and
 * registers on the wait queue of its signal handlers (sighand->signalfd_wqh), which
 * send_signal wakes whenever a signal is queued. The signals are normally blocked with
 * sigprocmask, or they would also be delivered the usual way.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "sig.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/signalfd.h>

#define SFD_FLAGS_ALL (SFD_CLOEXEC | SFD_NONBLOCK)

struct signalfd_ctx {
	ksigset_t mask;
};

static const struct file_operations signalfd_fops;

static ksigset_t signalfd_pending(const struct signalfd_ctx *ctx)
{
	return (current->pending.set | current->signal->shared_pending.set) & ctx->mask;
}

static bool sig_is_fault(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGTRAP;
}

/* Fill a signalfd_siginfo from a siginfo, with the fields its layout defines. */
static void signalfd_fill(struct signalfd_siginfo *s, const siginfo_t *i)
{
	int sig = i->si_signo, code = i->si_code;

	memset(s, 0, sizeof(*s));
	s->ssi_signo = (u32)sig;
	s->ssi_errno = i->si_errno;
	s->ssi_code = code;
	if (code == SI_TIMER) {
		s->ssi_tid = (u32)i->si_tid;
		s->ssi_overrun = (u32)i->si_overrun;
		s->ssi_ptr = (u64)(uintptr_t)i->si_ptr;
		s->ssi_int = i->si_int;
	} else if (sig == SIGCHLD && code > 0) {
		s->ssi_pid = (u32)i->si_pid;
		s->ssi_uid = i->si_uid;
		s->ssi_status = i->si_status;
		s->ssi_utime = (u64)i->si_utime;
		s->ssi_stime = (u64)i->si_stime;
	} else if (sig_is_fault(sig) && code > 0) {
		s->ssi_addr = sig_info_addr(i);
		s->ssi_addr_lsb = (u16)i->si_addr_lsb;
	} else if (sig == SIGPOLL && code > 0) {
		s->ssi_band = (u32)i->si_band;
		s->ssi_fd = i->si_fd;
	} else if (sig == SIGSYS && code > 0) {
		s->ssi_call_addr = (u64)(uintptr_t)i->si_call_addr;
		s->ssi_syscall = i->si_syscall;
		s->ssi_arch = i->si_arch;
	} else {
		s->ssi_pid = (u32)i->si_pid;
		s->ssi_uid = i->si_uid;
		s->ssi_ptr = (u64)(uintptr_t)i->si_ptr;
		s->ssi_int = i->si_int;
	}
}

/* Take one signal of the mask, waiting for it when wait is true: signal number or -errno. */
static long signalfd_dequeue(struct file *f, siginfo_t *info, bool wait)
{
	struct signalfd_ctx *ctx = f->private;
	long r;

	for (;;) {
		int sig = sig_dequeue(current, ctx->mask, info);

		if (sig)
			return sig;
		if (!wait)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event_interruptible(current->sighand->signalfd_wqh,
					     signalfd_pending(ctx) != 0);
		if (r)
			return r;
	}
}

static ssize_t signalfd_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct signalfd_siginfo s;
	siginfo_t info;
	ssize_t done = 0;
	long sig;

	if (to->count < sizeof(s))
		return -EINVAL;
	while (to->count >= sizeof(s)) {
		sig = signalfd_dequeue(f, &info, done == 0);
		if (sig <= 0)
			return done ? done : sig;
		signalfd_fill(&s, &info);
		if (iter_copy_to(to, &s, sizeof(s)) != sizeof(s))
			return done ? done : -EFAULT; /* the signal is lost, as on Linux */
		done += sizeof(s);
	}
	return done;
}

static unsigned signalfd_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(f, &current->sighand->signalfd_wqh, pt);
	return signalfd_pending(f->private) ? POLLIN | POLLRDNORM : 0;
}

static void signalfd_release(struct inode *inode, struct file *f)
{
	kfree(f->private);
}

static size_t signalfd_show_fdinfo(struct file *f, char *buf, size_t size)
{
	struct signalfd_ctx *ctx = f->private;

	return (size_t)ksnprintf(buf, size, "sigmask:\t%016llx\n", (unsigned long long)ctx->mask);
}

static const struct file_operations signalfd_fops = {
	.read = signalfd_read,
	.poll = signalfd_poll,
	.release = signalfd_release,
	.llseek = vfs_no_llseek,
	.show_fdinfo = signalfd_show_fdinfo,
};

static long signalfd_new(ksigset_t mask, int flags)
{
	struct signalfd_ctx *ctx = kzalloc(sizeof(*ctx));
	struct file *f;
	int fd;

	if (!ctx)
		return -ENOMEM;
	ctx->mask = mask;
	f = anon_inode_file("[signalfd]", &signalfd_fops, O_RDWR | (flags & O_NONBLOCK), ctx);
	if (IS_ERR(f)) {
		kfree(ctx);
		return PTR_ERR(f);
	}
	fd = fd_install(f, 0, flags & SFD_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long do_signalfd(int fd, uaddr_t umask, size_t size, int flags)
{
	ksigset_t mask;
	struct file *f;

	if (!IS_ENABLED(CONFIG_EVENTFDS))
		return -ENOSYS;
	if ((flags & ~SFD_FLAGS_ALL) || size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~SIG_KERNEL_ONLY;
	if (fd == -1)
		return signalfd_new(mask, flags);
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->f_op != &signalfd_fops) {
		file_put(f);
		return -EINVAL;
	}
	((struct signalfd_ctx *)f->private)->mask = mask;
	wake_up_key(&current->sighand->signalfd_wqh, POLLIN);
	file_put(f);
	return fd;
}

long sys_signalfd(const struct sc_args *a)
{
	return do_signalfd((int)a->arg[0], a->arg[1], a->arg[2], 0);
}

long sys_signalfd4(const struct sc_args *a)
{
	return do_signalfd((int)a->arg[0], a->arg[1], a->arg[2], (int)a->arg[3]);
}
