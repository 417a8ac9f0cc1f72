/*
 * Kernel string helpers that the C library's pure functions do not cover.
 */
#include "kernel.h"
#include "slab.h"

size_t kstrlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = 0;
	}
	return n;
}

size_t kstrlcat(char *dst, const char *src, size_t size)
{
	size_t d = strnlen(dst, size);

	if (d == size)
		return d + strlen(src);
	return d + kstrlcpy(dst + d, src, size - d);
}

char *kstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = kmalloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = 0;
	}
	return p;
}

char *kstrdup(const char *s)
{
	return kstrndup(s, strlen(s));
}
