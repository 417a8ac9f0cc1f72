/*
 * AF_UNIX data transfer and readiness: stream, datagram and seqpacket send/receive,
 * poll, the queue ioctls (SIOCINQ, SIOCOUTQ) and shutdown. Names and connections are in
 * af_unix.c.
 *
 * Every message carries its sender's credentials (or those given with SCM_CREDENTIALS)
 * and name; the receiver sees the credentials only with SO_PASSCRED. Rights travel with
 * the first skb of a send. Flow control: a sender waits while its sent-but-unread bytes
 * (wmem) reach SO_SNDBUF; a datagram sender also waits while the receiver holds more than
 * UNIX_MAX_DGRAM_QLEN datagrams (Linux's net.unix.max_dgram_qlen), on the receiver's wait
 * queue, which every read wakes.
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"
#include "internal.h"
#include "unix.h"

#include <asm/ioctls.h>
#include <linux/poll.h>

#define UNIX_STREAM_CHUNK (16384 - sizeof(struct skb))

/* Stamp an skb with its sender: credentials and name. */
static void unix_skb_sender(struct skb *skb, struct unix_sock *u, struct kmsg *m)
{
	skb->has_cred = true;
	if (m->has_cred)
		skb->cred = m->cred;
	else
		sock_current_cred(&skb->cred);
	if (u->addr) {
		skb->addrlen = (u16)u->addr->len;
		memcpy(skb->addr, &u->addr->sun, (size_t)u->addr->len);
	}
}

/* An skb holding the next n bytes of m; NULL with *err. */
static struct skb *unix_skb_fill(struct unix_sock *u, struct kmsg *m, size_t n, int *err)
{
	struct skb *skb;
	size_t c;

	if (m->fp && unix_inflight_total > UNIX_GC_TRIGGER)
		unix_gc(); /* before m's rights are counted: they are in no queue yet */
	skb = skb_alloc(n);
	if (!skb) {
		*err = -ENOMEM;
		return NULL;
	}
	c = iter_copy_from(skb->data, m->it, n);
	if (c < n) {
		skb_free(skb);
		*err = -EFAULT;
		return NULL;
	}
	unix_skb_sender(skb, u, m);
	skb->fp = m->fp;
	m->fp = NULL;
	if (skb->fp) {
		unix_fp_track(skb->fp, 1);
		skb->fp_tracked = true;
	}
	return skb;
}

/* ---- streams */

static bool unix_stream_broken(struct unix_sock *u, struct unix_sock *p)
{
	return (u->sk.shutdown & SEND_SHUTDOWN) || p->dead || (p->sk.shutdown & RCV_SHUTDOWN);
}

ssize_t unix_stream_sendmsg(struct socket *s, struct kmsg *m)
{
	struct unix_sock *u = unix_sk(s), *p = u->peer;
	u64 deadline = sock_deadline(s->sndtimeo);
	size_t sent = 0;
	int err = 0;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->namelen)
		return s->state == SS_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (!p || s->state != SS_CONNECTED)
		return -ENOTCONN;
	while (sent < m->len) {
		size_t n = min(m->len - sent, UNIX_STREAM_CHUNK);
		struct skb *skb;

		if (unix_stream_broken(u, p)) {
			err = sent ? 0 : sock_epipe(m->flags);
			break;
		}
		if (s->wmem >= s->sndbuf) {
			if (m->nonblock) {
				err = -EAGAIN;
				break;
			}
			err = sock_wait_event(s, deadline,
					      s->wmem < s->sndbuf || unix_stream_broken(u, p));
			if (err)
				break;
			continue;
		}
		n = min(n, (size_t)max(s->sndbuf / 2, 1024U));
		skb = unix_skb_fill(u, m, n, &err);
		if (!skb)
			break;
		skb_set_owner(skb, s);
		skb_queue_rcv(&p->sk, skb);
		sent += n;
	}
	return sent ? (ssize_t)sent : err;
}

static bool unix_no_eof(struct socket *s)
{
	return false;
}

