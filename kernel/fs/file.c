/*
 * Open files and descriptor tables (VFS layer: above the filesystems' file_operations,
 * below the system calls that take descriptors).
 *
 * A struct file is one open file description. It holds references on its path (when it
 * was reached through a name) and on its inode; descriptors, VMAs and kernel users each
 * hold one reference on the file. The last file_put calls ->release, drops the flock locks
 * of the description and then the path and inode.
 *
 * A descriptor table (struct files_struct) is an array of file pointers with a close-on-
 * exec bitmap, shared by tasks created with CLONE_FILES. It grows on demand, in powers of
 * two, but never past fd_limit() (RLIMIT_NOFILE, capped at FD_NR_MAX), so a guest cannot
 * make the kernel allocate more than that bound. next_fd is a hint: every descriptor below
 * it is in use. POSIX record locks belong to the table (their owner), and any close of a
 * descriptor of an inode drops the owner's locks on that inode, as POSIX says.
 *
 * Also here: the fs_struct (root, cwd, umask) copy/put, and the descriptor system calls
 * close, dup, dup2, dup3, fcntl and close_range.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"

#include <linux/close_range.h>

/* Hard cap on a table's size: 2^19 pointers are one 4 MiB kmalloc block. */
#define FD_NR_MAX (1 << 19)
#define FD_MIN_TABLE 64

/* Status flags fcntl(F_SETFL) may change. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME)
/* Flags that only matter while opening (O_NOCTTY too: open.c drops it after ->open). */
#define OPEN_ONLY_FLAGS (O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC)

/* O_PATH files: no operation works on them (fd_get refuses them anyway). */
const struct file_operations path_fops = {
	.llseek = vfs_no_llseek,
};

/* ---- struct file */

static unsigned file_mode_of(unsigned flags)
{
	if (flags & O_PATH)
		return 0;
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return FMODE_READ;
	case O_WRONLY:
		return FMODE_WRITE;
	case O_RDWR:
		return FMODE_READ | FMODE_WRITE;
	default:
		return 0; /* 3: ioctl-only opens */
	}
}

static struct file *file_new(struct inode *inode, unsigned flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->inode = inode;
	inode_get(inode);
	f->flags = flags & ~OPEN_ONLY_FLAGS;
	f->mode = file_mode_of(flags);
	f->refcount = 1;
	return f;
}

/*
 * A file for the positive path p (path and inode references taken, the caller keeps its
 * own), with f_op set from the inode (path_fops for O_PATH); ->open is not called.
 * NULL when out of memory.
 */
struct file *file_alloc(const struct path *p, struct inode *inode, unsigned flags)
{
	struct file *f = file_new(inode, flags);

	if (!f)
		return NULL;
	f->path = *p;
	path_get(p);
	if ((flags & O_PATH) || !inode->i_fop)
		f->f_op = &path_fops;
	else
		f->f_op = inode->i_fop;
	return f;
}

struct file *file_alloc_anon(struct inode *inode, const struct file_operations *fop,
			     unsigned flags, void *private)
{
	struct file *f = file_new(inode, flags);

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->f_op = fop ? fop : &path_fops;
	f->private = private;
	return f;
}

void file_get(struct file *f)
{
	BUG_ON(f->refcount <= 0);
	f->refcount++;
}

/* Drop a reference; the last one releases the open file (see the header comment). */
void file_put(struct file *f)
{
	if (!f)
		return;
	BUG_ON(f->refcount <= 0);
	if (--f->refcount > 0)
		return;
	if (f->f_op != &path_fops)
		fsnotify_file(f, (f->mode & FMODE_WRITE) ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE);
	locks_remove_flock(f);
	if (fsnotify_watches)
		dnotify_release(f);
	if (f->f_ep)
		eventpoll_release(f);
	if (f->f_op && f->f_op->release)
		f->f_op->release(f->inode, f);
	path_put(&f->path);
	inode_put(f->inode);
	kfree(f);
}

/* ---- descriptor tables */

