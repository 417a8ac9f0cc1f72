/*
 * Attribute changes of existing files (VFS layer, above inodes and path walking): chmod,
 * chown, utimes, truncate and fallocate with their system calls, and umask. Split from
 * namei_ops.c (which changes names) to keep files small.
 *
 * Each change checks ownership and permissions the Linux way, refuses read-only mounts
 * (EROFS), and applies one struct iattr through inode_setattr (the filesystem's ->setattr
 * or the generic copy). The descriptor forms (fchmod, fchown, futimens) also work on
 * anonymous files such as pipes, which have an inode but no path: the static helpers take
 * (path, inode) where the path's members may be NULL.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "sig.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"

#include <linux/falloc.h>
#include <linux/resource.h>
#include <linux/time_types.h>
#include <linux/utime.h>

#ifndef UTIME_NOW
#define UTIME_NOW ((1L << 30) - 1L)
#define UTIME_OMIT ((1L << 30) - 2L)
#endif

static int apply(const struct path *p, struct inode *inode, struct iattr *ia)
{
	ia->valid |= ATTR_CTIME;
	ia->ctime = current_time();
	return inode_setattr(p->dentry, inode, ia);
}

/* ---- chmod */

static int chmod_inode(const struct path *p, struct inode *inode, u32 mode)
{
	struct iattr ia = { .valid = ATTR_MODE };
	int err = path_want_write(p);

	if (err)
		return err;
	if (!inode_owner_or_root(inode) || IS_IMMUTABLE(inode) || IS_APPEND(inode))
		return -EPERM;
	mode &= 07777;
	if (!in_group(inode->gid) && !cred_capable(CAP_FSETID))
		mode &= ~S_ISGID;
	ia.mode = (inode->mode & S_IFMT) | mode;
	return apply(p, inode, &ia);
}

/* Change the permission bits (07777) of p; 0, -EPERM, -EROFS... */
int vfs_chmod_path(const struct path *p, u32 mode)
{
	return chmod_inode(p, p->dentry->inode, mode);
}

/* ---- chown */

