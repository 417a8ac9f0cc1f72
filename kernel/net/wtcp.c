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
 * the host unit test (tests/unit/wtcp_test.c). This file has output, timers and the
 * user's calls; wtcp_in.c the input side.
 */
#include "kernel.h"
#include "net.h"
#include "csum.h"
#include "ip.h"
#include "wtcp.h"
#include "wtcp_int.h"

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
bool wtcp_tcb_send(struct wtcp *t, u32 seq, u8 flags, size_t off, size_t len)
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
void wtcp_send_ack(struct wtcp *t)
{
	wtcp_tcb_send(t, t->snd_max, TH_ACK, 0, 0);
}

/* A reset answering segment s (which came from src to dst), when there is nobody. */
void wtcp_send_reset(struct wtcp_stack *st, u32 src, u32 dst, const struct seg *in)
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

void wtcp_arm(struct wtcp *t, u64 when)
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
	if (!wtcp_tcb_send(t, t->snd_nxt, flags, t->snd_nxt - snd_base(t), n))
		return false;
	if (wtcp_seq_lt(t->snd_nxt, t->snd_max))
		t->st->stats.retrans_segs++;
	else if (!t->rtt_start) {
		t->rtt_seq = t->snd_nxt;
		t->rtt_start = wtcp_now(t);
	}
	t->bytes_out += n;
	t->snd_nxt += (u32)n + !!(flags & TH_FIN);
	if (wtcp_seq_lt(t->snd_max, t->snd_nxt))
		t->snd_max = t->snd_nxt;
	return true;
}

/* Send what the window allows; keep the retransmission or the persist timer running. */
void wtcp_push(struct wtcp *t)
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
			wtcp_arm(t, wtcp_now(t) + t->rto);
		}
	} else if (wtcp_seq_lt(t->snd_nxt, end) && !t->snd_wnd && (!t->timer_at || !t->persist)) {
		t->persist = true; /* stalled by a zero window: probe it */
		wtcp_arm(t, wtcp_now(t) + t->rto);
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
		wtcp_arm(t, 0);
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
void wtcp_fail(struct wtcp *t, int err)
{
	t->state = WTCP_CLOSED;
	tell_closed(t, err);
	forget(t);
}

void wtcp_enter_time_wait(struct wtcp *t)
{
	t->state = WTCP_TIME_WAIT;
	t->persist = false;
	tell_closed(t, 0);
	wtcp_arm(t, wtcp_now(t) + WTCP_TW_NS);
}

void wtcp_connect(struct wtcp *t)
{
	t->state = WTCP_SYN_SENT;
	t->rtt_seq = t->iss;
	t->rtt_start = wtcp_now(t);
	wtcp_tcb_send(t, t->iss, TH_SYN, 0, 0);
	wtcp_arm(t, wtcp_now(t) + t->rto);
}

void wtcp_output(struct wtcp *t)
{
	u32 old;
	u16 w;

	wtcp_push(t);
	if (t->state != WTCP_ESTABLISHED && t->state != WTCP_FIN_WAIT1 &&
	    t->state != WTCP_FIN_WAIT2)
		return;
	/* A window update when the window grew by a segment (or opened from nothing). */
	old = wtcp_seq_lt(t->rcv_nxt, t->rcv_adv) ? t->rcv_adv - t->rcv_nxt : 0;
	w = (u16)min(t->st->ops->rcv_space(t), (size_t)WTCP_WND_MAX);
	if (w >= old + t->mss || (!old && w))
		wtcp_send_ack(t);
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
	wtcp_push(t);
}

void wtcp_orphan(struct wtcp *t)
{
	t->orphan = true;
	if (t->state == WTCP_FIN_WAIT2)
		wtcp_arm(t, wtcp_now(t) + WTCP_FIN_TIMEOUT_NS);
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
		t->first_timeout = tnow - min(t->rto, tnow); /* when the lost segment went */
	t->retries++;
	if (t->retries > limit || (t->state == WTCP_SYN_SENT && t->soft_err) ||
	    (t->user_timeout && tnow - t->first_timeout >= t->user_timeout)) {
		wtcp_fail(t, t->soft_err ? t->soft_err : -ETIMEDOUT);
		return;
	}
	t->rto = min(t->rto * 2, WTCP_RTO_MAX);
	t->rtt_start = 0; /* Karn: no sample from a retransmitted segment */
	t->dupacks = 0;
	t->st->stats.retrans_segs++;
	if (t->state == WTCP_SYN_SENT) {
		wtcp_tcb_send(t, t->iss, TH_SYN, 0, 0);
	} else if (t->state == WTCP_SYN_RECV) {
		wtcp_tcb_send(t, t->iss, TH_SYN | TH_ACK, 0, 0);
	} else {
		t->st->stats.retrans_segs--; /* send_one counts each segment */
		t->snd_nxt = t->snd_una; /* go back N */
		wtcp_push(t);
	}
	if (!t->timer_at)
		t->timer_at = tnow + t->rto;
	/* TCP_USER_TIMEOUT: the last timeout comes when it expires, not a backoff later. */
	if (t->user_timeout && t->first_timeout + t->user_timeout < t->timer_at)
		t->timer_at = max(t->first_timeout + t->user_timeout, tnow + 1);
	wtcp_arm(t, t->timer_at);
}

void wtcp_timeout(struct wtcp *t)
{
	u64 tnow = wtcp_now(t);

	if (t->retry_at && t->retry_at <= tnow) {
		t->retry_at = 0;
		if (t->ack_owed) {
			t->ack_owed = false;
			wtcp_send_ack(t);
		}
		wtcp_push(t);
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
		wtcp_tcb_send(t, t->snd_una - 1, TH_ACK, 0, 0);
		t->rto = min(t->rto * 2, PERSIST_MAX);
		wtcp_arm(t, tnow + t->rto);
		return;
	}
	if (t->snd_una == t->snd_max) {
		program(t);
		return;
	}
	retransmit(t, tnow);
}
