/*
 * floor_sysemu: the floor of the ptrace backend (skas=ptrace), in ns per round trip.
 *
 *   floor_sysemu [CORES [N]]     CORES 1 (default): tracer and child both on CPU 0;
 *                                CORES 2: tracer on CPU 0, child on CPU 1.
 *                                N round trips (default 50000 on one core, 2000 on two)
 *
 * A host-only measuring tool for `make bench` (scripts/bench.sh); never run in the guest.
 * The child loops on getppid under PTRACE_SYSEMU; the tracer answers each call the way the
 * SKAS ptrace backend must at least do: PTRACE_GETREGS, set rax, PTRACE_SETREGS,
 * PTRACE_SYSEMU. One round trip = one stop. Timing runs in the tracer from the stop of the
 * last warm-up call to the stop of the child's exit_group (N resumes); the child checks
 * every answer and hands its verdict over as exit_group's argument, which the tracer reads
 * (SYSEMU skips the call, so the tracer then kills the child).
 * Prints "RESULT floor_sysemu_<CORES>core <ns> ns/call"; exits 3 when the CPUs are missing.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAGIC 0x4242

/* The traced child: calls getppid warm + n times and reports wrong answers via exit_group. */
static void child(int cpu, long warm, long n)
{
	long bad = 0;

	if (bench_pin(cpu) < 0 || ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(100);
	raise(SIGSTOP);
	for (long i = 0; i < warm + n; i++)
		bad += syscall(SYS_getppid) != MAGIC;
	syscall(SYS_exit_group, bad ? 1 : 0);
	_exit(101); /* not reached: exit_group is emulated, and the tracer kills us there */
}

/* Waits for the next system-call stop of pid; -1 (reported) on anything else. */
static int wait_syscall_stop(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, __WALL) != pid) {
		fprintf(stderr, "floor_sysemu: waitpid: %s\n", strerror(errno));
		return -1;
	}
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != (SIGTRAP | 0x80)) {
		fprintf(stderr, "floor_sysemu: unexpected wait status 0x%x\n", status);
		return -1;
	}
	return 0;
}

/* Serves the child's calls until its exit_group; returns ns per round trip or -1. */
static double trace(pid_t pid, long warm, long n)
{
	struct user_regs_struct regs;
	long calls = 0;
	double t0 = 0;

	for (;;) {
		if (ptrace(PTRACE_SYSEMU, pid, 0, 0) < 0 || wait_syscall_stop(pid) < 0)
			return -1;
		if (ptrace(PTRACE_GETREGS, pid, 0, &regs) < 0)
			return -1;
		if (regs.orig_rax == SYS_exit_group)
			break;
		regs.rax = regs.orig_rax == SYS_getppid ? MAGIC : (unsigned long)-ENOSYS;
		if (ptrace(PTRACE_SETREGS, pid, 0, &regs) < 0)
			return -1;
		if (++calls == warm)
			t0 = now_ns();
	}
	double t1 = now_ns();
	if (calls != warm + n || regs.rdi != 0) {
		fprintf(stderr, "floor_sysemu: %ld calls (expected %ld), child verdict %llu\n",
			calls, warm + n, regs.rdi);
		return -1;
	}
	return (t1 - t0) / n;
}

int main(int argc, char **argv)
{
	int cores = argc > 1 ? atoi(argv[1]) : 1;
	long n = arg_count(argc, argv, 2, cores == 2 ? 2000 : 50000);
	long warm = n / 10 + 1;
	int status;

	if (cores != 1 && cores != 2) {
		fprintf(stderr, "usage: %s [1|2 [N]]\n", argv[0]);
		return 2;
	}
	if (bench_pin(0) < 0 || (cores == 2 && bench_pin(1) < 0) || bench_pin(0) < 0) {
		fprintf(stderr, "floor_sysemu: cannot pin to CPU %d: %s\n", cores - 1,
			strerror(errno));
		return 3;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "floor_sysemu: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		child(cores - 1, warm, n);
	if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL) < 0) {
		fprintf(stderr, "floor_sysemu: child did not stop for tracing (status 0x%x)\n",
			status);
		kill(pid, SIGKILL);
		return 1;
	}
	double ns = trace(pid, warm, n);
	kill(pid, SIGKILL);
	waitpid(pid, &status, __WALL);
	if (ns < 0)
		return 1;
	printf("RESULT floor_sysemu_%dcore %.1f ns/call\n", cores, ns);
	return 0;
}
