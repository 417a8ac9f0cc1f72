/*
 * The ext2/3/4 host half, extended attributes (the interface is ext4_host.h): read, list,
 * set and remove an inode's attributes through libext2fs's xattr handles, which keep them
 * in the inode's extra space and in an attribute block as Linux's ext4 does (a set or a
 * removal is written out at once). Names are the full Linux names ("user.x"). The system.*
 * names libext2fs may report (inline data, POSIX ACLs) are left out of lists: the kernel
 * does not offer that namespace.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ext4_priv_host.h"

/* An open handle with the inode's attributes read in; 0 or -errno. */
static int xattr_open(struct ext4h_fs *h, uint32_t ino, struct ext2_xattr_handle **xh)
{
	errcode_t err = ext2fs_xattrs_open(h->fs, ino, xh);

	if (err == EXT2_ET_MISSING_EA_FEATURE)
		return -EOPNOTSUPP;
	if (err)
		return ext4h_err(h, err);
	err = ext2fs_xattrs_read(*xh);
	if (err) {
		ext2fs_xattrs_close(xh);
		return ext4h_err(h, err);
	}
	return 0;
}

long ext4h_xattr_get(struct ext4h_fs *h, uint32_t ino, const char *name, void *buf,
		     size_t size)
{
	struct ext2_xattr_handle *xh;
	void *val = NULL;
	size_t len = 0;
	errcode_t err;
	int r = xattr_open(h, ino, &xh);

	if (r)
		return r;
	err = ext2fs_xattr_get(xh, name, &val, &len);
	ext2fs_xattrs_close(&xh);
	if (err == EXT2_ET_EA_KEY_NOT_FOUND)
		return -ENODATA;
	if (err)
		return ext4h_err(h, err);
	if (len > size) {
		ext2fs_free_mem(&val);
		return -ERANGE;
	}
	memcpy(buf, val, len);
	ext2fs_free_mem(&val);
	return (long)len;
}

struct list_ctx {
	char *buf;
	size_t size, len;
	int overflow;
};

static int list_one(char *name, char *value, size_t value_len, void *data)
{
	struct list_ctx *c = data;
	size_t n = strlen(name) + 1;

	(void)value;
	(void)value_len;
	if (!strncmp(name, "system.", 7))
		return 0;
	if (c->len + n > c->size) {
		c->overflow = 1;
		return XATTR_ABORT;
	}
	memcpy(c->buf + c->len, name, n);
	c->len += n;
	return 0;
}

long ext4h_xattr_list(struct ext4h_fs *h, uint32_t ino, char *buf, size_t size)
{
	struct list_ctx c = { buf, size, 0, 0 };
	struct ext2_xattr_handle *xh;
	errcode_t err;
	int r = xattr_open(h, ino, &xh);

	if (r == -EOPNOTSUPP)
		return 0;
	if (r)
		return r;
	err = ext2fs_xattrs_iterate(xh, list_one, &c);
	ext2fs_xattrs_close(&xh);
	if (c.overflow)
		return -E2BIG;
	if (err)
		return ext4h_err(h, err);
	return (long)c.len;
}

int ext4h_xattr_set(struct ext4h_fs *h, uint32_t ino, const char *name, const void *val,
		    size_t len, int flags, struct ext4h_attr *out)
{
	struct ext2_xattr_handle *xh;
	struct ext2_inode_large in;
	void *old = NULL;
	size_t old_len;
	errcode_t err;
	int r, exists;

	if (!h->rw)
		return -EROFS;
	r = xattr_open(h, ino, &xh);
	if (r)
		return r;
	err = ext2fs_xattr_get(xh, name, &old, &old_len);
	exists = !err;
	ext2fs_free_mem(&old);
	if (err && err != EXT2_ET_EA_KEY_NOT_FOUND)
		r = ext4h_err(h, err);
	else if ((flags & EXT4H_XATTR_CREATE) && exists)
		r = -EEXIST;
	else if (((flags & EXT4H_XATTR_REPLACE) || !val) && !exists)
		r = -ENODATA;
	else if (!val)
		r = ext4h_err(h, ext2fs_xattr_remove(xh, name));
	else
		r = ext4h_err(h, ext2fs_xattr_set(xh, name, val, len));
	ext2fs_xattrs_close(&xh);
	if (r || !out)
		return r;
	r = ext4h_read_full(h, ino, &in);
	if (!r)
		ext4h_inode_to_attr(h, &in, out);
	return r;
}
