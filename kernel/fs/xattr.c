/*
 * Extended attributes: setxattr, getxattr, listxattr, removexattr and their l* (no final
 * symlink followed) and f* (open file) variants, and a simple in-memory store for the
 * filesystems that keep attributes in memory (tmpfs).
 *
 * The VFS checks everything that does not depend on the filesystem, as Linux does: names
 * of 1..XATTR_NAME_MAX bytes (else ERANGE), values of at most XATTR_SIZE_MAX (E2BIG),
 * XATTR_CREATE/REPLACE only (EINVAL), and the namespaces: user.* only on regular files and
 * directories and with read/write permission on the inode, trusted.* only with
 * CAP_SYS_ADMIN (EPERM to write, ENODATA to read, hidden from lists), security.* written
 * only with CAP_SYS_ADMIN (security.capability with CAP_SETFCAP, checked and converted by
 * fs/fcaps.c), system.* (POSIX ACLs) not supported (EOPNOTSUPP), and any
 * other prefix EOPNOTSUPP.
 * The filesystem's ops always get whole kernel buffers; the size rules of the system
 * calls (size 0 asks for the length, a short buffer is ERANGE) are applied here.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/limits.h>
#include <linux/xattr.h>

/* ---- the in-memory store */

struct xattr_simple {
	struct list_head link;
	char *name;
	size_t size;
	char value[];
};

/* The inode's operations; anonymous inodes (sockets, eventfd, ...) have none: no attributes. */
static const struct inode_operations *iop(const struct inode *inode)
{
	static const struct inode_operations none;

	return inode->i_op ? inode->i_op : &none;
}

static struct xattr_simple *simple_find(struct list_head *list, const char *name)
{
	struct xattr_simple *x;

	list_for_each_entry(x, list, link) {
		if (!strcmp(x->name, name))
			return x;
	}
	return NULL;
}

ssize_t xattr_simple_get(struct list_head *list, const char *name, void *buf)
{
	struct xattr_simple *x = simple_find(list, name);

	if (!x)
		return -ENODATA;
	if (buf)
		memcpy(buf, x->value, x->size);
	return (ssize_t)x->size;
}

ssize_t xattr_simple_list(struct list_head *list, char *buf)
{
	struct xattr_simple *x;
	size_t len = 0, n;

	list_for_each_entry(x, list, link) {
		n = strlen(x->name) + 1;
		if (len + n > XATTR_LIST_MAX)
			return -E2BIG;
		memcpy(buf + len, x->name, n);
		len += n;
	}
	return (ssize_t)len;
}

static void simple_free_one(struct xattr_simple *x)
{
	list_del(&x->link);
	kfree(x->name);
	kfree(x);
}

int xattr_simple_set(struct list_head *list, const char *name, const void *val, size_t size,
		     int flags)
{
	struct xattr_simple *old = simple_find(list, name), *x;

	if ((flags & XATTR_CREATE) && old)
		return -EEXIST;
	if (((flags & XATTR_REPLACE) || !val) && !old)
		return -ENODATA;
	if (!val) {
		simple_free_one(old);
		return 0;
	}
	x = kmalloc(sizeof(*x) + size);
	if (!x)
		return -ENOSPC;
	x->name = kmalloc(strlen(name) + 1);
	if (!x->name) {
		kfree(x);
		return -ENOSPC;
	}
	memcpy(x->name, name, strlen(name) + 1);
	x->size = size;
	memcpy(x->value, val, size);
	if (old) {
		list_add(&x->link, &old->link);
		simple_free_one(old);
	} else {
		list_add_tail(&x->link, list);
	}
	return 0;
}

void xattr_simple_free(struct list_head *list)
{
	while (!list_empty(list))
		simple_free_one(list_entry(list->next, struct xattr_simple, link));
}

/* ---- checks */

static bool has_prefix(const char *name, const char *prefix)
{
	return !strncmp(name, prefix, strlen(prefix));
}

