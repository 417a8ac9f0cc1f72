/*
 * Reading and writing open files (VFS layer: between the descriptor system calls and the
 * filesystems' ->read/->write/->llseek/->ioctl/->fsync).
 *
 * Data moves through struct iov_iter (fs.h): a cursor over guest segments (read, readv,
 * ...) or kernel buffers (kernel_read, sendfile's bounce buffer). Guest segments are copied
 * at most one page at a time, so a bad address stops a transfer exactly at the first
 * inaccessible page and the bytes before it count as done (Linux's short read/write on a
 * fault); a transfer that faults before moving anything is -EFAULT.
 *
 * Positions: read/write use and advance f->pos; pread/pwrite and friends use a private
 * position and refuse unseekable files (-ESPIPE). A file is unseekable when its llseek is
 * vfs_no_llseek or it is a FIFO or socket. O_APPEND writes start at the inode's size.
 * Transfers are capped at MAX_RW_COUNT bytes, as in Linux.
 *
 * sendfile and copy_file_range copy through a bounce buffer of at most COPY_CHUNK bytes
 * per step, stopping early at end of file, on a short write, or when a signal is pending
 * after some progress.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <asm/ioctls.h>
#include <linux/fadvise.h>
#include <linux/fs.h>
#include <linux/uio.h>

#define COPY_CHUNK (4 * PAGE_SIZE)
#define IOV_FAST 8 /* iovecs copied on the stack before falling back to kmalloc */

/* ---- iov_iter */

void iter_init_user(struct iov_iter *it, const struct uvec *v, unsigned nr, size_t count)
{
	it->user = true;
	it->segs = v;
	it->nr_segs = nr;
	it->seg = 0;
	it->seg_off = 0;
	it->count = count;
}

void iter_init_kernel(struct iov_iter *it, const struct kvec *v, unsigned nr, size_t count)
{
	iter_init_user(it, NULL, nr, count);
	it->user = false;
	it->segs = v;
}

void iter_init_ubuf(struct iov_iter *it, struct uvec *seg, uaddr_t buf, size_t len)
{
	seg->base = buf;
	seg->len = len;
	iter_init_user(it, seg, 1, len);
}

void iter_init_kbuf(struct iov_iter *it, struct kvec *seg, void *buf, size_t len)
{
	seg->base = buf;
	seg->len = len;
	iter_init_kernel(it, seg, 1, len);
}

enum iter_op { ITER_TO, ITER_FROM, ITER_ZERO };

static size_t iter_seg_len(const struct iov_iter *it)
{
	if (it->user)
		return ((const struct uvec *)it->segs)[it->seg].len;
	return ((const struct kvec *)it->segs)[it->seg].len;
}

/* One chunk of a guest segment (within one page): 0 or -EFAULT. */
static int iter_user_chunk(uaddr_t addr, char *kbuf, size_t n, enum iter_op op)
{
	switch (op) {
	case ITER_TO:
		return copy_to_user(addr, kbuf, n);
	case ITER_FROM:
		return copy_from_user(kbuf, addr, n);
	default:
		return clear_user(addr, n);
	}
}

static void iter_kernel_chunk(char *p, char *kbuf, size_t n, enum iter_op op)
{
	switch (op) {
	case ITER_TO:
		memcpy(p, kbuf, n);
		break;
	case ITER_FROM:
		memcpy(kbuf, p, n);
		break;
	default:
		memset(p, 0, n);
		break;
	}
}

/* Move up to n bytes between kbuf and the iterator, advancing it; returns the bytes moved. */
static size_t iter_xfer(struct iov_iter *it, char *kbuf, size_t n, enum iter_op op)
{
	size_t done = 0, chunk;

	n = min(n, it->count);
	while (done < n && it->seg < it->nr_segs) {
		size_t seglen = iter_seg_len(it);

		if (it->seg_off >= seglen) {
			it->seg++;
			it->seg_off = 0;
			continue;
		}
		chunk = min(seglen - it->seg_off, n - done);
		if (it->user) {
			uaddr_t addr = ((const struct uvec *)it->segs)[it->seg].base + it->seg_off;

			chunk = min(chunk, PAGE_SIZE - (addr & ~PAGE_MASK));
			if (iter_user_chunk(addr, kbuf ? kbuf + done : NULL, chunk, op))
				break;
		} else {
			char *p = (char *)((const struct kvec *)it->segs)[it->seg].base + it->seg_off;

			iter_kernel_chunk(p, kbuf ? kbuf + done : NULL, chunk, op);
		}
		done += chunk;
		it->seg_off += chunk;
		it->count -= chunk;
	}
	return done;
}

