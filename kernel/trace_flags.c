/*
 * Names of constants for strace= output: flag sets and enumerations as strace prints them
 * (O_RDONLY|O_CLOEXEC, PROT_READ|PROT_WRITE, SIGCHLD, TCGETS, ...), signal sets, file
 * modes and the descriptions that follow an errno name. Values come from the Linux UAPI
 * headers where they have them, literal otherwise.
 */
#include "kernel.h"
#include "os.h"
#include "trace_internal.h"

#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <asm/mman.h>
#include <asm/poll.h>
#include <asm/prctl.h>
#include <asm/siginfo.h>
#include <asm/signal.h>
#include <linux/close_range.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/prctl.h>
#include <linux/random.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/stat.h>
#include <linux/time.h>
#include <linux/wait.h>

#define F(x) { x, #x }
#define END { 0, NULL }

/* Open flags other than the access mode, in strace's order. */
static const struct tflag oflags_rest[] = {
	F(O_CREAT), F(O_EXCL), F(O_NOCTTY), F(O_TRUNC), F(O_APPEND), F(O_NONBLOCK),
	{ O_SYNC, "O_SYNC" }, F(O_DSYNC), { FASYNC, "O_ASYNC" }, F(O_DIRECT), F(O_LARGEFILE),
	F(O_DIRECTORY), F(O_NOFOLLOW), F(O_NOATIME), F(O_CLOEXEC), F(O_PATH),
	{ O_TMPFILE & ~O_DIRECTORY, "O_TMPFILE" }, END
};

const struct tflag trace_fdflags[] = { F(O_NONBLOCK), F(O_CLOEXEC), F(O_DIRECT), END };
const struct tflag trace_atflags[] = {
	F(AT_SYMLINK_NOFOLLOW), F(AT_REMOVEDIR), F(AT_SYMLINK_FOLLOW), F(AT_NO_AUTOMOUNT),
	F(AT_EMPTY_PATH), F(AT_EACCESS), END
};
const struct tflag trace_access[] = { { 4, "R_OK" }, { 2, "W_OK" }, { 1, "X_OK" }, END };
const struct tflag trace_prot[] = { F(PROT_READ), F(PROT_WRITE), F(PROT_EXEC),
				    F(PROT_GROWSDOWN), F(PROT_GROWSUP), END };
const struct tflag trace_maptype[] = { F(MAP_SHARED), F(MAP_PRIVATE), F(MAP_SHARED_VALIDATE),
				       END };
const struct tflag trace_mmapflags[] = {
	F(MAP_FIXED), F(MAP_ANONYMOUS),
	F(MAP_32BIT), F(MAP_GROWSDOWN), F(MAP_DENYWRITE), F(MAP_EXECUTABLE), F(MAP_LOCKED),
	F(MAP_NORESERVE), F(MAP_POPULATE), F(MAP_NONBLOCK), F(MAP_STACK), F(MAP_HUGETLB),
	F(MAP_SYNC), F(MAP_FIXED_NOREPLACE), END
};
const struct tflag trace_msync[] = { F(MS_ASYNC), F(MS_INVALIDATE), F(MS_SYNC), END };
const struct tflag trace_madvise[] = {
	F(MADV_NORMAL), F(MADV_RANDOM), F(MADV_SEQUENTIAL), F(MADV_WILLNEED), F(MADV_DONTNEED),
	F(MADV_FREE), F(MADV_REMOVE), F(MADV_DONTFORK), F(MADV_DOFORK), F(MADV_MERGEABLE),
	F(MADV_UNMERGEABLE), F(MADV_HUGEPAGE), F(MADV_NOHUGEPAGE), F(MADV_DONTDUMP),
	F(MADV_DODUMP), F(MADV_WIPEONFORK), F(MADV_KEEPONFORK), F(MADV_COLD), F(MADV_PAGEOUT),
	END
};
const struct tflag trace_cloneflags[] = {
	F(CLONE_VM), F(CLONE_FS), F(CLONE_FILES), F(CLONE_SIGHAND), F(CLONE_PIDFD),
	F(CLONE_PTRACE), F(CLONE_VFORK), F(CLONE_PARENT), F(CLONE_THREAD), F(CLONE_NEWNS),
	F(CLONE_SYSVSEM), F(CLONE_SETTLS), F(CLONE_PARENT_SETTID), F(CLONE_CHILD_CLEARTID),
	F(CLONE_DETACHED), F(CLONE_UNTRACED), F(CLONE_CHILD_SETTID), F(CLONE_NEWCGROUP),
	F(CLONE_NEWUTS), F(CLONE_NEWIPC), F(CLONE_NEWUSER), F(CLONE_NEWPID), F(CLONE_NEWNET),
	F(CLONE_IO), END
};
const struct tflag trace_sighow[] = { F(SIG_BLOCK), F(SIG_UNBLOCK), F(SIG_SETMASK), END };
const struct tflag trace_whence[] = { F(SEEK_SET), F(SEEK_CUR), F(SEEK_END), F(SEEK_DATA),
				      F(SEEK_HOLE), END };
