/*
 * TCP over the packet NICs: the glue between guest TCP sockets (tcp.c) and the segment
 * engine (wtcp.c), on the IPv4 layer of ip.c.
 *
 * As with eth0=slirp's NAT (drivers/net/slirp_nat.c), the remote end of a connection is
 * a proxy inet_sock with no file, the guest socket's peer, so the whole of tcp.c applies
 * unchanged. The guest's sent bytes land on the proxy's receive queue, which is the
 * engine's send buffer: segments are copied from it, and acknowledged bytes are dropped
 * from it (which wakes the guest's writers). Bytes that arrive in order are queued on the
 * guest socket charged to the proxy, so the window we advertise is the guest's free
 * receive buffer, and the guest's reads (freeing those skbs) wake the proxy, which sends
 * a window update. FIN and RST cross through tcp_nat_fin/tcp_nat_reset; a SYN for a
 * guest listener becomes, once the handshake completes, tcp_nat_connect_in.
 *
 * The engine is never entered twice: wake-ups of a proxy that come while it runs (a
 * reset that frees the guest socket frees skbs charged to the proxy) are remembered and
 * served when it returns. Connections end at safe points only: a proxy's last reference
 * and a forgotten connection's memory are released by a kernel timer (the reaper), never
 * inside a wake-up that may still walk the proxy's wait queue.
 */
#include "kernel.h"
#include "net.h"
#include "os.h"
#include "sched.h"
#include "slab.h"
#include "internal.h"
#include "ip.h"
#include "wtcp.h"

#define WCONN_PROXY_RCVBUF 65536
#define WCONN_SYN_MAX 256 /* half-open passive connections a peer can make us keep */

struct wconn {
	struct wtcp t;             /* first: the engine's callbacks get &t */
	struct inet_sock *proxy;   /* the remote end (holds a reference), or NULL */
	struct inet_sock *dead;    /* a detached proxy whose reference the reaper drops */
	struct wait_entry we;      /* on the proxy's wait queue */
	struct ktimer timer;
	struct list_head link;     /* in wconns */
	bool passive;              /* made for a SYN to a guest listener */
	bool fin_given;            /* wtcp_close was called */
	bool orphaned;             /* wtcp_orphan was called */
	bool again;                /* woken while the engine ran */
	bool freed;                /* the engine forgot it: free at the safe point */
};

static struct wtcp_stack wstack;
static LIST_HEAD(wconns);
static int engine_depth;
static int nr_half_open;
static struct ktimer reaper;

static struct wconn *wconn_of(struct wtcp *t)
{
	return container_of(t, struct wconn, t);
}

static void wconn_service(struct wconn *c);

/* The safe point: drop detached proxies, free the connections the engine forgot. */
static void wconn_reap(struct ktimer *kt)
{
	struct wconn *c, *n;

	list_for_each_entry_safe(c, n, &wconns, link) {
		if (c->dead) {
			sock_put(&c->dead->sk);
			c->dead = NULL;
		}
		if (c->freed) {
			list_del(&c->link);
			kfree(c);
		}
	}
}

static void reap_soon(void)
{
	if (!reaper.armed)
		ktimer_arm(&reaper, ktime_now());
}

/* Leave the engine: serve what woke meanwhile. */
static void engine_exit(void)
{
	struct wconn *c, *n;

	if (--engine_depth)
		return;
	list_for_each_entry_safe(c, n, &wconns, link) {
		if (c->again && !c->freed) {
			c->again = false;
			wconn_service(c);
		}
	}
}

/* Unlink the proxy: the guest sees err (0: the connection ended in order). */
static void wconn_detach(struct wconn *c, int err)
{
	struct inet_sock *p = c->proxy;

	if (!p)
		return;
	c->proxy = NULL;
	wait_remove(&c->we);
	if (err && (p->peer || p->listener))
		tcp_nat_reset(p, err);
	p->nat = NULL;
	c->dead = p;
	reap_soon();
}