static int chown_inode(const struct path *p, struct inode *inode, u32 uid, u32 gid)
{
	struct iattr ia = { .valid = 0 };
	u32 fsuid = current->cred.fsuid;
	int err = path_want_write(p);

	if (err)
		return err;
	if (IS_IMMUTABLE(inode) || IS_APPEND(inode))
		return -EPERM;
	if (uid != (u32)-1) {
		if ((fsuid != inode->uid || uid != inode->uid) && !cred_capable(CAP_CHOWN))
			return -EPERM;
		ia.valid |= ATTR_UID;
		ia.uid = uid;
	}
	if (gid != (u32)-1) {
		if ((fsuid != inode->uid || (gid != inode->gid && !in_group(gid))) &&
		    !cred_capable(CAP_CHOWN))
			return -EPERM;
		ia.valid |= ATTR_GID;
		ia.gid = gid;
	}
	if ((ia.valid & (ATTR_UID | ATTR_GID)) && !S_ISDIR(inode->mode) &&
	    (inode->mode & (S_ISUID | S_ISGID))) {
		ia.mode = inode->mode & ~S_ISUID;
		if ((ia.mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			ia.mode &= ~S_ISGID;
		ia.valid |= ATTR_MODE;
	}
	err = apply(p, inode, &ia);
	if (!err && (ia.valid & (ATTR_UID | ATTR_GID)) && !S_ISDIR(inode->mode))
		fcaps_kill(inode);
	return err;
}

/* Change owner and/or group ((u32)-1: unchanged) of p; 0, -EPERM, -EROFS... */
int vfs_chown_path(const struct path *p, u32 uid, u32 gid)
{
	return chown_inode(p, p->dentry->inode, uid, gid);
}

/* ---- utimes */

/*
 * Set atime/mtime. NULL for both: now. Otherwise each nsec may be UTIME_NOW or UTIME_OMIT.
 * Explicit times need the owner (or root); "now" also accepts write permission.
 */
static int utimes_inode(const struct path *p, struct inode *inode, const struct ktimespec *at,
			const struct ktimespec *mt)
{
	struct ktimespec now = current_time();
	struct iattr ia = { .valid = ATTR_ATIME | ATTR_MTIME, .atime = now, .mtime = now };
	bool explicit = false;
	int err;

	if (at && mt) {
		if (at->nsec == UTIME_OMIT && mt->nsec == UTIME_OMIT)
			return 0;
		if (at->nsec == UTIME_OMIT)
			ia.valid &= ~ATTR_ATIME;
		else if (at->nsec != UTIME_NOW)
			ia.atime = *at;
		if (mt->nsec == UTIME_OMIT)
			ia.valid &= ~ATTR_MTIME;
		else if (mt->nsec != UTIME_NOW)
			ia.mtime = *mt;
		explicit = (at->nsec != UTIME_OMIT && at->nsec != UTIME_NOW) ||
			   (mt->nsec != UTIME_OMIT && mt->nsec != UTIME_NOW);
	}
	err = path_want_write(p);
	if (err)
		return err;
	if (IS_IMMUTABLE(inode) || (explicit && IS_APPEND(inode)))
		return -EPERM;
	if (!inode_owner_or_root(inode)) {
		if (explicit)
			return -EPERM;
		err = inode_permission(inode, MAY_WRITE);
		if (err)
			return err;
	}
	return apply(p, inode, &ia);
}

/*
 * Set the access and modification times of p: both NULL means now; otherwise each may
 * carry UTIME_NOW / UTIME_OMIT in nsec. 0 or -errno.
 */
int vfs_utimes_path(const struct path *p, const struct ktimespec *atime,
		    const struct ktimespec *mtime)
{
	if (!atime != !mtime)
		return -EINVAL;
	return utimes_inode(p, p->dentry->inode, atime, mtime);
}

/* ---- truncate */

int fsize_limit(loff_t pos, size_t *count)
{
	struct task *t = current;
	u64 lim = t && t->signal ? t->signal->rlim[RLIMIT_FSIZE].rlim_cur : RLIM_INFINITY;

	if (lim == RLIM_INFINITY || !*count)
		return 0;
	if ((u64)pos >= lim) {
		sig_send_task(t, SIGXFSZ, NULL);
		return -EFBIG;
	}
	if (*count > lim - (u64)pos)
		*count = (size_t)(lim - (u64)pos);
	return 0;
}

/*
 * Set the size of inode (named by d, which may be NULL for anonymous files) to len, with
 * mtime/ctime now; non-root callers lose set-user-ID (and executable set-group-ID), and
 * every caller the file capabilities. Growing past RLIMIT_FSIZE is EFBIG with SIGXFSZ. No
 * permission check (the caller's). 0 or -errno.
 */
int do_truncate(struct dentry *d, struct inode *inode, loff_t len)
{
	struct ktimespec now = current_time();
	struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME };

	if (len < 0)
		return -EINVAL;
	if ((u64)len > inode->size) {
		size_t one = 1;
		int err = fsize_limit(len - 1, &one);

		if (err)
			return err;
	}
	ia.size = (u64)len;
	ia.mtime = ia.ctime = now;
	if ((inode->mode & (S_ISUID | S_ISGID)) && !cred_capable(CAP_FSETID)) {
		ia.mode = inode->mode & ~S_ISUID;
		if ((ia.mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			ia.mode &= ~S_ISGID;
		if (ia.mode != inode->mode)
			ia.valid |= ATTR_MODE;
	}
	fcaps_kill(inode);
	return inode_setattr(d, inode, &ia);
}

/* truncate(2) on a resolved path: a writable regular file. 0 or -errno. */
int vfs_truncate_path(const struct path *p, loff_t len)
{
	struct inode *inode = p->dentry->inode;
	int err;

	if (len < 0)
		return -EINVAL;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (IS_APPEND(inode))
		return -EPERM;
	err = path_want_write(p);
	if (!err)
		err = inode_permission(inode, MAY_WRITE);
	if (!err)
		err = do_truncate(p->dentry, inode, len);
	return err;
}

/* ---- system calls */

long sys_umask(const struct sc_args *a)
{
	u32 mask = (u32)a->arg[0];
	u32 old = current->fs->umask;

	current->fs->umask = mask & 0777;
	return old;
}

long sys_truncate(const struct sc_args *a)
{
	uaddr_t upath = a->arg[0];
	long len = (long)a->arg[1];
	struct path p;
	int err;

	err = user_path(AT_FDCWD, upath, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	err = vfs_truncate_path(&p, len);
	path_put(&p);
	return err;
}

long sys_fchmodat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	u32 mode = (u32)a->arg[2];
	struct path p;
	int err;

	err = user_path(dirfd, upath, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	err = vfs_chmod_path(&p, mode);
	path_put(&p);
	return err;
}

long sys_chmod(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], a->arg[1] } };

	return sys_fchmodat(&b);
}

long sys_fchmod(const struct sc_args *a)
{
	int fd = (int)a->arg[0];
	u32 mode = (u32)a->arg[1];
	struct file *f = fd_get(fd);
	int err;

	if (!f)
		return -EBADF;
	err = chmod_inode(&f->path, f->inode, mode);
	file_put(f);
	return err;
}

/* lookup flags from the *at flags AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH. */
static int at_lookup_flags(int flags, unsigned *lf)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	*lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		*lf |= LOOKUP_EMPTY;
	return 0;
}

