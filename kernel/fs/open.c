/*
 * Opening files, reading directories and the working directory (VFS layer: uses path
 * walking from namei.c and the filesystems' ->create, file and directory operations).
 *
 * open(2) resolves the name (namei.c), checks the opener may do what the flags ask
 * (may_open: type, permission, read-only mounts, nodev), allocates the struct file
 * (file.c) and calls ->open, then truncates for O_TRUNC. With O_CREAT the last component
 * is looked up in its parent: a negative dentry is created through the parent's ->create,
 * a symlink is followed by walking its target again from the parent (at most MAX_SYMLINKS
 * links in all), an existing file is opened unless O_EXCL. A newly created file is opened
 * without permission checks, as Linux does.
 *
 * getdents: the VFS emits "." (position 0) and ".." (position 1) itself and then calls
 * ->iterate with ctx.pos >= 2, so a filesystem that emits its own dots only when pos is 0
 * or 1 never doubles them. Each record's d_off is the position of the next entry; the
 * file position (f->pos) holds the cookie where the next call resumes, so lseek(fd, 0,
 * SEEK_SET) rewinds and telldir/seekdir values are the d_off values.
 *
 * Also: chdir, fchdir, getcwd and ftruncate.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/openat2.h>

#define O_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define VALID_OPEN_FLAGS                                                                   \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | __O_SYNC | \
	 O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME |   \
	 O_CLOEXEC | O_PATH | __O_TMPFILE)
#define VALID_RESOLVE_FLAGS                                                      \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | \
	 RESOLVE_IN_ROOT | RESOLVE_CACHED)

#define DTYPE_DIR (S_IFDIR >> 12)
#define OPEN_HOW_SIZE_VER0 24 /* the first published struct open_how */

/* ---- opening */

/* The MAY_* mask an open with flags needs on an existing file. */
static int open_acc_mask(int flags)
{
	int acc = 0;

	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		acc = MAY_READ;
		break;
	case O_WRONLY:
		acc = MAY_WRITE;
		break;
	default: /* O_RDWR, and 3 (ioctl-only) which Linux checks the same way */
		acc = MAY_READ | MAY_WRITE;
		break;
	}
	if (flags & O_TRUNC)
		acc |= MAY_WRITE;
	return acc;
}

/* May current open the positive path p with flags? 0 or -errno. */
static int may_open(const struct path *p, struct inode *inode, int flags, bool created)
{
	int acc = created ? 0 : open_acc_mask(flags), err;

	switch (inode->mode & S_IFMT) {
	case S_IFLNK:
		return -ELOOP; /* O_NOFOLLOW stopped on a link */
	case S_IFDIR:
		if (acc & MAY_WRITE)
			return -EISDIR;
		break;
	case S_IFCHR:
	case S_IFBLK:
		if (p->mnt && (p->mnt->flags & MNT_NODEV))
			return -EACCES;
		break;
	}
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (acc) {
		err = inode_permission(inode, acc);
		if (err)
			return err;
	}
	if ((acc & MAY_WRITE) && S_ISREG(inode->mode)) {
		err = path_want_write(p);
		if (err)
			return err;
	}
	if (S_ISSOCK(inode->mode) || (S_ISBLK(inode->mode) && !inode->i_fop))
		return -ENXIO;
	if (IS_APPEND(inode) && !created &&
	    (((flags & O_ACCMODE) != O_RDONLY && !(flags & O_APPEND)) || (flags & O_TRUNC)))
		return -EPERM; /* append-only: written only with O_APPEND, never truncated */
	if ((flags & O_NOATIME) && !inode_owner_or_root(inode))
		return -EPERM;
	return 0;
}

/* Open the positive path p (created: by this very open, so no checks and no truncation). */
static struct file *open_existing(const struct path *p, int flags, bool created)
{
	struct inode *inode = p->dentry->inode;
	struct file *f;
	int err;

	if (flags & O_PATH) {
		if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
			return ERR_PTR(-ENOTDIR);
		f = file_alloc(p, inode, flags);
		return f ? f : ERR_PTR(-ENOMEM);
	}
	err = may_open(p, inode, flags, created);
	if (err)
		return ERR_PTR(err);
	f = file_alloc(p, inode, flags | O_LARGEFILE);
	if (!f)
		return ERR_PTR(-ENOMEM);
	if (f->f_op->open) {
		err = f->f_op->open(inode, f);
		if (err) {
			f->f_op = &path_fops; /* not opened: no ->release */
			file_put(f);
			return ERR_PTR(err);
		}
	}
	f->flags &= ~O_NOCTTY;
	if ((flags & O_TRUNC) && !created && S_ISREG(inode->mode)) {
		err = do_truncate(p->dentry, inode, 0);
		if (err) {
			file_put(f);
			return ERR_PTR(err);
		}
	}
	fsnotify_file(f, IN_OPEN);
	return f;
}

