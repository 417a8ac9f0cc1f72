/*
 * Pipes and FIFOs (a VFS-level file type: anonymous inodes for pipe(2), filesystem S_IFIFO
 * inodes for named FIFOs; both end up with pipe_fops on their open files).
 *
 * A struct pipe is a byte ring of npages pages (16 by default: 64 KiB), allocated page by
 * page as data first reaches them. rd and wr are running byte counters: the data is
 * [rd, wr), at offsets modulo the ring size. Writes of at most PIPE_BUF bytes are atomic;
 * larger ones go in as room appears. Packet mode (O_DIRECT on the writing file, as in
 * Linux) records each write, split in chunks of at most a page, as a packet; a read takes
 * at most one packet and drops what it did not take of it.
 *
 * Ownership: the pipe belongs to its inode (inode->pipe) and lives while some file has it
 * open for reading or writing (readers/writers); the last release frees it, so a FIFO's
 * unread data goes away when nobody has it open, as in Linux. pipe_inode_release is the
 * safety net for an inode that dies with a pipe still attached.
 *
 * Sleeping: readers wait on rd_wait for data or for the last writer to go, writers on
 * wr_wait for room or for the last reader to go; FIFO opens wait there too for the other
 * side (r_counter/w_counter count opens, so an open that came and went still wakes them).
 * Writing with no reader sends SIGPIPE to the writer and fails with EPIPE. A reading file
 * opened O_NONBLOCK on a named FIFO with no writer keeps in f->dir_pos the writers' open
 * count, so that it sees no POLLHUP until a writer joins (Linux's f_version rule).
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "page.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <asm/ioctls.h>
#include <linux/limits.h>

#define PIPE_DEF_PAGES 16
#define PIPE_MAX_SIZE_USER (1UL << 20) /* Linux's default /proc/sys/fs/pipe-max-size */
#define PIPE_MAX_SIZE_ROOT (16UL << 20)

/* A packet of packet mode: bytes [start, end) of the running counters. */
struct pipe_pkt {
	u64 start, end;
};

struct pipe {
	struct inode *inode;      /* the owner (no reference: the inode outlives the pipe) */
	struct page **pages;      /* npages slots; NULL until data first reaches one */
	unsigned npages;          /* a power of two */
	u64 size;                 /* npages * PAGE_SIZE */
	u64 rd, wr;               /* data is [rd, wr) */
	struct pipe_pkt *pkts;    /* packet ring of npages entries (kmalloc'd on first use) */
	unsigned pkt_head, pkt_count;
	int readers, writers;     /* open files with FMODE_READ / FMODE_WRITE */
	unsigned r_counter, w_counter; /* opens of each side so far */
	struct wait_queue_head rd_wait, wr_wait;
};

static const struct file_operations pipe_fops;

/* ---- the ring */

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->pages = kzalloc(PIPE_DEF_PAGES * sizeof(*p->pages));
	if (!p->pages) {
		kfree(p);
		return NULL;
	}
	p->npages = PIPE_DEF_PAGES;
	p->size = (u64)PIPE_DEF_PAGES * PAGE_SIZE;
	wait_queue_init(&p->rd_wait);
	wait_queue_init(&p->wr_wait);
	return p;
}

static void pipe_free_pages(struct page **pages, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (pages[i])
			page_free(pages[i], 0);
	}
	kfree(pages);
}

static void pipe_free(struct pipe *p)
{
	pipe_free_pages(p->pages, p->npages);
	kfree(p->pkts);
	kfree(p);
}

/* Bytes a write can put in now; packet mode also needs a free packet slot. */
static u64 pipe_room(const struct pipe *p, bool packet)
{
	if (packet && p->pkt_count >= p->npages)
		return 0;
	return p->size - (p->wr - p->rd);
}

/* Move up to n bytes of data to the iterator; returns the bytes moved. */
static size_t pipe_copy_out(struct pipe *p, struct iov_iter *to, size_t n)
{
	size_t done = 0;

	while (done < n) {
		u64 off = p->rd % p->size;
		size_t in_page = off & ~PAGE_MASK, chunk = min(n - done, PAGE_SIZE - in_page);
		char *src = (char *)page_address(p->pages[off >> PAGE_SHIFT]) + in_page;
		size_t c = iter_copy_to(to, src, chunk);

		p->rd += c;
		done += c;
		if (c < chunk)
			break;
	}
	return done;
}

