/*
 * ext2/3/4 extended attributes, the kernel side: the inode_operations that fs/xattr.c
 * calls (it has checked names and rights), passed to the host half, which reads and writes
 * them on the disk through libext2fs at once. A change of the attribute block shows in
 * the inode's block count. Also the inode flags (chattr), kept in the on-disk i_flags.
 */
#include "kernel.h"
#include "fs.h"
#include "task.h"
#include "ext4.h"

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/xattr.h>

/* A host error other than the expected answers is logged once, like other I/O errors. */
static long xattr_result(struct inode *inode, const char *what, long r)
{
	if (r == -EIO || r == -EUCLEAN)
		return ext4_report(inode->sb, what, inode->ino, (int)r);
	return r;
}

ssize_t ext4_getxattr(struct inode *inode, const char *name, void *buf)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);

	if (!sbi->h)
		return -EIO;
	return xattr_result(inode, "getxattr",
			    ext4h_xattr_get(sbi->h, (u32)inode->ino, name, buf, XATTR_SIZE_MAX));
}

ssize_t ext4_listxattr(struct inode *inode, char *buf)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);

	if (!sbi->h)
		return -EIO;
	return xattr_result(inode, "listxattr",
			    ext4h_xattr_list(sbi->h, (u32)inode->ino, buf, XATTR_LIST_MAX));
}

static int ext4_xattr_change(struct inode *inode, const char *name, const void *val,
			     size_t size, int flags)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	struct ext4h_attr out;
	int hflags = 0, r;

	if (ext4_ro(inode->sb))
		return -EROFS;
	if (flags & XATTR_CREATE)
		hflags |= EXT4H_XATTR_CREATE;
	if (flags & XATTR_REPLACE)
		hflags |= EXT4H_XATTR_REPLACE;
	r = ext4h_xattr_set(sbi->h, (u32)inode->ino, name, val, size, hflags, &out);
	if (r)
		return (int)xattr_result(inode, val ? "setxattr" : "removexattr", r);
	sbi->dirty = true;
	EXT4_I(inode)->disk.blocks = out.blocks;
	ext4_blocks_update(inode);
	return 0;
}

int ext4_setxattr(struct inode *inode, const char *name, const void *val, size_t size,
		  int flags)
{
	return ext4_xattr_change(inode, name, val, size, flags);
}

int ext4_removexattr(struct inode *inode, const char *name)
{
	return ext4_xattr_change(inode, name, NULL, 0, 0);
}

/* Linux's ext4 masks: the flags shown, those a user may change, those a file inherits. */
#define EXT4_FL_VISIBLE 0x705BDFFF
#define EXT4_FL_MODIFIABLE 0x604BC0FF
/* Flags a regular file cannot carry; the only ones other files can (ext4_mask_flags). */
#define EXT4_FL_NOT_REG (FS_DIRSYNC_FL | FS_TOPDIR_FL | FS_CASEFOLD_FL | FS_PROJINHERIT_FL)
#define EXT4_FL_OTHER (FS_NODUMP_FL | FS_NOATIME_FL)

static u32 mask_flags(u32 mode, u32 flags)
{
	if (S_ISDIR(mode))
		return flags;
	if (S_ISREG(mode))
		return flags & ~EXT4_FL_NOT_REG;
	return flags & EXT4_FL_OTHER;
}

/* What a new file inherits from its directory (EXT4_FL_INHERITED). */
#define EXT4_FL_INHERITED                                                          \
	(FS_SECRM_FL | FS_UNRM_FL | FS_COMPR_FL | FS_SYNC_FL | FS_NODUMP_FL | FS_NOATIME_FL | \
	 FS_NOCOMP_FL | FS_JOURNAL_DATA_FL | FS_NOTAIL_FL | FS_DIRSYNC_FL | FS_PROJINHERIT_FL)

u32 ext4_inherit_flags(struct inode *dir, u32 mode)
{
	return mask_flags(mode, dir->fsflags & EXT4_FL_INHERITED);
}

u32 ext4_get_flags(struct inode *inode)
{
	u32 flags = inode->fsflags & EXT4_FL_VISIBLE;

	return S_ISREG(inode->mode) ? flags & ~FS_PROJINHERIT_FL : flags;
}

/* What ext4 refuses in a change from old to flags (both masked to what may change). */
static int check_change(u32 old, u32 flags)
{
	/* An immutable file changes nothing else until it is made mutable. */
	if ((old & flags & FS_IMMUTABLE_FL) && (old ^ flags) & ~FS_IMMUTABLE_FL)
		return -EPERM;
	if (((old ^ flags) & FS_JOURNAL_DATA_FL) && !cred_capable(CAP_SYS_RESOURCE))
		return -EPERM;
	/* Migrating between extents and block maps, and case folding: not done here. */
	if ((old ^ flags) & (EXT4_EXTENTS_FL | FS_CASEFOLD_FL))
		return -EOPNOTSUPP;
	return 0;
}

int ext4_set_flags(struct inode *inode, u32 flags)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	struct ext4_inode *ei = EXT4_I(inode);
	u32 old = inode->fsflags & EXT4_FL_MODIFIABLE;
	int r;

	/* chattr sends back what it read: visible flags that cannot change are dropped. */
	if (flags & ~EXT4_FL_VISIBLE)
		return -EOPNOTSUPP;
	flags &= EXT4_FL_MODIFIABLE;
	if (mask_flags(inode->mode, flags) != flags)
		return -EOPNOTSUPP;
	r = check_change(old, flags);
	if (r)
		return r;
	if (ext4_ro(inode->sb))
		return -EROFS;
	r = ext4h_set_flags(sbi->h, (u32)inode->ino, EXT4_FL_MODIFIABLE, flags, inode->ctime.sec,
			    (u32)inode->ctime.nsec);
	sbi->dirty = true;
	if (r)
		return ext4_report(inode->sb, "set flags of", inode->ino, r);
	inode->fsflags = (inode->fsflags & ~EXT4_FL_MODIFIABLE) | flags;
	ei->disk.flags = inode->fsflags;
	ei->disk.ctime = inode->ctime.sec;
	ei->disk.ctime_ns = (u32)inode->ctime.nsec;
	return 0;
}
