/*
 * Magic SysRq: the few emergency actions of Linux's drivers/tty/sysrq.c that make sense
 * here, for the mconsole `sysrq` command and /proc/sysrq-trigger. Every action reports in
 * the kernel log at KERN_INFO (the mconsole sends that text back to its client; it reaches
 * stderr only with loglevel=6 or more).
 *
 * Task dumps: a task that is not running has its kernel stack saved by arch_switch_to
 * (switch.S): r15 r14 r13 r12 rbx rbp and the return address, from t->ksp up. The call
 * chain is the frame-pointer chain from that rbp (the kernel is built with frame
 * pointers), each link checked to lie inside the task's own kernel stack. Each address is
 * named from umlite's symbol table, with its offset in the binary for addr2line.
 */
#include "kernel.h"
#include "blkdev.h"
#include "init.h"
#include "page.h"
#include "sig.h"
#include "syscall.h"
#include "sysrq.h"
#include "task.h"

#define MAX_FRAMES 32

static bool is_kthread(const struct task *t)
{
	return !t->mm && t->state != TASK_ZOMBIE;
}

static void show_calls(struct task *t)
{
	unsigned long lo = (unsigned long)t->kstack, hi = lo + KSTACK_SIZE;
	unsigned long fp;
	const unsigned long *sp;

	if (!t->kstack) {
		printk(KERN_INFO "  (no kernel stack of its own)\n");
		return;
	}
	if (t != current && (t->ksp < lo || t->ksp + 7 * sizeof(long) > hi))
		return;
	printk(KERN_INFO "  Call Trace:\n");
	if (t == current) {
		fp = (unsigned long)__builtin_frame_address(0);
	} else {
		sp = (const unsigned long *)t->ksp;
		panic_print_pc(KERN_INFO "   ", sp[6], true);
		fp = sp[5];
	}
	for (int i = 0; i < MAX_FRAMES; i++) {
		const unsigned long *frame = (const unsigned long *)fp;

		if (fp < lo || fp + 2 * sizeof(long) > hi || (fp & 7))
			break;
		panic_print_pc(KERN_INFO "   ", frame[1], true);
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
}

void sysrq_show_task(struct task *t, bool stack)
{
	const struct task *p = t->group_leader ? t->group_leader->parent : t->parent;
	const char *sc = t->in_syscall ? syscall_name(t->syscall_nr) : NULL;

	printk(KERN_INFO "task:%-15.15s state:%c pid:%-5d tgid:%-5d ppid:%-5d%s%s%s%s%s\n",
	       t->comm, task_state_char(t), t->pid, t->tgid, p ? p->tgid : 0,
	       is_kthread(t) ? " kthread" : "", sc ? " syscall:" : "", sc ? sc : "",
	       t->wchan ? " wchan:" : "", t->wchan ? t->wchan : "");
	if (!stack)
		return;
	if (t->mm) {
		const u64 *r = t->regs.gp;

		printk(KERN_INFO "  guest RIP %#llx RSP %#llx RBP %#llx RAX %#llx\n",
		       (unsigned long long)r[UM_RIP], (unsigned long long)r[UM_RSP],
		       (unsigned long long)r[UM_RBP], (unsigned long long)r[UM_RAX]);
	}
	show_calls(t);
}

static void show_tasks(bool blocked_only)
{
	struct task *t;

	printk(KERN_INFO "sysrq: %s\n", blocked_only ? "Show Blocked State" : "Show State");
	list_for_each_entry(t, &task_list, all_tasks) {
		if (!blocked_only || t->state == TASK_UNINTERRUPTIBLE)
			sysrq_show_task(t, blocked_only);
	}
}

static void show_memory(void)
{
	unsigned long total = page_nr_total(), free = page_nr_free(), tasks = 0;
	struct task *t;

	list_for_each_entry(t, &task_list, all_tasks)
		tasks++;
	printk(KERN_INFO "sysrq: Show Memory\nMem-Info:\n");
	printk(KERN_INFO " %lu pages of %lu KiB: %lu free, %lu used\n", total, PAGE_SIZE / 1024,
	       free, total - free);
	printk(KERN_INFO " %lu MiB total, %lu MiB free\n", total * PAGE_SIZE >> 20,
	       free * PAGE_SIZE >> 20);
	printk(KERN_INFO " %lu tasks\n", tasks);
}

/* SIGTERM or SIGKILL to every process but init and the kernel threads. */
static void signal_all(int sig)
{
	struct task *t;

	printk(KERN_INFO "sysrq: %s All Tasks\n", sig == SIGKILL ? "Kill" : "Terminate");
	list_for_each_entry(t, &task_list, all_tasks) {
		if (thread_group_leader(t) && t->tgid > 1 && t->mm && t->state != TASK_ZOMBIE)
			sig_send_process(t, sig, NULL);
	}
}

static void emergency_sync(void)
{
	struct block_device *b = NULL;

	printk(KERN_INFO "sysrq: Emergency Sync\n");
	while ((b = blkdev_next(b)))
		if (b->ops && b->ops->flush)
			b->ops->flush(b);
	printk(KERN_INFO "Emergency Sync complete\n");
}

static void show_help(void)
{
	printk(KERN_INFO "sysrq: HELP : loglevel(0-9) reboot(b) crash(c, with debug) "
			 "terminate-all-tasks(e) kill-all-tasks(i) show-memory-usage(m) "
			 "poweroff(o) sync(s) show-task-states(t) show-blocked-tasks(w)\n");
}

bool sysrq_ends_kernel(int key)
{
	return key == 'b' || key == 'o' || (key == 'c' && kernel_debug);
}

int sysrq_handle(int key)
{
	switch (key) {
	case '0' ... '9':
		console_loglevel = min(key - '0', 7);
		printk(KERN_INFO "sysrq: Changing Loglevel\nLoglevel set to %d\n", key - '0');
		return 0;
	case 'b':
		printk(KERN_INFO "sysrq: Resetting\n");
		kernel_restart();
	case 'c':
		if (!kernel_debug) {
			printk(KERN_INFO "sysrq: crash (c) needs the debug option\n");
			return -EPERM;
		}
		panic("sysrq triggered crash");
	case 'e':
	case 'i':
		signal_all(key == 'i' ? SIGKILL : SIGTERM);
		return 0;
	case 'm':
		show_memory();
		return 0;
	case 'o':
		printk(KERN_INFO "sysrq: Power Off\n");
		kernel_halt(0);
	case 's':
		emergency_sync();
		return 0;
	case 't':
	case 'w':
		show_tasks(key == 'w');
		return 0;
	default:
		show_help();
		return -EINVAL;
	}
}
