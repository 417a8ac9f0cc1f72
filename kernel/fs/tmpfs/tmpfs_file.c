/*
 * tmpfs file data: the page index of a regular file, read, write, truncate, fallocate,
 * attribute changes, and get_page for mmap and exec (filesystem layer).
 *
 * A file's data are physmem frames indexed by page number in a radix tree (struct pcache,
 * kernel/mm/pcache.c: 512-slot nodes, 4 levels cover 2^36 pages), so a large sparse file
 * costs only the nodes on the paths to its present pages. A missing frame is a hole and
 * reads as zeros; writes and get_page allocate frames (counted against the instance's
 * size= limit). The file holds one reference per frame; mappings take their own through
 * get_page, so a frame truncated away stays valid for a mapping that still holds it.
 * Under memory pressure a page may be on swap instead (tmpfs_swap.c): every access here
 * brings it back first (frame_find, frame_obtain), and read and write hold a reference on
 * the frame while they copy, so reclaim never takes it from under them.
 *
 * Invariant: the bytes of the last page beyond the file size are zero in the frame; they
 * are cleared whenever the size shrinks or grows (a shared mapping may write past EOF).
 */
#include "kernel.h"
#include "fs.h"
#include "page.h"
#include "slab.h"
#include "swap.h"
#include "task.h"
#include "../internal.h"
#include "tmpfs.h"

#include <linux/falloc.h>

struct trim {
	struct inode *inode;
	u64 end; /* free the frames of pages below this index */
};

/* pcache_walk callback: drop the frame of one page of the range. */
static bool trim_slot(u64 index, u64 *slot, void *arg)
{
	struct trim *t = arg;

	if (index >= t->end)
		return false;
	tmpfs_slot_removed(t->inode, slot);
	return true;
}

/* Free the frames (and swap slots) of the pages [first, end). */
static void free_range(struct inode *inode, u64 first, u64 end)
{
	struct trim t = { inode, end };

	pcache_walk(&TMPFS_I(inode)->pages, first, trim_slot, &t);
}

void tmpfs_free_pages(struct inode *inode, u64 first)
{
	free_range(inode, first, ~0ULL);
}

/* The frame of page index (0 for a hole), read back from swap if it is there; 0/-errno. */
static int frame_find(struct inode *inode, u64 index, phys_t *out)
{
	u64 *slot = pcache_slot(&TMPFS_I(inode)->pages, index, false);
	int r = 0;

	if (slot && pte_is_swap(*slot))
		r = tmpfs_swap_in(inode, slot);
	*out = slot && !r ? *slot : 0;
	return r;
}

/* The frame of page index, allocated (zeroed) if missing; 0, -ENOSPC or -ENOMEM. */
static int frame_obtain(struct inode *inode, u64 index, phys_t *out)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	struct tmpfs_sb *sbi = TMPFS_SB(inode->sb);
	u64 *slot = pcache_slot(&ti->pages, index, true);
	phys_t f;

	if (!slot)
		return -ENOMEM;
	if (pte_is_swap(*slot)) {
		int r = tmpfs_swap_in(inode, slot);

		if (r)
			return r;
	}
	if (!*slot) {
		if (sbi->max_pages && sbi->used_pages >= sbi->max_pages)
			return -ENOSPC;
		/* (swapping anonymous pages out when memory is down to the reserve) */
		f = vmscan_alloc_user_frame(GFP_ZERO | GFP_USER);
		if (!f)
			return -ENOMEM;
		*slot = f;
		tmpfs_slot_added(inode);
	}
	*out = *slot;
	return 0;
}

/* Clear the bytes of the page holding offset size that lie at or beyond it; 0/-errno. */
static int zero_tail(struct inode *inode, u64 size)
{
	size_t off = size & ~PAGE_MASK;
	phys_t f;
	int r;

	if (!off)
		return 0;
	r = frame_find(inode, size >> PAGE_SHIFT, &f);
	if (f)
		memset((char *)phys_to_virt(f) + off, 0, PAGE_SIZE - off);
	return r;
}

