/*
 * epoll: epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2 and
 * the epoll file itself (VFS layer, above the files' ->poll methods and wait queues).
 *
 * An epoll instance (struct eventpoll) holds one item (struct epitem) per registered
 * (file, fd) pair, in a small hash. Adding an item calls the file's ->poll once with a
 * poll table whose poll_wait queues a callback entry (struct ep_entry) on each of the
 * file's wait queues. When the file wakes a queue, the callback puts the item on the ready
 * list and wakes the instance's waiters: epoll_wait never scans the registered files, it
 * only re-polls the items on the ready list to learn their current events (level-triggered
 * items go back on the list after being reported; edge-triggered ones wait for the next
 * wake-up; EPOLLONESHOT items are disabled until EPOLL_CTL_MOD).
 *
 * Lifetime: items hold no reference on their file. A file's items are chained from
 * file->f_ep, and file_put removes them when the last reference to the open file goes
 * (not when one of several descriptors is closed, as on Linux). An epoll file can be
 * registered in another epoll instance (its ->poll reports POLLIN while it has ready
 * items); cycles and chains deeper than EP_MAX_NESTS are refused with ELOOP.
 *
 * One guest CPU and no kernel preemption: callbacks run from wake_up in process or timer
 * context and never concurrently with this code, so no locks are needed.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/eventpoll.h>
#include <linux/time_types.h>

#define EP_HASH 64
#define EP_MAX_NESTS 4
#define EP_BATCH 32 /* events copied to the guest at a time */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_EXCLUSIVE_OK (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | \
			 EPOLLEXCLUSIVE)
#define EP_MAX_EVENTS (0x7fffffff / (int)sizeof(struct epoll_event))
#define EP_FOREVER UINT64_MAX
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL

struct eventpoll {
	struct list_head hash[EP_HASH]; /* of struct epitem, by (file, fd) */
	struct list_head rdllist;       /* ready items, in wake-up order */
	struct wait_queue_head wq;      /* tasks in epoll_wait */
	struct wait_queue_head poll_wq; /* pollers of the epoll file (poll, select, epoll) */
	struct file *file;              /* our own file (no reference) */
};

struct epitem;

/* The callback entry of an item on one of its file's wait queues. */
struct ep_entry {
	struct wait_entry we;
	struct epitem *epi;
	struct ep_entry *next;
};

struct epitem {
	struct list_head hlink;   /* in ep->hash[] */
	struct list_head rdllink; /* in ep->rdllist while ready; empty otherwise */
	struct epitem *fnext;     /* next item of the same file (chain from file->f_ep) */
	struct eventpoll *ep;
	struct file *file;        /* no reference: eventpoll_release removes us first */
	int fd;
	bool queue_failed;        /* a wait-queue registration could not be allocated */
	struct ep_entry *entries; /* our callbacks on the file's wait queues */
	struct epoll_event event; /* events asked (| EPOLLERR | EPOLLHUP) and user data */
};

/* The poll table an item's first ->poll call is given. */
struct ep_pqueue {
	struct poll_table pt;
	struct epitem *epi;
};

static const struct file_operations eventpoll_fops;

static bool is_epoll_file(const struct file *f)
{
	return f->f_op == &eventpoll_fops;
}

static unsigned ep_hash(const struct file *f, int fd)
{
	return (unsigned)(((uintptr_t)f >> 6) ^ (unsigned)fd) % EP_HASH;
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct epitem *epi;

	list_for_each_entry(epi, &ep->hash[ep_hash(f, fd)], hlink) {
		if (epi->file == f && epi->fd == fd)
			return epi;
	}
	return NULL;
}

/* ---- readiness */

/* Wake-up callback on a file's queue: mark the item ready, wake the instance's waiters. */
static bool ep_poll_callback(struct wait_entry *we, unsigned key)
{
	struct epitem *epi = container_of(we, struct ep_entry, we)->epi;
	struct eventpoll *ep = epi->ep;

	if (!(epi->event.events & ~EP_PRIVATE_BITS))
		return false; /* a fired EPOLLONESHOT item */
	if (key && !(key & epi->event.events))
		return false;
	if (list_empty(&epi->rdllink))
		list_add_tail(&epi->rdllink, &ep->rdllist);
	wake_up(&ep->wq);
	wake_up_key(&ep->poll_wq, EPOLLIN | EPOLLRDNORM);
	return true;
}

