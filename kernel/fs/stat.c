/*
 * File status (VFS layer, above inodes and path walking): the stat family and statx,
 * statfs/fstatfs, and the access checks access/faccessat/faccessat2.
 *
 * struct stat is the x86_64 UAPI one (<asm/stat.h>), filled from the inode by
 * inode_fill_stat; statx is filled from the same fields (STATX_BASIC_STATS). Filesystems
 * have no getattr hook: an inode's fields are its attributes.
 *
 * access() checks with the real uid/gid (unless AT_EACCESS): the fsuid/fsgid of current
 * are swapped for the whole call, path walk included, as Linux overrides the credentials.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"

#include <asm/statfs.h>
#include <linux/mount.h>

/* statfs f_flags (Linux ST_*; not in the UAPI headers). */
#define ST_RDONLY 0x0001
#define ST_NOSUID 0x0002
#define ST_NODEV 0x0004
#define ST_NOEXEC 0x0008
#define ST_VALID 0x0020

/* Attributes of a resolved path into *st; 0. */
int vfs_getattr(struct path *p, struct stat *st)
{
	inode_fill_stat(p->dentry->inode, st);
	return 0;
}

/* Attributes of an open file (anonymous ones included) into *st; 0 or -EBADF. */
int vfs_fstat(struct file *f, struct stat *st)
{
	if (!f->inode)
		return -EBADF;
	inode_fill_stat(f->inode, st);
	return 0;
}

/* statx's attributes of the inode at p (a mount's root gets STATX_ATTR_MOUNT_ROOT). */
static void statx_attrs(const struct path *p, struct inode *inode, u64 *attrs)
{
	iflags_statx(inode, &attrs[0], &attrs[1]);
	if (p->mnt && p->dentry && p->dentry == p->mnt->root)
		attrs[0] |= STATX_ATTR_MOUNT_ROOT;
}

/*
 * The inode named by (dirfd, upath) with lookup flags lf into *st; attrs (when not NULL)
 * gets statx's attributes and their mask.
 */
static int stat_at(int dirfd, uaddr_t upath, unsigned lf, struct stat *st, u64 *attrs)
{
	struct file *f;
	struct path p;
	int err = user_path_or_fd(dirfd, upath, lf, &p, &f);

	if (err)
		return err;
	if (f) {
		err = vfs_fstat(f, st);
		if (!err && attrs)
			statx_attrs(&f->path, f->inode, attrs);
		file_put(f);
	} else {
		err = vfs_getattr(&p, st);
		if (!err && attrs)
			statx_attrs(&p, p.dentry->inode, attrs);
		path_put(&p);
	}
	return err;
}

static int stat_flags(int flags, unsigned *lf)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	*lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		*lf |= LOOKUP_EMPTY;
	return 0;
}

long sys_newfstatat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	uaddr_t ubuf = a->arg[2];
	int flags = (int)a->arg[3];
	struct stat st;
	unsigned lf;
	int err = stat_flags(flags, &lf);

	if (!err)
		err = stat_at(dirfd, upath, lf, &st, NULL);
	if (!err && copy_to_user(ubuf, &st, sizeof(st)))
		err = -EFAULT;
	return err;
}

long sys_stat(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], a->arg[1], 0 } };

	return sys_newfstatat(&b);
}

long sys_lstat(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], a->arg[1], AT_SYMLINK_NOFOLLOW } };

	return sys_newfstatat(&b);
}

long sys_fstat(const struct sc_args *a)
{
	int fd = (int)a->arg[0];
	uaddr_t ubuf = a->arg[1];
	struct file *f = fd_get_raw(fd);
	struct stat st;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fstat(f, &st);
	file_put(f);
	if (!err && copy_to_user(ubuf, &st, sizeof(st)))
		err = -EFAULT;
	return err;
}

/* ---- statx */

static void fill_statx(const struct stat *st, struct statx *sx)
{
	memset(sx, 0, sizeof(*sx));
	sx->stx_mask = STATX_BASIC_STATS;
	sx->stx_blksize = (u32)st->st_blksize;
	sx->stx_nlink = (u32)st->st_nlink;
	sx->stx_uid = st->st_uid;
	sx->stx_gid = st->st_gid;
	sx->stx_mode = (u16)st->st_mode;
	sx->stx_ino = st->st_ino;
	sx->stx_size = (u64)st->st_size;
	sx->stx_blocks = (u64)st->st_blocks;
	sx->stx_atime.tv_sec = (s64)st->st_atime;
	sx->stx_atime.tv_nsec = (u32)st->st_atime_nsec;
	sx->stx_mtime.tv_sec = (s64)st->st_mtime;
	sx->stx_mtime.tv_nsec = (u32)st->st_mtime_nsec;
	sx->stx_ctime.tv_sec = (s64)st->st_ctime;
	sx->stx_ctime.tv_nsec = (u32)st->st_ctime_nsec;
	sx->stx_rdev_major = MAJOR((u32)st->st_rdev);
	sx->stx_rdev_minor = MINOR((u32)st->st_rdev);
	sx->stx_dev_major = MAJOR((u32)st->st_dev);
	sx->stx_dev_minor = MINOR((u32)st->st_dev);
}

