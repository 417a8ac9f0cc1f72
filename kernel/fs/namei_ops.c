/*
 * The name-changing calls (VFS layer, above path walking): mknod, mkdir, symlink, link,
 * unlink, rmdir, rename, readlink, with their system calls.
 *
 * Each call resolves the parent directory of its last name (namei_walk with
 * LOOKUP_PARENT), looks the name up there (lookup_one: mounts on it are not crossed),
 * checks the Linux preconditions and permissions here, and calls the parent directory's
 * inode_operations. Division of work with a filesystem (tmpfs is the reference):
 *  - create/mkdir/mknod/symlink/link: the filesystem makes or links the inode and calls
 *    d_instantiate on the negative dentry it is given (tmpfs also sets DCACHE_PINNED);
 *  - unlink/rmdir: the filesystem drops the link count(s); after success the VFS calls
 *    d_delete on the dentry;
 *  - rename: the filesystem fixes link counts and times, and drops/replaces the target
 *    inode; after ->rename returns 0 the VFS does the dentry tree move itself: d_exchange
 *    for RENAME_EXCHANGE, else d_delete of the target dentry (positive or negative) and
 *    d_move of the source to the new parent and name.
 * After every successful change the VFS also sets mtime/ctime of the directories changed
 * and the ctime of the inode renamed, linked or unlinked (a filesystem may do the same;
 * both set "now").
 * Checks done here and not by filesystems: existence, types, emptiness of a directory as
 * far as the dentry cache knows it (complete for tmpfs; ->lookup filesystems check again),
 * search/write permission, the sticky bit, read-only mounts, mountpoints (EBUSY), EXDEV.
 *
 * Modes: the vfs_*_at helpers take the final mode; the system calls apply the umask.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"

#include <linux/fs.h>

/* The parent of a name and the name's dentry in it. */
struct nameop {
	struct path parent;    /* referenced */
	struct last_name last;
	struct dentry *d;      /* referenced, maybe negative; NULL unless last.type is LAST_NORM */
};

static void nameop_end(struct nameop *op)
{
	if (op->d)
		dentry_put(op->d);
	last_name_free(&op->last);
	path_put(&op->parent);
}

static int nameop_lookup(int dirfd, const char *name, struct nameop *op)
{
	struct dentry *d;
	int err;

	memset(op, 0, sizeof(*op));
	err = namei_walk(NULL, dirfd, name, LOOKUP_PARENT, &op->parent, &op->last, NULL);
	if (err || op->last.type != LAST_NORM)
		return err;
	d = lookup_one(&op->parent, op->last.name, op->last.len);
	if (IS_ERR(d)) {
		nameop_end(op);
		return PTR_ERR(d);
	}
	op->d = d;
	return 0;
}

static void dir_changed(struct inode *dir)
{
	inode_touch(dir, false, true, true);
}

/* May a new name d be made in the directory dir? */
static int may_create(const struct path *dir, struct dentry *d)
{
	int err;

	if (d->inode)
		return -EEXIST;
	if (d_unhashed(dir->dentry))
		return -ENOENT;
	err = path_want_write(dir);
	if (err)
		return err;
	return inode_permission(dir->dentry->inode, MAY_WRITE | MAY_EXEC);
}

