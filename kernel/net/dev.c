/*
 * Network interfaces: the device list (lo, brought up at boot with 127.0.0.1/8 and
 * ::1/128), their addresses, the question "is this address ours", and the interface
 * ioctls every socket answers (SIOCGIFCONF, SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFINDEX,
 * SIOCGIFNAME, SIOCGIFMTU, SIOCGIFHWADDR, ...), which ifconfig, glibc's if_nametoindex and
 * Python use.
 *
 * A NIC (eth0=slirp, drivers/net/slirp.c) is one more struct net_device with its
 * addresses and default gateway on this list: the lookups here consider every device's
 * addresses, and rtnetlink and /proc/net read the same list. Changing interfaces (SIOCS*)
 * needs CAP_NET_ADMIN and only the flags and MTU can be changed; the addresses of lo are fixed.
 */
#include "kernel.h"
#include "net.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"
#include "internal.h"
#include "ipv4.h"
#include "net/pkt.h"

#include <linux/rtnetlink.h>

#define IFF_UP 0x1
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40
#define IFF_LOWER_UP 0x10000
#define ARPHRD_LOOPBACK 772

/* The guest's struct ifreq (40 bytes) and struct ifconf (16 bytes). */
struct uifreq {
	char name[NETDEV_NAME_MAX];
	union {
		struct sockaddr_in addr;
		struct {
			u16 family;
			u8 data[14];
		} hw;
		s16 flags;
		s32 ivalue;
		struct {
			u64 mem_start, mem_end;
			u16 base_addr;
			u8 irq, dma, port;
		} map;
		char newname[NETDEV_NAME_MAX];
		u64 data;
	};
};

struct uifconf {
	s32 len;
	u32 pad;
	u64 buf;
};

LIST_HEAD(netdev_list);
struct net_device *netdev_lo;

struct net_device *netdev_by_index(int ifindex)
{
	struct net_device *d;

	list_for_each_entry(d, &netdev_list, link) {
		if (d->ifindex == ifindex)
			return d;
	}
	return NULL;
}

struct net_device *netdev_by_name(const char *name)
{
	struct net_device *d;

	list_for_each_entry(d, &netdev_list, link) {
		if (!strncmp(d->name, name, NETDEV_NAME_MAX))
			return d;
	}
	return NULL;
}

bool netdev_addr_is_local(const struct inaddr *a)
{
	struct net_device *d;
	struct net_ifaddr *ifa;

	if (inaddr_is_loopback(a))
		return true;
	list_for_each_entry(d, &netdev_list, link) {
		list_for_each_entry(ifa, &d->addrs, link) {
			if (inaddr_eq(&ifa->addr, a))
				return true;
		}
	}
	return false;
}

void netdev_lo_count(size_t len)
{
	if (!netdev_lo)
		return;
	netdev_lo->tx_packets++;
	netdev_lo->rx_packets++;
	netdev_lo->tx_bytes += len;
	netdev_lo->rx_bytes += len;
}

/* The first IPv4 address of d, or NULL. */
static struct net_ifaddr *netdev_v4addr(struct net_device *d)
{
	struct net_ifaddr *ifa;

	list_for_each_entry(ifa, &d->addrs, link) {
		if (!ifa->v6)
			return ifa;
	}
	return NULL;
}

static int netdev_add_addr(struct net_device *d, bool v6, const struct inaddr *a, int plen,
			   int scope)
{
	struct net_ifaddr *ifa = kzalloc(sizeof(*ifa));

	if (!ifa)
		return -ENOMEM;
	ifa->v6 = v6;
	ifa->addr = *a;
	ifa->prefixlen = plen;
	ifa->scope = scope;
	list_add_tail(&ifa->link, &d->addrs);
	return 0;
}