/* Create the regular file d (negative, in parent) and open it. */
static struct file *open_create_new(struct path *parent, struct dentry *d, int flags, u32 mode)
{
	struct inode *dir = parent->dentry->inode;
	u32 umask = current->fs ? current->fs->umask : 022;
	struct path p = { parent->mnt, d };
	int err;

	if (d_unhashed(parent->dentry))
		return ERR_PTR(-ENOENT); /* the directory was removed */
	err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	if (!err)
		err = path_want_write(parent);
	if (!err && (!dir->i_op || !dir->i_op->create))
		err = -EACCES;
	if (!err)
		err = dir->i_op->create(dir, d, S_IFREG | (mode & 07777 & ~umask));
	if (!err && !d->inode)
		err = -EIO;
	if (err)
		return ERR_PTR(err);
	fsnotify_dirent(dir, d->name, d->namelen, IN_CREATE, 0);
	return open_existing(&p, flags, true);
}

/*
 * The last component of an O_CREAT open exists as p (referenced by the caller). Returns
 * the open file, an ERR_PTR, or NULL when p is a symlink whose target is now in linkbuf
 * (to be walked from the parent).
 */
static struct file *open_create_found(const struct path *p, int flags, char *linkbuf,
				      int *links)
{
	struct inode *inode = p->dentry->inode;
	struct path target;
	struct file *f;
	long n;

	if (flags & O_EXCL)
		return ERR_PTR(-EEXIST);
	if (!S_ISLNK(inode->mode))
		return S_ISDIR(inode->mode) ? ERR_PTR(-EISDIR) : open_existing(p, flags, false);
	if ((flags & O_NOFOLLOW) || ++*links > MAX_SYMLINKS)
		return ERR_PTR(-ELOOP);
	if (inode->i_op && inode->i_op->get_link_path) {
		n = inode->i_op->get_link_path(p->dentry, &target);
		if (n < 0)
			return ERR_PTR(n);
		f = S_ISDIR(target.dentry->inode->mode) ? ERR_PTR(-EISDIR) :
							   open_existing(&target, flags, false);
		path_put(&target);
		return f;
	}
	if (!inode->i_op || !inode->i_op->readlink)
		return ERR_PTR(-EINVAL);
	n = inode->i_op->readlink(p->dentry, linkbuf, PATH_MAX_LEN - 1);
	if (n < 0)
		return ERR_PTR(n);
	if (n == 0)
		return ERR_PTR(-ENOENT);
	linkbuf[n] = '\0';
	return NULL;
}

/* One step of an O_CREAT open: the last component last of directory parent. */
static struct file *open_create_last(struct path *parent, const struct last_name *last,
				     int flags, u32 mode, char *linkbuf, int *links)
{
	struct dentry *d;
	struct path p;
	struct file *f;
	int err;

	if (last->type != LAST_NORM || last->trailing_slash)
		return ERR_PTR(-EISDIR);
	err = inode_permission(parent->dentry->inode, MAY_EXEC);
	if (err)
		return ERR_PTR(err);
	d = lookup_one(parent, last->name, last->len);
	if (IS_ERR_OR_NULL(d))
		return d ? (void *)d : ERR_PTR(-ENOMEM);
	if (!d->inode) {
		f = open_create_new(parent, d, flags, mode);
		dentry_put(d);
		return f;
	}
	p.mnt = parent->mnt;
	p.dentry = d; /* takes over the reference from lookup_one */
	mount_get(p.mnt);
	follow_mounts(&p);
	f = open_create_found(&p, flags, linkbuf, links);
	path_put(&p);
	return f;
}

static struct file *open_create(int dirfd, const char *name, int flags, u32 mode)
{
	struct path base = { 0 }, parent;
	struct last_name last;
	struct file *f = NULL;
	int links = 0, err;
	char *linkbuf = kmalloc(PATH_MAX_LEN);

