/*
 * The generic half of every tty (tty_dev.h): receiving input into the line discipline,
 * and read, write and poll as the console and the pty slaves share them. Layer: between
 * the tty drivers (console.c, pty.c), which supply struct tty_ops (where output goes, how
 * much it may take, who waits for input room), and the line discipline (tty.c).
 *
 * Reads follow the termios: whole lines in canonical mode, VMIN/VTIME otherwise; a read
 * by a background process group gets SIGTTIN (tty_job_check). When the input has ended
 * (tty->eof) readers get what is buffered and then end of file; on a hung-up tty (a pty
 * whose master closed) reads return 0 at once and writes -EIO, as Linux's hung-up files.
 *
 * Writes are processed by the line discipline (OPOST) in chunks into one buffer, which
 * the driver's ->out takes; a writer waits while output is stopped (VSTOP, TCOOFF) or the
 * driver has no room. Everything runs on the kernel's single thread: no locks.
 */
#include "kernel.h"
#include "console.h"
#include "fs.h"
#include "sched.h"
#include "sig.h"
#include "slab.h"
#include "task.h"
#include "tty_dev.h"

#define DECISECOND_NS 100000000ULL
#define WRITE_CHUNK 512     /* bytes copied from the writer at a time */
#define WRITE_OUT_MAX 16384 /* processed output held for one ->out call */

/* A sink handing its contents to the driver when full and when flushed. */
struct tty_sink {
	struct ldisc_sink sink;
	struct tty *tty;
	long err; /* first ->out error */
};

static void tty_sink_flush(struct ldisc_sink *s)
{
	struct tty_sink *o = s->priv;
	long r;

	if (s->len) {
		r = o->tty->ops->out(o->tty, s->buf, s->len);
		if (r < 0 && !o->err)
			o->err = r;
	}
	s->len = 0;
}

static void tty_sink_init(struct tty_sink *o, struct tty *tty, char *buf, size_t cap)
{
	o->sink = (struct ldisc_sink){ .buf = buf, .cap = cap, .flush = tty_sink_flush, .priv = o };
	o->tty = tty;
	o->err = 0;
}

u32 tty_devnum(const struct tty *tty)
{
	return tty->devnum;
}

int tty_fg_pgrp(const struct tty *tty)
{
	return tty->pgrp;
}

void tty_signal_fg(struct tty *tty, int sig)
{
	if (tty->pgrp > 0)
		sig_send_pgrp(tty->pgrp, sig, NULL);
}

void tty_receive(struct tty *tty, const unsigned char *buf, size_t n)
{
	char ebuf[256];
	struct tty_sink o;
	u64 sigs;
	int sig;

	tty_sink_init(&o, tty, ebuf, sizeof(ebuf));
	sigs = ldisc_receive(&tty->ld, buf, n, &o.sink);
	tty_sink_flush(&o.sink);
	for (sig = 1; sig <= KNSIG; sig++)
		if (sigs & sigmask(sig))
			tty_signal_fg(tty, sig);
	wake_up(&tty->read_wait);
	if (!tty->ld.stopped)
		wake_up(&tty->write_wait);
}

/* ---- reading */

/*
 * Sleep on read_wait until woken or until deadline (ns, 0: none). Returns 0 when woken,
 * 1 at the deadline, -ERESTARTSYS for a signal.
 */
static int tty_wait_input(struct tty *tty, u64 deadline)
{
	struct wait_entry we = { .task = current };
	int r = 0;

	wait_add(&tty->read_wait, &we);
	if (deadline) {
		r = schedule_until(deadline);
		r = r == 0 ? 1 : (r < 0 ? r : 0);
	} else {
		task_set_state(current, TASK_INTERRUPTIBLE);
		if (!signal_pending(current))
			schedule();
		task_set_state(current, TASK_RUNNING);
		if (signal_pending(current))
			r = -ERESTARTSYS;
	}
	wait_remove(&we);
	return r;
}

/* Move input to the reader: at most one line in canonical mode. Bytes, or -EFAULT. */
static long copy_input(struct tty *tty, struct iov_iter *to)
{
	unsigned char kbuf[256];
	size_t total = 0, n, c;
	bool done = false;
	long err = 0;

	while (to->count && !done) {
		n = ldisc_read(&tty->ld, kbuf, min(sizeof(kbuf), to->count), &done);
		if (!n)
			break;
		c = iter_copy_to(to, kbuf, n);
		total += c;
		if (c < n) {
			err = -EFAULT;
			break;
		}
	}
	if (tty->ops->input_taken)
		tty->ops->input_taken(tty);
	return total ? (long)total : err;
}

/*
 * One attempt at a read with the current termios: 1 when the read is complete (with
 * *copied bytes, 0 at end of file), 0 when it has to wait, -EFAULT. Non-canonical reads
 * follow VMIN/VTIME; *deadline is the VTIME timer (0: none).
 */
