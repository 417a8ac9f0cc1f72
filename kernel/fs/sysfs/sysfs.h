/*
 * The parts of sysfs's tree defined outside sysfs.c (kernel/fs/sysfs/): the block device
 * directories of sysfs_block.c, put in place by sysfs.c's root table. Kernel-side.
 */
#ifndef FS_SYSFS_SYSFS_H
#define FS_SYSFS_SYSFS_H

#include "../procfs/procfs.h"

/* /sys/block: one link per registered disk, named as in /dev. */
extern const struct proc_dyn sysfs_block_dyn;
/* /sys/devices/platform: uml-blkdev.N, the platform device of each ubd disk. */
extern const struct proc_dyn sysfs_platform_dyn;

/* /sys/devices/virtual: block/ (disks that are not ubd's). */
#define SYSFS_VIRTUAL_NR 1
extern struct proc_entry sysfs_virtual_entries[SYSFS_VIRTUAL_NR];
/* /sys/class: block/. */
#define SYSFS_CLASS_NR 1
extern struct proc_entry sysfs_class_entries[SYSFS_CLASS_NR];
/* /sys/dev: block/ (links named MAJOR:MINOR) and char/ (empty). */
#define SYSFS_DEV_NR 2
extern struct proc_entry sysfs_dev_entries[SYSFS_DEV_NR];

#endif
