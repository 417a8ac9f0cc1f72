/*
 * Private declarations of eth0=slirp's kernel half: slirp.c (options, the eth device,
 * address mapping, the host event loop) and slirp_nat.c (the TCP and UDP relays).
 */
#ifndef DRIVERS_NET_SLIRP_H
#define DRIVERS_NET_SLIRP_H

#include "kernel.h"
#include "list.h"
#include "net.h"
#include "sched.h"
#include "../../kernel/net/internal.h"

/* QEMU's user-networking addresses, in host order. */
#define SLIRP_NET 0x0a000200u     /* 10.0.2.0/24 */
#define SLIRP_MASK 0xffffff00u
#define SLIRP_HOST 0x0a000202u    /* 10.0.2.2: the host's loopback */
#define SLIRP_DNS 0x0a000203u     /* 10.0.2.3: the host's resolver */
#define SLIRP_GUEST 0x0a00020fu   /* 10.0.2.15: eth0 */
#define SLIRP_FWD_MAX 16

enum nat_kind { NAT_TCP, NAT_TCP_LISTEN, NAT_UDP, NAT_UDP_FWD };

/* A hostfwd rule: host ip:port -> guest port (udp or tcp). */
struct slirp_fwd {
	bool udp;
	u32 host_ip;               /* network order; 0: every address */
	u16 host_port, guest_port;
	u32 guest_ip;              /* network order */
};

/* One host socket of the NAT and what it serves. */
struct nat_conn {
	struct list_head link;     /* in nat_conns, or the dead list */
	int kind;                  /* enum nat_kind */
	int fd;                    /* the host socket; -1 once closed */
	unsigned watching;         /* SLIRP_EV_* asked for */
	bool dead;                 /* closed: freed at the next slirp_poll */
	bool busy, again;          /* in nat_tcp_service (re-entry runs it again) */
	/* NAT_TCP */
	struct inet_sock *proxy;   /* the host end (holds a reference) */
	struct wait_entry we;      /* on the proxy's wait queue */
	bool connecting, host_eof, wr_shut;
	/* NAT_UDP: the guest socket (no reference: its release kills this first) */
	struct inet_sock *guest;
	/* NAT_TCP_LISTEN, NAT_UDP_FWD */
	const struct slirp_fwd *fwd;
	u32 peer_ip;               /* NAT_UDP_FWD: the last host client (network order) */
	u16 peer_port;
};

extern struct list_head nat_conns;

/* slirp.c */
/* Map a guest destination to the host's: 0 with *ip (network order), *port; or -errno. */
int slirp_map_out(const struct inaddr *a, u16 port, u32 *ip, u16 *hport);
/* Map a host source back to what the guest sees. */
void slirp_map_in(u32 ip, u16 port, struct inaddr *a, u16 *gport);
/* A new conn of kind (fd -1, on nat_conns), or NULL. */
struct nat_conn *nat_conn_new(int kind);
/* Close c's host socket and retire it (freed later, at a safe point). */
void nat_conn_kill(struct nat_conn *c, bool reset);
/* Ask the host for exactly these events of c. */
void nat_watch(struct nat_conn *c, unsigned events);
/* Account traffic on the eth device. */
void slirp_count(bool tx, size_t len);

/* slirp_nat.c */
void nat_tcp_service(struct nat_conn *c);
void nat_tcp_accept(struct nat_conn *l);
void nat_udp_rx(struct nat_conn *c);
void nat_udp_fwd_rx(struct nat_conn *c);
/* Release what a dead conn holds (the proxy). */
void nat_conn_drop(struct nat_conn *c);

#endif
