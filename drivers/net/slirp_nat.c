/*
 * The relays of eth0=slirp: guest TCP connections and UDP datagrams to outside addresses
 * become host sockets (slirp_host.c), and hostfwd connections and datagrams from the host
 * become connections and datagrams to the guest's sockets.
 *
 * TCP: the host end of a connection is a proxy inet_sock with no file (tcp.c, "NAT").
 * The guest's data lands on the proxy's receive queue, bounded by its SO_RCVBUF; it is
 * written to the host socket as the host takes it (the skbs freed then wake the guest's
 * writers). What the host sends is read only while the guest's receive buffer has room
 * (the skbs are charged to the proxy, so the guest's reads wake this relay again): no
 * queue grows without bound in either direction. FIN and RST go across both ways.
 *
 * UDP: a guest socket sending outside gets one host UDP socket; its replies are queued on
 * the guest socket like local datagrams (dropped, and counted, when its buffer is full).
 * hostfwd=udp: datagrams from host clients come from 10.0.2.2:CLIENTPORT to the guest's
 * port; the guest's replies to that address go back to the last client through the
 * forwarding socket.
 */
#include "kernel.h"
#include "fs.h"
#include "slab.h"
#include "net/slirp.h"
#include "net/slirp_host.h"

#define NAT_CHUNK 16384
#define NAT_PROXY_RCVBUF 65536
#define NAT_DGRAM_MAX 65535

static u8 dgram_buf[NAT_DGRAM_MAX]; /* one datagram in transit (the kernel runs one task) */

static u64 cookie(struct nat_conn *c)
{
	return (u64)(uintptr_t)c;
}

void nat_conn_drop(struct nat_conn *c)
{
	if (c->proxy) {
		if (c->proxy->peer || c->proxy->listener)
			tcp_nat_reset(c->proxy, -ECONNRESET);
		c->proxy->nat = NULL;
		sock_put(&c->proxy->sk);
		c->proxy = NULL;
	}
}

/* ---- TCP */

static bool nat_proxy_wake(struct wait_entry *we, unsigned key)
{
	nat_tcp_service(we->private);
	return false;
}

/* A proxy for host connection c with the guest-visible addresses of its host end. */
static struct inet_sock *nat_proxy_new(struct nat_conn *c)
{
	struct inet_sock *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	inet_init_sock(p, SOCK_STREAM, IPPROTO_TCP, false, &tcp_ops);
	p->sk.rcvbuf = NAT_PROXY_RCVBUF;
	p->sk.opt |= SOCK_OPT_OOBINLINE; /* urgent bytes stay in the stream */
	p->connected = true;
	p->nat = c;
	c->proxy = p;
	c->we.func = nat_proxy_wake;
	c->we.private = c;
	wait_add(&p->sk.wq, &c->we);
	return p;
}

int nat_tcp_connect(struct inet_sock *is, const struct inaddr *a, u16 port)
{
	struct nat_conn *c;
	struct inet_sock *p;
	u32 ip;
	u16 hport;
	int err = slirp_map_out(a, port, &ip, &hport), fd;

	if (err)
		return err;
	c = nat_conn_new(NAT_TCP);
	if (!c)
		return -ENOMEM;
	fd = slirp_host_tcp_connect(ip, hport, cookie(c));
	p = fd >= 0 ? nat_proxy_new(c) : NULL;
	if (!p) {
		if (fd >= 0)
			slirp_host_close(fd, 1);
		list_del(&c->link);
		kfree(c);
		return fd < 0 ? fd : -ENOMEM;
	}
	c->fd = fd;
	c->watching = SLIRP_EV_OUT;
	c->connecting = true;
	p->saddr = is->daddr;
	p->sport = port;
	p->daddr = is->saddr;
	p->dport = is->sport;
	tcp_nat_link(is, p);
	p->sk.sndbuf = is->sk.rcvbuf;
	return 0;
}

/* Guest to host: write what the proxy holds. false when the connection died. */
static bool nat_tcp_tx(struct nat_conn *c)
{
	struct socket *ps = &c->proxy->sk;

	while (!list_empty(&ps->rxq)) {
		struct skb *skb = list_first_entry(&ps->rxq, struct skb, link);
		long n = slirp_host_send(c->fd, skb->data + skb->off, skb->len - skb->off);

		if (n == -EAGAIN)
			return true;
		if (n < 0) {
			tcp_nat_reset(c->proxy, -ECONNRESET);
			nat_conn_kill(c, true);
			return false;
		}
		slirp_count(true, (size_t)n);
		skb->off += (u32)n;
		ps->rxq_bytes -= (u32)n;
		ps->rx_read += (u64)n;
		if (skb->off < skb->len)
			return true;
		skb_unlink_rcv(ps, skb);
		skb_free(skb);
	}
	if ((ps->shutdown & RCV_SHUTDOWN) && !c->wr_shut) {
		slirp_host_shutdown_wr(c->fd);
		c->wr_shut = true;
	}
	return true;
}

