/*
 * The TCP engine of the packet NICs: RFC 9293's connection state machine over segments
 * (active and passive open, data with cumulative acknowledgement, FIN in both orders and
 * simultaneous close, TIME_WAIT, resets with RFC 5961's acceptance checks), RFC 6298's
 * retransmission timer with Karn's rule and exponential backoff, fast retransmit after
 * three duplicate ACKs, zero-window probes, and the MSS option. No window scaling, no
 * SACK, no urgent data (the urgent pointer is ignored), no delayed ACK.
 *
 * Out-of-order segments are dropped and answered with a duplicate ACK; a retransmission
 * then goes back to the oldest unacknowledged byte (go-back-N). That is exact on a
 * lossless switch and correct, if slower, on a lossy wire; and a peer can make us hold
 * no memory beyond what the user takes through deliver (bounded by the window we
 * advertise, which is the user's free receive space).
 *
 * Every segment is hostile input: lengths and the data offset are checked against the
 * segment before anything is read, options are walked with bounds, the checksum is
 * verified (bad ones are counted and dropped).
 *
 * The engine knows nothing of sockets (wtcp.h: struct wtcp_ops), so it runs unchanged in
 * the host unit test (tests/unit/wtcp_test.c).
 */
#include "kernel.h"
#include "net.h"
#include "csum.h"
#include "ip.h"
#include "wtcp.h"

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

#define PERSIST_MAX 10000000000ULL /* ns: zero-window probes at least this often */

/* A parsed segment */
struct seg {
	u32 seq, ack;
	u16 sport, dport, win, mss;
	u8 flags;
	const u8 *data;
	size_t len;
};

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u16 get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static void put16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

uint16_t wtcp_csum(uint32_t src, uint32_t dst, const void *seg, size_t len)
{
	return csum_fold(csum_add(csum_pseudo_v4(src, dst, IP_PROTO_TCP, len), seg, len));
}

static u64 now(struct wtcp *t)
{
	return t->st->ops->now(t->st);
}

/* ---- output */

static void program(struct wtcp *t);

/* Fill a header at b and send hl + len bytes: 0 or -errno. */
static int seg_send(struct wtcp_stack *st, u32 src, u32 dst, const struct seg *s, size_t hl)
{
	u8 *b = st->buf;
	u16 c;

	put16(b, s->sport);
	put16(b + 2, s->dport);
	put32(b + 4, s->seq);
	put32(b + 8, s->ack);
	b[12] = (u8)(hl / 4) << 4;
	b[13] = s->flags;
	put16(b + 14, s->win);
	b[16] = b[17] = 0;
	b[18] = b[19] = 0;
	c = wtcp_csum(src, dst, b, hl + s->len);
	memcpy(b + 16, &c, 2);
	st->stats.out_segs++;
	return st->ops->xmit(st, src, dst, b, hl + s->len);
}

/* The window to advertise now (and remember its right edge). */
static u16 adv_window(struct wtcp *t)
{
	size_t space = t->st->ops->rcv_space(t);
	u16 w = (u16)min(space, (size_t)WTCP_WND_MAX);

	if (wtcp_seq_lt(t->rcv_adv, t->rcv_nxt + w))
		t->rcv_adv = t->rcv_nxt + w;
	return w;
}

/*
 * Send a segment of t at seq with flags and len bytes of the send buffer from off. When
 * the NIC refuses it (a full queue), retry soon (WTCP_RETRY_NS): false. Other errors (no
 * route, a neighbour that does not answer ARP) count as a loss, and are what the user
 * sees if the connection then times out (Linux's soft error).
 */
