/*
 * gzip'd images through zlib (DESIGN.md section 9): initramfs archives may be compressed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "os.h"

int os_is_gzip(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

long os_gunzip(const void *in, size_t inlen, void **outp, size_t max)
{
	z_stream zs;
	size_t cap = inlen * 4 + 4096, len = 0;
	unsigned char *out;
	int r;

	if (inlen > UINT32_MAX)
		return -EFBIG; /* zlib counts input in 32 bits */
	if (cap > max + 1)
		cap = max + 1;
	out = malloc(cap);
	if (!out)
		return -ENOMEM;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(out);
		return -ENOMEM;
	}
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (uInt)inlen;
	do {
		if (len == cap) {
			/* one byte beyond max is enough to know it is too big (a gzip bomb) */
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			unsigned char *n = ncap > cap ? realloc(out, ncap) : NULL;

			if (!n) {
				r = ncap > cap ? Z_MEM_ERROR : Z_BUF_ERROR;
				break;
			}
			out = n;
			cap = ncap;
		}
		zs.next_out = out + len;
		zs.avail_out = cap - len > UINT32_MAX ? UINT32_MAX : (uInt)(cap - len);
		r = inflate(&zs, Z_NO_FLUSH);
		len = (size_t)(zs.next_out - out);
	} while (r == Z_OK || (r == Z_BUF_ERROR && len == cap));
	inflateEnd(&zs);
	if (len > max || r != Z_STREAM_END) {
		free(out);
		if (len > max)
			return -EFBIG;
		return r == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
	}
	*outp = out;
	return (long)len;
}
