/*
 * The console: the guest's /dev/console (and /dev/tty, /dev/tty0, /dev/tty1), one struct
 * tty over the host's stdin (fd 0) and stdout (fd 1). Layer: a tty driver; the byte
 * processing is the line discipline (tty.c), the ioctls and sessions are tty_ioctl.c, the
 * host is reached only through os.h.
 *
 * Reading, writing and polling are the generic tty code (tty_io.c); this file supplies
 * where output goes (one host write per batch) and the host side.
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

static bool host_winsize(struct tty *tty, struct winsize *ws)
{
	unsigned short rows, cols;

	if (os_tty_winsize(tty->in_fd, &rows, &cols) < 0 &&
	    os_tty_winsize(tty->out_fd, &rows, &cols) < 0)
		return false;
	*ws = (struct winsize){ .ws_row = rows, .ws_col = cols };
	return true;
}

static long console_out(struct tty *tty, const char *buf, size_t n)
{
	long r = os_write_all(tty->out_fd, buf, n);

	if (r == -EPIPE)
		tty->host_hup = true; /* console_write hangs up */
	return r < 0 ? r : 0;
}

static size_t console_write_room(struct tty *tty)
{
	return SIZE_MAX;
}

static const struct tty_ops console_ops = {
	.out = console_out,
	.write_room = console_write_room,
};

static struct tty console = {
	.read_wait = { LIST_HEAD_INIT(console.read_wait.head) },
	.write_wait = { LIST_HEAD_INIT(console.write_wait.head) },
	.ops = &console_ops,
	.in_fd = 0,
	.out_fd = 1,
};

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
	/*
	 * Neither side of the host is a terminal (a pipe, a file, a test harness): the
	 * classic 24x80 rather than Linux's serial-console 0x0, which makes programs that
	 * size their output from the terminal (stty size, Python's get_terminal_size, top)
	 * disagree or print nothing.
	 */
	if (!host_winsize(tty, &tty->winsize))
		tty->winsize = (struct winsize){ .ws_row = 24, .ws_col = 80 };
	tty->pgrp = tty->session = 0;
	/* a closed stdin is at end of file (polling it would never block) */
	tty->eof = os_read(tty->in_fd, &probe, 0) == -EBADF;
	tty->devnum = MKDEV(TTY_MAJOR, 1);
	tty->ready = true;
	return 0;
}

int console_host_fd(void)
{
	struct tty *tty = &console;

	if (!tty->ready || tty->eof || !ldisc_input_room(&tty->ld))
		return -1;
	return tty->in_fd;
}

/* Host stdin is at its end. A partial canonical line still reaches readers, as if ^D. */
static void host_input_ended(struct tty *tty)
{
	struct ldisc *ld = &tty->ld;
	unsigned char eof = ld->termios.c_cc[VEOF];

	tty->eof = true;
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

	if (!tty->ready || tty->eof)
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

static ssize_t console_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return tty_read(&console, f, to);
}

static ssize_t console_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct tty *tty = &console;
	ssize_t r;

	if (tty->host_hup)
		return -EIO;
	r = tty_write(tty, f, from);
	if (tty->host_hup) {
		/*
		 * Nobody reads the host side any more (umlite | head): hang up, as a terminal
		 * that goes away does, rather than let a writer that ignores EIO spin forever.
		 */
		tty_signal_fg(tty, SIGHUP);
		tty_signal_fg(tty, SIGCONT);
		return -EIO;
	}
	return r;
}

/* ---- the rest of the file operations */

static unsigned console_fop_poll(struct file *f, struct poll_table *pt)
{
	return tty_poll(&console, f, pt);
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
 * /dev/tty is the caller's controlling terminal (-ENXIO without one): the console, or a
 * pty slave whose driver takes the open file over. Opening the console itself makes it the controlling terminal of
 * a session leader that has none, unless O_NOCTTY or write-only.
 */
static int console_open(struct inode *inode, struct file *f)
{
	struct tty *tty = &console;
	struct signal_struct *s = current->signal;

	if (inode->rdev == MKDEV(TTYAUX_MAJOR, 0)) {
		if (!s || !s->tty)
			return -ENXIO;
		return s->tty == tty ? 0 : pty_reopen_slave(s->tty, f);
	}
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
	r = chrdev_register(TTY_MAJOR, 0, 2, "tty", &console_fops);
	if (r < 0)
		return r;
	return pty_register_devices();
}
