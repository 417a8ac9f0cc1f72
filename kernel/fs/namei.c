/*
 * Path walking: from a name to a (mount, dentry) path (VFS layer, above the dentry cache
 * and the mount table, below the name-changing calls and open).
 *
 * A walk keeps one referenced position (struct nameidata.path) and consumes the name one
 * component at a time:
 *  - every directory searched needs MAY_EXEC, and a component needs a directory to be
 *    looked up in (ENOTDIR otherwise);
 *  - "." stays, ".." goes up but never above the process root, and from the root of a
 *    mount goes to the mountpoint's parent in the mount below;
 *  - after each step down, mounts stacked on the new position are crossed (follow_mounts);
 *  - a symlink that is not the last component, or is the last one with LOOKUP_FOLLOW or a
 *    trailing slash, is followed: a "magic" link (->get_link_path, procfs) jumps straight
 *    to its path, an ordinary one is read and the rest of the name is appended to its
 *    target, which is then walked from the link's directory (or from the root when
 *    absolute). MAX_SYMLINKS links per walk, then ELOOP;
 *  - a name ending in '/' must resolve to a directory.
 * A cache miss asks the directory's ->lookup when it has one; without one (tmpfs, whose
 * dentry tree is complete) a miss means ENOENT. Negative dentries the walk does not return
 * are dropped at once.
 *
 * Also here: the permission check on inodes (inode_permission) and the copying of guest
 * path names (getname). Nothing here sleeps except in a filesystem's ->lookup.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"

#include <linux/mount.h>

struct nameidata {
	struct path path;  /* where the walk is: referenced, always a positive dentry */
	struct path root;  /* the process root: referenced */
	unsigned flags;    /* LOOKUP_* */
	int *links;        /* symlinks followed so far */
	char *buf;         /* kmalloc'd storage of the name being walked (after a symlink) */
};

/* ---- credentials and permission */

bool in_group(u32 gid)
{
	const struct cred *c = &current->cred;

	if (c->fsgid == gid)
		return true;
	for (int i = 0; i < c->ngroups && i < (int)ARRAY_SIZE(c->groups); i++) {
		if (c->groups[i] == gid)
			return true;
	}
	return false;
}

bool inode_owner_or_root(const struct inode *inode)
{
	u32 fsuid = current->cred.fsuid;

	return fsuid == inode->uid || cred_capable(CAP_FOWNER);
}

/* What CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH grant when the mode bits refuse mask. */
static int dac_capable(const struct inode *inode, int mask)
{
	if (S_ISDIR(inode->mode)) {
		if (!(mask & MAY_WRITE) && cred_capable(CAP_DAC_READ_SEARCH))
			return 0;
		return cred_capable(CAP_DAC_OVERRIDE) ? 0 : -EACCES;
	}
	if ((!(mask & MAY_EXEC) || (inode->mode & 0111)) && cred_capable(CAP_DAC_OVERRIDE))
		return 0;
	if (mask == MAY_READ && cred_capable(CAP_DAC_READ_SEARCH))
		return 0;
	return -EACCES;
}

/*
 * Check mask (MAY_READ | MAY_WRITE | MAY_EXEC) against the inode's mode bits with the
 * caller's fsuid/fsgid/groups, then CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH as Linux
 * does (executing a non-directory without any x bit is refused even to them). Writing
 * files, directories and symlinks of a read-only superblock is -EROFS (mount flags are
 * path_want_write's). Returns 0, -EACCES or -EROFS.
 */
int inode_permission(struct inode *inode, int mask)
{
	u32 mode = inode->mode, bits;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if ((mask & MAY_WRITE) && inode->sb && (inode->sb->flags & MS_RDONLY) &&
	    (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode)))
		return -EROFS;
	if ((mask & MAY_WRITE) && IS_IMMUTABLE(inode))
		return -EPERM; /* nobody writes an immutable file or directory */
	if (current->cred.fsuid == inode->uid)
		bits = mode >> 6;
	else if (in_group(inode->gid))
		bits = mode >> 3;
	else
		bits = mode;
	return (mask & ~bits & 7) ? dac_capable(inode, mask) : 0;
}

int path_want_write(const struct path *p)
{
	if (p->mnt && (p->mnt->flags & MNT_RDONLY))
		return -EROFS;
	if (p->mnt && p->mnt->sb && (p->mnt->sb->flags & MS_RDONLY))
		return -EROFS;
	return 0;
}

/* ---- guest names */

char *getname_flags(uaddr_t uname, bool allow_empty)
{
	char *buf = kmalloc(PATH_MAX_LEN);
	long n;

	if (!buf)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(buf, uname, PATH_MAX_LEN);
	if (n == 0 && !allow_empty)
		n = -ENOENT;
	if (n < 0) {
		kfree(buf);
		return ERR_PTR(n);
	}
	return buf;
}

