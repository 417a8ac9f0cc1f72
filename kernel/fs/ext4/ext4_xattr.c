/*
 * ext2/3/4 extended attributes, the kernel side: the inode_operations that fs/xattr.c
 * calls (it has checked names and rights), passed to the host half, which reads and writes
 * them on the disk through libext2fs at once. A change of the attribute block shows in
 * the inode's block count.
 */
#include "kernel.h"
#include "fs.h"
#include "ext4.h"

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
