/*
 * ext2/3/4 directories and symlinks (filesystem layer): lookup, readdir, create, mkdir,
 * mknod, symlink, link, unlink, rmdir, rename and readlink.
 *
 * Division of work with the VFS (namei_ops.c): the VFS resolves names and checks
 * permissions and types, then calls these operations, and after success moves or unhashes
 * dentries itself. Each operation here changes the disk at once through the host half
 * (names, link counts) and keeps the directory's name index (ext4_index.c) and the VFS
 * inodes (link counts) in step; timestamps the VFS sets are written back later. Positive
 * dentries are pinned: the dentry tree caches the directory tree.
 *
 * Ordering for crashes: a new name is added before an old one is removed (rename), so a
 * crash in between leaves an extra name, which e2fsck repairs, never a lost file.
 *
 * Readdir positions: 0 and 1 are the VFS's "." and ".."; an entry at byte offset o of
 * the directory has position o + 2 (ext4_dir_host.c explains why offsets are stable).
 */
#include "kernel.h"
#include "slab.h"
#include "task.h"
#include "../internal.h"
#include "ext4.h"

#include <linux/fs.h>

#define DIR_BUF 4096

/* ---- lookup and readdir */

static int ext4_lookup(struct inode *dir, struct dentry *d)
{
	struct ext4_dindex *ix = ext4_index_get(dir);
	struct ext4_dent *e;
	struct inode *inode;

	if (IS_ERR(ix))
		return PTR_ERR(ix);
	e = ext4_index_find(ix, d->name, d->namelen);
	if (!e)
		return 0;
	inode = ext4_iget(dir->sb, e->ino);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	d_instantiate(d, inode);
	d->flags |= DCACHE_PINNED;
	return 0;
}

/* Emit the packed records of buf (n bytes) read from position start; false when full. */
static bool emit_batch(struct dir_context *ctx, const char *buf, long n, u64 start)
{
	u64 cur = start;

	for (long off = 0; off < n;) {
		const struct ext4h_dirent *de = (const void *)(buf + off);

		ctx->pos = (loff_t)(cur + 2);
		if (!ctx->actor(ctx, de->name, de->namelen, de->ino, de->type))
			return false;
		cur = de->next;
		off += de->reclen;
	}
	ctx->pos = (loff_t)(cur + 2);
	return true;
}

static int ext4_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *inode = f->inode;
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	char *buf;
	long n = 0;

	if (!sbi->h)
		return -EIO;
	if (ctx->pos < 2)
		return 0;
	buf = kmalloc(DIR_BUF);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		u64 start = (u64)ctx->pos - 2, pos = start;

		n = ext4h_readdir(sbi->h, (u32)inode->ino, &pos, buf, DIR_BUF);
		if (n < 0) {
			ext4_report(inode->sb, "read directory", inode->ino, (int)n);
			break;
		}
		if (!emit_batch(ctx, buf, n, start))
			break;
		ctx->pos = (loff_t)(pos + 2);
		if (!n)
			break;
	}
	kfree(buf);
	ext4_accessed(inode);
	return n < 0 ? (int)n : 0;
}

static ssize_t ext4_dir_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return -EISDIR;
}

static int ext4_dir_fsync(struct file *f, bool datasync)
{
	struct inode *inode = f->inode;
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	int r;

	if (ext4_ro(inode->sb))
		return 0;
	r = ext4_write_attr(inode);
	if (!r)
		r = ext4h_sync(sbi->h, 1);
	return r;
}

/* ---- creation */

/* The attributes of a new inode of mode in dir: the caller's owner, set-group-id dirs. */
static void new_attr(struct inode *dir, u32 mode, u32 rdev, struct ext4h_attr *a)
{
	struct ktimespec now = current_time();

	memset(a, 0, sizeof(*a));
	a->mode = mode;
	a->uid = current->cred.fsuid;
	a->gid = current->cred.fsgid;
	if (dir->mode & S_ISGID) {
		a->gid = dir->gid;
		if (S_ISDIR(mode))
			a->mode |= S_ISGID;
	}
	a->flags = ext4_inherit_flags(dir, mode);
	a->atime = a->mtime = a->ctime = now.sec;
	a->atime_ns = a->mtime_ns = a->ctime_ns = (u32)now.nsec;
	if (S_ISCHR(mode) || S_ISBLK(mode))
		a->rdev = rdev;
}

/* The checks every operation that adds a name to dir makes. */
static int may_add(struct inode *dir, struct dentry *d)
{
	if (ext4_ro(dir->sb))
		return -EROFS;
	if (!dir->nlink)
		return -ENOENT; /* the directory was removed */
	if (d->inode)
		return -EEXIST;
	return 0;
}

