/*
 * rtnetlink requests that change the packet NICs (ip(8) of iproute2 and busybox):
 * RTM_NEWLINK/RTM_SETLINK (up, down, mtu), RTM_NEWADDR/RTM_DELADDR (one IPv4 address per
 * NIC) and RTM_NEWROUTE/RTM_DELROUTE (the default route via a gateway on a NIC's
 * prefix). netlink.c calls rtnl_change for root's requests; everything else stays
 * EOPNOTSUPP, and lo's and eth0=slirp's addresses stay fixed.
 */
#include "kernel.h"
#include "net.h"
#include "internal.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* The attribute of type t (with at least min bytes) in the message after hdr bytes. */
static const struct rtattr *rta_find(const struct nlmsghdr *h, size_t hdr, int t, size_t min)
{
	const struct rtattr *a = (const void *)((const u8 *)NLMSG_DATA(h) + NLMSG_ALIGN(hdr));
	int left = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(hdr));

	for (; RTA_OK(a, left); a = RTA_NEXT(a, left))
		if (a->rta_type == t && RTA_PAYLOAD(a) >= min)
			return a;
	return NULL;
}

static int rtnl_setlink(const struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *a;
	struct net_device *d = NULL;
	unsigned flags;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -EINVAL;
	if (ifi->ifi_index)
		d = netdev_by_index(ifi->ifi_index);
	a = rta_find(h, sizeof(*ifi), IFLA_IFNAME, 1);
	if (!d && a) {
		char name[NETDEV_NAME_MAX] = { 0 };

		memcpy(name, RTA_DATA(a), min((size_t)RTA_PAYLOAD(a), sizeof(name) - 1));
		d = netdev_by_name(name);
	}
	if (!d)
		return -ENODEV;
	a = rta_find(h, sizeof(*ifi), IFLA_MTU, 4);
	if (a) {
		u32 mtu;

		memcpy(&mtu, RTA_DATA(a), 4);
		if (mtu < 68 || mtu > (d->ops ? 1500u : 65536u))
			return -EINVAL;
		d->mtu = mtu;
	}
	if (ifi->ifi_change || ifi->ifi_flags) {
		flags = ifi->ifi_change ? (ifi->ifi_flags & ifi->ifi_change) |
				(d->flags & ~ifi->ifi_change) : ifi->ifi_flags;
		netdev_set_flags(d, flags);
	}
	return 0;
}

static int rtnl_addr(const struct nlmsghdr *h, bool add)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *a;
	struct net_device *d;
	struct inaddr ia;
	u32 v;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return -EINVAL;
	if (ifa->ifa_family != AF_INET)
		return -EOPNOTSUPP;
	d = netdev_by_index((int)ifa->ifa_index);
	if (!d)
		return -ENODEV;
	a = rta_find(h, sizeof(*ifa), IFA_LOCAL, 4);
	if (!a)
		a = rta_find(h, sizeof(*ifa), IFA_ADDRESS, 4);
	if (!a)
		return -EINVAL;
	memcpy(&v, RTA_DATA(a), 4);
	if (!add)
		return netdev_del_v4(d, v);
	if (ifa->ifa_prefixlen > 32)
		return -EINVAL;
	inaddr_set_v4(&ia, v);
	if (netdev_addr_is_local(&ia) && (h->nlmsg_flags & NLM_F_EXCL))
		return -EEXIST;
	return netdev_set_v4(d, v, ifa->ifa_prefixlen);
}

static int rtnl_route(const struct nlmsghdr *h, bool add)
{
	const struct rtmsg *rt = NLMSG_DATA(h);
	const struct rtattr *a;
	struct net_device *d = NULL;
	u32 gw = 0, oif;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)))
		return -EINVAL;
	if (rt->rtm_family != AF_INET || rt->rtm_dst_len)
		return -EOPNOTSUPP; /* the prefixes' routes come with the addresses */
	a = rta_find(h, sizeof(*rt), RTA_OIF, 4);
	if (a) {
		memcpy(&oif, RTA_DATA(a), 4);
		d = netdev_by_index((int)oif);
		if (!d)
			return -ENODEV;
	}
	if (!add)
		return netdev_set_gateway(d, 0);
	a = rta_find(h, sizeof(*rt), RTA_GATEWAY, 4);
	if (!a)
		return -EOPNOTSUPP;
	memcpy(&gw, RTA_DATA(a), 4);
	if (!gw)
		return -EINVAL;
	return netdev_set_gateway(d, gw);
}

int rtnl_change(const struct nlmsghdr *h)
{
	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_SETLINK:
		return rtnl_setlink(h);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return rtnl_addr(h, h->nlmsg_type == RTM_NEWADDR);
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return rtnl_route(h, h->nlmsg_type == RTM_NEWROUTE);
	}
	return -EOPNOTSUPP;
}
