/*
 * Declarations shared by the files of kernel/net/ and nobody else: helpers of the socket
 * layer, the internet families' common state (inet.c, tcp.c, udp.c, icmp.c), interfaces
 * and routes (dev.c), and the /proc/net generators (net_proc.c).
 */
#ifndef NET_INTERNAL_H
#define NET_INTERNAL_H

#include "kernel.h"
#include "list.h"
#include "net.h"

struct file;

/* ---- socket.c, msg.c, skbuff.c */
/* Store a kernel address of len bytes at a guest (uaddr, int *ulen) pair, as Linux does. */
int net_addr_to_user(const void *buf, int len, uaddr_t uaddr, uaddr_t ulen);
/* The socket at fd: its file referenced in *fp; NULL with *err = -EBADF or -ENOTSOCK. */
struct socket *net_fd_socket(int fd, struct file **fp, int *err);
/* Count n more rights in flight; -ETOOMANYREFS past the global cap. */
int scm_inflight_add(int n);
/* Add an ancillary item to a receive (dropped silently when the kmsg is full). */
void kmsg_add_cmsg(struct kmsg *m, int level, int type, const void *data, int len);

/* ---- addresses of the internet families: IPv6 form, IPv4 as ::ffff:a.b.c.d */
struct inaddr {
	u8 b[16];
};

static inline bool inaddr_is_v4(const struct inaddr *a)
{
	static const u8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return !memcmp(a->b, prefix, 12);
}

/* The IPv4 address in network order (for a v4 or v4-mapped address). */
static inline u32 inaddr_v4(const struct inaddr *a)
{
	u32 v;

	memcpy(&v, a->b + 12, 4);
	return v;
}

static inline void inaddr_set_v4(struct inaddr *a, u32 be)
{
	memset(a->b, 0, 10);
	a->b[10] = a->b[11] = 0xff;
	memcpy(a->b + 12, &be, 4);
}

static inline bool inaddr_eq(const struct inaddr *a, const struct inaddr *b)
{
	return !memcmp(a->b, b->b, 16);
}

/* The wildcard of a family: 0.0.0.0 (v4-mapped) or ::. */
bool inaddr_is_any(const struct inaddr *a);
/* 127.0.0.0/8 or ::1. */
bool inaddr_is_loopback(const struct inaddr *a);

/* ---- dev.c: interfaces, addresses, routes */
#define NETDEV_NAME_MAX 16

struct net_device;

/* What a NIC driver provides (none for lo: its packets never leave the kernel). */
struct netdev_ops {
	/* Send one Ethernet frame; 0 or -errno. */
	int (*xmit)(struct net_device *dev, const void *frame, size_t len);
};

struct net_ifaddr {
	struct list_head link;     /* in dev->addrs */
	bool v6;
	struct inaddr addr;        /* v4 addresses in mapped form */
	int prefixlen;
	int scope;                 /* RT_SCOPE_HOST for lo, RT_SCOPE_UNIVERSE... */
};

struct net_device {
	struct list_head link;     /* in the device list, by ifindex */
	char name[NETDEV_NAME_MAX];
	int ifindex;
	unsigned flags;            /* IFF_* */
	unsigned mtu;
	unsigned type;             /* ARPHRD_* */
	unsigned txqlen;
	u8 hwaddr[6];
	struct list_head addrs;    /* of struct net_ifaddr */
	u64 rx_packets, rx_bytes, tx_packets, tx_bytes;
	u32 gateway;               /* IPv4 default route via this address (network order), 0: none */
	const struct netdev_ops *ops;
};

extern struct list_head netdev_list;
/* The loopback device. */
extern struct net_device *netdev_lo;
struct net_device *netdev_by_index(int ifindex);
struct net_device *netdev_by_name(const char *name);
/* Is a an address of this instance (so that traffic to it stays inside)? */
bool netdev_addr_is_local(const struct inaddr *a);
/* Account a packet of len bytes that lo carried. */
void netdev_lo_count(size_t len);
/* A packet NIC's IPv4 address (replacing the one it has) and prefix; 0 or -errno. */
int netdev_set_v4(struct net_device *d, u32 addr, int plen);
/* Remove a packet NIC's IPv4 address addr (0: the first). */
int netdev_del_v4(struct net_device *d, u32 addr);
/* The default route via gw (0: delete it) on d (NULL: the NIC on gw's prefix). */
int netdev_set_gateway(struct net_device *d, u32 gw);
/* rtnl_set.c: root's rtnetlink change request h (a packet NIC's link, address, route). */
struct nlmsghdr;
int rtnl_change(const struct nlmsghdr *h);
/* Set the IFF_* flags (SIOCSIFFLAGS, RTM_NEWLINK). */
void netdev_set_flags(struct net_device *d, unsigned flags);