static bool tcb_send(struct wtcp *t, u32 seq, u8 flags, size_t off, size_t len)
{
	struct wtcp_stack *st = t->st;
	struct seg s = { .seq = seq, .flags = flags, .len = len, .sport = t->lport,
			 .dport = t->rport };
	size_t hl = 20;
	int err;

	if (flags & TH_SYN) {
		st->buf[20] = 2; /* MSS */
		st->buf[21] = 4;
		put16(st->buf + 22, t->mss_local);
		hl = 24;
	}
	if (len)
		st->ops->snd_peek(t, off, st->buf + hl, len);
	if (flags & TH_ACK)
		s.ack = t->rcv_nxt;
	s.win = adv_window(t);
	err = seg_send(st, t->laddr, t->raddr, &s, hl);
	if (err >= 0)
		return true;
	if (err != -ENOBUFS && err != -EAGAIN) {
		t->soft_err = err;
		return true;
	}
	st->stats.xmit_errors++;
	t->ack_owed = true;
	if (!t->retry_at) {
		t->retry_at = st->ops->now(st) + WTCP_RETRY_NS;
		program(t);
	}
	return false;
}

/* A pure ACK carries our highest sequence number (snd_nxt may have gone back N). */
static void send_ack(struct wtcp *t)
{
	tcb_send(t, t->snd_max, TH_ACK, 0, 0);
}

/* A reset answering segment s (which came from src to dst), when there is nobody. */
static void send_reset(struct wtcp_stack *st, u32 src, u32 dst, const struct seg *in)
{
	struct seg s = { .sport = in->dport, .dport = in->sport };

	if (in->flags & TH_RST)
		return;
	if (in->flags & TH_ACK) {
		s.seq = in->ack;
		s.flags = TH_RST;
	} else {
		s.ack = in->seq + (u32)in->len + !!(in->flags & TH_SYN) + !!(in->flags & TH_FIN);
		s.flags = TH_RST | TH_ACK;
	}
	st->stats.rst_out++;
	seg_send(st, dst, src, &s, 20);
}

/* Program the user's timer for the earlier of the protocol timer and a send retry. */
static void program(struct wtcp *t)
{
	u64 when = t->timer_at;

	if (t->retry_at && (!when || t->retry_at < when))
		when = t->retry_at;
	t->st->ops->timer(t, when);
}

static void arm(struct wtcp *t, u64 when)
{
	t->timer_at = when;
	program(t);
}

/* Sequence number of the first byte of the send buffer. */
static u32 snd_base(const struct wtcp *t)
{
	return t->snd_una == t->iss ? t->iss + 1 : t->snd_una;
}

/* The end of what may be sent: our FIN's place once closed, else the buffer's end. */
static u32 data_end(struct wtcp *t)
{
	return t->fin_queued ? t->fin_seq : snd_base(t) + (u32)t->st->ops->snd_len(t);
}

static bool may_send_data(const struct wtcp *t)
{
	switch (t->state) {
	case WTCP_ESTABLISHED: case WTCP_CLOSE_WAIT: case WTCP_FIN_WAIT1:
	case WTCP_CLOSING: case WTCP_LAST_ACK:
		return true;
	}
	return false;
}

/* Send one segment of new (or go-back-N) data and/or our FIN; false when none may go. */
static bool send_one(struct wtcp *t, u32 end)
{
	u32 inflight = t->snd_nxt - t->snd_una;
	u32 room = t->snd_wnd > inflight ? t->snd_wnd - inflight : 0;
	size_t n = 0;
	u8 flags = TH_ACK;

	if (wtcp_seq_lt(t->snd_nxt, end)) {
		n = min((size_t)(end - t->snd_nxt), (size_t)t->mss);
		n = min(n, (size_t)room);
		if (!n)
			return false;
		if (t->snd_nxt + (u32)n == end)
			flags |= TH_PSH;
	}
	if (t->fin_queued && t->snd_nxt + (u32)n == t->fin_seq)
		flags |= TH_FIN;
	else if (!n)
		return false;
	if (!tcb_send(t, t->snd_nxt, flags, t->snd_nxt - snd_base(t), n))
		return false;
	if (wtcp_seq_lt(t->snd_nxt, t->snd_max))
		t->st->stats.retrans_segs++;
	else if (!t->rtt_start) {
		t->rtt_seq = t->snd_nxt;
		t->rtt_start = now(t);
	}
	t->bytes_out += n;
	t->snd_nxt += (u32)n + !!(flags & TH_FIN);
	if (wtcp_seq_lt(t->snd_max, t->snd_nxt))
		t->snd_max = t->snd_nxt;
	return true;
}

