/*
 * Signals and the thread group as a whole: job-control stops of every thread and their
 * end by SIGCONT, SIGKILL to the other threads (group exit, execve), signals pending for
 * the process passed on to another thread, and orphaned process groups.
 *
 * Layer: kernel/signal.c's helpers (sig.h's internal section); no state of its own.
 *
 * A stop is taken by the thread that dequeues the stop signal: it records stop_sig in the
 * signal_struct, marks every other live thread jobctl_stop (waking the sleeping ones, whose
 * system calls then restart after SIGCONT), tells the parent and stops; the marked threads
 * stop in sig_deliver before they run guest code again. With one guest CPU no thread of
 * the process runs guest code once the parent has been told. SIGCONT clears the marks and
 * resumes every stopped thread.
 */
#include "kernel.h"
#include "sig.h"
#include "task.h"

bool sig_task_live(const struct task *t)
{
	return t && t->state != TASK_ZOMBIE && t->state != TASK_DEAD && t->signal && t->sighand;
}

struct task *sig_next_thread(struct task *th)
{
	struct task *leader = th->group_leader;
	struct list_head *n;

	if (!leader || !leader->thread_group.next)
		return NULL;
	n = th == leader ? leader->thread_group.next : th->thread_node.next;
	if (n == &leader->thread_group)
		return NULL;
	return list_entry(n, struct task, thread_node);
}

void sig_retarget_shared(struct task *t, ksigset_t set)
{
	struct task *th;

	set &= t->signal->shared_pending.set;
	for_each_thread(t, th) {
		if (!set)
			return;
		if (th == t || !sig_task_live(th) || !(set & ~th->blocked))
			continue;
		set &= th->blocked;
		sig_wake(th, false);
	}
}

void sig_thread_exiting(struct task *t)
{
	if (t->signal && task_group_alive(t))
		sig_retarget_shared(t, ~t->blocked);
}

/*
 * Queued directly, without the checks of sending: a thread of init must die too (init
 * ignores SIGKILL sent from outside), and no siginfo is needed.
 */
void sig_zap_threads(struct task *t)
{
	struct task *th;

	for_each_thread(t, th) {
		if (th == t || !sig_task_live(th))
			continue;
		th->pending.set |= sigmask(SIGKILL);
		sig_wake(th, true);
	}
}

/* ---- job control */

bool sig_pgrp_orphaned(int pgid)
{
	struct task *p, *pp;

	list_for_each_entry(p, &task_list, all_tasks) {
		if (!thread_group_leader(p) || !task_group_alive(p) || p->signal->pgid != pgid)
			continue;
		pp = p->parent;
		/*
		 * Linux does not count init as a parent here (a job of a shell running as init
		 * is orphaned, and ^Z does nothing: "job control turned off"). um-lite is
		 * usually booted with init=/bin/sh, so init's children count like any others
		 * and job control works in that shell.
		 */
		if (!pp || !task_group_alive(pp))
			continue;
		if (pp->signal->pgid != pgid && pp->signal->sid == p->signal->sid)
			return false;
	}
	return true;
}

/* Stay stopped until SIGCONT (sig_group_continue) or SIGKILL (sig_wake) resumes t. */
static void stop_self(struct task *t)
{
	task_set_state(t, TASK_STOPPED);
	while (t->state == TASK_STOPPED)
		schedule();
}

void sig_group_stop(struct task *t, int sig)
{
	struct signal_struct *s = t->signal;
	struct task *th;

	s->stop_sig = sig;
	s->stop_reported = false;
	s->cont_reported = true;
	for_each_thread(t, th) {
		if (th == t || !sig_task_live(th))
			continue;
		th->jobctl_stop = true;
		sig_wake(th, false);
	}
	task_notify_parent_stop(t, CLD_STOPPED);
	stop_self(t);
}

void sig_join_group_stop(struct task *t)
{
	t->jobctl_stop = false;
	if (t->signal->stop_sig && !sig_fatal_pending(t))
		stop_self(t);
}

void sig_group_continue(struct task *t)
{
	struct signal_struct *s = t->signal;
	struct task *th;

	s->stop_sig = 0;
	s->stop_reported = true;
	s->cont_reported = false;
	for_each_thread(t, th) {
		th->jobctl_stop = false;
		if (th->state == TASK_STOPPED) {
			task_set_state(th, TASK_RUNNING);
			if (th != current)
				sched_enqueue(th);
		}
	}
	task_notify_parent_stop(t->group_leader, CLD_CONTINUED);
}

void sig_stop_task(struct task *t, int sig)
{
	if (t == current && sig_task_live(t))
		sig_group_stop(t, sig);
	else
		sig_send_process(t, sig, NULL);
}