/* Make a new inode of mode named d in dir (target: a symlink's). */
static int make_node(struct inode *dir, struct dentry *d, u32 mode, u32 rdev,
		     const char *target)
{
	struct ext4_sb *sbi = EXT4_SB(dir->sb);
	struct ext4h_attr a, out;
	struct inode *inode;
	u32 ino = 0;
	int r = may_add(dir, d);

	if (r)
		return r;
	new_attr(dir, mode, rdev, &a);
	r = ext4h_create(sbi->h, (u32)dir->ino, d->name, &a, target, &EXT4_I(dir)->insert_hint,
			 &ino, &out);
	sbi->dirty = true;
	if (r)
		return ext4_report(dir->sb, "create in directory", dir->ino, r);
	if (S_ISDIR(mode) && dir->nlink < EXT4_LINK_MAX)
		dir->nlink++;
	ext4_refresh_size(dir);
	ext4_index_add(dir, d->name, d->namelen, ino, mode);
	inode = ext4_inode_new(dir->sb, ino, &out);
	if (IS_ERR(inode))
		return PTR_ERR(inode); /* on the disk all the same: a lookup will find it */
	d_instantiate(d, inode);
	d->flags |= DCACHE_PINNED;
	return 0;
}

static int ext4_create(struct inode *dir, struct dentry *d, u32 mode)
{
	return make_node(dir, d, S_IFREG | (mode & 07777), 0, NULL);
}

static int ext4_mkdir(struct inode *dir, struct dentry *d, u32 mode)
{
	return make_node(dir, d, S_IFDIR | (mode & 07777), 0, NULL);
}

static int ext4_mknod(struct inode *dir, struct dentry *d, u32 mode, u32 rdev)
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
	return make_node(dir, d, mode & (S_IFMT | 07777), rdev, NULL);
}

static int ext4_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	size_t len = strnlen(target, PAGE_SIZE);

	if (!len)
		return -ENOENT;
	if (len >= EXT4_SB(dir->sb)->block_size)
		return -ENAMETOOLONG;
	return make_node(dir, d, S_IFLNK | 0777, 0, target);
}

static int ext4_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct ext4_sb *sbi = EXT4_SB(dir->sb);
	struct inode *inode = old->inode;
	int r = may_add(dir, d);

	if (r)
		return r;
	if (!inode || !inode->nlink)
		return -ENOENT;
	if (inode->nlink >= EXT4_LINK_MAX)
		return -EMLINK;
	r = ext4h_link(sbi->h, (u32)dir->ino, d->name, (u32)inode->ino, inode->mode,
		       &EXT4_I(dir)->insert_hint);
	sbi->dirty = true;
	if (r)
		return ext4_report(dir->sb, "link in directory", dir->ino, r);
	inode->nlink++;
	inode_touch(inode, false, false, true);
	ext4_write_attr(inode);
	ext4_refresh_size(dir);
	ext4_index_add(dir, d->name, d->namelen, (u32)inode->ino, inode->mode);
	inode_get(inode);
	d_instantiate(d, inode);
	d->flags |= DCACHE_PINNED;
	return 0;
}

/* ---- removal */

/* Remove the name d (of inode) from dir on the disk and in the index. */
static int remove_name(struct inode *dir, struct dentry *d, struct inode *inode)
{
	struct ext4_sb *sbi = EXT4_SB(dir->sb);
	int r;

	if (ext4_ro(dir->sb))
		return -EROFS;
	r = ext4h_unlink(sbi->h, (u32)dir->ino, d->name, (u32)inode->ino);
	sbi->dirty = true;
	if (r)
		return ext4_report(dir->sb, "unlink in directory", dir->ino, r);
	ext4_index_remove(dir, d->name, d->namelen);
	return 0;
}

/* A directory lost a subdirectory ("many" links, 1, stays so). */
static void drop_dir_link(struct inode *dir)
{
	if (dir->nlink > 2)
		dir->nlink--;
}

static int ext4_unlink(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->inode;
	int r;

	if (!inode)
		return -ENOENT;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	r = remove_name(dir, d, inode);
	if (r)
		return r;
	if (inode->nlink)
		inode->nlink--; /* at 0 the inode is freed when its last user goes */
	inode_touch(inode, false, false, true);
	ext4_write_attr(inode);
	return 0;
}

/* Is the directory inode empty? 0, -ENOTEMPTY or -errno. */
static int dir_empty(struct inode *inode)
{
	struct ext4_dindex *ix = ext4_index_get(inode);

	if (IS_ERR(ix))
		return PTR_ERR(ix);
	return ix->count ? -ENOTEMPTY : 0;
}

static int ext4_rmdir(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->inode;
	int r;

	if (!inode)
		return -ENOENT;
	if (!S_ISDIR(inode->mode))
		return -ENOTDIR;
	r = dir_empty(inode);
	if (!r)
		r = remove_name(dir, d, inode);
	if (r)
		return r;
	inode->nlink = 0;
	inode_touch(inode, false, false, true);
	ext4_write_attr(inode);
	ext4_index_free(inode);
	drop_dir_link(dir);
	ext4_write_attr(dir);
	return 0;
}

/* ---- rename */

