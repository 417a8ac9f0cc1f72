/*
 * sysfs, minimal: the "sysfs" filesystem type with a small fixed, read-only tree — the
 * usual top-level directories and /sys/devices/system/cpu describing the one guest CPU
 * (online, possible, present; cpu0), which C libraries read to count processors.
 *
 * Layer: a static entry table served by the generic procfs code (fs/procfs/procfs.c);
 * the superblock is read-only, so creating or writing anything fails (EROFS, or EACCES
 * for opening a file for writing).
 */
#include "kernel.h"
#include "fs.h"
#include "../internal.h"
#include "slab.h"
#include "../procfs/procfs.h"

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
	PROC_DIR("system", 0755, system_entries),
};

static struct proc_entry sysfs_entries[] = {
	PROC_EMPTY_DIR("block", 0755),
	PROC_EMPTY_DIR("bus", 0755),
	PROC_EMPTY_DIR("class", 0755),
	PROC_EMPTY_DIR("dev", 0755),
	PROC_DIR("devices", 0755, devices_entries),
	PROC_EMPTY_DIR("firmware", 0755),
	PROC_EMPTY_DIR("fs", 0755),
	PROC_EMPTY_DIR("kernel", 0755),
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
	sb->flags |= MS_RDONLY;
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
