/*
 * Futexes: FUTEX_WAIT and FUTEX_WAKE with their BITSET forms, REQUEUE, CMP_REQUEUE,
 * WAKE_OP, the PI lock family (LOCK_PI, LOCK_PI2, TRYLOCK_PI, UNLOCK_PI) and timeouts;
 * and what a dying thread owes its futexes: the robust list and the tid word.
 *
 * Layer: system call over the scheduler (sleeping, waking) and uaccess (the futex word).
 *
 * A waiter is a struct futex_q on its own kernel stack, linked into a hash bucket of its
 * key while it sleeps; a waker unlinks it and sets woken before waking the task. Keys:
 *  - with FUTEX_PRIVATE_FLAG, or at an address of a private mapping: (mm, address);
 *  - at an address of a shared mapping (MAP_SHARED of a file, or of anonymous memory,
 *    whose pages belong to a hidden tmpfs file): (inode, byte offset in the file). That
 *    names the same page frame in every process mapping it, and unlike the frame's
 *    number it stays valid should the page ever leave the page cache.
 * On a private mapping, private and shared operations share one key (Linux keeps them
 * apart; mixing them is undefined there and harmless here).
 *
 * Atomicity: kernel code runs on one host thread and every guest thread is stopped while
 * it runs, so reading the futex word, comparing it and queueing cannot race with a guest
 * store: what the hash-bucket lock guarantees in Linux holds by construction.
 *
 * PI futexes: the word holds the owner's tid | FUTEX_WAITERS | FUTEX_OWNER_DIED. Locking a
 * free word takes it; locking a held one sets FUTEX_WAITERS and waits until UNLOCK_PI
 * hands the lock over (the word set to the new owner's tid). With one guest CPU and no
 * priorities there is nothing to inherit, so no pi_state is kept. The requeue-PI pair
 * (WAIT_REQUEUE_PI, CMP_REQUEUE_PI) is not implemented: ENOSYS.
 */
#include "kernel.h"
#include "fs.h"
#include "futex.h"
#include "mm.h"
#include "sched.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/futex.h>

#define FUTEX_HASH_BITS 6
#define ROBUST_LIST_MAX 2048 /* entries walked at most (Linux's ROBUST_LIST_LIMIT) */

struct futex_key {
	const void *obj; /* the mm (private key) or the inode (shared key) */
	u64 off;         /* the guest address, or the byte offset in the file */
};

struct futex_q {
	struct list_head link; /* in its bucket while it waits */
	struct futex_key key;
	struct task *task;
	u32 bitset;            /* FUTEX_WAIT_BITSET's mask (all ones for FUTEX_WAIT) */
	bool pi;               /* waits in LOCK_PI: being woken hands it the lock */
	bool woken;            /* set, and the entry unlinked, by whoever woke it */
};

static struct list_head buckets[1 << FUTEX_HASH_BITS];

static struct list_head *bucket_of(const struct futex_key *k)
{
	u64 h = ((u64)(uintptr_t)k->obj ^ (k->off >> 2)) * 0x9e3779b97f4a7c15ULL;
	struct list_head *b = &buckets[h >> (64 - FUTEX_HASH_BITS)];

	if (!b->next)
		INIT_LIST_HEAD(b);
	return b;
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->obj == b->obj && a->off == b->off;
}

/* The key of the futex word at uaddr in current's address space. */
static int get_key(uaddr_t uaddr, bool private, struct futex_key *k)
{
	struct mm *mm = current->mm;
	struct vma *v;

	if (uaddr & 3)
		return -EINVAL;
	if (!mm || !access_ok(uaddr, sizeof(u32)))
		return -EFAULT;
	k->obj = mm;
	k->off = uaddr;
	if (private)
		return 0;
	v = vma_find(mm, uaddr);
	if (!v)
		return -EFAULT;
	if ((v->flags & VM_SHARED) && v->file && v->file->inode) {
		k->obj = v->file->inode;
		k->off = (v->pgoff << PAGE_SHIFT) + (uaddr - v->start);
	}
	return 0;
}

static void wake_one(struct futex_q *q)
{
	list_del_init(&q->link);
	q->woken = true;
	wake_up_process(q->task);
}

/* The first waiter on k of the given kind (PI or not), after skip (NULL: from the start). */
static struct futex_q *first_waiter(const struct futex_key *k, bool pi, struct futex_q *skip)
{
	struct futex_q *q;

	list_for_each_entry(q, bucket_of(k), link) {
		if (q != skip && q->pi == pi && key_eq(&q->key, k))
			return q;
	}
	return NULL;
}