static int read_some(struct tty *tty, struct iov_iter *to, size_t *copied, u64 *deadline)
{
	const cc_t *cc = tty->ld.termios.c_cc;
	long n;

	if (tty->ld.termios.c_lflag & ICANON) {
		if (!ldisc_read_ready(&tty->ld))
			return tty->eof ? 1 : 0;
		n = copy_input(tty, to);
		if (n < 0)
			return (int)n;
		*copied += (size_t)n;
		return 1;
	}
	if (ldisc_chars_readable(&tty->ld)) {
		n = copy_input(tty, to);
		if (n < 0)
			return (int)n;
		*copied += (size_t)n;
		if (!to->count || *copied >= (cc[VMIN] ? cc[VMIN] : 1u))
			return 1;
		if (cc[VTIME])
			*deadline = ktime_now() + cc[VTIME] * DECISECOND_NS;
		return 0;
	}
	if (tty->eof || (!cc[VMIN] && !cc[VTIME]))
		return 1;
	return 0;
}

ssize_t tty_read(struct tty *tty, struct file *f, struct iov_iter *to)
{
	const struct termios *t = &tty->ld.termios;
	size_t copied = 0;
	u64 deadline = 0;
	int r;

	if (!to->count)
		return 0;
	if (!(t->c_lflag & ICANON) && !t->c_cc[VMIN] && t->c_cc[VTIME])
		deadline = ktime_now() + t->c_cc[VTIME] * DECISECOND_NS;
	for (;;) {
		if (tty->hungup)
			return (ssize_t)copied;
		r = tty_job_check(tty, SIGTTIN);
		if (r)
			return copied ? (ssize_t)copied : r;
		r = read_some(tty, to, &copied, &deadline);
		if (r)
			return copied ? (ssize_t)copied : (r < 0 ? r : 0);
		if (f->flags & O_NONBLOCK)
			return copied ? (ssize_t)copied : -EAGAIN;
		r = tty_wait_input(tty, deadline);
		if (r)
			return copied ? (ssize_t)copied : (r < 0 ? r : 0);
	}
}

/* ---- writing */

static bool tty_writable(struct tty *tty)
{
	return tty->hungup || (!tty->ld.stopped && tty->ops->write_room(tty));
}

/* Wait until output may go on: 0, -EIO (hung up), -EAGAIN or -ERESTARTSYS. */
static long wait_writable(struct tty *tty, struct file *f)
{
	long r;

	if (!tty_writable(tty)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event_interruptible(tty->write_wait, tty_writable(tty));
		if (r)
			return r;
	}
	return tty->hungup ? -EIO : 0;
}

/* Process and hand over one chunk of at most room bytes: bytes taken, or -EFAULT. */
static long write_chunk(struct tty *tty, struct iov_iter *from, size_t room, struct tty_sink *o)
{
	unsigned char in[WRITE_CHUNK];
	size_t want = min(min(from->count, sizeof(in)), room), got;

	got = iter_copy_from(in, from, want);
	ldisc_output(&tty->ld, in, got, &o->sink);
	if (room != SIZE_MAX)
		tty_sink_flush(&o->sink); /* the driver counts its room in what it holds */
	return got ? (long)got : -EFAULT;
}

ssize_t tty_write(struct tty *tty, struct file *f, struct iov_iter *from)
{
	char fallback[256], *out;
	size_t done = 0, cap;
	struct tty_sink o;
	long r = 0;

	if (!from->count)
		return 0;
	if (tty->hungup)
		return -EIO;
	if (tty->ld.termios.c_lflag & TOSTOP) {
		r = tty_job_check(tty, SIGTTOU);
		if (r)
			return r;
	}
	cap = min(from->count * 2 + 64, (size_t)WRITE_OUT_MAX);
	out = kmalloc(cap);
	if (out)
		tty_sink_init(&o, tty, out, cap);
	else
		tty_sink_init(&o, tty, fallback, sizeof(fallback));
	while (from->count) {
		r = wait_writable(tty, f);
		if (r)
			break;
		r = write_chunk(tty, from, tty->ops->write_room(tty), &o);
		if (r < 0)
			break;
		done += (size_t)r;
	}
	tty_sink_flush(&o.sink);
	kfree(out);
	if (o.err)
		return done ? (ssize_t)done : -EIO;
	return done ? (ssize_t)done : r;
}

/* ---- poll */

unsigned tty_poll(struct tty *tty, struct file *f, struct poll_table *pt)
{
	unsigned mask = 0;

	poll_wait(f, &tty->read_wait, pt);
	poll_wait(f, &tty->write_wait, pt);
	if (tty->hungup)
		return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLHUP | POLLERR;
	if (ldisc_read_ready(&tty->ld) || tty->eof)
		mask |= POLLIN | POLLRDNORM;
	if (tty->ops->write_room(tty))
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}
