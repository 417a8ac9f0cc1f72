/*
 * procfs, per-process entries: /proc/PID (one per thread group) and /proc/PID/task/TID
 * (one per thread), with stat, status, statm, cmdline, environ, comm, maps, limits, auxv,
 * mounts, wchan, the exe/cwd/root magic links and the rest, in Linux's formats.
 *
 * Layer: content generators for the generic code of procfs.c, which resolves the task
 * (always live here) and checks PE_PRIVATE entries before calling them. Under /proc/PID
 * the figures are the process's (times summed over its threads); under task/TID they are
 * the thread's. Guest memory of the task (cmdline, environ) is read with mm_copy_from.
 */
#include "kernel.h"
#include "console.h"
#include "fs.h"
#include "../internal.h"
#include "mm.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"
#include "procfs.h"

#include <linux/auxvec.h>
#include <linux/resource.h>
#include <linux/sched.h>

#define USER_HZ 100
#define NS_PER_TICK (1000000000ULL / USER_HZ)
#define MAPS_MAX (256 * 1024)
#define ARGS_MAX (128 * 1024)
#define PF_KTHREAD 0x00200000
#define PF_RANDOMIZE 0x00400000

/* ---- facts about a task */

static const char *task_state_name(const struct task *t)
{
	switch (task_state_char(t)) {
	case 'R':
		return "R (running)";
	case 'S':
		return "S (sleeping)";
	case 'D':
		return "D (disk sleep)";
	case 'T':
		return "T (stopped)";
	case 'Z':
		return "Z (zombie)";
	default:
		return "X (dead)";
	}
}

static bool task_is_kthread(const struct task *t)
{
	return !t->mm && t->state != TASK_ZOMBIE && !t->signal;
}

static int task_ppid(const struct task *t)
{
	const struct task *p = t->group_leader ? t->group_leader->parent : t->parent;

	return p ? p->tgid : 0;
}

/* CPU times in ns: of the thread, or of the whole process (live and dead threads). */
static void task_cputime(struct task *t, bool thread, u64 *ut, u64 *st)
{
	struct task *u;

	*ut = t->utime_ns;
	*st = t->stime_ns;
	if (thread || !t->signal)
		return;
	*ut = t->signal->utime_ns;
	*st = t->signal->stime_ns;
	list_for_each_entry(u, &task_list, all_tasks) {
		if (u->tgid == t->tgid) {
			*ut += u->utime_ns;
			*st += u->stime_ns;
		}
	}
}

/* Handlers ignored and caught, as signal sets. */
static void task_sigactions(const struct task *t, ksigset_t *ign, ksigset_t *cgt)
{
	*ign = *cgt = 0;
	if (!t->sighand)
		return;
	for (int i = 0; i < KNSIG; i++) {
		u64 h = t->sighand->action[i].handler;

		if (h == 1)
			*ign |= 1ULL << i;
		else if (h > 1)
			*cgt |= 1ULL << i;
	}
}

static unsigned long task_rlim_cur(const struct task *t, int res)
{
	return t->signal ? t->signal->rlim[res].rlim_cur : RLIM_INFINITY;
}

/* Memory figures in bytes (rss_* in pages). */
struct mm_figures {
	u64 size, data, stack, exec;
	unsigned long rss_anon, rss_file;
};

static void count_present(struct mm *mm, uaddr_t addr, u64 *pte, void *arg)
{
	(*(unsigned long *)arg)++;
}

static void mm_figures(struct mm *mm, struct mm_figures *fg)
{
	struct vma *v;

	memset(fg, 0, sizeof(*fg));
	list_for_each_entry(v, &mm->vmas, link) {
		u64 len = v->end - v->start;
		unsigned long present = 0;

		fg->size += len;
		if (v->flags & VM_STACK)
			fg->stack += len;
		else if ((v->prot & PROT_WRITE) && !(v->flags & VM_SHARED))
			fg->data += len;
		else if (v->prot & PROT_EXEC)
			fg->exec += len;
		pte_walk(mm, v->start, v->end, count_present, &present);
		if (v->file)
			fg->rss_file += present;
		else
			fg->rss_anon += present;
	}
}

/* ---- stat, statm, status */

