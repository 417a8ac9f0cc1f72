/*
 * The panic path: what a kernel bug ends in. panic() (BUG, BUG_ON, the debug checks) and
 * kernel_crash() (a host SIGSEGV, SIGBUS, SIGILL or SIGFPE in kernel code, from
 * os/signal.c) do, in this order:
 *  1. restore the host terminal, so that the report is readable and the shell usable;
 *  2. write out the strace= output still buffered;
 *  3. print the report on stderr (and into the kernel log), whatever the log level:
 *       Kernel panic - not syncing: REASON
 *       RIP: function+0x12/0x80 (umlite+0x1234)          (host faults only)
 *       Task: sh (pid 1, tgid 1), system call write (1), args 0x1 0x4c8a10 0x2 ...
 *       Call Trace:
 *        function+0x2f/0x1a0 (umlite+0x1e9bb)             innermost first; the offset
 *        ...                                              is what addr2line -e umlite takes
 *       Kernel log before the panic (last 20 lines):
 *        [    0.012345] ...
 *       ---[ end Kernel panic - not syncing: REASON ]---
 *  4. notify the mconsole notify socket (MCONSOLE_PANIC, the reason);
 *  5. kill the guest's host processes;
 *  6. exit with status UMLITE_EXIT_PANIC (125), or, with panic=N (N != 0), restart as a
 *     reboot does after N seconds (N < 0: at once), as Linux's panic= does.
 *
 * The kernel is in an unknown state here: the path uses static buffers and no kmalloc,
 * takes no guest memory, and a panic inside it prints one line and exits at once (a
 * third fault in a row ends the process from the host handler).
 */
#include "kernel.h"
#include "console.h"
#include "init.h"
#include "mconsole.h"
#include "mode.h"
#include "os.h"
#include "params.h"
#include "printk.h"
#include "syscall.h"
#include "task.h"
#include "trace.h"

#include <asm/signal.h>

#define PANIC_FRAMES 48
#define LOG_TAIL_LINES 20
#define LOG_TAIL_BYTES 4096

static int panic_timeout; /* panic=N */
static int panic_depth;
static char reason[400];        /* the panic's */
static char nested_reason[200]; /* a second panic's, during the first */
static char tail[LOG_TAIL_BYTES + 1];

static int set_panic(const char *v)
{
	const char *p = v + (*v == '-'), *end;
	unsigned long long n = kstrtoull_prefix(p, &end, 10);

	if (end == p || *end || n > 86400) {
		printk(KERN_ERR "panic=%s: expected a number of seconds (-86400..86400)\n", v);
		return -EINVAL;
	}
	panic_timeout = *v == '-' ? -(int)n : (int)n;
	return 0;
}
KPARAM("panic", set_panic, KP_VALUE,
       "panic=N           after a kernel panic reboot in N seconds (N < 0: at once);\n"
       "                    0 (default): exit with status 125");

void panic_print_pc(const char *prefix, u64 pc, bool ret)
{
	struct os_symbol s;
	int r = os_symbolize(ret ? pc - 1 : pc, &s);

	if (ret)
		s.offset++;
	if (r == 0)
		printk("%s%s+%#llx/%#llx (%s+%#llx)\n", prefix, s.name,
		       (unsigned long long)s.offset, (unsigned long long)s.size, s.object,
		       (unsigned long long)s.object_offset);
	else if (s.object)
		printk("%s? (%s+%#llx)\n", prefix, s.object,
		       (unsigned long long)s.object_offset);
	else
		printk("%s%#llx\n", prefix, (unsigned long long)pc);
}

/* First frame to show: the faulting instruction, or panic() itself. */
static int first_frame(const u64 *pcs, int n, u64 fault_ip)
{
	for (int i = 0; i < n; i++) {
		struct os_symbol s;

		if (fault_ip && pcs[i] == fault_ip)
			return i;
		if (!fault_ip && os_symbolize(pcs[i] - 1, &s) == 0 && !strcmp(s.name, "panic"))
			return i;
	}
	return 0;
}

static void print_trace(void *ip)
{
	static u64 pcs[PANIC_FRAMES];
	u64 fault_ip = *(u64 *)ip;
	int n = os_backtrace(pcs, PANIC_FRAMES), i;

	printk(KERN_EMERG "Call Trace:\n");
	if (n <= 0) {
		printk(KERN_EMERG " (the host stack could not be unwound)\n");
		return;
	}
	for (i = first_frame(pcs, n, fault_ip); i < n; i++)
		panic_print_pc(KERN_EMERG " ", pcs[i], pcs[i] != fault_ip);
}

static void print_task(void *unused)
{
	const struct task *t = current;
	const u64 *r = t->regs.gp;

	if (t->pid == 0) {
		printk(KERN_EMERG "Task: %s (pid 0, the idle task: no guest task was running)\n",
		       t->comm);
		return;
	}
	if (!t->in_syscall) {
		printk(KERN_EMERG "Task: %s (pid %d, tgid %d), not in a system call\n", t->comm,
		       t->pid, t->tgid);
		return;
	}
	printk(KERN_EMERG "Task: %s (pid %d, tgid %d), system call %s (%ld), "
			  "args %#llx %#llx %#llx %#llx %#llx %#llx\n",
	       t->comm, t->pid, t->tgid, syscall_name(t->syscall_nr), t->syscall_nr,
	       (unsigned long long)r[UM_RDI], (unsigned long long)r[UM_RSI],
	       (unsigned long long)r[UM_RDX], (unsigned long long)r[UM_R10],
	       (unsigned long long)r[UM_R8], (unsigned long long)r[UM_R9]);
}

