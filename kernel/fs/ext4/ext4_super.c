/*
 * ext2/3/4 on block devices, through libext2fs (a filesystem, below the VFS). This file:
 * the filesystem types "ext4", "ext3" and "ext2" (one driver: libext2fs reads them all),
 * mounting and mount options, the inode hash and VFS inodes of disk inodes, writeback of
 * inodes, sync, statfs, the writeback timer, and the end of a superblock (unmount, or
 * halt: everything written and the filesystem closed clean, so e2fsck -fn finds nothing).
 *
 * Writeback: the VFS inode is the master copy of the attributes; ext4_write_attr writes
 * those that differ from what the disk has (ext4_inode.disk). Dirty data and changed
 * attributes are written back by fsync, sync/syncfs, the timer every WRITEBACK_SECS, at
 * eviction, unmount and halt. The host half's own metadata (bitmaps, group descriptors,
 * superblock) is written by ext4h_sync at the same times.
 *
 * An inode whose link count reached zero keeps its blocks until its last user goes
 * (eviction, or halt), then is freed on the disk.
 */
#include "kernel.h"
#include "blkdev.h"
#include "page.h"
#include "sched.h"
#include "slab.h"
#include "task.h"
#include "../internal.h"
#include "ext4.h"

#define WRITEBACK_SECS 5
#define MAX_REPORTS 20

static LIST_HEAD(ext4_sbs); /* of struct ext4_sb: mounted ext4 superblocks */
static struct ktimer writeback_timer;
static unsigned reports;

int ext4_report(struct super_block *sb, const char *what, u64 ino, int err)
{
	struct ext4_sb *sbi = EXT4_SB(sb);
	char msg[160] = "";

	switch (err) {
	case -ENOSPC:
	case -EEXIST:
	case -ENOENT:
	case -ENOTEMPTY:
	case -EFBIG:
	case -EROFS:
	case -ENOMEM:
	case -EMLINK:
	case -ENAMETOOLONG:
		return err; /* ordinary answers, not faults of the filesystem */
	}
	sbi->errors_reported = true;
	if (reports++ >= MAX_REPORTS)
		return err;
	if (sbi->h)
		ext4h_last_error(sbi->h, msg, sizeof(msg));
	pr_err("ext4 (%s): %s inode %llu failed: %s (%s)\n", sbi->bdev->name, what,
	       (unsigned long long)ino, errname(err), msg);
	return err;
}

/* ---- giving memory back */

#define PRUNE_BATCH 256

/* The dentry after d in a preorder walk of the tree under root, or NULL at the end. */
static struct dentry *walk_next(struct dentry *root, struct dentry *d)
{
	if (!list_empty(&d->children))
		return list_first_entry(&d->children, struct dentry, sibling);
	for (; d != root; d = d->parent) {
		if (d->sibling.next != &d->parent->children)
			return list_entry(d->sibling.next, struct dentry, sibling);
	}
	return NULL;
}

/* Collect up to max unused leaf names of sb's tree into out; returns how many. */
static unsigned collect_unused(struct super_block *sb, struct dentry **out, unsigned max)
{
	struct dentry *d = sb->root;
	unsigned n = 0;

	while (n < max && (d = walk_next(sb->root, d))) {
		if (!d->refcount && !d->mounted && d->inode && list_empty(&d->children))
			out[n++] = d;
	}
	return n;
}

/*
 * Guest memory is short: drop names nobody uses from the ext4 dentry trees (leaves; the
 * names above them go in later rounds), so their inodes are written back and freed. The
 * directories' name indexes find them again on the next lookup.
 */
static void prune_unused(void)
{
	struct dentry **batch = kmalloc(PRUNE_BATCH * sizeof(*batch));
	struct ext4_sb *sbi;
	unsigned n;

	if (!batch)
		return;
	list_for_each_entry(sbi, &ext4_sbs, link) {
		n = sbi->sb->root ? collect_unused(sbi->sb, batch, PRUNE_BATCH) : 0;
		for (unsigned i = 0; i < n; i++)
			d_delete(batch[i]); /* unreferenced: freed with its inode reference */
	}
	kfree(batch);
}

/* Called before new inodes are made: give memory back when the guest runs low. */
static void maybe_prune(void)
{
	if (page_nr_free() < page_nr_total() / 16)
		prune_unused();
}

