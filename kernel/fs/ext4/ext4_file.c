/*
 * ext2/3/4 regular files (filesystem layer): the page cache of file data, read, write,
 * get_page for mmap and exec, fsync (size changes and fallocate: ext4_size.c).
 *
 * File data live in physmem frames indexed per inode (ext4_cache.c); a missing page is
 * read from the disk with up to RA_PAGES of read-ahead, in one host call. Writes go to
 * the cache and mark pages dirty; dirty pages are written back (ext4_write_pages) when an
 * inode has DIRTY_BATCH of them, on fsync/sync, by the writeback timer, when memory runs
 * low, and at eviction, unmount and halt. The cache holds one reference per frame;
 * mappings and readers take their own, so a frame dropped from the cache stays valid for
 * whoever still holds it.
 *
 * Window pages (ubd_share, DESIGN.md "Sharing pages between instances"): a page whose
 * 4 KiB block is still in the disk's read-only backing file is not read into a frame; its
 * slot holds the window address (PC_WINDOW) and mappings map the backing file itself.
 * Such a page is never written: every writer gets it through page_get_w, which first
 * copies it into a frame and drops the mappings of the window page (mm_window_zap).
 *
 * Space: a dirty page whose blocks are not yet allocated on disk reserves them
 * (PC_RESERVED, ext4_sb.reserved), and a write that would need more blocks than the disk
 * has free gets ENOSPC at once, as on Linux, instead of failing at writeback.
 *
 * Invariant (as tmpfs): the bytes of the last page beyond the file size are zero in the
 * frame; they are cleared whenever the size shrinks or grows.
 */
#include "kernel.h"
#include "mm.h"
#include "page.h"
#include "slab.h"
#include "task.h"
#include "../internal.h"
#include "ext4.h"

#include <linux/fcntl.h>

#define RA_PAGES 64
#define WB_BATCH 64
#define DIRTY_BATCH 1024
#define RECLAIM_PAGES 256
#define SPACE_MARGIN 64 /* blocks kept free for extent-tree and directory growth */

static u64 page_blocks(const struct ext4_sb *sbi)
{
	return PAGE_SIZE > sbi->block_size ? PAGE_SIZE / sbi->block_size : 1;
}

static phys_t slot_frame(u64 slot)
{
	return slot & ~PC_FLAGS;
}

/* A frame for the cache, giving cache memory back first when the guest is low. */
static phys_t cache_frame_alloc(unsigned gfp)
{
	phys_t f;

	ext4_cache_balance();
	f = frame_alloc(gfp);
	if (!f && ext4_cache_reclaim(RECLAIM_PAGES))
		f = frame_alloc(gfp);
	return f;
}

/* Put frame f (the cache's reference) at index with flags; -ENOMEM when no node. */
static int cache_insert(struct inode *inode, u64 index, phys_t f, u64 flags)
{
	struct ext4_inode *ei = EXT4_I(inode);
	u64 *slot = pcache_slot(&ei->pages, index, true);

	if (!slot)
		return -ENOMEM;
	BUG_ON(*slot);
	*slot = f | flags;
	ext4_cache_added(ei, *slot);
	return 0;
}

static bool cached(struct inode *inode, u64 index)
{
	u64 *slot = pcache_slot(&EXT4_I(inode)->pages, index, false);

	return slot && *slot;
}

/*
 * Window addresses (page.h) of the pages [index, index + n) that can be mapped from the
 * disk's read-only backing file instead of read (0 for the others): whole pages of data
 * the disk has (not beyond its size, nor unwritten extents) in 4 KiB blocks that are still
 * the backing file's (ubd_share). Anything unusual just gives 0: the page is read.
 */
static void share_lookup(struct inode *inode, u64 index, int n, phys_t *win)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	u64 whole = min(inode->size, EXT4_I(inode)->disk.size) >> PAGE_SHIFT;
	u64 pblk[RA_PAGES];

	memset(win, 0, (size_t)n * sizeof(*win));
	if (!sbi->bdev || !sbi->bdev->shareable || sbi->block_size != PAGE_SIZE || index >= whole)
		return;
	n = (int)min((u64)n, whole - index);
	if (ext4h_map_written(sbi->h, (u32)inode->ino, index, (u32)n, pblk))
		return;
	for (int i = 0; i < n; i++) {
		if (pblk[i] && pblk[i] < (1ULL << (64 - PAGE_SHIFT)))
			win[i] = blkdev_map_shared(sbi->bdev, pblk[i] << PAGE_SHIFT);
	}
}

