/*
 * inotify: inotify_init(1), inotify_add_watch, inotify_rm_watch, and the filesystem event
 * hooks the VFS calls (fsnotify_*), so every filesystem reports events the same way.
 *
 * A watch ties an instance (an open "anon_inode:inotify" file) to an inode, which it holds
 * a reference on, with a mask of IN_* events. All watches sit on one global list, scanned
 * when an event happens; the hooks in fs.h skip the call entirely while there are none.
 * Events on an inode go to its watches; the access, modify, attribute, open and close
 * events also go, with the child's name, to the watches on its parent directory (the
 * dentry the file was reached by), as Linux does. Directory events (create, delete, moves
 * with a shared cookie) go to the directory's watches with the name. Directory events
 * also go to dnotify (dnotify.c), whose F_NOTIFY marks count among the watches.
 *
 * Each instance queues at most INOTIFY_MAX_QUEUED events; beyond that one IN_Q_OVERFLOW
 * (wd -1) is queued and later events are dropped until the reader catches up. An event
 * identical to the last one queued (wd, mask, cookie, name) is merged into it. Reading
 * takes whole events (EINVAL when the first does not fit), blocking unless O_NONBLOCK;
 * poll reports POLLIN while events wait; FIONREAD gives the bytes queued. A watch ends
 * with IN_IGNORED after inotify_rm_watch, IN_ONESHOT's one event, or the inode's deletion
 * (IN_DELETE_SELF, sent when its last link goes) or its filesystem's unmount (IN_UNMOUNT).
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "sched.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <asm/ioctls.h>
#include <linux/inotify.h>
#include <linux/poll.h>

#define INOTIFY_MAX_QUEUED 16384   /* /proc/sys/fs/inotify/max_queued_events */
#define INOTIFY_MAX_INSTANCES 512  /* in all (Linux: 128 per user) */
#define INOTIFY_MAX_WATCHES 65536  /* in all */
#define EVENT_HDR ((u32)sizeof(struct inotify_event))
/* The events a directory's watch gets about a child, named. */
#define CHILD_EVENTS (IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE | IN_OPEN)

struct inotify_dev {
	struct list_head watches; /* struct inotify_watch.dev_link */
	struct list_head events;  /* struct inotify_kevent, oldest first */
	unsigned nevents;
	size_t bytes;             /* what read would return for all of them */
	int next_wd;
	struct wait_queue_head wq;
};

struct inotify_watch {
	struct list_head all_link; /* in all_watches */
	struct list_head dev_link;
	struct inotify_dev *dev;
	struct inode *inode;       /* referenced */
	int wd;
	u32 mask;
};

struct inotify_kevent {
	struct list_head link;
	int wd;
	u32 mask, cookie, len;     /* len: name bytes with NUL padding */
	char name[];
};

static LIST_HEAD(all_watches);
static unsigned nr_instances;
unsigned fsnotify_watches;

/* ---- the event queue */

static struct inotify_kevent *last_event(struct inotify_dev *dev)
{
	return list_empty(&dev->events) ? NULL :
		list_entry(dev->events.prev, struct inotify_kevent, link);
}

static void queue_event(struct inotify_dev *dev, int wd, u32 mask, u32 cookie,
			const char *name, int namelen)
{
	u32 len = namelen ? ALIGN_UP((u32)namelen + 1, EVENT_HDR) : 0;
	struct inotify_kevent *last = last_event(dev), *e;

	if (last && last->wd == wd && last->mask == mask && last->cookie == cookie &&
	    last->len == len && (!len || !strncmp(last->name, name, (size_t)namelen + 1)))
		return;
	if (dev->nevents >= INOTIFY_MAX_QUEUED) {
		if (dev->nevents > INOTIFY_MAX_QUEUED || (last && last->mask == IN_Q_OVERFLOW))
			return;
		wd = -1;
		mask = IN_Q_OVERFLOW;
		cookie = 0;
		len = namelen = 0;
	}
	e = kzalloc(sizeof(*e) + len);
	if (!e)
		return;
	e->wd = wd;
	e->mask = mask;
	e->cookie = cookie;
	e->len = len;
	if (namelen)
		memcpy(e->name, name, (size_t)namelen);
	list_add_tail(&e->link, &dev->events);
	dev->nevents++;
	dev->bytes += EVENT_HDR + len;
	wake_up_key(&dev->wq, POLLIN | POLLRDNORM);
}

static void event_free(struct inotify_dev *dev, struct inotify_kevent *e)
{
	list_del(&e->link);
	dev->nevents--;
	dev->bytes -= EVENT_HDR + e->len;
	kfree(e);
}

