/*
 * splice(2), tee(2) and vmsplice(2), by copying through a kernel buffer.
 *
 * One end of a splice must be a pipe. Data taken from a pipe is only consumed once the
 * other end has accepted it (pipe_peek, then pipe_consume of what was written), and data
 * put into a pipe never exceeds its free room, so nothing is lost when the far end takes
 * less than offered. Blocking follows Linux: the call waits for data in (or room in) the
 * pipe end unless SPLICE_F_NONBLOCK is given or the pipe file is O_NONBLOCK, then moves
 * what can be moved without waiting again (a short count is normal). Errors are Linux's:
 * EINVAL when neither end is a pipe (or both are the same pipe, or the output is
 * O_APPEND), ESPIPE for an offset on a pipe end, EBADF for an end opened the wrong way.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#define SPLICE_F_NONBLOCK 0x02
#define SPLICE_F_ALL 0x0f /* MOVE, NONBLOCK, MORE, GIFT */
#define SPLICE_CHUNK (16 * PAGE_SIZE)

static bool end_nonblock(struct file *f, unsigned flags)
{
	return (flags & SPLICE_F_NONBLOCK) || (f->flags & O_NONBLOCK);
}

static bool is_stream(struct file *f)
{
	return f->f_op->llseek == vfs_no_llseek || S_ISFIFO(f->inode->mode) ||
	       S_ISSOCK(f->inode->mode);
}

/*
 * Pipe to pipe: copy what in holds and out has room for, in one step; splice consumes
 * what was copied from in, tee leaves it there.
 */
static ssize_t pipe_to_pipe(struct file *in, struct file *out, size_t len, unsigned flags,
			    bool consume)
{
	ssize_t n, room, w;
	char *buf;

	n = pipe_wait_data(in, end_nonblock(in, flags));
	if (n <= 0)
		return n;
	room = pipe_wait_room(out, end_nonblock(out, flags));
	if (room <= 0)
		return room;
	n = (ssize_t)min(min(len, (size_t)SPLICE_CHUNK), (size_t)min(n, room));
	buf = kmalloc((size_t)n);
	if (!buf)
		return -ENOMEM;
	n = (ssize_t)pipe_peek(in, buf, (size_t)n);
	w = kernel_write(out, buf, (size_t)n, NULL);
	if (w > 0 && consume)
		pipe_consume(in, (size_t)w);
	kfree(buf);
	return w;
}

/* Pipe to a file or socket at *opos. */
static ssize_t splice_from_pipe(struct file *in, struct file *out, loff_t *opos, size_t len,
				unsigned flags)
{
	ssize_t n = pipe_wait_data(in, end_nonblock(in, flags)), w, err = 0;
	size_t done = 0;
	char *buf;

	if (n <= 0)
		return n;
	buf = kmalloc(min(len, (size_t)SPLICE_CHUNK));
	if (!buf)
		return -ENOMEM;
	while (done < len) {
		size_t got = pipe_peek(in, buf, min(len - done, (size_t)SPLICE_CHUNK));

		if (!got)
			break;
		w = kernel_write(out, buf, got, opos);
		if (w > 0) {
			pipe_consume(in, (size_t)w);
			done += (size_t)w;
		}
		if (w < (ssize_t)got) {
			err = w < 0 ? w : 0;
			break;
		}
		if (signal_pending(current))
			break;
	}
	kfree(buf);
	return done ? (ssize_t)done : err;
}

/* A file or socket at *ipos to a pipe: at most the pipe's free room. */
static ssize_t splice_to_pipe(struct file *in, loff_t *ipos, struct file *out, size_t len,
			      unsigned flags)
{
	ssize_t room = pipe_wait_room(out, end_nonblock(out, flags)), n, w, err = 0;
	bool sock_nb = S_ISSOCK(in->inode->mode) && (flags & SPLICE_F_NONBLOCK) &&
		       !(in->flags & O_NONBLOCK);
	size_t done = 0, bufsz;
	char *buf;

	if (room <= 0)
		return room;
	len = min(len, (size_t)room);
	bufsz = min(len, (size_t)SPLICE_CHUNK);
	buf = kmalloc(bufsz);
	if (!buf)
		return -ENOMEM;
	while (done < len) {
		size_t want = min(bufsz, len - done);

		if (sock_nb)
			in->flags |= O_NONBLOCK; /* a non-blocking read never sleeps */
		n = kernel_read(in, buf, want, ipos);
		if (sock_nb)
			in->flags &= ~O_NONBLOCK;
		if (n <= 0) {
			err = n;
			break;
		}
		w = kernel_write(out, buf, (size_t)n, NULL);
		if (w > 0)
			done += (size_t)w;
		if (w < n) {
			if (!is_stream(in))
				*ipos -= n - max(w, (ssize_t)0);
			err = w < 0 ? w : 0;
			break;
		}
		/* Only regular files are read again: a second read of a socket could block. */
		if ((size_t)n < want || is_stream(in) || signal_pending(current))
			break;
	}
	kfree(buf);
	return done ? (ssize_t)done : err;
}

