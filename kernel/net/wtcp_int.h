/*
 * Shared between the two halves of the TCP engine (wtcp.c: output, timers, the user's
 * calls; wtcp_in.c: input) and nobody else: the header flags, a parsed segment, and the
 * output helpers input needs.
 */
#ifndef NET_WTCP_INT_H
#define NET_WTCP_INT_H

#include "kernel.h"
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

static inline u64 wtcp_now(struct wtcp *t)
{
	return t->st->ops->now(t->st);
}

/* Send a segment of t at seq with flags and len bytes of the send buffer from off. */
bool wtcp_tcb_send(struct wtcp *t, u32 seq, u8 flags, size_t off, size_t len);
/* A bare ACK. */
void wtcp_send_ack(struct wtcp *t);
/* A reset answering segment in (which came from src to dst) when there is nobody. */
void wtcp_send_reset(struct wtcp_stack *st, u32 src, u32 dst, const struct seg *in);
/* Arm the protocol timer (0: stop it). */
void wtcp_arm(struct wtcp *t, u64 when);
/* Send what the window allows; keep the retransmission or persist timer running. */
void wtcp_push(struct wtcp *t);
/* The connection ends with err; the engine forgets t (touch it no more). */
void wtcp_fail(struct wtcp *t, int err);
void wtcp_enter_time_wait(struct wtcp *t);

#endif