size_t iter_copy_to(struct iov_iter *it, const void *src, size_t n)
{
	return iter_xfer(it, (char *)src, n, ITER_TO);
}

size_t iter_copy_from(void *dst, struct iov_iter *it, size_t n)
{
	return iter_xfer(it, dst, n, ITER_FROM);
}

size_t iter_zero(struct iov_iter *it, size_t n)
{
	return iter_xfer(it, NULL, n, ITER_ZERO);
}

/* ---- positions */

loff_t vfs_no_llseek(struct file *f, loff_t off, int whence)
{
	return -ESPIPE;
}

static bool file_is_stream(const struct file *f)
{
	return f->f_op->llseek == vfs_no_llseek || S_ISFIFO(f->inode->mode) ||
	       S_ISSOCK(f->inode->mode);
}

/*
 * SEEK_DATA/SEEK_HOLE from off (inside the file): the first offset from off in a page with
 * data (or in a hole), from the filesystem's ->data_pages; without it the whole file is
 * data. The end of the file counts as a hole; no data after off is -ENXIO.
 */
static loff_t seek_data_hole(struct inode *inode, loff_t off, bool data)
{
	int (*op)(struct inode *, u64, u32, u8 *) = inode->i_op ? inode->i_op->data_pages : NULL;
	u64 size = inode->size, last = (size - 1) >> PAGE_SHIFT;
	u8 *present;
	loff_t r = data ? -ENXIO : (loff_t)size;

	if (!op || !S_ISREG(inode->mode))
		return data ? off : (loff_t)size;
	present = kmalloc(DATA_PAGES_MAX);
	if (!present)
		return -ENOMEM;
	for (u64 first = (u64)off >> PAGE_SHIFT; first <= last; first += DATA_PAGES_MAX) {
		u32 n = (u32)min((u64)DATA_PAGES_MAX, last - first + 1);
		int err = op(inode, first, n, present);
		u32 i;

		if (err) {
			r = err;
			break;
		}
		for (i = 0; i < n && !present[i] == data; i++)
			;
		if (i < n) {
			r = max(off, (loff_t)((first + i) << PAGE_SHIFT));
			r = min(r, (loff_t)size);
			break;
		}
	}
	kfree(present);
	return r;
}

/*
 * lseek for files with a size (regular files, directories, devices without an llseek):
 * SEEK_SET/CUR/END, and SEEK_DATA/SEEK_HOLE (seek_data_hole). -EINVAL for a negative or
 * overflowing result, -ENXIO for DATA/HOLE at or past the end.
 */
loff_t generic_llseek(struct file *f, loff_t off, int whence)
{
	loff_t size = (loff_t)f->inode->size, base, pos;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = size;
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (off < 0 || off >= size)
			return -ENXIO;
		pos = seek_data_hole(f->inode, off, whence == SEEK_DATA);
		if (pos >= 0)
			f->pos = pos;
		return pos;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, off, &pos) || pos < 0)
		return -EINVAL;
	f->pos = pos;
	return pos;
}

static loff_t vfs_llseek(struct file *f, loff_t off, int whence)
{
	if (f->f_op->llseek)
		return f->f_op->llseek(f, off, whence);
	if (file_is_stream(f))
		return -ESPIPE;
	return generic_llseek(f, off, whence);
}

/* Linux's rw_verify_area: a seekable file's range must not start below 0 or overflow. */
static int rw_check_range(struct file *f, loff_t *pos, size_t count)
{
	loff_t end;

	if (file_is_stream(f) || !pos)
		return 0;
	if (*pos < 0 || __builtin_add_overflow(*pos, (loff_t)count, &end))
		return -EINVAL;
	return 0;
}

/* ---- read and write */

/* Read from f into the iterator at *pos (f->pos for read(2)); bytes read or -errno. */
ssize_t vfs_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	ssize_t r;
	int err;

	if (!(f->mode & FMODE_READ))
		return -EBADF;
	if (!f->f_op->read)
		return S_ISDIR(f->inode->mode) ? -EISDIR : -EINVAL;
	if (to->count > (size_t)MAX_RW_COUNT)
		to->count = MAX_RW_COUNT;
	err = rw_check_range(f, pos, to->count);
	if (err)
		return err;
	r = f->f_op->read(f, to, pos);
	if (r > 0)
		fsnotify_file(f, IN_ACCESS);
	return r;
}

