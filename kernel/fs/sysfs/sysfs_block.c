/*
 * sysfs for block devices: what lsblk, findmnt and other udev-less tools read, laid out as
 * Linux lays it out for UML's ubd disks, which are platform devices "uml-blkdev.N":
 *
 *   /sys/devices/platform/uml-blkdev.N/block/ubdX/   the disk: dev, size, ro, stat, queue/...
 *   /sys/block/ubdX        -> ../devices/platform/uml-blkdev.N/block/ubdX
 *   /sys/class/block/ubdX  -> ../../devices/platform/uml-blkdev.N/block/ubdX
 *   /sys/dev/block/98:16N  -> ../../devices/platform/uml-blkdev.N/block/ubdX
 *
 * Disks of another major (none today) would live under /sys/devices/virtual/block.
 * Partitions are not shown: the block layer has none (no partition tables are read).
 *
 * Layer: every directory of devices is a numbered directory of the procfs machinery whose
 * keys are device numbers, listed from the block registry (blkdev_next) at each lookup and
 * readdir, so hot-plugged disks appear and removed ones vanish with nothing to register.
 * An inode remembers its device number (proc_inode.dev); files of a disk removed since
 * fail with ENODEV.
 */
#include "kernel.h"
#include "blkdev.h"
#include "fs.h"
#include "../procfs/procfs.h"
#include "sysfs.h"

#define UBD_PLATFORM "uml-blkdev"
#define UBD_MINORS 16 /* minors per ubd disk (drivers/ubd: UBD_SHIFT 4) */

/* ---- which disks a directory holds */

static bool is_ubd(u32 dev)
{
	return MAJOR(dev) == UBD_MAJOR;
}

/* The registered disk with the smallest number >= from that match wants, or NULL. */
static struct block_device *first_from(long from, int match)
{
	struct block_device *b, *best = NULL;

	if (from < 0)
		return NULL;
	for (b = blkdev_next(NULL); b; b = blkdev_next(b)) {
		if (b->dev < (u64)from || (best && b->dev > best->dev))
			continue;
		if (match >= 0 && is_ubd(b->dev) != (match == 1))
			continue;
		best = b;
	}
	return best;
}

static long next_any(const struct proc_inode *dir, long from)
{
	struct block_device *b = first_from(from, -1);

	return b ? (long)b->dev : -1;
}

static long next_ubd(const struct proc_inode *dir, long from)
{
	struct block_device *b = first_from(from, 1);

	return b ? (long)b->dev : -1;
}

static long next_virtual(const struct proc_inode *dir, long from)
{
	struct block_device *b = first_from(from, 0);

	return b ? (long)b->dev : -1;
}

/* Under a device's own directory: that one disk. */
static long next_self(const struct proc_inode *dir, long from)
{
	if (from > (long)dir->dev || !blkdev_find(dir->dev))
		return -1;
	return dir->dev;
}

static void fill_dev(const struct proc_inode *dir, long key, struct proc_inode *child)
{
	child->dev = (u32)key;
}

/* ---- names: "ubda", "98:0", "uml-blkdev.0" */

static int name_disk(const struct proc_inode *dir, long key, char *buf)
{
	struct block_device *b = blkdev_find((u32)key);

	return ksnprintf(buf, PROC_DYN_NAME_MAX, "%s", b ? b->name : "?");
}

static long parse_disk(const struct proc_inode *dir, const char *name, int len)
{
	char tmp[PROC_DYN_NAME_MAX];
	struct block_device *b;

	if (len <= 0 || len >= (int)sizeof(tmp) || memchr(name, '/', len))
		return -1;
	memcpy(tmp, name, len);
	tmp[len] = '\0';
	b = blkdev_by_name(tmp);
	return b ? (long)b->dev : -1;
}

static int name_devno(const struct proc_inode *dir, long key, char *buf)
{
	return ksnprintf(buf, PROC_DYN_NAME_MAX, "%u:%u", MAJOR(key), MINOR(key));
}

