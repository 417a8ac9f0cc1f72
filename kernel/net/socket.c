/*
 * The socket layer: sockets as open files, the family registry, and the system calls
 * that create, name and connect sockets (socket, socketpair, bind, listen, accept,
 * accept4, connect, getsockname, getpeername, shutdown). Data moves in msg.c, options in
 * sockopt.c; each family (af_unix.c, inet.c, netlink.c) implements struct proto_ops.
 *
 * A socket's file lives on an S_IFSOCK inode of the internal "sockfs" superblock, so fstat
 * shows a socket and /proc/PID/fd names it socket:[ino]. Closing the last descriptor calls
 * the family's release, then drops the file's reference on the socket (net.h).
 *
 * Waiting: sock_sleep is the one place a socket call sleeps; it turns a signal into
 * -ERESTARTSYS when the call has no timeout (SA_RESTART restarts it) and -EINTR when it has
 * one, and the deadline into -EAGAIN, as Linux's sock_intr_errno and timeouts do.
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "internal.h"

#include <asm/ioctls.h>

#define SOCKFS_MAGIC 0x534F434B
#define SOCK_DEFAULT_BUF 212992 /* net.core.rmem_default / wmem_default */

static net_create_fn families[AF_MAX];
static struct super_block *sock_sb;
static struct file_system_type sockfs_type = { .name = "sockfs" };
static const struct file_operations sock_fops;

void net_register_family(int family, net_create_fn create)
{
	BUG_ON(family <= 0 || family >= AF_MAX);
	families[family] = create;
}

/* ---- the generic socket */

void sock_init(struct socket *s, int family, int type, int protocol,
	       const struct proto_ops *ops)
{
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	s->state = SS_UNCONNECTED;
	s->ops = ops;
	s->refcount = 1;
	s->uid = current->cred.fsuid;
	wait_queue_init(&s->wq);
	INIT_LIST_HEAD(&s->rxq);
	s->rcvbuf = SOCK_DEFAULT_BUF;
	s->sndbuf = SOCK_DEFAULT_BUF;
	s->rcvlowat = 1;
	s->peercred = (struct kucred){ 0, (u32)-1, (u32)-1 };
}

void sock_get(struct socket *s)
{
	BUG_ON(s->refcount <= 0);
	s->refcount++;
}

void sock_put(struct socket *s)
{
	if (!s)
		return;
	BUG_ON(s->refcount <= 0);
	if (--s->refcount == 0)
		s->ops->destroy(s);
}

void sock_wake(struct socket *s)
{
	wake_up(&s->wq);
}

u64 sock_deadline(u64 timeo)
{
	return timeo ? ktime_now() + timeo : 0;
}

int sock_sleep(u64 deadline)
{
	int r;

	if (!deadline) {
		task_set_state(current, TASK_INTERRUPTIBLE);
		if (!signal_pending(current))
			schedule();
		task_set_state(current, TASK_RUNNING);
		return signal_pending(current) ? -ERESTARTSYS : 0;
	}
	r = schedule_until(deadline);
	if (r == 0)
		return -EAGAIN;
	return r < 0 ? -EINTR : 0;
}

void sock_current_cred(struct kucred *c)
{
	c->pid = (u32)current->tgid;
	c->uid = current->cred.uid;
	c->gid = current->cred.gid;
}

int sock_epipe(int flags)
{
	if (!(flags & MSG_NOSIGNAL))
		sig_send_task(current, SIGPIPE, NULL);
	return -EPIPE;
}

/* ---- sockets as files */

struct socket *sock_from_file(struct file *f)
{
	return f && f->f_op == &sock_fops ? f->private : NULL;
}

static ssize_t sock_rw(struct file *f, struct iov_iter *it, bool write)
{
	struct socket *s = f->private;
	struct kmsg m;
	ssize_t r;

	memset(&m, 0, offsetof(struct kmsg, extra));
	m.it = it;
	m.len = it->count;
	m.nonblock = f->flags & O_NONBLOCK;
	if (write) {
		r = s->ops->sendmsg(s, &m);
	} else {
		r = s->ops->recvmsg(s, &m);
		scm_fp_free(m.fp); /* read(2) has nowhere to put rights: they are closed */
	}
	return r;
}

static ssize_t sock_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return sock_rw(f, to, false);
}

static ssize_t sock_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	return sock_rw(f, from, true);
}

static unsigned sock_poll(struct file *f, struct poll_table *pt)
{
	struct socket *s = f->private;

	return s->ops->poll(s, f, pt);
}

static long sock_ioctl(struct file *f, unsigned cmd, u64 arg)
{
	struct socket *s = f->private;
	long r = s->ops->ioctl ? s->ops->ioctl(s, cmd, arg) : -ENOIOCTLCMD;

	if (r == -ENOIOCTLCMD)
		r = netdev_ioctl(cmd, arg);
	if (r == -ENOIOCTLCMD && (cmd == SIOCGSTAMP_OLD || cmd == SIOCGSTAMPNS_OLD))
		r = -ENOENT;
	return r == -ENOIOCTLCMD ? -ENOTTY : r;
}

