/*
 * sysfs, minimal: the "sysfs" filesystem type with a small fixed tree — the usual
 * top-level directories, /sys/devices/system/cpu describing the one guest CPU (online,
 * possible, present; cpu0), which C libraries read to count processors,
 * /sys/kernel/mm/ksm, the controls and counters of page sharing (mm/ksm.c) under Linux's
 * names, and the block devices (sysfs_block.c: /sys/block, /sys/dev/block...).
 *
 * Layer: a static entry table served by the generic procfs code (fs/procfs/procfs.c).
 * Nothing can be created; only the files with a write function (run, pages_to_scan,
 * sleep_millisecs; root only by their modes) can be opened for writing (EACCES otherwise).
 */
#include "kernel.h"
#include "fs.h"
#include "../internal.h"
#include "ksm.h"
#include "slab.h"
#include "../procfs/procfs.h"
#include "sysfs.h"

#include <linux/magic.h>
#include <linux/mount.h>

static struct proc_entry cpu_entries[] = {
	PROC_EMPTY_DIR("cpu0", 0755),
	PROC_TEXT("kernel_max", "0\n"),
	PROC_TEXT("offline", "\n"),
	PROC_TEXT("online", "0\n"),
	PROC_TEXT("possible", "0\n"),
	PROC_TEXT("present", "0\n"),
};

static struct proc_entry system_entries[] = {
	PROC_DIR("cpu", 0755, cpu_entries),
};

static struct proc_entry devices_entries[] = {
	{ .name = "platform", .mode = S_IFDIR | 0755, .dyn = &sysfs_platform_dyn },
	PROC_DIR("system", 0755, system_entries),
	PROC_DIR("virtual", 0755, sysfs_virtual_entries),
};

/* ---- /sys/kernel/mm/ksm: page sharing (mm/ksm.c), Linux's files */

static int show_ksm_counter(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	const char *n = pi->ent->name;
	struct ksm_stats st;
	unsigned long v = 0;

	ksm_get_stats(&st);
	if (!strcmp(n, "full_scans"))
		v = st.full_scans;
	else if (!strcmp(n, "pages_shared"))
		v = st.pages_shared;
	else if (!strcmp(n, "pages_sharing"))
		v = st.pages_sharing;
	else if (!strcmp(n, "pages_unshared"))
		v = st.pages_unshared;
	else if (!strcmp(n, "pages_scanned"))
		v = st.pages_scanned;
	else if (!strcmp(n, "ksm_zero_pages"))
		v = st.zero_pages;
	procfs_printf(b, "%lu\n", v);
	return 0;
}

static int show_ksm_setting(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	const char *n = pi->ent->name;
	unsigned long v = ksm_get_sleep_ms();

	if (!strcmp(n, "run"))
		v = ksm_get_run();
	else if (!strcmp(n, "pages_to_scan"))
		v = ksm_get_pages_to_scan();
	procfs_printf(b, "%lu\n", v);
	return 0;
}

static int write_ksm_setting(const struct proc_inode *pi, struct task *t, const char *buf,
			     size_t len)
{
	const char *n = pi->ent->name;
	unsigned long v;
	int r = procfs_parse_ulong(buf, &v);

	if (r < 0)
		return r;
	if (!strcmp(n, "run"))
		return ksm_set_run(v);
	if (!strcmp(n, "pages_to_scan"))
		return ksm_set_pages_to_scan(v);
	return ksm_set_sleep_ms(v);
}

#define KSM_COUNTER(n) PROC_FILE(n, 0444, show_ksm_counter)
#define KSM_SETTING(n) PROC_FILE_RW(n, 0644, show_ksm_setting, write_ksm_setting)

static struct proc_entry ksm_entries[] = {
	KSM_COUNTER("full_scans"),
	KSM_COUNTER("ksm_zero_pages"),
	PROC_TEXT("merge_across_nodes", "1\n"),
	KSM_COUNTER("pages_scanned"),
	KSM_COUNTER("pages_shared"),
	KSM_COUNTER("pages_sharing"),
	KSM_SETTING("pages_to_scan"),
	KSM_COUNTER("pages_unshared"),
	PROC_TEXT("pages_volatile", "0\n"),
	KSM_SETTING("run"),
	KSM_SETTING("sleep_millisecs"),
	PROC_TEXT("use_zero_pages", "1\n"),
};

static struct proc_entry kernel_mm_entries[] = {
	PROC_DIR("ksm", 0755, ksm_entries),
};

static struct proc_entry kernel_entries[] = {
	PROC_DIR("mm", 0755, kernel_mm_entries),
};

static struct proc_entry sysfs_entries[] = {
	{ .name = "block", .mode = S_IFDIR | 0755, .dyn = &sysfs_block_dyn },
	PROC_EMPTY_DIR("bus", 0755),
	PROC_DIR("class", 0755, sysfs_class_entries),
	PROC_DIR("dev", 0755, sysfs_dev_entries),
	PROC_DIR("devices", 0755, devices_entries),
	PROC_EMPTY_DIR("firmware", 0755),
	PROC_EMPTY_DIR("fs", 0755),
	PROC_DIR("kernel", 0755, kernel_entries),
	PROC_EMPTY_DIR("module", 0755),
};

static struct proc_entry sysfs_root = PROC_DIR("/", 0555, sysfs_entries);

static int sysfs_mount(struct file_system_type *type, const char *source, unsigned long flags,
		       const char *data, struct super_block **out)
{
	struct super_block *sb = sb_alloc(type);
	int r;

	if (IS_ERR_OR_NULL(sb))
		return sb ? PTR_ERR(sb) : -ENOMEM;
	sb->magic = SYSFS_MAGIC;
	r = procfs_fill_super(sb, &sysfs_root);
	if (r < 0) {
		kfree(sb); /* no inode or dentry of it is left */
		return r;
	}
	*out = sb;
	return 0;
}

static struct file_system_type sysfs_type = {
	.name = "sysfs",
	.mount = sysfs_mount,
};

/* Register "sysfs"; idempotent. Returns 0 or -errno from register_filesystem. */
int sysfs_init(void)
{
	static bool done;
	int r;

	if (done)
		return 0;
	r = register_filesystem(&sysfs_type);
	if (r == 0)
		done = true;
	return r;
}
