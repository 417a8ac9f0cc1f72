/*
 * The ext2/3/4 host half, file data part (the interface is ext4_host.h): pages of the
 * kernel's page cache in from and out to the blocks of a file, and file sizes.
 *
 * Reading maps logical blocks to the device through the extent tree (one lookup per
 * extent, not per block) and reads each physically contiguous run with one device read,
 * straight into the page frames; holes and unwritten extents read as zeros.
 *
 * Writing, when blocks are no larger than pages: a run of pages over blocks that are all
 * allocated is written in place; a run over a hole is first allocated whole with
 * ext2fs_fallocate (initialized extents: the data follow at once), then written. Either
 * way physically contiguous blocks go out in one device write through a staging buffer.
 * Anything else (unwritten extents, runs partly allocated, larger blocks) goes through
 * ext2fs_file_write, which handles every case one block at a time. An allocation that
 * fails is undone, so a hole never ends up allocated with stale contents.
 *
 * Swap files: the same mapping, block by block, gives swapon the device blocks of a file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ext4_priv_host.h"

#define STAGE_BYTES (256 * 1024)
#define PAGE_BYTES 4096

/* Logical-to-physical block mapping of one file, remembering the last extent seen. */
struct mapper {
	ext2_filsys fs;
	ext2_ino_t ino;
	struct ext2_inode *in;
	ext2_extent_handle_t eh;  /* extent-mapped files; opened on first use */
	struct ext2fs_extent ex;  /* the last extent found */
	int have;                 /* ex is valid */
	blk64_t hole0, hole1;     /* the last hole found: [hole0, hole1) (hole1 > hole0) */
	char *scratch;            /* three blocks for ext2fs_bmap2 */
};

static void mapper_init(struct mapper *m, ext2_filsys fs, ext2_ino_t ino, struct ext2_inode *in,
			char *scratch)
{
	memset(m, 0, sizeof(*m));
	m->fs = fs;
	m->ino = ino;
	m->in = in;
	m->scratch = scratch;
}

/* Forget what was looked up (the tree changed). */
static void mapper_reset(struct mapper *m)
{
	if (m->eh)
		ext2fs_extent_free(m->eh);
	m->eh = NULL;
	m->have = 0;
	m->hole0 = m->hole1 = 0;
}

/*
 * lblk is in a hole: remember it up to the next extent, and return that end. A failed
 * goto leaves the handle at the extent before lblk, or at the first one when none is.
 */
static blk64_t note_hole(struct mapper *m, blk64_t lblk)
{
	struct ext2fs_extent ex;
	blk64_t end = ~0ULL, prev;

	if (!ext2fs_extent_get(m->eh, EXT2_EXTENT_CURRENT, &ex)) {
		prev = ex.e_lblk;
		while (ex.e_lblk <= lblk && ex.e_lblk + ex.e_len <= lblk) {
			if (ext2fs_extent_get(m->eh, EXT2_EXTENT_NEXT_LEAF, &ex) || ex.e_lblk <= prev)
				break; /* the last extent (NEXT_LEAF may wrap to the first) */
			prev = ex.e_lblk;
		}
		if (ex.e_lblk <= lblk && ex.e_lblk + ex.e_len > lblk)
			return lblk + 1; /* not a hole after all: a damaged tree, no caching */
		if (ex.e_lblk > lblk)
			end = ex.e_lblk;
	}
	m->hole0 = lblk;
	m->hole1 = end;
	return end;
}

/*
 * Map lblk: *pblk (0 for a hole), *uninit (an unwritten extent), and *count, the number
 * of blocks from lblk known to map contiguously in the same state (at least 1).
 */
