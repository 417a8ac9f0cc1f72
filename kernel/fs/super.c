/*
 * Filesystem types, superblocks and the mount tree (VFS layer, beside the dentry cache):
 * the type registry, anonymous device numbers, mounting and unmounting, the root
 * filesystem at boot, sync and halt of every mounted filesystem, and the system calls
 * mount, umount2, chroot, sync and syncfs.
 *
 * Mount tree: every attached mount is on mount_list (in mount order) and that list holds
 * one reference to it. A mount holds references on its parent mount, its mountpoint
 * dentry (whose ->mounted count says something is attached there) and its root dentry,
 * and counts one on its superblock (sb->refcount = mounts using it). Paths (open files,
 * working directories, walks in progress) hold mount references, which is what makes a
 * mount busy. Unmounting detaches: off the list, parent and mountpoint released, so a
 * lazily detached mount (MNT_DETACH) stays usable by whoever still holds it and has no
 * way up. A superblock goes with its last mount: ->kill_sb, or by default the dentry
 * tree is dropped and the superblock freed.
 *
 * A filesystem type whose ->mount hands out a superblock it keeps (a single instance)
 * should hold its own count on sb->refcount so the superblock never dies.
 *
 * Not supported: mount propagation (MS_SHARED... are accepted and ignored: there are no
 * mount namespaces), recursive bind mounts (MS_REC copies no submounts), MNT_EXPIRE.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "swap.h"
#include "task.h"
#include "uaccess.h"

#include <linux/mount.h>

/* umount2 flags (not in the UAPI headers). */
#define UMNT_FORCE 0x1
#define UMNT_DETACH 0x2
#define UMNT_EXPIRE 0x4
#define UMNT_NOFOLLOW 0x8

#define MS_PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

static LIST_HEAD(fs_types);
struct list_head mount_list = LIST_HEAD_INIT(mount_list);
/* Superblocks that are or were mounted (sync and halt visit them), until they die. */
static LIST_HEAD(mounted_sbs);
struct mount *root_mount;
static u32 next_anon_minor = 1;

/* ---- filesystem types and superblocks */

/* Add a filesystem type; -EBUSY when its name is taken. */
int register_filesystem(struct file_system_type *type)
{
	if (fs_type_find(type->name))
		return -EBUSY;
	list_add_tail(&type->link, &fs_types);
	return 0;
}

/* The registered type called name, or NULL. */
struct file_system_type *fs_type_find(const char *name)
{
	struct file_system_type *t;

	list_for_each_entry(t, &fs_types, link) {
		if (!strcmp(t->name, name))
			return t;
	}
	return NULL;
}

/* Anonymous devices are major 0, minors from 1 up (as Linux's get_anon_bdev). */
u32 vfs_new_dev(void)
{
	u32 minor = next_anon_minor++;

	if (next_anon_minor > 0xfffff)
		next_anon_minor = 1;
	return MKDEV(0, minor);
}

/*
 * A fresh superblock of type with a new anonymous device, no root and no mounts
 * (refcount 0); inode numbers start at 1. NULL when out of memory.
 */
struct super_block *sb_alloc(struct file_system_type *type)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->type = type;
	sb->dev = vfs_new_dev();
	sb->next_ino = 1;
	INIT_LIST_HEAD(&sb->inodes);
	INIT_LIST_HEAD(&sb->mounted_link);
	return sb;
}

/* Drop every name below root, deepest first (iteratively: trees may be deep). */
static void prune_tree(struct dentry *root)
{
	struct dentry *d = root, *parent;

	dentry_get(root);
	for (;;) {
		if (!list_empty(&d->children)) {
			d = list_first_entry(&d->children, struct dentry, sibling);
			dentry_get(d); /* the walk holds every dentry on its way down */
			continue;
		}
		if (d == root)
			break;
		parent = d->parent;
		d_delete(d);
		dentry_put(d);
		d = parent;
	}
	dentry_put(root);
}

