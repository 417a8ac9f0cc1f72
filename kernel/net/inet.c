/*
 * AF_INET and AF_INET6 sockets, the part every protocol shares: creation (TCP, UDP, ICMP
 * echo "ping" sockets, raw sockets), addresses, the port tables with Linux's bind rules,
 * routing decisions, getsockname/getpeername, IP-level options and the queue ioctls.
 * The protocols are tcp.c, udp.c and icmp.c.
 *
 * No IP packets are built: every destination this instance can reach is one of its own
 * addresses (lo: 127.0.0.0/8 and ::1), so a protocol hands its data straight to the
 * receiving socket. Addresses are kept in IPv6 form, IPv4 ones as ::ffff:a.b.c.d, which
 * makes dual-stack sockets (AF_INET6 without IPV6_V6ONLY) fall out naturally. A
 * destination that is not local gives ENETUNREACH, unless eth0=slirp gives a default
 * route: TCP and UDP to other IPv4 addresses then go through the NAT (drivers/net/slirp.c).
 *
 * Bind rules (Linux's): two sockets of one protocol conflict on a port when their
 * addresses overlap (equal, or either the wildcard, per family view; an AF_INET6 socket
 * on :: also covers IPv4 unless IPV6_V6ONLY), unless both set SO_REUSEADDR and the
 * existing TCP socket is not listening (UDP: always), or both set SO_REUSEPORT under one
 * user. Ports below 1024 need root. Ephemeral ports come from 32768-60999.
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"
#include "internal.h"
#include "ip.h"

#include <asm/ioctls.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>

#define EPHEMERAL_LOW 32768
#define EPHEMERAL_HIGH 60999
#define PROT_SOCK 1024
#define TCP_DEFAULT_SNDBUF 16384
#define TCP_DEFAULT_RCVBUF 131072
#define IP_DEFAULT_TTL 64

static u32 ephemeral_next = 17;

/* ---- addresses */

bool inaddr_is_any(const struct inaddr *a)
{
	static const struct inaddr v6any;

	return inaddr_eq(a, &v6any) || (inaddr_is_v4(a) && inaddr_v4(a) == 0);
}

bool inaddr_is_loopback(const struct inaddr *a)
{
	static const struct inaddr v6lo = { { [15] = 1 } };

	if (inaddr_is_v4(a))
		return (net_ntohl(inaddr_v4(a)) >> 24) == 127;
	return inaddr_eq(a, &v6lo);
}

static void inaddr_set_v6(struct inaddr *a, const struct in6_addr *in)
{
	memcpy(a->b, in, 16);
}

int inet_addr_parse(struct inet_sock *is, const void *addr, int len, struct inaddr *a,
		    u16 *port)
{
	sa_family_t fam;

	if (len < (int)sizeof(fam))
		return -EINVAL;
	memcpy(&fam, addr, sizeof(fam));
	if (fam == AF_INET || (!is->v6 && fam == AF_UNSPEC)) {
		struct sockaddr_in sin;

		if (len < (int)sizeof(sin))
			return -EINVAL;
		if (is->v6 && is->sk.type == SOCK_STREAM)
			return -EAFNOSUPPORT;
		if (is->v6 && is->v6only)
			return -ENETUNREACH;
		memcpy(&sin, addr, sizeof(sin));
		inaddr_set_v4(a, sin.sin_addr.s_addr);
		*port = net_ntohs(sin.sin_port);
		return 0;
	}
	if (fam == AF_INET6 && is->v6) {
		struct sockaddr_in6 sin6;

		if (len < 24) /* SIN6_LEN_RFC2133: without sin6_scope_id */
			return -EINVAL;
		memset(&sin6, 0, sizeof(sin6));
		memcpy(&sin6, addr, (size_t)min(len, (int)sizeof(sin6)));
		inaddr_set_v6(a, &sin6.sin6_addr);
		*port = net_ntohs(sin6.sin6_port);
		return 0;
	}
	return -EAFNOSUPPORT;
}

int inet_addr_fill(struct inet_sock *is, const struct inaddr *a, u16 port, void *buf)
{
	if (!is->v6) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = net_htons(port) };

		sin.sin_addr.s_addr = inaddr_v4(a);
		memcpy(buf, &sin, sizeof(sin));
		return sizeof(sin);
	}
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = net_htons(port) };

	memcpy(&sin6.sin6_addr, a->b, 16);
	memcpy(buf, &sin6, sizeof(sin6));
	return sizeof(sin6);
}

