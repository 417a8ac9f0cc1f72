/*
 * SKAS over seccomp (skas=seccomp), host side: stub processes, their setup, the hand-off
 * of traps through shared memory, and the control thread that edits their mappings.
 *
 * A guest address space is a host process running the seccomp stub (skas/seccomp_stub.c)
 * with these threads:
 *   - the leader, the spawner: set up through ptrace (below), then kept in a ptrace stop.
 *     To make a guest thread the kernel points it at stub_sc_spawn with the thread's slot
 *     in registers and lets it run to its next int3: it maps the slot and clones. It has
 *     no filter, blocks every signal, and runs only that code, when the kernel says so.
 *   - one host thread per guest thread (clones of the leader, never traced) runs guest
 *     code under a seccomp filter (os/security.c) that it installs before anything else
 *     and that traps (SIGSYS) every system call except, from the stub's code page only,
 *     futex WAIT/WAKE on a slot's state word, rt_sigreturn, rt_sigprocmask, sigaltstack
 *     (the last two can do nothing a crafted rt_sigreturn cannot), sched_yield and
 *     arch_prctl(ARCH_SET_FS/GS). Each has its own hand-off slot (stub-seccomp.h). Its
 *     handler (the same one for SIGSYS, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP and
 *     the kick signal) runs on an alternate stack inside the hand-off slot, records the
 *     trap, sets slot.state = KERNEL and waits for GUEST; the kernel reads and rewrites
 *     the registers and FPU state in that signal frame (seccomp.c), and rt_sigreturn
 *     loads them. No ptrace stop and no sleep on the fast path: the kernel runs on one
 *     CPU and guest threads on another, and both sides busy-wait before sleeping on the
 *     futex (../shared/LIMITS.md: a sleeping wake-up across CPUs costs ~30 us there, and
 *     up to several ms on a busy host, when the CPU woken was idle; a spinning hand-off
 *     ~1.5 us): the kernel KERNEL_SPIN_NS; a stub STUB_SPIN_NS, or less when the kernel
 *     tells it that another stub runs now (slot.nap), then it yields its CPU for
 *     STUB_YIELD_NS, so that the next stub runs there without a wake-up and the CPU does
 *     not go idle between the calls of a process that blocks briefly. With one CPU, or
 *     while the host's CPUs are contended (update_contention), nobody spins.
 *   - the control thread is created by the stub's setup and sleeps on a futex word in
 *     the request pages (read-only in the stub). To map, unmap or protect guest pages the
 *     kernel writes the calls there, bumps the word, wakes it, and waits for its report
 *     on an eventfd (it runs on the kernel's CPU: two context switches). Its own filter
 *     allows, from the stub page, only mmap of the physmem descriptor (MAP_SHARED |
 *     MAP_FIXED) or of a window descriptor (the same, never PROT_WRITE: read-only backing
 *     files of disks, opened O_RDONLY, so the host refuses write access too), munmap
 *     and mprotect below UM_TASK_SIZE, futex WAIT on that word and its 8-byte reports on
 *     the eventfd; anything else kills the process.
 * ptrace is used only on the leader: to run the stub's setup, then to spawn guest threads.
 * A guest thread is never ended: when its guest thread is gone the kernel parks it in its
 * hand-off for the next thread of the address space (seccomp.c).
 *
 * Security (what a guest with full control of its registers and memory can do):
 *   - Make a host system call: only the guest filter's allowed calls, only from the stub
 *     page. Jumping there with crafted registers yields futex WAIT/WAKE on a state word
 *     of its own process's slots (it can only put its own threads to sleep or wake them
 *     or the kernel early: every waiter re-checks the state), sched_yield, arch_prctl on
 *     its own FS/GS base (which wrfsbase does anyway), its own signal mask and signal
 *     stack, or rt_sigreturn. Every other call traps to the kernel, from anywhere, with
 *     any arguments; the filter cannot be removed, and seccomp/prctl/ptrace themselves
 *     trap. The clone and mmap in stub_sc_spawn trap like any other call in a guest
 *     thread: only the leader, which has no filter but runs only when the kernel resumes
 *     it under ptrace, can make them. A new thread runs unfiltered for the few
 *     instructions before its seccomp call, with every signal blocked, on registers the
 *     kernel set and a program in the read-only pages: guest code cannot steer it.
 *   - rt_sigreturn with a crafted frame can set its own registers, host signal mask and
 *     alternate stack. Blocking SIGSYS or a fault signal makes the next forced one fatal
 *     (the process dies, the kernel sees it). A signal stack outside the slot puts the
 *     next frame where the kernel refuses to read it (seccomp.c): the kernel kills it.
 *     Blocking the kick signal only matters to a guest that never traps again: a stub
 *     that burns KICK_GRACE_NS of CPU time after a kick without handing off is killed.
 *     The kernel also rewrites the saved mask and stack in every frame it resumes.
 *   - Map memory: it cannot call mmap/munmap/mprotect (they trap, and the kernel serves
 *     them as guest calls on its own tables); the physmem descriptor is usable only by
 *     the control thread, which cannot be woken by the guest (futex on the control word
 *     traps in the guest thread), re-reads the sequence word before it acts, executes
 *     only the queue in pages that are read-only in the stub, uses no stack and no
 *     writable memory, and reports on an eventfd the guest thread cannot write (write
 *     traps). The kernel checks every queued range itself before queueing it.
 *   - Write any slot, including state, at any time: the kernel copies every field once,
 *     checks each one (seccomp.c), and believes nothing it could not have seen from the
 *     guest's own registers. Writing state = KERNEL while it keeps running lets guest
 *     code run concurrently with the kernel's handling of its "trap"; the mode therefore
 *     declares UM_FEAT_GUEST_CONCURRENT, and the memory manager revokes host mappings
 *     (synchronously, through the control thread) before a frame is reused.
 *   - Escape preemption or block the kernel: the kernel never waits for a stub without a
 *     timeout; it checks for death (waitpid, and whether the thread still exists) and
 *     the kick as above.
 *   - Race the hand-off from a second thread (writing a slot while the kernel reads it,
 *     or making a parked thread run by setting its state): the same as writing the slot,
 *     with guest code running concurrently, which the design above already allows.
 * The escape attempts are tests: tests/guest/stub_escape_test.c and escape_test.c, run under both backends, and
 * tests/unit/seccomp_filter_test.c for the filters themselves.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/auxv.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "as-layout.h"
#include "os.h"
#include "seccomp.h"
#include "skas.h"
#include "stub-data.h"
#include "stub-seccomp.h"

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif
#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE 0x2
#endif

#define FILTER_MAX STUB_SC_FILTER_MAX
#define TID_MAX 4194304L /* the largest pid_max */
#define KERNEL_SPIN_NS 2000000ULL /* how long the kernel busy-waits before sleeping */
#define STUB_SPIN_NS 30000ULL     /* how long a stub busy-waits before yielding */
#define STUB_YIELD_NS 300000ULL   /* and how long it yields before sleeping */
#define WAIT_SLICE_NS 10000000LL  /* futex sleeps at most this long between checks */
#define KICK_GRACE_NS 50000000ULL /* CPU time a kicked stub may use without answering */
#define KICK_SLEEP_NS 1000000000ULL /* how long after its kick a thread may be found asleep */
#define REPORT_TIMEOUT_NS 2000000000ULL /* the control thread's report never takes this */
#define LOAD_PERIOD_NS 500000000ULL /* how often the host's other load is looked at */
#define LOAD_ON 0.5                 /* CPUs' worth used by other tasks: contended above */
#define LOAD_OFF 0.2                /* ... and no longer below */