/* A decimal number of 1..7 digits at *p (no leading zeros), advancing *p; -1 if none. */
static long parse_num(const char **p, const char *end)
{
	const char *s = *p;
	long v = 0;

	if (s >= end || *s < '0' || *s > '9' || (*s == '0' && s + 1 < end && s[1] != ':'))
		return -1;
	while (s < end && *s >= '0' && *s <= '9' && s - *p < 7)
		v = v * 10 + (*s++ - '0');
	*p = s;
	return v;
}

static long parse_devno(const struct proc_inode *dir, const char *name, int len)
{
	const char *p = name, *end = name + len;
	long major = parse_num(&p, end), minor;

	if (major < 0 || major > 0xfff || p >= end || *p++ != ':')
		return -1;
	minor = parse_num(&p, end);
	if (minor < 0 || minor > 0xfffff || p != end)
		return -1;
	return MKDEV(major, minor);
}

static int name_platform(const struct proc_inode *dir, long key, char *buf)
{
	return ksnprintf(buf, PROC_DYN_NAME_MAX, UBD_PLATFORM ".%u", MINOR(key) / UBD_MINORS);
}

static long parse_platform(const struct proc_inode *dir, const char *name, int len)
{
	size_t plen = strlen(UBD_PLATFORM ".");
	const char *p = name + plen;
	long unit;

	if (len <= (int)plen || memcmp(name, UBD_PLATFORM ".", plen))
		return -1;
	unit = parse_num(&p, name + len);
	if (unit < 0 || p != name + len || unit > 0xfffff / UBD_MINORS)
		return -1;
	return MKDEV(UBD_MAJOR, unit * UBD_MINORS);
}

/* ---- links */

/* The disk's directory below /sys: "devices/platform/uml-blkdev.N/block/ubdX". */
static long disk_path(u32 dev, const char *up, char *buf)
{
	struct block_device *b = blkdev_find(dev);

	if (!b)
		return -ENOENT;
	if (is_ubd(dev))
		return ksnprintf(buf, PATH_MAX_LEN,
				 "%sdevices/platform/" UBD_PLATFORM ".%u/block/%s", up,
				 MINOR(dev) / UBD_MINORS, b->name);
	return ksnprintf(buf, PATH_MAX_LEN, "%sdevices/virtual/block/%s", up, b->name);
}

/* /sys/block/X */
static long link_block(const struct proc_inode *pi, struct task *t, char *buf)
{
	return disk_path(pi->dev, "../", buf);
}

/* /sys/class/block/X and /sys/dev/block/M:m */
static long link_class(const struct proc_inode *pi, struct task *t, char *buf)
{
	return disk_path(pi->dev, "../../", buf);
}

/* The disk's "subsystem": /sys/class/block, from five or four levels down. */
static long link_subsystem(const struct proc_inode *pi, struct task *t, char *buf)
{
	const char *up = is_ubd(pi->dev) ? "../../../../../" : "../../../../";

	return ksnprintf(buf, PATH_MAX_LEN, "%sclass/block", up);
}

/* A ubd disk's "device": its platform device. */
static long link_device(const struct proc_inode *pi, struct task *t, char *buf)
{
	return ksnprintf(buf, PATH_MAX_LEN, "../../../" UBD_PLATFORM ".%u",
			 MINOR(pi->dev) / UBD_MINORS);
}

/* ---- the disk's files */

/* The disk a file is about, or NULL when it was removed since the lookup. */
static struct block_device *disk_of(const struct proc_inode *pi)
{
	return blkdev_find(pi->dev);
}

static u32 disk_minors(const struct block_device *b)
{
	return is_ubd(b->dev) ? UBD_MINORS : 1;
}

