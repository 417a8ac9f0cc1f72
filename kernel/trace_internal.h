/*
 * Internals of strace= tracing, shared by kernel/trace*.c: the argument kinds of the
 * per-call table (kernel/syscall_args.def), the line buffer the decoders write into, and
 * the decoders themselves.
 *
 * A call is printed in two halves, the way strace does: at entry the arguments up to the
 * first one the kernel fills in (an "output" argument), at exit the rest and the result.
 * kernel/trace.c decides when a half is written out; the files here only format.
 */
#ifndef TRACE_INTERNAL_H
#define TRACE_INTERNAL_H

#include "kernel.h"
#include "syscall.h"

struct task;

/* ---- argument kinds (one byte each in the table) */
enum trace_kind {
	A_NONE = 0,
	/* numbers */
	A_INT, A_UINT, A_LONG, A_ULONG, A_HEX, A_PTR, A_OCT,
	/* descriptors */
	A_FD, A_DIRFD,
	/* strings and buffers */
	A_PATH,        /* NUL-terminated, shown whole */
	A_STR,         /* NUL-terminated, shown up to the string limit */
	A_BUF_IN,      /* bytes; the length is the next argument */
	A_BUF_OUT,     /* bytes filled in; the length is the result */
	A_BUFX_OUT,    /* the same, every byte in \x hex (getrandom) */
	A_STR_OUT,     /* a NUL-terminated string filled in (getcwd) */
	A_IOV_IN,      /* struct iovec array; the count is the next argument */
	A_IOV_OUT,     /* the same, filled in up to the result */
	/* flags and enumerations */
	A_OFLAGS, A_FDFLAGS, A_MODE, A_ATFLAGS, A_ACCESS, A_PROT, A_MMAPFLAGS, A_MSYNC,
	A_MADVISE, A_CLONEFLAGS, A_SIGNUM, A_SIGHOW, A_WHENCE, A_WOPTS, A_CLOCKID,
	A_TIMERFLAGS, A_RLIMRES, A_ARCHCODE, A_GRNDFLAGS, A_RENAMEFLAGS, A_MOUNTFLAGS,
	A_UMOUNTFLAGS, A_FLOCKOP, A_ITIMERWHICH, A_PRIOWHICH, A_RUSAGEWHO, A_IDTYPE,
	A_STATXMASK, A_SOCKFAMILY, A_SOCKTYPE, A_SHUTHOW, A_CLOSERANGE, A_EFDFLAGS,
	/* structures read before the call */
	A_SIGSET, A_SIGACT, A_TIMESPEC, A_TIMESPEC2, A_TIMEVAL, A_TIMEVAL2, A_ITIMERVAL, A_RLIMIT,
	A_ARGV, A_ENVP, A_POLLFDS, A_FDSET, A_SOCKADDR, A_UTIMBUF,
	/* structures filled in by the call */
	A_SIGSET_OUT, A_SIGACT_OUT, A_TIMESPEC_OUT, A_TIMEVAL_OUT, A_ITIMERVAL_OUT,
	A_RLIMIT_OUT, A_STAT_OUT, A_STATX_OUT, A_WSTATUS_OUT, A_PIPEFDS_OUT, A_UTSNAME_OUT,
	A_DIRENTS_OUT, A_INT_OUT, A_STATFS_OUT, A_SOCKADDR_OUT, A_SOCKPAIR_OUT,
	A_REMAIN_OUT,  /* a sleep's remaining time: only when interrupted */
	/* kinds whose decoding depends on another argument */
	A_IOCTLREQ, A_IOCTLARG, A_FCNTLCMD, A_FCNTLARG, A_PRCTLOPT, A_PRCTLARG,
	A_KIND_MAX
};

/* What the result is. */
enum trace_ret {
	R_DEC = 0, /* signed decimal */
	R_HEX,     /* an address: brk, mmap */
	R_OCT,     /* umask */
	R_NONE,    /* never returns: "= ?" */
	R_FCNTL,   /* decimal, or flags for F_GETFD / F_GETFL */
};

/* Classes for strace=%file and friends, as strace names them. */
#define TC_FILE 0x1    /* takes a file name */
#define TC_DESC 0x2    /* takes or returns a file descriptor */
#define TC_PROCESS 0x4 /* process life: fork, exec, exit, wait */
#define TC_SIGNAL 0x8
#define TC_MEMORY 0x10
#define TC_NETWORK 0x20
#define TC_CREDS 0x40
#define TC_CLOCK 0x80

/* One table entry: result kind, strace classes and up to six argument kinds. */
struct trace_sig {
	u8 ret;
	u8 classes;
	u8 arg[6];
};

/* The entry for nr, or NULL when the table has none (arguments are then shown raw). */
const struct trace_sig *trace_sig_of(long nr);
/* Number of arguments of an entry. */
int trace_sig_nargs(const struct trace_sig *s);
/* Class bit for "%file"-style names (without the %), or 0. */
unsigned trace_class_by_name(const char *name, size_t len);

/* ---- the line buffer */
struct tbuf {
	char *buf;
	size_t size;
	size_t len; /* bytes written; stays below size (the text is always NUL-terminated) */
};

