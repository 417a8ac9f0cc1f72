/*
 * floor_tt: the floor of tracing-thread mode (mode=tt), in ns per round trip.
 *
 *   floor_tt [CORES [N]]     CORES 1 (default): tracer and child both on CPU 0;
 *                            CORES 2: child on CPU 1. N round trips (default 20000 on one
 *                            core, 1000 on two)
 *
 * A host-only measuring tool for `make bench` (scripts/bench.sh); never run in the guest.
 * Historic UML TT interception: PTRACE_SYSCALL with nullification, two stops per call.
 * At the entry stop the tracer reads the registers (PTRACE_GETREGS) and nullifies the call
 * (orig_rax = -1, PTRACE_SETREGS); at the exit stop it writes the result into rax
 * (PTRACE_SETREGS of the saved registers). The child checks every answer; its exit_group
 * is let through, so the verdict is its exit status.
 * Prints "RESULT floor_tt_<CORES>core <ns> ns/call"; exits 3 when the CPUs are missing.
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

/* The traced child: calls getppid warm + n times; exit status 1 if any answer was wrong. */
static void child(int cpu, long warm, long n)
{
	long bad = 0;

	if (bench_pin(cpu) < 0 || ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(100);
	raise(SIGSTOP);
	for (long i = 0; i < warm + n; i++)
		bad += syscall(SYS_getppid) != MAGIC;
	syscall(SYS_exit_group, bad ? 1 : 0);
	_exit(101); /* not reached */
}

/* Resumes pid to its next system-call stop; -1 (reported) on anything else. */
static int step(pid_t pid)
{
	int status;

	if (ptrace(PTRACE_SYSCALL, pid, 0, 0) < 0 || waitpid(pid, &status, __WALL) != pid) {
		fprintf(stderr, "floor_tt: ptrace/waitpid: %s\n", strerror(errno));
		return -1;
	}
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != (SIGTRAP | 0x80)) {
		fprintf(stderr, "floor_tt: unexpected wait status 0x%x\n", status);
		return -1;
	}
	return 0;
}

/* Serves the child's calls up to its exit_group entry; returns ns per round trip or -1. */
static double trace(pid_t pid, long warm, long n)
{
	struct user_regs_struct regs;
	long calls = 0;
	double t0 = 0;

	for (;;) {
		if (step(pid) < 0 || ptrace(PTRACE_GETREGS, pid, 0, &regs) < 0)
			return -1;
		if (regs.orig_rax == SYS_exit_group)
			break;
		int ours = regs.orig_rax == SYS_getppid;
		regs.orig_rax = -1; /* nullify: the host kernel runs no call */
		if (ptrace(PTRACE_SETREGS, pid, 0, &regs) < 0 || step(pid) < 0)
			return -1;
		regs.rax = ours ? MAGIC : (unsigned long)-ENOSYS;
		if (ptrace(PTRACE_SETREGS, pid, 0, &regs) < 0)
			return -1;
		if (++calls == warm)
			t0 = now_ns();
	}
	double t1 = now_ns();
	if (calls != warm + n) {
		fprintf(stderr, "floor_tt: %ld calls (expected %ld)\n", calls, warm + n);
		return -1;
	}
	return (t1 - t0) / n;
}

int main(int argc, char **argv)
{
	int cores = argc > 1 ? atoi(argv[1]) : 1;
	long n = arg_count(argc, argv, 2, cores == 2 ? 1000 : 20000);
	long warm = n / 10 + 1;
	int status;

	if (cores != 1 && cores != 2) {
		fprintf(stderr, "usage: %s [1|2 [N]]\n", argv[0]);
		return 2;
	}
	if (bench_pin(0) < 0 || (cores == 2 && bench_pin(1) < 0) || bench_pin(0) < 0) {
		fprintf(stderr, "floor_tt: cannot pin to CPU %d: %s\n", cores - 1, strerror(errno));
		return 3;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "floor_tt: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		child(cores - 1, warm, n);
	if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL) < 0) {
		fprintf(stderr, "floor_tt: child did not stop for tracing (status 0x%x)\n", status);
		kill(pid, SIGKILL);
		return 1;
	}
	double ns = trace(pid, warm, n);
	if (ns < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, __WALL);
		return 1;
	}
	/* let exit_group run: detach so the child exits without further stops */
	ptrace(PTRACE_DETACH, pid, 0, 0);
	if (waitpid(pid, &status, __WALL) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "floor_tt: child saw wrong answers (status 0x%x)\n", status);
		return 1;
	}
	printf("RESULT floor_tt_%dcore %.1f ns/call\n", cores, ns);
	return 0;
}
