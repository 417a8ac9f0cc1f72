/*
 * Open files on anonymous inodes that /proc names "anon_inode:NAME" (inotify, pidfd): an
 * inode of the anonymous superblock (mode 0600, no type, as Linux's anon inodes) and a
 * detached dentry carrying the name.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"

struct file *file_anon_named(const char *name, const struct file_operations *fops,
			     unsigned flags, void *private)
{
	struct inode *inode = inode_alloc(NULL, 0600);
	struct dentry *d = dentry_alloc(NULL, name, (int)strlen(name));
	struct file *f = inode && d ? file_alloc_anon(inode, fops, flags, private) : NULL;

	if (IS_ERR_OR_NULL(f)) {
		if (d)
			dentry_put(d);
		if (inode)
			inode_put(inode);
		return ERR_PTR(-ENOMEM);
	}
	d->sb = inode->sb;
	d->flags |= DCACHE_NOCACHE;
	d_instantiate(d, inode); /* takes over our inode reference; the file has its own */
	f->path.dentry = d;
	return f;
}