/* Send what the window allows; keep the retransmission or the persist timer running. */
static void output(struct wtcp *t)
{
	u32 end;

	if (!may_send_data(t))
		return;
	end = data_end(t);
	while (send_one(t, end))
		;
	if (t->snd_nxt != t->snd_una) { /* in flight: the retransmission timer runs */
		if (!t->timer_at || t->persist) {
			t->persist = false;
			arm(t, now(t) + t->rto);
		}
	} else if (wtcp_seq_lt(t->snd_nxt, end) && !t->snd_wnd && (!t->timer_at || !t->persist)) {
		t->persist = true; /* stalled by a zero window: probe it */
		arm(t, now(t) + t->rto);
	}
}

/* ---- connection life */

void wtcp_init(struct wtcp_stack *st, struct wtcp *t, uint32_t laddr, uint16_t lport,
	       uint32_t raddr, uint16_t rport, uint16_t mss_local, void *priv)
{
	memset(t, 0, sizeof(*t));
	t->st = st;
	t->priv = priv;
	t->laddr = laddr;
	t->lport = lport;
	t->raddr = raddr;
	t->rport = rport;
	t->state = WTCP_CLOSED;
	t->mss_local = mss_local && mss_local < WTCP_MSS_MAX ? mss_local : WTCP_MSS_MAX;
	t->mss = min(t->mss_local, (u16)WTCP_MSS_DEFAULT);
	t->rto = WTCP_RTO_INIT;
	t->iss = st->ops->random(st);
	t->snd_una = t->iss;
	t->snd_nxt = t->snd_max = t->iss + 1;
	t->next = st->conns;
	st->conns = t;
	t->listed = true;
}

struct wtcp *wtcp_lookup(struct wtcp_stack *st, uint32_t laddr, uint16_t lport,
			 uint32_t raddr, uint16_t rport)
{
	for (struct wtcp *t = st->conns; t; t = t->next) {
		if (t->lport == lport && t->rport == rport && t->laddr == laddr &&
		    t->raddr == raddr)
			return t;
	}
	return NULL;
}

/* The engine forgets t (which the user may free on WTCP_EV_FREE): touch t no more. */
static void forget(struct wtcp *t)
{
	struct wtcp **pp = &t->st->conns;

	t->retry_at = 0;
	if (t->timer_at)
		arm(t, 0);
	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	t->listed = false;
	t->state = WTCP_CLOSED;
	t->st->ops->event(t, WTCP_EV_FREE, 0);
}

static void tell_closed(struct wtcp *t, int err)
{
	if (!t->closed_told) {
		t->closed_told = true;
		t->st->ops->event(t, WTCP_EV_CLOSED, err);
	}
}

/* The connection ends with err (a reset, a refusal, a timeout). */
static void fail(struct wtcp *t, int err)
{
	t->state = WTCP_CLOSED;
	tell_closed(t, err);
	forget(t);
}

static void enter_time_wait(struct wtcp *t)
{
	t->state = WTCP_TIME_WAIT;
	t->persist = false;
	tell_closed(t, 0);
	arm(t, now(t) + WTCP_TW_NS);
}

void wtcp_connect(struct wtcp *t)
{
	t->state = WTCP_SYN_SENT;
	t->rtt_seq = t->iss;
	t->rtt_start = now(t);
	tcb_send(t, t->iss, TH_SYN, 0, 0);
	arm(t, now(t) + t->rto);
}

void wtcp_output(struct wtcp *t)
{
	u32 old;
	u16 w;

	output(t);
	if (t->state != WTCP_ESTABLISHED && t->state != WTCP_FIN_WAIT1 &&
	    t->state != WTCP_FIN_WAIT2)
		return;
	/* A window update when the window grew by a segment (or opened from nothing). */
	old = wtcp_seq_lt(t->rcv_nxt, t->rcv_adv) ? t->rcv_adv - t->rcv_nxt : 0;
	w = (u16)min(t->st->ops->rcv_space(t), (size_t)WTCP_WND_MAX);
	if (w >= old + t->mss || (!old && w))
		send_ack(t);
}

