/*
 * Internet checksums (RFC 1071): the ones' complement sum of big-endian 16-bit words,
 * shared by ICMP, and by the IPv4 packet path and its transports (UDP, TCP) of the
 * packet NICs. Header-only so that host unit tests can use it as it is.
 */
#ifndef NET_CSUM_H
#define NET_CSUM_H

#include "kernel.h"
#include "net.h"

/* Add len bytes at p to a running sum (an odd tail byte counts as the high byte). */
static inline u32 csum_add(u32 sum, const void *data, size_t len)
{
	const u8 *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (u32)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (u32)p[len - 1] << 8;
	return sum;
}

/* Fold a running sum into the checksum field's value (network order, complemented). */
static inline u16 csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return net_htons((u16)~sum);
}

/* The IPv4 pseudo-header sum of a transport segment (src, dst in network order). */
static inline u32 csum_pseudo_v4(u32 src, u32 dst, u8 proto, size_t len)
{
	u8 ph[12];
	u16 l = net_htons((u16)len);

	memcpy(ph, &src, 4);
	memcpy(ph + 4, &dst, 4);
	ph[8] = 0;
	ph[9] = proto;
	memcpy(ph + 10, &l, 2);
	return csum_add(0, ph, sizeof(ph));
}

#endif