static ssize_t tmpfs_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct inode *inode = f->inode;
	u64 p = (u64)*pos;
	size_t done = 0;
	int err = 0;

	if (*pos < 0)
		return -EINVAL;
	while (to->count && p < inode->size) {
		size_t off = p & ~PAGE_MASK;
		size_t n = min(PAGE_SIZE - off, min(to->count, inode->size - p)), c;
		phys_t fr;

		err = frame_find(inode, p >> PAGE_SHIFT, &fr);
		if (err)
			break;
		if (fr) {
			frame_get(fr); /* the copy may fault, and reclaim then run */
			c = iter_copy_to(to, (char *)phys_to_virt(fr) + off, n);
			frame_put(fr);
		} else {
			c = iter_zero(to, n);
		}
		done += c;
		p += c;
		if (c < n) {
			err = -EFAULT;
			break;
		}
	}
	*pos = (loff_t)p;
	tmpfs_accessed(inode);
	tmpfs_lru_touch(inode);
	if (!done && err)
		return err;
	return (ssize_t)done;
}

/*
 * A write by an unprivileged task drops set-user-id (and group-executable set-group-id);
 * a write by anyone drops file capabilities.
 */
static void remove_privs(struct inode *inode)
{
	u32 kill = S_ISUID;

	fcaps_kill(inode);

	if (inode->mode & S_IXGRP)
		kill |= S_ISGID;
	if ((inode->mode & kill) && !cred_capable(CAP_FSETID))
		inode->mode &= ~kill;
}

static ssize_t tmpfs_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct inode *inode = f->inode;
	u64 p = (u64)*pos;
	size_t done = 0;
	int err = 0;

	if (*pos < 0)
		return -EINVAL;
	if (!from->count)
		return 0;
	if (p >= TMPFS_MAX_BYTES)
		return -EFBIG;
	err = memfd_check_write(inode, p, from->count);
	if (err)
		return err;
	if (p > inode->size) {
		err = zero_tail(inode, inode->size);
		if (err)
			return err;
	}
	tmpfs_lru_touch(inode);
	while (from->count && p < TMPFS_MAX_BYTES) {
		size_t off = p & ~PAGE_MASK, n = min(PAGE_SIZE - off, from->count), c;
		phys_t fr;

		err = frame_obtain(inode, p >> PAGE_SHIFT, &fr);
		if (err)
			break;
		frame_get(fr); /* the copy may fault, and reclaim then run */
		c = iter_copy_from((char *)phys_to_virt(fr) + off, from, n);
		frame_put(fr);
		done += c;
		p += c;
		if (p > inode->size)
			inode->size = p;
		if (c < n) {
			err = -EFAULT;
			break;
		}
	}
	*pos = (loff_t)p;
	if (!done)
		return err == -ENOMEM ? -ENOSPC : err;
	inode_touch(inode, false, true, true);
	remove_privs(inode);
	return (ssize_t)done;
}

static int tmpfs_file_fsync(struct file *f, bool datasync)
{
	return 0;
}

static int tmpfs_get_page(struct inode *inode, u64 index, bool for_write, phys_t *frame)
{
	phys_t f;
	int r;

	if (index >= DIV_ROUND_UP(inode->size, PAGE_SIZE))
		return -ENXIO;
	r = frame_obtain(inode, index, &f);
	if (r)
		return r;
	frame_get(f);
	*frame = f;
	if (for_write)
		inode_touch(inode, false, true, true);
	return 0;
}

/* Set a regular file's size: frames beyond are freed, the new tail reads as zeros. */
static int tmpfs_truncate(struct inode *inode, u64 size)
{
	u64 old = inode->size;

	if (size > TMPFS_MAX_BYTES)
		return -EFBIG;
	if (memfd_check_resize(inode, old, size))
		return -EPERM;
	if (size < old) {
		tmpfs_free_pages(inode, DIV_ROUND_UP(size, PAGE_SIZE));
		if (zero_tail(inode, size))
			return -ENOMEM;
	} else if (size > old && zero_tail(inode, old)) {
		return -ENOMEM;
	}
	inode->size = size;
	if (size != old)
		inode_touch(inode, false, true, true);
	return 0;
}

