/*
 * Sockets (kernel/net/): the guest ABI of the socket calls that UAPI headers do not carry,
 * the generic socket object, the operations a protocol family implements, and message
 * buffers (skbs).
 *
 * Shape: a struct socket is the generic part of every socket, embedded first in the
 * family's own struct (unix_sock, inet_sock, netlink_sock) and recovered with container_of.
 * An open socket is a file (sock_fops) on an S_IFSOCK inode of the internal sockfs
 * superblock; f->private is the socket. Families register a create function by number.
 *
 * Ownership: a socket is reference counted (sock_get/sock_put). References are held by its
 * open file, by a connected peer, by the accept queue of a listener, and by every skb
 * charged to it as sender (skb->owner). When the file goes, ops->release disconnects the
 * socket; when the last reference goes, ops->destroy frees it.
 *
 * Concurrency: kernel code is single-threaded (kernel/sched.c); a task that must wait
 * sleeps on s->wq with sock_wait_event, which honours signals and SO_RCVTIMEO/SO_SNDTIMEO.
 */
#ifndef NET_H
#define NET_H

#include "kernel.h"
#include "list.h"
#include "sched.h"

#include <asm/socket.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/sockios.h>
#include <linux/un.h>

struct file;
struct poll_table;
struct iov_iter;

/* ---- guest ABI constants that UAPI leaves to the C library */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17
#define AF_MAX 46

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC O_CLOEXEC

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_CONFIRM 0x800
#define MSG_ERRQUEUE 0x2000
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_WAITFORONE 0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD 253

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

#define SOL_IP 0
#define SOL_TCP 6
#define SOL_UDP 17
#define SOL_IPV6 41
#define SOL_ICMPV6 58
#define SOL_RAW 255
#define SOL_NETLINK 270

#define SOMAXCONN 4096
#define SOCKADDR_MAX 128 /* sizeof(struct sockaddr_storage) */

typedef __kernel_sa_family_t sa_family_t;

/* struct msghdr, struct cmsghdr, struct mmsghdr and struct ucred as a guest lays them out. */
struct umsghdr {
	u64 name;
	u32 namelen;
	u32 pad0;
	u64 iov;
	u64 iovlen;
	u64 control;
	u64 controllen;
	s32 flags;
	u32 pad1;
};

struct ummsghdr {
	struct umsghdr hdr;
	u32 len;
	u32 pad;
};

struct ucmsghdr {
	u64 len;
	s32 level;
	s32 type;
};

#define UCMSG_ALIGN(n) ALIGN_UP((u64)(n), 8)
#define UCMSG_SPACE(n) (sizeof(struct ucmsghdr) + UCMSG_ALIGN(n))
#define UCMSG_LEN(n) (sizeof(struct ucmsghdr) + (n))

struct kucred {
	u32 pid;
	u32 uid;
	u32 gid;
};

struct ulinger {
	s32 onoff;
	s32 linger;
};

/* Byte order: the guest is little-endian x86_64, the network big-endian. */
static inline u16 net_htons(u16 v)
{
	return __builtin_bswap16(v);
}
static inline u32 net_htonl(u32 v)
{
	return __builtin_bswap32(v);
}
#define net_ntohs net_htons
#define net_ntohl net_htonl

/* ---- messages */

/* Files in flight (SCM_RIGHTS): each pointer holds a reference. */
struct scm_fp {
	int count;
	struct scm_fp *next;  /* on the list of rights being dropped (skbuff.c) */
	struct file *files[SCM_MAX_FD];
};

#define SKB_ADDR_MAX 112 /* the largest source address a queued message carries (AF_UNIX) */

/*
 * A message buffer: one datagram, or a piece of a byte stream. data[off, len) is unread.
 * owner (when set) is the sending socket, charged truesize in its wmem until the skb is
 * freed; the skb holds a reference on it.
 */
