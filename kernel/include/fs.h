/*
 * The virtual filesystem (kernel/fs/): inodes, dentries, mounts, open files, and the
 * operation tables a filesystem implements.
 *
 * Shape (Linux's, reduced):
 *  - struct inode: one file object of a filesystem (attributes + ops + fs private data).
 *  - struct dentry: a name in a directory, pointing at an inode (or negative: NULL). The
 *    dentry tree is the name cache. For in-memory filesystems (tmpfs) it is the filesystem
 *    itself: their dentries are pinned (DCACHE_PINNED) and ->lookup is never needed. For
 *    others (procfs, ext4 later), ->lookup fills a dentry on a cache miss, and unused
 *    dentries may be dropped.
 *  - struct mount: a mounted superblock, attached at a (mount, dentry) mountpoint.
 *  - struct path: (mount, dentry), the position of a name in the mount tree.
 *  - struct file: an open file description (shared by dup'd descriptors and by fork).
 *
 * Reference counting: inode_get/put, dentry_get/put, mount_get/put, file_get/put,
 * path_get/put (both halves). Every pointer field named in a struct comment as
 * "holds a reference" is released when that struct dies.
 *
 * Data moves through struct iov_iter: file read/write ops copy to and from it with
 * iter_copy_to/iter_copy_from, which work for guest buffers (readv/writev, read/write)
 * and kernel buffers (exec, kernel_read) alike.
 */
#ifndef FS_H
#define FS_H

#include "kernel.h"
#include "list.h"

#include <linux/inotify.h>
#include "sched.h"

#include <linux/fcntl.h>
#include <linux/stat.h>
#include <linux/poll.h>
/* <asm/stat.h> names a field __unused, which kernel.h defines as an attribute macro. */
#pragma push_macro("__unused")
#undef __unused
#include <asm/stat.h>
#pragma pop_macro("__unused")

struct inode;
struct block_device;
struct dentry;
struct file;
struct mount;
struct super_block;
struct vma;
struct poll_table;
struct path;
struct kstatfs;
struct pipe;

#define NAME_MAX_LEN 255
#define PATH_MAX_LEN 4096

struct ktimespec {
	s64 sec;
	long nsec;
};

/* ---- iov_iter: a cursor over guest or kernel buffers */
struct uvec {
	uaddr_t base;
	u64 len;
};

struct kvec {
	void *base;
	size_t len;
};

struct iov_iter {
	bool user;          /* segments are struct uvec (guest) or struct kvec (kernel) */
	const void *segs;
	unsigned nr_segs;
	unsigned seg;       /* current segment */
	size_t seg_off;     /* offset in the current segment */
	size_t count;       /* bytes left in total */
};

void iter_init_user(struct iov_iter *it, const struct uvec *v, unsigned nr, size_t count);
void iter_init_kernel(struct iov_iter *it, const struct kvec *v, unsigned nr, size_t count);
/* A single-buffer iterator (one segment held inside *seg). */
void iter_init_ubuf(struct iov_iter *it, struct uvec *seg, uaddr_t buf, size_t len);
void iter_init_kbuf(struct iov_iter *it, struct kvec *seg, void *buf, size_t len);
/*
 * Copy n bytes out of src into the iterator (a read's destination) / from the iterator into
 * dst (a write's source), advancing it. Return the bytes copied: fewer than asked only at
 * the end of the iterator or at a bad guest address (then the caller returns what was done,
 * or -EFAULT when nothing was).
 */
size_t iter_copy_to(struct iov_iter *it, const void *src, size_t n);
size_t iter_copy_from(void *dst, struct iov_iter *it, size_t n);
/* Zero-fill n bytes of the iterator. */
size_t iter_zero(struct iov_iter *it, size_t n);

/* ---- directory iteration */
struct dir_context;
/* Emit one entry; returns false when the caller's buffer is full (stop iterating). */
typedef bool (*filldir_t)(struct dir_context *ctx, const char *name, int namelen, u64 ino,
			  unsigned dtype);
struct dir_context {
	filldir_t actor;
	loff_t pos; /* the filesystem's position cookie; . and .. are 0 and 1 */
};

