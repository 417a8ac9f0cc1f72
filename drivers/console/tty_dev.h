/*
 * The tty device (drivers/console/): struct tty, a line discipline with the job-control
 * state around it, shared by the tty drivers (console.c: the host's stdin and stdout;
 * pty.c: pseudo-terminal slaves), the generic read/write/poll paths (tty_io.c) and the
 * terminal ioctls and sessions (tty_ioctl.c). Kernel-side only.
 */
#ifndef DRIVERS_CONSOLE_TTY_DEV_H
#define DRIVERS_CONSOLE_TTY_DEV_H

#include "kernel.h"
#include "sched.h"
#include "tty.h"

#include <asm/termios.h>

struct file;
struct iov_iter;
struct poll_table;
struct tty;

/* What a tty driver provides to the generic code of tty_io.c. */
struct tty_ops {
	/* Show n bytes of processed output or echo. 0, or -errno (a host write failed). */
	long (*out)(struct tty *tty, const char *buf, size_t n);
	/* Bytes of output the driver takes now, before processing (SIZE_MAX: no limit). */
	size_t (*write_room)(struct tty *tty);
	/* A reader took input, so the input side may send more. NULL: nothing to do. */
	void (*input_taken)(struct tty *tty);
};

struct tty {
	struct ldisc ld;
	struct winsize winsize;
	int pgrp;    /* foreground process group; 0: none */
	int session; /* session this is the controlling terminal of; 0: none */
	struct wait_queue_head read_wait;  /* readers and pollers: input, EOF, termios change */
	struct wait_queue_head write_wait; /* writers: output stopped (VSTOP, TCOOFF) or full */
	const struct tty_ops *ops;
	bool eof;     /* input ended (host stdin closed): readers get EOF once the buffer drains */
	bool hungup;  /* the other end went away (pty master closed): reads 0, writes -EIO */
	u32 devnum;   /* what TIOCGDEV and /proc/PID/stat's tty_nr report */
	/* console only */
	int in_fd, out_fd; /* host descriptors: input (0) and output (1) */
	bool host_tty;     /* host stdin is a terminal in raw mode: the ldisc edits and echoes */
	bool host_hup;     /* host output is gone (EPIPE): a hangup, writers get EIO */
	bool ready;        /* console_init has run */
};

/* ---- tty_io.c */
/* Feed bytes to the line discipline as if typed: echo, signals, wake readers. */
void tty_receive(struct tty *tty, const unsigned char *buf, size_t n);
/* Send sig to the foreground process group, if there is one. */
void tty_signal_fg(struct tty *tty, int sig);
/* read(2) on tty: canonical lines or VMIN/VTIME, job control, EOF, hang-up. */
ssize_t tty_read(struct tty *tty, struct file *f, struct iov_iter *to);
/* write(2) on tty: job control (TOSTOP), flow control, output processing. */
ssize_t tty_write(struct tty *tty, struct file *f, struct iov_iter *from);
/* poll on tty. */
unsigned tty_poll(struct tty *tty, struct file *f, struct poll_table *pt);

/* ---- tty_ioctl.c */
/*
 * Job control for an access by current (POSIX 7.1.1.4): 0 when allowed; for a background
 * process group sig (SIGTTIN, SIGTTOU) goes to it and -ERESTARTSYS comes back, or -EIO
 * when the group is orphaned or (SIGTTIN only) ignores or blocks sig.
 */
int tty_job_check(struct tty *tty, int sig);
/* Make tty current's controlling terminal (current is a session leader without one). */
void tty_set_ctty(struct tty *tty);
/* tty stops being anybody's controlling terminal (no session, no foreground group). */
void tty_clear_ctty(struct tty *tty);
/* Set the window size; SIGWINCH to the foreground group when it changed. */
void tty_resize(struct tty *tty, const struct winsize *ws);
/* The terminal ioctls (termios, window size, job control, sessions, queues). */
long tty_ioctl(struct tty *tty, struct file *f, unsigned cmd, u64 arg);

/* ---- pty.c */
/* Register the pty drivers: /dev/ptmx (5:2) and the slaves (majors 136-143). */
int pty_register_devices(void);
/* Open tty (a pty slave) again on f: /dev/tty when it is the controlling terminal. */
int pty_reopen_slave(struct tty *tty, struct file *f);

#endif
