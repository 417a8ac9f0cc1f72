/*
 * Moving data through sockets: the system calls sendto, recvfrom, sendmsg, recvmsg,
 * sendmmsg and recvmmsg. This layer decodes the guest's msghdr (iovecs, address, ancillary
 * data), builds a struct kmsg for the family's sendmsg/recvmsg, and writes results back:
 * the source address, the control messages (family items, SCM_CREDENTIALS, then
 * SCM_RIGHTS, whose files become new descriptors of the receiver), and msg_flags.
 *
 * Limits (Linux's): at most UIO_MAXIOV iovecs (EMSGSIZE), an address of at most 128 bytes
 * (EINVAL), SCM_MAX_FD descriptors per message (EINVAL); control data beyond
 * CONTROL_MAX bytes is refused with ENOBUFS (Linux: sysctl optmem_max).
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "internal.h"
#include "unix.h"

#include <linux/in6.h>
#include <linux/uio.h>
#include <linux/time_types.h>

#define IOV_FAST 8
#define CONTROL_MAX 20480
#define MAX_MSG_BYTES (0x7fffffffL & (long)PAGE_MASK)

/* ---- iovecs */

struct msg_iov {
	struct uvec fast[IOV_FAST];
	struct uvec *vec;
	struct iov_iter it;
};

static int msg_import_iov(struct msg_iov *mi, uaddr_t uiov, u64 n)
{
	size_t total = 0;

	mi->vec = mi->fast;
	if (n > UIO_MAXIOV)
		return -EMSGSIZE;
	if (n > IOV_FAST) {
		mi->vec = kmalloc(n * sizeof(struct uvec));
		if (!mi->vec)
			return -ENOMEM;
	}
	if (n && copy_from_user(mi->vec, uiov, n * sizeof(struct uvec)))
		goto fault;
	for (u64 i = 0; i < n; i++) {
		if ((s64)mi->vec[i].len < 0)
			goto inval;
		if (mi->vec[i].len > (u64)(MAX_MSG_BYTES - total))
			mi->vec[i].len = (u64)(MAX_MSG_BYTES - total);
		if (mi->vec[i].len && !access_ok(mi->vec[i].base, mi->vec[i].len))
			goto fault;
		total += mi->vec[i].len;
	}
	iter_init_user(&mi->it, mi->vec, (unsigned)n, total);
	return 0;
inval:
	if (mi->vec != mi->fast)
		kfree(mi->vec);
	return -EINVAL;
fault:
	if (mi->vec != mi->fast)
		kfree(mi->vec);
	return -EFAULT;
}

static void msg_free_iov(struct msg_iov *mi)
{
	if (mi->vec != mi->fast)
		kfree(mi->vec);
}

void kmsg_add_cmsg(struct kmsg *m, int level, int type, const void *data, int len)
{
	struct kcmsg *c;

	if (m->nextra >= KMSG_EXTRA_MAX || len > KMSG_EXTRA_DATA)
		return;
	c = &m->extra[m->nextra++];
	c->level = level;
	c->type = type;
	c->len = len;
	memcpy(c->data, data, (size_t)len);
}

/* ---- ancillary data sent */

static int cmsg_rights(struct kmsg *m, const u8 *data, size_t len)
{
	int n = (int)(len / sizeof(int)), fd, err;

	if (!n)
		return 0;
	if (!m->fp) {
		m->fp = kmalloc(sizeof(*m->fp));
		if (!m->fp)
			return -ENOMEM;
		m->fp->count = 0;
	}
	if (m->fp->count + n > SCM_MAX_FD)
		return -EINVAL;
	err = scm_inflight_add(n);
	if (err) {
		unix_gc(); /* cycles nobody can receive may hold the count up */
		err = scm_inflight_add(n);
	}
	if (err)
		return err;
	for (int i = 0; i < n; i++) {
		struct file *f;

		memcpy(&fd, data + i * sizeof(int), sizeof(int));
		f = fd_get(fd);
		if (!f) {
			/* uncount the files we will not hold */
			scm_inflight_add(-(n - i));
			return -EBADF;
		}
		m->fp->files[m->fp->count++] = f;
	}
	return 0;
}