/* ---- inodes */

static struct list_head *hash_bucket(struct ext4_sb *sbi, u64 ino)
{
	return &sbi->hash[ino & (EXT4_HASH_BUCKETS - 1)];
}

static void set_times(struct inode *inode, const struct ext4h_attr *a)
{
	inode->atime.sec = a->atime;
	inode->atime.nsec = a->atime_ns;
	inode->mtime.sec = a->mtime;
	inode->mtime.nsec = a->mtime_ns;
	inode->ctime.sec = a->ctime;
	inode->ctime.nsec = a->ctime_ns;
}

/* Operations by file type; false for a type that is no type. */
static bool set_ops(struct inode *inode)
{
	switch (inode->mode & S_IFMT) {
	case S_IFDIR:
		inode->i_op = &ext4_dir_iops;
		inode->i_fop = &ext4_dir_fops;
		return true;
	case S_IFREG:
		inode->i_op = &ext4_file_iops;
		inode->i_fop = &ext4_file_fops;
		return true;
	case S_IFLNK:
		inode->i_op = &ext4_symlink_iops;
		inode->i_fop = &ext4_noopen_fops;
		return true;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
		inode->i_op = &ext4_special_iops; /* inode_alloc set the open operations */
		return true;
	case S_IFSOCK:
		inode->i_op = &ext4_special_iops;
		inode->i_fop = &ext4_noopen_fops;
		return true;
	default:
		return false;
	}
}

struct inode *ext4_inode_new(struct super_block *sb, u32 ino, const struct ext4h_attr *a)
{
	struct ext4_inode *ei;
	struct inode *inode;

	maybe_prune();
	ei = kzalloc(sizeof(*ei));
	if (!ei)
		return ERR_PTR(-ENOMEM);
	inode = inode_alloc(sb, a->mode);
	if (!inode) {
		kfree(ei);
		return ERR_PTR(-ENOMEM);
	}
	inode->ino = ino;
	inode->uid = a->uid;
	inode->gid = a->gid;
	inode->nlink = a->nlink;
	inode->size = a->size;
	inode->blocks = a->blocks;
	inode->rdev = a->rdev;
	inode->fsflags = a->flags;
	set_times(inode, a);
	inode->private = ei;
	ei->inode = inode;
	ei->disk = *a;
	INIT_LIST_HEAD(&ei->lru);
	list_add(&ei->hash_link, hash_bucket(EXT4_SB(sb), ino));
	if (!set_ops(inode)) {
		inode_put(inode);
		return ERR_PTR(ext4_report(sb, "type of", ino, -EIO));
	}
	return inode;
}

struct inode *ext4_iget(struct super_block *sb, u32 ino)
{
	struct ext4_sb *sbi = EXT4_SB(sb);
	struct ext4_inode *ei;
	struct ext4h_attr a;
	int r;

	list_for_each_entry(ei, hash_bucket(sbi, ino), hash_link) {
		if (ei->inode->ino == ino) {
			inode_get(ei->inode);
			return ei->inode;
		}
	}
	if (!sbi->h)
		return ERR_PTR(-EIO);
	if ((ino < sbi->first_ino && ino != EXT4H_ROOT_INO) || ino >= sbi->end_ino)
		return ERR_PTR(ext4_report(sb, "directory entry names a reserved or invalid", ino,
					   -EIO));
	r = ext4h_read_inode(sbi->h, ino, &a);
	if (r == -ESTALE)
		return ERR_PTR(ext4_report(sb, "directory entry names an unused", ino, -EIO));
	if (r)
		return ERR_PTR(ext4_report(sb, "read", ino, r));
	return ext4_inode_new(sb, ino, &a);
}

void ext4_attr_of(const struct inode *inode, struct ext4h_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->mode = inode->mode;
	a->uid = inode->uid;
	a->gid = inode->gid;
	a->nlink = inode->nlink;
	a->rdev = inode->rdev;
	a->size = inode->size;
	a->blocks = inode->blocks;
	a->flags = EXT4_I(inode)->disk.flags;
	a->atime = inode->atime.sec;
	a->atime_ns = (u32)inode->atime.nsec;
	a->mtime = inode->mtime.sec;
	a->mtime_ns = (u32)inode->mtime.nsec;
	a->ctime = inode->ctime.sec;
	a->ctime_ns = (u32)inode->ctime.nsec;
}