/* The last lines logged before *at, straight to stderr (they are in the log already). */
static void print_log_tail(void *at)
{
	unsigned long pos = *(unsigned long *)at;
	unsigned long start = pos - min((unsigned long)LOG_TAIL_BYTES, pos);
	size_t n, from = 0;
	int lines = 0;

	n = printk_log_read(tail, pos - start, &start); /* start moves up to the oldest kept */
	tail[n] = 0;
	for (size_t i = n; i-- > 0;) {
		if (tail[i] == '\n' && i + 1 < n && ++lines == LOG_TAIL_LINES) {
			from = i + 1;
			break;
		}
	}
	if (from == 0 && n == LOG_TAIL_BYTES) /* the first line is cut: skip it */
		from = (size_t)(strchr(tail, '\n') ? strchr(tail, '\n') - tail + 1 : 0);
	printk(KERN_EMERG "Kernel log before the panic (last %d lines):\n", LOG_TAIL_LINES);
	for (char *line = tail + from; *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len >= 3 && line[0] == '<' && line[2] == '>') { /* the level: not for people */
			line += 3;
			len -= 3;
		}
		os_write_all(2, " ", 1);
		os_write_all(2, line, len);
		os_write_all(2, "\n", 1);
		line += len + (nl ? 1 : 0);
	}
}

/* Wait before a panic reboot; a SIGTERM from the host meanwhile makes it an exit. */
static void reboot_delay(void)
{
	u64 end = os_monotonic_ns() + (u64)panic_timeout * 1000000000ULL;

	printk(KERN_EMERG "Rebooting in %d seconds..\n", panic_timeout);
	os_tick_stop();
	while (os_monotonic_ns() < end) {
		if (os_irq_peek() & OS_IRQ_HOSTTERM)
			os_exit(UMLITE_EXIT_PANIC);
		os_sleep_ns(min(end - os_monotonic_ns(), 100000000ULL));
	}
}

static void __noreturn nested_panic(void)
{
	static const char msg[] = "Kernel panic in the panic path: ", msg2[] = " (while: ";

	console_shutdown();
	os_write_all(2, msg, sizeof(msg) - 1);
	os_write_all(2, nested_reason, strlen(nested_reason));
	os_write_all(2, msg2, sizeof(msg2) - 1);
	os_write_all(2, reason, strlen(reason));
	os_write_all(2, ")\n", 2);
	os_exit(UMLITE_EXIT_PANIC);
}

static void flush_trace(void *unused)
{
	if (IS_ENABLED(CONFIG_SYSCALL_TRACE))
		trace_flush();
}

static void notify(void *unused)
{
	mconsole_notify_panic(reason);
}

static void shutdown_mode(void *unused)
{
	if (um_mode)
		um_mode->shutdown();
}

/* Run one part of the report; one that faults is named and skipped. */
static void part(const char *what, void (*fn)(void *), void *arg)
{
	if (os_guarded_call(fn, arg) < 0)
		printk(KERN_EMERG "(%s: faulted, skipped)\n", what);
}

static void __noreturn do_panic(u64 fault_ip)
{
	unsigned long log_pos = printk_log_pos();

	console_shutdown();
	part("strace= output", flush_trace, NULL);
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", reason);
	if (fault_ip)
		panic_print_pc(KERN_EMERG "RIP: ", fault_ip, false);
	part("current task", print_task, NULL);
	part("backtrace", print_trace, &fault_ip);
	part("kernel log", print_log_tail, &log_pos);
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", reason);
	part("mconsole notification", notify, NULL);
	part("guest process shutdown", shutdown_mode, NULL);
	if (panic_timeout == 0)
		os_exit(UMLITE_EXIT_PANIC);
	if (panic_timeout > 0)
		reboot_delay();
	kernel_restart_after_panic();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (panic_depth)
		kvsnprintf(nested_reason, sizeof(nested_reason), fmt, ap);
	else
		kvsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (panic_depth++)
		nested_panic();
	do_panic(0);
}

static const char *fault_name(int signo)
{
	switch (signo) {
	case SIGSEGV:
		return "Segmentation fault";
	case SIGBUS:
		return "Bus error";
	case SIGILL:
		return "Illegal instruction";
	case SIGFPE:
		return "Arithmetic exception";
	default:
		return "Fatal signal";
	}
}

void kernel_crash(int signo, void *addr, void *ip)
{
	ksnprintf(panic_depth ? nested_reason : reason, panic_depth ? sizeof(nested_reason) :
		  sizeof(reason), "%s (host signal %d) at address %p in kernel code",
		  fault_name(signo), signo, addr);
	if (panic_depth++)
		nested_panic();
	do_panic((u64)(unsigned long)ip);
}