/* ---- attribute changes (chmod, chown, truncate, utimes) */
#define ATTR_MODE 0x1
#define ATTR_UID 0x2
#define ATTR_GID 0x4
#define ATTR_SIZE 0x8
#define ATTR_ATIME 0x10
#define ATTR_MTIME 0x20
#define ATTR_CTIME 0x40

struct iattr {
	unsigned valid; /* ATTR_* */
	u32 mode, uid, gid;
	u64 size;
	struct ktimespec atime, mtime, ctime;
};

struct inode_operations {
	/* Fill d (named d->name, negative) from the directory; leave it negative if absent. */
	int (*lookup)(struct inode *dir, struct dentry *d);
	int (*create)(struct inode *dir, struct dentry *d, u32 mode);
	int (*mkdir)(struct inode *dir, struct dentry *d, u32 mode);
	int (*mknod)(struct inode *dir, struct dentry *d, u32 mode, u32 rdev);
	int (*symlink)(struct inode *dir, struct dentry *d, const char *target);
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *d);
	int (*unlink)(struct inode *dir, struct dentry *d);
	int (*rmdir)(struct inode *dir, struct dentry *d);
	/* flags: RENAME_NOREPLACE, RENAME_EXCHANGE */
	int (*rename)(struct inode *odir, struct dentry *od, struct inode *ndir,
		      struct dentry *nd, unsigned flags);
	/* Symlink target into buf (not NUL-terminated); returns its length. */
	long (*readlink)(struct dentry *d, char *buf, size_t len);
	/*
	 * A "magic" link (procfs /proc/PID/exe, /cwd, /fd/N): resolve straight to a path.
	 * When present, path walking uses it instead of readlink.
	 */
	int (*get_link_path)(struct dentry *d, struct path *out);
	int (*setattr)(struct dentry *d, const struct iattr *ia);
	/*
	 * The frame holding page index of a regular file's data, with a reference for the
	 * caller (mmap and exec use it). for_write: the page will be written through a shared
	 * mapping. Returns 0, -ENXIO beyond end of file, or -errno.
	 */
	int (*get_page)(struct inode *inode, u64 index, bool for_write, phys_t *frame);
	/*
	 * Swap files (mm/swap.c), like Linux's bmap. swap_activate: write back and drop the
	 * cached pages of the regular file inode and give the block device its data lies on.
	 * swap_map: the byte offset on that device of each page [first, first + n) into off[]:
	 * SWAP_MAP_HOLE when a block under the page is not allocated, SWAP_MAP_SPLIT when its
	 * blocks are not contiguous on the device. 0 or -errno. NULL: no swap files here.
	 */
	int (*swap_activate)(struct inode *inode, struct block_device **bdev);
	int (*swap_map)(struct inode *inode, u64 first, u32 n, u64 *off);
	/*
	 * lseek SEEK_DATA/SEEK_HOLE: whether each page [first, first + n) of a regular file
	 * holds data (cached or allocated) into present[] (n <= DATA_PAGES_MAX). 0 or -errno.
	 * NULL: the whole file is data.
	 */
	int (*data_pages)(struct inode *inode, u64 first, u32 n, u8 *present);
	/*
	 * Reclaim of mapped file pages (mm/vmscan.c). page_peek: the frame the file's cache
	 * holds for page index now, 0 when none (nothing is read, allocated or swapped in), so
	 * that a mapping's page can be told from a private copy. page_reclaim: the last
	 * mapping of page index let go of it; free its frame if the cache can (a clean page
	 * dropped, a tmpfs page written to swap). 1 when freed, 0 when kept (dirty, in use),
	 * -ENOSPC when swap is full. NULL: mapped pages of the file are never reclaimed.
	 */
	phys_t (*page_peek)(struct inode *inode, u64 index);
	int (*page_reclaim)(struct inode *inode, u64 index);
	/*
	 * Extended attributes (fs/xattr.c has checked the name, its namespace and the
	 * caller's rights). getxattr copies the value into buf (XATTR_SIZE_MAX bytes) and
	 * returns its length, -ENODATA when absent; listxattr packs the NUL-terminated names
	 * into buf (XATTR_LIST_MAX bytes) and returns their length; setxattr takes
	 * XATTR_CREATE / XATTR_REPLACE (-EEXIST / -ENODATA). NULL: -EOPNOTSUPP.
	 */
	ssize_t (*getxattr)(struct inode *inode, const char *name, void *buf);
	ssize_t (*listxattr)(struct inode *inode, char *buf);
	int (*setxattr)(struct inode *inode, const char *name, const void *val, size_t size,
			int flags);
	int (*removexattr)(struct inode *inode, const char *name);
	/*
	 * Inode flags (FS_IOC_GETFLAGS/SETFLAGS, fs/iflags.c; FS_*_FL values). get_flags: the
	 * flags the filesystem shows. set_flags: store flags (the VFS checked ownership,
	 * CAP_LINUX_IMMUTABLE and a writable mount, and set inode->ctime to the time of the
	 * change, to be stored with the flags); the filesystem applies its own mask
	 * (-EOPNOTSUPP or ignoring what it refuses, as it does in Linux) and keeps
	 * inode->fsflags current. NULL: the file has no flags (-ENOTTY).
	 */
	u32 (*get_flags)(struct inode *inode);
	int (*set_flags)(struct inode *inode, u32 flags);
	/* The flags statx reports as attributes (0: immutable, append-only and nodump). */
	u32 statx_flags;
};

