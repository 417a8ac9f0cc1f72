/*
 * SKAS mode, host side: stub processes and the PTRACE_SYSEMU trap loop.
 *
 * Every guest address space is a host process running the stub program (skas/stub.c),
 * embedded in umlite and exec'd from a sealed memfd. A stub is started with:
 *   - personality ADDR_NO_RANDOMIZE and an 8 MiB stack limit, so the host's own mappings
 *     (stack, vdso, vvar) land at the top of the address space, above UM_TASK_SIZE (checked
 *     once at boot by reading the probe stub's /proc/PID/maps);
 *   - the physmem file at descriptor STUB_PHYSMEM_FD, the windows (read-only backing
 *     files of disks, kernel/mm/window.c) at STUB_WINDOW_FD + id, and no other descriptor
 *     (the seccomp backend adds its eventfd at STUB_PHYSMEM_FD + 1);
 *   - its own process group (terminal signals never reach it), PR_SET_PDEATHSIG and
 *     PTRACE_O_EXITKILL (it dies with the kernel);
 *   - PTRACE_TRACEME, so it stops at its exec and is traced by the kernel from then on.
 * The kernel then maps the stub data pages with one injected mmap (stub_entry_syscall).
 *
 * Guest threads: every guest thread of an address space runs on a host thread of its stub.
 * The stub starts with one (its main thread); another is made by injecting a clone
 * (CLONE_VM | CLONE_THREAD | ...) into the main thread. PTRACE_O_TRACECLONE makes the new
 * thread traced from birth: it stops (SIGSTOP) before executing a single instruction, and
 * the kernel sets all its registers before it first runs guest code. A host thread is ended
 * by injecting exit into it. Only one host thread of all stubs runs at a time: the others
 * wait in ptrace stops, so the stub's stack and queue in the data pages are never used by
 * two threads at once. Each host thread keeps its own guest FPU state between runs.
 * Everything that names a thread uses its host tid: waits, kicks (tgkill), registers.
 * Killing a stub kills all its threads; each is reaped, the main one last (the host does
 * not report a thread-group leader's death before its other threads are reaped).
 *
 * Running guest code: PTRACE_SETREGS (+ PTRACE_SETREGSET NT_X86_XSTATE when the FPU image
 * in memory is newer than the thread's), PTRACE_SYSEMU, waitpid. A syscall stop returns
 * a SYSCALL trap; SIGSEGV/SIGBUS a FAULT trap with si_addr and si_code (SEGV_MAPERR: not
 * mapped on the host; SEGV_ACCERR: mapped but refused), which is all the fault handler
 * needs; other synchronous signals a SIGNAL trap. The periodic tick interrupts waitpid
 * (EINTR); the kernel then kicks the stub with os_kick_signal(), whose stop is reported as
 * an INTERRUPT trap and suppressed (never delivered to the stub).
 *
 * The FPU/xstate image size is discovered at boot with PTRACE_GETREGSET on a probe stub
 * (the host clamps an oversized buffer to its real size: 11008 bytes with AMX, 2432 on an
 * AVX-512 AMD host), and exactly that size is passed to PTRACE_SETREGSET, which rejects
 * any other size with EFAULT (the "ptrace set fp regs failed, errno = 14" bug of UML
 * before 6.13). Hosts without XSAVE fall back to the 512-byte FXSAVE regset.
 *
 * The kernel and its stubs are pinned to one CPU: a ptrace round trip between two cores
 * costs ten times one on the same core (../shared/LIMITS.md).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "as-layout.h"
#include "os.h"
#include "skas.h"
#include "stub-data.h"

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif
#ifndef PTRACE_SYSEMU
#define PTRACE_SYSEMU 31
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

_Static_assert(sizeof(struct user_regs_struct) == UM_NGREG * 8, "um_regs layout");

/*
 * The flags the stub runs with: IF only. The guest's own (TF, DF, AC...) would make the stub
 * single-step into a SIGTRAP before its work is done, or run string code backwards.
 */
#define STUB_EFLAGS 0x202UL

struct stub_proc {
	int pid;                         /* the stub's main thread (and process id) */
	bool dead;                       /* the host process is gone (or going) */
	bool main_reaped;                /* its main thread's death was collected */
	int *tids;                       /* its other host threads not yet reaped */
	int ntids, cap_tids;
	volatile struct stub_queue *queue;   /* the kernel's mapping of the stub data pages */
	volatile struct stub_result *result; /* and of the stub's results (guest-writable) */
	struct stub_proc *next;          /* all live stubs, for shutdown */
};

extern const char stub_elf_start[], stub_elf_end[];

