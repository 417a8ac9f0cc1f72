/*
 * procfs, system-wide files: the root directory of /proc (fixed entries, then one
 * directory per process), meminfo, cpuinfo, stat, uptime, loadavg, version, mounts,
 * filesystems, devices, partitions, swaps, cmdline, the /proc/sys values (writable:
 * kernel/hostname, vm/drop_caches which gives free memory back to the host at once, and
 * vm/ksm_run, the page-sharing switch of mm/ksm.c), and the write-only sysrq-trigger
 * (kernel/sysrq.c) and mconsole (user notifications to the mconsole notify socket; ENXIO
 * without mconsole=notify:).
 *
 * Layer: entries for the generic code of procfs.c. Figures come from the page allocator
 * (page.h), the scheduler (sched.h), the task list and the mount list; what the kernel
 * does not track (page cache, swap, interrupts) reads as 0, as on a machine without it.
 */
#include "kernel.h"
#include "blkdev.h"
#include "fs.h"
#include "ipc.h"
#include "../internal.h"
#include "ksm.h"
#include "mconsole.h"
#include "page.h"
#include "params.h"
#include "sched.h"
#include "slab.h"
#include "swap.h"
#include "sysrq.h"
#include "task.h"
#include "procfs.h"

#include <linux/mount.h>

#define USER_HZ 100
#define NS_PER_SEC 1000000000ULL
#define NS_PER_TICK (NS_PER_SEC / USER_HZ)

/* ---- memory */

/* "Name:" and the number fill 24 columns, at least one space between (Linux's layout). */
static void meminfo_line(struct procfs_buf *b, const char *name, unsigned long kb)
{
	int len = (int)strlen(name);

	procfs_printf(b, "%s%*lu kB\n", name, len < 16 ? 24 - len : 6, kb);
}

#ifdef CONFIG_EXT4
extern u64 ext4_cached_pages;
#endif

/* The page cache of files on disks (tmpfs is memory, as Linux's Shmem). */
static unsigned long meminfo_cached_kb(void)
{
#ifdef CONFIG_EXT4
	return ext4_cached_pages * (PAGE_SIZE / 1024);
#else
	return 0;
#endif
}

static int show_meminfo(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	static const char *const zeros[] = {
		"Buffers:", "Cached:", "SwapCached:", "Active:", "Inactive:", "Active(anon):",
		"Inactive(anon):", "Active(file):", "Inactive(file):", "Unevictable:", "Mlocked:",
		"SwapTotal:", "SwapFree:", "Dirty:", "Writeback:", "AnonPages:", "Mapped:",
		"Shmem:", "KReclaimable:", "Slab:", "SReclaimable:", "SUnreclaim:", "KernelStack:",
		"PageTables:", "NFS_Unstable:", "Bounce:", "WritebackTmp:",
	};
	unsigned long total = page_nr_total() * (PAGE_SIZE / 1024);
	unsigned long free = page_nr_free() * (PAGE_SIZE / 1024);
	struct swap_stats sw;

	meminfo_line(b, "MemTotal:", total);
	meminfo_line(b, "MemFree:", free);
	meminfo_line(b, "MemAvailable:", free);
	swap_get_stats(&sw);
	for (unsigned i = 0; i < ARRAY_SIZE(zeros); i++) {
		unsigned long v = 0;

		if (!strcmp(zeros[i], "SwapTotal:"))
			v = sw.total * (PAGE_SIZE / 1024);
		else if (!strcmp(zeros[i], "SwapFree:"))
			v = sw.free * (PAGE_SIZE / 1024);
		else if (!strcmp(zeros[i], "Cached:"))
			v = meminfo_cached_kb();
		else if (!strcmp(zeros[i], "Shmem:"))
			v = tmpfs_resident_pages * (PAGE_SIZE / 1024);
		meminfo_line(b, zeros[i], v);
	}
	meminfo_line(b, "CommitLimit:", total / 2);
	meminfo_line(b, "Committed_AS:", total - free);
	meminfo_line(b, "VmallocTotal:", 34359738367UL);
	meminfo_line(b, "VmallocUsed:", 0);
	meminfo_line(b, "VmallocChunk:", 0);
	meminfo_line(b, "Percpu:", 0);
	meminfo_line(b, "HardwareCorrupted:", 0);
	meminfo_line(b, "AnonHugePages:", 0);
	procfs_printf(b, "%-16s%8u\n%-16s%8u\n%-16s%8u\n%-16s%8u\n", "HugePages_Total:", 0,
		      "HugePages_Free:", 0, "HugePages_Rsvd:", 0, "HugePages_Surp:", 0);
	meminfo_line(b, "Hugepagesize:", 2048);
	meminfo_line(b, "Hugetlb:", 0);
	meminfo_line(b, "DirectMap4k:", total);
	return 0;
}

