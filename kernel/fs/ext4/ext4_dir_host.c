/*
 * The ext2/3/4 host half, directory part (the interface is ext4_host.h): reading
 * directories, creating inodes with their first name, adding, removing and repointing
 * names, and ".." of moved directories, with libext2fs.
 *
 * Directory positions are byte offsets in the directory file (block * block size +
 * offset in the block), which stay valid while entries come and go: a removed entry is
 * merged into its predecessor and an added one takes free space, so a reader resuming at
 * a position neither skips nor repeats the entries that stayed. Hashed (htree) directories
 * are read the same way (their index blocks look like empty entries); libext2fs keeps the
 * index when it adds names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ext4_priv_host.h"

#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

int ext4h_file_type(uint32_t mode)
{
	switch (mode & LINUX_S_IFMT) {
	case LINUX_S_IFREG:
		return EXT2_FT_REG_FILE;
	case LINUX_S_IFDIR:
		return EXT2_FT_DIR;
	case LINUX_S_IFCHR:
		return EXT2_FT_CHRDEV;
	case LINUX_S_IFBLK:
		return EXT2_FT_BLKDEV;
	case LINUX_S_IFIFO:
		return EXT2_FT_FIFO;
	case LINUX_S_IFSOCK:
		return EXT2_FT_SOCK;
	case LINUX_S_IFLNK:
		return EXT2_FT_SYMLINK;
	default:
		return EXT2_FT_UNKNOWN;
	}
}

static uint8_t dtype_of(ext2_filsys fs, const struct ext2_dir_entry *de)
{
	static const uint8_t map[] = { 0, DT_REG, DT_DIR, DT_CHR, DT_BLK, DT_FIFO, DT_SOCK, DT_LNK };
	int ft = ext2fs_dirent_file_type(de);

	if (!ext2fs_has_feature_filetype(fs->super) || ft < 0 || ft >= (int)sizeof(map))
		return 0;
	return map[ft];
}

/* ---- reading */

struct pack {
	char *buf;
	size_t len, used;
};

/* Append one entry; 0, or 1 when it does not fit. */
static int pack_entry(struct pack *p, const struct ext2_dir_entry *de, uint8_t type,
		      uint64_t next)
{
	int nlen = ext2fs_dirent_name_len(de);
	size_t rec = (sizeof(struct ext4h_dirent) + nlen + 7) & ~(size_t)7;
	struct ext4h_dirent *d;

	if (p->used + rec > p->len)
		return 1;
	d = (struct ext4h_dirent *)(p->buf + p->used);
	d->next = next;
	d->ino = de->inode;
	d->reclen = (uint16_t)rec;
	d->type = type;
	d->namelen = (uint8_t)nlen;
	memcpy(d->name, de->name, nlen);
	p->used += rec;
	return 0;
}

static int is_dot_or_dotdot(const struct ext2_dir_entry *de)
{
	int n = ext2fs_dirent_name_len(de);

	return (n == 1 && de->name[0] == '.') || (n == 2 && de->name[0] == '.' && de->name[1] == '.');
}

/*
 * Pack the entries of one directory block (logical block lblk, content blk) at or after
 * offset from; returns 0, 1 when p filled up (*stop gets where to resume), or -EIO.
 */
static int pack_block(ext2_filsys fs, char *blk, uint64_t lblk, unsigned from, struct pack *p,
		      uint64_t *stop)
{
	unsigned bs = fs->blocksize, off = 0, rec;

	while (off + 8 <= bs) {
		struct ext2_dir_entry *de = (struct ext2_dir_entry *)(blk + off);

		if (ext2fs_get_rec_len(fs, de, &rec) || rec < 8 || rec % 4 || off + rec > bs ||
		    (unsigned)ext2fs_dirent_name_len(de) + 8 > rec)
			return -EIO;
		if (off >= from && de->inode && !is_dot_or_dotdot(de) &&
		    pack_entry(p, de, dtype_of(fs, de), lblk * bs + off + rec)) {
			*stop = lblk * bs + off;
			return 1;
		}
		off += rec;
	}
	return 0;
}

