/*
 * UML's COW file format: header decoding (versions 1, 2, 3 and the old broken 64-bit
 * version 3), version-3 encoding, the file layout, and bitmap helpers. Pure code: the
 * header is read through the caller's reader, and a COW device's reads and writes go
 * through the caller's I/O callbacks (struct cow_io); nothing here does I/O or allocates,
 * so it runs unchanged in host unit tests (tests/unit/cow_test.c). Layout facts (field offsets,
 * the v1/v2 sizing quirk, big-endian integers for v2/v3, host order for v1) are those of
 * UML's cow_user.c and the uml_mkcow/uml_moo tools, checked against them byte for byte.
 */
#include "kernel.h"
#include "cow.h"

/* v3 field offsets (packed, big-endian) */
#define V3_MTIME 8
#define V3_SIZE 12
#define V3_SECTOR 20
#define V3_ALIGN 24
#define V3_FORMAT 28
#define V3_NAME 32
/* the broken 64-bit v3 layout: 4 bytes of padding after mtime */
#define V3B_SIZE 16
#define V3B_SECTOR 24
#define V3B_ALIGN 28
#define V3B_FORMAT 32
#define V3B_NAME 36
/* v1 (host order, x86: little-endian) and v2 (big-endian) */
#define V1_NAME 8
#define V1_MTIME 264
#define V1_SIZE 268
#define V1_SECTOR 276
#define V2_NAME 8
#define V2_MTIME 4104
#define V2_SIZE 4108
#define V2_SECTOR 4116

#define MAX_ALIGN (1U << 20)
#define MAX_SIZE (1ULL << 56) /* keeps every layout computation far from overflow */

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p + 4) << 32 | get_le32(p);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* Offsets of bitmap and data, as UML computes them for each version. */
static void cow_layout(struct cow_info *ci, uint64_t header_size)
{
	uint64_t ss = ci->sectorsize;

	if (ci->version < 3) {
		/* v1/v2 sizing, one byte short for some sizes: kept for compatibility */
		ci->bitmap_offset = header_size;
		ci->bitmap_len = (ci->size + ss - 1) / (8 * ss);
		ci->data_offset = round_up(ci->bitmap_offset + ci->bitmap_len, ss);
		return;
	}
	ci->bitmap_offset = round_up(header_size, ci->alignment);
	ci->bitmap_len = ((ci->size + ss - 1) / ss + 7) / 8;
	ci->data_offset = round_up(ci->bitmap_offset + ci->bitmap_len, ci->alignment);
}

/* Copy a fixed-size name field; it must hold a non-empty NUL-terminated string. */
static bool take_name(struct cow_info *ci, const uint8_t *field, size_t len)
{
	size_t n = strnlen((const char *)field, len);

	if (n == 0 || n == len)
		return false;
	memcpy(ci->backing, field, n + 1);
	return true;
}

static enum cow_status check_common(struct cow_info *ci)
{
	if (!pow2(ci->sectorsize) || ci->sectorsize > MAX_ALIGN)
		return COW_BAD_SECTOR;
	if (ci->size == 0 || ci->size > MAX_SIZE)
		return COW_BAD_SIZE;
	return COW_OK;
}

static enum cow_status parse_v1(const uint8_t *h, long got, struct cow_info *ci)
{
	if (got < COW_V1_HEADER_SIZE)
		return COW_SHORT;
	if (!take_name(ci, h + V1_NAME, COW_V1_PATH_MAX))
		return COW_BAD_NAME;
	ci->mtime = get_le32(h + V1_MTIME);
	ci->size = get_le64(h + V1_SIZE);
	ci->sectorsize = get_le32(h + V1_SECTOR);
	ci->alignment = ci->sectorsize;
	return check_common(ci);
}

static enum cow_status parse_v2(const uint8_t *h, long got, struct cow_info *ci)
{
	if (got < COW_V2_HEADER_SIZE)
		return COW_SHORT;
	if (!take_name(ci, h + V2_NAME, COW_PATH_MAX))
		return COW_BAD_NAME;
	ci->mtime = get_be32(h + V2_MTIME);
	ci->size = get_be64(h + V2_SIZE);
	ci->sectorsize = get_be32(h + V2_SECTOR);
	ci->alignment = ci->sectorsize;
	return check_common(ci);
}

