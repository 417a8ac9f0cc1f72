/*
 * The ext2/3/4 host half, whole-filesystem and inode part (the interface is
 * ext4_host.h): mounting with libext2fs over our io_manager (ext4_io_host.c), syncing and
 * unmounting, statfs, inode attributes, symlink targets and freeing inodes. File data are
 * in ext4_data_host.c, directories in ext4_dir_host.c.
 *
 * Mounting read-write marks the filesystem not clean (s_state without EXT2_VALID_FS) and
 * writes that at once; ext4h_unmount marks it clean again and closes it, as fuse2fs does,
 * so an instance killed in the middle leaves a filesystem e2fsck knows to check. The
 * journal is not used: a filesystem whose journal needs recovery is refused read-write.
 * Only the primary superblock is rewritten (EXT2_FLAG_MASTER_SB_ONLY), as Linux does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ext4_priv_host.h"

/* ---- errors */

int ext4h_err(struct ext4h_fs *h, errcode_t err)
{
	if (!err)
		return 0;
	if (h)
		h->last_err = err;
	if (err > 0 && err < 4096)
		return -(int)err; /* a plain errno value (from the io_manager) */
	switch (err) {
	case EXT2_ET_NO_MEMORY:
		return -ENOMEM;
	case EXT2_ET_BLOCK_ALLOC_FAIL:
	case EXT2_ET_INODE_ALLOC_FAIL:
	case EXT2_ET_DIR_NO_SPACE:
	case EXT2_ET_EA_NO_SPACE:
		return -ENOSPC;
	case EXT2_ET_FILE_NOT_FOUND:
		return -ENOENT;
	case EXT2_ET_DIR_EXISTS:
	case EXT2_ET_FILE_EXISTS:
		return -EEXIST;
	case EXT2_ET_RO_FILSYS:
	case EXT2_ET_FILE_RO:
		return -EROFS;
	case EXT2_ET_FILE_TOO_BIG:
	case EXT2_ET_EXTENT_NOT_SUPPORTED:
		return -EFBIG;
	case EXT2_ET_NO_DIRECTORY:
		return -ENOTDIR;
	case EXT2_ET_INVALID_ARGUMENT:
		return -EINVAL;
	case EXT2_ET_BAD_INODE_NUM:
		return -ESTALE;
	default:
		return -EIO;
	}
}

void ext4h_last_error(struct ext4h_fs *h, char *buf, size_t len)
{
	snprintf(buf, len, "%s", h->last_err ? error_message(h->last_err) : "no error");
}

int64_t ext4h_now(void)
{
	return (int64_t)time(NULL);
}

/* ---- mounting */

static int fail(char *msg, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return err;
}

/* Why ext2fs_open2 refused, as a sentence in msg; returns -errno. */
static int explain_open_error(errcode_t err, char *msg, size_t len)
{
	switch (err) {
	case EXT2_ET_BAD_MAGIC:
		return fail(msg, len, -EINVAL, "not an ext2/3/4 filesystem (no superblock magic)");
	case EXT2_ET_SHORT_READ:
		return fail(msg, len, -EINVAL, "too small to hold an ext2/3/4 filesystem");
	case EXT2_ET_UNSUPP_FEATURE:
		return fail(msg, len, -EINVAL, "it uses a filesystem feature libext2fs does not know");
	case EXT2_ET_RO_UNSUPP_FEATURE:
		return fail(msg, len, -EROFS, "it uses a feature that allows read-only mounts only");
	default:
		return fail(msg, len, err == EXT2_ET_NO_MEMORY ? -ENOMEM : -EINVAL,
			    "corrupt or unreadable filesystem: %s", error_message(err));
	}
}

/*
 * Mounted as ext2 or ext3, refuse ext4's features as Linux does, so that trying the types
 * in turn (mount without -t) names the filesystem right.
 */
