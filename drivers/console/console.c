/*
 * The console: the guest's /dev/console (and /dev/tty, /dev/tty0, /dev/tty1), one struct
 * tty over the host's stdin (fd 0) and stdout (fd 1). Layer: a tty driver; the byte
 * processing is the line discipline (tty.c), the ioctls and sessions are tty_ioctl.c, the
 * host is reached only through os.h.
 *
 * Two ways to run (console_init): with a terminal on stdin, the host terminal goes to raw
 * mode and the line discipline does canonical input, echo and the job-control characters
 * with Linux's default console termios; otherwise (pipes, files) it starts with a termios
 * that passes bytes through, and the host's SIGINT becomes a SIGINT to the foreground job
 * (console_host_interrupt).
 *
 * Input: the idle loop waits on console_host_fd() and calls console_poll(), as does every
 * timer tick; console_poll takes what the host has (never more than the line discipline
 * has room for, so the rest waits at the host) and wakes readers. When host stdin ends,
 * readers get what is buffered and then end of file, and console_host_fd() returns -1 so
 * the idle loop does not spin on it.
 *
 * Output: a write is processed by the line discipline (OPOST) into one buffer and sent
 * with one host write (writes of more than WRITE_OUT_MAX processed bytes take several).
 * Echo is written once per console_poll batch.
 *
 * Everything runs on the kernel's single thread (kernel/sched.c): no locks; a reader
 * checks its condition and queues itself on read_wait with nothing in between.
 */
#include "kernel.h"
#include "console.h"
#include "fs.h"
#include "os.h"
#include "printk.h"
#include "sched.h"
#include "sig.h"
#include "slab.h"
#include "task.h"
#include "tty_dev.h"

#include <linux/major.h>

#define DECISECOND_NS 100000000ULL
#define WRITE_CHUNK 512      /* bytes copied from the writer at a time */
#define WRITE_OUT_MAX 16384  /* processed output held for one host write */

static struct tty console = {
	.read_wait = { LIST_HEAD_INIT(console.read_wait.head) },
	.write_wait = { LIST_HEAD_INIT(console.write_wait.head) },
	.in_fd = 0,
	.out_fd = 1,
};

/* A sink that sends its contents to a host descriptor when full and when flushed. */
struct host_out {
	struct ldisc_sink sink;
	int fd;
	long err; /* first host write error */
};

static void host_flush(struct ldisc_sink *s)
{
	struct host_out *o = s->priv;
	long r;

	if (s->len) {
		r = os_write_all(o->fd, s->buf, s->len);
		if (r < 0 && !o->err)
			o->err = r;
	}
	s->len = 0;
}

static void host_out_init(struct host_out *o, int fd, char *buf, size_t cap)
{
	o->sink = (struct ldisc_sink){ .buf = buf, .cap = cap, .flush = host_flush, .priv = o };
	o->fd = fd;
	o->err = 0;
}

static bool host_winsize(struct tty *tty, struct winsize *ws)
{
	unsigned short rows, cols;

	if (os_tty_winsize(tty->in_fd, &rows, &cols) < 0 &&
	    os_tty_winsize(tty->out_fd, &rows, &cols) < 0)
		return false;
	*ws = (struct winsize){ .ws_row = rows, .ws_col = cols };
	return true;
}

void tty_signal_fg(struct tty *tty, int sig)
{
	if (tty->pgrp > 0)
		sig_send_pgrp(tty->pgrp, sig, NULL);
}

void tty_receive(struct tty *tty, const unsigned char *buf, size_t n)
{
	char ebuf[256];
	struct host_out o;
	u64 sigs;
	int sig;

	host_out_init(&o, tty->out_fd, ebuf, sizeof(ebuf));
	sigs = ldisc_receive(&tty->ld, buf, n, &o.sink);
	host_flush(&o.sink);
	for (sig = 1; sig <= KNSIG; sig++)
		if (sigs & sigmask(sig))
			tty_signal_fg(tty, sig);
	wake_up(&tty->read_wait);
	if (!tty->ld.stopped)
		wake_up(&tty->write_wait);
}

/* ---- console.h: the host side */

