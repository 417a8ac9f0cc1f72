/*
 * UDP and UDP-Lite over loopback (UDP-Lite: the same datagrams in a port space of its
 * own; checksum coverage means nothing without a wire), and UDP over the packet NICs
 * (udp_wire_send, udp_wire_input: real datagrams through kernel/net/ip.c). A datagram
 * sent to one of our addresses goes straight onto the receive queue of the best-matching
 * bound socket (an exact address before the wildcard; a connected receiver only takes
 * datagrams from its peer), stamped with the sender's
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
#include "csum.h"
#include "ipv4.h"

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

/* ---- through a packet NIC (kernel/net/ip.c) */

/* Send m from is to (a, port) as an IPv4 datagram on the wire. */
static ssize_t udp_wire_send(struct inet_sock *is, const struct inaddr *a, u16 port,
			     struct kmsg *m)
{
	struct inaddr src;
	u32 s, d = inaddr_v4(a);
	u16 v;
	u8 *seg;
	int err;

	if (!ip_route_out(d, &s))
		return -ENETUNREACH;
	inet_source_for(is, a, &src);
	if (inaddr_is_v4(&src) && inaddr_v4(&src) && !inaddr_is_loopback(&src))
		s = inaddr_v4(&src);
	if (m->len > 1500 - IPV4_HLEN - 8)
		return -EMSGSIZE; /* no fragmentation: one frame per datagram */
	seg = kmalloc(8 + m->len);
	if (!seg)
		return -ENOBUFS;
	if (iter_copy_from(seg + 8, m->it, m->len) < m->len) {
		kfree(seg);
		return -EFAULT;
	}
	v = net_htons(is->sport);
	memcpy(seg, &v, 2);
	v = net_htons(port);
	memcpy(seg + 2, &v, 2);
	v = net_htons((u16)(8 + m->len));
	memcpy(seg + 4, &v, 2);
	seg[6] = seg[7] = 0;
	v = csum_fold(csum_add(csum_pseudo_v4(s, d, IP_PROTO_UDP, 8 + m->len), seg, 8 + m->len));
	if (!v)
		v = 0xffff; /* 0 means "no checksum" */
	memcpy(seg + 6, &v, 2);
	err = ip_send(s, d, IP_PROTO_UDP, seg, 8 + m->len);
	kfree(seg);
	return err ? err : (ssize_t)m->len;
}

void udp_wire_input(const struct ipv4_info *ip, const u8 *pkt, const u8 *seg, size_t len)
{
	struct inaddr src, dst;
	struct inet_sock *r;
	struct skb *skb;
	u16 sport, dport, ulen, ck;

	if (len < 8)
		goto bad;
	sport = (u16)(seg[0] << 8 | seg[1]);
	dport = (u16)(seg[2] << 8 | seg[3]);
	ulen = (u16)(seg[4] << 8 | seg[5]);
	memcpy(&ck, seg + 6, 2);
	if (ulen < 8 || ulen > len || !dport)
		goto bad;
	if (ck && csum_fold(csum_add(csum_pseudo_v4(ip->src, ip->dst, IP_PROTO_UDP, ulen),
				     seg, ulen)) != 0)
		goto bad;
	inaddr_set_v4(&src, ip->src);
	inaddr_set_v4(&dst, ip->dst);
	r = udp_lookup(&udp_bind_table, &src, sport, &dst, dport);
	if (!r) {
		ip_stats.udp_no_ports++;
		icmp_send_error(ip, pkt, 3, 3); /* port unreachable */
		return;
	}
	if ((r->sk.rmem && r->sk.rmem + ulen + sizeof(*skb) > r->sk.rcvbuf) ||
	    (r->sk.shutdown & RCV_SHUTDOWN)) {
		r->sk.rx_dropped++;
		return;
	}
	skb = skb_alloc(ulen - 8u);
	if (!skb)
		return;
	memcpy(skb->data, seg + 8, ulen - 8u);
	skb->addrlen = (u16)inet_addr_fill(r, &src, sport, skb->addr);
	skb->ttl = ip->ttl;
	skb->tclass = ip->tos;
	skb_queue_rcv(&r->sk, skb);
	return;
bad:
	ip_stats.udp_in_errors++;
}

void udp_wire_error(const struct ipv4_info *q, const u8 *uh, int err)
{
	struct inet_sock *o;
	struct inaddr src, dst;
	u16 sport = (u16)(uh[0] << 8 | uh[1]), dport = (u16)(uh[2] << 8 | uh[3]);

	inaddr_set_v4(&src, q->src);
	inaddr_set_v4(&dst, q->dst);
	list_for_each_entry(o, &udp_bind_table, bind_link) {
		if (o->connected && o->sport == sport && o->dport == dport &&
		    inaddr_eq(&o->daddr, &dst) && inet_match_score(o, &src, sport)) {
			o->sk.err = err;
			sock_wake(&o->sk);
			return;
		}
	}
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
	if (!netdev_addr_is_local(&a) && inaddr_is_v4(&a) && ip_route_out(inaddr_v4(&a), NULL))
		return udp_wire_send(is, &a, port, m);
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
