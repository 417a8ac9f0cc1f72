/*
 * strace= tracing of guest system calls, in strace's own format:
 *
 *   [pid 2] openat(AT_FDCWD, "/etc/nothing", O_RDONLY) = -1 ENOENT (No such file or directory)
 *
 * strace=1 (or all) traces every call; strace=a,b,%file,... only the named calls and
 * classes. Lines go to the host's stderr, or to the host file strace_file=PATH (which
 * alone means strace=1). Argument kinds per call come from kernel/syscall_args.def, names
 * from kernel/syscalls.def.
 *
 * A call is printed in two halves, as strace does: the entry half holds the arguments the
 * guest passes, the exit half the ones the kernel fills in and the result. The entry half
 * waits in a pending buffer. When the same task's exit comes next (the usual case) the
 * line is written whole; when another task prints first (the call sleeps), the entry half
 * is written with " <unfinished ...>" and the exit later as "<... name resumed>". Only
 * whole lines are ever written, so the trace never splits a line of guest output.
 * Also printed, as strace does: signal deliveries ("--- SIGCHLD {...} ---") and task
 * exits ("+++ exited with 0 +++").
 *
 * Single kernel thread (kernel/sched.c): the pending buffer needs no lock.
 */
#include "kernel.h"
#include "os.h"
#include "params.h"
#include "printk.h"
#include "syscall.h"
#include "task.h"
#include "trace.h"
#include "trace_internal.h"
#include "uaccess.h"

#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <asm/unistd.h>
#include <linux/sched.h>

#define TRACE_LINE_MAX 2048

bool trace_enabled;
static bool trace_all;      /* strace=1: numbers outside the table too */
static bool trace_selected; /* strace= was given (strace_file= alone then means all) */
static u64 trace_mask[(SC_NR_MAX + 63) / 64];
static int trace_fd = 2;

/* The entry half of the last call, not yet written. */
static struct {
	bool active;
	int pid;
	long nr;
	size_t len;
	char text[TRACE_LINE_MAX];
} pending;

static bool traced(long nr)
{
	if (nr < 0 || nr >= SC_NR_MAX)
		return trace_all;
	return trace_mask[nr / 64] & (1ULL << (nr % 64));
}

/* ---- options */

static int select_token(const char *val, const char *p, size_t len)
{
	unsigned cls = 0;
	long nr;

	if (len > 1 && p[0] == '%')
		cls = trace_class_by_name(p + 1, len - 1);
	for (nr = 0; nr < SC_NR_MAX; nr++) {
		const char *name = syscall_name(nr);
		const struct trace_sig *s = trace_sig_of(nr);

		if (cls ? (s && (s->classes & cls))
			: (name && strlen(name) == len && !strncmp(name, p, len)))
			trace_mask[nr / 64] |= 1ULL << (nr % 64);
		else
			continue;
		if (!cls)
			return 0;
	}
	if (cls)
		return 0;
	printk(KERN_ERR "strace=%s: unknown system call '%.*s' (names as in strace: openat,"
	       "execve; classes: %%file %%desc %%process %%signal %%memory %%network %%creds "
	       "%%clock)\n", val, (int)len, p);
	return -EINVAL;
}

/* The options exist either way, so that a kernel built without tracing says why. */
static int trace_built_in(const char *opt)
{
	if (IS_ENABLED(CONFIG_SYSCALL_TRACE))
		return 0;
	printk(KERN_ERR "%s: this kernel is built without CONFIG_SYSCALL_TRACE\n", opt);
	return -EINVAL;
}

static int set_strace(const char *val)
{
	const char *p = val;

	if (trace_built_in("strace="))
		return -EINVAL;
	trace_selected = true;
	if (!strcmp(val, "1") || !strcmp(val, "all")) {
		memset(trace_mask, 0xff, sizeof(trace_mask));
		trace_all = trace_enabled = true;
		return 0;
	}
	if (!strcmp(val, "0") || !strcmp(val, "none")) {
		trace_enabled = false;
		return 0;
	}
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (!len) {
			printk(KERN_ERR "strace=%s: expected 1, or system call names separated by "
			       "commas\n", val);
			return -EINVAL;
		}
		if (select_token(val, p, len) < 0)
			return -EINVAL;
		if (!end)
			break;
		p = end + 1;
	}
	trace_enabled = true;
	return 0;
}
KPARAM("strace", set_strace, KP_VALUE,
       "strace=1|LIST     trace guest system calls as strace does (LIST: openat,execve,%file...)");