static bool wconn_wake(struct wait_entry *we, unsigned key)
{
	struct wconn *c = we->private;

	if (engine_depth) {
		c->again = true;
		return false;
	}
	engine_depth++;
	wconn_service(c);
	engine_exit();
	return false;
}

static void wconn_timer_fn(struct ktimer *kt);

static struct wconn *wconn_new(void)
{
	struct wconn *c = kzalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->timer.fn = wconn_timer_fn;
	INIT_LIST_HEAD(&c->timer.link);
	list_add_tail(&c->link, &wconns);
	return c;
}

static struct inet_sock *proxy_new(struct wconn *c)
{
	struct inet_sock *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	inet_init_sock(p, SOCK_STREAM, IPPROTO_TCP, false, &tcp_ops);
	p->sk.rcvbuf = WCONN_PROXY_RCVBUF;
	p->sk.opt |= SOCK_OPT_OOBINLINE; /* urgent bytes stay in the stream */
	p->connected = true;
	p->nat = c;
	c->proxy = p;
	c->we.func = wconn_wake;
	c->we.private = c;
	wait_add(&p->sk.wq, &c->we);
	return p;
}

/* ---- the engine's callbacks */

static int w_xmit(struct wtcp_stack *st, u32 src, u32 dst, const void *seg, size_t len)
{
	return ip_send(src, dst, IP_PROTO_TCP, seg, len);
}

static u64 w_now(struct wtcp_stack *st)
{
	return ktime_now();
}

static u32 w_random(struct wtcp_stack *st)
{
	u32 r;

	if (os_getrandom(&r, sizeof(r)) != (long)sizeof(r))
		r = (u32)(ktime_now() * 2654435761u);
	return r;
}

static struct wtcp *w_accept(struct wtcp_stack *st, u32 laddr, u16 lport, u32 raddr,
			     u16 rport)
{
	struct inaddr la;
	struct wconn *c;

	inaddr_set_v4(&la, laddr);
	if (nr_half_open >= WCONN_SYN_MAX || !tcp_listener_exists(&la, lport))
		return NULL;
	c = wconn_new();
	if (!c)
		return NULL;
	c->passive = true;
	nr_half_open++;
	wtcp_init(st, &c->t, laddr, lport, raddr, rport, 0, c);
	return &c->t;
}

static size_t w_snd_len(struct wtcp *t)
{
	struct inet_sock *p = wconn_of(t)->proxy;

	return p ? p->sk.rxq_bytes : 0;
}

static void w_snd_peek(struct wtcp *t, size_t off, void *buf, size_t len)
{
	struct inet_sock *p = wconn_of(t)->proxy;
	struct skb *skb;
	u8 *out = buf;

	memset(buf, 0, len); /* (never read beyond the queue, even if asked to) */
	if (!p)
		return;
	list_for_each_entry(skb, &p->sk.rxq, link) {
		size_t have = skb->len - skb->off, n;

		if (off >= have) {
			off -= have;
			continue;
		}
		n = min(have - off, len);
		memcpy(out, skb->data + skb->off + off, n);
		out += n;
		len -= n;
		off = 0;
		if (!len)
			return;
	}
}

static void w_snd_acked(struct wtcp *t, size_t n)
{
	struct inet_sock *p = wconn_of(t)->proxy;
	struct socket *ps;

	if (!p)
		return;
	ps = &p->sk;
	while (n && !list_empty(&ps->rxq)) {
		struct skb *skb = list_first_entry(&ps->rxq, struct skb, link);
		u32 k = (u32)min((size_t)(skb->len - skb->off), n);

		skb->off += k;
		ps->rxq_bytes -= k;
		ps->rx_read += k;
		n -= k;
		if (skb->off == skb->len) {
			skb_unlink_rcv(ps, skb);
			skb_free(skb);
		}
	}
}

/*
 * The guest's free receive buffer, less what the skbs of full segments cost beyond their
 * bytes (the buffer counts truesize), so that a window we advertise fits in it.
 */
