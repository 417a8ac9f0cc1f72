/*
 * The IPv4 packet path of the packet NICs (eth<N>=daemon, eth<N>=tuntap, vec<N> tap):
 * the interface between ip.c (routing, output, input demultiplexing) and the transports
 * that run over it (ICMP and UDP here, the TCP engine in tcp_engine.c). Addresses are
 * IPv4 in network order.
 */
#ifndef NET_IP_H
#define NET_IP_H

#include "kernel.h"

#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17

/* Is dst (IPv4, network order) reached through a packet NIC? Then *src is the
 * address to send from (the NIC's address on that route). */
bool ip_route_out(u32 dst, u32 *src);
/* Send one IPv4 datagram; payload is the complete transport segment (its header
 * and checksum filled in by the caller). 0 or -errno (-ENETUNREACH, -EMSGSIZE past
 * the mtu, -ENOBUFS; queued frames waiting for ARP count as sent). */
int ip_send(u32 src, u32 dst, u8 proto, const void *payload, size_t len);
/* The TCP engine registers itself here (NULL: TCP segments are dropped, counted). */
extern void (*ip_tcp_input)(u32 src, u32 dst, const void *seg, size_t len);
/* Is addr (network order) one of the packet NICs' addresses? */
bool ip_addr_is_ours(u32 addr);

#endif
