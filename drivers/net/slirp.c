/*
 * eth0=slirp: rootless NAT with QEMU's user-networking addresses, at the level of sockets.
 * This file holds the options (UML's eth<N>= syntax, with a clear error for transports
 * this build lacks), the eth device (10.0.2.15/24, default route via 10.0.2.2), the
 * mapping of the guest's view to the host's (10.0.2.2 is the host's 127.0.0.1, 10.0.2.3:53
 * the host's resolver), the hostfwd listeners, /etc/resolv.conf for an initramfs root,
 * and the host event loop (slirp_poll, on SIGIO and on the tick). The relays of TCP
 * connections and UDP datagrams are slirp_nat.c; the host calls are slirp_host.c.
 * The design and its security argument: kernel/net/README.md.
 */
#include "kernel.h"
#include "fs.h"
#include "params.h"
#include "slab.h"
#include "net/slirp.h"
#include "net/slirp_host.h"
#include "net/pkt.h"

#include <linux/fcntl.h>
#include <linux/rtnetlink.h>

#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000
#define IFF_LOWER_UP 0x10000
#define ARPHRD_ETHER 1

LIST_HEAD(nat_conns);
static LIST_HEAD(nat_dead);

static struct {
	bool on;
	int index;                 /* N of ethN */
	u8 mac[6];
	struct slirp_fwd fwd[SLIRP_FWD_MAX];
	int nfwd;
	u32 resolver;              /* network order; 0: none */
	u16 resolver_port;
	bool resolver_given;
	bool restricted;           /* restrict=on: no connections out, only hostfwd in */
} cfg = { .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, .resolver_port = 53 };

static struct net_device *slirp_dev;

/* ---- options */

/* Parse a dotted IPv4 address of exactly len characters; 0 or -EINVAL. */
static int parse_ip(const char *s, size_t len, u32 *be)
{
	u32 v = 0;
	const char *end = s + len;

	for (int i = 0; i < 4; i++) {
		unsigned long long x;
		const char *e;

		if (s >= end || *s < '0' || *s > '9')
			return -EINVAL;
		x = kstrtoull_prefix(s, &e, 10);
		if (e > end || e - s > 3 || x > 255)
			return -EINVAL;
		v = v << 8 | (u32)x;
		s = e;
		if (i < 3 && (s >= end || *s++ != '.'))
			return -EINVAL;
	}
	if (s != end)
		return -EINVAL;
	*be = net_htonl(v);
	return 0;
}

static int parse_port(const char *s, size_t len, u16 *port)
{
	const char *e;
	unsigned long long x;

	if (!len || *s < '0' || *s > '9')
		return -EINVAL;
	x = kstrtoull_prefix(s, &e, 10);
	if (e != s + len || x == 0 || x > 65535)
		return -EINVAL;
	*port = (u16)x;
	return 0;
}

/* "[ADDR]:PORT" of len characters; an empty ADDR leaves *ip alone. */
static int parse_addr_port(const char *s, size_t len, u32 *ip, u16 *port)
{
	const char *colon = NULL;

	for (size_t i = 0; i < len; i++)
		if (s[i] == ':')
			colon = s + i;
	if (!colon)
		return -EINVAL;
	if (colon > s && parse_ip(s, (size_t)(colon - s), ip))
		return -EINVAL;
	return parse_port(colon + 1, len - (size_t)(colon + 1 - s), port);
}