/* ---- routing */

int inet_route_check(struct inet_sock *is, const struct inaddr *a)
{
	if (inaddr_is_v4(a) && is->v6 && is->v6only)
		return -ENETUNREACH;
	/*
	 * An AF_INET6 socket with an IPv4-mapped local address speaks IPv4 only; one that
	 * bind() gave an IPv6 address cannot reach IPv4 (what Linux answers).
	 */
	if (is->v6 && !inaddr_is_any(&is->saddr) && !inaddr_is_any(a)) {
		if (inaddr_is_v4(&is->saddr) && !inaddr_is_v4(a))
			return -EAFNOSUPPORT;
		if (is->addr_locked && !inaddr_is_v4(&is->saddr) && inaddr_is_v4(a))
			return -ENETUNREACH;
	}
	if (inaddr_is_any(a) || netdev_addr_is_local(a))
		return 0;
	if (inaddr_is_v4(a) && (is->sk.type != SOCK_STREAM || ip_tcp_input) &&
	    ip_route_out(inaddr_v4(a), NULL))
		return 0; /* out through a packet NIC (TCP: when an engine is registered) */
	if ((is->sk.type == SOCK_STREAM || is->sk.type == SOCK_DGRAM) &&
	    (is->sk.protocol == IPPROTO_TCP || is->sk.protocol == IPPROTO_UDP) &&
	    nat_route(a, NULL))
		return 0; /* out through eth0=slirp */
	return -ENETUNREACH;
}

void inet_source_for(struct inet_sock *is, const struct inaddr *a, struct inaddr *src)
{
	static const struct inaddr v6lo = { { [15] = 1 } };
	u32 v4src;

	if (!inaddr_is_any(&is->saddr)) {
		*src = is->saddr;
		return;
	}
	if (!inaddr_is_any(a) && !netdev_addr_is_local(a) && inaddr_is_v4(a) &&
	    ip_route_out(inaddr_v4(a), &v4src)) {
		inaddr_set_v4(src, v4src);
		return; /* the packet NIC's address on the route */
	}
	if (!inaddr_is_any(a) && !netdev_addr_is_local(a) && nat_route(a, src))
		return; /* the NIC's address */
	if (!inaddr_is_any(a) && !inaddr_is_loopback(a)) {
		*src = *a; /* another address of ours: the route to it uses it as source */
		return;
	}
	if (inaddr_is_v4(a))
		inaddr_set_v4(src, net_htonl(0x7f000001));
	else
		*src = v6lo;
}

/* ---- port tables */

/* Which halves of the address space s covers when bound to a. */
static void inet_views(const struct inet_sock *s, const struct inaddr *a, bool *v4, bool *v6)
{
	if (!s->v6 || inaddr_is_v4(a)) {
		*v4 = true;
		*v6 = false;
		return;
	}
	*v6 = true;
	*v4 = inaddr_is_any(a) && !s->v6only;
}

static bool inet_overlap(const struct inet_sock *s, const struct inaddr *a,
			 const struct inet_sock *o, const struct inaddr *b)
{
	bool s4, s6, o4, o6;

	inet_views(s, a, &s4, &s6);
	inet_views(o, b, &o4, &o6);
	if (s4 && o4) {
		u32 x = inaddr_is_v4(a) ? inaddr_v4(a) : 0, y = inaddr_is_v4(b) ? inaddr_v4(b) : 0;

		if (!x || !y || x == y)
			return true;
	}
	if (s6 && o6 && (inaddr_is_any(a) || inaddr_is_any(b) || inaddr_eq(a, b)))
		return true;
	return false;
}

/*
 * Does binding s to (a, port) conflict with o? listen: the check made at listen(), where
 * only another listener conflicts and SO_REUSEADDR no longer helps.
 */