/* ---- watches */

static void watch_free(struct inotify_watch *w, bool ignored)
{
	if (ignored)
		queue_event(w->dev, w->wd, IN_IGNORED, 0, NULL, 0);
	list_del(&w->all_link);
	list_del(&w->dev_link);
	fsnotify_watches--;
	inode_put(w->inode);
	kfree(w);
}

static struct inotify_watch *watch_by_inode(struct inotify_dev *dev, struct inode *inode)
{
	struct inotify_watch *w;

	list_for_each_entry(w, &dev->watches, dev_link) {
		if (w->inode == inode)
			return w;
	}
	return NULL;
}

/* Queue mask (with name) to every watch on inode that asked for it. */
static void deliver(struct inode *inode, u32 mask, u32 cookie, const char *name, int namelen)
{
	struct inotify_watch *w, *n;

	list_for_each_entry_safe(w, n, &all_watches, all_link) {
		if (w->inode != inode || !(w->mask & mask & IN_ALL_EVENTS))
			continue;
		queue_event(w->dev, w->wd, mask, cookie, name, namelen);
		if (w->mask & IN_ONESHOT)
			watch_free(w, true);
	}
}

void fsnotify_event(struct inode *inode, struct dentry *d, u32 mask)
{
	u32 isdir = S_ISDIR(inode->mode) ? IN_ISDIR : 0;
	struct inotify_watch *w, *n;

	if ((mask & CHILD_EVENTS) && d && d->parent && d->parent->inode && d->parent != d) {
		deliver(d->parent->inode, mask | isdir, 0, d->name, d->namelen);
		dnotify_event(d->parent->inode, mask);
	}
	deliver(inode, mask | isdir, 0, NULL, 0);
	if (isdir)
		dnotify_event(inode, mask);
	if (mask & IN_DELETE_SELF) {
		list_for_each_entry_safe(w, n, &all_watches, all_link) {
			if (w->inode == inode)
				watch_free(w, true);
		}
	}
}

void fsnotify_name(struct inode *dir, const char *name, int len, u32 mask, u32 cookie)
{
	deliver(dir, mask, cookie, name, len);
	dnotify_event(dir, mask);
}

void fsnotify_sb_gone(struct super_block *sb)
{
	struct inotify_watch *w, *n;

	list_for_each_entry_safe(w, n, &all_watches, all_link) {
		if (w->inode->sb != sb)
			continue;
		queue_event(w->dev, w->wd, IN_UNMOUNT | (S_ISDIR(w->inode->mode) ? IN_ISDIR : 0), 0,
			    NULL, 0);
		watch_free(w, true);
	}
}

u32 fsnotify_cookie(void)
{
	static u32 next;

	return ++next ? next : ++next;
}

/* ---- the instance file */

static ssize_t inotify_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct inotify_dev *dev = f->private;
	struct inotify_kevent *e;
	size_t done = 0;
	int r;

	while (list_empty(&dev->events)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event_interruptible(dev->wq, !list_empty(&dev->events));
		if (r)
			return r;
	}
	while (!list_empty(&dev->events)) {
		struct inotify_event hdr;

		e = list_entry(dev->events.next, struct inotify_kevent, link);
		if (EVENT_HDR + e->len > to->count)
			break;
		hdr.wd = e->wd;
		hdr.mask = e->mask;
		hdr.cookie = e->cookie;
		hdr.len = e->len;
		if (iter_copy_to(to, &hdr, EVENT_HDR) != EVENT_HDR ||
		    iter_copy_to(to, e->name, e->len) != e->len)
			return done ? (ssize_t)done : -EFAULT;
		done += EVENT_HDR + e->len;
		event_free(dev, e);
	}
	return done ? (ssize_t)done : -EINVAL;
}

static unsigned inotify_poll(struct file *f, struct poll_table *pt)
{
	struct inotify_dev *dev = f->private;

	poll_wait(f, &dev->wq, pt);
	return list_empty(&dev->events) ? 0 : POLLIN | POLLRDNORM;
}

static long inotify_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct inotify_dev *dev = f->private;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return put_user((int)min(dev->bytes, (size_t)0x7fffffff), arg) ? -EFAULT : 0;
}

static void inotify_release(struct inode *inode, struct file *f)
{
	struct inotify_dev *dev = f->private;

	while (!list_empty(&dev->watches))
		watch_free(list_entry(dev->watches.next, struct inotify_watch, dev_link), false);
	while (!list_empty(&dev->events))
		event_free(dev, list_entry(dev->events.next, struct inotify_kevent, link));
	kfree(dev);
	nr_instances--;
}

