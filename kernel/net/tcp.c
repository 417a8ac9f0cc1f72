/*
 * TCP over loopback: the connection state machine reduced to what two sockets of one
 * instance need, with Linux's user-visible semantics (states, errors, readiness).
 *
 * A connection is two inet_socks pointing at each other (each peer pointer holds a
 * reference). connect() finds the listener (best address match; ECONNREFUSED when none)
 * and, when its accept queue has room (backlog + 1 entries, as Linux), makes the server
 * side at once and queues it; otherwise the client waits in SYN_SENT on the listener's
 * synq until accept makes room. A non-blocking connect returns EINPROGRESS even when the
 * connection is already made, as Linux does on loopback; a refusal then shows as SO_ERROR.
 *
 * Data: send puts skbs straight on the peer's receive queue, charged to the sender;
 * the sender waits while its unread bytes reach SO_SNDBUF + the peer's SO_RCVBUF (flow
 * control by buffer sizes). shutdown(SHUT_WR) is a FIN: the peer reads end of file after
 * the data. close() with unread data (or SO_LINGER 0) is a RST: the peer's next call gets
 * ECONNRESET. After a plain close the peer may still send once (the data is discarded,
 * as the RST that answers it would be); later sends get EPIPE and SIGPIPE.
 *
 * Urgent data: send(MSG_OOB) makes the last byte sent urgent. Without SO_OOBINLINE it is
 * taken out of the stream for recv(MSG_OOB); reads stop at the mark (SIOCATMARK), and
 * POLLPRI shows while the byte waits, as in Linux.
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "slab.h"
#include "task.h"
#include "internal.h"
#include "ip.h"

#include <linux/poll.h>

#define TCP_CHUNK (16384 - sizeof(struct skb))

LIST_HEAD(tcp_bind_table);
LIST_HEAD(tcp_all);

static int tcp_bind(struct socket *s, const void *addr, int len)
{
	return inet_bind_addr(s, addr, len, &tcp_bind_table);
}

static struct inet_sock *tcp_lookup_listener(const struct inaddr *a, u16 port)
{
	struct inet_sock *o, *best = NULL;
	int best_score = 0;

	list_for_each_entry(o, &tcp_bind_table, bind_link) {
		int score;

		if (o->tcp_state != TCP_LISTEN)
			continue;
		score = inet_match_score(o, a, port);
		if (score > best_score) {
			best = o;
			best_score = score;
		}
	}
	return best;
}

static bool tcp_acceptq_full(const struct inet_sock *l)
{
	return l->nr_accept > l->backlog;
}

/* ---- connection life */

/* The server side of a connection from c to l, queued for accept. */
static int tcp_establish(struct inet_sock *c, struct inet_sock *l)
{
	struct inet_sock *ch = kzalloc(sizeof(*ch));

	if (!ch)
		return -ENOMEM;
	inet_init_sock(ch, SOCK_STREAM, IPPROTO_TCP, l->v6, &tcp_ops);
	ch->sk.uid = l->sk.uid;
	ch->sk.opt = l->sk.opt;
	ch->sk.sndbuf = l->sk.sndbuf;
	ch->sk.rcvbuf = l->sk.rcvbuf;
	ch->sk.linger = l->sk.linger;
	ch->nodelay = l->nodelay;
	ch->ttl = l->ttl;
	ch->v6only = l->v6only;
	ch->saddr = c->daddr;
	ch->sport = l->sport;
	list_add_tail(&ch->bind_link, &tcp_bind_table);
	list_add_tail(&ch->all_link, &tcp_all);
	ch->daddr = c->saddr;
	ch->dport = c->sport;
	ch->connected = true;
	ch->tcp_state = TCP_ESTABLISHED;
	ch->sk.state = SS_CONNECTED;
	sock_get(&c->sk);
	ch->peer = c;
	sock_get(&ch->sk);
	c->peer = ch;
	c->tcp_state = TCP_ESTABLISHED;
	list_add_tail(&ch->q_link, &l->acceptq); /* the queue holds the creation reference */
	l->nr_accept++;
	sock_wake(&l->sk);
	sock_wake(&c->sk);
	return 0;
}

/*
 * is reached TCP_CLOSE: a port the kernel picked goes back (Linux keeps only ports that
 * bind() chose), so the socket may be bound or connected again.
 */
