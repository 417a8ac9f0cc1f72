/*
 * Process ids: a bitmap allocator handing out ids cyclically (as Linux does, so a pid is
 * not reused at once), a hash from id to task, and the list of all tasks.
 */
#include "kernel.h"
#include "task.h"

#define PID_HASH 256

LIST_HEAD(task_list);
static u64 pid_bitmap[(CONFIG_MAX_PIDS + 64) / 64];
static int last_pid;
static struct list_head pid_hash[PID_HASH];
static bool pid_ready;

static void pid_init(void)
{
	for (int i = 0; i < PID_HASH; i++)
		INIT_LIST_HEAD(&pid_hash[i]);
	pid_bitmap[0] |= 1; /* pid 0 is the idle task */
	pid_ready = true;
}

int pid_alloc(void)
{
	if (!pid_ready)
		pid_init();
	for (int n = 0; n < CONFIG_MAX_PIDS; n++) {
		int p = last_pid + 1 + n;

		if (p > CONFIG_MAX_PIDS)
			p -= CONFIG_MAX_PIDS;
		if (!(pid_bitmap[p / 64] & (1ULL << (p % 64)))) {
			pid_bitmap[p / 64] |= 1ULL << (p % 64);
			last_pid = p;
			return p;
		}
	}
	return -EAGAIN;
}

void pid_free(int pid)
{
	if (pid > 0 && pid <= CONFIG_MAX_PIDS)
		pid_bitmap[pid / 64] &= ~(1ULL << (pid % 64));
}

/* Cannot fail: a task that got its pid must be findable (the hash link is in the task). */
void pid_attach(struct task *t)
{
	if (!pid_ready)
		pid_init();
	list_add(&t->pid_link, &pid_hash[t->pid % PID_HASH]);
	list_add_tail(&t->all_tasks, &task_list);
}

void pid_detach(struct task *t)
{
	list_del_init(&t->pid_link);
	list_del_init(&t->all_tasks);
	pid_free(t->pid);
}

void pid_exchange(struct task *a, struct task *b)
{
	int pid = a->pid;

	list_del(&a->pid_link);
	list_del(&b->pid_link);
	a->pid = b->pid;
	b->pid = pid;
	list_add(&a->pid_link, &pid_hash[a->pid % PID_HASH]);
	list_add(&b->pid_link, &pid_hash[b->pid % PID_HASH]);
}

struct task *task_by_pid(int pid)
{
	struct task *t;

	if (pid <= 0 || !pid_ready)
		return NULL;
	list_for_each_entry(t, &pid_hash[pid % PID_HASH], pid_link) {
		if (t->pid == pid)
			return t;
	}
	return NULL;
}
