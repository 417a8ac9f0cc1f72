/*
 * Scheduler and wait-queue assertions (CONFIG_DEBUG_SCHED, off by default; sched.c calls
 * these only when it is set). Each failed check prints what is wrong with which task and
 * panics, so the panic's backtrace shows who did it.
 *
 *  - Kernel-stack overflow: the lowest word of every kernel stack holds KSTACK_MAGIC,
 *    written when the stack is made (fork.c) and checked for both tasks at every switch;
 *    the stack pointer of the task switching away must lie inside its own stack.
 *  - Switches: the task switched to is runnable and was on the run queue; the current
 *    task is never on it; a task's state is one of enum task_state (a freed task, poisoned
 *    by DEBUG_SLAB, is not).
 *  - Wakeups: waking a dead or freed task.
 *  - Wait queues: a corrupted link (the neighbours do not point back) when an entry is
 *    added, a queue is walked or an entry removed; an entry for a dead or freed task.
 */
#include "kernel.h"
#include "task.h"

static bool state_valid(int s)
{
	return s == TASK_RUNNING || s == TASK_INTERRUPTIBLE || s == TASK_UNINTERRUPTIBLE ||
	       s == TASK_STOPPED || s == TASK_ZOMBIE || s == TASK_DEAD;
}

static void __noreturn sched_bug(const struct task *t, const char *what)
{
	printk(KERN_EMERG "BUG: scheduler: %s: task %p (%.16s, pid %d, state %d)\n", what, t,
	       t ? t->comm : "-", t ? t->pid : -1, t ? t->state : -1);
	panic("scheduler: %s", what);
}

static void check_stack(const struct task *t)
{
	if (t->kstack && *(const u64 *)t->kstack != KSTACK_MAGIC)
		sched_bug(t, "kernel stack overflow (the canary at its bottom was overwritten)");
}

void sched_debug_switch(struct task *prev, struct task *next)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0);
	unsigned long lo = (unsigned long)prev->kstack;

	if (!state_valid(prev->state))
		sched_bug(prev, "schedule() by a task in an invalid state (freed?)");
	if (!state_valid(next->state) || next->state != TASK_RUNNING)
		sched_bug(next, "switching to a task that is not runnable");
	if (prev->on_rq && prev->state != TASK_RUNNING)
		sched_bug(prev, "a sleeping task is on the run queue");
	check_stack(prev);
	check_stack(next);
	if (prev->kstack && (sp < lo || sp >= lo + KSTACK_SIZE))
		sched_bug(prev, "schedule() on a stack that is not the task's kernel stack");
}

void sched_debug_wake(struct task *t)
{
	if (!t || !state_valid(t->state))
		sched_bug(t, "wake_up of a task in an invalid state (freed?)");
	if (t->state == TASK_DEAD)
		sched_bug(t, "wake_up of a dead task");
}

static void check_link(const struct list_head *l, const char *what)
{
	if (!l->next || !l->prev) {
		printk(KERN_EMERG "BUG: wait queue: %s: entry %p was never added\n", what, l);
		panic("wait queue: %s", what);
	}
	if (l->next->prev != l || l->prev->next != l) {
		printk(KERN_EMERG "BUG: wait queue: %s: entry %p, next %p (its prev %p), prev %p "
				  "(its next %p)\n",
		       what, l, l->next, l->next->prev, l->prev, l->prev->next);
		panic("wait queue: %s", what);
	}
}

void sched_debug_wait_add(struct wait_queue_head *wq, struct wait_entry *we)
{
	check_link(&wq->head, "corrupted wait queue head at wait_add");
	if (!we->func)
		sched_debug_wake(we->task);
}

void sched_debug_wait_entry(struct wait_entry *we, bool removing)
{
	check_link(&we->link, removing ? "corrupted link at wait_remove" :
					 "corrupted link while waking a queue");
	if (!we->func)
		sched_debug_wake(we->task);
}