char *getname(uaddr_t uname)
{
	return getname_flags(uname, false);
}

/* ---- the process root and cwd */

/* A task without an fs_struct (a kernel thread) sees the top of the mount tree. */
static void fs_top(struct path *p)
{
	p->mnt = root_mount;
	p->dentry = root_mount->root;
	path_get(p);
}

void fs_get_root(struct path *root)
{
	if (!current->fs) {
		fs_top(root);
		return;
	}
	*root = current->fs->root;
	path_get(root);
}

void fs_get_pwd(struct path *pwd)
{
	if (!current->fs) {
		fs_top(pwd);
		return;
	}
	*pwd = current->fs->pwd;
	path_get(pwd);
}

void last_name_free(struct last_name *last)
{
	if (!last)
		return;
	kfree(last->name);
	last->name = NULL;
	last->len = 0;
}

/* ---- one step */

static bool dir_has_lookup(const struct dentry *dir)
{
	return dir->inode->i_op && dir->inode->i_op->lookup;
}

/*
 * The child dentry name of dir from the cache, or through ->lookup on a miss (and on a
 * cached negative entry, which may be stale for such filesystems). Referenced, possibly
 * negative; ERR_PTR on error. No permission check.
 */
static struct dentry *lookup_child(struct dentry *dir, const char *name, int len)
{
	struct dentry *d = d_lookup(dir, name, len);
	int err;

	if (d && (d->inode || !dir_has_lookup(dir)))
		return d;
	if (!d) {
		d = dentry_alloc(dir, name, len);
		if (!d)
			return ERR_PTR(-ENOMEM);
	}
	if (dir_has_lookup(dir)) {
		err = dir->inode->i_op->lookup(dir->inode, d);
		if (err) {
			dentry_put(d);
			return ERR_PTR(err);
		}
	}
	return d;
}

/*
 * The child name (len bytes, no '/', not "." or "..") of the directory dir, referenced and
 * possibly negative (create and delete use it); mounts on it are not crossed. Needs
 * MAY_EXEC on dir. ERR_PTR(-ENOTDIR / -EACCES / -ENAMETOOLONG / -ENOMEM / ...) on error.
 */
struct dentry *lookup_one(struct path *dir, const char *name, int len)
{
	struct inode *inode = dir->dentry->inode;
	int err;

