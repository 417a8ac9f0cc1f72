/*
 * The boundary between the ext2/3/4 driver's kernel side (kernel/fs/ext4/ext4_*.c: VFS
 * operations, inode and page caches) and its host half (ext4_*_host.c: the on-disk work,
 * done by libext2fs, e2fsprogs' own library).
 *
 * Shared by both worlds, so stdint types only. Every function returns 0 (or a count) or a
 * negative errno; a libext2fs error the host half cannot translate becomes -EIO and its
 * text is kept for ext4h_last_error. The host half never calls the kernel except through
 * kern_blk_* (kern_util.h): libext2fs's block I/O goes through an io_manager of ours into
 * the kernel's block layer.
 *
 * Division of work: the kernel side is the master copy of an inode's attributes while the
 * inode lives (it writes them back with ext4h_write_attr) and of file data (its page cache
 * writes back through ext4h_write_pages). The host half changes directories, allocates and
 * frees inodes and blocks, and keeps bitmaps and the superblock, written by ext4h_sync.
 * Names passed in are NUL-terminated.
 */
#ifndef EXT4_HOST_H
#define EXT4_HOST_H

#include <stddef.h>
#include <stdint.h>

struct ext4h_fs;

#define EXT4H_ROOT_INO 2
#define EXT4H_NAME_MAX 255

/* ext4h_mount flags */
#define EXT4H_MOUNT_RW 0x1
#define EXT4H_MOUNT_EXT2 0x2 /* only what Linux's ext2 mounts (ext4 features refused) */
#define EXT4H_MOUNT_EXT3 0x4 /* only what Linux mounts as ext3 (a journal is needed) */

/* Inode attributes as the kernel keeps them (Linux mode bits and device encoding). */
struct ext4h_attr {
	uint32_t mode;      /* S_IF* | permission bits */
	uint32_t uid, gid;
	uint32_t nlink;
	uint32_t rdev;      /* character and block special files: MKDEV(major, minor) */
	uint32_t flags;     /* the on-disk i_flags (informational) */
	uint64_t size;
	uint64_t blocks;    /* 512-byte units */
	int64_t atime, mtime, ctime;
	uint32_t atime_ns, mtime_ns, ctime_ns;
};

/* What statfs reports. */
struct ext4h_info {
	uint32_t block_size;
	uint64_t blocks;        /* data blocks (the total less metadata overhead) */
	uint64_t free_blocks;
	uint64_t avail_blocks;  /* free less the reserved blocks */
	uint64_t inodes, free_inodes;
};

/* One piece of file data: len bytes at file offset off, in memory at buf. */
struct ext4h_seg {
	uint64_t off;
	void *buf;
	uint32_t len;
};

/* A directory entry as ext4h_readdir packs them, each 8-byte aligned. */
struct ext4h_dirent {
	uint64_t next;      /* position of the entry after this one */
	uint32_t ino;
	uint16_t reclen;    /* bytes of this record in the buffer */
	uint8_t type;       /* DT_* from the entry, 0 when the filesystem has no file types */
	uint8_t namelen;
	char name[];        /* namelen bytes, not NUL-terminated */
};

/* ---- ext4_host.c: the filesystem as a whole */
/*
 * Open the filesystem on the block device bdev (the kernel's struct block_device, used
 * only as the kern_blk_* handle) of size bytes; read-write with EXT4H_MOUNT_RW (the
 * filesystem is then marked not clean until ext4h_unmount). On failure msg gets a
 * sentence saying why (not an ext2/3/4 filesystem, unsupported feature, journal needing
 * recovery, larger than the device...). -EMEDIUMTYPE: an ext4 filesystem mounted as
 * ext2/ext3 (EXT4H_MOUNT_EXT2/3), so another type should be tried. On success msg is
 * empty, or a warning to show (not unmounted cleanly, errors recorded).
 */
int ext4h_mount(void *bdev, uint64_t size, int flags, struct ext4h_fs **out, char *msg,
		size_t msglen);
/* Write bitmaps, group descriptors and superblock; with wait, also flush the device. */
int ext4h_sync(struct ext4h_fs *fs, int wait);
/* Mark the filesystem clean (when read-write), write everything, close it; fs is freed. */
int ext4h_unmount(struct ext4h_fs *fs);
void ext4h_statfs(struct ext4h_fs *fs, struct ext4h_info *info);
/* The text of the last libext2fs error seen on fs (for kernel messages). */
void ext4h_last_error(struct ext4h_fs *fs, char *buf, size_t len);
/* The inode number range: first ordinary inode, and one past the last. */
void ext4h_inode_range(struct ext4h_fs *fs, uint32_t *first, uint32_t *end);

/* ---- ext4_host.c: inodes and file data */
/* Read inode ino; -ESTALE when it is not in use, -EIO when it is corrupt. */
int ext4h_read_inode(struct ext4h_fs *fs, uint32_t ino, struct ext4h_attr *a);
/* Write mode, owner, link count, times and rdev of a (not the size). */
int ext4h_write_attr(struct ext4h_fs *fs, uint32_t ino, const struct ext4h_attr *a);
/*
 * Set a regular file's size: blocks beyond are freed, the tail of the last block zeroed.
 * *out (when not NULL) gets the inode's attributes afterwards.
 */
int ext4h_set_size(struct ext4h_fs *fs, uint32_t ino, uint64_t size, struct ext4h_attr *out);
/*
 * Fill each segment from the file: holes and everything at or beyond size read as zeros.
 * size is the size the kernel knows (it may be ahead of the disk's). mapped[i] (when
 * mapped is not NULL) is set to 1 when every block under segment i is allocated on disk.
 */