static void put_fields(struct procfs_buf *b, const u64 *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		procfs_printf(b, " %llu", (unsigned long long)v[i]);
}

static u64 mm_vsize(struct mm *mm)
{
	struct vma *v;
	u64 size = 0;

	if (mm)
		list_for_each_entry(v, &mm->vmas, link)
			size += v->end - v->start;
	return size;
}

/* Fields 1-25 of stat: identity, state, faults, times, size. */
static void stat_head(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct signal_struct *sig = t->signal;
	bool tty = sig && sig->tty;
	u64 ut, st;

	task_cputime(t, pi->thread, &ut, &st);
	u64 v[] = {
		task_is_kthread(t) ? PF_KTHREAD : PF_RANDOMIZE, t->min_flt, 0, t->maj_flt, 0,
		ut / NS_PER_TICK, st / NS_PER_TICK, sig ? sig->cutime_ns / NS_PER_TICK : 0,
		sig ? sig->cstime_ns / NS_PER_TICK : 0,
	};
	u64 v2[] = {
		sig ? sig->nr_threads : 1, 0, t->start_time / NS_PER_TICK, mm_vsize(t->mm),
		t->mm ? t->mm->rss : 0, task_rlim_cur(t, RLIMIT_RSS),
	};
	bool rt = t->policy == SCHED_FIFO || t->policy == SCHED_RR;

	procfs_printf(b, "%d (%.16s) %c %d %d %d %d %d", pi->thread ? t->pid : t->tgid, t->comm,
		      task_state_char(t), task_ppid(t), sig ? sig->pgid : 0, sig ? sig->sid : 0,
		      tty ? (int)tty_devnum(sig->tty) : 0, tty ? tty_fg_pgrp(sig->tty) : -1);
	put_fields(b, v, ARRAY_SIZE(v));
	/* priority and nice, as ps and top read them (Linux: prio - MAX_RT_PRIO) */
	procfs_printf(b, " %d %d", rt ? -1 - t->rt_priority : 20 + t->nice, t->nice);
	put_fields(b, v2, ARRAY_SIZE(v2));
}

/* The whole stat line; addresses only for those allowed to see them, as Linux. */
static int show_stat(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	bool permitted = procfs_may_access(t);
	struct mm *mm = permitted ? t->mm : NULL;
	ksigset_t ign, cgt;

	task_sigactions(t, &ign, &cgt);
	stat_head(b, pi, t);
	u64 mid[] = {
		mm ? mm->start_code : 0, mm ? mm->end_code : 0, mm ? mm->start_stack : 0, 0, 0,
		t->pending.set & 0x7fffffff, t->blocked & 0x7fffffff, ign & 0x7fffffff,
		cgt & 0x7fffffff,
		t->state == TASK_INTERRUPTIBLE || t->state == TASK_UNINTERRUPTIBLE, 0, 0,
	};
	put_fields(b, mid, ARRAY_SIZE(mid));
	procfs_printf(b, " %d", t->exit_signal);
	u64 tail[] = {
		0, 0, 0, 0, 0, 0, mm ? mm->start_data : 0, mm ? mm->end_data : 0,
		mm ? mm->start_brk : 0, mm ? mm->arg_start : 0, mm ? mm->arg_end : 0,
		mm ? mm->env_start : 0, mm ? mm->env_end : 0,
	};
	put_fields(b, tail, ARRAY_SIZE(tail));
	procfs_printf(b, " %d\n", permitted && t->state == TASK_ZOMBIE ? t->exit_code : 0);
	return 0;
}

static int show_statm(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct mm_figures fg;
	struct mm *mm = t->mm;

	if (!mm) {
		procfs_printf(b, "0 0 0 0 0 0 0\n");
		return 0;
	}
	mm_figures(mm, &fg);
	u64 v[] = {
		fg.size >> PAGE_SHIFT, fg.rss_anon + fg.rss_file, fg.rss_file,
		(ALIGN_UP(mm->end_code, PAGE_SIZE) - ALIGN_DOWN(mm->start_code, PAGE_SIZE)) >>
			PAGE_SHIFT,
		0, (fg.data + fg.stack) >> PAGE_SHIFT, 0,
	};
	for (unsigned i = 0; i < ARRAY_SIZE(v); i++)
		procfs_printf(b, i ? " %llu" : "%llu", (unsigned long long)v[i]);
	procfs_printf(b, "\n");
	return 0;
}