int console_init(void)
{
	struct tty *tty = &console;
	char probe;

	tty->host_tty = false;
	if (IS_ENABLED(CONFIG_CONSOLE_LDISC) && os_isatty(tty->in_fd) == 1 &&
	    os_tty_raw(tty->in_fd) == 0)
		tty->host_tty = true;
	printk_crlf = tty->host_tty;
	ldisc_init(&tty->ld, !tty->host_tty);
	if (!host_winsize(tty, &tty->winsize))
		tty->winsize = (struct winsize){ 0 };
	tty->pgrp = tty->session = 0;
	/* a closed stdin is at end of file (polling it would never block) */
	tty->host_eof = os_read(tty->in_fd, &probe, 0) == -EBADF;
	tty->devnum = MKDEV(TTY_MAJOR, 1);
	tty->ready = true;
	return 0;
}

int console_host_fd(void)
{
	struct tty *tty = &console;

	if (!tty->ready || tty->host_eof || !ldisc_input_room(&tty->ld))
		return -1;
	return tty->in_fd;
}

/* Host stdin is at its end. A partial canonical line still reaches readers, as if ^D. */
static void host_input_ended(struct tty *tty)
{
	struct ldisc *ld = &tty->ld;
	unsigned char eof = ld->termios.c_cc[VEOF];

	tty->host_eof = true;
	if ((ld->termios.c_lflag & ICANON) && eof && ld->head != ld->canon_head) {
		ld->lnext = false;
		ldisc_receive(ld, &eof, 1, NULL);
	}
	wake_up(&tty->read_wait);
}

void console_poll(void)
{
	struct tty *tty = &console;
	unsigned char buf[256];
	int round;

	if (!tty->ready || tty->host_eof)
		return;
	for (round = 0; round < 16; round++) {
		size_t room = ldisc_input_room(&tty->ld);
		long n;

		if (!room || os_fd_readable(tty->in_fd) <= 0)
			return;
		n = os_read(tty->in_fd, buf, min(room, sizeof(buf)));
		if (n == -EAGAIN)
			return;
		if (n <= 0) {
			host_input_ended(tty); /* a host error ends it as well */
			return;
		}
		tty_receive(tty, buf, (size_t)n);
	}
}

void console_host_interrupt(void)
{
	tty_signal_fg(&console, SIGINT);
}

void console_host_winch(void)
{
	struct tty *tty = &console;
	struct winsize ws;

	if (!host_winsize(tty, &ws))
		return;
	if (ws.ws_row == tty->winsize.ws_row && ws.ws_col == tty->winsize.ws_col)
		return;
	tty->winsize = ws;
	tty_signal_fg(tty, SIGWINCH);
}

void console_write_kernel(const char *s, size_t len)
{
	char buf[256];
	size_t i, n = 0;

	if (!console.host_tty) {
		os_write_all(console.out_fd, s, len);
		return;
	}
	/* the host terminal is raw: a line feed needs its carriage return */
	for (i = 0; i < len; i++) {
		if (n + 2 > sizeof(buf)) {
			os_write_all(console.out_fd, buf, n);
			n = 0;
		}
		if (s[i] == '\n')
			buf[n++] = '\r';
		buf[n++] = s[i];
	}
	if (n)
		os_write_all(console.out_fd, buf, n);
}

void console_shutdown(void)
{
	printk_crlf = false;
	os_tty_restore();
}

struct tty *console_tty(void)
{
	return &console;
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

	while (to->count && !done) {
		n = ldisc_read(&tty->ld, kbuf, min(sizeof(kbuf), to->count), &done);
		if (!n)
			break;
		c = iter_copy_to(to, kbuf, n);
		total += c;
		if (c < n)
			return total ? (long)total : -EFAULT;
	}
	return (long)total;
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
			return tty->host_eof ? 1 : 0;
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
	if (tty->host_eof || (!cc[VMIN] && !cc[VTIME]))
		return 1;
	return 0;
}