/* ---- the processor */

static const char cpu_flags[] =
	"fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx "
	"fxsr sse sse2 ht syscall nx lm constant_tsc rep_good nopl xtopology cpuid pni "
	"pclmulqdq ssse3 cx16 sse4_1 sse4_2 popcnt aes xsave avx hypervisor lahf_lm";

static int show_cpuinfo(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "processor\t: 0\nvendor_id\t: um-lite\ncpu family\t: 6\nmodel\t\t: 0\n"
			 "model name\t: um-lite virtual CPU\nstepping\t: 0\ncpu MHz\t\t: 0.000\n"
			 "cache size\t: 0 KB\nphysical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\n"
			 "cpu cores\t: 1\napicid\t\t: 0\ninitial apicid\t: 0\nfpu\t\t: yes\n"
			 "fpu_exception\t: yes\ncpuid level\t: 13\nwp\t\t: yes\n");
	procfs_printf(b, "flags\t\t: %s\nbugs\t\t:\nbogomips\t: 100.00\nclflush size\t: 64\n"
			 "cache_alignment\t: 64\n"
			 "address sizes\t: 46 bits physical, 48 bits virtual\n"
			 "power management:\n\n", cpu_flags);
	return 0;
}

/* ---- time and load */

struct cpu_totals {
	u64 user, system; /* ns */
	unsigned long ctxt;
	int nr_tasks, nr_blocked, max_pid;
};

/* CPU time of everything that ran: live tasks, and the dead ones folded into processes. */
static void cpu_totals(struct cpu_totals *ct)
{
	struct task *t;

	memset(ct, 0, sizeof(*ct));
	list_for_each_entry(t, &task_list, all_tasks) {
		ct->user += t->utime_ns;
		ct->system += t->stime_ns;
		if (thread_group_leader(t) && t->signal) {
			ct->user += t->signal->utime_ns + t->signal->cutime_ns;
			ct->system += t->signal->stime_ns + t->signal->cstime_ns;
		}
		ct->ctxt += t->nvcsw + t->nivcsw;
		ct->nr_tasks++;
		ct->nr_blocked += t->state == TASK_UNINTERRUPTIBLE;
		ct->max_pid = max(ct->max_pid, t->pid);
	}
}

static u64 idle_ns(const struct cpu_totals *ct, u64 now)
{
	return now > ct->user + ct->system ? now - ct->user - ct->system : 0;
}

static int show_stat(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct cpu_totals ct;
	u64 now = ktime_now(), boot = (ktime_real() - now) / NS_PER_SEC;
	unsigned long long user, sys, idle;

	cpu_totals(&ct);
	user = ct.user / NS_PER_TICK;
	sys = ct.system / NS_PER_TICK;
	idle = idle_ns(&ct, now) / NS_PER_TICK;
	procfs_printf(b, "cpu  %llu 0 %llu %llu 0 0 0 0 0 0\n", user, sys, idle);
	procfs_printf(b, "cpu0 %llu 0 %llu %llu 0 0 0 0 0 0\n", user, sys, idle);
	procfs_printf(b, "intr 0\nctxt %lu\nbtime %llu\nprocesses %d\nprocs_running %u\n"
			 "procs_blocked %d\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		      ct.ctxt, (unsigned long long)boot, ct.max_pid, sched_nr_running(),
		      ct.nr_blocked);
	return 0;
}

