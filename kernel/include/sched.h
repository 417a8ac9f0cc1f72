/*
 * Scheduling primitives: the run queue, wait queues, kernel timers, and the interrupt
 * check (kernel/sched.c, kernel/time.c).
 */
#ifndef SCHED_H
#define SCHED_H

#include "kernel.h"
#include "list.h"

struct task;

/* ---- wait queues */
struct wait_queue_head {
	struct list_head head; /* of struct wait_entry */
};

struct wait_entry;
/* Called by wake_up for each entry; returns true when it woke something. */
typedef bool (*wait_func_t)(struct wait_entry *we, unsigned key);

struct wait_entry {
	struct task *task;
	wait_func_t func; /* NULL: wake task */
	void *private;    /* func's data (poll table entry) */
	struct list_head link;
};

static inline void wait_queue_init(struct wait_queue_head *wq)
{
	INIT_LIST_HEAD(&wq->head);
}

#define DEFINE_WAIT_QUEUE(name) struct wait_queue_head name = { LIST_HEAD_INIT(name.head) }

void wait_add(struct wait_queue_head *wq, struct wait_entry *we);
void wait_remove(struct wait_entry *we);
/* Wake every waiter (key: poll events that happened, or 0). */
void wake_up(struct wait_queue_head *wq);
void wake_up_key(struct wait_queue_head *wq, unsigned key);

/* ---- scheduler (kernel/sched.c) */
extern struct task *current;
extern bool need_resched;

/* Give up the CPU; returns when current is chosen again. */
void schedule(void);
/* Make a sleeping task runnable. */
void wake_up_process(struct task *t);
/* Add a new task to the run queue. */
void sched_enqueue(struct task *t);
/* Remove a task that is exiting from the run queue. */
void sched_dequeue(struct task *t);
/* Called right after every switch, in the new task (frees an exited task's stack). */
void sched_finish_switch(void);
/* The idle loop; the boot stack becomes the idle task's. Never returns. */
void sched_idle_loop(void) __noreturn;
/* Number of runnable tasks (for /proc/loadavg). */
unsigned sched_nr_running(void);
/* Load averages are fixed point with this many fraction bits. */
#define SCHED_LOAD_SHIFT 11
/* On each tick: take the 5-second sample of the load averages when one is due. */
void sched_loadavg_tick(void);
/* The 1, 5 and 15 minute load averages (SCHED_LOAD_SHIFT fixed point). */
void sched_loadavg(unsigned long avg[3]);

/* ---- CONFIG_DEBUG_SCHED checks (kernel/sched_debug.c); each panics on a failure */
/* Before switching from prev to next: states, run queue, both stacks' canaries. */
void sched_debug_switch(struct task *prev, struct task *next);
/* Before waking t: t is a live task. */
void sched_debug_wake(struct task *t);
/* Before adding we to wq: the queue's links are sound, we's task is alive. */
void sched_debug_wait_add(struct wait_queue_head *wq, struct wait_entry *we);
/* we's links are sound (while waking its queue, or removing it). */
void sched_debug_wait_entry(struct wait_entry *we, bool removing);

/*
 * Sleep interruptibly until cond is true. Evaluates to 0, or -ERESTARTSYS when a signal
 * arrived first.
 */
#define wait_event_interruptible(wq, cond)                          \
	({                                                          \
		long __ret = 0;                                     \
		struct wait_entry __we = { .task = current };       \
		wait_add(&(wq), &__we);                             \
		for (;;) {                                          \
			task_set_state(current, TASK_INTERRUPTIBLE); \
			if (cond)                                   \
				break;                              \
			if (signal_pending(current)) {              \
				__ret = -ERESTARTSYS;               \
				break;                              \
			}                                           \
			schedule();                                 \
		}                                                   \
		task_set_state(current, TASK_RUNNING);              \
		wait_remove(&__we);                                 \
		__ret;                                              \
	})

/* ---- kernel timers (kernel/time.c) */
struct ktimer {
	u64 expires; /* monotonic ns */
	void (*fn)(struct ktimer *t);
	struct list_head link; /* on the sorted timer list while armed */
	bool armed;
};

/* Start the kernel's clock (boot time = 0). */
void time_init(void);
/* Monotonic and real time in ns. */
u64 ktime_now(void);
u64 ktime_real(void);
extern volatile u64 jiffies;
void ktimer_arm(struct ktimer *t, u64 expires);
void ktimer_cancel(struct ktimer *t);
/* Run expired timers; returns ns until the next one, or -1. */
s64 ktimer_run(void);

/*
 * Sleep until the monotonic time deadline (ns) or a wakeup. Interruptible: returns 0 at
 * the deadline, -ERESTARTSYS when a signal is pending, 1 when woken early otherwise.
 */
int schedule_until(u64 deadline);

/* ---- time conversions for system calls (kernel/time_sys.c) */
/* A guest struct __kernel_timespec as ns: -EFAULT, or -EINVAL when out of range. */
int time_timespec_from_user(uaddr_t uts, u64 *ns);
/* Store ns as a guest struct __kernel_timespec: 0 or -EFAULT. */
int time_timespec_to_user(uaddr_t uts, u64 ns);
/* Offset of the guest's CLOCK_REALTIME from the host's (settimeofday, clock_settime). */
extern s64 ktime_real_offset;

/* ---- interrupts (kernel/irq.c) */
/* Handle pending host interrupts (tick, console input, host signals). */
void irq_handle(void);

#endif
