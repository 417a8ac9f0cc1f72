/*
 * Declarations shared by the files of the VFS core (kernel/fs/ files) and nobody else:
 * the path-walk state, helpers one VFS file offers another, and the prototypes of the
 * system-call handlers written here (kernel/include/syscall.h declares them too once
 * kernel/syscalls.def marks them FULL or PARTIAL; the declarations are identical).
 */
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H

#include "kernel.h"
#include "fs.h"
#include "syscall.h"

/* Internal dentry flag: the dentry has been freed (debugging aid, never seen set). */
#define DCACHE_FREED 0x80000000u

/* ---- namei.c */
enum last_type { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

#define MAX_SYMLINKS 40

/* The final component of a LOOKUP_PARENT walk. */
struct last_name {
	char *name;          /* kmalloc'd, NUL-terminated (empty for LAST_ROOT) */
	int len;
	int type;            /* enum last_type */
	bool trailing_slash; /* the name ended in '/' */
};

/*
 * Resolve name like kern_path, starting from *start when it is relative (NULL: dirfd
 * rules). With LOOKUP_PARENT, *out is the parent directory and *last the final name.
 * links: symlinks already followed by the caller (open's O_CREAT loop), updated.
 */
int namei_walk(const struct path *start, int dirfd, const char *name, unsigned flags,
	       struct path *out, struct last_name *last, int *links);
void last_name_free(struct last_name *last);
/* The process root and cwd of current (referenced). */
void fs_get_root(struct path *root);
void fs_get_pwd(struct path *pwd);
/* Copy a guest path into a kmalloc'd buffer of PATH_MAX_LEN bytes; ERR_PTR on error. */
char *getname(uaddr_t uname);
/* Like getname, but an empty string is allowed only with allow_empty (else -ENOENT). */
char *getname_flags(uaddr_t uname, bool allow_empty);
/*
 * Resolve (dirfd, guest name) for the *at calls that take AT_EMPTY_PATH. With LOOKUP_EMPTY
 * in flags, an empty or NULL name and a descriptor dirfd give that open file in *fp
 * (referenced; O_PATH and anonymous files included) and leave *p empty; otherwise *p is
 * the referenced path and *fp NULL. 0 or -errno (nothing held then).
 */
int user_path_or_fd(int dirfd, uaddr_t name, unsigned flags, struct path *p, struct file **fp);
/* -EROFS when the path's mount or superblock is read-only. */
int path_want_write(const struct path *p);
/* True when the current credentials match uid, or the caller is root (chmod/utimes). */
bool inode_owner_or_root(const struct inode *inode);
bool in_group(u32 gid);

/* ---- dcache.c */
/* d is unlinked from its parent (deleted, or its parent was). */
static inline bool d_unhashed(const struct dentry *d)
{
	return d->parent && list_empty(&d->sibling);
}
/* Follow mounts stacked on p (in place; references adjusted). */
void follow_mounts(struct path *p);
/* path_to_string with flags: *deleted / *unreachable say what was found. */
long path_to_string_ex(const struct path *p, const struct path *root, char *buf, size_t len,
		       bool *deleted, bool *unreachable);
static inline bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}
/* Exchange the names and places of two dentries (RENAME_EXCHANGE). */
int d_exchange(struct dentry *a, struct dentry *b);

/* ---- inode.c */
/* The superblock of anonymous inodes (pipes and inode_alloc(NULL, ...)). */
struct super_block *anon_sb(void);
/* Time now, for timestamps. */
struct ktimespec current_time(void);
/* Fill a stat from an inode (fstat of anonymous files, vfs_getattr). */
void inode_fill_stat(struct inode *inode, struct stat *st);
/* Copy the attributes ia sets, except the size, into the inode (for ->setattr). */
void inode_setattr_copy(struct inode *inode, const struct iattr *ia);
/* Apply an attribute change through ->setattr or the generic copy. */
int inode_setattr(struct dentry *d, struct inode *inode, const struct iattr *ia);

