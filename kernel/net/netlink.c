/*
 * AF_NETLINK sockets: NETLINK_ROUTE with the rtnetlink queries that ip(8), glibc's
 * getifaddrs/if_nameindex and Python use (RTM_GETLINK, RTM_GETADDR and RTM_GETROUTE, as
 * dumps or single lookups), and NETLINK_KOBJECT_UEVENT sockets that never hear anything.
 *
 * The kernel answers a request as it arrives in sendmsg: the replies are built into one
 * datagram (a dump's messages carry NLM_F_MULTI), followed by an NLMSG_DONE datagram, on
 * the sender's receive queue. Requests that would change interfaces, addresses or routes
 * are refused with an NLMSG_ERROR (EPERM for users), except root's changes to the packet
 * NICs (rtnl_set.c), other changes are EOPNOTSUPP for root; NLM_F_ACK asks
 * for an NLMSG_ERROR carrying 0 after a request that succeeded. Routes are derived from
 * the interfaces' addresses (dev.c), the way Linux makes its kernel routes.
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "slab.h"
#include "task.h"
#include "internal.h"

#include <linux/netlink.h>
#include <linux/poll.h>
#include <linux/rtnetlink.h>

#define NETLINK_SEND_MAX 65536
#define NL_REPLY_MAX 32768
#define RT_MAX 32

struct netlink_sock {
	struct socket sk;
	struct list_head link;  /* in netlink_all */
	u32 portid;             /* 0 until bound */
	u32 groups;
	u32 dst_portid, dst_groups;
};

#define nl_sk(s) container_of(s, struct netlink_sock, sk)

static LIST_HEAD(netlink_all);
static u32 netlink_rover = 0xfffff000u;
static const struct proto_ops netlink_ops;

/* ---- port ids */

static bool netlink_portid_used(int protocol, u32 portid)
{
	struct netlink_sock *n;

	list_for_each_entry(n, &netlink_all, link) {
		if (n->sk.protocol == protocol && n->portid == portid)
			return true;
	}
	return false;
}

static int netlink_autobind(struct netlink_sock *n)
{
	u32 id = (u32)current->tgid;

	if (n->portid)
		return 0;
	while (netlink_portid_used(n->sk.protocol, id))
		id = netlink_rover--;
	n->portid = id;
	return 0;
}

static int netlink_bind(struct socket *s, const void *addr, int len)
{
	struct netlink_sock *n = nl_sk(s);
	struct sockaddr_nl nl;

	if (len < (int)sizeof(nl))
		return -EINVAL;
	memcpy(&nl, addr, sizeof(nl));
	if (nl.nl_family != AF_NETLINK)
		return -EINVAL;
	if (n->portid && nl.nl_pid && nl.nl_pid != n->portid)
		return -EINVAL;
	if (!n->portid && nl.nl_pid) {
		if (netlink_portid_used(s->protocol, nl.nl_pid))
			return -EADDRINUSE;
		n->portid = nl.nl_pid;
	}
	n->groups = nl.nl_groups;
	return netlink_autobind(n);
}

static int netlink_connect(struct socket *s, const void *addr, int len, bool nonblock)
{
	struct netlink_sock *n = nl_sk(s);
	struct sockaddr_nl nl;

	if (len < (int)sizeof(nl.nl_family))
		return -EINVAL;
	memcpy(&nl, addr, (size_t)min(len, (int)sizeof(nl)));
	if (nl.nl_family == AF_UNSPEC) {
		n->dst_portid = n->dst_groups = 0;
		s->state = SS_UNCONNECTED;
		return 0;
	}
	if (len < (int)sizeof(nl) || nl.nl_family != AF_NETLINK)
		return -EINVAL;
	n->dst_portid = nl.nl_pid;
	n->dst_groups = nl.nl_groups;
	s->state = SS_CONNECTED;
	return netlink_autobind(n);
}

static int netlink_getname(struct socket *s, void *buf, bool peer)
{
	struct netlink_sock *n = nl_sk(s);
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	nl.nl_pid = peer ? n->dst_portid : n->portid;
	nl.nl_groups = peer ? n->dst_groups : n->groups;
	memcpy(buf, &nl, sizeof(nl));
	return sizeof(nl);
}

