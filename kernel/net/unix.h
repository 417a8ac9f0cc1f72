/*
 * AF_UNIX internals shared by af_unix.c (names, connections, life) and unix_msg.c (data,
 * readiness, shutdown).
 */
#ifndef NET_UNIX_H
#define NET_UNIX_H

#include "kernel.h"
#include "fs.h"
#include "net.h"

/* A bound name, shared by a listener and the sockets it accepted. */
struct unix_addr {
	int refcount;
	int len;                  /* bytes of sun used: family, then the name */
	struct sockaddr_un sun;
};

struct unix_sock {
	struct socket sk;
	struct unix_addr *addr;   /* our name (holds a reference), or NULL when unbound */
	bool owns_name;           /* bound by bind/autobind (accepted sockets share addr only) */
	struct path path;         /* filesystem names: the S_IFSOCK node (holds references) */
	struct unix_sock *peer;   /* connected peer (holds a reference), or NULL */
	struct list_head link;    /* in unix_all while open */
	bool dead;                /* released: no longer reachable */
	struct list_head acceptq; /* listener: connected sockets not yet accepted */
	struct list_head q_link;  /* in a listener's acceptq */
	int backlog, nr_accept;
	struct kucred listen_cred; /* listener: credentials at listen() for its clients */
	struct unix_sock *listener; /* embryo: the listener whose queue holds it (no reference) */
	int inflight;             /* references to our file from queued rights (unix_gc.c) */
	bool gc_cand, gc_alive;   /* garbage collection marks */
	struct list_head gc_link; /* on the collector's work list */
};

#define unix_sk(s) container_of(s, struct unix_sock, sk)
#define UNIX_MAX_DGRAM_QLEN 512
#define UNIX_GC_TRIGGER 1000 /* sockets in flight that make a send collect first */

extern const struct proto_ops unix_stream_ops, unix_dgram_ops, unix_seqpacket_ops;
/* Every AF_UNIX socket not yet released (embryos included). */
extern struct list_head unix_all;

/* ---- unix_gc.c */
/* Collect the sockets that only unreachable queued rights keep alive (cycles). */
void unix_gc(void);
/* AF_UNIX sockets among the files in flight, all queues together. */
extern long unix_inflight_total;

/* ---- af_unix.c */
/*
 * The open socket bound to the guest address (addr, len), with a reference, or NULL and
 * *err (-ECONNREFUSED, or the path lookup's error for filesystem names).
 */
struct unix_sock *unix_find(const void *addr, int len, int type, int *err);
/* Give an unbound socket an abstract name of five hex digits (SO_PASSCRED senders). */
int unix_autobind(struct unix_sock *u);
/* The address of u (at least the family) into buf; its length. */
int unix_fill_addr(const struct unix_sock *u, void *buf);
int unix_getname(struct socket *s, void *buf, bool peer);
int unix_socketpair(struct socket *a, struct socket *b);
int unix_bind(struct socket *s, const void *addr, int len);
int unix_stream_connect(struct socket *s, const void *addr, int len, bool nonblock);
int unix_dgram_connect(struct socket *s, const void *addr, int len, bool nonblock);
int unix_listen(struct socket *s, int backlog);
int unix_accept(struct socket *s, struct socket **out, bool nonblock);
void unix_release(struct socket *s);
void unix_destroy(struct socket *s);

/* ---- unix_msg.c */
ssize_t unix_stream_sendmsg(struct socket *s, struct kmsg *m);
ssize_t unix_stream_recvmsg(struct socket *s, struct kmsg *m);
ssize_t unix_dgram_sendmsg(struct socket *s, struct kmsg *m);
ssize_t unix_dgram_recvmsg(struct socket *s, struct kmsg *m);
ssize_t unix_seqpacket_sendmsg(struct socket *s, struct kmsg *m);
ssize_t unix_seqpacket_recvmsg(struct socket *s, struct kmsg *m);
unsigned unix_poll(struct socket *s, struct file *f, struct poll_table *pt);
long unix_ioctl(struct socket *s, unsigned cmd, u64 arg);
int unix_shutdown(struct socket *s, int how);
int unix_setsockopt(struct socket *s, int level, int name, const void *val, unsigned len);
int unix_getsockopt(struct socket *s, int level, int name, void *val, unsigned *len);

#endif