static int check_type(ext2_filsys fs, int flags, char *msg, size_t len)
{
	uint32_t incompat = EXT2_FEATURE_INCOMPAT_FILETYPE | EXT2_FEATURE_INCOMPAT_META_BG;
	uint32_t ro_compat = EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER |
			     EXT2_FEATURE_RO_COMPAT_LARGE_FILE | 0x0004 /* btree_dir */;
	const char *type = (flags & EXT4H_MOUNT_EXT2) ? "ext2" : "ext3";

	if (!(flags & (EXT4H_MOUNT_EXT2 | EXT4H_MOUNT_EXT3)))
		return 0;
	if (flags & EXT4H_MOUNT_EXT3)
		incompat |= EXT3_FEATURE_INCOMPAT_RECOVER;
	if ((fs->super->s_feature_incompat & ~incompat) ||
	    ((flags & EXT4H_MOUNT_RW) && (fs->super->s_feature_ro_compat & ~ro_compat)))
		return fail(msg, len, -EMEDIUMTYPE,
			    "it uses features %s does not have (mount it as ext4)", type);
	if ((flags & EXT4H_MOUNT_EXT3) && !ext2fs_has_feature_journal(fs->super))
		return fail(msg, len, -EMEDIUMTYPE,
			    "it has no journal, as ext3 needs (mount it as ext2)");
	return 0;
}

/* Refuse what this driver or a read-write mount cannot handle. */
static int check_mountable(struct ext4h_fs *h, int rw, char *msg, size_t len)
{
	ext2_filsys fs = h->fs;
	uint64_t bytes = ext2fs_blocks_count(fs->super) * (uint64_t)fs->blocksize;
	errcode_t err;

	if (bytes > h->dev.size)
		return fail(msg, len, -EINVAL,
			    "the filesystem (%" PRIu64 " bytes) is larger than the device (%" PRIu64
			    " bytes): a truncated image?", bytes, h->dev.size);
	err = ext2fs_check_desc(fs);
	if (err)
		return fail(msg, len, -EINVAL, "corrupt group descriptors: %s", error_message(err));
	if (ext2fs_has_feature_inline_data(fs->super))
		return fail(msg, len, -EINVAL, "the inline_data feature is not supported");
	if (ext2fs_has_feature_casefold(fs->super) || ext2fs_has_feature_encrypt(fs->super))
		return fail(msg, len, -EINVAL, "casefold and encrypt are not supported");
	if (rw && ext2fs_has_feature_journal_needs_recovery(fs->super))
		return fail(msg, len, -EROFS,
			    "its journal needs recovery (Linux did not unmount it cleanly): run "
			    "e2fsck on the image first, or mount it read-only");
	if (rw && ext2fs_has_feature_journal_dev(fs->super))
		return fail(msg, len, -EINVAL, "it is an external journal, not a filesystem");
	return 0;
}

/* A warning for a filesystem that was not unmounted cleanly (msg stays empty if it was). */
static void check_clean(ext2_filsys fs, char *msg, size_t len)
{
	if (fs->super->s_state & EXT2_ERROR_FS)
		snprintf(msg, len, "errors were recorded on this filesystem: run e2fsck on it");
	else if (!(fs->super->s_state & EXT2_VALID_FS))
		snprintf(msg, len, "it was not cleanly unmounted (an instance killed?): "
			 "e2fsck on the image is recommended");
}

/* Read-write: load the bitmaps and mark the filesystem in use (not clean). */
static int start_rw(struct ext4h_fs *h, char *msg, size_t len)
{
	ext2_filsys fs = h->fs;
	errcode_t err = ext2fs_read_bitmaps(fs);

	if (err)
		return fail(msg, len, -EIO, "cannot read the allocation bitmaps: %s",
			    error_message(err));
	fs->flags |= EXT2_FLAG_MASTER_SB_ONLY;
	fs->super->s_mnt_count++;
	fs->super->s_mtime = (uint32_t)ext4h_now();
	fs->super->s_state &= ~EXT2_VALID_FS;
	ext2fs_mark_super_dirty(fs);
	err = ext2fs_flush2(fs, 0);
	if (err)
		return fail(msg, len, -EIO, "cannot write the superblock: %s", error_message(err));
	h->rw = 1;
	return 0;
}