/* Move n bytes (n <= room) from the iterator into the ring; bytes moved, or -errno if none. */
static ssize_t pipe_copy_in(struct pipe *p, struct iov_iter *from, size_t n)
{
	size_t done = 0;
	ssize_t err = 0;

	while (done < n) {
		u64 off = p->wr % p->size;
		size_t in_page = off & ~PAGE_MASK, chunk = min(n - done, PAGE_SIZE - in_page), c;
		struct page **slot = &p->pages[off >> PAGE_SHIFT];

		if (!*slot && !(*slot = page_alloc(0, GFP_USER))) {
			err = -ENOMEM;
			break;
		}
		c = iter_copy_from((char *)page_address(*slot) + in_page, from, chunk);
		p->wr += c;
		done += c;
		if (c < chunk) {
			err = -EFAULT;
			break;
		}
	}
	return done ? (ssize_t)done : err;
}

/* Take data for one read: a packet, or the stream bytes before the next packet. */
static ssize_t pipe_take(struct pipe *p, struct iov_iter *to)
{
	struct pipe_pkt *k = p->pkt_count ? &p->pkts[p->pkt_head] : NULL;
	u64 limit = p->wr - p->rd;
	size_t c;

	if (k && k->start == p->rd) {
		c = pipe_copy_out(p, to, min(k->end - p->rd, (u64)to->count));
		if (!c)
			return -EFAULT;
		p->rd = k->end; /* the rest of the packet is dropped */
		p->pkt_head = (p->pkt_head + 1) % p->npages;
		p->pkt_count--;
		return (ssize_t)c;
	}
	if (k)
		limit = min(limit, k->start - p->rd);
	c = pipe_copy_out(p, to, min(limit, (u64)to->count));
	return c ? (ssize_t)c : -EFAULT;
}

/* ---- file operations */

static ssize_t pipe_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct pipe *p = f->private;
	ssize_t r;

	if (!to->count)
		return 0;
	while (p->wr == p->rd) {
		if (!p->writers)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event_interruptible(p->rd_wait, p->wr != p->rd || !p->writers);
		if (r)
			return r;
	}
	r = pipe_take(p, to);
	if (r > 0) {
		wake_up_key(&p->wr_wait, POLLOUT | POLLWRNORM);
		inode_touch(p->inode, true, false, false);
	}
	return r;
}

/* Put one step of a write in: up to n bytes, recorded as a packet in packet mode. */
static ssize_t pipe_write_step(struct pipe *p, struct iov_iter *from, size_t n, bool packet)
{
	u64 start = p->wr;
	ssize_t c;

	if (packet && !p->pkts && !(p->pkts = kmalloc(p->npages * sizeof(*p->pkts))))
		return -ENOMEM;
	c = pipe_copy_in(p, from, n);
	if (c > 0 && packet) {
		p->pkts[(p->pkt_head + p->pkt_count) % p->npages] = (struct pipe_pkt){ start, p->wr };
		p->pkt_count++;
	}
	if (c > 0)
		wake_up_key(&p->rd_wait, POLLIN | POLLRDNORM);
	return c;
}