struct file_operations {
	int (*open)(struct inode *inode, struct file *f);
	/* Called when the last reference to the open file goes. */
	void (*release)(struct inode *inode, struct file *f);
	ssize_t (*read)(struct file *f, struct iov_iter *to, loff_t *pos);
	ssize_t (*write)(struct file *f, struct iov_iter *from, loff_t *pos);
	/* NULL: generic_llseek (files with a size) is used. */
	loff_t (*llseek)(struct file *f, loff_t off, int whence);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	long (*ioctl)(struct file *f, unsigned cmd, u64 arg);
	/* Readiness (POLLIN...); registers on wait queues through poll_wait when pt != NULL. */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	/* Optional check when mapping (e.g. refuse devices that cannot be mapped). */
	int (*mmap)(struct file *f, struct vma *vma);
	int (*fsync)(struct file *f, bool datasync);
	/*
	 * fallocate(2) on a regular file (mode: FALLOC_FL_KEEP_SIZE, _PUNCH_HOLE with it, or
	 * _ZERO_RANGE; the VFS checked the arguments). NULL: -EOPNOTSUPP.
	 */
	long (*fallocate)(struct file *f, int mode, loff_t off, loff_t len);
	/*
	 * Extra lines of /proc/PID/fdinfo/N (eventfd-count:, tfd:, sigmask: ...) written into
	 * buf (size bytes, NUL-terminated); returns the length. NULL: none.
	 */
	size_t (*show_fdinfo)(struct file *f, char *buf, size_t size);
};

struct inode {
	u64 ino;
	u32 mode;               /* S_IF* | permission bits */
	u32 nlink;
	u32 uid, gid;
	u64 size;
	u64 blocks;             /* 512-byte units */
	u32 rdev;               /* device number of character and block special files */
	struct ktimespec atime, mtime, ctime;
	int refcount;           /* dentries and open files pointing here */
	struct super_block *sb;
	const struct inode_operations *i_op;
	const struct file_operations *i_fop; /* ops for files opened on this inode */
	void *private;          /* the filesystem's data */
	struct pipe *pipe;      /* FIFOs: the pipe while it is open */
	struct list_head sb_link; /* in sb->inodes */
	u32 iflags;             /* S_SWAPFILE */
	u32 fsflags;            /* FS_*_FL inode flags (chattr); the VFS enforces the two below */
};

/* inode->fsflags bits the VFS enforces (values of <linux/fs.h>'s FS_*_FL) */
#define INODE_IMMUTABLE_FL 0x00000010
#define INODE_APPEND_FL 0x00000020
#define INODE_NOATIME_FL 0x00000080 /* reads leave atime alone (chattr +A) */

/* No change at all: no writes, truncation, renames, links, attribute changes (chattr +i). */
static inline bool IS_IMMUTABLE(const struct inode *inode)
{
	return inode->fsflags & INODE_IMMUTABLE_FL;
}

/* Append-only (chattr +a): writes go to the end; no truncation, unlink or rename. */
static inline bool IS_APPEND(const struct inode *inode)
{
	return inode->fsflags & INODE_APPEND_FL;
}

