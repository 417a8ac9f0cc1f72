/*
 * tmpfs and ramfs, the in-memory filesystem that is the root filesystem (a filesystem,
 * below the VFS). This file: the filesystem types, mount options, superblocks (statfs,
 * inode eviction, teardown), inode creation, and the hidden instance behind unnamed
 * memory files (MAP_SHARED|MAP_ANONYMOUS, later memfd_create). Directories are in
 * tmpfs_dir.c, file data in tmpfs_file.c; devtmpfs (fs/devfs/devfs.c) is an instance
 * populated at mount.
 *
 * The dentry tree is the filesystem: every name is a DCACHE_PINNED dentry holding its
 * inode, there is no ->lookup (a cache miss is ENOENT), and a name goes when the VFS
 * unhashes its dentry (d_delete) after ->unlink/->rmdir/->rename. An inode lives while a
 * name or an open file references it; its data is freed by tmpfs_evict_inode.
 *
 * Limits: size= counts data frames (used_pages), nr_inodes= counts inodes; a mount with
 * neither gets half of guest memory for both, as Linux's tmpfs. ramfs has no limits and
 * ignores unknown options; tmpfs refuses them with -EINVAL.
 */
#include "kernel.h"
#include "fs.h"
#include "page.h"
#include "slab.h"
#include "task.h"
#include "../internal.h"
#include "tmpfs.h"

#include <linux/mount.h>

static int tmpfs_mount(struct file_system_type *type, const char *source, unsigned long flags,
		       const char *data, struct super_block **out);

static struct file_system_type tmpfs_fs_type = {
	.name = "tmpfs",
	.mount = tmpfs_mount,
	.kill_sb = tmpfs_kill_sb,
};

static struct file_system_type ramfs_fs_type = {
	.name = "ramfs",
	.mount = tmpfs_mount,
	.kill_sb = tmpfs_kill_sb,
};

static int tmpfs_open_enxio(struct inode *inode, struct file *f)
{
	return -ENXIO;
}

const struct file_operations tmpfs_noopen_fops = {
	.open = tmpfs_open_enxio,
};

/* ---- mount options */

/* Parse an unsigned number (base 0: 0x hex, 0 octal, else decimal); -EINVAL on overflow. */
static int opt_number(const char *s, int base, u64 *out, const char **end)
{
	u64 v = 0;
	const char *p = s;

	if (base == 0) {
		base = 10;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			base = 16;
			p += 2;
		} else if (p[0] == '0' && p[1] >= '0' && p[1] <= '7') {
			base = 8;
		}
	}
	for (s = p; *p; p++) {
		unsigned dgt;

		if (*p >= '0' && *p <= '9')
			dgt = *p - '0';
		else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			dgt = (*p | 0x20) - 'a' + 10;
		else
			break;
		if (dgt >= (unsigned)base)
			break;
		if (v > (~0ULL - dgt) / base)
			return -EINVAL;
		v = v * base + dgt;
	}
	if (p == s)
		return -EINVAL;
	*out = v;
	*end = p;
	return 0;
}

/* A whole option value: a number with an optional k/m/g/t/p/e suffix (or % when pct). */
static int opt_size(const char *s, u64 *out, bool *pct)
{
	static const char suffixes[] = "kmgtpe";
	const char *end, *sfx;
	u64 v;

	if (opt_number(s, 0, &v, &end))
		return -EINVAL;
	*pct = false;
	if (*end == '%') {
		*pct = true;
	} else if (*end) {
		sfx = strchr(suffixes, *end | 0x20);
		if (!sfx)
			return -EINVAL;
		for (int i = 0; i <= sfx - suffixes; i++) {
			if (v > (~0ULL >> 10))
				return -EINVAL;
			v <<= 10;
		}
	}
	if (*end && end[1])
		return -EINVAL;
	*out = v;
	return 0;
}