void wtcp_close(struct wtcp *t)
{
	if (t->fin_queued)
		return;
	switch (t->state) {
	case WTCP_SYN_SENT: case WTCP_CLOSED:
		t->closed_told = true;
		forget(t);
		return;
	case WTCP_ESTABLISHED:
		t->state = WTCP_FIN_WAIT1;
		break;
	case WTCP_CLOSE_WAIT:
		t->state = WTCP_LAST_ACK;
		break;
	case WTCP_SYN_RECV:
		break; /* FIN_WAIT1 once established */
	default:
		return;
	}
	t->fin_seq = snd_base(t) + (u32)t->st->ops->snd_len(t);
	t->fin_queued = true;
	output(t);
}

void wtcp_orphan(struct wtcp *t)
{
	t->orphan = true;
	if (t->state == WTCP_FIN_WAIT2)
		arm(t, now(t) + WTCP_FIN_TIMEOUT_NS);
}

void wtcp_abort(struct wtcp *t)
{
	switch (t->state) {
	case WTCP_SYN_RECV: case WTCP_ESTABLISHED: case WTCP_FIN_WAIT1: case WTCP_FIN_WAIT2:
	case WTCP_CLOSE_WAIT: {
		struct seg s = { .sport = t->lport, .dport = t->rport, .seq = t->snd_max,
				 .flags = TH_RST };

		t->st->stats.rst_out++;
		seg_send(t->st, t->laddr, t->raddr, &s, 20);
		break;
	}
	}
	t->closed_told = true;
	forget(t);
}

/* A retransmission timeout: back off, resend from the oldest unacknowledged byte. */
static void retransmit(struct wtcp *t, u64 tnow)
{
	int limit = t->state == WTCP_SYN_SENT || t->state == WTCP_SYN_RECV ?
		    WTCP_SYN_RETRIES : WTCP_RETRIES;

	if (!t->retries)
		t->first_timeout = tnow;
	t->retries++;
	if (t->retries > limit || (t->state == WTCP_SYN_SENT && t->soft_err) ||
	    (t->user_timeout && tnow - t->first_timeout >= t->user_timeout)) {
		fail(t, t->soft_err ? t->soft_err : -ETIMEDOUT);
		return;
	}
	t->rto = min(t->rto * 2, WTCP_RTO_MAX);
	t->rtt_start = 0; /* Karn: no sample from a retransmitted segment */
	t->dupacks = 0;
	t->st->stats.retrans_segs++;
	if (t->state == WTCP_SYN_SENT) {
		tcb_send(t, t->iss, TH_SYN, 0, 0);
	} else if (t->state == WTCP_SYN_RECV) {
		tcb_send(t, t->iss, TH_SYN | TH_ACK, 0, 0);
	} else {
		t->st->stats.retrans_segs--; /* send_one counts each segment */
		t->snd_nxt = t->snd_una; /* go back N */
		output(t);
		return;
	}
	arm(t, tnow + t->rto);
}

void wtcp_timeout(struct wtcp *t)
{
	u64 tnow = now(t);

	if (t->retry_at && t->retry_at <= tnow) {
		t->retry_at = 0;
		if (t->ack_owed) {
			t->ack_owed = false;
			send_ack(t);
		}
		output(t);
	}
	if (!t->timer_at || t->timer_at > tnow) {
		program(t);
		return;
	}
	t->timer_at = 0;
	if (t->state == WTCP_TIME_WAIT || t->state == WTCP_FIN_WAIT2) {
		forget(t);
		return;
	}
	if (t->persist) {
		/* A zero-window probe: an old sequence number makes the peer answer. */
		tcb_send(t, t->snd_una - 1, TH_ACK, 0, 0);
		t->rto = min(t->rto * 2, PERSIST_MAX);
		arm(t, tnow + t->rto);
		return;
	}
	if (t->snd_una == t->snd_max) {
		program(t);
		return;
	}
	retransmit(t, tnow);
}

/* ---- input */

/* An RTT sample of r ns (RFC 6298). */
static void rtt_sample(struct wtcp *t, u64 r)
{
	u64 d;

	if (!t->srtt) {
		t->srtt = r;
		t->rttvar = r / 2;
	} else {
		d = t->srtt > r ? t->srtt - r : r - t->srtt;
		t->rttvar = (3 * t->rttvar + d) / 4;
		t->srtt = (7 * t->srtt + r) / 8;
	}
	t->rto = t->srtt + max(4 * t->rttvar, (u64)1000000);
	t->rto = max(t->rto, WTCP_RTO_MIN);
	t->rto = min(t->rto, WTCP_RTO_MAX);
}