/* ---- select.c: the signal masks of ppoll, pselect6 and epoll_pwait */
/* Install the guest sigset at umask (size must be 8) for a wait: 0, -EINVAL, -EFAULT. */
int poll_set_sigmask(uaddr_t umask, size_t size);
/* Put the old mask back: now, or after the handler frame when interrupted is true. */
void poll_restore_sigmask(bool interrupted);

/* ---- file.c */
/* Like fd_get, but O_PATH descriptors are returned too. */
struct file *fd_get_raw(int fd);
/* Install f at exactly fd, closing what was there (dup2). */
int fd_install_at(struct file *f, int fd, bool cloexec);
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);
/* The descriptor limit (RLIMIT_NOFILE soft limit) of current. */
unsigned long fd_limit(void);
extern const struct file_operations path_fops;
/* Allocate a file for path p (references taken) without calling ->open. */
struct file *file_alloc(const struct path *p, struct inode *inode, unsigned flags);

/* ---- open.c / namei_ops.c */
int vfs_truncate_path(const struct path *p, loff_t len);
int do_truncate(struct dentry *d, struct inode *inode, loff_t len);
/*
 * RLIMIT_FSIZE for a write of *count bytes at pos: cut *count to the limit, or -EFBIG with
 * SIGXFSZ to current when pos is at or past it (a write of 0 bytes is never refused).
 */
int fsize_limit(loff_t pos, size_t *count);
long vfs_mkdir_at(int dirfd, const char *name, u32 mode);
long vfs_symlink_at(const char *target, int dirfd, const char *name);
long vfs_link_at(int olddirfd, const char *oldname, int newdirfd, const char *newname,
		 int flags);
int vfs_chmod_path(const struct path *p, u32 mode);
int vfs_chown_path(const struct path *p, u32 uid, u32 gid);
int vfs_utimes_path(const struct path *p, const struct ktimespec *atime,
		    const struct ktimespec *mtime);

/* ---- locks.c */
/* POSIX locks of owner on inode go (any close of a descriptor of the inode). */
void locks_remove_posix(struct inode *inode, void *owner);
/* flock locks held through f go (last reference to the open file). */
void locks_remove_flock(struct file *f);
int locks_fcntl_getlk(struct file *f, uaddr_t uflock);
int locks_fcntl_setlk(struct file *f, uaddr_t uflock, bool wait);
int locks_flock(struct file *f, unsigned cmd);

/* ---- pipe.c */
extern const struct file_operations fifo_fops;
void pipe_inode_release(struct inode *inode);
long pipe_fcntl(struct file *f, unsigned cmd, unsigned long arg);
/* The pipe behind an open pipe or FIFO file, or NULL (splice.c). */
struct pipe *pipe_from_file(struct file *f);
/* Wait for data in f's pipe: bytes there, 0 at end of file, -EAGAIN or -EINTR. */
ssize_t pipe_wait_data(struct file *f, bool nonblock);
/* Wait for room in f's pipe: bytes free, -EPIPE (SIGPIPE sent), -EAGAIN or -EINTR. */
ssize_t pipe_wait_room(struct file *f, bool nonblock);
/* Copy up to n bytes from the head of f's pipe without taking them; bytes copied. */
size_t pipe_peek(struct file *f, void *buf, size_t n);
/* Drop n bytes from the head of f's pipe (after pipe_peek) and wake writers. */
void pipe_consume(struct file *f, size_t n);

/* ---- read_write.c */
ssize_t vfs_read(struct file *f, struct iov_iter *to, loff_t *pos);
ssize_t vfs_write(struct file *f, struct iov_iter *from, loff_t *pos);
/* readv/writev of a guest iovec array on f at its position (vmsplice). */
ssize_t vfs_iovec_rw(struct file *f, uaddr_t uiov, unsigned long nr, bool write);
#define MAX_RW_COUNT (0x7fffffffL & (long)PAGE_MASK)

/* ---- stat.c */
int vfs_fstat(struct file *f, struct stat *st);

/* ---- super.c */
/* The root mount (the root of the mount tree). */
extern struct mount *root_mount;
struct file_system_type *fs_type_find(const char *name);

/* ---- tmpfs */
int tmpfs_init(void);