static void tcp_set_close(struct inet_sock *is)
{
	is->tcp_state = TCP_CLOSE;
	if (is->autobound)
		inet_unbind(is);
}

/* The connection attempt of c failed (no listener, listener gone): err for SO_ERROR. */
static void tcp_refuse(struct inet_sock *c, int err)
{
	tcp_set_close(c);
	c->sk.shutdown = SHUTDOWN_MASK;
	c->sk.err = err;
	sock_wake(&c->sk);
}

static void tcp_synq_add(struct inet_sock *c, struct inet_sock *l)
{
	c->tcp_state = TCP_SYN_SENT;
	sock_get(&l->sk);
	c->listener = l;
	list_add_tail(&c->q_link, &l->synq);
}

static void tcp_synq_del(struct inet_sock *c)
{
	struct inet_sock *l = c->listener;

	if (!l) /* a NAT connection waits for the host instead (drivers/net/slirp.c) */
		return;
	list_del_init(&c->q_link);
	c->listener = NULL;
	sock_put(&l->sk);
}

/* Room appeared in l's accept queue: connect the clients waiting for it. */
static void tcp_synq_promote(struct inet_sock *l)
{
	while (!list_empty(&l->synq) && !tcp_acceptq_full(l)) {
		struct inet_sock *c = list_first_entry(&l->synq, struct inet_sock, q_link);
		int err;

		sock_get(&l->sk);
		tcp_synq_del(c);
		err = tcp_establish(c, l);
		sock_put(&l->sk);
		if (err)
			tcp_refuse(c, err);
	}
}

/* Forget the connection between is and its peer (both references). */
static void tcp_unlink_peer(struct inet_sock *is)
{
	struct inet_sock *p = is->peer;

	if (!p)
		return;
	if (p == is) { /* connected to itself: one reference */
		is->peer = NULL;
		sock_put(&is->sk);
		return;
	}
	if (p->peer == is) {
		p->peer = NULL;
		sock_put(&is->sk);
	}
	is->peer = NULL;
	sock_put(&p->sk);
}

/* Abort the connection: the peer gets a reset (ECONNRESET). */
static void tcp_abort(struct inet_sock *is)
{
	struct inet_sock *p = is->peer;

	if (p) {
		p->sk.err = -ECONNRESET;
		tcp_set_close(p);
		p->sk.shutdown = SHUTDOWN_MASK;
		p->peer_gone = false;
		sock_wake(&p->sk);
	}
	tcp_unlink_peer(is);
}

/* An orderly close: the peer reads end of file and may send once more into the void. */
static void tcp_fin_close(struct inet_sock *is)
{
	struct inet_sock *p = is->peer;

	p->sk.shutdown |= RCV_SHUTDOWN;
	p->peer_gone = true;
	if (p->tcp_state == TCP_ESTABLISHED)
		p->tcp_state = TCP_CLOSE_WAIT;
	else if (p->tcp_state == TCP_FIN_WAIT2 || p->tcp_state == TCP_FIN_WAIT1)
		tcp_set_close(p);
	sock_wake(&p->sk);
	tcp_unlink_peer(is);
}

static void tcp_stop_listen(struct inet_sock *l)
{
	l->sk.listening = false;
	tcp_set_close(l);
	while (!list_empty(&l->acceptq)) {
		struct inet_sock *ch = list_first_entry(&l->acceptq, struct inet_sock, q_link);

		list_del_init(&ch->q_link);
		l->nr_accept--;
		tcp_abort(ch);
		ch->tcp_state = TCP_CLOSE;
		sock_put(&ch->sk);
	}
	while (!list_empty(&l->synq)) {
		struct inet_sock *c = list_first_entry(&l->synq, struct inet_sock, q_link);

		tcp_synq_del(c);
		tcp_refuse(c, -ECONNREFUSED);
	}
	sock_wake(&l->sk);
}

static void tcp_release(struct socket *s)
{
	struct inet_sock *is = inet_sk(s);

	if (s->listening)
		tcp_stop_listen(is);
	if (is->tcp_state == TCP_SYN_SENT)
		tcp_synq_del(is);
	if (is->peer) {
		if (!list_empty(&s->rxq) || ((s->opt & SOCK_OPT_LINGER) && !s->linger))
			tcp_abort(is);
		else
			tcp_fin_close(is);
	}
	skb_purge_rcv(s);
	is->tcp_state = TCP_CLOSE;
	s->shutdown = SHUTDOWN_MASK;
	inet_unbind(is);
	list_del_init(&is->all_link);
}

