/*
 * The TCP engine of the packet NICs (kernel/net/wtcp.c): RFC 9293's state machine over
 * segments, with no knowledge of sockets. What it needs from its user comes through
 * struct wtcp_ops: sending a segment, the clock, a random ISN, the send buffer (which
 * stays the user's: the engine only peeks at it and says how much was acknowledged),
 * the free receive space, delivery of in-order bytes, events and one timer per
 * connection. The socket glue (wtcp_sock.c) and the host unit test
 * (tests/unit/wtcp_test.c) are its two users.
 *
 * Self-contained (stdint, stdbool, stddef) so that a host test can include it.
 * Addresses are IPv4 in network order; ports in host order.
 */
#ifndef NET_WTCP_H
#define NET_WTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WTCP_MSS_MAX 1460         /* our largest segment (Ethernet's mtu less 40) */
#define WTCP_MSS_DEFAULT 536      /* the peer's when its SYN has no MSS option */
#define WTCP_HDR_MAX 60
#define WTCP_WND_MAX 65535        /* no window scaling: 64 KiB is plenty on a LAN */
#define WTCP_RTO_INIT 1000000000ULL /* ns */
#define WTCP_RTO_MIN 200000000ULL
#define WTCP_RTO_MAX 60000000000ULL
#define WTCP_RETRIES 15           /* retransmissions before ETIMEDOUT */
#define WTCP_SYN_RETRIES 6
#define WTCP_RETRY_NS 2000000ULL  /* a segment the NIC refused (full queue) goes again */
#define WTCP_FIN_TIMEOUT_NS 60000000000ULL /* an orphan's FIN_WAIT2 (Linux's tcp_fin_timeout) */
#define WTCP_TW_NS 2000000000ULL  

/* Connection states, numbered as Linux's (and /proc/net/tcp's) */
enum wtcp_state {
	WTCP_ESTABLISHED = 1, WTCP_SYN_SENT, WTCP_SYN_RECV, WTCP_FIN_WAIT1, WTCP_FIN_WAIT2,
	WTCP_TIME_WAIT, WTCP_CLOSED, WTCP_CLOSE_WAIT, WTCP_LAST_ACK, WTCP_LISTEN,
	WTCP_CLOSING,
};

/* What the engine tells its user about a connection */
enum wtcp_event {
	WTCP_EV_CONNECTED, /* the handshake completed (either side) */
	WTCP_EV_FIN,       /* the peer sent its FIN after all its data */
	WTCP_EV_CLOSED,    /* the connection is over for the user (err 0: orderly) */
	WTCP_EV_FREE,      /* the engine forgot the connection (after TIME_WAIT): free it */
};

struct wtcp;
struct wtcp_stack;

struct wtcp_ops {
	/* Send one segment (header included) from src to dst: 0 or -errno. */
	int (*xmit)(struct wtcp_stack *st, uint32_t src, uint32_t dst, const void *seg,
		    size_t len);
	uint64_t (*now)(struct wtcp_stack *st);       /* monotonic ns */
	uint32_t (*random)(struct wtcp_stack *st);
	/*
	 * A SYN arrived for (laddr, lport) from (raddr, rport): a new connection to set up
	 * with wtcp_init (the engine then answers), or NULL when nobody listens (a reset).
	 */
	struct wtcp *(*accept)(struct wtcp_stack *st, uint32_t laddr, uint16_t lport,
			       uint32_t raddr, uint16_t rport);
	/* Bytes in the send buffer: unacknowledged ones first, then unsent ones. */
	size_t (*snd_len)(struct wtcp *t);
	/* Copy len bytes of the send buffer from offset off (0: the oldest unacknowledged). */
	void (*snd_peek)(struct wtcp *t, size_t off, void *buf, size_t len);
	/* The oldest n bytes were acknowledged: drop them. */
	void (*snd_acked)(struct wtcp *t, size_t n);
	/* Free room for received bytes (the window to advertise). */
	size_t (*rcv_space)(struct wtcp *t);
	/* In-order bytes from the peer; returns how many were taken (<= rcv_space). */
	size_t (*deliver)(struct wtcp *t, const void *data, size_t len);
	/*
	 * Something happened to t. For WTCP_EV_CONNECTED a negative return refuses the
	 * connection (a reset). No wtcp_* call on t may be made from inside a callback.
	 */
	int (*event)(struct wtcp *t, enum wtcp_event ev, int err);
	/* Fire wtcp_timeout(t) at monotonic time when (0: cancel). */
	void (*timer)(struct wtcp *t, uint64_t when);
};

