/*
 * UDP and UDP-Lite over loopback (UDP-Lite: the same datagrams in a port space of its
 * own; checksum coverage means nothing without a wire). A datagram sent to one of our addresses goes straight onto the
 * receive queue of the best-matching bound socket (an exact address before the wildcard;
 * a connected receiver only takes datagrams from its peer), stamped with the sender's
 * address in the receiver's family format. A full receiver (SO_RCVBUF) drops it, counted
 * in /proc/net/udp's drops column. No receiver: a connected sender gets ECONNREFUSED on its
 * next call (the ICMP port-unreachable Linux would see); an unconnected one sees nothing.
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "slab.h"
#include "task.h"
#include "internal.h"

#include <linux/poll.h>

#define UDP_MAX_V4 65507
#define UDP_MAX_V6 65527

LIST_HEAD(udp_bind_table);
LIST_HEAD(udp_all);
static LIST_HEAD(udplite_bind_table);

/* The port table of s: UDP's or UDP-Lite's. */
static struct list_head *udp_table(const struct socket *s)
{
	return s->protocol == IPPROTO_UDPLITE ? &udplite_bind_table : &udp_bind_table;
}

static int udp_bind(struct socket *s, const void *addr, int len)
{
	return inet_bind_addr(s, addr, len, udp_table(s));
}

/* The socket of table that receives a datagram from (src, sport) to (dst, dport). */
static struct inet_sock *udp_lookup(struct list_head *table, const struct inaddr *src,
				    u16 sport, const struct inaddr *dst, u16 dport)
{
	struct inet_sock *o, *best = NULL;
	int best_score = 0;

	list_for_each_entry(o, table, bind_link) {
		int score = inet_match_score(o, dst, dport);

		if (!score)
			continue;
		if (o->connected) {
			if (o->dport != sport || !inaddr_eq(&o->daddr, src))
				continue;
			score += 4;
		}
		if (score > best_score) {
			best = o;
			best_score = score;
		}
	}
	return best;
}

struct inet_sock *udp_nat_lookup(const struct inaddr *src, u16 sport, const struct inaddr *dst,
				 u16 dport)
{
	return udp_lookup(&udp_bind_table, src, sport, dst, dport);
}

static void udp_disconnect(struct inet_sock *is)
{
	is->connected = false;
	is->sk.state = SS_UNCONNECTED;
	memset(&is->daddr, 0, sizeof(is->daddr));
	is->dport = 0;
}

static int udp_connect(struct socket *s, const void *addr, int len, bool nonblock)
{
	struct inet_sock *is = inet_sk(s);
	sa_family_t fam = AF_UNSPEC;
	struct inaddr a;
	u16 port;
	int err;

	if (len >= (int)sizeof(fam))
		memcpy(&fam, addr, sizeof(fam));
	if (fam == AF_UNSPEC && len >= (int)sizeof(fam)) {
		udp_disconnect(is);
		return 0;
	}
	err = inet_addr_parse(is, addr, len, &a, &port);
	if (err == -ENETUNREACH)
		err = -EAFNOSUPPORT;
	if (!err)
		err = inet_route_check(is, &a);
	if (!err)
		err = inet_autobind(is, udp_table(s));
	if (err)
		return err;
	if (!is->addr_locked)
		inet_forget_peer(is); /* the local address follows the new destination */
	if (inaddr_is_any(&a))
		inet_source_for(is, &a, &a);
	if (inaddr_is_any(&is->saddr))
		inet_source_for(is, &a, &is->saddr);
	is->daddr = a;
	is->dport = port;
	is->connected = true;
	s->state = SS_CONNECTED;
	return 0;
}

/* Where m goes: its address, or the connected peer. */
static int udp_dest(struct inet_sock *is, struct kmsg *m, struct inaddr *a, u16 *port)
{
	int err;

	if (!m->namelen) {
		if (!is->connected)
			return -EDESTADDRREQ;
		*a = is->daddr;
		*port = is->dport;
		return 0;
	}
	err = inet_addr_parse(is, m->name, m->namelen, a, port);
	if (err)
		return err;
	if (!*port)
		return -EINVAL;
	err = inet_route_check(is, a);
	if (!err && inaddr_is_any(a))
		inet_source_for(is, a, a);
	return err;
}