static void ep_queue_proc(struct file *f, struct wait_queue_head *wq, struct poll_table *pt)
{
	struct epitem *epi = container_of(pt, struct ep_pqueue, pt)->epi;
	struct ep_entry *e = kzalloc(sizeof(*e));

	if (!e) {
		epi->queue_failed = true;
		return;
	}
	e->we.func = ep_poll_callback;
	e->we.private = epi;
	e->epi = epi;
	e->next = epi->entries;
	epi->entries = e;
	wait_add(wq, &e->we);
}

/* The events of an item now (pt: register its callbacks, on insertion only). */
static unsigned ep_item_poll(struct epitem *epi, struct poll_table *pt)
{
	struct file *f = epi->file;

	return f->f_op->poll(f, pt) & epi->event.events;
}

static void ep_make_ready(struct epitem *epi)
{
	struct eventpoll *ep = epi->ep;

	if (!list_empty(&epi->rdllink))
		return;
	list_add_tail(&epi->rdllink, &ep->rdllist);
	wake_up(&ep->wq);
	wake_up_key(&ep->poll_wq, EPOLLIN | EPOLLRDNORM);
}

/* ---- items */

static void ep_remove(struct epitem *epi)
{
	struct ep_entry *e, *next;
	struct epitem *prev = NULL, *it = epi->file->f_ep;

	for (e = epi->entries; e; e = next) {
		next = e->next;
		wait_remove(&e->we);
		kfree(e);
	}
	while (it && it != epi) {
		prev = it;
		it = it->fnext;
	}
	if (it && prev)
		prev->fnext = epi->fnext;
	else if (it)
		epi->file->f_ep = epi->fnext;
	list_del(&epi->hlink);
	list_del_init(&epi->rdllink);
	kfree(epi);
}

void eventpoll_release(struct file *f)
{
	while (f->f_ep)
		ep_remove(f->f_ep);
}

static int ep_insert(struct eventpoll *ep, const struct epoll_event *ev, struct file *tf,
		     int fd)
{
	struct epitem *epi = kzalloc(sizeof(*epi));
	struct ep_pqueue pq = { .pt.qproc = ep_queue_proc };
	unsigned revents;

	if (!epi)
		return -ENOMEM;
	INIT_LIST_HEAD(&epi->rdllink);
	epi->ep = ep;
	epi->file = tf;
	epi->fd = fd;
	epi->event = *ev;
	list_add_tail(&epi->hlink, &ep->hash[ep_hash(tf, fd)]);
	epi->fnext = tf->f_ep;
	tf->f_ep = epi;
	pq.epi = epi;
	revents = ep_item_poll(epi, &pq.pt);
	if (epi->queue_failed) {
		ep_remove(epi);
		return -ENOMEM;
	}
	if (revents)
		ep_make_ready(epi);
	return 0;
}

static int ep_modify(struct epitem *epi, const struct epoll_event *ev)
{
	epi->event = *ev;
	if (ep_item_poll(epi, NULL))
		ep_make_ready(epi);
	return 0;
}

/* ---- nesting: cycles and depth */

/* Levels of epoll instances below ep (0: none); -1 when target is among them. */
static int ep_depth_below(struct eventpoll *ep, struct eventpoll *target, int level)
{
	struct epitem *epi;
	int deepest = 0;

	if (level > EP_MAX_NESTS + 1)
		return -1;
	for (int i = 0; i < EP_HASH; i++) {
		list_for_each_entry(epi, &ep->hash[i], hlink) {
			struct eventpoll *sub;
			int d;

			if (!is_epoll_file(epi->file))
				continue;
			sub = epi->file->private;
			if (sub == target)
				return -1;
			d = ep_depth_below(sub, target, level + 1);
			if (d < 0)
				return -1;
			deepest = max(deepest, d + 1);
		}
	}
	return deepest;
}