static void status_ids(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	const struct cred *c = &t->cred;
	int pid = pi->thread ? t->pid : t->tgid;

	procfs_printf(b, "Name:\t%.16s\n", t->comm);
	if (t->fs)
		procfs_printf(b, "Umask:\t%04o\n", t->fs->umask);
	procfs_printf(b, "State:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		      task_state_name(t), t->tgid, pid, task_ppid(t));
	procfs_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", c->uid, c->euid, c->suid,
		      c->fsuid, c->gid, c->egid, c->sgid, c->fsgid);
	procfs_printf(b, "FDSize:\t%d\nGroups:\t", t->files ? t->files->max_fds : 0);
	for (int i = 0; i < c->ngroups && i < (int)ARRAY_SIZE(c->groups); i++)
		procfs_printf(b, "%s%u", i ? " " : "", c->groups[i]);
	procfs_printf(b, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", t->tgid, pid,
		      t->signal ? t->signal->pgid : 0, t->signal ? t->signal->sid : 0);
}

static void status_kb(struct procfs_buf *b, const char *name, u64 bytes)
{
	procfs_printf(b, "%s:\t%8llu kB\n", name, (unsigned long long)(bytes >> 10));
}

static void status_mem(struct procfs_buf *b, struct mm *mm)
{
	struct mm_figures fg;
	u64 rss, text = ALIGN_UP(mm->end_code, PAGE_SIZE) - ALIGN_DOWN(mm->start_code, PAGE_SIZE);

	mm_figures(mm, &fg);
	rss = (u64)(fg.rss_anon + fg.rss_file) << PAGE_SHIFT;
	status_kb(b, "VmPeak", fg.size);
	status_kb(b, "VmSize", fg.size);
	status_kb(b, "VmLck", 0);
	status_kb(b, "VmPin", 0);
	status_kb(b, "VmHWM", rss);
	status_kb(b, "VmRSS", rss);
	status_kb(b, "RssAnon", (u64)fg.rss_anon << PAGE_SHIFT);
	status_kb(b, "RssFile", (u64)fg.rss_file << PAGE_SHIFT);
	status_kb(b, "RssShmem", 0);
	status_kb(b, "VmData", fg.data);
	status_kb(b, "VmStk", fg.stack);
	status_kb(b, "VmExe", text);
	status_kb(b, "VmLib", fg.exec > text ? fg.exec - text : 0);
	status_kb(b, "VmPTE", 0);
	status_kb(b, "VmSwap", 0);
	status_kb(b, "HugetlbPages", 0);
}

static int sigqueue_len(const struct sigpending *p)
{
	const struct list_head *pos;
	int n = 0;

	list_for_each(pos, &p->queue)
		n++;
	return n;
}

static void status_signals(struct procfs_buf *b, struct task *t)
{
	struct signal_struct *sig = t->signal;
	ksigset_t ign, cgt;
	int queued = sigqueue_len(&t->pending) + (sig ? sigqueue_len(&sig->shared_pending) : 0);

	task_sigactions(t, &ign, &cgt);
	procfs_printf(b, "CoreDumping:\t0\nTHP_enabled:\t0\nThreads:\t%d\nSigQ:\t%d/%lu\n",
		      sig ? sig->nr_threads : 1, queued, task_rlim_cur(t, RLIMIT_SIGPENDING));
	procfs_printf(b, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n",
		      (unsigned long long)t->pending.set,
		      (unsigned long long)(sig ? sig->shared_pending.set : 0),
		      (unsigned long long)t->blocked);
	procfs_printf(b, "SigIgn:\t%016llx\nSigCgt:\t%016llx\n", (unsigned long long)ign,
		      (unsigned long long)cgt);
}