unsigned long fd_limit(void)
{
	unsigned long lim = FD_MAX_DEFAULT;

	if (current->signal)
		lim = current->signal->rlim[RLIMIT_NOFILE].rlim_cur;
	return min(lim, (unsigned long)FD_NR_MAX);
}

static void cloexec_assign(struct files_struct *fs, int fd, bool on)
{
	if (on)
		fs->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		fs->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

static bool cloexec_test(const struct files_struct *fs, int fd)
{
	return fs->cloexec[fd / 64] & (1ULL << (fd % 64));
}

/* Replace the arrays of fs by ones of nr slots (a multiple of 64, >= max_fds). */
static int files_resize(struct files_struct *fs, int nr)
{
	struct file **fd = kzalloc(sizeof(*fd) * nr);
	u64 *ce = kzalloc(nr / 8);

	if (!fd || !ce) {
		kfree(fd);
		kfree(ce);
		return -ENOMEM;
	}
	if (fs->max_fds) {
		memcpy(fd, fs->fd, sizeof(*fd) * fs->max_fds);
		memcpy(ce, fs->cloexec, fs->max_fds / 8);
	}
	kfree(fs->fd);
	kfree(fs->cloexec);
	fs->fd = fd;
	fs->cloexec = ce;
	fs->max_fds = nr;
	return 0;
}

/* Make slot fd exist (fd < FD_NR_MAX, checked by the caller). */
static int files_expand(struct files_struct *fs, int fd)
{
	int nr = FD_MIN_TABLE;

	if (fd < fs->max_fds)
		return 0;
	while (nr <= fd)
		nr *= 2;
	return files_resize(fs, min(nr, FD_NR_MAX));
}

struct files_struct *files_alloc(void)
{
	struct files_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	if (files_resize(fs, FD_MIN_TABLE) < 0) {
		kfree(fs);
		return NULL;
	}
	return fs;
}

/* A private copy of old for fork: every open file gets one more reference. */
struct files_struct *files_copy(struct files_struct *old)
{
	struct files_struct *fs = files_alloc();

	if (!fs || !old)
		return fs;
	if (old->max_fds > fs->max_fds && files_resize(fs, old->max_fds) < 0) {
		files_put(fs);
		return NULL;
	}
	for (int i = 0; i < old->max_fds; i++) {
		if (!old->fd[i])
			continue;
		fs->fd[i] = old->fd[i];
		file_get(fs->fd[i]);
		cloexec_assign(fs, i, cloexec_test(old, i));
	}
	fs->next_fd = old->next_fd;
	return fs;
}

/* Empty slot fd of fs and drop the file that was there (with the table's POSIX locks). */
static void files_close_slot(struct files_struct *fs, int fd)
{
	struct file *f = fs->fd[fd];

	fs->fd[fd] = NULL;
	cloexec_assign(fs, fd, false);
	if (fd < fs->next_fd)
		fs->next_fd = fd;
	locks_remove_posix(f->inode, fs);
	file_put(f);
}

/* Drop a reference to a table; the last one closes every descriptor. NULL is ignored. */
void files_put(struct files_struct *fs)
{
	if (!fs)
		return;
	BUG_ON(fs->refcount <= 0);
	if (--fs->refcount > 0)
		return;
	for (int i = 0; i < fs->max_fds; i++) {
		if (fs->fd[i])
			files_close_slot(fs, i);
	}
	kfree(fs->fd);
	kfree(fs->cloexec);
	kfree(fs);
}

void files_close_on_exec(struct files_struct *fs)
{
	if (!fs)
		return;
	for (int i = 0; i < fs->max_fds; i++) {
		if (fs->fd[i] && cloexec_test(fs, i))
			files_close_slot(fs, i);
	}
}

struct file *fd_get_raw(int fd)
{
	struct files_struct *fs = current->files;
	struct file *f;

	if (!fs || fd < 0 || fd >= fs->max_fds || !(f = fs->fd[fd]))
		return NULL;
	file_get(f);
	return f;
}

struct file *fd_get(int fd)
{
	struct file *f = fd_get_raw(fd);

	if (f && (f->flags & O_PATH)) {
		file_put(f);
		return NULL;
	}
	return f;
}

int fd_install(struct file *f, int minfd, bool cloexec)
{
	struct files_struct *fs = current->files;
	int limit = (int)fd_limit(), fd, err;

	if (!fs)
		return -EMFILE;
	if (minfd < 0)
		return -EINVAL;
	fd = max(minfd, fs->next_fd);
	while (fd < fs->max_fds && fd < limit && fs->fd[fd])
		fd++;
	if (fd >= limit)
		return -EMFILE;
	err = files_expand(fs, fd);
	if (err)
		return err;
	fs->fd[fd] = f;
	cloexec_assign(fs, fd, cloexec);
	if (minfd <= fs->next_fd)
		fs->next_fd = fd + 1;
	return fd;
}

/*
 * Install f at descriptor fd (taking over the caller's reference on success), closing the
 * file that was there. -EBADF when fd is outside the limit, -ENOMEM.
 */
int fd_install_at(struct file *f, int fd, bool cloexec)
{
	struct files_struct *fs = current->files;
	int err;

	if (!fs || fd < 0 || (unsigned long)fd >= fd_limit())
		return -EBADF;
	err = files_expand(fs, fd);
	if (err)
		return err;
	if (fs->fd[fd])
		files_close_slot(fs, fd);
	fs->fd[fd] = f;
	cloexec_assign(fs, fd, cloexec);
	return fd;
}

/* Close descriptor fd of current: 0 or -EBADF. */
int fd_close(int fd)
{
	struct files_struct *fs = current->files;

	if (!fs || fd < 0 || fd >= fs->max_fds || !fs->fd[fd])
		return -EBADF;
	files_close_slot(fs, fd);
	return 0;
}

/* FD_CLOEXEC or 0 for descriptor fd, or -EBADF. */
int fd_get_cloexec(int fd)
{
	struct files_struct *fs = current->files;

	if (!fs || fd < 0 || fd >= fs->max_fds || !fs->fd[fd])
		return -EBADF;
	return cloexec_test(fs, fd) ? FD_CLOEXEC : 0;
}

/* Set or clear close-on-exec of descriptor fd: 0 or -EBADF. */
int fd_set_cloexec(int fd, bool on)
{
	struct files_struct *fs = current->files;

	if (!fs || fd < 0 || fd >= fs->max_fds || !fs->fd[fd])
		return -EBADF;
	cloexec_assign(fs, fd, on);
	return 0;
}

/* ---- fs_struct */

/* A copy of old (root and cwd referenced again) for fork without CLONE_FS. */
struct fs_struct *fs_struct_copy(struct fs_struct *old)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs->root = old->root;
	fs->pwd = old->pwd;
	fs->umask = old->umask;
	path_get(&fs->root);
	path_get(&fs->pwd);
	return fs;
}