static size_t w_rcv_space(struct wtcp *t)
{
	struct inet_sock *p = wconn_of(t)->proxy, *g = p ? p->peer : NULL;
	size_t free, segs;

	if (!g)
		return p && p->listener ? 0 : WTCP_WND_MAX; /* waiting for accept / discarded */
	if (p->sk.wmem >= g->sk.rcvbuf)
		return 0;
	free = g->sk.rcvbuf - p->sk.wmem;
	segs = free / (WTCP_MSS_MAX + sizeof(struct skb)) + 1;
	return free > segs * sizeof(struct skb) ? free - segs * sizeof(struct skb) : 0;
}

static size_t w_deliver(struct wtcp *t, const void *data, size_t len)
{
	struct inet_sock *p = wconn_of(t)->proxy, *g = p ? p->peer : NULL;
	struct skb *skb;

	if (!g || (g->sk.shutdown & RCV_SHUTDOWN))
		return len; /* the guest closed: the bytes go nowhere */
	skb = skb_alloc(len);
	if (!skb)
		return 0;
	memcpy(skb->data, data, len);
	skb_set_owner(skb, &p->sk);
	skb_queue_rcv(&g->sk, skb);
	return len;
}

/* The handshake of a passive connection completed: the guest's listener gets it. */
static int wconn_connected_in(struct wconn *c)
{
	struct inet_sock *p = proxy_new(c);
	struct inaddr la;
	int err;

	nr_half_open--;
	c->passive = false;
	if (!p)
		return -ENOMEM;
	inaddr_set_v4(&p->saddr, c->t.raddr);
	p->sport = c->t.rport;
	inaddr_set_v4(&la, c->t.laddr);
	p->daddr = la;
	p->dport = c->t.lport;
	err = tcp_nat_connect_in(p, &la, c->t.lport);
	if (err) {
		wconn_detach(c, 0);
		return err;
	}
	p->sk.sndbuf = max(p->peer ? p->peer->sk.rcvbuf : 0, (u32)WCONN_PROXY_RCVBUF);
	return 0;
}

static int w_event(struct wtcp *t, enum wtcp_event ev, int err)
{
	struct wconn *c = wconn_of(t);

	switch (ev) {
	case WTCP_EV_CONNECTED:
		if (c->passive)
			return wconn_connected_in(c);
		if (c->proxy)
			tcp_nat_established(c->proxy);
		break;
	case WTCP_EV_FIN:
		if (c->proxy)
			tcp_nat_fin(c->proxy);
		break;
	case WTCP_EV_CLOSED:
		wconn_detach(c, err);
		break;
	case WTCP_EV_FREE:
		if (c->passive)
			nr_half_open--;
		wconn_detach(c, -ECONNRESET);
		ktimer_cancel(&c->timer);
		c->freed = true;
		reap_soon();
		break;
	}
	return 0;
}

static void w_timer(struct wtcp *t, u64 when)
{
	struct wconn *c = wconn_of(t);

	if (when)
		ktimer_arm(&c->timer, when);
	else
		ktimer_cancel(&c->timer);
}

static const struct wtcp_ops wtcp_sock_ops = {
	.xmit = w_xmit, .now = w_now, .random = w_random, .accept = w_accept,
	.snd_len = w_snd_len, .snd_peek = w_snd_peek, .snd_acked = w_snd_acked,
	.rcv_space = w_rcv_space, .deliver = w_deliver, .event = w_event, .timer = w_timer,
};

/* ---- entries */

/* What the guest did to its end: data or window to send, a FIN, a reset. */
static void wconn_service(struct wconn *c)
{
	struct inet_sock *p = c->proxy;

	if (c->freed || !p)
		return;
	if (p->sk.err) {
		wtcp_abort(&c->t); /* the guest reset the connection */
		return;
	}
	if (p->peer) /* TCP_USER_TIMEOUT (ms), as the guest last set it */
		c->t.user_timeout = (u64)max(p->peer->user_timeout, 0) * 1000000;
	wtcp_output(&c->t);
	if ((p->sk.shutdown & RCV_SHUTDOWN) && !c->fin_given && !c->freed) {
		c->fin_given = true;
		wtcp_close(&c->t);
	}
	if (c->fin_given && !c->freed && !c->orphaned && !p->peer && !p->listener) {
		c->orphaned = true; /* the guest closed its socket */
		wtcp_orphan(&c->t);
	}
}

