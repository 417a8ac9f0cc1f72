/*
 * Unit tests of the TCP engine of the packet NICs (kernel/net/wtcp.c): two engines talk
 * through a simulated wire that can lose, duplicate and reorder segments, under a virtual
 * clock. Handshakes, 1 MB both ways (clean and lossy), close in both orders and at once,
 * resets for closed ports and their acceptance checks, retransmission after a loss, a NIC
 * that refuses segments,
 * timeouts, a window stall with zero-window probes, sequence numbers that wrap, and
 * malformed or random segments.
 */
// UNIT-OBJS: kernel/net/wtcp.o kernel/net/wtcp_in.o
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "../../kernel/net/wtcp.h"

#define NS 1000000ULL /* one ms */
#define MAXPKT 4096
#define PKTLEN (WTCP_HDR_MAX + WTCP_MSS_MAX)
#define BIG (1 << 20)

struct pkt {
	uint64_t at;
	int to;
	uint32_t src, dst;
	size_t len;
	uint8_t data[PKTLEN];
};

struct conn {
	struct wtcp t;
	int host;
	const uint8_t *out;     /* what the application sends */
	size_t out_total, out_pushed, out_acked;
	size_t sndbuf;
	bool close_when_sent;
	uint8_t *in;            /* what it received */
	size_t in_len, in_read, in_cap, rcvwin;
	bool stalled;           /* the application does not read */
	bool connected, fin, closed, freed;
	int err;
	uint64_t timer;
};

struct host {
	struct wtcp_stack st;
	uint32_t addr;
	uint16_t listen_port;
	struct conn *accepted;
};

static struct world {
	struct host h[2];
	struct conn c[8];
	int nconns;
	struct pkt *wire;
	int npkt;
	uint64_t now;
	uint64_t rng;
	int loss, dup, reorder, refuse;  /* percent */
	int (*filter)(struct pkt *p);    /* 1: drop this segment */
	uint32_t isn;                    /* 0: random */
	int hard_err;                    /* every send fails with it */
	int sent;
	uint64_t last_at[2];
} w;

static uint32_t rnd(void)
{
	w.rng ^= w.rng << 13;
	w.rng ^= w.rng >> 7;
	w.rng ^= w.rng << 17;
	return (uint32_t)(w.rng >> 11);
}

static struct host *host_of(struct wtcp_stack *st)
{
	return (struct host *)st;
}

static struct conn *conn_of(struct wtcp *t)
{
	return (struct conn *)t;
}

static void wire_put(int to, uint32_t src, uint32_t dst, const void *seg, size_t len,
		     uint64_t delay)
{
	struct pkt *p;

	if (w.npkt >= MAXPKT || len > PKTLEN)
		return;
	p = &w.wire[w.npkt++];
	p->at = w.now + delay;
	if (p->at <= w.last_at[to] && delay == 100000)
		p->at = w.last_at[to] + 1; /* the wire keeps order unless told to reorder */
	if (p->at > w.last_at[to])
		w.last_at[to] = p->at;
	p->to = to;
	p->src = src;
	p->dst = dst;
	p->len = len;
	memcpy(p->data, seg, len);
}

static int t_xmit(struct wtcp_stack *st, uint32_t src, uint32_t dst, const void *seg,
		  size_t len)
{
	int to = host_of(st) == &w.h[0] ? 1 : 0;
	uint64_t delay = 100000;
	struct pkt tmp;

	if ((int)(rnd() % 100) < w.refuse)
		return -ENOBUFS; /* the NIC's queue is full */
	if (w.hard_err)
		return w.hard_err;
	w.sent++;
	tmp.len = len;
	memcpy(tmp.data, seg, len);
	tmp.to = to;
	if (w.filter && w.filter(&tmp))
		return 0;
	if ((int)(rnd() % 100) < w.loss)
		return 0;
	if ((int)(rnd() % 100) < w.reorder)
		delay += rnd() % (2 * NS);
	wire_put(to, src, dst, seg, len, delay);
	if ((int)(rnd() % 100) < w.dup)
		wire_put(to, src, dst, seg, len, delay + rnd() % NS);
	return 0;
}

static uint64_t t_now(struct wtcp_stack *st)
{
	return w.now;
}

static uint32_t t_random(struct wtcp_stack *st)
{
	return w.isn ? w.isn : rnd();
}

static struct conn *conn_new(int host)
{
	struct conn *c = &w.c[w.nconns++];