struct skb {
	struct list_head link;     /* in the receiving socket's rxq */
	struct socket *owner;      /* sender charged for it (holds a reference), or NULL */
	u32 truesize;              /* bytes of memory charged */
	u32 len, off;
	u16 addrlen;               /* source address (datagrams), 0 when none */
	u8 addr[SKB_ADDR_MAX];
	bool has_cred;             /* cred carries the sender's credentials */
	struct kucred cred;
	struct scm_fp *fp;         /* SCM_RIGHTS files (owned), or NULL */
	bool fp_tracked;           /* fp's AF_UNIX sockets are counted in flight (unix_gc.c) */
	u8 ttl;                    /* hop limit seen by the receiver (IP_RECVTTL, IPV6_HOPLIMIT) */
	u8 tclass;                 /* traffic class / TOS seen (IPV6_RECVTCLASS, IP_RECVTOS) */
	char data[];
};

#define KMSG_EXTRA_MAX 4
#define KMSG_EXTRA_DATA 32

/* One ancillary item for recvmsg besides rights and credentials (IP_TTL...). */
struct kcmsg {
	int level, type, len;
	u8 data[KMSG_EXTRA_DATA];
};

/*
 * A send or receive in progress (the kernel's msghdr). Send: it (data), name (destination
 * or namelen 0), fp/cred (ancillary data to pass). Receive: it (room), name (source, out),
 * fp/cred/extra (what arrived), msg_flags (MSG_TRUNC, MSG_EOR... out).
 */
struct kmsg {
	struct iov_iter *it;
	size_t len;                 /* bytes asked for */
	int flags;                  /* MSG_* of the call */
	bool nonblock;              /* MSG_DONTWAIT or O_NONBLOCK */
	u8 name[SOCKADDR_MAX];
	int namelen;
	struct scm_fp *fp;          /* owned by the kmsg until given away */
	bool has_cred;
	struct kucred cred;
	int msg_flags;
	u8 ttl;                     /* receive: the datagram's hop limit (skb->ttl) */
	u8 tclass;                  /* receive: its traffic class (skb->tclass) */
	int send_ttl;               /* send: IP_TTL / IPV6_HOPLIMIT given as cmsg, plus 1; 0: none */
	int send_tclass;            /* send: IP_TOS / IPV6_TCLASS given as cmsg, plus 1; 0: none */
	int nextra;
	struct kcmsg extra[KMSG_EXTRA_MAX];
};

/* ---- sockets */

#define SOCK_OPT_REUSEADDR 0x1
#define SOCK_OPT_REUSEPORT 0x2
#define SOCK_OPT_KEEPALIVE 0x4
#define SOCK_OPT_BROADCAST 0x8
#define SOCK_OPT_PASSCRED 0x10
#define SOCK_OPT_OOBINLINE 0x20
#define SOCK_OPT_LINGER 0x40
#define SOCK_OPT_DONTROUTE 0x80
#define SOCK_OPT_TIMESTAMP 0x100
#define SOCK_OPT_RCVBUF_LOCK 0x200
#define SOCK_OPT_SNDBUF_LOCK 0x400

struct socket {
	int family, type, protocol;
	int state;                    /* SS_UNCONNECTED, SS_CONNECTING, SS_CONNECTED */
	bool listening;               /* accepts connections (SO_ACCEPTCONN) */
	const struct proto_ops *ops;
	int refcount;                 /* see the header comment */
	struct file *file;            /* the open file (no reference); NULL once closed */
	u64 ino;                      /* inode number: socket:[ino], /proc/net */
	u32 uid;                      /* creator's fsuid */
	struct wait_queue_head wq;    /* every sleeper and poller of this socket */
	unsigned shutdown;            /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	int err;                      /* pending error (negative errno) for SO_ERROR, or 0 */
	struct list_head rxq;         /* received skbs, oldest first */
	u32 rxq_len;                  /* skbs queued */
	u32 rxq_bytes;                /* unread data bytes queued */
	u32 rmem;                     /* truesize of queued skbs */
	u32 wmem;                     /* truesize of our sent skbs not yet freed */
	u32 rcvbuf, sndbuf;
	int rcvlowat;
	u64 rcvtimeo, sndtimeo;       /* ns; 0: no timeout */
	unsigned opt;                 /* SOCK_OPT_* */
	int linger;                   /* seconds (SO_LINGER, with SOCK_OPT_LINGER) */
	u32 mark;
	int priority;
	struct kucred peercred;       /* SO_PEERCRED: {0, -1, -1} unless the family sets it */
	u64 rx_dropped;               /* datagrams dropped on a full queue (/proc/net drops) */
	u64 rx_read;                  /* stream bytes consumed so far */
	bool urg_valid;               /* TCP urgent data: its mark is urg_mark (stream offset) */
	bool urg_read;                /* the out-of-band byte was taken with MSG_OOB */
	u8 urg_byte;                  /* the out-of-band byte (without SO_OOBINLINE) */
	u64 urg_mark;
};