/* inode->iflags: an active swap file (no writes, truncation or unlink; mm/swap.c) */
#define S_SWAPFILE 0x100
/* inode->iflags: known to carry no security.capability attribute (fs/fcaps.c) */
#define S_NOSEC 0x200
#define SWAP_MAP_HOLE (~0ULL)
#define SWAP_MAP_SPLIT (~1ULL)

/* ---- fs/iflags.c: inode flags (chattr) */
/* Is cmd one of the inode-flag ioctls (FS_IOC_GETFLAGS...)? */
bool iflags_is_ioctl(unsigned cmd);
/* Serve one of them on f; -ENOTTY when the file has no flags. */
long iflags_ioctl(struct file *f, unsigned cmd, uaddr_t uarg);
/* statx's stx_attributes and stx_attributes_mask for inode (STATX_ATTR_*). */
void iflags_statx(struct inode *inode, u64 *attr, u64 *mask);

static inline bool IS_SWAPFILE(const struct inode *inode)
{
	return inode->iflags & S_SWAPFILE;
}

#define DCACHE_PINNED 0x1 /* never dropped while linked (tmpfs: the tree is the fs) */
#define DCACHE_NOCACHE 0x2 /* drop as soon as unused (procfs) */
#define DNAME_INLINE 40

struct dentry {
	char *name;               /* points at iname or a kmalloc'd buffer */
	char iname[DNAME_INLINE];
	int namelen;
	struct dentry *parent;    /* holds a reference (NULL for a superblock root) */
	struct inode *inode;      /* holds a reference; NULL for a negative dentry */
	struct super_block *sb;
	struct list_head children; /* our children (directories) */
	struct list_head sibling;  /* in parent->children */
	struct dentry *hash_next;  /* name hash chain (dcache.c), while in parent->children */
	struct dentry **hash_pprev; /* the pointer to us in that chain; NULL when unhashed */
	int refcount;
	unsigned flags;            /* DCACHE_* */
	int mounted;               /* mounts attached on this dentry */
	void *private;             /* the filesystem's per-name data */
};

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

struct file_system_type {
	const char *name;
	unsigned flags;  /* FS_REQUIRES_DEV ... */
	/* Build a superblock for a new mount (source: device path or NULL, data: options). */
	int (*mount)(struct file_system_type *type, const char *source, unsigned long flags,
		     const char *data, struct super_block **out);
	void (*kill_sb)(struct super_block *sb);
	struct list_head link;
};

struct super_block {
	struct file_system_type *type;
	struct dentry *root;     /* holds a reference */
	u32 dev;                 /* st_dev of every inode */
	u64 magic;               /* statfs f_type */
	unsigned long flags;     /* MS_RDONLY ... */
	int refcount;            /* mounts of this superblock */
	u64 next_ino;
	struct list_head inodes; /* live inodes */
	void *private;
	/* statfs: fill blocks/files; NULL gives zeros. */
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/*
	 * The filesystem's own options for /proc/mounts and mountinfo, each with its leading
	 * comma (",size=8192k"), into buf of len bytes. NULL: none.
	 */
	void (*show_options)(struct super_block *sb, char *buf, size_t len);
	/*
	 * Called when an inode's last reference goes, just before it is freed: release what
	 * inode->private holds (file data...). NULL: nothing to release.
	 */
	void (*evict_inode)(struct inode *inode);
	/*
	 * sync(2), syncfs(2): write what the filesystem holds in memory to its device (with
	 * wait, durably: the device is flushed). NULL: nothing is buffered.
	 */
	int (*sync_fs)(struct super_block *sb, bool wait);
	/*
	 * The system halts: write everything and leave the device clean; the superblock is
	 * not used for I/O again. NULL: nothing to do.
	 */
	void (*halt)(struct super_block *sb);
	/*
	 * mount -o remount: switch between read-only (ro true) and read-write before the
	 * VFS changes the flags. NULL: the flags alone change. 0 or -errno (nothing changed).
	 */
	int (*remount)(struct super_block *sb, bool ro);
	struct list_head mounted_link; /* in the list of mounted superblocks (super.c) */
};

struct kstatfs {
	u64 type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
};

