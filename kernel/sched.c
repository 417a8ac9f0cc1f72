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
 * CONFIG_DEBUG_SCHED checks these rules, wait-queue links and kernel-stack overflow
 * (sched_debug.c). KASAN builds tell AddressSanitizer about every stack switch.
 */
#include "kernel.h"
#include "console.h"
#include "kasan.h"
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
/* KASAN: the idle task's stack (the host's main stack), learnt at its first switch. */
static const void *idle_stack;
static size_t idle_stack_size;

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

/*
 * Load averages: Linux's fixed-point exponential decay (11 fraction bits) of the number of
 * runnable tasks, sampled on the tick every 5 s of monotonic time. A tick that comes late
 * (the host was busy) counts the present number for each period it missed.
 */
#define LOAD_PERIOD_NS (5 * 1000000000ULL)

static unsigned long avenrun[3];
static u64 load_next = LOAD_PERIOD_NS;

void sched_loadavg_tick(void)
{
	static const unsigned long decay[3] = { 1884, 2014, 2037 }; /* e^(-5s/1,5,15 min) */
	u64 now = ktime_now(), steps;
	unsigned long active = (unsigned long)sched_nr_running() << SCHED_LOAD_SHIFT;

	if (now < load_next)
		return;
	steps = (now - load_next) / LOAD_PERIOD_NS + 1;
	load_next += steps * LOAD_PERIOD_NS;
	if (steps > 2000)
		steps = 2000; /* every average has long converged */
	while (steps--) {
		for (int i = 0; i < 3; i++)
			avenrun[i] = (avenrun[i] * decay[i] +
				      active * ((1UL << SCHED_LOAD_SHIFT) - decay[i]) +
				      (1UL << (SCHED_LOAD_SHIFT - 1))) >> SCHED_LOAD_SHIFT;
	}
}

void sched_loadavg(unsigned long avg[3])
{
	for (int i = 0; i < 3; i++)
		avg[i] = avenrun[i];
}

void wake_up_process(struct task *t)
{
	if (IS_ENABLED(CONFIG_DEBUG_SCHED))
		sched_debug_wake(t);
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

	if (KASAN_ENABLED) {
		const void *bottom;
		size_t size;

		kasan_switch_finish(&bottom, &size);
		if (prev == &idle_task && !idle_stack) {
			idle_stack = bottom;
			idle_stack_size = size;
		}
	}
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
	if (IS_ENABLED(CONFIG_DEBUG_SCHED))
		sched_debug_switch(prev, next);
	if (prev->rseq)
		prev->rseq_event = true; /* kernel/rseq.c: its critical section is over */
	current = next;
	switched_from = prev;
	prev->switched_out = ktime_now();
	if (next == &idle_task)
		kasan_switch_start(idle_stack, idle_stack_size);
	else
		kasan_switch_start(next->kstack, KSTACK_SIZE);
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
	if (IS_ENABLED(CONFIG_DEBUG_SCHED))
		sched_debug_wait_add(wq, we);
	list_add_tail(&we->link, &wq->head);
}

void wait_remove(struct wait_entry *we)
{
	if (IS_ENABLED(CONFIG_DEBUG_SCHED))
		sched_debug_wait_entry(we, true);
	list_del_init(&we->link);
}

void wake_up_key(struct wait_queue_head *wq, unsigned key)
{
	struct wait_entry *we, *n;

	list_for_each_entry_safe(we, n, &wq->head, link) {
		if (IS_ENABLED(CONFIG_DEBUG_SCHED))
			sched_debug_wait_entry(we, false);
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