	if (len <= 0 || memchr(name, '/', len))
		return ERR_PTR(-EINVAL);
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return ERR_PTR(-EACCES);
	if (len > NAME_MAX_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	if (!inode || !S_ISDIR(inode->mode))
		return ERR_PTR(-ENOTDIR);
	err = inode_permission(inode, MAY_EXEC);
	if (err)
		return ERR_PTR(err);
	return lookup_child(dir->dentry, name, len);
}

static void nd_set_path(struct nameidata *nd, struct path *p)
{
	path_put(&nd->path);
	nd->path = *p;
}

/* "..": up one directory, across mount roots, never above the process root. */
static void walk_dotdot(struct nameidata *nd)
{
	struct dentry *parent;
	struct path up;

	for (;;) {
		if (path_equal(&nd->path, &nd->root))
			return;
		if (nd->path.dentry != nd->path.mnt->root)
			break;
		if (!nd->path.mnt->parent)
			return;
		up.mnt = nd->path.mnt->parent;
		up.dentry = nd->path.mnt->mountpoint;
		path_get(&up);
		nd_set_path(nd, &up);
	}
	parent = nd->path.dentry->parent;
	if (!parent)
		return;
	dentry_get(parent);
	dentry_put(nd->path.dentry);
	nd->path.dentry = parent;
	follow_mounts(&nd->path);
}

/* Read an ordinary symlink's target into a kmalloc'd NUL-terminated string. */
static char *read_link_target(struct dentry *d)
{
	const struct inode_operations *op = d->inode->i_op;
	char *buf;
	long n;

	if (!op || !op->readlink)
		return ERR_PTR(-EINVAL);
	buf = kmalloc(PATH_MAX_LEN);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	n = op->readlink(d, buf, PATH_MAX_LEN);
	if (n >= PATH_MAX_LEN)
		n = -ENAMETOOLONG;
	else if (n == 0)
		n = -ENOENT;
	if (n < 0) {
		kfree(buf);
		return ERR_PTR(n);
	}
	buf[n] = '\0';
	return buf;
}

/*
 * Follow the symlink link (a referenced path, consumed). rest is the unwalked remainder
 * of the name (may point into nd->buf); with_slash says the link was followed by a '/'.
 * On success *next is the name to continue with.
 */
static int follow_link(struct nameidata *nd, struct path *link, const char *rest,
		       bool with_slash, const char **next)
{
	const struct inode_operations *op = link->dentry->inode->i_op;
	size_t tlen, rlen = strlen(rest);
	char *target, *buf;
	int err;

	if (++*nd->links > MAX_SYMLINKS) {
		path_put(link);
		return -ELOOP;
	}
	if (op && op->get_link_path) {
		struct path to;

		err = op->get_link_path(link->dentry, &to);
		path_put(link);
		if (err)
			return err;
		nd_set_path(nd, &to);
		*next = rest;
		return 0;
	}
	target = read_link_target(link->dentry);
	path_put(link);
	if (IS_ERR(target))
		return PTR_ERR(target);
	tlen = strlen(target);
	buf = kmalloc(tlen + rlen + 2);
	if (!buf) {
		kfree(target);
		return -ENOMEM;
	}
	memcpy(buf, target, tlen);
	if (with_slash)
		buf[tlen++] = '/';
	memcpy(buf + tlen, rest, rlen + 1);
	if (target[0] == '/') {
		struct path root = nd->root;

		path_get(&root);
		nd_set_path(nd, &root);
	}
	kfree(target);
	kfree(nd->buf);
	nd->buf = buf;
	*next = buf;
	return 0;
}

/*
 * Step into the component name[0..len) of the current directory. rest is what follows
 * (slashes skipped); is_last/slash describe the component's position.
 */
static int walk_component(struct nameidata *nd, const char *name, int len, const char *rest,
			  bool slash, const char **next)
{
	bool is_last = !*rest;
	struct dentry *d;
	struct path child;
	u32 mode;

	d = lookup_child(nd->path.dentry, name, len);
	if (IS_ERR(d))
		return PTR_ERR(d);
	if (!d->inode) {
		dentry_put(d);
		return -ENOENT;
	}
	child.mnt = nd->path.mnt;
	child.dentry = d;
	mount_get(child.mnt);
	follow_mounts(&child);
	mode = child.dentry->inode->mode;
	if (S_ISLNK(mode) && (!is_last || slash || (nd->flags & LOOKUP_FOLLOW)))
		return follow_link(nd, &child, rest, !is_last || slash, next);
	nd_set_path(nd, &child);
	*next = rest;
	return 0;
}

static void fill_last(struct last_name *last, const char *name, int len, bool slash)
{
	last->len = len;
	last->trailing_slash = slash;
	if (len == 0)
		last->type = LAST_ROOT;
	else if (len == 1 && name[0] == '.')
		last->type = LAST_DOT;
	else if (len == 2 && name[0] == '.' && name[1] == '.')
		last->type = LAST_DOTDOT;
	else
		last->type = LAST_NORM;
}

/* Record the final component of a LOOKUP_PARENT walk. */
static int set_last(struct last_name *last, const char *name, int len, bool slash)
{
	if (!last)
		return -EINVAL;
	last->name = kstrndup(name, len);
	if (!last->name)
		return -ENOMEM;
	fill_last(last, name, len, slash);
	return 0;
}

/* Walk s from nd->path; on success nd->path is the result (or the parent, LOOKUP_PARENT). */
static int walk_name(struct nameidata *nd, const char *s, struct last_name *last)
{
	bool final_slash = false;
	int err;

	for (;;) {
		const char *comp, *rest;
		bool slash;
		int len;

		while (*s == '/')
			s++;
		if (!*s)
			break;
		comp = s;
		while (*s && *s != '/')
			s++;
		len = s - comp;
		rest = s;
		while (*rest == '/')
			rest++;
		slash = !*rest && rest != s;
		if (len > NAME_MAX_LEN)
			return -ENAMETOOLONG;
		if (!S_ISDIR(nd->path.dentry->inode->mode))
			return -ENOTDIR;
		if (!*rest && (nd->flags & LOOKUP_PARENT))
			return set_last(last, comp, len, slash);
		err = inode_permission(nd->path.dentry->inode, MAY_EXEC);
		if (err)
			return err;
		final_slash = slash;
		if (len == 1 && comp[0] == '.') {
			s = rest;
		} else if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			walk_dotdot(nd);
			s = rest;
		} else {
			err = walk_component(nd, comp, len, rest, slash, &s);
			if (err)
				return err;
		}
	}
	if (nd->flags & LOOKUP_PARENT)
		return set_last(last, "", 0, false);
	if ((final_slash || (nd->flags & LOOKUP_DIRECTORY)) &&
	    !S_ISDIR(nd->path.dentry->inode->mode))
		return -ENOTDIR;
	return 0;
}