struct mount {
	struct mount *parent;      /* NULL for the root mount */
	struct dentry *mountpoint; /* in parent; holds a reference */
	struct dentry *root;       /* holds a reference */
	struct super_block *sb;
	unsigned long flags;       /* MNT_* (nosuid, nodev, noexec, readonly) */
	char *source;              /* device name for /proc/mounts */
	int refcount;
	struct list_head link;     /* in the global mount list, in mount order */
};

#define MNT_RDONLY 0x1
#define MNT_NOSUID 0x2
#define MNT_NODEV 0x4
#define MNT_NOEXEC 0x8

#define FMODE_READ 0x1
#define FMODE_WRITE 0x2

struct file {
	const struct file_operations *f_op;
	struct path path;        /* holds references */
	struct inode *inode;       /* path.dentry->inode, or the inode of an anonymous file */
	loff_t pos;
	unsigned flags;            /* O_* status flags (O_APPEND, O_NONBLOCK, ...) */
	unsigned mode;             /* FMODE_READ | FMODE_WRITE */
	int refcount;              /* descriptors and kernel users */
	void *private;             /* the filesystem's or driver's per-open data */
	u64 dir_pos;               /* pipes: w_counter seen at open (pipe.c); getdents uses pos */
	void *f_ep;                /* epoll registrations of this file (eventpoll.c), or NULL */
};

struct fs_struct {
	int refcount;
	struct path root, pwd;   /* hold references */
	u32 umask;
};

#define FD_MAX_DEFAULT 1024

struct files_struct {
	int refcount;
	int max_fds;            /* size of fd[] */
	struct file **fd;
	u64 *cloexec;           /* bitmap, max_fds bits */
	int next_fd;            /* lowest possibly free slot */
};

/* ---- fs/inode.c, fs/dcache.c */
struct inode *inode_alloc(struct super_block *sb, u32 mode);
void inode_get(struct inode *inode);
void inode_put(struct inode *inode);
/* Update timestamps to now. */
void inode_touch(struct inode *inode, bool atime, bool mtime, bool ctime);
struct dentry *dentry_alloc(struct dentry *parent, const char *name, int len);
void dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);
/* Point d at inode (takes over the caller's reference). */
void d_instantiate(struct dentry *d, struct inode *inode);
/* The cached child of parent called name, or NULL (with a reference). */
struct dentry *d_lookup(struct dentry *parent, const char *name, int len);
/* Unhash a dentry from its parent after unlink/rmdir. */
void d_delete(struct dentry *d);
/* Move d under newparent with a new name (rename). */
int d_move(struct dentry *d, struct dentry *newparent, const char *name, int len);
void path_get(const struct path *p);
void path_put(const struct path *p);
/* The absolute path of p as seen from root, into buf; returns its length or -ENAMETOOLONG. */
long path_to_string(const struct path *p, const struct path *root, char *buf, size_t len);

/* ---- fs/namei.c */
#define LOOKUP_FOLLOW 0x1     /* follow a final symlink */
#define LOOKUP_DIRECTORY 0x2  /* the result must be a directory */
#define LOOKUP_PARENT 0x4     /* stop at the parent of the last component */
#define LOOKUP_EMPTY 0x8      /* AT_EMPTY_PATH: "" names dirfd itself */
/*
 * Resolve a kernel-space path relative to dirfd (AT_FDCWD or a descriptor). On success
 * fills *out with a referenced path (positive dentry). Returns 0 or -errno.
 */
int kern_path(int dirfd, const char *name, unsigned flags, struct path *out);
/* The same, a relative name starting at start instead of a descriptor. */
int kern_path_at(const struct path *start, const char *name, unsigned flags, struct path *out);
/* The same for a guest string. */
int user_path(int dirfd, uaddr_t name, unsigned flags, struct path *out);
/*
 * Resolve all but the last component: *parent gets the directory, last gets the final
 * name (kmalloc'd, caller frees), for create/unlink/rename.
 */
int kern_path_parent(int dirfd, const char *name, struct path *parent, char **last);
/*
 * Make a regular file, FIFO, socket or device node at (dirfd, kernel name) with the final
 * mode (S_IF* type and permission bits; the caller applies the umask). 0 or -errno
 * (-EEXIST when the name exists). AF_UNIX bind makes its S_IFSOCK nodes with it.
 */