struct wtcp_stats {
	uint64_t in_segs, out_segs, retrans_segs, bad_csum, bad_hdr, rst_out, dropped_ooo;
	uint64_t xmit_errors;      /* segments the NIC refused (retried) */
};

/* One instance of the engine: its connections and the segment being built. */
struct wtcp_stack {
	const struct wtcp_ops *ops;
	struct wtcp *conns;        /* singly linked through wtcp.next */
	struct wtcp_stats stats;
	uint8_t buf[WTCP_HDR_MAX + WTCP_MSS_MAX];
};

/* A connection (transmission control block), embedded in the user's object */
struct wtcp {
	struct wtcp_stack *st;
	struct wtcp *next;
	void *priv;                /* the user's */
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	int state;                 /* enum wtcp_state */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge of the last window advertised */
	uint32_t fin_seq;          /* our FIN's sequence number, when fin_queued */
	bool fin_queued;           /* the user closed: FIN after the buffered data */
	bool listed;               /* on st->conns */
	bool closed_told;          /* WTCP_EV_CLOSED was given */
	bool orphan;               /* the user is gone: FIN_WAIT2 ends after a timeout */
	uint16_t mss, mss_local;   /* sending MSS; what we announce */
	int dupacks;
	int retries;               /* consecutive timeouts */
	uint64_t rto, srtt, rttvar; /* ns; srtt 0: no sample yet */
	uint32_t rtt_seq;          /* the segment being timed (when rtt_start != 0) */
	uint64_t rtt_start;
	uint64_t timer_at;         /* the protocol timer: retransmission, probe, TIME_WAIT */
	uint64_t retry_at;         /* resend what the NIC refused (0: nothing refused) */
	bool ack_owed;             /* a refused segment carried an ACK */
	int soft_err;              /* the last send error other than a full queue */
	uint64_t user_timeout;     /* ns, 0: WTCP_RETRIES decides */
	uint64_t first_timeout;    /* when the current run of timeouts began */
	bool persist;              /* the timer is a zero-window probe */
	uint64_t bytes_in, bytes_out;
};

/* Set up t for the 4-tuple (mss_local 0: WTCP_MSS_MAX); priv is the user's. */
void wtcp_init(struct wtcp_stack *st, struct wtcp *t, uint32_t laddr, uint16_t lport,
	       uint32_t raddr, uint16_t rport, uint16_t mss_local, void *priv);
/* The connection of the 4-tuple, or NULL. */
struct wtcp *wtcp_lookup(struct wtcp_stack *st, uint32_t laddr, uint16_t lport,
			 uint32_t raddr, uint16_t rport);
/* Active open: send the SYN. */
void wtcp_connect(struct wtcp *t);
/* The send buffer grew or the receive space did: send what may be sent. */
void wtcp_output(struct wtcp *t);
/* The user sends no more: a FIN follows the buffered data. */
void wtcp_close(struct wtcp *t);
/* The user is gone (closed, reads nothing more): FIN_WAIT2 is not waited out forever. */
void wtcp_orphan(struct wtcp *t);
/* Abort: a reset to the peer (when synchronized); the engine forgets t at once. */
void wtcp_abort(struct wtcp *t);
/* t's timer fired. */
void wtcp_timeout(struct wtcp *t);
/* A segment from the wire for dst (checksum verified here). */
void wtcp_input(struct wtcp_stack *st, uint32_t src, uint32_t dst, const void *seg,
		size_t len);
/* The segment checksum over the IPv4 pseudo-header, as it goes in the header. */
uint16_t wtcp_csum(uint32_t src, uint32_t dst, const void *seg, size_t len);
/* Sequence-number order with wrap-around. */
static inline bool wtcp_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool wtcp_seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

#endif