static enum cow_status parse_v3(const uint8_t *h, long got, struct cow_info *ci)
{
	bool broken = got >= V3_NAME + 4 && !h[V3_NAME] && !h[V3_NAME + 1] && !h[V3_NAME + 2] &&
		      !h[V3_NAME + 3];
	const uint8_t *f = h + (broken ? V3B_SIZE - V3_SIZE : 0);
	enum cow_status st;

	if (got < (broken ? COW_V3_BROKEN_HEADER_SIZE : COW_V3_HEADER_SIZE))
		return COW_SHORT;
	ci->broken_v3 = broken;
	ci->mtime = get_be32(h + V3_MTIME);
	ci->size = get_be64(f + V3_SIZE);
	ci->sectorsize = get_be32(f + V3_SECTOR);
	ci->alignment = get_be32(f + V3_ALIGN);
	if (get_be32(f + V3_FORMAT) != 0)
		return COW_BAD_FORMAT;
	if (!take_name(ci, f + V3_NAME, COW_PATH_MAX))
		return COW_BAD_NAME;
	st = check_common(ci);
	if (st == COW_OK && (!pow2(ci->alignment) || ci->alignment > MAX_ALIGN))
		return COW_BAD_ALIGN;
	return st;
}

enum cow_status cow_read_header(cow_reader_fn rd, void *ctx, struct cow_info *ci)
{
	static uint8_t h[COW_HEADER_READ]; /* not on the (small) kernel stack */
	enum cow_status st;
	long got;

	memset(ci, 0, sizeof(*ci));
	memset(h, 0, sizeof(h));
	got = rd(ctx, h, sizeof(h), 0);
	if (got < 0) {
		ci->io_error = got;
		return COW_IO_ERROR;
	}
	if (got < 8)
		return got >= 4 && get_be32(h) == COW_MAGIC ? COW_SHORT : COW_NOT_COW;
	if (get_le32(h) == COW_MAGIC)
		ci->version = get_le32(h + 4); /* written in host order: version 1 */
	else if (get_be32(h) == COW_MAGIC)
		ci->version = get_be32(h + 4);
	else
		return COW_NOT_COW;
	switch (ci->version) {
	case 1:
		st = parse_v1(h, got, ci);
		break;
	case 2:
		st = parse_v2(h, got, ci);
		break;
	case 3:
		st = parse_v3(h, got, ci);
		break;
	default:
		return COW_BAD_VERSION;
	}
	if (st == COW_OK)
		cow_layout(ci, ci->version == 1   ? COW_V1_HEADER_SIZE :
			       ci->version == 2   ? COW_V2_HEADER_SIZE :
			       ci->broken_v3 ? COW_V3_BROKEN_HEADER_SIZE :
						    COW_V3_HEADER_SIZE);
	return st;
}

const char *cow_status_text(enum cow_status st)
{
	switch (st) {
	case COW_OK:
		return "valid";
	case COW_NOT_COW:
		return "no COW header (bad magic)";
	case COW_SHORT:
		return "the file ends inside the COW header";
	case COW_BAD_VERSION:
		return "unsupported COW version (not 1, 2 or 3)";
	case COW_BAD_NAME:
		return "corrupt backing file name in the COW header";
	case COW_BAD_SECTOR:
		return "corrupt sector size in the COW header";
	case COW_BAD_ALIGN:
		return "corrupt alignment in the COW header";
	case COW_BAD_FORMAT:
		return "unknown bitmap format in the COW header";
	case COW_BAD_SIZE:
		return "corrupt backing file size in the COW header";
	case COW_IO_ERROR:
		return "read error";
	}
	return "invalid COW header";
}

int cow_init_v3(struct cow_info *ci, const char *backing, uint32_t mtime, uint64_t size,
		uint32_t sectorsize, uint32_t alignment)
{
	size_t n = strnlen(backing, COW_PATH_MAX);

	memset(ci, 0, sizeof(*ci));
	if (n == 0 || n >= COW_PATH_MAX || size == 0 || size > MAX_SIZE || !pow2(sectorsize) ||
	    !pow2(alignment) || alignment > MAX_ALIGN)
		return -1;
	memcpy(ci->backing, backing, n + 1);
	ci->version = 3;
	ci->mtime = mtime;
	ci->size = size;
	ci->sectorsize = sectorsize;
	ci->alignment = alignment;
	cow_layout(ci, COW_V3_HEADER_SIZE);
	return 0;
}

