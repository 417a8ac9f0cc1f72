/*
 * Process-wide host services: exit, randomness, environment, backtraces.
 */
#include <errno.h>
#include <execinfo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "os.h"

void os_exit(int status)
{
	os_tty_restore();
	_exit(status);
}

void os_abort(void)
{
	os_tty_restore();
	abort();
}

int os_getpid(void)
{
	return getpid();
}

long os_getrandom(void *buf, size_t len)
{
	ssize_t n;

	do
		n = getrandom(buf, len, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

const char *os_getenv(const char *name)
{
	return getenv(name);
}

void os_backtrace(int fd)
{
	void *frames[64];
	int n = backtrace(frames, 64);

	backtrace_symbols_fd(frames, n, fd);
}

const char *os_strerror(int neg_errno)
{
	return strerror(-neg_errno);
}
