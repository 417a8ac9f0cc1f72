/*
 * The block layer (kernel/block/blkdev.c): the registry of block devices and the one way
 * filesystems and /dev nodes reach them. A driver (drivers/ubd) fills a struct
 * block_device and registers it; users look it up by device number or name and move
 * bytes with blkdev_read/blkdev_write, which check bounds and alignment before calling
 * the driver. I/O is synchronous in this version (the kernel waits for the host).
 */
#ifndef BLKDEV_H
#define BLKDEV_H

#include "kernel.h"
#include "list.h"

#define BLK_SECTOR_SIZE 512
#define UBD_MAJOR 98 /* UML's block major: /dev/ubda is 98:0, ubdb 98:16, ... */

struct block_device;

struct block_device_ops {
	/* Move len bytes at byte offset off; both multiples of 512, inside the device. 0/-errno. */
	int (*read)(struct block_device *b, u64 off, void *buf, size_t len);
	int (*write)(struct block_device *b, u64 off, const void *buf, size_t len);
	/* Make written data durable on the host (fsync). NULL: nothing to do. */
	int (*flush)(struct block_device *b);
	/*
	 * The window address (page.h) holding the 4096 bytes at off (4096-aligned) as the
	 * device reads them now, from a file no one can write (a COW device's backing file
	 * where every sector is still the backing file's). 0 when there is none. NULL: never.
	 */
	phys_t (*map_shared)(struct block_device *b, u64 off);
};

/* I/O counted by blkdev_read/write/flush since registration (sysfs's block stat file). */
struct blkdev_stats {
	u64 read_ios, read_sectors;    /* completed requests, 512-byte sectors touched */
	u64 write_ios, write_sectors;
	u64 flush_ios;
};

struct block_device {
	char name[16];                     /* "ubda": the /dev name */
	u32 dev;                           /* device number (MKDEV(major, minor), fs.h) */
	u64 size;                          /* bytes, a multiple of 512 */
	bool readonly;                     /* writes fail with -EROFS */
	bool shareable;                    /* map_shared may give pages (ubd_share) */
	const struct block_device_ops *ops;
	void *private;                     /* the driver's */
	int openers;                       /* mounts and open files using it (removal waits for 0) */
	struct blkdev_stats stats;         /* zeroed by blkdev_register */
	struct list_head link;             /* in the registry */
};

/* Add b to the registry and its node to every devtmpfs (mounted now or later). 0 or -EEXIST. */
int blkdev_register(struct block_device *b);
/*
 * Take b out of the registry and its node out of every devtmpfs (hot-unplug). The caller
 * made sure nothing uses it (openers is 0).
 */
void blkdev_unregister(struct block_device *b);
/* The device with number dev, or NULL. */
struct block_device *blkdev_find(u32 dev);
/* The device called name ("ubda") or "/dev/ubda", or NULL. */
struct block_device *blkdev_by_name(const char *name);
/* Iterate: the first device after prev (NULL: the first), or NULL at the end. */
struct block_device *blkdev_next(struct block_device *prev);
/*
 * Bounds- and alignment-checked I/O: any byte range inside the device (unaligned ranges
 * go through a bounce buffer sector by sector). 0, -EINVAL (outside the device), -EROFS,
 * -EIO or another -errno from the driver.
 */
int blkdev_read(struct block_device *b, u64 off, void *buf, size_t len);
int blkdev_write(struct block_device *b, u64 off, const void *buf, size_t len);
int blkdev_flush(struct block_device *b);
/* The driver's map_shared for the page at off (bounds and alignment checked), or 0. */
phys_t blkdev_map_shared(struct block_device *b, u64 off);

#endif