static void sb_kill(struct super_block *sb)
{
	fsnotify_sb_gone(sb);
	if (sb->type && sb->type->kill_sb) {
		sb->type->kill_sb(sb);
		return;
	}
	if (sb->root) {
		prune_tree(sb->root);
		dentry_put(sb->root);
		sb->root = NULL;
	}
	if (!list_empty(&sb->inodes)) {
		pr_warn("vfs: %s superblock still has inodes in use; not freed\n",
			sb->type ? sb->type->name : "?");
		return;
	}
	kfree(sb);
}

static void sb_release(struct super_block *sb)
{
	if (--sb->refcount <= 0) {
		list_del_init(&sb->mounted_link);
		sb_kill(sb);
	}
}

/* ---- mounts */

void mount_get(struct mount *m)
{
	BUG_ON(m->refcount <= 0);
	m->refcount++;
}

/* Drop a reference; the last one (the mount is detached then) frees the mount. */
void mount_put(struct mount *m)
{
	if (!m)
		return;
	BUG_ON(m->refcount <= 0);
	if (--m->refcount > 0)
		return;
	BUG_ON(!list_empty(&m->link) || m->parent);
	dentry_put(m->root);
	sb_release(m->sb);
	kfree(m->source);
	kfree(m);
}

/* The mount attached at (mnt, d), or NULL (no reference taken). */
struct mount *mount_lookup(struct mount *mnt, struct dentry *d)
{
	struct mount *m;

	list_for_each_entry(m, &mount_list, link) {
		if (m->parent == mnt && m->mountpoint == d)
			return m;
	}
	return NULL;
}

static unsigned long ms_to_mnt(unsigned long ms)
{
	unsigned long f = 0;

	if (ms & MS_RDONLY)
		f |= MNT_RDONLY;
	if (ms & MS_NOSUID)
		f |= MNT_NOSUID;
	if (ms & MS_NODEV)
		f |= MNT_NODEV;
	if (ms & MS_NOEXEC)
		f |= MNT_NOEXEC;
	return f;
}

/* A new, unattached mount of sb showing root; it holds the tree's reference. */
static struct mount *mount_alloc(struct super_block *sb, struct dentry *root,
				 const char *source, unsigned long mnt_flags)
{
	struct mount *m = kzalloc(sizeof(*m));

	if (!m)
		return NULL;
	m->source = kstrdup(source ? source : "none");
	if (!m->source) {
		kfree(m);
		return NULL;
	}
	m->sb = sb;
	sb->refcount++;
	if (list_empty(&sb->mounted_link))
		list_add_tail(&sb->mounted_link, &mounted_sbs);
	m->root = root;
	dentry_get(root);
	m->flags = mnt_flags;
	m->refcount = 1;
	INIT_LIST_HEAD(&m->link);
	return m;
}

static void mount_set_mountpoint(struct mount *m, const struct path *mp)
{
	m->parent = mp->mnt;
	mount_get(mp->mnt);
	m->mountpoint = mp->dentry;
	dentry_get(mp->dentry);
	mp->dentry->mounted++;
}

static void mount_clear_mountpoint(struct mount *m)
{
	if (m->mountpoint) {
		m->mountpoint->mounted--;
		dentry_put(m->mountpoint);
		m->mountpoint = NULL;
	}
	if (m->parent) {
		mount_put(m->parent);
		m->parent = NULL;
	}
}

static void mount_attach(struct mount *m, const struct path *mp)
{
	mount_set_mountpoint(m, mp);
	list_add_tail(&m->link, &mount_list);
}

/* Take m out of the tree and drop the tree's reference. */
static void mount_detach(struct mount *m)
{
	list_del_init(&m->link);
	mount_clear_mountpoint(m);
	mount_put(m);
}

/* Detach m and, below it, everything mounted on it (recursively). */
static void umount_tree(struct mount *m)
{
	struct mount *c;

	mount_detach(m);
restart:
	list_for_each_entry(c, &mount_list, link) {
		if (c->parent && list_empty(&c->parent->link)) {
			mount_detach(c);
			goto restart;
		}
	}
}

