/*
 * Waiting for file readiness: poll tables and the system calls poll, ppoll, select and
 * pselect6 (VFS layer: above the files' ->poll methods and the scheduler's wait queues).
 *
 * A wait scans the descriptors, calling each file's ->poll (files without one are always
 * readable and writable, like regular files). The first scan passes a poll table, through
 * which ->poll registers the waiter on each wait queue that may signal a change
 * (poll_wait); every entry holds a reference on its file, so the queues stay alive until
 * the table is freed. Later scans pass no table: the first registrations stay. Between
 * scans the task sleeps until a queue wakes it (pollwake), the deadline passes
 * (schedule_until) or a signal arrives; after the deadline one last scan is made, as Linux
 * does.
 *
 * Interruption: select, pselect6 and ppoll return -ERESTARTNOHAND, which restarts the
 * call with the timeout they wrote back (the remaining time); poll with a finite timeout
 * has no such place and returns -EINTR. A ppoll/pselect6 signal mask is installed for the
 * wait with current->saved_sigmask; on -ERESTARTNOHAND current->restore_sigmask makes
 * signal delivery put the old mask back after the handler frame is built, otherwise it is
 * restored here.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/time_types.h>

#define POLL_FOREVER UINT64_MAX
#define POLL_INLINE 8
#define POLL_CHUNK_ENTRIES 64
#define POLL_FAST_FDS 16
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define POLLIN_SET (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET (POLLPRI)
#define NSEC_PER_SEC 1000000000LL

/* One registration on a wait queue. */
struct poll_entry {
	struct wait_entry we;
	struct file *file; /* holds a reference while queued */
};

struct poll_chunk {
	struct poll_chunk *next;
	int used;
	struct poll_entry e[POLL_CHUNK_ENTRIES];
};

/* select's and poll's table: the public poll_table (fs.h) and its registrations. */
struct poll_wqueues {
	struct poll_table pt; /* qproc = poll_queue */
	struct task *task;
	bool triggered;  /* a queue woke us since the last sleep */
	int error;       /* -ENOMEM when a registration could not be made */
	int inline_used;
	struct poll_entry inline_e[POLL_INLINE];
	struct poll_chunk *chunks; /* more entries, newest first */
};

/* ---- poll tables */

static void poll_queue(struct file *f, struct wait_queue_head *wq, struct poll_table *p);

static void poll_table_init(struct poll_wqueues *pt)
{
	pt->pt.qproc = poll_queue;
	pt->task = current;
	pt->triggered = false;
	pt->error = 0;
	pt->inline_used = 0;
	pt->chunks = NULL;
}

static bool pollwake(struct wait_entry *we, unsigned key)
{
	struct poll_wqueues *pt = we->private;

	pt->triggered = true;
	wake_up_process(pt->task);
	return true;
}

static struct poll_entry *poll_new_entry(struct poll_wqueues *pt)
{
	struct poll_chunk *c = pt->chunks;

	if (pt->inline_used < POLL_INLINE)
		return &pt->inline_e[pt->inline_used++];
	if (!c || c->used == POLL_CHUNK_ENTRIES) {
		c = kmalloc(sizeof(*c));
		if (!c)
			return NULL;
		c->used = 0;
		c->next = pt->chunks;
		pt->chunks = c;
	}
	return &c->e[c->used++];
}

/* Register the poller of a table on wq for file f (no-op without a table). */
void poll_wait(struct file *f, struct wait_queue_head *wq, struct poll_table *pt)
{
	if (pt && wq && pt->qproc)
		pt->qproc(f, wq, pt);
}

/* poll and select's registration: an entry holding a reference on f, waking the task. */
static void poll_queue(struct file *f, struct wait_queue_head *wq, struct poll_table *p)
{
	struct poll_wqueues *pt = container_of(p, struct poll_wqueues, pt);
	struct poll_entry *e;

	e = poll_new_entry(pt);
	if (!e) {
		pt->error = -ENOMEM;
		return;
	}
	e->file = f;
	if (f)
		file_get(f);
	e->we.task = pt->task;
	e->we.func = pollwake;
	e->we.private = pt;
	wait_add(wq, &e->we);
}

static void poll_entry_free(struct poll_entry *e)
{
	wait_remove(&e->we);
	if (e->file)
		file_put(e->file);
}