/* May current read (write) attribute name of inode? 0 or -errno. */
static int xattr_permission(struct inode *inode, const char *name, bool write)
{
	int mask = write ? MAY_WRITE : MAY_READ;

	if (write && (IS_IMMUTABLE(inode) || IS_APPEND(inode)))
		return -EPERM;
	if (has_prefix(name, XATTR_TRUSTED_PREFIX)) {
		if (!cred_capable(CAP_SYS_ADMIN))
			return write ? -EPERM : -ENODATA;
		return 0;
	}
	if (!strcmp(name, XATTR_NAME_CAPS))
		return write && !cred_capable(CAP_SETFCAP) ? -EPERM : 0;
	if (has_prefix(name, XATTR_SECURITY_PREFIX))
		return write && !cred_capable(CAP_SYS_ADMIN) ? -EPERM : 0;
	if (has_prefix(name, XATTR_SYSTEM_PREFIX))
		return -EOPNOTSUPP; /* POSIX ACLs are not supported */
	if (!has_prefix(name, XATTR_USER_PREFIX))
		return -EOPNOTSUPP;
	if (!S_ISREG(inode->mode) && !S_ISDIR(inode->mode))
		return write ? -EPERM : -ENODATA;
	if (write && S_ISDIR(inode->mode) && (inode->mode & S_ISVTX) &&
	    !inode_owner_or_root(inode))
		return -EPERM;
	return inode_permission(inode, mask);
}

/* Copy a guest attribute name into name (XATTR_NAME_MAX + 1 bytes). */
static int get_name(uaddr_t uname, char *name)
{
	long r = strncpy_from_user(name, uname, XATTR_NAME_MAX + 1);

	if (r == -ENAMETOOLONG || r == 0)
		return -ERANGE;
	return r < 0 ? (int)r : 0;
}

/* ---- the operations on a resolved inode */

static long do_setxattr(const struct path *p, struct inode *inode, uaddr_t uname, uaddr_t uval,
			size_t size, int flags)
{
	char name[XATTR_NAME_MAX + 1];
	void *val = NULL;
	long r;

	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	r = get_name(uname, name);
	if (r < 0)
		return r;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	val = kmalloc(size ? size : 1);
	if (!val)
		return -ENOMEM;
	if (size && copy_from_user(val, uval, size)) {
		r = -EFAULT;
		goto out;
	}
	r = path_want_write(p);
	if (!r && !strcmp(name, XATTR_NAME_CAPS))
		r = fcaps_set_check(inode, val, &size);
	if (!r)
		r = xattr_permission(inode, name, true);
	if (!r)
		r = iop(inode)->setxattr ? iop(inode)->setxattr(inode, name, val, size, flags) :
					  -EOPNOTSUPP;
	if (!r) {
		if (!strcmp(name, XATTR_NAME_CAPS))
			inode->iflags &= ~S_NOSEC;
		inode_touch(inode, false, false, true);
		fsnotify_inode(inode, p->dentry, IN_ATTRIB);
	}
out:
	kfree(val);
	return r;
}

static long do_getxattr(struct inode *inode, uaddr_t uname, uaddr_t ubuf, size_t size)
{
	char name[XATTR_NAME_MAX + 1];
	void *buf;
	long r;

	r = get_name(uname, name);
	if (r < 0)
		return r;
	r = xattr_permission(inode, name, false);
	if (r < 0)
		return r;
	if (!iop(inode)->getxattr)
		return -EOPNOTSUPP;
	buf = kmalloc(XATTR_SIZE_MAX);
	if (!buf)
		return -ENOMEM;
	r = iop(inode)->getxattr(inode, name, buf);
	if (r > 0 && size) {
		if ((size_t)r > size)
			r = -ERANGE;
		else if (copy_to_user(ubuf, buf, (size_t)r))
			r = -EFAULT;
	}
	kfree(buf);
	return r;
}

/* Drop the names current may not see (trusted.* without CAP_SYS_ADMIN) from a packed list. */
static size_t filter_list(char *buf, size_t len)
{
	size_t in = 0, out = 0, n;

	while (in < len) {
		n = strlen(buf + in) + 1;
		if (cred_capable(CAP_SYS_ADMIN) || !has_prefix(buf + in, XATTR_TRUSTED_PREFIX)) {
			memmove(buf + out, buf + in, n);
			out += n;
		}
		in += n;
	}
	return out;
}

