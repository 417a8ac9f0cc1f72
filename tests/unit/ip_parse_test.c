/*
 * Unit tests of the packet path's parsers (kernel/net/ip_parse.c): IPv4 headers and
 * Ethernet/IPv4 ARP packets as a tap device or a uml_switch delivers them. Good input
 * is accepted with the right fields; truncated, corrupt and inconsistent input is
 * refused, and no parser reads past the bytes it was given (each packet is placed right
 * before an inaccessible page).
 */
// UNIT-OBJS: kernel/net/ip_parse.o
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* kernel/net/ipv4.h (which includes kernel headers). */
struct ipv4_info {
	uint32_t src, dst;
	uint8_t proto, ttl, tos;
	size_t hlen, len;
	bool frag;
};
enum ipv4_bad { IPV4_OK, IPV4_SHORT, IPV4_VERSION, IPV4_HDRLEN, IPV4_TOTLEN, IPV4_CSUM };
int ipv4_parse(const uint8_t *p, size_t len, struct ipv4_info *ip);
struct arp_info {
	uint16_t op;
	uint8_t sha[6], tha[6];
	uint32_t spa, tpa;
};
int arp_parse(const uint8_t *p, size_t len, struct arp_info *a);
void arp_build(uint8_t *p, uint16_t op, const uint8_t *sha, uint32_t spa, const uint8_t *tha,
	       uint32_t tpa);