/* Write the iterator to f at *pos (the end of file with O_APPEND); bytes written or -errno. */
ssize_t vfs_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	ssize_t r;
	int err;

	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	if (S_ISREG(f->inode->mode) && IS_SWAPFILE(f->inode))
		return -ETXTBSY; /* swap writes its blocks behind the page cache */
	if (IS_IMMUTABLE(f->inode) && S_ISREG(f->inode->mode))
		return -EPERM; /* made immutable after this open (ext4's rule) */
	if (from->count > (size_t)MAX_RW_COUNT)
		from->count = MAX_RW_COUNT;
	if ((f->flags & O_APPEND) && pos && !file_is_stream(f))
		*pos = (loff_t)f->inode->size;
	err = rw_check_range(f, pos, from->count);
	if (!err && S_ISREG(f->inode->mode))
		err = fsize_limit(pos ? *pos : f->pos, &from->count);
	if (err)
		return err;
	r = f->f_op->write(f, from, pos);
	if (r > 0)
		fsnotify_file(f, IN_MODIFY);
	return r;
}

/* Read into a kernel buffer; pos NULL means the file position. */
ssize_t kernel_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	struct kvec seg;
	struct iov_iter it;

	iter_init_kbuf(&it, &seg, buf, len);
	return vfs_read(f, &it, pos ? pos : &f->pos);
}

/* Write from a kernel buffer; pos NULL means the file position. */
ssize_t kernel_write(struct file *f, const void *buf, size_t len, loff_t *pos)
{
	struct kvec seg;
	struct iov_iter it;

	iter_init_kbuf(&it, &seg, (void *)buf, len);
	return vfs_write(f, &it, pos ? pos : &f->pos);
}

static ssize_t rw_iter(struct file *f, struct iov_iter *it, loff_t *pos, bool write)
{
	return write ? vfs_write(f, it, pos) : vfs_read(f, it, pos);
}