static bool inet_conflict(const struct inet_sock *s, const struct inaddr *a,
			  const struct inet_sock *o, bool listen)
{
	unsigned both = s->sk.opt & o->sk.opt;

	if (!inet_overlap(s, a, o, &o->saddr))
		return false;
	if ((both & SOCK_OPT_REUSEPORT) && s->sk.uid == o->sk.uid)
		return false;
	if (listen)
		return o->tcp_state == TCP_LISTEN;
	if (both & SOCK_OPT_REUSEADDR)
		return s->sk.type == SOCK_STREAM && o->tcp_state == TCP_LISTEN;
	return true;
}

static bool inet_port_free(struct inet_sock *is, struct list_head *table,
			   const struct inaddr *a, u16 port, bool any_use)
{
	struct inet_sock *o;

	list_for_each_entry(o, table, bind_link) {
		if (o == is || o->sport != port)
			continue;
		if (any_use || inet_conflict(is, a, o, false))
			return false;
	}
	return true;
}

static int inet_pick_port(struct inet_sock *is, struct list_head *table,
			  const struct inaddr *a)
{
	u32 range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;

	for (u32 i = 0; i < range; i++) {
		u16 port;

		ephemeral_next = ephemeral_next * 1103515245u + 12345u;
		port = (u16)(EPHEMERAL_LOW + (ephemeral_next >> 8) % range);
		if (inet_port_free(is, table, a, port, true))
			return port;
	}
	for (u32 p = EPHEMERAL_LOW; p <= EPHEMERAL_HIGH; p++) {
		if (inet_port_free(is, table, a, (u16)p, true))
			return (int)p;
	}
	return -EADDRINUSE;
}

/* May s use local address a? 0, -EADDRNOTAVAIL, or -EINVAL (v4 on a v6-only socket). */
static int inet_local_ok(struct inet_sock *is, const struct inaddr *a)
{
	if (is->v6 && is->v6only && inaddr_is_v4(a))
		return -EINVAL;
	if (inaddr_is_any(a) || netdev_addr_is_local(a))
		return 0;
	return -EADDRNOTAVAIL;
}

int inet_bind_table(struct inet_sock *is, struct list_head *table, const struct inaddr *a,
		    u16 port)
{
	int err = inet_local_ok(is, a), p;
	bool picked = !port;

	if (err)
		return err;
	if (inet_bound(is))
		return -EINVAL;
	if (port && port < PROT_SOCK && !cred_capable(CAP_NET_BIND_SERVICE))
		return -EACCES;
	if (!port) {
		p = inet_pick_port(is, table, a);
		if (p < 0)
			return p;
		port = (u16)p;
	} else if (!inet_port_free(is, table, a, port, false)) {
		return -EADDRINUSE;
	}
	is->autobound = picked; /* Linux's SOCK_BINDPORT_LOCK, inverted */
	is->saddr = *a;
	is->sport = port;
	list_add_tail(&is->bind_link, table);
	return 0;
}

int inet_autobind(struct inet_sock *is, struct list_head *table)
{
	struct inaddr any;

	if (inet_bound(is))
		return 0;
	any = is->saddr;
	if (!is->v6 && inaddr_is_any(&any))
		inaddr_set_v4(&any, 0);
	return inet_bind_table(is, table, &any, 0) ? -EADDRNOTAVAIL : 0;
}

void inet_unbind(struct inet_sock *is)
{
	list_del_init(&is->bind_link);
	is->autobound = false;
}

int inet_listen_check(struct inet_sock *is, struct list_head *table)
{
	struct inet_sock *o;

	list_for_each_entry(o, table, bind_link) {
		if (o != is && o->sport == is->sport && inet_conflict(is, &is->saddr, o, true))
			return -EADDRINUSE;
	}
	return 0;
}

int inet_match_score(struct inet_sock *is, const struct inaddr *a, u16 port)
{
	bool v4, v6;

	if (is->sport != port)
		return 0;
	inet_views(is, &is->saddr, &v4, &v6);
	if (inaddr_is_v4(a)) {
		if (!v4)
			return 0;
		if (inaddr_is_v4(&is->saddr) && inaddr_v4(&is->saddr))
			return inaddr_eq(&is->saddr, a) ? 2 : 0;
		return 1;
	}
	if (!v6)
		return 0;
	if (inaddr_is_any(&is->saddr))
		return 1;
	return inaddr_eq(&is->saddr, a) ? 2 : 0;
}