ssize_t unix_stream_recvmsg(struct socket *s, struct kmsg *m)
{
	struct unix_sock *u = unix_sk(s);
	ssize_t r;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (s->listening || s->state != SS_CONNECTED)
		return -EINVAL;
	r = skb_recv_stream(s, m, unix_no_eof);
	if (r >= 0 && u->peer && u->peer->addr)
		m->namelen = unix_fill_addr(u->peer, m->name);
	return r;
}

/* ---- datagrams and sequenced packets */

static bool unix_recvq_full(const struct unix_sock *o)
{
	return o->sk.rxq_len > UNIX_MAX_DGRAM_QLEN;
}

/* Wait until o can take a datagram from u: 0, or -errno. */
static int unix_dgram_wait(struct unix_sock *u, struct unix_sock *o, struct kmsg *m,
			   bool seqpacket)
{
	struct socket *s = &u->sk;
	u64 deadline = sock_deadline(s->sndtimeo);
	int err;

	for (;;) {
		if (o->dead) {
			if (o == u->peer && !seqpacket) {
				sock_put(&u->peer->sk);
				u->peer = NULL;
				s->state = SS_UNCONNECTED;
			}
			return seqpacket ? -EPIPE : -ECONNREFUSED;
		}
		if (o->peer && o->peer != u)
			return -EPERM;
		if ((o->sk.shutdown & RCV_SHUTDOWN) || (s->shutdown & SEND_SHUTDOWN))
			return -EPIPE;
		if (!unix_recvq_full(o) && s->wmem < s->sndbuf)
			return 0;
		if (m->nonblock)
			return -EAGAIN;
		if (unix_recvq_full(o))
			err = sock_wait_event(&o->sk, deadline, !unix_recvq_full(o) || o->dead);
		else
			err = sock_wait_event(s, deadline, s->wmem < s->sndbuf);
		if (err)
			return err;
	}
}

static ssize_t unix_dgram_send(struct socket *s, struct kmsg *m, bool seqpacket)
{
	struct unix_sock *u = unix_sk(s), *o;
	struct skb *skb;
	int err = 0;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (!seqpacket && (s->shutdown & SEND_SHUTDOWN))
		return -EPIPE;
	if (m->len + 32 > s->sndbuf)
		return -EMSGSIZE;
	if (m->namelen && !seqpacket) {
		o = unix_find(m->name, m->namelen, s->type, &err);
		if (!o)
			return err;
	} else {
		o = u->peer;
		if (!o)
			return -ENOTCONN;
		sock_get(&o->sk);
	}
	if ((s->opt & SOCK_OPT_PASSCRED) && !u->addr)
		err = unix_autobind(u);
	if (!err)
		err = unix_dgram_wait(u, o, m, seqpacket);
	if (!err) {
		skb = unix_skb_fill(u, m, m->len, &err);
		if (skb) {
			skb_set_owner(skb, s);
			skb_queue_rcv(&o->sk, skb);
		}
	}
	sock_put(&o->sk);
	return err ? err : (ssize_t)m->len;
}

ssize_t unix_dgram_sendmsg(struct socket *s, struct kmsg *m)
{
	return unix_dgram_send(s, m, false);
}

/* s's queue stopped being full: wake the pollers of the sockets connected to s. */
static void unix_wake_senders(struct socket *s)
{
	struct unix_sock *u;

	list_for_each_entry(u, &unix_all, link) {
		if (u->peer == unix_sk(s) && u->sk.type == SOCK_DGRAM)
			sock_wake(&u->sk);
	}
}

ssize_t unix_dgram_recvmsg(struct socket *s, struct kmsg *m)
{
	bool was_full = unix_recvq_full(unix_sk(s));
	ssize_t r;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	r = skb_recv_dgram(s, m, NULL);
	if (was_full && !unix_recvq_full(unix_sk(s)))
		unix_wake_senders(s);
	return r;
}

ssize_t unix_seqpacket_sendmsg(struct socket *s, struct kmsg *m)
{
	if (s->state != SS_CONNECTED)
		return -ENOTCONN;
	m->namelen = 0;
	return unix_dgram_send(s, m, true);
}

ssize_t unix_seqpacket_recvmsg(struct socket *s, struct kmsg *m)
{
	if (s->state != SS_CONNECTED)
		return -ENOTCONN;
	return unix_dgram_recvmsg(s, m);
}

