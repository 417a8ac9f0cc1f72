/*
 * ICMP on loopback and over the packet NICs (icmp_wire_input, and ip_send for messages
 * routed through a NIC): echo ("ping") sockets (SOCK_DGRAM, IPPROTO_ICMP /
 * IPPROTO_ICMPV6, open to every user as with net.ipv4.ping_group_range = 0 2147483647),
 * raw sockets (SOCK_RAW, root only), and the echo responder of this instance's addresses.
 *
 * A message sent to one of our addresses is delivered as the IP layer would: every raw
 * socket of its family and protocol gets a copy (an IPv4 raw socket with an IP header in
 * front, an IPv6 one without, as on Linux; ICMP_FILTER and ICMP6_FILTER apply), an echo
 * request is answered with an echo reply from the address it was sent to, and an echo
 * reply goes to the echo socket whose identifier it carries. Echo sockets have their
 * identifier as their port; the kernel writes it and the checksum into what they send.
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "slab.h"
#include "task.h"
#include "internal.h"
#include "csum.h"
#include "ipv4.h"

#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/poll.h>

#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8
#define ICMP_DEST_UNREACH 3
#define ICMP_TIME_EXCEEDED 11
#define ICMP_FILTER_OPT 1
#define ICMP_MAX_MSG (65535 - 28)

struct icmp_echo {
	u8 type, code;
	u16 cksum;
	u16 id, seq;
};

LIST_HEAD(ping_bind_table);
LIST_HEAD(raw_all);
static u16 ip_id_next = 1;

/* Write the checksum of an ICMP (v4) or ICMPv6 message into it. */
static void icmp_set_csum(bool v6, const struct inaddr *src, const struct inaddr *dst,
			  u8 *msg, size_t len)
{
	u32 sum = 0;
	u8 tail[8] = { 0 };
	u16 c;

	msg[2] = msg[3] = 0;
	if (v6) {
		u32 l = net_htonl((u32)len);

		sum = csum_add(sum, src->b, 16);
		sum = csum_add(sum, dst->b, 16);
		memcpy(tail, &l, 4);
		tail[7] = IPPROTO_ICMPV6;
		sum = csum_add(sum, tail, 8);
	}
	c = csum_fold(csum_add(sum, msg, len));
	memcpy(msg + 2, &c, 2);
}

/* ---- delivery */

static bool raw_wants(struct inet_sock *is, bool v6, int proto, const struct inaddr *src,
		      const struct inaddr *dst, const u8 *msg, size_t len)
{
	if (is->sk.type != SOCK_RAW || is->v6 != v6 || is->sk.protocol != proto)
		return false;
	if (!inaddr_is_any(&is->saddr) && !inaddr_eq(&is->saddr, dst))
		return false;
	if (is->connected && !inaddr_eq(&is->daddr, src))
		return false;
	if (len && proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) && (v6 || msg[0] < 32))
		return !(is->icmp6_filter[msg[0] >> 5] & (1u << (msg[0] & 31)));
	return true;
}

/* Room for a datagram of len bytes on s (dropped otherwise, counted). */
static bool rcv_room(struct socket *s, size_t len)
{
	if (s->rmem && s->rmem + len + sizeof(struct skb) > s->rcvbuf) {
		s->rx_dropped++;
		return false;
	}
	return true;
}

static void ip_header(struct iphdr *ih, int proto, const struct inaddr *src,
		      const struct inaddr *dst, size_t len)
{
	memset(ih, 0, sizeof(*ih));
	ih->version = 4;
	ih->ihl = 5;
	ih->tot_len = net_htons((u16)(sizeof(*ih) + len));
	ih->id = net_htons(ip_id_next++);
	ih->ttl = 64;
	ih->protocol = (u8)proto;
	ih->saddr = inaddr_v4(src);
	ih->daddr = inaddr_v4(dst);
	ih->check = csum_fold(csum_add(0, (const u8 *)ih, sizeof(*ih)));
}

static void raw_deliver(bool v6, int proto, const struct inaddr *src,
			const struct inaddr *dst, const u8 *msg, size_t len)
{
	size_t hdr = v6 ? 0 : sizeof(struct iphdr);
	struct inet_sock *is;

	list_for_each_entry(is, &raw_all, all_link) {
		struct skb *skb;

		if (!raw_wants(is, v6, proto, src, dst, msg, len) || !rcv_room(&is->sk, hdr + len))
			continue;
		skb = skb_alloc(hdr + len);
		if (!skb)
			continue;
		if (!v6)
			ip_header((struct iphdr *)skb->data, proto, src, dst, len);
		memcpy(skb->data + hdr, msg, len);
		skb->addrlen = (u16)inet_addr_fill(is, src, 0, skb->addr);
		skb->ttl = 64;
		skb_queue_rcv(&is->sk, skb);
	}
}

