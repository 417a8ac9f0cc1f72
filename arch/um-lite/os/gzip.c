/*
 * gzip'd images through zlib (DESIGN.md section 9): initramfs archives may be compressed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "os.h"

int os_is_gzip(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

long os_gunzip(const void *in, size_t inlen, void **outp)
{
	z_stream zs;
	size_t cap = inlen * 4 + 4096, len = 0;
	unsigned char *out = malloc(cap);
	int r;

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
			unsigned char *n = realloc(out, cap * 2);

			if (!n) {
				r = Z_MEM_ERROR;
				break;
			}
			out = n;
			cap *= 2;
		}
		zs.next_out = out + len;
		zs.avail_out = (uInt)(cap - len);
		r = inflate(&zs, Z_NO_FLUSH);
		len = cap - zs.avail_out;
	} while (r == Z_OK || (r == Z_BUF_ERROR && len == cap));
	inflateEnd(&zs);
	if (r != Z_STREAM_END) {
		free(out);
		return r == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
	}
	*outp = out;
	return (long)len;
}