void cow_encode_v3(const struct cow_info *ci, uint8_t *buf)
{
	size_t n = strnlen(ci->backing, COW_PATH_MAX - 1);

	memset(buf, 0, COW_V3_HEADER_SIZE);
	put_be32(buf, COW_MAGIC);
	put_be32(buf + 4, 3);
	put_be32(buf + V3_MTIME, ci->mtime);
	put_be64(buf + V3_SIZE, ci->size);
	put_be32(buf + V3_SECTOR, ci->sectorsize);
	put_be32(buf + V3_ALIGN, ci->alignment);
	put_be32(buf + V3_FORMAT, 0);
	memcpy(buf + V3_NAME, ci->backing, n);
}

uint64_t cow_file_size(const struct cow_info *ci)
{
	return ci->data_offset + ci->size;
}

/* ---- bitmap */

bool cow_bit_test(const uint8_t *bm, uint64_t bit)
{
	return bm[bit / 8] >> (bit % 8) & 1;
}

uint64_t cow_bit_run(const uint8_t *bm, uint64_t first, uint64_t n, bool *set)
{
	bool v = cow_bit_test(bm, first);
	uint8_t whole = v ? 0xff : 0x00;
	uint64_t i = first + 1, end = first + n;

	*set = v;
	while (i < end) {
		if (i % 8 == 0 && end - i >= 8 && bm[i / 8] == whole) {
			i += 8;
			continue;
		}
		if (cow_bit_test(bm, i) != v)
			break;
		i++;
	}
	return i - first;
}

bool cow_bits_set(uint8_t *bm, uint64_t first, uint64_t n, uint64_t *lo, uint64_t *hi)
{
	bool changed = false;

	for (uint64_t i = first; i < first + n; i++) {
		uint8_t mask = (uint8_t)(1U << (i % 8));

		if (i % 8 == 0 && first + n - i >= 8 && bm[i / 8] == 0xff) {
			i += 7;
			continue;
		}
		if (bm[i / 8] & mask)
			continue;
		bm[i / 8] |= mask;
		if (!changed)
			*lo = i / 8;
		*hi = i / 8 + 1;
		changed = true;
	}
	return changed;
}

/* ---- COW devices */

