/*
 * Ethernet and ARP for the packet NICs: the frames a NIC received (eth_input: ours or
 * broadcast, IPv4 or ARP, everything else dropped), the answers to ARP requests for our
 * addresses, and the neighbour cache that turns a next hop into a MAC for ip.c. A packet
 * for a next hop not yet resolved waits (at most ARP_QUEUE_MAX per neighbour) while a
 * request is sent every second; after ARP_TRIES unanswered requests the waiting packets
 * are dropped and sends to that neighbour fail with EHOSTUNREACH for ARP_FAILED_NS. A
 * resolved entry lives ARP_REACHABLE_NS, then is asked again.
 */
#include "kernel.h"
#include "net.h"
#include "sched.h"
#include "slab.h"
#include "internal.h"
#include "ipv4.h"
#include "net/pkt.h"
#include "../fs/procfs/procfs.h"

#define ARP_SIZE 64
#define ARP_QUEUE_MAX 16
#define ARP_TRIES 3
#define ARP_RETRY_NS 1000000000ull
#define ARP_FAILED_NS 3000000000ull
#define ARP_REACHABLE_NS 60000000000ull
#define IFF_UP 0x1

enum { NUD_NONE, NUD_INCOMPLETE, NUD_REACHABLE, NUD_FAILED };

struct arp_pending {
	struct list_head link;
	u8 *buf;                   /* kmalloc'd; the frame starts at buf */
	size_t len;                /* frame length */
};

struct neigh {
	struct net_device *dev;
	u32 ip;
	u8 mac[6];
	int state;
	int tries;
	u64 deadline;              /* REACHABLE, FAILED: end; INCOMPLETE: next request */
	struct list_head q;
	int qlen;
};

static struct neigh cache[ARP_SIZE];
static const u8 bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void neigh_drop_queue(struct neigh *n)
{
	while (!list_empty(&n->q)) {
		struct arp_pending *p = list_first_entry(&n->q, struct arp_pending, link);

		list_del(&p->link);
		kfree(p->buf);
		kfree(p);
		ip_stats.arp_dropped++;
	}
	n->qlen = 0;
}

static struct neigh *neigh_find(struct net_device *dev, u32 ip)
{
	for (int i = 0; i < ARP_SIZE; i++)
		if (cache[i].state != NUD_NONE && cache[i].dev == dev && cache[i].ip == ip)
			return &cache[i];
	return NULL;
}

/* A free entry, or the one that expires first (its queue dropped). */
static struct neigh *neigh_new(struct net_device *dev, u32 ip)
{
	struct neigh *victim = NULL;

	for (int i = 0; i < ARP_SIZE; i++) {
		struct neigh *n = &cache[i];

		if (n->state == NUD_NONE) {
			victim = n;
			break;
		}
		if (!victim || n->deadline < victim->deadline)
			victim = n;
	}
	if (victim->state != NUD_NONE)
		neigh_drop_queue(victim);
	memset(victim, 0, sizeof(*victim));
	INIT_LIST_HEAD(&victim->q);
	victim->dev = dev;
	victim->ip = ip;
	return victim;
}

/* Put an Ethernet header in front of a frame and send it. */
static int eth_xmit(struct net_device *dev, u8 *frame, size_t len, const u8 *dst, u16 type)
{
	if (!(dev->flags & IFF_UP))
		return -ENETDOWN;
	memcpy(frame, dst, 6);
	memcpy(frame + 6, dev->hwaddr, 6);
	frame[12] = (u8)(type >> 8);
	frame[13] = (u8)type;
	return dev->ops->xmit(dev, frame, len);
}

static void arp_send(struct net_device *dev, u16 op, const u8 *tha, u32 tpa, const u8 *dst)
{
	u8 frame[60] = { 0 }; /* the Ethernet minimum, padded with zeros */
	u32 spa = ip_dev_onlink(dev, tpa);

	if (!spa)
		return;
	arp_build(frame + ETH_HLEN_, op, dev->hwaddr, spa, tha, tpa);
	eth_xmit(dev, frame, sizeof(frame), dst, ETH_P_ARP_);
}

static void neigh_request(struct neigh *n)
{
	static const u8 zero[6];

	n->tries++;
	n->deadline = ktime_now() + ARP_RETRY_NS;
	arp_send(n->dev, 1, zero, n->ip, bcast_mac);
}

/* The neighbour answered: send what waited for it. */
static void neigh_resolved(struct neigh *n, const u8 *mac)
{
	memcpy(n->mac, mac, 6);
	n->state = NUD_REACHABLE;
	n->deadline = ktime_now() + ARP_REACHABLE_NS;
	while (!list_empty(&n->q)) {
		struct arp_pending *p = list_first_entry(&n->q, struct arp_pending, link);

		list_del(&p->link);
		eth_xmit(n->dev, p->buf, p->len, n->mac, ETH_P_IP_);
		kfree(p->buf);
		kfree(p);
	}
	n->qlen = 0;
}