static errcode_t map_block(struct mapper *m, blk64_t lblk, blk64_t *pblk, int *uninit,
			   blk64_t *count)
{
	struct ext2fs_extent *ex = &m->ex;
	errcode_t err;
	int flags = 0;

	*count = 1;
	*uninit = 0;
	if (!(m->in->i_flags & EXT4_EXTENTS_FL)) {
		err = ext2fs_bmap2(m->fs, m->ino, m->in, m->scratch, 0, lblk, &flags, pblk);
		*uninit = !!(flags & BMAP_RET_UNINIT);
		return err;
	}
	if (lblk >= m->hole0 && lblk < m->hole1) {
		*pblk = 0;
		*count = m->hole1 - lblk;
		return 0;
	}
	if (!m->have || lblk < ex->e_lblk || lblk >= ex->e_lblk + ex->e_len) {
		m->have = 0;
		if (!m->eh && (err = ext2fs_extent_open2(m->fs, m->ino, m->in, &m->eh)))
			return err;
		err = ext2fs_extent_goto(m->eh, lblk);
		if (!err)
			err = ext2fs_extent_get(m->eh, EXT2_EXTENT_CURRENT, ex);
		if (err == EXT2_ET_EXTENT_NOT_FOUND || err == EXT2_ET_EXTENT_NO_NEXT ||
		    err == EXT2_ET_NO_CURRENT_NODE ||
		    (!err && (lblk < ex->e_lblk || lblk >= ex->e_lblk + ex->e_len))) {
			*pblk = 0;
			*count = note_hole(m, lblk) - lblk;
			return 0;
		}
		if (err)
			return err;
		m->have = 1;
	}
	*pblk = ex->e_pblk + (lblk - ex->e_lblk);
	*uninit = !!(ex->e_flags & EXT2_EXTENT_FLAGS_UNINIT);
	*count = ex->e_len - (lblk - ex->e_lblk);
	return 0;
}

/* ---- reading */

int ext4h_read_range(struct ext4h_fs *h, uint32_t ino, struct ext2_inode *in, uint64_t off,
		     char *buf, size_t len, char *scratch, int *all_mapped)
{
	ext2_filsys fs = h->fs;
	unsigned bs = fs->blocksize;
	char *part = scratch + 3 * (size_t)bs;
	struct mapper m;
	size_t done = 0;
	errcode_t err = 0;

	mapper_init(&m, fs, ino, in, scratch);
	while (done < len && !err) {
		uint64_t pos = off + done;
		blk64_t pblk, count;
		size_t boff = pos % bs, n = bs - boff;
		int uninit;

		err = map_block(&m, pos / bs, &pblk, &uninit, &count);
		if (err)
			break;
		if (n > len - done)
			n = len - done;
		if (!pblk || uninit) {
			memset(buf + done, 0, n);
			*all_mapped &= !!pblk; /* unwritten blocks are allocated all the same */
		} else if (n < bs) {
			err = ext4h_io_read_direct(fs->io, pblk, 1, part);
			if (!err)
				memcpy(buf + done, part + boff, n);
		} else {
			/* Whole blocks: as many as the extent and the buffer allow, in one read. */
			blk64_t whole = (len - done) / bs;

			if (count > whole)
				count = whole;
			if (count > 4096)
				count = 4096;
			err = ext4h_io_read_direct(fs->io, pblk, (int)count, buf + done);
			n = count * bs;
		}
		done += n;
	}
	mapper_reset(&m);
	return ext4h_err(h, err);
}

/* Are all the blocks under [off, off+len) allocated (written or not)? */
static int range_allocated(struct ext4h_fs *h, uint32_t ino, struct ext2_inode *in, uint64_t off,
			   size_t len, char *scratch)
{
	unsigned bs = h->fs->blocksize;
	blk64_t b, end = (off + len + bs - 1) / bs, pblk, count;
	struct mapper m;
	int uninit, all = 1;

	mapper_init(&m, h->fs, ino, in, scratch);
	for (b = off / bs; b < end && all; b += count)
		all = !map_block(&m, b, &pblk, &uninit, &count) && pblk;
	mapper_reset(&m);
	return all;
}

/* How many segments from i on follow each other in the file (whole pages but the last). */
static int run_length(const struct ext4h_seg *segs, int i, int n, size_t max)
{
	size_t bytes = segs[i].len;
	int j = i + 1;

	while (j < n && segs[j - 1].len == PAGE_BYTES && segs[j].off == segs[j - 1].off + PAGE_BYTES &&
	       bytes + segs[j].len <= max)
		bytes += segs[j++].len;
	return j - i;
}