static void poll_freewait(struct poll_wqueues *pt)
{
	struct poll_chunk *c, *next;

	for (int i = 0; i < pt->inline_used; i++)
		poll_entry_free(&pt->inline_e[i]);
	for (c = pt->chunks; c; c = next) {
		next = c->next;
		for (int i = 0; i < c->used; i++)
			poll_entry_free(&c->e[i]);
		kfree(c);
	}
	pt->inline_used = 0;
	pt->chunks = NULL;
}

/*
 * Sleep until a registered queue wakes us, the deadline or a signal: 0 at the deadline,
 * -ERESTARTSYS for a signal, 1 otherwise.
 */
static int poll_sleep(struct poll_wqueues *pt, u64 deadline)
{
	int r = 1;

	if (!pt->triggered) {
		if (deadline != POLL_FOREVER) {
			r = schedule_until(deadline);
		} else {
			task_set_state(current, TASK_INTERRUPTIBLE);
			if (!signal_pending(current))
				schedule();
			task_set_state(current, TASK_RUNNING);
			r = signal_pending(current) ? -ERESTARTSYS : 1;
		}
	} else if (signal_pending(current)) {
		r = -ERESTARTSYS;
	}
	pt->triggered = false;
	return r;
}

static unsigned file_poll(struct file *f, struct poll_wqueues *pt)
{
	return f->f_op->poll ? f->f_op->poll(f, pt ? &pt->pt : NULL) : DEFAULT_POLLMASK;
}

/* ---- deadlines and timeouts */

static u64 deadline_after(u64 ns)
{
	u64 now = ktime_now();

	return ns >= POLL_FOREVER - now ? POLL_FOREVER : now + ns;
}

static bool deadline_passed(u64 deadline)
{
	return deadline != POLL_FOREVER && ktime_now() >= deadline;
}

/* A guest timespec as a deadline; -EINVAL for a negative or unnormalized one. */
static int timespec_deadline(uaddr_t uts, u64 *deadline)
{
	struct __kernel_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec >= POLL_FOREVER / NSEC_PER_SEC)
		*deadline = POLL_FOREVER;
	else
		*deadline = deadline_after((u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec);
	return 0;
}

/* Nanoseconds left until deadline (0 once passed). */
static u64 deadline_left(u64 deadline)
{
	u64 now = ktime_now();

	return deadline > now ? deadline - now : 0;
}

/*
 * Write the time left back to a guest timespec (ts: true) or timeval, as select and
 * ppoll do; a fault turns a restart into -EINTR (the call could not be restarted right).
 */
static long timeout_write_back(uaddr_t ut, bool ts, u64 deadline, long ret)
{
	u64 left = deadline_left(deadline);
	s64 v[2] = { (s64)(left / NSEC_PER_SEC), (s64)(left % NSEC_PER_SEC) };

	if (deadline == POLL_FOREVER)
		return ret;
	if (!ts)
		v[1] /= 1000;
	if (copy_to_user(ut, v, sizeof(v)) && ret == -ERESTARTNOHAND)
		return -EINTR;
	return ret;
}

/* ---- signal masks of ppoll and pselect6 */

/* Install the guest signal mask at umask for a wait (the old one kept in saved_sigmask). */
int poll_set_sigmask(uaddr_t umask, size_t size)
{
	ksigset_t mask;

	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	current->saved_sigmask = current->blocked;
	current->blocked = mask & ~SIG_KERNEL_ONLY;
	sig_recalc(current);
	return 0;
}

/*
 * Undo poll_set_sigmask: at once, or (interrupted: true) after a signal handler's frame is
 * built, so that the handler runs under the mask the call installed.
 */
void poll_restore_sigmask(bool interrupted)
{
	if (interrupted) {
		current->restore_sigmask = true;
		return;
	}
	current->blocked = current->saved_sigmask;
	sig_recalc(current);
}

/* ---- poll */

static unsigned poll_one_fd(const struct pollfd *p, struct poll_wqueues *pt)
{
	struct file *f;
	unsigned mask;

	if (p->fd < 0)
		return 0;
	f = fd_get(p->fd);
	if (!f)
		return POLLNVAL;
	mask = file_poll(f, pt);
	file_put(f);
	return mask & ((unsigned short)p->events | POLLERR | POLLHUP);
}