/* Parse a segment: false when it is malformed. */
static bool seg_parse(const u8 *p, size_t len, struct seg *s)
{
	size_t hl;

	if (len < 20)
		return false;
	hl = (size_t)(p[12] >> 4) * 4;
	if (hl < 20 || hl > len)
		return false;
	s->sport = get16(p);
	s->dport = get16(p + 2);
	s->seq = get32(p + 4);
	s->ack = get32(p + 8);
	s->flags = p[13];
	s->win = get16(p + 14);
	s->mss = 0;
	s->data = p + hl;
	s->len = len - hl;
	for (size_t i = 20; i < hl;) {
		u8 kind = p[i], l;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hl)
			break;
		l = p[i + 1];
		if (l < 2 || i + l > hl)
			break;
		if (kind == 2 && l == 4)
			s->mss = get16(p + i + 2);
		i += l;
	}
	return s->sport && s->dport;
}

static void take_mss(struct wtcp *t, const struct seg *s)
{
	u16 peer = s->mss ? s->mss : WTCP_MSS_DEFAULT;

	t->mss = min(peer, t->mss_local);
	if (t->mss < 64)
		t->mss = 64; /* a peer announcing a tiny MSS gets 64-byte segments, not a crawl */
}

/* A SYN for a listener: the user's new connection answers with SYN-ACK. */
static void passive_open(struct wtcp_stack *st, u32 src, u32 dst, const struct seg *s)
{
	struct wtcp *t = st->ops->accept(st, dst, s->dport, src, s->sport);

	if (!t) {
		send_reset(st, src, dst, s);
		return;
	}
	t->irs = s->seq;
	t->rcv_nxt = s->seq + 1;
	t->rcv_adv = t->rcv_nxt;
	t->snd_wnd = s->win;
	t->snd_wl1 = s->seq;
	t->snd_wl2 = t->iss;
	take_mss(t, s);
	t->state = WTCP_SYN_RECV;
	t->rtt_seq = t->iss;
	t->rtt_start = now(t);
	tcb_send(t, t->iss, TH_SYN | TH_ACK, 0, 0);
	arm(t, now(t) + t->rto);
}

static void syn_sent_input(struct wtcp *t, const struct seg *s)
{
	bool ack = s->flags & TH_ACK;

	if (ack && (wtcp_seq_le(s->ack, t->iss) || wtcp_seq_lt(t->snd_max, s->ack))) {
		send_reset(t->st, t->raddr, t->laddr, s);
		return;
	}
	if (s->flags & TH_RST) {
		if (ack)
			fail(t, -ECONNREFUSED);
		return;
	}
	if (!(s->flags & TH_SYN))
		return;
	t->irs = s->seq;
	t->rcv_nxt = s->seq + 1;
	t->rcv_adv = t->rcv_nxt;
	t->snd_wnd = s->win;
	t->snd_wl1 = s->seq;
	t->snd_wl2 = s->ack;
	take_mss(t, s);
	if (!ack) { /* simultaneous open */
		t->state = WTCP_SYN_RECV;
		tcb_send(t, t->iss, TH_SYN | TH_ACK, 0, 0);
		return;
	}
	t->snd_una = s->ack;
	if (t->rtt_start)
		rtt_sample(t, now(t) - t->rtt_start);
	t->rtt_start = 0;
	t->retries = 0;
	t->state = WTCP_ESTABLISHED;
	arm(t, 0);
	send_ack(t);
	t->st->ops->event(t, WTCP_EV_CONNECTED, 0);
	output(t);
}