static void tcp_destroy(struct socket *s)
{
	struct inet_sock *is = inet_sk(s);

	if (is->listener)
		tcp_synq_del(is);
	tcp_unlink_peer(is);
	inet_destroy(s);
}

/* ---- connect, listen, accept */

/* The end of a blocking connect: 0 once established, or the error that ended it. */
static int tcp_connect_wait(struct inet_sock *is)
{
	struct socket *s = &is->sk;
	int err = 0;

	if (is->tcp_state == TCP_SYN_SENT)
		err = sock_wait_event(s, sock_deadline(s->sndtimeo), is->tcp_state != TCP_SYN_SENT);
	if (err)
		return err == -EAGAIN ? -EINPROGRESS : err;
	if (is->tcp_state == TCP_CLOSE) { /* refused or reset: Linux disconnects the socket */
		err = s->err ? s->err : -ECONNABORTED;
		s->err = 0;
		s->state = SS_UNCONNECTED;
		s->shutdown = 0;
		inet_forget_peer(is);
		return err;
	}
	s->state = SS_CONNECTED;
	return 0;
}

/* connect(AF_UNSPEC): drop the connection (a reset) and any listening. */
static int tcp_disconnect(struct inet_sock *is)
{
	if (is->sk.listening)
		tcp_stop_listen(is);
	if (is->tcp_state == TCP_SYN_SENT)
		tcp_synq_del(is);
	tcp_abort(is);
	skb_purge_rcv(&is->sk);
	tcp_set_close(is);
	is->sk.state = SS_UNCONNECTED;
	is->sk.shutdown = 0;
	inet_forget_peer(is);
	is->peer_gone = false;
	return 0;
}

/* Start the handshake with (a, port): established, waiting on a full listener, or refused. */
static void tcp_start(struct inet_sock *is, const struct inaddr *a, u16 port)
{
	struct inet_sock *l = port ? tcp_lookup_listener(a, port) : NULL;
	int err;

	if (!l && port == is->sport && inaddr_eq(a, &is->saddr)) {
		/* Linux's simultaneous open with itself: the socket is its own peer. */
		sock_get(&is->sk);
		is->peer = is;
		is->tcp_state = TCP_ESTABLISHED;
		sock_wake(&is->sk);
		return;
	}
	if (!l && !netdev_addr_is_local(a)) {
		if (inaddr_is_v4(a) && ip_tcp_input && ip_route_out(inaddr_v4(a), NULL))
			err = wtcp_sock_connect(is, a, port); /* segments through a packet NIC */
		else
			err = nat_tcp_connect(is, a, port); /* through eth0=slirp */
		if (err)
			tcp_refuse(is, err);
		return;
	}
	if (!l) {
		tcp_refuse(is, -ECONNREFUSED);
		return;
	}
	if (tcp_acceptq_full(l)) {
		tcp_synq_add(is, l);
		return;
	}
	err = tcp_establish(is, l);
	if (err)
		tcp_refuse(is, err);
}

static int tcp_connect(struct socket *s, const void *addr, int len, bool nonblock)
{
	struct inet_sock *is = inet_sk(s);
	sa_family_t fam = AF_UNSPEC;
	struct inaddr a;
	u16 port;
	int err;

	if (len >= (int)sizeof(fam))
		memcpy(&fam, addr, sizeof(fam));
	if (fam == AF_UNSPEC && len >= (int)sizeof(fam))
		return tcp_disconnect(is);
	if (s->state == SS_CONNECTED)
		return -EISCONN;
	if (s->state == SS_CONNECTING)
		return is->tcp_state == TCP_SYN_SENT && nonblock ? -EALREADY : tcp_connect_wait(is);
	if (s->state != SS_UNCONNECTED)
		return -EINVAL;
	if (is->tcp_state != TCP_CLOSE)
		return -EISCONN;
	err = inet_addr_parse(is, addr, len, &a, &port);
	if (!err)
		err = inet_route_check(is, &a);
	if (!err)
		err = inet_autobind(is, &tcp_bind_table);
	if (err)
		return err;
	if (inaddr_is_any(&a))
		inet_source_for(is, &a, &a); /* connecting to "any" reaches loopback */
	if (inaddr_is_any(&is->saddr))
		inet_source_for(is, &a, &is->saddr);
	is->daddr = a;
	is->dport = port;
	is->connected = true;
	s->err = 0;
	s->state = SS_CONNECTING;
	tcp_start(is, &a, port);
	return nonblock ? -EINPROGRESS : tcp_connect_wait(is);
}