void tb_init(struct tbuf *b, char *buf, size_t size);
void tb_putc(struct tbuf *b, char c);
void tb_puts(struct tbuf *b, const char *s);
void tb_printf(struct tbuf *b, const char *fmt, ...) __printf(2, 3);
/* Space-pad to column col (strace aligns " = result" at column 40). */
void tb_pad_to(struct tbuf *b, size_t col);

/* ---- one call being printed */
struct trace_call {
	struct task *task;
	const struct sc_args *a;
	const struct trace_sig *sig;
	long ret;     /* valid in the exit half */
	bool exiting; /* printing the exit half */
};

/* Number of arguments shown for this call (open's mode only with O_CREAT, ...). */
int trace_call_nargs(const struct trace_call *c);
/* Print argument i of the call. */
void trace_print_arg(struct tbuf *b, const struct trace_call *c, int i);
/* True when argument i is filled in by the call (printed in the exit half). */
bool trace_arg_is_output(const struct trace_call *c, int i);
/* Print the result (" = 3", " = -1 ENOENT (No such file or directory)", " = ?"). */
void trace_print_result(struct tbuf *b, const struct trace_call *c);

/* ---- trace_flags.c: names of constants */
struct tflag {
	u64 val;
	const char *name;
};

/* Flags named from a table ({0, NULL}-terminated), the rest in hex; zero as "0". */
void tb_flags(struct tbuf *b, const struct tflag *t, u64 v);
/* A value named from a table, else printed with fallback (a printf format for a long). */
void tb_xlat(struct tbuf *b, const struct tflag *t, u64 v, const char *fallback);
/* "SIGINT", "SIGRTMIN", "SIGRT_3", or the number. */
void tb_signame(struct tbuf *b, long sig);
/* A 64-bit signal set as strace shows it: [INT CHLD] or ~[RTMIN RT_1]. */
void tb_sigset(struct tbuf *b, u64 set);
/* File mode: S_IFREG|0644 (type only when present), 0644, 000. */
void tb_mode(struct tbuf *b, u32 mode);
/* open(2) flags: the access mode and the rest. */
void tb_oflags(struct tbuf *b, u64 flags);
/* Text after an errno name: "(No such file or directory)". */
const char *trace_errdesc(long err);

extern const struct tflag trace_fdflags[], trace_atflags[], trace_access[], trace_prot[],
	trace_maptype[], trace_mmapflags[], trace_msync[], trace_madvise[], trace_cloneflags[],
	trace_sighow[], trace_whence[], trace_wopts[], trace_clockid[], trace_timerflags[],
	trace_rlimres[], trace_archcode[], trace_grndflags[], trace_renameflags[],
	trace_mountflags[], trace_umountflags[], trace_flockop[], trace_itimerwhich[],
	trace_priowhich[], trace_rusagewho[], trace_idtype[], trace_statxmask[],
	trace_sockfamily[], trace_socktype[], trace_sockflags[], trace_shuthow[],
	trace_closerange[], trace_efdflags[], trace_ioctls[], trace_fcntlcmds[],
	trace_prctlopts[], trace_saflags[], trace_sicodes[], trace_pollevents[];

/* ---- trace_struct.c: structures in guest memory */
/* Each prints the structure at guest address addr, or the address when it cannot be read. */
void tb_addr(struct tbuf *b, u64 addr);
void tb_user_str(struct tbuf *b, u64 addr, size_t limit);
void tb_user_buf(struct tbuf *b, u64 addr, u64 len, bool hex);
void tb_user_sigset(struct tbuf *b, u64 addr, u64 size);
void tb_user_sigaction(struct tbuf *b, u64 addr);
void tb_user_timespec(struct tbuf *b, u64 addr, int count);
void tb_user_timeval(struct tbuf *b, u64 addr, int count);
void tb_user_itimerval(struct tbuf *b, u64 addr);
void tb_user_rlimit(struct tbuf *b, u64 addr);
void tb_user_argv(struct tbuf *b, u64 addr);
void tb_user_envp(struct tbuf *b, u64 addr);
void tb_user_stat(struct tbuf *b, u64 addr);
void tb_user_statx(struct tbuf *b, u64 addr);
void tb_user_statfs(struct tbuf *b, u64 addr);
void tb_user_wstatus(struct tbuf *b, u64 addr);
void tb_user_intpair(struct tbuf *b, u64 addr);
void tb_user_int(struct tbuf *b, u64 addr);
void tb_user_utsname(struct tbuf *b, u64 addr);
void tb_user_dirents(struct tbuf *b, u64 addr, long len);
void tb_user_iov(struct tbuf *b, u64 addr, u64 count, long datalen);
void tb_user_pollfds(struct tbuf *b, u64 addr, u64 count);
void tb_user_fdset(struct tbuf *b, u64 addr, int nfds);
void tb_user_sockaddr(struct tbuf *b, u64 addr, u64 len);
void tb_user_utimbuf(struct tbuf *b, u64 addr);
void tb_user_winsize(struct tbuf *b, u64 addr);
void tb_user_termios(struct tbuf *b, u64 addr);

#endif
