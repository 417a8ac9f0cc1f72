/*
 * /proc/net: the socket tables (tcp, tcp6, udp, udp6, raw, raw6, unix), the interfaces
 * (dev, if_inet6) and the routes (route, ipv6_route), in Linux's formats, which netstat,
 * ss-style tools, ifconfig and Python's psutil parse. procfs (kernel/fs/procfs) lists
 * procfs_net_entries under /proc/net and procfs_sys_net_entries under /proc/sys/net;
 * everything here is generated at open.
 *
 * Internet sockets are listed in the table of their own family: an AF_INET6 socket,
 * even one talking to an IPv4 peer, is in tcp6/udp6, as on Linux.
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "task.h"
#include "internal.h"
#include "ipv4.h"

#include "../fs/procfs/procfs.h"

#include <linux/rtnetlink.h>

#define NET_PROC_MAX (1024 * 1024)

/* ---- internet sockets */

static void put_addr(struct procfs_buf *b, bool v6, const struct inaddr *a, u16 port)
{
	if (!v6) {
		procfs_printf(b, "%08X:%04X", inaddr_v4(a), port);
		return;
	}
	for (int i = 0; i < 16; i += 4) {
		u32 w;

		memcpy(&w, a->b + i, 4);
		procfs_printf(b, "%08X", w);
	}
	procfs_printf(b, ":%04X", port);
}

/* The state column: TCP's, or for datagram sockets 01 (connected) / 07 (not). */
static int sock_state(const struct inet_sock *is)
{
	int st;

	if (is->sk.type == SOCK_STREAM) {
		st = wtcp_sock_state(is); /* a connection through a packet NIC: the wire's */
		return st > 0 ? st : is->tcp_state;
	}
	return is->connected ? TCP_ESTABLISHED : TCP_CLOSE;
}

/* Pad the line to width columns, as Linux pads its fixed-width tables. */
static void pad_line(struct procfs_buf *b, size_t start, size_t width)
{
	size_t used = b->len - start;

	if (used < width)
		procfs_printf(b, "%*s", (int)(width - used), "");
	procfs_printf(b, "\n");
}

static void inet_line(struct procfs_buf *b, int i, struct inet_sock *is, bool v6, bool tcp)
{
	struct socket *s = &is->sk;
	size_t start = b->len;
	u16 lport = s->type == SOCK_RAW ? (u16)s->protocol : is->sport;

	procfs_printf(b, tcp ? "%4d: " : "%5d: ", i);
	put_addr(b, v6, &is->saddr, lport);
	procfs_printf(b, " ");
	put_addr(b, v6, &is->daddr, is->connected ? is->dport : 0);
	procfs_printf(b, " %02X %08X:%08X 00:00000000 00000000 %5u %8d %llu %d %016llx",
		      sock_state(is), tcp ? 0 : s->wmem, tcp ? s->rxq_bytes : s->rmem, s->uid, 0,
		      (unsigned long long)s->ino, s->refcount + 1,
		      (unsigned long long)s->ino * 64);
	if (tcp)
		procfs_printf(b, " 20 4 30 10 -1");
	else
		procfs_printf(b, " %llu", (unsigned long long)s->rx_dropped);
	if (tcp && !v6)
		pad_line(b, start, 149);
	else
		procfs_printf(b, "\n");
}

/* The lines listed: the next line's number. */
static int inet_table(struct procfs_buf *b, struct list_head *all, bool v6, bool tcp,
		      int type)
{
	struct inet_sock *is;
	int i = 0;

	list_for_each_entry(is, all, all_link) {
		if (is->v6 != v6 || is->sk.type != type)
			continue;
		if (tcp && is->tcp_state == TCP_CLOSE)
			continue; /* not hashed: unbound or closed */
		if (!tcp && type != SOCK_RAW && !inet_bound(is))
			continue;
		if (type == SOCK_DGRAM && is->sk.protocol != IPPROTO_UDP)
			continue; /* UDP-Lite has tables of its own (not shown) */
		inet_line(b, i++, is, v6, tcp);
	}
	return i;
}

/*
 * Connections through a packet NIC that no guest socket stands for (closed, or waiting
 * for accept): the engine's (wtcp_sock.c), uid and inode 0 as Linux's TIME_WAIT lines.
 */
