/*
 * Guest signals (kernel/signal.c): the kernel ABI's 64-bit signal sets, rt_sigaction's
 * structure, per-thread and per-process pending queues, and delivery.
 */
#ifndef SIG_H
#define SIG_H

#include "kernel.h"
#include "list.h"

#include <asm/signal.h>
#include <asm/siginfo.h>

#define KNSIG 64
typedef u64 ksigset_t; /* bit (sig-1) set when sig is a member; the kernel ABI's sigset */

#define sigmask(sig) (1ULL << ((sig)-1))
#define SIG_KERNEL_ONLY (sigmask(SIGKILL) | sigmask(SIGSTOP))

/* rt_sigaction's struct on x86_64. */
struct ksigaction {
	u64 handler; /* SIG_DFL (0), SIG_IGN (1) or a guest address */
	u64 flags;
	u64 restorer;
	ksigset_t mask;
};

/* Handlers of a process (shared by threads created with CLONE_SIGHAND). */
struct sighand {
	int refcount;
	struct ksigaction action[KNSIG];
};

/* A queued signal with its siginfo. */
struct sigqueue {
	struct list_head link;
	siginfo_t info;
};

struct sigpending {
	ksigset_t set;          /* signals with at least one queued entry */
	struct list_head queue; /* of struct sigqueue, in arrival order */
};

struct task;

void sigpending_init(struct sigpending *p);
void sigpending_flush(struct sigpending *p);
struct sighand *sighand_alloc(void);
struct sighand *sighand_copy(const struct sighand *old);
void sighand_put(struct sighand *sh);

/* Send sig with info (NULL: SI_KERNEL-style info made up) to one thread / its process. */
int sig_send_task(struct task *t, int sig, const siginfo_t *info);
int sig_send_process(struct task *t, int sig, const siginfo_t *info);
/* kill(2) semantics: pid > 0, 0, -1, < -1; sender checks included. */
int sig_kill(int pid, int sig, const siginfo_t *info);
/* Send to every process of a process group. */
int sig_send_pgrp(int pgid, int sig, const siginfo_t *info);
/* A signal for a fault of the current task (SIGSEGV with addr, ...). */
void sig_force_fault(int sig, int code, uaddr_t addr);
/* True when t has an unblocked pending signal (or a fatal one). */
bool signal_pending(struct task *t);
/* Recompute t's signal-pending state after a mask or queue change. */
void sig_recalc(struct task *t);
/*
 * Before returning to guest code: deliver pending signals (set up frames, apply default
 * actions, resolve restart codes in the saved syscall result). Called by the run loop.
 */
void sig_deliver(void);
/* Reset handlers on exec: caught signals go back to SIG_DFL. */
void sig_exec_reset(struct task *t);
/* Stop/continue bookkeeping for job control. */
void sig_stop_task(struct task *t, int sig);

#endif