static bool same_attr(const struct ext4h_attr *a, const struct ext4h_attr *b)
{
	return a->mode == b->mode && a->uid == b->uid && a->gid == b->gid &&
	       a->nlink == b->nlink && a->rdev == b->rdev && a->atime == b->atime &&
	       a->atime_ns == b->atime_ns && a->mtime == b->mtime && a->mtime_ns == b->mtime_ns &&
	       a->ctime == b->ctime && a->ctime_ns == b->ctime_ns;
}

int ext4_write_attr(struct inode *inode)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	struct ext4_inode *ei = EXT4_I(inode);
	struct ext4h_attr a;
	int r;

	if (ext4_ro(inode->sb))
		return 0;
	ext4_attr_of(inode, &a);
	if (same_attr(&a, &ei->disk))
		return 0;
	r = ext4h_write_attr(sbi->h, (u32)inode->ino, &a);
	sbi->dirty = true;
	if (r)
		return ext4_report(inode->sb, "write", inode->ino, r);
	a.size = ei->disk.size;
	a.blocks = ei->disk.blocks;
	ei->disk = a;
	return 0;
}

void ext4_refresh_size(struct inode *inode)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	struct ext4h_attr a;

	if (!sbi->h || ext4h_read_inode(sbi->h, (u32)inode->ino, &a))
		return;
	EXT4_I(inode)->disk = a;
	if (!S_ISREG(inode->mode))
		inode->size = a.size;
	ext4_blocks_update(inode);
}

int ext4_writeback_inode(struct inode *inode)
{
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	struct ext4_inode *ei = EXT4_I(inode);
	struct ext4h_attr out;
	int r = 0, r2;

	if (ext4_ro(inode->sb) || !inode->nlink)
		return 0;
	if (S_ISREG(inode->mode)) {
		r = ext4_write_pages(inode);
		if (!r && inode->size != ei->disk.size) {
			r = ext4h_set_size(sbi->h, (u32)inode->ino, inode->size, &out);
			sbi->dirty = true;
			if (r) {
				ext4_report(inode->sb, "set size of", inode->ino, r);
			} else {
				ei->disk.size = out.size;
				ei->disk.blocks = out.blocks;
				ext4_blocks_update(inode);
			}
		}
	}
	r2 = ext4_write_attr(inode);
	return r ? r : r2;
}

/* The inode's last reference went: write it back, or free it when it has no name. */
static void ext4_evict_inode(struct inode *inode)
{
	struct ext4_inode *ei = EXT4_I(inode);
	struct ext4_sb *sbi = EXT4_SB(inode->sb);
	int r;

	if (!ei)
		return;
	if (!ext4_ro(inode->sb) && !inode->nlink) {
		ext4_drop_pages(inode, 0);
		r = ext4h_free_inode(sbi->h, (u32)inode->ino);
		sbi->dirty = true;
		if (r)
			ext4_report(inode->sb, "free", inode->ino, r);
	} else {
		ext4_writeback_inode(inode);
	}
	ext4_drop_pages(inode, 0);
	ext4_index_free(inode);
	list_del(&ei->hash_link);
	BUG_ON(!list_empty(&ei->lru));
	kfree(ei);
	inode->private = NULL;
}

/* ---- the superblock */

int ext4_sync_sb(struct super_block *sb, bool wait)
{
	struct ext4_sb *sbi = EXT4_SB(sb);
	struct inode *inode;
	int err = 0, r;

	if (ext4_ro(sb))
		return 0;
	list_for_each_entry(inode, &sb->inodes, sb_link) {
		r = ext4_writeback_inode(inode);
		if (r && !err)
			err = r;
	}
	if (sbi->dirty || wait) {
		r = ext4h_sync(sbi->h, wait);
		if (r)
			ext4_report(sb, "sync of", 0, r);
		else
			sbi->dirty = false;
		if (r && !err)
			err = r;
	}
	return err;
}

static int ext4_sync_fs(struct super_block *sb, bool wait)
{
	return ext4_sync_sb(sb, wait);
}

