/*
 * rseq(2), restartable sequences. A thread registers a struct rseq in its own memory; the
 * kernel keeps the CPU number fields there current and, when the thread was switched
 * away from or is about to take a signal while its instruction pointer lies inside the
 * critical section that the struct's rseq_cs field points to, moves the thread to that
 * section's abort handler first. A per-CPU update such a section makes is then either
 * done whole, with no other thread of that CPU in between, or restarted; never half.
 * glibc registers one struct per thread at start and reads cpu_id for sched_getcpu();
 * allocators such as tcmalloc run their per-CPU caches in critical sections.
 *
 * um-lite has one CPU (0): the CPU fields are written once at registration and again
 * after every switch, as Linux does on return to user space; there is no migration.
 *
 * Guest layout (Linux UAPI <linux/rseq.h>): struct rseq, 32 bytes aligned to 32:
 *   u32 cpu_id_start @0, u32 cpu_id @4, u64 rseq_cs @8, u32 flags @16, u32 node_id @20,
 *   u32 mm_cid @24; struct rseq_cs, 32 bytes: u32 version @0, u32 flags @4,
 *   u64 start_ip @8, u64 post_commit_offset @16, u64 abort_ip @24. The four bytes before
 *   abort_ip must hold the signature given at registration (so that rseq_cs cannot send
 *   the thread to an arbitrary address).
 */
#include "kernel.h"
#include "sig.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "as-layout.h"

#define RSEQ_ORIG_SIZE 32           /* the first struct rseq, and its alignment */
#define RSEQ_FLAG_UNREGISTER 1
#define RSEQ_CPU_ID_UNINITIALIZED ((u32)-1)
#define RSEQ_OFF_CS 8
#define RSEQ_OFF_NODE_ID 20         /* node_id and mm_cid: written when the area has them */

struct rseq_cs_image {
	u32 version;
	u32 flags;
	u64 start_ip;
	u64 post_commit_offset;
	u64 abort_ip;
};

/* Write the CPU fields of t's area (cpu: 0, or RSEQ_CPU_ID_UNINITIALIZED); 0 or -EFAULT. */
static int write_cpu_ids(struct task *t, u32 cpu)
{
	u32 ids[2] = { cpu == RSEQ_CPU_ID_UNINITIALIZED ? 0 : cpu, cpu };
	u32 more[2] = { 0, 0 }; /* node_id, mm_cid */

	if (copy_to_user(t->rseq, ids, sizeof(ids)))
		return -EFAULT;
	if (t->rseq_len >= RSEQ_OFF_NODE_ID + sizeof(more) &&
	    copy_to_user(t->rseq + RSEQ_OFF_NODE_ID, more, sizeof(more)))
		return -EFAULT;
	return 0;
}

/*
 * The critical section rseq_cs points to, checked as Linux checks it: 0 (no section: cs
 * zeroed), or -EFAULT / -EINVAL for one that cannot be read or is malformed, or whose
 * abort handler is not preceded by the signature.
 */
static int read_cs(struct task *t, u64 ptr, struct rseq_cs_image *cs)
{
	u32 sig;

	memset(cs, 0, sizeof(*cs));
	if (!ptr)
		return 0;
	if (!access_ok(ptr, sizeof(*cs)) || copy_from_user(cs, ptr, sizeof(*cs)))
		return -EFAULT;
	if (cs->version > 0 || cs->start_ip >= UM_TASK_SIZE ||
	    cs->start_ip + cs->post_commit_offset >= UM_TASK_SIZE ||
	    cs->start_ip + cs->post_commit_offset < cs->start_ip ||
	    cs->abort_ip >= UM_TASK_SIZE || cs->abort_ip < sizeof(sig))
		return -EINVAL;
	if (cs->abort_ip - cs->start_ip < cs->post_commit_offset)
		return -EINVAL; /* the abort handler inside the section */
	if (get_user(sig, cs->abort_ip - sizeof(sig)))
		return -EFAULT;
	return sig == t->rseq_sig ? 0 : -EINVAL;
}

/*
 * Before t returns to its code after a switch, or takes a signal: out of its critical
 * section if it was in one, and its CPU fields rewritten. A bad area or section kills it
 * with SIGSEGV, as on Linux.
 */
void rseq_resume(struct task *t)
{
	struct rseq_cs_image cs;
	struct {
		u32 cpu_id_start, cpu_id;
		u64 cs;
	} head;
	u64 ip = t->regs.gp[UM_RIP];
	int r;

	t->rseq_event = false;
	r = copy_from_user(&head, t->rseq, sizeof(head));
	if (!r)
		r = read_cs(t, head.cs, &cs);
	if (!r && head.cs) {
		/* In the section or not, the kernel clears rseq_cs once it has seen it. */
		r = put_user((u64)0, t->rseq + RSEQ_OFF_CS);
		if (!r && ip - cs.start_ip < cs.post_commit_offset)
			t->regs.gp[UM_RIP] = cs.abort_ip;
	}
	/* Written only when not already right: no copy-on-write break after every fork. */
	if (!r && (head.cpu_id_start || head.cpu_id))
		r = write_cpu_ids(t, 0);
	if (r)
		sig_force_fault(SIGSEGV, SI_KERNEL, 0);
}

long sys_rseq(const struct sc_args *a)
{
	struct task *t = current;
	uaddr_t area = a->arg[0];
	u32 len = (u32)a->arg[1], sig = (u32)a->arg[3];
	int flags = (int)a->arg[2];

	if (flags & RSEQ_FLAG_UNREGISTER) {
		if (flags != RSEQ_FLAG_UNREGISTER || !t->rseq || area != t->rseq ||
		    len != t->rseq_len)
			return -EINVAL;
		if (sig != t->rseq_sig)
			return -EPERM;
		if (write_cpu_ids(t, RSEQ_CPU_ID_UNINITIALIZED))
			return -EFAULT;
		rseq_forget(t);
		return 0;
	}
	if (flags)
		return -EINVAL;
	if (t->rseq) {
		if (area != t->rseq || len != t->rseq_len)
			return -EINVAL;
		return sig != t->rseq_sig ? -EPERM : -EBUSY;
	}
	if (len < RSEQ_ORIG_SIZE || (area & (RSEQ_ORIG_SIZE - 1)))
		return -EINVAL;
	if (!access_ok(area, len))
		return -EFAULT;
	t->rseq = area;
	t->rseq_len = len;
	t->rseq_sig = sig;
	/* An area that cannot be written kills the thread on its way back (rseq_resume). */
	write_cpu_ids(t, 0);
	t->rseq_event = true;
	return 0;
}

void rseq_forget(struct task *t)
{
	t->rseq = 0;
	t->rseq_len = 0;
	t->rseq_sig = 0;
	t->rseq_event = false;
}