int ext4h_mount(void *bdev, uint64_t size, int flags, struct ext4h_fs **out, char *msg,
		size_t msglen)
{
	static int tables_ready;
	struct ext4h_fs *h = calloc(1, sizeof(*h));
	int oflags = EXT2_FLAG_64BITS | ((flags & EXT4H_MOUNT_RW) ? EXT2_FLAG_RW : 0);
	char name[64];
	errcode_t err;
	int r;

	if (!h)
		return fail(msg, msglen, -ENOMEM, "out of memory");
	if (!tables_ready) {
		initialize_ext2_error_table();
		tables_ready = 1;
	}
	h->dev.bdev = bdev;
	h->dev.size = size;
	ext4h_io_name(&h->dev, name, sizeof(name));
	err = ext2fs_open2(name, NULL, oflags, 0, 0, ext4h_io_manager, &h->fs);
	if (err) {
		free(h);
		return explain_open_error(err, msg, msglen);
	}
	r = check_type(h->fs, flags, msg, msglen);
	if (!r)
		r = check_mountable(h, flags & EXT4H_MOUNT_RW, msg, msglen);
	if (!r) {
		msg[0] = '\0';
		check_clean(h->fs, msg, msglen);
	}
	if (!r && (flags & EXT4H_MOUNT_RW))
		r = start_rw(h, msg, msglen);
	if (r) {
		ext2fs_free(h->fs);
		free(h);
		return r;
	}
	*out = h;
	return 0;
}

int ext4h_sync(struct ext4h_fs *h, int wait)
{
	errcode_t err;

	if (!h->rw)
		return 0;
	err = ext2fs_flush2(h->fs, wait ? 0 : EXT2_FLAG_FLUSH_NO_SYNC);
	return ext4h_err(h, err);
}

int ext4h_unmount(struct ext4h_fs *h)
{
	ext2_filsys fs = h->fs;
	errcode_t err;

	if (h->rw) {
		fs->super->s_state |= EXT2_VALID_FS;
		if (fs->super->s_error_count)
			fs->super->s_state |= EXT2_ERROR_FS;
		ext2fs_mark_super_dirty(fs);
	}
	err = ext2fs_close2(fs, 0);
	if (err)
		ext2fs_free(fs); /* close2 keeps the handle when its flush failed */
	free(h);
	return ext4h_err(NULL, err);
}

void ext4h_statfs(struct ext4h_fs *h, struct ext4h_info *info)
{
	ext2_filsys fs = h->fs;
	uint64_t overhead = fs->desc_blocks +
			    (uint64_t)fs->group_desc_count * (fs->inode_blocks_per_group + 2);
	uint64_t total = ext2fs_blocks_count(fs->super);
	uint64_t freeb = ext2fs_free_blocks_count(fs->super);
	uint64_t reserved = ext2fs_r_blocks_count(fs->super);

	info->block_size = fs->blocksize;
	info->blocks = total > overhead ? total - overhead : 0;
	info->free_blocks = freeb;
	info->avail_blocks = freeb > reserved ? freeb - reserved : 0;
	info->inodes = fs->super->s_inodes_count;
	info->free_inodes = fs->super->s_free_inodes_count;
}

void ext4h_inode_range(struct ext4h_fs *h, uint32_t *first, uint32_t *end)
{
	*first = EXT2_FIRST_INO(h->fs->super);
	*end = h->fs->super->s_inodes_count + 1;
}

/* ---- inode attributes */

