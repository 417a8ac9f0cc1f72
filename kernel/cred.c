/*
 * Credentials: user and group ids with Linux's permission rules, supplementary groups,
 * and the initial resource limits.
 *
 * Layer: kernel core; the ids live in struct cred inside struct task (task.h). The
 * capability sets are capability.c's: changing uids needs CAP_SETUID (gids CAP_SETGID)
 * and calls its fixups afterwards. The uid and gid calls share one set of helpers working
 * on (real, effective, saved, filesystem) id pointers.
 */
#include "kernel.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/capability.h>
#include <linux/limits.h>
#include <linux/resource.h>

#define ID_KEEP ((u32)-1) /* "leave unchanged" in set*id calls */

/* The four ids of one kind (uids or gids) of current, and the capability to change them. */
struct ids {
	u32 *r, *e, *s, *fs;
	int cap;
};

static struct ids cur_uids(void)
{
	struct cred *c = &current->cred;

	return (struct ids){ &c->uid, &c->euid, &c->suid, &c->fsuid, CAP_SETUID };
}

static struct ids cur_gids(void)
{
	struct cred *c = &current->cred;

	return (struct ids){ &c->gid, &c->egid, &c->sgid, &c->fsgid, CAP_SETGID };
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
	if (cred_capable(x.cap)) {
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
	bool cap = cred_capable(x.cap);

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
	if (!cred_capable(x.cap)) {
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

	if (id != ID_KEEP && (id_is_current(x, id) || id == old || cred_capable(x.cap)))
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

/* Run a uid change, then apply capabilities(7)'s fixups when it succeeded. */
static long uid_change(long r, const struct cred *old)
{
	if (r == 0)
		cred_caps_fix_setuid(&current->cred, old->uid, old->euid, old->suid);
	return r;
}

long sys_setuid(const struct sc_args *a)
{
	struct cred old = current->cred;

	return uid_change(set_id(cur_uids(), (u32)a->arg[0]), &old);
}

long sys_setgid(const struct sc_args *a)
{
	return set_id(cur_gids(), (u32)a->arg[0]);
}

long sys_setreuid(const struct sc_args *a)
{
	struct cred old = current->cred;

	return uid_change(set_reid(cur_uids(), (u32)a->arg[0], (u32)a->arg[1]), &old);
}

long sys_setregid(const struct sc_args *a)
{
	return set_reid(cur_gids(), (u32)a->arg[0], (u32)a->arg[1]);
}

long sys_setresuid(const struct sc_args *a)
{
	struct cred old = current->cred;
	long r = set_resid(cur_uids(), (u32)a->arg[0], (u32)a->arg[1], (u32)a->arg[2]);

	return uid_change(r, &old);
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
	long old = set_fsid(cur_uids(), (u32)a->arg[0]);

	cred_caps_fix_setfsuid(&current->cred, (u32)old);
	return old;
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

	if (!cred_capable(CAP_SETGID))
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