/* Is s acceptable in our receive window (RFC 9293 3.10.7.4)? */
static bool seq_acceptable(struct wtcp *t, const struct seg *s)
{
	u32 seglen = (u32)s->len + !!(s->flags & TH_SYN) + !!(s->flags & TH_FIN);
	u32 wnd = (u32)min(t->st->ops->rcv_space(t), (size_t)WTCP_WND_MAX);

	if (wtcp_seq_lt(t->rcv_nxt + wnd, t->rcv_adv))
		wnd = t->rcv_adv - t->rcv_nxt; /* what we advertised stays acceptable */
	if (!wnd)
		return s->seq == t->rcv_nxt;
	if (!seglen)
		return wtcp_seq_le(t->rcv_nxt, s->seq) && wtcp_seq_lt(s->seq, t->rcv_nxt + wnd);
	return (wtcp_seq_le(t->rcv_nxt, s->seq) && wtcp_seq_lt(s->seq, t->rcv_nxt + wnd)) ||
	       (wtcp_seq_le(t->rcv_nxt, s->seq + seglen - 1) &&
		wtcp_seq_lt(s->seq + seglen - 1, t->rcv_nxt + wnd));
}

/* RST and SYN in a synchronized state; true when s was consumed (or t is gone). */
static bool rst_syn_input(struct wtcp *t, const struct seg *s)
{
	if (s->flags & TH_RST) {
		if (s->seq != t->rcv_nxt) {
			send_ack(t); /* challenge ACK (RFC 5961) */
			return true;
		}
		if (t->state == WTCP_SYN_RECV)
			fail(t, -ECONNREFUSED);
		else if (t->state == WTCP_CLOSING || t->state == WTCP_LAST_ACK ||
			 t->state == WTCP_TIME_WAIT)
			fail(t, 0);
		else
			fail(t, -ECONNRESET);
		return true;
	}
	if (s->flags & TH_SYN) {
		if (t->state == WTCP_SYN_RECV && s->seq == t->irs)
			tcb_send(t, t->iss, TH_SYN | TH_ACK, 0, 0); /* our SYN-ACK was lost */
		else
			send_ack(t);
		return true;
	}
	return false;
}

/* Our data up to s->ack was received: drop it from the send buffer. */
static void ack_advance(struct wtcp *t, const struct seg *s)
{
	u32 acked = s->ack - t->snd_una;

	if (t->snd_una == t->iss)
		acked--;
	if (t->fin_queued && wtcp_seq_lt(t->fin_seq, s->ack))
		acked--;
	if (acked)
		t->st->ops->snd_acked(t, acked);
	if (t->rtt_start && wtcp_seq_lt(t->rtt_seq, s->ack)) {
		rtt_sample(t, now(t) - t->rtt_start);
		t->rtt_start = 0;
	}
	t->snd_una = s->ack;
	if (wtcp_seq_lt(t->snd_nxt, t->snd_una))
		t->snd_nxt = t->snd_una;
	t->retries = 0;
	t->soft_err = 0;
	t->dupacks = 0;
	t->persist = false;
	arm(t, t->snd_una == t->snd_max ? 0 : now(t) + t->rto);
}

/* The ACK field of s; false when processing stops (t may be gone). */
static bool ack_input(struct wtcp *t, const struct seg *s)
{
	bool fin_acked;

	if (t->state == WTCP_SYN_RECV) {
		if (!wtcp_seq_lt(t->snd_una, s->ack) || wtcp_seq_lt(t->snd_max, s->ack)) {
			send_reset(t->st, t->raddr, t->laddr, s);
			return false;
		}
		t->state = t->fin_queued ? WTCP_FIN_WAIT1 : WTCP_ESTABLISHED;
		if (t->st->ops->event(t, WTCP_EV_CONNECTED, 0) < 0) {
			wtcp_abort(t); /* the user refused it (the listener went away) */
			return false;
		}
	}
	if (wtcp_seq_lt(t->snd_max, s->ack)) {
		send_ack(t);
		return false;
	}
	if (wtcp_seq_lt(t->snd_una, s->ack)) {
		ack_advance(t, s);
	} else if (s->ack == t->snd_una && !s->len && s->win == t->snd_wnd &&
		   t->snd_una != t->snd_max && !(s->flags & TH_FIN) && ++t->dupacks == 3) {
		t->snd_nxt = t->snd_una; /* fast retransmit (go-back-N) */
		t->rtt_start = 0;
	}
	if (wtcp_seq_lt(t->snd_wl1, s->seq) ||
	    (t->snd_wl1 == s->seq && wtcp_seq_le(t->snd_wl2, s->ack))) {
		t->snd_wnd = s->win;
		t->snd_wl1 = s->seq;
		t->snd_wl2 = s->ack;
	}
	fin_acked = t->fin_queued && wtcp_seq_lt(t->fin_seq, t->snd_una);
	if (!fin_acked)
		return true;
	if (t->state == WTCP_FIN_WAIT1) {
		t->state = WTCP_FIN_WAIT2;
		if (t->orphan)
			arm(t, now(t) + WTCP_FIN_TIMEOUT_NS);
	} else if (t->state == WTCP_CLOSING) {
		enter_time_wait(t);
	} else if (t->state == WTCP_LAST_ACK) {
		fail(t, 0);
		return false;
	}
	return true;
}