static int ext4_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext4_sb *sbi = EXT4_SB(sb);
	struct ext4h_info info;

	st->type = EXT4_SUPER_MAGIC;
	st->namelen = EXT4H_NAME_MAX;
	st->bsize = st->frsize = sbi->block_size;
	if (!sbi->h)
		return 0;
	ext4h_statfs(sbi->h, &info);
	st->blocks = info.blocks;
	st->bfree = info.free_blocks > sbi->reserved ? info.free_blocks - sbi->reserved : 0;
	st->bavail = info.avail_blocks > sbi->reserved ? info.avail_blocks - sbi->reserved : 0;
	st->files = info.inodes;
	st->ffree = info.free_inodes;
	return 0;
}

/* Close the filesystem clean after writing everything: nothing reaches it afterwards. */
static void close_fs(struct super_block *sb)
{
	struct ext4_sb *sbi = EXT4_SB(sb);
	struct inode *inode;
	int r;

	if (!sbi->h)
		return;
	if (!ext4_ro(sb)) {
		list_for_each_entry(inode, &sb->inodes, sb_link) {
			if (inode->nlink)
				continue;
			ext4_drop_pages(inode, 0);
			r = ext4h_free_inode(sbi->h, (u32)inode->ino);
			if (r)
				ext4_report(sb, "free", inode->ino, r);
			inode->nlink = 0;
		}
		ext4_sync_sb(sb, false);
	}
	r = ext4h_unmount(sbi->h);
	sbi->h = NULL;
	if (r)
		pr_err("ext4 (%s): could not close the filesystem cleanly: %s\n", sbi->bdev->name,
		       errname(r));
}

/* The system is halting: leave the filesystem clean on its device. */
static void ext4_halt(struct super_block *sb)
{
	close_fs(sb);
}

static void free_sb(struct super_block *sb)
{
	struct ext4_sb *sbi = EXT4_SB(sb);

	if (sbi) {
		list_del_init(&sbi->link);
		if (sbi->bdev)
			sbi->bdev->openers--;
		kfree(sbi->hash);
		kfree(sbi);
	}
	kfree(sb);
}

/* Unmount: drop the dentry tree (evicting, so writing back, every inode), then close. */
static void ext4_kill_sb(struct super_block *sb)
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
	close_fs(sb);
	if (!list_empty(&sb->inodes)) {
		pr_warn("ext4 (%s): inodes still in use at unmount; superblock kept\n",
			EXT4_SB(sb)->bdev->name);
		return;
	}
	free_sb(sb);
}

static void writeback_tick(struct ktimer *t);

static void arm_writeback(void)
{
	if (!writeback_timer.armed) {
		writeback_timer.fn = writeback_tick;
		ktimer_arm(&writeback_timer, ktime_now() + WRITEBACK_SECS * 1000000000ULL);
	}
}

/*
 * Remount read-only or read-write: libext2fs opens a filesystem one way for good, so the
 * filesystem is opened anew the other way (everything written back first), then the old
 * handle closed (a read-write one marks the filesystem clean). -EBUSY while an unlinked
 * file is still open (read-only would leave it allocated).
 */
static int ext4_remount(struct super_block *sb, bool ro)
{
	struct ext4_sb *sbi = EXT4_SB(sb);
	struct ext4h_fs *h = NULL;
	struct inode *inode;
	char msg[200];
	int r;

	if (!sbi->h)
		return -EIO;
	if (!ro && sbi->bdev->readonly)
		return -EACCES;
	if (ro) {
		list_for_each_entry(inode, &sb->inodes, sb_link) {
			if (!inode->nlink)
				return -EBUSY;
		}
		r = ext4_sync_sb(sb, true);
		if (r)
			return r;
	}
	r = ext4h_mount(sbi->bdev, sbi->bdev->size, ro ? 0 : EXT4H_MOUNT_RW, &h, msg, sizeof(msg));
	if (r == -EMEDIUMTYPE)
		r = -EINVAL;
	if (r) {
		pr_err("ext4 (%s): cannot remount %s: %s\n", sbi->bdev->name, ro ? "ro" : "rw", msg);
		return r;
	}
	ext4h_unmount(sbi->h);
	sbi->h = h;
	sbi->rw = !ro;
	sbi->dirty = false;
	if (!ro)
		arm_writeback();
	return 0;
}