int ext4h_read_pages(struct ext4h_fs *h, uint32_t ino, uint64_t size,
		     const struct ext4h_seg *segs, int n, uint8_t *mapped)
{
	struct ext2_inode_large in;
	struct ext2_inode *ip = (struct ext2_inode *)&in;
	uint64_t disk_size;
	char *scratch, *bounce;
	int r = ext4h_read_full(h, ino, &in), all;

	if (r)
		return r;
	disk_size = EXT2_I_SIZE(&in) < size ? EXT2_I_SIZE(&in) : size;
	scratch = malloc((size_t)h->fs->blocksize * 4);
	bounce = malloc(STAGE_BYTES);
	if (!scratch || !bounce) {
		free(scratch);
		free(bounce);
		return -ENOMEM;
	}
	/* Each run of consecutive pages is read in one go through the bounce buffer. */
	for (int i = 0, k; i < n && !r; i += k) {
		uint64_t off = segs[i].off;
		size_t span, have;

		k = run_length(segs, i, n, STAGE_BYTES);
		span = segs[i + k - 1].off + segs[i + k - 1].len - off;
		have = off >= disk_size ? 0 : disk_size - off < span ? disk_size - off : span;
		if (have)
			r = ext4h_read_range(h, ino, ip, off, bounce, have, scratch, &all);
		memset(bounce + have, 0, span - have);
		for (int j = i; j < i + k && !r; j++) {
			memcpy(segs[j].buf, bounce + (segs[j].off - off), segs[j].len);
			if (mapped)
				mapped[j] = segs[j].off + segs[j].len <= disk_size &&
					    range_allocated(h, ino, ip, segs[j].off, segs[j].len, scratch);
		}
	}
	free(scratch);
	free(bounce);
	return r;
}

/*
 * ext2fs_fallocate on an extent-mapped file, working around libext2fs 1.47: when no
 * extent starts at or before start but one follows, it allocates the whole hole up to
 * that extent whatever len says (blocks a write would then expose with stale contents).
 * In that case the first block is mapped alone (zeroed), so the rest has a left extent.
 */
static errcode_t falloc_range(ext2_filsys fs, int flags, ext2_ino_t ino, struct ext2_inode *in,
			      blk64_t start, blk64_t len)
{
	ext2_extent_handle_t eh;
	struct ext2fs_extent ex;
	blk64_t pblk = 0;
	int alone = 0;
	errcode_t err;

	if (in->i_flags & EXT4_EXTENTS_FL) {
		err = ext2fs_extent_open2(fs, ino, in, &eh);
		if (err)
			return err;
		ext2fs_extent_goto(eh, start);
		alone = !ext2fs_extent_get(eh, EXT2_EXTENT_CURRENT, &ex) && ex.e_lblk > start;
		ext2fs_extent_free(eh);
	}
	if (alone) {
		err = ext2fs_bmap2(fs, ino, in, NULL,
				   BMAP_ALLOC | ((flags & EXT2_FALLOCATE_FORCE_UNINIT) ? BMAP_UNINIT : 0),
				   start, NULL, &pblk);
		if (err || len == 1)
			return err;
		start++;
		len--;
	}
	return ext2fs_fallocate(fs, flags, ino, in, ~0ULL, start, len);
}

/* ---- writing, the general way */

static int report_attr(struct ext4h_fs *h, uint32_t ino, struct ext4h_attr *out)
{
	struct ext2_inode_large in;
	int r;

	if (!out)
		return 0;
	r = ext4h_read_full(h, ino, &in);
	if (!r)
		ext4h_inode_to_attr(h, &in, out);
	return r;
}

int ext4h_set_size(struct ext4h_fs *h, uint32_t ino, uint64_t size, struct ext4h_attr *out)
{
	ext2_file_t f;
	errcode_t err, err2;

	err = ext2fs_file_open2(h->fs, ino, NULL, EXT2_FILE_WRITE, &f);
	if (err)
		return ext4h_err(h, err);
	err = ext2fs_file_set_size2(f, size);
	err2 = ext2fs_file_close(f);
	if (err || err2)
		return ext4h_err(h, err ? err : err2);
	return report_attr(h, ino, out);
}