/* read/write/pread/pwrite on one guest buffer. */
static ssize_t rw_ubuf(struct file *f, uaddr_t buf, size_t count, loff_t *pos, bool write)
{
	struct uvec seg;
	struct iov_iter it;

	if (!(f->mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (!access_ok(buf, count))
		return -EFAULT;
	count = min(count, (size_t)MAX_RW_COUNT);
	iter_init_ubuf(&it, &seg, buf, count);
	return rw_iter(f, &it, pos, write);
}

/*
 * Copy and check a guest iovec array of nr entries into segs; returns the total length
 * (capped at MAX_RW_COUNT, later segments shortened as Linux does) or -errno.
 */
static ssize_t import_iovec(uaddr_t uiov, unsigned long nr, struct uvec *segs)
{
	size_t total = 0;

	if (copy_from_user(segs, uiov, nr * sizeof(*segs)))
		return -EFAULT;
	for (unsigned long i = 0; i < nr; i++) {
		if ((s64)segs[i].len < 0)
			return -EINVAL;
		if (segs[i].len > (size_t)MAX_RW_COUNT - total)
			segs[i].len = MAX_RW_COUNT - total;
		if (!access_ok(segs[i].base, segs[i].len))
			return -EFAULT;
		total += segs[i].len;
	}
	return (ssize_t)total;
}

/* readv/writev and the positioned variants; append: RWF_APPEND. */
static ssize_t rw_vec(struct file *f, uaddr_t uiov, unsigned long nr, loff_t *pos, bool write,
		      bool append)
{
	struct uvec fast[IOV_FAST], *segs = fast;
	struct iov_iter it;
	ssize_t r;

	if (nr > UIO_MAXIOV)
		return -EINVAL;
	if (!(f->mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (nr == 0)
		return 0;
	if (nr > IOV_FAST && !(segs = kmalloc(nr * sizeof(*segs))))
		return -ENOMEM;
	r = import_iovec(uiov, nr, segs);
	if (r >= 0) {
		iter_init_user(&it, segs, (unsigned)nr, (size_t)r);
		if (append && !file_is_stream(f))
			*pos = (loff_t)f->inode->size;
		r = rw_iter(f, &it, pos, write);
	}
	if (segs != fast)
		kfree(segs);
	return r;
}

ssize_t vfs_iovec_rw(struct file *f, uaddr_t uiov, unsigned long nr, bool write)
{
	return rw_vec(f, uiov, nr, &f->pos, write, false);
}

long sys_read(const struct sc_args *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	long r;

	if (!f)
		return -EBADF;
	r = rw_ubuf(f, a->arg[1], a->arg[2], &f->pos, false);
	file_put(f);
	return r;
}

long sys_write(const struct sc_args *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	long r;

	if (!f)
		return -EBADF;
	r = rw_ubuf(f, a->arg[1], a->arg[2], &f->pos, true);
	file_put(f);
	return r;
}

static long do_pread_pwrite(const struct sc_args *a, bool write)
{
	loff_t pos = (loff_t)a->arg[3];
	struct file *f;
	long r;

	if (pos < 0)
		return -EINVAL;
	f = fd_get((int)a->arg[0]);
	if (!f)
		return -EBADF;
	if (file_is_stream(f))
		r = -ESPIPE;
	else
		r = rw_ubuf(f, a->arg[1], a->arg[2], &pos, write);
	file_put(f);
	return r;
}

long sys_pread64(const struct sc_args *a)
{
	return do_pread_pwrite(a, false);
}

long sys_pwrite64(const struct sc_args *a)
{
	return do_pread_pwrite(a, true);
}

/*
 * The vector calls. pos < 0 with use_pos: -EINVAL, except -1 for the *v2 calls, which
 * means "the file position" (then use_pos is false). rwf: RWF_* flags of the *v2 calls.
 */
static long do_vec(const struct sc_args *a, bool write, bool use_pos, int rwf)
{
	loff_t pos = (loff_t)a->arg[3];
	struct file *f;
	long r;

	if (rwf & ~(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_APPEND))
		return -EOPNOTSUPP; /* RWF_NOWAIT and unknown flags */
	if (use_pos && pos < 0)
		return -EINVAL;
	f = fd_get((int)a->arg[0]);
	if (!f)
		return -EBADF;
	if (use_pos && file_is_stream(f))
		r = -ESPIPE;
	else
		r = rw_vec(f, a->arg[1], a->arg[2], use_pos ? &pos : &f->pos, write,
			   write && (rwf & RWF_APPEND));
	file_put(f);
	return r;
}

long sys_readv(const struct sc_args *a)
{
	return do_vec(a, false, false, 0);
}

long sys_writev(const struct sc_args *a)
{
	return do_vec(a, true, false, 0);
}

long sys_preadv(const struct sc_args *a)
{
	return do_vec(a, false, true, 0);
}

long sys_pwritev(const struct sc_args *a)
{
	return do_vec(a, true, true, 0);
}

long sys_preadv2(const struct sc_args *a)
{
	return do_vec(a, false, (loff_t)a->arg[3] != -1, (int)a->arg[5]);
}

long sys_pwritev2(const struct sc_args *a)
{
	return do_vec(a, true, (loff_t)a->arg[3] != -1, (int)a->arg[5]);
}

long sys_lseek(const struct sc_args *a)
{
	loff_t off = (loff_t)a->arg[1];
	unsigned whence = (unsigned)a->arg[2];
	struct file *f;
	loff_t r;

	f = fd_get((int)a->arg[0]);
	if (!f)
		return -EBADF;
	r = whence > SEEK_MAX ? -EINVAL : vfs_llseek(f, off, (int)whence);
	file_put(f);
	return r;
}

/* ---- sendfile, copy_file_range */

/*
 * Copy up to len bytes from in at *ipos to out at *opos through a bounce buffer. Returns
 * the bytes copied, or -errno when nothing was. Bytes read but not written are given back
 * to a seekable source by moving *ipos back.
 */
static ssize_t copy_through(struct file *in, loff_t *ipos, struct file *out, loff_t *opos,
			    size_t len)
{
	size_t bufsz = min(len, (size_t)COPY_CHUNK), done = 0;
	ssize_t n, w, err = 0;
	char *buf;

	if (len == 0)
		return 0;
	buf = kmalloc(bufsz);
	if (!buf)
		return -ENOMEM;
	while (done < len) {
		size_t want = min(bufsz, len - done);

		n = kernel_read(in, buf, want, ipos);
		if (n <= 0) {
			err = n;
			break;
		}
		w = kernel_write(out, buf, n, opos);
		if (w > 0)
			done += w;
		if (w < n) {
			if (!file_is_stream(in))
				*ipos -= n - max(w, 0L);
			err = w < 0 ? w : 0;
			break;
		}
		if ((size_t)n < want || signal_pending(current))
			break;
	}
	kfree(buf);
	return done ? (ssize_t)done : err;
}

static long do_sendfile(struct file *out, struct file *in, uaddr_t uoff, size_t count)
{
	loff_t pos;
	long r;

	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE))
		return -EBADF;
	if (out->flags & O_APPEND)
		return -EINVAL;
	count = min(count, (size_t)MAX_RW_COUNT);
	if (!uoff)
		return copy_through(in, &in->pos, out, &out->pos, count);
	if (get_user(pos, uoff))
		return -EFAULT;
	if (pos < 0)
		return -EINVAL;
	if (file_is_stream(in))
		return -ESPIPE;
	r = copy_through(in, &pos, out, &out->pos, count);
	if (r >= 0 && put_user(pos, uoff))
		return -EFAULT;
	return r;
}

long sys_sendfile(const struct sc_args *a)
{
	struct file *out = fd_get((int)a->arg[0]), *in = fd_get((int)a->arg[1]);
	long r = -EBADF;

	if (out && in)
		r = do_sendfile(out, in, a->arg[2], a->arg[3]);
	file_put(out);
	file_put(in);
	return r;
}

/* Validate copy_file_range's files; 0 or -errno. */
static int cfr_check(struct file *in, struct file *out)
{
	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE) || (out->flags & O_APPEND))
		return -EBADF;
	if (S_ISDIR(in->inode->mode) || S_ISDIR(out->inode->mode))
		return -EISDIR;
	if (!S_ISREG(in->inode->mode) || !S_ISREG(out->inode->mode))
		return -EINVAL;
	return 0;
}

