/*
 * System V semaphores: semget, semop, semtimedop, semctl, and the SEM_UNDO lists.
 *
 * semop applies all its operations or none (they are tried in order on the live values
 * and rolled back when one would block or overflow). A caller that must wait sleeps on its
 * set's wait queue as a struct sem_waiter (GETNCNT / GETZCNT count them by the operation
 * that blocked them) and tries again whenever a value of the set changes; removal wakes it
 * with EIDRM, a signal with EINTR (semop is never restarted, as on Linux), the timeout of
 * semtimedop with EAGAIN.
 *
 * SEM_UNDO: a task's undo list (shared by CLONE_SYSVSEM threads and children) holds one
 * struct sem_undo per set it adjusted, with the adjustment per semaphore; the last task
 * using the list applies them when it exits, clamped to [0, SEMVMX] as Linux does.
 */
#include "kernel.h"
#include "sched.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "ipc_internal.h"
#include "../fs/procfs/procfs.h"

#include <linux/sem.h>
#include <asm/sembuf.h>

struct sem {
	int val;                 /* 0..SEMVMX */
	int pid;                 /* the last process to change it (GETPID) */
};

struct sem_set {
	struct ipc_obj obj;      /* first */
	int nsems;
	s64 otime, ctime;
	struct wait_queue_head wq;  /* waiters sleep here; every change wakes them */
	struct list_head waiters;   /* of struct sem_waiter (GETNCNT, GETZCNT) */
	struct list_head undos;     /* of struct sem_undo, by set_link */
	struct sem sems[];
};

struct sem_waiter {
	struct list_head link;
	const struct sembuf *blocked_on; /* the operation that could not proceed */
};

/* One task list's adjustments on one set. */
struct sem_undo {
	struct list_head list_link;  /* in sem_undo_list.undos */
	struct list_head set_link;   /* in sem_set.undos */
	struct sem_set *set;         /* not referenced: removal frees us first */
	short adj[];                 /* per semaphore */
};

/* A task's SEM_UNDO state (task->sysvsem), shared by CLONE_SYSVSEM. */
struct sem_undo_list {
	int refcount;                /* tasks using it */
	struct list_head undos;
};

static int sem_total; /* semaphores in all sets (SEMMNS, SEM_INFO) */

static struct sem_set *to_set(struct ipc_obj *o)
{
	return container_of(o, struct sem_set, obj);
}

static size_t set_bytes(int nsems)
{
	return sizeof(struct sem_set) + (size_t)nsems * sizeof(struct sem);
}

static size_t undo_bytes(int nsems)
{
	return sizeof(struct sem_undo) + (size_t)nsems * sizeof(short);
}

static void undo_free(struct sem_undo *u)
{
	list_del(&u->list_link);
	list_del(&u->set_link);
	ipc_uncharge(undo_bytes(u->set->nsems));
	kfree(u);
}

static void sem_free(struct ipc_obj *o)
{
	struct sem_set *s = to_set(o);

	sem_total -= s->nsems;
	ipc_uncharge(set_bytes(s->nsems));
	kfree(s);
}

/* IPC_RMID: undo records go, sleepers wake to EIDRM, the table lets go. */
static void sem_remove(struct sem_set *s)
{
	while (!list_empty(&s->undos))
		undo_free(list_first_entry(&s->undos, struct sem_undo, set_link));
	ipc_remove(&ipc_sem_ids, &s->obj);
	wake_up(&s->wq);
}

