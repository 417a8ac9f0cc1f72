/*
 * strace= formatting: the line buffer, and one argument or one result of a system call
 * shown the way strace shows it, by the kind the table gives it (kernel/syscall_args.def).
 * Kinds whose meaning depends on another argument (the third argument of ioctl and fcntl,
 * the arguments of prctl, the mode of open) are resolved here first.
 */
#include "kernel.h"
#include "task.h"
#include "trace_internal.h"

#include <asm/ioctls.h>
#include <linux/fcntl.h>
#include <linux/prctl.h>

/* ---- the line buffer */

void tb_init(struct tbuf *b, char *buf, size_t size)
{
	b->buf = buf;
	b->size = size;
	b->len = 0;
	buf[0] = 0;
}

void tb_putc(struct tbuf *b, char c)
{
	if (b->len + 1 >= b->size)
		return;
	b->buf[b->len++] = c;
	b->buf[b->len] = 0;
}

void tb_puts(struct tbuf *b, const char *s)
{
	while (*s)
		tb_putc(b, *s++);
}

void tb_printf(struct tbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len + 1 >= b->size)
		return;
	va_start(ap, fmt);
	n = kvsnprintf(b->buf + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	b->len = min(b->len + (size_t)n, b->size - 1);
}

void tb_pad_to(struct tbuf *b, size_t col)
{
	while (b->len < col)
		tb_putc(b, ' ');
}

/* ---- kinds that depend on other arguments */

static const u8 kind_is_out[A_KIND_MAX] = {
	[A_BUF_OUT] = 1, [A_BUFX_OUT] = 1, [A_STR_OUT] = 1, [A_IOV_OUT] = 1,
	[A_SIGSET_OUT] = 1, [A_SIGACT_OUT] = 1, [A_TIMESPEC_OUT] = 1, [A_TIMEVAL_OUT] = 1,
	[A_ITIMERVAL_OUT] = 1, [A_RLIMIT_OUT] = 1, [A_STAT_OUT] = 1, [A_STATX_OUT] = 1,
	[A_WSTATUS_OUT] = 1, [A_PIPEFDS_OUT] = 1, [A_UTSNAME_OUT] = 1, [A_DIRENTS_OUT] = 1,
	[A_INT_OUT] = 1, [A_STATFS_OUT] = 1, [A_SOCKADDR_OUT] = 1, [A_SOCKPAIR_OUT] = 1,
	[A_REMAIN_OUT] = 1,
};

/* Extra kinds used only after resolution. */
enum {
	K_WINSIZE = A_KIND_MAX, /* struct winsize read before the call */
	K_WINSIZE_OUT,
	K_TERMIOS,
	K_TERMIOS_OUT,
	K_INT_IN,               /* [int] read before the call */
	K_FDCLOEXEC,            /* F_SETFD's argument */
	K_FCNTL_OFLAGS,         /* F_SETFL's argument */
};

static int ioctl_arg_kind(unsigned req)
{
	switch (req) {
	case TCGETS:
		return K_TERMIOS_OUT;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return K_TERMIOS;
	case TIOCGWINSZ:
		return K_WINSIZE_OUT;
	case TIOCSWINSZ:
		return K_WINSIZE;
	case TIOCGPGRP:
	case TIOCGSID:
	case FIONREAD:
	case TIOCOUTQ:
	case TIOCGPTN:
	case TIOCGETD:
		return A_INT_OUT;
	case TIOCSPGRP:
	case FIONBIO:
	case TIOCSPTLCK:
	case TIOCSETD:
		return K_INT_IN;
	case TIOCSCTTY:
	case TCFLSH:
	case TCXONC:
	case TCSBRK:
	case TCSBRKP:
		return A_INT;
	case TIOCNOTTY:
	case FIOCLEX:
	case FIONCLEX:
	case TIOCEXCL:
	case TIOCNXCL:
		return A_NONE;
	}
	return A_PTR;
}