	if (!linkbuf)
		return ERR_PTR(-ENOMEM);
	while (!f) {
		err = namei_walk(base.dentry ? &base : NULL, dirfd, name, LOOKUP_PARENT, &parent,
				 &last, &links);
		path_put(&base);
		base = (struct path){ 0 };
		if (err) {
			f = ERR_PTR(err);
			break;
		}
		f = open_create_last(&parent, &last, flags, mode, linkbuf, &links);
		last_name_free(&last);
		if (f) {
			path_put(&parent);
			break;
		}
		base = parent; /* follow the link: its target is relative to its directory */
		name = linkbuf;
	}
	kfree(linkbuf);
	return f;
}

/* Normalize open flags; returns them, or -errno for combinations refused outright. */
static int open_fixup_flags(int flags)
{
	flags &= VALID_OPEN_FLAGS;
	if (flags & __O_TMPFILE)
		return -EOPNOTSUPP;
	if (flags & O_PATH)
		return flags & O_PATH_FLAGS;
	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	return flags;
}

struct file *file_open(int dirfd, const char *name, int flags, u32 mode)
{
	unsigned lf = 0;
	struct path p;
	struct file *f;
	int err;

	flags = open_fixup_flags(flags);
	if (flags < 0)
		return ERR_PTR(flags);
	if (flags & O_CREAT)
		return open_create(dirfd, name, flags, mode);
	if (!(flags & O_NOFOLLOW))
		lf |= LOOKUP_FOLLOW;
	if (flags & O_DIRECTORY)
		lf |= LOOKUP_DIRECTORY;
	err = kern_path(dirfd, name, lf, &p);
	if (err)
		return ERR_PTR(err);
	f = open_existing(&p, flags, false);
	path_put(&p);
	return f;
}

struct file *file_open_path(const struct path *p, int flags)
{
	flags = open_fixup_flags(flags & ~(O_CREAT | O_EXCL));
	if (flags < 0)
		return ERR_PTR(flags);
	if (!p->dentry || !p->dentry->inode)
		return ERR_PTR(-ENOENT);
	return open_existing(p, flags, false);
}

