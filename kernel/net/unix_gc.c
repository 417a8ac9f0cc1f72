/*
 * Garbage collection of AF_UNIX sockets in flight. A socket whose descriptor was sent with
 * SCM_RIGHTS and not yet received is referenced by the skb that carries it; when such
 * references form a cycle (a socket sent over itself, or two sockets sent over each
 * other) and every descriptor is closed, nothing can ever receive them, and without
 * collection they would live forever. Linux's unix_gc solves the same problem; this is a
 * simple mark-and-sweep of our own over the few sockets involved.
 *
 * Candidates are open sockets whose file is referenced only by queued rights (file
 * refcount == inflight). Every other socket is a root: the queues of roots are readable,
 * so the candidates in flight there are alive, and so, in turn, is what their own queues
 * (and their unaccepted connections' queues) carry. Candidates left unmarked are
 * unreachable: their queues are emptied, which drops the rights and closes the cycle.
 *
 * Runs when an AF_UNIX socket is released while sockets are in flight; never recursively
 * (releases it causes do not start another pass).
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "internal.h"
#include "unix.h"

long unix_inflight_total;

/* The AF_UNIX socket of an open file, or NULL. */
static struct unix_sock *unix_of_file(struct file *f)
{
	struct socket *s = sock_from_file(f);

	return s && s->family == AF_UNIX ? unix_sk(s) : NULL;
}

void unix_fp_track(struct scm_fp *fp, int d)
{
	for (int i = 0; i < fp->count; i++) {
		struct unix_sock *u = unix_of_file(fp->files[i]);

		if (u) {
			u->inflight += d;
			unix_inflight_total += d;
		}
	}
}

/* Mark the candidates carried in s's queue as alive and put them on the work list. */
static void gc_scan_queue(struct socket *s, struct list_head *work)
{
	struct skb *skb;

	list_for_each_entry(skb, &s->rxq, link) {
		if (!skb->fp)
			continue;
		for (int i = 0; i < skb->fp->count; i++) {
			struct unix_sock *v = unix_of_file(skb->fp->files[i]);

			if (v && v->gc_cand && !v->gc_alive) {
				v->gc_alive = true;
				list_add_tail(&v->gc_link, work);
			}
		}
	}
}

/* A socket's queue and those of the connections waiting in its accept queue. */
static void gc_scan(struct unix_sock *u, struct list_head *work)
{
	struct unix_sock *e;

	gc_scan_queue(&u->sk, work);
	list_for_each_entry(e, &u->acceptq, q_link)
		gc_scan_queue(&e->sk, work);
}

static bool gc_root(const struct unix_sock *u)
{
	if (u->gc_cand)
		return false;
	return !u->listener || !u->listener->gc_cand; /* embryos belong to their listener */
}

/* Move every skb of s's queue onto hit. */
static void gc_take_queue(struct socket *s, struct list_head *hit)
{
	while (!list_empty(&s->rxq)) {
		struct skb *skb = list_first_entry(&s->rxq, struct skb, link);

		skb_unlink_rcv(s, skb);
		list_add_tail(&skb->link, hit);
	}
}

static void gc_mark(void)
{
	LIST_HEAD(work);
	struct unix_sock *u;

	list_for_each_entry(u, &unix_all, link) {
		u->gc_alive = false;
		u->gc_cand = u->sk.file && u->inflight > 0 && u->sk.file->refcount == u->inflight;
	}
	list_for_each_entry(u, &unix_all, link) {
		if (gc_root(u))
			gc_scan(u, &work);
	}
	while (!list_empty(&work)) {
		u = list_first_entry(&work, struct unix_sock, gc_link);
		list_del_init(&u->gc_link);
		gc_scan(u, &work);
	}
}

void unix_gc(void)
{
	static bool running;
	LIST_HEAD(hit);
	struct unix_sock *u, *e;

	if (running)
		return;
	running = true;
	gc_mark();
	list_for_each_entry(u, &unix_all, link) {
		if (!u->gc_cand || u->gc_alive)
			continue;
		gc_take_queue(&u->sk, &hit);
		list_for_each_entry(e, &u->acceptq, q_link)
			gc_take_queue(&e->sk, &hit);
	}
	while (!list_empty(&hit)) {
		struct skb *skb = list_first_entry(&hit, struct skb, link);

		list_del_init(&skb->link);
		skb_free(skb);
	}
	running = false;
}