/* May the name d (a directory when isdir) be removed from dir? */
static int may_delete(struct inode *dir, struct dentry *d, bool isdir)
{
	struct inode *inode = d->inode;
	u32 fsuid = current->cred.fsuid;
	int err;

	if (!inode)
		return -ENOENT;
	err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	if (err)
		return err;
	if (IS_APPEND(dir))
		return -EPERM; /* an append-only directory only gains entries */
	if ((dir->mode & S_ISVTX) && fsuid != inode->uid && fsuid != dir->uid &&
	    !cred_capable(CAP_FOWNER))
		return -EPERM;
	if (isdir && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (!isdir && S_ISDIR(inode->mode))
		return -EISDIR;
	if (IS_SWAPFILE(inode) || IS_APPEND(inode) || IS_IMMUTABLE(inode))
		return -EPERM; /* swap files stay until swapoff; chattr +a/+i ones until -a/-i */
	if (d->mounted)
		return -EBUSY;
	return 0;
}

/* No positive child is cached (for tmpfs: the directory is empty). */
static bool dir_is_empty(struct dentry *d)
{
	struct dentry *c;

	list_for_each_entry(c, &d->children, sibling) {
		if (c->inode)
			return false;
	}
	return true;
}

/* ---- creation */

enum create_kind { CR_FILE, CR_DIR, CR_NODE, CR_SYMLINK, CR_LINK };

struct create_req {
	int kind;              /* enum create_kind */
	u32 mode;              /* with S_IF* */
	u32 rdev;
	const char *target;    /* CR_SYMLINK */
	struct dentry *old;    /* CR_LINK: the existing name */
};

static int do_create(struct inode *dir, struct dentry *d, const struct create_req *r)
{
	const struct inode_operations *op = dir->i_op;

	if (!op)
		return -EPERM;
	switch (r->kind) {
	case CR_FILE:
		return op->create ? op->create(dir, d, r->mode) : -EPERM;
	case CR_DIR:
		return op->mkdir ? op->mkdir(dir, d, r->mode) : -EPERM;
	case CR_NODE:
		return op->mknod ? op->mknod(dir, d, r->mode, r->rdev) : -EPERM;
	case CR_SYMLINK:
		return op->symlink ? op->symlink(dir, d, r->target) : -EPERM;
	default:
		return op->link ? op->link(r->old, dir, d) : -EPERM;
	}
}

/* Make the name (relative to dirfd) as r says; old_mnt: CR_LINK's mount (EXDEV check). */
static long create_at(int dirfd, const char *name, const struct create_req *r,
		      const struct mount *old_mnt)
{
	struct nameop op;
	int err = nameop_lookup(dirfd, name, &op);

	if (err)
		return err;
	if (!op.d)
		err = -EEXIST;
	else if (op.d->inode)
		err = -EEXIST;
	else if (op.last.trailing_slash && r->kind != CR_DIR)
		err = -ENOENT;
	else if (old_mnt && old_mnt != op.parent.mnt)
		err = -EXDEV;
	if (!err)
		err = may_create(&op.parent, op.d);
	if (!err)
		err = do_create(op.parent.dentry->inode, op.d, r);
	if (!err && !op.d->inode)
		err = -EIO; /* a filesystem that did not instantiate the name */
	if (!err) {
		dir_changed(op.parent.dentry->inode);
		if (r->kind == CR_LINK)
			inode_touch(op.d->inode, false, false, true);
		if (r->kind == CR_LINK)
			fsnotify_inode(op.d->inode, NULL, IN_ATTRIB);
		fsnotify_dirent(op.parent.dentry->inode, op.d->name, op.d->namelen,
				IN_CREATE | (r->kind == CR_DIR ? IN_ISDIR : 0), 0);
	}
	nameop_end(&op);
	return err;
}

/*
 * Make a regular file, FIFO, socket or device node (mode: S_IF* type, 0 meaning regular,
 * and the final permission bits). Devices need CAP_MKNOD. 0 or -errno.
 */
long vfs_mknod_at(int dirfd, const char *name, u32 mode, u32 rdev)
{
	struct create_req r = { .kind = CR_NODE, .mode = mode, .rdev = rdev };

	switch (mode & S_IFMT) {
	case 0:
		r.mode |= S_IFREG;
		r.kind = CR_FILE;
		break;
	case S_IFREG:
		r.kind = CR_FILE;
		break;
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFCHR:
	case S_IFBLK:
		if (!cred_capable(CAP_MKNOD))
			return -EPERM;
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	return create_at(dirfd, name, &r, NULL);
}

/* Make a directory with permission bits mode (07777 kept). 0 or -errno. */
long vfs_mkdir_at(int dirfd, const char *name, u32 mode)
{
	struct create_req r = { .kind = CR_DIR, .mode = S_IFDIR | (mode & 07777) };

	return create_at(dirfd, name, &r, NULL);
}

/* Make a symlink name -> target (non-empty). 0 or -errno. */
long vfs_symlink_at(const char *target, int dirfd, const char *name)
{
	struct create_req r = { .kind = CR_SYMLINK, .mode = S_IFLNK | 0777, .target = target };

	if (!*target)
		return -ENOENT;
	return create_at(dirfd, name, &r, NULL);
}

/*
 * Make newname a hard link to oldname (flags: AT_SYMLINK_FOLLOW, AT_EMPTY_PATH; the
 * latter with CAP_DAC_READ_SEARCH only: without it Linux gives -ENOENT). 0 or -errno.
 */
long vfs_link_at(int olddirfd, const char *oldname, int newdirfd, const char *newname,
		 int flags)
{
	struct create_req r = { .kind = CR_LINK };
	unsigned lf = 0;
	struct path old;
	long err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_SYMLINK_FOLLOW)
		lf |= LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH) {
		if (!cred_capable(CAP_DAC_READ_SEARCH))
			return -ENOENT;
		lf |= LOOKUP_EMPTY;
	}
	err = kern_path(olddirfd, oldname, lf, &old);
	if (err)
		return err;
	if (S_ISDIR(old.dentry->inode->mode))
		err = -EPERM;
	else if (old.dentry->inode->nlink == 0)
		err = -ENOENT;
	else if (IS_APPEND(old.dentry->inode) || IS_IMMUTABLE(old.dentry->inode))
		err = -EPERM;
	if (!err) {
		r.old = old.dentry;
		r.mode = old.dentry->inode->mode;
		err = create_at(newdirfd, newname, &r, old.mnt);
	}
	path_put(&old);
	return err;
}