/* ---- building replies */

struct nl_buf {
	u8 *data;
	size_t len;
	bool full;
};

static void *nlb_put(struct nl_buf *b, size_t len)
{
	size_t step = NLMSG_ALIGN(len);
	void *p;

	if (b->full || b->len + step > NL_REPLY_MAX) {
		b->full = true;
		return NULL;
	}
	p = b->data + b->len;
	memset(p, 0, step);
	b->len += step;
	return p;
}

/* Start a message; its offset, for nlb_end. */
static size_t nlb_begin(struct nl_buf *b, u16 type, u16 flags, const struct nlmsghdr *req,
			u32 portid)
{
	size_t off = b->len;
	struct nlmsghdr *h = nlb_put(b, sizeof(*h));

	if (h) {
		h->nlmsg_type = type;
		h->nlmsg_flags = flags;
		h->nlmsg_seq = req->nlmsg_seq;
		h->nlmsg_pid = portid;
	}
	return off;
}

static void nlb_end(struct nl_buf *b, size_t off)
{
	if (!b->full)
		((struct nlmsghdr *)(b->data + off))->nlmsg_len = (u32)(b->len - off);
}

static void nlb_data(struct nl_buf *b, const void *data, size_t len)
{
	void *p = nlb_put(b, len);

	if (p)
		memcpy(p, data, len);
}

static void nlb_attr(struct nl_buf *b, u16 type, const void *data, size_t len)
{
	struct rtattr *a = nlb_put(b, RTA_LENGTH(len));

	if (!a)
		return;
	a->rta_type = type;
	a->rta_len = (u16)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
}

static void nlb_u32(struct nl_buf *b, u16 type, u32 v)
{
	nlb_attr(b, type, &v, sizeof(v));
}

static void nlb_u8(struct nl_buf *b, u16 type, u8 v)
{
	nlb_attr(b, type, &v, sizeof(v));
}

/* ---- rtnetlink messages */

static void rtnl_link_stats(struct nl_buf *b, const struct net_device *d)
{
	struct rtnl_link_stats st = { 0 };
	struct rtnl_link_stats64 st64 = { 0 };

	st64.rx_packets = d->rx_packets;
	st64.tx_packets = d->tx_packets;
	st64.rx_bytes = d->rx_bytes;
	st64.tx_bytes = d->tx_bytes;
	st.rx_packets = (u32)d->rx_packets;
	st.tx_packets = (u32)d->tx_packets;
	st.rx_bytes = (u32)d->rx_bytes;
	st.tx_bytes = (u32)d->tx_bytes;
	nlb_attr(b, IFLA_STATS, &st, sizeof(st));
	nlb_attr(b, IFLA_STATS64, &st64, sizeof(st64));
}

static void rtnl_fill_link(struct nl_buf *b, const struct net_device *d,
			   const struct nlmsghdr *req, u32 portid, u16 flags)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	static const u8 none[6], all[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t off = nlb_begin(b, RTM_NEWLINK, flags, req, portid);

	ifi.ifi_type = (u16)d->type;
	ifi.ifi_index = d->ifindex;
	ifi.ifi_flags = d->flags;
	nlb_data(b, &ifi, sizeof(ifi));
	nlb_attr(b, IFLA_IFNAME, d->name, strlen(d->name) + 1);
	nlb_u32(b, IFLA_TXQLEN, d->txqlen);
	nlb_u8(b, IFLA_OPERSTATE, 0);
	nlb_u8(b, IFLA_LINKMODE, 0);
	nlb_u32(b, IFLA_MTU, d->mtu);
	nlb_u32(b, IFLA_GROUP, 0);
	nlb_u32(b, IFLA_PROMISCUITY, 0);
	nlb_u32(b, IFLA_NUM_TX_QUEUES, 1);
	nlb_u32(b, IFLA_NUM_RX_QUEUES, 1);
	nlb_u8(b, IFLA_CARRIER, 1);
	nlb_attr(b, IFLA_QDISC, "noqueue", 8);
	nlb_attr(b, IFLA_ADDRESS, d->hwaddr, sizeof(d->hwaddr));
	nlb_attr(b, IFLA_BROADCAST, d == netdev_lo ? none : all, 6); /* Ethernet's ff:ff:.. */
	rtnl_link_stats(b, d);
	nlb_end(b, off);
}