/* The starting point of a relative walk: *start, the cwd, or the file of dirfd. */
static int walk_start(struct nameidata *nd, const struct path *start, int dirfd,
		      const char *name)
{
	struct file *f;

	if (start) {
		nd->path = *start;
		path_get(&nd->path);
		return 0;
	}
	if (dirfd == AT_FDCWD) {
		fs_get_pwd(&nd->path);
		return 0;
	}
	f = fd_get_raw(dirfd);
	if (!f)
		return -EBADF;
	if (!f->path.dentry || !f->path.mnt) {
		file_put(f); /* an anonymous file (pipe): no name to start from */
		return *name ? -ENOTDIR : -ENOENT;
	}
	nd->path = f->path;
	path_get(&nd->path);
	file_put(f);
	return 0;
}

/*
 * The general walk (see internal.h). On failure *out is zeroed and *last holds no name.
 * An empty name is -ENOENT unless LOOKUP_EMPTY (then the start itself, any file type, is
 * the result; with LOOKUP_PARENT it is always -ENOENT).
 */
int namei_walk(const struct path *start, int dirfd, const char *name, unsigned flags,
	       struct path *out, struct last_name *last, int *links)
{
	struct nameidata nd = { .flags = flags };
	int local_links = 0, err;

	out->mnt = NULL;
	out->dentry = NULL;
	if (last)
		memset(last, 0, sizeof(*last));
	if (strnlen(name, PATH_MAX_LEN) >= PATH_MAX_LEN)
		return -ENAMETOOLONG;
	if (!*name && (!(flags & LOOKUP_EMPTY) || (flags & LOOKUP_PARENT)))
		return -ENOENT;
	nd.links = links ? links : &local_links;
	fs_get_root(&nd.root);
	if (name[0] == '/') {
		nd.path = nd.root;
		path_get(&nd.path);
		err = 0;
	} else {
		err = walk_start(&nd, start, dirfd, name);
	}
	if (!err && *name)
		err = walk_name(&nd, name, last);
	else if (!err && (flags & LOOKUP_DIRECTORY) && !S_ISDIR(nd.path.dentry->inode->mode))
		err = -ENOTDIR;
	kfree(nd.buf);
	path_put(&nd.root);
	if (err) {
		path_put(&nd.path);
		last_name_free(last);
		return err;
	}
	*out = nd.path;
	return 0;
}

/* Resolve a kernel string (see fs.h); LOOKUP_PARENT is not allowed here. */
int kern_path(int dirfd, const char *name, unsigned flags, struct path *out)
{
	return namei_walk(NULL, dirfd, name, flags & ~LOOKUP_PARENT, out, NULL, NULL);
}

int kern_path_at(const struct path *start, const char *name, unsigned flags, struct path *out)
{
	return namei_walk(start, AT_FDCWD, name, flags & ~LOOKUP_PARENT, out, NULL, NULL);
}

int user_path(int dirfd, uaddr_t name, unsigned flags, struct path *out)
{
	char *kname = getname_flags(name, flags & LOOKUP_EMPTY);
	int err;

	if (IS_ERR(kname)) {
		out->mnt = NULL;
		out->dentry = NULL;
		return PTR_ERR(kname);
	}
	err = kern_path(dirfd, kname, flags, out);
	kfree(kname);
	return err;
}

/*
 * For the *at calls taking AT_EMPTY_PATH (flags has LOOKUP_EMPTY): an empty (or NULL)
 * name with a descriptor dirfd gives that open file (see internal.h).
 */
int user_path_or_fd(int dirfd, uaddr_t name, unsigned flags, struct path *p, struct file **fp)
{
	char *kname;
	int err;

	*fp = NULL;
	p->mnt = NULL;
	p->dentry = NULL;
	if (!name && (flags & LOOKUP_EMPTY))
		kname = kstrdup("");
	else
		kname = getname_flags(name, flags & LOOKUP_EMPTY);
	if (!kname)
		return -ENOMEM;
	if (IS_ERR(kname))
		return PTR_ERR(kname);
	if (!*kname && dirfd != AT_FDCWD) {
		*fp = fd_get_raw(dirfd);
		err = *fp ? 0 : -EBADF;
	} else {
		err = kern_path(dirfd, kname, flags, p);
	}
	kfree(kname);
	return err;
}

/*
 * All but the last component (see fs.h). A name without an ordinary last component ("/",
 * ".", "..", "a/..") is -EEXIST, as the callers create. A trailing slash is accepted.
 */
int kern_path_parent(int dirfd, const char *name, struct path *parent, char **last)
{
	struct last_name ln;
	int err;

	*last = NULL;
	err = namei_walk(NULL, dirfd, name, LOOKUP_PARENT, parent, &ln, NULL);
	if (err)
		return err;
	if (ln.type != LAST_NORM) {
		last_name_free(&ln);
		path_put(parent);
		parent->mnt = NULL;
		parent->dentry = NULL;
		return -EEXIST;
	}
	*last = ln.name;
	return 0;
}