/* ---- removal */

/* The events of a removal done, in Linux's order: the inode's, then IN_DELETE in dir. */
static void fsnotify_removed(struct inode *dir, struct dentry *d, bool isdir)
{
	struct inode *inode = d->inode;

	if (!fsnotify_watches)
		return;
	if (!isdir)
		fsnotify_event(inode, NULL, IN_ATTRIB); /* the link count changed */
	if (isdir || !inode->nlink)
		fsnotify_event(inode, NULL, IN_DELETE_SELF);
	fsnotify_name(dir, d->name, d->namelen, IN_DELETE | (isdir ? IN_ISDIR : 0), 0);
}

static long rmdir_at(int dirfd, const char *name)
{
	struct nameop op;
	struct inode *dir;
	int err = nameop_lookup(dirfd, name, &op);

	if (err)
		return err;
	if (op.last.type == LAST_DOTDOT)
		err = -ENOTEMPTY;
	else if (op.last.type == LAST_DOT)
		err = -EINVAL;
	else if (op.last.type == LAST_ROOT)
		err = -EBUSY;
	if (!err)
		err = path_want_write(&op.parent);
	dir = op.parent.dentry->inode;
	if (!err)
		err = may_delete(dir, op.d, true);
	if (!err && !dir_is_empty(op.d))
		err = -ENOTEMPTY;
	if (!err)
		err = dir->i_op && dir->i_op->rmdir ? dir->i_op->rmdir(dir, op.d) : -EPERM;
	if (!err) {
		fsnotify_removed(dir, op.d, true);
		d_delete(op.d);
		dir_changed(dir);
	}
	nameop_end(&op);
	return err;
}

static long unlink_at(int dirfd, const char *name)
{
	struct nameop op;
	struct inode *dir;
	int err = nameop_lookup(dirfd, name, &op);

	if (err)
		return err;
	if (op.last.type != LAST_NORM)
		err = -EISDIR;
	if (!err)
		err = path_want_write(&op.parent);
	if (!err && op.last.trailing_slash) {
		if (!op.d->inode)
			err = -ENOENT;
		else
			err = S_ISDIR(op.d->inode->mode) ? -EISDIR : -ENOTDIR;
	}
	dir = op.parent.dentry->inode;
	if (!err)
		err = may_delete(dir, op.d, false);
	if (!err)
		err = dir->i_op && dir->i_op->unlink ? dir->i_op->unlink(dir, op.d) : -EPERM;
	if (!err) {
		inode_touch(op.d->inode, false, false, true);
		fsnotify_removed(dir, op.d, false);
		d_delete(op.d);
		dir_changed(dir);
	}
	nameop_end(&op);
	return err;
}