static void wtcp_lines(struct procfs_buf *b, int i)
{
	struct inaddr la, ra;
	u32 l, r;
	u16 lp, rp;
	int st;

	for (int n = 0; wtcp_sock_orphan(n, &l, &lp, &r, &rp, &st); n++) {
		size_t start = b->len;

		inaddr_set_v4(&la, l);
		inaddr_set_v4(&ra, r);
		procfs_printf(b, "%4d: ", i++);
		put_addr(b, false, &la, lp);
		procfs_printf(b, " ");
		put_addr(b, false, &ra, rp);
		procfs_printf(b, " %02X 00000000:00000000 00:00000000 00000000     0        0 0 1 "
			      "0000000000000000 20 4 30 10 -1", st);
		pad_line(b, start, 149);
	}
}

static const char tcp_head[] = "  sl  local_address rem_address   st tx_queue rx_queue tr "
			       "tm->when retrnsmt   uid  timeout inode";
static const char udp_head[] = "   sl  local_address rem_address   st tx_queue rx_queue tr "
			       "tm->when retrnsmt   uid  timeout inode ref pointer drops";
static const char v6_head[] = "  sl  local_address                         remote_address      "
			      "                  st tx_queue rx_queue tr tm->when retrnsmt   uid  "
			      "timeout inode";

static int show_tcp(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	size_t start = b->len;

	procfs_printf(b, "%s", tcp_head);
	pad_line(b, start, 149);
	wtcp_lines(b, inet_table(b, &tcp_all, false, true, SOCK_STREAM));
	return 0;
}

static int show_tcp6(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "%s\n", v6_head);
	inet_table(b, &tcp_all, true, true, SOCK_STREAM);
	return 0;
}

static int show_udp(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	size_t start = b->len;

	procfs_printf(b, "%s", udp_head);
	pad_line(b, start, 127);
	inet_table(b, &udp_all, false, false, SOCK_DGRAM);
	return 0;
}

static int show_udp6(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "%s ref pointer drops\n", v6_head);
	inet_table(b, &udp_all, true, false, SOCK_DGRAM);
	return 0;
}

static int show_raw(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	size_t start = b->len;

	procfs_printf(b, "%s", udp_head);
	pad_line(b, start, 127);
	inet_table(b, &raw_all, false, false, SOCK_RAW);
	return 0;
}

static int show_raw6(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "%s ref pointer drops\n", v6_head);
	inet_table(b, &raw_all, true, false, SOCK_RAW);
	return 0;
}

static int show_unix(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	unix_proc_show(b);
	return 0;
}

/* ---- interfaces and routes */

static int show_dev(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct net_device *d;

	procfs_printf(b, "Inter-|   Receive                                                |  "
			 "Transmit\n face |bytes    packets errs drop fifo frame compressed "
			 "multicast|bytes    packets errs drop fifo colls carrier compressed\n");
	list_for_each_entry(d, &netdev_list, link) {
		procfs_printf(b, "%6s:%8llu %7llu    0    0    0     0          0         0 "
				 "%8llu %7llu    0    0    0     0       0          0\n",
			      d->name, (unsigned long long)d->rx_bytes,
			      (unsigned long long)d->rx_packets, (unsigned long long)d->tx_bytes,
			      (unsigned long long)d->tx_packets);
	}
	return 0;
}

static void put_hex16(struct procfs_buf *b, const u8 *a)
{
	for (int i = 0; i < 16; i++)
		procfs_printf(b, "%02x", a[i]);
}

static int show_if_inet6(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct net_device *d;
	struct net_ifaddr *ifa;

	list_for_each_entry(d, &netdev_list, link) {
		list_for_each_entry(ifa, &d->addrs, link) {
			if (!ifa->v6)
				continue;
			put_hex16(b, ifa->addr.b);
			procfs_printf(b, " %02x %02x %02x %02x %8s\n", d->ifindex, ifa->prefixlen,
				      ifa->scope == RT_SCOPE_HOST ? 0x10 : 0, 0x80, d->name);
		}
	}
	return 0;
}

static void route_line(struct procfs_buf *b, const char *dev, u32 dst, u32 gw, u32 mask)
{
	size_t start = b->len;

	/* the addresses' network-order bytes read as a number, as Linux prints them */
	procfs_printf(b, "%s\t%08X\t%08X\t%04X\t0\t0\t0\t%08X\t0\t0\t0", dev, dst, gw,
		      gw ? 3 : 1, mask);
	pad_line(b, start, 127);
}