int netdev_init(void)
{
	struct net_device *lo = kzalloc(sizeof(*lo));
	struct inaddr a;
	int err;

	if (!lo)
		return -ENOMEM;
	kstrlcpy(lo->name, "lo", sizeof(lo->name));
	lo->ifindex = 1;
	lo->flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP;
	lo->mtu = 65536;
	lo->type = ARPHRD_LOOPBACK;
	lo->txqlen = 1000;
	INIT_LIST_HEAD(&lo->addrs);
	inaddr_set_v4(&a, net_htonl(0x7f000001));
	err = netdev_add_addr(lo, false, &a, 8, RT_SCOPE_HOST);
	memset(&a, 0, sizeof(a));
	a.b[15] = 1;
	if (!err)
		err = netdev_add_addr(lo, true, &a, 128, RT_SCOPE_HOST);
	if (err)
		return err;
	list_add_tail(&lo->link, &netdev_list);
	netdev_lo = lo;
	err = nat_netdev_init();
	if (!err)
		err = pkt_netdev_init();
	if (!err)
		wtcp_sock_init();
	return err;
}

/* ---- ioctls */

static u32 prefix_mask(int plen)
{
	return plen <= 0 ? 0 : net_htonl(0xffffffffu << (32 - plen));
}

static void fill_sin(struct sockaddr_in *sin, u32 be)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = be;
}

static long ifconf(u64 arg)
{
	struct uifconf c;
	struct net_device *d;
	s32 done = 0;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	list_for_each_entry(d, &netdev_list, link) {
		struct net_ifaddr *ifa = netdev_v4addr(d);
		struct uifreq r;

		if (!ifa)
			continue;
		if (c.buf) {
			if (c.len - done < (s32)sizeof(r))
				break;
			memset(&r, 0, sizeof(r));
			kstrlcpy(r.name, d->name, sizeof(r.name));
			fill_sin(&r.addr, inaddr_v4(&ifa->addr));
			if (copy_to_user(c.buf + (u64)done, &r, sizeof(r)))
				return -EFAULT;
		}
		done += (s32)sizeof(r);
	}
	return put_user(done, arg) ? -EFAULT : 0;
}

/* Read-only queries on the device named in r; the answer goes into r. */
static long ifreq_get(unsigned cmd, struct net_device *d, struct uifreq *r)
{
	struct net_ifaddr *ifa = netdev_v4addr(d);

	switch (cmd) {
	case SIOCGIFFLAGS:
		r->flags = (s16)(d->flags & 0xffff);
		return 0;
	case SIOCGIFINDEX:
		r->ivalue = d->ifindex;
		return 0;
	case SIOCGIFMTU:
		r->ivalue = (s32)d->mtu;
		return 0;
	case SIOCGIFMETRIC:
		r->ivalue = 0;
		return 0;
	case SIOCGIFTXQLEN:
		r->ivalue = (s32)d->txqlen;
		return 0;
	case SIOCGIFMAP:
		memset(&r->map, 0, sizeof(r->map));
		return 0;
	case SIOCGIFHWADDR:
		memset(&r->hw, 0, sizeof(r->hw));
		r->hw.family = (u16)d->type;
		memcpy(r->hw.data, d->hwaddr, sizeof(d->hwaddr));
		return 0;
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
	case SIOCGIFDSTADDR:
		if (!ifa)
			return -EADDRNOTAVAIL;
		if (cmd == SIOCGIFNETMASK)
			fill_sin(&r->addr, prefix_mask(ifa->prefixlen));
		else if (cmd == SIOCGIFBRDADDR)
			fill_sin(&r->addr, (d->flags & IFF_LOOPBACK) ? 0 :
				 inaddr_v4(&ifa->addr) | ~prefix_mask(ifa->prefixlen));
		else
			fill_sin(&r->addr, inaddr_v4(&ifa->addr));
		return 0;
	}
	return -ENOIOCTLCMD;
}

static bool ifreq_known(unsigned cmd)
{
	switch (cmd) {
	case SIOCGIFFLAGS: case SIOCGIFINDEX: case SIOCGIFMTU: case SIOCGIFMETRIC:
	case SIOCGIFTXQLEN: case SIOCGIFMAP: case SIOCGIFHWADDR: case SIOCGIFADDR:
	case SIOCGIFNETMASK: case SIOCGIFBRDADDR: case SIOCGIFDSTADDR: case SIOCSIFFLAGS:
	case SIOCSIFMTU: case SIOCSIFADDR: case SIOCSIFNETMASK: case SIOCSIFBRDADDR:
	case SIOCSIFDSTADDR: case SIOCSIFHWADDR: case SIOCSIFTXQLEN: case SIOCSIFMETRIC:
	case SIOCSIFNAME: case SIOCSIFMAP:
		return true;
	}
	return false;
}

