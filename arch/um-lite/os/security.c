/*
 * Seccomp filters for the host processes of guest address spaces (skas=seccomp), built
 * with libseccomp (DESIGN.md rule 20: the only user of libseccomp).
 *
 * libseccomp writes the per-call rules (numbers, pinned arguments, the architecture
 * check); it has no way to test where a call comes from, so each program is prefixed
 * with a few hand-written instructions that test seccomp_data.instruction_pointer: a call
 * whose return address is outside the stub's code page [code_lo, code_hi) gets the
 * "outside" action at once, and only calls made from the stub page reach libseccomp's
 * rules. The programs are returned, not loaded: the stub's threads install them
 * themselves (skas/seccomp_host.c).
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "os.h"

#ifndef ARCH_SET_GS
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#endif

_Static_assert(sizeof(struct os_bpf_insn) == sizeof(struct sock_filter), "bpf layout");

#define IP_LO offsetof(struct seccomp_data, instruction_pointer)
#define IP_HI (IP_LO + 4)
#define PROLOGUE_LEN 7

/* Calls from outside [lo, hi) get `outside`; the rest fall through to the rules. */
static void ip_prologue(struct os_bpf_insn *p, uint64_t lo, uint64_t hi, uint32_t outside)
{
	const struct os_bpf_insn pro[PROLOGUE_LEN] = {
		{ BPF_LD | BPF_W | BPF_ABS, 0, 0, IP_HI },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 4, (uint32_t)(lo >> 32) },
		{ BPF_LD | BPF_W | BPF_ABS, 0, 0, IP_LO },
		{ BPF_JMP | BPF_JGE | BPF_K, 0, 2, (uint32_t)lo },
		{ BPF_JMP | BPF_JGE | BPF_K, 1, 0, (uint32_t)hi },
		{ BPF_JMP | BPF_JA, 0, 0, 1 },
		{ BPF_RET | BPF_K, 0, 0, outside },
	};

	memcpy(p, pro, sizeof(pro));
}

/* Export ctx's program after the prologue; returns the total length or -errno. */
static int export(scmp_filter_ctx ctx, struct os_bpf_insn *prog, size_t max, uint64_t lo,
		  uint64_t hi, uint32_t outside)
{
	int fd = memfd_create("umlite-bpf", MFD_CLOEXEC), r;
	long len;

	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		goto out;
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(*prog) || (size_t)len / sizeof(*prog) + PROLOGUE_LEN > max) {
		r = -E2BIG;
		goto out;
	}
	if (pread(fd, prog + PROLOGUE_LEN, (size_t)len, 0) != len) {
		r = -EIO;
		goto out;
	}
	ip_prologue(prog, lo, hi, outside);
	r = (int)(len / sizeof(*prog)) + PROLOGUE_LEN;
out:
	close(fd);
	return r;
}

static scmp_filter_ctx new_ctx(uint32_t action)
{
	scmp_filter_ctx ctx = seccomp_init(action);

	if (ctx && seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, action) < 0) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

int os_seccomp_guest_filter(struct os_bpf_insn *prog, size_t max, uint64_t code_lo,
			    uint64_t code_hi, uint64_t futex_base, uint64_t futex_mask)
{
	scmp_filter_ctx ctx = new_ctx(SCMP_ACT_TRAP);
	int r;

	if (!ctx)
		return -ENOMEM;
	r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(futex), 2,
			     SCMP_A0(SCMP_CMP_MASKED_EQ, futex_mask, futex_base),
			     SCMP_A1(SCMP_CMP_EQ, FUTEX_WAIT));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(futex), 2,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, futex_mask, futex_base),
				     SCMP_A1(SCMP_CMP_EQ, FUTEX_WAKE));
	/* What a crafted rt_sigreturn can do anyway; a new thread's start needs them. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigprocmask), 0);
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sigaltstack), 0);
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigreturn), 0);
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sched_yield), 0);
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(arch_prctl), 1,
				     SCMP_A0(SCMP_CMP_EQ, ARCH_SET_FS));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(arch_prctl), 1,
				     SCMP_A0(SCMP_CMP_EQ, ARCH_SET_GS));
	if (!r)
		r = export(ctx, prog, max, code_lo, code_hi, SECCOMP_RET_TRAP);
	seccomp_release(ctx);
	return r;
}

int os_seccomp_ctl_filter(struct os_bpf_insn *prog, size_t max, const struct os_ctl_filter *f)
{
	scmp_filter_ctx ctx = new_ctx(SCMP_ACT_KILL_PROCESS);
	int r;

	if (!ctx)
		return -ENOMEM;
	r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 4,
			     SCMP_A0(SCMP_CMP_LT, f->task_size), SCMP_A1(SCMP_CMP_LE, f->task_size),
			     SCMP_A3(SCMP_CMP_EQ, MAP_SHARED | MAP_FIXED),
			     SCMP_A4(SCMP_CMP_EQ, f->physmem_fd));
	/*
	 * Windows: read-only files at [window_fd, + nr_windows) (a power of two, aligned),
	 * mapped without PROT_WRITE (which the host would refuse anyway).
	 */
	if (!r && f->nr_windows)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 5,
				     SCMP_A0(SCMP_CMP_LT, f->task_size),
				     SCMP_A1(SCMP_CMP_LE, f->task_size),
				     SCMP_A2(SCMP_CMP_MASKED_EQ, ~(uint64_t)(PROT_READ | PROT_EXEC),
					     0),
				     SCMP_A3(SCMP_CMP_EQ, MAP_SHARED | MAP_FIXED),
				     SCMP_A4(SCMP_CMP_MASKED_EQ, ~(f->nr_windows - 1),
					     f->window_fd));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 2,
				     SCMP_A0(SCMP_CMP_LT, f->task_size),
				     SCMP_A1(SCMP_CMP_LE, f->task_size));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 3,
				     SCMP_A0(SCMP_CMP_LT, f->task_size),
				     SCMP_A1(SCMP_CMP_LE, f->task_size),
				     SCMP_A2(SCMP_CMP_MASKED_EQ,
					     ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC), 0));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(futex), 2,
				     SCMP_A0(SCMP_CMP_EQ, f->seq_word), SCMP_A1(SCMP_CMP_EQ, FUTEX_WAIT));
	for (int i = 0; i < 2 && !r; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 3,
				     SCMP_A0(SCMP_CMP_EQ, f->event_fd),
				     SCMP_A1(SCMP_CMP_EQ, i ? f->failed_buf : f->done_buf),
				     SCMP_A2(SCMP_CMP_EQ, 8));
	if (!r)
		r = export(ctx, prog, max, f->code_lo, f->code_hi, SECCOMP_RET_KILL_PROCESS);
	seccomp_release(ctx);
	return r;
}