static long sem_create(s32 key, int flg, void *arg)
{
	int nsems = *(int *)arg;
	struct sem_set *s;
	int r;

	if (nsems == 0)
		return -EINVAL;
	if (sem_total + nsems > ipc_limits.sem_ctls[1])
		return -ENOSPC;
	if (ipc_charge(set_bytes(nsems)) < 0)
		return -ENOMEM;
	s = kzalloc(set_bytes(nsems));
	if (!s) {
		ipc_uncharge(set_bytes(nsems));
		return -ENOMEM;
	}
	s->obj.key = key;
	s->obj.mode = (u32)flg & 0777;
	s->obj.free = sem_free;
	r = ipc_add(&ipc_sem_ids, &s->obj, ipc_limits.sem_ctls[3]);
	if (r < 0) {
		ipc_uncharge(set_bytes(nsems));
		kfree(s);
		return r;
	}
	s->nsems = nsems;
	s->ctime = ipc_now();
	wait_queue_init(&s->wq);
	INIT_LIST_HEAD(&s->waiters);
	INIT_LIST_HEAD(&s->undos);
	sem_total += nsems;
	return s->obj.id;
}

static int sem_check(struct ipc_obj *o, void *arg)
{
	return *(int *)arg > to_set(o)->nsems ? -EINVAL : 0;
}

long sys_semget(const struct sc_args *a)
{
	s32 key = (s32)a->arg[0];
	int nsems = (int)a->arg[1];
	int flg = (int)a->arg[2];

	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	if (nsems < 0 || nsems > ipc_limits.sem_ctls[0])
		return -EINVAL;
	return ipc_get(&ipc_sem_ids, key, flg, sem_create, sem_check, &nsems);
}

/* ---- undo lists */

static struct sem_undo *undo_find(struct sem_undo_list *ul, struct sem_set *s)
{
	struct sem_undo *u;

	if (!ul)
		return NULL;
	list_for_each_entry(u, &ul->undos, list_link)
		if (u->set == s)
			return u;
	return NULL;
}

/* t's undo list, made when missing; NULL when out of memory. */
static struct sem_undo_list *undo_list(struct task *t)
{
	struct sem_undo_list *ul = t->sysvsem;

	if (!ul) {
		ul = kzalloc(sizeof(*ul));
		if (!ul)
			return NULL;
		ul->refcount = 1;
		INIT_LIST_HEAD(&ul->undos);
		t->sysvsem = ul;
	}
	return ul;
}

/* current's undo record for s, made when missing; NULL when out of memory. */
static struct sem_undo *undo_get(struct sem_set *s)
{
	struct sem_undo_list *ul = undo_list(current);
	struct sem_undo *u;

	if (!ul)
		return NULL;
	u = undo_find(ul, s);
	if (u)
		return u;
	if (ipc_charge(undo_bytes(s->nsems)) < 0)
		return NULL;
	u = kzalloc(undo_bytes(s->nsems));
	if (!u) {
		ipc_uncharge(undo_bytes(s->nsems));
		return NULL;
	}
	u->set = s;
	list_add(&u->list_link, &ul->undos);
	list_add(&u->set_link, &s->undos);
	return u;
}

int sem_undo_share(struct task *child, struct task *parent)
{
	/* Made now if missing, so that what either does later is shared (Linux does so). */
	child->sysvsem = undo_list(parent);
	if (!child->sysvsem)
		return -ENOMEM;
	child->sysvsem->refcount++;
	return 0;
}

/* Apply u's adjustments (exit). */
static void undo_apply(struct sem_undo *u, int pid)
{
	struct sem_set *s = u->set;

	for (int i = 0; i < s->nsems; i++) {
		int v = s->sems[i].val + u->adj[i];

		if (!u->adj[i])
			continue;
		s->sems[i].val = v < 0 ? 0 : v > IPC_SEMVMX ? IPC_SEMVMX : v;
		s->sems[i].pid = pid;
	}
	s->otime = ipc_now();
	wake_up(&s->wq);
}

void sem_exit(struct task *t)
{
	struct sem_undo_list *ul = t->sysvsem;

	t->sysvsem = NULL;
	if (!ul || --ul->refcount > 0)
		return;
	while (!list_empty(&ul->undos)) {
		struct sem_undo *u = list_first_entry(&ul->undos, struct sem_undo, list_link);

		undo_apply(u, t->tgid);
		undo_free(u);
	}
	kfree(ul);
}