static int fcntl_arg_kind(int cmd)
{
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_SETOWN:
	case F_SETSIG:
	case F_SETPIPE_SZ:
	case F_SETLEASE:
	case F_NOTIFY:
		return A_INT;
	case F_SETFD:
		return K_FDCLOEXEC;
	case F_SETFL:
		return K_FCNTL_OFLAGS;
	case F_GETFD:
	case F_GETFL:
	case F_GETOWN:
	case F_GETSIG:
	case F_GETLEASE:
	case F_GETPIPE_SZ:
	case F_GET_SEALS:
		return A_NONE;
	}
	return A_PTR;
}

static int prctl_arg_kind(int opt, int i)
{
	switch (opt) {
	case PR_SET_NAME:
		return i == 1 ? A_STR : A_NONE;
	case PR_GET_NAME:
		return i == 1 ? A_STR_OUT : A_NONE;
	case PR_SET_PDEATHSIG:
		return i == 1 ? A_SIGNUM : A_NONE;
	case PR_GET_PDEATHSIG:
		return i == 1 ? A_INT_OUT : A_NONE;
	case PR_SET_DUMPABLE:
	case PR_SET_KEEPCAPS:
	case PR_CAPBSET_READ:
	case PR_CAPBSET_DROP:
	case PR_SET_CHILD_SUBREAPER:
	case PR_SET_TIMERSLACK:
		return i == 1 ? A_ULONG : A_NONE;
	case PR_GET_DUMPABLE:
	case PR_GET_KEEPCAPS:
	case PR_GET_NO_NEW_PRIVS:
	case PR_GET_SECCOMP:
	case PR_GET_TIMERSLACK:
		return A_NONE;
	case PR_GET_CHILD_SUBREAPER:
		return i == 1 ? A_INT_OUT : A_NONE;
	}
	return A_ULONG;
}

/* The kind argument i really has in this call (A_NONE: not shown, nor any after it). */
static int arg_kind(const struct trace_call *c, int i)
{
	const u64 *arg = c->a->arg;
	int k = c->sig->arg[i];

	switch (k) {
	case A_MODE:
		/* open's mode only means something when a file may be created. */
		if (i > 0 && c->sig->arg[i - 1] == A_OFLAGS &&
		    !(arg[i - 1] & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY))))
			return A_NONE;
		return k;
	case A_IOCTLARG:
		return ioctl_arg_kind((unsigned)arg[1]);
	case A_FCNTLARG:
		return fcntl_arg_kind((int)arg[1]);
	case A_PRCTLARG:
		return prctl_arg_kind((int)arg[0], i);
	}
	return k;
}

int trace_call_nargs(const struct trace_call *c)
{
	int n = trace_sig_nargs(c->sig), i;

	for (i = 0; i < n; i++)
		if (arg_kind(c, i) == A_NONE)
			break;
	return i;
}

bool trace_arg_is_output(const struct trace_call *c, int i)
{
	int k = arg_kind(c, i);

	if (k == K_WINSIZE_OUT || k == K_TERMIOS_OUT)
		return true;
	return k < A_KIND_MAX && kind_is_out[k];
}

/* ---- one argument */

static void print_number(struct tbuf *b, int k, u64 v)
{
	switch (k) {
	case A_INT:
	case A_FD:
		tb_printf(b, "%d", (int)v);
		break;
	case A_UINT:
		tb_printf(b, "%u", (unsigned)v);
		break;
	case A_LONG:
		tb_printf(b, "%lld", (long long)v);
		break;
	case A_ULONG:
		tb_printf(b, "%llu", (unsigned long long)v);
		break;
	case A_OCT:
		tb_printf(b, "%#llo", (unsigned long long)v);
		break;
	case A_HEX:
		tb_printf(b, "%#llx", (unsigned long long)v);
		break;
	default:
		tb_addr(b, v);
		break;
	}
}