/* A guest thread's host thread. */
struct sc_thr {
	struct sc_stub *stub;
	int tid;
	volatile struct stub_slot *slot; /* the kernel's mapping of its hand-off slot */
	struct sc_thr *next;             /* the stub's threads */
};

struct sc_stub {
	int pid;             /* the leader (the spawner), traced */
	int efd;             /* our end of the control thread's eventfd */
	bool dead;           /* seen dead or killed: no host mapping of it remains */
	bool reaped;         /* waited for */
	bool refused_kick;   /* killed for running on after a kick */
	int status;          /* wait status of the guest thread once dead */
	volatile struct stub_queue *req;  /* the kernel's mapping of the request pages */
	struct sc_thr *threads;
	struct sc_stub *next;            /* all live stubs, for shutdown */
};

_Static_assert(sizeof(struct stub_sc_setup) <= STUB_SC_SETUP_SIZE, "setup area too small");
_Static_assert(sizeof(struct stub_queue) <= STUB_SC_CONF - STUB_DATA, "queue overlaps conf");
_Static_assert(sizeof(struct stub_slot) <= UM_PAGE_SIZE, "slot control page");
_Static_assert(sizeof(struct os_bpf_insn) == 8, "filter instructions");

#define SETUP_ADDR(field) (STUB_SC_SETUP + offsetof(struct stub_sc_setup, field))

