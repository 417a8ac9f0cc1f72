/*
 * Inode flags, the VFS side (chattr/lsattr): the ioctls FS_IOC_GETFLAGS / FS_IOC_SETFLAGS
 * and their XFS-style twins FS_IOC_FSGETXATTR / FS_IOC_FSSETXATTR, and the statx
 * attributes the flags give. Each filesystem stores its flags and applies its own mask
 * (inode_operations get_flags/set_flags); here are the rules every filesystem shares, as
 * in Linux: only the owner (or CAP_FOWNER) sets flags, changing append-only or immutable
 * needs CAP_LINUX_IMMUTABLE, nothing changes on a read-only mount, and files without flags
 * (pipes, sockets, procfs) answer ENOTTY. The flags' effects (no writes to an immutable
 * file...) are enforced where the operations are checked (namei, open, attr, xattr...).
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "task.h"
#include "uaccess.h"

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/stat.h>

/* The flags FS_IOC_FSSETXATTR can express, and their xflag twins. */
static const struct {
	u32 fl, xfl;
} xflag_map[] = {
	{ FS_SYNC_FL, FS_XFLAG_SYNC },           { FS_IMMUTABLE_FL, FS_XFLAG_IMMUTABLE },
	{ FS_APPEND_FL, FS_XFLAG_APPEND },       { FS_NODUMP_FL, FS_XFLAG_NODUMP },
	{ FS_NOATIME_FL, FS_XFLAG_NOATIME },     { FS_DAX_FL, FS_XFLAG_DAX },
	{ FS_PROJINHERIT_FL, FS_XFLAG_PROJINHERIT },
};

static u32 flags_to_xflags(u32 flags)
{
	u32 x = 0;

	for (size_t i = 0; i < ARRAY_SIZE(xflag_map); i++)
		if (flags & xflag_map[i].fl)
			x |= xflag_map[i].xfl;
	return x;
}

static u32 xflags_common(void)
{
	return flags_to_xflags(~0u);
}

static u32 common_flags(void)
{
	u32 f = 0;

	for (size_t i = 0; i < ARRAY_SIZE(xflag_map); i++)
		f |= xflag_map[i].fl;
	return f;
}

static u32 xflags_to_flags(u32 x)
{
	u32 f = 0;

	for (size_t i = 0; i < ARRAY_SIZE(xflag_map); i++)
		if (x & xflag_map[i].xfl)
			f |= xflag_map[i].fl;
	return f;
}

static bool has_flags(const struct inode *inode)
{
	return inode->i_op && inode->i_op->get_flags && inode->i_op->set_flags;
}

/* The shared checks of a change from the current flags to flags, then the filesystem's. */
static int set_flags(struct file *f, u32 flags)
{
	struct inode *inode = f->inode;
	u32 old = inode->i_op->get_flags(inode);
	struct ktimespec ctime = inode->ctime;
	int err = path_want_write(&f->path);

	if (err)
		return err;
	if (!inode_owner_or_root(inode))
		return -EPERM;
	if (((old ^ flags) & (FS_APPEND_FL | FS_IMMUTABLE_FL)) && !cred_capable(CAP_LINUX_IMMUTABLE))
		return -EPERM;
	inode->ctime = current_time(); /* the filesystem stores it with the flags */
	err = inode->i_op->set_flags(inode, flags);
	if (err)
		inode->ctime = ctime;
	else
		fsnotify_inode(inode, f->path.dentry, IN_ATTRIB);
	return err;
}

static long fsgetxattr(struct inode *inode, uaddr_t uarg)
{
	struct fsxattr fa;

	memset(&fa, 0, sizeof(fa));
	fa.fsx_xflags = flags_to_xflags(inode->i_op->get_flags(inode));
	return copy_to_user(uarg, &fa, sizeof(fa)) ? -EFAULT : 0;
}

/*
 * Only the common xflags are kept (the others, extent size hints and project ids belong
 * to filesystems with them, none here: EOPNOTSUPP); the flags FS_IOC_FSSETXATTR cannot
 * express stay as they are.
 */
static long fssetxattr(struct file *f, uaddr_t uarg)
{
	struct inode *inode = f->inode;
	struct fsxattr fa;
	u32 flags;

	if (copy_from_user(&fa, uarg, sizeof(fa)))
		return -EFAULT;
	if ((fa.fsx_xflags & FS_XFLAG_DAX) && !S_ISREG(inode->mode) && !S_ISDIR(inode->mode))
		return -EINVAL;
	if (!fa.fsx_extsize)
		fa.fsx_xflags &= ~(FS_XFLAG_EXTSIZE | FS_XFLAG_EXTSZINHERIT);
	if (!fa.fsx_cowextsize)
		fa.fsx_xflags &= ~FS_XFLAG_COWEXTSIZE;
	if ((fa.fsx_xflags & ~xflags_common()) || fa.fsx_extsize || fa.fsx_cowextsize ||
	    fa.fsx_projid)
		return -EOPNOTSUPP;
	flags = xflags_to_flags(fa.fsx_xflags);
	flags |= inode->i_op->get_flags(inode) & ~common_flags();
	return set_flags(f, flags);
}

long iflags_ioctl(struct file *f, unsigned cmd, uaddr_t uarg)
{
	struct inode *inode = f->inode;
	int flags;

	if (!inode || !has_flags(inode))
		return -ENOTTY;
	switch (cmd) {
	case FS_IOC_GETFLAGS:
		return put_user((int)inode->i_op->get_flags(inode), uarg) ? -EFAULT : 0;
	case FS_IOC_SETFLAGS:
		if (get_user(flags, uarg))
			return -EFAULT;
		return set_flags(f, (u32)flags);
	case FS_IOC_FSGETXATTR:
		return fsgetxattr(inode, uarg);
	case FS_IOC_FSSETXATTR:
		return fssetxattr(f, uarg);
	}
	return -ENOSYS;
}

bool iflags_is_ioctl(unsigned cmd)
{
	return cmd == FS_IOC_GETFLAGS || cmd == FS_IOC_SETFLAGS || cmd == FS_IOC_FSGETXATTR ||
	       cmd == FS_IOC_FSSETXATTR;
}

void iflags_statx(struct inode *inode, u64 *attr, u64 *mask)
{
	static const struct {
		u32 fl;
		u64 attr;
	} map[] = {
		{ FS_COMPR_FL, STATX_ATTR_COMPRESSED },  { FS_IMMUTABLE_FL, STATX_ATTR_IMMUTABLE },
		{ FS_APPEND_FL, STATX_ATTR_APPEND },     { FS_NODUMP_FL, STATX_ATTR_NODUMP },
		{ FS_ENCRYPT_FL, STATX_ATTR_ENCRYPTED }, { FS_VERITY_FL, STATX_ATTR_VERITY },
	};
	u32 flags, known;

	*attr = 0;
	*mask = STATX_ATTR_AUTOMOUNT | STATX_ATTR_MOUNT_ROOT | STATX_ATTR_DAX;
	if (!has_flags(inode))
		return;
	flags = inode->i_op->get_flags(inode);
	known = inode->i_op->statx_flags ? inode->i_op->statx_flags :
		FS_IMMUTABLE_FL | FS_APPEND_FL | FS_NODUMP_FL;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (!(known & map[i].fl))
			continue;
		*mask |= map[i].attr;
		if (flags & map[i].fl)
			*attr |= map[i].attr;
	}
}
