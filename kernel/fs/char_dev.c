/*
 * Character device numbers (VFS layer, between open and the drivers): drivers register
 * their file_operations for a range of minors of a major, and opening a character special
 * file (whose inode's i_fop is chrdev_open_fops, set by inode_alloc) finds the driver by
 * the inode's rdev, installs the driver's fops in the open file and calls its ->open.
 *
 * Opening a device on a mount with MNT_NODEV is -EACCES, as in Linux. Block special files
 * are block_dev.c's.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"

struct chrdev {
	u32 major, minor, count;   /* minors [minor, minor + count) of major */
	const char *name;
	const struct file_operations *fops;
	struct list_head link;     /* in chrdevs */
};

static LIST_HEAD(chrdevs);

static struct chrdev *chrdev_find(u32 major, u32 minor)
{
	struct chrdev *c;

	list_for_each_entry(c, &chrdevs, link) {
		if (c->major == major && minor >= c->minor && minor - c->minor < c->count)
			return c;
	}
	return NULL;
}

/* Register fops for major:[minor, minor+count); -EBUSY on overlap, -EINVAL on count 0. */
int chrdev_register(u32 major, u32 minor, u32 count, const char *name,
		    const struct file_operations *fops)
{
	struct chrdev *c;

	if (count == 0 || minor + count < minor || !fops)
		return -EINVAL;
	list_for_each_entry(c, &chrdevs, link) {
		if (c->major == major && minor < c->minor + c->count && c->minor < minor + count)
			return -EBUSY;
	}
	c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->major = major;
	c->minor = minor;
	c->count = count;
	c->name = name;
	c->fops = fops;
	list_add_tail(&c->link, &chrdevs);
	return 0;
}

static int chrdev_open(struct inode *inode, struct file *f)
{
	struct chrdev *c;

	if (f->path.mnt && (f->path.mnt->flags & MNT_NODEV))
		return -EACCES;
	c = chrdev_find(MAJOR(inode->rdev), MINOR(inode->rdev));
	if (!c)
		return -ENXIO;
	f->f_op = c->fops;
	if (f->f_op->open)
		return f->f_op->open(inode, f);
	return 0;
}

const struct file_operations chrdev_open_fops = {
	.open = chrdev_open,
};
