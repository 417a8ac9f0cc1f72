/*
 * Credentials: user and group ids with Linux's permission rules, supplementary groups,
 * a root-or-nothing view of capabilities, and the initial resource limits.
 *
 * Layer: kernel core; the ids live in struct cred inside struct task (task.h).
 *
 * Capabilities are not tracked: a task whose effective uid is 0 has them all (CAP_SETUID,
 * CAP_SETGID, CAP_SYS_ADMIN...), any other task none. The uid and gid calls share one set
 * of helpers working on (real, effective, saved, filesystem) id pointers.
 */
#include "kernel.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/capability.h>
#include <linux/limits.h>
#include <linux/resource.h>

#define ID_KEEP ((u32)-1) /* "leave unchanged" in set*id calls */

/* The four ids of one kind (uids or gids) of current. */
struct ids {
	u32 *r, *e, *s, *fs;
};

static struct ids cur_uids(void)
{
	struct cred *c = &current->cred;

	return (struct ids){ &c->uid, &c->euid, &c->suid, &c->fsuid };
}

static struct ids cur_gids(void)
{
	struct cred *c = &current->cred;

	return (struct ids){ &c->gid, &c->egid, &c->sgid, &c->fsgid };
}

/* True when current has every capability (effective uid 0). */
bool capable_root(void)
{
	return current->cred.euid == 0;
}

/* Linux's defaults for init (kernel/fork.c copies them to every process). */
void rlimits_init(struct rlimit *rl)
{
	u64 nproc = CONFIG_MAX_PIDS / 2;

	for (int i = 0; i < RLIM_NLIMITS; i++) {
		rl[i].rlim_cur = RLIM_INFINITY;
		rl[i].rlim_max = RLIM_INFINITY;
	}
	rl[RLIMIT_STACK].rlim_cur = 8UL << 20;
	rl[RLIMIT_CORE].rlim_cur = 0;
	rl[RLIMIT_NPROC].rlim_cur = rl[RLIMIT_NPROC].rlim_max = nproc;
	rl[RLIMIT_SIGPENDING].rlim_cur = rl[RLIMIT_SIGPENDING].rlim_max = nproc;
	rl[RLIMIT_NOFILE].rlim_cur = 1024;
	rl[RLIMIT_NOFILE].rlim_max = 4096;
	rl[RLIMIT_MEMLOCK].rlim_cur = rl[RLIMIT_MEMLOCK].rlim_max = 8UL << 20;
	rl[RLIMIT_MSGQUEUE].rlim_cur = rl[RLIMIT_MSGQUEUE].rlim_max = 819200;
	rl[RLIMIT_NICE].rlim_cur = rl[RLIMIT_NICE].rlim_max = 0;
	rl[RLIMIT_RTPRIO].rlim_cur = rl[RLIMIT_RTPRIO].rlim_max = 0;
}

/* ---- set*id rules (setuid(2), setreuid(2), setresuid(2), setfsuid(2)) */

static bool id_is_current(struct ids x, u32 id)
{
	return id == *x.r || id == *x.e || id == *x.s;
}

static long set_id(struct ids x, u32 id)
{
	if (id == ID_KEEP)
		return -EINVAL;
	if (capable_root()) {
		*x.r = *x.e = *x.s = *x.fs = id;
		return 0;
	}
	if (id != *x.r && id != *x.s)
		return -EPERM;
	*x.e = *x.fs = id;
	return 0;
}

static long set_reid(struct ids x, u32 r, u32 e)
{
	u32 old_r = *x.r;
	bool cap = capable_root();

	if (r != ID_KEEP && r != *x.r && r != *x.e && !cap)
		return -EPERM;
	if (e != ID_KEEP && !id_is_current(x, e) && !cap)
		return -EPERM;
	if (r != ID_KEEP)
		*x.r = r;
	if (e != ID_KEEP)
		*x.e = e;
	if (r != ID_KEEP || (e != ID_KEEP && e != old_r))
		*x.s = *x.e;
	*x.fs = *x.e;
	return 0;
}

static long set_resid(struct ids x, u32 r, u32 e, u32 s)
{
	if (!capable_root()) {
		if ((r != ID_KEEP && !id_is_current(x, r)) ||
		    (e != ID_KEEP && !id_is_current(x, e)) ||
		    (s != ID_KEEP && !id_is_current(x, s)))
			return -EPERM;
	}
	if (r != ID_KEEP)
		*x.r = r;
	if (e != ID_KEEP)
		*x.e = e;
	if (s != ID_KEEP)
		*x.s = s;
	*x.fs = *x.e;
	return 0;
}

static long get_resid(struct ids x, uaddr_t ur, uaddr_t ue, uaddr_t us)
{
	if (put_user(*x.r, ur) || put_user(*x.e, ue) || put_user(*x.s, us))
		return -EFAULT;
	return 0;
}

/* Returns the old filesystem id whether or not the change was allowed. */
static long set_fsid(struct ids x, u32 id)
{
	u32 old = *x.fs;

	if (id != ID_KEEP && (id_is_current(x, id) || id == old || capable_root()))
		*x.fs = id;
	return old;
}

/* ---- system calls: ids */

long sys_getuid(const struct sc_args *a)
{
	return current->cred.uid;
}

long sys_geteuid(const struct sc_args *a)
{
	return current->cred.euid;
}

long sys_getgid(const struct sc_args *a)
{
	return current->cred.gid;
}

long sys_getegid(const struct sc_args *a)
{
	return current->cred.egid;
}

long sys_setuid(const struct sc_args *a)
{
	return set_id(cur_uids(), (u32)a->arg[0]);
}

