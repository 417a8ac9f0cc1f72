/*
 * System V shared memory: shmget, shmat, shmdt, shmctl.
 *
 * A segment is an unlinked file of the kernel's internal tmpfs, named "SYSV%08x" after
 * its key so that /proc/PID/maps shows "/SYSV0000abcd (deleted)" as Linux does. Every
 * shmat makes an attach file (on the segment's inode, f_op shm_attach_fops) and maps it
 * MAP_SHARED; each VMA of the attach holds a reference on that file, so fork (VMAs copied),
 * munmap, exec and exit change the attach count with no hook of their own: nattch is the
 * sum of the references of the segment's live attach files, as Linux counts its VMAs. An
 * attach file going away (its last VMA unmapped) is the last detach that may destroy a
 * segment IPC_RMID marked SHM_DEST.
 */
#include "kernel.h"
#include "fs.h"
#include "mm.h"
#include "page.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "as-layout.h"
#include "ipc_internal.h"
#include "../fs/procfs/procfs.h"

#include <linux/fcntl.h>
#include <asm/shmbuf.h>

/*
 * From <linux/shm.h>, which pulls in the C library's <unistd.h> outside the kernel and so
 * cannot be included here.
 */
#define SHM_NORESERVE 010000
#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#define SHM_STAT 13
#define SHM_INFO 14
#define SHM_STAT_ANY 15

