/*
 * TT mode, host side: the PTRACE_SYSCALL trap loop and the check of the kernel window.
 *
 * The stubs are SKAS's (skas/skas_host.c starts, pins, kills and waits for them, with
 * PTRACE_O_TRACESYSGOOD and PTRACE_O_EXITKILL set); only the way guest code is resumed
 * differs. Running guest code:
 *   PTRACE_SETREGS (orig_rax forced to -1: the host never has a guest call in progress, so
 *   it can never restart one on its own), PTRACE_SETREGSET of the FPU image when the
 *   kernel's copy is newer, PTRACE_SYSCALL, wait (kicking on a host interrupt), then
 *   PTRACE_GETREGS. At a system-call entry stop (SIGTRAP|0x80) the call is nullified with
 *   PTRACE_POKEUSER orig_rax = getpid (harmless, as in historic UML) and the stub resumed with PTRACE_SYSCALL once more to
 *   its exit stop; the kernel executes the call while the stub waits there, and the next
 *   run's SETREGS delivers the result. Two stops and three register transfers per system
 *   call, as in historic TT (tests/bench/floor_tt.c measures exactly this).
 *
 * Any stop other than the exit stop after a nullified entry is a host-kernel surprise,
 * reported as -EIO (the task is killed, the kernel goes on). Signal-delivery stops are
 * handled as in SKAS: SIGSEGV/SIGBUS are faults (si_addr, si_code), SIGILL/SIGFPE/SIGTRAP
 * guest signals, anything else (the kick) an interrupt, and none is ever delivered.
 */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "os.h"
#include "../skas/skas.h"
#include "tt.h"

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

static long ptrace_call(int req, int pid, void *addr, void *data)
{
	long r = ptrace(req, pid, addr, data);

	return r < 0 ? -errno : r;
}

static int fp_load(int pid, struct um_regs *regs)
{
	struct iovec iov = { regs->fp, um_fp_size };
	long r = ptrace_call(PTRACE_SETREGSET, pid,
			     (void *)(long)(um_fp_xsave ? NT_X86_XSTATE : NT_PRFPREG), &iov);

	regs->fp_where = UM_FP_IN_THREAD;
	return (int)r;
}

static void fill_signal(int pid, int sig, struct um_trap *trap)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	ptrace_call(PTRACE_GETSIGINFO, pid, NULL, &si);
	trap->signo = sig;
	trap->code = si.si_code;
	trap->addr = (uint64_t)si.si_addr;
	trap->access = UM_ACCESS_UNKNOWN;
	trap->kind = (sig == SIGSEGV || sig == SIGBUS) ? UM_TRAP_FAULT : UM_TRAP_SIGNAL;
}

static int died(int status, struct um_trap *trap)
{
	trap->kind = UM_TRAP_DIED;
	trap->status = status;
	return 0;
}

/* At a system-call entry stop: run nothing on the host, stop again at the exit. */
static int nullify(struct stub_proc *sp, int pid, struct um_trap *trap)
{
	long err = ptrace_call(PTRACE_POKEUSER, pid,
			       (void *)offsetof(struct user_regs_struct, orig_rax),
			       (void *)(long)SYS_getpid);
	int status;

	if (err == 0)
		err = ptrace_call(PTRACE_SYSCALL, pid, NULL, NULL);
	if (err < 0)
		return (int)err;
	status = skas_host_wait(sp, pid, 0);
	if (status < 0)
		return status;
	if (WIFEXITED(status) || WIFSIGNALED(status))
		return died(status, trap);
	if (WSTOPSIG(status) != (SIGTRAP | 0x80))
		return -EIO;
	trap->kind = UM_TRAP_SYSCALL;
	return 0;
}

int tt_host_run(struct stub_proc *sp, int pid, struct um_regs *regs, struct um_trap *trap)
{
	struct user_regs_struct r;
	int status, sig;
	long err;

	memset(trap, 0, sizeof(*trap));
	if (skas_host_dead(sp))
		return died(0, trap);
	memcpy(&r, regs->gp, sizeof(r));
	r.orig_rax = -1;
	err = ptrace_call(PTRACE_SETREGS, pid, NULL, &r);
	if (err == 0 && regs->fp_where == UM_FP_IN_BUF)
		err = fp_load(pid, regs);
	if (err == 0)
		err = ptrace_call(PTRACE_SYSCALL, pid, NULL, NULL);
	if (err < 0)
		return (int)err;
	status = skas_host_wait(sp, pid, 1);
	if (status < 0)
		return status;
	if (WIFEXITED(status) || WIFSIGNALED(status))
		return died(status, trap);
	regs->fp_where = UM_FP_IN_THREAD;
	err = ptrace_call(PTRACE_GETREGS, pid, NULL, regs->gp);
	if (err < 0)
		return (int)err;
	sig = WSTOPSIG(status);
	if (sig == (SIGTRAP | 0x80))
		return nullify(sp, pid, trap);
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP)
		fill_signal(pid, sig, trap);
	else
		trap->kind = UM_TRAP_INTERRUPT; /* our kick, or a stray host signal: dropped */
	return 0;
}

/* One line of /proc/PID/maps against the window: 1 it is the window, 0 elsewhere, <0 bad. */
static int check_line(const char *line, uint64_t base, uint64_t end, int writable)
{
	unsigned long lo, hi;
	char perms[8];

	if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || hi <= base || lo >= end)
		return 0;
	if (lo != base || hi != end)
		return -EEXIST;
	if (perms[0] != 'r' || perms[1] != (writable ? 'w' : '-') || perms[3] != 's')
		return -EACCES;
	return 1;
}

int tt_host_check_kmem(struct stub_proc *sp, uint64_t base, uint64_t len, int writable)
{
	char path[64], line[512];
	int found = 0, r = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", skas_host_pid(sp));
	f = fopen(path, "re");
	if (!f)
		return 0; /* no /proc: cannot check; the mmap itself succeeded */
	while (r >= 0 && fgets(line, sizeof(line), f)) {
		r = check_line(line, base, base + len, writable);
		found += r > 0;
	}
	fclose(f);
	if (r < 0)
		return r;
	return found == 1 ? 0 : -ENOENT;
}