static ssize_t pipe_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct pipe *p = f->private;
	size_t total = from->count, done = 0, need, n;
	bool packet = f->flags & O_DIRECT;
	ssize_t err = 0, c;

	if (!total)
		return 0;
	for (;;) {
		if (!p->readers) {
			sig_send_task(current, SIGPIPE, NULL);
			err = -EPIPE;
			break;
		}
		/* The room this step needs: all of an atomic write, a packet, or any. */
		need = packet ? min(total - done, PAGE_SIZE) : total <= PIPE_BUF ? total : 1;
		if (pipe_room(p, packet) >= need) {
			n = packet ? need : min(total - done, pipe_room(p, false));
			c = pipe_write_step(p, from, n, packet);
			if (c > 0)
				done += c;
			if (c < 0 || (size_t)c < n) {
				err = c < 0 ? c : -EFAULT;
				break;
			}
			if (done == total)
				break;
			continue;
		}
		if (f->flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		err = wait_event_interruptible(p->wr_wait, !p->readers || pipe_room(p, packet) >= need);
		if (err)
			break;
	}
	if (done)
		inode_touch(p->inode, false, true, true);
	return done ? (ssize_t)done : err;
}

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->private;
	unsigned mask = 0;

	poll_wait(f, &p->rd_wait, pt);
	poll_wait(f, &p->wr_wait, pt);
	if (f->mode & FMODE_READ) {
		if (p->wr != p->rd)
			mask |= POLLIN | POLLRDNORM;
		/* A FIFO reader sees no hangup before a writer has come (dir_pos: see open). */
		if (!p->writers && f->dir_pos != p->w_counter)
			mask |= POLLHUP;
	}
	if (f->mode & FMODE_WRITE) {
		if (pipe_room(p, f->flags & O_DIRECT) >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct pipe *p = f->private;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return put_user((int)min(p->wr - p->rd, (u64)0x7fffffff), arg) ? -EFAULT : 0;
}

static void pipe_wake_all(struct pipe *p)
{
	wake_up_key(&p->rd_wait, POLLIN | POLLRDNORM | POLLHUP);
	wake_up_key(&p->wr_wait, POLLOUT | POLLWRNORM | POLLERR);
}

/* Forget p when no file has it open any more. */
static void pipe_maybe_free(struct pipe *p)
{
	if (p->readers || p->writers)
		return;
	if (p->inode)
		p->inode->pipe = NULL;
	pipe_free(p);
}

static void pipe_release(struct inode *inode, struct file *f)
{
	struct pipe *p = f->private;

	if (f->mode & FMODE_READ)
		p->readers--;
	if (f->mode & FMODE_WRITE)
		p->writers--;
	pipe_wake_all(p);
	pipe_maybe_free(p);
}

static const struct file_operations pipe_fops = {
	.release = pipe_release,
	.read = pipe_read,
	.write = pipe_write,
	.llseek = vfs_no_llseek,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
};

/* ---- FIFOs */

static int fifo_wait_partner(struct wait_queue_head *wq, const unsigned *counter)
{
	unsigned seen = *counter;

	return wait_event_interruptible(*wq, *counter != seen);
}

/*
 * Join p as a reader, a writer or both; may wait for the other side. 0 or -errno. A pipe(2)
 * reopened through /proc/PID/fd never waits (nor gives ENXIO), as on Linux: its other end
 * may be gone for good (a writer that wrote and exited before `cat /dev/stdin` opened).
 */
static int fifo_join(struct pipe *p, struct file *f)
{
	bool named = !p->inode || p->inode->sb != anon_sb();
	int err = 0;

	switch (f->mode & (FMODE_READ | FMODE_WRITE)) {
	case FMODE_READ:
		p->r_counter++;
		p->readers++;
		/*
		 * Only a named FIFO opened O_NONBLOCK with no writer hides the hangup until one
		 * comes (Linux's f_version); a reopened pipe(2) whose writer is gone shows it, or
		 * xz polling a finished <(...) waits forever.
		 */
		f->dir_pos = named && !p->writers && (f->flags & O_NONBLOCK) ? p->w_counter : 0;
		pipe_wake_all(p);
		if (named && !p->writers && !(f->flags & O_NONBLOCK))
			err = fifo_wait_partner(&p->rd_wait, &p->w_counter);
		if (err)
			p->readers--;
		return err;
	case FMODE_WRITE:
		if (named && !p->readers && (f->flags & O_NONBLOCK))
			return -ENXIO;
		p->w_counter++;
		p->writers++;
		pipe_wake_all(p);
		if (named && !p->readers)
			err = fifo_wait_partner(&p->wr_wait, &p->r_counter);
		if (err)
			p->writers--;
		return err;
	case FMODE_READ | FMODE_WRITE:
		p->r_counter++;
		p->w_counter++;
		p->readers++;
		p->writers++;
		f->dir_pos = p->w_counter;
		pipe_wake_all(p);
		return 0;
	}
	return -EINVAL;
}

/* ->open of S_IFIFO inodes: attach (or create) the inode's pipe and switch to pipe_fops. */
static int fifo_open(struct inode *inode, struct file *f)
{
	struct pipe *p = inode->pipe;
	int err;

	if (!p) {
		p = pipe_alloc();
		if (!p)
			return -ENOMEM;
		p->inode = inode;
		inode->pipe = p;
	}
	f->private = p;
	err = fifo_join(p, f);
	if (err) {
		pipe_wake_all(p);
		pipe_maybe_free(p);
		return err;
	}
	f->f_op = &pipe_fops;
	return 0;
}

const struct file_operations fifo_fops = {
	.open = fifo_open,
	.llseek = vfs_no_llseek,
};

/* The inode dies with its pipe still attached (never while files have it open). */
void pipe_inode_release(struct inode *inode)
{
	if (inode->pipe) {
		pipe_free(inode->pipe);
		inode->pipe = NULL;
	}
}

/* ---- pipe(2) */

int pipe_create(struct file **rd, struct file **wr, unsigned flags)
{
	struct inode *inode = inode_alloc(anon_sb(), S_IFIFO | 0600);
	struct pipe *p;

	if (!inode)
		return -ENOMEM;
	p = pipe_alloc();
	if (!p) {
		inode_put(inode);
		return -ENOMEM;
	}
	p->inode = inode;
	inode->pipe = p;
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	flags &= O_NONBLOCK | O_DIRECT;
	*rd = file_alloc_anon(inode, &pipe_fops, O_RDONLY | flags, p);
	*wr = file_alloc_anon(inode, &pipe_fops, O_WRONLY | flags, p);
	if (IS_ERR(*rd) || IS_ERR(*wr)) {
		/* Uncount the ends that do not exist, then drop those that do. */
		p->readers -= IS_ERR(*rd);
		p->writers -= IS_ERR(*wr);
		if (!IS_ERR(*rd))
			file_put(*rd);
		if (!IS_ERR(*wr))
			file_put(*wr);
		inode_put(inode);
		return -ENOMEM;
	}
	inode_put(inode); /* the two files hold it now */
	return 0;
}

static long do_pipe2(uaddr_t ufds, int flags)
{
	struct file *rd, *wr;
	int fds[2], err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	err = pipe_create(&rd, &wr, flags);
	if (err)
		return err;
	fds[0] = fd_install(rd, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		file_put(rd);
		file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(wr, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		file_put(wr);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(const struct sc_args *a)
{
	return do_pipe2(a->arg[0], 0);
}

long sys_pipe2(const struct sc_args *a)
{
	return do_pipe2(a->arg[0], (int)a->arg[1]);
}

/* ---- F_GETPIPE_SZ / F_SETPIPE_SZ */

/* Copy the data of p into fresh pages laid out from offset 0; 0 or -ENOMEM. */
static int pipe_relayout(struct pipe *p, struct page **pages, unsigned npages)
{
	u64 len = p->wr - p->rd;

	for (u64 i = 0; i < len;) {
		u64 off = (p->rd + i) % p->size;
		size_t in_page = off & ~PAGE_MASK, chunk = min(len - i, PAGE_SIZE - in_page);
		unsigned dst = (unsigned)(i >> PAGE_SHIFT);
		size_t doff = i & ~PAGE_MASK;

		chunk = min(chunk, PAGE_SIZE - doff);
		if (!pages[dst] && !(pages[dst] = page_alloc(0, GFP_USER)))
			return -ENOMEM;
		memcpy((char *)page_address(pages[dst]) + doff,
		       (char *)page_address(p->pages[off >> PAGE_SHIFT]) + in_page, chunk);
		i += chunk;
	}
	return 0;
}

static long pipe_resize(struct pipe *p, unsigned long arg)
{
	unsigned npages = 1;
	struct page **pages;
	struct pipe_pkt *pkts = NULL;

	if (arg > PIPE_MAX_SIZE_USER && !cred_capable(CAP_SYS_RESOURCE))
		return -EPERM;
	if (arg > PIPE_MAX_SIZE_ROOT)
		return -ENOMEM;
	while ((u64)npages * PAGE_SIZE < arg)
		npages *= 2;
	if (p->wr - p->rd > (u64)npages * PAGE_SIZE || p->pkt_count > npages)
		return -EBUSY;
	pages = kzalloc(npages * sizeof(*pages));
	if (p->pkts)
		pkts = kmalloc(npages * sizeof(*pkts));
	if (!pages || (p->pkts && !pkts) || pipe_relayout(p, pages, npages) < 0) {
		if (pages)
			pipe_free_pages(pages, npages);
		kfree(pkts);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < p->pkt_count; i++) {
		struct pipe_pkt *k = &p->pkts[(p->pkt_head + i) % p->npages];

		pkts[i] = (struct pipe_pkt){ k->start - p->rd, k->end - p->rd };
	}
	pipe_free_pages(p->pages, p->npages);
	kfree(p->pkts);
	p->pages = pages;
	p->pkts = pkts;
	p->pkt_head = 0;
	p->wr -= p->rd;
	p->rd = 0;
	p->npages = npages;
	p->size = (u64)npages * PAGE_SIZE;
	pipe_wake_all(p);
	return (long)p->size;
}

/* fcntl's pipe commands; -EBADF when f is not a pipe or open FIFO. */
long pipe_fcntl(struct file *f, unsigned cmd, unsigned long arg)
{
	struct pipe *p = f->private;

	if (f->f_op != &pipe_fops)
		return -EBADF;
	if (cmd == F_GETPIPE_SZ)
		return (long)p->size;
	return pipe_resize(p, arg);
}

/* ---- splice(2), tee(2), vmsplice(2) support (splice.c) */

struct pipe *pipe_from_file(struct file *f)
{
	return f->f_op == &pipe_fops ? f->private : NULL;
}

ssize_t pipe_wait_data(struct file *f, bool nonblock)
{
	struct pipe *p = f->private;
	int r;

	while (p->wr == p->rd) {
		if (!p->writers)
			return 0;
		if (nonblock)
			return -EAGAIN;
		r = wait_event_interruptible(p->rd_wait, p->wr != p->rd || !p->writers);
		if (r)
			return r;
	}
	return (ssize_t)min(p->wr - p->rd, (u64)MAX_RW_COUNT);
}

ssize_t pipe_wait_room(struct file *f, bool nonblock)
{
	struct pipe *p = f->private;
	int r;

	for (;;) {
		if (!p->readers) {
			sig_send_task(current, SIGPIPE, NULL);
			return -EPIPE;
		}
		if (pipe_room(p, false))
			return (ssize_t)pipe_room(p, false);
		if (nonblock)
			return -EAGAIN;
		r = wait_event_interruptible(p->wr_wait, !p->readers || pipe_room(p, false));
		if (r)
			return r;
	}
}

size_t pipe_peek(struct file *f, void *buf, size_t n)
{
	struct pipe *p = f->private;
	u64 rd = p->rd;
	size_t done;

	n = min(n, (size_t)(p->wr - p->rd));
	for (done = 0; done < n;) {
		u64 off = rd % p->size;
		size_t in_page = off & ~PAGE_MASK, chunk = min(n - done, PAGE_SIZE - in_page);
		char *src = (char *)page_address(p->pages[off >> PAGE_SHIFT]) + in_page;

		memcpy((char *)buf + done, src, chunk);
		done += chunk;
		rd += chunk;
	}
	return done;
}

void pipe_consume(struct file *f, size_t n)
{
	struct pipe *p = f->private;

	p->rd += min((u64)n, p->wr - p->rd);
	/* Packets wholly consumed go; one consumed in part keeps its rest. */
	while (p->pkt_count && p->pkts[p->pkt_head].end <= p->rd) {
		p->pkt_head = (p->pkt_head + 1) % p->npages;
		p->pkt_count--;
	}
	if (p->pkt_count && p->pkts[p->pkt_head].start < p->rd)
		p->pkts[p->pkt_head].start = p->rd;
	if (n) {
		wake_up_key(&p->wr_wait, POLLOUT | POLLWRNORM);
		inode_touch(p->inode, true, false, false);
	}
}
