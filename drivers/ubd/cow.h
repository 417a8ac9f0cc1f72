/*
 * UML's copy-on-write file format (drivers/ubd/cow.c): pure code, no I/O. The header is
 * read through a caller's reader function and encoded into a caller's buffer; the bitmap
 * helpers work on bytes in memory.
 *
 * It also holds the decisions of a COW device (cow_read, cow_write) over a bitmap kept in
 * memory in chunks, with the host I/O and allocation supplied as callbacks.
 *
 * A COW file is: a header (version 3: big-endian magic "OOOM", version, backing mtime
 * (u32), backing size (u64), sector size, alignment, bitmap format, then the backing
 * file's absolute name in 4096 bytes), the bitmap at bitmap_offset (bit s % 8 of byte
 * s / 8 set: sector s is in the COW file), then the sectors themselves at data_offset +
 * s * sectorsize, sparse. Versions 1 and 2 are read too.
 *
 * Shared header: stdint types only.
 */
#ifndef DRIVERS_UBD_COW_H
#define DRIVERS_UBD_COW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COW_MAGIC 0x4F4F4F4DU
#define COW_PATH_MAX 4096          /* the backing name field, NUL included */
#define COW_V1_PATH_MAX 256
#define COW_V1_HEADER_SIZE 280
#define COW_V2_HEADER_SIZE 4120
#define COW_V3_HEADER_SIZE 4128
#define COW_V3_BROKEN_HEADER_SIZE 4136 /* 64-bit UML before 2006: padding after mtime */
#define COW_HEADER_READ 4136       /* bytes enough for any version's header */
#define COW_SECTOR_SIZE 512
#define COW_DEFAULT_ALIGN 4096

/* What cow_read_header found. */
enum cow_status {
	COW_OK = 0,
	COW_NOT_COW,      /* no COW magic: a plain image */
	COW_SHORT,        /* the file ends inside the header */
	COW_BAD_VERSION,  /* magic present but a version other than 1, 2, 3 */
	COW_BAD_NAME,     /* backing name empty or not NUL-terminated */
	COW_BAD_SECTOR,   /* sector size 0 or not a power of two */
	COW_BAD_ALIGN,    /* v3 alignment 0, not a power of two, or absurd */
	COW_BAD_FORMAT,   /* v3 bitmap format other than 0 */
	COW_BAD_SIZE,     /* size 0 or too large for the layout to be computed */
	COW_IO_ERROR,     /* the reader failed; cow_info.io_error holds its -errno */
};

struct cow_info {
	uint32_t version;
	bool broken_v3;            /* the old 64-bit layout of version 3 */
	char backing[COW_PATH_MAX]; /* NUL-terminated */
	uint32_t mtime;            /* backing file's mtime in seconds, as stored */
	uint64_t size;             /* backing file's size in bytes */
	uint32_t sectorsize;
	uint32_t alignment;
	uint64_t bitmap_offset;    /* layout, computed from the fields above */
	uint64_t bitmap_len;       /* bytes */
	uint64_t data_offset;
	long io_error;             /* COW_IO_ERROR: the reader's -errno */
};

/* Read len bytes at off into buf: the bytes read (fewer at end of file) or -errno. */
typedef long (*cow_reader_fn)(void *ctx, void *buf, size_t len, uint64_t off);

/* Parse the header at the start of a file, filling ci (and its layout) on COW_OK. */
enum cow_status cow_read_header(cow_reader_fn rd, void *ctx, struct cow_info *ci);
/* A short English description of a status, for error messages. */
const char *cow_status_text(enum cow_status st);
/*
 * Fill ci for a new version-3 file over a backing file of size bytes and mtime, named
 * backing (absolute). Returns 0, -1 when the name does not fit (4095 characters) or the
 * size or alignment are unusable.
 */
int cow_init_v3(struct cow_info *ci, const char *backing, uint32_t mtime, uint64_t size,
		uint32_t sectorsize, uint32_t alignment);
/* Encode ci as a version-3 header into buf (COW_V3_HEADER_SIZE bytes). */
void cow_encode_v3(const struct cow_info *ci, uint8_t *buf);
/* The size of a new COW file: data_offset + size. */
uint64_t cow_file_size(const struct cow_info *ci);

/* ---- the bitmap, as bytes in memory; bit b is bit b % 8 of byte b / 8 */
bool cow_bit_test(const uint8_t *bm, uint64_t bit);
/*
 * Length of the run of equal bits starting at first, at most n (n >= 1); *set gets their
 * value.
 */
uint64_t cow_bit_run(const uint8_t *bm, uint64_t first, uint64_t n, bool *set);
/*
 * Set bits [first, first + n). Returns true when any was clear, with the bytes that
 * changed in [*lo, *hi) (the range to write back to the file); false when none changed.
 */
bool cow_bits_set(uint8_t *bm, uint64_t first, uint64_t n, uint64_t *lo, uint64_t *hi);

/* ---- COW devices: the read/write decisions over a chunked in-memory bitmap */
#define COW_CHUNK_BYTES 4096ULL                 /* bitmap bytes per chunk */
#define COW_CHUNK_SECTORS (COW_CHUNK_BYTES * 8) /* sectors per chunk (16 MiB of disk) */

/* The bitmap in memory: chunk i holds bitmap bytes [i * 4096, (i + 1) * 4096). */
struct cow_bitmap {
	uint8_t **chunks; /* nchunks pointers; NULL: a chunk whose bits are all clear */
	uint64_t nchunks;
};

enum cow_file { COW_FILE, COW_BACKING };

/* The host side of a COW device, as callbacks (cow.c itself does no I/O). */
struct cow_io {
	void *ctx;
	/* Read from the COW or the backing file: bytes read (fewer at EOF) or -errno. */
	long (*pread)(void *ctx, enum cow_file f, void *buf, size_t len, uint64_t off);
	/* Write all of buf to the COW file at off: len or -errno. */
	long (*pwrite)(void *ctx, const void *buf, size_t len, uint64_t off);
	/* A zeroed chunk of COW_CHUNK_BYTES, or NULL when out of memory. */
	uint8_t *(*alloc_chunk)(void *ctx);
};

/* Number of chunks the bitmap of ci needs (the size of bm->chunks). */
uint64_t cow_bitmap_nchunks(const struct cow_info *ci);
/*
 * Read the bitmap of ci from the COW file into bm (chunks all NULL on entry), keeping
 * only chunks with a bit set. scratch is COW_CHUNK_BYTES of the caller's. 0 or -errno.
 */
int cow_bitmap_load(const struct cow_info *ci, struct cow_bitmap *bm, const struct cow_io *io,
		    uint8_t *scratch);
/*
 * Read sectors [sec, sec + n) into buf: each run from the COW file where its bits are
 * set, from the backing file where clear; bytes past a file's end read as zeros.
 * 0 or -errno.
 */
int cow_read(const struct cow_info *ci, const struct cow_bitmap *bm, const struct cow_io *io,
	     uint64_t sec, uint64_t n, void *buf);
/*
 * Write sectors [sec, sec + n) to the COW file, then set their bits and write the bitmap
 * bytes that changed: data strictly before bitmap. 0 or -errno (-ENOMEM before anything
 * was written; an error from the data write leaves the bitmap untouched).
 */
int cow_write(const struct cow_info *ci, struct cow_bitmap *bm, const struct cow_io *io,
	      uint64_t sec, uint64_t n, const void *buf);

#endif