/* Forget every adjustment of semaphore num (all when num < 0): SETVAL, SETALL. */
static void undo_clear(struct sem_set *s, int num)
{
	struct sem_undo *u;

	list_for_each_entry(u, &s->undos, set_link) {
		if (num >= 0)
			u->adj[num] = 0;
		else
			memset(u->adj, 0, (size_t)s->nsems * sizeof(short));
	}
}

/* ---- semop */

/*
 * Try sops on s all at once. 0 when applied; 1 when operation *blocked must wait (nothing
 * changed); -ERANGE (nothing changed).
 */
static int sem_try(struct sem_set *s, const struct sembuf *sops, int n, struct sem_undo *u,
		   const struct sembuf **blocked)
{
	int i, r = 0;

	for (i = 0; i < n; i++) {
		struct sem *sm = &s->sems[sops[i].sem_num];
		int v = sm->val + sops[i].sem_op;

		if ((sops[i].sem_op == 0 && sm->val != 0) || v < 0) {
			*blocked = &sops[i];
			r = 1;
			break;
		}
		if (v > IPC_SEMVMX || ((sops[i].sem_flg & SEM_UNDO) &&
		    (u->adj[sops[i].sem_num] - sops[i].sem_op < -IPC_SEMVMX - 1 ||
		     u->adj[sops[i].sem_num] - sops[i].sem_op > IPC_SEMVMX))) {
			r = -ERANGE;
			break;
		}
		sm->val = v;
	}
	if (r) {
		while (--i >= 0)
			s->sems[sops[i].sem_num].val -= sops[i].sem_op;
		return r;
	}
	for (i = 0; i < n; i++) {
		s->sems[sops[i].sem_num].pid = current->tgid;
		if (sops[i].sem_flg & SEM_UNDO)
			u->adj[sops[i].sem_num] -= sops[i].sem_op;
	}
	return 0;
}

/* Sleep once on s as waiter w until woken, the deadline (0: none) or a signal. */
static void sem_sleep(struct sem_set *s, const struct sembuf *blocked, u64 deadline)
{
	struct sem_waiter w = { .blocked_on = blocked };
	struct wait_entry we = { .task = current };

	list_add_tail(&w.link, &s->waiters);
	wait_add(&s->wq, &we);
	current->wchan = "semop";
	if (deadline) {
		schedule_until(deadline);
	} else {
		task_set_state(current, TASK_INTERRUPTIBLE);
		if (!signal_pending(current))
			schedule();
		task_set_state(current, TASK_RUNNING);
	}
	wait_remove(&we);
	list_del(&w.link);
}

static long sem_do_op(struct sem_set *s, const struct sembuf *sops, int n, bool undo,
		      u64 deadline)
{
	const struct sembuf *blocked = NULL;
	bool changed = false;
	long r;

	for (int i = 0; i < n; i++)
		changed |= sops[i].sem_op != 0;
	for (;;) {
		struct sem_undo *u = undo ? undo_get(s) : NULL;

		if (undo && !u)
			return -ENOMEM;
		r = sem_try(s, sops, n, u, &blocked);
		if (r <= 0)
			break;
		if (blocked->sem_flg & IPC_NOWAIT)
			return -EAGAIN;
		sem_sleep(s, blocked, deadline);
		if (s->obj.deleted)
			return -EIDRM;
		if (signal_pending(current))
			return -EINTR;
		if (deadline && ktime_now() >= deadline)
			return -EAGAIN;
	}
	if (r == 0) {
		s->otime = ipc_now();
		if (changed)
			wake_up(&s->wq);
	}
	return r;
}

