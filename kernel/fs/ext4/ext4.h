/*
 * Private declarations of the ext2/3/4 driver's kernel side (kernel/fs/ext4/ext4_*.c):
 * superblock and inode state, the page cache of file data, the directory name index.
 * The host half (libext2fs) is behind ext4_host.h.
 *
 * Ownership and lifetime:
 *  - struct ext4_sb (sb->private) owns the libext2fs handle and the inode hash; it lives
 *    from mount to ext4_kill_sb, or to halt (then h is NULL and nothing reaches the disk).
 *  - struct ext4_inode (inode->private) lives as long as the VFS inode: the VFS struct
 *    inode is the master copy of the attributes while it lives; `disk` remembers what the
 *    disk holds, so writeback writes only what changed.
 *  - Positive dentries are DCACHE_PINNED (the dentry tree caches the directory tree), so
 *    a looked-up inode stays until unlink, unmount or halt. Hard links share one inode
 *    through the hash.
 */
#ifndef EXT4_H
#define EXT4_H

#include "kernel.h"
#include "pcache.h"
#include "blkdev.h"
#include "fs.h"
#include "list.h"
#include "ext4_host.h"

#include <linux/fs.h>
#include <linux/mount.h>

#define EXT4_SUPER_MAGIC 0xEF53
#define EXT4_LINK_MAX 65000
#define EXT4_HASH_BUCKETS 1024
/* i_flags bits the kernel side looks at */
#define EXT4_EXTENTS_FL 0x00080000

/* Page-cache slot bits (a slot is a frame address | these). */
#define PC_DIRTY 0x1     /* to be written back */
#define PC_SHARED_W 0x2  /* handed out writable through a shared mapping */
#define PC_ONDISK 0x4    /* its blocks are allocated on disk (no reservation needed) */
#define PC_RESERVED 0x8  /* dirty and holding a block reservation (ext4_sb.reserved) */
/*
 * Not a frame: a window page (page.h), the block as the disk's read-only backing file has
 * it, mapped from the host's page cache (ubd_share). Clean and read-only: anything that
 * writes the page first copies it into a frame (ext4_file.c, page_get_w).
 */
#define PC_WINDOW 0x10
#define PC_FLAGS 0xfffULL

struct ext4_sb {
	struct super_block *sb;
	struct ext4h_fs *h;          /* NULL once halted */
	struct block_device *bdev;
	struct list_head link;       /* in the list of ext4 superblocks (ext4_super.c) */
	struct list_head *hash;      /* EXT4_HASH_BUCKETS lists of struct ext4_inode */
	u32 block_size;
	u32 first_ino, end_ino;      /* valid ordinary inode numbers: [first_ino, end_ino) */
	u64 reserved;                /* blocks promised to dirty pages not yet on disk */
	bool rw;                     /* opened read-write (a remount does not change it) */
	bool dirty;                  /* the host half changed something since its last sync */
	bool errors_reported;        /* an I/O or corruption error has been logged */
};


struct ext4_inode {
	struct inode *inode;         /* back pointer */
	struct list_head hash_link;  /* in its superblock's hash */
	struct ext4h_attr disk;      /* the attributes as the disk has them */
	struct pcache pages;         /* file data (regular files) */
	u64 nr_dirty;                /* slots with PC_DIRTY */
	u64 nr_reserved;             /* slots with PC_RESERVED */
	struct list_head lru;        /* in the page-cache LRU while pages.nr > 0 */
	struct ext4_dindex *index;   /* directories: the name index, built on first lookup */
	u64 insert_hint;             /* directories: block of the last new name (ext4h_link) */
};

static inline struct ext4_sb *EXT4_SB(const struct super_block *sb)
{
	return sb->private;
}

static inline struct ext4_inode *EXT4_I(const struct inode *inode)
{
	return inode->private;
}

/* Nothing may be written: mounted read-only, or halted. */
static inline bool ext4_ro(const struct super_block *sb)
{
	return !EXT4_SB(sb)->rw || !EXT4_SB(sb)->h;
}