/* A directory moved from odir to ndir: fix its ".." and the parents' link counts. */
static int move_dir(struct inode *child, struct inode *odir, struct inode *ndir)
{
	struct ext4_sb *sbi = EXT4_SB(child->sb);
	int r = ext4h_set_dotdot(sbi->h, (u32)child->ino, (u32)ndir->ino);

	if (r)
		return ext4_report(child->sb, "update .. of", child->ino, r);
	drop_dir_link(odir);
	if (ndir->nlink < EXT4_LINK_MAX && ndir->nlink != 1)
		ndir->nlink++;
	return 0;
}

static int rename_exchange(struct inode *odir, struct dentry *od, struct inode *ndir,
			   struct dentry *nd)
{
	struct ext4_sb *sbi = EXT4_SB(odir->sb);
	struct inode *a = od->inode, *b = nd->inode;
	int r;

	if (!b)
		return -ENOENT;
	r = ext4h_relink(sbi->h, (u32)odir->ino, od->name, (u32)b->ino, b->mode);
	if (!r)
		r = ext4h_relink(sbi->h, (u32)ndir->ino, nd->name, (u32)a->ino, a->mode);
	sbi->dirty = true;
	if (r)
		return ext4_report(odir->sb, "exchange in directory", odir->ino, r);
	ext4_index_set(odir, od->name, od->namelen, (u32)b->ino, b->mode);
	ext4_index_set(ndir, nd->name, nd->namelen, (u32)a->ino, a->mode);
	if (odir != ndir && S_ISDIR(a->mode))
		move_dir(a, odir, ndir);
	if (odir != ndir && S_ISDIR(b->mode))
		move_dir(b, ndir, odir);
	return 0;
}

/* The inode a rename replaces loses its name (the VFS checked the types agree). */
static int rename_check_target(struct inode *src, struct inode *tgt)
{
	if (S_ISDIR(tgt->mode)) {
		if (!S_ISDIR(src->mode))
			return -EISDIR;
		return dir_empty(tgt);
	}
	return S_ISDIR(src->mode) ? -ENOTDIR : 0;
}

static void rename_drop_target(struct inode *ndir, struct inode *tgt)
{
	if (S_ISDIR(tgt->mode)) {
		tgt->nlink = 0;
		ext4_index_free(tgt);
		drop_dir_link(ndir);
	} else if (tgt->nlink) {
		tgt->nlink--;
	}
	inode_touch(tgt, false, false, true);
	ext4_write_attr(tgt);
}

static int ext4_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
		       struct dentry *nd, unsigned flags)
{
	struct ext4_sb *sbi = EXT4_SB(odir->sb);
	struct inode *src = od->inode, *tgt = nd->inode;
	int r;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (ext4_ro(odir->sb))
		return -EROFS;
	if (!src || !ndir->nlink)
		return -ENOENT;
	if (flags & RENAME_EXCHANGE)
		return rename_exchange(odir, od, ndir, nd);
	if (tgt && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	r = tgt ? rename_check_target(src, tgt) : 0;
	if (!r && tgt)
		r = ext4h_relink(sbi->h, (u32)ndir->ino, nd->name, (u32)src->ino, src->mode);
	else if (!r)
		r = ext4h_link(sbi->h, (u32)ndir->ino, nd->name, (u32)src->ino, src->mode,
			       &EXT4_I(ndir)->insert_hint);
	sbi->dirty = true;
	if (r)
		return r == -ENOTEMPTY ? r : ext4_report(odir->sb, "rename into", ndir->ino, r);
	ext4_index_set(ndir, nd->name, nd->namelen, (u32)src->ino, src->mode);
	r = remove_name(odir, od, src);
	if (r)
		return r;
	if (tgt)
		rename_drop_target(ndir, tgt);
	if (odir != ndir && S_ISDIR(src->mode))
		move_dir(src, odir, ndir);
	ext4_refresh_size(ndir);
	ext4_write_attr(odir);
	if (ndir != odir)
		ext4_write_attr(ndir);
	return 0;
}

static long ext4_readlink(struct dentry *d, char *buf, size_t len)
{
	struct inode *inode = d->inode;
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	long n;

	if (!sbi->h)
		return -EIO;
	n = ext4h_readlink(sbi->h, (u32)inode->ino, buf, len);
	if (n < 0)
		return ext4_report(inode->sb, "read symlink", inode->ino, (int)n);
	return n;
}

const struct inode_operations ext4_dir_iops = {
	.lookup = ext4_lookup,
	.create = ext4_create,
	.mkdir = ext4_mkdir,
	.mknod = ext4_mknod,
	.symlink = ext4_symlink,
	.link = ext4_link,
	.unlink = ext4_unlink,
	.rmdir = ext4_rmdir,
	.rename = ext4_rename,
	.setattr = ext4_setattr,	EXT4_XATTR_IOPS,
};

const struct inode_operations ext4_symlink_iops = {
	.readlink = ext4_readlink,
	.setattr = ext4_setattr,	EXT4_XATTR_IOPS,
};

const struct inode_operations ext4_special_iops = {
	.setattr = ext4_setattr,	EXT4_XATTR_IOPS,
};

const struct file_operations ext4_dir_fops = {
	.read = ext4_dir_read,
	.iterate = ext4_iterate,
	.fsync = ext4_dir_fsync,
};