long vfs_mknod_at(int dirfd, const char *name, u32 mode, u32 rdev);
/* Look up (or create negative) the child dentry of a directory path; referenced. */
struct dentry *lookup_one(struct path *dir, const char *name, int len);
/* Permission check: mask is MAY_READ | MAY_WRITE | MAY_EXEC. */
#define MAY_EXEC 0x1
#define MAY_WRITE 0x2
#define MAY_READ 0x4
int inode_permission(struct inode *inode, int mask);

/* ---- fs/open.c */
/* Open a path like openat(2) (kernel string); returns a referenced file or ERR_PTR. */
struct file *file_open(int dirfd, const char *name, int flags, u32 mode);
/* Open an already-resolved path. */
struct file *file_open_path(const struct path *p, int flags);
/*
 * An open file not reached through a name (pipes, anon inodes). The file takes its own
 * reference on inode (the caller keeps and drops its own); ERR_PTR(-ENOMEM) on failure.
 */
struct file *file_alloc_anon(struct inode *inode, const struct file_operations *fop,
			     unsigned flags, void *private);


/* ---- fs/file.c: open files and descriptor tables */
void file_get(struct file *f);
void file_put(struct file *f);
/* The file at descriptor fd of current with a reference, or NULL. */
struct file *fd_get(int fd);
/*
 * Install f at the lowest free descriptor >= minfd; returns it or -EMFILE (-ENOMEM).
 * On success the table takes over the caller's reference; on failure the caller keeps it.
 */
int fd_install(struct file *f, int minfd, bool cloexec);
int fd_close(int fd);
/* files_alloc, files_copy, fs_struct_copy: NULL when out of memory. */
struct files_struct *files_alloc(void);
struct files_struct *files_copy(struct files_struct *old);
void files_put(struct files_struct *fs);
/* Close descriptors marked close-on-exec. */
void files_close_on_exec(struct files_struct *fs);
struct fs_struct *fs_struct_copy(struct fs_struct *old);
void fs_struct_put(struct fs_struct *fs);

/* ---- fs/read_write.c */
ssize_t kernel_read(struct file *f, void *buf, size_t len, loff_t *pos);
ssize_t kernel_write(struct file *f, const void *buf, size_t len, loff_t *pos);
loff_t generic_llseek(struct file *f, loff_t off, int whence);
#define DATA_PAGES_MAX 1024 /* pages asked of ->data_pages at once */
/* An llseek for unseekable files (pipes, ttys, sockets): always -ESPIPE; pread/pwrite too. */
loff_t vfs_no_llseek(struct file *f, loff_t off, int whence);

/* ---- fs/stat.c */
int vfs_getattr(struct path *p, struct stat *st);

/* ---- fs/super.c */
int register_filesystem(struct file_system_type *type);
/* Mount a filesystem on a kernel path (used at boot); 0 or -errno. */
int kern_mount(const char *source, const char *target, const char *fstype,
	       unsigned long flags, const char *data);
/*
 * A new mount of fstype attached nowhere, for the kernel's own use (the mconsole's procfs):
 * *root gets a referenced path to its root. ".." never leaves it. 0 or -errno.
 */
int kern_mount_detached(const char *fstype, struct path *root);
/* Make a fresh superblock (for a filesystem's ->mount). */
struct super_block *sb_alloc(struct file_system_type *type);
/* The mount attached at (mnt, dentry), if any (path walking crosses into it). */
struct mount *mount_lookup(struct mount *mnt, struct dentry *d);
void mount_get(struct mount *m);
void mount_put(struct mount *m);
extern struct list_head mount_list; /* all mounts, in mount order (/proc/mounts) */
/*
 * Mount the root filesystem and give current an fs_struct there; called at boot. fstype
 * NULL: tmpfs (the initramfs), else a filesystem on the device named by source (MS_*
 * flags, options data). 0 or -errno (the filesystem has said why).
 */
int vfs_init_root(const char *fstype, const char *source, unsigned long flags,
		  const char *data);
/* sync(2): write back every mounted filesystem (durably with wait). 0 or the first error. */
int vfs_sync_all(bool wait);
/* At halt: every mounted filesystem writes everything and leaves its device clean. */
void vfs_halt(void);
u32 vfs_new_dev(void); /* an anonymous device number for a new superblock */