static bool mount_has_children(const struct mount *m)
{
	struct mount *c;

	list_for_each_entry(c, &mount_list, link) {
		if (c->parent == m)
			return true;
	}
	return false;
}

/* Mount a new instance of type (name data) on mp. */
static int do_new_mount(const struct path *mp, struct file_system_type *type, const char *source,
			unsigned long flags, const char *data)
{
	struct super_block *sb = NULL;
	struct mount *m;
	int err;

	if (!S_ISDIR(mp->dentry->inode->mode))
		return -ENOTDIR;
	err = type->mount(type, source, flags, data, &sb);
	if (err)
		return err;
	if (!sb || !sb->root)
		return -EIO;
	m = mount_alloc(sb, sb->root, source ? source : type->name, ms_to_mnt(flags));
	if (!m) {
		if (sb->refcount == 0)
			sb_kill(sb);
		return -ENOMEM;
	}
	mount_attach(m, mp);
	return 0;
}

/*
 * Mount fstype (source, flags MS_*, data) on the kernel path target, which must be a
 * directory (boot-time mounts). 0, -ENODEV for an unknown type, or -errno.
 */
int kern_mount(const char *source, const char *target, const char *fstype,
	       unsigned long flags, const char *data)
{
	struct file_system_type *type = fs_type_find(fstype);
	struct path mp;
	int err;

	if (!type)
		return -ENODEV;
	err = kern_path(AT_FDCWD, target, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &mp);
	if (err)
		return err;
	err = do_new_mount(&mp, type, source, flags, data);
	path_put(&mp);
	return err;
}

int kern_mount_detached(const char *fstype, struct path *root)
{
	struct file_system_type *type = fs_type_find(fstype);
	struct super_block *sb = NULL;
	struct mount *m;
	int err;

	if (!type)
		return -ENODEV;
	err = type->mount(type, fstype, 0, NULL, &sb);
	if (err)
		return err;
	if (!sb || !sb->root)
		return -EIO;
	m = mount_alloc(sb, sb->root, fstype, 0);
	if (!m) {
		if (sb->refcount == 0)
			sb_kill(sb);
		return -ENOMEM;
	}
	root->mnt = m; /* the mount's first reference becomes the path's */
	root->dentry = m->root;
	dentry_get(root->dentry);
	return 0;
}

/* A new fs_struct at the root of the mount tree, umask 022 (the first process's). */
struct fs_struct *fs_struct_alloc_root(void)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs->root.mnt = root_mount;
	fs->root.dentry = root_mount->root;
	fs->pwd = fs->root;
	path_get(&fs->root);
	path_get(&fs->pwd);
	fs->umask = 022;
	return fs;
}

/*
 * Mount the root: tmpfs ("rootfs", for the initramfs) when fstype is NULL, else fstype on
 * source. tmpfs (and devtmpfs with it) is registered either way. Gives current an
 * fs_struct at the new root. 0 or -errno.
 */
int vfs_init_root(const char *fstype, const char *source, unsigned long flags,
		  const char *data)
{
	struct file_system_type *type;
	struct super_block *sb = NULL;
	struct fs_struct *fs;
	int err = tmpfs_init();

	if (err)
		return err;
	if (!fstype)
		source = "rootfs";
	type = fs_type_find(fstype ? fstype : "tmpfs");
	if (!type)
		return -ENODEV;
	err = type->mount(type, source, flags, data, &sb);
	if (err)
		return err;
	if (!sb || !sb->root)
		return -EIO;
	root_mount = mount_alloc(sb, sb->root, source, ms_to_mnt(flags));
	if (!root_mount)
		return -ENOMEM;
	list_add_tail(&root_mount->link, &mount_list);
	fs = fs_struct_alloc_root();
	if (!fs)
		return -ENOMEM;
	if (current->fs)
		fs_struct_put(current->fs);
	current->fs = fs;
	return 0;
}

/* ---- mount(2) */

