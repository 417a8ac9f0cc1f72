/*
 * ext2/3/4 regular files, the size side (filesystem layer): fallocate (allocate, punch a
 * hole, zero a range) and ->setattr (truncate and the other attribute changes), through
 * the page cache of ext4_file.c, whose invariant they keep: the bytes of the last page
 * beyond the file size are zero.
 */
#include "kernel.h"
#include "page.h"
#include "../internal.h"
#include "ext4.h"

#include <linux/falloc.h>

/* ---- fallocate */

/* Zero [from, to) of one page through the cache (read in first), up to the file's end. */
static int zero_in_page(struct inode *inode, u64 from, u64 to)
{
	u64 index = from >> PAGE_SHIFT;
	phys_t fr;
	int r;

	to = min(to, inode->size);
	if (from >= to)
		return 0;
	r = ext4_space_check(inode, index);
	if (!r)
		r = ext4_page_get_w(inode, index, true, &fr);
	if (r)
		return r;
	memset((char *)phys_to_virt(fr) + (from & ~PAGE_MASK), 0, to - from);
	ext4_page_set_dirty(inode, index, 0);
	frame_put(fr);
	return 0;
}

/* Free [off, end): partial pages are zeroed through the cache, whole ones dropped and punched. */
static int punch_range(struct inode *inode, u64 off, u64 end)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	u64 p0 = DIV_ROUND_UP(off, PAGE_SIZE), p1 = end >> PAGE_SHIFT;
	struct ext4h_attr out;
	int r;

	if (p0 > p1)
		return zero_in_page(inode, off, end); /* within one page */
	r = zero_in_page(inode, off, p0 << PAGE_SHIFT);
	if (!r)
		r = zero_in_page(inode, p1 << PAGE_SHIFT, end);
	if (r || p0 == p1)
		return r;
	ext4_drop_pages_range(inode, p0, p1);
	r = ext4h_punch(sbi->h, (u32)inode->ino, p0 << PAGE_SHIFT, (p1 - p0) << PAGE_SHIFT, &out);
	sbi->dirty = true;
	if (r)
		return ext4_report(inode->sb, "punch", inode->ino, r);
	EXT4_I(inode)->disk.blocks = out.blocks;
	ext4_blocks_update(inode);
	return 0;
}

static int ext4_truncate(struct inode *inode, u64 size);

long ext4_fallocate(struct file *f, int mode, loff_t off, loff_t len)
{
	struct inode *inode = f->inode;
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	u64 end = (u64)off + (u64)len;
	struct ext4h_attr out;
	int r = 0;

	if (ext4_ro(inode->sb))
		return -EROFS;
	if (end > ext4_max_bytes(inode))
		return -EFBIG;
	if (sbi->block_size > PAGE_SIZE && (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)))
		return -EOPNOTSUPP;
	if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		r = punch_range(inode, (u64)off, end);
	if (!r && !(mode & FALLOC_FL_PUNCH_HOLE)) {
		r = ext4h_fallocate(sbi->h, (u32)inode->ino, (u64)off, (u64)len, &out);
		sbi->dirty = true;
		if (r)
			return ext4_report(inode->sb, "allocate", inode->ino, r);
		EXT4_I(inode)->disk.blocks = out.blocks;
		ext4_blocks_update(inode);
	}
	if (!r && !(mode & FALLOC_FL_KEEP_SIZE) && end > inode->size)
		r = ext4_truncate(inode, end);
	if (!r)
		inode_touch(inode, false, true, true);
	return r;
}

/* ---- attributes */

/* Set a regular file's size: cached pages beyond go, the disk follows at once. */
static int ext4_truncate(struct inode *inode, u64 size)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	u64 old = inode->size;
	struct ext4h_attr out;
	int r;

	if (size > ext4_max_bytes(inode))
		return -EFBIG;
	if (!sbi->h)
		return -EROFS;
	if (size < old) {
		ext4_drop_pages(inode, DIV_ROUND_UP(size, PAGE_SIZE));
		ext4_zero_tail(inode, size);
	} else if (size > old) {
		ext4_zero_tail(inode, old);
	}
	r = ext4h_set_size(sbi->h, (u32)inode->ino, size, &out);
	sbi->dirty = true;
	if (r)
		return ext4_report(inode->sb, "truncate", inode->ino, r);
	inode->size = EXT4_I(inode)->disk.size = size;
	EXT4_I(inode)->disk.blocks = out.blocks;
	ext4_blocks_update(inode);
	if (size != old)
		inode_touch(inode, false, true, true);
	return 0;
}

/*
 * ->setattr of every ext4 inode: size for regular files, then mode (the type is kept),
 * owner and times, written to the disk at once. ctime is set to now unless given.
 */
int ext4_setattr(struct dentry *d, const struct iattr *ia)
{
	struct inode *inode = d ? d->inode : NULL;
	int r;

	if (!inode)
		return -ENOENT;
	if (ext4_ro(inode->sb))
		return -EROFS;
	if (ia->valid & ATTR_SIZE) {
		if (S_ISDIR(inode->mode))
			return -EISDIR;
		if (!S_ISREG(inode->mode))
			return -EINVAL;
		r = ext4_truncate(inode, ia->size);
		if (r)
			return r;
	}
	inode_setattr_copy(inode, ia);
	if (!(ia->valid & ATTR_CTIME) && ia->valid)
		inode_touch(inode, false, false, true);
	return ext4_write_attr(inode);
}
