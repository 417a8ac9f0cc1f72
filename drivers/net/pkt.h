/*
 * The packet NICs' kernel half (drivers/net/pkt.c) as the rest of the kernel sees it:
 * the options (called by slirp.c's eth<N>=/vec<N>: parser), the devices' creation at
 * boot, and the frame path to and from kernel/net/ip.c.
 */
#ifndef DRIVERS_NET_PKT_H
#define DRIVERS_NET_PKT_H

#include "kernel.h"

struct net_device;

/* eth<N>=daemon|tuntap,ARGS: transport t (tlen chars), args after its comma. 0 or -EINVAL. */
int pkt_parse_eth(const char *name, const char *t, size_t tlen, const char *args);
/* vec<N>:transport=tap,ifname=TAPDEV[,mac=MAC] (the whole option). 0 or -EINVAL. */
int pkt_parse_vec(const char *w);
/* Is ethN already taken by a packet NIC? */
bool pkt_name_taken(const char *name);
/* A MAC option value xx:xx:xx:xx:xx:xx (len characters), unicast, not zero; 0 or -EINVAL. */
int pkt_parse_mac(const char *s, size_t len, u8 *mac);
/* Open the host ends and add the devices (after lo and slirp); 0 or -errno. */
int pkt_netdev_init(void);

/* kernel/net/ip.c: one Ethernet frame received on dev (untrusted). */
void eth_input(struct net_device *dev, const u8 *frame, size_t len);
/* kernel/net/ip.c: timers of the ARP cache (called on every tick). */
void arp_tick(void);

#endif