int arp_output(struct net_device *dev, u32 nh, u8 *buf, size_t len)
{
	struct neigh *n;
	struct arp_pending *p;
	int err;

	if (nh == 0xffffffffu) { /* ip.c's word for a broadcast */
		err = eth_xmit(dev, buf, len, bcast_mac, ETH_P_IP_);
		kfree(buf);
		return err;
	}
	n = neigh_find(dev, nh);
	if (n && n->state == NUD_FAILED) {
		kfree(buf);
		return -EHOSTUNREACH;
	}
	if (n && n->state == NUD_REACHABLE) {
		err = eth_xmit(dev, buf, len, n->mac, ETH_P_IP_);
		kfree(buf);
		return err;
	}
	if (!n) {
		n = neigh_new(dev, nh);
		n->state = NUD_INCOMPLETE;
		neigh_request(n);
	}
	p = kmalloc(sizeof(*p));
	if (!p || n->qlen >= ARP_QUEUE_MAX) {
		kfree(p);
		kfree(buf);
		ip_stats.arp_dropped++;
		return p ? 0 : -ENOBUFS; /* a full queue drops, as Linux's unres_qlen */
	}
	p->buf = buf;
	p->len = len;
	list_add_tail(&p->link, &n->q);
	n->qlen++;
	ip_stats.arp_queued++;
	return 0;
}

void arp_input(struct net_device *dev, const u8 *p, size_t len)
{
	struct arp_info a;
	struct neigh *n;
	bool for_us;

	if (arp_parse(p, len, &a) || (a.sha[0] & 1) || !a.spa || a.spa == 0xffffffffu)
		return;
	for_us = ip_dev_onlink(dev, a.tpa) == a.tpa && a.tpa;
	if (for_us && a.op == 1) /* answer first: what waited for the asker comes after */
		arp_send(dev, 2, a.sha, a.spa, a.sha);
	n = neigh_find(dev, a.spa);
	if (n && n->state != NUD_FAILED)
		neigh_resolved(n, a.sha);
	else if (for_us && ip_dev_onlink(dev, a.spa))
		neigh_resolved(n ? n : neigh_new(dev, a.spa), a.sha);
}

void arp_flush(struct net_device *dev)
{
	for (int i = 0; i < ARP_SIZE; i++) {
		if (cache[i].state != NUD_NONE && cache[i].dev == dev) {
			neigh_drop_queue(&cache[i]);
			cache[i].state = NUD_NONE;
		}
	}
}

void arp_tick(void)
{
	u64 now = ktime_now();

	for (int i = 0; i < ARP_SIZE; i++) {
		struct neigh *n = &cache[i];

		if (n->state == NUD_NONE || now < n->deadline)
			continue;
		if (n->state == NUD_INCOMPLETE && n->tries < ARP_TRIES) {
			neigh_request(n);
		} else if (n->state == NUD_INCOMPLETE) {
			neigh_drop_queue(n);
			n->state = NUD_FAILED;
			n->deadline = now + ARP_FAILED_NS;
		} else {
			n->state = NUD_NONE; /* expired: the next packet asks again */
		}
	}
}

void arp_proc_show(struct procfs_buf *b)
{
	static const u8 none[6];

	for (int i = 0; i < ARP_SIZE; i++) {
		const struct neigh *n = &cache[i];
		bool ok = n->state == NUD_REACHABLE;
		const u8 *m = ok ? n->mac : none;
		u32 ip = net_ntohl(n->ip);
		char addr[16];

		if (n->state == NUD_NONE)
			continue;
		ksnprintf(addr, sizeof(addr), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
			  (ip >> 8) & 255, ip & 255);
		procfs_printf(b, "%-16s 0x1         0x%x         "
				 "%02x:%02x:%02x:%02x:%02x:%02x     *        %s\n",
			      addr, ok ? 2 : 0, m[0], m[1], m[2], m[3], m[4], m[5], n->dev->name);
	}
}

void eth_input(struct net_device *dev, const u8 *frame, size_t len)
{
	u16 type;

	if (!(dev->flags & IFF_UP) || len < ETH_HLEN_)
		return;
	if (memcmp(frame, dev->hwaddr, 6) && memcmp(frame, bcast_mac, 6))
		return; /* another station's, or multicast */
	type = (u16)(frame[12] << 8 | frame[13]);
	if (type == ETH_P_ARP_)
		arp_input(dev, frame + ETH_HLEN_, len - ETH_HLEN_);
	else if (type == ETH_P_IP_)
		ip_input(dev, frame + ETH_HLEN_, len - ETH_HLEN_);
}