static int show_disk_value(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	const char *n = pi->ent->name;
	struct block_device *d = disk_of(pi);

	if (!d)
		return -ENODEV;
	if (!strcmp(n, "dev"))
		procfs_printf(b, "%u:%u\n", MAJOR(d->dev), MINOR(d->dev));
	else if (!strcmp(n, "size"))
		procfs_printf(b, "%llu\n", (unsigned long long)(d->size / BLK_SECTOR_SIZE));
	else if (!strcmp(n, "ro"))
		procfs_printf(b, "%d\n", d->readonly ? 1 : 0);
	else if (!strcmp(n, "range") || !strcmp(n, "ext_range"))
		procfs_printf(b, "%u\n", disk_minors(d));
	else if (!strcmp(n, "uevent"))
		procfs_printf(b, "MAJOR=%u\nMINOR=%u\nDEVNAME=%s\nDEVTYPE=disk\n", MAJOR(d->dev),
			      MINOR(d->dev), d->name);
	return 0;
}

/* Linux's 17 fields; times, merges, discards and in-flight requests are not counted. */
static int show_disk_stat(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct block_device *d = disk_of(pi);
	const struct blkdev_stats *s;

	if (!d)
		return -ENODEV;
	s = &d->stats;
	procfs_printf(b, "%8llu %8u %8llu %8u %8llu %8u %8llu %8u %8u %8u %8u "
			 "%8u %8u %8u %8u %8llu %8u\n",
		      (unsigned long long)s->read_ios, 0, (unsigned long long)s->read_sectors, 0,
		      (unsigned long long)s->write_ios, 0, (unsigned long long)s->write_sectors, 0,
		      0, 0, 0, 0, 0, 0, 0, (unsigned long long)s->flush_ios, 0);
	return 0;
}

static int show_inflight(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	if (!disk_of(pi))
		return -ENODEV;
	procfs_printf(b, "%8u %8u\n", 0, 0);
	return 0;
}

#define DISK_VALUE(n) PROC_FILE(n, 0444, show_disk_value)

/* queue/: a synchronous, non-rotational device of 512-byte sectors, no scheduler. */
static struct proc_entry queue_entries[] = {
	PROC_TEXT("add_random", "0\n"),
	PROC_TEXT("chunk_sectors", "0\n"),
	PROC_TEXT("dax", "0\n"),
	PROC_TEXT("discard_granularity", "0\n"),
	PROC_TEXT("discard_max_bytes", "0\n"),
	PROC_TEXT("discard_max_hw_bytes", "0\n"),
	PROC_TEXT("discard_zeroes_data", "0\n"),
	PROC_TEXT("hw_sector_size", "512\n"),
	PROC_TEXT("io_poll", "0\n"),
	PROC_TEXT("logical_block_size", "512\n"),
	PROC_TEXT("max_hw_sectors_kb", "1024\n"),
	PROC_TEXT("max_integrity_segments", "0\n"),
	PROC_TEXT("max_sectors_kb", "1024\n"),
	PROC_TEXT("max_segment_size", "65536\n"),
	PROC_TEXT("max_segments", "128\n"),
	PROC_TEXT("minimum_io_size", "512\n"),
	PROC_TEXT("nomerges", "0\n"),
	PROC_TEXT("nr_requests", "64\n"),
	PROC_TEXT("nr_zones", "0\n"),
	PROC_TEXT("optimal_io_size", "0\n"),
	PROC_TEXT("physical_block_size", "512\n"),
	PROC_TEXT("read_ahead_kb", "128\n"),
	PROC_TEXT("rotational", "0\n"),
	PROC_TEXT("rq_affinity", "1\n"),
	PROC_TEXT("scheduler", "[none]\n"),
	PROC_TEXT("write_cache", "write back\n"),
	PROC_TEXT("write_same_max_bytes", "0\n"),
	PROC_TEXT("write_zeroes_max_bytes", "0\n"),
	PROC_TEXT("zoned", "none\n"),
};

