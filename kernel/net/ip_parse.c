/*
 * The parsers of the packet path's untrusted input: IPv4 headers and Ethernet/IPv4 ARP
 * packets as they arrive from a tap device or a uml_switch. They read only within the
 * bytes given, and depend on nothing but the checksum helpers, so that the host unit
 * tests (tests/unit/ip_parse_test.c) run them on truncated and corrupt input.
 */
#include "kernel.h"
#include "net.h"
#include "csum.h"
#include "ipv4.h"

static u16 get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

int ipv4_parse(const u8 *p, size_t len, struct ipv4_info *ip)
{
	size_t hlen, tot;

	if (len < IPV4_HLEN)
		return IPV4_SHORT;
	if (p[0] >> 4 != 4)
		return IPV4_VERSION;
	hlen = (size_t)(p[0] & 15) * 4;
	if (hlen < IPV4_HLEN || hlen > len)
		return IPV4_HDRLEN;
	tot = get16(p + 2);
	if (tot < hlen || tot > len)
		return IPV4_TOTLEN;
	if (csum_fold(csum_add(0, p, hlen)) != 0)
		return IPV4_CSUM;
	ip->tos = p[1];
	ip->frag = (get16(p + 6) & 0x3fff) != 0; /* MF or a fragment offset */
	ip->ttl = p[8];
	ip->proto = p[9];
	memcpy(&ip->src, p + 12, 4);
	memcpy(&ip->dst, p + 16, 4);
	ip->hlen = hlen;
	ip->len = tot;
	return IPV4_OK;
}

int arp_parse(const u8 *p, size_t len, struct arp_info *a)
{
	if (len < 28 || get16(p) != 1 || get16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4)
		return -EINVAL;
	a->op = get16(p + 6);
	memcpy(a->sha, p + 8, 6);
	memcpy(&a->spa, p + 14, 4);
	memcpy(a->tha, p + 18, 6);
	memcpy(&a->tpa, p + 24, 4);
	return 0;
}

void arp_build(u8 *p, u16 op, const u8 *sha, u32 spa, const u8 *tha, u32 tpa)
{
	p[0] = 0;
	p[1] = 1;          /* Ethernet */
	p[2] = 0x08;
	p[3] = 0x00;       /* IPv4 */
	p[4] = 6;
	p[5] = 4;
	p[6] = (u8)(op >> 8);
	p[7] = (u8)op;
	memcpy(p + 8, sha, 6);
	memcpy(p + 14, &spa, 4);
	memcpy(p + 18, tha, 6);
	memcpy(p + 24, &tpa, 4);
}
