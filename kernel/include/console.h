/*
 * The console (drivers/console/): the guest's /dev/console, backed by the host's stdin and
 * stdout. With a terminal on stdin the host terminal is put in raw mode and a line
 * discipline in the kernel does canonical input, echo and job-control characters; otherwise
 * bytes pass through unchanged (so pipes and files work as init's stdin/stdout).
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include "kernel.h"

struct tty;

/* Set up the console on host fds 0 (input) and 1 (output); called at boot. */
int console_init(void);
/* Host fd the idle loop should wait on for console input, or -1 when not needed now. */
int console_host_fd(void);
/* Read whatever input the host has ready and feed the line discipline (never blocks). */
void console_poll(void);
/* The host sent SIGINT (only when stdin is not a terminal): interrupt the foreground job. */
void console_host_interrupt(void);
/* The host terminal was resized: update the size and signal the foreground job. */
void console_host_winch(void);
/* Write kernel output to the console (used for panic messages when stderr is gone). */
void console_write_kernel(const char *s, size_t len);
/* Restore the host terminal (every exit path calls this). */
void console_shutdown(void);
/* The console tty (the controlling terminal init gets). */
struct tty *console_tty(void);
/*
 * Register /dev/console (5:1), /dev/tty (5:0), /dev/tty0 and tty1 (4:0-1), and the pty
 * devices (/dev/ptmx, the slaves); called at boot.
 */
int console_register_devices(void);
/* The device number of tty (tty_nr of /proc/PID/stat: 5:1, or 136+:N for pts/N). */
u32 tty_devnum(const struct tty *tty);
/* The foreground process group of tty (tpgid), or 0. */
int tty_fg_pgrp(const struct tty *tty);
/* A session leader exits: its controlling tty loses its session (SIGHUP to the fg group). */
void tty_session_leader_exit(struct tty *tty, int sid);

#endif