	memset(c, 0, sizeof(*c));
	c->host = host;
	c->sndbuf = 65536;
	c->rcvwin = 65535;
	c->in_cap = 2 * BIG + 16;
	c->in = malloc(c->in_cap);
	return c;
}

static struct wtcp *t_accept(struct wtcp_stack *st, uint32_t laddr, uint16_t lport,
			     uint32_t raddr, uint16_t rport)
{
	struct host *h = host_of(st);
	struct conn *c;

	if (lport != h->listen_port || w.nconns >= 8)
		return NULL;
	c = conn_new((int)(h - w.h));
	wtcp_init(st, &c->t, laddr, lport, raddr, rport, 0, c);
	h->accepted = c;
	return &c->t;
}

static size_t t_snd_len(struct wtcp *t)
{
	struct conn *c = conn_of(t);

	return c->out_pushed - c->out_acked;
}

static void t_snd_peek(struct wtcp *t, size_t off, void *buf, size_t len)
{
	struct conn *c = conn_of(t);

	if (c->out_acked + off + len > c->out_pushed)
		abort(); /* the engine must never read beyond the buffer */
	memcpy(buf, c->out + c->out_acked + off, len);
}

static void t_snd_acked(struct wtcp *t, size_t n)
{
	struct conn *c = conn_of(t);

	if (c->out_acked + n > c->out_pushed)
		abort();
	c->out_acked += n;
}

static size_t t_rcv_space(struct wtcp *t)
{
	struct conn *c = conn_of(t);
	size_t held = c->in_len - c->in_read;

	return held >= c->rcvwin ? 0 : c->rcvwin - held;
}

static size_t t_deliver(struct wtcp *t, const void *data, size_t len)
{
	struct conn *c = conn_of(t);

	if (len > t_rcv_space(t) || c->in_len + len > c->in_cap)
		abort();
	memcpy(c->in + c->in_len, data, len);
	c->in_len += len;
	return len;
}

static int t_event(struct wtcp *t, enum wtcp_event ev, int err)
{
	struct conn *c = conn_of(t);

	switch (ev) {
	case WTCP_EV_CONNECTED:
		c->connected = true;
		break;
	case WTCP_EV_FIN:
		c->fin = true;
		break;
	case WTCP_EV_CLOSED:
		c->closed = true;
		c->err = err;
		break;
	case WTCP_EV_FREE:
		c->freed = true;
		c->timer = 0;
		break;
	}
	return 0;
}

static void t_timer(struct wtcp *t, uint64_t when)
{
	conn_of(t)->timer = when;
}

static const struct wtcp_ops ops = {
	.xmit = t_xmit, .now = t_now, .random = t_random, .accept = t_accept,
	.snd_len = t_snd_len, .snd_peek = t_snd_peek, .snd_acked = t_snd_acked,
	.rcv_space = t_rcv_space, .deliver = t_deliver, .event = t_event, .timer = t_timer,
};

static void world_init(uint64_t seed)
{
	free(w.wire);
	for (int i = 0; i < w.nconns; i++)
		free(w.c[i].in);
	memset(&w, 0, sizeof(w));
	w.wire = calloc(MAXPKT, sizeof(struct pkt));
	w.rng = seed;
	w.now = 1000 * NS;
	for (int i = 0; i < 2; i++) {
		w.h[i].st.ops = &ops;
		w.h[i].addr = 0x0100000a + ((uint32_t)i << 24); /* 10.0.0.1, 10.0.0.2 */
	}
}

/* The application side of c: push, read, close. */
static void app_step(struct conn *c)
{
	bool kick = false;

	if (c->freed || !c->t.listed)
		return;
	if (c->out && c->out_pushed < c->out_total &&
	    c->out_pushed - c->out_acked < c->sndbuf && c->connected) {
		size_t n = c->out_total - c->out_pushed;
		size_t room = c->sndbuf - (c->out_pushed - c->out_acked);

		c->out_pushed += n < room ? n : room;
		kick = true;
	}
	if (!c->stalled && c->in_read < c->in_len) {
		c->in_read = c->in_len;
		kick = true;
	}
	if (kick)
		wtcp_output(&c->t);
	if (c->close_when_sent && c->out_pushed == c->out_total && c->connected) {
		c->close_when_sent = false;
		wtcp_close(&c->t);
	}
}