int inet_bind_addr(struct socket *s, const void *addr, int len, struct list_head *table)
{
	struct inet_sock *is = inet_sk(s);
	sa_family_t fam = AF_UNSPEC;
	struct inaddr a;
	u16 port;
	int err;

	if (len >= (int)sizeof(fam))
		memcpy(&fam, addr, sizeof(fam));
	if (is->v6 && fam != AF_INET6)
		return len < (int)sizeof(fam) ? -EINVAL : -EAFNOSUPPORT;
	err = inet_addr_parse(is, addr, len, &a, &port);
	if (err)
		return err;
	if (!is->v6 && fam == AF_UNSPEC && inaddr_v4(&a))
		return -EAFNOSUPPORT;
	if (inet_bound(is))
		return -EINVAL;
	err = inet_bind_table(is, table, &a, port);
	if (!err)
		is->addr_locked = !inaddr_is_any(&a);
	return err;
}

void inet_forget_peer(struct inet_sock *is)
{
	is->connected = false;
	memset(&is->daddr, 0, sizeof(is->daddr));
	is->dport = 0;
	if (!is->addr_locked) {
		memset(&is->saddr, 0, sizeof(is->saddr));
		if (!is->v6)
			inaddr_set_v4(&is->saddr, 0);
	}
}

/* ---- names */

int inet_getname(struct socket *s, void *buf, bool peer)
{
	struct inet_sock *is = inet_sk(s);

	if (!peer)
		return inet_addr_fill(is, &is->saddr, is->sport, buf);
	if (!is->connected || !is->dport) /* Linux: connected to port 0 is no peer either */
		return -ENOTCONN;
	if (s->type == SOCK_STREAM && (is->tcp_state == TCP_CLOSE || is->tcp_state == TCP_SYN_SENT))
		return -ENOTCONN;
	return inet_addr_fill(is, &is->daddr, is->dport, buf);
}

void inet_recv_cmsgs(struct inet_sock *is, struct kmsg *m)
{
	int v = m->ttl ? m->ttl : IP_DEFAULT_TTL, tc = m->tclass;
	u8 tos = m->tclass;

	if (!is->v6 && is->recvttl)
		kmsg_add_cmsg(m, SOL_IP, IP_TTL, &v, sizeof(v));
	if (!is->v6 && is->recvtclass)
		kmsg_add_cmsg(m, SOL_IP, IP_TOS, &tos, sizeof(tos));
	if (is->v6 && is->recvhoplimit)
		kmsg_add_cmsg(m, SOL_IPV6, is->recvhoplimit == IPV6_RECVHOPLIMIT ?
			      IPV6_HOPLIMIT : IPV6_2292HOPLIMIT, &v, sizeof(v));
	if (is->v6 && is->recvtclass)
		kmsg_add_cmsg(m, SOL_IPV6, IPV6_TCLASS, &tc, sizeof(tc));
}

/* The hop limit and traffic class a datagram of is leaves with (send cmsgs first). */
void inet_send_marks(struct inet_sock *is, const struct kmsg *m, u8 *ttl, u8 *tclass)
{
	*ttl = (u8)(m->send_ttl ? m->send_ttl - 1 : is->ttl < 0 ? IP_DEFAULT_TTL : is->ttl);
	*tclass = (u8)(m->send_tclass ? m->send_tclass - 1 : is->tos);
}

/* ---- options */

static int ip_setsockopt(struct inet_sock *is, int name, int v, bool have_int)
{
	if (!have_int)
		return -EINVAL;
	switch (name) {
	case IP_TTL:
		if (v != -1 && (v < 1 || v > 255))
			return -EINVAL;
		is->ttl = v;
		return 0;
	case IP_TOS:
		is->tos = v & 0xff;
		return 0;
	case IP_RECVTTL:
		is->recvttl = v != 0;
		return 0;
	case IP_RECVTOS:
		is->recvtclass = v != 0;
		return 0;
	case IP_HDRINCL:
		if (is->sk.type != SOCK_RAW)
			return -ENOPROTOOPT;
		is->hdrincl = v != 0;
		return 0;
	case IP_PKTINFO: case IP_RECVERR: case IP_MTU_DISCOVER:
	case IP_MULTICAST_TTL: case IP_MULTICAST_LOOP: case IP_FREEBIND:
	case IP_BIND_ADDRESS_NO_PORT: case IP_RECVOPTS: case IP_RETOPTS:
	case IP_MULTICAST_ALL:
		return 0;
	}
	return -ENOPROTOOPT;
}