/* How many pages from index (absent) to bring in: read-ahead up to the next cached one. */
static int fill_span(struct inode *inode, u64 index, bool fill)
{
	u64 npages = DIV_ROUND_UP(inode->size, PAGE_SIZE);
	int n = 1;

	while (fill && n < RA_PAGES && index + n < npages && !cached(inode, index + n))
		n++;
	return n;
}

/*
 * Bring page index (absent) into the cache: read from the disk with read-ahead when fill,
 * else a zeroed page (it lies beyond the data, or will be overwritten whole). Pages still
 * in the backing file are window pages; the others are read in one host call.
 */
static int cache_fill(struct inode *inode, u64 index, bool fill)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	struct ext4h_seg segs[RA_PAGES];
	phys_t win[RA_PAGES];
	u8 mapped[RA_PAGES];
	int span, n = 0, r = 0;
	bool first = false;

	if (!sbi->h)
		return -EIO;
	span = fill_span(inode, index, fill);
	if (fill)
		share_lookup(inode, index, span, win);
	else
		win[0] = 0;
	/* Frames first: allocating may reclaim cached pages (window ones too). */
	for (int i = 0; i < span; i++) {
		phys_t f;

		if (win[i])
			continue;
		f = cache_frame_alloc(fill ? GFP_KERNEL : GFP_ZERO);
		if (!f) {
			span = i;
			break;
		}
		segs[n].off = (index + i) << PAGE_SHIFT;
		segs[n].buf = phys_to_virt(f);
		segs[n].len = PAGE_SIZE;
		mapped[n++] = 0;
	}
	for (int i = 0; i < span; i++) {
		if (win[i] && !cache_insert(inode, index + i, win[i], PC_ONDISK | PC_WINDOW))
			first |= i == 0;
	}
	if (fill && n)
		r = ext4h_read_pages(sbi->h, (u32)inode->ino, inode->size, segs, n, mapped);
	if (r)
		ext4_report(inode->sb, "read", inode->ino, r);
	for (int i = 0; i < n; i++) {
		phys_t f = virt_to_phys(segs[i].buf);
		u64 at = segs[i].off >> PAGE_SHIFT;

		if (r || cache_insert(inode, at, f, mapped[i] ? PC_ONDISK : 0))
			frame_put(f);
		else
			first |= at == index;
	}
	return r ? r : first ? 0 : -ENOMEM;
}

int ext4_page_get(struct inode *inode, u64 index, bool fill, phys_t *frame)
{
	struct ext4_inode *ei = EXT4_I(inode);
	u64 *slot = pcache_slot(&ei->pages, index, false);
	int r;

	if (!slot || !*slot) {
		r = cache_fill(inode, index, fill && (index << PAGE_SHIFT) < inode->size);
		if (r)
			return r;
		slot = pcache_slot(&ei->pages, index, false);
		if (!slot || !*slot)
			return -ENOMEM;
	}
	*frame = slot_frame(*slot);
	frame_get(*frame);
	ext4_cache_touch(ei);
	return 0;
}

/*
 * Page index of the cache is the window page w: put a copy in a frame in its place (the
 * page is about to be written) and drop the mappings of w, which would no longer show
 * the file. *frame gets the new frame with a reference.
 */
static int cache_unshare(struct inode *inode, u64 index, phys_t w, phys_t *frame)
{
	struct ext4_inode *ei = EXT4_I(inode);
	phys_t f = cache_frame_alloc(GFP_KERNEL);
	u64 *slot;

	if (!f)
		return -ENOMEM;
	memcpy(phys_to_virt(f), phys_to_virt(w), PAGE_SIZE);
	/* The allocation may have reclaimed the window page: look again. */
	slot = pcache_slot(&ei->pages, index, true);
	if (!slot) {
		frame_put(f);
		return -ENOMEM;
	}
	if (*slot && !(*slot & PC_WINDOW)) {
		frame_put(f);
		f = slot_frame(*slot);
	} else {
		u64 flags = *slot ? (*slot & PC_FLAGS & ~(u64)PC_WINDOW) : PC_ONDISK;

		if (*slot)
			ext4_cache_removed(ei, *slot);
		*slot = f | flags;
		ext4_cache_added(ei, *slot);
		mm_window_zap(inode, index, w);
	}
	frame_get(f);
	*frame = f;
	return 0;
}

/* ext4_page_get for a caller that writes the page: never a window page. */
int ext4_page_get_w(struct inode *inode, u64 index, bool fill, phys_t *frame)
{
	int r = ext4_page_get(inode, index, fill, frame);

	if (r || !phys_is_window(*frame))
		return r;
	return cache_unshare(inode, index, *frame, frame);
}