/* An echo reply reaches the echo socket with its identifier. */
static void ping_deliver(bool v6, const struct inaddr *src, const struct inaddr *dst,
			 const u8 *msg, size_t len)
{
	struct icmp_echo h;
	struct inet_sock *is;

	memcpy(&h, msg, sizeof(h));
	list_for_each_entry(is, &ping_bind_table, bind_link) {
		struct skb *skb;

		if (is->v6 != v6 || is->sport != net_ntohs(h.id))
			continue;
		if (!inaddr_is_any(&is->saddr) && !inaddr_eq(&is->saddr, dst))
			continue;
		if (!rcv_room(&is->sk, len))
			return;
		skb = skb_alloc(len);
		if (!skb)
			return;
		memcpy(skb->data, msg, len);
		skb->addrlen = (u16)inet_addr_fill(is, src, 0, skb->addr);
		skb->ttl = 64;
		skb_queue_rcv(&is->sk, skb);
		return;
	}
}

void icmp_local_deliver(bool v6, const struct inaddr *src, const struct inaddr *dst,
			const void *data, size_t len)
{
	const u8 *msg = data;
	u8 *reply;

	netdev_lo_count(len);
	raw_deliver(v6, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, src, dst, msg, len);
	if (len < sizeof(struct icmp_echo) || msg[1] != 0)
		return;
	if (msg[0] == (v6 ? ICMPV6_ECHO_REPLY : ICMP_ECHOREPLY)) {
		ping_deliver(v6, src, dst, msg, len);
		return;
	}
	if (msg[0] != (v6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO) || !netdev_addr_is_local(dst))
		return;
	reply = kmalloc(len);
	if (!reply)
		return;
	memcpy(reply, msg, len);
	reply[0] = v6 ? ICMPV6_ECHO_REPLY : ICMP_ECHOREPLY;
	icmp_set_csum(v6, dst, src, reply, len);
	icmp_local_deliver(v6, dst, src, reply, len);
	kfree(reply);
}

/* ---- from the wire (packet NICs) */

/* An ICMP error quoting a datagram we sent: tell its socket (UDP only). */
static void icmp_wire_error(const u8 *msg, size_t len)
{
	struct ipv4_info q;
	const u8 *inner = msg + 8;
	size_t ilen = len - 8, hlen;
	int err;

	if (len < 8 + IPV4_HLEN + 8 || inner[0] >> 4 != 4)
		return;
	hlen = (size_t)(inner[0] & 15) * 4;
	if (hlen < IPV4_HLEN || hlen + 8 > ilen || inner[9] != IP_PROTO_UDP)
		return;
	memcpy(&q.src, inner + 12, 4);
	memcpy(&q.dst, inner + 16, 4);
	if (msg[0] != ICMP_DEST_UNREACH)
		err = -EHOSTUNREACH; /* time exceeded */
	else if (msg[1] == 3)
		err = -ECONNREFUSED; /* port unreachable */
	else if (msg[1] == 4)
		err = -EMSGSIZE;
	else
		err = msg[1] == 0 || msg[1] == 6 ? -ENETUNREACH : -EHOSTUNREACH;
	udp_wire_error(&q, inner + hlen, err);
}

void icmp_wire_input(const struct ipv4_info *ip, const u8 *pkt, const u8 *msg, size_t len)
{
	struct inaddr src, dst;
	u8 *reply;

	if (len < 8 || csum_fold(csum_add(0, msg, len)) != 0) {
		ip_stats.icmp_in_errors++;
		return;
	}
	inaddr_set_v4(&src, ip->src);
	inaddr_set_v4(&dst, ip->dst);
	raw_deliver(false, IPPROTO_ICMP, &src, &dst, msg, len);
	if (msg[0] == ICMP_ECHOREPLY && !msg[1]) {
		ping_deliver(false, &src, &dst, msg, len);
	} else if (msg[0] == ICMP_DEST_UNREACH || msg[0] == ICMP_TIME_EXCEEDED) {
		icmp_wire_error(msg, len);
	} else if (msg[0] == ICMP_ECHO && !msg[1] && ip_addr_is_ours(ip->dst)) {
		reply = kmalloc(len);
		if (!reply)
			return;
		memcpy(reply, msg, len);
		reply[0] = ICMP_ECHOREPLY;
		icmp_set_csum(false, &dst, &src, reply, len);
		ip_send(ip->dst, ip->src, IP_PROTO_ICMP, reply, len);
		kfree(reply);
	}
	(void)pkt;
}

