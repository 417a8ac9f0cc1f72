/*
 * Host signals of the kernel process. Handlers do nothing but set a pending-interrupt bit
 * and write a byte to a self-pipe (so an idle wait in poll() cannot miss them); the kernel
 * polls the bits at defined points (STYLE.md rule 5). They run on an alternate stack,
 * because kernel stacks are small and a signal frame holds the whole xstate (11 KiB with
 * AMX).
 *
 * SIGIO says that a descriptor set up for it (O_ASYNC: the mconsole socket) has input.
 *
 * SIGALRM (tick), SIGIO, SIGINT, SIGTERM, SIGHUP and SIGWINCH are installed without SA_RESTART:
 * a kernel blocked in waitpid() for a guest thread returns with EINTR and looks at them.
 * Synchronous signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE) in the kernel process are kernel
 * bugs and go to kernel_crash() (the panic path, kernel/panic.c), except a SIGBUS in a
 * window whose file the host truncated (os_window_fault). SIGPIPE is ignored and
 * SIGCHLD blocked.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "kern_util.h"
#include "os.h"

static volatile sig_atomic_t irq_bits;
static int irq_pipe[2] = { -1, -1 };

static void set_irq(unsigned bit)
{
	int saved = errno;
	char c = 0;

	irq_bits |= bit;
	if (write(irq_pipe[1], &c, 1) < 0) {
		/* full pipe: a wakeup is already pending */
	}
	errno = saved;
}

static void irq_handler(int sig)
{
	switch (sig) {
	case SIGALRM:
		set_irq(OS_IRQ_TICK);
		break;
	case SIGINT:
		set_irq(OS_IRQ_HOSTINT);
		break;
	case SIGWINCH:
		set_irq(OS_IRQ_WINCH);
		break;
	case SIGIO:
		set_irq(OS_IRQ_IO);
		break;
	default:
		set_irq(OS_IRQ_HOSTTERM);
		break;
	}
}

/*
 * A fault in the kernel process. A fault inside a guarded backtrace resumes it; a third
 * nested fault (the panic path itself keeps faulting) ends the process at once.
 */
static void crash_handler(int sig, siginfo_t *si, void *ctx)
{
	static volatile sig_atomic_t nesting;
	ucontext_t *uc = ctx;

	if (sig == SIGBUS && os_window_fault(si->si_addr) >= 0)
		return; /* a shared backing file cut short by the host: not a kernel bug */
	os_fault_guard_jump();
	if (++nesting > 2)
		_exit(UMLITE_EXIT_PANIC);
	kernel_crash(sig, si->si_addr, (void *)uc->uc_mcontext.gregs[REG_RIP]);
}

static int install(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags | SA_ONSTACK;
	sigfillset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL) < 0 ? -errno : 0;
}

int os_signals_init(void)
{
	static const int irqs[] = { SIGALRM, SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGIO };
	static const int crashes[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
	size_t altsize = 256 * 1024;
	stack_t ss = { .ss_sp = malloc(altsize), .ss_size = altsize };
	struct sigaction sa;
	sigset_t none;
	unsigned i;

	if (!ss.ss_sp)
		return -ENOMEM;
	if (sigaltstack(&ss, NULL) < 0)
		return -errno;
	if (pipe2(irq_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	os_backtrace_init();
	for (i = 0; i < sizeof(irqs) / sizeof(irqs[0]); i++)
		if (install(irqs[i], irq_handler, 0) < 0)
			return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = crash_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	for (i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
		if (sigaction(crashes[i], &sa, NULL) < 0)
			return -errno;
	/* A closed stdout is an EPIPE for the console, not the end of the kernel. */
	if (install(SIGPIPE, SIG_IGN, 0) < 0)
		return -errno;
	/*
	 * SIGCHLD stays blocked: the kernel waits for its stubs with waitpid and needs no
	 * notice, and under gdb every SIGCHLD (one per stub stop, so one per guest system
	 * call) would otherwise stop the kernel and make a debugged instance four times
	 * slower (scripts/gdb/umlite-gdb.py).
	 */
	sigemptyset(&none);
	sigaddset(&none, SIGCHLD);
	sigprocmask(SIG_SETMASK, &none, NULL);
	return 0;
}

unsigned os_irq_take(void)
{
	char buf[64];
	unsigned bits;

	while (read(irq_pipe[0], buf, sizeof(buf)) > 0)
		;
	bits = irq_bits;
	irq_bits &= ~bits;
	return bits;
}

int os_irq_pending(void)
{
	return irq_bits != 0;
}

unsigned os_irq_peek(void)
{
	return irq_bits;
}

int os_idle_wait(int fd, int64_t timeout_ns)
{
	struct pollfd p[2] = { { .fd = irq_pipe[0], .events = POLLIN }, { .fd = fd, .events = POLLIN } };
	struct timespec ts, *tsp = NULL;
	int r;

	if (irq_bits)
		return 0;
	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / 1000000000;
		ts.tv_nsec = timeout_ns % 1000000000;
		tsp = &ts;
	}
	r = ppoll(p, fd >= 0 ? 2 : 1, tsp, NULL);
	if (r < 0 && errno != EINTR)
		return -errno;
	return 0;
}

int os_kick_signal(void)
{
	return SIGVTALRM;
}