/* ---- inet.c: the state every internet socket has */
enum tcp_state {
	TCP_ESTABLISHED = 1, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2,
	TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_LISTEN, TCP_CLOSING,
};

struct inet_sock {
	struct socket sk;
	struct list_head bind_link;  /* in its protocol's table while bound (port != 0) */
	struct list_head all_link;   /* in its protocol's list of sockets (/proc/net) */
	bool v6;                     /* AF_INET6 socket */
	bool v6only;                 /* IPV6_V6ONLY */
	bool hdrincl;                /* IP_HDRINCL (raw) */
	bool recvttl;                /* IP_RECVTTL */
	bool recvtclass;             /* IPV6_RECVTCLASS, or IP_RECVTOS for AF_INET */
	int recvhoplimit;            /* IPV6_RECVHOPLIMIT (52) / IPV6_2292HOPLIMIT (8), 0: off */
	bool nodelay, cork;          /* TCP_NODELAY, TCP_CORK: kept for getsockopt */
	int ttl;                     /* IP_TTL / IPV6_UNICAST_HOPS, -1: default */
	int tos;
	int keepidle, keepintvl, keepcnt, maxseg, user_timeout;
	u32 icmp6_filter[8];         /* ICMP6_FILTER: bit set = blocked type */
	struct inaddr saddr;         /* bound local address (wildcard when unbound) */
	u16 sport;                   /* local port (host order) as getsockname shows it */
	bool autobound;              /* the kernel picked the port (bind to 0 or autobind) */
	bool addr_locked;            /* bind() chose the local address (SOCK_BINDADDR_LOCK) */
	struct inaddr daddr;         /* connected peer */
	u16 dport;
	bool connected;              /* daddr/dport are set (UDP, ICMP, raw) */
	/* TCP */
	int tcp_state;               /* enum tcp_state */
	struct inet_sock *peer;      /* the other end of a connection (holds a reference) */
	bool peer_gone;              /* the peer closed: the next send resets the connection */
	struct inet_sock *listener;  /* SYN_SENT: the listener we wait on (holds a reference) */
	struct list_head acceptq;    /* listener: established children, oldest first */
	struct list_head synq;       /* listener: connectors waiting for room */
	struct list_head q_link;     /* in a listener's acceptq or synq */
	int backlog, nr_accept;
	void *nat;                   /* NAT state (drivers/net/slirp_nat.c): a UDP socket's host
				      * socket, or a TCP proxy's connection; NULL otherwise */
};

#define inet_sk(s) container_of(s, struct inet_sock, sk)

/* Is the socket in its protocol's port table (Linux's inet_num != 0)? */
static inline bool inet_bound(const struct inet_sock *is)
{
	return !list_empty(&is->bind_link);
}

/* Parse a guest address for s (sockaddr_in or sockaddr_in6): 0 or -errno. */
int inet_addr_parse(struct inet_sock *is, const void *addr, int len, struct inaddr *a,
		    u16 *port);
/* Fill a guest address for s's family; its length. */
int inet_addr_fill(struct inet_sock *is, const struct inaddr *a, u16 port, void *buf);
/* May s send to a (routing check): 0, or -ENETUNREACH. */
int inet_route_check(struct inet_sock *is, const struct inaddr *a);
/* The source address for traffic of s to a. */
void inet_source_for(struct inet_sock *is, const struct inaddr *a, struct inaddr *src);
/* Bind s to (a, port) in table (port 0: an ephemeral one); 0 or -EADDRINUSE. */
int inet_bind_table(struct inet_sock *is, struct list_head *table, const struct inaddr *a,
		    u16 port);
/* bind(2) for an internet socket whose protocol keeps its ports in table. */
int inet_bind_addr(struct socket *s, const void *addr, int len, struct list_head *table);
/* Disconnect: no peer; the local address goes too unless bind() chose it. */
void inet_forget_peer(struct inet_sock *is);
/* Give an unbound socket an ephemeral port. */
int inet_autobind(struct inet_sock *is, struct list_head *table);
void inet_unbind(struct inet_sock *is);
/* Is s reachable at destination (a, port)? The higher the score, the better the match. */
int inet_match_score(struct inet_sock *is, const struct inaddr *a, u16 port);
/* Conflicts of s in its table at listen (SO_REUSEADDR rules change then). */
int inet_listen_check(struct inet_sock *is, struct list_head *table);
int inet_getname(struct socket *s, void *buf, bool peer);
int inet_setsockopt(struct socket *s, int level, int name, const void *val, unsigned len);
int inet_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len);
long inet_ioctl(struct socket *s, unsigned cmd, u64 arg);
void inet_init_sock(struct inet_sock *is, int type, int protocol, bool v6,
		    const struct proto_ops *ops);
