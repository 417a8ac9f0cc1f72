/*
 * procfs, open files of a process: /proc/PID/fd/N (magic links to the open files) and
 * /proc/PID/fdinfo/N (position, flags, mount), and the names Linux gives open files
 * (paths, "pipe:[ino]", "socket:[ino]", "anon_inode:..."), also used by maps and exe.
 *
 * Layer: entries for the generic code of procfs.c. The descriptor table read is the
 * task's own (task->files); nothing is kept between calls.
 *
 * Following fd/N of a file that has no name (a pipe, shared memory) yields a path to a
 * detached dentry of the file's inode, so that opening /proc/self/fd/0 (and /dev/stdin) on
 * a pipe opens the pipe again, FIFO style, as on Linux.
 */
#include "kernel.h"
#include "fs.h"
#include "../internal.h"
#include "slab.h"
#include "task.h"
#include "procfs.h"

long procfs_path_name(const struct path *p, char *buf)
{
	struct path root = { NULL, NULL };
	long n;

	if (current->fs)
		fs_get_root(&root);
	n = path_to_string(p, &root, buf, PATH_MAX_LEN);
	path_put(&root);
	return n;
}

long procfs_file_name(struct file *f, char *buf)
{
	struct inode *in = f->inode;
	struct dentry *d = f->path.dentry;

	if (d && f->path.mnt)
		return procfs_path_name(&f->path, buf);
	if (in && S_ISFIFO(in->mode))
		return ksnprintf(buf, PATH_MAX_LEN, "pipe:[%llu]", (unsigned long long)in->ino);
	if (in && S_ISSOCK(in->mode))
		return ksnprintf(buf, PATH_MAX_LEN, "socket:[%llu]", (unsigned long long)in->ino);
	if (in && S_ISREG(in->mode)) /* shared anonymous memory, memfd */
		return memfd_proc_name(in, buf, PATH_MAX_LEN);
	if (d)
		return ksnprintf(buf, PATH_MAX_LEN, "anon_inode:%.*s", d->namelen, d->name);
	return ksnprintf(buf, PATH_MAX_LEN, "anon_inode:[%s]",
			 in && in->sb && in->sb->type ? in->sb->type->name : "unknown");
}

/* The open file at pi->fd in t's table, or NULL. */
static struct file *fd_file(const struct proc_inode *pi, struct task *t)
{
	struct files_struct *fs = t ? t->files : NULL;

	if (!fs || pi->fd < 0 || pi->fd >= fs->max_fds)
		return NULL;
	return fs->fd[pi->fd];
}

static long fd_readlink(const struct proc_inode *pi, struct task *t, char *buf)
{
	struct file *f = fd_file(pi, t);

	return f ? procfs_file_name(f, buf) : -ENOENT;
}

/* A path to an unnamed file's inode (pipe, shared memory): a detached dentry on the root. */
static int fd_detached_path(struct file *f, struct path *out)
{
	char name[32];
	int len = ksnprintf(name, sizeof(name), "%s:[%llu]", S_ISFIFO(f->inode->mode) ? "pipe" :
			    "anon", (unsigned long long)f->inode->ino);
	struct dentry *d = dentry_alloc(NULL, name, len);

	if (!d)
		return -ENOMEM;
	d->sb = f->inode->sb;
	d->flags |= DCACHE_NOCACHE;
	inode_get(f->inode);
	d_instantiate(d, f->inode);
	mount_get(root_mount);
	out->mnt = root_mount;
	out->dentry = d;
	return 0;
}

static int fd_get_link(const struct proc_inode *pi, struct task *t, struct path *out)
{
	struct file *f = fd_file(pi, t);

	if (!f)
		return -ENOENT;
	if (f->path.dentry && f->path.mnt) {
		*out = f->path;
		path_get(out);
		return 0;
	}
	if (f->inode && root_mount &&
	    (S_ISFIFO(f->inode->mode) || (S_ISREG(f->inode->mode) && f->inode->i_fop)))
		return fd_detached_path(f, out);
	return -ENXIO;
}

/* Links show the open mode: lr-x------ read, l-wx------ write, lrwx------ both. */
static void fd_init_inode(struct inode *inode, const struct proc_inode *pi, struct task *t)
{
	struct file *f = fd_file(pi, t);
	u32 mode = S_IFLNK;

	if (f && (f->mode & FMODE_READ))
		mode |= 0500;
	if (f && (f->mode & FMODE_WRITE))
		mode |= 0300;
	inode->mode = mode;
}

/* A mount's id (fdinfo's mnt_id, mountinfo's first field): its place in mount order. */
int procfs_mount_id(const struct mount *mnt)
{
	const struct mount *m;
	int id = 1;

	list_for_each_entry(m, &mount_list, link) {
		if (m == mnt)
			return id;
		id++;
	}
	return 0;
}

/* The lines a file kind adds (eventfd-count:, tfd:, sigmask: ...). */
static int show_fdinfo_extra(struct procfs_buf *b, struct file *f)
{
	char *buf;

	if (!f->f_op || !f->f_op->show_fdinfo)
		return 0;
	buf = kmalloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	f->f_op->show_fdinfo(f, buf, PAGE_SIZE);
	procfs_printf(b, "%s", buf);
	kfree(buf);
	return 0;
}

static int show_fdinfo(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct file *f = fd_file(pi, t);
	struct files_struct *fs = t->files;
	unsigned flags;

	if (!f)
		return -ENOENT;
	flags = (f->flags & ~O_ACCMODE) | O_LARGEFILE;
	if ((f->mode & FMODE_READ) && (f->mode & FMODE_WRITE))
		flags |= O_RDWR;
	else if (f->mode & FMODE_WRITE)
		flags |= O_WRONLY;
	if (fs->cloexec && (fs->cloexec[pi->fd / 64] >> (pi->fd % 64) & 1))
		flags |= O_CLOEXEC;
	procfs_printf(b, "pos:\t%lld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%llu\n", (long long)f->pos,
		      flags, procfs_mount_id(f->path.mnt),
		      (unsigned long long)(f->inode ? f->inode->ino : 0));
	return show_fdinfo_extra(b, f);
}

static long fd_next(const struct proc_inode *dir, long from)
{
	struct task *t = procfs_task(dir);
	struct files_struct *fs = t ? t->files : NULL;

	if (!fs || from < 0)
		return -1;
	for (long i = from; i < fs->max_fds; i++) {
		if (fs->fd[i])
			return i;
	}
	return -1;
}

static void fd_fill(const struct proc_inode *dir, long key, struct proc_inode *child)
{
	child->fd = (int)key;
}

static struct proc_entry fd_link = {
	.name = "fd",
	.mode = S_IFLNK | 0700,
	.flags = PE_PRIVATE,
	.readlink = fd_readlink,
	.get_link = fd_get_link,
	.init_inode = fd_init_inode,
};

static struct proc_entry fdinfo_file = PROC_FILE_PRIV("fdinfo", 0444, show_fdinfo);

const struct proc_dyn procfs_fd_dyn = {
	.child = &fd_link,
	.next = fd_next,
	.fill = fd_fill,
};

const struct proc_dyn procfs_fdinfo_dyn = {
	.child = &fdinfo_file,
	.next = fd_next,
	.fill = fd_fill,
};
