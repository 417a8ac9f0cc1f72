/*
 * The scheduler: one guest CPU, round-robin over runnable tasks, with timer-tick
 * preemption of guest code.
 *
 * Concurrency model (the rule the whole kernel relies on): kernel code runs on exactly
 * one host thread. Each task has its own kernel stack; schedule() switches stacks with
 * arch_switch_to. Host signal handlers only set pending-interrupt bits (os/signal.c),
 * which the kernel looks at in irq_handle() at defined points: after a mode's run()
 * returns, in the idle loop, and between system calls. Host helper threads, when there
 * are any, talk to the kernel only through file descriptors. Hence kernel data needs no
 * locks: nothing runs concurrently with kernel code.
 *
 * The idle task is the boot context (pid 0) running sched_idle_loop() on the host stack.
 * The current task is never on the run queue; a runnable task that is not current is.
 */
#include "kernel.h"
#include "console.h"
#include "os.h"
#include "slab.h"
#include "task.h"

struct task idle_task = {
	.state = TASK_RUNNING,
	.comm = "swapper",
	.group_leader = &idle_task,
};
struct task *current = &idle_task;
bool need_resched;

static LIST_HEAD(run_queue);
static unsigned nr_running;
static struct task *switched_from;

void arch_switch_to(unsigned long *save_sp, unsigned long new_sp);

void sched_enqueue(struct task *t)
{
	if (t->on_rq || t == &idle_task)
		return;
	list_add_tail(&t->run_list, &run_queue);
	t->on_rq = true;
	nr_running++;
}

void sched_dequeue(struct task *t)
{
	if (!t->on_rq)
		return;
	list_del_init(&t->run_list);
	t->on_rq = false;
	nr_running--;
}

unsigned sched_nr_running(void)
{
	return nr_running + (current != &idle_task && current->state == TASK_RUNNING);
}

void wake_up_process(struct task *t)
{
	if (t->state != TASK_INTERRUPTIBLE && t->state != TASK_UNINTERRUPTIBLE)
		return;
	t->state = TASK_RUNNING;
	if (t != current)
		sched_enqueue(t);
}

/*
 * Runs in the task we switched to, right after the switch: a task that exited can have
 * its kernel stack freed now that nobody runs on it.
 */
void sched_finish_switch(void)
{
	struct task *prev = switched_from;

	switched_from = NULL;
	if (!prev || (prev->state != TASK_ZOMBIE && prev->state != TASK_DEAD))
		return;
	if (prev->kstack) {
		kfree(prev->kstack);
		prev->kstack = NULL;
	}
	if (prev->state == TASK_DEAD)
		task_free(prev);
}

void schedule(void)
{
	struct task *prev = current, *next;

	need_resched = false;
	if (prev != &idle_task && prev->state == TASK_RUNNING)
		sched_enqueue(prev);
	if (list_empty(&run_queue)) {
		next = &idle_task;
	} else {
		next = list_first_entry(&run_queue, struct task, run_list);
		sched_dequeue(next);
	}
	if (next == prev)
		return;
	if (next != &idle_task)
		next->nvcsw++;
	current = next;
	switched_from = prev;
	prev->switched_out = ktime_now();
	arch_switch_to(&prev->ksp, next->ksp);
	sched_finish_switch();
	prev->offcpu_ns += ktime_now() - prev->switched_out;
}

void sched_idle_loop(void)
{
	for (;;) {
		irq_handle();
		if (nr_running) {
			schedule();
			continue;
		}
		os_idle_wait(console_host_fd(), ktimer_run());
		console_poll();
	}
}

/* ---- wait queues */

void wait_add(struct wait_queue_head *wq, struct wait_entry *we)
{
	list_add_tail(&we->link, &wq->head);
}

void wait_remove(struct wait_entry *we)
{
	list_del_init(&we->link);
}

void wake_up_key(struct wait_queue_head *wq, unsigned key)
{
	struct wait_entry *we, *n;

	list_for_each_entry_safe(we, n, &wq->head, link) {
		if (we->func)
			we->func(we, key);
		else
			wake_up_process(we->task);
	}
}

void wake_up(struct wait_queue_head *wq)
{
	wake_up_key(wq, 0);
}