/* ---- rename */

/* anc is d or one of its ancestors. */
static bool is_ancestor(const struct dentry *anc, const struct dentry *d)
{
	for (; d; d = d->parent) {
		if (d == anc)
			return true;
	}
	return false;
}

/* Checks of rename; 1 when old and new name the same inode (nothing to do). */
static int rename_check(struct nameop *o, struct nameop *n, unsigned flags)
{
	struct dentry *od = o->d, *nd = n->d;
	struct inode *odir = o->parent.dentry->inode, *ndir = n->parent.dentry->inode;
	bool exch = flags & RENAME_EXCHANGE, isdir;
	int err;

	if (!od->inode)
		return -ENOENT;
	if (exch && !nd->inode)
		return -ENOENT;
	if ((flags & RENAME_NOREPLACE) && nd->inode)
		return -EEXIST;
	isdir = S_ISDIR(od->inode->mode);
	if (!isdir && (o->last.trailing_slash || (!exch && n->last.trailing_slash)))
		return -ENOTDIR;
	if (exch && !S_ISDIR(nd->inode->mode) && n->last.trailing_slash)
		return -ENOTDIR;
	if (is_ancestor(od, n->parent.dentry))
		return -EINVAL;
	if (nd->inode && is_ancestor(nd, o->parent.dentry))
		return exch ? -EINVAL : -ENOTEMPTY;
	if (od->inode == nd->inode)
		return 1;
	err = may_delete(odir, od, isdir);
	if (!err && nd->inode)
		err = may_delete(ndir, nd, exch ? S_ISDIR(nd->inode->mode) : isdir);
	else if (!err)
		err = may_create(&n->parent, nd);
	if (!err && odir != ndir && isdir)
		err = inode_permission(od->inode, MAY_WRITE);
	if (!err && exch && odir != ndir && S_ISDIR(nd->inode->mode))
		err = inode_permission(nd->inode, MAY_WRITE);
	if (!err && !exch && nd->inode && isdir && !dir_is_empty(nd))
		err = -ENOTEMPTY;
	if (!err && !(odir->i_op && odir->i_op->rename))
		err = -EPERM;
	return err;
}

/* The events of a rename done (before the dentry tree moves: the names are the old ones). */
static void rename_notify(struct nameop *o, struct nameop *n, unsigned flags)
{
	struct inode *odir = o->parent.dentry->inode, *ndir = n->parent.dentry->inode;
	struct inode *moved = o->d->inode, *target = n->d->inode;
	u32 isdir = S_ISDIR(moved->mode) ? IN_ISDIR : 0, cookie;

	if (!fsnotify_watches)
		return;
	cookie = fsnotify_cookie();
	fsnotify_name(odir, o->d->name, o->d->namelen, IN_MOVED_FROM | isdir, cookie);
	fsnotify_name(ndir, n->d->name, n->d->namelen, IN_MOVED_TO | isdir, cookie);
	fsnotify_event(moved, NULL, IN_MOVE_SELF);
	if (target && (flags & RENAME_EXCHANGE)) {
		isdir = S_ISDIR(target->mode) ? IN_ISDIR : 0;
		cookie = fsnotify_cookie();
		fsnotify_name(ndir, n->d->name, n->d->namelen, IN_MOVED_FROM | isdir, cookie);
		fsnotify_name(odir, o->d->name, o->d->namelen, IN_MOVED_TO | isdir, cookie);
		fsnotify_event(target, NULL, IN_MOVE_SELF);
	} else if (target) {
		fsnotify_event(target, NULL, target->nlink && !S_ISDIR(target->mode) ?
				       IN_ATTRIB : IN_DELETE_SELF);
	}
}