static uint8_t *guard_page(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	uint8_t *m = mmap(NULL, (size_t)ps * 2, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	mprotect(m + ps, (size_t)ps, PROT_NONE);
	return m + ps; /* bytes just below this address are the last readable ones */
}

/* Copy len bytes so that they end exactly at the guard page. */
static const uint8_t *at_end(uint8_t *end, const uint8_t *p, size_t len)
{
	memcpy(end - len, p, len);
	return end - len;
}

static void set_csum(uint8_t *h, size_t hlen)
{
	uint32_t sum = 0;

	h[10] = h[11] = 0;
	for (size_t i = 0; i < hlen; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	h[10] = (uint8_t)(sum >> 8);
	h[11] = (uint8_t)sum;
}

/* A 20-byte header + 8 bytes of payload: 192.168.7.2 -> 192.168.7.1, UDP, TTL 64. */
static size_t make_pkt(uint8_t *p)
{
	static const uint8_t h[28] = { 0x45, 0, 0, 28, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0,
				       192, 168, 7, 2, 192, 168, 7, 1, 1, 2, 3, 4, 5, 6, 7, 8 };

	memcpy(p, h, sizeof(h));
	set_csum(p, 20);
	return sizeof(h);
}

TEST(ipv4_good_header)
{
	uint8_t *end = guard_page(), p[64];
	struct ipv4_info ip;
	size_t n = make_pkt(p);

	ASSERT_EQ(IPV4_OK, ipv4_parse(at_end(end, p, n), n, &ip));
	EXPECT_EQ(17, ip.proto);
	EXPECT_EQ(64, ip.ttl);
	EXPECT_EQ(20u, ip.hlen);
	EXPECT_EQ(28u, ip.len);
	EXPECT_FALSE(ip.frag);
	EXPECT_EQ(0, memcmp(&ip.src, p + 12, 4));
	EXPECT_EQ(0, memcmp(&ip.dst, p + 16, 4));
	/* trailing bytes (Ethernet padding) are not part of the datagram */
	ASSERT_EQ(IPV4_OK, ipv4_parse(at_end(end, p, 40), 40, &ip));
	EXPECT_EQ(28u, ip.len);
}

TEST(ipv4_truncated_everywhere)
{
	uint8_t *end = guard_page(), p[64];
	struct ipv4_info ip;
	size_t n = make_pkt(p);

	for (size_t len = 0; len < 20; len++)
		EXPECT_EQ(IPV4_SHORT, ipv4_parse(at_end(end, p, len), len, &ip));
	for (size_t len = 20; len < n; len++)
		EXPECT_EQ(IPV4_TOTLEN, ipv4_parse(at_end(end, p, len), len, &ip));
}

TEST(ipv4_bad_fields)
{
	uint8_t *end = guard_page(), p[64];
	struct ipv4_info ip;
	size_t n;

	n = make_pkt(p);
	p[0] = 0x65; /* version 6 */
	EXPECT_EQ(IPV4_VERSION, ipv4_parse(at_end(end, p, n), n, &ip));
	n = make_pkt(p);
	p[0] = 0x44; /* header shorter than 20 */
	EXPECT_EQ(IPV4_HDRLEN, ipv4_parse(at_end(end, p, n), n, &ip));
	n = make_pkt(p);
	p[0] = 0x4f; /* 60-byte header in 28 bytes */
	EXPECT_EQ(IPV4_HDRLEN, ipv4_parse(at_end(end, p, n), n, &ip));
	n = make_pkt(p);
	p[3] = 16; /* total length inside the header */
	set_csum(p, 20);
	EXPECT_EQ(IPV4_TOTLEN, ipv4_parse(at_end(end, p, n), n, &ip));
	n = make_pkt(p);
	p[2] = 0xff; /* total length past the frame */
	set_csum(p, 20);
	EXPECT_EQ(IPV4_TOTLEN, ipv4_parse(at_end(end, p, n), n, &ip));
	n = make_pkt(p);
	p[8] ^= 1; /* corrupt: the checksum no longer matches */
	EXPECT_EQ(IPV4_CSUM, ipv4_parse(at_end(end, p, n), n, &ip));
}

TEST(ipv4_options_and_fragments)
{
	uint8_t *end = guard_page(), p[64] = { 0x46, 0, 0, 32, 0, 1, 0x20, 0, 1, 1, 0, 0,
					       10, 0, 0, 1, 10, 0, 0, 2, 1, 1, 1, 0 };
	struct ipv4_info ip;

	set_csum(p, 24); /* a 4-byte option (NOPs, end), MF set */
	ASSERT_EQ(IPV4_OK, ipv4_parse(at_end(end, p, 32), 32, &ip));
	EXPECT_EQ(24u, ip.hlen);
	EXPECT_TRUE(ip.frag);
	p[6] = 0;
	p[7] = 1; /* an offset, MF clear: still a fragment */
	set_csum(p, 24);
	ASSERT_EQ(IPV4_OK, ipv4_parse(at_end(end, p, 32), 32, &ip));
	EXPECT_TRUE(ip.frag);
}

TEST(arp_roundtrip_and_truncation)
{
	static const uint8_t sha[6] = { 0xfe, 0xfd, 1, 2, 3, 4 }, tha[6] = { 0 };
	uint8_t *end = guard_page(), p[28];
	struct arp_info a;
	uint32_t spa = 0x0107a8c0, tpa = 0x0207a8c0;

	arp_build(p, 1, sha, spa, tha, tpa);
	ASSERT_EQ(0, arp_parse(at_end(end, p, 28), 28, &a));
	EXPECT_EQ(1, a.op);
	EXPECT_EQ(spa, a.spa);
	EXPECT_EQ(tpa, a.tpa);
	EXPECT_EQ(0, memcmp(a.sha, sha, 6));
	for (size_t len = 0; len < 28; len++)
		EXPECT_EQ(-22, arp_parse(at_end(end, p, len), len, &a));
	p[1] = 6; /* IEEE 802 hardware: not ours */
	EXPECT_EQ(-22, arp_parse(at_end(end, p, 28), 28, &a));
	p[1] = 1;
	p[5] = 16; /* IPv6-sized protocol addresses */
	EXPECT_EQ(-22, arp_parse(at_end(end, p, 28), 28, &a));
}

TEST_HARNESS_MAIN