/* hostfwd=tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT (QEMU's syntax). */
static int parse_hostfwd(const char *s, size_t len)
{
	struct slirp_fwd f = { .guest_ip = net_htonl(SLIRP_GUEST) };
	const char *dash = NULL;
	size_t skip;

	if (cfg.nfwd >= SLIRP_FWD_MAX)
		return -E2BIG;
	if (len > 4 && !strncmp(s, "tcp:", 4)) {
		skip = 4;
	} else if (len > 4 && !strncmp(s, "udp:", 4)) {
		f.udp = true;
		skip = 4;
	} else if (len > 1 && s[0] == ':') {
		skip = 1;
	} else {
		return -EINVAL;
	}
	s += skip;
	len -= skip;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '-')
			dash = s + i;
	if (!dash || parse_addr_port(s, (size_t)(dash - s), &f.host_ip, &f.host_port) ||
	    parse_addr_port(dash + 1, len - (size_t)(dash + 1 - s), &f.guest_ip, &f.guest_port))
		return -EINVAL;
	if (f.guest_ip != net_htonl(SLIRP_GUEST))
		return -EINVAL; /* the guest has one address */
	cfg.fwd[cfg.nfwd++] = f;
	return 0;
}

/* One comma-separated field after "slirp"; prints what is wrong. */
static int parse_slirp_field(const char *name, const char *s, size_t len)
{
	if (len > 8 && !strncmp(s, "hostfwd=", 8)) {
		int r = parse_hostfwd(s + 8, len - 8);

		if (r == -E2BIG)
			printk(KERN_ERR "%s=slirp: at most %d hostfwd rules\n", name, SLIRP_FWD_MAX);
		else if (r)
			printk(KERN_ERR "%s=slirp: bad hostfwd '%.*s' (hostfwd=tcp|udp:"
					"[HOSTADDR]:HOSTPORT-[10.0.2.15]:GUESTPORT)\n",
			       name, (int)len, s);
		return r ? -EINVAL : 0;
	}
	if (len > 9 && !strncmp(s, "resolver=", 9)) {
		cfg.resolver_given = true;
		if (!parse_addr_port(s + 9, len - 9, &cfg.resolver, &cfg.resolver_port) &&
		    cfg.resolver)
			return 0;
		cfg.resolver_port = 53;
		if (!parse_ip(s + 9, len - 9, &cfg.resolver))
			return 0;
		printk(KERN_ERR "%s=slirp: bad resolver '%.*s' (resolver=IP[:PORT])\n", name,
		       (int)len - 9, s + 9);
		return -EINVAL;
	}
	if ((len == 11 && !strncmp(s, "restrict=on", 11)) ||
	    (len == 12 && !strncmp(s, "restrict=off", 12))) {
		cfg.restricted = len == 11;
		return 0;
	}
	if (!pkt_parse_mac(s, len, cfg.mac))
		return 0;
	if (s[0] == '/') { /* UML's third field: the slirp program, which we do not need */
		pr_warn("%s=slirp: '%.*s' ignored: the NAT is built into the kernel\n", name,
			(int)len, s);
		return 0;
	}
	printk(KERN_ERR "%s=slirp: unknown setting '%.*s' (MAC, hostfwd=..., resolver=..., "
			"restrict=on|off)\n",
	       name, (int)len, s);
	return -EINVAL;
}

static int parse_slirp(const char *name, const char *args)
{
	if (cfg.on) {
		printk(KERN_ERR "%s=slirp: only one slirp interface is supported\n", name);
		return -EINVAL;
	}
	while (*args) {
		const char *comma = strchr(args, ',');
		size_t len = comma ? (size_t)(comma - args) : strlen(args);

		if (len && parse_slirp_field(name, args, len))
			return -EINVAL;
		args += len + (comma ? 1 : 0);
	}
	cfg.on = true;
	return 0;
}

/* UML's transports that this build does not have. */
static bool known_transport(const char *t, size_t len)
{
	static const char *const names[] = { "tuntap", "ethertap", "daemon", "mcast", "ucast",
					     "slip", "vde", "pcap", "vec", "tap", "raw" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == len && !strncmp(names[i], t, len))
			return true;
	return false;
}

