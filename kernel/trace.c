/*
 * strace= tracing of guest system calls: strace=1 traces every call, strace=a,b,c only the
 * named ones. Each line goes to stderr (or strace_file=PATH on the host): the pid, the name
 * from the system-call table, the raw arguments, and the result with its errno name.
 * Decoding arguments by type (strings, flags) belongs to the debugging work (issue 8).
 */
#include "kernel.h"
#include "os.h"
#include "params.h"
#include "syscall.h"
#include "task.h"
#include "trace.h"

bool trace_enabled;
static u64 trace_mask[(SC_NR_MAX + 63) / 64];
static int trace_fd = 2;

static bool traced(long nr)
{
	return nr >= 0 && nr < SC_NR_MAX && (trace_mask[nr / 64] & (1ULL << (nr % 64)));
}

static int set_strace(const char *val)
{
	const char *p = val;

	if (!val || !*val)
		return -EINVAL;
	if (!strcmp(val, "1") || !strcmp(val, "all")) {
		memset(trace_mask, 0xff, sizeof(trace_mask));
		trace_enabled = true;
		return 0;
	}
	if (!strcmp(val, "0"))
		return 0;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		long nr;

		for (nr = 0; nr < SC_NR_MAX; nr++) {
			const char *name = syscall_name(nr);

			if (name && strlen(name) == len && !strncmp(name, p, len))
				break;
		}
		if (nr == SC_NR_MAX) {
			printk(KERN_ERR "strace=: unknown system call '%.*s'\n", (int)len, p);
			return -EINVAL;
		}
		trace_mask[nr / 64] |= 1ULL << (nr % 64);
		p += len + (end ? 1 : 0);
	}
	trace_enabled = true;
	return 0;
}
KPARAM("strace", set_strace, KP_VALUE, "strace=1|name,name,...  trace guest system calls to stderr");

static int set_strace_file(const char *val)
{
	int fd = os_open(val, OS_O_WRONLY | OS_O_CREAT | OS_O_TRUNC, 0644);

	if (fd < 0) {
		printk(KERN_ERR "strace_file=%s: %s\n", val, errname(fd));
		return fd;
	}
	trace_fd = fd;
	return 0;
}
KPARAM("strace_file", set_strace_file, KP_VALUE, "strace_file=PATH  write the trace to a host file");

static void emit(const char *fmt, ...) __printf(1, 2);
static void emit(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	os_write_all(trace_fd, buf, min(n, (int)sizeof(buf) - 1));
}

void trace_syscall_enter(struct task *t, const struct sc_args *a)
{
	const char *name = syscall_name(a->nr);

	if (!traced(a->nr))
		return;
	/* Calls that may sleep or never return are shown at entry too. */
	if (a->nr == 59 || a->nr == 60 || a->nr == 231)
		emit("[%d] %s(%#llx, %#llx, %#llx, ...) ...\n", t->pid, name ? name : "?",
		     (unsigned long long)a->arg[0], (unsigned long long)a->arg[1],
		     (unsigned long long)a->arg[2]);
}

void trace_syscall_exit(struct task *t, const struct sc_args *a, long ret)
{
	const char *name = syscall_name(a->nr);

	if (!traced(a->nr))
		return;
	if (ret < 0 && ret > -4096)
		emit("[%d] %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx) = -1 %s\n", t->pid,
		     name ? name : "?", (unsigned long long)a->arg[0], (unsigned long long)a->arg[1],
		     (unsigned long long)a->arg[2], (unsigned long long)a->arg[3],
		     (unsigned long long)a->arg[4], (unsigned long long)a->arg[5], errname(ret));
	else
		emit("[%d] %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx) = %#lx\n", t->pid,
		     name ? name : "?", (unsigned long long)a->arg[0], (unsigned long long)a->arg[1],
		     (unsigned long long)a->arg[2], (unsigned long long)a->arg[3],
		     (unsigned long long)a->arg[4], (unsigned long long)a->arg[5], ret);
}