long sys_fchownat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	u32 uid = (u32)a->arg[2];
	u32 gid = (u32)a->arg[3];
	int flags = (int)a->arg[4];
	struct file *f;
	struct path p;
	unsigned lf;
	int err = at_lookup_flags(flags, &lf);

	if (!err)
		err = user_path_or_fd(dirfd, upath, lf, &p, &f);
	if (err)
		return err;
	if (f) {
		err = chown_inode(&f->path, f->inode, uid, gid);
		file_put(f);
	} else {
		err = vfs_chown_path(&p, uid, gid);
		path_put(&p);
	}
	return err;
}

long sys_chown(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], a->arg[1], a->arg[2], 0 } };

	return sys_fchownat(&b);
}

long sys_lchown(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], a->arg[1], a->arg[2],
				      AT_SYMLINK_NOFOLLOW } };

	return sys_fchownat(&b);
}

long sys_fchown(const struct sc_args *a)
{
	int fd = (int)a->arg[0];
	u32 uid = (u32)a->arg[1];
	u32 gid = (u32)a->arg[2];
	struct file *f = fd_get(fd);
	int err;

	if (!f)
		return -EBADF;
	err = chown_inode(&f->path, f->inode, uid, gid);
	file_put(f);
	return err;
}

/* ---- utime family */

/* Apply times (NULL: now) to dirfd/name, or to the file dirfd when upath is 0. */
static long utimes_common(int dirfd, uaddr_t upath, const struct ktimespec *ts, int flags)
{
	struct path p;
	struct file *f;
	unsigned lf;
	long err;

	if (ts && ts[0].nsec == UTIME_OMIT && ts[1].nsec == UTIME_OMIT)
		return 0;
	if (at_lookup_flags(flags, &lf))
		return -EINVAL;
	if (!upath) {
		if (dirfd == AT_FDCWD)
			return -EFAULT;
		if (flags & AT_SYMLINK_NOFOLLOW)
			return -EINVAL;
		f = fd_get(dirfd);
		if (!f)
			return -EBADF;
		err = utimes_inode(&f->path, f->inode, ts, ts ? ts + 1 : NULL);
		file_put(f);
		return err;
	}
	err = user_path_or_fd(dirfd, upath, lf, &p, &f);
	if (err)
		return err;
	if (f) {
		err = utimes_inode(&f->path, f->inode, ts, ts ? ts + 1 : NULL);
		file_put(f);
	} else {
		err = utimes_inode(&p, p.dentry->inode, ts, ts ? ts + 1 : NULL);
		path_put(&p);
	}
	return err;
}

