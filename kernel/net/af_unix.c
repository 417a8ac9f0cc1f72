/*
 * AF_UNIX sockets, names and connections: socket creation for the three types (stream,
 * datagram, seqpacket), bind (abstract names, filesystem names, autobind), listen,
 * connect, accept, socketpair, getsockname/getpeername, release, and /proc/net/unix.
 * Data transfer and readiness are in unix_msg.c.
 *
 * Names: every open socket is on unix_all. An abstract name (sun_path[0] == 0) is the byte
 * string of the address, one namespace per socket type as in Linux; a filesystem name is the S_IFSOCK node bind made through the VFS
 * (vfs_mknod_at, mode 0777 & ~umask, EADDRINUSE when the name exists), and connecting
 * resolves the path (write permission needed) and finds the socket bound to that inode.
 * A name leaves with its socket, though the node stays in the filesystem as on Linux.
 *
 * Connections: connect makes the server-side socket at once (an "embryo" connected to the
 * client) and queues it on the listener; accept takes it. A listener holds backlog + 1
 * embryos at most; a connector beyond that waits (or gets EAGAIN). Closing a listener
 * resets the connections it did not accept. Credentials: a client sees the listener's
 * credentials at listen() (SO_PEERCRED), the accepted socket the client's at connect().
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "slab.h"
#include "task.h"
#include "internal.h"
#include "unix.h"

#include "../fs/procfs/procfs.h"

LIST_HEAD(unix_all);
static unsigned unix_autobind_next;

/* ---- addresses */

static void unix_addr_put(struct unix_addr *a)
{
	if (a && --a->refcount == 0)
		kfree(a);
}

static bool unix_abstract(const struct unix_addr *a)
{
	return a->sun.sun_path[0] == '\0';
}

/*
 * Check and normalise a guest address: *len becomes the significant length (a filesystem
 * name ends at its first NUL). 0, or -EINVAL.
 */
static int unix_mkname(const struct sockaddr_un *sun, int *len)
{
	int n;

	if (*len <= (int)sizeof(sun->sun_family) || *len > (int)sizeof(*sun))
		return -EINVAL;
	if (sun->sun_family != AF_UNIX)
		return -EINVAL;
	if (sun->sun_path[0]) {
		n = (int)strnlen(sun->sun_path, (size_t)*len - sizeof(sun->sun_family));
		*len = n + (int)sizeof(sun->sun_family) + 1;
		if (*len > (int)sizeof(*sun))
			*len = (int)sizeof(*sun);
	}
	return 0;
}

int unix_fill_addr(const struct unix_sock *u, void *buf)
{
	sa_family_t fam = AF_UNIX;

	if (!u->addr) {
		memcpy(buf, &fam, sizeof(fam));
		return sizeof(fam);
	}
	memcpy(buf, &u->addr->sun, (size_t)u->addr->len);
	return u->addr->len;
}

int unix_getname(struct socket *s, void *buf, bool peer)
{
	struct unix_sock *u = unix_sk(s);

	if (peer) {
		if (!u->peer)
			return -ENOTCONN;
		u = u->peer;
	}
	return unix_fill_addr(u, buf);
}

/* ---- the table of names */

/* Abstract names are per socket type, as in Linux (its name hash includes the type). */
static struct unix_sock *unix_find_abstract(const struct sockaddr_un *sun, int len, int type)
{
	struct unix_sock *u;

	list_for_each_entry(u, &unix_all, link) {
		if (u->owns_name && u->sk.type == type && unix_abstract(u->addr) &&
		    u->addr->len == len &&
		    !memcmp(&u->addr->sun, sun, (size_t)len))
			return u;
	}
	return NULL;
}

static struct unix_sock *unix_find_inode(struct inode *inode)
{
	struct unix_sock *u;

	list_for_each_entry(u, &unix_all, link) {
		if (u->owns_name && u->path.dentry && u->path.dentry->inode == inode)
			return u;
	}
	return NULL;
}

/* A filesystem name as a NUL-terminated kernel string (sun_path may lack the NUL). */
static void unix_path_of(const struct sockaddr_un *sun, int len, char *out)
{
	size_t n = (size_t)len - sizeof(sun->sun_family);

	memcpy(out, sun->sun_path, n);
	out[n] = '\0';
}

static struct unix_sock *unix_find_path(const struct sockaddr_un *sun, int len, int *err)
{
	char name[sizeof(sun->sun_path) + 1];
	struct unix_sock *u = NULL;
	struct path p;