static int opt_plain(const char *s, int base, u64 max, u64 *out)
{
	const char *end;

	if (opt_number(s, base, out, &end) || *end || *out > max)
		return -EINVAL;
	return 0;
}

/* Apply one "key=value" option to o; -EINVAL when unknown or malformed. */
static int opt_apply(struct tmpfs_opts *o, char *opt)
{
	char *val = strchr(opt, '=');
	u64 total = page_nr_total(), v;
	bool pct;

	if (!strcmp(opt, "inode64") || !strcmp(opt, "inode32"))
		return 0;
	if (!val)
		return -EINVAL;
	*val++ = '\0';
	if (!strcmp(opt, "size")) {
		if (opt_size(val, &v, &pct) || (pct && v > 10000))
			return -EINVAL;
		o->max_pages = pct ? total * v / 100 : v / PAGE_SIZE + !!(v % PAGE_SIZE);
		return 0;
	}
	if (!strcmp(opt, "nr_blocks") || !strcmp(opt, "nr_inodes")) {
		if (opt_size(val, &v, &pct) || pct)
			return -EINVAL;
		*(opt[3] == 'b' ? &o->max_pages : &o->max_inodes) = v;
		return 0;
	}
	if (!strcmp(opt, "mode") || !strcmp(opt, "uid") || !strcmp(opt, "gid")) {
		bool mode = opt[0] == 'm';

		if (opt_plain(val, mode ? 8 : 10, mode ? 07777 : 0xfffffffeU, &v))
			return -EINVAL;
		*(mode ? &o->mode : opt[0] == 'u' ? &o->uid : &o->gid) = (u32)v;
		return 0;
	}
	if (!strcmp(opt, "huge") || !strcmp(opt, "mpol"))
		return 0; /* accepted for compatibility: no huge pages, one memory node */
	return -EINVAL;
}

/*
 * Defaults, then the comma-separated options of data. The root mount's directory is 0755;
 * later tmpfs mounts get 1777 as on Linux. ramfs: no limits, unknown options ignored.
 */
static int tmpfs_parse_opts(bool ramfs, const char *data, struct tmpfs_opts *o)
{
	char *buf, *opt, *next;
	int r = 0;

	memset(o, 0, sizeof(*o));
	o->mode = (ramfs || !root_mount) ? 0755 : 01777;
	o->uid = current ? current->cred.fsuid : 0;
	o->gid = current ? current->cred.fsgid : 0;
	if (!ramfs)
		o->max_pages = o->max_inodes = page_nr_total() / 2;
	if (!data || !*data)
		return 0;
	buf = kstrdup(data);
	if (!buf)
		return -ENOMEM;
	for (opt = buf; opt && !r; opt = next) {
		next = strchr(opt, ',');
		if (next)
			*next++ = '\0';
		if (!*opt)
			continue;
		r = opt_apply(o, opt);
		if (ramfs)
			r = 0;
	}
	kfree(buf);
	if (ramfs)
		o->max_pages = o->max_inodes = 0;
	return r;
}

/* ---- superblocks */

static int tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct tmpfs_sb *sbi = TMPFS_SB(sb);

	st->type = sb->magic;
	st->bsize = st->frsize = PAGE_SIZE;
	st->namelen = NAME_MAX_LEN;
	if (sbi->max_pages) {
		st->blocks = sbi->max_pages;
		st->bfree = st->bavail =
			sbi->max_pages > sbi->used_pages ? sbi->max_pages - sbi->used_pages : 0;
	}
	if (sbi->max_inodes) {
		st->files = sbi->max_inodes;
		st->ffree = sbi->max_inodes > sbi->nr_inodes ? sbi->max_inodes - sbi->nr_inodes : 0;
	}
	return 0;
}

static void tmpfs_evict_inode(struct inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);

	if (!ti)
		return;
	if (S_ISREG(inode->mode))
		tmpfs_free_pages(inode, 0);
	kfree(ti->link);
	kfree(ti->memfd_name);
	xattr_simple_free(&ti->xattrs);
	kfree(ti);
	inode->private = NULL;
	if (TMPFS_SB(inode->sb))
		TMPFS_SB(inode->sb)->nr_inodes--;
}