static void wconn_timer_fn(struct ktimer *kt)
{
	struct wconn *c = container_of(kt, struct wconn, timer);

	engine_depth++;
	if (!c->freed)
		wtcp_timeout(&c->t);
	engine_exit();
}

/* 0.0.0.0/8, multicast, class E and the limited broadcast: no TCP peer is there. */
static bool bad_peer(u32 a)
{
	u8 first = (u8)(net_ntohl(a) >> 24);

	return first == 0 || first >= 224;
}

static void wtcp_ip_input(u32 src, u32 dst, const void *seg, size_t len)
{
	if (bad_peer(src))
		return; /* never answer a segment "from" a broadcast or multicast address */
	engine_depth++;
	wtcp_input(&wstack, src, dst, seg, len);
	engine_exit();
}

static int wtcp_sock_start(struct inet_sock *is, const struct inaddr *a, u16 port);

int wtcp_sock_connect(struct inet_sock *is, const struct inaddr *a, u16 port)
{
	int err;

	if (!port)
		return -ECONNREFUSED;
	if (bad_peer(inaddr_v4(a)))
		return -ENETUNREACH;
	engine_depth++;
	err = wtcp_sock_start(is, a, port);
	engine_exit();
	return err;
}

/* connect's work, inside the engine. */
static int wtcp_sock_start(struct inet_sock *is, const struct inaddr *a, u16 port)
{
	u32 src = inaddr_v4(&is->saddr), dst = inaddr_v4(a);
	struct inet_sock *p;
	struct wconn *c;

	if (wtcp_lookup(&wstack, src, is->sport, dst, port))
		return -EADDRNOTAVAIL; /* that connection is still in TIME_WAIT */
	c = wconn_new();
	if (!c)
		return -ENOMEM;
	p = proxy_new(c);
	if (!p) {
		c->freed = true;
		reap_soon();
		return -ENOMEM;
	}
	p->saddr = *a;
	p->sport = port;
	p->daddr = is->saddr;
	p->dport = is->sport;
	tcp_nat_link(is, p);
	p->sk.sndbuf = max(is->sk.rcvbuf, (u32)WCONN_PROXY_RCVBUF);
	wtcp_init(&wstack, &c->t, src, is->sport, dst, port, 0, c);
	c->t.user_timeout = (u64)max(is->user_timeout, 0) * 1000000;
	wtcp_connect(&c->t);
	return 0;
}

int wtcp_sock_state(const struct inet_sock *is)
{
	struct wconn *c;

	if (!is->peer || !is->peer->nat)
		return -1;
	list_for_each_entry(c, &wconns, link) {
		if (c->proxy == is->peer && !c->freed)
			return c->t.state;
	}
	return -1;
}

bool wtcp_sock_orphan(int n, u32 *laddr, u16 *lport, u32 *raddr, u16 *rport, int *state)
{
	struct wconn *c;

	list_for_each_entry(c, &wconns, link) {
		if (c->freed || (c->proxy && c->proxy->peer) || n--)
			continue;
		*laddr = c->t.laddr;
		*lport = c->t.lport;
		*raddr = c->t.raddr;
		*rport = c->t.rport;
		*state = c->t.state;
		return true;
	}
	return false;
}

void wtcp_sock_init(void)
{
	if (!IS_ENABLED(CONFIG_WTCP))
		return;
	wstack.ops = &wtcp_sock_ops;
	reaper.fn = wconn_reap;
	INIT_LIST_HEAD(&reaper.link);
	ip_tcp_input = wtcp_ip_input;
}