/* IPv4 routes of the main table (lo's are in the local table): a NIC's default and subnet. */
static int show_route(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	size_t start = b->len;
	struct net_device *d;
	struct net_ifaddr *ifa;

	procfs_printf(b, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU"
			 "\tWindow\tIRTT");
	pad_line(b, start, 127);
	list_for_each_entry(d, &netdev_list, link) {
		if (d == netdev_lo)
			continue;
		list_for_each_entry(ifa, &d->addrs, link) {
			u32 mask = ifa->prefixlen ? net_htonl(0xffffffffu << (32 - ifa->prefixlen)) : 0;

			if (ifa->v6)
				continue;
			if (d->gateway)
				route_line(b, d->name, 0, d->gateway, 0);
			route_line(b, d->name, inaddr_v4(&ifa->addr) & mask, 0, mask);
		}
	}
	return 0;
}

static int show_ipv6_route(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	static const u8 zero[16];
	struct net_device *d;
	struct net_ifaddr *ifa;

	list_for_each_entry(d, &netdev_list, link) {
		list_for_each_entry(ifa, &d->addrs, link) {
			if (!ifa->v6)
				continue;
			put_hex16(b, ifa->addr.b);
			procfs_printf(b, " 80 ");
			put_hex16(b, zero);
			procfs_printf(b, " 00 ");
			put_hex16(b, zero);
			procfs_printf(b, " 00000000 00000001 00000000 80200001 %8s\n", d->name);
		}
	}
	return 0;
}

static int show_sockstat(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	struct inet_sock *is;
	int tcp = 0, udp = 0, raw = 0;

	list_for_each_entry(is, &tcp_all, all_link)
		tcp += !is->v6;
	list_for_each_entry(is, &udp_all, all_link)
		udp += !is->v6;
	list_for_each_entry(is, &raw_all, all_link)
		raw += !is->v6;
	procfs_printf(b, "sockets: used %d\nTCP: inuse %d orphan 0 tw 0 alloc %d mem 0\n"
			 "UDP: inuse %d mem 0\nUDPLITE: inuse 0\nRAW: inuse %d\nFRAG: inuse 0 "
			 "memory 0\n", tcp + udp + raw, tcp, tcp, udp, raw);
	return 0;
}

/* /proc/net/arp: the packet NICs' neighbour cache (arp.c). */
static int show_arp(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "IP address       HW type     Flags       HW address            Mask     "
			 "Device\n");
	arp_proc_show(b);
	return 0;
}

#define NET_FILE(n, fn) { .name = (n), .mode = S_IFREG | 0444, .show = (fn), .max = NET_PROC_MAX }

struct proc_entry procfs_net_entries[PROCFS_NET_NR] = {
	NET_FILE("arp", show_arp),
	NET_FILE("dev", show_dev),
	NET_FILE("if_inet6", show_if_inet6),
	NET_FILE("ipv6_route", show_ipv6_route),
	NET_FILE("raw", show_raw),
	NET_FILE("raw6", show_raw6),
	NET_FILE("route", show_route),
	NET_FILE("sockstat", show_sockstat),
	NET_FILE("tcp", show_tcp),
	NET_FILE("tcp6", show_tcp6),
	NET_FILE("udp", show_udp),
	NET_FILE("udp6", show_udp6),
	NET_FILE("unix", show_unix),
};

/* ---- /proc/sys/net: the settings this stack has (read-only) */

static struct proc_entry sys_net_core[] = {
	PROC_TEXT("rmem_default", "212992\n"),
	PROC_TEXT("rmem_max", "212992\n"),
	PROC_TEXT("somaxconn", "4096\n"),
	PROC_TEXT("wmem_default", "212992\n"),
	PROC_TEXT("wmem_max", "212992\n"),
};

static struct proc_entry sys_net_ipv4[] = {
	PROC_TEXT("ip_forward", "0\n"), /* no forwarding between interfaces */
	PROC_TEXT("ip_local_port_range", "32768\t60999\n"),
	PROC_TEXT("ip_unprivileged_port_start", "1024\n"),
	PROC_TEXT("ping_group_range", "0\t2147483647\n"),
	PROC_TEXT("tcp_rmem", "4096\t131072\t6291456\n"),
	PROC_TEXT("tcp_wmem", "4096\t16384\t4194304\n"),
};

static struct proc_entry sys_net_ipv6[] = {
	PROC_TEXT("bindv6only", "0\n"),
};

static struct proc_entry sys_net_unix[] = {
	PROC_TEXT("max_dgram_qlen", "512\n"),
};

struct proc_entry procfs_sys_net_entries[PROCFS_SYS_NET_NR] = {
	PROC_DIR("core", 0555, sys_net_core),
	PROC_DIR("ipv4", 0555, sys_net_ipv4),
	PROC_DIR("ipv6", 0555, sys_net_ipv6),
	PROC_DIR("unix", 0555, sys_net_unix),
};