/* Levels of epoll instances above ep (instances that contain it, transitively). */
static int ep_depth_above(struct eventpoll *ep, int level)
{
	struct epitem *epi;
	int deepest = 0;

	if (level > EP_MAX_NESTS + 1)
		return level;
	for (epi = ep->file->f_ep; epi; epi = epi->fnext)
		deepest = max(deepest, 1 + ep_depth_above(epi->ep, level + 1));
	return deepest;
}

/* Adding epoll instance tep into ep: -ELOOP for a cycle or a chain too deep. */
static int ep_loop_check(struct eventpoll *ep, struct eventpoll *tep)
{
	int below = ep_depth_below(tep, ep, 0);

	if (below < 0)
		return -ELOOP;
	if (ep_depth_above(ep, 0) + 1 + below > EP_MAX_NESTS)
		return -ELOOP;
	return 0;
}

/* ---- the epoll file */

static unsigned ep_eventpoll_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->private;
	struct epitem *epi;

	poll_wait(f, &ep->poll_wq, pt);
	list_for_each_entry(epi, &ep->rdllist, rdllink) {
		if (ep_item_poll(epi, NULL))
			return EPOLLIN | EPOLLRDNORM;
	}
	return 0;
}

static void ep_eventpoll_release(struct inode *inode, struct file *f)
{
	struct eventpoll *ep = f->private;

	for (int i = 0; i < EP_HASH; i++) {
		while (!list_empty(&ep->hash[i]))
			ep_remove(list_first_entry(&ep->hash[i], struct epitem, hlink));
	}
	kfree(ep);
}

static size_t ep_show_fdinfo(struct file *f, char *buf, size_t size)
{
	struct eventpoll *ep = f->private;
	struct epitem *epi;
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < EP_HASH; i++) {
		list_for_each_entry(epi, &ep->hash[i], hlink) {
			struct inode *in = epi->file->inode;

			if (n + 120 >= size)
				return n;
			n += ksnprintf(buf + n, size - n, "tfd: %8d events: %8x data: %16llx"
				       "  pos:%lld ino:%llx sdev:%x\n", epi->fd, epi->event.events,
				       (unsigned long long)epi->event.data,
				       (long long)epi->file->pos,
				       (unsigned long long)(in ? in->ino : 0),
				       in && in->sb ? in->sb->dev : 0);
		}
	}
	return n;
}

static const struct file_operations eventpoll_fops = {
	.release = ep_eventpoll_release,
	.poll = ep_eventpoll_poll,
	.llseek = vfs_no_llseek,
	.show_fdinfo = ep_show_fdinfo,
};

/* ---- epoll_create */

static long do_epoll_create(int flags)
{
	struct eventpoll *ep;
	struct file *f;
	int fd;

	if (!IS_ENABLED(CONFIG_EVENTFDS))
		return -ENOSYS;
	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	for (int i = 0; i < EP_HASH; i++)
		INIT_LIST_HEAD(&ep->hash[i]);
	INIT_LIST_HEAD(&ep->rdllist);
	wait_queue_init(&ep->wq);
	wait_queue_init(&ep->poll_wq);
	f = anon_inode_file("[eventpoll]", &eventpoll_fops, O_RDWR, ep);
	if (IS_ERR(f)) {
		kfree(ep);
		return PTR_ERR(f);
	}
	ep->file = f;
	fd = fd_install(f, 0, flags & EPOLL_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_epoll_create(const struct sc_args *a)
{
	if ((int)a->arg[0] <= 0)
		return -EINVAL;
	return do_epoll_create(0);
}

long sys_epoll_create1(const struct sc_args *a)
{
	return do_epoll_create((int)a->arg[0]);
}

/* ---- epoll_ctl */

/* Checks of the event of an ADD or MOD; adds EPOLLERR | EPOLLHUP. 0 or -EINVAL. */
static int ep_check_event(int op, struct epoll_event *ev, struct file *tf)
{
	if (!cred_capable(CAP_BLOCK_SUSPEND))
		ev->events &= ~EPOLLWAKEUP; /* needs CAP_BLOCK_SUSPEND; ignored anyway */
	if (ev->events & EPOLLEXCLUSIVE) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD &&
		    (is_epoll_file(tf) || (ev->events & ~EP_EXCLUSIVE_OK)))
			return -EINVAL;
	}
	ev->events |= EPOLLERR | EPOLLHUP;
	return 0;
}