/* Does an IPv4 message from src to dst leave through a packet NIC? */
static bool icmp_goes_out(bool v6, const struct inaddr *dst)
{
	return !v6 && inaddr_is_v4(dst) && !netdev_addr_is_local(dst) &&
	       ip_route_out(inaddr_v4(dst), NULL);
}

/* ---- sending */

/* The destination of m for an ICMP or raw socket. */
static int icmp_dest(struct inet_sock *is, struct kmsg *m, struct inaddr *a)
{
	u16 port;
	int err;

	if (!m->namelen) {
		if (!is->connected)
			return -EDESTADDRREQ;
		*a = is->daddr;
		return 0;
	}
	err = inet_addr_parse(is, m->name, m->namelen, a, &port);
	if (!err && is->v6 && inaddr_is_v4(a))
		err = -EINVAL;
	if (!err)
		err = inet_route_check(is, a);
	if (!err && inaddr_is_any(a))
		inet_source_for(is, a, a);
	return err;
}

/* The message of m in a kernel buffer (kmalloc'd), or ERR_PTR. */
static u8 *icmp_copy_msg(struct kmsg *m, size_t min_len)
{
	u8 *buf;

	if (m->len < min_len)
		return ERR_PTR(-EINVAL);
	if (m->len > ICMP_MAX_MSG)
		return ERR_PTR(-EMSGSIZE);
	buf = kmalloc(m->len ? m->len : 1);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	if (iter_copy_from(buf, m->it, m->len) < m->len) {
		kfree(buf);
		return ERR_PTR(-EFAULT);
	}
	return buf;
}

static ssize_t ping_sendmsg(struct socket *s, struct kmsg *m)
{
	struct inet_sock *is = inet_sk(s);
	struct inaddr dst, src;
	struct icmp_echo h;
	u8 *msg;
	int err;

	if (inet_autobind(is, &ping_bind_table)) /* Linux: before anything else is checked */
		return -EAGAIN;
	err = icmp_dest(is, m, &dst);
	if (err)
		return err;
	msg = icmp_copy_msg(m, sizeof(h));
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	memcpy(&h, msg, sizeof(h));
	err = h.type == (is->v6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO) && !h.code ? 0 : -EINVAL;
	if (!err) {
		h.id = net_htons(is->sport);
		memcpy(msg, &h, sizeof(h));
		inet_source_for(is, &dst, &src);
		icmp_set_csum(is->v6, &src, &dst, msg, m->len);
		if (icmp_goes_out(is->v6, &dst))
			err = ip_send(inaddr_v4(&src), inaddr_v4(&dst), IP_PROTO_ICMP, msg, m->len);
		else
			icmp_local_deliver(is->v6, &src, &dst, msg, m->len);
	}
	kfree(msg);
	return err ? err : (ssize_t)m->len;
}