static int show_uptime(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct cpu_totals ct;
	u64 now = ktime_now(), idle;

	cpu_totals(&ct);
	idle = idle_ns(&ct, now);
	procfs_printf(b, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(now / NS_PER_SEC),
		      (unsigned long long)(now % NS_PER_SEC / (NS_PER_SEC / 100)),
		      (unsigned long long)(idle / NS_PER_SEC),
		      (unsigned long long)(idle % NS_PER_SEC / (NS_PER_SEC / 100)));
	return 0;
}

/* /proc/loadavg: the averages the scheduler samples, then runnable/all tasks, last pid. */
#define LOAD_INT(x) ((x) >> SCHED_LOAD_SHIFT)
#define LOAD_FRAC(x) LOAD_INT(((x) & ((1UL << SCHED_LOAD_SHIFT) - 1)) * 100)

static int show_loadavg(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct cpu_totals ct;
	unsigned long avg[3];

	sched_loadavg(avg);
	cpu_totals(&ct);
	for (int i = 0; i < 3; i++)
		procfs_printf(b, "%lu.%02lu ", LOAD_INT(avg[i]), LOAD_FRAC(avg[i]));
	procfs_printf(b, "%u/%d %d\n", sched_nr_running(), ct.nr_tasks, ct.max_pid);
	return 0;
}

/* ---- mounts */

/* Names in the mount table escape space, tab, newline and backslash in octal. */
static void mounts_escaped(struct procfs_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			procfs_printf(b, "\\%03o", (unsigned char)*s);
		else
			procfs_write(b, s, 1);
	}
}

/* The filesystem's own options (",size=8192k" for a tmpfs), as mounts and mountinfo end. */
static void mounts_fs_options(struct procfs_buf *b, const struct mount *m)
{
	char opts[128];

	if (!m->sb || !m->sb->show_options)
		return;
	m->sb->show_options(m->sb, opts, sizeof(opts));
	mounts_escaped(b, opts);
}

static void mounts_options(struct procfs_buf *b, const struct mount *m)
{
	bool ro = (m->flags & MNT_RDONLY) || (m->sb && (m->sb->flags & MS_RDONLY));

	procfs_printf(b, "%s%s%s%s,relatime", ro ? "ro" : "rw",
		      m->flags & MNT_NOSUID ? ",nosuid" : "", m->flags & MNT_NODEV ? ",nodev" : "",
		      m->flags & MNT_NOEXEC ? ",noexec" : "");
}

int procfs_show_mounts(struct procfs_buf *b, const struct path *root)
{
	char *buf = kmalloc(PATH_MAX_LEN);
	struct mount *m;

	if (!buf)
		return -ENOMEM;
	list_for_each_entry(m, &mount_list, link) {
		struct path p = { m, m->root };
		bool deleted, unreachable;
		long n = path_to_string_ex(&p, root, buf, PATH_MAX_LEN, &deleted, &unreachable);

		if (n < 0 || unreachable)
			continue;
		mounts_escaped(b, m->source ? m->source : "none");
		procfs_write(b, " ", 1);
		mounts_escaped(b, buf);
		procfs_printf(b, " %s ", m->sb && m->sb->type ? m->sb->type->name : "none");
		mounts_options(b, m);
		mounts_fs_options(b, m);
		procfs_printf(b, " 0 0\n");
	}
	kfree(buf);
	return 0;
}

/* The path of d within its filesystem ("/" for the superblock's root), escaped. */
static void mountinfo_root(struct procfs_buf *b, const struct dentry *d, char *buf)
{
	size_t pos = PATH_MAX_LEN - 1;

	buf[pos] = '\0';
	for (; d && d->parent && d != d->sb->root; d = d->parent) {
		if ((size_t)d->namelen + 1 > pos)
			break;
		pos -= d->namelen;
		memcpy(buf + pos, d->name, d->namelen);
		buf[--pos] = '/';
	}
	mounts_escaped(b, buf[pos] ? buf + pos : "/");
}

