/*
 * memfd_create(2) and file seals (fcntl F_ADD_SEALS / F_GET_SEALS) on tmpfs files.
 *
 * A memfd is an unlinked file of the internal tmpfs instance (tmpfs_anon_file) with a
 * detached dentry named "memfd:NAME", so that ftruncate works on it and /proc/PID/fd and
 * /proc/PID/maps show "/memfd:NAME (deleted)" as Linux does. Every tmpfs regular file
 * carries seals; they start as F_SEAL_SEAL (no seal can be added), except for a memfd
 * made with MFD_ALLOW_SEALING. The rules are Linux's: F_SEAL_WRITE and F_SEAL_FUTURE_WRITE
 * refuse write(2), hole punching and new shared writable mappings (EPERM), F_SEAL_SHRINK
 * and F_SEAL_GROW refuse size changes in their direction, F_SEAL_SEAL refuses new seals,
 * and F_SEAL_WRITE cannot be added while a shared writable mapping exists (EBUSY).
 */
#include "kernel.h"
#include "fs.h"
#include "mm.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "../internal.h"
#include "tmpfs.h"

#include <linux/fcntl.h>
#include <linux/memfd.h>

#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC 0x0010U
#endif

#define SEALS_ALL \
	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | \
	 F_SEAL_EXEC)
#define SEALS_WRITE (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)
/* Linux: NAME_MAX less the "memfd:" prefix. */
#define MFD_NAME_MAX 249

static unsigned seals_of(struct inode *inode)
{
	return S_ISREG(inode->mode) && TMPFS_I(inode) ? TMPFS_I(inode)->seals : 0;
}

int memfd_check_write(struct inode *inode, u64 pos, u64 len)
{
	unsigned seals = seals_of(inode);

	if (seals & SEALS_WRITE)
		return -EPERM;
	if ((seals & F_SEAL_GROW) && pos + len > inode->size)
		return -EPERM;
	return 0;
}

int memfd_check_resize(struct inode *inode, u64 old, u64 size)
{
	unsigned seals = seals_of(inode);

	if (size < old && (seals & F_SEAL_SHRINK))
		return -EPERM;
	if (size > old && (seals & F_SEAL_GROW))
		return -EPERM;
	return 0;
}

int memfd_mmap(struct file *f, struct vma *vma)
{
	if ((vma->flags & VM_SHARED) && (vma->prot & PROT_WRITE) &&
	    (seals_of(f->inode) & SEALS_WRITE))
		return -EPERM;
	return 0;
}

bool memfd_write_sealed(struct file *f)
{
	return f->f_op == &tmpfs_file_fops && (seals_of(f->inode) & SEALS_WRITE);
}

/* Does any address space map inode shared and writable? */
static bool mapped_writable(struct inode *inode)
{
	struct task *t;
	struct vma *v;

	list_for_each_entry(t, &task_list, all_tasks) {
		if (!t->mm)
			continue;
		list_for_each_entry(v, &t->mm->vmas, link) {
			if (v->file && v->file->inode == inode && (v->flags & VM_SHARED) &&
			    (v->prot & PROT_WRITE))
				return true;
		}
	}
	return false;
}

static long add_seals(struct file *f, unsigned long arg)
{
	struct tmpfs_inode *ti = TMPFS_I(f->inode);

	if (ti->seals & F_SEAL_SEAL)
		return -EPERM;
	if ((arg & F_SEAL_WRITE) && !(ti->seals & F_SEAL_WRITE) && mapped_writable(f->inode))
		return -EBUSY;
	ti->seals |= (unsigned)arg;
	return 0;
}

/*
 * fcntl F_ADD_SEALS / F_GET_SEALS on f: -EINVAL unless f is a tmpfs regular file (memfds,
 * files of /dev/shm), else the seals or 0 / -errno.
 */