static int rename_do(struct nameop *o, struct nameop *n, unsigned flags)
{
	struct dentry *od = o->d, *nd = n->d;
	struct inode *odir = o->parent.dentry->inode, *ndir = n->parent.dentry->inode;
	int err = odir->i_op->rename(odir, od, ndir, nd, flags);

	if (err)
		return err;
	rename_notify(o, n, flags);
	if (flags & RENAME_EXCHANGE) {
		err = d_exchange(od, nd);
	} else {
		if (nd->inode)
			inode_touch(nd->inode, false, false, true);
		d_delete(nd);
		err = d_move(od, n->parent.dentry, n->last.name, n->last.len);
	}
	if (err)
		pr_warn("rename: dentry cache move failed (%s)\n", errname(err));
	inode_touch(od->inode, false, false, true);
	if (flags & RENAME_EXCHANGE)
		inode_touch(nd->inode, false, false, true);
	dir_changed(odir);
	if (ndir != odir)
		dir_changed(ndir);
	return 0;
}

static long rename_at(int olddirfd, const char *oldname, int newdirfd, const char *newname,
		      unsigned flags)
{
	struct nameop o, n;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	err = nameop_lookup(olddirfd, oldname, &o);
	if (err)
		return err;
	err = nameop_lookup(newdirfd, newname, &n);
	if (err) {
		nameop_end(&o);
		return err;
	}
	if (o.parent.mnt != n.parent.mnt)
		err = -EXDEV;
	else if (o.last.type != LAST_NORM)
		err = -EBUSY;
	else if (n.last.type != LAST_NORM)
		err = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	if (!err)
		err = path_want_write(&o.parent);
	if (!err)
		err = rename_check(&o, &n, flags);
	if (err == 0)
		err = rename_do(&o, &n, flags);
	nameop_end(&n);
	nameop_end(&o);
	return err < 0 ? err : 0;
}

/* ---- readlink */

/* The target of the link d into buf (len bytes at most); its length or -errno. */
static long link_target(struct dentry *d, char *buf, size_t len)
{
	const struct inode_operations *op = d->inode->i_op;
	struct path to, root;
	char *tmp;
	long n;

	if (op && op->readlink)
		return op->readlink(d, buf, len);
	if (!op || !op->get_link_path)
		return -EINVAL;
	n = op->get_link_path(d, &to);
	if (n < 0)
		return n;
	tmp = kmalloc(PATH_MAX_LEN);
	if (tmp) {
		fs_get_root(&root);
		n = path_to_string(&to, &root, tmp, PATH_MAX_LEN);
		path_put(&root);
		if (n > 0)
			memcpy(buf, tmp, min((size_t)n, len));
		n = n > 0 ? (long)min((size_t)n, len) : n;
		kfree(tmp);
	} else {
		n = -ENOMEM;
	}
	path_put(&to);
	return n;
}

static long readlink_at(int dirfd, uaddr_t upath, uaddr_t ubuf, int bufsiz)
{
	size_t len = bufsiz > PATH_MAX_LEN ? PATH_MAX_LEN : (size_t)bufsiz;
	struct path p;
	char *name, *kbuf;
	long n;

	if (bufsiz <= 0)
		return -EINVAL;
	name = getname_flags(upath, true);
	if (IS_ERR(name))
		return PTR_ERR(name);
	n = kern_path(dirfd, name, LOOKUP_EMPTY, &p);
	if (!n && !S_ISLNK(p.dentry->inode->mode))
		n = *name ? -EINVAL : -ENOENT;
	kfree(name);
	if (n) {
		path_put(&p);
		return n;
	}
	kbuf = kmalloc(len);
	n = kbuf ? link_target(p.dentry, kbuf, len) : -ENOMEM;
	if (n > 0 && copy_to_user(ubuf, kbuf, n))
		n = -EFAULT;
	kfree(kbuf);
	path_put(&p);
	return n;
}

/* ---- system calls */

static u32 current_umask(void)
{
	return current->fs ? current->fs->umask : 022;
}

static long remove_at(int dirfd, uaddr_t upath, bool isdir)
{
	char *name = getname(upath);
	long r;

	if (IS_ERR(name))
		return PTR_ERR(name);
	r = isdir ? rmdir_at(dirfd, name) : unlink_at(dirfd, name);
	kfree(name);
	return r;
}

long sys_mkdirat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	u32 mode = (u32)a->arg[2];

	char *name = getname(upath);
	long r;

	if (IS_ERR(name))
		return PTR_ERR(name);
	r = vfs_mkdir_at(dirfd, name, mode & 01777 & ~current_umask());
	kfree(name);
	return r;
}