static void writeback_tick(struct ktimer *t)
{
	struct ext4_sb *sbi;

	list_for_each_entry(sbi, &ext4_sbs, link) {
		if (!ext4_ro(sbi->sb))
			ext4_sync_sb(sbi->sb, false);
	}
	ktimer_arm(t, ktime_now() + WRITEBACK_SECS * 1000000000ULL);
}

/* ---- mounting */

/*
 * The block device a mount names: a block special file, a device name ("ubda",
 * "/dev/ubda", the old "/dev/ubd0") or a device number "98:0".
 */
static struct block_device *find_bdev(const char *source)
{
	const char *name = strncmp(source, "/dev/", 5) ? source : source + 5;
	struct block_device *b = NULL;
	struct path p;
	const char *end;
	u64 major, minor;
	char alt[8];

	if (root_mount && !kern_path(AT_FDCWD, source, LOOKUP_FOLLOW, &p)) {
		struct inode *inode = p.dentry->inode;

		if (S_ISBLK(inode->mode))
			b = blkdev_find(inode->rdev);
		path_put(&p);
		if (b)
			return b;
	}
	major = kstrtoull_prefix(source, &end, 10);
	if (end != source && *end == ':') {
		minor = kstrtoull_prefix(end + 1, &end, 10);
		if (!*end && major < 4096 && minor < (1 << 20))
			return blkdev_find(MKDEV((u32)major, (u32)minor));
	}
	if (!strncmp(name, "ubd", 3) && name[3] >= '0' && name[3] <= '9' && !name[4]) {
		ksnprintf(alt, sizeof(alt), "ubd%c", 'a' + (name[3] - '0'));
		name = alt;
	}
	return blkdev_by_name(name);
}

static bool opt_ignored(const char *o)
{
	static const char *const plain[] = {
		"defaults", "relatime", "noatime", "strictatime", "nodiratime", "lazytime",
		"barrier", "nobarrier", "discard", "nodiscard", "user_xattr", "nouser_xattr",
		"acl", "noacl", "delalloc", "nodelalloc", "auto_da_alloc", "noauto_da_alloc",
		"journal_checksum", "nojournal_checksum", "block_validity", "noblock_validity",
		"dioread_lock", "dioread_nolock", "nosuid", "suid", "nodev", "dev", "noexec", "exec",
	};
	static const char *const prefix[] = {
		"errors=", "data=", "barrier=", "commit=", "stripe=", "auto_da_alloc=",
		"resuid=", "resgid=", "max_batch_time=", "min_batch_time=", "inode_readahead_blks=",
	};

	for (unsigned i = 0; i < ARRAY_SIZE(plain); i++) {
		if (!strcmp(o, plain[i]))
			return true;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(prefix); i++) {
		if (!strncmp(o, prefix[i], strlen(prefix[i])))
			return true;
	}
	return false;
}

/* Mount options: ro/rw change flags, Linux's usual ext4 options are accepted. */
static int parse_opts(const char *data, unsigned long *flags)
{
	char *buf, *o, *next;
	int r = 0;

	if (!data || !*data)
		return 0;
	buf = kstrdup(data);
	if (!buf)
		return -ENOMEM;
	for (o = buf; o && !r; o = next) {
		next = strchr(o, ',');
		if (next)
			*next++ = '\0';
		if (!strcmp(o, "ro"))
			*flags |= MS_RDONLY;
		else if (!strcmp(o, "rw"))
			*flags &= ~(unsigned long)MS_RDONLY;
		else if (*o && !opt_ignored(o))
			r = -EINVAL;
		if (r)
			pr_err("ext4: unknown mount option \"%s\"\n", o);
	}
	kfree(buf);
	return r;
}

