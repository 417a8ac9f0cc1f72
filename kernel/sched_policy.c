/*
 * Scheduling policies and I/O priorities as the guest sees them: sched_setscheduler,
 * sched_getscheduler, sched_setparam, sched_getparam, sched_setattr, sched_getattr,
 * sched_get_priority_max/min, sched_rr_get_interval, ioprio_set and ioprio_get.
 *
 * There is one CPU and one round-robin run queue (kernel/sched.c), so a policy, a
 * real-time priority or an I/O priority changes no decision: each is checked as Linux
 * checks it (values, permissions, RLIMIT_RTPRIO), stored in the task, inherited by fork
 * (SCHED_RESET_ON_FORK puts a child back to SCHED_NORMAL) and read back. SCHED_DEADLINE
 * is refused (EINVAL): there is no admission control to give it a meaning.
 */
#include "kernel.h"
#include "sched.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/ioprio.h>
#include <linux/sched.h>
#include <linux/sched/types.h>

#define RT_PRIO_MAX 99
#define RR_TIMESLICE_NS 100000000ULL /* Linux's RR_TIMESLICE at HZ=1000 */
#define SCHED_ATTR_SIZE_VER0 48

/* pid 0: current; otherwise the task with that id, or NULL. */
static struct task *policy_task(int pid)
{
	if (pid == 0)
		return current;
	return pid < 0 ? NULL : task_by_pid(pid);
}

/* The task a read-only call names by pid in *tp; 0, -EINVAL (negative) or -ESRCH. */
static long policy_lookup(int pid, struct task **tp)
{
	if (pid < 0)
		return -EINVAL;
	*tp = policy_task(pid);
	return *tp ? 0 : -ESRCH;
}

/* May current change t's scheduling (Linux's check_same_owner, or CAP_SYS_NICE)? */
bool sched_may_change(const struct task *t)
{
	u32 euid = current->cred.euid;

	return cred_capable(CAP_SYS_NICE) || euid == t->cred.euid || euid == t->cred.uid;
}