static void mountinfo_one(struct procfs_buf *b, const struct mount *m, const char *where,
			  char *buf)
{
	bool ro = m->sb && (m->sb->flags & MS_RDONLY);
	u32 dev = m->sb ? m->sb->dev : 0;
	int id = procfs_mount_id(m);

	procfs_printf(b, "%d %d %u:%u ", id, m->parent ? procfs_mount_id(m->parent) : id,
		      MAJOR(dev), MINOR(dev));
	mountinfo_root(b, m->root, buf);
	procfs_write(b, " ", 1);
	mounts_escaped(b, where);
	procfs_write(b, " ", 1);
	mounts_options(b, m);
	procfs_printf(b, " - %s ", m->sb && m->sb->type ? m->sb->type->name : "none");
	mounts_escaped(b, m->source ? m->source : "none");
	procfs_printf(b, " %s", ro ? "ro" : "rw");
	mounts_fs_options(b, m);
	procfs_printf(b, "\n");
}

int procfs_show_mountinfo(struct procfs_buf *b, const struct path *root)
{
	char *where = kmalloc(PATH_MAX_LEN), *buf = kmalloc(PATH_MAX_LEN);
	struct mount *m;

	if (!where || !buf) {
		kfree(where);
		kfree(buf);
		return -ENOMEM;
	}
	list_for_each_entry(m, &mount_list, link) {
		struct path p = { m, m->root };
		bool deleted, unreachable;
		long n = path_to_string_ex(&p, root, where, PATH_MAX_LEN, &deleted, &unreachable);

		if (n >= 0 && !unreachable)
			mountinfo_one(b, m, where, buf);
	}
	kfree(where);
	kfree(buf);
	return 0;
}

/* ---- small system files */

/* The filesystem types that may be built in; those registered are listed. */
static const struct {
	const char *name;
	bool nodev;
} fs_names[] = {
	{ "sysfs", true }, { "tmpfs", true },  { "ramfs", true }, { "devtmpfs", true },
	{ "proc", true },  { "devpts", true }, { "hostfs", true }, { "ext3", false },
	{ "ext2", false }, { "ext4", false }, /* Linux's order: mount without -t tries ext3 first */
};

static int show_filesystems(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	for (unsigned i = 0; i < ARRAY_SIZE(fs_names); i++) {
		if (fs_type_find(fs_names[i].name))
			procfs_printf(b, "%s\t%s\n", fs_names[i].nodev ? "nodev" : "",
				      fs_names[i].name);
	}
	return 0;
}

static int show_devices(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "Character devices:\n  1 mem\n  4 /dev/vc/0\n  4 tty\n"
			 "  5 /dev/tty\n  5 /dev/console\n\nBlock devices:\n");
	if (blkdev_next(NULL))
		procfs_printf(b, "%3u ubd\n", UBD_MAJOR);
	return 0;
}

/* The registered block devices, in Linux's layout (sizes in 1 KiB blocks). */
static int show_partitions(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "major minor  #blocks  name\n\n");
	for (struct block_device *d = blkdev_next(NULL); d; d = blkdev_next(d))
		procfs_printf(b, "%4u  %7u %10llu %s\n", MAJOR(d->dev), MINOR(d->dev),
			      (unsigned long long)(d->size >> 10), d->name);
	return 0;
}

/*
 * Linux's 20 columns per disk (major, minor, name, then reads, merged reads, sectors read,
 * ms reading, the same four for writes, in flight, ms busy, weighted ms, the four discard
 * columns, flushes, ms flushing): the requests and sectors the block layer counts
 * (blkdev.h), zero for what it does not measure (merges, times, discards).
 */
static int show_diskstats(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	for (struct block_device *d = blkdev_next(NULL); d; d = blkdev_next(d)) {
		const struct blkdev_stats *s = &d->stats;

		procfs_printf(b, "%4u %7u %s %llu 0 %llu 0 %llu 0 %llu 0 0 0 0 0 0 0 0 %llu 0\n",
			      MAJOR(d->dev), MINOR(d->dev), d->name,
			      (unsigned long long)s->read_ios, (unsigned long long)s->read_sectors,
			      (unsigned long long)s->write_ios,
			      (unsigned long long)s->write_sectors, (unsigned long long)s->flush_ios);
	}
	return 0;
}

