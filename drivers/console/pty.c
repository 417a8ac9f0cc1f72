/*
 * Pseudo-terminals: /dev/ptmx (5:2) opens a master; its slave is /dev/pts/N on devpts
 * (kernel/fs/devpts). Layer: a tty driver beside the console. The slave is a struct tty
 * with the same line discipline and generic read/write/poll as the console (tty_io.c,
 * tty.c); the master is the other end of the wire: what it writes is the slave's input
 * (tty_receive: echo, signals, line editing), and the slave's processed output and echo
 * wait in a ring buffer for the master to read.
 *
 * Life cycle: ptmx open allocates the pair, an index and the node (locked until
 * TIOCSPTLCK 0, as glibc's unlockpt does). Closing the master hangs the slave up (reads 0,
 * writes -EIO; SIGHUP and SIGCONT to the session leader and the foreground group, no
 * controlling terminal any more) and removes the node; once the last slave file is closed
 * too the pair and its index go. Master reads give -EIO when the slave was opened and all
 * its files are closed again (after what was buffered), as Linux's.
 *
 * ioctls on the master: the pty ones (TIOCGPTN, TIOCSPTLCK, TIOCGPTLCK, TIOCGPTPEER,
 * TIOCPKT, TIOCGPKT, TIOCSIG), its own queues (FIONREAD, TIOCOUTQ, TCFLSH), and the
 * terminal ones act on the slave, as in Linux (termios, window size, process groups).
 * Packet mode is accepted and reported; each master read then starts with a
 * TIOCPKT_DATA byte (no control packets are made).
 */
#include "kernel.h"
#include "devpts.h"
#include "fs.h"
#include "sched.h"
#include "sig.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"
#include "tty_dev.h"

#include <asm/ioctls.h>

#define TTYAUX_MAJOR 5
#define PTMX_MINOR 2
#define PTY_SLAVE_MAJORS (DEVPTS_MAX_PTYS / 256)
#define PTY_RING 16384      /* slave output waiting for the master */
#define PTY_RING_SOFT 12288 /* slave writers wait beyond this (room for OPOST expansion) */

struct pty {
	struct tty slave;
	unsigned char ring[PTY_RING]; /* slave output; [rtail, rhead) free-running */
	unsigned rhead, rtail;
	struct wait_queue_head master_wait; /* master readers, writers and pollers */
	struct devpts *devpts;
	int index;
	int slave_opens;   /* open slave files */
	bool master_open;
	bool slave_closed; /* the slave was open and its last file closed */
	bool locked;       /* TIOCSPTLCK: the slave cannot be opened */
	bool packet;       /* TIOCPKT */
};

static const struct file_operations pts_fops;

static struct pty *tty_pty(struct tty *tty)
{
	return container_of(tty, struct pty, slave);
}

static unsigned ring_used(const struct pty *p)
{
	return p->rhead - p->rtail;
}

/* ---- struct tty_ops of the slave */

/* Processed slave output for the master; beyond the ring's end it is dropped (echo). */
static long pty_out(struct tty *tty, const char *buf, size_t n)
{
	struct pty *p = tty_pty(tty);

	for (size_t i = 0; i < n && ring_used(p) < PTY_RING; i++)
		p->ring[p->rhead++ % PTY_RING] = (unsigned char)buf[i];
	wake_up(&p->master_wait);
	return 0;
}

static size_t pty_write_room(struct tty *tty)
{
	struct pty *p = tty_pty(tty);

	return ring_used(p) < PTY_RING_SOFT ? PTY_RING_SOFT - ring_used(p) : 0;
}

static void pty_input_taken(struct tty *tty)
{
	wake_up(&tty_pty(tty)->master_wait);
}

static const struct tty_ops pty_ops = {
	.out = pty_out,
	.write_room = pty_write_room,
	.input_taken = pty_input_taken,
};

/* ---- the pair */

static void pty_free_if_unused(struct pty *p)
{
	if (p->master_open || p->slave_opens)
		return;
	tty_clear_ctty(&p->slave);
	devpts_free_index(p->devpts, p->index);
	kfree(p);
}

/* The master closed: hang the slave up (Linux's tty_vhangup of the slave). */
static void pty_hangup(struct pty *p)
{
	struct tty *tty = &p->slave;
	struct task *leader = tty->session > 0 ? task_by_pid(tty->session) : NULL;

	tty->hungup = true;
	if (leader) {
		sig_send_process(leader, SIGHUP, NULL);
		sig_send_process(leader, SIGCONT, NULL);
	}
	if (tty->pgrp > 0 && tty->pgrp != tty->session) {
		sig_send_pgrp(tty->pgrp, SIGHUP, NULL);
		sig_send_pgrp(tty->pgrp, SIGCONT, NULL);
	}
	tty_clear_ctty(tty);
	wake_up(&tty->read_wait);
	wake_up(&tty->write_wait);
}

