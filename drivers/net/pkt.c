/*
 * Packet NICs: eth<N>=daemon (a port of a uml_switch), eth<N>=tuntap,TAPDEV and
 * vec<N>:transport=tap,ifname=TAPDEV (an existing host tap device). This file holds
 * their options (UML's syntax), the devices (Ethernet, a MAC, mtu 1500, no address until
 * the guest configures one), the transmit operation, and pkt_poll, which reads the
 * frames that arrived (on SIGIO and on every tick) and hands them to kernel/net/ip.c.
 * The host calls are pkt_host.c; the design and its security argument are in
 * kernel/net/README.md ("Packet NICs").
 */
#include "kernel.h"
#include "net.h"
#include "os.h"
#include "slab.h"
#include "net/pkt.h"
#include "net/pkt_host.h"
#include "../../kernel/net/internal.h"

#define PKT_MAX 8
#define PKT_FRAME_MAX 1536         /* 1500 + Ethernet header, with room to spare */
#define PKT_RX_BUDGET 64           /* frames per device and poll */
#define IFF_BROADCAST 0x2
#define IFF_MULTICAST 0x1000
#define ARPHRD_ETHER 1

enum pkt_kind { PKT_DAEMON, PKT_TUNTAP, PKT_VEC };

struct pkt_nic {
	struct net_device dev;     /* first: container_of */
	int kind;                  /* enum pkt_kind */
	int fd, ctl_fd;            /* frames; the switch's control stream (daemon) */
	char ctl[108], dsock[108]; /* daemon: control and data socket paths */
	char ifname[16];           /* tuntap, vec: the host tap device */
	u64 tx_errors, rx_errors;
};

static struct pkt_nic nic_table[PKT_MAX]; /* options are parsed before any allocator */
static struct pkt_nic *nics[PKT_MAX];
static int nr_nics;
static u8 rx_frame[PKT_FRAME_MAX];

static const char *const kind_names[] = { "daemon", "tuntap", "tap" };