static int set_strace_file(const char *val)
{
	int fd;

	if (trace_built_in("strace_file="))
		return -EINVAL;
	fd = os_open(val, OS_O_WRONLY | OS_O_CREAT | OS_O_TRUNC, 0644);
	if (fd < 0) {
		printk(KERN_ERR "strace_file=%s: cannot open: %s\n", val, os_strerror(fd));
		return fd;
	}
	if (trace_fd != 2)
		os_close(trace_fd);
	trace_fd = fd;
	if (!trace_selected) {
		memset(trace_mask, 0xff, sizeof(trace_mask));
		trace_all = trace_enabled = true;
	}
	return 0;
}
KPARAM("strace_file", set_strace_file, KP_VALUE,
       "strace_file=PATH  write the strace= trace to a host file (alone: trace every call)");

/* ---- output */

static void emit_line(const char *text, size_t len)
{
	if (trace_fd == 2 && printk_crlf) {
		/* The host terminal is raw: the line needs its carriage return. */
		os_write_all(trace_fd, text, len);
		os_write_all(trace_fd, "\r\n", 2);
		return;
	}
	os_write_all(trace_fd, text, len);
	os_write_all(trace_fd, "\n", 1);
}

/* Write the pending entry half as unfinished; with killed, its task died in the call. */
static void flush_pending(bool killed)
{
	struct tbuf b;

	if (!pending.active)
		return;
	pending.active = false;
	tb_init(&b, pending.text + pending.len, sizeof(pending.text) - pending.len);
	tb_puts(&b, killed ? " <unfinished ...>) = ?" : " <unfinished ...>");
	emit_line(pending.text, pending.len + b.len);
}

/* ---- calls */

static const struct trace_sig raw_sig = { R_DEC, 0, { A_HEX, A_HEX, A_HEX, A_HEX, A_HEX, A_HEX } };

static void print_name(struct tbuf *b, long nr)
{
	const char *name = syscall_name(nr);

	if (name)
		tb_puts(b, name);
	else
		tb_printf(b, "syscall_%#lx", nr);
}