int ext4h_fallocate(struct ext4h_fs *h, uint32_t ino, uint64_t off, uint64_t len,
		    struct ext4h_attr *out)
{
	unsigned bs = h->fs->blocksize;
	blk64_t b0 = off / bs, b1 = (off + len + bs - 1) / bs;
	struct ext2_inode_large in;
	errcode_t err;
	int r;

	if (!h->rw)
		return -EROFS;
	r = ext4h_read_full(h, ino, &in);
	if (r)
		return r;
	err = falloc_range(h->fs, EXT2_FALLOCATE_FORCE_UNINIT, ino, (struct ext2_inode *)&in, b0,
			   b1 - b0);
	if (!err)
		err = ext2fs_write_inode_full(h->fs, ino, (struct ext2_inode *)&in, sizeof(in));
	if (err)
		return ext4h_err(h, err);
	return report_attr(h, ino, out);
}

int ext4h_punch(struct ext4h_fs *h, uint32_t ino, uint64_t off, uint64_t len,
		struct ext4h_attr *out)
{
	unsigned bs = h->fs->blocksize;
	errcode_t err;

	if (!h->rw)
		return -EROFS;
	if (off % bs || len % bs)
		return -EINVAL;
	if (!len)
		return report_attr(h, ino, out);
	err = ext2fs_punch(h->fs, ino, NULL, NULL, off / bs, (off + len) / bs - 1);
	if (err)
		return ext4h_err(h, err);
	return report_attr(h, ino, out);
}

/* Write the segments marked in todo (all when todo is NULL) with ext2fs_file_write. */
static errcode_t write_slow(ext2_filsys fs, uint32_t ino, const struct ext4h_seg *segs, int n,
			    const uint8_t *todo)
{
	ext2_file_t f;
	errcode_t err, err2;

	err = ext2fs_file_open2(fs, ino, NULL, EXT2_FILE_WRITE, &f);
	if (err)
		return err;
	for (int i = 0; i < n && !err; i++) {
		unsigned got = 0;

		if (todo && !todo[i])
			continue;
		err = ext2fs_file_llseek(f, segs[i].off, EXT2_SEEK_SET, NULL);
		if (!err)
			err = ext2fs_file_write(f, segs[i].buf, segs[i].len, &got);
		if (!err && got != segs[i].len)
			err = EXT2_ET_SHORT_WRITE;
	}
	err2 = ext2fs_file_close(f);
	return err ? err : err2;
}

/* ---- writing, the fast way */

enum seg_state { SEG_MAPPED, SEG_HOLE, SEG_MIXED };

struct wfast {
	struct ext4h_fs *h;
	uint32_t ino;
	struct ext2_inode_large in;
	struct mapper m;
	char *scratch;
	char *stage;               /* STAGE_BYTES */
	blk64_t stage_pblk;        /* device block of stage[0] */
	size_t stage_len;          /* bytes staged */
};

static void seg_blocks(const struct wfast *w, const struct ext4h_seg *s, blk64_t *b0, blk64_t *b1)
{
	unsigned bs = w->h->fs->blocksize;

	*b0 = s->off / bs;
	*b1 = (s->off + s->len + bs - 1) / bs;
}

static errcode_t seg_state(struct wfast *w, const struct ext4h_seg *s, enum seg_state *st)
{
	blk64_t b0, b1, b, pblk, count;
	int uninit, holes = 0, mapped = 0;
	errcode_t err;

	seg_blocks(w, s, &b0, &b1);
	for (b = b0; b < b1; b += count) {
		err = map_block(&w->m, b, &pblk, &uninit, &count);
		if (err)
			return err;
		if (uninit || (pblk && holes) || (!pblk && mapped)) {
			*st = SEG_MIXED;
			return 0;
		}
		holes |= !pblk;
		mapped |= !!pblk;
	}
	*st = holes ? SEG_HOLE : SEG_MAPPED;
	return 0;
}