static void rtnl_fill_addr(struct nl_buf *b, const struct net_device *d,
			   const struct net_ifaddr *ifa, const struct nlmsghdr *req, u32 portid)
{
	struct ifaddrmsg m = { .ifa_family = ifa->v6 ? AF_INET6 : AF_INET };
	struct ifa_cacheinfo ci = { 0xffffffffu, 0xffffffffu, 0, 0 };
	const void *a = ifa->v6 ? (const void *)ifa->addr.b : (const void *)(ifa->addr.b + 12);
	size_t alen = ifa->v6 ? 16 : 4, off = nlb_begin(b, RTM_NEWADDR, NLM_F_MULTI, req, portid);

	m.ifa_prefixlen = (u8)ifa->prefixlen;
	m.ifa_flags = IFA_F_PERMANENT;
	m.ifa_scope = (u8)ifa->scope;
	m.ifa_index = (u32)d->ifindex;
	nlb_data(b, &m, sizeof(m));
	nlb_attr(b, IFA_ADDRESS, a, alen);
	if (!ifa->v6) {
		nlb_attr(b, IFA_LOCAL, a, alen);
		nlb_attr(b, IFA_LABEL, d->name, strlen(d->name) + 1);
	}
	nlb_u32(b, IFA_FLAGS, IFA_F_PERMANENT);
	nlb_attr(b, IFA_CACHEINFO, &ci, sizeof(ci));
	nlb_end(b, off);
}

struct rt_entry {
	bool v6;
	u8 dst[16];
	int dst_len, table, type, scope, oif;
	u8 src[16];  /* preferred source (IPv4 only) */
	u32 gw;      /* gateway (IPv4, network order), 0: none */
};

static void rt_add(struct rt_entry *rt, int *n, const struct net_ifaddr *ifa, const u8 *dst,
		   int len, int table, int type, int scope, int oif)
{
	struct rt_entry *e;

	if (*n >= RT_MAX)
		return;
	e = &rt[(*n)++];
	memset(e, 0, sizeof(*e));
	e->v6 = ifa->v6;
	memcpy(e->dst, dst, ifa->v6 ? 16 : 4);
	e->dst_len = len;
	e->table = table;
	e->type = type;
	e->scope = scope;
	e->oif = oif;
	if (!ifa->v6)
		memcpy(e->src, ifa->addr.b + 12, 4);
}

/* The kernel routes of one IPv4 address (Linux's fib_add_ifaddr). */
static void rt_add_v4(struct rt_entry *rt, int *n, const struct net_device *d,
		      const struct net_ifaddr *ifa)
{
	u32 a = inaddr_v4(&ifa->addr), mask = ifa->prefixlen ?
		net_htonl(0xffffffffu << (32 - ifa->prefixlen)) : 0, net = a & mask, bc = a | ~mask;
	bool lo = d == netdev_lo;

	rt_add(rt, n, ifa, (const u8 *)&net, ifa->prefixlen, lo ? RT_TABLE_LOCAL : RT_TABLE_MAIN,
	       lo ? RTN_LOCAL : RTN_UNICAST, lo ? RT_SCOPE_HOST : RT_SCOPE_LINK, d->ifindex);
	rt_add(rt, n, ifa, (const u8 *)&a, 32, RT_TABLE_LOCAL, RTN_LOCAL, RT_SCOPE_HOST,
	       d->ifindex);
	rt_add(rt, n, ifa, (const u8 *)&bc, 32, RT_TABLE_LOCAL, RTN_BROADCAST, RT_SCOPE_LINK,
	       d->ifindex);
}

