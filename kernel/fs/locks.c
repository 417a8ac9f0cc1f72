/*
 * Advisory file locks (VFS layer, beside the open-file code): BSD flock(2) locks and POSIX
 * record locks (fcntl F_GETLK / F_SETLK / F_SETLKW).
 *
 * flock locks belong to an open file description (struct file): one lock per file, shared
 * or exclusive, dropped when the last reference to the file goes (locks_remove_flock). A
 * conversion drops the old lock before waiting for the new one, as Linux does.
 *
 * POSIX locks belong to a process, whose owner token is its descriptor table (current->
 * files; threads share it, fork gives the child another, so locks are not inherited). A
 * lock covers the inclusive byte range [start, end], end = OFFSET_MAX meaning "to end of
 * file and beyond". An owner's locks on an inode never overlap, and two of the same type
 * never touch (they are merged); setting a range splits, trims or replaces what was there.
 * Closing any descriptor of an inode drops all the owner's locks on it (locks_remove_posix,
 * called by file.c), as POSIX demands.
 *
 * Both kinds live on global lists (few locks exist at a time). Waiters sleep on one wait
 * queue that every release wakes; each re-checks its own conflict. No deadlock detection.
 * Locks hold no inode reference: an open file of the inode always outlives them.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"

#include <linux/fs.h>

#define OFFSET_MAX ((loff_t)0x7fffffffffffffffLL)

struct flock_lock {
	struct list_head link; /* in flock_list */
	struct inode *inode;
	struct file *file;     /* the description holding the lock (no extra reference) */
	bool exclusive;
};

struct posix_lock {
	struct list_head link; /* in posix_list */
	struct inode *inode;
	void *owner;           /* the owner's files_struct (only compared) */
	int pid;               /* shown by F_GETLK */
	short type;            /* F_RDLCK or F_WRLCK */
	loff_t start, end;     /* inclusive */
};

static LIST_HEAD(flock_list);
static LIST_HEAD(posix_list);
static DEFINE_WAIT_QUEUE(locks_wait);

/* ---- flock */

static struct flock_lock *flock_find(struct file *f)
{
	struct flock_lock *l;

	list_for_each_entry(l, &flock_list, link) {
		if (l->file == f)
			return l;
	}
	return NULL;
}

static void flock_drop(struct flock_lock *l)
{
	list_del(&l->link);
	kfree(l);
	wake_up(&locks_wait);
}

static bool flock_conflict(struct file *f, bool exclusive)
{
	struct flock_lock *l;

	list_for_each_entry(l, &flock_list, link) {
		if (l->inode == f->inode && l->file != f && (exclusive || l->exclusive))
			return true;
	}
	return false;
}

/* flock(2) on f: LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB. 0 or -errno. */
int locks_flock(struct file *f, unsigned cmd)
{
	bool nonblock = cmd & LOCK_NB, exclusive;
	struct flock_lock *l = flock_find(f);
	int err;

	cmd &= ~LOCK_NB;
	if (cmd == LOCK_UN) {
		if (l)
			flock_drop(l);
		return 0;
	}
	if (cmd != LOCK_SH && cmd != LOCK_EX)
		return -EINVAL;
	exclusive = cmd == LOCK_EX;
	if (l && l->exclusive == exclusive)
		return 0;
	if (l)
		flock_drop(l);
	if (flock_conflict(f, exclusive)) {
		if (nonblock)
			return -EWOULDBLOCK;
		err = wait_event_interruptible(locks_wait, !flock_conflict(f, exclusive));
		if (err)
			return err;
	}
	l = kzalloc(sizeof(*l));
	if (!l)
		return -ENOLCK;
	l->inode = f->inode;
	l->file = f;
	l->exclusive = exclusive;
	list_add_tail(&l->link, &flock_list);
	return 0;
}

void locks_remove_flock(struct file *f)
{
	struct flock_lock *l = flock_find(f);

	if (l)
		flock_drop(l);
}

/* ---- POSIX record locks */

/* The byte range a struct flock names, as Linux's flock_to_posix_lock computes it. */
static int flock_to_range(struct file *f, const struct flock *fl, loff_t *start, loff_t *end)
{
	loff_t base;

	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = (loff_t)f->inode->size;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, (loff_t)fl->l_start, start))
		return -EOVERFLOW;
	if (*start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > OFFSET_MAX - *start)
			return -EOVERFLOW;
		*end = *start + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		if (*start + fl->l_len < 0)
			return -EINVAL;
		*end = *start - 1;
		*start += fl->l_len;
	} else {
		*end = OFFSET_MAX;
	}
	return 0;
}

/* A lock of another owner that conflicts with type on [start, end], or NULL. */
static struct posix_lock *posix_conflict(struct inode *inode, void *owner, int type,
					 loff_t start, loff_t end)
{
	struct posix_lock *l;

	list_for_each_entry(l, &posix_list, link) {
		if (l->inode != inode || l->owner == owner || l->end < start || l->start > end)
			continue;
		if (type == F_WRLCK || l->type == F_WRLCK)
			return l;
	}
	return NULL;
}

