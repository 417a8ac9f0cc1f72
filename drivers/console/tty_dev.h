/*
 * The tty device (drivers/console/): struct tty, a line discipline with the job-control
 * state around it, shared by the console driver (console.c: host I/O, read/write/poll)
 * and the terminal ioctls and sessions (tty_ioctl.c). Kernel-side only.
 */
#ifndef DRIVERS_CONSOLE_TTY_DEV_H
#define DRIVERS_CONSOLE_TTY_DEV_H

#include "kernel.h"
#include "sched.h"
#include "tty.h"

#include <asm/termios.h>

struct file;

struct tty {
	struct ldisc ld;
	struct winsize winsize;
	int pgrp;    /* foreground process group; 0: none */
	int session; /* session this is the controlling terminal of; 0: none */
	struct wait_queue_head read_wait;  /* readers and pollers: input, EOF, termios change */
	struct wait_queue_head write_wait; /* writers while output is stopped (VSTOP, TCOOFF) */
	int in_fd, out_fd; /* host descriptors: input (0) and output (1) */
	bool host_tty;     /* host stdin is a terminal in raw mode: the ldisc edits and echoes */
	bool host_eof;     /* host input ended: readers get EOF once the buffer is drained */
	bool host_hup;     /* host output is gone (EPIPE): a hangup, writers get EIO */
	bool ready;        /* console_init has run */
	u32 devnum;        /* what TIOCGDEV reports */
};

/* ---- console.c */
/* Feed bytes to the line discipline as if typed: echo, signals, wake readers. */
void tty_receive(struct tty *tty, const unsigned char *buf, size_t n);
/* Send sig to the foreground process group, if there is one. */
void tty_signal_fg(struct tty *tty, int sig);

/* ---- tty_ioctl.c */
/*
 * Job control for an access by current (POSIX 7.1.1.4): 0 when allowed; for a background
 * process group sig (SIGTTIN, SIGTTOU) goes to it and -ERESTARTSYS comes back, or -EIO
 * when the group is orphaned or (SIGTTIN only) ignores or blocks sig.
 */
int tty_job_check(struct tty *tty, int sig);
/* Make tty current's controlling terminal (current is a session leader without one). */
void tty_set_ctty(struct tty *tty);
/* The terminal ioctls (termios, window size, job control, sessions, queues). */
long tty_ioctl(struct tty *tty, struct file *f, unsigned cmd, u64 arg);

#endif