/* ---- ext4_xattr.c: extended attributes of every ext4 inode (inode_operations) */
ssize_t ext4_getxattr(struct inode *inode, const char *name, void *buf);
ssize_t ext4_listxattr(struct inode *inode, char *buf);
int ext4_setxattr(struct inode *inode, const char *name, const void *val, size_t size,
		  int flags);
int ext4_removexattr(struct inode *inode, const char *name);
/* Inode flags (chattr), Linux's ext4 rules; stored in the on-disk i_flags at once. */
u32 ext4_get_flags(struct inode *inode);
int ext4_set_flags(struct inode *inode, u32 flags);
/* The flags a new file of mode in dir inherits (nodump, noatime, sync...), as Linux. */
u32 ext4_inherit_flags(struct inode *dir, u32 mode);
/* The xattr and inode-flag operations of every ext4 inode. */
#define EXT4_XATTR_IOPS                                                            \
	.getxattr = ext4_getxattr, .listxattr = ext4_listxattr,                    \
	.setxattr = ext4_setxattr, .removexattr = ext4_removexattr,                \
	.get_flags = ext4_get_flags, .set_flags = ext4_set_flags,                  \
	.statx_flags = FS_COMPR_FL | FS_IMMUTABLE_FL | FS_APPEND_FL | FS_NODUMP_FL |  \
		       FS_ENCRYPT_FL | FS_VERITY_FL

extern const struct inode_operations ext4_dir_iops, ext4_file_iops, ext4_symlink_iops,
	ext4_special_iops;
extern const struct file_operations ext4_dir_fops, ext4_file_fops, ext4_noopen_fops;

/* ---- ext4_super.c */
/*
 * The inode ino of sb with a reference: from the hash, or read from the disk (attributes,
 * operations, a private part). ERR_PTR(-EIO) for a corrupt or unused inode (logged).
 */
struct inode *ext4_iget(struct super_block *sb, u32 ino);
/* A VFS inode for the new on-disk inode ino with attributes a (one reference). */
struct inode *ext4_inode_new(struct super_block *sb, u32 ino, const struct ext4h_attr *a);
/* Log a failed host call on sb once, with libext2fs's own words; returns err. */
int ext4_report(struct super_block *sb, const char *what, u64 ino, int err);
/* Attributes of the VFS inode in the host half's form. */
void ext4_attr_of(const struct inode *inode, struct ext4h_attr *a);
/* Write the attributes that differ from the disk's now. 0 or -errno. */
int ext4_write_attr(struct inode *inode);
/* Reread size and block count from the disk (after the host half changed them). */
void ext4_refresh_size(struct inode *inode);
/* Write back data and attributes of one inode. 0 or -errno. */
int ext4_writeback_inode(struct inode *inode);
/* Write back everything of sb, then the host half's metadata (with wait: durably). */
int ext4_sync_sb(struct super_block *sb, bool wait);

/* ---- ext4_file.c */
/* inode->blocks: what the disk has plus what dirty pages have reserved (as Linux shows). */
void ext4_blocks_update(struct inode *inode);
/* The frame of page index, filled from the disk if missing (a reference for the caller). */
int ext4_page_get(struct inode *inode, u64 index, bool fill, phys_t *frame);
/* Write back dirty pages of the inode; 0 or -errno (the pages stay dirty on failure). */
int ext4_write_pages(struct inode *inode);
/* The same for the dirty pages nothing maps (reclaim: those it can drop afterwards). */
int ext4_write_unmapped(struct inode *inode);
/* Drop the cached pages from index first on (all with 0), releasing their reservations. */
void ext4_drop_pages(struct inode *inode, u64 first);
/* The same for the pages [first, end). */
void ext4_drop_pages_range(struct inode *inode, u64 first, u64 end);
/* Drop clean unmapped pages of inode; returns how many frames were freed. */
u64 ext4_shrink_pages(struct inode *inode);
/* Update atime the relatime way (nothing on a read-only mount). */
void ext4_accessed(struct inode *inode);
/* Would page index, made dirty, still fit on the disk? 0 or -ENOSPC. */
int ext4_space_check(struct inode *inode, u64 index);
/* ext4_page_get for a caller that writes the page: never a window page. */
int ext4_page_get_w(struct inode *inode, u64 index, bool fill, phys_t *frame);
/* Mark the cached page index dirty (with extra PC_* flags), reserving its blocks. */
void ext4_page_set_dirty(struct inode *inode, u64 index, u64 extra);
/* Clear the bytes of the cached page holding offset size that lie at or beyond it. */
void ext4_zero_tail(struct inode *inode, u64 size);
/* The largest file size the inode's block mapping allows. */
u64 ext4_max_bytes(struct inode *inode);