static void status_caps(struct procfs_buf *b, struct task *t)
{
	const struct cred *c = &t->cred;

	procfs_printf(b, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n",
		      (unsigned long long)c->cap_inh, (unsigned long long)c->cap_prm,
		      (unsigned long long)c->cap_eff);
	procfs_printf(b, "CapBnd:\t%016llx\nCapAmb:\t%016llx\n", (unsigned long long)c->cap_bnd,
		      (unsigned long long)c->cap_amb);
	procfs_printf(b, "NoNewPrivs:\t%d\nSeccomp:\t0\nSeccomp_filters:\t0\n", t->no_new_privs);
	procfs_printf(b, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\n"
			 "Mems_allowed_list:\t0\n");
	procfs_printf(b, "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
		      t->nvcsw, t->nivcsw);
}

static int show_status(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	status_ids(b, pi, t);
	procfs_printf(b, "Kthread:\t%d\n", task_is_kthread(t));
	if (t->mm)
		status_mem(b, t->mm);
	status_signals(b, t);
	status_caps(b, t);
	return 0;
}

/* ---- guest memory: cmdline, environ, auxv */

/* Append [start, end) of t's memory, stopping at the first unreadable page. */
static int show_user_range(struct procfs_buf *b, struct task *t, uaddr_t start, uaddr_t end)
{
	char *page;

	if (!t->mm || t->state == TASK_ZOMBIE || end <= start)
		return 0;
	if (end - start > b->max)
		end = start + b->max;
	page = kmalloc(PAGE_SIZE);
	if (!page)
		return -ENOMEM;
	while (start < end) {
		size_t n = min((u64)(end - start), PAGE_SIZE - (start & ~PAGE_MASK));

		if (mm_copy_from(t->mm, page, start, n) < 0)
			break;
		procfs_write(b, page, n);
		start += n;
	}
	kfree(page);
	return 0;
}

static int show_cmdline(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	int r;

	if (!t->mm)
		return 0;
	r = show_user_range(b, t, t->mm->arg_start, t->mm->arg_end);
	/* The final NUL overwritten (setproctitle): the arguments are one string. */
	if (!r && b->len && b->data[b->len - 1] != '\0')
		b->len = strnlen(b->data, b->len);
	return r;
}

static int show_environ(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	return t->mm ? show_user_range(b, t, t->mm->env_start, t->mm->env_end) : 0;
}

static int show_auxv(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct mm *mm = t->mm;
	unsigned n;
	u64 end[2] = { AT_NULL, 0 };

	if (!mm)
		return 0;
	n = min(mm->auxv_len, (unsigned)ARRAY_SIZE(mm->saved_auxv)) & ~1U;
	procfs_write(b, mm->saved_auxv, n * sizeof(u64));
	if (n < 2 || mm->saved_auxv[n - 2] != AT_NULL)
		procfs_write(b, end, sizeof(end));
	return 0;
}

/* ---- comm, wchan, limits, small files */

static int show_comm(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "%.16s\n", t->comm);
	return 0;
}

/* As Linux: the first 15 bytes become the name (a newline included); own process only. */
static int write_comm(const struct proc_inode *pi, struct task *t, const char *buf, size_t len)
{
	if (t->tgid != current->tgid)
		return -EINVAL;
	memset(t->comm, 0, sizeof(t->comm));
	memcpy(t->comm, buf, min(len, sizeof(t->comm) - 1));
	return 0;
}

static int show_wchan(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	bool asleep = t->state == TASK_INTERRUPTIBLE || t->state == TASK_UNINTERRUPTIBLE;

	procfs_printf(b, "%s", asleep && t->wchan && procfs_may_access(t) ? t->wchan : "0");
	return 0;
}

static const struct {
	const char *name, *unit;
} limit_names[RLIM_NLIMITS] = {
	{ "Max cpu time", "seconds" },		{ "Max file size", "bytes" },
	{ "Max data size", "bytes" },		{ "Max stack size", "bytes" },
	{ "Max core file size", "bytes" },	{ "Max resident set", "bytes" },
	{ "Max processes", "processes" },	{ "Max open files", "files" },
	{ "Max locked memory", "bytes" },	{ "Max address space", "bytes" },
	{ "Max file locks", "locks" },		{ "Max pending signals", "signals" },
	{ "Max msgqueue size", "bytes" },	{ "Max nice priority", NULL },
	{ "Max realtime priority", NULL },	{ "Max realtime timeout", "us" },
};