long sys_utimensat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	uaddr_t utimes = a->arg[2];
	int flags = (int)a->arg[3];
	struct __kernel_timespec t[2];
	struct ktimespec ts[2];

	if (!utimes)
		return utimes_common(dirfd, upath, NULL, flags);
	if (copy_from_user(t, utimes, sizeof(t)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (t[i].tv_nsec != UTIME_NOW && t[i].tv_nsec != UTIME_OMIT &&
		    (t[i].tv_nsec < 0 || t[i].tv_nsec >= 1000000000))
			return -EINVAL;
		ts[i].sec = t[i].tv_sec;
		ts[i].nsec = (long)t[i].tv_nsec;
	}
	return utimes_common(dirfd, upath, ts, flags);
}

long sys_futimesat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	uaddr_t utimes = a->arg[2];
	struct __kernel_old_timeval tv[2];
	struct ktimespec ts[2];

	if (!utimes)
		return utimes_common(dirfd, upath, NULL, 0);
	if (copy_from_user(tv, utimes, sizeof(tv)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i].sec = tv[i].tv_sec;
		ts[i].nsec = tv[i].tv_usec * 1000;
	}
	return utimes_common(dirfd, upath, ts, 0);
}

long sys_utimes(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], a->arg[1] } };

	if (!a->arg[0])
		return -EFAULT;
	return sys_futimesat(&b);
}

long sys_utime(const struct sc_args *a)
{
	uaddr_t upath = a->arg[0];
	uaddr_t utimes = a->arg[1];
	struct utimbuf ub;
	struct ktimespec ts[2];

	if (!upath)
		return -EFAULT;
	if (!utimes)
		return utimes_common(AT_FDCWD, upath, NULL, 0);
	if (copy_from_user(&ub, utimes, sizeof(ub)))
		return -EFAULT;
	ts[0].sec = ub.actime;
	ts[0].nsec = 0;
	ts[1].sec = ub.modtime;
	ts[1].nsec = 0;
	return utimes_common(AT_FDCWD, upath, ts, 0);
}

/* ---- fallocate */

#define FALLOC_MODES (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)

/* The checks of fallocate(2) that do not depend on the filesystem. */
static long fallocate_check(struct file *f, int mode, loff_t off, loff_t len)
{
	struct inode *inode = f->inode;

	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	/* Linux's order: append-only takes only a plain allocation, then immutable. */
	if (IS_IMMUTABLE(inode) || (IS_APPEND(inode) && (mode & ~FALLOC_FL_KEEP_SIZE)))
		return -EPERM;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (S_ISFIFO(inode->mode) || S_ISSOCK(inode->mode))
		return -ESPIPE;
	if (!S_ISREG(inode->mode))
		return -ENODEV;
	if (f->path.mnt && path_want_write(&f->path))
		return -EROFS;
	if (!f->f_op->fallocate)
		return -EOPNOTSUPP;
	if (IS_SWAPFILE(inode))
		return -ETXTBSY;
	return 0;
}

/*
 * fallocate(2): mode 0 allocates (and grows the file), FALLOC_FL_KEEP_SIZE allocates
 * only, FALLOC_FL_PUNCH_HOLE (with KEEP_SIZE) frees, FALLOC_FL_ZERO_RANGE zeroes; the
 * other modes are -EOPNOTSUPP, as on filesystems without them.
 */
long sys_fallocate(const struct sc_args *a)
{
	int fd = (int)a->arg[0];
	int mode = (int)a->arg[1];
	loff_t off = (loff_t)a->arg[2];
	loff_t len = (loff_t)a->arg[3];
	struct file *f;
	long r;

	if (off < 0 || len <= 0)
		return -EINVAL;
	if (off > 0x7fffffffffffffffLL - len)
		return -EFBIG;
	if (mode & ~FALLOC_MODES)
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) &&
	    (!(mode & FALLOC_FL_KEEP_SIZE) || (mode & FALLOC_FL_ZERO_RANGE)))
		return -EOPNOTSUPP; /* as Linux answers these */
	f = fd_get(fd);
	if (!f)
		return -EBADF;
	r = fallocate_check(f, mode, off, len);
	if (!r)
		r = f->f_op->fallocate(f, mode, off, len);
	file_put(f);
	return r;
}
