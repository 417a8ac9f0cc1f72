/*
 * tmpfs extended attributes: kept in memory per inode (fs/xattr.c's simple store), at most
 * TMPFS_XATTR_BYTES of names and values per inode (ENOSPC beyond). The VFS has checked the
 * names and the caller's rights. Also the inode flags (chattr), kept in inode->fsflags.
 */
#include "kernel.h"
#include "fs.h"
#include "tmpfs.h"

#include <linux/fs.h>
#include <linux/xattr.h>

/* Linux's tmpfs flags: what a user may set; the others are EOPNOTSUPP. */
#define TMPFS_FL_MODIFIABLE (FS_IMMUTABLE_FL | FS_APPEND_FL | FS_NODUMP_FL | FS_NOATIME_FL)
/* What other files than regular files and directories may carry. */
#define TMPFS_FL_OTHER (FS_NODUMP_FL | FS_NOATIME_FL)

#define TMPFS_XATTR_BYTES (1UL << 20)

ssize_t tmpfs_getxattr(struct inode *inode, const char *name, void *buf)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);

	return ti ? xattr_simple_get(&ti->xattrs, name, buf) : -ENODATA;
}

ssize_t tmpfs_listxattr(struct inode *inode, char *buf)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);

	return ti ? xattr_simple_list(&ti->xattrs, buf) : 0;
}

int tmpfs_setxattr(struct inode *inode, const char *name, const void *val, size_t size,
		   int flags)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	ssize_t old;
	size_t cost = strlen(name) + size;
	int r;

	if (!ti)
		return -EOPNOTSUPP;
	/* The old value's length, to charge only the difference. */
	old = xattr_simple_get(&ti->xattrs, name, NULL);
	if (ti->xattr_bytes - (old >= 0 ? strlen(name) + (size_t)old : 0) + cost >
	    TMPFS_XATTR_BYTES)
		return -ENOSPC;
	r = xattr_simple_set(&ti->xattrs, name, val, size, flags);
	if (!r)
		ti->xattr_bytes += cost - (old >= 0 ? strlen(name) + (size_t)old : 0);
	return r;
}

int tmpfs_removexattr(struct inode *inode, const char *name)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	ssize_t old;
	int r;

	if (!ti)
		return -ENODATA;
	old = xattr_simple_get(&ti->xattrs, name, NULL);
	r = xattr_simple_set(&ti->xattrs, name, NULL, 0, 0);
	if (!r)
		ti->xattr_bytes -= strlen(name) + (size_t)old;
	return r;
}

u32 tmpfs_get_flags(struct inode *inode)
{
	return inode->fsflags & TMPFS_FL_MODIFIABLE;
}

int tmpfs_set_flags(struct inode *inode, u32 flags)
{
	if (flags & ~TMPFS_FL_MODIFIABLE)
		return -EOPNOTSUPP;
	if (!S_ISREG(inode->mode) && !S_ISDIR(inode->mode))
		flags &= TMPFS_FL_OTHER;
	inode->fsflags = flags;
	return 0;
}