unsigned long um_fp_size;
int um_fp_xsave;
static int fp_regset = NT_X86_XSTATE;
static int stub_fd = -1, physmem_fd = -1;
static struct stub_proc *all_stubs;

static long ptrace_call(int req, int pid, void *addr, void *data)
{
	long r = ptrace(req, pid, addr, data);

	return r < 0 ? -errno : r;
}

/* Wait for a stop of pid; EINTR is retried. Returns the status or -errno. */
static int wait_stop(int pid)
{
	int status, r;

	do
		r = waitpid(pid, &status, __WALL);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : status;
}

/*
 * The body of the vfork child: become a stub (program prog; extra, when >= 0 and not 3 or
 * 4, becomes its descriptor 4). Only system calls here.
 */
static void stub_child(int prog, int extra)
{
	struct rlimit rl = { 8 << 20, 8 << 20 };
	char *argv[] = { "umlite-stub", NULL }, *envp[] = { NULL };

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (physmem_fd == STUB_PHYSMEM_FD)
		fcntl(STUB_PHYSMEM_FD, F_SETFD, 0);
	else if (dup2(physmem_fd, STUB_PHYSMEM_FD) < 0)
		_exit(126);
	if (extra >= 0 && dup2(extra, STUB_PHYSMEM_FD + 1) < 0)
		_exit(126);
	for (int fd = 0; fd < 3; fd++)
		close(fd);
	syscall(SYS_close_range, STUB_PHYSMEM_FD + (extra >= 0 ? 2 : 1), ~0U, CLOSE_RANGE_CLOEXEC);
	/* The windows (read-only files, their sources above them): dup2 clears close-on-exec. */
	for (int id = 0; id < STUB_WINDOW_MAX; id++) {
		int w = os_window_fd(id);

		if (w >= 0 && dup2(w, STUB_WINDOW_FD + id) < 0)
			_exit(126);
	}
	personality(ADDR_NO_RANDOMIZE);
	setrlimit(RLIMIT_STACK, &rl);
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
		_exit(125);
	syscall(SYS_execveat, prog, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

int skas_host_start(int prog_fd, int extra_fd, int *pidp)
{
	int pid, status;
	long r;

	pid = vfork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		stub_child(prog_fd, extra_fd);
	status = wait_stop(pid);
	if (status < 0)
		return status;
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, __WALL);
		return WIFEXITED(status) && WEXITSTATUS(status) == 125 ? -EPERM : -ECHILD;
	}
	r = ptrace_call(PTRACE_SETOPTIONS, pid, NULL,
			(void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL |
				       PTRACE_O_TRACECLONE));
	if (r < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, __WALL);
		return (int)r;
	}
	*pidp = pid;
	return 0;
}

/*
 * Run the system call described by the 6 arguments at stub_entry_syscall in the stopped
 * host thread pid and return its result. The thread's registers are clobbered (the kernel
 * always sets them before resuming guest code). A clone event stop on the way stores the
 * new thread's id in *event_msg (when given). -ESRCH: the thread died (and was reaped).
 */
static long inject_syscall_ev(int pid, long nr, const long args[6], unsigned long *event_msg)
{
	struct user_regs_struct r;
	long err;
	int status;

	err = ptrace_call(PTRACE_GETREGS, pid, NULL, &r);
	if (err < 0)
		return err;
	r.rax = nr;
	r.orig_rax = -1;
	r.rdi = args[0];
	r.rsi = args[1];
	r.rdx = args[2];
	r.r10 = args[3];
	r.r8 = args[4];
	r.r9 = args[5];
	r.rip = STUB_ENTRY_SYSCALL;
	r.eflags = STUB_EFLAGS;
	err = ptrace_call(PTRACE_SETREGS, pid, NULL, &r);
	if (err < 0)
		return err;
	for (;;) {
		err = ptrace_call(PTRACE_CONT, pid, NULL, NULL);
		if (err < 0)
			return err;
		status = wait_stop(pid);
		if (status < 0)
			return status;
		if (!WIFSTOPPED(status))
			return -ESRCH; /* the thread is gone (and reaped) */
		if (status >> 16) {
			if (event_msg)
				ptrace_call(PTRACE_GETEVENTMSG, pid, NULL, event_msg);
			continue;
		}
		if (WSTOPSIG(status) == SIGTRAP)
			break;
		/* a kick that raced with us: drop it and go on */
	}
	err = ptrace_call(PTRACE_GETREGS, pid, NULL, &r);
	return err < 0 ? err : (long)r.rax;
}