struct shm_info {
	int used_ids;
	unsigned long shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

#define SHM_DEST 01000
#define SHM_LOCKED 02000
#define SHMLBA PAGE_SIZE

struct shm_seg {
	struct ipc_obj obj;      /* first: container_of */
	struct file *file;       /* the tmpfs file (one reference) */
	u64 size;                /* shm_segsz */
	s64 atime, dtime, ctime;
	int cpid, lpid;
	struct list_head attaches; /* of struct shm_attach */
};

/* One shmat: its file is what the attach's VMAs map (file->private points here). */
struct shm_attach {
	struct list_head link;   /* in seg->attaches */
	struct shm_seg *seg;     /* holds a reference on seg->obj */
	struct file *file;       /* not referenced: its VMAs hold it, release unlinks us */
};

static unsigned long shm_tot; /* pages of all segments (SHMALL, SHM_INFO) */

static struct shm_seg *to_seg(struct ipc_obj *o)
{
	return container_of(o, struct shm_seg, obj);
}

static void shm_free(struct ipc_obj *o)
{
	struct shm_seg *s = to_seg(o);

	shm_tot -= ALIGN_UP(s->size, PAGE_SIZE) >> PAGE_SHIFT;
	file_put(s->file);
	kfree(s);
}

static unsigned long shm_nattch(struct shm_seg *s)
{
	struct shm_attach *a;
	unsigned long n = 0;

	list_for_each_entry(a, &s->attaches, link)
		n += (unsigned long)a->file->refcount;
	return n;
}

/* Destroy s now when it is marked for removal and nothing maps it. */
static void shm_maybe_destroy(struct shm_seg *s)
{
	if ((s->obj.mode & SHM_DEST) && shm_nattch(s) == 0)
		ipc_remove(&ipc_shm_ids, &s->obj);
}

/* The last VMA of an attach went (shmdt, munmap, exec, exit). */
static void shm_attach_release(struct inode *inode, struct file *f)
{
	struct shm_attach *a = f->private;
	struct shm_seg *s = a->seg;

	list_del(&a->link);
	kfree(a);
	s->dtime = ipc_now();
	s->lpid = current->tgid;
	shm_maybe_destroy(s);
	ipc_obj_put(&s->obj);
}

static const struct file_operations shm_attach_fops = {
	.release = shm_attach_release,
};

static long shm_create(s32 key, int flg, void *arg)
{
	u64 size = *(u64 *)arg;
	u64 pages = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;
	char name[16];
	struct shm_seg *s;
	int r;

	if (size < 1 || size > ipc_limits.shm_ctlmax)
		return -EINVAL;
	if (shm_tot + pages < shm_tot || shm_tot + pages > ipc_limits.shm_ctlall)
		return -ENOSPC;
	/* Linux's heuristic overcommit: more than all memory is refused unless NORESERVE. */
	if (size > (1ULL << 47) || (pages > page_nr_total() && !(flg & SHM_NORESERVE)))
		return -ENOMEM;
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	ksnprintf(name, sizeof(name), "SYSV%08x", (u32)key);
	s->file = tmpfs_anon_file(name, size);
	if (IS_ERR(s->file)) {
		r = (int)PTR_ERR(s->file);
		kfree(s);
		return r;
	}
	r = memfd_set_proc_name(s->file, name);
	s->obj.key = key;
	s->obj.mode = (u32)flg & 0777;
	s->obj.free = shm_free;
	if (r == 0)
		r = ipc_add(&ipc_shm_ids, &s->obj, ipc_limits.shm_ctlmni);
	if (r < 0) {
		file_put(s->file);
		kfree(s);
		return r;
	}
	INIT_LIST_HEAD(&s->attaches);
	s->size = size;
	s->ctime = ipc_now();
	s->cpid = current->tgid;
	shm_tot += pages;
	return s->obj.id;
}

static int shm_check(struct ipc_obj *o, void *arg)
{
	return to_seg(o)->size < *(u64 *)arg ? -EINVAL : 0;
}

long sys_shmget(const struct sc_args *a)
{
	s32 key = (s32)a->arg[0];
	u64 size = a->arg[1];
	int flg = (int)a->arg[2];

	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	return ipc_get(&ipc_shm_ids, key, flg, shm_create, shm_check, &size);
}

/* The attach address for shmat's addr and flags, or -EINVAL. */
static long shm_attach_addr(uaddr_t addr, int flg, u64 len)
{
	if (addr & (SHMLBA - 1)) {
		if (!(flg & SHM_RND))
			return -EINVAL;
		addr = ALIGN_DOWN(addr, SHMLBA);
		if (!addr && (flg & SHM_REMAP))
			return -EINVAL;
	}
	if (addr && (addr + len > UM_TASK_SIZE || addr + len < addr))
		return -ENOMEM; /* as mmap's MAP_FIXED past the top of the address space */
	return (long)addr;
}

/* Map s at addr (0: anywhere) for current: the address or -errno. */
static long shm_map(struct shm_seg *s, uaddr_t addr, int flg)
{
	bool ro = flg & SHM_RDONLY;
	u64 len = ALIGN_UP(s->size, PAGE_SIZE);
	unsigned prot = PROT_READ | (ro ? 0 : PROT_WRITE) | ((flg & SHM_EXEC) ? PROT_EXEC : 0);
	struct shm_attach *at = kzalloc(sizeof(*at));
	struct vma *v;
	long r;

	if (!at)
		return -ENOMEM;
	at->file = file_alloc_anon(s->file->inode, &shm_attach_fops, ro ? O_RDONLY : O_RDWR, at);
	if (IS_ERR(at->file)) {
		kfree(at);
		return -ENOMEM;
	}
	at->seg = s;
	ipc_obj_get(&s->obj);
	list_add_tail(&at->link, &s->attaches);
	v = addr ? vma_find_next(current->mm, addr) : NULL;
	if (addr && !(flg & SHM_REMAP) && v && v->start < addr + len)
		r = -EINVAL;
	else
		r = mm_map_region(current->mm, addr, len, prot, VM_SHARED | (ro ? VM_NOWRITE : 0),
				  at->file, 0, addr != 0);
	if (r >= 0) {
		s->atime = ipc_now();
		s->lpid = current->tgid;
	}
	file_put(at->file); /* the VMA holds its own; on failure this releases the attach */
	return r;
}

long sys_shmat(const struct sc_args *a)
{
	int id = (int)a->arg[0];
	int flg = (int)a->arg[2];
	struct ipc_obj *o;
	long addr;
	int want = (flg & SHM_RDONLY) ? 0444 : 0666;

	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	o = ipc_find_id(&ipc_shm_ids, id);
	if (!o)
		return -EINVAL;
	addr = shm_attach_addr(a->arg[1], flg, ALIGN_UP(to_seg(o)->size, PAGE_SIZE));
	if (addr < 0)
		return addr;
	if (ipc_perms(o, want | ((flg & SHM_EXEC) ? 0111 : 0)) < 0)
		return -EACCES;
	return shm_map(to_seg(o), (uaddr_t)addr, flg);
}

/* Is v a VMA of a System V attach? */
static bool shm_vma(const struct vma *v)
{
	return v && v->file && v->file->f_op == &shm_attach_fops;
}

long sys_shmdt(const struct sc_args *a)
{
	uaddr_t addr = a->arg[0];
	struct mm *mm = current->mm;
	struct vma *v;
	struct file *f;
	struct shm_seg *s;
	uaddr_t end;

	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	v = vma_find(mm, addr);
	if (!shm_vma(v) || v->start != addr || v->pgoff != 0)
		return -EINVAL;
	f = v->file;
	s = ((struct shm_attach *)f->private)->seg;
	end = addr + ALIGN_UP(s->size, PAGE_SIZE);
	ipc_obj_get(&s->obj);
	s->dtime = ipc_now();
	s->lpid = current->tgid;
	while ((v = vma_find_next(mm, addr)) && v->start < end) {
		addr = v->end;
		if (v->file == f)
			mm_unmap_region(mm, v->start, v->end - v->start);
	}
	ipc_obj_put(&s->obj);
	return 0;
}

static void shm_fill_ds(struct shm_seg *s, struct shmid64_ds *ds)
{
	memset(ds, 0, sizeof(*ds));
	ipc_fill_perm(&s->obj, &ds->shm_perm);
	ds->shm_segsz = s->size;
	ds->shm_atime = s->atime;
	ds->shm_dtime = s->dtime;
	ds->shm_ctime = s->ctime;
	ds->shm_cpid = s->cpid;
	ds->shm_lpid = s->lpid;
	ds->shm_nattch = shm_nattch(s);
}

static long shm_info_cmd(int cmd, uaddr_t buf)
{
	int maxidx = ipc_shm_ids.max_idx < 0 ? 0 : ipc_shm_ids.max_idx;

	if (cmd == IPC_INFO) {
		struct shminfo64 si = {
			.shmmax = ipc_limits.shm_ctlmax, .shmmin = 1,
			.shmmni = (unsigned long)ipc_limits.shm_ctlmni,
			.shmseg = (unsigned long)ipc_limits.shm_ctlmni,
			.shmall = ipc_limits.shm_ctlall,
		};

		if (copy_to_user(buf, &si, sizeof(si)))
			return -EFAULT;
	} else {
		struct shm_info si = { .used_ids = ipc_shm_ids.in_use, .shm_tot = shm_tot };

		for (int i = 0; i <= ipc_shm_ids.max_idx; i++) {
			struct ipc_obj *o = ipc_shm_ids.slot[i];

			if (o)
				si.shm_rss += (unsigned long)(to_seg(o)->file->inode->blocks >> 3);
		}
		if (copy_to_user(buf, &si, sizeof(si)))
			return -EFAULT;
	}
	return maxidx;
}

static long shm_stat(struct shm_seg *s, int cmd, uaddr_t buf)
{
	struct shmid64_ds ds;

	if (cmd != SHM_STAT_ANY && ipc_perms(&s->obj, 0444) < 0)
		return -EACCES;
	shm_fill_ds(s, &ds);
	if (copy_to_user(buf, &ds, sizeof(ds)))
		return -EFAULT;
	return cmd == IPC_STAT ? 0 : s->obj.id;
}

static long shm_set(struct shm_seg *s, int cmd, uaddr_t buf)
{
	struct shmid64_ds ds;

	if (cmd == IPC_SET && copy_from_user(&ds, buf, sizeof(ds)))
		return -EFAULT;
	if (!ipc_is_owner(&s->obj))
		return -EPERM;
	switch (cmd) {
	case IPC_SET:
		ipc_set_perm(&s->obj, &ds.shm_perm);
		s->ctime = ipc_now();
		return 0;
	case IPC_RMID:
		s->obj.mode |= SHM_DEST;
		s->obj.key = IPC_PRIVATE;
		if (shm_nattch(s) == 0)
			ipc_remove(&ipc_shm_ids, &s->obj);
		return 0;
	case SHM_LOCK:
		s->obj.mode |= SHM_LOCKED;
		return 0;
	default:
		s->obj.mode &= ~(u32)SHM_LOCKED;
		return 0;
	}
}

long sys_shmctl(const struct sc_args *a)
{
	int id = (int)a->arg[0];
	int cmd = (int)a->arg[1] & ~IPC_64;
	uaddr_t buf = a->arg[2];
	struct ipc_obj *o;

	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	if (cmd == IPC_INFO || cmd == SHM_INFO)
		return shm_info_cmd(cmd, buf);
	if (cmd != IPC_STAT && cmd != SHM_STAT && cmd != SHM_STAT_ANY && cmd != IPC_SET &&
	    cmd != IPC_RMID && cmd != SHM_LOCK && cmd != SHM_UNLOCK)
		return -EINVAL;
	if (id < 0)
		return -EINVAL;
	o = ipc_ctl_lookup(&ipc_shm_ids, id, cmd == SHM_STAT || cmd == SHM_STAT_ANY);
	if (!o)
		return -EINVAL;
	if (cmd == IPC_STAT || cmd == SHM_STAT || cmd == SHM_STAT_ANY)
		return shm_stat(to_seg(o), cmd, buf);
	return shm_set(to_seg(o), cmd, buf);
}


void shm_proc_line(struct procfs_buf *b, struct ipc_obj *o)
{
	struct shm_seg *s = to_seg(o);

	procfs_printf(b, "%10d %10d  %4o %21llu %5u %5u  %5lu %5u %5u %5u %5u %10lld %10lld %10lld "
		      "%21llu %21u\n", o->key, o->id, o->mode, (unsigned long long)s->size,
		      s->cpid, s->lpid, shm_nattch(s), o->uid, o->gid, o->cuid, o->cgid,
		      (long long)s->atime, (long long)s->dtime, (long long)s->ctime,
		      (unsigned long long)s->file->inode->blocks * 512, 0);
}