/* The poll loop: fills revents; returns the ready count, or -ERESTARTNOHAND, -ENOMEM. */
static long do_poll(struct pollfd *fds, unsigned nfds, u64 deadline)
{
	struct poll_wqueues table, *pt = &table;
	bool timed_out = deadline_passed(deadline);
	long count;
	int r;

	poll_table_init(&table);
	if (timed_out)
		pt = NULL;
	for (;;) {
		count = 0;
		for (unsigned i = 0; i < nfds; i++) {
			fds[i].revents = (short)poll_one_fd(&fds[i], pt);
			if (fds[i].revents)
				count++;
		}
		pt = NULL;
		if (count || timed_out)
			break;
		if (table.error) {
			count = table.error;
			break;
		}
		r = poll_sleep(&table, deadline);
		if (r < 0) {
			count = -ERESTARTNOHAND;
			break;
		}
		timed_out = r == 0;
	}
	poll_freewait(&table);
	return count;
}

/* Copy in the pollfd array, wait, copy the results out. */
static long do_sys_poll(uaddr_t ufds, unsigned long nfds, u64 deadline)
{
	struct pollfd fast[POLL_FAST_FDS], *fds = fast;
	size_t bytes = nfds * sizeof(*fds);
	long r;

	if (nfds > fd_limit())
		return -EINVAL;
	if (nfds > POLL_FAST_FDS && !(fds = kmalloc(bytes)))
		return -ENOMEM;
	r = copy_from_user(fds, ufds, bytes) ? -EFAULT : do_poll(fds, (unsigned)nfds, deadline);
	if (r != -EFAULT && copy_to_user(ufds, fds, bytes))
		r = -EFAULT;
	if (fds != fast)
		kfree(fds);
	return r;
}

long sys_poll(const struct sc_args *a)
{
	int timeout = (int)a->arg[2];
	u64 deadline = POLL_FOREVER;
	long r;

	if (timeout >= 0)
		deadline = deadline_after((u64)timeout * 1000000ULL);
	r = do_sys_poll(a->arg[0], (unsigned)a->arg[1], deadline);
	if (r == -ERESTARTNOHAND && timeout >= 0)
		r = -EINTR; /* the timeout argument cannot carry the time left */
	return r;
}

long sys_ppoll(const struct sc_args *a)
{
	uaddr_t uts = a->arg[2], umask = a->arg[3];
	u64 deadline = POLL_FOREVER;
	long r;

	if (uts && (r = timespec_deadline(uts, &deadline)))
		return r;
	if (umask && (r = poll_set_sigmask(umask, a->arg[4])))
		return r;
	r = do_sys_poll(a->arg[0], (unsigned)a->arg[1], deadline);
	if (umask)
		poll_restore_sigmask(r == -ERESTARTNOHAND);
	if (uts)
		r = timeout_write_back(uts, true, deadline, r);
	return r;
}

/* ---- select */

/* The six bitmaps of a select: in/out/ex asked, and the results. */
struct fdsets {
	u64 *in, *out, *ex, *res_in, *res_out, *res_ex;
	size_t words;
};

/* Poll one descriptor named in the sets and record what is ready; returns the bits set. */
static int select_one(struct fdsets *s, int fd, struct poll_wqueues *pt)
{
	u64 bit = 1ULL << (fd % 64);
	size_t w = fd / 64;
	struct file *f = fd_get(fd);
	unsigned mask;
	int n = 0;

	if (!f)
		return 0; /* O_PATH, or closed meanwhile by another thread */
	mask = file_poll(f, pt);
	file_put(f);
	if ((s->in[w] & bit) && (mask & POLLIN_SET)) {
		s->res_in[w] |= bit;
		n++;
	}
	if ((s->out[w] & bit) && (mask & POLLOUT_SET)) {
		s->res_out[w] |= bit;
		n++;
	}
	if ((s->ex[w] & bit) && (mask & POLLEX_SET)) {
		s->res_ex[w] |= bit;
		n++;
	}
	return n;
}

static int select_scan(struct fdsets *s, int n, struct poll_wqueues *pt)
{
	int count = 0;

	memset(s->res_in, 0, 3 * s->words * sizeof(u64));
	for (int fd = 0; fd < n; fd++) {
		size_t w = fd / 64;

		if ((s->in[w] | s->out[w] | s->ex[w]) & (1ULL << (fd % 64)))
			count += select_one(s, fd, pt);
	}
	return count;
}