static long do_listxattr(struct inode *inode, uaddr_t ubuf, size_t size)
{
	char *buf;
	long r;

	if (!iop(inode)->listxattr)
		return 0; /* no attributes: an empty list, as Linux gives */
	buf = kmalloc(XATTR_LIST_MAX);
	if (!buf)
		return -ENOMEM;
	r = iop(inode)->listxattr(inode, buf);
	if (r > 0)
		r = (long)filter_list(buf, (size_t)r);
	if (r > 0 && size) {
		if ((size_t)r > size)
			r = -ERANGE;
		else if (copy_to_user(ubuf, buf, (size_t)r))
			r = -EFAULT;
	}
	kfree(buf);
	return r;
}

static long do_removexattr(const struct path *p, struct inode *inode, uaddr_t uname)
{
	char name[XATTR_NAME_MAX + 1];
	long r = get_name(uname, name);

	if (!r)
		r = path_want_write(p);
	if (!r)
		r = xattr_permission(inode, name, true);
	if (!r)
		r = iop(inode)->removexattr ? iop(inode)->removexattr(inode, name) :
					     -EOPNOTSUPP;
	if (!r) {
		inode_touch(inode, false, false, true);
		fsnotify_inode(inode, p->dentry, IN_ATTRIB);
	}
	return r;
}

/* ---- system calls */

enum xop { XSET, XGET, XLIST, XREMOVE };

static long xattr_path_op(enum xop op, const struct sc_args *a, bool follow)
{
	struct path p;
	long r = user_path(AT_FDCWD, a->arg[0], follow ? LOOKUP_FOLLOW : 0, &p);

	if (r < 0)
		return r;
	r = op == XSET ? do_setxattr(&p, p.dentry->inode, a->arg[1], a->arg[2], a->arg[3],
				     (int)a->arg[4]) :
	    op == XGET ? do_getxattr(p.dentry->inode, a->arg[1], a->arg[2], a->arg[3]) :
	    op == XLIST ? do_listxattr(p.dentry->inode, a->arg[1], a->arg[2]) :
			  do_removexattr(&p, p.dentry->inode, a->arg[1]);
	path_put(&p);
	return r;
}

static long xattr_fd_op(enum xop op, const struct sc_args *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	long r;

	if (!f)
		return -EBADF;
	r = op == XSET ? do_setxattr(&f->path, f->inode, a->arg[1], a->arg[2], a->arg[3],
				     (int)a->arg[4]) :
	    op == XGET ? do_getxattr(f->inode, a->arg[1], a->arg[2], a->arg[3]) :
	    op == XLIST ? do_listxattr(f->inode, a->arg[1], a->arg[2]) :
			  do_removexattr(&f->path, f->inode, a->arg[1]);
	file_put(f);
	return r;
}

long sys_setxattr(const struct sc_args *a)
{
	return xattr_path_op(XSET, a, true);
}

long sys_lsetxattr(const struct sc_args *a)
{
	return xattr_path_op(XSET, a, false);
}

long sys_fsetxattr(const struct sc_args *a)
{
	return xattr_fd_op(XSET, a);
}

long sys_getxattr(const struct sc_args *a)
{
	return xattr_path_op(XGET, a, true);
}

long sys_lgetxattr(const struct sc_args *a)
{
	return xattr_path_op(XGET, a, false);
}

long sys_fgetxattr(const struct sc_args *a)
{
	return xattr_fd_op(XGET, a);
}

long sys_listxattr(const struct sc_args *a)
{
	return xattr_path_op(XLIST, a, true);
}

long sys_llistxattr(const struct sc_args *a)
{
	return xattr_path_op(XLIST, a, false);
}

long sys_flistxattr(const struct sc_args *a)
{
	return xattr_fd_op(XLIST, a);
}

long sys_removexattr(const struct sc_args *a)
{
	return xattr_path_op(XREMOVE, a, true);
}

long sys_lremovexattr(const struct sc_args *a)
{
	return xattr_path_op(XREMOVE, a, false);
}

long sys_fremovexattr(const struct sc_args *a)
{
	return xattr_fd_op(XREMOVE, a);
}
