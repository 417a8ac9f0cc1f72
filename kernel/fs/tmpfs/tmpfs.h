/*
 * Private declarations of the tmpfs files (tmpfs.c, tmpfs_dir.c, tmpfs_file.c) and of
 * devtmpfs (fs/devfs/devfs.c), which is a tmpfs instance populated at mount.
 */
#ifndef TMPFS_H
#define TMPFS_H

#include "kernel.h"
#include "fs.h"
#include "pcache.h"

#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6
/* Largest regular file (16 TiB): writes and truncates beyond it are -EFBIG. */
#define TMPFS_MAX_BYTES (1ULL << 44)
/* Linux's tmpfs counts 20 bytes of directory size per entry (BOGO_DIRENT_SIZE). */
#define TMPFS_DIRENT_SIZE 20

/* Per-superblock state (sb->private). */
struct tmpfs_sb {
	u64 max_pages;   /* size= limit in pages; 0: no limit but free memory */
	u64 used_pages;  /* data frames held by the files of this instance */
	u64 max_inodes;  /* nr_inodes= limit; 0: no limit */
	u64 nr_inodes;   /* live inodes of this instance */
	u64 dflt_max;    /* the default size and nr_inodes when mounted (half of memory) */
	u32 mode, uid, gid; /* the root directory's as mounted (mode=, uid=, gid=) */
};

/*
 * Per-inode state (inode->private), owned by the inode and freed by tmpfs_evict_inode.
 * Regular files: the data frames, indexed by page number in a radix tree of 512-entry
 * nodes (struct pcache: a used slot holds the phys_t, or a swap entry for a page written
 * to swap: tmpfs_swap.c). Each present frame holds one reference owned by the file.
 * Symlinks: the target. Directories: the next readdir cookie handed to a new entry
 * (dentry->private holds an entry's cookie).
 */
struct tmpfs_inode {
	struct pcache pages;  /* page index -> frame or swap entry; pages.nr: slots used */
	u64 resident;         /* slots holding a frame (the others are on swap) */
	struct list_head lru; /* in tmpfs_swap.c's LRU while pages.nr > 0 */
	struct inode *inode;  /* back pointer */
	char *link;           /* symlink target (kmalloc'd, NUL-terminated) */
	u64 next_cookie;      /* directories: next readdir position (starts at 2) */
	char *memfd_name;     /* memfd_create files: "memfd:NAME" (kmalloc'd), else NULL */
	unsigned seals;       /* regular files: F_SEAL_* (memfd.c); F_SEAL_SEAL by default */
	struct list_head xattrs; /* extended attributes (fs/xattr.c's simple store) */
	size_t xattr_bytes;   /* their names and values, charged against a limit */
};

static inline struct tmpfs_inode *TMPFS_I(const struct inode *inode)
{
	return inode->private;
}

static inline struct tmpfs_sb *TMPFS_SB(const struct super_block *sb)
{
	return sb->private;
}

extern const struct inode_operations tmpfs_dir_iops;
extern const struct inode_operations tmpfs_file_iops;
extern const struct inode_operations tmpfs_symlink_iops;
extern const struct inode_operations tmpfs_special_iops;
extern const struct file_operations tmpfs_dir_fops;
extern const struct file_operations tmpfs_file_fops;
/* Block devices, sockets, symlinks: opening them gives -ENXIO. */
extern const struct file_operations tmpfs_noopen_fops;

/* Mount options (tmpfs.c parses them; devtmpfs sets its own). */
struct tmpfs_opts {
	u64 max_pages, max_inodes; /* 0: no limit */
	u32 mode, uid, gid;        /* of the root directory */
};

/* ---- tmpfs.c */
/*
 * A new superblock of type (a tmpfs-based type) with its root directory (S_IFDIR |
 * opts->mode, owned by opts->uid/gid) and the limits of opts; flags are the mount's
 * MS_* flags. Returns 0 and *out, or -errno.
 */
int tmpfs_fill_super(struct file_system_type *type, const struct tmpfs_opts *opts,
		     unsigned long flags, struct super_block **out);