static long inject_syscall(int pid, long nr, const long args[6])
{
	return inject_syscall_ev(pid, nr, args, NULL);
}

static int fp_get(int pid, void *buf, size_t size, size_t *got)
{
	struct iovec iov = { buf, size };
	long r = ptrace_call(PTRACE_GETREGSET, pid, (void *)(long)fp_regset, &iov);

	if (r < 0)
		return (int)r;
	if (got)
		*got = iov.iov_len;
	return 0;
}

static int fp_set(int pid, void *buf)
{
	struct iovec iov = { buf, um_fp_size };

	return (int)ptrace_call(PTRACE_SETREGSET, pid, (void *)(long)fp_regset, &iov);
}

/* Find the FPU image size and make sure the host accepts it back. */
static int probe_fp(int pid)
{
	size_t cap = 64 * 1024, got = 0;
	void *buf = calloc(1, cap);
	int r;

	if (!buf)
		return -ENOMEM;
	r = fp_get(pid, buf, cap, &got);
	if (r == -ENODEV || r == -EIO || r == -EINVAL) {
		fp_regset = NT_PRFPREG;
		r = fp_get(pid, buf, cap, &got);
		um_fp_xsave = 0;
	} else {
		um_fp_xsave = 1;
	}
	if (r == 0) {
		um_fp_size = got;
		r = fp_set(pid, buf);
	}
	free(buf);
	return r;
}

/* Every host mapping of a stub must lie above the guest's part of the address space. */
static int check_layout(int pid)
{
	char path[64], line[512];
	FILE *f;
	int bad = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return 0; /* no /proc: cannot check, the layout is still what we asked for */
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo = strtoul(line, NULL, 16);

		if (lo < UM_TASK_SIZE)
			bad = 1;
	}
	fclose(f);
	return bad ? -ENOSPC : 0;
}