static int show_cmdline(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	const char *cmd = kernel_cmdline();

	procfs_printf(b, "%s\n", cmd ? cmd : "");
	return 0;
}

static int show_version(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "Linux version " UTS_RELEASE " (um-lite@um-lite) (gcc) " UTS_VERSION "\n");
	return 0;
}

static long self_readlink(const struct proc_inode *pi, struct task *t, char *buf)
{
	return ksnprintf(buf, PATH_MAX_LEN, "%d", current->tgid);
}

static long thread_self_readlink(const struct proc_inode *pi, struct task *t, char *buf)
{
	return ksnprintf(buf, PATH_MAX_LEN, "%d/task/%d", current->tgid, current->pid);
}

static long mounts_readlink(const struct proc_inode *pi, struct task *t, char *buf)
{
	return ksnprintf(buf, PATH_MAX_LEN, "self/mounts");
}

/* ---- SysRq and the management console */

/* As Linux: the first character names the action. */
static int write_sysrq_trigger(const struct proc_inode *pi, struct task *t, const char *buf,
			       size_t len)
{
	sysrq_handle((unsigned char)buf[0]);
	return 0;
}

static int write_mconsole(const struct proc_inode *pi, struct task *t, const char *buf,
			  size_t len)
{
	long r = mconsole_notify_user(buf, len);

	return r < 0 ? (int)r : 0;
}

/* ---- /proc/sys */

static int show_hostname(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "%s\n", utsname_nodename);
	return 0;
}

/* As sysctl strings: the value ends at the first newline; longer names are cut. */
static int write_hostname(const struct proc_inode *pi, struct task *t, const char *buf,
			  size_t len)
{
	size_t n = 0;

	while (n < len && buf[n] != '\n' && buf[n] != '\0')
		n++;
	n = min(n, sizeof(utsname_nodename) - 1);
	memcpy(utsname_nodename, buf, n);
	utsname_nodename[n] = '\0';
	return 0;
}

static int show_pid_max(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "%d\n", CONFIG_MAX_PIDS);
	return 0;
}

static struct proc_entry sys_kernel_entries[] = {
	PROC_TEXT("cap_last_cap", "40\n"),
	PROC_FILE_RW("hostname", 0644, show_hostname, write_hostname),
	PROC_FILE_RW("msgmax", 0644, ipc_sysctl_show, ipc_sysctl_write),
	PROC_FILE_RW("msgmnb", 0644, ipc_sysctl_show, ipc_sysctl_write),
	PROC_FILE_RW("msgmni", 0644, ipc_sysctl_show, ipc_sysctl_write),
	PROC_TEXT("ngroups_max", "65536\n"),
	PROC_TEXT("osrelease", UTS_RELEASE "\n"),
	PROC_TEXT("ostype", "Linux\n"),
	PROC_FILE("pid_max", 0444, show_pid_max),
	PROC_FILE_RW("sem", 0644, ipc_sysctl_show, ipc_sysctl_write),
	PROC_FILE_RW("shmall", 0644, ipc_sysctl_show, ipc_sysctl_write),
	PROC_FILE_RW("shmmax", 0644, ipc_sysctl_show, ipc_sysctl_write),
	PROC_FILE_RW("shmmni", 0644, ipc_sysctl_show, ipc_sysctl_write),
	PROC_TEXT("version", UTS_VERSION "\n"),
};

/* vm.drop_caches: what is free goes back to the host (mm/reclaim.c); reads the last value. */
static unsigned long drop_caches_last;

static int show_drop_caches(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "%lu\n", drop_caches_last);
	return 0;
}

static int write_drop_caches(const struct proc_inode *pi, struct task *t, const char *buf,
			     size_t len)
{
	unsigned long v;
	int r = procfs_parse_ulong(buf, &v);

	if (r == 0)
		r = reclaim_drop_caches(v);
	if (r == 0)
		drop_caches_last = v;
	return r;
}