/* semop's checks once sops are copied: the set, the semaphore numbers, the rights. */
static long sem_op_checked(int id, const struct sembuf *sops, int n, u64 deadline)
{
	struct ipc_obj *o = ipc_find_id(&ipc_sem_ids, id);
	bool undo = false, alter = false;
	int max = 0;
	long r;

	if (!o)
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		max = sops[i].sem_num > max ? sops[i].sem_num : max;
		undo |= (sops[i].sem_flg & SEM_UNDO) != 0;
		alter |= sops[i].sem_op != 0;
	}
	if (max >= to_set(o)->nsems)
		return -EFBIG;
	if (ipc_perms(o, alter ? 0222 : 0444) < 0)
		return -EACCES;
	ipc_obj_get(o);
	r = sem_do_op(to_set(o), sops, n, undo, deadline);
	ipc_obj_put(o);
	return r;
}

static long sem_semtimedop(int id, uaddr_t usops, long nsops, uaddr_t utimeout)
{
	struct sembuf *sops;
	u64 deadline = 0, ns;
	long r;

	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	if (nsops < 1 || id < 0)
		return -EINVAL;
	if (nsops > ipc_limits.sem_ctls[2])
		return -E2BIG;
	if (utimeout) {
		int e = time_timespec_from_user(utimeout, &ns);

		if (e < 0)
			return e;
		deadline = ktime_now() + ns;
		if (!deadline)
			deadline = 1;
	}
	sops = kmalloc((size_t)nsops * sizeof(*sops));
	if (!sops)
		return -ENOMEM;
	r = copy_from_user(sops, usops, (size_t)nsops * sizeof(*sops));
	if (r == 0)
		r = sem_op_checked(id, sops, (int)nsops, deadline);
	kfree(sops);
	return r;
}

long sys_semop(const struct sc_args *a)
{
	return sem_semtimedop((int)a->arg[0], a->arg[1], (long)a->arg[2], 0);
}

long sys_semtimedop(const struct sc_args *a)
{
	return sem_semtimedop((int)a->arg[0], a->arg[1], (long)a->arg[2], a->arg[3]);
}

/* ---- semctl */

/* Waiters blocked on semaphore num by a decrement (zero false) or a wait-for-zero. */
static int sem_count(struct sem_set *s, int num, bool zero)
{
	struct sem_waiter *w;
	int n = 0;

	list_for_each_entry(w, &s->waiters, link)
		if (w->blocked_on->sem_num == num && (w->blocked_on->sem_op == 0) == zero)
			n++;
	return n;
}

static long sem_info_cmd(int cmd, uaddr_t buf)
{
	const int *c = ipc_limits.sem_ctls;
	struct seminfo si = {
		.semmni = c[3], .semmns = c[1], .semmsl = c[0], .semopm = c[2],
		.semvmx = IPC_SEMVMX, .semmnu = c[1], .semmap = c[1], .semume = c[2],
		.semusz = 20, .semaem = IPC_SEMVMX,
	};

	if (cmd == SEM_INFO) {
		si.semusz = ipc_sem_ids.in_use;
		si.semaem = sem_total;
	}
	if (copy_to_user(buf, &si, sizeof(si)))
		return -EFAULT;
	return ipc_sem_ids.max_idx < 0 ? 0 : ipc_sem_ids.max_idx;
}

static long sem_stat(struct sem_set *s, int cmd, uaddr_t buf)
{
	struct semid64_ds ds;

	if (cmd != SEM_STAT_ANY && ipc_perms(&s->obj, 0444) < 0)
		return -EACCES;
	memset(&ds, 0, sizeof(ds));
	ipc_fill_perm(&s->obj, &ds.sem_perm);
	ds.sem_otime = s->otime;
	ds.sem_ctime = s->ctime;
	ds.sem_nsems = (unsigned long)s->nsems;
	if (copy_to_user(buf, &ds, sizeof(ds)))
		return -EFAULT;
	return cmd == IPC_STAT ? 0 : s->obj.id;
}

