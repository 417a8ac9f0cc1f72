/*
 * floor_sigsys: the floor of any SIGSYS route (skas=seccomp), in ns per round trip.
 *
 *   floor_sigsys [N]     N trapped getppid calls (default 200000) after N/10 warm-up ones
 *
 * A host-only measuring tool for `make bench` (scripts/bench.sh); never run in the guest.
 * A seccomp filter returns SECCOMP_RET_TRAP for getppid, and a SIGSYS handler in the same
 * process writes the result into the signal frame's rax, so each call costs one trap, one
 * signal delivery and one rt_sigreturn, and nothing else: no other process is involved.
 * The filter is raw BPF through prctl (a measuring tool, not the kernel's filter; that one
 * is built with libseccomp in arch/um-lite/os/security.c).
 * Prints "RESULT floor_sigsys <ns> ns/call".
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "bench.h"

#define MAGIC 0x4242

static volatile long traps;

/* The whole "kernel": answer the trapped call in the frame that rt_sigreturn restores. */
static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RAX] = MAGIC;
	traps++;
}

/* getppid traps; every other call (and any non-x86_64 entry) is allowed. */
static int install_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

int main(int argc, char **argv)
{
	long n = arg_count(argc, argv, 1, 200000);
	long bad = 0;

	if (install_filter() < 0) {
		fprintf(stderr, "floor_sigsys: seccomp filter: %s\n", strerror(errno));
		return 1;
	}
	for (long i = 0; i < n / 10; i++)
		bad += syscall(SYS_getppid) != MAGIC;
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		bad += syscall(SYS_getppid) != MAGIC;
	double t1 = now_ns();
	if (bad || traps != n + n / 10) {
		fprintf(stderr, "floor_sigsys: %ld wrong answers, %ld traps for %ld calls\n", bad,
			traps, n + n / 10);
		return 1;
	}
	printf("RESULT floor_sigsys %.1f ns/call\n", (t1 - t0) / n);
	return 0;
}
