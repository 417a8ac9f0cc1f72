/*
 * Anonymous-inode files (eventpoll, eventfd, timerfd, signalfd, inotify, pidfd): an open
 * file on a fresh inode of the anonymous superblock, with a detached dentry named like
 * Linux's anon inode files ("[eventfd]"), so that /proc/PID/fd/N reads
 * "anon_inode:[eventfd]". The dentry has no mount: the file cannot be reopened through
 * /proc, as on Linux.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"

struct file *anon_inode_file(const char *name, const struct file_operations *fop,
			     unsigned flags, void *private)
{
	struct inode *inode = inode_alloc(NULL, 0600);
	struct dentry *d;
	struct file *f;

	if (!inode)
		return ERR_PTR(-ENOMEM);
	d = dentry_alloc(NULL, name, (int)strlen(name));
	if (!d) {
		inode_put(inode);
		return ERR_PTR(-ENOMEM);
	}
	d->sb = inode->sb;
	d->flags |= DCACHE_NOCACHE;
	inode_get(inode);
	d_instantiate(d, inode);
	f = file_alloc_anon(inode, fop, flags, private);
	inode_put(inode);
	if (IS_ERR(f)) {
		dentry_put(d);
		return f;
	}
	f->path.dentry = d; /* the file's reference on d */
	return f;
}