struct proto_ops {
	/* Functions returning int give 0 or -errno unless said otherwise. */
	int (*bind)(struct socket *s, const void *addr, int len);
	int (*connect)(struct socket *s, const void *addr, int len, bool nonblock);
	int (*listen)(struct socket *s, int backlog);
	/* Take a connection: *out is the new socket with one reference (for its file). */
	int (*accept)(struct socket *s, struct socket **out, bool nonblock);
	/* The local (peer false) or remote address into buf (SOCKADDR_MAX); its length. */
	int (*getname)(struct socket *s, void *buf, bool peer);
	unsigned (*poll)(struct socket *s, struct file *f, struct poll_table *pt);
	/* Family ioctls; -ENOIOCTLCMD when not one (generic ones are tried then). */
	long (*ioctl)(struct socket *s, unsigned cmd, u64 arg);
	int (*shutdown)(struct socket *s, int how);
	/* Options of levels other than SOL_SOCKET; val is a kernel copy of len bytes. */
	int (*setsockopt)(struct socket *s, int level, int name, const void *val, unsigned len);
	/* *len: room in val on entry, bytes produced on return. */
	int (*getsockopt)(struct socket *s, int level, int name, void *val, unsigned *len);
	/* Bytes sent or -errno. */
	ssize_t (*sendmsg)(struct socket *s, struct kmsg *m);
	/* Bytes received (or the datagram's size with MSG_TRUNC) or -errno. */
	ssize_t (*recvmsg)(struct socket *s, struct kmsg *m);
	/* Connect two fresh sockets (socketpair); NULL: -EOPNOTSUPP. */
	int (*socketpair)(struct socket *a, struct socket *b);
	/* The file was closed: disconnect, unbind, drop queued data. */
	void (*release)(struct socket *s);
	/* The last reference went: free the socket. */
	void (*destroy)(struct socket *s);
};

#define ENOIOCTLCMD 515

/* A family's constructor: allocate and initialise (sock_init) a socket of type/protocol. */
typedef int (*net_create_fn)(int type, int protocol, bool kern, struct socket **out);

/* ---- drivers/net/slirp.c */
/* Serve eth0=slirp's host sockets that are ready (on SIGIO and on the tick). */
void slirp_poll(void);
/* ---- drivers/net/pkt.c */
/* Read the frames the packet NICs received (on SIGIO and on the tick); run ARP's timers. */
void pkt_poll(void);

/* ---- socket.c */
/* Initialise the generic part of a new socket (refcount 1, default buffers). */
void sock_init(struct socket *s, int family, int type, int protocol,
	       const struct proto_ops *ops);
void sock_get(struct socket *s);
void sock_put(struct socket *s);
/* The socket of an open file, or NULL when it is not a socket. */
struct socket *sock_from_file(struct file *f);
/* Give s an open file (O_RDWR | flags) and a descriptor; the fd or -errno (s is released). */
int sock_install_fd(struct socket *s, unsigned flags);
/* Wake every sleeper and poller of s. */
void sock_wake(struct socket *s);
/*
 * Sleep once on s->wq (already queued by the caller) until woken, the deadline (absolute
 * ns, 0: none) or a signal: 0, -EAGAIN at the deadline, -ERESTARTSYS (no deadline) or
 * -EINTR (with one) on a signal.
 */
