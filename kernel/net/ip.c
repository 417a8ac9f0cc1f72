/*
 * IPv4 over the packet NICs: the routing decision (on-link prefixes of the NICs'
 * addresses, then a NIC's default gateway), output (header with id, DF, TTL 64 and
 * checksum; no fragmentation: -EMSGSIZE past the mtu) through arp.c, and input (the
 * header checked by ip_parse.c, fragments and packets for other hosts dropped and
 * counted, no forwarding) handed to ICMP, UDP or the TCP engine (ip_tcp_input). Loopback
 * and eth0=slirp never come here: their traffic is handed over at the level of sockets.
 */
#include "kernel.h"
#include "net.h"
#include "sched.h"
#include "slab.h"
#include "internal.h"
#include "csum.h"
#include "ipv4.h"

#define IFF_UP 0x1
#define IP_DF 0x4000
#define ICMP_ERRORS_PER_SEC 50

struct ip_counters ip_stats;
void (*ip_tcp_input)(u32 src, u32 dst, const void *seg, size_t len);
static u16 ip_next_id = 1;

static bool is_packet_dev(const struct net_device *d)
{
	return d->ops && d->ops->xmit;
}

static u32 mask_of(int plen)
{
	return plen <= 0 ? 0 : net_htonl(0xffffffffu << (32 - plen));
}

u32 ip_dev_onlink(struct net_device *dev, u32 a)
{
	struct net_ifaddr *ifa;

	list_for_each_entry(ifa, &dev->addrs, link) {
		u32 mine = inaddr_v4(&ifa->addr), m = mask_of(ifa->prefixlen);

		if (!ifa->v6 && ((mine ^ a) & m) == 0)
			return mine;
	}
	return 0;
}

/* Is a the broadcast address of one of dev's prefixes (or 255.255.255.255)? */
static bool is_dev_broadcast(struct net_device *dev, u32 a)
{
	struct net_ifaddr *ifa;

	if (a == 0xffffffffu)
		return true;
	list_for_each_entry(ifa, &dev->addrs, link) {
		u32 m = mask_of(ifa->prefixlen);

		if (!ifa->v6 && ifa->prefixlen < 31 && a == (inaddr_v4(&ifa->addr) | ~m))
			return true;
	}
	return false;
}

bool ip_addr_is_ours(u32 addr)
{
	struct net_device *d;
	struct net_ifaddr *ifa;

	list_for_each_entry(d, &netdev_list, link) {
		if (!is_packet_dev(d))
			continue;
		list_for_each_entry(ifa, &d->addrs, link) {
			if (!ifa->v6 && inaddr_v4(&ifa->addr) == addr)
				return true;
		}
	}
	return false;
}

static u32 dev_first_v4(struct net_device *d)
{
	struct net_ifaddr *ifa;

	list_for_each_entry(ifa, &d->addrs, link) {
		if (!ifa->v6)
			return inaddr_v4(&ifa->addr);
	}
	return 0;
}

/* The packet NIC and next hop for dst (nh 0xffffffff: broadcast), or NULL. */
static struct net_device *ip_route(u32 dst, u32 *src, u32 *nh)
{
	struct net_device *d;

	list_for_each_entry(d, &netdev_list, link) {
		u32 s;

		if (!is_packet_dev(d) || !(d->flags & IFF_UP))
			continue;
		if (dst == 0xffffffffu || is_dev_broadcast(d, dst)) {
			s = dev_first_v4(d);
			if (!s)
				continue;
			*src = s;
			*nh = 0xffffffffu;
			return d;
		}
		s = ip_dev_onlink(d, dst);
		if (s) {
			*src = s;
			*nh = dst;
			return d;
		}
	}
	list_for_each_entry(d, &netdev_list, link) {
		if (is_packet_dev(d) && (d->flags & IFF_UP) && d->gateway &&
		    (*src = ip_dev_onlink(d, d->gateway))) {
			*nh = d->gateway;
			return d;
		}
	}
	return NULL;
}

bool ip_route_out(u32 dst, u32 *src)
{
	u32 s, nh;

	if (!ip_route(dst, &s, &nh))
		return false;
	if (src)
		*src = s;
	return true;
}

