/*
 * Private declarations of the ext2/3/4 host half (ext4_host.c, ext4_dir_host.c,
 * ext4_io_host.c): the filesystem handle and the io_manager. Host side only: it includes
 * the libext2fs headers.
 */
#ifndef EXT4_PRIV_HOST_H
#define EXT4_PRIV_HOST_H

#include <ext2fs/ext2fs.h>

#include "ext4_host.h"

/* The device an io channel reads and writes: a kernel block device. */
struct ext4h_iodev {
	void *bdev;     /* the kernel's struct block_device, for kern_blk_* */
	uint64_t size;  /* bytes */
};

struct ext4h_fs {
	ext2_filsys fs;
	struct ext4h_iodev dev;
	errcode_t last_err;  /* the last libext2fs error (ext4h_last_error) */
	int rw;
};

/* ---- ext4_io_host.c */
/* The io_manager whose channels are kernel block devices (kern_blk_*). */
extern io_manager ext4h_io_manager;
/* The channel name ext2fs_open2 must be given for dev (buf of at least 40 bytes). */
void ext4h_io_name(const struct ext4h_iodev *dev, char *buf, size_t len);
/*
 * Read count blocks (of the channel's block size) from blk straight into buf, past the
 * block cache (file data: it would only evict metadata). Coherent with the cache, which is
 * write-through.
 */
errcode_t ext4h_io_read_direct(io_channel ch, unsigned long long blk, int count, void *buf);

/* ---- ext4_host.c */
/* Translate a libext2fs error to -errno, remembering it in fs->last_err. */
int ext4h_err(struct ext4h_fs *h, errcode_t err);
/* Attributes <-> on-disk inode. */
void ext4h_inode_to_attr(struct ext4h_fs *h, const struct ext2_inode_large *in,
			 struct ext4h_attr *a);
void ext4h_attr_to_inode(const struct ext4h_attr *a, struct ext2_inode_large *in);
/* The whole on-disk inode (the large part zeroed when the inodes are small). */
int ext4h_read_full(struct ext4h_fs *h, uint32_t ino, struct ext2_inode_large *in);
int ext4h_write_full(struct ext4h_fs *h, uint32_t ino, struct ext2_inode_large *in);
/* The directory entry file type (EXT2_FT_*) of a mode. */
int ext4h_file_type(uint32_t mode);
/* The current real time, in seconds, for dtime. */
int64_t ext4h_now(void);

/* ---- ext4_data_host.c */
/*
 * Read bytes [off, off+len) of file ino (inode in) into buf: holes and unwritten extents
 * as zeros. scratch holds four blocks. *all_mapped is cleared when a hole was met.
 */
int ext4h_read_range(struct ext4h_fs *h, uint32_t ino, struct ext2_inode *in, uint64_t off,
		     char *buf, size_t len, char *scratch, int *all_mapped);

#endif
