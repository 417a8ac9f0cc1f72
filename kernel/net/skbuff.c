/*
 * Message buffers (skbs) and the receive paths every family shares: one datagram at a time
 * (skb_recv_dgram: unix datagram and seqpacket, UDP, ICMP, netlink) or a byte stream
 * (skb_recv_stream: unix stream, TCP).
 *
 * Accounting: an skb on a receive queue counts its truesize in the receiver's rmem and
 * its unread data in rxq_bytes; an skb with an owner counts its truesize in the owner's
 * wmem until it is freed, which is how senders are flow-controlled (a sender waits for
 * its wmem to drop; skb_free wakes it once at most half of SO_SNDBUF is in use, as
 * Linux's write-space callback does, so a busy reader does not wake its writer for every
 * message). Rights in flight (struct scm_fp) hold file
 * references; they are counted globally and capped, so that a guest cannot pin an
 * unbounded number of files in queues nobody reads (Linux's too_many_unix_fds idea).
 *
 * Dropping rights closes files, which may be sockets whose queues hold more rights: the
 * files are put from a list drained by the outermost scm_fp_free, never by recursion, so
 * a guest's chain of sockets inside sockets cannot run the kernel stack out. Cycles of
 * sockets that only the queues keep alive are found by unix_gc.c.
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "page.h"
#include "slab.h"
#include "task.h"
#include "internal.h"

#define SCM_INFLIGHT_MAX 65536

static unsigned long scm_inflight;

/* ---- skbs */

struct skb *skb_alloc(size_t len)
{
	struct skb *skb;

	if (len > (64U << 20))
		return NULL;
	/*
	 * Queued data is kernel memory a guest asks for: like guest pages, none from the
	 * kernel's reserve (page.h, GFP_USER), or sockets nobody reads could take it all.
	 */
	if (page_nr_free() <= page_nr_reserved())
		return NULL;
	skb = kmalloc(sizeof(*skb) + len);
	if (!skb)
		return NULL;
	memset(skb, 0, sizeof(*skb));
	INIT_LIST_HEAD(&skb->link);
	skb->len = (u32)len;
	skb->truesize = (u32)(len + sizeof(*skb));
	return skb;
}

void skb_set_owner(struct skb *skb, struct socket *s)
{
	sock_get(s);
	skb->owner = s;
	s->wmem += skb->truesize;
}

void skb_free(struct skb *skb)
{
	struct socket *o = skb->owner;

	if (skb->fp_tracked)
		unix_fp_track(skb->fp, -1);
	scm_fp_free(skb->fp);
	if (o) {
		o->wmem -= skb->truesize;
		if ((u64)o->wmem * 2 <= o->sndbuf) /* room for writers, with Linux's hysteresis */
			sock_wake(o);
		sock_put(o);
	}
	kfree(skb);
}

void skb_queue_rcv(struct socket *s, struct skb *skb)
{
	list_add_tail(&skb->link, &s->rxq);
	s->rxq_len++;
	s->rxq_bytes += skb->len - skb->off;
	s->rmem += skb->truesize;
	sock_wake(s);
}

void skb_unlink_rcv(struct socket *s, struct skb *skb)
{
	list_del_init(&skb->link);
	s->rxq_len--;
	s->rxq_bytes -= skb->len - skb->off;
	s->rmem -= skb->truesize;
}

void skb_purge_rcv(struct socket *s)
{
	while (!list_empty(&s->rxq)) {
		struct skb *skb = list_first_entry(&s->rxq, struct skb, link);

		skb_unlink_rcv(s, skb);
		skb_free(skb);
	}
}

/* ---- rights in flight */

/* Count n more files in flight (n < 0: fewer); -ETOOMANYREFS past the cap. */
int scm_inflight_add(int n)
{
	if (n < 0) {
		scm_inflight -= (unsigned long)-n;
		return 0;
	}
	if (scm_inflight + (unsigned long)n > SCM_INFLIGHT_MAX)
		return -ETOOMANYREFS;
	scm_inflight += (unsigned long)n;
	return 0;
}