static int ptmx_open(struct inode *inode, struct file *f)
{
	struct devpts *d = devpts_of_inode(inode);
	struct pty *p;
	int r;

	if (!d)
		return -ENOMEM;
	p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	INIT_LIST_HEAD(&p->slave.read_wait.head);
	INIT_LIST_HEAD(&p->slave.write_wait.head);
	INIT_LIST_HEAD(&p->master_wait.head);
	ldisc_init(&p->slave.ld, false);
	p->slave.ops = &pty_ops;
	p->index = devpts_alloc_index(d, p);
	if (p->index < 0) {
		kfree(p);
		return -ENOSPC;
	}
	p->devpts = d;
	p->slave.devnum = MKDEV(PTY_SLAVE_MAJOR + p->index / 256, p->index % 256);
	r = devpts_add_node(d, p->index);
	if (r < 0) {
		devpts_free_index(d, p->index);
		kfree(p);
		return r;
	}
	p->locked = true;
	p->master_open = true;
	f->private = p;
	return 0;
}

static void ptm_release(struct inode *inode, struct file *f)
{
	struct pty *p = f->private;

	p->master_open = false;
	devpts_remove_node(p->devpts, p->index);
	pty_hangup(p);
	pty_free_if_unused(p);
}

/* ---- master reads and writes */

static ssize_t ring_copy_out(struct pty *p, struct iov_iter *to)
{
	size_t done = 0, data;
	bool fault = false;

	if (p->packet) {
		unsigned char kind = TIOCPKT_DATA;

		if (iter_copy_to(to, &kind, 1) != 1)
			return -EFAULT;
		done = 1;
	}
	data = done;
	while (to->count && ring_used(p)) {
		unsigned off = p->rtail % PTY_RING;
		size_t chunk = min(min((size_t)ring_used(p), (size_t)(PTY_RING - off)), to->count);
		size_t c = iter_copy_to(to, &p->ring[off], chunk);

		p->rtail += (unsigned)c;
		done += c;
		if (c < chunk) {
			fault = true;
			break;
		}
	}
	wake_up(&p->slave.write_wait);
	return fault && done == data ? -EFAULT : (ssize_t)done;
}

static ssize_t ptm_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct pty *p = f->private;
	long r;

	if (!to->count)
		return 0;
	for (;;) {
		if (ring_used(p))
			return ring_copy_out(p, to);
		if (p->slave_closed)
			return -EIO;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event_interruptible(p->master_wait, ring_used(p) || p->slave_closed);
		if (r)
			return r;
	}
}

static ssize_t ptm_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct pty *p = f->private;
	struct ldisc *ld = &p->slave.ld;
	unsigned char buf[256];
	size_t done = 0, want, got;
	long r;

	while (from->count) {
		size_t room = ldisc_input_room(ld);

		if (!room) {
			if (done)
				break;
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			r = wait_event_interruptible(p->master_wait, ldisc_input_room(ld) > 0);
			if (r)
				return r;
			continue;
		}
		want = min(min(from->count, sizeof(buf)), room);
		got = iter_copy_from(buf, from, want);
		if (got)
			tty_receive(&p->slave, buf, got);
		done += got;
		if (got < want)
			return done ? (ssize_t)done : -EFAULT;
	}
	return (ssize_t)done;
}