/* Deliver one datagram from is to receiver r. */
static int udp_deliver(struct inet_sock *is, struct inet_sock *r, const struct inaddr *src,
		       struct kmsg *m)
{
	struct skb *skb;

	if ((r->sk.rmem && r->sk.rmem + m->len + sizeof(*skb) > r->sk.rcvbuf) ||
	    (r->sk.shutdown & RCV_SHUTDOWN)) {
		r->sk.rx_dropped++;
		return 0;
	}
	skb = skb_alloc(m->len);
	if (!skb)
		return -ENOMEM;
	if (iter_copy_from(skb->data, m->it, m->len) < m->len) {
		skb_free(skb);
		return -EFAULT;
	}
	skb->addrlen = (u16)inet_addr_fill(r, src, is->sport, skb->addr);
	inet_send_marks(is, m, &skb->ttl, &skb->tclass);
	skb_queue_rcv(&r->sk, skb);
	netdev_lo_count(m->len);
	return 0;
}

static ssize_t udp_sendmsg(struct socket *s, struct kmsg *m)
{
	struct inet_sock *is = inet_sk(s), *r;
	struct inaddr a, src;
	u16 port;
	int err;

	if (inet_autobind(is, udp_table(s))) /* Linux: before anything else is checked */
		return -EAGAIN;
	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (s->err) { /* an earlier datagram found the port closed */
		err = s->err;
		s->err = 0;
		return err;
	}
	err = udp_dest(is, m, &a, &port);
	if (err)
		return err;
	if (s->shutdown & SEND_SHUTDOWN)
		return sock_epipe(m->flags);
	if (m->len > (size_t)(inaddr_is_v4(&a) ? UDP_MAX_V4 : UDP_MAX_V6))
		return -EMSGSIZE;
	if (!netdev_addr_is_local(&a))
		return nat_udp_send(is, &a, port, m);
	inet_source_for(is, &a, &src);
	r = udp_lookup(udp_table(s), &src, is->sport, &a, port);
	if (!r) {
		if (is->connected && !m->namelen)
			s->err = -ECONNREFUSED;
		return (ssize_t)m->len;
	}
	err = udp_deliver(is, r, &src, m);
	return err ? err : (ssize_t)m->len;
}

static ssize_t udp_recvmsg(struct socket *s, struct kmsg *m)
{
	ssize_t r;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	r = skb_recv_dgram(s, m, NULL);
	if (r >= 0)
		inet_recv_cmsgs(inet_sk(s), m);
	return r;
}

static unsigned udp_poll(struct socket *s, struct file *f, struct poll_table *pt)
{
	unsigned mask = 0;

	poll_wait(f, &s->wq, pt);
	if (s->err)
		mask |= POLLERR;
	if (s->shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (s->shutdown & RCV_SHUTDOWN)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (!list_empty(&s->rxq))
		mask |= POLLIN | POLLRDNORM;
	return mask | POLLOUT | POLLWRNORM | POLLWRBAND;
}

static int udp_shutdown(struct socket *s, int how)
{
	s->shutdown |= (unsigned)(how + 1) & SHUTDOWN_MASK;
	sock_wake(s);
	return inet_sk(s)->connected ? 0 : -ENOTCONN;
}

static void udp_release(struct socket *s)
{
	struct inet_sock *is = inet_sk(s);

	if (is->nat)
		nat_udp_release(is);
	skb_purge_rcv(s);
	inet_unbind(is);
	list_del_init(&is->all_link);
}

const struct proto_ops udp_ops = {
	.bind = udp_bind,
	.connect = udp_connect,
	.getname = inet_getname,
	.poll = udp_poll,
	.ioctl = inet_ioctl,
	.shutdown = udp_shutdown,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.sendmsg = udp_sendmsg,
	.recvmsg = udp_recvmsg,
	.release = udp_release,
	.destroy = inet_destroy,
};