extern const char seccomp_stub_elf_start[], seccomp_stub_elf_end[];

static int prog_fd = -1;
static int guest_cpu = -1;   /* where guest threads run; -1: anywhere */
static int kernel_cpu = -1;  /* where the kernel runs (pinned); -1: anywhere */
static uint32_t stub_spin;   /* pause iterations of the stub's busy wait (0: contended) */
static uint64_t stub_yield_tsc; /* then TSC ticks of sched_yield calls */
static uint64_t yield_calibrated; /* stub_yield_tsc for STUB_YIELD_NS */
static uint64_t kernel_spin_ns;
static uint32_t spin_calibrated; /* stub_spin for STUB_SPIN_NS */

/* The host's load from other tasks, sampled while running: see update_contention(). */
static int stat_fd = -1;           /* /proc/stat */
static uint64_t load_next_ns;      /* when to sample next */
static uint64_t last_busy_ns, last_ours_ns, last_sample_ns;
static bool contended;
static uint32_t fsgsbase;
static struct os_bpf_insn guest_filter[FILTER_MAX], ctl_filter[FILTER_MAX];
static const struct os_ctl_filter ctl_pins = {
	.code_lo = STUB_CODE, .code_hi = STUB_CODE + STUB_CODE_SIZE,
	.physmem_fd = STUB_PHYSMEM_FD, .task_size = UM_TASK_SIZE,
	.window_fd = STUB_WINDOW_FD, .nr_windows = STUB_WINDOW_MAX,
	.seq_word = STUB_SC_CONF_SEQ, .event_fd = STUB_EVENT_FD,
	.done_buf = STUB_SC_CONF_DONE, .failed_buf = STUB_SC_CONF_FAILED,
};
static int guest_len, ctl_len;
static struct sc_stub *all_stubs;
static struct sc_thr *last_run; /* the thread that ran last: told to nap when another runs */

static const int handled_signals[] = { SIGSYS, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };

static long ptrace_call(int req, int pid, void *addr, void *data)
{
	long r = ptrace(req, pid, addr, data);

	return r < 0 ? -errno : r;
}

static int wait_tid(int tid, int flags)
{
	int status, r;

	do
		r = waitpid(tid, &status, __WALL | flags);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -EAGAIN : status;
}

static uint64_t now_ns(void)
{
	return os_monotonic_ns();
}

static long futex_op(volatile uint32_t *word, int op, uint32_t val, const struct timespec *ts)
{
	long r = syscall(SYS_futex, word, op, val, ts, NULL, 0);

	return r < 0 ? -errno : r;
}

/* ---- death */

static void reap(struct sc_stub *sp, int flags)
{
	int st;

	if (sp->reaped)
		return;
	do /* a stop during setup (it is traced until released) is not the end */
		st = wait_tid(sp->pid, flags);
	while (st >= 0 && WIFSTOPPED(st) && flags == 0);
	if (st < 0 || WIFSTOPPED(st))
		return;
	sp->status = st;
	sp->reaped = true;
	sp->dead = true;
}

/* Kill the stub and wait until it is gone: after this, no mapping of it exists. */
static void kill_now(struct sc_stub *sp)
{
	if (!sp->reaped)
		kill(sp->pid, SIGKILL);
	reap(sp, 0);
}

/* Has the process died (all its threads: waitpid reports the group's leader then)? */
static bool check_dead(struct sc_stub *sp)
{
	reap(sp, WNOHANG);
	return sp->dead;
}

/* ---- setup */