/* The i_extra_isize part of a large inode holds field (offset off, size len). */
static int fits(const struct ext2_inode_large *in, size_t off, size_t len)
{
	return off + len <= EXT2_GOOD_OLD_INODE_SIZE + (size_t)in->i_extra_isize;
}

#define FITS(in, field) \
	fits(in, offsetof(struct ext2_inode_large, field), sizeof((in)->field))

static void get_time(const struct ext2_inode_large *in, uint32_t lo, uint32_t extra,
		     int has_extra, int64_t *sec, uint32_t *ns)
{
	*sec = (int32_t)lo;
	*ns = 0;
	if (has_extra) {
		*sec += (int64_t)(extra & EXT4_EPOCH_MASK) << 32;
		*ns = extra >> EXT4_EPOCH_BITS;
		if (*ns > 999999999)
			*ns = 0;
	}
}

static uint32_t time_extra(int64_t sec, uint32_t ns)
{
	return (uint32_t)(((sec - (int32_t)sec) >> 32) & EXT4_EPOCH_MASK) | (ns << EXT4_EPOCH_BITS);
}

void ext4h_inode_to_attr(struct ext4h_fs *h, const struct ext2_inode_large *in,
			 struct ext4h_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->mode = in->i_mode;
	a->uid = inode_uid(*in);
	a->gid = inode_gid(*in);
	a->nlink = in->i_links_count;
	a->flags = in->i_flags;
	a->size = EXT2_I_SIZE(in);
	a->blocks = ext2fs_get_stat_i_blocks(h->fs, (struct ext2_inode *)in);
	get_time(in, in->i_atime, in->i_atime_extra, FITS(in, i_atime_extra), &a->atime,
		 &a->atime_ns);
	get_time(in, in->i_mtime, in->i_mtime_extra, FITS(in, i_mtime_extra), &a->mtime,
		 &a->mtime_ns);
	get_time(in, in->i_ctime, in->i_ctime_extra, FITS(in, i_ctime_extra), &a->ctime,
		 &a->ctime_ns);
	if (LINUX_S_ISCHR(in->i_mode) || LINUX_S_ISBLK(in->i_mode))
		a->rdev = in->i_block[0] ? (in->i_block[0] & 0xffff) : in->i_block[1];
}

void ext4h_attr_to_inode(const struct ext4h_attr *a, struct ext2_inode_large *in)
{
	in->i_mode = (uint16_t)a->mode;
	in->i_uid = (uint16_t)a->uid;
	ext2fs_set_i_uid_high(*in, a->uid >> 16);
	in->i_gid = (uint16_t)a->gid;
	ext2fs_set_i_gid_high(*in, a->gid >> 16);
	in->i_links_count = (uint16_t)(a->nlink > 0xffff ? 1 : a->nlink);
	in->i_atime = (uint32_t)a->atime;
	in->i_mtime = (uint32_t)a->mtime;
	in->i_ctime = (uint32_t)a->ctime;
	if (FITS(in, i_atime_extra))
		in->i_atime_extra = time_extra(a->atime, a->atime_ns);
	if (FITS(in, i_mtime_extra))
		in->i_mtime_extra = time_extra(a->mtime, a->mtime_ns);
	if (FITS(in, i_ctime_extra))
		in->i_ctime_extra = time_extra(a->ctime, a->ctime_ns);
	if (LINUX_S_ISCHR(a->mode) || LINUX_S_ISBLK(a->mode)) {
		uint32_t major = (a->rdev >> 8) & 0xfff, minor = (a->rdev & 0xff) | (a->rdev >> 20 << 8);

		memset(in->i_block, 0, sizeof(in->i_block));
		if (major < 256 && minor < 256)
			in->i_block[0] = (major << 8) | minor;
		else
			in->i_block[1] = a->rdev;
	}
}