static int do_remount(const struct path *mp, unsigned long flags)
{
	struct mount *m = mp->mnt;
	bool ro = flags & MS_RDONLY;
	int err;

	if (mp->dentry != m->root)
		return -EINVAL;
	if (flags & MS_BIND) {
		m->flags = ms_to_mnt(flags);
		return 0;
	}
	/* Linux: a swap file is open for writing, so the filesystem cannot turn read-only. */
	if (ro && !(m->sb->flags & MS_RDONLY) && IS_ENABLED(CONFIG_SWAP) && swap_sb_busy(m->sb))
		return -EBUSY;
	if (m->sb->remount && ro != !!(m->sb->flags & MS_RDONLY)) {
		err = m->sb->remount(m->sb, ro);
		if (err)
			return err;
	}
	m->flags = ms_to_mnt(flags) & ~MNT_RDONLY;
	m->sb->flags = (m->sb->flags & ~(unsigned long)MS_RDONLY) | (flags & MS_RDONLY);
	return 0;
}

static int do_bind(const struct path *mp, const char *source)
{
	struct path src;
	struct mount *m;
	int err;

	if (!source)
		return -EINVAL;
	err = kern_path(AT_FDCWD, source, LOOKUP_FOLLOW, &src);
	if (err)
		return err;
	if (S_ISDIR(src.dentry->inode->mode) != S_ISDIR(mp->dentry->inode->mode)) {
		err = -ENOTDIR;
	} else {
		m = mount_alloc(src.mnt->sb, src.dentry, src.mnt->source, src.mnt->flags);
		if (m)
			mount_attach(m, mp);
		else
			err = -ENOMEM;
	}
	path_put(&src);
	return err;
}

static int do_move(const struct path *mp, const char *source)
{
	struct mount *m, *up;
	struct path src;
	int err;

	if (!source)
		return -EINVAL;
	err = kern_path(AT_FDCWD, source, LOOKUP_FOLLOW, &src);
	if (err)
		return err;
	m = src.mnt;
	if (src.dentry != m->root || !m->parent || list_empty(&m->link))
		err = -EINVAL;
	for (up = mp->mnt; !err && up; up = up->parent) {
		if (up == m)
			err = -ELOOP;
	}
	if (!err && S_ISDIR(m->root->inode->mode) != S_ISDIR(mp->dentry->inode->mode))
		err = -ENOTDIR;
	if (!err) {
		mount_clear_mountpoint(m);
		mount_set_mountpoint(m, mp);
	}
	path_put(&src);
	return err;
}

/* Dispatch mount(2) by flags once the strings are in the kernel. */
static int do_mount(const char *source, const struct path *mp, const char *type,
		    unsigned long flags, const char *data)
{
	struct file_system_type *t;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~(unsigned long)MS_MGC_MSK;
	if (flags & MS_REMOUNT)
		return do_remount(mp, flags);
	if (flags & MS_BIND)
		return do_bind(mp, source);
	if (flags & MS_PROPAGATION)
		return 0;
	if (flags & MS_MOVE)
		return do_move(mp, source);
	if (!type)
		return -EINVAL;
	t = fs_type_find(type);
	if (!t)
		return -ENODEV;
	return do_new_mount(mp, t, source, flags, data);
}

/* A guest string argument that may be NULL (then NULL); at most max-1 bytes. */
static char *copy_opt_string(uaddr_t u, size_t max, bool truncate)
{
	char *s;
	long n;

	if (!u)
		return NULL;
	s = kmalloc(max);
	if (!s)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(s, u, max);
	if (n == -ENAMETOOLONG && truncate) {
		s[max - 1] = '\0';
		n = 0;
	}
	if (n < 0) {
		kfree(s);
		return ERR_PTR(n);
	}
	return s;
}

static void free_opt_string(char *s)
{
	if (!IS_ERR_OR_NULL(s))
		kfree(s);
}