/* A new superblock for the opened filesystem h on b, with its root inode. */
static int fill_super(struct file_system_type *type, struct block_device *b, struct ext4h_fs *h,
		      unsigned long flags, struct super_block **out)
{
	struct super_block *sb = sb_alloc(type);
	struct ext4_sb *sbi = kzalloc(sizeof(*sbi));
	struct ext4h_info info;
	struct inode *root;
	struct dentry *d;

	if (!sb || !sbi || !(sbi->hash = kmalloc(EXT4_HASH_BUCKETS * sizeof(*sbi->hash)))) {
		kfree(sbi);
		kfree(sb);
		ext4h_unmount(h);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < EXT4_HASH_BUCKETS; i++)
		INIT_LIST_HEAD(&sbi->hash[i]);
	INIT_LIST_HEAD(&sbi->link);
	sbi->sb = sb;
	sbi->h = h;
	sbi->rw = !(flags & MS_RDONLY);
	sbi->bdev = b;
	b->openers++;
	ext4h_statfs(h, &info);
	sbi->block_size = info.block_size;
	ext4h_inode_range(h, &sbi->first_ino, &sbi->end_ino);
	sb->private = sbi;
	sb->dev = b->dev;
	sb->magic = EXT4_SUPER_MAGIC;
	sb->flags = flags & MS_RDONLY;
	sb->statfs = ext4_statfs;
	sb->evict_inode = ext4_evict_inode;
	sb->sync_fs = ext4_sync_fs;
	sb->halt = ext4_halt;
	sb->remount = ext4_remount;
	root = ext4_iget(sb, EXT4H_ROOT_INO);
	if (!IS_ERR(root) && !S_ISDIR(root->mode)) {
		pr_err("ext4 (%s): the root inode is not a directory\n", b->name);
		inode_put(root);
		root = ERR_PTR(-EINVAL);
	}
	d = IS_ERR(root) ? NULL : dentry_alloc(NULL, "/", 1);
	if (!d) {
		if (!IS_ERR(root))
			inode_put(root);
		close_fs(sb);
		free_sb(sb);
		return IS_ERR(root) ? (int)PTR_ERR(root) : -ENOMEM;
	}
	d->sb = sb;
	d_instantiate(d, root);
	d->flags |= DCACHE_PINNED;
	sb->root = d;
	list_add_tail(&sbi->link, &ext4_sbs);
	*out = sb;
	return 0;
}

static int ext4_mount(struct file_system_type *type, const char *source, unsigned long flags,
		      const char *data, struct super_block **out)
{
	struct block_device *b;
	struct ext4h_fs *h = NULL;
	struct ext4_sb *sbi;
	char msg[200];
	int r, hflags;

	if (!source || !*source)
		return -EINVAL;
	b = find_bdev(source);
	if (!b) {
		pr_err("ext4: %s: no such block device\n", source);
		return -ENXIO;
	}
	r = parse_opts(data, &flags);
	if (r)
		return r;
	list_for_each_entry(sbi, &ext4_sbs, link) {
		if (sbi->bdev == b)
			return -EBUSY;
	}
	if (!(flags & MS_RDONLY) && b->readonly) {
		pr_warn("ext4 (%s): the device is read-only; mounting read-only\n", b->name);
		flags |= MS_RDONLY;
	}
	hflags = (flags & MS_RDONLY) ? 0 : EXT4H_MOUNT_RW;
	if (!strcmp(type->name, "ext2"))
		hflags |= EXT4H_MOUNT_EXT2;
	else if (!strcmp(type->name, "ext3"))
		hflags |= EXT4H_MOUNT_EXT3;
	r = ext4h_mount(b, b->size, hflags, &h, msg, sizeof(msg));
	if (r == -EMEDIUMTYPE) {
		pr_info("%s (%s): not mounted: %s\n", type->name, b->name, msg);
		return -EINVAL;
	}
	if (r) {
		pr_err("%s (%s): cannot mount: %s\n", type->name, b->name, msg);
		return r;
	}
	if (msg[0])
		pr_warn("%s (%s): %s\n", type->name, b->name, msg);
	r = fill_super(type, b, h, flags, out);
	if (!r && !(flags & MS_RDONLY))
		arm_writeback();
	return r;
}

static int ext4_noopen(struct inode *inode, struct file *f)
{
	return -ENXIO;
}

const struct file_operations ext4_noopen_fops = {
	.open = ext4_noopen,
};

static struct file_system_type ext4_types[] = {
	{ .name = "ext4", .mount = ext4_mount, .kill_sb = ext4_kill_sb },
	{ .name = "ext3", .mount = ext4_mount, .kill_sb = ext4_kill_sb },
	{ .name = "ext2", .mount = ext4_mount, .kill_sb = ext4_kill_sb },
};

int ext4_init(void)
{
	int r = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(ext4_types) && !r; i++)
		r = register_filesystem(&ext4_types[i]);
	return r;
}