static const struct file_operations inotify_fops = {
	.read = inotify_read,
	.poll = inotify_poll,
	.ioctl = inotify_ioctl,
	.release = inotify_release,
	.llseek = vfs_no_llseek,
};

/* A new instance file, "anon_inode:inotify" in /proc; ERR_PTR on failure. */
static struct file *inotify_file(unsigned flags)
{
	struct inotify_dev *dev = kzalloc(sizeof(*dev));
	struct file *f;

	if (!dev)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&dev->watches);
	INIT_LIST_HEAD(&dev->events);
	wait_queue_init(&dev->wq);
	dev->next_wd = 1;
	f = anon_inode_file("inotify", &inotify_fops, O_RDONLY | (flags & O_NONBLOCK), dev);
	if (IS_ERR(f)) {
		kfree(dev);
		return f;
	}
	nr_instances++;
	return f;
}

/* ---- system calls */

static long do_inotify_init(unsigned flags)
{
	struct file *f;
	long r;

	if (!IS_ENABLED(CONFIG_INOTIFY))
		return -ENOSYS;
	if (flags & ~(IN_CLOEXEC | IN_NONBLOCK))
		return -EINVAL;
	if (nr_instances >= INOTIFY_MAX_INSTANCES)
		return -EMFILE;
	f = inotify_file(flags);
	if (IS_ERR(f))
		return PTR_ERR(f);
	r = fd_install(f, 0, flags & IN_CLOEXEC);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_inotify_init(const struct sc_args *a)
{
	return do_inotify_init(0);
}

long sys_inotify_init1(const struct sc_args *a)
{
	return do_inotify_init((unsigned)a->arg[0]);
}

/* The instance behind descriptor fd (referenced in *fp), or -EBADF / -EINVAL. */
static long get_dev(int fd, struct file **fp, struct inotify_dev **dev)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (f->f_op != &inotify_fops) {
		file_put(f);
		return -EINVAL;
	}
	*fp = f;
	*dev = f->private;
	return 0;
}

/* Add or update the watch on inode; arg: the add_watch mask (IN_MASK_* flags included). */
static long add_watch(struct inotify_dev *dev, struct inode *inode, u32 arg)
{
	struct inotify_watch *w = watch_by_inode(dev, inode);
	u32 mask = arg & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK);

	if (w) {
		if (arg & IN_MASK_CREATE)
			return -EEXIST;
		w->mask = (arg & IN_MASK_ADD) ? w->mask | mask : mask;
		return w->wd;
	}
	if (fsnotify_watches >= INOTIFY_MAX_WATCHES)
		return -ENOSPC;
	w = kzalloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->dev = dev;
	w->inode = inode;
	inode_get(inode);
	w->wd = dev->next_wd++;
	w->mask = mask;
	list_add_tail(&w->all_link, &all_watches);
	list_add_tail(&w->dev_link, &dev->watches);
	fsnotify_watches++;
	return w->wd;
}

long sys_inotify_add_watch(const struct sc_args *a)
{
	u32 mask = (u32)a->arg[2];
	struct inotify_dev *dev;
	struct file *f;
	struct path p;
	long r;

	if (!(mask & IN_ALL_EVENTS))
		return -EINVAL;
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	r = get_dev((int)a->arg[0], &f, &dev);
	if (r < 0)
		return r;
	r = user_path(AT_FDCWD, a->arg[1], (mask & IN_DONT_FOLLOW) ? 0 : LOOKUP_FOLLOW, &p);
	if (r == 0) {
		struct inode *inode = p.dentry->inode;

		if ((mask & IN_ONLYDIR) && !S_ISDIR(inode->mode))
			r = -ENOTDIR;
		else
			r = inode_permission(inode, MAY_READ);
		if (!r)
			r = add_watch(dev, inode, mask);
		path_put(&p);
	}
	file_put(f);
	return r;
}

long sys_inotify_rm_watch(const struct sc_args *a)
{
	int wd = (int)a->arg[1];
	struct inotify_watch *w;
	struct inotify_dev *dev;
	struct file *f;
	long r = get_dev((int)a->arg[0], &f, &dev);

	if (r < 0)
		return r;
	r = -EINVAL;
	list_for_each_entry(w, &dev->watches, dev_link) {
		if (w->wd == wd) {
			watch_free(w, true);
			r = 0;
			break;
		}
	}
	file_put(f);
	return r;
}