void scm_fp_free(struct scm_fp *fp)
{
	static struct scm_fp *pending;
	static bool draining;

	if (!fp)
		return;
	fp->next = pending;
	pending = fp;
	if (draining)
		return; /* the outer call drops them */
	draining = true;
	while (pending) {
		fp = pending;
		pending = fp->next;
		for (int i = 0; i < fp->count; i++)
			file_put(fp->files[i]);
		scm_inflight -= (unsigned long)fp->count;
		kfree(fp);
	}
	draining = false;
}

struct scm_fp *scm_fp_dup(const struct scm_fp *fp)
{
	struct scm_fp *n;

	if (scm_inflight_add(fp->count))
		return NULL;
	n = kmalloc(sizeof(*n));
	if (!n) {
		scm_inflight -= (unsigned long)fp->count;
		return NULL;
	}
	n->count = fp->count;
	for (int i = 0; i < fp->count; i++) {
		n->files[i] = fp->files[i];
		file_get(n->files[i]);
	}
	return n;
}

/* Hand an skb's rights and credentials to the receiver (copies when peeking). */
static void skb_give_scm(struct skb *skb, struct kmsg *m, bool peek)
{
	if (skb->has_cred) {
		m->has_cred = true;
		m->cred = skb->cred;
	}
	if (!skb->fp)
		return;
	if (peek) {
		m->fp = scm_fp_dup(skb->fp);
		return;
	}
	if (skb->fp_tracked)
		unix_fp_track(skb->fp, -1);
	skb->fp_tracked = false;
	m->fp = skb->fp;
	skb->fp = NULL;
}

/* ---- datagrams */

static bool dgram_ready(struct socket *s, bool (*eof)(struct socket *s))
{
	return !list_empty(&s->rxq) || s->err || (s->shutdown & RCV_SHUTDOWN) || (eof && eof(s));
}

/* Wait for something to read: 0 when the queue has an skb, 1 at end of file, or -errno. */
static int dgram_wait(struct socket *s, struct kmsg *m, bool (*eof)(struct socket *s))
{
	u64 deadline = sock_deadline(s->rcvtimeo);
	int r;

	for (;;) {
		if (!list_empty(&s->rxq))
			return 0;
		if (s->err) {
			r = s->err;
			s->err = 0;
			return r;
		}
		if (m->nonblock) /* Linux: before end of file is considered, for datagrams */
			return -EAGAIN;
		if ((s->shutdown & RCV_SHUTDOWN) || (eof && eof(s)))
			return 1;
		r = sock_wait_event(s, deadline, dgram_ready(s, eof));
		if (r)
			return r;
	}
}

ssize_t skb_recv_dgram(struct socket *s, struct kmsg *m, bool (*eof)(struct socket *s))
{
	bool peek = m->flags & MSG_PEEK;
	struct skb *skb;
	size_t n, want, c;
	int r = dgram_wait(s, m, eof);

	if (r)
		return r > 0 ? 0 : r;
	skb = list_first_entry(&s->rxq, struct skb, link);
	n = skb->len - skb->off;
	want = min(n, m->it->count);
	c = iter_copy_to(m->it, skb->data + skb->off, want);
	if (c < want && !c)
		return -EFAULT;
	if (n > c)
		m->msg_flags |= MSG_TRUNC;
	memcpy(m->name, skb->addr, skb->addrlen);
	m->namelen = skb->addrlen;
	m->ttl = skb->ttl;
	m->tclass = skb->tclass;
	skb_give_scm(skb, m, peek);
	if (!peek) {
		skb_unlink_rcv(s, skb);
		skb_free(skb);
		sock_wake(s); /* senders waiting for room in our queue */
	}
	return (m->flags & MSG_TRUNC) ? (ssize_t)n : (ssize_t)c;
}

/* ---- byte streams */

struct stream_rd {
	size_t copied, target;
	bool peek, trunc, stop;
	bool passcred;
};

static bool stream_ready(struct socket *s, size_t want, bool (*eof)(struct socket *s))
{
	return s->rxq_bytes >= want || s->err || (s->shutdown & RCV_SHUTDOWN) || eof(s);
}

/*
 * Wait until at least want bytes are queued (or nothing more can come): 0 to go on reading,
 * 1 to stop, or -errno when nothing was read.
 */