/* Advance to the next event; false when nothing is pending before end. */
static bool step(uint64_t end)
{
	uint64_t next = UINT64_MAX;
	int pi = -1, ci = -1;

	for (int i = 0; i < w.nconns; i++)
		app_step(&w.c[i]);

	for (int i = 0; i < w.npkt; i++) {
		if (w.wire[i].at < next) {
			next = w.wire[i].at;
			pi = i;
		}
	}
	for (int i = 0; i < w.nconns; i++) {
		if (!w.c[i].freed && w.c[i].timer && w.c[i].timer < next) {
			next = w.c[i].timer;
			ci = i;
			pi = -1;
		}
	}
	if (next == UINT64_MAX || next > end) {
		w.now = end;
		return false;
	}
	if (next > w.now)
		w.now = next;
	if (pi >= 0) {
		struct pkt p = w.wire[pi];

		w.wire[pi] = w.wire[--w.npkt];
		wtcp_input(&w.h[p.to].st, p.src, p.dst, p.data, p.len);
	} else {
		w.c[ci].timer = 0;
		wtcp_timeout(&w.c[ci].t);
	}
	return true;
}

/* Run until cond holds, nothing is pending, or limit ns of virtual time passed. */
#define RUN_UNTIL(cond, limit) ({                                   \
	uint64_t __end = w.now + (limit);                            \
	while (!(cond) && w.now < __end && step(__end))              \
		;                                                    \
	(cond);                                                      \
})

/* A connection from host 0 to host 1's port 80. */
static struct conn *connect01(void)
{
	struct conn *c = conn_new(0);

	w.h[1].listen_port = 80;
	wtcp_init(&w.h[0].st, &c->t, w.h[0].addr, 40000, w.h[1].addr, 80, 0, c);
	wtcp_connect(&c->t);
	return c;
}

static uint8_t *pattern(size_t n, uint32_t seed)
{
	uint8_t *b = malloc(n);

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		b[i] = (uint8_t)(seed >> 16);
	}
	return b;
}

/* 1 MB each way over a connection, then both close; checks the bytes. */
static int transfer_both_ways(uint64_t limit)
{
	struct conn *a = connect01(), *b;
	uint8_t *pa = pattern(BIG, 1), *pb = pattern(BIG, 2);
	int ok;

	if (!RUN_UNTIL(a->connected && w.h[1].accepted && w.h[1].accepted->connected, limit))
		return -1;
	b = w.h[1].accepted;
	a->out = pa;
	a->out_total = BIG;
	a->close_when_sent = true;
	b->out = pb;
	b->out_total = BIG;
	b->close_when_sent = true;
	ok = RUN_UNTIL(a->freed && b->freed, limit);
	if (!ok || a->in_len != BIG || b->in_len != BIG)
		fprintf(stderr, "a: state %d in %zu pushed %zu acked %zu err %d una %u nxt %u max %u wnd %u; "
		       "b: state %d in %zu pushed %zu acked %zu err %d una %u nxt %u wnd %u; npkt %d\n",
		       a->t.state, a->in_len, a->out_pushed, a->out_acked, a->err, a->t.snd_una,
		       a->t.snd_nxt, a->t.snd_max, a->t.snd_wnd, b->t.state, b->in_len,
		       b->out_pushed, b->out_acked, b->err, b->t.snd_una, b->t.snd_nxt,
		       b->t.snd_wnd, w.npkt);
	ok = ok && a->in_len == BIG && b->in_len == BIG && !memcmp(a->in, pb, BIG) &&
	     !memcmp(b->in, pa, BIG) && a->fin && b->fin && !a->err && !b->err;
	free(pa);
	free(pb);
	return ok ? 0 : -2;
}

TEST(handshake)
{
	struct conn *a, *b;

	world_init(1);
	a = connect01();
	ASSERT_EQ(WTCP_SYN_SENT, a->t.state);
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	ASSERT_TRUE(a->connected);
	ASSERT_EQ(WTCP_ESTABLISHED, a->t.state);
	ASSERT_EQ(WTCP_ESTABLISHED, b->t.state);
	ASSERT_EQ(WTCP_MSS_MAX, a->t.mss);
	ASSERT_EQ(a->t.snd_nxt, b->t.rcv_nxt);
	ASSERT_EQ(b->t.snd_nxt, a->t.rcv_nxt);
	ASSERT_EQ(0, a->timer); /* nothing outstanding */
}

TEST(megabyte_both_ways_clean)
{
	world_init(2);
	ASSERT_EQ(0, transfer_both_ways(60000 * NS));
	EXPECT_EQ(0, w.h[0].st.stats.retrans_segs);
	EXPECT_EQ(0, w.h[1].st.stats.bad_csum);
}