/* Every kernel route, main table first. */
static int rt_collect(struct rt_entry *rt)
{
	struct net_device *d;
	struct net_ifaddr *ifa;
	int n = 0;

	list_for_each_entry(d, &netdev_list, link) {
		list_for_each_entry(ifa, &d->addrs, link) {
			if (!ifa->v6 && d->gateway && n < RT_MAX) { /* the default route first */
				static const u8 any[4];

				rt_add(rt, &n, ifa, any, 0, RT_TABLE_MAIN, RTN_UNICAST,
				       RT_SCOPE_UNIVERSE, d->ifindex);
				rt[n - 1].gw = d->gateway;
				memset(rt[n - 1].src, 0, 4);
			}
			if (!ifa->v6)
				rt_add_v4(rt, &n, d, ifa);
			else
				rt_add(rt, &n, ifa, ifa->addr.b, 128, RT_TABLE_LOCAL, RTN_LOCAL,
				       RT_SCOPE_UNIVERSE, d->ifindex);
		}
	}
	for (int i = 1; i < n; i++) { /* stable: main (254) before local (255) */
		struct rt_entry t = rt[i];
		int j = i;

		for (; j > 0 && rt[j - 1].table > t.table; j--)
			rt[j] = rt[j - 1];
		rt[j] = t;
	}
	return n;
}

static void rtnl_fill_route(struct nl_buf *b, const struct rt_entry *e,
			    const struct nlmsghdr *req, u32 portid)
{
	struct rtmsg m = { .rtm_family = e->v6 ? AF_INET6 : AF_INET };
	size_t alen = e->v6 ? 16 : 4, off = nlb_begin(b, RTM_NEWROUTE, NLM_F_MULTI, req, portid);

	m.rtm_dst_len = (u8)e->dst_len;
	m.rtm_table = (u8)e->table;
	m.rtm_protocol = RTPROT_KERNEL;
	m.rtm_scope = (u8)e->scope;
	m.rtm_type = (u8)e->type;
	nlb_data(b, &m, sizeof(m));
	nlb_u32(b, RTA_TABLE, (u32)e->table);
	if (e->dst_len)
		nlb_attr(b, RTA_DST, e->dst, alen);
	if (e->gw)
		nlb_attr(b, RTA_GATEWAY, &e->gw, 4);
	else if (!e->v6)
		nlb_attr(b, RTA_PREFSRC, e->src, alen);
	if (e->v6)
		nlb_u32(b, RTA_PRIORITY, 0);
	nlb_u32(b, RTA_OIF, (u32)e->oif);
	nlb_end(b, off);
}

/* ---- requests */

/* The address family a dump asks for (the first byte of its payload), or AF_UNSPEC. */
static int req_family(const struct nlmsghdr *h)
{
	return h->nlmsg_len > NLMSG_HDRLEN ? *((const u8 *)h + NLMSG_HDRLEN) : AF_UNSPEC;
}

static int rtnl_get_link(struct nl_buf *b, const struct nlmsghdr *h, u32 portid)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *a;
	struct net_device *d = NULL;
	int left;

	if (h->nlmsg_flags & NLM_F_DUMP) {
		list_for_each_entry(d, &netdev_list, link)
			rtnl_fill_link(b, d, h, portid, NLM_F_MULTI);
		return 1;
	}
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -EINVAL;
	if (ifi->ifi_index)
		d = netdev_by_index(ifi->ifi_index);
	left = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	for (a = IFLA_RTA(ifi); !d && RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		char name[NETDEV_NAME_MAX] = { 0 };

		if (a->rta_type != IFLA_IFNAME)
			continue;
		memcpy(name, RTA_DATA(a), min((size_t)RTA_PAYLOAD(a), sizeof(name) - 1));
		d = netdev_by_name(name);
	}
	if (!d)
		return -ENODEV;
	rtnl_fill_link(b, d, h, portid, 0);
	return 0;
}