/* ---- dirty pages and block reservations */

void ext4_blocks_update(struct inode *inode)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	struct ext4_inode *ei = EXT4_I(inode);

	inode->blocks = ei->disk.blocks + ei->nr_reserved * page_blocks(sbi) * (sbi->block_size / 512);
}

static void unreserve(struct inode *inode, u64 *slot)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);

	if (*slot & PC_RESERVED) {
		*slot &= ~(u64)PC_RESERVED;
		sbi->reserved -= min(sbi->reserved, page_blocks(sbi));
		EXT4_I(inode)->nr_reserved--;
		ext4_blocks_update(inode);
	}
}

/* Mark the cached page index dirty (with extra flags), reserving blocks if needed. */
void ext4_page_set_dirty(struct inode *inode, u64 index, u64 extra)
{
	struct ext4_inode *ei = EXT4_I(inode);
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	u64 *slot = pcache_slot(&ei->pages, index, false);

	if (!slot || !*slot)
		return;
	if (!(*slot & PC_DIRTY)) {
		*slot |= PC_DIRTY;
		ei->nr_dirty++;
	}
	if (!(*slot & (PC_ONDISK | PC_RESERVED))) {
		*slot |= PC_RESERVED;
		sbi->reserved += page_blocks(sbi);
		ei->nr_reserved++;
		ext4_blocks_update(inode);
	}
	*slot |= extra;
}

/* Blocks the caller may still use: all free ones for root, the unreserved ones for others. */
static u64 blocks_available(struct ext4_sb *sbi)
{
	struct ext4h_info info;

	ext4h_statfs(sbi->h, &info);
	return cred_capable(CAP_SYS_RESOURCE) ? info.free_blocks : info.avail_blocks;
}

/* May page index become dirty? -ENOSPC when its blocks would not fit on the disk. */
int ext4_space_check(struct inode *inode, u64 index)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	u64 *slot = pcache_slot(&EXT4_I(inode)->pages, index, false);
	u64 need = page_blocks(sbi) + SPACE_MARGIN;

	if (!sbi->h)
		return -EROFS;
	if (slot && (*slot & (PC_ONDISK | PC_RESERVED)))
		return 0;
	if (blocks_available(sbi) >= sbi->reserved + need)
		return 0;
	/* Reservations are estimates: write everything back and look again. */
	ext4_sync_sb(inode->sb, false);
	if (blocks_available(sbi) >= sbi->reserved + need)
		return 0;
	return -ENOSPC;
}

/* ---- writeback */

struct wb {
	struct inode *inode;
	bool unmapped_only; /* reclaim: only pages it can then drop (nothing maps them) */
	struct ext4h_seg segs[WB_BATCH];
	u64 *slots[WB_BATCH];
	int n;
	int err;
};

/* Write the collected pages; clean them (unless still mapped shared-writable). */
static void wb_flush(struct wb *w)
{
	struct inode *inode = w->inode;
	struct ext4_inode *ei = EXT4_I(inode);
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	struct ext4h_attr out;
	int r;

	if (!w->n)
		return;
	r = ext4h_write_pages(sbi->h, (u32)inode->ino, w->segs, w->n, &out);
	sbi->dirty = true;
	if (r) {
		w->err = ext4_report(inode->sb, "write back", inode->ino, r);
		w->n = 0;
		return;
	}
	ei->disk.size = out.size;
	ei->disk.blocks = out.blocks;
	for (int i = 0; i < w->n; i++) {
		u64 *slot = w->slots[i];
		bool mapped = phys_to_page(slot_frame(*slot))->refcount > 1;

		unreserve(inode, slot);
		*slot |= PC_ONDISK;
		if ((*slot & PC_SHARED_W) && mapped)
			continue; /* a shared mapping may write it again */
		*slot &= ~(u64)(PC_DIRTY | PC_SHARED_W);
		ei->nr_dirty--;
	}
	ext4_blocks_update(inode);
	w->n = 0;
}

static bool wb_collect(u64 index, u64 *slot, void *arg)
{
	struct wb *w = arg;
	struct inode *inode = w->inode;
	u64 off = index << PAGE_SHIFT;

	if (!(*slot & PC_DIRTY))
		return true;
	if (w->unmapped_only && phys_to_page(slot_frame(*slot))->refcount > 1)
		return true;
	if (off >= inode->size) {
		/* Beyond the end of the file: nothing to write. */
		unreserve(inode, slot);
		*slot &= ~(u64)(PC_DIRTY | PC_SHARED_W);
		EXT4_I(inode)->nr_dirty--;
		return true;
	}
	w->segs[w->n].off = off;
	w->segs[w->n].buf = phys_to_virt(slot_frame(*slot));
	w->segs[w->n].len = (u32)min((u64)PAGE_SIZE, inode->size - off);
	w->slots[w->n++] = slot;
	if (w->n == WB_BATCH)
		wb_flush(w);
	return !w->err;
}