static long do_copy_file_range(struct file *in, uaddr_t uioff, struct file *out, uaddr_t uooff,
			       size_t len)
{
	loff_t ipos = in->pos, opos = out->pos;
	long r = cfr_check(in, out);

	if (r)
		return r;
	if ((uioff && get_user(ipos, uioff)) || (uooff && get_user(opos, uooff)))
		return -EFAULT;
	if (ipos < 0 || opos < 0)
		return -EINVAL;
	len = min(len, (size_t)MAX_RW_COUNT);
	if (in->inode == out->inode && (u64)ipos < (u64)opos + len && (u64)opos < (u64)ipos + len)
		return -EINVAL; /* overlapping ranges of one file */
	r = copy_through(in, &ipos, out, &opos, len);
	if (r < 0)
		return r;
	if (uioff ? put_user(ipos, uioff) : (in->pos = ipos, 0))
		return -EFAULT;
	if (uooff ? put_user(opos, uooff) : (out->pos = opos, 0))
		return -EFAULT;
	return r;
}

long sys_copy_file_range(const struct sc_args *a)
{
	struct file *in, *out;
	long r = -EBADF;

	if (a->arg[5])
		return -EINVAL;
	in = fd_get((int)a->arg[0]);
	out = fd_get((int)a->arg[2]);
	if (in && out)
		r = do_copy_file_range(in, a->arg[1], out, a->arg[3], a->arg[4]);
	file_put(in);
	file_put(out);
	return r;
}

/* ---- ioctl, fsync, flock */

static long ioctl_set_flag(struct file *f, uaddr_t uarg, unsigned flag)
{
	int on;

	if (get_user(on, uarg))
		return -EFAULT;
	if (on)
		f->flags |= flag;
	else
		f->flags &= ~flag;
	return 0;
}