static int cmsg_creds(struct kmsg *m, const u8 *data, size_t len)
{
	struct kucred c;
	const struct cred *cr = &current->cred;

	if (len != sizeof(c))
		return -EINVAL;
	memcpy(&c, data, sizeof(c));
	if (c.pid != (u32)current->tgid && !cred_capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (c.uid != cr->uid && c.uid != cr->euid && c.uid != cr->suid && !cred_capable(CAP_SETUID))
		return -EPERM;
	if (c.gid != cr->gid && c.gid != cr->egid && c.gid != cr->sgid && !cred_capable(CAP_SETGID))
		return -EPERM;
	m->has_cred = true;
	m->cred = c;
	return 0;
}

/* An int cmsg value (or a byte where byte_ok); -EINVAL for any other size. */
static int cmsg_int(const u8 *data, size_t len, bool byte_ok, int *v)
{
	if (len == sizeof(int)) {
		memcpy(v, data, sizeof(int));
		return 0;
	}
	if (byte_ok && len == 1) {
		*v = data[0];
		return 0;
	}
	return -EINVAL;
}

/*
 * IP-level items of a datagram socket's send: the hop limit and traffic class of this
 * datagram (IP_TTL, IP_TOS, IPV6_HOPLIMIT, IPV6_TCLASS); other known items are accepted
 * and ignored, unknown ones refused, as Linux's ip_cmsg_send and ip6_datagram_send_ctl do.
 */
static int cmsg_ip(struct socket *s, struct kmsg *m, int level, int type, const u8 *data,
		   size_t len)
{
	bool v6 = s->family == AF_INET6;
	int v, err;

	if (s->type == SOCK_STREAM || level != (v6 ? SOL_IPV6 : SOL_IP))
		return 0;
	if (type == (v6 ? IPV6_HOPLIMIT : IP_TTL) || type == (v6 ? IPV6_TCLASS : IP_TOS)) {
		err = cmsg_int(data, len, type == IP_TOS, &v);
		if (err)
			return err;
		if (type == IP_TTL ? (v < 1 || v > 255) : (v < -1 || v > 255))
			return -EINVAL;
		if (type == IP_TTL || type == IPV6_HOPLIMIT)
			m->send_ttl = v < 0 ? 0 : v + 1;
		else
			m->send_tclass = v < 0 ? 0 : v + 1;
		return 0;
	}
	if (v6)
		return type == IPV6_PKTINFO || type == IPV6_2292PKTINFO || type == IPV6_DONTFRAG ?
		       0 : -EINVAL;
	return type == IP_PKTINFO || type == IP_RETOPTS ? 0 : -EINVAL;
}

/* Parse the guest's control buffer (a kernel copy) into m. */
static int msg_parse_control(struct socket *s, struct kmsg *m, const u8 *buf, size_t len)
{
	size_t off = 0;

	while (len - off >= sizeof(struct ucmsghdr)) {
		struct ucmsghdr h;
		int err = 0;

		memcpy(&h, buf + off, sizeof(h));
		if (h.len < sizeof(h) || h.len > len - off)
			return -EINVAL;
		if (h.level == SOL_SOCKET) {
			if (s->family != AF_UNIX)
				return -EINVAL;
			if (h.type == SCM_RIGHTS)
				err = cmsg_rights(m, buf + off + sizeof(h), h.len - sizeof(h));
			else if (h.type == SCM_CREDENTIALS)
				err = cmsg_creds(m, buf + off + sizeof(h), h.len - sizeof(h));
			else
				err = -EINVAL;
		} else if (s->family == AF_UNIX) {
			err = -EINVAL;
		} else if (s->family == AF_INET || s->family == AF_INET6) {
			err = cmsg_ip(s, m, h.level, h.type, buf + off + sizeof(h),
				      h.len - sizeof(h));
		}
		if (err)
			return err;
		off += UCMSG_ALIGN(h.len);
		if (off > len)
			break;
	}
	return 0;
}

static int msg_copy_control(struct socket *s, struct kmsg *m, uaddr_t uctl, u64 len)
{
	u8 *buf;
	int err;

	if (!len)
		return 0;
	if (len > CONTROL_MAX)
		return -ENOBUFS;
	if (len < sizeof(struct ucmsghdr))
		return -EINVAL;
	buf = kmalloc(len);
	if (!buf)
		return -ENOMEM;
	err = copy_from_user(buf, uctl, len) ? -EFAULT : msg_parse_control(s, m, buf, len);
	kfree(buf);
	return err;
}

/* ---- send */

static long msg_send(struct socket *s, struct file *f, const struct umsghdr *h, int flags)
{
	struct kmsg *m;
	struct msg_iov mi;
	long r;

	if (h->namelen > SOCKADDR_MAX)
		return -EINVAL;
	r = msg_import_iov(&mi, h->iov, h->iovlen);
	if (r)
		return r;
	m = kzalloc(sizeof(*m));
	if (!m) {
		msg_free_iov(&mi);
		return -ENOMEM;
	}
	m->it = &mi.it;
	m->len = mi.it.count;
	m->flags = flags;
	m->nonblock = (flags & MSG_DONTWAIT) || (f->flags & O_NONBLOCK);
	if (h->name && h->namelen) {
		m->namelen = (int)h->namelen;
		if (copy_from_user(m->name, h->name, h->namelen))
			r = -EFAULT;
	}
	if (!r)
		r = msg_copy_control(s, m, h->control, h->controllen);
	if (!r)
		r = s->ops->sendmsg(s, m);
	scm_fp_free(m->fp);
	kfree(m);
	msg_free_iov(&mi);
	return r;
}

long sys_sendmsg(const struct sc_args *a)
{
	int fd = (int)a->arg[0], flags = (int)a->arg[2], err;
	struct umsghdr h;
	struct file *f;
	struct socket *s;
	long r;

	if (copy_from_user(&h, a->arg[1], sizeof(h)))
		return -EFAULT;
	s = net_fd_socket(fd, &f, &err);
	if (!s)
		return err;
	r = msg_send(s, f, &h, flags);
	file_put(f);
	return r;
}

long sys_sendto(const struct sc_args *a)
{
	int fd = (int)a->arg[0], flags = (int)a->arg[3], err;
	struct uvec v = { a->arg[1], a->arg[2] };
	struct umsghdr h = { .name = a->arg[4], .namelen = (u32)a->arg[5], .iov = 0, .iovlen = 1 };
	struct file *f;
	struct socket *s;
	struct kmsg *m;
	struct iov_iter it;
	long r;

	if ((int)h.namelen < 0 || h.namelen > SOCKADDR_MAX)
		return -EINVAL;
	if (v.len > (u64)MAX_MSG_BYTES)
		v.len = (u64)MAX_MSG_BYTES;
	if (v.len && !access_ok(v.base, v.len))
		return -EFAULT;
	s = net_fd_socket(fd, &f, &err);
	if (!s)
		return err;
	m = kzalloc(sizeof(*m));
	r = m ? 0 : -ENOMEM;
	if (m) {
		iter_init_user(&it, &v, 1, v.len);
		m->it = &it;
		m->len = v.len;
		m->flags = flags;
		m->nonblock = (flags & MSG_DONTWAIT) || (f->flags & O_NONBLOCK);
		if (h.name && h.namelen) {
			m->namelen = (int)h.namelen;
			r = copy_from_user(m->name, h.name, h.namelen) ? -EFAULT : 0;
		}
		if (!r)
			r = s->ops->sendmsg(s, m);
		kfree(m);
	}
	file_put(f);
	return r;
}

/* ---- receive: control messages out */

struct ctl_out {
	uaddr_t ptr;   /* next cmsg */
	u64 room;
	u64 used;
	int *msg_flags;
};

/* Write one cmsg (truncated with MSG_CTRUNC when the room is short); 0 or -EFAULT. */
static int ctl_put(struct ctl_out *c, int level, int type, const void *data, u64 len)
{
	struct ucmsghdr h = { UCMSG_LEN(len), level, type };
	u64 n = UCMSG_LEN(len), step = UCMSG_SPACE(len);

	if (c->room < sizeof(h)) {
		*c->msg_flags |= MSG_CTRUNC;
		return 0;
	}
	if (c->room < n) {
		*c->msg_flags |= MSG_CTRUNC;
		n = c->room;
	}
	h.len = n;
	if (copy_to_user(c->ptr, &h, sizeof(h)) ||
	    copy_to_user(c->ptr + sizeof(h), data, n - sizeof(h)))
		return -EFAULT;
	step = min(step, c->room);
	c->ptr += step;
	c->room -= step;
	c->used += step;
	return 0;
}

/* Turn received rights into descriptors: as many as fit, the rest are closed. */
static int ctl_put_rights(struct ctl_out *c, struct kmsg *m)
{
	struct scm_fp *fp = m->fp;
	int fds[SCM_MAX_FD], n = 0, max, err = 0;

	max = c->room > sizeof(struct ucmsghdr) ?
	      (int)min((c->room - sizeof(struct ucmsghdr)) / sizeof(int), (u64)SCM_MAX_FD) : 0;
	for (int i = 0; i < fp->count && n < max; i++) {
		int fd = fd_install(fp->files[i], 0, m->flags & MSG_CMSG_CLOEXEC);

		if (fd < 0) {
			err = fd;
			break;
		}
		fp->files[i] = NULL; /* the table holds it now */
		fds[n++] = fd;
	}
	if (n < fp->count)
		*c->msg_flags |= MSG_CTRUNC;
	if (n)
		err = ctl_put(c, SOL_SOCKET, SCM_RIGHTS, fds, (u64)n * sizeof(int)) ?: err;
	for (int i = 0; i < fp->count; i++) {
		if (fp->files[i])
			file_put(fp->files[i]);
	}
	scm_inflight_add(-fp->count);
	kfree(fp);
	m->fp = NULL;
	return err == -EMFILE ? 0 : err;
}

static int msg_put_control(struct socket *s, struct kmsg *m, const struct umsghdr *h,
			   u64 *used)
{
	struct ctl_out c = { h->control, h->control ? h->controllen : 0, 0, &m->msg_flags };
	int err = 0;

	for (int i = 0; i < m->nextra && !err; i++)
		err = ctl_put(&c, m->extra[i].level, m->extra[i].type, m->extra[i].data,
			      (u64)m->extra[i].len);
	if (!err && m->has_cred && (s->opt & SOCK_OPT_PASSCRED))
		err = ctl_put(&c, SOL_SOCKET, SCM_CREDENTIALS, &m->cred, sizeof(m->cred));
	if (!err && m->fp)
		err = ctl_put_rights(&c, m);
	*used = c.used;
	return err;
}

/* ---- receive */

/* Receive per the guest msghdr at umsg (h: its copy); results are written back there. */
static long msg_recv(struct socket *s, struct file *f, uaddr_t umsg, struct umsghdr *h,
		     int flags)
{
	struct kmsg *m;
	struct msg_iov mi;
	u64 used = 0;
	long r;

	if ((int)h->namelen < 0)
		return -EINVAL;
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	r = msg_import_iov(&mi, h->iov, h->iovlen);
	if (r)
		return r;
	m = kzalloc(sizeof(*m));
	if (!m) {
		msg_free_iov(&mi);
		return -ENOMEM;
	}
	m->it = &mi.it;
	m->len = mi.it.count;
	m->flags = flags;
	m->nonblock = (flags & MSG_DONTWAIT) || (f->flags & O_NONBLOCK);
	r = s->ops->recvmsg(s, m);
	if (r >= 0) {
		int err = 0;

		if (h->name && h->namelen && m->namelen)
			err = copy_to_user(h->name, m->name, min(h->namelen, (u32)m->namelen)) ?
			      -EFAULT : 0;
		h->namelen = h->name ? (u32)m->namelen : 0;
		err = err ?: msg_put_control(s, m, h, &used);
		h->controllen = used;
		h->flags = m->msg_flags;
		if (!err && umsg &&
		    (put_user(h->namelen, umsg + offsetof(struct umsghdr, namelen)) ||
		     put_user(h->controllen, umsg + offsetof(struct umsghdr, controllen)) ||
		     put_user(h->flags, umsg + offsetof(struct umsghdr, flags))))
			err = -EFAULT;
		if (err)
			r = err;
	}
	scm_fp_free(m->fp);
	kfree(m);
	msg_free_iov(&mi);
	return r;
}

long sys_recvmsg(const struct sc_args *a)
{
	int fd = (int)a->arg[0], flags = (int)a->arg[2], err;
	struct umsghdr h;
	struct file *f;
	struct socket *s;
	long r;

	if (copy_from_user(&h, a->arg[1], sizeof(h)))
		return -EFAULT;
	s = net_fd_socket(fd, &f, &err);
	if (!s)
		return err;
	r = msg_recv(s, f, a->arg[1], &h, flags);
	file_put(f);
	return r;
}

long sys_recvfrom(const struct sc_args *a)
{
	int fd = (int)a->arg[0], flags = (int)a->arg[3], err, alen = 0;
	struct uvec v = { a->arg[1], a->arg[2] };
	uaddr_t uaddr = a->arg[4], ulen = a->arg[5];
	struct file *f;
	struct socket *s;
	struct kmsg *m;
	struct iov_iter it;
	long r;

	if (uaddr && get_user(alen, ulen))
		return -EFAULT;
	if (alen < 0)
		return -EINVAL;
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	if (v.len > (u64)MAX_MSG_BYTES)
		v.len = (u64)MAX_MSG_BYTES;
	if (v.len && !access_ok(v.base, v.len))
		return -EFAULT;
	s = net_fd_socket(fd, &f, &err);
	if (!s)
		return err;
	m = kzalloc(sizeof(*m));
	if (!m) {
		file_put(f);
		return -ENOMEM;
	}
	iter_init_user(&it, &v, 1, v.len);
	m->it = &it;
	m->len = v.len;
	m->flags = flags;
	m->nonblock = (flags & MSG_DONTWAIT) || (f->flags & O_NONBLOCK);
	r = s->ops->recvmsg(s, m);
	if (r >= 0 && uaddr) {
		err = net_addr_to_user(m->name, m->namelen, uaddr, ulen);
		if (err)
			r = err;
	}
	scm_fp_free(m->fp);
	kfree(m);
	file_put(f);
	return r;
}

/* ---- many messages */

long sys_sendmmsg(const struct sc_args *a)
{
	int fd = (int)a->arg[0], flags = (int)a->arg[3], err;
	uaddr_t uvec = a->arg[1];
	unsigned vlen = (unsigned)min(a->arg[2], (u64)UIO_MAXIOV), done = 0;
	struct file *f;
	struct socket *s = net_fd_socket(fd, &f, &err);
	long r = 0;

	if (!s)
		return err;
	for (; done < vlen; done++) {
		uaddr_t um = uvec + done * sizeof(struct ummsghdr);
		struct umsghdr h;

		if (copy_from_user(&h, um, sizeof(h))) {
			r = -EFAULT;
			break;
		}
		r = msg_send(s, f, &h, flags);
		if (r < 0)
			break;
		if (put_user((u32)r, um + offsetof(struct ummsghdr, len))) {
			r = -EFAULT;
			break;
		}
	}
	file_put(f);
	return done ? (long)done : r;
}

/* recvmmsg's timeout as a deadline (0: none); -errno for a bad timespec. */
static int mmsg_deadline(uaddr_t uts, u64 *deadline)
{
	u64 ns;
	int err;

	*deadline = 0;
	if (!uts)
		return 0;
	err = time_timespec_from_user(uts, &ns);
	if (err)
		return err;
	*deadline = ktime_now() + ns;
	return 0;
}

long sys_recvmmsg(const struct sc_args *a)
{
	int fd = (int)a->arg[0], flags = (int)a->arg[3], err;
	uaddr_t uvec = a->arg[1];
	unsigned vlen = (unsigned)min(a->arg[2], (u64)UIO_MAXIOV), done = 0;
	struct file *f;
	struct socket *s;
	u64 deadline;
	long r = 0;

	err = mmsg_deadline(a->arg[4], &deadline);
	if (err)
		return err;
	s = net_fd_socket(fd, &f, &err);
	if (!s)
		return err;
	for (; done < vlen; done++) {
		uaddr_t um = uvec + done * sizeof(struct ummsghdr);
		struct umsghdr h;

		if (copy_from_user(&h, um, sizeof(h))) {
			r = -EFAULT;
			break;
		}
		r = msg_recv(s, f, um, &h, flags & ~MSG_WAITFORONE);
		if (r < 0)
			break;
		if (put_user((u32)r, um + offsetof(struct ummsghdr, len))) {
			r = -EFAULT;
			break;
		}
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (deadline && ktime_now() >= deadline) {
			done++;
			break;
		}
	}
	file_put(f);
	if (done)
		return (long)done;
	return r;
}
