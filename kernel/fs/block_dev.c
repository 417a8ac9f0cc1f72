/*
 * Block special files (VFS layer, between open and the block layer): opening an S_IFBLK
 * inode (whose i_fop is blkdev_open_fops) finds the registered block device by the
 * inode's rdev and gives the open file byte-addressed read/write/lseek/fsync over the
 * whole device through blkdev_read/blkdev_write, and the block ioctls tools use
 * (BLKGETSIZE64, BLKGETSIZE, BLKSSZGET, BLKBSZGET, BLKPBSZGET, BLKROGET, BLKFLSBUF).
 *
 * As in Linux: reads stop at the end of the device, a write that starts at the end gets
 * -ENOSPC and one that crosses it is cut short; the device's size is what SEEK_END sees
 * (st_size of the node stays 0). Writes to a read-only device fail with -EROFS. Data goes
 * through a bounce buffer of at most BDEV_CHUNK bytes per step.
 */
#include "kernel.h"
#include "blkdev.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "uaccess.h"

#include <linux/fs.h>

#define BDEV_CHUNK (64 * 1024)

static struct block_device *file_bdev(struct file *f)
{
	return f->private;
}

/* Copy between the device and the iterator, BDEV_CHUNK at a time. Bytes moved or -errno. */
static ssize_t bdev_transfer(struct file *f, struct iov_iter *it, loff_t *pos, bool write)
{
	struct block_device *b = file_bdev(f);
	size_t want, done = 0;
	char *buf;
	int err = 0;

	if (*pos < 0)
		return -EINVAL;
	if ((u64)*pos >= b->size)
		return write && it->count ? -ENOSPC : 0;
	want = (size_t)min((u64)it->count, b->size - (u64)*pos);
	buf = kmalloc(min(want, (size_t)BDEV_CHUNK) ?: 1);
	if (!buf)
		return -ENOMEM;
	while (done < want) {
		size_t n = min(want - done, (size_t)BDEV_CHUNK), c;
		u64 off = (u64)*pos + done;

		if (write) {
			c = iter_copy_from(buf, it, n);
			err = c ? blkdev_write(b, off, buf, c) : -EFAULT;
		} else {
			err = blkdev_read(b, off, buf, n);
			c = err ? 0 : iter_copy_to(it, buf, n);
			if (!err && !c)
				err = -EFAULT;
		}
		if (err)
			break;
		done += c;
		if (c < n)
			break;
	}
	kfree(buf);
	*pos += (loff_t)done;
	return done ? (ssize_t)done : err;
}

static ssize_t bdev_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return bdev_transfer(f, to, pos, false);
}

static ssize_t bdev_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	if (file_bdev(f)->readonly)
		return -EROFS;
	return bdev_transfer(f, from, pos, true);
}

static loff_t bdev_llseek(struct file *f, loff_t off, int whence)
{
	loff_t base, pos;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = (loff_t)file_bdev(f)->size;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, off, &pos) || pos < 0 ||
	    (u64)pos > file_bdev(f)->size)
		return -EINVAL;
	f->pos = pos;
	return pos;
}

static int bdev_fsync(struct file *f, bool datasync)
{
	return blkdev_flush(file_bdev(f));
}

static long put_u64(u64 v, u64 arg)
{
	return put_user(v, (uaddr_t)arg) ? -EFAULT : 0;
}

static long put_int(int v, u64 arg)
{
	return put_user(v, (uaddr_t)arg) ? -EFAULT : 0;
}

static long bdev_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct block_device *b = file_bdev(f);

	switch (cmd) {
	case BLKGETSIZE64:
		return put_u64(b->size, arg);
	case BLKGETSIZE: /* unsigned long, in 512-byte sectors */
		return put_u64(b->size / BLK_SECTOR_SIZE, arg);
	case BLKSSZGET:
	case BLKPBSZGET:
	case BLKIOMIN:
		return put_int(BLK_SECTOR_SIZE, arg);
	case BLKBSZGET:
		return put_int((int)PAGE_SIZE, arg);
	case BLKIOOPT:
		return put_int(0, arg);
	case BLKROGET:
		return put_int(b->readonly, arg);
	case BLKFLSBUF:
		return blkdev_flush(b);
	case BLKRRPART:
		return -EINVAL; /* no partition tables */
	}
	return -ENOTTY;
}

static void bdev_release(struct inode *inode, struct file *f)
{
	struct block_device *b = file_bdev(f);

	if (b && b->openers > 0)
		b->openers--;
}

static const struct file_operations bdev_fops = {
	.read = bdev_read,
	.write = bdev_write,
	.llseek = bdev_llseek,
	.fsync = bdev_fsync,
	.ioctl = bdev_ioctl,
	.release = bdev_release,
};

static int bdev_open(struct inode *inode, struct file *f)
{
	struct block_device *b;

	if (f->path.mnt && (f->path.mnt->flags & MNT_NODEV))
		return -EACCES;
	b = blkdev_find(inode->rdev);
	if (!b)
		return -ENXIO;
	f->private = b;
	f->f_op = &bdev_fops;
	b->openers++;
	return 0;
}

const struct file_operations blkdev_open_fops = {
	.open = bdev_open,
};
