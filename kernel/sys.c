/*
 * Process and system information system calls: ids (getpid, getppid, gettid), process
 * groups and sessions, uname and the host/domain names, sysinfo, getrandom, resource
 * limits and usage, personality, prctl, arch_prctl, the tid address and robust list, the
 * scheduler's policy calls (one CPU, SCHED_OTHER only, nice stored) and reboot.
 *
 * Layer: system calls over struct task (task.h); no state of its own except the names.
 *
 * Process groups and sessions live in the thread group's signal_struct (pgid, sid); a
 * session leader is the process whose pid equals its sid. Linux's rules are kept: setpgid
 * only on self or a child in the same session that has not exec'd, never on a session
 * leader, and only into a group of the caller's session.
 */
#include "kernel.h"
#include "init.h"
#include "os.h"
#include "page.h"
#include "swap.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "as-layout.h"

#include <asm/prctl.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/prctl.h>
#include <linux/random.h>
#include <linux/reboot.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sysinfo.h>
#include <linux/utsname.h>

#define GETRANDOM_MAX (1UL << 20) /* bytes per call; Linux's own cap is larger */
#define NR_OPEN_MAX 1048576       /* fs.nr_open: the highest RLIMIT_NOFILE */

char utsname_nodename[65] = "umlite";
static char utsname_domainname[65] = "(none)";

/* pid 0: current; otherwise the task with that id, or NULL. */
static struct task *task_lookup(int pid)
{
	if (pid == 0)
		return current;
	return pid < 0 ? NULL : task_by_pid(pid);
}

/* ---- ids */

long sys_getpid(const struct sc_args *a)
{
	return current->tgid;
}

long sys_gettid(const struct sc_args *a)
{
	return current->pid;
}

long sys_getppid(const struct sc_args *a)
{
	struct task *p = current->group_leader->parent;

	return p ? p->tgid : 0;
}

/* ---- process groups and sessions */

/* Some process belongs to process group pgid; in session sid unless sid is 0. */
static bool pgrp_exists(int pgid, int sid)
{
	struct task *p;

	list_for_each_entry(p, &task_list, all_tasks) {
		if (p->signal && p->signal->pgid == pgid && (!sid || p->signal->sid == sid))
			return true;
	}
	return false;
}

static long do_setpgid(int pid, int pgid)
{
	struct task *me = current->group_leader, *p;

	if (!pid)
		pid = me->tgid;
	if (!pgid)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	p = task_by_pid(pid);
	if (!p)
		return -ESRCH;
	if (!thread_group_leader(p))
		return -EINVAL;
	if (p->parent == me) {
		if (p->signal->sid != me->signal->sid)
			return -EPERM;
		if (p->did_exec)
			return -EACCES;
	} else if (p != me) {
		return -ESRCH;
	}
	if (p->signal->sid == p->tgid)
		return -EPERM;
	if (pgid != pid && !pgrp_exists(pgid, me->signal->sid))
		return -EPERM;
	p->signal->pgid = pgid;
	return 0;
}

long sys_setpgid(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	int pgid = (int)a->arg[1];

	return do_setpgid(pid, pgid);
}

long sys_getpgid(const struct sc_args *a)
{
	struct task *p = task_lookup((int)a->arg[0]);

	return p ? p->signal->pgid : -ESRCH;
}

long sys_getpgrp(const struct sc_args *a)
{
	return current->signal->pgid;
}

long sys_setsid(const struct sc_args *a)
{
	struct task *me = current->group_leader;
	int sid = me->tgid;

	if (pgrp_exists(sid, 0))
		return -EPERM;
	me->signal->sid = sid;
	me->signal->pgid = sid;
	me->signal->tty = NULL;
	return sid;
}

long sys_getsid(const struct sc_args *a)
{
	struct task *p = task_lookup((int)a->arg[0]);

	return p ? p->signal->sid : -ESRCH;
}

/* ---- names */

long sys_uname(const struct sc_args *a)
{
	uaddr_t ubuf = a->arg[0];
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	kstrlcpy(u.sysname, UTS_SYSNAME, sizeof(u.sysname));
	kstrlcpy(u.nodename, utsname_nodename, sizeof(u.nodename));
	kstrlcpy(u.release, UTS_RELEASE, sizeof(u.release));
	kstrlcpy(u.version, UTS_VERSION, sizeof(u.version));
	kstrlcpy(u.machine, UTS_MACHINE, sizeof(u.machine));
	kstrlcpy(u.domainname, utsname_domainname, sizeof(u.domainname));
	return copy_to_user(ubuf, &u, sizeof(u)) ? -EFAULT : 0;
}