/* Host to guest, while the guest's receive buffer has room. false when it died. */
static bool nat_tcp_rx(struct nat_conn *c)
{
	struct inet_sock *p = c->proxy, *g;

	while (!c->host_eof && (g = p->peer) && p->sk.wmem < g->sk.rcvbuf) {
		size_t n = min((size_t)(g->sk.rcvbuf - p->sk.wmem), (size_t)NAT_CHUNK);
		struct skb *skb = skb_alloc(n);
		long r;

		if (!skb)
			return true;
		r = slirp_host_recv(c->fd, skb->data, n);
		if (r <= 0)
			skb_free(skb);
		if (r == -EAGAIN)
			return true;
		if (r < 0) {
			tcp_nat_reset(p, r == -EPIPE ? -ECONNRESET : (int)r);
			nat_conn_kill(c, true);
			return false;
		}
		if (r == 0) {
			c->host_eof = true;
			tcp_nat_fin(p);
			return true;
		}
		slirp_count(false, (size_t)r);
		skb->len = (u32)r;
		skb_set_owner(skb, &p->sk);
		skb_queue_rcv(&g->sk, skb);
	}
	return true;
}

/* The host connection of an outgoing connect finished (or not yet). false: c is gone. */
static bool nat_tcp_connected(struct nat_conn *c)
{
	int r = slirp_host_connect_result(c->fd);

	if (r == -EINPROGRESS)
		return c->proxy->peer != NULL;
	if (r) {
		tcp_nat_reset(c->proxy, r);
		nat_conn_kill(c, true);
		return false;
	}
	c->connecting = false;
	tcp_nat_established(c->proxy);
	return true;
}

static void nat_tcp_step(struct nat_conn *c)
{
	struct inet_sock *p = c->proxy;
	unsigned want = 0;

	if (c->connecting && !nat_tcp_connected(c)) {
		if (!c->dead) /* the guest gave up while the host was connecting */
			nat_conn_kill(c, true);
		return;
	}
	if (c->connecting || (p->tcp_state == TCP_SYN_SENT && p->listener)) {
		nat_watch(c, c->connecting ? SLIRP_EV_OUT : 0);
		return; /* hostfwd: waiting for room in the guest's accept queue */
	}
	if (p->sk.err || (!p->peer && p->tcp_state == TCP_SYN_SENT)) {
		nat_conn_kill(c, true); /* the guest reset the connection (or never took it) */
		return;
	}
	if (!nat_tcp_tx(c) || !nat_tcp_rx(c))
		return;
	if (!p->peer && list_empty(&p->sk.rxq)) {
		nat_conn_kill(c, false); /* the guest closed and everything went out */
		return;
	}
	if (!list_empty(&p->sk.rxq))
		want |= SLIRP_EV_OUT;
	if (!c->host_eof && p->peer && p->sk.wmem < p->peer->sk.rcvbuf)
		want |= SLIRP_EV_IN;
	nat_watch(c, want);
}

void nat_tcp_service(struct nat_conn *c)
{
	if (c->dead)
		return;
	if (c->busy) {
		c->again = true;
		return;
	}
	c->busy = true;
	do {
		c->again = false;
		nat_tcp_step(c);
	} while (c->again && !c->dead);
	c->busy = false;
}

/* hostfwd=tcp: each host connection becomes one to the guest's listener. */
void nat_tcp_accept(struct nat_conn *l)
{
	for (int i = 0; i < 16; i++) {
		struct nat_conn *c = nat_conn_new(NAT_TCP);
		struct inet_sock *p = c ? nat_proxy_new(c) : NULL;
		struct inaddr ga;
		u32 ip;
		u16 port;
		int fd;

		if (!p) {
			if (c)
				nat_conn_kill(c, false);
			return;
		}
		fd = slirp_host_accept(l->fd, cookie(c), &ip, &port);
		if (fd < 0) {
			nat_conn_kill(c, false);
			return;
		}
		c->fd = fd;
		c->watching = SLIRP_EV_IN;
		inaddr_set_v4(&ga, l->fwd->guest_ip);
		slirp_map_in(ip, port, &p->saddr, &p->sport);
		p->daddr = ga;
		p->dport = l->fwd->guest_port;
		if (tcp_nat_connect_in(p, &ga, l->fwd->guest_port)) {
			nat_conn_kill(c, true); /* nobody listens: the client sees a reset */
			continue;
		}
		if (p->peer)
			p->sk.sndbuf = p->peer->sk.rcvbuf;
		p->sk.sndbuf = max(p->sk.sndbuf, (u32)NAT_PROXY_RCVBUF);
		nat_tcp_service(c);
	}
}

/* ---- UDP */