/*
 * A new inode of sb for mode (S_IFMT included), with its tmpfs state, operations and
 * owner (the caller's fsuid/fsgid; the group and S_ISGID of a set-group-id dir). Returns
 * the inode with one reference, or ERR_PTR(-ENOSPC / -ENOMEM).
 */
struct inode *tmpfs_new_inode(struct super_block *sb, struct inode *dir, u32 mode, u32 rdev);
/*
 * Create name under the directory dentry dir through the tmpfs directory operations
 * (boot-time population of devtmpfs): mode is S_IFDIR, S_IFLNK (target), S_IFREG or a
 * special file (rdev). Owner root. 0 or -errno.
 */
int tmpfs_add_node(struct dentry *dir, const char *name, u32 mode, u32 rdev,
		   const char *target);
/*
 * Remove name from the directory dentry dir if it is still a special file of the given
 * type (S_IFBLK, S_IFCHR) and rdev (devtmpfs, when a device goes away); else leave it.
 */
void tmpfs_remove_node(struct dentry *dir, const char *name, u32 type, u32 rdev);
/* ->kill_sb of tmpfs-based types: drop the dentry tree, then free the superblock. */
void tmpfs_kill_sb(struct super_block *sb);
/* Update atime after a read or readdir, the relatime way. */
void tmpfs_accessed(struct inode *inode);
/* Readdir cookie of an entry (see struct tmpfs_inode). */
static inline u64 tmpfs_cookie(const struct dentry *d)
{
	return (u64)(uintptr_t)d->private;
}

/* ---- tmpfs_file.c */
/* Free the data frames from page index first on (all of them when first is 0). */
void tmpfs_free_pages(struct inode *inode, u64 first);
int tmpfs_setattr(struct dentry *d, const struct iattr *ia);

/* ---- tmpfs_swap.c: file pages on swap */
/* A slot of inode now holds a new frame (counted: pages.nr, used_pages, blocks, the LRU). */
void tmpfs_slot_added(struct inode *inode);
/* Free what *slot holds (its frame, or its swap slot) and clear it. */
void tmpfs_slot_removed(struct inode *inode, u64 *slot);
/* Bring the page whose swap entry *slot holds back into a frame: 0, -ENOMEM or -EIO. */
int tmpfs_swap_in(struct inode *inode, u64 *slot);
/* inode was read or written: the last to have its pages swapped. */
void tmpfs_lru_touch(struct inode *inode);
/* ->page_peek and ->page_reclaim of regular files (fs.h). */
phys_t tmpfs_page_peek(struct inode *inode, u64 index);
int tmpfs_page_reclaim(struct inode *inode, u64 index);

/* ---- tmpfs_xattr.c: extended attributes of every tmpfs inode (inode_operations) */
ssize_t tmpfs_getxattr(struct inode *inode, const char *name, void *buf);
ssize_t tmpfs_listxattr(struct inode *inode, char *buf);
int tmpfs_setxattr(struct inode *inode, const char *name, const void *val, size_t size,
		   int flags);
int tmpfs_removexattr(struct inode *inode, const char *name);
/* Inode flags (chattr): immutable, append-only, nodump and noatime. */
u32 tmpfs_get_flags(struct inode *inode);
int tmpfs_set_flags(struct inode *inode, u32 flags);
/* The xattr and inode-flag operations of every tmpfs inode. */
#define TMPFS_XATTR_IOPS                                                           \
	.getxattr = tmpfs_getxattr, .listxattr = tmpfs_listxattr,                  \
	.setxattr = tmpfs_setxattr, .removexattr = tmpfs_removexattr,              \
	.get_flags = tmpfs_get_flags, .set_flags = tmpfs_set_flags

/* ---- memfd.c: seals (F_ADD_SEALS, F_GET_SEALS) and memfd_create */
/* May a write of len bytes at pos happen under inode's seals? 0 or -EPERM. */
int memfd_check_write(struct inode *inode, u64 pos, u64 len);
/* May the size change from old to size? 0 or -EPERM. */
int memfd_check_resize(struct inode *inode, u64 old, u64 size);
/* ->mmap of tmpfs files: no shared writable mapping of a write-sealed file. */
int memfd_mmap(struct file *f, struct vma *vma);

/* ---- fs/devfs/devfs.c: registers "devtmpfs" and the memory devices. */

#endif