static ssize_t console_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct tty *tty = &console;
	const struct termios *t = &tty->ld.termios;
	size_t copied = 0;
	u64 deadline = 0;
	int r;

	if (!to->count)
		return 0;
	if (!(t->c_lflag & ICANON) && !t->c_cc[VMIN] && t->c_cc[VTIME])
		deadline = ktime_now() + t->c_cc[VTIME] * DECISECOND_NS;
	for (;;) {
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

static long wait_output_started(struct tty *tty, struct file *f)
{
	if (!tty->ld.stopped)
		return 0;
	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	return wait_event_interruptible(tty->write_wait, !tty->ld.stopped);
}

static ssize_t console_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct tty *tty = &console;
	unsigned char in[WRITE_CHUNK];
	char fallback[256], *out;
	size_t done = 0, want, got, cap;
	struct host_out o;
	long r;

	if (!from->count)
		return 0;
	if (tty->host_hup)
		return -EIO;
	if (tty->ld.termios.c_lflag & TOSTOP) {
		r = tty_job_check(tty, SIGTTOU);
		if (r)
			return r;
	}
	r = wait_output_started(tty, f);
	if (r)
		return r;
	cap = min(from->count * 2 + 64, (size_t)WRITE_OUT_MAX);
	out = kmalloc(cap);
	if (out)
		host_out_init(&o, tty->out_fd, out, cap);
	else
		host_out_init(&o, tty->out_fd, fallback, sizeof(fallback));
	while (from->count) {
		want = min(from->count, sizeof(in));
		got = iter_copy_from(in, from, want);
		ldisc_output(&tty->ld, in, got, &o.sink);
		done += got;
		if (got < want)
			break;
	}
	host_flush(&o.sink);
	kfree(out);
	if (o.err == -EPIPE && !tty->host_hup) {
		/*
		 * Nobody reads the host side any more (umlite | head): hang up, as a terminal
		 * that goes away does, rather than let a writer that ignores EIO spin forever.
		 */
		tty->host_hup = true;
		tty_signal_fg(tty, SIGHUP);
		tty_signal_fg(tty, SIGCONT);
	}
	if (o.err)
		return -EIO;
	return done ? (ssize_t)done : -EFAULT;
}

/* ---- the rest of the file operations */

static unsigned console_fop_poll(struct file *f, struct poll_table *pt)
{
	struct tty *tty = &console;
	unsigned mask = POLLOUT | POLLWRNORM;

	poll_wait(f, &tty->read_wait, pt);
	poll_wait(f, &tty->write_wait, pt);
	if (ldisc_read_ready(&tty->ld) || tty->host_eof)
		mask |= POLLIN | POLLRDNORM;
	return mask;
}

static long console_fop_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	return tty_ioctl(&console, f, cmd, arg);
}

static loff_t console_llseek(struct file *f, loff_t off, int whence)
{
	return -ESPIPE;
}

/*
 * /dev/tty is the caller's controlling terminal (-ENXIO without one; the console is the
 * only terminal so far). Opening the console itself makes it the controlling terminal of
 * a session leader that has none, unless O_NOCTTY or write-only.
 */
static int console_open(struct inode *inode, struct file *f)
{
	struct tty *tty = &console;
	struct signal_struct *s = current->signal;

	if (inode->rdev == MKDEV(TTYAUX_MAJOR, 0))
		return s && s->tty ? 0 : -ENXIO;
	if (s && !(f->flags & O_NOCTTY) && (f->flags & O_ACCMODE) != O_WRONLY &&
	    s->sid == current->tgid && !s->tty && !tty->session)
		tty_set_ctty(tty);
	return 0;
}

static const struct file_operations console_fops = {
	.open = console_open,
	.read = console_read,
	.write = console_write,
	.llseek = console_llseek,
	.ioctl = console_fop_ioctl,
	.poll = console_fop_poll,
};

int console_register_devices(void)
{
	int r;

	r = chrdev_register(TTYAUX_MAJOR, 0, 1, "tty", &console_fops);
	if (r < 0)
		return r;
	r = chrdev_register(TTYAUX_MAJOR, 1, 1, "console", &console_fops);
	if (r < 0)
		return r;
	return chrdev_register(TTY_MAJOR, 0, 2, "tty", &console_fops);
}
