/*
 * cpio archives in the "newc" (070701) and "crc" (070702) formats: header decoding and
 * bounds checking only, with no I/O and no kernel dependencies (kernel/fs/cpio.c), so
 * host unit tests link cpio.o as it is. initramfs.c does the unpacking.
 *
 * An entry is a 110-byte ASCII header (the 6-byte magic, then 13 fields of 8 hex digits:
 * ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize
 * check), the name (namesize bytes including its NUL), padding to a multiple of 4 bytes
 * counted from the start of the buffer, then filesize bytes of data (a symlink's target
 * for S_IFLNK), padded the same way. The entry named "TRAILER!!!" ends an archive.
 */
#ifndef CPIO_H
#define CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_LEN 110

/* Results of cpio_parse_entry; the negative ones mean a malformed archive. */
enum cpio_result {
	CPIO_OK = 0,
	CPIO_BAD_MAGIC = -1,    /* not 070701 or 070702 */
	CPIO_BAD_FIELD = -2,    /* a field is not 8 hex digits */
	CPIO_TRUNCATED = -3,    /* the header, name or data run past the end of the buffer */
	CPIO_BAD_NAME = -4,     /* namesize 0, no NUL at its end, or a NUL inside the name */
	CPIO_BAD_CHECKSUM = -5, /* "crc" format: a regular file's data do not sum to its
				   check field (GNU cpio leaves it 0 for other types) */
};

struct cpio_header {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, namesize, check;
	bool crc; /* magic 070702: check is the sum of the data bytes */
};

struct cpio_entry {
	struct cpio_header h;
	const char *name;     /* NUL-terminated, points into the buffer */
	size_t namelen;       /* h.namesize - 1 */
	const uint8_t *data;  /* h.filesize bytes, inside the buffer */
	size_t next;          /* offset of the following header (may exceed the buffer
				 length by the final padding) */
};

/* off rounded up to a multiple of 4. */
static inline size_t cpio_align4(size_t off)
{
	return (off + 3) & ~(size_t)3;
}

/* Decode 8 hex digits at s into *out; false when one is not a hex digit. */
bool cpio_parse_hex8(const char *s, uint32_t *out);
/* Decode the CPIO_HEADER_LEN bytes at p into *h; CPIO_OK or a negative cpio_result. */
int cpio_parse_header(const char *p, struct cpio_header *h);
/*
 * Parse the entry whose header starts at offset off of buf[0, len): the header, the name
 * and the data must lie within the buffer, the name must be NUL-terminated exactly at its
 * end, and a "crc" regular file's data must match its check field. Fills *e; CPIO_OK or a
 * negative cpio_result. Never reads outside buf[0, len).
 */
int cpio_parse_entry(const void *buf, size_t len, size_t off, struct cpio_entry *e);
/* True for the "TRAILER!!!" entry that ends an archive. */
bool cpio_is_trailer(const struct cpio_entry *e);
/* The 32-bit sum of len bytes (the "crc" format's check). */
uint32_t cpio_checksum(const void *data, size_t len);
/* True when no '/'-separated component of name[0, len) is "..". */
bool cpio_name_safe(const char *name, size_t len);
/* A short description of a cpio_result. */
const char *cpio_strerror(int result);

#endif