static void sock_release(struct inode *inode, struct file *f)
{
	struct socket *s = f->private;

	s->file = NULL;
	s->ops->release(s);
	sock_wake(s);
	sock_put(s);
}

static const struct file_operations sock_fops = {
	.release = sock_release,
	.read = sock_read,
	.write = sock_write,
	.llseek = vfs_no_llseek,
	.ioctl = sock_ioctl,
	.poll = sock_poll,
};

/* A file for s (the file takes over the caller's reference); ERR_PTR on failure. */
static struct file *sock_alloc_file(struct socket *s, unsigned flags)
{
	struct inode *inode = inode_alloc(sock_sb, S_IFSOCK | 0777);
	struct file *f;

	if (!inode)
		return ERR_PTR(-ENOMEM);
	f = file_alloc_anon(inode, &sock_fops, O_RDWR | (flags & O_NONBLOCK), s);
	if (!IS_ERR(f)) {
		s->ino = inode->ino;
		s->file = f;
	}
	inode_put(inode);
	return f;
}

int sock_install_fd(struct socket *s, unsigned flags)
{
	struct file *f = sock_alloc_file(s, flags);
	int fd;

	if (IS_ERR(f)) {
		s->ops->release(s); /* an accepted connection must not stay half-open */
		sock_put(s);
		return (int)PTR_ERR(f);
	}
	fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f); /* releases the socket */
	return fd;
}

/* The socket at descriptor fd, with a reference on its file in *fp. */
static struct socket *sock_fd_get(int fd, struct file **fp, int *err)
{
	struct file *f = fd_get(fd);
	struct socket *s = sock_from_file(f);

	if (!f)
		*err = -EBADF;
	else if (!s)
		*err = -ENOTSOCK;
	if (!s) {
		if (f)
			file_put(f);
		return NULL;
	}
	*fp = f;
	return s;
}

/* ---- creating sockets */

static int sock_create(int family, int type, int protocol, struct socket **out)
{
	net_create_fn create;

	if (!IS_ENABLED(CONFIG_NET))
		return -EAFNOSUPPORT;
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	create = families[family];
	if (!create)
		return -EAFNOSUPPORT;
	if (type < 0 || type > 10)
		return -EINVAL;
	return create(type, protocol, false, out);
}

/* Split socket(2)'s type into the socket type and SOCK_NONBLOCK/SOCK_CLOEXEC flags. */
static int sock_type_flags(int type, int *flags)
{
	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	*flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	return 0;
}

long sys_socket(const struct sc_args *a)
{
	int family = (int)a->arg[0], type = (int)a->arg[1], protocol = (int)a->arg[2];
	struct socket *s;
	int flags, err = sock_type_flags(type, &flags);

	if (err)
		return err;
	err = sock_create(family, type & SOCK_TYPE_MASK, protocol, &s);
	if (err)
		return err;
	return sock_install_fd(s, (unsigned)flags);
}