/* What stub_sc_setup reads, and the stub's configuration, in the request pages. */
static void write_setup(volatile struct stub_queue *req)
{
	struct stub_sc_setup *su = (void *)((char *)req + (STUB_SC_SETUP - STUB_DATA));
	struct stub_sc_conf *conf = (void *)((char *)req + (STUB_SC_CONF - STUB_DATA));
	unsigned n = sizeof(handled_signals) / sizeof(handled_signals[0]);

	conf->spin = stub_spin;
	conf->yield_tsc = stub_yield_tsc;
	conf->fsgsbase = fsgsbase;
	conf->done = 1;
	conf->failed = 2;
	su->act_handler = STUB_SC_ENTRY_HANDLER;
	su->act_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER;
	su->act_restorer = STUB_SC_ENTRY_RESTORER;
	su->act_mask = ~0ULL;
	/*
	 * Every signal but SIGTRAP: the leader stops at an int3 after each setup and spawn,
	 * and a SIGTRAP forced while blocked resets its action to the default in every thread
	 * of the stub (the host's rule for forced signals), which would make a guest's own
	 * single-step trap (TF) kill the process instead of reaching the handler. Unblocked,
	 * the int3's SIGTRAP is a ptrace stop the kernel discards.
	 */
	su->mask_all = ~0ULL & ~(1ULL << (SIGTRAP - 1));
	su->mask_none = 0;
	for (unsigned i = 0; i < n; i++)
		su->signals[i] = handled_signals[i];
	su->signals[n] = os_kick_signal();
	su->nsignals = n + 1;
	su->guest_prog.len = (uint16_t)guest_len;
	su->guest_prog.filter = SETUP_ADDR(guest);
	su->ctl_prog.len = (uint16_t)ctl_len;
	su->ctl_prog.filter = SETUP_ADDR(ctl);
	memcpy(su->guest, guest_filter, sizeof(guest_filter[0]) * (size_t)guest_len);
	memcpy(su->ctl, ctl_filter, sizeof(ctl_filter[0]) * (size_t)ctl_len);
}

/* Wait for a ptrace stop of tid; returns the status (a stop) or -ECHILD/-errno. */
static int wait_stopped(int tid)
{
	int st = wait_tid(tid, 0);

	return st < 0 ? st : WIFSTOPPED(st) ? st : -ECHILD;
}

/* The result (rax) of a thread stopped at an int3 of the stub: 0, or -errno. */
static long setup_result(int tid)
{
	struct user_regs_struct r;
	long err = ptrace_call(PTRACE_GETREGS, tid, NULL, &r);

	return err < 0 ? err : (long)r.rax;
}

/*
 * Wait for the control thread's report on its eventfd: 0 (done), -EIO (it failed),
 * -ESRCH (the stub died) or -ETIMEDOUT (no report within REPORT_TIMEOUT_NS: a control
 * thread never takes that long, so something is wrong; the caller kills the stub).
 */
static int wait_report(struct sc_stub *sp)
{
	struct pollfd p = { .fd = sp->efd, .events = POLLIN };
	const struct timespec slice = { 0, WAIT_SLICE_NS };
	uint64_t v, end = 0;

	for (;;) {
		if (read(sp->efd, &v, sizeof(v)) == sizeof(v))
			return v == 1 ? 0 : -EIO;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		if (ppoll(&p, 1, &slice, NULL) != 0)
			continue;
		if (check_dead(sp))
			return -ESRCH;
		if (!end)
			end = now_ns() + REPORT_TIMEOUT_NS;
		else if (now_ns() > end)
			return -ETIMEDOUT;
	}
}

/*
 * Run stub_sc_setup in the stopped leader; the control thread it creates (not traced)
 * reports on the eventfd once its filter is in place. The leader stays stopped after.
 */
static int run_setup(struct sc_stub *sp, uint64_t req_phys)
{
	struct user_regs_struct r;
	long err = ptrace_call(PTRACE_GETREGS, sp->pid, NULL, &r);
	int st;

	if (err < 0)
		return (int)err;
	r.rip = STUB_SC_ENTRY_SETUP;
	r.rdi = req_phys;
	r.orig_rax = -1;
	err = ptrace_call(PTRACE_SETREGS, sp->pid, NULL, &r);
	if (!err)
		err = ptrace_call(PTRACE_CONT, sp->pid, NULL, NULL);
	st = err < 0 ? (int)err : wait_stopped(sp->pid); /* at the int3 after stub_sc_setup */
	if (st < 0)
		return st;
	if (WSTOPSIG(st) != SIGTRAP)
		return -ECHILD;
	err = setup_result(sp->pid);
	if (err == 0)
		err = wait_report(sp);
	return err > 0 ? -EIO : (int)err;
}

/* Put a guest thread on its CPU: the guest CPU, or the kernel's when contended. */
static void place_guest(struct sc_thr *t)
{
	int cpu = contended ? kernel_cpu : guest_cpu;
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(t->tid, sizeof(set), &set);
}

/* ---- kicks */