const struct tflag trace_wopts[] = { F(WNOHANG), F(WUNTRACED), F(WEXITED), F(WCONTINUED),
				     F(WNOWAIT), F(__WNOTHREAD), F(__WALL), F(__WCLONE), END };
const struct tflag trace_clockid[] = {
	F(CLOCK_REALTIME), F(CLOCK_MONOTONIC), F(CLOCK_PROCESS_CPUTIME_ID),
	F(CLOCK_THREAD_CPUTIME_ID), F(CLOCK_MONOTONIC_RAW), F(CLOCK_REALTIME_COARSE),
	F(CLOCK_MONOTONIC_COARSE), F(CLOCK_BOOTTIME), F(CLOCK_REALTIME_ALARM),
	F(CLOCK_BOOTTIME_ALARM), F(CLOCK_TAI), END
};
const struct tflag trace_timerflags[] = { F(TIMER_ABSTIME), END };
const struct tflag trace_rlimres[] = {
	F(RLIMIT_CPU), F(RLIMIT_FSIZE), F(RLIMIT_DATA), F(RLIMIT_STACK), F(RLIMIT_CORE),
	F(RLIMIT_RSS), F(RLIMIT_NPROC), F(RLIMIT_NOFILE), F(RLIMIT_MEMLOCK), F(RLIMIT_AS),
	F(RLIMIT_LOCKS), F(RLIMIT_SIGPENDING), F(RLIMIT_MSGQUEUE), F(RLIMIT_NICE),
	F(RLIMIT_RTPRIO), F(RLIMIT_RTTIME), END
};
const struct tflag trace_archcode[] = { F(ARCH_SET_GS), F(ARCH_SET_FS), F(ARCH_GET_FS),
					F(ARCH_GET_GS), F(ARCH_GET_CPUID), F(ARCH_SET_CPUID), END };
const struct tflag trace_grndflags[] = { F(GRND_NONBLOCK), F(GRND_RANDOM), F(GRND_INSECURE),
					 END };
const struct tflag trace_renameflags[] = { F(RENAME_NOREPLACE), F(RENAME_EXCHANGE),
					   F(RENAME_WHITEOUT), END };
const struct tflag trace_mountflags[] = {
	F(MS_RDONLY), F(MS_NOSUID), F(MS_NODEV), F(MS_NOEXEC), F(MS_SYNCHRONOUS), F(MS_REMOUNT),
	F(MS_MANDLOCK), F(MS_DIRSYNC), F(MS_NOSYMFOLLOW), F(MS_NOATIME), F(MS_NODIRATIME),
	F(MS_BIND), F(MS_MOVE), F(MS_REC), F(MS_SILENT), F(MS_POSIXACL), F(MS_UNBINDABLE),
	F(MS_PRIVATE), F(MS_SLAVE), F(MS_SHARED), F(MS_RELATIME), F(MS_KERNMOUNT),
	F(MS_I_VERSION), F(MS_STRICTATIME), F(MS_LAZYTIME), END
};
const struct tflag trace_umountflags[] = { { 1, "MNT_FORCE" }, { 2, "MNT_DETACH" },
					   { 4, "MNT_EXPIRE" }, { 8, "UMOUNT_NOFOLLOW" }, END };
const struct tflag trace_flockop[] = { F(LOCK_SH), F(LOCK_EX), F(LOCK_NB), F(LOCK_UN), END };
const struct tflag trace_itimerwhich[] = { F(ITIMER_REAL), F(ITIMER_VIRTUAL), F(ITIMER_PROF),
					   END };
const struct tflag trace_priowhich[] = { F(PRIO_PROCESS), F(PRIO_PGRP), F(PRIO_USER), END };
const struct tflag trace_rusagewho[] = { F(RUSAGE_SELF), { (u64)RUSAGE_CHILDREN,
	"RUSAGE_CHILDREN" }, F(RUSAGE_THREAD), END };
