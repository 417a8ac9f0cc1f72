/*
 * Inodes: allocation, reference counting, timestamps and the generic attribute code
 * (VFS layer, below the dentry cache).
 *
 * An inode lives while something references it: a dentry that names it, an open file,
 * a FIFO's pipe user. When the last reference goes its superblock's ->evict_inode frees
 * the filesystem's data and the inode is freed. Link counts (nlink) are the filesystem's
 * business; a tmpfs file whose nlink reached 0 disappears when its last opener closes it.
 *
 * Inodes of no filesystem (pipes, inode_alloc(NULL, ...)) belong to an internal anonymous
 * superblock, so they still have a device number and a unique inode number for fstat.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "task.h"

static struct file_system_type anon_fs_type = {
	.name = "anon_inodefs",
};
static struct super_block *anon_super;

struct super_block *anon_sb(void)
{
	if (!anon_super) {
		anon_super = sb_alloc(&anon_fs_type);
		BUG_ON(!anon_super);
		anon_super->refcount = 1; /* never unmounted */
		anon_super->magic = 0x09041934; /* ANON_INODE_FS_MAGIC */
	}
	return anon_super;
}

struct ktimespec current_time(void)
{
	u64 ns = ktime_real();
	struct ktimespec ts = { .sec = (s64)(ns / 1000000000ULL), .nsec = (long)(ns % 1000000000ULL) };

	return ts;
}

/*
 * A new inode of sb (NULL: the anonymous superblock) with one reference, the next inode
 * number, the caller's fsuid/fsgid and timestamps of now. Character and block devices and
 * FIFOs get
 * their default file operations; the filesystem sets i_op and, for other types, i_fop.
 */
struct inode *inode_alloc(struct super_block *sb, u32 mode)
{
	struct inode *inode;

	if (!sb)
		sb = anon_sb();
	inode = kzalloc(sizeof(*inode));
	if (!inode)
		return NULL;
	inode->ino = sb->next_ino++;
	inode->mode = mode;
	inode->nlink = 1;
	inode->uid = current->cred.fsuid;
	inode->gid = current->cred.fsgid;
	inode->atime = inode->mtime = inode->ctime = current_time();
	inode->refcount = 1;
	inode->sb = sb;
	if (S_ISCHR(mode))
		inode->i_fop = &chrdev_open_fops;
	else if (S_ISBLK(mode))
		inode->i_fop = &blkdev_open_fops;
	else if (S_ISFIFO(mode))
		inode->i_fop = &fifo_fops;
	list_add_tail(&inode->sb_link, &sb->inodes);
	return inode;
}

void inode_get(struct inode *inode)
{
	BUG_ON(inode->refcount <= 0);
	inode->refcount++;
}

/* Drop a reference; the last one evicts and frees the inode. */
void inode_put(struct inode *inode)
{
	if (!inode)
		return;
	BUG_ON(inode->refcount <= 0);
	if (--inode->refcount > 0)
		return;
	if (inode->pipe)
		pipe_inode_release(inode);
	if (inode->sb && inode->sb->evict_inode)
		inode->sb->evict_inode(inode);
	list_del_init(&inode->sb_link);
	kfree(inode);
}

void inode_touch(struct inode *inode, bool atime, bool mtime, bool ctime)
{
	struct ktimespec now = current_time();

	if (atime)
		inode->atime = now;
	if (mtime)
		inode->mtime = now;
	if (ctime)
		inode->ctime = now;
}

void inode_fill_stat(struct inode *inode, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = inode->sb ? inode->sb->dev : 0;
	st->st_ino = inode->ino;
	st->st_nlink = inode->nlink;
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = (long)inode->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = (long)inode->blocks;
	st->st_atime = inode->atime.sec;
	st->st_atime_nsec = inode->atime.nsec;
	st->st_mtime = inode->mtime.sec;
	st->st_mtime_nsec = inode->mtime.nsec;
	st->st_ctime = inode->ctime.sec;
	st->st_ctime_nsec = inode->ctime.nsec;
}

/* The inotify event of an attribute change, as Linux's fsnotify_change picks it. */
static u32 setattr_event(unsigned valid)
{
	u32 mask = 0;

	if (valid & (ATTR_UID | ATTR_GID | ATTR_MODE))
		mask |= IN_ATTRIB;
	if (valid & ATTR_SIZE)
		mask |= IN_MODIFY;
	if ((valid & (ATTR_ATIME | ATTR_MTIME)) == (ATTR_ATIME | ATTR_MTIME))
		mask |= IN_ATTRIB;
	else if (valid & ATTR_ATIME)
		mask |= IN_ACCESS;
	else if (valid & ATTR_MTIME)
		mask |= IN_MODIFY;
	return mask;
}

/*
 * Copy the attributes ia sets other than the size into the inode (the file type is kept):
 * what every ->setattr does after its size change.
 */
void inode_setattr_copy(struct inode *inode, const struct iattr *ia)
{
	if (ia->valid & ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) | (ia->mode & 07777);
	if (ia->valid & ATTR_UID)
		inode->uid = ia->uid;
	if (ia->valid & ATTR_GID)
		inode->gid = ia->gid;
	if (ia->valid & ATTR_ATIME)
		inode->atime = ia->atime;
	if (ia->valid & ATTR_MTIME)
		inode->mtime = ia->mtime;
	if (ia->valid & ATTR_CTIME)
		inode->ctime = ia->ctime;
}

/*
 * Apply ia to an inode: through the filesystem's ->setattr when it has one, else by
 * copying the fields (a size change then is -EPERM: no data to resize).
 */
static int inode_setattr_fs(struct dentry *d, struct inode *inode, const struct iattr *ia)
{
	if (inode->i_op && inode->i_op->setattr)
		return inode->i_op->setattr(d, ia);
	if (ia->valid & ATTR_SIZE)
		return -EPERM;
	inode_setattr_copy(inode, ia);
	return 0;
}

/* inode_setattr_fs, then the inotify events of the change. */
int inode_setattr(struct dentry *d, struct inode *inode, const struct iattr *ia)
{
	/* An active swap file's blocks are swap's: its size cannot change (Linux: ETXTBSY). */
	int r = (ia->valid & ATTR_SIZE) && IS_SWAPFILE(inode) ? -ETXTBSY :
		inode_setattr_fs(d, inode, ia);
	u32 mask = r ? 0 : setattr_event(ia->valid);

	/* One event per kind, as Linux sends them. */
	for (u32 bit = 1; mask; bit <<= 1) {
		if (mask & bit)
			fsnotify_inode(inode, d, bit);
		mask &= ~bit;
	}
	return r;
}
