/*
 * The TCP engine of the packet NICs, input side (RFC 9293 3.10.7): segments are parsed
 * with every length checked against the segment, their checksum verified, and run through
 * the state machine of their connection (or answered for a listener, or with a reset);
 * RTT samples and the MSS option are taken here. Output, timers and the user's calls are
 * in wtcp.c.
 */
#include "kernel.h"
#include "net.h"
#include "wtcp.h"
#include "wtcp_int.h"

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u16 get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
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

/* Take the peer's side from its SYN: its sequence start, window and MSS. */
static void take_syn(struct wtcp *t, const struct seg *s, u32 wl2)
{
	t->irs = s->seq;
	t->rcv_nxt = s->seq + 1;
	t->rcv_adv = t->rcv_nxt;
	t->snd_wnd = s->win;
	t->snd_wl1 = s->seq;
	t->snd_wl2 = wl2;
	take_mss(t, s);
}

/* A SYN for a listener: the user's new connection answers with SYN-ACK. */
static void passive_open(struct wtcp_stack *st, u32 src, u32 dst, const struct seg *s)
{
	struct wtcp *t = st->ops->accept(st, dst, s->dport, src, s->sport);

	if (!t) {
		wtcp_send_reset(st, src, dst, s);
		return;
	}
	take_syn(t, s, t->iss);
	t->state = WTCP_SYN_RECV;
	t->rtt_seq = t->iss;
	t->rtt_start = wtcp_now(t);
	wtcp_tcb_send(t, t->iss, TH_SYN | TH_ACK, 0, 0);
	wtcp_arm(t, wtcp_now(t) + t->rto);
}

static void syn_sent_input(struct wtcp *t, const struct seg *s)
{
	bool ack = s->flags & TH_ACK;

	if (ack && (wtcp_seq_le(s->ack, t->iss) || wtcp_seq_lt(t->snd_max, s->ack))) {
		wtcp_send_reset(t->st, t->raddr, t->laddr, s);
		return;
	}
	if (s->flags & TH_RST) {
		if (ack)
			wtcp_fail(t, -ECONNREFUSED);
		return;
	}
	if (!(s->flags & TH_SYN))
		return;
	take_syn(t, s, s->ack);
	if (!ack) { /* simultaneous open */
		t->state = WTCP_SYN_RECV;
		wtcp_tcb_send(t, t->iss, TH_SYN | TH_ACK, 0, 0);
		return;
	}
	t->snd_una = s->ack;
	if (t->rtt_start)
		rtt_sample(t, wtcp_now(t) - t->rtt_start);
	t->rtt_start = 0;
	t->retries = 0;
	t->state = WTCP_ESTABLISHED;
	wtcp_arm(t, 0);
	wtcp_send_ack(t);
	t->st->ops->event(t, WTCP_EV_CONNECTED, 0);
	wtcp_push(t);
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
			wtcp_send_ack(t); /* challenge ACK (RFC 5961) */
			return true;
		}
		if (t->state == WTCP_SYN_RECV)
			wtcp_fail(t, -ECONNREFUSED);
		else if (t->state == WTCP_CLOSING || t->state == WTCP_LAST_ACK ||
			 t->state == WTCP_TIME_WAIT)
			wtcp_fail(t, 0);
		else
			wtcp_fail(t, -ECONNRESET);
		return true;
	}
	if (s->flags & TH_SYN) {
		if (t->state == WTCP_SYN_RECV && s->seq == t->irs)
			wtcp_tcb_send(t, t->iss, TH_SYN | TH_ACK, 0, 0); /* our SYN-ACK was lost */
		else
			wtcp_send_ack(t);
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
		rtt_sample(t, wtcp_now(t) - t->rtt_start);
		t->rtt_start = 0;
	}
	t->snd_una = s->ack;
	if (wtcp_seq_lt(t->snd_nxt, t->snd_una))
		t->snd_nxt = t->snd_una;
	t->retries = 0;
	t->soft_err = 0;
	t->dupacks = 0;
	t->persist = false;
	wtcp_arm(t, t->snd_una == t->snd_max ? 0 : wtcp_now(t) + t->rto);
}

/* The ACK field of s; false when processing stops (t may be gone). */
static bool ack_input(struct wtcp *t, const struct seg *s)
{
	bool fin_acked;

	if (t->state == WTCP_SYN_RECV) {
		if (!wtcp_seq_lt(t->snd_una, s->ack) || wtcp_seq_lt(t->snd_max, s->ack)) {
			wtcp_send_reset(t->st, t->raddr, t->laddr, s);
			return false;
		}
		t->state = t->fin_queued ? WTCP_FIN_WAIT1 : WTCP_ESTABLISHED;
		if (t->st->ops->event(t, WTCP_EV_CONNECTED, 0) < 0) {
			wtcp_abort(t); /* the user refused it (the listener went away) */
			return false;
		}
	}
	if (wtcp_seq_lt(t->snd_max, s->ack)) {
		wtcp_send_ack(t);
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
			wtcp_arm(t, wtcp_now(t) + WTCP_FIN_TIMEOUT_NS);
	} else if (t->state == WTCP_CLOSING) {
		wtcp_enter_time_wait(t);
	} else if (t->state == WTCP_LAST_ACK) {
		wtcp_fail(t, 0);
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
			wtcp_enter_time_wait(t);
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
			wtcp_send_ack(t);
		if (t->state == WTCP_TIME_WAIT && (s->flags & TH_FIN))
			wtcp_arm(t, wtcp_now(t) + WTCP_TW_NS);
		return;
	}
	if (rst_syn_input(t, s) || !(s->flags & TH_ACK))
		return;
	if (!ack_input(t, s))
		return;
	if (data_input(t, s) && t->listed)
		wtcp_send_ack(t);
	if (t->listed)
		wtcp_push(t);
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
		wtcp_send_reset(st, src, dst, &s);
}
