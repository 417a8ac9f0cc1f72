/*
 * The host terminal behind the console. When stdin is a terminal the kernel runs its own
 * line discipline, so the host terminal goes to raw mode; the original settings are
 * restored on every exit path (normal exit, halt, panic, fatal host signal).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "os.h"

static struct termios saved;
static int saved_fd = -1;

void os_tty_restore(void)
{
	if (saved_fd >= 0) {
		tcsetattr(saved_fd, TCSADRAIN, &saved);
		saved_fd = -1;
	}
}

int os_tty_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) < 0)
		return -errno;
	saved = t;
	saved_fd = fd;
	atexit(os_tty_restore);
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSADRAIN, &t) < 0) {
		saved_fd = -1;
		return -errno;
	}
	return 0;
}

int os_tty_winsize(int fd, unsigned short *rows, unsigned short *cols)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
		return -errno;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return 0;
}