/* eth<N>=TRANSPORT,ARGS (the whole option). */
static int set_eth(const char *w)
{
	const char *p = w + 3, *e, *t, *comma;
	unsigned long long n;
	char name[8];
	size_t tlen;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	n = kstrtoull_prefix(p, &e, 10);
	if (*e != '=' || n > 7 || e - p > 1) {
		printk(KERN_ERR "umlite: '%s': expected eth0=..eth7=TRANSPORT,...\n", w);
		return -EINVAL;
	}
	ksnprintf(name, sizeof(name), "eth%llu", n);
	t = e + 1;
	comma = strchr(t, ',');
	tlen = comma ? (size_t)(comma - t) : strlen(t);
	if (pkt_name_taken(name) || (cfg.on && cfg.index == (int)n)) {
		printk(KERN_ERR "umlite: %s given twice\n", name);
		return -EINVAL;
	}
	if ((tlen == 6 && !strncmp(t, "daemon", 6)) || (tlen == 6 && !strncmp(t, "tuntap", 6))) {
		if (!IS_ENABLED(CONFIG_NET_PACKET)) {
			printk(KERN_ERR "%s=%.*s: transport not supported by this build "
					"(CONFIG_NET_PACKET is off)\n", name, (int)tlen, t);
			return -EINVAL;
		}
		return pkt_parse_eth(name, t, tlen, comma ? comma + 1 : NULL);
	}
	if (tlen == 5 && !strncmp(t, "slirp", 5)) {
		if (!IS_ENABLED(CONFIG_SLIRP)) {
			printk(KERN_ERR "%s=slirp: transport not supported by this build "
					"(CONFIG_SLIRP is off)\n", name);
			return -EINVAL;
		}
		cfg.index = (int)n;
		return parse_slirp(name, comma ? comma + 1 : "");
	}
	if (known_transport(t, tlen))
		printk(KERN_ERR "%s=%.*s: transport not supported by this build (slirp, daemon, "
				"tuntap)\n",
		       name, (int)tlen, t);
	else
		printk(KERN_ERR "%s=%.*s: unknown transport (slirp; UML also has tuntap, daemon, "
				"mcast, ucast, vde, pcap)\n", name, (int)tlen, t);
	return -EINVAL;
}
KPARAM("eth", set_eth, KP_PREFIX,
       "eth0=slirp[,hostfwd=tcp|udp:[HOSTADDR]:PORT-:GUESTPORT][,resolver=IP[:PORT]]\n"
       "                  [,restrict=on] rootless NAT: 10.0.2.15, gateway 10.0.2.2 (the\n"
       "                  host's 127.0.0.1), DNS 10.0.2.3; restrict=on: hostfwd only\n"
       "eth0=daemon[,MAC][,unix,CTLSOCKET[,DATASOCK]]  a port of a uml_switch\n"
       "                  (default /tmp/uml.ctl)\n"
       "eth0=tuntap,TAPDEV[,MAC]  an existing host tap device");

/* vec<N>:transport=tap,ifname=TAPDEV (UML's vector drivers: the tap transport). */
static int set_vec(const char *w)
{
	const char *colon = strchr(w, ':');

	if (!colon || w[3] < '0' || w[3] > '9')
		return -EINVAL;
	if (!IS_ENABLED(CONFIG_NET_PACKET)) {
		printk(KERN_ERR "%.*s: vector transports are not supported by this build "
				"(CONFIG_NET_PACKET is off)\n", (int)(colon - w), w);
		return -EINVAL;
	}
	return pkt_parse_vec(w);
}
KPARAM("vec", set_vec, KP_PREFIX,
       "vec0:transport=tap,ifname=TAPDEV[,mac=MAC]  an existing host tap device");

/* ---- addresses */

bool nat_route(const struct inaddr *a, struct inaddr *src)
{
	if (!slirp_dev || !inaddr_is_v4(a))
		return false;
	if (src)
		inaddr_set_v4(src, net_htonl(SLIRP_GUEST));
	return true;
}

