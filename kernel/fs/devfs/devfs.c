/*
 * devtmpfs and the memory devices (filesystem and driver layer).
 *
 * devtmpfs is a tmpfs instance (fs/tmpfs) that each mount populates with the standard
 * nodes: the memory devices, tty and console, the pts and shm directories and the
 * /proc/self/fd links. The nodes are made through the tmpfs directory operations, owned
 * by root, and can be changed or removed like any tmpfs file. The block devices registered
 * at mount time (ubda...) get their nodes too, and so do the ones hot-plugged later (the
 * mounted instances are kept on a list); an unplugged device's node goes away.
 *
 * The memory devices (major 1) are the drivers behind null, zero, full, random and
 * urandom, registered with chrdev_register by devfs_init (which tmpfs_init calls, so one
 * boot hook sets up both, and devpts with them). tty, console and ptmx (major 5) belong to
 * the console and pty drivers.
 */
#include "kernel.h"
#include "blkdev.h"
#include "devpts.h"
#include "fs.h"
#include "mm.h"
#include "os.h"
#include "sig.h"
#include "slab.h"
#include "task.h"
#include "../internal.h"
#include "../tmpfs/tmpfs.h"

#define MEM_MAJOR 1
#define TTYAUX_MAJOR 5
/* Host getrandom calls ask for at most this much (one call never blocks for long). */
#define RANDOM_CHUNK 256

/* ---- the memory devices */

/* null, zero and full seek nowhere: the position stays 0. */
static loff_t mem_lseek(struct file *f, loff_t off, int whence)
{
	f->pos = 0;
	return 0;
}

static ssize_t null_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return 0;
}

static ssize_t mem_write_all(struct file *f, struct iov_iter *from, loff_t *pos)
{
	return (ssize_t)from->count;
}

static ssize_t zero_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	size_t want = to->count, n = iter_zero(to, want);

	if (!n && want)
		return -EFAULT;
	return (ssize_t)n;
}

static ssize_t full_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	return -ENOSPC;
}

/*
 * Mapping /dev/zero: a private mapping becomes plain anonymous memory, a shared one is
 * backed by a fresh unnamed tmpfs file (what MAP_SHARED|MAP_ANONYMOUS gets), as Linux does.
 * Called by mmap right after the VMA was made and before any page of it was touched.
 */
static int zero_mmap(struct file *f, struct vma *vma)
{
	struct file *shm = NULL;

	if (vma->flags & VM_SHARED) {
		shm = tmpfs_anon_file("dev/zero", vma->end - vma->start);
		if (IS_ERR(shm))
			return (int)PTR_ERR(shm);
	}
	if (vma->file)
		file_put(vma->file);
	vma->file = shm;
	vma->pgoff = 0;
	return 0;
}

/* Random bytes from the host, in chunks; stops early (with data) when a signal is pending. */
static ssize_t random_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	u8 buf[RANDOM_CHUNK];
	size_t done = 0;
	ssize_t err = 0;

	while (to->count) {
		size_t n = min(to->count, sizeof(buf)), c;
		long r;

		if (done && signal_pending(current))
			break;
		r = os_getrandom(buf, n);
		if (r <= 0) {
			err = -EIO;
			break;
		}
		c = iter_copy_to(to, buf, (size_t)r);
		done += c;
		if (c < (size_t)r) {
			err = -EFAULT;
			break;
		}
	}
	memset(buf, 0, sizeof(buf));
	return done ? (ssize_t)done : err;
}

