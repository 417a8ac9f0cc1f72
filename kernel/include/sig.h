/*
 * Guest signals (kernel/signal.c): the kernel ABI's 64-bit signal sets, rt_sigaction's
 * structure, per-thread and per-process pending queues, and delivery.
 */
#ifndef SIG_H
#define SIG_H

#include "kernel.h"
#include "list.h"
#include "sched.h"

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
	struct wait_queue_head signalfd_wqh; /* signalfd pollers: woken when a signal is queued */
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
/* True when t has an unblocked pending signal (or a fatal one, or a group stop to join). */
bool signal_pending(struct task *t);
/* True when SIGKILL is pending for t (its own or its process's). */
bool sig_fatal_pending(const struct task *t);
/* Send SIGKILL to every other live thread of t's process (group exit, exec). */
void sig_zap_threads(struct task *t);
/* Thread t is exiting: signals pending for its process that it could take go to another. */
void sig_thread_exiting(struct task *t);
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
/*
 * True when process group pgid is orphaned: no member has a parent in another group of the
 * same session (init does not count). Job-control stops are not applied to such groups.
 */
bool sig_pgrp_orphaned(int pgid);

/* ---- shared by kernel/signal.c, signal_sys.c and signal_frame.c only */
#define KSIG_DFL 0ULL
#define KSIG_IGN 1ULL
/* The guest's stack_t (sigaltstack), with the address as an integer. */
struct ksigaltstack {
	u64 ss_sp;
	int ss_flags;
	u64 ss_size;
};
/* Send to t (its process when group) with kill(2)'s permission check: -EPERM, -EINVAL. */
int sig_send_checked(struct task *t, int sig, const siginfo_t *info, bool group);
/* rt_sigaction's core: set (act) and/or read (oact) the action of sig. */
int sig_action(int sig, const struct ksigaction *act, struct ksigaction *oact);
/* Take the next pending signal of t among mask (thread queue first); 0 when none. */
int sig_dequeue(struct task *t, ksigset_t mask, siginfo_t *info);
/* Replace t's blocked mask (SIGKILL/SIGSTOP are removed) and recompute pending state. */
void sig_set_blocked(struct task *t, ksigset_t mask);
/*
 * Build the rt_sigframe for sig on t's guest stack and point t's registers at the
 * handler; saved_mask is the mask sigreturn restores. 0, or -EFAULT when the frame
 * cannot be written (the caller then forces SIGSEGV).
 */
int sig_setup_frame(struct task *t, int sig, const siginfo_t *info,
		    const struct ksigaction *ka, ksigset_t saved_mask);
/* sigaltstack state for stack pointer sp: SS_ONSTACK, SS_DISABLE or 0. */
int sig_altstack_state(const struct task *t, uaddr_t sp);
/* t has not exited and has its signal state (zombies keep stale pointers). */
bool sig_task_live(const struct task *t);
/* The thread after th in its group (leader first), or NULL. */
struct task *sig_next_thread(struct task *th);
#define for_each_thread(t, th) for (th = (t)->group_leader; th; th = sig_next_thread(th))
/* Recompute t's pending state and wake it if it sleeps interruptibly (kill: or is stopped). */
void sig_wake(struct task *t, bool kill);
/*
 * The signals of set pending for t's process can no longer go to t (it blocks them or
 * exits): wake another thread that can take them.
 */
void sig_retarget_shared(struct task *t, ksigset_t set);
/* Job control (kernel/signal_group.c): t stops its process for sig; back at SIGCONT. */
void sig_group_stop(struct task *t, int sig);
/* t was marked jobctl_stop by another thread's stop: stop now unless it is over. */
void sig_join_group_stop(struct task *t);
/* SIGCONT sent to t's stopped process: resume every thread, tell the parent. */
void sig_group_continue(struct task *t);
/* Store the task's fault address into a siginfo's si_addr. */
void sig_info_set_addr(siginfo_t *info, uaddr_t addr);
uaddr_t sig_info_addr(const siginfo_t *info);

#endif