long sys_mount(const struct sc_args *a)
{
	uaddr_t usource = a->arg[0];
	uaddr_t utarget = a->arg[1];
	uaddr_t utype = a->arg[2];
	unsigned long flags = a->arg[3];
	uaddr_t udata = a->arg[4];
	char *source, *type, *data;
	struct path mp;
	long err;

	if (!cred_capable(CAP_SYS_ADMIN))
		return -EPERM;
	source = copy_opt_string(usource, PATH_MAX_LEN, false);
	type = copy_opt_string(utype, PAGE_SIZE, false);
	data = copy_opt_string(udata, PAGE_SIZE, true);
	err = IS_ERR(source) ? PTR_ERR(source) : IS_ERR(type) ? PTR_ERR(type) :
	      IS_ERR(data) ? PTR_ERR(data) : 0;
	if (!err)
		err = user_path(AT_FDCWD, utarget, LOOKUP_FOLLOW, &mp);
	if (!err) {
		err = do_mount(source, &mp, type, flags, data);
		path_put(&mp);
	}
	free_opt_string(source);
	free_opt_string(type);
	free_opt_string(data);
	return err;
}

/* ---- umount2(2) */

static int do_umount(const struct path *p, int flags)
{
	struct mount *m = p->mnt;

	if (p->dentry != m->root || list_empty(&m->link))
		return -EINVAL;
	if (m == root_mount || !m->parent)
		return -EBUSY;
	if (flags & UMNT_EXPIRE)
		return -EAGAIN;
	if (!(flags & UMNT_DETACH)) {
		/* References: the tree's and the caller's path; anything more is a user. */
		if (mount_has_children(m) || m->refcount > 2)
			return -EBUSY;
	}
	umount_tree(m);
	return 0;
}

long sys_umount2(const struct sc_args *a)
{
	uaddr_t utarget = a->arg[0];
	int flags = (int)a->arg[1];
	struct path p;
	long err;

	if (flags & ~(UMNT_FORCE | UMNT_DETACH | UMNT_EXPIRE | UMNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & UMNT_EXPIRE) && (flags & (UMNT_FORCE | UMNT_DETACH)))
		return -EINVAL;
	if (!cred_capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = user_path(AT_FDCWD, utarget, (flags & UMNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	err = do_umount(&p, flags);
	path_put(&p);
	return err;
}

/* ---- chroot, sync */

long sys_chroot(const struct sc_args *a)
{
	uaddr_t upath = a->arg[0];
	struct path p;
	int err;

	err = user_path(AT_FDCWD, upath, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	if (err)
		return err;
	err = inode_permission(p.dentry->inode, MAY_EXEC);
	if (!err && !cred_capable(CAP_SYS_CHROOT))
		err = -EPERM;
	if (err) {
		path_put(&p);
		return err;
	}
	path_put(&current->fs->root);
	current->fs->root = p;
	return 0;
}

int vfs_sync_all(bool wait)
{
	struct super_block *sb;
	int err = 0, r;

	list_for_each_entry(sb, &mounted_sbs, mounted_link) {
		r = sb->sync_fs ? sb->sync_fs(sb, wait) : 0;
		if (r && !err)
			err = r;
	}
	return err;
}

void vfs_halt(void)
{
	struct super_block *sb;

	if (IS_ENABLED(CONFIG_SWAP))
		swap_halt(); /* swap files first: they hold their filesystems */
	list_for_each_entry(sb, &mounted_sbs, mounted_link) {
		if (sb->halt)
			sb->halt(sb);
	}
}

/* sync(2) cannot fail. */
long sys_sync(const struct sc_args *a)
{
	vfs_sync_all(true);
	return 0;
}

long sys_syncfs(const struct sc_args *a)
{
	int fd = (int)a->arg[0];
	struct file *f = fd_get(fd);
	struct super_block *sb;
	long r = 0;

	if (!f)
		return -EBADF;
	sb = f->inode ? f->inode->sb : NULL;
	if (sb && sb->sync_fs)
		r = sb->sync_fs(sb, true);
	file_put(f);
	return r;
}
