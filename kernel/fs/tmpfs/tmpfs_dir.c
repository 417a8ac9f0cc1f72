/*
 * tmpfs directories and symlinks: the directory inode operations (create, mkdir, mknod,
 * symlink, link, unlink, rmdir, rename), readlink, and readdir (filesystem layer).
 *
 * Division of work with the VFS (namei_ops.c): the VFS resolves names, checks permissions,
 * types and emptiness, and after a successful ->unlink/->rmdir/->rename changes the dentry
 * tree itself (d_delete, d_move, d_exchange). The operations here instantiate negative
 * dentries (pinning them: the tree is the filesystem) and keep link counts, directory
 * sizes and times right. A directory's nlink is 2 + its subdirectories.
 *
 * Readdir positions: 0 and 1 are "." and ".."; every entry gets a cookie from its
 * directory's counter when it is created or renamed into place, kept in dentry->private,
 * and readdir returns entries in cookie order from the position on. A cookie never changes
 * while its name exists, so unlinking or creating entries during a readdir neither skips
 * nor repeats the others.
 */
#include "kernel.h"
#include "fs.h"
#include "slab.h"
#include "../internal.h"
#include "tmpfs.h"

#include <linux/fs.h>

#define TMPFS_LINK_MAX 0xfffffff0U
#define DT_DIR 4 /* readdir types are the S_IFMT bits >> 12 */

static u64 next_cookie(struct inode *dir)
{
	return TMPFS_I(dir)->next_cookie++;
}

static void dir_changed(struct inode *dir, int entries)
{
	dir->size += (s64)entries * TMPFS_DIRENT_SIZE;
	inode_touch(dir, false, true, true);
}

/* Attach inode (the caller's reference) to the negative dentry d in dir. */
static void tmpfs_instantiate(struct inode *dir, struct dentry *d, struct inode *inode)
{
	d_instantiate(d, inode);
	d->flags |= DCACHE_PINNED;
	d->private = (void *)(uintptr_t)next_cookie(dir);
	/* Keep the children list in cookie order (readdir walks it). */
	if (d->parent && !d_unhashed(d))
		list_move_tail(&d->sibling, &d->parent->children);
	dir_changed(dir, 1);
}

/* Make a new inode of mode in dir and name it d; target for symlinks. */
static int tmpfs_make(struct inode *dir, struct dentry *d, u32 mode, u32 rdev,
		      const char *target)
{
	struct inode *inode;

	if (!dir->nlink)
		return -ENOENT; /* the directory was removed */
	if (d->inode)
		return -EEXIST;
	inode = tmpfs_new_inode(dir->sb, dir, mode, rdev);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	if (target) {
		TMPFS_I(inode)->link = kstrdup(target);
		if (!TMPFS_I(inode)->link) {
			inode_put(inode);
			return -ENOMEM;
		}
		inode->size = strlen(target);
	}
	if (S_ISDIR(mode))
		dir->nlink++;
	tmpfs_instantiate(dir, d, inode);
	return 0;
}

static int tmpfs_create(struct inode *dir, struct dentry *d, u32 mode)
{
	return tmpfs_make(dir, d, S_IFREG | (mode & 07777), 0, NULL);
}

static int tmpfs_mkdir(struct inode *dir, struct dentry *d, u32 mode)
{
	return tmpfs_make(dir, d, S_IFDIR | (mode & 07777), 0, NULL);
}

static int tmpfs_mknod(struct inode *dir, struct dentry *d, u32 mode, u32 rdev)
{
	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	switch (mode & S_IFMT) {
	case S_IFCHR:
	case S_IFBLK:
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		rdev = 0;
		break;
	default:
		return -EINVAL;
	}
	return tmpfs_make(dir, d, mode & (S_IFMT | 07777), rdev, NULL);
}

static int tmpfs_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	size_t len = strnlen(target, PAGE_SIZE);

	if (len >= PAGE_SIZE)
		return -ENAMETOOLONG;
	if (!len)
		return -ENOENT;
	return tmpfs_make(dir, d, S_IFLNK | 0777, 0, target);
}

static int tmpfs_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *inode = old->inode;

	if (!dir->nlink || !inode || !inode->nlink)
		return -ENOENT;
	if (d->inode)
		return -EEXIST;
	if (S_ISDIR(inode->mode))
		return -EPERM;
	if (inode->nlink >= TMPFS_LINK_MAX)
		return -EMLINK;
	inode->nlink++;
	inode_get(inode);
	inode_touch(inode, false, false, true);
	tmpfs_instantiate(dir, d, inode);
	return 0;
}

static bool has_positive_children(struct dentry *d)
{
	struct dentry *c;

	list_for_each_entry(c, &d->children, sibling) {
		if (c->inode)
			return true;
	}
	return false;
}