static int ipv6_setsockopt(struct inet_sock *is, int name, int v, bool have_int)
{
	if (!have_int)
		return -EINVAL;
	switch (name) {
	case IPV6_V6ONLY:
		if (inet_bound(is))
			return -EINVAL;
		is->v6only = v != 0;
		return 0;
	case IPV6_UNICAST_HOPS:
		if (v < -1 || v > 255)
			return -EINVAL;
		is->ttl = v;
		return 0;
	case IPV6_RECVHOPLIMIT:
	case IPV6_2292HOPLIMIT:
		is->recvhoplimit = v ? name : 0;
		return 0;
	case IPV6_RECVTCLASS:
		is->recvtclass = v != 0;
		return 0;
	case IPV6_TCLASS:
		if (v < -1 || v > 255)
			return -EINVAL;
		is->tos = v < 0 ? 0 : v;
		return 0;
	case IPV6_CHECKSUM: case IPV6_RECVPKTINFO: case IPV6_2292PKTINFO:
	case IPV6_RECVERR: case IPV6_MTU_DISCOVER:
	case IPV6_MULTICAST_HOPS: case IPV6_MULTICAST_LOOP: case IPV6_MULTICAST_IF:
		return 0;
	}
	return -ENOPROTOOPT;
}

static int tcp_setopt(struct inet_sock *is, int name, int v, bool have_int)
{
	if (!have_int)
		return name == TCP_CONGESTION ? 0 : -EINVAL;
	switch (name) {
	case TCP_NODELAY:
		is->nodelay = v != 0;
		return 0;
	case TCP_CORK:
		is->cork = v != 0;
		return 0;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
	case TCP_KEEPCNT:
		if (v < 1 || v > 32767)
			return -EINVAL;
		*(name == TCP_KEEPIDLE ? &is->keepidle : name == TCP_KEEPINTVL ? &is->keepintvl :
		  &is->keepcnt) = v;
		return 0;
	case TCP_MAXSEG:
		is->maxseg = v;
		return 0;
	case TCP_USER_TIMEOUT:
		if (v < 0)
			return -EINVAL;
		is->user_timeout = v;
		return 0;
	case TCP_SYNCNT: case TCP_LINGER2: case TCP_DEFER_ACCEPT: case TCP_WINDOW_CLAMP:
	case TCP_QUICKACK: case TCP_FASTOPEN: case TCP_NOTSENT_LOWAT: case TCP_FASTOPEN_CONNECT:
	case TCP_CONGESTION:
		return 0;
	}
	return -ENOPROTOOPT;
}

int inet_setsockopt(struct socket *s, int level, int name, const void *val, unsigned len)
{
	struct inet_sock *is = inet_sk(s);
	int v = 0;
	bool have_int = sock_get_int(val, len, &v) == 0;

	if (!have_int && len >= 1 && (level == SOL_IP) &&
	    (name == IP_TTL || name == IP_TOS || name == IP_MULTICAST_TTL ||
	     name == IP_MULTICAST_LOOP)) {
		v = *(const u8 *)val; /* Linux takes a byte for these */
		have_int = true;
	}
	switch (level) {
	case SOL_IP:
		return ip_setsockopt(is, name, v, have_int);
	case SOL_IPV6:
		return is->v6 ? ipv6_setsockopt(is, name, v, have_int) : -ENOPROTOOPT;
	case SOL_TCP:
		return s->type == SOCK_STREAM ? tcp_setopt(is, name, v, have_int) : -ENOPROTOOPT;
	case SOL_UDP:
	case IPPROTO_UDPLITE: /* UDP_CORK, UDPLITE_SEND_CSCOV...: accepted, no wire to honour */
		return s->type == SOCK_DGRAM && s->protocol != IPPROTO_ICMP &&
		       s->protocol != IPPROTO_ICMPV6 ? 0 : -ENOPROTOOPT;
	case SOL_RAW:
		if (s->type != SOCK_RAW)
			return -ENOPROTOOPT;
		return 0;
	case SOL_ICMPV6:
		if (s->type != SOCK_RAW || name != 1 /* ICMP6_FILTER */)
			return -ENOPROTOOPT;
		memset(is->icmp6_filter, 0, sizeof(is->icmp6_filter));
		memcpy(is->icmp6_filter, val, min(len, (unsigned)sizeof(is->icmp6_filter)));
		return 0;
	}
	return -ENOPROTOOPT;
}