/* Data and FIN of s; whether an ACK is due. */
static bool data_input(struct wtcp *t, const struct seg *s)
{
	const u8 *data = s->data;
	size_t len = s->len, taken = 0;
	u32 seq = s->seq;
	bool fin = s->flags & TH_FIN;

	if (t->state != WTCP_ESTABLISHED && t->state != WTCP_FIN_WAIT1 &&
	    t->state != WTCP_FIN_WAIT2)
		return len || fin;
	if (wtcp_seq_lt(seq, t->rcv_nxt)) {
		u32 skip = t->rcv_nxt - seq;

		if (skip > len) { /* all old, the FIN (if any) too */
			fin = false;
			skip = (u32)len;
		}
		data += skip;
		len -= skip;
		seq += skip;
	}
	if (seq != t->rcv_nxt) {
		t->st->stats.dropped_ooo++;
		return true;
	}
	if (len) {
		size_t n = min(len, t->st->ops->rcv_space(t));

		taken = n ? t->st->ops->deliver(t, data, n) : 0;
		t->rcv_nxt += (u32)taken;
		t->bytes_in += taken;
	}
	if (fin && taken == len) {
		t->rcv_nxt++;
		t->st->ops->event(t, WTCP_EV_FIN, 0);
		if (t->state == WTCP_ESTABLISHED)
			t->state = WTCP_CLOSE_WAIT;
		else if (t->state == WTCP_FIN_WAIT1)
			t->state = WTCP_CLOSING;
		else if (t->state == WTCP_FIN_WAIT2)
			enter_time_wait(t);
	}
	return len || fin;
}

static void tcb_input(struct wtcp *t, const struct seg *s)
{
	if (t->state == WTCP_SYN_SENT) {
		syn_sent_input(t, s);
		return;
	}
	if (!seq_acceptable(t, s)) {
		/* An old segment (or a probe) is answered; a bare ACK from beyond the window
		 * is not (two such answers could bounce forever). */
		if (!(s->flags & TH_RST) &&
		    (s->len || (s->flags & (TH_SYN | TH_FIN)) || wtcp_seq_lt(s->seq, t->rcv_nxt)))
			send_ack(t);
		if (t->state == WTCP_TIME_WAIT && (s->flags & TH_FIN))
			arm(t, now(t) + WTCP_TW_NS);
		return;
	}
	if (rst_syn_input(t, s) || !(s->flags & TH_ACK))
		return;
	if (!ack_input(t, s))
		return;
	if (data_input(t, s) && t->listed)
		send_ack(t);
	if (t->listed)
		output(t);
}

void wtcp_input(struct wtcp_stack *st, uint32_t src, uint32_t dst, const void *seg,
		size_t len)
{
	struct seg s;
	struct wtcp *t;

	st->stats.in_segs++;
	if (!seg_parse(seg, len, &s)) {
		st->stats.bad_hdr++;
		return;
	}
	if (wtcp_csum(src, dst, seg, len)) {
		st->stats.bad_csum++;
		return;
	}
	t = wtcp_lookup(st, dst, s.dport, src, s.sport);
	if (t && t->state != WTCP_CLOSED) {
		tcb_input(t, &s);
		return;
	}
	if ((s.flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN)
		passive_open(st, src, dst, &s);
	else
		send_reset(st, src, dst, &s);
}