/* Operations and type-specific fields of a new inode; false for an unknown type. */
static bool inode_set_type(struct inode *inode, u32 mode, u32 rdev)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		inode->i_op = &tmpfs_dir_iops;
		inode->i_fop = &tmpfs_dir_fops;
		inode->nlink = 2;
		inode->size = 2 * TMPFS_DIRENT_SIZE;
		TMPFS_I(inode)->next_cookie = 2;
		return true;
	case S_IFREG:
		inode->i_op = &tmpfs_file_iops;
		inode->i_fop = &tmpfs_file_fops;
		return true;
	case S_IFLNK:
		inode->i_op = &tmpfs_symlink_iops;
		inode->i_fop = &tmpfs_noopen_fops;
		return true;
	case S_IFCHR:
		inode->i_op = &tmpfs_special_iops;
		inode->i_fop = &chrdev_open_fops;
		inode->rdev = rdev;
		return true;
	case S_IFIFO:
		inode->i_op = &tmpfs_special_iops;
		inode->i_fop = &fifo_fops;
		return true;
	case S_IFBLK:
		inode->i_op = &tmpfs_special_iops;
		inode->i_fop = &blkdev_open_fops;
		inode->rdev = rdev;
		return true;
	case S_IFSOCK:
		inode->i_op = &tmpfs_special_iops;
		inode->i_fop = &tmpfs_noopen_fops;
		return true;
	default:
		return false;
	}
}

struct inode *tmpfs_new_inode(struct super_block *sb, struct inode *dir, u32 mode, u32 rdev)
{
	struct tmpfs_sb *sbi = TMPFS_SB(sb);
	struct tmpfs_inode *ti;
	struct inode *inode;

	if (sbi->max_inodes && sbi->nr_inodes >= sbi->max_inodes)
		return ERR_PTR(-ENOSPC);
	ti = kzalloc(sizeof(*ti));
	if (!ti)
		return ERR_PTR(-ENOMEM);
	inode = inode_alloc(sb, mode);
	if (!inode) {
		kfree(ti);
		return ERR_PTR(-ENOMEM);
	}
	inode->private = ti;
	ti->inode = inode;
	INIT_LIST_HEAD(&ti->lru);
	INIT_LIST_HEAD(&ti->xattrs);
	ti->seals = F_SEAL_SEAL; /* only memfd_create(MFD_ALLOW_SEALING) files take seals */
	sbi->nr_inodes++;
	if (dir) /* as Linux: nodump and noatime (0x40, 0x80) pass to new files */
		inode->fsflags = dir->fsflags & 0xc0;
	if (dir && (dir->mode & S_ISGID)) {
		inode->gid = dir->gid;
		if (S_ISDIR(mode))
			inode->mode |= S_ISGID;
	}
	if (!inode_set_type(inode, mode, rdev)) {
		inode_put(inode);
		return ERR_PTR(-EINVAL);
	}
	return inode;
}

/*
 * The options Linux shows for a tmpfs (shmem_show_options): those that differ from the
 * defaults (half of memory for size and nr_inodes, mode 1777, owner root).
 */
static void tmpfs_show_options(struct super_block *sb, char *buf, size_t len)
{
	struct tmpfs_sb *sbi = TMPFS_SB(sb);
	u64 dflt = sbi->dflt_max;
	size_t n = 0;

	buf[0] = '\0';
	if (sbi->max_pages != dflt)
		n += ksnprintf(buf + n, len - n, ",size=%lluk",
			       (unsigned long long)sbi->max_pages * (PAGE_SIZE / 1024));
	if (n < len && sbi->max_inodes != dflt)
		n += ksnprintf(buf + n, len - n, ",nr_inodes=%llu",
			       (unsigned long long)sbi->max_inodes);
	if (n < len && sbi->mode != 01777)
		n += ksnprintf(buf + n, len - n, ",mode=%03o", sbi->mode);
	if (n < len && sbi->uid)
		n += ksnprintf(buf + n, len - n, ",uid=%u", sbi->uid);
	if (n < len && sbi->gid)
		ksnprintf(buf + n, len - n, ",gid=%u", sbi->gid);
}