int ext4h_read_full(struct ext4h_fs *h, uint32_t ino, struct ext2_inode_large *in)
{
	memset(in, 0, sizeof(*in));
	if (ino < 1 || ino > h->fs->super->s_inodes_count)
		return -ESTALE;
	return ext4h_err(h, ext2fs_read_inode_full(h->fs, ino, (struct ext2_inode *)in,
						   sizeof(*in)));
}

int ext4h_write_full(struct ext4h_fs *h, uint32_t ino, struct ext2_inode_large *in)
{
	return ext4h_err(h, ext2fs_write_inode_full(h->fs, ino, (struct ext2_inode *)in,
						    sizeof(*in)));
}

int ext4h_read_inode(struct ext4h_fs *h, uint32_t ino, struct ext4h_attr *a)
{
	struct ext2_inode_large in;
	int r = ext4h_read_full(h, ino, &in);

	if (r)
		return r;
	if (!in.i_links_count)
		return -ESTALE; /* deleted, or never used */
	ext4h_inode_to_attr(h, &in, a);
	return 0;
}

int ext4h_write_attr(struct ext4h_fs *h, uint32_t ino, const struct ext4h_attr *a)
{
	struct ext2_inode_large in;
	int r = ext4h_read_full(h, ino, &in);

	if (r)
		return r;
	ext4h_attr_to_inode(a, &in);
	return ext4h_write_full(h, ino, &in);
}

int ext4h_set_flags(struct ext4h_fs *h, uint32_t ino, uint32_t mask, uint32_t flags,
		    int64_t ctime, uint32_t ctime_ns)
{
	struct ext2_inode_large in;
	int r = ext4h_read_full(h, ino, &in);

	if (r)
		return r;
	if (!h->rw)
		return -EROFS;
	in.i_flags = (in.i_flags & ~mask) | (flags & mask);
	in.i_ctime = (uint32_t)ctime;
	if (FITS(&in, i_ctime_extra))
		in.i_ctime_extra = time_extra(ctime, ctime_ns);
	return ext4h_write_full(h, ino, &in);
}

long ext4h_readlink(struct ext4h_fs *h, uint32_t ino, char *buf, size_t len)
{
	struct ext2_inode_large in;
	uint64_t size;
	char *tmp;
	int all, r = ext4h_read_full(h, ino, &in);

	if (r)
		return r;
	if (!LINUX_S_ISLNK(in.i_mode))
		return -EINVAL;
	size = EXT2_I_SIZE(&in);
	if (!size || size >= h->fs->blocksize)
		return -EIO;
	if (size > len)
		size = len;
	if (ext2fs_is_fast_symlink((struct ext2_inode *)&in)) {
		memcpy(buf, (char *)in.i_block, size);
		return (long)size;
	}
	tmp = malloc((size_t)h->fs->blocksize * 5);
	if (!tmp)
		return -ENOMEM;
	r = ext4h_read_range(h, ino, (struct ext2_inode *)&in, 0, tmp, size, tmp + h->fs->blocksize,
			     &all);
	if (!r)
		memcpy(buf, tmp, size);
	free(tmp);
	return r ? r : (long)size;
}

int ext4h_free_inode(struct ext4h_fs *h, uint32_t ino)
{
	struct ext2_inode_large in;
	errcode_t err;
	int r = ext4h_read_full(h, ino, &in);

	if (r)
		return r;
	in.i_links_count = 0;
	err = ext2fs_free_ext_attr(h->fs, ino, &in);
	if (!err && ext2fs_inode_has_valid_blocks2(h->fs, (struct ext2_inode *)&in))
		err = ext2fs_punch(h->fs, ino, (struct ext2_inode *)&in, NULL, 0, ~0ULL);
	if (err)
		return ext4h_err(h, err);
	in.i_dtime = (uint32_t)ext4h_now();
	r = ext4h_write_full(h, ino, &in);
	if (r)
		return r;
	ext2fs_inode_alloc_stats2(h->fs, ino, -1, LINUX_S_ISDIR(in.i_mode));
	return 0;
}