void inet_destroy(struct socket *s);
/* The hop limit and traffic class a datagram of is leaves with (send cmsgs first). */
void inet_send_marks(struct inet_sock *is, const struct kmsg *m, u8 *ttl, u8 *tclass);
/* Ancillary items a received datagram carries for s (IP_TTL, IPV6_HOPLIMIT). */
void inet_recv_cmsgs(struct inet_sock *is, struct kmsg *m);

/* ---- tcp.c, udp.c, icmp.c */
extern const struct proto_ops tcp_ops, udp_ops, icmp_ping_ops, raw_ops;
extern struct list_head tcp_bind_table, udp_bind_table, ping_bind_table;
extern struct list_head tcp_all, udp_all, raw_all;
void tcp_init_sock(struct inet_sock *is);
/* Deliver a locally sent IP payload of protocol proto to the raw sockets and responders. */
void icmp_local_deliver(bool v6, const struct inaddr *src, const struct inaddr *dst,
			const void *msg, size_t len);

/* ---- tcp.c: connections through NAT (the proxy p stands for the host end) */
/* Link the connecting guest socket g with proxy p; both wait in SYN_SENT. */
void tcp_nat_link(struct inet_sock *g, struct inet_sock *p);
/* The host connection is made: the guest's connect completes. */
void tcp_nat_established(struct inet_sock *p);
/* The host refused or reset the connection: the guest sees err; p is unlinked. */
void tcp_nat_reset(struct inet_sock *p, int err);
/* The host sent its FIN: the guest reads end of file after the data. */
void tcp_nat_fin(struct inet_sock *p);
/* A host connection to the guest's listener at (a, port): established or queued. */
int tcp_nat_connect_in(struct inet_sock *p, const struct inaddr *a, u16 port);

/* Does a guest socket listen at (a, port)? */
bool tcp_listener_exists(const struct inaddr *a, u16 port);

/* ---- wtcp_sock.c: TCP connections through the packet NICs (CONFIG_WTCP) */
/* Start a connection of is to (a, port) with segments through a packet NIC; 0 or -errno. */
int wtcp_sock_connect(struct inet_sock *is, const struct inaddr *a, u16 port);
/* The engine's state of the connection of guest socket is, or -1 when it has none. */
int wtcp_sock_state(const struct inet_sock *is);
/*
 * The n-th connection no guest socket stands for (closed, or not yet accepted): its
 * addresses (network order), ports and engine state; false past the last.
 */
bool wtcp_sock_orphan(int n, u32 *laddr, u16 *lport, u32 *raddr, u16 *rport, int *state);
/* Register the engine with the IPv4 layer (when CONFIG_WTCP is on). */
void wtcp_sock_init(void);

/* The UDP socket that receives a datagram from (src, sport) to (dst, dport), or NULL. */
struct inet_sock *udp_nat_lookup(const struct inaddr *src, u16 sport, const struct inaddr *dst,
				 u16 dport);

/* ---- drivers/net/slirp.c: NAT to the host's network (eth0=slirp) */
/* Is there a route for a through a NIC (and the source address it uses in *src)? */
bool nat_route(const struct inaddr *a, struct inaddr *src);
/* Start a TCP connection of is to (a, port) through the host; 0 or -errno. */
int nat_tcp_connect(struct inet_sock *is, const struct inaddr *a, u16 port);
/* Send m from UDP socket is to (a, port) through the host: bytes or -errno. */
ssize_t nat_udp_send(struct inet_sock *is, const struct inaddr *a, u16 port, struct kmsg *m);
/* The UDP socket is closes: its host socket goes. */
void nat_udp_release(struct inet_sock *is);
/* Set up the NICs given on the command line (after lo). */
int nat_netdev_init(void);

/* ---- unix_gc.c */
/* Count (d = 1) or uncount (d = -1) the AF_UNIX sockets among fp's files as in flight. */
void unix_fp_track(struct scm_fp *fp, int d);

/* ---- af_unix.c, netlink.c: /proc/net */
struct procfs_buf;
void unix_proc_show(struct procfs_buf *b);

#endif