	unix_path_of(sun, len, name);
	*err = kern_path(AT_FDCWD, name, LOOKUP_FOLLOW, &p);
	if (*err)
		return NULL;
	*err = inode_permission(p.dentry->inode, MAY_WRITE);
	if (!*err) {
		*err = -ECONNREFUSED;
		if (S_ISSOCK(p.dentry->inode->mode))
			u = unix_find_inode(p.dentry->inode);
	}
	path_put(&p);
	return u;
}

struct unix_sock *unix_find(const void *addr, int len, int type, int *err)
{
	const struct sockaddr_un *sun = addr;
	struct unix_sock *u;

	*err = unix_mkname(sun, &len);
	if (*err)
		return NULL;
	if (sun->sun_path[0]) {
		u = unix_find_path(sun, len, err);
	} else {
		u = unix_find_abstract(sun, len, type);
		*err = -ECONNREFUSED;
	}
	if (u && u->sk.type != type)
		u = NULL;
	if (!u)
		return NULL;
	*err = 0;
	sock_get(&u->sk);
	return u;
}

static struct unix_addr *unix_addr_new(const struct sockaddr_un *sun, int len)
{
	struct unix_addr *a = kzalloc(sizeof(*a));

	if (!a)
		return NULL;
	a->refcount = 1;
	a->len = len;
	memcpy(&a->sun, sun, (size_t)len);
	return a;
}

int unix_autobind(struct unix_sock *u)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int len = (int)sizeof(sun.sun_family) + 6;

	if (u->addr)
		return 0;
	for (unsigned tries = 0; tries < 0x100000; tries++) {
		unix_autobind_next = (unix_autobind_next + 1) & 0xfffff;
		ksnprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "%05x", unix_autobind_next);
		if (unix_find_abstract(&sun, len, u->sk.type))
			continue;
		u->addr = unix_addr_new(&sun, len);
		u->owns_name = u->addr != NULL;
		return u->addr ? 0 : -ENOMEM;
	}
	return -ENOSPC;
}

static int unix_bind_path(struct unix_sock *u, const struct sockaddr_un *sun, int len)
{
	char name[sizeof(sun->sun_path) + 1];
	u32 mode = S_IFSOCK | (0777 & ~(current->fs ? current->fs->umask : 022));
	struct path p;
	long err;

	unix_path_of(sun, len, name);
	err = vfs_mknod_at(AT_FDCWD, name, mode, 0);
	if (err)
		return err == -EEXIST ? -EADDRINUSE : (int)err;
	err = kern_path(AT_FDCWD, name, 0, &p);
	if (err)
		return (int)err;
	u->addr = unix_addr_new(sun, len);
	if (!u->addr) {
		path_put(&p);
		return -ENOMEM;
	}
	u->path = p;
	u->owns_name = true;
	return 0;
}

int unix_bind(struct socket *s, const void *addr, int len)
{
	const struct sockaddr_un *sun = addr;
	struct unix_sock *u = unix_sk(s);
	int err;

	if (len == (int)sizeof(sun->sun_family) && sun->sun_family == AF_UNIX)
		return u->addr ? -EINVAL : unix_autobind(u);
	err = unix_mkname(sun, &len);
	if (err)
		return err;
	if (u->addr)
		return -EINVAL;
	if (sun->sun_path[0])
		return unix_bind_path(u, sun, len);
	if (unix_find_abstract(sun, len, s->type))
		return -EADDRINUSE;
	u->addr = unix_addr_new(sun, len);
	u->owns_name = u->addr != NULL;
	return u->addr ? 0 : -ENOMEM;
}

/* ---- sockets */

static struct unix_sock *unix_alloc(int type)
{
	const struct proto_ops *ops = type == SOCK_STREAM ? &unix_stream_ops :
				      type == SOCK_DGRAM ? &unix_dgram_ops : &unix_seqpacket_ops;
	struct unix_sock *u = kzalloc(sizeof(*u));

	if (!u)
		return NULL;
	sock_init(&u->sk, AF_UNIX, type, 0, ops);
	INIT_LIST_HEAD(&u->acceptq);
	INIT_LIST_HEAD(&u->q_link);
	INIT_LIST_HEAD(&u->gc_link);
	list_add_tail(&u->link, &unix_all);
	return u;
}

int unix_create(int type, int protocol, bool kern, struct socket **out)
{
	struct unix_sock *u;

	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	if (type == SOCK_RAW)
		type = SOCK_DGRAM;
	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	u = unix_alloc(type);
	if (!u)
		return -ENOMEM;
	*out = &u->sk;
	return 0;
}