static int rtnl_dump_addr(struct nl_buf *b, const struct nlmsghdr *h, u32 portid)
{
	int fam = req_family(h);
	struct net_device *d;
	struct net_ifaddr *ifa;

	list_for_each_entry(d, &netdev_list, link) {
		list_for_each_entry(ifa, &d->addrs, link) {
			if (fam == AF_UNSPEC || fam == (ifa->v6 ? AF_INET6 : AF_INET))
				rtnl_fill_addr(b, d, ifa, h, portid);
		}
	}
	return 1;
}

static int rtnl_dump_route(struct nl_buf *b, const struct nlmsghdr *h, u32 portid)
{
	struct rt_entry *rt = kmalloc(RT_MAX * sizeof(*rt));
	int fam = req_family(h), n;

	if (!rt)
		return -ENOMEM;
	n = rt_collect(rt);
	for (int i = 0; i < n; i++) {
		if (fam == AF_UNSPEC || fam == (rt[i].v6 ? AF_INET6 : AF_INET))
			rtnl_fill_route(b, &rt[i], h, portid);
	}
	kfree(rt);
	return 1;
}

/* Answer one request into b: 1 for a dump (DONE follows), 0 for done, or -errno. */
static int rtnl_request(struct nl_buf *b, const struct nlmsghdr *h, u32 portid)
{
	bool dump = h->nlmsg_flags & NLM_F_DUMP;

	switch (h->nlmsg_type) {
	case RTM_GETLINK:
		return rtnl_get_link(b, h, portid);
	case RTM_GETADDR:
		return dump ? rtnl_dump_addr(b, h, portid) : -EOPNOTSUPP;
	case RTM_GETROUTE:
		return dump ? rtnl_dump_route(b, h, portid) : -EOPNOTSUPP;
	case RTM_GETNEIGH:
	case RTM_GETRULE:
	case RTM_GETQDISC:
	case RTM_GETNETCONF:
	case RTM_GETNEIGHTBL:
		return dump ? 1 : -EOPNOTSUPP;
	}
	if (h->nlmsg_type < RTM_BASE || h->nlmsg_type > RTM_MAX)
		return -EOPNOTSUPP;
	if ((h->nlmsg_type & 3) == 2) /* another GET */
		return -EOPNOTSUPP;
	return cred_capable(CAP_NET_ADMIN) ? rtnl_change(h) : -EPERM;
}

static void nl_put_error(struct nl_buf *b, const struct nlmsghdr *h, u32 portid, int err)
{
	struct nlmsgerr e = { .error = err, .msg = *h };
	size_t off = nlb_begin(b, NLMSG_ERROR, 0, h, portid);

	e.msg.nlmsg_len = sizeof(*h);
	nlb_data(b, &e, sizeof(e));
	nlb_end(b, off);
}

/* Queue b's messages on n as one datagram from the kernel. */
static void netlink_deliver(struct netlink_sock *n, struct nl_buf *b)
{
	struct sockaddr_nl from = { .nl_family = AF_NETLINK };
	struct skb *skb;

	if (!b->len)
		return;
	skb = n->sk.rmem > n->sk.rcvbuf ? NULL : skb_alloc(b->len);
	if (!skb) { /* a reader that does not keep up loses replies, as on Linux */
		n->sk.err = -ENOBUFS;
		n->sk.rx_dropped++;
		b->len = 0;
		b->full = false;
		sock_wake(&n->sk);
		return;
	}
	memcpy(skb->data, b->data, b->len);
	skb->addrlen = sizeof(from);
	memcpy(skb->addr, &from, sizeof(from));
	skb_queue_rcv(&n->sk, skb);
	b->len = 0;
	b->full = false;
}

static void rtnl_handle(struct netlink_sock *n, const struct nlmsghdr *h, struct nl_buf *b)
{
	int r = rtnl_request(b, h, n->portid);

	if (b->full)
		r = -EMSGSIZE;
	if (r < 0) {
		b->len = 0;
		b->full = false;
		nl_put_error(b, h, n->portid, r);
	} else if (r == 0 && (h->nlmsg_flags & NLM_F_ACK)) {
		nl_put_error(b, h, n->portid, 0);
	}
	netlink_deliver(n, b);
	if (r == 1) {
		size_t off = nlb_begin(b, NLMSG_DONE, NLM_F_MULTI, h, n->portid);
		int zero = 0;

		nlb_data(b, &zero, sizeof(zero));
		nlb_end(b, off);
		netlink_deliver(n, b);
	}
}