/* CPU time the stub process has used, in ns (0 when it cannot be read). */
static uint64_t stub_cpu_ns(int pid)
{
	struct timespec ts;
	clockid_t id;

	if (clock_getcpuclockid(pid, &id) || clock_gettime(id, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct waiter {
	int tid;
	bool kicked;
	uint64_t kick_cpu_ns; /* the stub's CPU time when it was kicked */
	uint64_t kick_ns;     /* and the time */
};

static void maybe_kick(struct sc_stub *sp, struct waiter *w)
{
	if (w->kicked || !os_irq_pending())
		return;
	w->kick_cpu_ns = stub_cpu_ns(sp->pid);
	w->kick_ns = now_ns();
	syscall(SYS_tgkill, sp->pid, w->tid, os_kick_signal());
	w->kicked = true;
}

/* Is host thread tid of process pid asleep (state S in its /proc stat)? */
static bool thread_asleep(int pid, int tid)
{
	char path[64], buf[128];
	const char *p;
	long n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

/*
 * Between sleeps: is the stub dead, or refusing its kick? A stub takes the kick as soon as
 * it runs guest code; one that has run KICK_GRACE_NS of CPU time since without a
 * hand-off has the kick blocked (a crafted rt_sigreturn) and is killed. Time it spent
 * waiting for a CPU does not count. Nor can a thread be asleep KICK_SLEEP_NS after its
 * kick: guest code sleeps in the host only in a futex call it made from the stub page
 * with the kick blocked (the hand-off itself sleeps only while the state is KERNEL, and
 * the kernel re-wakes a thread that missed its wake-up); it is killed too. A thread that
 * no longer exists (it cannot exit: its exit traps) gets its whole stub killed. Returns
 * true when the stub is gone.
 */
static bool check_stub(struct sc_stub *sp, struct waiter *w)
{
	if (check_dead(sp))
		return true;
	if (syscall(SYS_tgkill, sp->pid, w->tid, 0) < 0 && errno == ESRCH) {
		kill_now(sp);
		return true;
	}
	if (w->kicked && ((w->kick_cpu_ns && stub_cpu_ns(sp->pid) - w->kick_cpu_ns > KICK_GRACE_NS) ||
			  (now_ns() - w->kick_ns > KICK_SLEEP_NS && thread_asleep(sp->pid, w->tid)))) {
		sp->refused_kick = true;
		kill_now(sp);
		return true;
	}
	return false;
}

/* ---- the hand-off */

static bool handed_off(volatile struct stub_slot *s)
{
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == STUB_SLOT_KERNEL;
}

/*
 * Wait for slot.state == KERNEL: spin, then sleep in slices. 0, or 1 when it died. Guest
 * code can write the state word (any value: the futex then never sleeps) and the
 * stub_sleeping flag (a wake-up missed), and wake the futex at will, so the checks of the
 * stub, and a wake-up of the thread, run every WAIT_SLICE_NS whatever the futex says, and
 * a word that holds neither state costs the kernel naps, not a busy loop.
 */
static int wait_handoff(struct sc_thr *t)
{
	struct sc_stub *sp = t->stub;
	volatile struct stub_slot *s = t->slot;
	struct waiter w = { t->tid, false, 0 };
	uint64_t end = now_ns() + kernel_spin_ns, next_check;
	const struct timespec slice = { 0, WAIT_SLICE_NS }, nap = { 0, 50000 };

	for (unsigned i = 1;; i++) {
		if (handed_off(s))
			return 0;
		if (!(i & 63)) {
			maybe_kick(sp, &w);
			if (now_ns() > end)
				break;
		}
		__builtin_ia32_pause();
	}
	next_check = now_ns() + WAIT_SLICE_NS;
	for (;;) {
		long r;

		__atomic_store_n(&s->kernel_sleeping, 1, __ATOMIC_SEQ_CST);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (handed_off(s))
			break;
		r = futex_op(&s->state, FUTEX_WAIT, STUB_SLOT_GUEST, &slice);
		if (handed_off(s))
			break;
		maybe_kick(sp, &w);
		if (r == -EAGAIN)
			nanosleep(&nap, NULL);
		if (r == -ETIMEDOUT || now_ns() >= next_check) {
			next_check = now_ns() + WAIT_SLICE_NS;
			/* guest code may have cleared stub_sleeping: a missed wake-up, again */
			futex_op(&s->state, FUTEX_WAKE, 1, NULL);
			if (check_stub(sp, &w)) {
				__atomic_store_n(&s->kernel_sleeping, 0, __ATOMIC_RELAXED);
				return 1;
			}
		}
	}
	__atomic_store_n(&s->kernel_sleeping, 0, __ATOMIC_RELAXED);
	return 0;
}

bool skas_sc_refused_kick(const struct sc_stub *sp)
{
	return sp->refused_kick;
}

int skas_sc_wait(struct sc_thr *t)
{
	return t->stub->dead ? 1 : wait_handoff(t);
}

/* CPU time all the host's CPUs spent busy (user, nice, system, irq, softirq), in ns. */
static uint64_t host_busy_ns(void)
{
	unsigned long long u, n, sy, idle, iow, irq, sirq;
	char buf[256];
	long len = pread(stat_fd, buf, sizeof(buf) - 1, 0);

	if (len <= 0)
		return 0;
	buf[len] = 0;
	if (sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu", &u, &n, &sy, &idle, &iow, &irq,
		   &sirq) != 7)
		return 0;
	return (u + n + sy + irq + sirq) * (1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK));
}

static uint64_t tv_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000ULL + (uint64_t)tv.tv_usec * 1000;
}

/* CPU time of umlite, its reaped stubs and its live ones, in ns. */
static uint64_t our_cpu_ns(void)
{
	struct rusage ru;
	struct timespec ts;
	uint64_t t = 0;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
		t = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
		t += tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
	for (struct sc_stub *sp = all_stubs; sp; sp = sp->next)
		if (!sp->reaped)
			t += stub_cpu_ns(sp->pid);
	return t;
}

/*
 * How many CPUs' worth of time other tasks used since the last sample (our own spinning
 * does not count), or -1 the first time.
 */
static double others_load(uint64_t now)
{
	uint64_t busy = host_busy_ns(), ours = our_cpu_ns();
	double load = -1;

	if (last_sample_ns && busy && now > last_sample_ns) {
		int64_t others = (int64_t)(busy - last_busy_ns) - (int64_t)(ours - last_ours_ns);

		load = others > 0 ? (double)others / (double)(now - last_sample_ns) : 0;
	}
	last_busy_ns = busy;
	last_ours_ns = ours;
	last_sample_ns = now;
	return load;
}

static void set_stub_spin(struct sc_stub *sp)
{
	volatile struct stub_sc_conf *conf = (void *)((char *)sp->req + (STUB_SC_CONF - STUB_DATA));

	conf->spin = stub_spin;
	conf->yield_tsc = stub_yield_tsc;
}

/*
 * Spinning pays only when the two CPUs are ours: when other host tasks use more than
 * LOAD_ON CPUs' worth of time (/proc/stat's busy time minus our own), guest threads move
 * to the kernel's CPU and both sides sleep on the futex at once (each hand-off then costs
 * two context switches on one CPU, as with skas=ptrace); they move back when that falls
 * below LOAD_OFF. (System-wide CPU pressure would count our own spinners' waiting.)
 */
static void update_contention(uint64_t now)
{
	double load;
	bool c;

	load_next_ns = now + LOAD_PERIOD_NS;
	load = others_load(now);
	if (load < 0)
		return;
	c = contended ? load > LOAD_OFF : load > LOAD_ON;
	if (c == contended)
		return;
	contended = c;
	stub_spin = c ? 0 : spin_calibrated;
	stub_yield_tsc = c ? 0 : yield_calibrated;
	kernel_spin_ns = c ? 0 : KERNEL_SPIN_NS;
	for (struct sc_stub *sp = all_stubs; sp; sp = sp->next) {
		set_stub_spin(sp);
		if (sp->reaped) /* (a reaped stub's ids may belong to someone else now) */
			continue;
		for (struct sc_thr *t = sp->threads; t; t = t->next)
			place_guest(t);
	}
}

bool skas_sc_contended(void)
{
	return contended;
}

int skas_sc_switch(struct sc_thr *t)
{
	volatile struct stub_slot *s = t->slot;
	uint64_t now;

	if (t->stub->dead)
		return 1;
	if (stat_fd >= 0 && (now = now_ns()) >= load_next_ns)
		update_contention(now);
	if (last_run != t) {
		if (last_run)
			last_run->slot->nap = 1;
		s->nap = 0;
		last_run = t;
	}
	__atomic_store_n(&s->state, STUB_SLOT_GUEST, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->stub_sleeping, __ATOMIC_RELAXED))
		futex_op(&s->state, FUTEX_WAKE, 1, NULL);
	return wait_handoff(t);
}