static long do_socketpair(int family, int type, int protocol, uaddr_t usv)
{
	struct socket *sa, *sb;
	int flags, fds[2], err = sock_type_flags(type, &flags);

	if (err)
		return err;
	if (!access_ok(usv, sizeof(fds)))
		return -EFAULT;
	err = sock_create(family, type & SOCK_TYPE_MASK, protocol, &sa);
	if (err)
		return err;
	err = sock_create(family, type & SOCK_TYPE_MASK, protocol, &sb);
	if (err) {
		sock_put(sa);
		return err;
	}
	err = sa->ops->socketpair ? sa->ops->socketpair(sa, sb) : -EOPNOTSUPP;
	if (err) {
		sa->ops->release(sa);
		sb->ops->release(sb);
		sock_put(sa);
		sock_put(sb);
		return err;
	}
	fds[0] = sock_install_fd(sa, (unsigned)flags);
	if (fds[0] < 0) {
		sb->ops->release(sb);
		sock_put(sb);
		return fds[0];
	}
	fds[1] = sock_install_fd(sb, (unsigned)flags);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(usv, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_socketpair(const struct sc_args *a)
{
	return do_socketpair((int)a->arg[0], (int)a->arg[1], (int)a->arg[2], a->arg[3]);
}

/* ---- addresses */

/* Copy a guest address of len bytes into buf (SOCKADDR_MAX). */
static int addr_from_user(uaddr_t uaddr, int len, void *buf)
{
	if (len < 0 || len > SOCKADDR_MAX)
		return -EINVAL;
	if (len && copy_from_user(buf, uaddr, (size_t)len))
		return -EFAULT;
	return 0;
}

int net_addr_to_user(const void *buf, int len, uaddr_t uaddr, uaddr_t ulen)
{
	int room;

	if (!uaddr)
		return 0;
	if (get_user(room, ulen))
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	if (len && room && copy_to_user(uaddr, buf, (size_t)min(room, len)))
		return -EFAULT;
	return put_user(len, ulen) ? -EFAULT : 0;
}

long sys_bind(const struct sc_args *a)
{
	int fd = (int)a->arg[0], len = (int)a->arg[2];
	uaddr_t uaddr = a->arg[1];
	u8 buf[SOCKADDR_MAX];
	struct file *f;
	struct socket *s;
	int err = addr_from_user(uaddr, len, buf);

	if (err)
		return err;
	s = sock_fd_get(fd, &f, &err);
	if (!s)
		return err;
	err = s->ops->bind ? s->ops->bind(s, buf, len) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

long sys_connect(const struct sc_args *a)
{
	int fd = (int)a->arg[0], len = (int)a->arg[2];
	uaddr_t uaddr = a->arg[1];
	u8 buf[SOCKADDR_MAX];
	struct file *f;
	struct socket *s;
	int err = addr_from_user(uaddr, len, buf);

	if (err)
		return err;
	s = sock_fd_get(fd, &f, &err);
	if (!s)
		return err;
	err = s->ops->connect ? s->ops->connect(s, buf, len, f->flags & O_NONBLOCK) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

long sys_listen(const struct sc_args *a)
{
	int fd = (int)a->arg[0], backlog = (int)a->arg[1];
	struct file *f;
	struct socket *s;
	int err;

	s = sock_fd_get(fd, &f, &err);
	if (!s)
		return err;
	if ((unsigned)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	err = s->ops->listen ? s->ops->listen(s, backlog) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

static long do_accept(int fd, uaddr_t uaddr, uaddr_t ulen, int flags)
{
	struct socket *s, *ns;
	struct file *f;
	u8 buf[SOCKADDR_MAX];
	int err, len;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	s = sock_fd_get(fd, &f, &err);
	if (!s)
		return err;
	err = s->ops->accept ? s->ops->accept(s, &ns, f->flags & O_NONBLOCK) : -EOPNOTSUPP;
	file_put(f);
	if (err)
		return err;
	if (uaddr) {
		len = ns->ops->getname(ns, buf, true);
		if (len < 0)
			len = 0; /* the peer went already: Linux still accepts */
		err = net_addr_to_user(buf, len, uaddr, ulen);
		if (err) {
			ns->ops->release(ns);
			sock_put(ns);
			return err;
		}
	}
	return sock_install_fd(ns, (unsigned)flags);
}

long sys_accept(const struct sc_args *a)
{
	return do_accept((int)a->arg[0], a->arg[1], a->arg[2], 0);
}

long sys_accept4(const struct sc_args *a)
{
	return do_accept((int)a->arg[0], a->arg[1], a->arg[2], (int)a->arg[3]);
}

static long do_getname(int fd, uaddr_t uaddr, uaddr_t ulen, bool peer)
{
	u8 buf[SOCKADDR_MAX];
	struct file *f;
	struct socket *s;
	int err, len;

	s = sock_fd_get(fd, &f, &err);
	if (!s)
		return err;
	len = s->ops->getname(s, buf, peer);
	file_put(f);
	if (len < 0)
		return len;
	if (!uaddr)
		return -EFAULT;
	return net_addr_to_user(buf, len, uaddr, ulen);
}

long sys_getsockname(const struct sc_args *a)
{
	return do_getname((int)a->arg[0], a->arg[1], a->arg[2], false);
}

long sys_getpeername(const struct sc_args *a)
{
	return do_getname((int)a->arg[0], a->arg[1], a->arg[2], true);
}

long sys_shutdown(const struct sc_args *a)
{
	int fd = (int)a->arg[0], how = (int)a->arg[1];
	struct file *f;
	struct socket *s;
	int err;

	s = sock_fd_get(fd, &f, &err);
	if (!s)
		return err;
	if (how < SHUT_RD || how > SHUT_RDWR)
		err = -EINVAL;
	else
		err = s->ops->shutdown ? s->ops->shutdown(s, how) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

/* The socket at fd for msg.c and sockopt.c: referenced file in *fp, or NULL and *err. */
struct socket *net_fd_socket(int fd, struct file **fp, int *err)
{
	return sock_fd_get(fd, fp, err);
}

int net_init(void)
{
	sock_sb = sb_alloc(&sockfs_type);
	if (!sock_sb)
		return -ENOMEM;
	sock_sb->refcount = 1; /* never unmounted */
	sock_sb->magic = SOCKFS_MAGIC;
	if (!IS_ENABLED(CONFIG_NET))
		return 0;
	net_register_family(AF_UNIX, unix_create);
	net_register_family(AF_INET, inet_create4);
	net_register_family(AF_INET6, inet_create6);
	net_register_family(AF_NETLINK, netlink_create);
	return netdev_init();
}