static int write_pages(struct inode *inode, bool unmapped_only)
{
	struct ext4_inode *ei = EXT4_I(inode);
	struct wb *w;
	int err;

	if (!ei->nr_dirty || !EXT4_SB(inode->sb)->h || ext4_ro(inode->sb))
		return 0;
	w = kzalloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->inode = inode;
	w->unmapped_only = unmapped_only;
	pcache_walk(&ei->pages, 0, wb_collect, w);
	if (!w->err)
		wb_flush(w);
	err = w->err;
	kfree(w);
	return err;
}

int ext4_write_pages(struct inode *inode)
{
	return write_pages(inode, false);
}

int ext4_write_unmapped(struct inode *inode)
{
	return write_pages(inode, true);
}

/* ---- dropping pages */

struct drop {
	struct inode *inode;
	bool clean_only;  /* shrinking: keep dirty pages and pages mapped elsewhere */
	u64 end;          /* stop before this index */
	u64 freed;
};

static bool drop_one(u64 index, u64 *slot, void *arg)
{
	struct drop *d = arg;
	struct ext4_inode *ei = EXT4_I(d->inode);
	phys_t f = slot_frame(*slot);

	if (index >= d->end)
		return false;
	/* Window pages are never dirty and hold no reference: always droppable. */
	if (d->clean_only && !(*slot & PC_WINDOW) &&
	    ((*slot & PC_DIRTY) || phys_to_page(f)->refcount > 1))
		return true;
	unreserve(d->inode, slot);
	if (*slot & PC_DIRTY)
		ei->nr_dirty--;
	ext4_cache_removed(ei, *slot);
	*slot = 0;
	frame_put(f);
	d->freed++;
	return true;
}

void ext4_drop_pages_range(struct inode *inode, u64 first, u64 end)
{
	struct drop d = { inode, false, end, 0 };

	pcache_walk(&EXT4_I(inode)->pages, first, drop_one, &d);
}

void ext4_drop_pages(struct inode *inode, u64 first)
{
	ext4_drop_pages_range(inode, first, ~0ULL);
}

u64 ext4_shrink_pages(struct inode *inode)
{
	struct drop d = { inode, true, ~0ULL, 0 };

	pcache_walk(&EXT4_I(inode)->pages, 0, drop_one, &d);
	return d.freed;
}

/* ---- read and write */

void ext4_accessed(struct inode *inode)
{
	struct ktimespec now = current_time(), a = inode->atime;

	if (ext4_ro(inode->sb) || (inode->fsflags & INODE_NOATIME_FL))
		return;
	if (a.sec < inode->mtime.sec || (a.sec == inode->mtime.sec && a.nsec <= inode->mtime.nsec) ||
	    a.sec < inode->ctime.sec || (a.sec == inode->ctime.sec && a.nsec <= inode->ctime.nsec) ||
	    now.sec - a.sec >= 24 * 3600)
		inode->atime = now;
}

static ssize_t ext4_read(struct file *f, struct iov_iter *to, loff_t *pos)
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

		err = ext4_page_get(inode, p >> PAGE_SHIFT, true, &fr);
		if (err)
			break;
		c = iter_copy_to(to, (char *)phys_to_virt(fr) + off, n);
		frame_put(fr);
		done += c;
		p += c;
		if (c < n) {
			err = -EFAULT;
			break;
		}
	}
	*pos = (loff_t)p;
	ext4_accessed(inode);
	return done ? (ssize_t)done : err;
}

/* The largest file size the inode's block mapping allows. */
u64 ext4_max_bytes(struct inode *inode)
{
	u64 bs = EXT4_SB(inode->sb)->block_size, p = bs / 4, blocks;

	if (EXT4_I(inode)->disk.flags & EXT4_EXTENTS_FL)
		blocks = 0xffffffffULL;
	else
		blocks = 12 + p + p * p + p * p * p;
	return min(blocks * bs, 1ULL << 44);
}