static int stream_wait(struct socket *s, struct kmsg *m, struct stream_rd *rd, size_t want,
		       u64 deadline, bool (*eof)(struct socket *s))
{
	int r;

	if (s->rxq_bytes >= want)
		return 0;
	if (s->err) {
		if (rd->copied || s->rxq_bytes)
			return s->rxq_bytes ? 0 : 1;
		r = s->err;
		s->err = 0;
		return r;
	}
	if ((s->shutdown & RCV_SHUTDOWN) || eof(s))
		return s->rxq_bytes ? 0 : 1;
	if (m->nonblock)
		return rd->copied || s->rxq_bytes ? (s->rxq_bytes ? 0 : 1) : -EAGAIN;
	r = sock_wait_event(s, deadline, stream_ready(s, want, eof));
	if (r)
		return rd->copied || s->rxq_bytes ? (s->rxq_bytes ? 0 : 1) : r;
	return 0;
}

/* Copy at most lim bytes from one skb (at data offset off); the bytes taken, or -EFAULT. */
static ssize_t stream_copy(struct skb *skb, u32 off, struct kmsg *m, struct stream_rd *rd,
			   size_t lim)
{
	size_t n = min((size_t)(skb->len - off), lim), c;

	if (rd->trunc) {
		c = n;
	} else {
		c = iter_copy_to(m->it, skb->data + off, n);
		if (c < n && !c)
			return -EFAULT;
	}
	return (ssize_t)c;
}

/*
 * Take data from the queue into m until the request is met or a boundary is reached (an
 * skb carrying rights, or other credentials when the reader wants credentials).
 */
static int stream_take(struct socket *s, struct kmsg *m, struct stream_rd *rd)
{
	struct skb *skb, *n;

	list_for_each_entry_safe(skb, n, &s->rxq, link) {
		u32 off = skb->off;
		size_t lim = m->len - rd->copied;
		u64 pos = s->rx_read + (rd->peek ? rd->copied : 0);
		bool partial;
		ssize_t c;

		if (rd->copied && (skb->fp || (rd->passcred && (m->has_cred != skb->has_cred ||
				   memcmp(&m->cred, &skb->cred, sizeof(m->cred))))))
			return 1;
		if (s->urg_valid && pos <= s->urg_mark) { /* a read stops at the urgent mark */
			if (pos == s->urg_mark && rd->copied)
				return 1;
			if (pos < s->urg_mark)
				lim = min(lim, (size_t)(s->urg_mark - pos));
		}
		c = stream_copy(skb, off, m, rd, lim);
		if (c < 0)
			return rd->copied ? 1 : (int)c;
		partial = off + (u32)c < skb->len;
		if (!rd->copied || skb->fp)
			skb_give_scm(skb, m, rd->peek);
		rd->copied += (size_t)c;
		if (!rd->peek) {
			skb->off += (u32)c;
			s->rxq_bytes -= (u32)c;
			s->rx_read += (u64)c;
			if (s->urg_valid && s->rx_read > s->urg_mark)
				s->urg_valid = false; /* the mark is behind us */
			if (skb->off == skb->len) {
				skb_unlink_rcv(s, skb);
				skb_free(skb);
			}
		}
		if (m->fp || rd->copied >= m->len || partial)
			return 1;
	}
	return 0;
}

ssize_t skb_recv_stream(struct socket *s, struct kmsg *m, bool (*eof)(struct socket *s))
{
	struct stream_rd rd = {
		.peek = m->flags & MSG_PEEK,
		.trunc = m->flags & MSG_TRUNC,
		.passcred = s->opt & SOCK_OPT_PASSCRED,
	};
	u64 deadline = sock_deadline(s->rcvtimeo);
	int r;

	if (!m->len)
		return 0;
	rd.target = (m->flags & MSG_WAITALL) ? m->len : min((size_t)max(s->rcvlowat, 1), m->len);
	for (;;) {
		size_t want = rd.peek ? rd.target : 1;

		r = stream_wait(s, m, &rd, want, deadline, eof);
		if (r < 0)
			return r;
		if (r > 0 && !s->rxq_bytes)
			break;
		r = stream_take(s, m, &rd);
		if (r < 0)
			return r;
		if (r > 0 || rd.peek || rd.copied >= rd.target)
			break;
	}
	return (ssize_t)rd.copied;
}