long sys_setgid(const struct sc_args *a)
{
	return set_id(cur_gids(), (u32)a->arg[0]);
}

long sys_setreuid(const struct sc_args *a)
{
	return set_reid(cur_uids(), (u32)a->arg[0], (u32)a->arg[1]);
}

long sys_setregid(const struct sc_args *a)
{
	return set_reid(cur_gids(), (u32)a->arg[0], (u32)a->arg[1]);
}

long sys_setresuid(const struct sc_args *a)
{
	return set_resid(cur_uids(), (u32)a->arg[0], (u32)a->arg[1], (u32)a->arg[2]);
}

long sys_setresgid(const struct sc_args *a)
{
	return set_resid(cur_gids(), (u32)a->arg[0], (u32)a->arg[1], (u32)a->arg[2]);
}

long sys_getresuid(const struct sc_args *a)
{
	return get_resid(cur_uids(), a->arg[0], a->arg[1], a->arg[2]);
}

long sys_getresgid(const struct sc_args *a)
{
	return get_resid(cur_gids(), a->arg[0], a->arg[1], a->arg[2]);
}

long sys_setfsuid(const struct sc_args *a)
{
	return set_fsid(cur_uids(), (u32)a->arg[0]);
}

long sys_setfsgid(const struct sc_args *a)
{
	return set_fsid(cur_gids(), (u32)a->arg[0]);
}

/* ---- supplementary groups */

long sys_getgroups(const struct sc_args *a)
{
	int size = (int)a->arg[0];
	uaddr_t list = a->arg[1];
	struct cred *c = &current->cred;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if (size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(list, c->groups, (size_t)c->ngroups * sizeof(u32)))
		return -EFAULT;
	return c->ngroups;
}

long sys_setgroups(const struct sc_args *a)
{
	int size = (int)a->arg[0];
	uaddr_t list = a->arg[1];
	struct cred *c = &current->cred;
	u32 groups[ARRAY_SIZE(c->groups)];

	if (!capable_root())
		return -EPERM;
	if ((unsigned)size > NGROUPS_MAX || (unsigned)size > ARRAY_SIZE(groups))
		return -EINVAL;
	if (copy_from_user(groups, list, (size_t)size * sizeof(u32)))
		return -EFAULT;
	/* Kept sorted, as Linux does (getgroups returns them in order). */
	for (int i = 1; i < size; i++) {
		u32 g = groups[i];
		int j = i;

		for (; j > 0 && groups[j - 1] > g; j--)
			groups[j] = groups[j - 1];
		groups[j] = g;
	}
	memcpy(c->groups, groups, (size_t)size * sizeof(u32));
	c->ngroups = size;
	return 0;
}

/* ---- capabilities */

/* Validate the header's version: 0 with *n data structs, or -EINVAL (version rewritten). */
static int cap_version(uaddr_t hdr, int *n)
{
	u32 v;

	if (get_user(v, hdr))
		return -EFAULT;
	if (v == _LINUX_CAPABILITY_VERSION_1) {
		*n = _LINUX_CAPABILITY_U32S_1;
		return 0;
	}
	if (v == _LINUX_CAPABILITY_VERSION_2 || v == _LINUX_CAPABILITY_VERSION_3) {
		*n = _LINUX_CAPABILITY_U32S_3;
		return 0;
	}
	v = _LINUX_CAPABILITY_VERSION_3;
	if (put_user(v, hdr))
		return -EFAULT;
	return -EINVAL;
}

static void cap_fill(const struct task *t, struct __user_cap_data_struct *d)
{
	const struct cred *c = &t->cred;
	u32 full[2] = { 0xffffffffU, (1U << (CAP_LAST_CAP - 31)) - 1 };

	memset(d, 0, 2 * sizeof(*d));
	for (int i = 0; i < 2; i++) {
		if (c->uid == 0 || c->euid == 0 || c->suid == 0)
			d[i].permitted = full[i];
		if (c->euid == 0)
			d[i].effective = full[i];
	}
}

long sys_capget(const struct sc_args *a)
{
	uaddr_t hdr = a->arg[0], data = a->arg[1];
	struct __user_cap_data_struct d[2];
	struct task *t = current;
	int n, pid, r;

	r = cap_version(hdr, &n);
	if (!data || r)
		return (!data && r == -EINVAL) ? 0 : r;
	if (get_user(pid, hdr + offsetof(struct __user_cap_header_struct, pid)))
		return -EFAULT;
	if (pid < 0)
		return -EINVAL;
	if (pid && pid != current->pid)
		t = task_by_pid(pid);
	if (!t)
		return -ESRCH;
	cap_fill(t, d);
	if (copy_to_user(data, d, (size_t)n * sizeof(d[0])))
		return -EFAULT;
	return 0;
}

long sys_capset(const struct sc_args *a)
{
	uaddr_t hdr = a->arg[0], data = a->arg[1];
	struct __user_cap_data_struct d[2], have[2];
	int n, pid, r;

	r = cap_version(hdr, &n);
	if (r)
		return r;
	if (get_user(pid, hdr + offsetof(struct __user_cap_header_struct, pid)))
		return -EFAULT;
	if (pid && pid != current->pid)
		return -EPERM;
	memset(d, 0, sizeof(d));
	if (copy_from_user(d, data, (size_t)n * sizeof(d[0])))
		return -EFAULT;
	/* Nothing is tracked: refuse only what could never be granted. */
	cap_fill(current, have);
	for (int i = 0; i < n; i++) {
		if ((d[i].permitted & ~have[i].permitted) || (d[i].effective & ~d[i].permitted))
			return -EPERM;
	}
	return 0;
}