static int tcp_listen(struct socket *s, int backlog)
{
	struct inet_sock *is = inet_sk(s);
	int err;

	if (s->state != SS_UNCONNECTED ||
	    (is->tcp_state != TCP_CLOSE && is->tcp_state != TCP_LISTEN))
		return -EINVAL;
	err = inet_autobind(is, &tcp_bind_table);
	if (err)
		return err;
	if (is->tcp_state != TCP_LISTEN) {
		err = inet_listen_check(is, &tcp_bind_table);
		if (err)
			return err;
	}
	is->backlog = backlog;
	is->tcp_state = TCP_LISTEN;
	s->listening = true;
	s->shutdown = 0;
	tcp_synq_promote(is);
	return 0;
}

static int tcp_accept(struct socket *s, struct socket **out, bool nonblock)
{
	struct inet_sock *is = inet_sk(s), *ch;
	int err;

	if (!s->listening)
		return -EINVAL;
	if (list_empty(&is->acceptq)) {
		if (nonblock)
			return -EAGAIN;
		err = sock_wait_event(s, sock_deadline(s->rcvtimeo),
				      !list_empty(&is->acceptq) || !s->listening);
		if (err)
			return err;
		if (list_empty(&is->acceptq))
			return -EINVAL;
	}
	ch = list_first_entry(&is->acceptq, struct inet_sock, q_link);
	list_del_init(&ch->q_link);
	is->nr_accept--;
	tcp_synq_promote(is);
	*out = &ch->sk;
	return 0;
}

/* ---- data */

static bool tcp_can_send(struct inet_sock *is, struct inet_sock *p)
{
	return is->sk.wmem < is->sk.sndbuf + p->sk.rcvbuf;
}

/* Queue m's data on p's receive queue; bytes sent, or -errno when none were. */
static ssize_t tcp_push(struct inet_sock *is, struct inet_sock *p, struct kmsg *m)
{
	struct socket *s = &is->sk;
	u64 deadline = sock_deadline(s->sndtimeo);
	size_t sent = 0;
	int err = 0;

	while (sent < m->len) {
		size_t n = min(m->len - sent, TCP_CHUNK), c;
		struct skb *skb;

		if (s->err) { /* reset by the peer meanwhile */
			err = s->err;
			s->err = 0;
			break;
		}
		if (is->peer != p || (s->shutdown & SEND_SHUTDOWN)) {
			err = sent ? 0 : sock_epipe(m->flags);
			break;
		}
		if (!tcp_can_send(is, p)) {
			if (m->nonblock) {
				err = -EAGAIN;
				break;
			}
			err = sock_wait_event(s, deadline, tcp_can_send(is, p) || is->peer != p ||
					      (s->shutdown & SEND_SHUTDOWN));
			if (err)
				break;
			continue;
		}
		skb = skb_alloc(n);
		if (!skb) {
			err = -ENOMEM;
			break;
		}
		c = iter_copy_from(skb->data, m->it, n);
		if (c < n) {
			skb_free(skb);
			err = -EFAULT;
			break;
		}
		skb_set_owner(skb, s);
		skb_queue_rcv(&p->sk, skb);
		if (!p->nat) /* a NAT proxy's traffic is eth0's (drivers/net/slirp_nat.c) */
			netdev_lo_count(n);
		sent += n;
	}
	return sent ? (ssize_t)sent : err;
}

/*
 * The last byte just queued on p is urgent (send with MSG_OOB): p's mark moves there, and
 * without SO_OOBINLINE the byte leaves the stream for recv(MSG_OOB). A newer urgent byte
 * replaces an older one, as in Linux.
 */
static void tcp_mark_urgent(struct inet_sock *p)
{
	struct socket *r = &p->sk;
	struct skb *tail = list_entry(r->rxq.prev, struct skb, link);

	if (list_empty(&r->rxq) || tail->len == tail->off)
		return;
	r->urg_valid = true;
	r->urg_read = false;
	r->urg_byte = (u8)tail->data[tail->len - 1];
	if (r->opt & SOCK_OPT_OOBINLINE) {
		r->urg_mark = r->rx_read + r->rxq_bytes - 1;
	} else {
		tail->len--;
		r->rxq_bytes--;
		r->urg_mark = r->rx_read + r->rxq_bytes;
		if (tail->len == tail->off) {
			skb_unlink_rcv(r, tail);
			skb_free(tail);
		}
	}
	sock_wake(r);
}