int slirp_map_out(const struct inaddr *a, u16 port, u32 *ip, u16 *hport)
{
	u32 d = net_ntohl(inaddr_v4(a));

	*hport = port;
	if (cfg.restricted)
		return -ENETUNREACH; /* QEMU's restrict=on: nothing leaves the instance */
	if (d == SLIRP_HOST) {
		*ip = net_htonl(0x7f000001);
		return 0;
	}
	if (d == SLIRP_DNS) {
		if (port != 53 || !cfg.resolver)
			return -ECONNREFUSED;
		*ip = cfg.resolver;
		*hport = cfg.resolver_port;
		return 0;
	}
	if ((d & SLIRP_MASK) == SLIRP_NET)
		return -EHOSTUNREACH; /* nobody else on the virtual LAN */
	if (d >= 0xe0000000u || (d >> 24) == 0)
		return -ENETUNREACH; /* multicast, broadcast, "this network" */
	*ip = inaddr_v4(a);
	return 0;
}

void slirp_map_in(u32 ip, u16 port, struct inaddr *a, u16 *gport)
{
	*gport = port;
	if (cfg.resolver && ip == cfg.resolver && port == cfg.resolver_port) {
		inaddr_set_v4(a, net_htonl(SLIRP_DNS));
		*gport = 53;
	} else if ((net_ntohl(ip) >> 24) == 127) {
		inaddr_set_v4(a, net_htonl(SLIRP_HOST));
	} else {
		inaddr_set_v4(a, ip);
	}
}

void slirp_count(bool tx, size_t len)
{
	if (!slirp_dev)
		return;
	if (tx) {
		slirp_dev->tx_packets++;
		slirp_dev->tx_bytes += len;
	} else {
		slirp_dev->rx_packets++;
		slirp_dev->rx_bytes += len;
	}
}

/* ---- host sockets */

struct nat_conn *nat_conn_new(int kind)
{
	struct nat_conn *c = kzalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->kind = kind;
	c->fd = -1;
	INIT_LIST_HEAD(&c->we.link);
	list_add_tail(&c->link, &nat_conns);
	return c;
}

void nat_conn_kill(struct nat_conn *c, bool reset)
{
	if (c->dead)
		return;
	c->dead = true;
	if (c->fd >= 0)
		slirp_host_close(c->fd, reset);
	c->fd = -1;
	if (!list_empty(&c->we.link))
		wait_remove(&c->we);
	list_move_tail(&c->link, &nat_dead);
}

void nat_watch(struct nat_conn *c, unsigned events)
{
	if (c->fd < 0 || c->watching == events)
		return;
	if (!slirp_host_watch(c->fd, (u64)(uintptr_t)c, events))
		c->watching = events;
}

/* Free the retired conns: only here, never inside a wake-up that may still use them. */
static void nat_reap(void)
{
	while (!list_empty(&nat_dead)) {
		struct nat_conn *c = list_first_entry(&nat_dead, struct nat_conn, link);

		list_del(&c->link);
		nat_conn_drop(c);
		kfree(c);
	}
}

/*
 * Serve the host sockets that are ready. Called by irq_handle on SIGIO (OS_IRQ_IO) and on
 * every tick (a missed signal costs one tick at most); the host epoll set is asked
 * without waiting.
 */
void slirp_poll(void)
{
	u64 cookies[32];
	unsigned events[32];
	int n;

	if (!slirp_dev)
		return;
	n = slirp_host_poll(cookies, events, 32);
	for (int i = 0; i < n; i++) {
		struct nat_conn *c = (struct nat_conn *)(uintptr_t)cookies[i];

		if (c->dead)
			continue;
		switch (c->kind) {
		case NAT_TCP:
			nat_tcp_service(c);
			break;
		case NAT_TCP_LISTEN:
			nat_tcp_accept(c);
			break;
		case NAT_UDP:
			nat_udp_rx(c);
			break;
		case NAT_UDP_FWD:
			nat_udp_fwd_rx(c);
			break;
		}
	}
	nat_reap();
}

/* ---- the device */