/* Linux's default prefix of an address given without a netmask (its old class). */
static int classful_prefix(u32 be)
{
	u32 a = net_ntohl(be);

	return a < 0x80000000u ? 8 : a < 0xc0000000u ? 16 : 24;
}

/* Is d a packet NIC, whose addresses the guest configures? */
static bool netdev_configurable(const struct net_device *d)
{
	return d->ops && d->ops->xmit;
}

int netdev_set_v4(struct net_device *d, u32 addr, int plen)
{
	struct net_ifaddr *ifa = netdev_v4addr(d);
	struct inaddr a;

	if (!netdev_configurable(d))
		return -EOPNOTSUPP;
	if (plen < 0 || plen > 32)
		return -EINVAL;
	inaddr_set_v4(&a, addr);
	arp_flush(d);
	if (ifa) {
		ifa->addr = a;
		ifa->prefixlen = plen;
		if (d->gateway && !ip_dev_onlink(d, d->gateway))
			d->gateway = 0; /* its route went with the old prefix */
		return 0;
	}
	return netdev_add_addr(d, false, &a, plen, RT_SCOPE_UNIVERSE);
}

int netdev_del_v4(struct net_device *d, u32 addr)
{
	struct net_ifaddr *ifa;

	if (!netdev_configurable(d))
		return -EOPNOTSUPP;
	list_for_each_entry(ifa, &d->addrs, link) {
		if (!ifa->v6 && (!addr || inaddr_v4(&ifa->addr) == addr)) {
			list_del(&ifa->link);
			kfree(ifa);
			arp_flush(d);
			d->gateway = 0;
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

int netdev_set_gateway(struct net_device *d, u32 gw)
{
	struct net_device *o;

	if (!gw) { /* delete the default route (of d, or of any packet NIC) */
		list_for_each_entry(o, &netdev_list, link) {
			if (netdev_configurable(o) && o->gateway && (!d || d == o)) {
				o->gateway = 0;
				return 0;
			}
		}
		return -ESRCH;
	}
	list_for_each_entry(o, &netdev_list, link) {
		if (netdev_configurable(o) && (!d || d == o) && ip_dev_onlink(o, gw)) {
			o->gateway = gw;
			return 0;
		}
	}
	return -ENETUNREACH; /* Linux: "Network is unreachable" for an off-link gateway */
}

void netdev_set_flags(struct net_device *d, unsigned flags)
{
	unsigned up = 0x1;

	if ((d->flags & up) && !(flags & up) && netdev_configurable(d))
		arp_flush(d);
	d->flags = (d->flags & ~0xffffu) | (flags & 0xffffu);
	if (netdev_configurable(d))
		d->flags = (flags & up) ? d->flags | IFF_RUNNING | IFF_LOWER_UP :
			   d->flags & ~(unsigned)(IFF_RUNNING | IFF_LOWER_UP);
}

/* SIOCSIFADDR, SIOCSIFNETMASK, SIOCSIFBRDADDR, SIOCSIFHWADDR of a packet NIC. */
static long ifreq_set_addr(unsigned cmd, struct net_device *d, struct uifreq *r)
{
	struct net_ifaddr *ifa = netdev_v4addr(d);
	u32 v = r->addr.sin_addr.s_addr, m = net_ntohl(v);
	int plen = 0;

	if (!netdev_configurable(d))
		return -EOPNOTSUPP;
	switch (cmd) {
	case SIOCSIFADDR:
		if (r->addr.sin_family != AF_INET)
			return -EINVAL;
		if (!v)
			return ifa ? netdev_del_v4(d, 0) : 0;
		return netdev_set_v4(d, v, classful_prefix(v));
	case SIOCSIFNETMASK:
		while (plen < 32 && (m & (0x80000000u >> plen)))
			plen++;
		if (!ifa)
			return -EADDRNOTAVAIL;
		if (plen < 32 && (m << plen))
			return -EINVAL; /* not contiguous */
		return netdev_set_v4(d, inaddr_v4(&ifa->addr), plen);
	case SIOCSIFBRDADDR:
		return 0; /* always the prefix's broadcast */
	case SIOCSIFHWADDR:
		if (r->hw.family != 1 || (r->hw.data[0] & 1))
			return -EINVAL;
		memcpy(d->hwaddr, r->hw.data, 6);
		return 0;
	}
	return -EOPNOTSUPP;
}

/* Changes: root only; the flags and the MTU; a packet NIC's addresses. */
static long ifreq_set(unsigned cmd, struct net_device *d, struct uifreq *r)
{
	switch (cmd) {
	case SIOCSIFFLAGS:
	case SIOCSIFMTU:
	case SIOCSIFADDR:
	case SIOCSIFNETMASK:
	case SIOCSIFBRDADDR:
	case SIOCSIFDSTADDR:
	case SIOCSIFHWADDR:
	case SIOCSIFTXQLEN:
	case SIOCSIFMETRIC:
	case SIOCSIFNAME:
	case SIOCSIFMAP:
		if (!cred_capable(CAP_NET_ADMIN))
			return -EPERM;
		break;
	default:
		return -ENOIOCTLCMD;
	}
	if (cmd == SIOCSIFFLAGS) {
		netdev_set_flags(d, (u16)r->flags);
		return 0;
	}
	if (cmd == SIOCSIFMTU) {
		if (r->ivalue < 68 || r->ivalue > (netdev_configurable(d) ? 1500 : 65536))
			return -EINVAL;
		d->mtu = (unsigned)r->ivalue;
		return 0;
	}
	return ifreq_set_addr(cmd, d, r);
}

/* The guest's struct rtentry (x86_64) as far as SIOCADDRT/SIOCDELRT use it. */
struct urtentry {
	u64 pad1;
	struct sockaddr_in dst, gateway, genmask;
	u16 flags;
	u8 pad2[30];
	u64 dev;
	u8 pad3[24];
};

/* route add/del default gw GW: the only routes there are besides the prefixes. */
static long route_ioctl(unsigned cmd, u64 arg)
{
	struct urtentry rt;
	struct net_device *d = NULL;
	char name[NETDEV_NAME_MAX] = { 0 };

	if (copy_from_user(&rt, arg, sizeof(rt)))
		return -EFAULT;
	if (!cred_capable(CAP_NET_ADMIN))
		return -EPERM;
	if (rt.dev) {
		if (copy_from_user(name, rt.dev, sizeof(name) - 1))
			return -EFAULT;
		d = netdev_by_name(name);
		if (!d)
			return -ENODEV;
	}
	if (rt.dst.sin_addr.s_addr || rt.genmask.sin_addr.s_addr)
		return -EOPNOTSUPP; /* only a default route */
	if (cmd == SIOCDELRT)
		return netdev_set_gateway(d, 0);
	if (!(rt.flags & 0x2) || !rt.gateway.sin_addr.s_addr) /* RTF_GATEWAY */
		return -EOPNOTSUPP;
	return netdev_set_gateway(d, rt.gateway.sin_addr.s_addr);
}

long netdev_ioctl(unsigned cmd, u64 arg)
{
	struct net_device *d;
	struct uifreq r;
	long err;

	if (cmd == SIOCGIFCONF)
		return ifconf(arg);
	if (cmd == SIOCADDRT || cmd == SIOCDELRT)
		return route_ioctl(cmd, arg);
	if (cmd < 0x8900 || cmd > 0x89ff)
		return -ENOIOCTLCMD;
	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	if (cmd == SIOCGIFNAME) {
		d = netdev_by_index(r.ivalue);
		if (!d)
			return -ENODEV;
		kstrlcpy(r.name, d->name, sizeof(r.name));
		return copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
	}
	r.name[NETDEV_NAME_MAX - 1] = '\0';
	d = netdev_by_name(r.name);
	if (!d)
		return ifreq_known(cmd) ? -ENODEV : -ENOIOCTLCMD;
	err = ifreq_get(cmd, d, &r);
	if (err == -ENOIOCTLCMD)
		err = ifreq_set(cmd, d, &r);
	if (err)
		return err;
	return copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
}