/* Flags and enumerations: true when k was one of them. */
static bool print_named(struct tbuf *b, int k, u64 v)
{
	static const struct {
		u8 kind;
		bool is_enum;
		const struct tflag *t;
	} named[] = {
		{ A_FDFLAGS, false, trace_fdflags },
		{ A_ATFLAGS, false, trace_atflags },
		{ A_PROT, false, trace_prot },
		{ A_MSYNC, false, trace_msync },
		{ A_MADVISE, true, trace_madvise },
		{ A_SIGHOW, true, trace_sighow },
		{ A_WHENCE, true, trace_whence },
		{ A_WOPTS, false, trace_wopts },
		{ A_CLOCKID, true, trace_clockid },
		{ A_TIMERFLAGS, false, trace_timerflags },
		{ A_RLIMRES, true, trace_rlimres },
		{ A_ARCHCODE, true, trace_archcode },
		{ A_GRNDFLAGS, false, trace_grndflags },
		{ A_RENAMEFLAGS, false, trace_renameflags },
		{ A_MOUNTFLAGS, false, trace_mountflags },
		{ A_UMOUNTFLAGS, false, trace_umountflags },
		{ A_FLOCKOP, false, trace_flockop },
		{ A_ITIMERWHICH, true, trace_itimerwhich },
		{ A_PRIOWHICH, true, trace_priowhich },
		{ A_RUSAGEWHO, true, trace_rusagewho },
		{ A_IDTYPE, true, trace_idtype },
		{ A_STATXMASK, false, trace_statxmask },
		{ A_SOCKFAMILY, true, trace_sockfamily },
		{ A_SHUTHOW, true, trace_shuthow },
		{ A_CLOSERANGE, false, trace_closerange },
		{ A_EFDFLAGS, false, trace_efdflags },
		{ A_IOCTLREQ, true, trace_ioctls },
		{ A_FCNTLCMD, true, trace_fcntlcmds },
		{ A_PRCTLOPT, true, trace_prctlopts },
	};

	for (size_t i = 0; i < ARRAY_SIZE(named); i++) {
		if (named[i].kind != k)
			continue;
		if (named[i].is_enum)
			tb_xlat(b, named[i].t, (u64)(long)(int)v, k == A_IOCTLREQ ? "%#lx" : "%ld");
		else if (v == 0)
			tb_putc(b, '0');
		else
			tb_flags(b, named[i].t, v);
		return true;
	}
	return false;
}

static void print_special_flags(struct tbuf *b, int k, u64 v)
{
	switch (k) {
	case A_OFLAGS:
	case K_FCNTL_OFLAGS:
		tb_oflags(b, v);
		break;
	case A_MODE:
		tb_mode(b, (u32)v);
		break;
	case A_ACCESS:
		if ((v & 7) == 0 && !(v & ~7ULL))
			tb_puts(b, "F_OK");
		else
			tb_flags(b, trace_access, v);
		break;
	case A_MMAPFLAGS:
		tb_xlat(b, trace_maptype, v & 0xf, "%#lx");
		if (v & ~0xfULL) {
			tb_putc(b, '|');
			tb_flags(b, trace_mmapflags, v & ~0xfULL);
		}
		break;
	case A_CLONEFLAGS:
		if (v & ~0xffULL)
			tb_flags(b, trace_cloneflags, v & ~0xffULL);
		if (v & 0xff) {
			if (v & ~0xffULL)
				tb_putc(b, '|');
			tb_signame(b, (long)(v & 0xff));
		} else if (!v) {
			tb_putc(b, '0');
		}
		break;
	case A_SOCKTYPE:
		tb_xlat(b, trace_socktype, v & 0xf, "%#lx");
		if (v & ~0xfULL) {
			tb_putc(b, '|');
			tb_flags(b, trace_sockflags, v & ~0xfULL);
		}
		break;
	case K_FDCLOEXEC:
		tb_puts(b, v == 1 ? "FD_CLOEXEC" : "0");
		if (v > 1)
			tb_printf(b, "%#llx", (unsigned long long)v);
		break;
	case A_SIGNUM:
		tb_signame(b, (long)(int)v);
		break;
	case A_DIRFD:
		if ((int)v == AT_FDCWD)
			tb_puts(b, "AT_FDCWD");
		else
			tb_printf(b, "%d", (int)v);
		break;
	}
}