/* Wake waiters of k whose bitset meets bitset: at least one, as Linux does, up to n. */
static int wake_key(const struct futex_key *k, int n, u32 bitset)
{
	struct futex_q *q, *tmp;
	int woken = 0;

	list_for_each_entry_safe(q, tmp, bucket_of(k), link) {
		if (q->pi || !key_eq(&q->key, k) || !(q->bitset & bitset))
			continue;
		wake_one(q);
		if (++woken >= n)
			break;
	}
	return woken;
}

/*
 * Sleep in q (already queued) until woken, the monotonic deadline (0: none) or a signal.
 * 0, -ETIMEDOUT or -ERESTARTSYS; q is off its bucket on return.
 */
static int futex_sleep(struct futex_q *q, u64 deadline)
{
	struct task *t = current;
	int r = 0;

	t->wchan = "futex";
	while (!q->woken) {
		if (deadline) {
			r = schedule_until(deadline);
		} else {
			task_set_state(t, TASK_INTERRUPTIBLE);
			if (!q->woken && !signal_pending(t))
				schedule();
			task_set_state(t, TASK_RUNNING);
			r = signal_pending(t) ? -ERESTARTSYS : 1;
		}
		if (q->woken || r == 1)
			continue;
		r = r == 0 ? -ETIMEDOUT : -ERESTARTSYS;
		break;
	}
	t->wchan = NULL;
	if (q->woken)
		return 0;
	list_del_init(&q->link);
	return r;
}

/* ---- wait and wake */

static long futex_wait(uaddr_t uaddr, bool private, u32 val, u64 deadline, u32 bitset);

static long futex_wait_restart(struct task *t)
{
	return futex_wait(t->restart_arg[0], t->restart_arg[3] >> 32, (u32)t->restart_arg[1],
			  t->restart_arg[2], (u32)t->restart_arg[3]);
}

static long futex_wait(uaddr_t uaddr, bool private, u32 val, u64 deadline, u32 bitset)
{
	struct task *t = current;
	struct futex_q q = { .task = t, .bitset = bitset };
	u32 cur;
	int r;

	if (!bitset)
		return -EINVAL;
	r = get_key(uaddr, private, &q.key);
	if (r < 0)
		return r;
	if (get_user(cur, uaddr))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	list_add_tail(&q.link, bucket_of(&q.key));
	r = futex_sleep(&q, deadline);
	if (r != -ERESTARTSYS || !deadline)
		return r;
	/* A timed wait resumes after a handler-less signal with its absolute deadline. */
	t->restart_fn = futex_wait_restart;
	t->restart_arg[0] = uaddr;
	t->restart_arg[1] = val;
	t->restart_arg[2] = deadline;
	t->restart_arg[3] = bitset | ((u64)private << 32);
	return -ERESTART_RESTARTBLOCK;
}

static long futex_wake(uaddr_t uaddr, bool private, int n, u32 bitset)
{
	struct futex_key k;
	int r;

	if (!bitset)
		return -EINVAL;
	r = get_key(uaddr, private, &k);
	return r < 0 ? r : wake_key(&k, n, bitset);
}

int futex_wake_addr(uaddr_t uaddr, int n)
{
	return (int)futex_wake(uaddr, false, n, FUTEX_BITSET_MATCH_ANY);
}

/*
 * REQUEUE and CMP_REQUEUE (cmpval): wake nr_wake waiters of uaddr and move up to nr_requeue
 * more to uaddr2. Returns how many were woken or moved.
 */
static long futex_requeue(uaddr_t uaddr, uaddr_t uaddr2, bool private, int nr_wake,
			  int nr_requeue, const u32 *cmpval)
{
	struct futex_key k1, k2;
	struct futex_q *q, *tmp;
	long count = 0;
	u32 cur;
	int r;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	r = get_key(uaddr, private, &k1);
	if (!r)
		r = get_key(uaddr2, private, &k2);
	if (r < 0)
		return r;
	if (cmpval) {
		if (get_user(cur, uaddr))
			return -EFAULT;
		if (cur != *cmpval)
			return -EAGAIN;
	}
	list_for_each_entry_safe(q, tmp, bucket_of(&k1), link) {
		if (count - nr_wake >= nr_requeue)
			break;
		if (q->pi || !key_eq(&q->key, &k1))
			continue;
		if (++count <= nr_wake) {
			wake_one(q);
			continue;
		}
		list_del(&q->link);
		q->key = k2;
		list_add_tail(&q->link, bucket_of(&k2));
	}
	return count;
}

static s32 sign_extend12(u32 v)
{
	return (s32)(v << 20) >> 20;
}