static long sem_set_ctl(struct sem_set *s, int cmd, uaddr_t buf)
{
	struct semid64_ds ds;

	if (cmd == IPC_SET && copy_from_user(&ds, buf, sizeof(ds)))
		return -EFAULT;
	if (!ipc_is_owner(&s->obj))
		return -EPERM;
	if (cmd == IPC_RMID) {
		sem_remove(s);
		return 0;
	}
	ipc_set_perm(&s->obj, &ds.sem_perm);
	s->ctime = ipc_now();
	return 0;
}

static long sem_all(struct sem_set *s, int cmd, uaddr_t buf)
{
	size_t len = (size_t)s->nsems * sizeof(u16);
	u16 *v = kmalloc(len);
	long r = 0;

	if (!v)
		return -ENOMEM;
	if (cmd == GETALL) {
		for (int i = 0; i < s->nsems; i++)
			v[i] = (u16)s->sems[i].val;
		r = copy_to_user(buf, v, len);
	} else if (copy_from_user(v, buf, len)) {
		r = -EFAULT;
	} else {
		for (int i = 0; i < s->nsems && !r; i++)
			if (v[i] > IPC_SEMVMX)
				r = -ERANGE;
		for (int i = 0; i < s->nsems && !r; i++) {
			s->sems[i].val = v[i];
			s->sems[i].pid = current->tgid;
		}
		if (!r) {
			undo_clear(s, -1);
			s->ctime = ipc_now();
			wake_up(&s->wq);
		}
	}
	kfree(v);
	return r;
}

static long sem_one(struct sem_set *s, int num, int cmd, u64 arg)
{
	int val = (int)arg;

	if (num < 0 || num >= s->nsems)
		return -EINVAL;
	switch (cmd) {
	case GETVAL:
		return s->sems[num].val;
	case GETPID:
		return s->sems[num].pid;
	case GETNCNT:
		return sem_count(s, num, false);
	case GETZCNT:
		return sem_count(s, num, true);
	}
	if (val < 0 || val > IPC_SEMVMX)
		return -ERANGE;
	s->sems[num].val = val;
	s->sems[num].pid = current->tgid;
	undo_clear(s, num);
	s->ctime = ipc_now();
	wake_up(&s->wq);
	return 0;
}

long sys_semctl(const struct sc_args *a)
{
	int id = (int)a->arg[0], num = (int)a->arg[1];
	int cmd = (int)a->arg[2] & ~IPC_64;
	struct ipc_obj *o;
	bool write = cmd == SETVAL || cmd == SETALL;

	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	if (cmd == IPC_INFO || cmd == SEM_INFO)
		return sem_info_cmd(cmd, a->arg[3]);
	if (id < 0 || cmd < IPC_RMID || cmd > SEM_STAT_ANY || cmd == IPC_INFO ||
	    (cmd > IPC_INFO && cmd < GETPID))
		return -EINVAL;
	o = ipc_ctl_lookup(&ipc_sem_ids, id, cmd == SEM_STAT || cmd == SEM_STAT_ANY);
	if (!o)
		return -EINVAL;
	if (cmd == IPC_STAT || cmd == SEM_STAT || cmd == SEM_STAT_ANY)
		return sem_stat(to_set(o), cmd, a->arg[3]);
	if (cmd == IPC_SET || cmd == IPC_RMID)
		return sem_set_ctl(to_set(o), cmd, a->arg[3]);
	if (ipc_perms(o, write ? 0222 : 0444) < 0)
		return -EACCES;
	if (cmd == GETALL || cmd == SETALL)
		return sem_all(to_set(o), cmd, a->arg[3]);
	return sem_one(to_set(o), num, cmd, a->arg[3]);
}

void sem_proc_line(struct procfs_buf *b, struct ipc_obj *o)
{
	struct sem_set *s = to_set(o);

	procfs_printf(b, "%10d %10d  %4o %10u %5u %5u %5u %5u %10lld %10lld\n", o->key, o->id,
		      o->mode, (unsigned)s->nsems, o->uid, o->gid, o->cuid, o->cgid,
		      (long long)s->otime, (long long)s->ctime);
}