#define DISK_COMMON \
	PROC_TEXT("alignment_offset", "0\n"), \
	PROC_TEXT("capability", "0\n"), \
	DISK_VALUE("dev"), \
	PROC_TEXT("discard_alignment", "0\n"), \
	DISK_VALUE("ext_range"), \
	PROC_TEXT("hidden", "0\n"), \
	PROC_EMPTY_DIR("holders", 0755), \
	PROC_FILE("inflight", 0444, show_inflight), \
	PROC_DIR("queue", 0755, queue_entries), \
	DISK_VALUE("range"), \
	PROC_TEXT("removable", "0\n"), \
	DISK_VALUE("ro"), \
	DISK_VALUE("size"), \
	PROC_EMPTY_DIR("slaves", 0755), \
	PROC_FILE("stat", 0444, show_disk_stat), \
	PROC_LINK("subsystem", link_subsystem), \
	DISK_VALUE("uevent")

/* A ubd disk has a "device" (its platform device); a virtual one does not. */
static struct proc_entry ubd_disk_entries[] = {
	PROC_LINK("device", link_device),
	DISK_COMMON,
};

static struct proc_entry virtual_disk_entries[] = {
	DISK_COMMON,
};

static struct proc_entry ubd_disk_dir = PROC_DIR("disk", 0755, ubd_disk_entries);
static struct proc_entry virtual_disk_dir = PROC_DIR("disk", 0755, virtual_disk_entries);

/* ---- /sys/devices/platform/uml-blkdev.N and /sys/devices/virtual/block */

static const struct proc_dyn ubd_block_dyn = {
	.child = &ubd_disk_dir, .next = next_self, .fill = fill_dev,
	.name = name_disk, .parse = parse_disk,
};

static struct proc_entry platform_dev_entries[] = {
	{ .name = "block", .mode = S_IFDIR | 0755, .dyn = &ubd_block_dyn },
	PROC_TEXT("modalias", "platform:" UBD_PLATFORM "\n"),
	PROC_TEXT("uevent", "DRIVER=" UBD_PLATFORM "\nMODALIAS=platform:" UBD_PLATFORM "\n"),
};

static struct proc_entry platform_dev_dir = PROC_DIR("uml-blkdev", 0755, platform_dev_entries);

const struct proc_dyn sysfs_platform_dyn = {
	.child = &platform_dev_dir, .next = next_ubd, .fill = fill_dev,
	.name = name_platform, .parse = parse_platform,
};

static const struct proc_dyn virtual_block_dyn = {
	.child = &virtual_disk_dir, .next = next_virtual, .fill = fill_dev,
	.name = name_disk, .parse = parse_disk,
};

struct proc_entry sysfs_virtual_entries[SYSFS_VIRTUAL_NR] = {
	{ .name = "block", .mode = S_IFDIR | 0755, .dyn = &virtual_block_dyn },
};

/* ---- /sys/block, /sys/class/block, /sys/dev/block */

static struct proc_entry block_link = PROC_LINK("disk", link_block);
static struct proc_entry class_link = PROC_LINK("disk", link_class);

const struct proc_dyn sysfs_block_dyn = {
	.child = &block_link, .next = next_any, .fill = fill_dev,
	.name = name_disk, .parse = parse_disk,
};

static const struct proc_dyn class_block_dyn = {
	.child = &class_link, .next = next_any, .fill = fill_dev,
	.name = name_disk, .parse = parse_disk,
};

static const struct proc_dyn dev_block_dyn = {
	.child = &class_link, .next = next_any, .fill = fill_dev,
	.name = name_devno, .parse = parse_devno,
};

struct proc_entry sysfs_class_entries[SYSFS_CLASS_NR] = {
	{ .name = "block", .mode = S_IFDIR | 0755, .dyn = &class_block_dyn },
};

struct proc_entry sysfs_dev_entries[SYSFS_DEV_NR] = {
	{ .name = "block", .mode = S_IFDIR | 0755, .dyn = &dev_block_dyn },
	PROC_EMPTY_DIR("char", 0755),
};