const struct tflag trace_idtype[] = { F(P_ALL), F(P_PID), F(P_PGID), F(P_PIDFD), END };
const struct tflag trace_statxmask[] = {
	F(STATX_BASIC_STATS), F(STATX_TYPE), F(STATX_MODE), F(STATX_NLINK), F(STATX_UID),
	F(STATX_GID), F(STATX_ATIME), F(STATX_MTIME), F(STATX_CTIME), F(STATX_INO), F(STATX_SIZE),
	F(STATX_BLOCKS), F(STATX_BTIME), F(STATX_MNT_ID), F(STATX_DIOALIGN), END
};
const struct tflag trace_sockfamily[] = {
	{ 0, "AF_UNSPEC" }, { 1, "AF_UNIX" }, { 2, "AF_INET" }, { 10, "AF_INET6" },
	{ 16, "AF_NETLINK" }, { 17, "AF_PACKET" }, END
};
const struct tflag trace_socktype[] = { { 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" },
					{ 3, "SOCK_RAW" }, { 4, "SOCK_RDM" },
					{ 5, "SOCK_SEQPACKET" }, { 10, "SOCK_PACKET" }, END };
const struct tflag trace_sockflags[] = { { O_CLOEXEC, "SOCK_CLOEXEC" },
					 { O_NONBLOCK, "SOCK_NONBLOCK" }, END };
const struct tflag trace_shuthow[] = { { 0, "SHUT_RD" }, { 1, "SHUT_WR" }, { 2, "SHUT_RDWR" },
				       END };
const struct tflag trace_closerange[] = { F(CLOSE_RANGE_UNSHARE), F(CLOSE_RANGE_CLOEXEC),
					  END };
const struct tflag trace_efdflags[] = { { 1, "EFD_SEMAPHORE" }, { O_NONBLOCK, "EFD_NONBLOCK" },
					{ O_CLOEXEC, "EFD_CLOEXEC" }, END };
const struct tflag trace_ioctls[] = {
	F(TCGETS), F(TCSETS), F(TCSETSW), F(TCSETSF), F(TCGETA), F(TCSETA), F(TCSETAW),
	F(TCSETAF), F(TCSBRK), F(TCXONC), F(TCFLSH), F(TIOCEXCL), F(TIOCNXCL), F(TIOCSCTTY),
	F(TIOCGPGRP), F(TIOCSPGRP), F(TIOCOUTQ), F(TIOCSTI), F(TIOCGWINSZ), F(TIOCSWINSZ),
	F(TIOCMGET), F(TIOCMSET), F(FIONREAD), F(TIOCLINUX), F(TIOCCONS), F(FIONBIO),
	F(TIOCNOTTY), F(TIOCSETD), F(TIOCGETD), F(TCSBRKP), F(TIOCSBRK), F(TIOCCBRK),
	F(TIOCGSID), F(TCGETS2), F(TCSETS2), F(TCSETSW2), F(TCSETSF2), F(TIOCGPTN),
	F(TIOCSPTLCK), F(TIOCGDEV), F(TIOCVHANGUP), F(TIOCGPKT), F(TIOCGPTLCK), F(TIOCGEXCL),
	F(TIOCGPTPEER), F(FIONCLEX), F(FIOCLEX), F(FIOASYNC), F(TIOCGLCKTRMIOS),
	F(TIOCSLCKTRMIOS), F(FIOQSIZE), END
};
const struct tflag trace_fcntlcmds[] = {
	F(F_DUPFD), F(F_GETFD), F(F_SETFD), F(F_GETFL), F(F_SETFL), F(F_GETLK), F(F_SETLK),
	F(F_SETLKW), F(F_SETOWN), F(F_GETOWN), F(F_SETSIG), F(F_GETSIG), F(F_SETOWN_EX),
	F(F_GETOWN_EX), F(F_OFD_GETLK), F(F_OFD_SETLK), F(F_OFD_SETLKW), F(F_SETLEASE),
	F(F_GETLEASE), F(F_NOTIFY), F(F_DUPFD_CLOEXEC), F(F_SETPIPE_SZ), F(F_GETPIPE_SZ),
	F(F_ADD_SEALS), F(F_GET_SEALS), END
};
const struct tflag trace_prctlopts[] = {
	F(PR_SET_PDEATHSIG), F(PR_GET_PDEATHSIG), F(PR_GET_DUMPABLE), F(PR_SET_DUMPABLE),
	F(PR_GET_KEEPCAPS), F(PR_SET_KEEPCAPS), F(PR_SET_NAME), F(PR_GET_NAME),
	F(PR_GET_SECCOMP), F(PR_SET_SECCOMP), F(PR_CAPBSET_READ), F(PR_CAPBSET_DROP),
	F(PR_GET_SECUREBITS), F(PR_SET_SECUREBITS), F(PR_SET_TIMERSLACK), F(PR_GET_TIMERSLACK),
	F(PR_SET_CHILD_SUBREAPER), F(PR_GET_CHILD_SUBREAPER), F(PR_SET_NO_NEW_PRIVS),
	F(PR_GET_NO_NEW_PRIVS), F(PR_SET_THP_DISABLE), F(PR_GET_THP_DISABLE), F(PR_SET_MM),
	F(PR_CAP_AMBIENT), F(PR_SET_VMA), END
};
const struct tflag trace_saflags[] = {
	F(SA_NOCLDSTOP), F(SA_NOCLDWAIT), F(SA_SIGINFO), F(SA_RESTORER), F(SA_ONSTACK),
	F(SA_RESTART), F(SA_NODEFER), F(SA_RESETHAND), END
};
const struct tflag trace_pollevents[] = {
	F(POLLIN), F(POLLPRI), F(POLLOUT), F(POLLERR), F(POLLHUP), F(POLLNVAL), F(POLLRDNORM),
	F(POLLRDBAND), F(POLLWRNORM), F(POLLWRBAND), F(POLLMSG), F(POLLRDHUP), END
};
/* si_code values that mean the same whatever the signal. */
const struct tflag trace_sicodes[] = {
	F(SI_USER), F(SI_KERNEL), F(SI_QUEUE), F(SI_TIMER), F(SI_MESGQ), F(SI_ASYNCIO),
	F(SI_SIGIO), F(SI_TKILL), END
};

void tb_flags(struct tbuf *b, const struct tflag *t, u64 v)
{
	bool any = false;

	for (; t->name; t++) {
		if (!t->val || (v & t->val) != t->val)
			continue;
		tb_printf(b, "%s%s", any ? "|" : "", t->name);
		v &= ~t->val;
		any = true;
	}
	if (v || !any)
		tb_printf(b, any ? "|%#llx" : "%#llx", (unsigned long long)v);
}

void tb_xlat(struct tbuf *b, const struct tflag *t, u64 v, const char *fallback)
{
	for (; t->name; t++) {
		if (t->val == v) {
			tb_puts(b, t->name);
			return;
		}
	}
	tb_printf(b, fallback, (long)v);
}

static const char *const signames[] = {
	NULL, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1",
	"SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP",
	"TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
};

/* Short name of a signal without "SIG" (for sets), or NULL when out of range. */
static void tb_signame_short(struct tbuf *b, long sig)
{
	if (sig > 0 && sig < (long)ARRAY_SIZE(signames))
		tb_puts(b, signames[sig]);
	else if (sig == 32)
		tb_puts(b, "RTMIN");
	else
		tb_printf(b, "RT_%ld", sig - 32);
}

void tb_signame(struct tbuf *b, long sig)
{
	if (sig <= 0 || sig > 64) {
		tb_printf(b, "%ld", sig);
		return;
	}
	tb_puts(b, "SIG");
	tb_signame_short(b, sig);
}

void tb_sigset(struct tbuf *b, u64 set)
{
	int n = __builtin_popcountll(set);
	bool first = true;

	/* Like strace: a set with more than half the signals is shown as its complement. */
	if (n > 32) {
		tb_putc(b, '~');
		set = ~set;
	}
	tb_putc(b, '[');
	for (int sig = 1; sig <= 64; sig++) {
		if (!(set & (1ULL << (sig - 1))))
			continue;
		if (!first)
			tb_putc(b, ' ');
		tb_signame_short(b, sig);
		first = false;
	}
	tb_putc(b, ']');
}

static const struct tflag filetypes[] = {
	F(S_IFREG), F(S_IFDIR), F(S_IFCHR), F(S_IFBLK), F(S_IFIFO), F(S_IFLNK), F(S_IFSOCK), END
};

void tb_mode(struct tbuf *b, u32 mode)
{
	u32 type = mode & S_IFMT;

	if (type) {
		tb_xlat(b, filetypes, type, "%#lo");
		tb_putc(b, '|');
	}
	if (mode & S_ISUID)
		tb_puts(b, "S_ISUID|");
	if (mode & S_ISGID)
		tb_puts(b, "S_ISGID|");
	if (mode & S_ISVTX)
		tb_puts(b, "S_ISVTX|");
	tb_printf(b, "%#03o", mode & 0777);
}

void tb_oflags(struct tbuf *b, u64 flags)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

	tb_puts(b, acc[flags & O_ACCMODE]);
	flags &= ~(u64)O_ACCMODE;
	if (flags) {
		tb_putc(b, '|');
		tb_flags(b, oflags_rest, flags);
	}
}

const char *trace_errdesc(long err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ERESTARTSYS:
		return "To be restarted if SA_RESTART is set";
	case ERESTARTNOINTR:
		return "To be restarted";
	case ERESTARTNOHAND:
		return "To be restarted if no handler";
	case ERESTART_RESTARTBLOCK:
		return "Interrupted by signal";
	}
	return os_strerror((int)-err);
}