int ip_send(u32 src, u32 dst, u8 proto, const void *payload, size_t len)
{
	struct net_device *dev;
	u32 s, nh;
	u16 v;
	u8 *buf, *ih;

	ip_stats.out_requests++;
	dev = ip_route(dst, &s, &nh);
	if (!dev) {
		ip_stats.out_no_routes++;
		return -ENETUNREACH;
	}
	if (len + IPV4_HLEN > dev->mtu) {
		ip_stats.out_too_big++;
		return -EMSGSIZE;
	}
	buf = kmalloc(ETH_HLEN_ + IPV4_HLEN + len);
	if (!buf)
		return -ENOBUFS;
	ih = buf + ETH_HLEN_;
	memset(ih, 0, IPV4_HLEN);
	ih[0] = 0x45;
	v = net_htons((u16)(IPV4_HLEN + len));
	memcpy(ih + 2, &v, 2);
	v = net_htons(ip_next_id++);
	memcpy(ih + 4, &v, 2);
	v = net_htons(nh == 0xffffffffu ? 0 : IP_DF);
	memcpy(ih + 6, &v, 2);
	ih[8] = 64;
	ih[9] = proto;
	memcpy(ih + 12, src ? &src : &s, 4);
	memcpy(ih + 16, &dst, 4);
	v = csum_fold(csum_add(0, ih, IPV4_HLEN));
	memcpy(ih + 10, &v, 2);
	memcpy(ih + IPV4_HLEN, payload, len);
	return arp_output(dev, nh, buf, ETH_HLEN_ + IPV4_HLEN + len);
}

void icmp_send_error(const struct ipv4_info *ip, const u8 *pkt, u8 type, u8 code)
{
	size_t q = min(ip->len, ip->hlen + 8);
	u8 msg[8 + 60 + 8] = { type, code };
	u16 c;

	static u64 window;
	static unsigned sent;
	u64 now = ktime_now();

	if (ip->frag || ip->dst == 0xffffffffu || !ip_addr_is_ours(ip->dst))
		return; /* never about broadcasts or fragments (RFC 1122) */
	if (now - window >= 1000000000ull) {
		window = now;
		sent = 0;
	}
	if (++sent > ICMP_ERRORS_PER_SEC)
		return; /* rate-limited, as Linux's icmp_msgs_per_sec */
	memcpy(msg + 8, pkt, q);
	c = csum_fold(csum_add(0, msg, 8 + q));
	memcpy(msg + 2, &c, 2);
	ip_send(ip->dst, ip->src, IP_PROTO_ICMP, msg, 8 + q);
}

void ip_input(struct net_device *dev, const u8 *p, size_t len)
{
	struct ipv4_info ip;
	const u8 *payload;
	size_t plen;
	u32 hs;

	ip_stats.in_receives++;
	if (ipv4_parse(p, len, &ip) != IPV4_OK) {
		ip_stats.in_hdr_errors++;
		return;
	}
	hs = net_ntohl(ip.src);
	if (hs >> 24 == 0 || hs >> 24 == 127 || hs >> 28 == 0xe || hs == 0xffffffffu ||
	    (!ip_addr_is_ours(ip.dst) && !is_dev_broadcast(dev, ip.dst))) {
		ip_stats.in_addr_errors++; /* not for us, or a martian source: no forwarding */
		return;
	}
	if (ip.frag) {
		ip_stats.in_frag_drops++;
		return;
	}
	payload = p + ip.hlen;
	plen = ip.len - ip.hlen;
	ip_stats.in_delivers++;
	switch (ip.proto) {
	case IP_PROTO_ICMP:
		icmp_wire_input(&ip, p, payload, plen);
		break;
	case IP_PROTO_UDP:
		udp_wire_input(&ip, p, payload, plen);
		break;
	case IP_PROTO_TCP:
		if (ip_tcp_input && ip_addr_is_ours(ip.dst))
			ip_tcp_input(ip.src, ip.dst, payload, plen);
		else
			ip_stats.tcp_dropped++;
		break;
	default:
		ip_stats.in_unknown_protos++;
		icmp_send_error(&ip, p, 3, 2); /* protocol unreachable */
	}
}