long ext4h_readdir(struct ext4h_fs *h, uint32_t dir, uint64_t *pos, void *buf, size_t len)
{
	ext2_filsys fs = h->fs;
	struct ext2_inode in;
	struct pack p = { buf, len, 0 };
	uint64_t size, at = *pos;
	char *blk;
	int r = 0;

	errcode_t err = ext2fs_read_inode(fs, dir, &in);
	if (err)
		return ext4h_err(h, err);
	if (!LINUX_S_ISDIR(in.i_mode))
		return -ENOTDIR;
	size = EXT2_I_SIZE(&in);
	blk = malloc((size_t)fs->blocksize * 4);
	if (!blk)
		return -ENOMEM;
	while (at < size && !r) {
		blk64_t lblk = at / fs->blocksize, pblk = 0;

		err = ext2fs_bmap2(fs, dir, &in, blk + fs->blocksize, 0, lblk, NULL, &pblk);
		if (!err && pblk)
			err = ext2fs_read_dir_block4(fs, pblk, blk, 0, dir);
		if (err) {
			r = ext4h_err(h, err);
			break;
		}
		if (pblk)
			r = pack_block(fs, blk, lblk, at % fs->blocksize, &p, &at);
		if (!r)
			at = (lblk + 1) * fs->blocksize;
	}
	free(blk);
	if (r < 0)
		return r;
	if (r == 1 && !p.used)
		return -EINVAL; /* the buffer cannot hold even one entry */
	*pos = at;
	return (long)p.used;
}

/* ---- names */

/* Put the entry name -> ino (type ft) at de, whose record length stays. */
static void fill_entry(ext2_filsys fs, struct ext2_dir_entry *de, const char *name, int len,
		       uint32_t ino, int ft)
{
	de->inode = ino;
	ext2fs_dirent_set_name_len(de, len);
	ext2fs_dirent_set_file_type(de, ext2fs_has_feature_filetype(fs->super) ? ft : 0);
	memcpy(de->name, name, len);
}

/*
 * Room for a new entry in one block of a linear directory: an unused entry big enough,
 * or the slack after an entry. Returns 0 when added, 1 when there is no room (or the
 * block is not laid out as expected: the caller then leaves it to ext2fs_link).
 */
static int insert_in_block(ext2_filsys fs, char *blk, const char *name, uint32_t ino, int ft)
{
	unsigned bs = fs->blocksize, limit = bs, off = 0, rec, len = (unsigned)strlen(name);
	unsigned need = EXT2_DIR_REC_LEN(len);

	if (ext2fs_has_feature_metadata_csum(fs->super)) {
		struct ext2_dir_entry_tail *t = EXT2_DIRENT_TAIL(blk, bs);

		if (t->det_reserved_zero1 || t->det_rec_len != sizeof(*t) ||
		    t->det_reserved_name_len != EXT2_DIR_NAME_LEN_CSUM)
			return 1;
		limit = bs - sizeof(*t);
	}
	while (off + 8 <= limit) {
		struct ext2_dir_entry *de = (struct ext2_dir_entry *)(blk + off), *nde;
		unsigned used = EXT2_DIR_REC_LEN(ext2fs_dirent_name_len(de));

		if (ext2fs_get_rec_len(fs, de, &rec) || rec < 8 || off + rec > limit)
			return 1;
		if (!de->inode && rec >= need) {
			fill_entry(fs, de, name, (int)len, ino, ft);
			return 0;
		}
		if (de->inode && rec >= used + need) {
			nde = (struct ext2_dir_entry *)(blk + off + used);
			if (ext2fs_set_rec_len(fs, rec - used, nde) || ext2fs_set_rec_len(fs, used, de))
				return 1;
			fill_entry(fs, nde, name, (int)len, ino, ft);
			return 0;
		}
		off += rec;
	}
	return 1;
}

/*
 * Linear directories: try the block of the last insertion (*hint) and the last block
 * before letting ext2fs_link scan them all, so filling a directory costs one block per
 * name instead of the whole directory. EXT2_ET_DIR_NO_SPACE when neither had room.
 */