static int tcp_info_get(struct inet_sock *is, void *val, unsigned *len)
{
	struct tcp_info ti;

	memset(&ti, 0, sizeof(ti));
	ti.tcpi_state = (u8)is->tcp_state;
	ti.tcpi_snd_mss = ti.tcpi_rcv_mss = 65483;
	ti.tcpi_pmtu = 65536;
	ti.tcpi_snd_cwnd = 10;
	*len = min(*len, (unsigned)sizeof(ti));
	memcpy(val, &ti, *len);
	return 0;
}

static int tcp_getopt(struct inet_sock *is, int name, void *val, unsigned *len)
{
	switch (name) {
	case TCP_NODELAY:
		return sock_put_int(val, len, is->nodelay);
	case TCP_CORK:
		return sock_put_int(val, len, is->cork);
	case TCP_KEEPIDLE:
		return sock_put_int(val, len, is->keepidle);
	case TCP_KEEPINTVL:
		return sock_put_int(val, len, is->keepintvl);
	case TCP_KEEPCNT:
		return sock_put_int(val, len, is->keepcnt);
	case TCP_MAXSEG:
		return sock_put_int(val, len, is->maxseg ? is->maxseg :
				    is->tcp_state == TCP_ESTABLISHED ? 65483 : 536);
	case TCP_USER_TIMEOUT:
		return sock_put_int(val, len, is->user_timeout);
	case TCP_INFO:
		return tcp_info_get(is, val, len);
	case TCP_CONGESTION:
		*len = min(*len, 6u);
		memcpy(val, "cubic", *len);
		return 0;
	case TCP_SYNCNT: case TCP_LINGER2: case TCP_DEFER_ACCEPT: case TCP_WINDOW_CLAMP:
	case TCP_QUICKACK: case TCP_FASTOPEN: case TCP_NOTSENT_LOWAT:
		return sock_put_int(val, len, 0);
	}
	return -ENOPROTOOPT;
}

int inet_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len)
{
	struct inet_sock *is = inet_sk(s);
	int ttl = is->ttl < 0 ? IP_DEFAULT_TTL : is->ttl;

	if (level == SOL_IP) {
		switch (name) {
		case IP_TTL:
			return sock_put_int(val, len, ttl);
		case IP_TOS:
			return sock_put_int(val, len, is->tos);
		case IP_RECVTTL:
			return sock_put_int(val, len, is->recvttl);
		case IP_RECVTOS:
			return sock_put_int(val, len, is->recvtclass);
		case IP_HDRINCL:
			return sock_put_int(val, len, is->hdrincl);
		case IP_MTU:
			return is->connected ? sock_put_int(val, len, 65536) : -ENOTCONN;
		case IP_PKTINFO: case IP_RECVERR: case IP_MTU_DISCOVER: case IP_MULTICAST_LOOP:
		case IP_MULTICAST_TTL: case IP_FREEBIND:
			return sock_put_int(val, len, name == IP_MULTICAST_LOOP ||
						       name == IP_MULTICAST_TTL);
		}
		return -ENOPROTOOPT;
	}
	if (level == SOL_IPV6 && is->v6) {
		switch (name) {
		case IPV6_V6ONLY:
			return sock_put_int(val, len, is->v6only);
		case IPV6_UNICAST_HOPS:
			return sock_put_int(val, len, ttl);
		case IPV6_RECVHOPLIMIT:
			return sock_put_int(val, len, is->recvhoplimit == IPV6_RECVHOPLIMIT);
		case IPV6_MTU:
			return is->connected ? sock_put_int(val, len, 65536) : -ENOTCONN;
		case IPV6_TCLASS:
			return sock_put_int(val, len, is->tos);
		case IPV6_RECVTCLASS:
			return sock_put_int(val, len, is->recvtclass);
		case IPV6_RECVPKTINFO: case IPV6_RECVERR: case IPV6_MTU_DISCOVER:
			return sock_put_int(val, len, 0);
		}
		return -ENOPROTOOPT;
	}
	if (level == SOL_TCP && s->type == SOCK_STREAM)
		return tcp_getopt(is, name, val, len);
	if (level == SOL_ICMPV6 && s->type == SOCK_RAW && name == 1) {
		*len = min(*len, (unsigned)sizeof(is->icmp6_filter));
		memcpy(val, is->icmp6_filter, *len);
		return 0;
	}
	return -ENOPROTOOPT;
}