/* Read a guest offset for a non-pipe end; -EINVAL for a file without positions. */
static int get_offset(struct file *f, uaddr_t uoff, loff_t *off)
{
	if (get_user(*off, uoff))
		return -EFAULT;
	if (is_stream(f))
		return -EINVAL;
	return 0;
}

static long do_splice(struct file *in, uaddr_t uoff_in, struct file *out, uaddr_t uoff_out,
		      size_t len, unsigned flags)
{
	bool ip = pipe_from_file(in), op = pipe_from_file(out);
	loff_t off, *pos;
	uaddr_t uoff;
	long r;

	if ((ip && uoff_in) || (op && uoff_out))
		return -ESPIPE;
	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE))
		return -EBADF;
	if (ip && op)
		return pipe_from_file(in) == pipe_from_file(out) ? -EINVAL :
			pipe_to_pipe(in, out, len, flags, true);
	if (!ip && !op)
		return -EINVAL;
	if (ip && (out->flags & O_APPEND))
		return -EINVAL;
	uoff = ip ? uoff_out : uoff_in;
	pos = ip ? &out->pos : &in->pos;
	if (uoff) {
		r = get_offset(ip ? out : in, uoff, &off);
		if (r < 0)
			return r;
		pos = &off;
	}
	r = ip ? splice_from_pipe(in, out, pos, len, flags) :
		 splice_to_pipe(in, pos, out, len, flags);
	if (r >= 0 && uoff && put_user(off, uoff))
		return -EFAULT;
	return r;
}

long sys_splice(const struct sc_args *a)
{
	size_t len = min((size_t)a->arg[4], (size_t)MAX_RW_COUNT);
	unsigned flags = (unsigned)a->arg[5];
	struct file *in, *out;
	long r;

	if (!len)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	in = fd_get((int)a->arg[0]);
	if (!in)
		return -EBADF;
	out = fd_get((int)a->arg[2]);
	if (!out) {
		file_put(in);
		return -EBADF;
	}
	r = do_splice(in, a->arg[1], out, a->arg[3], len, flags);
	file_put(out);
	file_put(in);
	return r;
}

/* tee: copy what in holds to out without consuming it. */
static long do_tee(struct file *in, struct file *out, size_t len, unsigned flags)
{
	if (!pipe_from_file(in) || !pipe_from_file(out) ||
	    pipe_from_file(in) == pipe_from_file(out))
		return -EINVAL;
	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE))
		return -EBADF;
	return pipe_to_pipe(in, out, len, flags, false);
}

long sys_tee(const struct sc_args *a)
{
	size_t len = min((size_t)a->arg[2], (size_t)MAX_RW_COUNT);
	unsigned flags = (unsigned)a->arg[3];
	struct file *in, *out;
	long r;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (!len)
		return 0;
	in = fd_get((int)a->arg[0]);
	if (!in)
		return -EBADF;
	out = fd_get((int)a->arg[1]);
	if (!out) {
		file_put(in);
		return -EBADF;
	}
	r = do_tee(in, out, len, flags);
	file_put(out);
	file_put(in);
	return r;
}

/* vmsplice: guest memory into a pipe's write end, or out of its read end (as readv). */
long sys_vmsplice(const struct sc_args *a)
{
	unsigned flags = (unsigned)a->arg[3];
	struct file *f;
	bool set_nb;
	long r;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	f = fd_get((int)a->arg[0]);
	if (!f)
		return -EBADF;
	if (!pipe_from_file(f)) {
		file_put(f);
		return -EBADF;
	}
	/* A non-blocking pipe operation never sleeps, so the flag is seen by nobody else. */
	set_nb = (flags & SPLICE_F_NONBLOCK) && !(f->flags & O_NONBLOCK);
	if (set_nb)
		f->flags |= O_NONBLOCK;
	r = vfs_iovec_rw(f, a->arg[1], a->arg[2], f->mode & FMODE_WRITE);
	if (set_nb)
		f->flags &= ~O_NONBLOCK;
	file_put(f);
	return r;
}