int skas_host_load_program(const char *start, const char *end)
{
	size_t len = (size_t)(end - start);
	int fd = memfd_create("umlite-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -errno;
	if (os_write_all(fd, start, len) != (long)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
		int err = -errno;

		close(fd);
		return err ? err : -EIO;
	}
	return fd;
}

static void pin_to_current_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int host_init(int pmfd)
{
	int pid, r, status;

	physmem_fd = pmfd;
	r = skas_host_load_program(stub_elf_start, stub_elf_end);
	if (r < 0)
		return r;
	stub_fd = r;
	if (!os_getenv("UMLITE_NOPIN"))
		pin_to_current_cpu();
	r = skas_host_start(stub_fd, -1, &pid);
	if (r < 0)
		return r;
	r = probe_fp(pid);
	if (r == 0)
		r = check_layout(pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, __WALL);
	return r;
}

int skas_host_init(int pmfd)
{
	static int result = 1; /* skas=seccomp starts with this too: probe once */

	if (result > 0)
		result = host_init(pmfd);
	return result;
}

static void forget_tid(struct stub_proc *sp, int tid);

/*
 * A wait collected the death of sp's host thread tid: never wait for that id again (the
 * host may give it to a new process, possibly one of our own stubs).
 */
static void reaped(struct stub_proc *sp, int tid)
{
	if (tid == sp->pid)
		sp->main_reaped = true;
	else
		forget_tid(sp, tid);
}

int skas_host_spawn(uint64_t data_phys, void *data, struct stub_proc **out)
{
	struct stub_proc *sp = calloc(1, sizeof(*sp));
	long args[6] = { STUB_DATA, STUB_DATA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 STUB_PHYSMEM_FD, (long)data_phys };
	long r;

	if (!sp)
		return -ENOMEM;
	r = skas_host_start(stub_fd, -1, &sp->pid);
	if (r < 0) {
		free(sp);
		return (int)r;
	}
	r = inject_syscall(sp->pid, SYS_mmap, args);
	if (r == -ESRCH)
		reaped(sp, sp->pid); /* sp is killed below */
	if (r != STUB_DATA) {
		skas_host_kill(sp);
		return r < 0 ? (int)r : -EIO;
	}
	sp->queue = data;
	sp->result = (volatile struct stub_result *)((char *)data + STUB_QUEUE_SIZE);
	sp->next = all_stubs;
	all_stubs = sp;
	*out = sp;
	return 0;
}

/* Wait until host thread tid has exited (its zombie reaped); nothing when already gone. */
static void reap(int tid)
{
	int status;

	for (;;) {
		if (waitpid(tid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return;
	}
}

void skas_host_kill(struct stub_proc *sp)
{
	struct stub_proc **pp;

	for (pp = &all_stubs; *pp; pp = &(*pp)->next) {
		if (*pp == sp) {
			*pp = sp->next;
			break;
		}
	}
	kill(sp->pid, SIGKILL);
	for (int i = 0; i < sp->ntids; i++)
		reap(sp->tids[i]);
	if (!sp->main_reaped)
		reap(sp->pid);
	free(sp->tids);
	free(sp);
}

int skas_host_pid(const struct stub_proc *sp)
{
	return sp->pid;
}

int skas_host_run_queue(struct stub_proc *sp)
{
	struct user_regs_struct r;
	long err, res;
	uint32_t done;
	int status;

	if (sp->dead)
		return -ESRCH;
	err = ptrace_call(PTRACE_GETREGS, sp->pid, NULL, &r);
	if (err < 0)
		return (int)err;
	r.rip = STUB_ENTRY_RUN_QUEUE;
	r.rsp = STUB_STACK_TOP;
	r.orig_rax = -1;
	r.eflags = STUB_EFLAGS;
	err = ptrace_call(PTRACE_SETREGS, sp->pid, NULL, &r);
	if (err < 0)
		return (int)err;
	for (;;) {
		err = ptrace_call(PTRACE_CONT, sp->pid, NULL, NULL);
		if (err < 0)
			return (int)err;
		status = wait_stop(sp->pid);
		if (status < 0)
			return status;
		if (!WIFSTOPPED(status)) {
			sp->dead = true;
			reaped(sp, sp->pid);
			return -ESRCH;
		}
		if (WSTOPSIG(status) == SIGTRAP)
			break;
		if (WSTOPSIG(status) == SIGSEGV || WSTOPSIG(status) == SIGBUS)
			return -EFAULT; /* the stub's own data pages are gone: a kernel bug */
	}
	/* The results page is writable by the guest: read each value once, trust none. */
	done = sp->result->done;
	res = sp->result->err;
	if (done != sp->queue->ncalls)
		return res < 0 && res > -4096 ? (int)res : -EIO;
	return 0;
}

static void fill_fault(int tid, int sig, struct um_trap *trap)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	ptrace_call(PTRACE_GETSIGINFO, tid, NULL, &si);
	trap->signo = sig;
	trap->code = si.si_code;
	trap->addr = (uint64_t)si.si_addr;
	trap->access = UM_ACCESS_UNKNOWN;
	trap->kind = (sig == SIGSEGV || sig == SIGBUS) ? UM_TRAP_FAULT : UM_TRAP_SIGNAL;
}

/* Wait for host thread tid to stop; kicks it when a host interrupt arrives meanwhile. */
static int wait_guest(struct stub_proc *sp, int tid, int *status)
{
	bool kicked = false;
	int r;

	for (;;) {
		if (!kicked && os_irq_pending()) {
			syscall(SYS_tgkill, sp->pid, tid, os_kick_signal());
			kicked = true;
		}
		r = waitpid(tid, status, __WALL);
		if (r >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int skas_host_run(struct stub_proc *sp, int tid, struct um_regs *regs, struct um_trap *trap)
{
	int status, sig, r;
	long err;

	memset(trap, 0, sizeof(*trap));
	if (sp->dead) {
		trap->kind = UM_TRAP_DIED;
		return 0;
	}
	err = ptrace_call(PTRACE_SETREGS, tid, NULL, regs->gp);
	if (err == 0 && regs->fp_where == UM_FP_IN_BUF) {
		err = fp_set(tid, regs->fp);
		regs->fp_where = UM_FP_IN_THREAD;
	}
	if (err == 0)
		err = ptrace_call(PTRACE_SYSEMU, tid, NULL, NULL);
	if (err < 0)
		return (int)err;
	r = wait_guest(sp, tid, &status);
	if (r < 0)
		return r;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		sp->dead = true; /* one thread only dies with all the others */
		reaped(sp, tid);
		trap->kind = UM_TRAP_DIED;
		trap->status = status;
		return 0;
	}
	regs->fp_where = UM_FP_IN_THREAD;
	err = ptrace_call(PTRACE_GETREGS, tid, NULL, regs->gp);
	if (err < 0)
		return (int)err;
	sig = WSTOPSIG(status);
	if (sig == (SIGTRAP | 0x80))
		trap->kind = UM_TRAP_SYSCALL;
	else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
		 sig == SIGTRAP)
		fill_fault(tid, sig, trap);
	else
		trap->kind = UM_TRAP_INTERRUPT; /* our kick, or a stray host signal: dropped */
	return 0;
}

int skas_host_dead(const struct stub_proc *sp)
{
	return sp->dead;
}

int skas_host_wait(struct stub_proc *sp, int tid, int kick)
{
	int status, r;

	if (sp->dead)
		return -ESRCH;
	if (kick) {
		r = wait_guest(sp, tid, &status);
		if (r < 0)
			return r;
	} else {
		status = wait_stop(tid);
		if (status < 0)
			return status;
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		sp->dead = true;
		reaped(sp, tid);
	}
	return status;
}

int skas_host_fp_save(struct stub_proc *sp, int tid, struct um_regs *regs)
{
	int r;

	if (regs->fp_where != UM_FP_IN_THREAD)
		return 0;
	r = fp_get(tid, regs->fp, um_fp_size, NULL);
	if (r == 0)
		regs->fp_where = UM_FP_SYNCED;
	return r;
}

/* The host's flags for a stub thread: one more thread of the stub process. */
#define STUB_THREAD_FLAGS \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

/* Room for one more tid in sp->tids; 0 or -ENOMEM. */
static int tids_reserve(struct stub_proc *sp)
{
	int cap;
	int *n;

	if (sp->ntids < sp->cap_tids)
		return 0;
	cap = sp->cap_tids ? 2 * sp->cap_tids : 8;
	n = realloc(sp->tids, (size_t)cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	sp->tids = n;
	sp->cap_tids = cap;
	return 0;
}

static void forget_tid(struct stub_proc *sp, int tid)
{
	for (int i = 0; i < sp->ntids; i++) {
		if (sp->tids[i] == tid) {
			sp->tids[i] = sp->tids[--sp->ntids];
			return;
		}
	}
}

/* Something went wrong with one of sp's threads: kill the whole stub (reaped at mm_destroy). */
static void mark_dead(struct stub_proc *sp)
{
	kill(sp->pid, SIGKILL);
	sp->dead = true;
}

/* Wait for the first stop of sp's new host thread tid (the SIGSTOP of its auto-attach). */
static int wait_new_thread(struct stub_proc *sp, int tid)
{
	for (;;) {
		int status = wait_stop(tid);

		if (status < 0 || !WIFSTOPPED(status)) {
			reaped(sp, tid); /* gone, or collected now */
			return -ECHILD;
		}
		if (WSTOPSIG(status) == SIGSTOP)
			return 0;
		/* anything else (a kick) is dropped; the thread stays stopped after it */
		if (ptrace_call(PTRACE_CONT, tid, NULL, NULL) < 0)
			return -ECHILD;
	}
}

int skas_host_thread_new(struct stub_proc *sp)
{
	long args[6] = { STUB_THREAD_FLAGS, STUB_STACK_TOP, 0, 0, 0, 0 };
	unsigned long msg = 0;
	long r;

	if (sp->dead)
		return -ESRCH;
	if (tids_reserve(sp) < 0) /* before the thread exists: it must be reaped one day */
		return -ENOMEM;
	r = inject_syscall_ev(sp->pid, SYS_clone, args, &msg);
	if (r == -ESRCH) {
		sp->dead = true;
		reaped(sp, sp->pid);
	}
	if (r < 0)
		return (int)r;
	sp->tids[sp->ntids++] = (int)r; /* clone's result is the new thread's id */
	if (r != (long)msg) {
		mark_dead(sp); /* the host did not report it as traced: trust nothing */
		return -EIO;
	}
	if (wait_new_thread(sp, (int)r) < 0) {
		mark_dead(sp);
		return -ECHILD;
	}
	return (int)r;
}

void skas_host_thread_end(struct stub_proc *sp, int tid)
{
	struct user_regs_struct r;
	int status;

	if (tid == sp->pid || sp->dead)
		return;
	if (ptrace_call(PTRACE_GETREGS, tid, NULL, &r) < 0)
		goto fail;
	r.rax = SYS_exit;
	r.orig_rax = -1;
	r.rdi = 0;
	r.rip = STUB_ENTRY_SYSCALL;
	r.eflags = STUB_EFLAGS;
	if (ptrace_call(PTRACE_SETREGS, tid, NULL, &r) < 0)
		goto fail;
	do {
		/* a stop on the way is a kick that raced with us: dropped */
		if (ptrace_call(PTRACE_CONT, tid, NULL, NULL) < 0)
			goto fail;
		status = wait_stop(tid);
		if (status < 0) {
			forget_tid(sp, tid); /* not our child any more */
			goto fail;
		}
	} while (WIFSTOPPED(status));
	reaped(sp, tid);
	return;
fail:
	mark_dead(sp);
}

void skas_host_shutdown(void)
{
	while (all_stubs)
		skas_host_kill(all_stubs);
}