static unsigned random_poll(struct file *f, struct poll_table *pt)
{
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

/* random and urandom keep whatever position they are given (Linux's noop_llseek). */
static loff_t random_lseek(struct file *f, loff_t off, int whence)
{
	return f->pos;
}

static const struct file_operations null_fops = {
	.read = null_read,
	.write = mem_write_all,
	.llseek = mem_lseek,
};

static const struct file_operations zero_fops = {
	.read = zero_read,
	.write = mem_write_all,
	.llseek = mem_lseek,
	.mmap = zero_mmap,
};

static const struct file_operations full_fops = {
	.read = zero_read,
	.write = full_write,
	.llseek = mem_lseek,
};

static const struct file_operations random_fops = {
	.read = random_read,
	.write = mem_write_all,
	.llseek = random_lseek,
	.poll = random_poll,
};

/* ---- devtmpfs */

static const struct devfs_node {
	const char *name;
	u32 mode;
	u32 major, minor;
	const char *target;                 /* symlinks */
	const struct file_operations *fops; /* memory devices: the driver registered */
} devfs_nodes[] = {
	{ "null", S_IFCHR | 0666, MEM_MAJOR, 3, NULL, &null_fops },
	{ "zero", S_IFCHR | 0666, MEM_MAJOR, 5, NULL, &zero_fops },
	{ "full", S_IFCHR | 0666, MEM_MAJOR, 7, NULL, &full_fops },
	{ "random", S_IFCHR | 0666, MEM_MAJOR, 8, NULL, &random_fops },
	{ "urandom", S_IFCHR | 0666, MEM_MAJOR, 9, NULL, &random_fops },
	{ "tty", S_IFCHR | 0666, TTYAUX_MAJOR, 0, NULL, NULL },
	{ "console", S_IFCHR | 0600, TTYAUX_MAJOR, 1, NULL, NULL },
	{ "ptmx", S_IFCHR | 0666, TTYAUX_MAJOR, 2, NULL, NULL },
	{ "pts", S_IFDIR | 0755, 0, 0, NULL, NULL },
	{ "shm", S_IFDIR | 01777, 0, 0, NULL, NULL },
	{ "fd", S_IFLNK | 0777, 0, 0, "/proc/self/fd", NULL },
	{ "stdin", S_IFLNK | 0777, 0, 0, "/proc/self/fd/0", NULL },
	{ "stdout", S_IFLNK | 0777, 0, 0, "/proc/self/fd/1", NULL },
	{ "stderr", S_IFLNK | 0777, 0, 0, "/proc/self/fd/2", NULL },
};

static int devfs_populate(struct dentry *root)
{
	for (unsigned i = 0; i < ARRAY_SIZE(devfs_nodes); i++) {
		const struct devfs_node *n = &devfs_nodes[i];
		int r = tmpfs_add_node(root, n->name, n->mode, MKDEV(n->major, n->minor),
				       n->target);

		if (r < 0)
			return r;
	}
	for (struct block_device *b = blkdev_next(NULL); b; b = blkdev_next(b)) {
		int r = tmpfs_add_node(root, b->name, S_IFBLK | 0660, b->dev, NULL);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Every mounted devtmpfs instance, for the nodes of block devices hot-plugged later. */
struct devtmpfs_sb {
	struct list_head link;
	struct super_block *sb;
};
static LIST_HEAD(devtmpfs_sbs);

/* A new devtmpfs instance, populated (mount options are ignored, as Linux does). */
static int devtmpfs_mount(struct file_system_type *type, const char *source,
			  unsigned long flags, const char *data, struct super_block **out)
{
	struct tmpfs_opts o = { .mode = 0755 };
	struct devtmpfs_sb *ds = kmalloc(sizeof(*ds));
	struct super_block *sb;
	int r = ds ? tmpfs_fill_super(type, &o, flags, &sb) : -ENOMEM;

	if (r < 0) {
		kfree(ds);
		return r;
	}
	r = devfs_populate(sb->root);
	if (r < 0) {
		tmpfs_kill_sb(sb);
		kfree(ds);
		return r;
	}
	ds->sb = sb;
	list_add_tail(&ds->link, &devtmpfs_sbs);
	*out = sb;
	return 0;
}

static void devtmpfs_kill_sb(struct super_block *sb)
{
	struct devtmpfs_sb *ds;

	list_for_each_entry(ds, &devtmpfs_sbs, link) {
		if (ds->sb == sb) {
			list_del(&ds->link);
			kfree(ds);
			break;
		}
	}
	tmpfs_kill_sb(sb);
}

void devtmpfs_blkdev_added(struct block_device *b)
{
	struct devtmpfs_sb *ds;

	list_for_each_entry(ds, &devtmpfs_sbs, link) {
		int r = tmpfs_add_node(ds->sb->root, b->name, S_IFBLK | 0660, b->dev, NULL);

		if (r < 0 && r != -EEXIST)
			pr_warn("devtmpfs: cannot make /dev/%s: %s\n", b->name, errname(r));
	}
}

void devtmpfs_blkdev_removed(struct block_device *b)
{
	struct devtmpfs_sb *ds;

	list_for_each_entry(ds, &devtmpfs_sbs, link)
		tmpfs_remove_node(ds->sb->root, b->name, S_IFBLK, b->dev);
}

static struct file_system_type devtmpfs_fs_type = {
	.name = "devtmpfs",
	.mount = devtmpfs_mount,
	.kill_sb = devtmpfs_kill_sb,
};

/* Register devtmpfs and the memory device drivers (from tmpfs_init). 0 or -errno. */
int devfs_init(void)
{
	int r = register_filesystem(&devtmpfs_fs_type);

	if (!r)
		r = devpts_init();

	for (unsigned i = 0; !r && i < ARRAY_SIZE(devfs_nodes); i++) {
		const struct devfs_node *n = &devfs_nodes[i];

		if (n->fops)
			r = chrdev_register(n->major, n->minor, 1, n->name, n->fops);
	}
	return r;
}