/* ---- system calls of kernel/fs/ */
long sys_read(const struct sc_args *a);
long sys_write(const struct sc_args *a);
long sys_open(const struct sc_args *a);
long sys_close(const struct sc_args *a);
long sys_stat(const struct sc_args *a);
long sys_fstat(const struct sc_args *a);
long sys_lstat(const struct sc_args *a);
long sys_poll(const struct sc_args *a);
long sys_lseek(const struct sc_args *a);
long sys_ioctl(const struct sc_args *a);
long sys_pread64(const struct sc_args *a);
long sys_pwrite64(const struct sc_args *a);
long sys_readv(const struct sc_args *a);
long sys_writev(const struct sc_args *a);
long sys_access(const struct sc_args *a);
long sys_pipe(const struct sc_args *a);
long sys_select(const struct sc_args *a);
long sys_dup(const struct sc_args *a);
long sys_dup2(const struct sc_args *a);
long sys_sendfile(const struct sc_args *a);
long sys_fcntl(const struct sc_args *a);
long sys_flock(const struct sc_args *a);
long sys_fsync(const struct sc_args *a);
long sys_fdatasync(const struct sc_args *a);
long sys_truncate(const struct sc_args *a);
long sys_ftruncate(const struct sc_args *a);
long sys_getdents(const struct sc_args *a);
long sys_getcwd(const struct sc_args *a);
long sys_chdir(const struct sc_args *a);
long sys_fchdir(const struct sc_args *a);
long sys_rename(const struct sc_args *a);
long sys_mkdir(const struct sc_args *a);
long sys_rmdir(const struct sc_args *a);
long sys_creat(const struct sc_args *a);
long sys_link(const struct sc_args *a);
long sys_unlink(const struct sc_args *a);
long sys_symlink(const struct sc_args *a);
long sys_readlink(const struct sc_args *a);
long sys_chmod(const struct sc_args *a);
long sys_fchmod(const struct sc_args *a);
long sys_chown(const struct sc_args *a);
long sys_fchown(const struct sc_args *a);
long sys_lchown(const struct sc_args *a);
long sys_umask(const struct sc_args *a);
long sys_utime(const struct sc_args *a);
long sys_mknod(const struct sc_args *a);
long sys_statfs(const struct sc_args *a);
long sys_fstatfs(const struct sc_args *a);
long sys_chroot(const struct sc_args *a);
long sys_sync(const struct sc_args *a);
long sys_mount(const struct sc_args *a);
long sys_umount2(const struct sc_args *a);
long sys_getdents64(const struct sc_args *a);
long sys_utimes(const struct sc_args *a);
long sys_openat(const struct sc_args *a);
long sys_mkdirat(const struct sc_args *a);
long sys_mknodat(const struct sc_args *a);
long sys_fchownat(const struct sc_args *a);
long sys_futimesat(const struct sc_args *a);
long sys_newfstatat(const struct sc_args *a);
long sys_unlinkat(const struct sc_args *a);
long sys_renameat(const struct sc_args *a);
long sys_linkat(const struct sc_args *a);
long sys_symlinkat(const struct sc_args *a);
long sys_readlinkat(const struct sc_args *a);
long sys_fchmodat(const struct sc_args *a);
long sys_faccessat(const struct sc_args *a);
long sys_pselect6(const struct sc_args *a);
long sys_ppoll(const struct sc_args *a);
long sys_utimensat(const struct sc_args *a);
long sys_dup3(const struct sc_args *a);
long sys_pipe2(const struct sc_args *a);
long sys_preadv(const struct sc_args *a);
long sys_pwritev(const struct sc_args *a);
long sys_syncfs(const struct sc_args *a);
long sys_fallocate(const struct sc_args *a);
long sys_renameat2(const struct sc_args *a);
long sys_copy_file_range(const struct sc_args *a);
long sys_preadv2(const struct sc_args *a);
long sys_pwritev2(const struct sc_args *a);
long sys_statx(const struct sc_args *a);
long sys_close_range(const struct sc_args *a);
long sys_faccessat2(const struct sc_args *a);

#endif