/* Queue a datagram of len bytes (in dgram_buf) from (src, sport) on guest socket g. */
static void nat_udp_deliver(struct inet_sock *g, const struct inaddr *src, u16 sport,
			    size_t len)
{
	struct socket *s = &g->sk;
	struct skb *skb;

	if (g->connected && (g->dport != sport || !inaddr_eq(&g->daddr, src)))
		return;
	if ((s->rmem && s->rmem + len + sizeof(*skb) > s->rcvbuf) || (s->shutdown & RCV_SHUTDOWN)) {
		s->rx_dropped++;
		return;
	}
	skb = skb_alloc(len);
	if (!skb)
		return;
	memcpy(skb->data, dgram_buf, len);
	skb->addrlen = (u16)inet_addr_fill(g, src, sport, skb->addr);
	skb->ttl = 64;
	slirp_count(false, len);
	skb_queue_rcv(s, skb);
}

void nat_udp_rx(struct nat_conn *c)
{
	for (int i = 0; i < 64 && !c->dead; i++) {
		u32 ip;
		u16 port, gport;
		struct inaddr src;
		long n = slirp_host_recvfrom(c->fd, dgram_buf, sizeof(dgram_buf), &ip, &port);

		if (n < 0)
			return;
		slirp_map_in(ip, port, &src, &gport);
		nat_udp_deliver(c->guest, &src, gport, min((size_t)n, sizeof(dgram_buf)));
	}
}

/* The guest port a forwarding socket delivers to, and the socket bound there. */
void nat_udp_fwd_rx(struct nat_conn *c)
{
	for (int i = 0; i < 64; i++) {
		struct inaddr src, dst;
		struct inet_sock *g;
		u32 ip;
		u16 port, gport;
		long n = slirp_host_recvfrom(c->fd, dgram_buf, sizeof(dgram_buf), &ip, &port);

		if (n < 0)
			return;
		c->peer_ip = ip;
		c->peer_port = port;
		inaddr_set_v4(&src, net_htonl(SLIRP_HOST));
		gport = port;
		inaddr_set_v4(&dst, c->fwd->guest_ip);
		g = udp_nat_lookup(&src, gport, &dst, c->fwd->guest_port);
		if (g)
			nat_udp_deliver(g, &src, gport, min((size_t)n, sizeof(dgram_buf)));
	}
}

/* A hostfwd=udp socket whose last client is 10.0.2.2:port, or NULL. */
static struct nat_conn *nat_udp_fwd_for(struct inet_sock *is, const struct inaddr *a, u16 port)
{
	struct nat_conn *c;

	if (net_ntohl(inaddr_v4(a)) != SLIRP_HOST)
		return NULL;
	list_for_each_entry(c, &nat_conns, link) {
		if (c->kind == NAT_UDP_FWD && c->peer_ip && c->peer_port == port &&
		    c->fwd->guest_port == is->sport)
			return c;
	}
	return NULL;
}

/* The host UDP socket of guest socket is (made on its first datagram out). */
static struct nat_conn *nat_udp_conn(struct inet_sock *is)
{
	struct nat_conn *c = is->nat;
	int fd;

	if (c)
		return c;
	c = nat_conn_new(NAT_UDP);
	if (!c)
		return NULL;
	fd = slirp_host_udp(0, 0, cookie(c));
	if (fd < 0) {
		list_del(&c->link);
		kfree(c);
		return NULL;
	}
	c->fd = fd;
	c->watching = SLIRP_EV_IN;
	c->guest = is;
	is->nat = c;
	return c;
}

ssize_t nat_udp_send(struct inet_sock *is, const struct inaddr *a, u16 port, struct kmsg *m)
{
	struct nat_conn *c = nat_udp_fwd_for(is, a, port);
	u32 ip;
	u16 hport;
	long n;
	int err = 0;

	if (c) {
		ip = c->peer_ip;
		hport = c->peer_port;
	} else {
		err = slirp_map_out(a, port, &ip, &hport);
		if (err == -ECONNREFUSED || err == -EHOSTUNREACH)
			return (ssize_t)m->len; /* nobody there: the datagram is lost */
		if (err)
			return err;
		c = nat_udp_conn(is);
		if (!c)
			return -ENOBUFS;
	}
	if (m->len > sizeof(dgram_buf))
		return -EMSGSIZE;
	if (iter_copy_from(dgram_buf, m->it, m->len) < m->len)
		return -EFAULT;
	n = slirp_host_sendto(c->fd, dgram_buf, m->len, ip, hport);
	if (n >= 0)
		slirp_count(true, m->len);
	if (n < 0 && n != -EAGAIN && n != -ENOBUFS)
		return n; /* a full host queue drops the datagram, as a full device queue would */
	return (ssize_t)m->len;
}

void nat_udp_release(struct inet_sock *is)
{
	struct nat_conn *c = is->nat;

	is->nat = NULL;
	if (c) {
		c->guest = NULL;
		nat_conn_kill(c, false);
	}
}