/* Clear the bytes of the cached page holding offset size that lie at or beyond it. */
void ext4_zero_tail(struct inode *inode, u64 size)
{
	size_t off = size & ~PAGE_MASK;
	u64 *slot = pcache_slot(&EXT4_I(inode)->pages, size >> PAGE_SHIFT, false);
	phys_t fr;

	if (!off || !slot || !*slot)
		return;
	if (*slot & PC_WINDOW) {
		/* Window pages lie wholly inside the file; one left without a frame is reread. */
		if (cache_unshare(inode, size >> PAGE_SHIFT, slot_frame(*slot), &fr)) {
			ext4_drop_pages_range(inode, size >> PAGE_SHIFT, (size >> PAGE_SHIFT) + 1);
			return;
		}
		frame_put(fr);
		slot = pcache_slot(&EXT4_I(inode)->pages, size >> PAGE_SHIFT, false);
	}
	memset((char *)phys_to_virt(slot_frame(*slot)) + off, 0, PAGE_SIZE - off);
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

/* Copy up to one page of the write at p; returns bytes copied or -errno. */
static long write_page(struct inode *inode, struct iov_iter *from, u64 p)
{
	u64 index = p >> PAGE_SHIFT;
	size_t off = p & ~PAGE_MASK, n = min(PAGE_SIZE - off, from->count), c;
	bool whole = !off && n == PAGE_SIZE;
	/* A page overwritten whole is not read first; a short copy must not leave it so. */
	bool unread = whole && !cached(inode, index) && (index << PAGE_SHIFT) < inode->size;
	phys_t fr;
	int err = ext4_space_check(inode, index);

	if (!err)
		err = ext4_page_get_w(inode, index, !whole, &fr);
	if (err)
		return err;
	c = iter_copy_from((char *)phys_to_virt(fr) + off, from, n);
	frame_put(fr);
	if (c < n && unread) {
		ext4_drop_pages_range(inode, index, index + 1);
		return -EFAULT;
	}
	if (!c)
		return -EFAULT;
	ext4_page_set_dirty(inode, index, 0);
	if (p + c > inode->size)
		inode->size = p + c;
	return (long)c;
}

static ssize_t ext4_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct inode *inode = f->inode;
	u64 p = (u64)*pos, limit = ext4_max_bytes(inode);
	size_t done = 0;
	long c = 0;

	if (*pos < 0)
		return -EINVAL;
	if (ext4_ro(inode->sb))
		return -EROFS; /* opened for writing before a remount read-only */
	if (!from->count)
		return 0;
	if (p >= limit)
		return -EFBIG;
	if (p > inode->size)
		ext4_zero_tail(inode, inode->size);
	while (from->count && p < limit) {
		size_t want = min(PAGE_SIZE - (p & ~PAGE_MASK), from->count);

		c = write_page(inode, from, p);
		if (c <= 0)
			break;
		done += (size_t)c;
		p += (u64)c;
		if ((size_t)c < want) {
			c = -EFAULT;
			break;
		}
	}
	*pos = (loff_t)p;
	if (!done)
		return c < 0 ? c : -EFBIG;
	inode_touch(inode, false, true, true);
	remove_privs(inode);
	if (EXT4_I(inode)->nr_dirty >= DIRTY_BATCH)
		ext4_write_pages(inode);
	if (f->flags & O_DSYNC)
		f->f_op->fsync(f, true);
	return (ssize_t)done;
}

static int ext4_fsync(struct file *f, bool datasync)
{
	struct inode *inode = f->inode;
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	int r;

	if (ext4_ro(inode->sb))
		return 0;
	r = ext4_writeback_inode(inode);
	if (!r && sbi->h) {
		r = ext4h_sync(sbi->h, 1);
		if (!r)
			sbi->dirty = false;
	}
	return r;
}

static int ext4_get_page(struct inode *inode, u64 index, bool for_write, phys_t *frame)
{
	int r;

	if (index >= DIV_ROUND_UP(inode->size, PAGE_SIZE))
		return -ENXIO;
	if (for_write) {
		r = ext4_space_check(inode, index);
		if (r)
			return r;
	}
	if (!for_write)
		return ext4_page_get(inode, index, true, frame);
	r = ext4_page_get_w(inode, index, true, frame);
	if (r)
		return r;
	ext4_page_set_dirty(inode, index, PC_SHARED_W);
	inode_touch(inode, false, true, true);
	return 0;
}

const struct inode_operations ext4_file_iops = {
	.setattr = ext4_setattr,
	.get_page = ext4_get_page,
	.swap_activate = ext4_swap_activate,
	.swap_map = ext4_swap_map,
	.data_pages = ext4_data_pages,
	.page_peek = ext4_page_peek,
	.page_reclaim = ext4_page_reclaim,
	EXT4_XATTR_IOPS,
};

const struct file_operations ext4_file_fops = {
	.read = ext4_read,
	.write = ext4_write,
	.fsync = ext4_fsync,
	.fallocate = ext4_fallocate,
};