static errcode_t stage_flush(struct wfast *w)
{
	ext2_filsys fs = w->h->fs;
	errcode_t err = 0;

	if (w->stage_len)
		err = io_channel_write_blk64(fs->io, w->stage_pblk, (int)(w->stage_len / fs->blocksize),
					     w->stage);
	w->stage_len = 0;
	return err;
}

/* Stage one whole block (its first n bytes from src, zeros after) for device block pblk. */
static errcode_t stage_block(struct wfast *w, blk64_t pblk, const char *src, size_t n)
{
	unsigned bs = w->h->fs->blocksize;
	errcode_t err = 0;

	if (w->stage_len && (pblk != w->stage_pblk + w->stage_len / bs ||
			     w->stage_len + bs > STAGE_BYTES))
		err = stage_flush(w);
	if (err)
		return err;
	if (!w->stage_len)
		w->stage_pblk = pblk;
	memcpy(w->stage + w->stage_len, src, n);
	memset(w->stage + w->stage_len + n, 0, bs - n);
	w->stage_len += bs;
	return 0;
}

/* Write one segment whose blocks are all allocated and initialized. */
static errcode_t write_mapped(struct wfast *w, const struct ext4h_seg *s)
{
	unsigned bs = w->h->fs->blocksize;
	blk64_t b0, b1, pblk, count;
	errcode_t err = 0;
	int uninit;

	seg_blocks(w, s, &b0, &b1);
	for (blk64_t b = b0; b < b1 && !err; b++) {
		size_t at = (b - b0) * bs, n = s->len - at < bs ? s->len - at : bs;

		err = map_block(&w->m, b, &pblk, &uninit, &count);
		if (!err && (!pblk || uninit))
			err = EXT2_ET_BLOCK_ALLOC_FAIL; /* cannot happen: checked or allocated */
		if (!err)
			err = stage_block(w, pblk, (const char *)s->buf + at, n);
	}
	return err;
}

/*
 * Allocate the holes under segs[i..j) (contiguous in the file) as initialized extents;
 * what was staged before is written first, and a failed allocation is undone.
 */
static errcode_t allocate_run(struct wfast *w, const struct ext4h_seg *segs, int i, int j)
{
	ext2_filsys fs = w->h->fs;
	struct ext2_inode *in = (struct ext2_inode *)&w->in;
	blk64_t b0, b1, unused;
	errcode_t err = stage_flush(w);

	if (err)
		return err;
	seg_blocks(w, &segs[i], &b0, &unused);
	seg_blocks(w, &segs[j - 1], &unused, &b1);
	mapper_reset(&w->m);
	err = falloc_range(fs, EXT2_FALLOCATE_FORCE_INIT | EXT2_FALLOCATE_INIT_BEYOND_EOF, w->ino,
			   in, b0, b1 - b0);
	if (err)
		ext2fs_punch(fs, w->ino, in, NULL, b0, b1 - 1);
	return err;
}

/* Are segs a and b next to each other in the file, block-wise? */
static int contiguous(const struct wfast *w, const struct ext4h_seg *a, const struct ext4h_seg *b)
{
	blk64_t a0, a1, b0, b1;

	seg_blocks(w, a, &a0, &a1);
	seg_blocks(w, b, &b0, &b1);
	return a1 == b0;
}

/*
 * Write the segments that are wholly allocated or wholly holes; mark the others in slow
 * (for write_slow). The on-disk size grows to cover what was written, also when a later
 * segment failed.
 */