TEST(megabyte_both_ways_lossy)
{
	world_init(3);
	w.loss = 3;
	w.dup = 3;
	w.reorder = 5;
	ASSERT_EQ(0, transfer_both_ways(3600000 * NS));
	EXPECT_LT(0, w.h[0].st.stats.retrans_segs + w.h[1].st.stats.retrans_segs);
	EXPECT_LT(0, w.h[0].st.stats.dropped_ooo + w.h[1].st.stats.dropped_ooo);
}

TEST(nic_refuses_segments)
{
	world_init(14);
	w.refuse = 30; /* a uml_switch's datagram queue is short: sends fail with ENOBUFS */
	ASSERT_EQ(0, transfer_both_ways(600000 * NS));
	EXPECT_LT(0, w.h[0].st.stats.xmit_errors);
	EXPECT_LT(0, w.h[1].st.stats.xmit_errors);
}

TEST(sequence_wraparound)
{
	world_init(4);
	w.isn = 0xffffffffu - 300000; /* both ISNs near 2^32: the streams wrap */
	ASSERT_EQ(0, transfer_both_ways(60000 * NS));
	w.isn = 0;
}

TEST(close_client_first)
{
	struct conn *a, *b;

	world_init(5);
	a = connect01();
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	wtcp_close(&a->t);
	ASSERT_TRUE(RUN_UNTIL(b->fin, 10 * NS));
	ASSERT_EQ(WTCP_CLOSE_WAIT, b->t.state);
	ASSERT_TRUE(RUN_UNTIL(a->t.state == WTCP_FIN_WAIT2, 10 * NS));
	wtcp_close(&b->t);
	ASSERT_EQ(WTCP_LAST_ACK, b->t.state);
	ASSERT_TRUE(RUN_UNTIL(b->freed, 10 * NS));
	ASSERT_EQ(WTCP_TIME_WAIT, a->t.state);
	ASSERT_TRUE(a->closed);
	ASSERT_FALSE(a->freed);
	ASSERT_TRUE(RUN_UNTIL(a->freed, 3000 * NS)); /* TIME_WAIT is 2 s */
	ASSERT_EQ(0, a->err);
	ASSERT_EQ(0, b->err);
}

TEST(orphan_fin_wait2_times_out)
{
	struct conn *a, *b;

	world_init(16);
	a = connect01();
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	wtcp_close(&a->t);
	wtcp_orphan(&a->t);
	ASSERT_TRUE(RUN_UNTIL(a->t.state == WTCP_FIN_WAIT2, 10 * NS));
	ASSERT_FALSE(RUN_UNTIL(a->freed, 50000 * NS)); /* the peer never closes */
	ASSERT_TRUE(RUN_UNTIL(a->freed, 20000 * NS));
	ASSERT_EQ(WTCP_CLOSE_WAIT, b->t.state);
}

TEST(close_server_first)
{
	struct conn *a, *b;

	world_init(6);
	a = connect01();
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	wtcp_close(&b->t);
	ASSERT_TRUE(RUN_UNTIL(a->fin, 10 * NS));
	ASSERT_EQ(WTCP_CLOSE_WAIT, a->t.state);
	wtcp_close(&a->t);
	ASSERT_TRUE(RUN_UNTIL(a->freed && b->freed, 3000 * NS));
}

TEST(simultaneous_close)
{
	struct conn *a, *b;

	world_init(7);
	a = connect01();
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	wtcp_close(&a->t);
	wtcp_close(&b->t); /* both FINs cross on the wire */
	ASSERT_TRUE(RUN_UNTIL(a->t.state == WTCP_TIME_WAIT && b->t.state == WTCP_TIME_WAIT,
			      10 * NS));
	ASSERT_TRUE(RUN_UNTIL(a->freed && b->freed, 3000 * NS));
	ASSERT_EQ(0, a->err);
}

TEST(reset_on_closed_port)
{
	struct conn *a;

	world_init(8);
	a = conn_new(0);
	wtcp_init(&w.h[0].st, &a->t, w.h[0].addr, 40001, w.h[1].addr, 81, 0, a);
	wtcp_connect(&a->t);
	ASSERT_TRUE(RUN_UNTIL(a->freed, 10 * NS));
	ASSERT_EQ(-ECONNREFUSED, a->err);
	ASSERT_EQ(1, w.h[1].st.stats.rst_out);
}