/* ---- options */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * A MAC address xx:xx:xx:xx:xx:xx of exactly len characters, unicast and not all zero
 * (the MAC field of every eth<N>= and vec<N>: option, slirp's too); 0 or -EINVAL.
 */
int pkt_parse_mac(const char *s, size_t len, u8 *mac)
{
	if (len != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return -EINVAL;
		mac[i] = (u8)(hi << 4 | lo);
	}
	return (mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) ?
		-EINVAL : 0;
}

/* A random locally administered MAC: fe:fd:xx:xx:xx:xx, as UML's. */
static void random_mac(u8 *mac)
{
	mac[0] = 0xfe;
	mac[1] = 0xfd;
	if (os_getrandom(mac + 2, 4) != 4) {
		u64 t = ktime_now() ^ (u64)nr_nics << 20;

		memcpy(mac + 2, &t, 4);
	}
}

bool pkt_name_taken(const char *name)
{
	for (int i = 0; i < nr_nics; i++)
		if (!strcmp(nics[i]->dev.name, name))
			return true;
	return false;
}

static struct pkt_nic *nic_new(const char *name, int kind)
{
	struct pkt_nic *n;

	if (nr_nics >= PKT_MAX || pkt_name_taken(name)) {
		printk(KERN_ERR "%s: %s\n", name, nr_nics >= PKT_MAX ? "too many packet NICs" :
		       "given twice");
		return NULL;
	}
	n = &nic_table[nr_nics];
	kstrlcpy(n->dev.name, name, sizeof(n->dev.name));
	n->kind = kind;
	n->fd = n->ctl_fd = -1;
	random_mac(n->dev.hwaddr);
	kstrlcpy(n->ctl, "/tmp/uml.ctl", sizeof(n->ctl));
	nics[nr_nics++] = n;
	return n;
}

/* Copy field (len chars) into a buffer of size; false when it does not fit. */
static bool field_copy(char *buf, size_t size, const char *s, size_t len)
{
	if (len >= size)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

/* The next comma-separated field of *args: its start and length; false at the end. */
static bool next_field(const char **args, const char **f, size_t *len)
{
	const char *comma;

	if (!*args)
		return false;
	comma = strchr(*args, ',');
	*f = *args;
	*len = comma ? (size_t)(comma - *args) : strlen(*args);
	*args = comma ? comma + 1 : NULL;
	return true;
}

/* eth<N>=daemon[,MAC][,unix,CTLSOCKET[,DATASOCK]] (UML's field order). */
static int parse_daemon(struct pkt_nic *n, const char *args)
{
	const char *f, *name = n->dev.name;
	size_t len;
	int i = 0;

	while (next_field(&args, &f, &len)) {
		bool ok = true;

		if (i == 0 && len)
			ok = !pkt_parse_mac(f, len, n->dev.hwaddr);
		else if (i == 1 && len)
			ok = len == 4 && !strncmp(f, "unix", 4);
		else if (i == 2 && len)
			ok = f[0] == '/' && field_copy(n->ctl, sizeof(n->ctl), f, len);
		else if (i == 3 && len)
			ok = f[0] == '/' && field_copy(n->dsock, sizeof(n->dsock), f, len);
		else if (i > 3)
			ok = false;
		if (!ok) {
			printk(KERN_ERR "%s=daemon: bad %s '%.*s' (%s=daemon[,MAC][,unix,"
					"CTLSOCKET[,DATASOCK]])\n", name,
			       i == 0 ? "MAC" : i == 1 ? "socket type" : i < 4 ? "socket path" :
			       "extra field", (int)len, f, name);
			return -EINVAL;
		}
		i++;
	}
	return 0;
}

/* eth<N>=tuntap,TAPDEV[,MAC[,GATEWAY]] */
static int parse_tuntap(struct pkt_nic *n, const char *args)
{
	const char *f, *name = n->dev.name;
	size_t len;
	int i = 0;

	while (next_field(&args, &f, &len)) {
		bool ok = true;

		if (i == 0)
			ok = len && field_copy(n->ifname, sizeof(n->ifname), f, len);
		else if (i == 1 && len)
			ok = !pkt_parse_mac(f, len, n->dev.hwaddr);
		else if (i == 2 && len)
			pr_warn("%s=tuntap: gateway '%.*s' ignored: configure the host end "
				"yourself\n", name, (int)len, f);
		else if (i > 2)
			ok = false;
		if (!ok) {
			printk(KERN_ERR "%s=tuntap: bad %s '%.*s' (%s=tuntap,TAPDEV[,MAC])\n",
			       name, i == 0 ? "tap device" : i == 1 ? "MAC" : "extra field",
			       (int)len, f, name);
			return -EINVAL;
		}
		i++;
	}
	if (!n->ifname[0]) {
		printk(KERN_ERR "%s=tuntap: the host tap device is required (%s=tuntap,TAPDEV; "
				"make it with 'ip tuntap add TAPDEV mode tap')\n", name, name);
		return -EINVAL;
	}
	return 0;
}

int pkt_parse_eth(const char *name, const char *t, size_t tlen, const char *args)
{
	bool daemon = tlen == 6 && !strncmp(t, "daemon", 6);
	struct pkt_nic *n;

	if (!daemon && !(tlen == 6 && !strncmp(t, "tuntap", 6)))
		return -ENOENT;
	n = nic_new(name, daemon ? PKT_DAEMON : PKT_TUNTAP);
	if (!n)
		return -EINVAL;
	return daemon ? parse_daemon(n, args) : parse_tuntap(n, args);
}

/* One key=value of a vec option. */
static int parse_vec_field(struct pkt_nic *n, const char *f, size_t len, bool *tap)
{
	if (len > 10 && !strncmp(f, "transport=", 10)) {
		*tap = len == 13 && !strncmp(f + 10, "tap", 3);
		if (!*tap)
			printk(KERN_ERR "%s: transport '%.*s' not supported by this build (tap)\n",
			       n->dev.name, (int)len - 10, f + 10);
		return *tap ? 0 : -EINVAL;
	}
	if (len > 7 && !strncmp(f, "ifname=", 7) &&
	    field_copy(n->ifname, sizeof(n->ifname), f + 7, len - 7))
		return 0;
	if (len > 4 && !strncmp(f, "mac=", 4) && !pkt_parse_mac(f + 4, len - 4, n->dev.hwaddr))
		return 0;
	if ((len > 6 && !strncmp(f, "depth=", 6)) || (len > 4 && !strncmp(f, "gro=", 4)) ||
	    (len > 4 && !strncmp(f, "vec=", 4)))
		return 0; /* tuning of UML's ring buffers: nothing to tune here */
	printk(KERN_ERR "%s: bad setting '%.*s' (%s:transport=tap,ifname=TAPDEV[,mac=MAC])\n",
	       n->dev.name, (int)len, f, n->dev.name);
	return -EINVAL;
}

int pkt_parse_vec(const char *w)
{
	const char *colon = strchr(w, ':'), *args, *f;
	struct pkt_nic *n;
	char name[8];
	size_t len;
	bool tap = false;

	if (!colon || colon - w < 4 || colon - w > 4 || w[3] < '0' || w[3] > '7') {
		printk(KERN_ERR "umlite: '%s': expected vec0..vec7:transport=tap,ifname=TAPDEV\n",
		       w);
		return -EINVAL;
	}
	ksnprintf(name, sizeof(name), "vec%c", w[3]);
	n = nic_new(name, PKT_VEC);
	if (!n)
		return -EINVAL;
	args = colon + 1;
	while (next_field(&args, &f, &len))
		if (len && parse_vec_field(n, f, len, &tap))
			return -EINVAL;
	if (!tap || !n->ifname[0]) {
		printk(KERN_ERR "%s: transport=tap and ifname=TAPDEV are required\n", name);
		return -EINVAL;
	}
	return 0;
}

/* ---- the devices */

/* The usual words for the errors a user meets when opening the host end. */
static const char *pkt_errtext(int err)
{
	switch (-err) {
	case ENOENT: return "No such file or directory";
	case ECONNREFUSED: return "Connection refused";
	case EACCES: return "Permission denied";
	case EPERM: return "Operation not permitted";
	case EBUSY: return "Device or resource busy";
	case ENODEV: return "No such device";
	case EINVAL: return "Invalid argument";
	case ENAMETOOLONG: return "File name too long";
	case EADDRINUSE: return "Address already in use";
	case EPROTO: return "Protocol error (not a uml_switch?)";
	}
	return errname(err);
}

static int nic_open(struct pkt_nic *n)
{
	const char *name = n->dev.name, *kind = kind_names[n->kind];
	int stage = 0, fd;

	if (n->kind == PKT_DAEMON)
		fd = pkt_host_daemon_open(n->ctl, n->dsock, &n->ctl_fd, &stage);
	else
		fd = pkt_host_tap_open(n->ifname, &stage);
	if (fd >= 0) {
		n->fd = fd;
		return 0;
	}
	switch (stage) {
	case PKT_STAGE_CONNECT:
	case PKT_STAGE_REQUEST:
	case PKT_STAGE_REPLY:
		printk(KERN_ERR "%s=%s: cannot %s %s: %s\n", name, kind,
		       stage == PKT_STAGE_CONNECT ? "connect to" : stage == PKT_STAGE_REQUEST ?
		       "send the request to" : "get a port from the switch at", n->ctl,
		       pkt_errtext(fd));
		break;
	case PKT_STAGE_BIND:
		printk(KERN_ERR "%s=%s: cannot bind the data socket %s: %s\n", name, kind,
		       n->dsock[0] ? n->dsock : "(abstract)", pkt_errtext(fd));
		break;
	case PKT_STAGE_TUN:
		printk(KERN_ERR "%s=%s: cannot open /dev/net/tun: %s\n", name, kind,
		       pkt_errtext(fd));
		break;
	case PKT_STAGE_TUNSETIFF:
		printk(KERN_ERR "%s=%s: cannot attach to the tap device %s: %s%s\n", name, kind,
		       n->ifname, pkt_errtext(fd), fd == -EPERM || fd == -EBUSY ?
		       " (does it exist, is it yours, is it free?)" : "");
		break;
	default:
		printk(KERN_ERR "%s=%s: cannot make a host socket: %s\n", name, kind,
		       pkt_errtext(fd));
	}
	return fd;
}

static int pkt_xmit(struct net_device *dev, const void *frame, size_t len)
{
	struct pkt_nic *n = container_of(dev, struct pkt_nic, dev);
	long r;

	if (n->fd < 0)
		return -ENETDOWN;
	r = pkt_host_send(n->fd, frame, len);
	if (r < 0) {
		n->tx_errors++;
		return r == -EAGAIN ? -ENOBUFS : (int)r;
	}
	dev->tx_packets++;
	dev->tx_bytes += len;
	return 0;
}

static const struct netdev_ops pkt_ops = { .xmit = pkt_xmit };

int pkt_netdev_init(void)
{
	struct net_device *d;
	int next = 2;

	list_for_each_entry(d, &netdev_list, link)
		if (d->ifindex >= next)
			next = d->ifindex + 1;
	for (int i = 0; i < nr_nics; i++) {
		struct pkt_nic *n = nics[i];
		int r = nic_open(n);

		if (r < 0)
			return r;
		d = &n->dev;
		d->ifindex = next++;
		d->flags = IFF_BROADCAST | IFF_MULTICAST; /* down until the guest sets it up */
		d->mtu = 1500;
		d->type = ARPHRD_ETHER;
		d->txqlen = 1000;
		d->ops = &pkt_ops;
		INIT_LIST_HEAD(&d->addrs);
		list_add_tail(&d->link, &netdev_list);
		pr_info("%s: %s %s, MAC %02x:%02x:%02x:%02x:%02x:%02x\n", d->name,
			n->kind == PKT_DAEMON ? "uml_switch at" : "host tap device",
			n->kind == PKT_DAEMON ? n->ctl : n->ifname, d->hwaddr[0], d->hwaddr[1],
			d->hwaddr[2], d->hwaddr[3], d->hwaddr[4], d->hwaddr[5]);
	}
	return 0;
}

/*
 * Read the frames that arrived on every packet NIC (at most PKT_RX_BUDGET each, so that
 * a flood cannot keep the kernel here) and run the ARP timers. Called by irq_handle on
 * SIGIO and on every tick.
 */
void pkt_poll(void)
{
	for (int i = 0; i < nr_nics; i++) {
		struct pkt_nic *n = nics[i];

		for (int k = 0; n->fd >= 0 && k < PKT_RX_BUDGET; k++) {
			long r = pkt_host_recv(n->fd, rx_frame, sizeof(rx_frame));

			if (r == -EAGAIN)
				break;
			if (r < 0) {
				n->rx_errors++;
				break;
			}
			n->dev.rx_packets++;
			n->dev.rx_bytes += (u64)r;
			eth_input(&n->dev, rx_frame, (size_t)r);
		}
	}
	if (nr_nics)
		arp_tick();
}