static void limit_value(struct procfs_buf *b, unsigned long v)
{
	if (v == RLIM_INFINITY)
		procfs_printf(b, "%-20s ", "unlimited");
	else
		procfs_printf(b, "%-20lu ", v);
}

static int show_limits(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		const struct rlimit *rl = t->signal ? &t->signal->rlim[i] : NULL;

		procfs_printf(b, "%-25s ", limit_names[i].name);
		limit_value(b, rl ? rl->rlim_cur : RLIM_INFINITY);
		limit_value(b, rl ? rl->rlim_max : RLIM_INFINITY);
		if (limit_names[i].unit)
			procfs_printf(b, "%-10s", limit_names[i].unit);
		procfs_printf(b, "\n");
	}
	return 0;
}

static int show_zero(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "0\n");
	return 0;
}

/* oom_score_adj: accepted and forgotten (there is no OOM killer to steer). */
static int write_ignore(const struct proc_inode *pi, struct task *t, const char *buf, size_t len)
{
	return 0;
}

static int show_cgroup(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "0::/\n");
	return 0;
}

static int show_mounts(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	return t->fs ? procfs_show_mounts(b, &t->fs->root) : 0;
}

static int show_mountinfo(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	return t->fs ? procfs_show_mountinfo(b, &t->fs->root) : 0;
}

/* ---- maps */

static void maps_name(struct procfs_buf *b, struct mm *mm, struct vma *v, char *name)
{
	const char *label = NULL;
	long n;

	if (v->file) {
		n = procfs_file_name(v->file, name);
		label = n >= 0 ? name : NULL;
	} else if (v->flags & VM_STACK) {
		label = "[stack]";
	} else if ((v->flags & VM_HEAP) ||
		   (mm->brk > mm->start_brk && v->start < mm->brk && v->end > mm->start_brk)) {
		label = "[heap]";
	}
	if (label)
		procfs_printf(b, " %s", label);
}

static void maps_one(struct procfs_buf *b, struct mm *mm, struct vma *v, char *name)
{
	struct inode *in = v->file ? v->file->inode : NULL;
	u32 dev = in && in->sb ? in->sb->dev : 0;
	size_t start = b->len;

	procfs_printf(b, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
		      (unsigned long long)v->start, (unsigned long long)v->end,
		      v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
		      v->prot & PROT_EXEC ? 'x' : '-', v->flags & VM_SHARED ? 's' : 'p',
		      (unsigned long long)(in ? v->pgoff << PAGE_SHIFT : 0), MAJOR(dev), MINOR(dev),
		      (unsigned long long)(in ? in->ino : 0));
	if (v->file || (v->flags & (VM_STACK | VM_HEAP)) ||
	    (mm->brk > mm->start_brk && v->start < mm->brk && v->end > mm->start_brk)) {
		if (b->len - start < 72)
			procfs_printf(b, "%*s", (int)(72 - (b->len - start)), "");
		maps_name(b, mm, v, name);
	}
	procfs_printf(b, "\n");
}

static int show_maps(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct vma *v;
	char *name;

	if (!t->mm)
		return 0;
	name = kmalloc(PATH_MAX_LEN);
	if (!name)
		return -ENOMEM;
	list_for_each_entry(v, &t->mm->vmas, link)
		maps_one(b, t->mm, v, name);
	kfree(name);
	return 0;
}

/* ---- exe, cwd, root */

static long exe_readlink(const struct proc_inode *pi, struct task *t, char *buf)
{
	if (!t->mm || !t->mm->exe_file)
		return -ENOENT;
	return procfs_file_name(t->mm->exe_file, buf);
}

static int exe_get_link(const struct proc_inode *pi, struct task *t, struct path *out)
{
	if (!t->mm || !t->mm->exe_file || !t->mm->exe_file->path.dentry)
		return -ENOENT;
	*out = t->mm->exe_file->path;
	path_get(out);
	return 0;
}

static long cwd_readlink(const struct proc_inode *pi, struct task *t, char *buf)
{
	return t->fs ? procfs_path_name(&t->fs->pwd, buf) : -ENOENT;
}

