/*
 * Process-wide host services: exit (with the exit functions that remove what umlite left
 * on the host, such as the umid directory), restart by exec, randomness, environment,
 * backtraces.
 */
#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "os.h"

#define MAX_EXIT_FNS 8

static void (*exit_fns[MAX_EXIT_FNS])(void);
static int nr_exit_fns;
static pid_t exit_fns_pid;

int os_atexit(void (*fn)(void))
{
	if (nr_exit_fns == MAX_EXIT_FNS)
		return -ENOSPC;
	exit_fns_pid = getpid();
	exit_fns[nr_exit_fns++] = fn;
	return 0;
}

/* Last registered first; each runs once, and only in the process that registered it. */
static void run_exit_fns(void)
{
	if (getpid() != exit_fns_pid)
		return;
	while (nr_exit_fns > 0)
		exit_fns[--nr_exit_fns]();
}

void os_exit(int status)
{
	run_exit_fns();
	os_tty_restore();
	_exit(status);
}

void os_abort(void)
{
	run_exit_fns();
	os_tty_restore();
	abort();
}

int os_reexec(char *const argv[])
{
	sigset_t all, old;
	int err;

	os_tick_stop();
	run_exit_fns();
	os_tty_restore();
	/*
	 * The signal mask survives exec while handlers do not: with everything blocked, a
	 * signal arriving now waits for the new image's handlers instead of killing it.
	 */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	execv("/proc/self/exe", argv);
	execvp(argv[0], argv);
	err = -errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
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