/* The generic ioctls; -ENOIOCTLCMD-style -ENOSYS when cmd is the file's business. */
static long ioctl_generic(int fd, struct file *f, unsigned cmd, u64 arg)
{
	loff_t left;
	long r;

	if (iflags_is_ioctl(cmd)) {
		r = iflags_ioctl(f, cmd, arg);
		if (r != -ENOTTY)
			return r; /* else the file's own ioctl answers, as in Linux */
	}
	switch (cmd) {
	case FIOCLEX:
		return fd_set_cloexec(fd, true);
	case FIONCLEX:
		return fd_set_cloexec(fd, false);
	case FIONBIO:
		return ioctl_set_flag(f, arg, O_NONBLOCK);
	case FIOASYNC:
		return ioctl_set_flag(f, arg, FASYNC);
	case FIONREAD:
		if (!S_ISREG(f->inode->mode))
			return -ENOSYS;
		left = (loff_t)f->inode->size - f->pos;
		left = left < 0 ? 0 : min(left, (loff_t)0x7fffffff);
		return put_user((int)left, arg) ? -EFAULT : 0;
	case FIOQSIZE:
		if (!S_ISREG(f->inode->mode) && !S_ISDIR(f->inode->mode) &&
		    !S_ISLNK(f->inode->mode))
			return -ENOTTY;
		return put_user((loff_t)f->inode->size, arg) ? -EFAULT : 0;
	}
	return -ENOSYS;
}

long sys_ioctl(const struct sc_args *a)
{
	int fd = (int)a->arg[0];
	unsigned cmd = (unsigned)a->arg[1];
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	r = ioctl_generic(fd, f, cmd, a->arg[2]);
	if (r == -ENOSYS)
		r = f->f_op->ioctl ? f->f_op->ioctl(f, cmd, a->arg[2]) : -ENOTTY;
	file_put(f);
	return r;
}

static long do_fsync(int fd, bool datasync)
{
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	if (f->f_op->fsync)
		r = f->f_op->fsync(f, datasync);
	else if (S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode))
		r = 0; /* nothing buffered */
	else
		r = -EINVAL; /* pipes, sockets, devices: no fsync, as in Linux */
	file_put(f);
	return r;
}

long sys_fsync(const struct sc_args *a)
{
	return do_fsync((int)a->arg[0], false);
}

long sys_fdatasync(const struct sc_args *a)
{
	return do_fsync((int)a->arg[0], true);
}

long sys_flock(const struct sc_args *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	long r;

	if (!f)
		return -EBADF;
	r = locks_flock(f, (unsigned)a->arg[1]);
	file_put(f);
	return r;
}

/*
 * fadvise64: the advice is checked and accepted; the page cache does its own reading
 * ahead and writing back, so none changes what is cached. FIFOs give ESPIPE, as in Linux.
 */
long sys_fadvise64(const struct sc_args *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	long long len = (long long)a->arg[2];
	int advice = (int)a->arg[3];
	long r = 0;

	if (!f)
		return -EBADF;
	if (S_ISFIFO(f->inode->mode))
		r = -ESPIPE;
	else if (len < 0 || advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		r = -EINVAL;
	file_put(f);
	return r;
}

/*
 * sync_file_range: Linux's checks (a bad descriptor; then flags, a negative or wrapping
 * range: EINVAL; then pipes and sockets: ESPIPE). With SYNC_FILE_RANGE_WRITE the file's
 * data is written as fdatasync writes it, the whole file rather than the range (dpkg asks
 * this for each file it unpacks).
 */
long sys_sync_file_range(const struct sc_args *a)
{
	s64 off = (s64)a->arg[1], n = (s64)a->arg[2], end;
	unsigned flags = (unsigned)a->arg[3];
	struct file *f = fd_get((int)a->arg[0]);
	long r = 0;
	u32 m;

	if (!f)
		return -EBADF;
	m = f->inode->mode;
	if (flags & ~(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
		      SYNC_FILE_RANGE_WAIT_AFTER))
		r = -EINVAL;
	else if (off < 0 || n < 0 || __builtin_add_overflow(off, n, &end))
		r = -EINVAL;
	else if (!S_ISREG(m) && !S_ISBLK(m) && !S_ISDIR(m) && !S_ISLNK(m))
		r = -ESPIPE;
	else if ((flags & SYNC_FILE_RANGE_WRITE) && S_ISREG(m) && f->f_op->fsync)
		r = f->f_op->fsync(f, true);
	file_put(f);
	return r;
}

/* readahead: accepted on files that have data to read ahead (regular files, disks). */
long sys_readahead(const struct sc_args *a)
{
	struct file *f = fd_get((int)a->arg[0]);
	long r;

	if (!f)
		return -EBADF;
	r = S_ISREG(f->inode->mode) || S_ISBLK(f->inode->mode) ? 0 : -EINVAL;
	file_put(f);
	return r;
}