/* The host listeners of the hostfwd rules; a clear error when one cannot be made. */
static int slirp_start_fwd(void)
{
	for (int i = 0; i < cfg.nfwd; i++) {
		const struct slirp_fwd *f = &cfg.fwd[i];
		struct nat_conn *c = nat_conn_new(f->udp ? NAT_UDP_FWD : NAT_TCP_LISTEN);
		u32 ip = net_ntohl(f->host_ip);
		int fd;

		if (!c)
			return -ENOMEM;
		c->fwd = f;
		fd = f->udp ? slirp_host_udp(f->host_ip, f->host_port, (u64)(uintptr_t)c) :
			      slirp_host_tcp_listen(f->host_ip, f->host_port, (u64)(uintptr_t)c);
		if (fd < 0) {
			printk(KERN_ERR "eth%d=slirp: hostfwd=%s:%u.%u.%u.%u:%u: cannot %s on the "
					"host: %s\n", cfg.index, f->udp ? "udp" : "tcp", ip >> 24,
			       (ip >> 16) & 255, (ip >> 8) & 255, ip & 255, f->host_port,
			       f->udp ? "bind" : "listen", errname(fd));
			return fd;
		}
		c->fd = fd;
		c->watching = SLIRP_EV_IN;
	}
	return 0;
}

/* /etc/resolv.conf naming 10.0.2.3, when the root is the initramfs and has none. */
static void slirp_resolv_conf(void)
{
	static const char text[] = "# written by um-lite for eth0=slirp\nnameserver 10.0.2.3\n";
	struct path p;
	struct file *f;
	loff_t pos = 0;
	bool tmpfs;

	if (kern_path(AT_FDCWD, "/", LOOKUP_FOLLOW, &p) < 0)
		return;
	tmpfs = p.dentry->sb->magic == 0x01021994; /* TMPFS_MAGIC: the initramfs */
	path_put(&p);
	if (!tmpfs)
		return;
	f = file_open(AT_FDCWD, "/etc/resolv.conf", O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (IS_ERR(f))
		return;
	kernel_write(f, text, sizeof(text) - 1, &pos);
	file_put(f);
}

static struct net_device *slirp_alloc_dev(void)
{
	struct net_device *d = kzalloc(sizeof(*d));
	struct net_ifaddr *ifa = kzalloc(sizeof(*ifa));

	if (!d || !ifa) {
		kfree(d);
		kfree(ifa);
		return NULL;
	}
	ksnprintf(d->name, sizeof(d->name), "eth%d", cfg.index);
	d->ifindex = 2;
	d->flags = IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST | IFF_LOWER_UP;
	d->mtu = 1500;
	d->type = ARPHRD_ETHER;
	d->txqlen = 1000;
	memcpy(d->hwaddr, cfg.mac, 6);
	d->gateway = net_htonl(SLIRP_HOST);
	INIT_LIST_HEAD(&d->addrs);
	inaddr_set_v4(&ifa->addr, net_htonl(SLIRP_GUEST));
	ifa->prefixlen = 24;
	ifa->scope = RT_SCOPE_UNIVERSE;
	list_add_tail(&ifa->link, &d->addrs);
	return d;
}

int nat_netdev_init(void)
{
	int r;

	if (!cfg.on)
		return 0;
	r = slirp_host_init();
	if (r < 0) {
		printk(KERN_ERR "eth%d=slirp: cannot set up host sockets: %s\n", cfg.index,
		       errname(r));
		return r;
	}
	if (!cfg.resolver_given && slirp_host_resolver(&cfg.resolver) < 0)
		pr_warn("eth%d=slirp: no IPv4 nameserver in the host's /etc/resolv.conf: "
			"10.0.2.3 will not answer\n", cfg.index);
	slirp_dev = slirp_alloc_dev();
	if (!slirp_dev)
		return -ENOMEM;
	list_add_tail(&slirp_dev->link, &netdev_list);
	r = slirp_start_fwd();
	if (r < 0)
		return r;
	slirp_resolv_conf();
	pr_info("%s: slirp NAT, 10.0.2.15/24 via 10.0.2.2, DNS 10.0.2.3, %d hostfwd rules\n",
		slirp_dev->name, cfg.nfwd);
	return 0;
}