static int tmpfs_unlink(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->inode;

	if (!inode)
		return -ENOENT;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (inode->nlink)
		inode->nlink--;
	inode_touch(inode, false, false, true);
	dir_changed(dir, -1);
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->inode;

	if (!inode)
		return -ENOENT;
	if (!S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (has_positive_children(d))
		return -ENOTEMPTY;
	inode->nlink = 0;
	inode_touch(inode, false, false, true);
	dir->nlink--;
	dir_changed(dir, -1);
	return 0;
}

/* RENAME_EXCHANGE: both names exist and swap places. */
static int rename_exchange(struct inode *odir, struct dentry *od, struct inode *ndir,
			   struct dentry *nd)
{
	struct inode *a = od->inode, *b = nd->inode;

	if (odir != ndir && S_ISDIR(a->mode) != S_ISDIR(b->mode)) {
		struct inode *gains = S_ISDIR(a->mode) ? ndir : odir;
		struct inode *loses = S_ISDIR(a->mode) ? odir : ndir;

		gains->nlink++;
		loses->nlink--;
	}
	/* The VFS moves od under ndir first, then nd under odir: cookies in that order. */
	od->private = (void *)(uintptr_t)next_cookie(ndir);
	nd->private = (void *)(uintptr_t)next_cookie(odir);
	inode_touch(a, false, false, true);
	inode_touch(b, false, false, true);
	dir_changed(odir, 0);
	dir_changed(ndir, 0);
	return 0;
}

/* Drop the inode a rename replaces (the VFS checked that the types agree). */
static int rename_drop_target(struct inode *ndir, struct dentry *nd, struct inode *src)
{
	struct inode *tgt = nd->inode;

	if (S_ISDIR(tgt->mode)) {
		if (!S_ISDIR(src->mode))
			return -EISDIR;
		if (has_positive_children(nd))
			return -ENOTEMPTY;
		tgt->nlink = 0;
		ndir->nlink--;
	} else {
		if (S_ISDIR(src->mode))
			return -ENOTDIR;
		if (tgt->nlink)
			tgt->nlink--;
	}
	inode_touch(tgt, false, false, true);
	dir_changed(ndir, -1);
	return 0;
}

static int tmpfs_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
			struct dentry *nd, unsigned flags)
{
	struct inode *src = od->inode;
	int r;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (!src || !ndir->nlink)
		return -ENOENT;
	if (flags & RENAME_EXCHANGE)
		return nd->inode ? rename_exchange(odir, od, ndir, nd) : -ENOENT;
	if (nd->inode) {
		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		r = rename_drop_target(ndir, nd, src);
		if (r)
			return r;
	}
	if (S_ISDIR(src->mode) && odir != ndir) {
		odir->nlink--;
		ndir->nlink++;
	}
	od->private = (void *)(uintptr_t)next_cookie(ndir);
	inode_touch(src, false, false, true);
	dir_changed(odir, -1);
	dir_changed(ndir, 1);
	return 0;
}

static long tmpfs_readlink(struct dentry *d, char *buf, size_t len)
{
	const char *target = d->inode ? TMPFS_I(d->inode)->link : NULL;
	size_t n;

	if (!target)
		return -EINVAL;
	n = min(strlen(target), len);
	memcpy(buf, target, n);
	return (long)n;
}

/* ---- readdir */

/*
 * Put the children of dir in cookie order. They normally are (entries are appended as
 * they get cookies); this repairs any other order the VFS's tree moves left, in O(n)
 * for a sorted list. Negative children (cookie 0) go first and are skipped by readdir.
 */
static void children_sort(struct dentry *dir)
{
	struct list_head *pos, *next, *ins;

	for (pos = dir->children.next; pos != &dir->children; pos = next) {
		u64 ck = tmpfs_cookie(list_entry(pos, struct dentry, sibling));

		next = pos->next;
		for (ins = pos->prev; ins != &dir->children; ins = ins->prev) {
			if (tmpfs_cookie(list_entry(ins, struct dentry, sibling)) <= ck)
				break;
		}
		if (ins != pos->prev) {
			list_del(pos);
			list_add(pos, ins);
		}
	}
}

static unsigned dtype(const struct inode *inode)
{
	return (inode->mode & S_IFMT) >> 12;
}

static int tmpfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->path.dentry, *c;
	struct inode *inode = f->inode;

	if (!dir || !inode || !inode->nlink)
		return -ENOENT;
	tmpfs_accessed(inode);
	if (ctx->pos == 0) {
		if (!ctx->actor(ctx, ".", 1, inode->ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		u64 pino = dir->parent && dir->parent->inode ? dir->parent->inode->ino : inode->ino;

		if (!ctx->actor(ctx, "..", 2, pino, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	children_sort(dir);
	list_for_each_entry(c, &dir->children, sibling) {
		u64 ck = tmpfs_cookie(c);

		if (!c->inode || ck < (u64)ctx->pos)
			continue;
		if (!ctx->actor(ctx, c->name, c->namelen, c->inode->ino, dtype(c->inode)))
			return 0;
		ctx->pos = (loff_t)(ck + 1);
	}
	return 0;
}

static ssize_t tmpfs_dir_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return -EISDIR;
}

static int tmpfs_fsync(struct file *f, bool datasync)
{
	return 0;
}

const struct inode_operations tmpfs_dir_iops = {
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.mknod = tmpfs_mknod,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
	TMPFS_XATTR_IOPS,
};

const struct inode_operations tmpfs_symlink_iops = {
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
	TMPFS_XATTR_IOPS,
};

const struct inode_operations tmpfs_special_iops = {
	.setattr = tmpfs_setattr,
	TMPFS_XATTR_IOPS,
};

const struct file_operations tmpfs_dir_fops = {
	.read = tmpfs_dir_read,
	.iterate = tmpfs_iterate,
	.fsync = tmpfs_fsync,
};