int sock_sleep(u64 deadline);
/* The deadline of a wait with timeout ns (0: none). */
u64 sock_deadline(u64 timeo);

/*
 * Wait on the wait queue of s until cond holds; 0 or sock_sleep's errors (cond is checked
 * again after a timeout or signal, so a late success still counts).
 */
#define sock_wait_event(s, deadline, cond)                         \
	({                                                         \
		int __r = 0;                                       \
		struct wait_entry __we = { .task = current };      \
		wait_add(&(s)->wq, &__we);                         \
		while (!(cond)) {                                  \
			__r = sock_sleep(deadline);                \
			if (__r) {                                 \
				if (cond)                          \
					__r = 0;                   \
				break;                             \
			}                                          \
		}                                                  \
		wait_remove(&__we);                                \
		__r;                                               \
	})

/* The current task's credentials as SCM_CREDENTIALS sends them (pid, real uid and gid). */
void sock_current_cred(struct kucred *c);
/* SIGPIPE to the caller unless MSG_NOSIGNAL; returns -EPIPE. */
int sock_epipe(int flags);
/* Register a family's constructor (at boot). */
void net_register_family(int family, net_create_fn create);
/* Every open socket's inode numbers are unique; the sockfs superblock's device. */
int net_init(void);

/* ---- sockopt.c */
/* SOL_SOCKET options common to every family. */
int sock_setsockopt(struct socket *s, int name, const void *val, unsigned len);
int sock_getsockopt(struct socket *s, int name, void *val, unsigned *len);
/* Store an int option value with Linux's length rules; 0 or -EINVAL. */
int sock_put_int(void *val, unsigned *len, int v);
/* Read an int option value (len >= 4, or 1..3 bytes read as a small int). */
int sock_get_int(const void *val, unsigned len, int *v);

/* ---- skbuff.c */
/* A new skb with room for len data bytes (all of them counted in len); NULL when no memory. */
struct skb *skb_alloc(size_t len);
/* Free an skb: uncharge and wake its owner, drop in-flight files. */
void skb_free(struct skb *skb);
/* Charge skb to sender s (a reference is taken). */
void skb_set_owner(struct skb *skb, struct socket *s);
/* Append to s's receive queue and wake its readers. */
void skb_queue_rcv(struct socket *s, struct skb *skb);
/* Unlink an skb from s's receive queue (accounting only; the caller frees it). */
void skb_unlink_rcv(struct socket *s, struct skb *skb);
/* Free everything queued on s. */
void skb_purge_rcv(struct socket *s);
/* Drop in-flight files. */
void scm_fp_free(struct scm_fp *fp);
/* A copy of fp with new references (MSG_PEEK of rights); NULL when no memory. */
struct scm_fp *scm_fp_dup(const struct scm_fp *fp);
/*
 * Receive one datagram from s's queue into m (copy, source address, truncation, rights and
 * credentials); waits unless nonblocking. eof: end of file once the queue is empty
 * (connected sequenced-packet sockets).
 */
ssize_t skb_recv_dgram(struct socket *s, struct kmsg *m, bool (*eof)(struct socket *s));
/*
 * Receive from a byte-stream queue (MSG_PEEK, MSG_WAITALL, SO_RCVLOWAT): stops at the
 * boundaries rights and credentials impose. eof tells when no more data can come.
 */
ssize_t skb_recv_stream(struct socket *s, struct kmsg *m, bool (*eof)(struct socket *s));

/* ---- af_unix.c, inet.c, netlink.c: the families */
int unix_create(int type, int protocol, bool kern, struct socket **out);
int inet_create4(int type, int protocol, bool kern, struct socket **out);
int inet_create6(int type, int protocol, bool kern, struct socket **out);
int netlink_create(int type, int protocol, bool kern, struct socket **out);

/* ---- dev.c: interfaces */
/* The interface ioctls (SIOCGIF*) every socket answers; -ENOIOCTLCMD when cmd is not one. */
long netdev_ioctl(unsigned cmd, u64 arg);
/* Bring up lo with 127.0.0.1/8 and ::1/128. */
int netdev_init(void);

#endif