long inet_ioctl(struct socket *s, unsigned cmd, u64 arg)
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
	case SIOCOUTQNSD:
		if (s->listening)
			return -EINVAL;
		v = 0; /* loopback acknowledges everything at once */
		break;
	case SIOCATMARK:
		v = s->urg_valid && s->rx_read == s->urg_mark;
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(v, arg) ? -EFAULT : 0;
}

/* ---- creation */

void inet_init_sock(struct inet_sock *is, int type, int protocol, bool v6,
		    const struct proto_ops *ops)
{
	sock_init(&is->sk, v6 ? AF_INET6 : AF_INET, type, protocol, ops);
	INIT_LIST_HEAD(&is->bind_link);
	INIT_LIST_HEAD(&is->all_link);
	INIT_LIST_HEAD(&is->acceptq);
	INIT_LIST_HEAD(&is->synq);
	INIT_LIST_HEAD(&is->q_link);
	is->v6 = v6;
	is->ttl = -1;
	is->tcp_state = TCP_CLOSE;
	if (!v6)
		inaddr_set_v4(&is->saddr, 0);
	if (type == SOCK_STREAM) {
		is->sk.sndbuf = TCP_DEFAULT_SNDBUF;
		is->sk.rcvbuf = TCP_DEFAULT_RCVBUF;
		is->keepidle = 7200;
		is->keepintvl = 75;
		is->keepcnt = 9;
	}
}

void inet_destroy(struct socket *s)
{
	struct inet_sock *is = inet_sk(s);

	inet_unbind(is);
	list_del_init(&is->all_link);
	skb_purge_rcv(s);
	kfree(is);
}

/* The proto_ops and the list of sockets for (type, protocol), or an errno. */
static int inet_pick_ops(int type, int *protocol, bool v6, const struct proto_ops **ops,
			 struct list_head **all)
{
	int icmp = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;

	switch (type) {
	case SOCK_STREAM:
		if (*protocol && *protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		*protocol = IPPROTO_TCP;
		*ops = &tcp_ops;
		*all = &tcp_all;
		return 0;
	case SOCK_DGRAM:
		if (*protocol == icmp) {
			*ops = &icmp_ping_ops;
			*all = &raw_all;
			return 0;
		}
		if (*protocol && *protocol != IPPROTO_UDP && *protocol != IPPROTO_UDPLITE)
			return -EPROTONOSUPPORT;
		if (!*protocol)
			*protocol = IPPROTO_UDP;
		*ops = &udp_ops;
		*all = &udp_all;
		return 0;
	case SOCK_RAW:
		if (!cred_capable(CAP_NET_RAW))
			return -EPERM;
		if (*protocol <= 0 || *protocol > 255)
			return -EPROTONOSUPPORT;
		*ops = &raw_ops;
		*all = &raw_all;
		return 0;
	}
	return -ESOCKTNOSUPPORT;
}

static int inet_create(int type, int protocol, bool v6, struct socket **out)
{
	const struct proto_ops *ops;
	struct list_head *all;
	struct inet_sock *is;
	int err = inet_pick_ops(type, &protocol, v6, &ops, &all);

	if (err)
		return err;
	is = kzalloc(sizeof(*is));
	if (!is)
		return -ENOMEM;
	inet_init_sock(is, type, protocol, v6, ops);
	if (type == SOCK_RAW && protocol == IPPROTO_RAW)
		is->hdrincl = true;
	list_add_tail(&is->all_link, all);
	*out = &is->sk;
	return 0;
}

int inet_create4(int type, int protocol, bool kern, struct socket **out)
{
	return inet_create(type, protocol, false, out);
}

int inet_create6(int type, int protocol, bool kern, struct socket **out)
{
	return inet_create(type, protocol, true, out);
}