/* ---- the control thread */

int skas_sc_flush(struct sc_stub *sp)
{
	volatile struct stub_sc_conf *conf = (void *)((char *)sp->req + (STUB_SC_CONF - STUB_DATA));
	int r;

	if (sp->dead)
		return -ESRCH;
	if (sp->req->ncalls == 0)
		return 0;
	__atomic_store_n(&conf->seq, conf->seq + 1, __ATOMIC_SEQ_CST);
	futex_op(&conf->seq, FUTEX_WAKE, 1, NULL);
	r = wait_report(sp);
	if (r < 0)
		kill_now(sp);
	return r;
}

/* ---- life cycle */

static int setup_stub(struct sc_stub *sp, uint64_t req_phys)
{
	long r = ptrace_call(PTRACE_SETOPTIONS, sp->pid, NULL,
			     (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));

	if (r == 0)
		r = run_setup(sp, req_phys);
	return (int)r;
}

/* The control thread's eventfd, above the descriptors a stub is started with. */
static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), hi;

	if (fd < 0)
		return -errno;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	close(fd);
	return hi < 0 ? -errno : hi;
}

static void free_stub(struct sc_stub *sp)
{
	while (sp->threads) {
		struct sc_thr *t = sp->threads;

		sp->threads = t->next;
		if (last_run == t)
			last_run = NULL;
		free(t);
	}
	close(sp->efd);
	free(sp);
}