/* ---- fs/char_dev.c: character devices */
/*
 * Register fops for character device numbers major:[minor, minor+count). Opening a char
 * special file dispatches to the registered fops (their ->open may replace f->f_op).
 */
int chrdev_register(u32 major, u32 minor, u32 count, const char *name,
		    const struct file_operations *fops);
/* The default i_fop for S_IFCHR inodes: finds the driver at open time (-ENXIO if none). */
extern const struct file_operations chrdev_open_fops;

/* ---- fs/block_dev.c: block special files */
/*
 * The default i_fop for S_IFBLK inodes: opening one finds the registered block device by
 * rdev (-ENXIO if none) and reads/writes the whole device (blkdev.h).
 */
extern const struct file_operations blkdev_open_fops;

/* A fresh fs_struct whose root and cwd are the root of the mount tree (for init). */
struct fs_struct *fs_struct_alloc_root(void);

/* ---- fs/select.c: poll tables */
/*
 * What ->poll's poll_wait calls do with a wait queue: select and poll queue their task,
 * epoll queues a callback that marks its item ready (eventpoll.c).
 */
typedef void (*poll_queue_proc)(struct file *f, struct wait_queue_head *wq,
				struct poll_table *pt);
struct poll_table {
	poll_queue_proc qproc;
};
/* Register the poller on wq (no-op when pt is NULL). */
void poll_wait(struct file *f, struct wait_queue_head *wq, struct poll_table *pt);

/* ---- fs/eventpoll.c, eventfd.c, timerfd.c, signalfd.c (CONFIG_EVENTFDS), anon_inodes.c */
/* The last reference to f went: drop its epoll registrations (file_put calls it). */
void eventpoll_release(struct file *f);
/*
 * An open file on a new anonymous inode whose /proc/PID/fd link reads "anon_inode:NAME"
 * (NAME like "[eventfd]"); flags: O_* status flags with O_RDWR etc. ERR_PTR on failure.
 */
struct file *anon_inode_file(const char *name, const struct file_operations *fop,
			     unsigned flags, void *private);

/* ---- fs/pipe.c */
struct pipe;
/* Create a pipe's two open files (read end, write end). */
int pipe_create(struct file **rd, struct file **wr, unsigned flags);

/* ---- fs/notify.c: inotify events; the hooks cost one test while nobody watches */
extern unsigned fsnotify_watches;
/*
 * Event mask (IN_*) on inode, reached by the dentry d (may be NULL): to the inode's
 * watches, and for child events to those of d's parent with d's name.
 */
void fsnotify_event(struct inode *inode, struct dentry *d, u32 mask);
/* Event mask about the entry name of directory dir (create, delete, moves with cookie). */
void fsnotify_name(struct inode *dir, const char *name, int len, u32 mask, u32 cookie);
/* sb is unmounted: its watches end (IN_UNMOUNT, IN_IGNORED) and drop their inodes. */
void fsnotify_sb_gone(struct super_block *sb);
/* A fresh cookie tying an IN_MOVED_FROM to its IN_MOVED_TO. */
u32 fsnotify_cookie(void);
static inline void fsnotify_file(struct file *f, u32 mask)
{
	if (fsnotify_watches && f->path.dentry && f->inode)
		fsnotify_event(f->inode, f->path.dentry, mask);
}
static inline void fsnotify_inode(struct inode *inode, struct dentry *d, u32 mask)
{
	if (fsnotify_watches)
		fsnotify_event(inode, d, mask);
}
static inline void fsnotify_dirent(struct inode *dir, const char *name, int len, u32 mask,
				   u32 cookie)
{
	if (fsnotify_watches)
		fsnotify_name(dir, name, len, mask, cookie);
}

/* ---- fs/dnotify.c: fcntl(F_NOTIFY); its marks count in fsnotify_watches */
/* fcntl(F_NOTIFY, arg) on f: add the DN_* events of arg to f's mark, or drop it (no events). */
long dnotify_fcntl(struct file *f, unsigned long arg);
/* Event in_mask (IN_*) happened in directory dir (to an entry, or to dir itself). */
void dnotify_event(struct inode *dir, u32 in_mask);
/* The last reference to f goes: its mark goes too. */
void dnotify_release(struct file *f);