/* Drop a reference; the last one releases root and cwd. NULL is ignored. */
void fs_struct_put(struct fs_struct *fs)
{
	if (!fs)
		return;
	BUG_ON(fs->refcount <= 0);
	if (--fs->refcount > 0)
		return;
	path_put(&fs->root);
	path_put(&fs->pwd);
	kfree(fs);
}

/* ---- system calls */

long sys_close(const struct sc_args *a)
{
	return fd_close((int)a->arg[0]);
}

long sys_dup(const struct sc_args *a)
{
	struct file *f = fd_get_raw((int)a->arg[0]);
	int fd;

	if (!f)
		return -EBADF;
	fd = fd_install(f, 0, false);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long do_dup3(int oldfd, int newfd, bool cloexec)
{
	struct file *f = fd_get_raw(oldfd);
	int r;

	if (!f)
		return -EBADF;
	r = fd_install_at(f, newfd, cloexec);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup2(const struct sc_args *a)
{
	int oldfd = (int)a->arg[0], newfd = (int)a->arg[1];

	if (oldfd == newfd)
		return fd_get_cloexec(oldfd) < 0 ? -EBADF : newfd;
	return do_dup3(oldfd, newfd, false);
}

long sys_dup3(const struct sc_args *a)
{
	int oldfd = (int)a->arg[0], newfd = (int)a->arg[1];
	unsigned flags = (unsigned)a->arg[2];

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup3(oldfd, newfd, flags & O_CLOEXEC);
}

static long fcntl_setfl(struct file *f, unsigned long arg)
{
	if ((arg & O_NOATIME) && !(f->flags & O_NOATIME) && !inode_owner_or_root(f->inode))
		return -EPERM;
	if (((arg ^ f->flags) & O_APPEND) && IS_APPEND(f->inode))
		return -EPERM; /* O_APPEND stays on an append-only file */
	f->flags = (f->flags & ~SETFL_MASK) | (arg & SETFL_MASK);
	return 0;
}

/* fcntl commands that work on any descriptor, O_PATH ones included. */
static long fcntl_fd_cmd(int fd, struct file *f, unsigned cmd, unsigned long arg)
{
	int r;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= fd_limit())
			return -EINVAL;
		file_get(f);
		r = fd_install(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		return r;
	case F_GETFD:
		return fd_get_cloexec(fd);
	case F_SETFD:
		return fd_set_cloexec(fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return f->flags;
	}
	return -ENOSYS; /* not one of these */
}

static long fcntl_file_cmd(struct file *f, unsigned cmd, unsigned long arg)
{
	switch (cmd) {
	case F_SETFL:
		return fcntl_setfl(f, arg);
	case F_GETLK:
		return locks_fcntl_getlk(f, arg);
	case F_SETLK:
	case F_SETLKW:
		return locks_fcntl_setlk(f, arg, cmd == F_SETLKW);
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		return pipe_fcntl(f, cmd, arg);
	case F_GETOWN:
	case F_GETSIG:
		return 0; /* no SIGIO delivery: no owner, default signal */
	case F_SETOWN:
	case F_SETSIG:
		return 0;
	case F_GETLEASE:
		return F_UNLCK;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		return memfd_fcntl(f, cmd, arg);
	case F_NOTIFY:
		return dnotify_fcntl(f, arg);
	default:
		return -EINVAL; /* OFD locks, leases */
	}
}

long sys_fcntl(const struct sc_args *a)
{
	int fd = (int)a->arg[0];
	unsigned cmd = (unsigned)a->arg[1];
	unsigned long arg = a->arg[2];
	struct file *f = fd_get_raw(fd);
	long r;

	if (!f)
		return -EBADF;
	r = fcntl_fd_cmd(fd, f, cmd, arg);
	if (r == -ENOSYS)
		r = (f->flags & O_PATH) ? -EBADF : fcntl_file_cmd(f, cmd, arg);
	file_put(f);
	return r;
}

/* close_range(CLOSE_RANGE_UNSHARE): give current a private copy of its table. */
static int files_unshare(void)
{
	struct files_struct *fs = current->files, *copy;

	if (!fs || fs->refcount == 1)
		return 0;
	copy = files_copy(fs);
	if (!copy)
		return -ENOMEM;
	current->files = copy;
	files_put(fs);
	return 0;
}

long sys_close_range(const struct sc_args *a)
{
	unsigned first = (unsigned)a->arg[0], last = (unsigned)a->arg[1];
	unsigned flags = (unsigned)a->arg[2];
	struct files_struct *fs;
	int r;

	if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) || first > last)
		return -EINVAL;
	if ((flags & CLOSE_RANGE_UNSHARE) && (r = files_unshare()) < 0)
		return r;
	fs = current->files;
	if (!fs)
		return 0;
	for (unsigned fd = first; fd <= last && fd < (unsigned)fs->max_fds; fd++) {
		if (!fs->fd[fd])
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			cloexec_assign(fs, (int)fd, true);
		else
			files_close_slot(fs, (int)fd);
	}
	return 0;
}
