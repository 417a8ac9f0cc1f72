/*
 * cpio "newc"/"crc" header decoding (see cpio.h): pure functions over a memory buffer,
 * used by the initramfs unpacker (initramfs.c) and by host unit tests. They call nothing
 * outside this file, not even the string functions, so cpio.o links into any program.
 */
#include "cpio.h"

#define CPIO_S_IFMT 0170000
#define CPIO_S_IFREG 0100000

static const char cpio_trailer[] = "TRAILER!!!";

bool cpio_parse_hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

int cpio_parse_header(const char *p, struct cpio_header *h)
{
	uint32_t *fields[13] = {
		&h->ino, &h->mode, &h->uid, &h->gid, &h->nlink, &h->mtime, &h->filesize,
		&h->devmajor, &h->devminor, &h->rdevmajor, &h->rdevminor, &h->namesize, &h->check,
	};
	static const char magic[] = "07070";

	for (int i = 0; i < 5; i++) {
		if (p[i] != magic[i])
			return CPIO_BAD_MAGIC;
	}
	if (p[5] != '1' && p[5] != '2')
		return CPIO_BAD_MAGIC;
	h->crc = p[5] == '2';
	for (int i = 0; i < 13; i++) {
		if (!cpio_parse_hex8(p + 6 + 8 * i, fields[i]))
			return CPIO_BAD_FIELD;
	}
	return CPIO_OK;
}

uint32_t cpio_checksum(const void *data, size_t len)
{
	const uint8_t *d = data;
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += d[i];
	return sum;
}

/* Check and locate the name that follows the header at off. */
static int parse_name(const char *p, size_t len, size_t off, struct cpio_entry *e)
{
	size_t name_off = off + CPIO_HEADER_LEN, n = e->h.namesize;

	if (n == 0)
		return CPIO_BAD_NAME;
	if (len - name_off < n)
		return CPIO_TRUNCATED;
	if (p[name_off + n - 1] != '\0')
		return CPIO_BAD_NAME;
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[name_off + i] == '\0')
			return CPIO_BAD_NAME;
	}
	e->name = p + name_off;
	e->namelen = n - 1;
	return CPIO_OK;
}

int cpio_parse_entry(const void *buf, size_t len, size_t off, struct cpio_entry *e)
{
	const char *p = buf;
	size_t data_off;
	int r;

	if (off > len || len - off < CPIO_HEADER_LEN)
		return CPIO_TRUNCATED;
	r = cpio_parse_header(p + off, &e->h);
	if (r == CPIO_OK)
		r = parse_name(p, len, off, e);
	if (r != CPIO_OK)
		return r;
	data_off = cpio_align4(off + CPIO_HEADER_LEN + e->h.namesize);
	if (e->h.filesize == 0 && data_off > len)
		data_off = len; /* an empty entry at the very end may lack its padding */
	if (data_off > len || len - data_off < e->h.filesize)
		return CPIO_TRUNCATED;
	e->data = (const uint8_t *)p + data_off;
	e->next = cpio_align4(data_off + e->h.filesize);
	if (e->h.crc && (e->h.mode & CPIO_S_IFMT) == CPIO_S_IFREG &&
	    cpio_checksum(e->data, e->h.filesize) != e->h.check)
		return CPIO_BAD_CHECKSUM;
	return CPIO_OK;
}

bool cpio_is_trailer(const struct cpio_entry *e)
{
	if (e->namelen != sizeof(cpio_trailer) - 1)
		return false;
	for (size_t i = 0; i < e->namelen; i++) {
		if (e->name[i] != cpio_trailer[i])
			return false;
	}
	return true;
}

bool cpio_name_safe(const char *name, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && name[i] != '/')
			continue;
		if (i - start == 2 && name[start] == '.' && name[start + 1] == '.')
			return false;
		start = i + 1;
	}
	return true;
}

const char *cpio_strerror(int result)
{
	switch (result) {
	case CPIO_OK:
		return "no error";
	case CPIO_BAD_MAGIC:
		return "bad magic (not a newc/crc cpio archive)";
	case CPIO_BAD_FIELD:
		return "bad header field";
	case CPIO_TRUNCATED:
		return "truncated archive";
	case CPIO_BAD_NAME:
		return "bad entry name";
	case CPIO_BAD_CHECKSUM:
		return "bad data checksum";
	default:
		return "unknown error";
	}
}