long sys_statx(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	int flags = (int)a->arg[2];
	u32 mask = (u32)a->arg[3];
	uaddr_t ubuf = a->arg[4];
	struct stat st;
	struct statx sx;
	u64 attrs[2];
	unsigned lf;
	int err;

	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED))
		return -EINVAL;
	err = stat_flags(flags & ~AT_STATX_SYNC_TYPE, &lf);
	if (!err)
		err = stat_at(dirfd, upath, lf, &st, attrs);
	if (err)
		return err;
	fill_statx(&st, &sx);
	sx.stx_attributes = attrs[0];
	sx.stx_attributes_mask = attrs[1];
	return copy_to_user(ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

/* ---- statfs */

static void fill_statfs(struct mount *mnt, struct super_block *sb, struct statfs *out)
{
	struct kstatfs k = { .type = sb->magic, .bsize = PAGE_SIZE, .namelen = NAME_MAX_LEN };

	if (sb->statfs && sb->statfs(sb, &k) < 0)
		memset(&k, 0, sizeof(k));
	memset(out, 0, sizeof(*out));
	out->f_type = (long)(k.type ? k.type : sb->magic);
	out->f_bsize = (long)(k.bsize ? k.bsize : PAGE_SIZE);
	out->f_blocks = (long)k.blocks;
	out->f_bfree = (long)k.bfree;
	out->f_bavail = (long)k.bavail;
	out->f_files = (long)k.files;
	out->f_ffree = (long)k.ffree;
	out->f_fsid.val[0] = (int)sb->dev;
	out->f_namelen = (long)(k.namelen ? k.namelen : NAME_MAX_LEN);
	out->f_frsize = (long)(k.frsize ? k.frsize : (u64)out->f_bsize);
	out->f_flags = ST_VALID;
	if ((sb->flags & MS_RDONLY) || (mnt && (mnt->flags & MNT_RDONLY)))
		out->f_flags |= ST_RDONLY;
	if (mnt && (mnt->flags & MNT_NOSUID))
		out->f_flags |= ST_NOSUID;
	if (mnt && (mnt->flags & MNT_NODEV))
		out->f_flags |= ST_NODEV;
	if (mnt && (mnt->flags & MNT_NOEXEC))
		out->f_flags |= ST_NOEXEC;
}

long sys_statfs(const struct sc_args *a)
{
	uaddr_t upath = a->arg[0];
	uaddr_t ubuf = a->arg[1];
	struct statfs st;
	struct path p;
	int err;

	err = user_path(AT_FDCWD, upath, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	fill_statfs(p.mnt, p.mnt->sb, &st);
	path_put(&p);
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_fstatfs(const struct sc_args *a)
{
	int fd = (int)a->arg[0];
	uaddr_t ubuf = a->arg[1];
	struct file *f = fd_get_raw(fd);
	struct statfs st;

	if (!f)
		return -EBADF;
	if (f->path.mnt)
		fill_statfs(f->path.mnt, f->path.mnt->sb, &st);
	else
		fill_statfs(NULL, f->inode->sb ? f->inode->sb : anon_sb(), &st);
	file_put(f);
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

/* ---- access */

/* Check mode (R_OK|W_OK|X_OK, which equal MAY_*) on the file or path. */
static int access_check(const struct path *p, struct inode *inode, int mode)
{
	if (!mode)
		return 0;
	if ((mode & MAY_WRITE) && (S_ISREG(inode->mode) || S_ISDIR(inode->mode) ||
				   S_ISLNK(inode->mode)) && path_want_write(p))
		return -EROFS;
	return inode_permission(inode, mode);
}

static long access_at(int dirfd, uaddr_t upath, int mode, int flags)
{
	u32 fsuid = current->cred.fsuid, fsgid = current->cred.fsgid;
	unsigned lf;
	struct file *f;
	struct path p;
	int err;

	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	if (!(flags & AT_EACCESS)) {
		current->cred.fsuid = current->cred.uid;
		current->cred.fsgid = current->cred.gid;
	}
	err = user_path_or_fd(dirfd, upath, lf, &p, &f);
	if (!err && f) {
		err = access_check(&f->path, f->inode, mode);
		file_put(f);
	} else if (!err) {
		err = access_check(&p, p.dentry->inode, mode);
		path_put(&p);
	}
	current->cred.fsuid = fsuid;
	current->cred.fsgid = fsgid;
	return err;
}

long sys_faccessat2(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	int mode = (int)a->arg[2];
	int flags = (int)a->arg[3];

	return access_at(dirfd, upath, mode, flags);
}

long sys_faccessat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	int mode = (int)a->arg[2];

	return access_at(dirfd, upath, mode, 0);
}

long sys_access(const struct sc_args *a)
{
	uaddr_t upath = a->arg[0];
	int mode = (int)a->arg[1];

	return access_at(AT_FDCWD, upath, mode, 0);
}