static void netlink_process(struct netlink_sock *n, const u8 *buf, size_t len)
{
	struct nl_buf b = { .data = kmalloc(NL_REPLY_MAX) };
	size_t off = 0;

	if (!b.data) {
		n->sk.err = -ENOBUFS;
		return;
	}
	while (len - off >= NLMSG_HDRLEN) {
		const struct nlmsghdr *h = (const void *)(buf + off);

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - off)
			break;
		if (h->nlmsg_flags & NLM_F_REQUEST)
			rtnl_handle(n, h, &b);
		off += NLMSG_ALIGN(h->nlmsg_len);
		if (off > len)
			break;
	}
	kfree(b.data);
}

static ssize_t netlink_sendmsg(struct socket *s, struct kmsg *m)
{
	struct netlink_sock *n = nl_sk(s);
	struct sockaddr_nl to;
	u8 *buf;

	if (m->namelen) {
		if (m->namelen < (int)sizeof(to))
			return -EINVAL;
		memcpy(&to, m->name, sizeof(to));
		if (to.nl_family != AF_NETLINK)
			return -EINVAL;
		if (to.nl_pid)
			return -ECONNREFUSED; /* only the kernel listens here */
	}
	if (m->len > NETLINK_SEND_MAX || m->len > s->sndbuf)
		return -EMSGSIZE;
	netlink_autobind(n);
	buf = kmalloc(m->len ? m->len : 1);
	if (!buf)
		return -ENOBUFS;
	if (iter_copy_from(buf, m->it, m->len) < m->len) {
		kfree(buf);
		return -EFAULT;
	}
	if (s->protocol == NETLINK_ROUTE)
		netlink_process(n, buf, m->len);
	kfree(buf);
	return (ssize_t)m->len;
}

static ssize_t netlink_recvmsg(struct socket *s, struct kmsg *m)
{
	return skb_recv_dgram(s, m, NULL);
}

static unsigned netlink_poll(struct socket *s, struct file *f, struct poll_table *pt)
{
	unsigned mask = POLLOUT | POLLWRNORM;

	poll_wait(f, &s->wq, pt);
	if (!list_empty(&s->rxq))
		mask |= POLLIN | POLLRDNORM;
	if (s->err)
		mask |= POLLERR;
	return mask;
}

static int netlink_setsockopt(struct socket *s, int level, int name, const void *val,
			      unsigned len)
{
	int v;

	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	return sock_get_int(val, len, &v);
}

static int netlink_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len)
{
	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	return sock_put_int(val, len, 0);
}

static void netlink_release(struct socket *s)
{
	list_del_init(&nl_sk(s)->link);
	skb_purge_rcv(s);
}

static void netlink_destroy(struct socket *s)
{
	struct netlink_sock *n = nl_sk(s);

	list_del_init(&n->link);
	skb_purge_rcv(s);
	kfree(n);
}

static const struct proto_ops netlink_ops = {
	.bind = netlink_bind,
	.connect = netlink_connect,
	.getname = netlink_getname,
	.poll = netlink_poll,
	.setsockopt = netlink_setsockopt,
	.getsockopt = netlink_getsockopt,
	.sendmsg = netlink_sendmsg,
	.recvmsg = netlink_recvmsg,
	.release = netlink_release,
	.destroy = netlink_destroy,
};

int netlink_create(int type, int protocol, bool kern, struct socket **out)
{
	struct netlink_sock *n;

	if (type != SOCK_RAW && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != NETLINK_ROUTE && protocol != NETLINK_KOBJECT_UEVENT)
		return -EPROTONOSUPPORT;
	n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	sock_init(&n->sk, AF_NETLINK, type, protocol, &netlink_ops);
	list_add_tail(&n->link, &netlink_all);
	*out = &n->sk;
	return 0;
}