static long do_sys_open(int dirfd, uaddr_t uname, int flags, u32 mode)
{
	char *name = getname(uname);
	struct file *f;
	int fd;

	if (IS_ERR(name))
		return PTR_ERR(name);
	f = file_open(dirfd, name, flags, mode);
	kfree(name);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(const struct sc_args *a)
{
	return do_sys_open(AT_FDCWD, a->arg[0], (int)a->arg[1], (u32)a->arg[2]);
}

long sys_openat(const struct sc_args *a)
{
	return do_sys_open((int)a->arg[0], a->arg[1], (int)a->arg[2], (u32)a->arg[3]);
}

long sys_creat(const struct sc_args *a)
{
	return do_sys_open(AT_FDCWD, a->arg[0], O_CREAT | O_WRONLY | O_TRUNC, (u32)a->arg[1]);
}

/* Bytes [from, to) of a guest struct must be zero (extensible structs, like Linux). */
static int check_zeroed_user(uaddr_t base, size_t from, size_t to)
{
	u8 chunk[64];

	while (from < to) {
		size_t n = min(to - from, sizeof(chunk));

		if (copy_from_user(chunk, base + from, n))
			return -EFAULT;
		for (size_t i = 0; i < n; i++) {
			if (chunk[i])
				return -E2BIG;
		}
		from += n;
	}
	return 0;
}

/*
 * openat2: the flags are checked strictly. Path resolution restrictions (RESOLVE_*) are
 * not implemented: asking for one gives -ENOSYS, so callers fall back to openat as they do
 * on kernels that predate openat2, rather than getting a weaker guarantee than they asked.
 */
long sys_openat2(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t uname = a->arg[1], uhow = a->arg[2];
	size_t size = a->arg[3];
	struct open_how how = { 0 };
	int err;

	if (size < OPEN_HOW_SIZE_VER0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (copy_from_user(&how, uhow, min(size, sizeof(how))))
		return -EFAULT;
	if (size > sizeof(how) && (err = check_zeroed_user(uhow, sizeof(how), size)))
		return err;
	if ((how.flags & ~(u64)VALID_OPEN_FLAGS) || (how.resolve & ~(u64)VALID_RESOLVE_FLAGS))
		return -EINVAL;
	if ((how.mode & ~07777ULL) || (how.mode && !(how.flags & (O_CREAT | __O_TMPFILE))))
		return -EINVAL;
	if ((how.flags & O_PATH) && (how.flags & ~(u64)O_PATH_FLAGS))
		return -EINVAL;
	if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if (how.resolve & RESOLVE_CACHED)
		return -EAGAIN;
	if (how.resolve)
		return -ENOSYS;
	return do_sys_open(dirfd, uname, (int)how.flags, (u32)how.mode);
}

/* ---- directories */

/* The record getdents64 writes (ours: UAPI has none). The name follows, NUL-terminated. */
struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;
	u16 d_reclen;
	u8 d_type;
	char d_name[];
} __attribute__((packed));

/* The old getdents record: d_type is the last byte of the record, after the name's NUL. */
struct linux_dirent {
	unsigned long d_ino;
	unsigned long d_off;
	u16 d_reclen;
	char d_name[];
} __attribute__((packed));

#define DIRENT_MAX (sizeof(struct linux_dirent64) + NAME_MAX_LEN + 16)

/*
 * getdents state. Each record is kept in rec until the next entry (or the end) gives its
 * d_off, then copied out; room for it was reserved when it was made.
 */
struct getdents_ctx {
	struct dir_context ctx;
	bool old;          /* struct linux_dirent (getdents) rather than linux_dirent64 */
	uaddr_t buf;       /* where the pending record goes */
	size_t left;       /* bytes of the guest buffer not yet reserved */
	size_t done;       /* bytes copied out */
	size_t reclen;     /* of the pending record (0: none) */
	loff_t pending_pos; /* position of the pending record */
	int error;
	union {
		struct linux_dirent64 d64;
		struct linux_dirent d;
		char bytes[DIRENT_MAX];
	} rec;
};

/* Copy the pending record out with d_off = off. */
static bool getdents_flush(struct getdents_ctx *gc, s64 off)
{
	if (!gc->reclen)
		return true;
	if (gc->old)
		gc->rec.d.d_off = (unsigned long)off;
	else
		gc->rec.d64.d_off = off;
	if (copy_to_user(gc->buf, gc->rec.bytes, gc->reclen)) {
		gc->error = -EFAULT;
		return false;
	}
	gc->buf += gc->reclen;
	gc->done += gc->reclen;
	gc->reclen = 0;
	return true;
}

static bool getdents_actor(struct dir_context *ctx, const char *name, int namelen, u64 ino,
			   unsigned dtype)
{
	struct getdents_ctx *gc = container_of(ctx, struct getdents_ctx, ctx);
	size_t head = gc->old ? sizeof(struct linux_dirent) : sizeof(struct linux_dirent64);
	size_t reclen = ALIGN_UP(head + namelen + 1 + gc->old, 8);

	if (namelen < 0 || namelen > NAME_MAX_LEN) {
		gc->error = -EIO;
		return false;
	}
	if (reclen > gc->left) {
		if (!gc->done && !gc->reclen)
			gc->error = -EINVAL; /* not even one entry fits */
		return false;
	}
	if (!getdents_flush(gc, ctx->pos))
		return false;
	memset(gc->rec.bytes, 0, reclen);
	if (gc->old) {
		gc->rec.d.d_ino = ino;
		gc->rec.d.d_reclen = reclen;
		memcpy(gc->rec.d.d_name, name, namelen);
		gc->rec.bytes[reclen - 1] = (char)dtype;
	} else {
		gc->rec.d64.d_ino = ino;
		gc->rec.d64.d_reclen = reclen;
		gc->rec.d64.d_type = dtype;
		memcpy(gc->rec.d64.d_name, name, namelen);
	}
	gc->reclen = reclen;
	gc->pending_pos = ctx->pos;
	gc->left -= reclen;
	return true;
}

/* Emit "." and ".." for positions 0 and 1; false when the buffer filled. */
static bool getdents_dots(struct getdents_ctx *gc, struct file *f)
{
	struct dentry *d = f->path.dentry;
	u64 pino = d->parent && d->parent->inode ? d->parent->inode->ino : f->inode->ino;

	if (gc->ctx.pos == 0) {
		if (!gc->ctx.actor(&gc->ctx, ".", 1, f->inode->ino, DTYPE_DIR))
			return false;
		gc->ctx.pos = 1;
	}
	if (gc->ctx.pos == 1) {
		if (!gc->ctx.actor(&gc->ctx, "..", 2, pino, DTYPE_DIR))
			return false;
		gc->ctx.pos = 2;
	}
	return true;
}

static long do_getdents(int fd, uaddr_t ubuf, size_t count, bool old)
{
	struct file *f = fd_get(fd);
	struct getdents_ctx *gc;
	long r = 0;

	if (!f)
		return -EBADF;
	if (!f->f_op->iterate || !f->path.dentry) {
		file_put(f);
		return -ENOTDIR;
	}
	gc = kzalloc(sizeof(*gc));
	if (!gc) {
		file_put(f);
		return -ENOMEM;
	}
	gc->ctx.actor = getdents_actor;
	gc->ctx.pos = f->pos;
	gc->old = old;
	gc->buf = ubuf;
	gc->left = min(count, (size_t)MAX_RW_COUNT);
	if (d_unhashed(f->path.dentry))
		r = -ENOENT; /* the directory was removed */
	else if (getdents_dots(gc, f))
		r = f->f_op->iterate(f, &gc->ctx);
	if (!gc->error)
		getdents_flush(gc, gc->ctx.pos);
	/* Resume at the first entry not copied out. */
	f->pos = gc->error == -EFAULT ? gc->pending_pos : gc->ctx.pos;
	if (gc->done)
		r = (long)gc->done;
	else if (gc->error)
		r = gc->error;
	else if (r > 0)
		r = 0;
	kfree(gc);
	file_put(f);
	return r;
}

long sys_getdents64(const struct sc_args *a)
{
	return do_getdents((int)a->arg[0], a->arg[1], (unsigned)a->arg[2], false);
}

long sys_getdents(const struct sc_args *a)
{
	return do_getdents((int)a->arg[0], a->arg[1], (unsigned)a->arg[2], true);
}

/* ---- working directory */

static int set_pwd(const struct path *p)
{
	struct inode *inode = p->dentry->inode;
	struct path old;
	int err;

	if (!S_ISDIR(inode->mode))
		return -ENOTDIR;
	err = inode_permission(inode, MAY_EXEC);
	if (err)
		return err;
	old = current->fs->pwd;
	current->fs->pwd = *p;
	path_get(p);
	path_put(&old);
	return 0;
}

long sys_chdir(const struct sc_args *a)
{
	struct path p;
	int err = user_path(AT_FDCWD, a->arg[0], LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);

	if (err)
		return err;
	err = set_pwd(&p);
	path_put(&p);
	return err;
}

long sys_fchdir(const struct sc_args *a)
{
	struct file *f = fd_get_raw((int)a->arg[0]);
	int err;

	if (!f)
		return -EBADF;
	err = f->path.dentry ? set_pwd(&f->path) : -ENOTDIR;
	file_put(f);
	return err;
}

/* The cwd of current as getcwd shows it into buf (PATH_MAX_LEN bytes); its length or -errno. */
static long getcwd_string(char *buf)
{
	static const char unreach[] = "(unreachable)";
	const size_t ulen = sizeof(unreach) - 1;
	bool deleted, unreachable;
	long n;

	n = path_to_string_ex(&current->fs->pwd, &current->fs->root, buf + ulen,
			      PATH_MAX_LEN - ulen, &deleted, &unreachable);
	if (n < 0)
		return n;
	if (deleted)
		return -ENOENT;
	if (unreachable) {
		memcpy(buf, unreach, ulen);
		return n + (long)ulen;
	}
	memmove(buf, buf + ulen, n + 1);
	return n;
}

long sys_getcwd(const struct sc_args *a)
{
	uaddr_t ubuf = a->arg[0];
	size_t size = a->arg[1];
	char *buf;
	long n;

	if (!current->fs)
		return -ENOENT;
	buf = kmalloc(PATH_MAX_LEN);
	if (!buf)
		return -ENOMEM;
	n = getcwd_string(buf);
	if (n >= 0 && (size_t)n + 1 > size)
		n = -ERANGE;
	if (n >= 0 && copy_to_user(ubuf, buf, n + 1))
		n = -EFAULT;
	kfree(buf);
	return n < 0 ? n : n + 1;
}

/* ---- ftruncate */

long sys_ftruncate(const struct sc_args *a)
{
	loff_t len = (loff_t)a->arg[1];
	struct file *f;
	long r;

	if (len < 0)
		return -EINVAL;
	f = fd_get((int)a->arg[0]);
	if (!f)
		return -EBADF;
	if (!S_ISREG(f->inode->mode) || !(f->mode & FMODE_WRITE) || !f->path.dentry)
		r = -EINVAL; /* anonymous (unnamed) files cannot be truncated yet */
	else if (IS_APPEND(f->inode) || IS_IMMUTABLE(f->inode))
		r = -EPERM;
	else
		r = do_truncate(f->path.dentry, f->inode, len);
	file_put(f);
	return r;
}