/* ---- readiness, ioctls, shutdown */

static bool unix_writable(const struct socket *s)
{
	return !s->listening && ((u64)s->wmem << 2) <= s->sndbuf;
}

unsigned unix_poll(struct socket *s, struct file *f, struct poll_table *pt)
{
	struct unix_sock *u = unix_sk(s), *o = u->peer;
	unsigned mask = 0;

	poll_wait(f, &s->wq, pt);
	if (s->err)
		mask |= POLLERR;
	if (s->shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (s->shutdown & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (!list_empty(&s->rxq) || (s->listening && !list_empty(&u->acceptq)))
		mask |= POLLIN | POLLRDNORM;
	if (s->type != SOCK_DGRAM && s->state != SS_CONNECTED && !s->listening)
		mask |= POLLHUP;
	if (!unix_writable(s))
		return mask;
	if (s->type == SOCK_DGRAM && o && !o->dead && o->peer != u && unix_recvq_full(o))
		return mask; /* unix_dgram_recvmsg wakes us when o's queue has room again */
	return mask | POLLOUT | POLLWRNORM | POLLWRBAND;
}

long unix_ioctl(struct socket *s, unsigned cmd, u64 arg)
{
	int v;

	switch (cmd) {
	case SIOCINQ:
		if (s->listening)
			return -EINVAL;
		if (s->type == SOCK_STREAM)
			v = (int)s->rxq_bytes;
		else if (list_empty(&s->rxq))
			v = 0;
		else
			v = (int)list_first_entry(&s->rxq, struct skb, link)->len;
		break;
	case SIOCOUTQ:
		v = (int)s->wmem;
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(v, arg) ? -EFAULT : 0;
}

int unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = unix_sk(s), *p = u->peer;
	unsigned mode = (unsigned)(how + 1) & SHUTDOWN_MASK, pmode = 0;

	s->shutdown |= mode;
	sock_wake(s);
	if (p && s->type != SOCK_DGRAM) {
		if (mode & RCV_SHUTDOWN)
			pmode |= SEND_SHUTDOWN;
		if (mode & SEND_SHUTDOWN)
			pmode |= RCV_SHUTDOWN;
		p->sk.shutdown |= pmode;
		sock_wake(&p->sk);
	}
	return 0;
}

int unix_setsockopt(struct socket *s, int level, int name, const void *val, unsigned len)
{
	return -EOPNOTSUPP;
}

int unix_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len)
{
	return -EOPNOTSUPP;
}

/* ---- operation tables */

static int unix_no_listen(struct socket *s, int backlog)
{
	return -EOPNOTSUPP;
}

const struct proto_ops unix_stream_ops = {
	.bind = unix_bind,
	.connect = unix_stream_connect,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.shutdown = unix_shutdown,
	.setsockopt = unix_setsockopt,
	.getsockopt = unix_getsockopt,
	.sendmsg = unix_stream_sendmsg,
	.recvmsg = unix_stream_recvmsg,
	.socketpair = unix_socketpair,
	.release = unix_release,
	.destroy = unix_destroy,
};

const struct proto_ops unix_seqpacket_ops = {
	.bind = unix_bind,
	.connect = unix_stream_connect,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.shutdown = unix_shutdown,
	.setsockopt = unix_setsockopt,
	.getsockopt = unix_getsockopt,
	.sendmsg = unix_seqpacket_sendmsg,
	.recvmsg = unix_seqpacket_recvmsg,
	.socketpair = unix_socketpair,
	.release = unix_release,
	.destroy = unix_destroy,
};

const struct proto_ops unix_dgram_ops = {
	.bind = unix_bind,
	.connect = unix_dgram_connect,
	.listen = unix_no_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.shutdown = unix_shutdown,
	.setsockopt = unix_setsockopt,
	.getsockopt = unix_getsockopt,
	.sendmsg = unix_dgram_sendmsg,
	.recvmsg = unix_dgram_recvmsg,
	.socketpair = unix_socketpair,
	.release = unix_release,
	.destroy = unix_destroy,
};