/* Connect a and b to each other (each holds a reference on the other). */
static void unix_pair(struct unix_sock *a, struct unix_sock *b)
{
	sock_get(&b->sk);
	a->peer = b;
	sock_get(&a->sk);
	b->peer = a;
	a->sk.state = SS_CONNECTED;
	b->sk.state = SS_CONNECTED;
}

int unix_socketpair(struct socket *a, struct socket *b)
{
	struct kucred c = { (u32)current->tgid, current->cred.euid, current->cred.egid };

	unix_pair(unix_sk(a), unix_sk(b));
	a->peercred = c;
	b->peercred = c;
	return 0;
}

int unix_listen(struct socket *s, int backlog)
{
	struct unix_sock *u = unix_sk(s);

	if (s->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (!u->addr || u->peer)
		return -EINVAL;
	u->backlog = backlog;
	if (!s->listening) {
		u->listen_cred = (struct kucred){ (u32)current->tgid, current->cred.euid,
						  current->cred.egid };
		s->listening = true;
	}
	sock_wake(s); /* connectors waiting for room */
	return 0;
}

static bool unix_acceptq_full(const struct unix_sock *l)
{
	return l->nr_accept > l->backlog;
}

/* Wait for room in listener l's queue; 0, or -errno (-ECONNREFUSED when it stopped). */
static int unix_wait_room(struct unix_sock *u, struct unix_sock *l, bool nonblock)
{
	u64 deadline = sock_deadline(u->sk.sndtimeo);
	int err;

	while (unix_acceptq_full(l) && l->sk.listening && !l->dead) {
		if (nonblock)
			return -EAGAIN;
		err = sock_wait_event(&l->sk, deadline,
				      !unix_acceptq_full(l) || !l->sk.listening || l->dead);
		if (err)
			return err;
	}
	return l->sk.listening && !l->dead ? 0 : -ECONNREFUSED;
}

/* Make the server side of a connection from u to listener l and queue it. */
static int unix_make_embryo(struct unix_sock *u, struct unix_sock *l)
{
	struct unix_sock *e = unix_alloc(u->sk.type);

	if (!e)
		return -ENOMEM;
	e->sk.uid = l->sk.uid;
	e->addr = l->addr;
	e->addr->refcount++;
	if (l->path.dentry) {
		e->path = l->path;
		path_get(&e->path);
	}
	e->sk.opt = l->sk.opt & (SOCK_OPT_PASSCRED | SOCK_OPT_KEEPALIVE);
	unix_pair(u, e);
	u->sk.peercred = l->listen_cred;
	e->sk.peercred = (struct kucred){ (u32)current->tgid, current->cred.euid,
					  current->cred.egid };
	list_add_tail(&e->q_link, &l->acceptq); /* the queue holds the creation reference */
	e->listener = l;
	l->nr_accept++;
	sock_wake(&l->sk);
	return 0;
}

int unix_stream_connect(struct socket *s, const void *addr, int len, bool nonblock)
{
	struct unix_sock *u = unix_sk(s), *l;
	int err;

	/* Linux's order: the name, the listener, room in its queue, then our own state. */
	l = unix_find(addr, len, s->type, &err);
	if (!l)
		return err;
	err = -ECONNREFUSED;
	if (l->sk.listening && !(l->sk.shutdown & RCV_SHUTDOWN))
		err = unix_wait_room(u, l, nonblock);
	if (!err && s->state == SS_CONNECTED)
		err = -EISCONN;
	else if (!err && s->listening)
		err = -EINVAL;
	if (!err && (s->opt & SOCK_OPT_PASSCRED))
		err = unix_autobind(u);
	if (!err)
		err = unix_make_embryo(u, l);
	sock_put(&l->sk);
	return err;
}

static void unix_disconnect(struct unix_sock *u)
{
	if (u->peer) {
		sock_put(&u->peer->sk);
		u->peer = NULL;
	}
	u->sk.state = SS_UNCONNECTED;
}

int unix_dgram_connect(struct socket *s, const void *addr, int len, bool nonblock)
{
	const struct sockaddr_un *sun = addr;
	struct unix_sock *u = unix_sk(s), *o;
	int err;

	if (len >= (int)sizeof(sun->sun_family) && sun->sun_family == AF_UNSPEC) {
		unix_disconnect(u);
		return 0;
	}
	o = unix_find(addr, len, s->type, &err);
	if (!o)
		return err;
	if (o->peer && o->peer != u) { /* it talks to another socket only */
		sock_put(&o->sk);
		return -EPERM;
	}
	if ((s->opt & SOCK_OPT_PASSCRED) && !u->addr) {
		err = unix_autobind(u);
		if (err) {
			sock_put(&o->sk);
			return err;
		}
	}
	unix_disconnect(u);
	u->peer = o; /* takes over the lookup's reference */
	s->state = SS_CONNECTED;
	return 0;
}

int unix_accept(struct socket *s, struct socket **out, bool nonblock)
{
	struct unix_sock *u = unix_sk(s), *e;
	int err;

	if (s->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (!s->listening)
		return -EINVAL;
	if (list_empty(&u->acceptq)) {
		if (nonblock)
			return -EAGAIN;
		err = sock_wait_event(s, sock_deadline(s->rcvtimeo),
				      !list_empty(&u->acceptq) || !s->listening);
		if (err)
			return err;
		if (list_empty(&u->acceptq))
			return -EINVAL;
	}
	e = list_first_entry(&u->acceptq, struct unix_sock, q_link);
	list_del_init(&e->q_link);
	e->listener = NULL;
	u->nr_accept--;
	sock_wake(s);
	*out = &e->sk;
	return 0;
}

/* The peer of a stream or seqpacket socket that goes: it sees end of file or a reset. */
static void unix_hangup_peer(struct unix_sock *u, bool reset)
{
	struct unix_sock *p = u->peer;

	if (!p)
		return;
	if (u->sk.type != SOCK_DGRAM) {
		p->sk.shutdown = SHUTDOWN_MASK;
		if (reset)
			p->sk.err = -ECONNRESET;
		sock_wake(&p->sk);
	}
	sock_put(&p->sk);
	u->peer = NULL;
}

static void unix_release_embryo(struct unix_sock *e)
{
	e->dead = true;
	e->listener = NULL;
	list_del_init(&e->link);
	unix_hangup_peer(e, true);
	skb_purge_rcv(&e->sk);
	sock_put(&e->sk);
}

void unix_release(struct socket *s)
{
	struct unix_sock *u = unix_sk(s);

	u->dead = true;
	s->shutdown = SHUTDOWN_MASK;
	list_del_init(&u->link);
	if (s->listening) {
		s->listening = false;
		while (!list_empty(&u->acceptq)) {
			struct unix_sock *e = list_first_entry(&u->acceptq, struct unix_sock, q_link);

			list_del_init(&e->q_link);
			unix_release_embryo(e);
		}
	}
	unix_hangup_peer(u, !list_empty(&s->rxq));
	skb_purge_rcv(s);
	if (u->path.dentry)
		path_put(&u->path);
	u->path.dentry = NULL;
	u->path.mnt = NULL;
	if (unix_inflight_total)
		unix_gc();
}

void unix_destroy(struct socket *s)
{
	struct unix_sock *u = unix_sk(s);

	if (!list_empty(&u->link))
		list_del_init(&u->link);
	if (u->peer)
		sock_put(&u->peer->sk);
	skb_purge_rcv(s);
	if (u->path.dentry)
		path_put(&u->path);
	unix_addr_put(u->addr);
	kfree(u);
}

/* ---- /proc/net/unix */

/* An abstract name as Linux shows it: '@' for every NUL, the leading one included. */
static void unix_proc_abstract(struct procfs_buf *b, const struct unix_addr *a)
{
	char name[sizeof(a->sun.sun_path) + 1];
	int n = a->len - (int)sizeof(a->sun.sun_family);

	for (int i = 0; i < n; i++)
		name[i] = a->sun.sun_path[i] ? a->sun.sun_path[i] : '@';
	name[n] = '\0';
	procfs_printf(b, " %s", name);
}

void unix_proc_show(struct procfs_buf *b)
{
	struct unix_sock *u;

	procfs_printf(b, "Num       RefCount Protocol Flags    Type St Inode Path\n");
	list_for_each_entry(u, &unix_all, link) {
		struct socket *s = &u->sk;
		int st = s->listening ? SS_UNCONNECTED : s->state;

		procfs_printf(b, "%016llx: %08X %08X %08X %04X %02X %5llu",
			      (unsigned long long)s->ino * 64, s->refcount + 1, 0,
			      s->listening ? 0x10000 : 0, s->type, st,
			      (unsigned long long)s->ino);
		if (u->addr && unix_abstract(u->addr))
			unix_proc_abstract(b, u->addr);
		else if (u->addr)
			procfs_printf(b, " %.*s", u->addr->len - 2, u->addr->sun.sun_path);
		procfs_printf(b, "\n");
	}
}