static void print_clone(struct tbuf *b, const struct trace_call *c)
{
	const u64 *arg = c->a->arg;

	tb_puts(b, "child_stack=");
	tb_addr(b, arg[1]);
	tb_puts(b, ", flags=");
	trace_print_arg(b, c, 0);
	if (arg[0] & CLONE_PARENT_SETTID)
		tb_printf(b, ", parent_tid=%#llx", (unsigned long long)arg[2]);
	if (arg[0] & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		tb_printf(b, ", child_tidptr=%#llx", (unsigned long long)arg[3]);
	if (arg[0] & CLONE_SETTLS)
		tb_printf(b, ", tls=%#llx", (unsigned long long)arg[4]);
}

/* Calls strace shows in a form of their own, all at entry. */
static bool is_special(long nr)
{
	return nr == __NR_clone || nr == __NR_restart_syscall || nr == __NR_rt_sigreturn;
}

static void print_special(struct tbuf *b, const struct trace_call *c)
{
	u64 mask;

	switch (c->a->nr) {
	case __NR_clone:
		print_clone(b, c);
		break;
	case __NR_restart_syscall:
		tb_puts(b, "<... resuming interrupted call ...>");
		break;
	case __NR_rt_sigreturn:
		/* The mask the frame restores: the ucontext sits at the stack pointer. */
		if (copy_from_user(&mask, c->task->regs.gp[UM_RSP] +
				   offsetof(struct ucontext, uc_sigmask), sizeof(mask)))
			break;
		tb_puts(b, "{mask=");
		tb_sigset(b, mask);
		tb_putc(b, '}');
		break;
	}
}

/* Arguments [from, to) of n, each followed by ", " when another comes after it. */
static void print_args(struct tbuf *b, const struct trace_call *c, int from, int to, int n)
{
	for (int i = from; i < to; i++) {
		trace_print_arg(b, c, i);
		if (i + 1 < n)
			tb_puts(b, ", ");
	}
}

/* Index of the first argument printed at exit (n when all are inputs). */
static int first_output(const struct trace_call *c, int n)
{
	for (int i = 0; i < n; i++)
		if (trace_arg_is_output(c, i))
			return i;
	return n;
}

static void finish_line(struct tbuf *b, const struct trace_call *c)
{
	tb_putc(b, ')');
	tb_pad_to(b, 39);
	trace_print_result(b, c);
}

void trace_syscall_enter(struct task *t, const struct sc_args *a)
{
	const struct trace_sig *s = trace_sig_of(a->nr);
	struct trace_call c = { t, a, s ? s : &raw_sig, 0, false };
	char line[TRACE_LINE_MAX];
	struct tbuf b;
	int n;

	if (!traced(a->nr))
		return;
	n = trace_call_nargs(&c);
	tb_init(&b, line, sizeof(line));
	tb_printf(&b, "[pid %d] ", t->pid);
	print_name(&b, a->nr);
	tb_putc(&b, '(');
	if (is_special(a->nr))
		print_special(&b, &c);
	else
		print_args(&b, &c, 0, first_output(&c, n), n);
	flush_pending(false);
	if (c.sig->ret == R_NONE) {
		/* exit and exit_group never come back: the whole line now. */
		finish_line(&b, &c);
		emit_line(line, b.len);
		return;
	}
	pending.active = true;
	pending.pid = t->pid;
	pending.nr = a->nr;
	pending.len = b.len;
	memcpy(pending.text, line, b.len + 1);
}

void trace_syscall_exit(struct task *t, const struct sc_args *a, long ret)
{
	const struct trace_sig *s = trace_sig_of(a->nr);
	struct trace_call c = { t, a, s ? s : &raw_sig, ret, true };
	char line[TRACE_LINE_MAX];
	struct tbuf b;
	int n;

	if (!traced(a->nr))
		return;
	n = trace_call_nargs(&c);
	tb_init(&b, line, sizeof(line));
	if (pending.active && pending.pid == t->pid && pending.nr == a->nr) {
		pending.active = false;
		tb_puts(&b, pending.text);
	} else {
		flush_pending(false);
		tb_printf(&b, "[pid %d] <... ", t->pid);
		print_name(&b, a->nr);
		tb_puts(&b, " resumed>");
	}
	if (!is_special(a->nr))
		print_args(&b, &c, first_output(&c, n), n, n);
	finish_line(&b, &c);
	emit_line(line, b.len);
}

/* ---- signals and exits */

static void print_siginfo(struct tbuf *b, int sig, const siginfo_t *si)
{
	int code = si->si_code;

	tb_puts(b, "{si_signo=");
	tb_signame(b, sig);
	tb_puts(b, ", si_code=");
	if (sig == SIGCHLD && code > 0) {
		static const char *const cld[] = { NULL, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
						   "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };

		tb_puts(b, code < (int)ARRAY_SIZE(cld) ? cld[code] : "?");
		tb_printf(b, ", si_pid=%d, si_uid=%u, si_status=", si->si_pid, si->si_uid);
		if (code == CLD_EXITED)
			tb_printf(b, "%d", si->si_status);
		else
			tb_signame(b, si->si_status);
		tb_printf(b, ", si_utime=%ld, si_stime=%ld}", (long)si->si_utime,
			  (long)si->si_stime);
		return;
	}
	if ((sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) && code > 0) {
		static const char *const segv[] = { NULL, "SEGV_MAPERR", "SEGV_ACCERR" };
		static const char *const bus[] = { NULL, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR" };

		if (sig == SIGSEGV && code < (int)ARRAY_SIZE(segv))
			tb_puts(b, segv[code]);
		else if (sig == SIGBUS && code < (int)ARRAY_SIZE(bus))
			tb_puts(b, bus[code]);
		else
			tb_printf(b, "%d", code);
		tb_printf(b, ", si_addr=%p}", si->si_addr);
		return;
	}
	tb_xlat(b, trace_sicodes, (u64)(long)code, "%ld");
	if (code == SI_USER || code == SI_TKILL || code == SI_QUEUE)
		tb_printf(b, ", si_pid=%d, si_uid=%u", si->si_pid, si->si_uid);
	tb_putc(b, '}');
}

void trace_signal(struct task *t, int sig, const siginfo_t *info)
{
	char line[512];
	struct tbuf b;

	/* strace never sees SIGKILL delivered, only the death ("+++ killed by SIGKILL +++"). */
	if (!trace_enabled || sig == SIGKILL)
		return;
	tb_init(&b, line, sizeof(line));
	tb_printf(&b, "[pid %d] --- ", t->pid);
	tb_signame(&b, sig);
	tb_putc(&b, ' ');
	print_siginfo(&b, sig, info);
	tb_puts(&b, " ---");
	flush_pending(false);
	emit_line(line, b.len);
}

void trace_task_exit(struct task *t, int status)
{
	char line[128];
	struct tbuf b;

	if (!trace_enabled)
		return;
	flush_pending(pending.active && pending.pid == t->pid);
	tb_init(&b, line, sizeof(line));
	tb_printf(&b, "[pid %d] +++ ", t->pid);
	if ((status & 0x7f) == 0) {
		tb_printf(&b, "exited with %d", (status >> 8) & 0xff);
	} else {
		tb_puts(&b, "killed by ");
		tb_signame(&b, status & 0x7f);
		if (status & 0x80)
			tb_puts(&b, " (core dumped)");
	}
	tb_puts(&b, " +++");
	emit_line(line, b.len);
}

void trace_flush(void)
{
	if (trace_enabled)
		flush_pending(false);
}