long memfd_fcntl(struct file *f, unsigned cmd, unsigned long arg)
{
	/* Linux's order of checks: the open mode first, then the seals, then the file. */
	if (cmd == F_ADD_SEALS && !(f->mode & FMODE_WRITE))
		return -EPERM;
	if (cmd == F_ADD_SEALS && (arg & ~(unsigned long)SEALS_ALL))
		return -EINVAL;
	if (f->f_op != &tmpfs_file_fops || !S_ISREG(f->inode->mode) || !TMPFS_I(f->inode))
		return -EINVAL;
	if (cmd == F_GET_SEALS)
		return TMPFS_I(f->inode)->seals;
	return add_seals(f, arg);
}

/* Give f a detached dentry called name (ftruncate and the /proc names use it). */
static int memfd_name_file(struct file *f, const char *name)
{
	struct dentry *d = dentry_alloc(NULL, name, (int)strlen(name));

	if (!d)
		return -ENOMEM;
	d->sb = f->inode->sb;
	d->flags |= DCACHE_NOCACHE;
	inode_get(f->inode);
	d_instantiate(d, f->inode);
	f->path.dentry = d;
	return 0;
}

/* A new memfd called name (a kernel string already checked); ERR_PTR on failure. */
static struct file *memfd_file(const char *name, unsigned flags)
{
	struct file *f = tmpfs_anon_file(name, 0);
	struct tmpfs_inode *ti;
	size_t len = strlen(name) + 7;

	if (IS_ERR(f))
		return f;
	ti = TMPFS_I(f->inode);
	ti->memfd_name = kmalloc(len);
	if (ti->memfd_name)
		ksnprintf(ti->memfd_name, len, "memfd:%s", name);
	if (!ti->memfd_name || memfd_name_file(f, ti->memfd_name) < 0) {
		file_put(f);
		return ERR_PTR(-ENOMEM);
	}
	f->inode->mode = S_IFREG | ((flags & MFD_NOEXEC_SEAL) ? 0666 : 0777);
	f->flags |= O_LARGEFILE;
	ti->seals = (flags & MFD_ALLOW_SEALING) ? 0 : F_SEAL_SEAL;
	if (flags & MFD_NOEXEC_SEAL)
		ti->seals = F_SEAL_EXEC;
	return f;
}

/*
 * Name the unnamed tmpfs file f for /proc (System V segments: "SYSV0000abcd"), so that
 * /proc/PID/maps shows "/NAME (deleted)". 0 or -ENOMEM.
 */
int memfd_set_proc_name(struct file *f, const char *name)
{
	struct tmpfs_inode *ti = TMPFS_I(f->inode);

	kfree(ti->memfd_name);
	ti->memfd_name = kstrdup(name);
	return ti->memfd_name ? 0 : -ENOMEM;
}

/*
 * The name /proc shows for an unnamed tmpfs file: "/memfd:NAME (deleted)" or, for shared
 * anonymous memory, "/dev/zero (deleted)". Returns its length.
 */
long memfd_proc_name(struct inode *inode, char *buf, size_t size)
{
	struct tmpfs_inode *ti = S_ISREG(inode->mode) && inode->i_fop == &tmpfs_file_fops ?
		TMPFS_I(inode) : NULL;

	if (ti && ti->memfd_name)
		return ksnprintf(buf, size, "/%s (deleted)", ti->memfd_name);
	return ksnprintf(buf, size, "/dev/zero (deleted)");
}

long sys_memfd_create(const struct sc_args *a)
{
	unsigned flags = (unsigned)a->arg[1];
	char name[MFD_NAME_MAX + 1];
	struct file *f;
	long r;

	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC))
		return -EINVAL;
	if ((flags & MFD_NOEXEC_SEAL) && (flags & MFD_EXEC))
		return -EINVAL;
	if (flags & MFD_HUGETLB)
		return -EINVAL; /* no huge pages here */
	r = strncpy_from_user(name, a->arg[0], sizeof(name));
	if (r == -ENAMETOOLONG)
		return -EINVAL;
	if (r < 0)
		return r;
	f = memfd_file(name, flags);
	if (IS_ERR(f))
		return PTR_ERR(f);
	r = fd_install(f, 0, flags & MFD_CLOEXEC);
	if (r < 0)
		file_put(f);
	return r;
}