static long ep_ctl(struct eventpoll *ep, int op, int fd, struct file *tf,
		   struct epoll_event *ev)
{
	struct epitem *epi = ep_find(ep, tf, fd);
	int r;

	if (op != EPOLL_CTL_DEL && op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD)
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (r = ep_check_event(op, ev, tf)))
		return r;
	if (op == EPOLL_CTL_ADD) {
		if (epi)
			return -EEXIST;
		if (is_epoll_file(tf) && (r = ep_loop_check(ep, tf->private)))
			return r;
		return ep_insert(ep, ev, tf, fd);
	}
	if (!epi)
		return -ENOENT;
	if (op == EPOLL_CTL_DEL) {
		ep_remove(epi);
		return 0;
	}
	if (epi->event.events & EPOLLEXCLUSIVE)
		return -EINVAL;
	return ep_modify(epi, ev);
}

long sys_epoll_ctl(const struct sc_args *a)
{
	int epfd = (int)a->arg[0], op = (int)a->arg[1], fd = (int)a->arg[2];
	struct epoll_event ev = { 0 };
	struct file *f, *tf;
	long r;

	if (!IS_ENABLED(CONFIG_EVENTFDS))
		return -ENOSYS;
	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, a->arg[3], sizeof(ev)))
		return -EFAULT;
	f = fd_get(epfd);
	if (!f)
		return -EBADF;
	tf = fd_get(fd);
	if (!tf) {
		file_put(f);
		return -EBADF;
	}
	if (!tf->f_op || !tf->f_op->poll)
		r = -EPERM; /* regular files and the like: always ready, not pollable */
	else if (f == tf || !is_epoll_file(f))
		r = -EINVAL;
	else
		r = ep_ctl(f->private, op, fd, tf, &ev);
	file_put(tf);
	file_put(f);
	return r;
}

/* ---- epoll_wait */

/* Move every entry of from to the front of to, in order. */
static void ep_list_move_all(struct list_head *from, struct list_head *to)
{
	while (!list_empty(from)) {
		struct list_head *e = from->prev;

		list_del(e);
		list_add(e, to);
	}
}

/*
 * Take up to max events off the transfer list tx into kev: each item is re-polled, and
 * a level-triggered one goes back on the ready list, an EPOLLONESHOT one is disabled. No
 * sleeping here, so no item can go away under us.
 */
static int ep_collect(struct eventpoll *ep, struct list_head *tx, struct epoll_event *kev,
		      int max)
{
	int n = 0;

	while (!list_empty(tx) && n < max) {
		struct epitem *epi = list_first_entry(tx, struct epitem, rdllink);

		list_del_init(&epi->rdllink);
		kev[n].events = ep_item_poll(epi, NULL);
		if (!kev[n].events)
			continue;
		kev[n++].data = epi->event.data;
		if (epi->event.events & EPOLLONESHOT)
			epi->event.events &= EP_PRIVATE_BITS;
		else if (!(epi->event.events & EPOLLET))
			list_add_tail(&epi->rdllink, &ep->rdllist);
	}
	return n;
}

/*
 * Report up to max ready items to the guest array uev, in batches copied from a kernel
 * buffer (a copy may fault pages in and sleep; items may change meanwhile). Returns the
 * count, or -EFAULT when none could be written (the events of that batch are consumed).
 * Items not reached stay ready.
 */