/* FUTEX_WAKE_OP's operation on oldval: the new value, or -ENOSYS for an unknown op. */
static int wake_op_apply(u32 encoded, u32 oldval, u32 *newval)
{
	s32 oparg = sign_extend12((encoded >> 12) & 0xfff);

	if (encoded & ((u32)FUTEX_OP_OPARG_SHIFT << 28))
		oparg = (s32)(1U << (oparg & 31));
	switch ((encoded >> 28) & 7) {
	case FUTEX_OP_SET:
		*newval = (u32)oparg;
		return 0;
	case FUTEX_OP_ADD:
		*newval = oldval + (u32)oparg;
		return 0;
	case FUTEX_OP_OR:
		*newval = oldval | (u32)oparg;
		return 0;
	case FUTEX_OP_ANDN:
		*newval = oldval & ~(u32)oparg;
		return 0;
	case FUTEX_OP_XOR:
		*newval = oldval ^ (u32)oparg;
		return 0;
	}
	return -ENOSYS;
}

/* FUTEX_WAKE_OP's comparison of the old value: 1, 0, or -ENOSYS for an unknown one. */
static int wake_op_cmp(u32 encoded, u32 oldval)
{
	s32 old = (s32)oldval, arg = sign_extend12(encoded & 0xfff);

	switch ((encoded >> 24) & 15) {
	case FUTEX_OP_CMP_EQ:
		return old == arg;
	case FUTEX_OP_CMP_NE:
		return old != arg;
	case FUTEX_OP_CMP_LT:
		return old < arg;
	case FUTEX_OP_CMP_LE:
		return old <= arg;
	case FUTEX_OP_CMP_GT:
		return old > arg;
	case FUTEX_OP_CMP_GE:
		return old >= arg;
	}
	return -ENOSYS;
}

static long futex_wake_op(uaddr_t uaddr, uaddr_t uaddr2, bool private, int nr_wake,
			  int nr_wake2, u32 encoded)
{
	struct futex_key k1, k2;
	u32 oldval, newval;
	int r, cmp;
	long woken;

	r = get_key(uaddr, private, &k1);
	if (!r)
		r = get_key(uaddr2, private, &k2);
	if (r < 0)
		return r;
	if (get_user(oldval, uaddr2))
		return -EFAULT;
	r = wake_op_apply(encoded, oldval, &newval);
	if (r < 0)
		return r;
	if (put_user(newval, uaddr2))
		return -EFAULT;
	cmp = wake_op_cmp(encoded, oldval);
	if (cmp < 0)
		return cmp;
	woken = wake_key(&k1, nr_wake, FUTEX_BITSET_MATCH_ANY);
	if (cmp)
		woken += wake_key(&k2, nr_wake2, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

/* ---- PI futexes */

static bool owner_alive(u32 tid)
{
	struct task *o = task_by_pid((int)tid);

	return o && o->state != TASK_ZOMBIE && o->state != TASK_DEAD;
}

static long futex_lock_pi(uaddr_t uaddr, bool private, u64 deadline, bool try)
{
	struct task *t = current;
	struct futex_q q = { .task = t, .bitset = FUTEX_BITSET_MATCH_ANY, .pi = true };
	u32 v, tid = (u32)t->pid;
	int r;

	r = get_key(uaddr, private, &q.key);
	if (r < 0)
		return r;
	if (get_user(v, uaddr))
		return -EFAULT;
	if ((v & FUTEX_TID_MASK) == tid)
		return -EDEADLK;
	if (!(v & FUTEX_TID_MASK)) {
		v = tid | (v & FUTEX_OWNER_DIED) |
		    (first_waiter(&q.key, true, NULL) ? FUTEX_WAITERS : 0);
		return put_user(v, uaddr) ? -EFAULT : 0;
	}
	if (try)
		return -EAGAIN;
	if (!owner_alive(v & FUTEX_TID_MASK))
		return -ESRCH;
	if (!(v & FUTEX_WAITERS) && put_user(v | FUTEX_WAITERS, uaddr))
		return -EFAULT;
	list_add_tail(&q.link, bucket_of(&q.key));
	r = futex_sleep(&q, deadline);
	return r == -ERESTARTSYS ? -ERESTARTNOINTR : r;
}

/*
 * Give the PI futex word at uaddr (key k) to its first waiter, with extra bits (the
 * OWNER_DIED of a robust death); false when nobody waits.
 */
static bool pi_hand_over(uaddr_t uaddr, const struct futex_key *k, u32 extra)
{
	struct futex_q *next = first_waiter(k, true, NULL);
	u32 v;

	if (!next)
		return false;
	v = (u32)next->task->pid | extra;
	if (first_waiter(k, true, next))
		v |= FUTEX_WAITERS;
	if (put_user(v, uaddr))
		return false;
	wake_one(next);
	return true;
}

static long futex_unlock_pi(uaddr_t uaddr, bool private)
{
	struct futex_key k;
	u32 v;
	int r;

	r = get_key(uaddr, private, &k);
	if (r < 0)
		return r;
	if (get_user(v, uaddr))
		return -EFAULT;
	if ((v & FUTEX_TID_MASK) != (u32)current->pid)
		return -EPERM;
	if (pi_hand_over(uaddr, &k, 0))
		return 0;
	return put_user((u32)0, uaddr) ? -EFAULT : 0;
}

/* ---- the system call */

static bool cmd_has_timeout(int cmd)
{
	return cmd == FUTEX_WAIT || cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2 ||
	       cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAIT_REQUEUE_PI;
}

/*
 * The timeout as an absolute monotonic deadline (0: none). FUTEX_WAIT's is relative; the
 * others are absolute, on CLOCK_REALTIME for LOCK_PI and with FUTEX_CLOCK_REALTIME.
 */
static int futex_deadline(int cmd, int op, uaddr_t uts, u64 *deadline)
{
	u64 ns, now = ktime_now();
	s64 real_ahead;
	int r;

	*deadline = 0;
	if (!uts || !cmd_has_timeout(cmd))
		return 0;
	r = time_timespec_from_user(uts, &ns);
	if (r < 0)
		return r;
	if (cmd == FUTEX_WAIT) {
		ns = ns + now < ns ? ~0ULL : ns + now;
	} else if (cmd == FUTEX_LOCK_PI || (op & FUTEX_CLOCK_REALTIME)) {
		real_ahead = (s64)(ktime_real() - now);
		ns = (s64)ns > real_ahead ? (u64)((s64)ns - real_ahead) : 0;
	}
	*deadline = ns ? ns : 1;
	return 0;
}

static long futex_do(int cmd, bool private, uaddr_t uaddr, u32 val, u64 deadline, int val2,
		     uaddr_t uaddr2, u32 val3)
{
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, private, val, deadline, val3);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, private, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, val2, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val, val2, &val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, uaddr2, private, (int)val, val2, val3);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		return futex_lock_pi(uaddr, private, deadline, false);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(uaddr, private, 0, true);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(uaddr, private);
	}
	return -ENOSYS;
}