static unsigned ptm_poll(struct file *f, struct poll_table *pt)
{
	struct pty *p = f->private;
	unsigned mask = 0;

	poll_wait(f, &p->master_wait, pt);
	if (ring_used(p))
		mask |= POLLIN | POLLRDNORM;
	if (p->slave_closed)
		mask |= POLLHUP;
	if (ldisc_input_room(&p->slave.ld))
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

/* ---- master ioctls */

/* TIOCGPTPEER: open the slave (flags as open(2)'s) on a new descriptor. */
static long pty_open_peer(struct pty *p, u64 arg)
{
	int flags = (int)arg, fd;
	struct file *f;

	if (flags & ~(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	f = devpts_open_node(p->devpts, p->index, flags);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* TIOCSIG: the signal as if its character were typed (SIGINT, SIGQUIT, SIGTSTP). */
static long pty_signal(struct pty *p, u64 arg)
{
	if (arg != SIGINT && arg != SIGQUIT && arg != SIGTSTP)
		return -EINVAL;
	if (!(p->slave.ld.termios.c_lflag & NOFLSH))
		ldisc_flush_input(&p->slave.ld);
	tty_signal_fg(&p->slave, (int)arg);
	return 0;
}

static long ptm_flush(struct pty *p, u64 arg)
{
	if (arg != TCIFLUSH && arg != TCOFLUSH && arg != TCIOFLUSH)
		return -EINVAL;
	if (arg != TCOFLUSH) {
		p->rtail = p->rhead;
		wake_up(&p->slave.write_wait);
	}
	if (arg != TCIFLUSH) {
		ldisc_flush_input(&p->slave.ld);
		wake_up(&p->master_wait);
	}
	return 0;
}

static long ptm_set_flag(bool *flag, u64 arg)
{
	int v;

	if (get_user(v, arg))
		return -EFAULT;
	*flag = v != 0;
	return 0;
}

static long ptm_winsize(struct pty *p, u64 arg)
{
	struct winsize ws;

	if (copy_from_user(&ws, arg, sizeof(ws)))
		return -EFAULT;
	tty_resize(&p->slave, &ws);
	return 0;
}

static long ptm_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct pty *p = f->private;
	struct tty *tty = &p->slave;

	switch (cmd) {
	case TIOCGPTN:
		return put_user((unsigned)p->index, arg) ? -EFAULT : 0;
	case TIOCSPTLCK:
		return ptm_set_flag(&p->locked, arg);
	case TIOCGPTLCK:
		return put_user((int)p->locked, arg) ? -EFAULT : 0;
	case TIOCPKT:
		return ptm_set_flag(&p->packet, arg);
	case TIOCGPKT:
		return put_user((int)p->packet, arg) ? -EFAULT : 0;
	case TIOCGPTPEER:
		return pty_open_peer(p, arg);
	case TIOCSIG:
		return pty_signal(p, arg);
	case FIONREAD:
		return put_user((int)ring_used(p), arg) ? -EFAULT : 0;
	case TIOCOUTQ:
		return put_user((int)(tty->ld.head - tty->ld.tail), arg) ? -EFAULT : 0;
	case TCFLSH:
		return ptm_flush(p, arg);
	case TIOCSWINSZ:
		return ptm_winsize(p, arg);
	case TIOCGPGRP:
		return put_user((int)tty->pgrp, arg) ? -EFAULT : 0;
	case TIOCGSID:
		if (!tty->session)
			return -ENOTTY;
		return put_user((int)tty->session, arg) ? -EFAULT : 0;
	case TIOCSCTTY:
	case TIOCNOTTY:
	case TIOCSTI:
		return -EINVAL; /* the master is never a controlling terminal here */
	}
	return tty_ioctl(tty, f, cmd, arg); /* termios and the rest: the slave's */
}

static loff_t pty_llseek(struct file *f, loff_t off, int whence)
{
	return -ESPIPE;
}

static const struct file_operations ptm_fops = {
	.open = ptmx_open,
	.release = ptm_release,
	.read = ptm_read,
	.write = ptm_write,
	.llseek = pty_llseek,
	.ioctl = ptm_ioctl,
	.poll = ptm_poll,
};

/* ---- the slave */

/* A new slave file on f; noctty: never make it the controlling terminal. */
static int slave_attach(struct pty *p, struct file *f, bool noctty)
{
	struct signal_struct *s = current->signal;
	struct tty *tty = &p->slave;

	if (!p->master_open || tty->hungup)
		return -EIO;
	f->f_op = &pts_fops;
	f->private = p;
	p->slave_opens++;
	p->slave_closed = false;
	if (!noctty && s && s->sid == current->tgid && !s->tty && !tty->session)
		tty_set_ctty(tty);
	return 0;
}

static int pts_open(struct inode *inode, struct file *f)
{
	int idx = (int)((MAJOR(inode->rdev) - PTY_SLAVE_MAJOR) * 256 + MINOR(inode->rdev));
	struct devpts *d = devpts_of_inode(inode);
	struct pty *p = d ? devpts_lookup(d, idx) : NULL;

	if (!p || p->locked)
		return -EIO;
	return slave_attach(p, f, f->flags & O_NOCTTY);
}

int pty_reopen_slave(struct tty *tty, struct file *f)
{
	if (tty->ops != &pty_ops)
		return -ENXIO;
	return slave_attach(tty_pty(tty), f, true);
}

static void pts_release(struct inode *inode, struct file *f)
{
	struct pty *p = f->private;

	if (--p->slave_opens == 0) {
		p->slave_closed = true;
		wake_up(&p->master_wait);
	}
	pty_free_if_unused(p);
}

static ssize_t pts_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct pty *p = f->private;

	return tty_read(&p->slave, f, to);
}

static ssize_t pts_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct pty *p = f->private;

	return tty_write(&p->slave, f, from);
}

static unsigned pts_poll(struct file *f, struct poll_table *pt)
{
	struct pty *p = f->private;

	return tty_poll(&p->slave, f, pt);
}

static long pts_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct pty *p = f->private;

	switch (cmd) {
	case TIOCGPTN:
		return put_user((unsigned)p->index, arg) ? -EFAULT : 0;
	case TIOCOUTQ:
		return put_user((int)ring_used(p), arg) ? -EFAULT : 0;
	}
	return tty_ioctl(&p->slave, f, cmd, arg);
}

static const struct file_operations pts_fops = {
	.open = pts_open,
	.release = pts_release,
	.read = pts_read,
	.write = pts_write,
	.llseek = pty_llseek,
	.ioctl = pts_ioctl,
	.poll = pts_poll,
};

int pty_register_devices(void)
{
	int r;

	if (!IS_ENABLED(CONFIG_DEVPTS))
		return 0;
	r = chrdev_register(TTYAUX_MAJOR, PTMX_MINOR, 1, "ptmx", &ptm_fops);
	for (int i = 0; !r && i < PTY_SLAVE_MAJORS; i++)
		r = chrdev_register(PTY_SLAVE_MAJOR + i, 0, 256, "pts", &pts_fops);
	return r;
}