/* recv(MSG_OOB): the urgent byte, when there is one that was not read in-band. */
static ssize_t tcp_recv_oob(struct socket *s, struct kmsg *m)
{
	if ((s->opt & SOCK_OPT_OOBINLINE) || !s->urg_valid || s->urg_read)
		return -EINVAL;
	m->msg_flags |= MSG_OOB;
	if (!m->len) {
		m->msg_flags |= MSG_TRUNC;
		return 0;
	}
	if (iter_copy_to(m->it, &s->urg_byte, 1) != 1)
		return -EFAULT;
	if (!(m->flags & MSG_PEEK))
		s->urg_read = true;
	return 1;
}

static ssize_t tcp_sendmsg(struct socket *s, struct kmsg *m)
{
	struct inet_sock *is = inet_sk(s), *p;
	ssize_t r;
	int err;

	if (s->err) {
		err = s->err;
		s->err = 0;
		return err;
	}
	if (is->tcp_state == TCP_SYN_SENT) {
		if (m->nonblock)
			return -EAGAIN;
		err = sock_wait_event(s, sock_deadline(s->sndtimeo), is->tcp_state != TCP_SYN_SENT);
		if (err)
			return err;
	}
	if ((is->tcp_state != TCP_ESTABLISHED && is->tcp_state != TCP_CLOSE_WAIT) ||
	    (s->shutdown & SEND_SHUTDOWN))
		return sock_epipe(m->flags);
	if (!is->peer) {
		/* The peer has closed: it answers this data with a reset. */
		tcp_set_close(is);
		s->shutdown = SHUTDOWN_MASK;
		is->peer_gone = false;
		sock_wake(s);
		return (ssize_t)m->len;
	}
	p = is->peer;
	sock_get(&p->sk);
	r = tcp_push(is, p, m);
	if (r > 0 && (m->flags & MSG_OOB) && is->peer == p)
		tcp_mark_urgent(p);
	sock_put(&p->sk);
	return r;
}

static bool tcp_eof(struct socket *s)
{
	return inet_sk(s)->tcp_state == TCP_CLOSE;
}

static ssize_t tcp_recvmsg(struct socket *s, struct kmsg *m)
{
	struct inet_sock *is = inet_sk(s);

	if (s->listening)
		return -ENOTCONN;
	if (m->flags & MSG_OOB)
		return tcp_recv_oob(s, m);
	if (is->tcp_state == TCP_CLOSE && !is->connected && list_empty(&s->rxq) && !s->err &&
	    !(s->shutdown & RCV_SHUTDOWN))
		return -ENOTCONN;
	return skb_recv_stream(s, m, tcp_eof);
}

/* ---- readiness, shutdown */

static unsigned tcp_poll(struct socket *s, struct file *f, struct poll_table *pt)
{
	struct inet_sock *is = inet_sk(s);
	unsigned mask = 0;

	poll_wait(f, &s->wq, pt);
	if (is->tcp_state == TCP_LISTEN)
		return list_empty(&is->acceptq) ? 0 : POLLIN | POLLRDNORM;
	if (s->shutdown == SHUTDOWN_MASK || is->tcp_state == TCP_CLOSE)
		mask |= POLLHUP;
	if (s->shutdown & RCV_SHUTDOWN)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (is->tcp_state != TCP_SYN_SENT) {
		if (s->rxq_bytes >= (u32)max(s->rcvlowat, 1))
			mask |= POLLIN | POLLRDNORM;
		if ((s->shutdown & SEND_SHUTDOWN) || !is->peer || tcp_can_send(is, is->peer))
			mask |= POLLOUT | POLLWRNORM;
	}
	if (s->err)
		mask |= POLLERR;
	if (s->urg_valid && !s->urg_read)
		mask |= POLLPRI;
	return mask;
}