/* Structures read before the call; false when k is not one of them. */
static bool print_struct_in(struct tbuf *b, const struct trace_call *c, int i, int k)
{
	const u64 *arg = c->a->arg;
	u64 v = arg[i], next = i < 5 ? arg[i + 1] : 0;

	switch (k) {
	case A_PATH:
		tb_user_str(b, v, 4096);
		break;
	case A_STR:
		tb_user_str(b, v, 32);
		break;
	case A_BUF_IN:
		tb_user_buf(b, v, next, false);
		break;
	case A_IOV_IN:
		tb_user_iov(b, v, next, -1);
		break;
	case A_SIGSET:
		tb_user_sigset(b, v, 8);
		break;
	case A_SIGACT:
		tb_user_sigaction(b, v);
		break;
	case A_TIMESPEC:
	case A_TIMESPEC2:
		tb_user_timespec(b, v, k == A_TIMESPEC2 ? 2 : 1);
		break;
	case A_TIMEVAL:
	case A_TIMEVAL2:
		tb_user_timeval(b, v, k == A_TIMEVAL2 ? 2 : 1);
		break;
	case A_ITIMERVAL:
		tb_user_itimerval(b, v);
		break;
	case A_RLIMIT:
		tb_user_rlimit(b, v);
		break;
	case A_ARGV:
		tb_user_argv(b, v);
		break;
	case A_ENVP:
		tb_user_envp(b, v);
		break;
	case A_POLLFDS:
		tb_user_pollfds(b, v, next);
		break;
	case A_FDSET:
		tb_user_fdset(b, v, (int)arg[0]);
		break;
	case A_SOCKADDR:
		tb_user_sockaddr(b, v, next);
		break;
	case A_UTIMBUF:
		tb_user_utimbuf(b, v);
		break;
	case K_INT_IN:
		tb_user_int(b, v);
		break;
	case K_WINSIZE:
		tb_user_winsize(b, v);
		break;
	case K_TERMIOS:
		tb_user_termios(b, v);
		break;
	default:
		return false;
	}
	return true;
}

/* Structures filled in by the call; false when k is not one of them. */
static bool print_struct_out(struct tbuf *b, const struct trace_call *c, int i, int k)
{
	u64 v = c->a->arg[i], next = i < 5 ? c->a->arg[i + 1] : 0;

	switch (k) {
	case A_STR_OUT:
		tb_user_str(b, v, 32);
		break;
	case A_BUF_OUT:
	case A_BUFX_OUT:
		tb_user_buf(b, v, (u64)c->ret, k == A_BUFX_OUT);
		break;
	case A_IOV_OUT:
		tb_user_iov(b, v, next, c->ret);
		break;
	case A_SIGSET_OUT:
		tb_user_sigset(b, v, 8);
		break;
	case A_SIGACT_OUT:
		tb_user_sigaction(b, v);
		break;
	case A_TIMESPEC_OUT:
		tb_user_timespec(b, v, 1);
		break;
	case A_TIMEVAL_OUT:
		tb_user_timeval(b, v, 1);
		break;
	case A_ITIMERVAL_OUT:
		tb_user_itimerval(b, v);
		break;
	case A_RLIMIT_OUT:
		tb_user_rlimit(b, v);
		break;
	case A_STAT_OUT:
		tb_user_stat(b, v);
		break;
	case A_STATX_OUT:
		tb_user_statx(b, v);
		break;
	case A_STATFS_OUT:
		tb_user_statfs(b, v);
		break;
	case A_WSTATUS_OUT:
		if (c->ret > 0)
			tb_user_wstatus(b, v);
		else
			tb_addr(b, v); /* nothing reported (WNOHANG): not filled in */
		break;
	case A_PIPEFDS_OUT:
	case A_SOCKPAIR_OUT:
		tb_user_intpair(b, v);
		break;
	case A_UTSNAME_OUT:
		tb_user_utsname(b, v);
		break;
	case A_DIRENTS_OUT:
		tb_user_dirents(b, v, c->ret);
		break;
	case A_INT_OUT:
		tb_user_int(b, v);
		break;
	case A_SOCKADDR_OUT:
		tb_user_sockaddr(b, v, next);
		break;
	case K_WINSIZE_OUT:
		tb_user_winsize(b, v);
		break;
	case K_TERMIOS_OUT:
		tb_user_termios(b, v);
		break;
	default:
		return false;
	}
	return true;
}

