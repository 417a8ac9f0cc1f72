/*
 * Process file descriptors: pidfd_open(2) and pidfd_send_signal(2).
 *
 * A pidfd ("anon_inode:[pidfd]") names one process: its pid and its thread group (the
 * signal_struct, compared by address only, never followed), so that a pid reused by a
 * later process is not mistaken for it. poll reports POLLIN once the process has exited
 * (every thread gone: a zombie or reaped), woken by exit through pidfd_group_exited.
 * Reading a pidfd is EINVAL, as on Linux. pidfd_send_signal also takes an open /proc/PID
 * directory, as Linux does. pidfd_getfd and waitid(P_PIDFD) are not offered.
 */
#include "kernel.h"
#include "fs.h"
#include "sched.h"
#include "sig.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/poll.h>

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

struct pidfd {
	int tgid;
	const struct signal_struct *sig; /* identity only */
};

static DEFINE_WAIT_QUEUE(pidfd_wait);

void pidfd_group_exited(void)
{
	wake_up_key(&pidfd_wait, POLLIN | POLLRDNORM);
}

/* The process's leader while the process is the one p names (alive or zombie), or NULL. */
static struct task *pidfd_task(const struct pidfd *p)
{
	struct task *t = task_by_pid(p->tgid);

	return t && t->signal == p->sig && thread_group_leader(t) ? t : NULL;
}

static unsigned pidfd_poll(struct file *f, struct poll_table *pt)
{
	struct task *t = pidfd_task(f->private);

	poll_wait(f, &pidfd_wait, pt);
	return !t || !task_group_alive(t) ? POLLIN | POLLRDNORM : 0;
}

static void pidfd_release(struct inode *inode, struct file *f)
{
	kfree(f->private);
}

static const struct file_operations pidfd_fops = {
	.poll = pidfd_poll,
	.release = pidfd_release,
	.llseek = vfs_no_llseek,
};

long sys_pidfd_open(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	unsigned flags = (unsigned)a->arg[1];
	struct task *t;
	struct pidfd *p;
	struct file *f;
	long r;

	if ((flags & ~PIDFD_NONBLOCK) || pid <= 0)
		return -EINVAL;
	t = task_by_pid(pid);
	if (!t || !t->signal)
		return -ESRCH;
	if (!thread_group_leader(t))
		return -EINVAL;
	p = kmalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->tgid = t->tgid;
	p->sig = t->signal;
	f = anon_inode_file("[pidfd]", &pidfd_fops, O_RDWR | (flags & PIDFD_NONBLOCK), p);
	if (IS_ERR(f)) {
		kfree(p);
		return PTR_ERR(f);
	}
	r = fd_install(f, 0, true); /* pidfds are always close-on-exec */
	if (r < 0)
		file_put(f);
	return r;
}

long sys_pidfd_send_signal(const struct sc_args *a)
{
	int sig = (int)a->arg[1];
	uaddr_t uinfo = a->arg[2];
	struct file *f;
	struct task *t;
	siginfo_t info;
	long r;

	if (a->arg[3])
		return -EINVAL;
	if (sig < 0 || sig > KNSIG)
		return -EINVAL;
	f = fd_get((int)a->arg[0]);
	if (!f)
		return -EBADF;
	if (f->f_op == &pidfd_fops) {
		t = pidfd_task(f->private);
		r = t ? 0 : -ESRCH;
	} else {
		r = procfs_dir_pid(f);
		t = r > 0 ? task_by_pid((int)r) : NULL;
		if (r > 0)
			r = t ? 0 : -ESRCH;
	}
	if (!r && uinfo) {
		if (copy_from_user(&info, uinfo, sizeof(info)))
			r = -EFAULT;
		else if (info.si_signo != sig)
			r = -EINVAL;
		else if (t->tgid != current->tgid && (info.si_code >= 0 || info.si_code == SI_TKILL))
			r = -EPERM; /* only the kernel may claim those codes for others */
	}
	if (!r)
		r = sig_kill(t->tgid, sig, uinfo ? &info : NULL);
	file_put(f);
	return r;
}