/* We sent a FIN: move both ends' states along. */
static void tcp_send_fin(struct inet_sock *is)
{
	struct inet_sock *p = is->peer;

	if (is->tcp_state == TCP_ESTABLISHED)
		is->tcp_state = TCP_FIN_WAIT2;
	else if (is->tcp_state == TCP_CLOSE_WAIT)
		tcp_set_close(is);
	if (!p)
		return;
	p->sk.shutdown |= RCV_SHUTDOWN;
	if (p->tcp_state == TCP_ESTABLISHED)
		p->tcp_state = TCP_CLOSE_WAIT;
	else if (p->tcp_state == TCP_FIN_WAIT2)
		p->tcp_state = TCP_TIME_WAIT;
	sock_wake(&p->sk);
}

static int tcp_shutdown(struct socket *s, int how)
{
	struct inet_sock *is = inet_sk(s);
	unsigned mode = (unsigned)(how + 1) & SHUTDOWN_MASK;

	if (s->state == SS_CONNECTING) /* Linux: a half-made connection is given up */
		s->state = is->tcp_state == TCP_SYN_SENT || is->tcp_state == TCP_CLOSE ?
			   SS_DISCONNECTING : SS_CONNECTED;
	switch (is->tcp_state) {
	case TCP_CLOSE:
		s->shutdown |= mode;
		sock_wake(s);
		return -ENOTCONN;
	case TCP_LISTEN:
		if (mode & RCV_SHUTDOWN)
			tcp_stop_listen(is);
		return 0;
	case TCP_SYN_SENT:
		tcp_synq_del(is);
		tcp_set_close(is);
		sock_wake(s);
		return 0;
	}
	if ((mode & SEND_SHUTDOWN) && !(s->shutdown & SEND_SHUTDOWN))
		tcp_send_fin(is);
	s->shutdown |= mode;
	sock_wake(s);
	return 0;
}

/*
 * ---- NAT (drivers/net/slirp.c): the host end of a connection through eth0=slirp is a
 * proxy inet_sock with no file, the peer of the guest's socket. The guest's data lands on
 * the proxy's receive queue (so the guest is flow-controlled by the proxy's SO_RCVBUF
 * exactly as by a local peer's); the driver moves it to the host socket and queues what
 * the host sends on the guest's socket, charged to the proxy.
 */

void tcp_nat_link(struct inet_sock *g, struct inet_sock *p)
{
	sock_get(&p->sk);
	g->peer = p;
	sock_get(&g->sk);
	p->peer = g;
	g->tcp_state = TCP_SYN_SENT;
	p->tcp_state = TCP_SYN_SENT;
}

void tcp_nat_established(struct inet_sock *p)
{
	struct inet_sock *g = p->peer;

	p->tcp_state = TCP_ESTABLISHED;
	if (g && g->tcp_state == TCP_SYN_SENT) {
		g->tcp_state = TCP_ESTABLISHED;
		sock_wake(&g->sk);
	}
}

void tcp_nat_reset(struct inet_sock *p, int err)
{
	struct inet_sock *g = p->peer;

	if (p->listener)
		tcp_synq_del(p);
	if (g && g != p) {
		g->sk.err = err;
		tcp_set_close(g);
		g->sk.shutdown = SHUTDOWN_MASK;
		g->peer_gone = false;
		sock_wake(&g->sk);
	}
	tcp_unlink_peer(p);
	p->tcp_state = TCP_CLOSE;
}

void tcp_nat_fin(struct inet_sock *p)
{
	if (p->sk.shutdown & SEND_SHUTDOWN)
		return;
	tcp_send_fin(p);
	p->sk.shutdown |= SEND_SHUTDOWN;
}

bool tcp_listener_exists(const struct inaddr *a, u16 port)
{
	return tcp_lookup_listener(a, port) != NULL;
}

int tcp_nat_connect_in(struct inet_sock *p, const struct inaddr *a, u16 port)
{
	struct inet_sock *l = tcp_lookup_listener(a, port);

	if (!l)
		return -ECONNREFUSED;
	if (tcp_acceptq_full(l)) {
		tcp_synq_add(p, l);
		return 0;
	}
	return tcp_establish(p, l);
}

const struct proto_ops tcp_ops = {
	.bind = tcp_bind,
	.connect = tcp_connect,
	.listen = tcp_listen,
	.accept = tcp_accept,
	.getname = inet_getname,
	.poll = tcp_poll,
	.ioctl = inet_ioctl,
	.shutdown = tcp_shutdown,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.sendmsg = tcp_sendmsg,
	.recvmsg = tcp_recvmsg,
	.release = tcp_release,
	.destroy = tcp_destroy,
};