/* Every descriptor named in the sets must be open: 0 or -EBADF. */
static int select_check_fds(const struct fdsets *s, int n)
{
	for (int fd = 0; fd < n; fd++) {
		size_t w = fd / 64;

		if (((s->in[w] | s->out[w] | s->ex[w]) & (1ULL << (fd % 64))) &&
		    fd_get_cloexec(fd) < 0)
			return -EBADF;
	}
	return 0;
}

static long do_select(struct fdsets *s, int n, u64 deadline)
{
	struct poll_wqueues table, *pt = &table;
	bool timed_out = deadline_passed(deadline);
	long count;
	int r;

	count = select_check_fds(s, n);
	if (count)
		return count;
	poll_table_init(&table);
	if (timed_out)
		pt = NULL;
	for (;;) {
		count = select_scan(s, n, pt);
		pt = NULL;
		if (count || timed_out)
			break;
		if (table.error) {
			count = table.error;
			break;
		}
		r = poll_sleep(&table, deadline);
		if (r < 0) {
			count = -ERESTARTNOHAND;
			break;
		}
		timed_out = r == 0;
	}
	poll_freewait(&table);
	return count;
}

static int select_get_set(uaddr_t u, u64 *set, size_t words)
{
	if (!u) {
		memset(set, 0, words * sizeof(u64));
		return 0;
	}
	return copy_from_user(set, u, words * sizeof(u64));
}

/* select's common part: uin/uout/uex are guest fd_set pointers (or 0). */
static long core_select(int n, uaddr_t uin, uaddr_t uout, uaddr_t uex, u64 deadline)
{
	u64 fast[6 * 4];
	struct fdsets s;
	size_t words;
	long r;

	if (n < 0)
		return -EINVAL;
	if (!current->files)
		return -EBADF;
	n = min(n, current->files->max_fds);
	words = DIV_ROUND_UP((size_t)n, 64);
	s.in = words * 6 <= ARRAY_SIZE(fast) ? fast : kmalloc(words * 6 * sizeof(u64));
	if (!s.in)
		return -ENOMEM;
	s.words = words;
	s.out = s.in + words;
	s.ex = s.out + words;
	s.res_in = s.ex + words;
	s.res_out = s.res_in + words;
	s.res_ex = s.res_out + words;
	if (select_get_set(uin, s.in, words) || select_get_set(uout, s.out, words) ||
	    select_get_set(uex, s.ex, words))
		r = -EFAULT;
	else
		r = do_select(&s, n, deadline);
	if (r >= 0 && ((uin && copy_to_user(uin, s.res_in, words * 8)) ||
		       (uout && copy_to_user(uout, s.res_out, words * 8)) ||
		       (uex && copy_to_user(uex, s.res_ex, words * 8))))
		r = -EFAULT;
	if (s.in != fast)
		kfree(s.in);
	return r;
}

long sys_select(const struct sc_args *a)
{
	uaddr_t utv = a->arg[4];
	struct __kernel_old_timeval tv;
	u64 deadline = POLL_FOREVER;
	long r;

	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		tv.tv_sec += tv.tv_usec / 1000000;
		tv.tv_usec %= 1000000;
		if ((u64)tv.tv_sec >= POLL_FOREVER / NSEC_PER_SEC)
			deadline = POLL_FOREVER;
		else
			deadline = deadline_after((u64)tv.tv_sec * NSEC_PER_SEC +
						  (u64)tv.tv_usec * 1000);
	}
	r = core_select((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3], deadline);
	if (utv && (tv.tv_sec || tv.tv_usec))
		r = timeout_write_back(utv, false, deadline, r);
	return r;
}

long sys_pselect6(const struct sc_args *a)
{
	uaddr_t uts = a->arg[4], usig = a->arg[5];
	u64 deadline = POLL_FOREVER, sig[2] = { 0, 0 };
	long r;

	if (uts && (r = timespec_deadline(uts, &deadline)))
		return r;
	if (usig && copy_from_user(sig, usig, sizeof(sig)))
		return -EFAULT;
	if (sig[0] && (r = poll_set_sigmask(sig[0], sig[1])))
		return r;
	r = core_select((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3], deadline);
	if (sig[0])
		poll_restore_sigmask(r == -ERESTARTNOHAND);
	if (uts)
		r = timeout_write_back(uts, true, deadline, r);
	return r;
}