int ext4h_read_pages(struct ext4h_fs *fs, uint32_t ino, uint64_t size,
		     const struct ext4h_seg *segs, int n, uint8_t *mapped);
/* Write each segment into the file, allocating blocks; *out as for ext4h_set_size. */
int ext4h_write_pages(struct ext4h_fs *fs, uint32_t ino, const struct ext4h_seg *segs, int n,
		      struct ext4h_attr *out);
/*
 * Allocate the blocks under [off, off+len) that are not yet (unwritten extents: they read
 * as zeros) without changing the size. *out (may be NULL) gets the attributes afterwards.
 */
int ext4h_fallocate(struct ext4h_fs *fs, uint32_t ino, uint64_t off, uint64_t len,
		    struct ext4h_attr *out);
/* Free the blocks of [off, off+len), both block aligned; *out as above. */
int ext4h_punch(struct ext4h_fs *fs, uint32_t ino, uint64_t off, uint64_t len,
		struct ext4h_attr *out);
/*
 * Swap files: the device block of each of the n logical blocks from lblk of file ino into
 * pblk[] (0 for a hole; unwritten extents count as allocated, as Linux's swapon takes them).
 */
int ext4h_map_blocks(struct ext4h_fs *fs, uint32_t ino, uint64_t lblk, uint32_t n,
		     uint64_t *pblk);
/*
 * The same for blocks whose data is on disk: unwritten extents give 0 like holes (their
 * blocks read as zeros, not as what the device holds there).
 */
int ext4h_map_written(struct ext4h_fs *fs, uint32_t ino, uint64_t lblk, uint32_t n,
		      uint64_t *pblk);
/*
 * Inode flags (chattr): replace the i_flags bits in mask by those of flags, and the ctime
 * by ctime/ctime_ns, written at once.
 */
int ext4h_set_flags(struct ext4h_fs *fs, uint32_t ino, uint32_t mask, uint32_t flags,
		    int64_t ctime, uint32_t ctime_ns);
/* A symlink's target into buf (len bytes at most, no NUL); returns its length. */
long ext4h_readlink(struct ext4h_fs *fs, uint32_t ino, char *buf, size_t len);
/*
 * Free inode ino whose link count reached zero: its blocks, extended attributes and the
 * inode itself (dtime set).
 */
int ext4h_free_inode(struct ext4h_fs *fs, uint32_t ino);

/* ---- ext4_dir_host.c: directories */
/*
 * Pack the entries of directory dir from position *pos (0: the start; "." and ".." are
 * skipped) into buf as struct ext4h_dirent records; *pos moves past the entries packed.
 * Returns the bytes packed, 0 at the end of the directory.
 */
long ext4h_readdir(struct ext4h_fs *fs, uint32_t dir, uint64_t *pos, void *buf, size_t len);
/*
 * Create name in dir: a new inode with the mode, owner, times and rdev of a (directories
 * get "." and "..", and dir an extra link; symlinks store target). *ino and *out get the
 * new inode's number and attributes; a->flags are i_flags bits to set on it (inherited
 * from dir). On failure nothing is left allocated. hint (may be
 * NULL) is the directory's insertion hint, as for ext4h_link.
 */
int ext4h_create(struct ext4h_fs *fs, uint32_t dir, const char *name, const struct ext4h_attr *a,
		 const char *target, uint64_t *hint, uint32_t *ino, struct ext4h_attr *out);
/*
 * Add the entry name -> ino (of file type mode) to dir. Link counts are the caller's.
 * *hint (may be NULL; start at 0) is kept per directory by the caller: the block where
 * the last name went, tried first in a linear directory.
 */
int ext4h_link(struct ext4h_fs *fs, uint32_t dir, const char *name, uint32_t ino, uint32_t mode,
	       uint64_t *hint);
/* Remove the entry name (which must point to ino) from dir. */
int ext4h_unlink(struct ext4h_fs *fs, uint32_t dir, const char *name, uint32_t ino);
/* Point the existing entry name of dir at ino (of file type mode) instead. */
int ext4h_relink(struct ext4h_fs *fs, uint32_t dir, const char *name, uint32_t ino, uint32_t mode);
/* Set the ".." entry of directory dir to parent. */
int ext4h_set_dotdot(struct ext4h_fs *fs, uint32_t dir, uint32_t parent);

/* ---- ext4_xattr_host.c: extended attributes (full names: "user.x") */
#define EXT4H_XATTR_CREATE 0x1  /* fail with -EEXIST when the attribute exists */
#define EXT4H_XATTR_REPLACE 0x2 /* fail with -ENODATA when it does not */
/* The value of name into buf (size bytes); its length, -ENODATA, -ERANGE, -EOPNOTSUPP. */
long ext4h_xattr_get(struct ext4h_fs *fs, uint32_t ino, const char *name, void *buf,
		     size_t size);
/* The names (NUL-terminated, system.* left out) into buf; their length or -E2BIG. */
long ext4h_xattr_list(struct ext4h_fs *fs, uint32_t ino, char *buf, size_t size);
/*
 * Set name to len bytes at val, or remove it when val is NULL (-ENODATA when absent);
 * flags EXT4H_XATTR_*. Written at once; *out (may be NULL) gets the attributes afterwards
 * (blocks change when an attribute block is allocated or freed).
 */
int ext4h_xattr_set(struct ext4h_fs *fs, uint32_t ino, const char *name, const void *val,
		    size_t len, int flags, struct ext4h_attr *out);

/* ---- ext4_io_host.c: the io_manager (used by ext4_host.c) */
/* Block-cache statistics of a mounted filesystem (for tests and /proc later). */
void ext4h_io_stats(struct ext4h_fs *fs, uint64_t *hits, uint64_t *misses);

#endif