/* Give back a superblock that never had a mount (sb_alloc has no undo of its own). */
static void sb_discard(struct super_block *sb)
{
	kfree(sb->private);
	kfree(sb);
}

int tmpfs_fill_super(struct file_system_type *type, const struct tmpfs_opts *opts,
		     unsigned long flags, struct super_block **out)
{
	struct super_block *sb = sb_alloc(type);
	struct tmpfs_sb *sbi;
	struct inode *root;
	struct dentry *d;

	if (!sb)
		return -ENOMEM;
	sbi = kzalloc(sizeof(*sbi));
	sb->private = sbi;
	if (!sbi)
		goto out_discard;
	sbi->max_pages = opts->max_pages;
	sbi->max_inodes = opts->max_inodes;
	sbi->dflt_max = page_nr_total() / 2;
	sbi->mode = opts->mode & 07777;
	sbi->uid = opts->uid;
	sbi->gid = opts->gid;
	if (type == &tmpfs_fs_type) /* not ramfs, devtmpfs, devpts */
		sb->show_options = tmpfs_show_options;
	sb->magic = type == &ramfs_fs_type ? RAMFS_MAGIC : TMPFS_MAGIC;
	sb->flags |= flags & MS_RDONLY;
	sb->statfs = tmpfs_statfs;
	sb->evict_inode = tmpfs_evict_inode;
	root = tmpfs_new_inode(sb, NULL, S_IFDIR | (opts->mode & 07777), 0);
	if (IS_ERR(root))
		goto out_discard;
	root->uid = opts->uid;
	root->gid = opts->gid;
	d = dentry_alloc(NULL, "/", 1);
	if (!d) {
		inode_put(root);
		goto out_discard;
	}
	d->sb = sb;
	d_instantiate(d, root);
	d->flags |= DCACHE_PINNED;
	sb->root = d;
	*out = sb;
	return 0;

out_discard:
	sb_discard(sb);
	return -ENOMEM;
}

static int tmpfs_mount(struct file_system_type *type, const char *source, unsigned long flags,
		       const char *data, struct super_block **out)
{
	struct tmpfs_opts o;
	int r = tmpfs_parse_opts(type == &ramfs_fs_type, data, &o);

	if (r)
		return r;
	return tmpfs_fill_super(type, &o, flags, out);
}

/*
 * Unhash every name of the tree, leaves first (iteratively: trees may be deep), so each
 * unreferenced dentry is freed with its inode reference; then drop the root and free the
 * superblock (kept, with a warning, if an inode is still referenced).
 */
void tmpfs_kill_sb(struct super_block *sb)
{
	struct dentry *root = sb->root, *d = root;

	while (d) {
		struct dentry *parent;

		while (!list_empty(&d->children))
			d = list_first_entry(&d->children, struct dentry, sibling);
		if (d == root)
			break;
		parent = d->parent;
		d_delete(d);
		d = parent;
	}
	sb->root = NULL;
	dentry_put(root);
	if (list_empty(&sb->inodes))
		sb_discard(sb);
	else
		pr_warn("tmpfs: %s superblock still has inodes in use; not freed\n",
			sb->type->name);
}

void tmpfs_accessed(struct inode *inode)
{
	struct ktimespec now = current_time(), a = inode->atime;

	if (inode->fsflags & INODE_NOATIME_FL)
		return;
	if (a.sec < inode->mtime.sec || (a.sec == inode->mtime.sec && a.nsec <= inode->mtime.nsec) ||
	    a.sec < inode->ctime.sec || (a.sec == inode->ctime.sec && a.nsec <= inode->ctime.nsec) ||
	    now.sec - a.sec >= 24 * 3600)
		inode->atime = now;
}