/*
 * ->setattr of every tmpfs inode: mode (the file type is kept), owner, times, and size
 * for regular files. ctime is set to now for any change unless given.
 */
int tmpfs_setattr(struct dentry *d, const struct iattr *ia)
{
	struct inode *inode = d ? d->inode : NULL;
	int r;

	if (!inode)
		return -ENOENT;
	if (ia->valid & ATTR_SIZE) {
		if (S_ISDIR(inode->mode))
			return -EISDIR;
		if (!S_ISREG(inode->mode))
			return -EINVAL;
		r = tmpfs_truncate(inode, ia->size);
		if (r)
			return r;
	}
	inode_setattr_copy(inode, ia);
	if (!(ia->valid & ATTR_CTIME) && ia->valid)
		inode_touch(inode, false, false, true);
	return 0;
}

/* Zero [from, to) of one page if it has data (a hole reads as zeros already); 0/-errno. */
static int zero_range_in_page(struct inode *inode, u64 from, u64 to)
{
	phys_t f = 0;
	int r = from < to ? frame_find(inode, from >> PAGE_SHIFT, &f) : 0;

	if (f)
		memset((char *)phys_to_virt(f) + (from & ~PAGE_MASK), 0, to - from);
	return r;
}

/* fallocate: frames for [off, off+len) (and a larger size unless KEEP_SIZE), or a hole. */
static long tmpfs_fallocate(struct file *f, int mode, loff_t off, loff_t len)
{
	struct inode *inode = f->inode;
	u64 start = (u64)off, end = start + (u64)len, p0, p1;
	phys_t fr;
	int r;

	if (mode & FALLOC_FL_ZERO_RANGE)
		return -EOPNOTSUPP; /* as Linux's tmpfs */
	if (end > TMPFS_MAX_BYTES)
		return -EFBIG;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && memfd_check_write(inode, start, 0))
		return -EPERM;
	if (!(mode & (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) && end > inode->size &&
	    memfd_check_resize(inode, inode->size, end))
		return -EPERM;
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		p0 = DIV_ROUND_UP(start, PAGE_SIZE);
		p1 = end >> PAGE_SHIFT;
		r = zero_range_in_page(inode, start, min(end, p0 << PAGE_SHIFT));
		if (!r && p1 >= p0) {
			r = zero_range_in_page(inode, p1 << PAGE_SHIFT, end);
			free_range(inode, p0, p1);
		}
		if (r)
			return r;
		inode_touch(inode, false, true, true);
		return 0;
	}
	for (u64 i = start >> PAGE_SHIFT; i < DIV_ROUND_UP(end, PAGE_SIZE); i++) {
		r = frame_obtain(inode, i, &fr);
		if (r)
			return r == -ENOMEM ? -ENOSPC : r;
	}
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > inode->size) {
		r = zero_tail(inode, inode->size);
		if (r)
			return r;
		inode->size = end;
		inode_touch(inode, false, true, true);
	}
	return 0;
}

/* ->data_pages: a page with a frame or on swap holds data (as Linux's shmem). */
static int tmpfs_data_pages(struct inode *inode, u64 first, u32 n, u8 *present)
{
	for (u32 i = 0; i < n; i++) {
		u64 *slot = pcache_slot(&TMPFS_I(inode)->pages, first + i, false);

		present[i] = slot && *slot;
	}
	return 0;
}

const struct inode_operations tmpfs_file_iops = {
	.setattr = tmpfs_setattr,
	.get_page = tmpfs_get_page,
	.data_pages = tmpfs_data_pages,
	.page_peek = tmpfs_page_peek,
	.page_reclaim = tmpfs_page_reclaim,
	TMPFS_XATTR_IOPS,
};

const struct file_operations tmpfs_file_fops = {
	.read = tmpfs_read,
	.write = tmpfs_write,
	.fsync = tmpfs_file_fsync,
	.fallocate = tmpfs_fallocate,
	.mmap = memfd_mmap,
};