static errcode_t add_hinted(ext2_filsys fs, uint32_t dir, const char *name, uint32_t ino, int ft,
			    uint64_t *hint)
{
	struct ext2_inode in;
	blk64_t nblocks, cand[2], pblk;
	char *blk;
	errcode_t err = ext2fs_read_inode(fs, dir, &in);

	if (err || (in.i_flags & (EXT2_INDEX_FL | EXT4_INLINE_DATA_FL)))
		return err ? err : EXT2_ET_DIR_NO_SPACE;
	nblocks = EXT2_I_SIZE(&in) / fs->blocksize;
	cand[0] = *hint < nblocks ? *hint : nblocks;
	cand[1] = nblocks ? nblocks - 1 : 0;
	blk = malloc((size_t)fs->blocksize * 4);
	if (!blk)
		return EXT2_ET_NO_MEMORY;
	err = EXT2_ET_DIR_NO_SPACE;
	for (int i = 0; i < 2 && err == EXT2_ET_DIR_NO_SPACE; i++) {
		errcode_t e;

		if (cand[i] >= nblocks || (i && cand[1] == cand[0]))
			continue;
		e = ext2fs_bmap2(fs, dir, &in, blk + fs->blocksize, 0, cand[i], NULL, &pblk);
		if (!e && pblk)
			e = ext2fs_read_dir_block4(fs, pblk, blk, 0, dir);
		if (e || !pblk || insert_in_block(fs, blk, name, ino, ft))
			continue;
		err = ext2fs_write_dir_block4(fs, pblk, blk, 0, dir);
		*hint = cand[i];
	}
	free(blk);
	return err;
}

/* Add name -> ino to dir, growing the directory when it is full. */
static errcode_t add_name(ext2_filsys fs, uint32_t dir, const char *name, uint32_t ino,
			  uint32_t mode, uint64_t *hint)
{
	int ft = ext4h_file_type(mode);
	errcode_t err = hint ? add_hinted(fs, dir, name, ino, ft, hint) : EXT2_ET_DIR_NO_SPACE;

	if (err == EXT2_ET_DIR_NO_SPACE)
		err = ext2fs_link(fs, dir, name, ino, ft);
	if (err == EXT2_ET_DIR_NO_SPACE) {
		err = ext2fs_expand_dir(fs, dir);
		if (!err)
			err = ext2fs_link(fs, dir, name, ino, ft);
	}
	return err;
}

int ext4h_link(struct ext4h_fs *h, uint32_t dir, const char *name, uint32_t ino, uint32_t mode,
	       uint64_t *hint)
{
	return ext4h_err(h, add_name(h->fs, dir, name, ino, mode, hint));
}

int ext4h_unlink(struct ext4h_fs *h, uint32_t dir, const char *name, uint32_t ino)
{
	return ext4h_err(h, ext2fs_unlink(h->fs, dir, name, ino, 0));
}

struct repoint {
	const char *name;
	int namelen;
	uint32_t ino;
	int ft;         /* new file type, or -1 to keep */
	int found;
};

static int repoint_proc(ext2_ino_t dir, int entry, struct ext2_dir_entry *de, int offset,
			int blocksize, char *buf, void *priv)
{
	struct repoint *rp = priv;

	if (ext2fs_dirent_name_len(de) != rp->namelen || memcmp(de->name, rp->name, rp->namelen))
		return 0;
	de->inode = rp->ino;
	if (rp->ft >= 0)
		ext2fs_dirent_set_file_type(de, rp->ft);
	rp->found = 1;
	return DIRENT_CHANGED | DIRENT_ABORT;
}

static int repoint(struct ext4h_fs *h, uint32_t dir, const char *name, uint32_t ino, int ft)
{
	struct repoint rp = { name, (int)strlen(name), ino, ft, 0 };
	errcode_t err = ext2fs_dir_iterate2(h->fs, dir, 0, NULL, repoint_proc, &rp);

	if (err)
		return ext4h_err(h, err);
	return rp.found ? 0 : -ENOENT;
}