static int cwd_get_link(const struct proc_inode *pi, struct task *t, struct path *out)
{
	if (!t->fs)
		return -ENOENT;
	*out = t->fs->pwd;
	path_get(out);
	return 0;
}

static long root_readlink(const struct proc_inode *pi, struct task *t, char *buf)
{
	return t->fs ? procfs_path_name(&t->fs->root, buf) : -ENOENT;
}

static int root_get_link(const struct proc_inode *pi, struct task *t, struct path *out)
{
	if (!t->fs)
		return -ENOENT;
	*out = t->fs->root;
	path_get(out);
	return 0;
}

/* ---- the directories */

static long pid_next(const struct proc_inode *dir, long from)
{
	struct task *t;
	long best = -1;

	list_for_each_entry(t, &task_list, all_tasks) {
		if (t->pid > 0 && t->pid >= from && thread_group_leader(t) &&
		    t->state != TASK_DEAD && (best < 0 || t->pid < best))
			best = t->pid;
	}
	return best;
}

static void pid_fill(const struct proc_inode *dir, long key, struct proc_inode *child)
{
	struct task *t = task_by_pid((int)key);

	child->pid = (int)key;
	child->thread = false;
	child->fd = 0;
	child->start_time = t ? t->start_time : 0;
}

static long tid_next(const struct proc_inode *dir, long from)
{
	struct task *t;
	long best = -1;

	list_for_each_entry(t, &task_list, all_tasks) {
		if (t->tgid == dir->pid && t->pid >= from && t->state != TASK_DEAD &&
		    (best < 0 || t->pid < best))
			best = t->pid;
	}
	return best;
}

static void tid_fill(const struct proc_inode *dir, long key, struct proc_inode *child)
{
	pid_fill(dir, key, child);
	child->thread = true;
}

static const struct proc_dyn tid_dyn;

static struct proc_entry pid_entries[] = {
	PROC_FILE_PRIV("auxv", 0400, show_auxv),
	PROC_FILE("cgroup", 0444, show_cgroup),
	{ .name = "cmdline", .mode = S_IFREG | 0444, .show = show_cmdline, .max = ARGS_MAX },
	PROC_FILE_RW("comm", 0644, show_comm, write_comm),
	PROC_MAGIC("cwd", cwd_readlink, cwd_get_link),
	{ .name = "environ", .mode = S_IFREG | 0400, .show = show_environ, .max = ARGS_MAX,
	  .flags = PE_PRIVATE },
	PROC_MAGIC("exe", exe_readlink, exe_get_link),
	{ .name = "fd", .mode = S_IFDIR | 0500, .dyn = &procfs_fd_dyn },
	{ .name = "fdinfo", .mode = S_IFDIR | 0500, .dyn = &procfs_fdinfo_dyn },
	PROC_FILE("limits", 0444, show_limits),
	{ .name = "maps", .mode = S_IFREG | 0444, .show = show_maps, .max = MAPS_MAX,
	  .flags = PE_PRIVATE },
	PROC_FILE("mountinfo", 0444, show_mountinfo),
	PROC_FILE("mounts", 0444, show_mounts),
	PROC_FILE("oom_score", 0444, show_zero),
	PROC_FILE_RW("oom_score_adj", 0644, show_zero, write_ignore),
	PROC_MAGIC("root", root_readlink, root_get_link),
	PROC_FILE("stat", 0444, show_stat),
	PROC_FILE("statm", 0444, show_statm),
	PROC_FILE("status", 0444, show_status),
	{ .name = "task", .mode = S_IFDIR | 0555, .flags = PE_NOTHREAD, .dyn = &tid_dyn },
	PROC_FILE("wchan", 0444, show_wchan),
};

static struct proc_entry pid_dir = PROC_DIR("pid", 0555, pid_entries);
static struct proc_entry tid_dir = PROC_DIR("tid", 0555, pid_entries);

static const struct proc_dyn tid_dyn = {
	.child = &tid_dir,
	.next = tid_next,
	.fill = tid_fill,
};

const struct proc_dyn procfs_pid_dyn = {
	.child = &pid_dir,
	.next = pid_next,
	.fill = pid_fill,
};