/* ---- fs/fcaps.c: file capabilities (the security.capability attribute) */
struct file_caps; /* task.h */
/* A regular file's capabilities for exec: 1 (in fc), 0 (none), -EINVAL (malformed)... */
int fcaps_read(struct inode *inode, struct file_caps *fc);
/* Before inode's security.capability is set to val (*size bytes): validate, check
 * CAP_SETFCAP and convert in place (*size may shrink). 0, -EINVAL or -EPERM. */
int fcaps_set_check(struct inode *inode, void *val, size_t *size);
/* A write, truncation or chown of inode: its security.capability is removed. */
void fcaps_kill(struct inode *inode);

/* ---- fs/xattr.c: extended attributes kept in memory (tmpfs), a list of struct xattr_simple */
/* The value of name in list into buf (when not NULL); its length or -ENODATA. */
ssize_t xattr_simple_get(struct list_head *list, const char *name, void *buf);
/* The names in list, NUL-terminated, into buf (XATTR_LIST_MAX bytes); their length. */
ssize_t xattr_simple_list(struct list_head *list, char *buf);
/* Set (val non-NULL) or remove (val NULL) name, with XATTR_CREATE/REPLACE flags. */
int xattr_simple_set(struct list_head *list, const char *name, const void *val, size_t size,
		     int flags);
/* Free every attribute of list. */
void xattr_simple_free(struct list_head *list);

/* ---- fs/tmpfs: unnamed memory files (MAP_SHARED|MAP_ANONYMOUS, memfd_create) */
/* A new unlinked tmpfs regular file of size bytes, opened read-write; ERR_PTR on failure. */
struct file *tmpfs_anon_file(const char *name, u64 size);
/* fcntl F_ADD_SEALS / F_GET_SEALS (tmpfs/memfd.c): -EINVAL on files that are not tmpfs's. */
long memfd_fcntl(struct file *f, unsigned cmd, unsigned long arg);
/* Does a write seal (F_SEAL_WRITE, F_SEAL_FUTURE_WRITE) forbid writable shared maps of f? */
bool memfd_write_sealed(struct file *f);
/* Name an unnamed tmpfs file for /proc (memfd.c): "/NAME (deleted)" in maps. */
int memfd_set_proc_name(struct file *f, const char *name);
/* /proc's name of an unnamed tmpfs file: "/memfd:NAME (deleted)" or "/dev/zero (deleted)". */
long memfd_proc_name(struct inode *inode, char *buf, size_t size);

/* ---- fs/devfs: devtmpfs and the memory devices (called by tmpfs_init) */
int devfs_init(void);
struct block_device;
/* A block device was registered / unregistered: add / remove its node in every devtmpfs. */
void devtmpfs_blkdev_added(struct block_device *b);
void devtmpfs_blkdev_removed(struct block_device *b);

/* ---- fs/procfs, fs/sysfs */
/* Register the "proc" filesystem type; called at boot before the automatic mounts. */
int procfs_init(void);
/* The pid an open /proc/PID directory names; -ESRCH when gone, -EBADF for other files. */
int procfs_dir_pid(struct file *f);
/* Register the "sysfs" filesystem type; called at boot before the automatic mounts. */
int sysfs_init(void);

/* ---- fs/ext4: ext2/3/4 through libext2fs (CONFIG_EXT4) */
#ifdef CONFIG_EXT4
/* Register the "ext4", "ext3" and "ext2" filesystem types. */
int ext4_init(void);
#else
static inline int ext4_init(void)
{
	return 0;
}
#endif

/* ---- fs/initramfs.c */
/* Unpack a cpio newc archive (plain or gzip'd) into the root filesystem. */
int initramfs_unpack(const void *buf, size_t len);

/* Device numbers as Linux encodes them in stat. */
static inline u32 MKDEV(u32 major, u32 minor)
{
	return (major << 8) | (minor & 0xff) | ((minor & ~0xffU) << 12);
}
static inline u32 MAJOR(u32 dev)
{
	return (dev >> 8) & 0xfff;
}
static inline u32 MINOR(u32 dev)
{
	return (dev & 0xff) | ((dev >> 12) & 0xfff00);
}

#endif
