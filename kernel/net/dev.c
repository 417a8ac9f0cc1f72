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
	return err ? err : pkt_netdev_init();
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

/* Changes: root only; the flags and the MTU. */
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
		d->flags = (d->flags & ~0xffffu) | ((u16)r->flags & 0xffffu);
		return 0;
	}
	if (cmd == SIOCSIFMTU) {
		if (r->ivalue < 68 || r->ivalue > 65536)
			return -EINVAL;
		d->mtu = (unsigned)r->ivalue;
		return 0;
	}
	return -EOPNOTSUPP;
}

long netdev_ioctl(unsigned cmd, u64 arg)
{
	struct net_device *d;
	struct uifreq r;
	long err;

	if (cmd == SIOCGIFCONF)
		return ifconf(arg);
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