int skas_sc_spawn(uint64_t req_phys, void *req, struct sc_stub **out)
{
	struct sc_stub *sp = calloc(1, sizeof(*sp));
	int r;

	if (!sp)
		return -ENOMEM;
	sp->req = req;
	sp->efd = new_eventfd();
	if (sp->efd < 0) {
		r = sp->efd;
		free(sp);
		return r;
	}
	write_setup(sp->req);
	r = skas_host_start(prog_fd, sp->efd, &sp->pid);
	if (r < 0) {
		free_stub(sp);
		return r;
	}
	r = setup_stub(sp, req_phys);
	if (r < 0) {
		kill_now(sp);
		free_stub(sp);
		return r;
	}
	sp->next = all_stubs;
	all_stubs = sp;
	*out = sp;
	return 0;
}

/*
 * Run stub_sc_spawn in the stopped leader: map slot idx and clone a thread onto it; the
 * leader stops again at the int3 after. Returns the new thread's id or -errno.
 */
static long run_spawn(struct sc_stub *sp, unsigned idx, uint64_t slot_phys)
{
	struct user_regs_struct r;
	long err = ptrace_call(PTRACE_GETREGS, sp->pid, NULL, &r);
	int st;

	if (err < 0)
		return err;
	r.rip = STUB_SC_ENTRY_SPAWN;
	r.rdi = STUB_SLOT(idx);
	r.rsi = slot_phys;
	r.orig_rax = -1;
	err = ptrace_call(PTRACE_SETREGS, sp->pid, NULL, &r);
	if (!err)
		err = ptrace_call(PTRACE_CONT, sp->pid, NULL, NULL);
	st = err < 0 ? (int)err : wait_stopped(sp->pid);
	if (st < 0)
		return st;
	if (WSTOPSIG(st) != SIGTRAP)
		return -ECHILD;
	err = setup_result(sp->pid);
	if (err == 0 || err > TID_MAX)
		return -EIO; /* (the mmap's result: never a thread id) */
	return err;
}

int skas_sc_thread_new(struct sc_stub *sp, unsigned idx, uint64_t slot_phys, void *slot,
		       struct sc_thr **out)
{
	volatile struct stub_slot *s = slot;
	struct sc_thr *t;
	long tid;

	if (sp->dead)
		return -ESRCH;
	if (idx >= STUB_SC_MAX_THREADS)
		return -EAGAIN;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	s->ss_sp = STUB_SLOT(idx) + STUB_SLOT_STACK_OFF;
	s->ss_flags = 0;
	s->ss_size = STUB_SLOT_STACK_SIZE;
	s->state = STUB_SLOT_GUEST;
	tid = run_spawn(sp, idx, slot_phys);
	if (tid < 0) {
		free(t);
		if (tid != -ENOMEM && tid != -EAGAIN)
			kill_now(sp); /* a leader that misbehaves is not used again */
		return (int)tid;
	}
	t->stub = sp;
	t->tid = (int)tid;
	t->slot = s;
	t->next = sp->threads;
	sp->threads = t;
	place_guest(t);
	*out = t;
	return 0;
}

int skas_sc_condemn(struct sc_stub *sp)
{
	kill_now(sp);
	return sp->status;
}