static long ep_send_events(struct eventpoll *ep, uaddr_t uev, int max)
{
	struct epoll_event kev[EP_BATCH];
	struct list_head tx;
	long n = 0;

	INIT_LIST_HEAD(&tx);
	ep_list_move_all(&ep->rdllist, &tx);
	while (!list_empty(&tx) && n < max) {
		int k = ep_collect(ep, &tx, kev, (int)min((long)EP_BATCH, max - n));

		if (k && copy_to_user(uev + n * sizeof(kev[0]), kev, k * sizeof(kev[0]))) {
			if (!n)
				n = -EFAULT;
			break;
		}
		n += k;
	}
	ep_list_move_all(&tx, &ep->rdllist);
	return n;
}

/* Sleep on ep->wq: 0 at the deadline, -EINTR for a signal, 1 when woken. */
static int ep_sleep(struct eventpoll *ep, u64 deadline)
{
	struct wait_entry we = { .task = current };
	int r = 1;

	wait_add(&ep->wq, &we);
	if (list_empty(&ep->rdllist)) {
		if (deadline != EP_FOREVER) {
			r = schedule_until(deadline);
		} else {
			task_set_state(current, TASK_INTERRUPTIBLE);
			if (!signal_pending(current))
				schedule();
			task_set_state(current, TASK_RUNNING);
		}
	}
	wait_remove(&we);
	if (r != 0 && signal_pending(current))
		r = -EINTR;
	return r;
}

static long ep_poll(struct eventpoll *ep, uaddr_t uev, int max, u64 deadline)
{
	bool timed_out = deadline != EP_FOREVER && ktime_now() >= deadline;
	long n;
	int r;

	for (;;) {
		n = list_empty(&ep->rdllist) ? 0 : ep_send_events(ep, uev, max);
		if (n || timed_out)
			return n;
		if (signal_pending(current))
			return -EINTR;
		r = ep_sleep(ep, deadline);
		if (r < 0)
			return r;
		timed_out = r == 0;
	}
}

static long do_epoll_wait(int epfd, uaddr_t uev, int max, u64 deadline)
{
	struct file *f;
	long r;

	if (!IS_ENABLED(CONFIG_EVENTFDS))
		return -ENOSYS;
	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	if (!access_ok(uev, (size_t)max * sizeof(struct epoll_event)))
		return -EFAULT;
	f = fd_get(epfd);
	if (!f)
		return -EBADF;
	r = is_epoll_file(f) ? ep_poll(f->private, uev, max, deadline) : -EINVAL;
	file_put(f);
	return r;
}

static u64 ep_deadline_ms(int ms)
{
	if (ms < 0)
		return EP_FOREVER;
	return ktime_now() + (u64)ms * NSEC_PER_MSEC;
}

long sys_epoll_wait(const struct sc_args *a)
{
	return do_epoll_wait((int)a->arg[0], a->arg[1], (int)a->arg[2],
			     ep_deadline_ms((int)a->arg[3]));
}

/* epoll_pwait and epoll_pwait2: wait with the guest's sigmask installed (if given). */
static long do_epoll_pwait(const struct sc_args *a, u64 deadline)
{
	uaddr_t umask = a->arg[4];
	long r;

	if (umask && (r = poll_set_sigmask(umask, a->arg[5])))
		return r;
	r = do_epoll_wait((int)a->arg[0], a->arg[1], (int)a->arg[2], deadline);
	if (umask)
		poll_restore_sigmask(r == -EINTR);
	return r;
}

long sys_epoll_pwait(const struct sc_args *a)
{
	return do_epoll_pwait(a, ep_deadline_ms((int)a->arg[3]));
}

long sys_epoll_pwait2(const struct sc_args *a)
{
	struct __kernel_timespec ts;
	u64 deadline = EP_FOREVER, ns;

	if (a->arg[3]) {
		if (copy_from_user(&ts, a->arg[3], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long long)NSEC_PER_SEC)
			return -EINVAL;
		if ((u64)ts.tv_sec < EP_FOREVER / NSEC_PER_SEC / 2) {
			ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
			deadline = ktime_now() + ns;
		}
	}
	return do_epoll_pwait(a, deadline);
}