int ext4h_relink(struct ext4h_fs *h, uint32_t dir, const char *name, uint32_t ino, uint32_t mode)
{
	int ft = ext2fs_has_feature_filetype(h->fs->super) ? ext4h_file_type(mode) : -1;

	return repoint(h, dir, name, ino, ft);
}

int ext4h_set_dotdot(struct ext4h_fs *h, uint32_t dir, uint32_t parent)
{
	return repoint(h, dir, "..", parent, -1);
}

/* ---- creation */

/* A new regular file, device, FIFO or socket inode (allocated, not yet named). */
static errcode_t new_plain(ext2_filsys fs, uint32_t ino, uint32_t mode)
{
	struct ext2_inode_large in;
	errcode_t err;

	memset(&in, 0, sizeof(in));
	in.i_mode = (uint16_t)mode;
	in.i_links_count = 1;
	in.i_extra_isize = sizeof(struct ext2_inode_large) - EXT2_GOOD_OLD_INODE_SIZE;
	if (LINUX_S_ISREG(mode) && ext2fs_has_feature_extents(fs->super)) {
		ext2_extent_handle_t eh;

		/* Opening an extent handle writes an empty extent tree into i_block. */
		err = ext2fs_extent_open2(fs, ino, (struct ext2_inode *)&in, &eh);
		if (err)
			return err;
		ext2fs_extent_free(eh);
	}
	err = ext2fs_write_new_inode(fs, ino, (struct ext2_inode *)&in);
	if (!err)
		ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
	return err;
}

/* Undo a creation whose name could not be added: free the inode and what it holds. */
static void discard_new(struct ext4h_fs *h, uint32_t dir, uint32_t ino, uint32_t mode)
{
	struct ext2_inode pin;

	ext4h_free_inode(h, ino);
	if (LINUX_S_ISDIR(mode) && !ext2fs_read_inode(h->fs, dir, &pin) && pin.i_links_count > 1) {
		pin.i_links_count--; /* ext2fs_mkdir counted the new directory's ".." */
		ext2fs_write_inode(h->fs, dir, &pin);
	}
}

/* Set the attributes the kernel chose (owner, mode, times, rdev) on a new inode. */
static int set_new_attr(struct ext4h_fs *h, uint32_t ino, const struct ext4h_attr *a,
			struct ext4h_attr *out)
{
	struct ext2_inode_large in;
	struct ext4h_attr set = *a;
	errcode_t err;

	memset(&in, 0, sizeof(in));
	err = ext2fs_read_inode_full(h->fs, ino, (struct ext2_inode *)&in, sizeof(in));
	if (err)
		return ext4h_err(h, err);
	set.nlink = in.i_links_count;
	ext4h_attr_to_inode(&set, &in);
	in.i_flags |= a->flags; /* inherited from the directory */
	err = ext2fs_write_inode_full(h->fs, ino, (struct ext2_inode *)&in, sizeof(in));
	if (err)
		return ext4h_err(h, err);
	ext4h_inode_to_attr(h, &in, out);
	return 0;
}

int ext4h_create(struct ext4h_fs *h, uint32_t dir, const char *name, const struct ext4h_attr *a,
		 const char *target, uint64_t *hint, uint32_t *ino, struct ext4h_attr *out)
{
	ext2_filsys fs = h->fs;
	ext2_ino_t n = 0;
	errcode_t err;
	int r;

	if (!h->rw)
		return -EROFS;
	err = ext2fs_new_inode(fs, dir, (int)a->mode, NULL, &n);
	if (err)
		return ext4h_err(h, err);
	if (LINUX_S_ISDIR(a->mode))
		err = ext2fs_mkdir(fs, dir, n, NULL);
	else if (LINUX_S_ISLNK(a->mode))
		err = ext2fs_symlink(fs, dir, n, NULL, target);
	else
		err = new_plain(fs, n, a->mode);
	if (err)
		return ext4h_err(h, err); /* these clean up after themselves */
	r = set_new_attr(h, n, a, out);
	if (!r)
		r = ext4h_err(h, add_name(fs, dir, name, n, a->mode, hint));
	if (r) {
		discard_new(h, dir, n, a->mode);
		return r;
	}
	*ino = n;
	return 0;
}