void skas_sc_kill(struct sc_stub *sp)
{
	struct sc_stub **pp;

	for (pp = &all_stubs; *pp; pp = &(*pp)->next) {
		if (*pp == sp) {
			*pp = sp->next;
			break;
		}
	}
	kill_now(sp);
	free_stub(sp);
}

void skas_sc_shutdown(void)
{
	while (all_stubs)
		skas_sc_kill(all_stubs);
}

/* ---- boot */

/* The kernel stays on its CPU (skas_host_init pinned it); guest threads get another. */
static void choose_cpus(const cpu_set_t *allowed)
{
	int me = sched_getcpu(), n = CPU_COUNT(allowed);

	guest_cpu = -1;
	for (int c = 0; c < CPU_SETSIZE && !os_getenv("UMLITE_NOPIN"); c++) {
		if (CPU_ISSET(c, allowed) && c != me) {
			guest_cpu = c;
			break;
		}
	}
	if (n < 2) {
		stub_spin = 0;
		stub_yield_tsc = 0;
		kernel_spin_ns = 0;
	}
}

/* How many pause iterations take STUB_SPIN_NS, and TSC ticks STUB_YIELD_NS, on this CPU. */
static void calibrate_spin(void)
{
	uint64_t t0 = now_ns(), c0 = __builtin_ia32_rdtsc(), dt, dc;
	const unsigned n = 4000;

	for (unsigned i = 0; i < n; i++)
		__builtin_ia32_pause();
	dt = now_ns() - t0;
	dc = __builtin_ia32_rdtsc() - c0;
	if (dt == 0)
		dt = 1;
	spin_calibrated = stub_spin = (uint32_t)(STUB_SPIN_NS * n / dt + 1);
	yield_calibrated = stub_yield_tsc = (uint64_t)((double)dc / (double)dt * STUB_YIELD_NS);
}

/* XCR0 and the MXCSR mask as the host reports them in a ptrace-saved image. */
static int probe_fpu(struct skas_sc_info *info)
{
	size_t cap = 64 * 1024;
	unsigned char *buf = calloc(1, cap);
	struct iovec iov = { buf, cap };
	int pid, st, r;

	if (!buf)
		return -ENOMEM;
	r = skas_host_start(prog_fd, -1, &pid);
	if (r == 0) {
		r = (int)ptrace_call(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &iov);
		if (r == -ENODEV || r == -EIO || r == -EINVAL)
			r = (int)ptrace_call(PTRACE_GETREGSET, pid, (void *)NT_PRFPREG, &iov);
		kill(pid, SIGKILL);
		waitpid(pid, &st, __WALL);
	}
	if (r == 0 && iov.iov_len >= 512) {
		memcpy(&info->mxcsr_mask, buf + 28, sizeof(info->mxcsr_mask));
		info->xfeatures = 3; /* x87 and SSE, at least */
		if (iov.iov_len > 512)
			memcpy(&info->xfeatures, buf + 464, sizeof(info->xfeatures));
	}
	free(buf);
	return r;
}

int skas_sc_init(int pmfd, struct skas_sc_info *info)
{
	cpu_set_t allowed;
	int r;

	CPU_ZERO(&allowed);
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		CPU_SET(sched_getcpu(), &allowed);
	r = skas_host_init(pmfd);
	if (r < 0)
		return r;
	calibrate_spin();
	kernel_spin_ns = KERNEL_SPIN_NS;
	choose_cpus(&allowed);
	fsgsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) ? 1 : 0;
	info->fsgsbase = fsgsbase;
	kernel_cpu = os_getenv("UMLITE_NOPIN") ? -1 : sched_getcpu();
	info->kernel_cpu = kernel_cpu;
	if (guest_cpu >= 0 && kernel_cpu >= 0)
		stat_fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	info->guest_cpu = guest_cpu;
	info->spin = stub_spin != 0;
	r = skas_host_load_program(seccomp_stub_elf_start, seccomp_stub_elf_end);
	if (r < 0)
		return r;
	prog_fd = r;
	guest_len = os_seccomp_guest_filter(guest_filter, FILTER_MAX, STUB_CODE,
					    STUB_CODE + STUB_CODE_SIZE, STUB_SLOTS,
					    STUB_SLOT_WORD_MASK);
	ctl_len = os_seccomp_ctl_filter(ctl_filter, FILTER_MAX, &ctl_pins);
	if (guest_len < 0 || ctl_len < 0)
		return guest_len < 0 ? guest_len : ctl_len;
	return probe_fpu(info);
}