uint64_t cow_bitmap_nchunks(const struct cow_info *ci)
{
	return (ci->bitmap_len + COW_CHUNK_BYTES - 1) / COW_CHUNK_BYTES;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int cow_bitmap_load(const struct cow_info *ci, struct cow_bitmap *bm, const struct cow_io *io,
		    uint8_t *scratch)
{
	for (uint64_t i = 0; i < bm->nchunks; i++) {
		uint64_t off = i * COW_CHUNK_BYTES, left = ci->bitmap_len - off;
		size_t n = (size_t)(left < COW_CHUNK_BYTES ? left : COW_CHUNK_BYTES);
		long got = io->pread(io->ctx, COW_FILE, scratch, n, ci->bitmap_offset + off);

		if (got < 0)
			return (int)got;
		memset(scratch + got, 0, COW_CHUNK_BYTES - (size_t)got);
		if (all_zero(scratch, COW_CHUNK_BYTES))
			continue;
		bm->chunks[i] = io->alloc_chunk(io->ctx);
		if (!bm->chunks[i])
			return -ENOMEM;
		memcpy(bm->chunks[i], scratch, COW_CHUNK_BYTES);
	}
	return 0;
}

/*
 * Past the end of the COW file (sparse, never written there) and of the backing file's
 * last partial sector, zeros; a backing file ending before the size its header records
 * was cut short under us: -EIO.
 */
static int read_zero_filled(const struct cow_info *ci, const struct cow_io *io, enum cow_file f,
			    void *buf, size_t len, uint64_t off)
{
	long n = io->pread(io->ctx, f, buf, len, off);

	if (n < 0)
		return (int)n;
	if (f == COW_BACKING && (size_t)n < len && off + (uint64_t)n < ci->size)
		return -EIO;
	if ((size_t)n < len)
		memset((char *)buf + n, 0, len - (size_t)n);
	return 0;
}

int cow_read(const struct cow_info *ci, const struct cow_bitmap *bm, const struct cow_io *io,
	     uint64_t sec, uint64_t n, void *buf)
{
	uint64_t ss = ci->sectorsize;
	char *p = buf;

	while (n) {
		uint64_t idx = sec / COW_CHUNK_SECTORS, in = sec % COW_CHUNK_SECTORS;
		uint64_t run = n < COW_CHUNK_SECTORS - in ? n : COW_CHUNK_SECTORS - in;
		bool set = false;
		int r;

		if (bm->chunks[idx])
			run = cow_bit_run(bm->chunks[idx], in, run, &set);
		if (set)
			r = read_zero_filled(ci, io, COW_FILE, p, run * ss, ci->data_offset + sec * ss);
		else
			r = read_zero_filled(ci, io, COW_BACKING, p, run * ss, sec * ss);
		if (r < 0)
			return r;
		p += run * ss;
		sec += run;
		n -= run;
	}
	return 0;
}

/* Make sure the chunks covering sectors [sec, sec + n) exist. */
static int need_chunks(struct cow_bitmap *bm, const struct cow_io *io, uint64_t sec, uint64_t n)
{
	for (uint64_t i = sec / COW_CHUNK_SECTORS; i <= (sec + n - 1) / COW_CHUNK_SECTORS; i++) {
		if (!bm->chunks[i])
			bm->chunks[i] = io->alloc_chunk(io->ctx);
		if (!bm->chunks[i])
			return -ENOMEM;
	}
	return 0;
}

#define BITMAP_WINDOW 512 /* bitmap bytes updated per step (on the stack) */

/*
 * Set the bits [first, first + n) of one chunk, at most one window: the new bytes are made
 * in a copy, written to the file, and only then put in memory, so a failed write leaves
 * memory and file agreeing. Returns the bits handled or -errno.
 */
static long mark_window(const struct cow_info *ci, uint8_t *chunk, uint64_t idx,
			const struct cow_io *io, uint64_t first, uint64_t n)
{
	uint8_t tmp[BITMAP_WINDOW];
	uint64_t wb = first / 8, lo, hi, bits = (wb + BITMAP_WINDOW) * 8 - first;
	size_t wlen;

	bits = bits < n ? bits : n;
	wlen = (size_t)((first + bits - 1) / 8 - wb + 1);
	memcpy(tmp, chunk + wb, wlen);
	if (cow_bits_set(tmp, first - wb * 8, bits, &lo, &hi)) {
		uint64_t at = ci->bitmap_offset + idx * COW_CHUNK_BYTES + wb + lo;
		long r = io->pwrite(io->ctx, tmp + lo, hi - lo, at);

		if (r < 0)
			return r;
		memcpy(chunk + wb + lo, tmp + lo, hi - lo);
	}
	return (long)bits;
}

/* Set the bits of [sec, sec + n) and write the bitmap bytes that changed. */
static int mark_written(const struct cow_info *ci, struct cow_bitmap *bm,
			const struct cow_io *io, uint64_t sec, uint64_t n)
{
	while (n) {
		uint64_t idx = sec / COW_CHUNK_SECTORS, in = sec % COW_CHUNK_SECTORS;
		uint64_t m = n < COW_CHUNK_SECTORS - in ? n : COW_CHUNK_SECTORS - in;
		long done = mark_window(ci, bm->chunks[idx], idx, io, in, m);

		if (done < 0)
			return (int)done;
		sec += (uint64_t)done;
		n -= (uint64_t)done;
	}
	return 0;
}

int cow_write(const struct cow_info *ci, struct cow_bitmap *bm, const struct cow_io *io,
	      uint64_t sec, uint64_t n, const void *buf)
{
	uint64_t ss = ci->sectorsize;
	long r;

	if (!n)
		return 0;
	r = need_chunks(bm, io, sec, n);
	if (r == 0)
		r = io->pwrite(io->ctx, buf, n * ss, ci->data_offset + sec * ss);
	if (r < 0)
		return (int)r;
	return mark_written(ci, bm, io, sec, n);
}
