/*
 * Private declarations of the IPv4 packet path (kernel/net/): the frame parsers
 * (ip_parse.c, host-testable), the Ethernet/ARP layer (arp.c), the IPv4 layer (ip.c),
 * and the transports' wire entry points (icmp.c, udp.c). The interface for the TCP
 * engine is ip.h. Addresses are IPv4 in network order.
 */
#ifndef NET_IPV4_H
#define NET_IPV4_H

#include "kernel.h"
#include "ip.h"

#define ETH_HLEN_ 14
#define ETH_P_IP_ 0x0800
#define ETH_P_ARP_ 0x0806
#define IPV4_HLEN 20

/* What ipv4_parse found in a header it accepted. */
struct ipv4_info {
	u32 src, dst;
	u8 proto, ttl, tos;
	size_t hlen;               /* header length (options included) */
	size_t len;                /* total length (<= the bytes received) */
	bool frag;                 /* a fragment (MF set or an offset) */
};

/* Why a header was refused. */
enum ipv4_bad { IPV4_OK, IPV4_SHORT, IPV4_VERSION, IPV4_HDRLEN, IPV4_TOTLEN, IPV4_CSUM };

/* Check an IPv4 header of a packet of len received bytes: IPV4_OK or the reason. */
int ipv4_parse(const u8 *p, size_t len, struct ipv4_info *ip);

/* An Ethernet/IPv4 ARP packet. */
struct arp_info {
	u16 op;                    /* 1 request, 2 reply */
	u8 sha[6], tha[6];
	u32 spa, tpa;
};

/* Parse an ARP packet (after the Ethernet header); 0, or -EINVAL when not Ethernet/IPv4. */
int arp_parse(const u8 *p, size_t len, struct arp_info *a);
/* Build an ARP packet (28 bytes) into p. */
void arp_build(u8 *p, u16 op, const u8 *sha, u32 spa, const u8 *tha, u32 tpa);

struct net_device;
struct net_ifaddr;

/* arp.c: send the IPv4 packet pkt (len bytes, an Ethernet header's room in front of it:
 * pkt - ETH_HLEN_ is writable) on dev to next hop nh; takes pkt's buffer (kmalloc'd,
 * buf). 0, or -EHOSTUNREACH when nh did not answer recently, -errno from the device. */
int arp_output(struct net_device *dev, u32 nh, u8 *buf, size_t len);
/* arp.c: an ARP packet received on dev. */
void arp_input(struct net_device *dev, const u8 *p, size_t len);
/* arp.c: the lines of /proc/net/arp. */
struct procfs_buf;
void arp_proc_show(struct procfs_buf *b);
/* arp.c: forget the neighbours of dev (its addresses changed or it went down). */
void arp_flush(struct net_device *dev);

/* ip.c: an IPv4 packet received on dev. */
void ip_input(struct net_device *dev, const u8 *p, size_t len);
/* ip.c: the IPv4 address of dev within whose prefix a lies (network order), or 0. */
u32 ip_dev_onlink(struct net_device *dev, u32 a);
/* ip.c: send an ICMP error (type, code) about the received packet pkt (its header ip). */
void icmp_send_error(const struct ipv4_info *ip, const u8 *pkt, u8 type, u8 code);

/* icmp.c, udp.c: a datagram of theirs from the wire (pkt: the IP packet, ip its header). */
void icmp_wire_input(const struct ipv4_info *ip, const u8 *pkt, const u8 *msg, size_t len);
void udp_wire_input(const struct ipv4_info *ip, const u8 *pkt, const u8 *seg, size_t len);
/* udp.c: an ICMP error about a datagram we sent (its quoted IP header and 8 bytes). */
void udp_wire_error(const struct ipv4_info *q, const u8 *uh, int err);

/* Counters of the packet path (ip.c), for /proc/net/snmp-like reporting and tests. */
struct ip_counters {
	u64 in_receives, in_hdr_errors, in_addr_errors, in_frag_drops, in_unknown_protos,
	    in_delivers, out_requests, out_no_routes, out_too_big, tcp_dropped,
	    arp_queued, arp_dropped, udp_no_ports, udp_in_errors, icmp_in_errors;
};
extern struct ip_counters ip_stats;

#endif
