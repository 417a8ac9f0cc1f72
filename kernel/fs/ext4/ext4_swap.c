/*
 * Swap files on ext2/3/4 (the swap_activate and swap_map inode operations, fs.h): at
 * swapon the file's data is written back and its cached pages dropped, so that the driver
 * never writes those blocks while swap owns them (the VFS refuses writes, truncation and
 * unlink of an active swap file), and each page of the file is mapped to a byte offset on
 * the device once, through the host half's block map. Swap then reads and writes the
 * device directly, as Linux's swap_extent list does.
 *
 * The same block map answers lseek's SEEK_DATA and SEEK_HOLE (ext4_data_pages).
 */
#include "ext4.h"
#include "slab.h"

#define MAP_CHUNK 1024 /* blocks mapped per host call */

/* ->swap_activate */
int ext4_swap_activate(struct inode *inode, struct block_device **bdev)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	int err;

	if (!sbi->h)
		return -EIO;
	if (ext4_ro(inode->sb))
		return -EROFS;
	err = ext4_write_pages(inode);
	if (err)
		return err;
	ext4_drop_pages(inode, 0);
	*bdev = sbi->bdev;
	return 0;
}

/* The offset of one page from the device blocks under it (bpp of them at b). */
static u64 page_offset_of(const u64 *b, u32 bpp, u32 bs, u64 index)
{
	for (u32 k = 0; k < bpp; k++) {
		if (!b[k])
			return SWAP_MAP_HOLE;
		if (k && b[k] != b[0] + k)
			return SWAP_MAP_SPLIT;
	}
	/* Blocks larger than a page: the page is a part of its block. */
	return b[0] * bs + (index * PAGE_SIZE) % bs;
}

/* ->swap_map */
int ext4_swap_map(struct inode *inode, u64 first, u32 n, u64 *off)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	u32 bs = sbi->block_size;
	u32 bpp = bs < PAGE_SIZE ? PAGE_SIZE / bs : 1;
	u32 per = MAP_CHUNK / bpp;
	u64 *blocks;
	int err = 0;

	if (!sbi->h)
		return -EIO;
	blocks = kmalloc(MAP_CHUNK * sizeof(*blocks));
	if (!blocks)
		return -ENOMEM;
	for (u32 done = 0; done < n && !err; done += per) {
		u32 cnt = min(per, n - done);
		u64 lblk = (first + done) * PAGE_SIZE / bs;

		err = ext4h_map_blocks(sbi->h, (u32)inode->ino, lblk, cnt * bpp, blocks);
		if (err) {
			ext4_report(inode->sb, "map swap file", inode->ino, err);
			break;
		}
		for (u32 i = 0; i < cnt; i++) {
			u64 index = first + done + i;
			/* Blocks larger than pages: pages share blocks. */
			const u64 *b = bs <= PAGE_SIZE ? blocks + i * bpp :
					  blocks + (index * PAGE_SIZE / bs - lblk);

			off[done + i] = page_offset_of(b, bpp, bs, index);
		}
	}
	kfree(blocks);
	return err;
}

/*
 * ->data_pages: a page is data when it is dirty in the cache (written, perhaps with no
 * block yet: Linux's delayed allocation) or a block under it is allocated (unwritten
 * extents included). Blocks larger than a page: the page is data when its block is.
 */
int ext4_data_pages(struct inode *inode, u64 first, u32 n, u8 *present)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	u32 bs = sbi->block_size;
	u32 bpp = bs < PAGE_SIZE ? PAGE_SIZE / bs : 1;
	u32 per = MAP_CHUNK / bpp;
	u64 *blocks, *slot;
	int err = 0;

	if (!sbi->h)
		return -EIO;
	blocks = kmalloc(MAP_CHUNK * sizeof(*blocks));
	if (!blocks)
		return -ENOMEM;
	for (u32 done = 0; done < n && !err; done += per) {
		u32 cnt = min(per, n - done);
		u64 lblk = (first + done) * PAGE_SIZE / bs;
		u64 end = (first + done + cnt) * PAGE_SIZE - 1;
		u32 nblk = bs <= PAGE_SIZE ? cnt * bpp : (u32)(end / bs - lblk + 1);

		err = ext4h_map_blocks(sbi->h, (u32)inode->ino, lblk, nblk, blocks);
		for (u32 i = 0; i < cnt && !err; i++) {
			u64 index = first + done + i;
			const u64 *b = bs <= PAGE_SIZE ? blocks + i * bpp :
					  blocks + (index * PAGE_SIZE / bs - lblk);

			slot = pcache_slot(&EXT4_I(inode)->pages, index, false);
			present[done + i] = slot && (*slot & (PC_DIRTY | PC_SHARED_W));
			for (u32 k = 0; k < bpp && !present[done + i]; k++)
				present[done + i] = b[k] != 0;
		}
	}
	kfree(blocks);
	return err;
}