/* ---- ext4_size.c */
/* ->setattr of every ext4 inode (size only for regular files); written at once. */
int ext4_setattr(struct dentry *d, const struct iattr *ia);
/* ->fallocate of regular files (allocate, KEEP_SIZE, PUNCH_HOLE, ZERO_RANGE). */
long ext4_fallocate(struct file *f, int mode, loff_t off, loff_t len);

/* ---- ext4_swap.c: swap files (inode_operations swap_activate and swap_map, fs.h) */
int ext4_swap_activate(struct inode *inode, struct block_device **bdev);
int ext4_swap_map(struct inode *inode, u64 first, u32 n, u64 *off);
/* ->data_pages: which pages of a file hold data (SEEK_DATA, SEEK_HOLE). */
int ext4_data_pages(struct inode *inode, u64 first, u32 n, u8 *present);

/* ---- ext4_cache.c: the page-cache radix tree and LRU */
/*
 * The tree itself is struct pcache (pcache.h): a slot cleared in a pcache_walk must be
 * reported with ext4_cache_removed; pages.nr is kept by ext4_cache_added/removed.
 */
/*
 * Account a new cached page / a page dropped (slot: its value, for the kind), and keep
 * the inode on the LRU.
 */
void ext4_cache_added(struct ext4_inode *ei, u64 slot);
void ext4_cache_removed(struct ext4_inode *ei, u64 slot);
/* Mark the inode recently used. */
void ext4_cache_touch(struct ext4_inode *ei);
/* Free some cache memory when the guest runs low (writes back, then drops clean pages). */
void ext4_cache_balance(void);
/* Free at least want frames if possible; returns the number freed. */
u64 ext4_cache_reclaim(u64 want);
/* ->page_peek and ->page_reclaim (fs.h): a mapped page's frame, and dropping it when clean. */
phys_t ext4_page_peek(struct inode *inode, u64 index);
int ext4_page_reclaim(struct inode *inode, u64 index);
/* Frames held by the page cache of every ext4 mount (window pages are page.h's count). */
extern u64 ext4_cached_pages;

/* ---- ext4_index.c: the per-directory name index */
struct ext4_dent {
	struct ext4_dent *next;
	u32 ino;
	u8 type;       /* DT_* */
	u8 len;
	char name[];
};
struct ext4_dindex {
	struct ext4_dent **buckets;
	u32 nbuckets;
	u32 count;     /* entries (without "." and "..") */
};
/* The index of directory dir, read from the disk the first time. ERR_PTR on error. */
struct ext4_dindex *ext4_index_get(struct inode *dir);
struct ext4_dent *ext4_index_find(struct ext4_dindex *ix, const char *name, int len);
/* Changes of a built index (no-ops when the index is not built). 0 or -ENOMEM. */
int ext4_index_add(struct inode *dir, const char *name, int len, u32 ino, u32 mode);
void ext4_index_remove(struct inode *dir, const char *name, int len);
void ext4_index_set(struct inode *dir, const char *name, int len, u32 ino, u32 mode);
void ext4_index_free(struct inode *dir);

#endif