/* sethostname / setdomainname: root only, at most 64 bytes, not NUL-terminated. */
static long set_uts_name(char *dst, uaddr_t uname, int len)
{
	char tmp[__NEW_UTS_LEN + 1];

	if (!cred_capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (len < 0 || len > __NEW_UTS_LEN)
		return -EINVAL;
	if (copy_from_user(tmp, uname, (size_t)len))
		return -EFAULT;
	memset(dst, 0, __NEW_UTS_LEN + 1);
	memcpy(dst, tmp, (size_t)len);
	return 0;
}

long sys_sethostname(const struct sc_args *a)
{
	return set_uts_name(utsname_nodename, a->arg[0], (int)a->arg[1]);
}

long sys_setdomainname(const struct sc_args *a)
{
	return set_uts_name(utsname_domainname, a->arg[0], (int)a->arg[1]);
}

/* ---- system information */

long sys_sysinfo(const struct sc_args *a)
{
	uaddr_t uinfo = a->arg[0];
	struct sysinfo si;
	struct swap_stats sw;
	u64 up = ktime_now();
	struct task *t;
	unsigned procs = 0;
	unsigned long avg[3];

	list_for_each_entry(t, &task_list, all_tasks)
		procs++;
	memset(&si, 0, sizeof(si));
	si.uptime = (long)(up / 1000000000ULL + (up % 1000000000ULL ? 1 : 0));
	si.totalram = page_nr_total() * PAGE_SIZE;
	si.freeram = page_nr_free() * PAGE_SIZE;
	swap_get_stats(&sw);
	si.totalswap = sw.total * PAGE_SIZE;
	si.freeswap = sw.free * PAGE_SIZE;
	si.procs = (u16)min(procs, 0xffffU);
	sched_loadavg(avg);
	for (int i = 0; i < 3; i++)
		si.loads[i] = avg[i] << (SI_LOAD_SHIFT - SCHED_LOAD_SHIFT);
	si.mem_unit = 1;
	return copy_to_user(uinfo, &si, sizeof(si)) ? -EFAULT : 0;
}

/* Fill len bytes of guest memory from the host's generator; a short count after a signal. */
static long random_to_user(uaddr_t buf, u64 len)
{
	u8 tmp[256];
	u64 done = 0;

	while (done < len) {
		size_t n = (size_t)min(len - done, (u64)sizeof(tmp));
		long r = os_getrandom(tmp, n);

		if (r <= 0) {
			if (done)
				break;
			return r < 0 ? r : -EIO;
		}
		if (copy_to_user(buf + done, tmp, (size_t)r)) {
			if (done)
				break;
			return -EFAULT;
		}
		done += (u64)r;
		if (done < len && done % PAGE_SIZE < (u64)r && signal_pending(current))
			break;
	}
	memset(tmp, 0, sizeof(tmp));
	return (long)done;
}

long sys_getrandom(const struct sc_args *a)
{
	uaddr_t buf = a->arg[0];
	u64 len = a->arg[1];
	unsigned flags = (unsigned)a->arg[2];

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	if (len > GETRANDOM_MAX)
		len = GETRANDOM_MAX;
	return random_to_user(buf, len);
}

/* ---- resource limits and usage */

/* May current read or change t's limits? */
static bool prlimit_permitted(const struct task *t)
{
	const struct cred *c = &current->cred, *tc = &t->cred;

	if (t == current || cred_capable(CAP_SYS_RESOURCE))
		return true;
	return c->uid == tc->euid && c->uid == tc->suid && c->uid == tc->uid &&
	       c->gid == tc->egid && c->gid == tc->sgid && c->gid == tc->gid;
}

static long do_prlimit(struct task *t, unsigned resource, const struct rlimit *new,
		       struct rlimit *old)
{
	struct rlimit *rl;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	rl = &t->signal->rlim[resource];
	if (new) {
		if (new->rlim_cur > new->rlim_max)
			return -EINVAL;
		if (resource == RLIMIT_NOFILE && new->rlim_max > NR_OPEN_MAX)
			return -EPERM;
		if (new->rlim_max > rl->rlim_max && !cred_capable(CAP_SYS_RESOURCE))
			return -EPERM;
	}
	if (old)
		*old = *rl;
	if (new)
		*rl = *new;
	return 0;
}

long sys_getrlimit(const struct sc_args *a)
{
	unsigned resource = (unsigned)a->arg[0];
	uaddr_t urlim = a->arg[1];
	struct rlimit old;
	long r = do_prlimit(current, resource, NULL, &old);

	if (r < 0)
		return r;
	return copy_to_user(urlim, &old, sizeof(old)) ? -EFAULT : 0;
}

long sys_setrlimit(const struct sc_args *a)
{
	unsigned resource = (unsigned)a->arg[0];
	uaddr_t urlim = a->arg[1];
	struct rlimit new;

	if (copy_from_user(&new, urlim, sizeof(new)))
		return -EFAULT;
	return do_prlimit(current, resource, &new, NULL);
}

long sys_prlimit64(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	unsigned resource = (unsigned)a->arg[1];
	uaddr_t unew = a->arg[2], uold = a->arg[3];
	struct rlimit new, old;
	struct task *t;
	long r;

	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	t = task_lookup(pid);
	if (!t)
		return -ESRCH;
	if (!prlimit_permitted(t))
		return -EPERM;
	r = do_prlimit(t, resource, unew ? &new : NULL, uold ? &old : NULL);
	if (r < 0)
		return r;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_getrusage(const struct sc_args *a)
{
	int who = (int)a->arg[0];
	uaddr_t uru = a->arg[1];
	struct rusage ru;

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	task_rusage(current, who, &ru);
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}

/* ---- personality, prctl, arch_prctl */

long sys_personality(const struct sc_args *a)
{
	u32 persona = (u32)a->arg[0];
	u32 old = (u32)current->personality;

	if (persona != 0xffffffffU)
		current->personality = (int)persona;
	return old;
}

/* PR_SET_NAME: at most 15 bytes of the string, always NUL-terminated. */
static long prctl_set_name(uaddr_t uname)
{
	char name[sizeof(current->comm)];

	memset(name, 0, sizeof(name));
	for (size_t i = 0; i < sizeof(name) - 1; i++) {
		if (get_user(name[i], uname + i))
			return -EFAULT;
		if (!name[i])
			break;
	}
	memcpy(current->comm, name, sizeof(name));
	return 0;
}

/* The options that only read or write a flag of current. */
static long prctl_flags(int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5)
{
	struct task *t = current;

	switch (option) {
	case PR_GET_DUMPABLE:
		return t->dumpable;
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		t->dumpable = (u8)arg2;
		return 0;
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || arg3 || arg4 || arg5)
			return -EINVAL;
		t->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (arg2 || arg3 || arg4 || arg5)
			return -EINVAL;
		return t->no_new_privs;
	case PR_SET_CHILD_SUBREAPER:
		t->group_leader->child_subreaper = arg2 != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return put_user((int)t->group_leader->child_subreaper, arg2) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

long sys_prctl(const struct sc_args *a)
{
	int option = (int)a->arg[0];
	u64 arg2 = a->arg[1];
	struct task *t = current;
	long r;

	switch (option) {
	case PR_SET_NAME:
		return prctl_set_name(arg2);
	case PR_GET_NAME:
		return copy_to_user(arg2, t->comm, sizeof(t->comm)) ? -EFAULT : 0;
	case PR_SET_PDEATHSIG:
		if (arg2 > KNSIG)
			return -EINVAL;
		t->pdeath_signal = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_user(t->pdeath_signal, arg2) ? -EFAULT : 0;
	default:
		r = cred_caps_prctl(option, arg2, a->arg[2], a->arg[3], a->arg[4]);
		if (r != -ENOSYS)
			return r;
		return prctl_flags(option, arg2, a->arg[2], a->arg[3], a->arg[4]);
	}
}

long sys_arch_prctl(const struct sc_args *a)
{
	int code = (int)a->arg[0];
	u64 addr = a->arg[1];
	u64 *gp = current->regs.gp;

	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= UM_TASK_SIZE)
			return -EPERM;
		gp[code == ARCH_SET_FS ? UM_FS_BASE : UM_GS_BASE] = addr;
		return 0;
	case ARCH_GET_FS:
		return put_user(gp[UM_FS_BASE], addr) ? -EFAULT : 0;
	case ARCH_GET_GS:
		return put_user(gp[UM_GS_BASE], addr) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

/* ---- thread id address and robust futex list */

long sys_set_tid_address(const struct sc_args *a)
{
	current->clear_child_tid = a->arg[0];
	return current->pid;
}

long sys_set_robust_list(const struct sc_args *a)
{
	uaddr_t head = a->arg[0];
	u64 len = a->arg[1];

	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current->robust_list = head;
	current->robust_list_len = len;
	return 0;
}

long sys_get_robust_list(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	uaddr_t uhead = a->arg[1], ulen = a->arg[2];
	const struct cred *c = &current->cred;
	struct task *t = task_lookup(pid);

	if (!t)
		return -ESRCH;
	if (t != current && !cred_capable(CAP_SYS_PTRACE) &&
	    (c->uid != t->cred.uid || c->uid != t->cred.euid || c->uid != t->cred.suid))
		return -EPERM;
	if (put_user((u64)sizeof(struct robust_list_head), ulen))
		return -EFAULT;
	return put_user((u64)t->robust_list, uhead) ? -EFAULT : 0;
}

/* ---- scheduling (one CPU, SCHED_OTHER) */

long sys_sched_yield(const struct sc_args *a)
{
	schedule();
	return 0;
}

long sys_sched_getaffinity(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	unsigned len = (unsigned)a->arg[1];
	uaddr_t umask = a->arg[2];
	u64 mask = 1;

	if (len == 0 || (len & (sizeof(u64) - 1)))
		return -EINVAL;
	if (!task_lookup(pid))
		return -ESRCH;
	return copy_to_user(umask, &mask, sizeof(mask)) ? -EFAULT : (long)sizeof(mask);
}

long sys_sched_setaffinity(const struct sc_args *a)
{
	int pid = (int)a->arg[0];
	unsigned len = (unsigned)a->arg[1];
	uaddr_t umask = a->arg[2];
	struct task *t;
	u64 mask = 0;

	if (copy_from_user(&mask, umask, min(len, (unsigned)sizeof(mask))))
		return -EFAULT;
	t = task_lookup(pid);
	if (!t)
		return -ESRCH;
	if (!sched_may_change(t))
		return -EPERM;
	return (mask & 1) ? 0 : -EINVAL;
}

long sys_getcpu(const struct sc_args *a)
{
	uaddr_t ucpu = a->arg[0], unode = a->arg[1];

	if (ucpu && put_user((u32)0, ucpu))
		return -EFAULT;
	if (unode && put_user((u32)0, unode))
		return -EFAULT;
	return 0;
}

static bool prio_match(const struct task *p, int which, int who)
{
	if (!p->signal)
		return false;
	switch (which) {
	case PRIO_PROCESS:
		return p->pid == who;
	case PRIO_PGRP:
		return p->signal->pgid == who;
	default:
		return p->cred.uid == (u32)who;
	}
}

/* who 0 means the caller's own process, group or user. */
static int prio_who(int which, int who)
{
	if (who)
		return who;
	if (which == PRIO_PROCESS)
		return current->pid;
	if (which == PRIO_PGRP)
		return current->signal->pgid;
	return (int)current->cred.uid;
}

long sys_getpriority(const struct sc_args *a)
{
	int which = (int)a->arg[0];
	int who = (int)a->arg[1];
	long best = -ESRCH;
	struct task *p;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	who = prio_who(which, who);
	list_for_each_entry(p, &task_list, all_tasks) {
		if (prio_match(p, which, who) && 20 - p->nice > best)
			best = 20 - p->nice;
	}
	return best;
}

static int set_one_nice(struct task *p, int nice, int err)
{
	u64 nice_rlim = (u64)(20 - nice);

	if (!sched_may_change(p))
		return -EPERM;
	if (nice < p->nice && !cred_capable(CAP_SYS_NICE) &&
	    nice_rlim > p->signal->rlim[RLIMIT_NICE].rlim_cur)
		return -EACCES;
	p->nice = nice;
	return err == -ESRCH ? 0 : err;
}

long sys_setpriority(const struct sc_args *a)
{
	int which = (int)a->arg[0];
	int who = (int)a->arg[1];
	int nice = (int)a->arg[2];
	int err = -ESRCH;
	struct task *p;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	nice = nice < PRIO_MIN ? PRIO_MIN : nice > PRIO_MAX - 1 ? PRIO_MAX - 1 : nice;
	who = prio_who(which, who);
	list_for_each_entry(p, &task_list, all_tasks) {
		if (prio_match(p, which, who))
			err = set_one_nice(p, nice, err);
	}
	return err;
}

/* ---- reboot */

/* reboot(LINUX_REBOOT_CMD_CAD_ON/OFF): whether Ctrl-Alt-Del restarts at once (Linux's C_A_D). */
static bool cad_restarts = true;

void kernel_ctrl_alt_del(void)
{
	struct task *init = task_by_pid(1);

	if (cad_restarts) {
		printk(KERN_NOTICE "reboot: Ctrl-Alt-Del\n");
		kernel_restart();
	}
	if (init)
		sig_send_process(init, SIGINT, NULL);
}

long sys_reboot(const struct sc_args *a)
{
	u32 magic1 = (u32)a->arg[0], magic2 = (u32)a->arg[1], cmd = (u32)a->arg[2];

	if (!cred_capable(CAP_SYS_BOOT))
		return -EPERM;
	if (magic1 != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		cad_restarts = cmd == LINUX_REBOOT_CMD_CAD_ON;
		return 0;
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_RESTART2:
		printk(KERN_NOTICE "reboot: Restarting system\n");
		kernel_restart();
	case LINUX_REBOOT_CMD_HALT:
		printk(KERN_NOTICE "reboot: System halted\n");
		kernel_halt(0);
	case LINUX_REBOOT_CMD_POWER_OFF:
		printk(KERN_NOTICE "reboot: Power down\n");
		kernel_halt(0);
	default:
		return -EINVAL;
	}
}