int tmpfs_add_node(struct dentry *dir, const char *name, u32 mode, u32 rdev,
		   const char *target)
{
	int len = (int)strlen(name), r;
	struct dentry *d = d_lookup(dir, name, len);

	if (d) {
		dentry_put(d);
		return -EEXIST;
	}
	d = dentry_alloc(dir, name, len);
	if (!d)
		return -ENOMEM;
	if (S_ISDIR(mode))
		r = tmpfs_dir_iops.mkdir(dir->inode, d, mode);
	else if (S_ISLNK(mode))
		r = tmpfs_dir_iops.symlink(dir->inode, d, target);
	else if (S_ISREG(mode))
		r = tmpfs_dir_iops.create(dir->inode, d, mode);
	else
		r = tmpfs_dir_iops.mknod(dir->inode, d, mode, rdev);
	if (!r) {
		d->inode->uid = 0;
		d->inode->gid = 0;
	}
	dentry_put(d);
	return r;
}

void tmpfs_remove_node(struct dentry *dir, const char *name, u32 type, u32 rdev)
{
	struct dentry *d = d_lookup(dir, name, (int)strlen(name));

	if (!d)
		return;
	if (d->inode && (d->inode->mode & S_IFMT) == type && d->inode->rdev == rdev &&
	    tmpfs_dir_iops.unlink(dir->inode, d) == 0)
		d_delete(d);
	dentry_put(d);
}

/* ---- unnamed memory files */

static struct super_block *tmpfs_hidden_sb;

/* The internal instance of unnamed files: never mounted, no limits but free memory. */
static struct super_block *tmpfs_internal_sb(void)
{
	struct tmpfs_opts o = { .mode = 0700 };
	int r;

	if (!tmpfs_hidden_sb) {
		r = tmpfs_fill_super(&tmpfs_fs_type, &o, 0, &tmpfs_hidden_sb);
		if (r < 0) {
			tmpfs_hidden_sb = NULL;
			return ERR_PTR(r);
		}
		tmpfs_hidden_sb->refcount = 1; /* never unmounted */
	}
	return tmpfs_hidden_sb;
}

/*
 * The file behind MAP_SHARED|MAP_ANONYMOUS (and memfd_create): an unlinked regular file
 * of the internal instance, size bytes long (sparse). name is unused for now (the file
 * has no path). Returns a file with one reference, or ERR_PTR.
 */
struct file *tmpfs_anon_file(const char *name, u64 size)
{
	struct super_block *sb = tmpfs_internal_sb();
	struct inode *inode;
	struct file *f;

	if (IS_ERR(sb))
		return ERR_PTR(PTR_ERR(sb));
	if (size > (1ULL << 48))
		return ERR_PTR(-EFBIG);
	inode = tmpfs_new_inode(sb, NULL, S_IFREG | 0600, 0);
	if (IS_ERR(inode))
		return ERR_PTR(PTR_ERR(inode));
	inode->nlink = 0;
	inode->size = size;
	f = file_alloc_anon(inode, &tmpfs_file_fops, O_RDWR, NULL);
	inode_put(inode); /* the file holds its own reference */
	return f ? f : ERR_PTR(-ENOMEM);
}

/*
 * Register tmpfs, ramfs and (through devfs_init) devtmpfs and the memory devices. Called
 * by vfs_init_root before the root is mounted; later calls do nothing.
 */
int tmpfs_init(void)
{
	static bool done;
	int r;

	if (done)
		return 0;
	done = true;
	r = register_filesystem(&tmpfs_fs_type);
	if (!r)
		r = register_filesystem(&ramfs_fs_type);
	if (!r)
		r = devfs_init();
	return r;
}