static errcode_t write_fast(struct wfast *w, const struct ext4h_seg *segs, int n, uint8_t *slow)
{
	uint64_t end = EXT2_I_SIZE(&w->in);
	errcode_t err = 0, err2;
	int i = 0, j;

	while (i < n && !err) {
		enum seg_state st, next;

		err = seg_state(w, &segs[i], &st);
		if (err || st == SEG_MIXED) {
			slow[i++] = 1;
			continue;
		}
		for (j = i + 1; j < n && contiguous(w, &segs[j - 1], &segs[j]); j++) {
			err = seg_state(w, &segs[j], &next);
			if (err || next != st)
				break;
		}
		if (!err && st == SEG_HOLE)
			err = allocate_run(w, segs, i, j);
		for (; i < j && !err; i++) {
			err = write_mapped(w, &segs[i]);
			if (!err && segs[i].off + segs[i].len > end)
				end = segs[i].off + segs[i].len;
		}
	}
	if (!err)
		err = stage_flush(w);
	mapper_reset(&w->m);
	err2 = end > EXT2_I_SIZE(&w->in) ?
	       ext2fs_inode_size_set(w->h->fs, (struct ext2_inode *)&w->in, end) : 0;
	if (!err2)
		err2 = ext2fs_write_inode_full(w->h->fs, w->ino, (struct ext2_inode *)&w->in,
					       sizeof(w->in));
	return err ? err : err2;
}

static void wfast_free(struct wfast *w)
{
	if (w) {
		free(w->scratch);
		free(w->stage);
	}
	free(w);
}

int ext4h_write_pages(struct ext4h_fs *h, uint32_t ino, const struct ext4h_seg *segs, int n,
		      struct ext4h_attr *out)
{
	struct wfast *w = NULL;
	uint8_t *slow = NULL;
	errcode_t err;
	int r = -ENOMEM, any = 0;

	if (h->fs->blocksize > PAGE_BYTES) {
		r = ext4h_err(h, write_slow(h->fs, ino, segs, n, NULL));
		return r ? r : report_attr(h, ino, out);
	}
	w = calloc(1, sizeof(*w));
	slow = calloc(n, 1);
	if (w) {
		w->scratch = malloc((size_t)h->fs->blocksize * 3);
		w->stage = malloc(STAGE_BYTES);
	}
	if (w && slow && w->scratch && w->stage && !(r = ext4h_read_full(h, ino, &w->in))) {
		w->h = h;
		w->ino = ino;
		mapper_init(&w->m, h->fs, ino, (struct ext2_inode *)&w->in, w->scratch);
		err = write_fast(w, segs, n, slow);
		for (int i = 0; i < n; i++)
			any |= slow[i];
		if (!err && any)
			err = write_slow(h->fs, ino, segs, n, slow);
		r = ext4h_err(h, err);
	}
	wfast_free(w);
	free(slow);
	return r ? r : report_attr(h, ino, out);
}

/* ---- swap files */

static int map_blocks(struct ext4h_fs *h, uint32_t ino, uint64_t lblk, uint32_t n, uint64_t *pblk,
		      int written_only);

int ext4h_map_blocks(struct ext4h_fs *h, uint32_t ino, uint64_t lblk, uint32_t n, uint64_t *pblk)
{
	return map_blocks(h, ino, lblk, n, pblk, 0);
}

int ext4h_map_written(struct ext4h_fs *h, uint32_t ino, uint64_t lblk, uint32_t n,
		      uint64_t *pblk)
{
	return map_blocks(h, ino, lblk, n, pblk, 1);
}

/* ext4h_map_blocks, and with written_only unwritten extents read as holes. */
static int map_blocks(struct ext4h_fs *h, uint32_t ino, uint64_t lblk, uint32_t n, uint64_t *pblk,
		      int written_only)
{
	struct ext2_inode_large in;
	struct mapper m;
	char *scratch;
	errcode_t err = 0;
	uint32_t i = 0;
	int r = ext4h_read_full(h, ino, &in);

	if (r)
		return r;
	scratch = malloc(3 * (size_t)h->fs->blocksize);
	if (!scratch)
		return -ENOMEM;
	mapper_init(&m, h->fs, ino, (struct ext2_inode *)&in, scratch);
	while (i < n && !err) {
		blk64_t p, count;
		int uninit;

		err = map_block(&m, lblk + i, &p, &uninit, &count);
		/* A run of one state: contiguous blocks, or a hole. */
		for (blk64_t k = 0; !err && k < count && i < n; k++, i++)
			pblk[i] = p && !(uninit && written_only) ? p + k : 0;
	}
	mapper_reset(&m);
	free(scratch);
	return ext4h_err(h, err);
}