TEST(unreachable_neighbour)
{
	struct conn *a;
	uint64_t t0;

	world_init(15);
	w.hard_err = -EHOSTUNREACH; /* what ip_send says once ARP gave up */
	a = connect01();
	t0 = w.now;
	ASSERT_TRUE(RUN_UNTIL(a->freed, 10000 * NS));
	ASSERT_EQ(-EHOSTUNREACH, a->err);
	ASSERT_GE(w.now - t0, 1000 * NS); /* after the first retransmission, as Linux */
	ASSERT_LE(w.now - t0, 4000 * NS);
}

static int drop_first_data(struct pkt *p)
{
	static int seen;

	if (!p) {
		seen = 0;
		return 0;
	}
	if (p->len > 20 + 12 && !seen) { /* the first segment with data */
		seen = 1;
		return 1;
	}
	return 0;
}

TEST(retransmit_after_loss)
{
	struct conn *a, *b;
	uint8_t msg[1000];

	world_init(9);
	memset(msg, 'x', sizeof(msg));
	a = connect01();
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	drop_first_data(NULL);
	w.filter = drop_first_data;
	a->out = msg;
	a->out_total = sizeof(msg);
	app_step(a);
	ASSERT_TRUE(RUN_UNTIL(b->in_len == sizeof(msg), 5000 * NS));
	ASSERT_EQ(1, w.h[0].st.stats.retrans_segs);
	ASSERT_EQ(0, memcmp(b->in, msg, sizeof(msg)));
	ASSERT_TRUE(RUN_UNTIL(a->t.snd_una == a->t.snd_max, 10 * NS));
}

TEST(timeout_when_peer_vanishes)
{
	struct conn *a, *b;
	uint8_t msg[100] = { 0 };

	world_init(10);
	a = connect01();
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	w.loss = 100;
	a->out = msg;
	a->out_total = sizeof(msg);
	app_step(a);
	ASSERT_TRUE(RUN_UNTIL(a->freed, 3600000 * NS));
	ASSERT_EQ(-ETIMEDOUT, a->err);
	ASSERT_EQ(WTCP_RETRIES, w.h[0].st.stats.retrans_segs);
	ASSERT_FALSE(b->closed);
}

TEST(user_timeout)
{
	struct conn *a, *b;
	uint8_t msg[100] = { 0 };
	uint64_t t0;

	world_init(17);
	a = connect01();
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	a->t.user_timeout = 3000 * NS; /* TCP_USER_TIMEOUT 3000 */
	w.loss = 100;
	a->out = msg;
	a->out_total = sizeof(msg);
	t0 = w.now;
	ASSERT_TRUE(RUN_UNTIL(a->freed, 3600000 * NS));
	ASSERT_EQ(-ETIMEDOUT, a->err);
	ASSERT_LE(w.now - t0, 4000 * NS);
	ASSERT_LT(w.h[0].st.stats.retrans_segs, 5);
	ASSERT_FALSE(b->closed);
}

static int dropped_updates;

/* The first pure ACK from host 1 (its window update) is lost. */
static int drop_window_update(struct pkt *p)
{
	if (p->to == 0 && p->len == 20 && p->data[13] == 0x10 && !dropped_updates) {
		dropped_updates++;
		return 1;
	}
	return 0;
}

TEST(zero_window_stall_and_probe)
{
	struct conn *a, *b;
	uint8_t *pa = pattern(200000, 3);
	uint64_t t0;

	world_init(11);
	a = connect01();
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	b->stalled = true;
	a->out = pa;
	a->out_total = 200000;
	ASSERT_TRUE(RUN_UNTIL(b->in_len == 65535 && a->t.persist, 1000 * NS));
	ASSERT_EQ(0, a->t.snd_wnd);
	t0 = w.now;
	RUN_UNTIL(false, 300000 * NS); /* five minutes of probes: no timeout */
	ASSERT_FALSE(a->closed);
	ASSERT_EQ(65535, b->in_len);
	ASSERT_LT(t0, w.now);
	/* The reader wakes but its window update is lost: a probe finds the open window. */
	w.filter = drop_window_update;
	b->stalled = false;
	app_step(b);
	ASSERT_TRUE(RUN_UNTIL(b->in_len > 65535, 20000 * NS));
	ASSERT_EQ(1, dropped_updates);
	w.filter = NULL;
	ASSERT_TRUE(RUN_UNTIL(b->in_len == 200000, 20000 * NS));
	ASSERT_EQ(0, memcmp(b->in, pa, 200000));
	ASSERT_FALSE(a->closed);
	free(pa);
}