void trace_print_arg(struct tbuf *b, const struct trace_call *c, int i)
{
	int k = arg_kind(c, i);
	u64 v = c->a->arg[i];

	/* A sleep's remaining time is written only when a signal cut the sleep short. */
	if (k == A_REMAIN_OUT) {
		if (c->ret == -EINTR ||
		    (c->ret <= -ERESTARTSYS && c->ret >= -ERESTART_RESTARTBLOCK))
			tb_user_timespec(b, v, 1);
		else
			tb_addr(b, v);
		return;
	}
	/* An output of a failed call was not filled in: show where it would have gone. */
	if (trace_arg_is_output(c, i) && c->exiting && c->ret < 0 && c->ret > -4096) {
		tb_addr(b, v);
		return;
	}
	if (k <= A_OCT) {
		print_number(b, k, v);
		return;
	}
	if (print_named(b, k, v))
		return;
	switch (k) {
	case A_OFLAGS: case K_FCNTL_OFLAGS: case A_MODE: case A_ACCESS: case A_MMAPFLAGS:
	case A_CLONEFLAGS: case A_SOCKTYPE: case K_FDCLOEXEC: case A_SIGNUM: case A_DIRFD:
		print_special_flags(b, k, v);
		return;
	case A_FD:
		tb_printf(b, "%d", (int)v);
		return;
	}
	if (!print_struct_in(b, c, i, k) && !print_struct_out(b, c, i, k))
		tb_addr(b, v);
}

/* ---- the result */

void trace_print_result(struct tbuf *b, const struct trace_call *c)
{
	long r = c->ret;
	int cmd = (int)c->a->arg[1];

	if (c->sig && c->sig->ret == R_NONE) {
		tb_puts(b, " = ?");
		return;
	}
	if (r < 0 && r > -4096) {
		if (-r >= ERESTARTSYS && -r <= ERESTART_RESTARTBLOCK)
			tb_printf(b, " = ? %s (%s)", errname(r), trace_errdesc(r));
		else
			tb_printf(b, " = -1 %s (%s)", errname(r), trace_errdesc(r));
		return;
	}
	switch (c->sig ? c->sig->ret : R_DEC) {
	case R_HEX:
		tb_printf(b, " = %#lx", r);
		break;
	case R_OCT:
		tb_printf(b, " = %#03lo", r);
		break;
	case R_FCNTL:
		if (cmd == F_GETFL) {
			tb_printf(b, " = %#lx (flags ", r);
			tb_oflags(b, (u64)r);
			tb_putc(b, ')');
		} else if (cmd == F_GETFD && r) {
			tb_printf(b, " = %#lx (flags FD_CLOEXEC)", r);
		} else {
			tb_printf(b, " = %ld", r);
		}
		break;
	default:
		tb_printf(b, " = %ld", r);
		break;
	}
}