long sys_futex(const struct sc_args *a)
{
	uaddr_t uaddr = a->arg[0];
	int op = (int)a->arg[1];
	u32 val = (u32)a->arg[2];
	uaddr_t utime = a->arg[3]; /* or val2, for the requeue and wake-op commands */
	uaddr_t uaddr2 = a->arg[4];
	u32 val3 = (u32)a->arg[5];
	int cmd = op & FUTEX_CMD_MASK;
	u64 deadline;
	int r;

	r = futex_deadline(cmd, op, utime, &deadline);
	if (r < 0)
		return r;
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT_REQUEUE_PI && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	return futex_do(cmd, op & FUTEX_PRIVATE_FLAG, uaddr, val, deadline, (int)(u32)utime,
			uaddr2, val3);
}

/* ---- a dying thread's futexes */

/* The robust futex at uaddr was held by the dying thread tid: mark it, pass it on. */
static void robust_death(uaddr_t uaddr, bool pi, u32 tid)
{
	struct futex_key k;
	u32 v;

	if (get_key(uaddr, false, &k) < 0 || get_user(v, uaddr))
		return;
	if ((v & FUTEX_TID_MASK) != tid)
		return;
	if (pi && (v & FUTEX_WAITERS) && pi_hand_over(uaddr, &k, FUTEX_OWNER_DIED))
		return;
	if (put_user((v & FUTEX_WAITERS) | FUTEX_OWNER_DIED, uaddr))
		return;
	if (!pi && (v & FUTEX_WAITERS))
		wake_key(&k, 1, FUTEX_BITSET_MATCH_ANY);
}

/* Walk t's robust list (struct robust_list_head at t->robust_list); bit 0 marks PI. */
static void robust_walk(struct task *t)
{
	uaddr_t head = t->robust_list;
	u64 entry, next, pending;
	s64 off;
	unsigned n = 0;

	if (get_user(entry, head) || get_user(off, head + 8) || get_user(pending, head + 16))
		return;
	while (entry != head && n++ < ROBUST_LIST_MAX) {
		if (get_user(next, entry & ~1ULL))
			return;
		if ((entry & ~1ULL) != (pending & ~1ULL))
			robust_death((entry & ~1ULL) + (u64)off, entry & 1, (u32)t->pid);
		entry = next;
	}
	if (pending)
		robust_death((pending & ~1ULL) + (u64)off, pending & 1, (u32)t->pid);
}

void futex_exit_release(struct task *t)
{
	if (!t->mm)
		return;
	if (t->robust_list)
		robust_walk(t);
	t->robust_list = 0;
	if (t->clear_child_tid && t->mm->refcount > 1) {
		if (!put_user((u32)0, t->clear_child_tid))
			futex_wake_addr(t->clear_child_tid, 1);
	}
	t->clear_child_tid = 0;
}