static ssize_t raw_sendmsg(struct socket *s, struct kmsg *m)
{
	struct inet_sock *is = inet_sk(s);
	struct inaddr dst, src;
	size_t off = 0;
	int proto = s->protocol, err = icmp_dest(is, m, &dst);
	u8 *msg;

	if (err)
		return err;
	msg = icmp_copy_msg(m, is->hdrincl ? sizeof(struct iphdr) : 0);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	inet_source_for(is, &dst, &src);
	if (is->hdrincl) {
		struct iphdr ih;

		memcpy(&ih, msg, sizeof(ih));
		off = (size_t)ih.ihl * 4;
		proto = ih.protocol;
		if (off < sizeof(ih) || off > m->len)
			err = -EINVAL;
	}
	if (!err && is->v6 && proto == IPPROTO_ICMPV6 && m->len >= 4)
		icmp_set_csum(true, &src, &dst, msg, m->len);
	if (!err && icmp_goes_out(is->v6, &dst))
		err = ip_send(inaddr_v4(&src), inaddr_v4(&dst), (u8)proto, msg + off, m->len - off);
	else if (!err && proto == (is->v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
		icmp_local_deliver(is->v6, &src, &dst, msg + off, m->len - off);
	else if (!err)
		raw_deliver(is->v6, proto, &src, &dst, msg + off, m->len - off);
	kfree(msg);
	return err ? err : (ssize_t)m->len;
}

/* ---- the rest of the socket operations */

static int ping_bind(struct socket *s, const void *addr, int len)
{
	return inet_bind_addr(s, addr, len, &ping_bind_table);
}

static int raw_bind(struct socket *s, const void *addr, int len)
{
	struct inet_sock *is = inet_sk(s);
	struct inaddr a;
	u16 port;
	int err = inet_addr_parse(is, addr, len, &a, &port);

	if (err)
		return err;
	if (!inaddr_is_any(&a) && !netdev_addr_is_local(&a))
		return -EADDRNOTAVAIL;
	is->saddr = a;
	return 0;
}

static int icmp_connect(struct socket *s, const void *addr, int len, bool nonblock)
{
	struct inet_sock *is = inet_sk(s);
	struct inaddr a;
	u16 port;
	int err = inet_addr_parse(is, addr, len, &a, &port);

	if (!err)
		err = inet_route_check(is, &a);
	if (!err && s->type == SOCK_DGRAM)
		err = inet_autobind(is, &ping_bind_table);
	if (err)
		return err;
	if (inaddr_is_any(&a))
		inet_source_for(is, &a, &a);
	is->daddr = a;
	is->connected = true;
	s->state = SS_CONNECTED;
	return 0;
}

static ssize_t icmp_recvmsg(struct socket *s, struct kmsg *m)
{
	ssize_t r;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	r = skb_recv_dgram(s, m, NULL);
	if (r >= 0)
		inet_recv_cmsgs(inet_sk(s), m);
	return r;
}

static unsigned icmp_poll(struct socket *s, struct file *f, struct poll_table *pt)
{
	unsigned mask = POLLOUT | POLLWRNORM | POLLWRBAND;

	poll_wait(f, &s->wq, pt);
	if (s->err)
		mask |= POLLERR;
	if (!list_empty(&s->rxq))
		mask |= POLLIN | POLLRDNORM;
	if (s->shutdown & RCV_SHUTDOWN)
		mask |= POLLIN | POLLRDNORM | POLLRDHUP;
	return mask;
}

static int icmp_shutdown(struct socket *s, int how)
{
	s->shutdown |= (unsigned)(how + 1) & SHUTDOWN_MASK;
	sock_wake(s);
	return inet_sk(s)->connected ? 0 : -ENOTCONN;
}

static void icmp_release(struct socket *s)
{
	struct inet_sock *is = inet_sk(s);

	skb_purge_rcv(s);
	if (s->type == SOCK_DGRAM)
		inet_unbind(is);
	list_del_init(&is->all_link);
}

static int raw_getname(struct socket *s, void *buf, bool peer)
{
	struct inet_sock *is = inet_sk(s);

	if (!peer)
		return inet_addr_fill(is, &is->saddr, (u16)s->protocol, buf);
	return -ENOTCONN; /* Linux: a raw socket has no peer port, so never a peer name */
}

static int raw_setsockopt(struct socket *s, int level, int name, const void *val, unsigned len)
{
	struct inet_sock *is = inet_sk(s);

	if (level == SOL_RAW && !is->v6 && name == ICMP_FILTER_OPT) {
		if (s->protocol != IPPROTO_ICMP)
			return -EOPNOTSUPP;
		if (len < 4)
			return -EINVAL;
		memcpy(&is->icmp6_filter[0], val, 4);
		return 0;
	}
	return inet_setsockopt(s, level, name, val, len);
}

static int raw_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len)
{
	struct inet_sock *is = inet_sk(s);

	if (level == SOL_RAW && !is->v6 && name == ICMP_FILTER_OPT) {
		*len = min(*len, 4u);
		memcpy(val, &is->icmp6_filter[0], *len);
		return 0;
	}
	return inet_getsockopt(s, level, name, val, len);
}

const struct proto_ops icmp_ping_ops = {
	.bind = ping_bind,
	.connect = icmp_connect,
	.getname = inet_getname,
	.poll = icmp_poll,
	.ioctl = inet_ioctl,
	.shutdown = icmp_shutdown,
	.setsockopt = inet_setsockopt,
	.getsockopt = inet_getsockopt,
	.sendmsg = ping_sendmsg,
	.recvmsg = icmp_recvmsg,
	.release = icmp_release,
	.destroy = inet_destroy,
};

const struct proto_ops raw_ops = {
	.bind = raw_bind,
	.connect = icmp_connect,
	.getname = raw_getname,
	.poll = icmp_poll,
	.ioctl = inet_ioctl,
	.shutdown = icmp_shutdown,
	.setsockopt = raw_setsockopt,
	.getsockopt = raw_getsockopt,
	.sendmsg = raw_sendmsg,
	.recvmsg = icmp_recvmsg,
	.release = icmp_release,
	.destroy = inet_destroy,
};