/* Does l overlap or touch [start, end]? */
static bool posix_touches(const struct posix_lock *l, loff_t start, loff_t end)
{
	return (start == 0 || l->end >= start - 1) && (end == OFFSET_MAX || l->start <= end + 1);
}

/* Remove [start, end] from l (another type's lock of the owner that overlaps it). */
static void posix_trim(struct posix_lock *l, loff_t start, loff_t end, struct posix_lock **spare)
{
	struct posix_lock *tail;

	if (l->start < start && l->end > end) {
		tail = *spare; /* a split: the range is strictly inside l */
		*spare = NULL;
		*tail = *l;
		tail->start = end + 1;
		l->end = start - 1;
		list_add(&tail->link, &l->link);
	} else if (l->start < start) {
		l->end = start - 1;
	} else if (l->end > end) {
		l->start = end + 1;
	} else {
		list_del(&l->link);
		kfree(l);
	}
}

/* Make [start, end] of owner's locks on inode be of type (F_UNLCK: none). 0 or -ENOLCK. */
static int posix_apply(struct inode *inode, void *owner, int type, loff_t start, loff_t end)
{
	struct posix_lock *spare[2] = { kzalloc(sizeof(**spare)), kzalloc(sizeof(**spare)) };
	struct posix_lock *l, *n;
	loff_t lo = start, hi = end;

	if (!spare[0] || !spare[1]) {
		kfree(spare[0]);
		kfree(spare[1]);
		return -ENOLCK;
	}
	list_for_each_entry_safe(l, n, &posix_list, link) {
		if (l->inode != inode || l->owner != owner || !posix_touches(l, start, end))
			continue;
		if (l->type == type) {
			lo = min(lo, l->start);
			hi = max(hi, l->end);
			list_del(&l->link);
			kfree(l);
		} else if (l->end >= start && l->start <= end) {
			posix_trim(l, start, end, &spare[1]);
		}
	}
	if (type != F_UNLCK) {
		l = spare[0];
		spare[0] = NULL;
		*l = (struct posix_lock){ .inode = inode, .owner = owner, .pid = current->tgid,
					  .type = (short)type, .start = lo, .end = hi };
		list_add_tail(&l->link, &posix_list);
	}
	kfree(spare[0]);
	kfree(spare[1]);
	wake_up(&locks_wait);
	return 0;
}

/* fcntl(F_GETLK): describe the first lock that would block the one in *uflock. */
int locks_fcntl_getlk(struct file *f, uaddr_t uflock)
{
	struct posix_lock *c;
	struct flock fl;
	loff_t start, end;
	int err;

	if (copy_from_user(&fl, uflock, sizeof(fl)))
		return -EFAULT;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK)
		return -EINVAL;
	err = flock_to_range(f, &fl, &start, &end);
	if (err)
		return err;
	c = posix_conflict(f->inode, current->files, fl.l_type, start, end);
	if (c) {
		fl.l_type = c->type;
		fl.l_whence = SEEK_SET;
		fl.l_start = c->start;
		fl.l_len = c->end == OFFSET_MAX ? 0 : c->end - c->start + 1;
		fl.l_pid = c->pid;
	} else {
		fl.l_type = F_UNLCK;
	}
	return copy_to_user(uflock, &fl, sizeof(fl)) ? -EFAULT : 0;
}

/* fcntl(F_SETLK / F_SETLKW when wait): take or release a record lock. */
int locks_fcntl_setlk(struct file *f, uaddr_t uflock, bool wait)
{
	void *owner = current->files;
	struct flock fl;
	loff_t start, end;
	int err;

	if (copy_from_user(&fl, uflock, sizeof(fl)))
		return -EFAULT;
	if ((fl.l_type == F_RDLCK && !(f->mode & FMODE_READ)) ||
	    (fl.l_type == F_WRLCK && !(f->mode & FMODE_WRITE)))
		return -EBADF;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
		return -EINVAL;
	err = flock_to_range(f, &fl, &start, &end);
	if (err)
		return err;
	if (fl.l_type != F_UNLCK && posix_conflict(f->inode, owner, fl.l_type, start, end)) {
		if (!wait)
			return -EAGAIN;
		err = wait_event_interruptible(
			locks_wait, !posix_conflict(f->inode, owner, fl.l_type, start, end));
		if (err)
			return err;
	}
	return posix_apply(f->inode, owner, fl.l_type, start, end);
}

void locks_remove_posix(struct inode *inode, void *owner)
{
	struct posix_lock *l, *n;
	bool any = false;

	list_for_each_entry_safe(l, n, &posix_list, link) {
		if (l->inode == inode && l->owner == owner) {
			list_del(&l->link);
			kfree(l);
			any = true;
		}
	}
	if (any)
		wake_up(&locks_wait);
}