long sys_mkdir(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], a->arg[1] } };

	return sys_mkdirat(&b);
}

long sys_mknodat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	u32 mode = (u32)a->arg[2];
	u32 dev = (u32)a->arg[3];

	char *name = getname(upath);
	long r;

	if (IS_ERR(name))
		return PTR_ERR(name);
	r = vfs_mknod_at(dirfd, name, (mode & S_IFMT) | (mode & 07777 & ~current_umask()), dev);
	kfree(name);
	return r;
}

long sys_mknod(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], a->arg[1], a->arg[2] } };

	return sys_mknodat(&b);
}

long sys_rmdir(const struct sc_args *a)
{
	uaddr_t upath = a->arg[0];

	return remove_at(AT_FDCWD, upath, true);
}

long sys_unlink(const struct sc_args *a)
{
	uaddr_t upath = a->arg[0];

	return remove_at(AT_FDCWD, upath, false);
}

long sys_unlinkat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	int flags = (int)a->arg[2];

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return remove_at(dirfd, upath, flags & AT_REMOVEDIR);
}

long sys_symlinkat(const struct sc_args *a)
{
	uaddr_t utarget = a->arg[0];
	int dirfd = (int)a->arg[1];
	uaddr_t upath = a->arg[2];
	char *target, *name;
	long r;

	target = getname(utarget);
	if (IS_ERR(target))
		return PTR_ERR(target);
	name = getname(upath);
	r = IS_ERR(name) ? PTR_ERR(name) : vfs_symlink_at(target, dirfd, name);
	if (!IS_ERR(name))
		kfree(name);
	kfree(target);
	return r;
}

long sys_symlink(const struct sc_args *a)
{
	struct sc_args b = { .arg = { a->arg[0], (u64)AT_FDCWD, a->arg[1] } };

	return sys_symlinkat(&b);
}

long sys_linkat(const struct sc_args *a)
{
	int olddirfd = (int)a->arg[0];
	uaddr_t uold = a->arg[1];
	int newdirfd = (int)a->arg[2];
	uaddr_t unew = a->arg[3];
	int flags = (int)a->arg[4];
	char *old, *name;
	long r;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	old = getname_flags(uold, flags & AT_EMPTY_PATH);
	if (IS_ERR(old))
		return PTR_ERR(old);
	name = getname(unew);
	r = IS_ERR(name) ? PTR_ERR(name) : vfs_link_at(olddirfd, old, newdirfd, name, flags);
	if (!IS_ERR(name))
		kfree(name);
	kfree(old);
	return r;
}

long sys_link(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], (u64)AT_FDCWD, a->arg[1], 0 } };

	return sys_linkat(&b);
}

long sys_renameat2(const struct sc_args *a)
{
	int olddirfd = (int)a->arg[0];
	uaddr_t uold = a->arg[1];
	int newdirfd = (int)a->arg[2];
	uaddr_t unew = a->arg[3];
	unsigned flags = (unsigned)a->arg[4];
	char *old, *name;
	long r;

	old = getname(uold);
	if (IS_ERR(old))
		return PTR_ERR(old);
	name = getname(unew);
	r = IS_ERR(name) ? PTR_ERR(name) : rename_at(olddirfd, old, newdirfd, name, flags);
	if (!IS_ERR(name))
		kfree(name);
	kfree(old);
	return r;
}

long sys_renameat(const struct sc_args *a)
{
	struct sc_args b = { .arg = { a->arg[0], a->arg[1], a->arg[2], a->arg[3], 0 } };

	return sys_renameat2(&b);
}

long sys_rename(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], (u64)AT_FDCWD, a->arg[1], 0 } };

	return sys_renameat2(&b);
}

long sys_readlinkat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0];
	uaddr_t upath = a->arg[1];
	uaddr_t ubuf = a->arg[2];
	int bufsiz = (int)a->arg[3];

	return readlink_at(dirfd, upath, ubuf, bufsiz);
}

long sys_readlink(const struct sc_args *a)
{
	struct sc_args b = { .arg = { (u64)AT_FDCWD, a->arg[0], a->arg[1], a->arg[2] } };

	return sys_readlinkat(&b);
}