/* Build a segment from host 0's connection a to host 1 with the given fields. */
static void inject(struct conn *a, uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t s[20] = { 0 };
	uint16_t c;

	s[0] = (uint8_t)(a->t.lport >> 8);
	s[1] = (uint8_t)a->t.lport;
	s[2] = (uint8_t)(a->t.rport >> 8);
	s[3] = (uint8_t)a->t.rport;
	for (int i = 0; i < 4; i++) {
		s[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		s[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	s[12] = 5 << 4;
	s[13] = flags;
	s[14] = 0x10;
	c = wtcp_csum(a->t.laddr, a->t.raddr, s, 20);
	memcpy(s + 16, &c, 2);
	wtcp_input(&w.h[1].st, a->t.laddr, a->t.raddr, s, 20);
}

TEST(reset_acceptance)
{
	struct conn *a, *b;
	uint64_t out;

	world_init(12);
	a = connect01();
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	/* Out of window: ignored. In window but not exact: a challenge ACK, no reset. */
	inject(a, a->t.snd_nxt + 1000000, 0, 0x04);
	ASSERT_FALSE(b->closed);
	out = w.h[1].st.stats.out_segs;
	inject(a, a->t.snd_nxt + 100, 0, 0x04);
	ASSERT_FALSE(b->closed);
	ASSERT_EQ(out + 1, w.h[1].st.stats.out_segs);
	/* A SYN on an established connection: challenge ACK too. */
	inject(a, a->t.snd_nxt, 0, 0x02);
	ASSERT_FALSE(b->closed);
	/* The exact sequence number resets. */
	inject(a, a->t.snd_nxt, 0, 0x04);
	ASSERT_TRUE(b->closed);
	ASSERT_EQ(-ECONNRESET, b->err);
	ASSERT_TRUE(b->freed);
}

TEST(hostile_segments)
{
	struct conn *a, *b;
	uint8_t s[200];
	uint16_t c;

	world_init(13);
	a = connect01();
	ASSERT_TRUE(RUN_UNTIL(w.h[1].accepted && w.h[1].accepted->connected, 10 * NS));
	b = w.h[1].accepted;
	wtcp_input(&w.h[1].st, a->t.laddr, a->t.raddr, s, 10); /* short */
	memset(s, 0, sizeof(s));
	s[1] = 1;
	s[3] = 80;
	s[12] = 15 << 4; /* data offset 60 > 40 bytes */
	wtcp_input(&w.h[1].st, a->t.laddr, a->t.raddr, s, 40);
	s[12] = 2 << 4; /* data offset 8 < 20 */
	wtcp_input(&w.h[1].st, a->t.laddr, a->t.raddr, s, 40);
	ASSERT_EQ(3, w.h[1].st.stats.bad_hdr);
	s[12] = 5 << 4;
	s[16] = 0x12; /* wrong checksum */
	wtcp_input(&w.h[1].st, a->t.laddr, a->t.raddr, s, 40);
	ASSERT_EQ(1, w.h[1].st.stats.bad_csum);
	/* Random segments with valid checksums to the connection's ports and a listener. */
	for (int i = 0; i < 20000; i++) {
		size_t len = 20 + rnd() % 150;

		for (size_t j = 0; j < len; j++)
			s[j] = (uint8_t)rnd();
		s[0] = (uint8_t)(a->t.lport >> 8);
		s[1] = (uint8_t)a->t.lport;
		s[2] = 0;
		s[3] = 80;
		s[12] = (uint8_t)((5 + rnd() % 11) << 4);
		if (i % 3 == 0) /* near the connection's sequence numbers */
			memcpy(s + 4, (uint32_t[]){ __builtin_bswap32(a->t.snd_nxt +
								      rnd() % 3000) }, 4);
		s[16] = s[17] = 0;
		c = wtcp_csum(a->t.laddr, a->t.raddr, s, len);
		memcpy(s + 16, &c, 2);
		wtcp_input(&w.h[1].st, a->t.laddr, a->t.raddr, s, len);
		w.npkt = 0; /* what the engine answered is not delivered */
		if (b->freed)
			break;
	}
	/* Whatever happened, it stays bounded: b never held more than its window. */
	ASSERT_LE(b->in_len, 65535);
}

TEST_HARNESS_MAIN