static bool policy_is_rt(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

/* Check and store policy/prio (and nice for the fair ones when set_nice) on t. */
static long policy_set(struct task *t, int policy, int prio, bool reset, int nice,
		       bool set_nice)
{
	bool rt = policy_is_rt(policy);

	if (policy != SCHED_NORMAL && policy != SCHED_BATCH && policy != SCHED_IDLE && !rt)
		return -EINVAL;
	if (rt ? (prio < 1 || prio > RT_PRIO_MAX) : prio != 0)
		return -EINVAL;
	if (!sched_may_change(t))
		return -EPERM;
	if (!cred_capable(CAP_SYS_NICE)) {
		u64 rtlim = t->signal ? t->signal->rlim[RLIMIT_RTPRIO].rlim_cur : 0;

		if (rt && (u64)prio > rtlim && prio > t->rt_priority)
			return -EPERM;
		if (t->sched_reset_on_fork && !reset)
			return -EPERM;
		if (set_nice && nice < t->nice)
			return -EPERM;
	}
	t->policy = policy;
	t->rt_priority = prio;
	t->sched_reset_on_fork = reset;
	if (set_nice && !rt)
		t->nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
	return 0;
}

/* fork: the child's policy (called with the parent's fields already copied). */
void sched_policy_fork(struct task *child)
{
	if (!child->sched_reset_on_fork)
		return;
	if (policy_is_rt(child->policy)) {
		child->policy = SCHED_NORMAL;
		child->rt_priority = 0;
	}
	if (child->nice < 0)
		child->nice = 0;
	child->sched_reset_on_fork = false;
}

long sys_sched_setscheduler(const struct sc_args *a)
{
	int pid = (int)a->arg[0], policy = (int)a->arg[1], prio;
	uaddr_t uparam = a->arg[2];
	struct task *t;
	bool reset;

	if (pid < 0 || !uparam)
		return -EINVAL;
	if (get_user(prio, uparam))
		return -EFAULT;
	t = policy_task(pid);
	if (!t)
		return -ESRCH;
	reset = (policy & SCHED_RESET_ON_FORK) != 0;
	policy &= ~SCHED_RESET_ON_FORK;
	return policy_set(t, policy, prio, reset, 0, false);
}

long sys_sched_setparam(const struct sc_args *a)
{
	int pid = (int)a->arg[0], prio;
	uaddr_t uparam = a->arg[1];
	struct task *t;

	if (pid < 0 || !uparam)
		return -EINVAL;
	if (get_user(prio, uparam))
		return -EFAULT;
	t = policy_task(pid);
	if (!t)
		return -ESRCH;
	return policy_set(t, t->policy, prio, t->sched_reset_on_fork, 0, false);
}

long sys_sched_getscheduler(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	struct task *t;
	long err = policy_lookup(pid, &t);

	if (err)
		return err;
	return t->policy | (t->sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

long sys_sched_getparam(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	uaddr_t uparam = a->arg[1];
	struct task *t;

	if (pid < 0 || !uparam)
		return -EINVAL;
	t = policy_task(pid);
	if (!t)
		return -ESRCH;
	/* struct sched_param: sched_priority */
	return put_user((int)t->rt_priority, uparam) ? -EFAULT : 0;
}

/* The highest (max) or lowest static priority of policy; -EINVAL for an unknown policy. */
static long policy_prio_bound(int policy, bool max)
{
	if (policy_is_rt(policy))
		return max ? RT_PRIO_MAX : 1;
	if (policy == SCHED_NORMAL || policy == SCHED_BATCH || policy == SCHED_IDLE ||
	    policy == SCHED_DEADLINE)
		return 0;
	return -EINVAL;
}

long sys_sched_get_priority_max(const struct sc_args *a)
{
	return policy_prio_bound((int)a->arg[0], true);
}

long sys_sched_get_priority_min(const struct sc_args *a)
{
	return policy_prio_bound((int)a->arg[0], false);
}

long sys_sched_rr_get_interval(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	struct task *t;
	long err = policy_lookup(pid, &t);

	if (err)
		return err;
	return time_timespec_to_user(a->arg[1], t->policy == SCHED_FIFO ? 0 : RR_TIMESLICE_NS);
}

/*
 * Read a struct sched_attr of the caller's size: sizes below version 0 or with non-zero
 * bytes past ours give E2BIG, with our size written back as Linux does.
 */
static long sched_attr_get(uaddr_t uattr, struct sched_attr *attr)
{
	u32 size;

	if (get_user(size, uattr))
		return -EFAULT;
	if (size == 0)
		size = SCHED_ATTR_SIZE_VER0;
	if (size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE)
		goto too_big;
	for (u32 off = sizeof(*attr); off < size; off++) {
		u8 c;

		if (get_user(c, uattr + off))
			return -EFAULT;
		if (c)
			goto too_big;
	}
	memset(attr, 0, sizeof(*attr));
	if (copy_from_user(attr, uattr, min(size, (u32)sizeof(*attr))))
		return -EFAULT;
	return 0;
too_big:
	return put_user((u32)sizeof(*attr), uattr) ? -EFAULT : -E2BIG;
}

long sys_sched_setattr(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	unsigned flags = (unsigned)a->arg[2];
	u64 known = SCHED_FLAG_RESET_ON_FORK | SCHED_FLAG_KEEP_POLICY | SCHED_FLAG_KEEP_PARAMS;
	struct sched_attr attr;
	struct task *t;
	int policy, prio;
	long r;

	if (!a->arg[1] || pid < 0 || flags)
		return -EINVAL;
	r = sched_attr_get(a->arg[1], &attr);
	if (r)
		return r;
	if ((attr.sched_flags & ~known) || attr.sched_policy == SCHED_DEADLINE)
		return -EINVAL;
	t = policy_task(pid);
	if (!t)
		return -ESRCH;
	policy = attr.sched_flags & SCHED_FLAG_KEEP_POLICY ? t->policy : (int)attr.sched_policy;
	prio = attr.sched_flags & SCHED_FLAG_KEEP_PARAMS ? t->rt_priority :
							   (int)attr.sched_priority;
	return policy_set(t, policy, prio, attr.sched_flags & SCHED_FLAG_RESET_ON_FORK,
			  attr.sched_nice, !(attr.sched_flags & SCHED_FLAG_KEEP_PARAMS));
}

long sys_sched_getattr(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	unsigned size = (unsigned)a->arg[2], flags = (unsigned)a->arg[3];
	struct sched_attr attr;
	struct task *t;

	if (!a->arg[1] || pid < 0 || size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE || flags)
		return -EINVAL;
	t = policy_task(pid);
	if (!t)
		return -ESRCH;
	memset(&attr, 0, sizeof(attr));
	attr.size = min(size, (unsigned)sizeof(attr));
	attr.sched_policy = t->policy;
	attr.sched_flags = t->sched_reset_on_fork ? SCHED_FLAG_RESET_ON_FORK : 0;
	attr.sched_nice = policy_is_rt(t->policy) ? 0 : t->nice;
	attr.sched_priority = t->rt_priority;
	attr.sched_util_max = 1024; /* SCHED_CAPACITY_SCALE: no clamping */
	return copy_to_user(a->arg[1], &attr, attr.size) ? -EFAULT : 0;
}

/* ---- I/O priorities */

static bool ioprio_match(const struct task *p, int which, int who)
{
	if (!p->signal || p->state == TASK_DEAD)
		return false;
	switch (which) {
	case IOPRIO_WHO_PROCESS:
		return p->pid == who;
	case IOPRIO_WHO_PGRP:
		return p->signal->pgid == who;
	default:
		return p->cred.uid == (u32)who;
	}
}

/* who 0: the caller itself, its process group, or its user. */
static int ioprio_who(int which, int who)
{
	if (who)
		return who;
	if (which == IOPRIO_WHO_PROCESS)
		return current->pid;
	if (which == IOPRIO_WHO_PGRP)
		return current->signal->pgid;
	return (int)current->cred.uid;
}

static long ioprio_check(int ioprio)
{
	int data = ioprio & ((1 << IOPRIO_CLASS_SHIFT) - 1);

	switch (ioprio >> IOPRIO_CLASS_SHIFT) {
	case IOPRIO_CLASS_RT:
		if (!(cred_capable(CAP_SYS_NICE) || cred_capable(CAP_SYS_ADMIN)))
			return -EPERM;
		return data < 8 ? 0 : -EINVAL;
	case IOPRIO_CLASS_BE:
		return data < 8 ? 0 : -EINVAL;
	case IOPRIO_CLASS_IDLE:
		return 0;
	case IOPRIO_CLASS_NONE:
		return data ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

long sys_ioprio_set(const struct sc_args *a)
{
	int which = (int)a->arg[0], who = (int)a->arg[1], ioprio = (int)a->arg[2];
	long r = ioprio_check(ioprio), err = -ESRCH;
	struct task *p;

	if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER)
		return -EINVAL;
	if (r)
		return r;
	who = ioprio_who(which, who);
	list_for_each_entry(p, &task_list, all_tasks) {
		if (!ioprio_match(p, which, who))
			continue;
		if (!sched_may_change(p)) {
			err = -EPERM;
			continue;
		}
		p->ioprio = (u16)ioprio;
		err = 0;
	}
	return err;
}

long sys_ioprio_get(const struct sc_args *a)
{
	int which = (int)a->arg[0], who = (int)a->arg[1];
	long best = -ESRCH;
	struct task *p;

	if (which < IOPRIO_WHO_PROCESS || which > IOPRIO_WHO_USER)
		return -EINVAL;
	who = ioprio_who(which, who);
	list_for_each_entry(p, &task_list, all_tasks) {
		if (ioprio_match(p, which, who) && (best < 0 || p->ioprio > best))
			best = p->ioprio;
	}
	return best;
}