/* vm.ksm_run: the same switch as /sys/kernel/mm/ksm/run. */
static int show_ksm_run(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "%lu\n", ksm_get_run());
	return 0;
}

static int write_ksm_run(const struct proc_inode *pi, struct task *t, const char *buf,
			 size_t len)
{
	unsigned long v;
	int r = procfs_parse_ulong(buf, &v);

	return r < 0 ? r : ksm_set_run(v);
}

/*
 * vm.swappiness (0..200, 60 at boot): kept for sysctl and tuning scripts; reclaim here does
 * not weigh anonymous against file pages by it.
 */
static unsigned long vm_swappiness = 60;

static int show_swappiness(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "%lu\n", vm_swappiness);
	return 0;
}

static int write_swappiness(const struct proc_inode *pi, struct task *t, const char *buf,
			    size_t len)
{
	unsigned long v;
	int r = procfs_parse_ulong(buf, &v);

	if (r == 0 && v > 200)
		r = -EINVAL;
	if (r == 0)
		vm_swappiness = v;
	return r;
}

static struct proc_entry sys_vm_entries[] = {
	PROC_FILE_RW("drop_caches", 0200, show_drop_caches, write_drop_caches),
	PROC_FILE_RW("ksm_run", 0644, show_ksm_run, write_ksm_run),
	PROC_TEXT("max_map_count", "65530\n"),
	PROC_TEXT("overcommit_memory", "0\n"),
	PROC_FILE_RW("swappiness", 0644, show_swappiness, write_swappiness),
};

static struct proc_entry sys_fs_entries[] = {
	PROC_TEXT("file-max", "9223372036854775807\n"),
	PROC_TEXT("nr_open", "1048576\n"),
};

static struct proc_entry sys_entries[] = {
	PROC_DIR("fs", 0555, sys_fs_entries),
	PROC_DIR("kernel", 0555, sys_kernel_entries),
	PROC_DIR("net", 0555, procfs_sys_net_entries),
	PROC_DIR("vm", 0555, sys_vm_entries),
};

static struct proc_entry sysvipc_entries[] = {
	PROC_FILE("msg", 0444, ipc_proc_show_msg),
	PROC_FILE("sem", 0444, ipc_proc_show_sem),
	PROC_FILE("shm", 0444, ipc_proc_show_shm),
};

static struct proc_entry root_entries[] = {
	PROC_FILE("cmdline", 0444, show_cmdline),
	PROC_FILE("cpuinfo", 0444, show_cpuinfo),
	PROC_FILE("devices", 0444, show_devices),
	PROC_FILE("diskstats", 0444, show_diskstats),
	PROC_FILE("filesystems", 0444, show_filesystems),
	PROC_FILE("loadavg", 0444, show_loadavg),
	PROC_FILE_RW("mconsole", 0200, NULL, write_mconsole),
	PROC_FILE("meminfo", 0444, show_meminfo),
	PROC_LINK("mounts", mounts_readlink),
	PROC_DIR("net", 0555, procfs_net_entries),
	PROC_FILE("partitions", 0444, show_partitions),
	PROC_LINK("self", self_readlink),
	PROC_FILE("stat", 0444, show_stat),
	PROC_FILE("swaps", 0444, procfs_show_swaps),
	PROC_DIR("sys", 0555, sys_entries),
	PROC_FILE_RW("sysrq-trigger", 0200, NULL, write_sysrq_trigger),
	PROC_DIR("sysvipc", 0555, sysvipc_entries),
	PROC_LINK("thread-self", thread_self_readlink),
	PROC_FILE("uptime", 0444, show_uptime),
	PROC_FILE("version", 0444, show_version),
	PROC_FILE("vmstat", 0444, procfs_show_vmstat),
};

struct proc_entry procfs_root = {
	.name = "/",
	.mode = S_IFDIR | 0555,
	.children = root_entries,
	.nr_children = ARRAY_SIZE(root_entries),
	.dyn = &procfs_pid_dyn,
};
