/*
 * The block layer: registry of block devices and checked byte-range I/O on top of the
 * drivers' sector-aligned operations (kernel/include/blkdev.h). Layer: between
 * filesystems / block special files and drivers such as ubd. The kern_blk_* entry points
 * offer the same to host-side filesystem code (kern_util.h).
 */
#include "kernel.h"
#include "blkdev.h"
#include "fs.h"
#include "kern_util.h"
#include "slab.h"

static LIST_HEAD(blk_devices);

int blkdev_register(struct block_device *b)
{
	if (blkdev_find(b->dev) || blkdev_by_name(b->name))
		return -EEXIST;
	memset(&b->stats, 0, sizeof(b->stats));
	list_add_tail(&b->link, &blk_devices);
	devtmpfs_blkdev_added(b);
	return 0;
}

void blkdev_unregister(struct block_device *b)
{
	list_del_init(&b->link);
	devtmpfs_blkdev_removed(b);
}

struct block_device *blkdev_find(u32 dev)
{
	struct block_device *b;

	list_for_each_entry(b, &blk_devices, link)
		if (b->dev == dev)
			return b;
	return NULL;
}

struct block_device *blkdev_by_name(const char *name)
{
	struct block_device *b;

	if (!strncmp(name, "/dev/", 5))
		name += 5;
	list_for_each_entry(b, &blk_devices, link)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

struct block_device *blkdev_next(struct block_device *prev)
{
	struct list_head *n = prev ? prev->link.next : blk_devices.next;

	return n == &blk_devices ? NULL : list_entry(n, struct block_device, link);
}

static bool in_range(struct block_device *b, u64 off, size_t len)
{
	return off <= b->size && len <= b->size - off;
}

/* One partial sector through a bounce buffer: read it, and for a write merge and write. */
static int partial_sector(struct block_device *b, u64 off, void *rbuf, const void *wbuf,
			  size_t len)
{
	u64 sec = ALIGN_DOWN(off, BLK_SECTOR_SIZE);
	size_t in = off - sec;
	char *bounce = kmalloc(BLK_SECTOR_SIZE);
	int r;

	if (!bounce)
		return -ENOMEM;
	r = b->ops->read(b, sec, bounce, BLK_SECTOR_SIZE);
	if (r == 0 && rbuf)
		memcpy(rbuf, bounce + in, len);
	if (r == 0 && wbuf) {
		memcpy(bounce + in, wbuf, len);
		r = b->ops->write(b, sec, bounce, BLK_SECTOR_SIZE);
	}
	kfree(bounce);
	return r;
}

/* The common walk of blkdev_read and blkdev_write: aligned middle, bounced edges. */
static int blkdev_rw(struct block_device *b, u64 off, void *rbuf, const void *wbuf,
		     size_t len)
{
	while (len) {
		size_t head = off % BLK_SECTOR_SIZE, n;
		int r;

		if (head || len < BLK_SECTOR_SIZE) {
			n = min(len, (size_t)(BLK_SECTOR_SIZE - head));
			r = partial_sector(b, off, rbuf, wbuf, n);
		} else {
			n = ALIGN_DOWN(len, BLK_SECTOR_SIZE);
			r = rbuf ? b->ops->read(b, off, rbuf, n) : b->ops->write(b, off, wbuf, n);
		}
		if (r < 0)
			return r;
		off += n;
		len -= n;
		if (rbuf)
			rbuf = (char *)rbuf + n;
		else
			wbuf = (const char *)wbuf + n;
	}
	return 0;
}

/* The sectors a byte range touches. */
static u64 range_sectors(u64 off, size_t len)
{
	if (!len)
		return 0;
	return (off + len - 1) / BLK_SECTOR_SIZE - off / BLK_SECTOR_SIZE + 1;
}

phys_t blkdev_map_shared(struct block_device *b, u64 off)
{
	if (!b->shareable || !b->ops->map_shared || (off & (PAGE_SIZE - 1)) ||
	    !in_range(b, off, PAGE_SIZE))
		return 0;
	return b->ops->map_shared(b, off);
}

int blkdev_read(struct block_device *b, u64 off, void *buf, size_t len)
{
	int r;

	if (!in_range(b, off, len))
		return -EINVAL;
	r = blkdev_rw(b, off, buf, NULL, len);
	if (r == 0) {
		b->stats.read_ios++;
		b->stats.read_sectors += range_sectors(off, len);
	}
	return r;
}

int blkdev_write(struct block_device *b, u64 off, const void *buf, size_t len)
{
	if (b->readonly)
		return -EROFS;
	int r;

	if (!in_range(b, off, len))
		return -EINVAL;
	r = blkdev_rw(b, off, NULL, buf, len);
	if (r == 0) {
		b->stats.write_ios++;
		b->stats.write_sectors += range_sectors(off, len);
	}
	return r;
}

int blkdev_flush(struct block_device *b)
{
	b->stats.flush_ios++;
	return b->ops->flush ? b->ops->flush(b) : 0;
}

/* ---- the same, for host-side filesystem code (kern_util.h) */

int kern_blk_read(void *bdev, uint64_t off, void *buf, size_t len)
{
	return blkdev_read(bdev, off, buf, len);
}

int kern_blk_write(void *bdev, uint64_t off, const void *buf, size_t len)
{
	return blkdev_write(bdev, off, buf, len);
}

int kern_blk_flush(void *bdev)
{
	return blkdev_flush(bdev);
}
