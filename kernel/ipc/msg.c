/*
 * System V message queues: msgget, msgsnd, msgrcv, msgctl.
 *
 * A queue is a list of kmalloc'd messages bounded by msg_qbytes (bytes and, as on Linux,
 * count), so a guest pins at most msgmni * msgmnb bytes unless root raises the limits.
 * Senders waiting for room and receivers waiting for a message sleep on the queue's one
 * wait queue and look again on every change; removal wakes them with EIDRM. A signal
 * interrupts them with -ERESTARTNOHAND (EINTR after a handler, restarted otherwise), as
 * Linux does. msgrcv selects by type (0: first, > 0: first of that type or, with
 * MSG_EXCEPT, of another, < 0: the lowest type up to -type), truncates with MSG_NOERROR and
 * copies without removing with MSG_COPY (msgtyp is then the index).
 */
#include "kernel.h"
#include "sched.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "ipc_internal.h"
#include "../fs/procfs/procfs.h"

#include <linux/msg.h>
#include <asm/msgbuf.h>

struct msg_queue {
	struct ipc_obj obj;        /* first */
	s64 stime, rtime, ctime;
	unsigned long cbytes, qnum, qbytes;
	int lspid, lrpid;
	struct list_head msgs;     /* of struct msg_msg, oldest first */
	struct wait_queue_head wq; /* senders and receivers */
};

struct msg_msg {
	struct list_head link;
	long type;
	size_t len;
	char text[];
};

static unsigned long msg_total, msg_total_bytes; /* MSG_INFO */

static struct msg_queue *to_q(struct ipc_obj *o)
{
	return container_of(o, struct msg_queue, obj);
}

static void msg_unlink(struct msg_queue *q, struct msg_msg *m)
{
	list_del(&m->link);
	q->cbytes -= m->len;
	q->qnum--;
	msg_total--;
	msg_total_bytes -= m->len;
	ipc_uncharge(sizeof(*m) + m->len);
	kfree(m);
}

static void msg_free(struct ipc_obj *o)
{
	kfree(to_q(o));
}

static long msg_create(s32 key, int flg, void *arg)
{
	struct msg_queue *q = kzalloc(sizeof(*q));
	int r;

	if (!q)
		return -ENOMEM;
	q->obj.key = key;
	q->obj.mode = (u32)flg & 0777;
	q->obj.free = msg_free;
	r = ipc_add(&ipc_msg_ids, &q->obj, ipc_limits.msg_ctlmni);
	if (r < 0) {
		kfree(q);
		return r;
	}
	q->qbytes = (unsigned long)ipc_limits.msg_ctlmnb;
	q->ctime = ipc_now();
	INIT_LIST_HEAD(&q->msgs);
	wait_queue_init(&q->wq);
	return q->obj.id;
}

long sys_msgget(const struct sc_args *a)
{
	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	return ipc_get(&ipc_msg_ids, (s32)a->arg[0], (int)a->arg[1], msg_create, NULL, NULL);
}

/* Sleep once on q until woken or a signal; then -EIDRM, -ERESTARTNOHAND or 0. */
static int msg_sleep(struct msg_queue *q, const char *why)
{
	struct wait_entry we = { .task = current };

	wait_add(&q->wq, &we);
	current->wchan = why;
	task_set_state(current, TASK_INTERRUPTIBLE);
	if (!signal_pending(current))
		schedule();
	task_set_state(current, TASK_RUNNING);
	wait_remove(&we);
	if (q->obj.deleted)
		return -EIDRM;
	return signal_pending(current) ? -ERESTARTNOHAND : 0;
}

static long msg_enqueue(struct msg_queue *q, struct msg_msg *m, int flg)
{
	long r = 0;

	ipc_obj_get(&q->obj);
	while (q->cbytes + m->len > q->qbytes || q->qnum + 1 > q->qbytes) {
		r = (flg & IPC_NOWAIT) ? -EAGAIN : msg_sleep(q, "msgsnd");
		if (r < 0)
			break;
	}
	if (r == 0) {
		list_add_tail(&m->link, &q->msgs);
		q->cbytes += m->len;
		q->qnum++;
		msg_total++;
		msg_total_bytes += m->len;
		q->lspid = current->tgid;
		q->stime = ipc_now();
		wake_up(&q->wq);
	}
	ipc_obj_put(&q->obj);
	return r;
}

long sys_msgsnd(const struct sc_args *a)
{
	int id = (int)a->arg[0], flg = (int)a->arg[3];
	uaddr_t umsg = a->arg[1];
	u64 len = a->arg[2];
	struct msg_msg *m;
	struct ipc_obj *o;
	long type, r;

	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	if (len > (u64)ipc_limits.msg_ctlmax || id < 0)
		return -EINVAL;
	if (get_user(type, umsg))
		return -EFAULT;
	if (type < 1)
		return -EINVAL;
	if (ipc_charge(sizeof(*m) + len) < 0)
		return -ENOMEM;
	m = kmalloc(sizeof(*m) + len);
	if (!m) {
		ipc_uncharge(sizeof(*m) + len);
		return -ENOMEM;
	}
	m->type = type;
	m->len = len;
	r = copy_from_user(m->text, umsg + sizeof(long), len) ? -EFAULT : 0;
	o = r ? NULL : ipc_find_id(&ipc_msg_ids, id);
	if (!r && !o)
		r = -EINVAL;
	if (!r && ipc_perms(o, 0222) < 0)
		r = -EACCES;
	if (!r)
		r = msg_enqueue(to_q(o), m, flg);
	if (r) {
		ipc_uncharge(sizeof(*m) + len);
		kfree(m);
	}
	return r;
}

/* The message msgrcv takes for type and flags, or NULL. */
static struct msg_msg *msg_pick(struct msg_queue *q, long type, int flg)
{
	struct msg_msg *m, *best = NULL;
	long n = 0, limit = type == INT64_MIN ? INT64_MAX : -type;

	list_for_each_entry(m, &q->msgs, link) {
		if (flg & MSG_COPY) {
			if (n++ == type)
				return m;
		} else if (type == 0) {
			return m;
		} else if (type > 0) {
			if ((m->type == type) != ((flg & MSG_EXCEPT) != 0))
				return m;
		} else if (m->type <= limit && (!best || m->type < best->type)) {
			best = m;
		}
	}
	return best;
}

static long msg_receive(struct msg_queue *q, uaddr_t umsg, u64 len, long type, int flg)
{
	struct msg_msg *m;
	size_t n;

	while (!(m = msg_pick(q, type, flg))) {
		long r = (flg & IPC_NOWAIT) ? -ENOMSG : msg_sleep(q, "msgrcv");

		if (r < 0)
			return r;
	}
	if (m->len > len && !(flg & MSG_NOERROR))
		return -E2BIG;
	n = m->len < len ? m->len : (size_t)len;
	if (put_user(m->type, umsg) || copy_to_user(umsg + sizeof(long), m->text, n))
		return -EFAULT;
	if (flg & MSG_COPY)
		return (long)n;
	msg_unlink(q, m);
	q->lrpid = current->tgid;
	q->rtime = ipc_now();
	wake_up(&q->wq);
	return (long)n;
}

long sys_msgrcv(const struct sc_args *a)
{
	int id = (int)a->arg[0], flg = (int)a->arg[4];
	u64 len = a->arg[2];
	long type = (long)a->arg[3], r;
	struct ipc_obj *o;

	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	if ((s64)len < 0 || id < 0)
		return -EINVAL;
	if ((flg & MSG_COPY) && ((flg & MSG_EXCEPT) || !(flg & IPC_NOWAIT)))
		return -EINVAL;
	o = ipc_find_id(&ipc_msg_ids, id);
	if (!o)
		return -EINVAL;
	if (ipc_perms(o, 0444) < 0)
		return -EACCES;
	ipc_obj_get(o);
	r = msg_receive(to_q(o), a->arg[1], len, type, flg);
	ipc_obj_put(o);
	return r;
}

static long msg_info_cmd(int cmd, uaddr_t buf)
{
	struct msginfo mi = {
		.msgpool = ipc_limits.msg_ctlmni * (ipc_limits.msg_ctlmnb / 1024),
		.msgmap = ipc_limits.msg_ctlmnb, .msgmax = ipc_limits.msg_ctlmax,
		.msgmnb = ipc_limits.msg_ctlmnb, .msgmni = ipc_limits.msg_ctlmni,
		.msgssz = 16, .msgtql = ipc_limits.msg_ctlmnb, .msgseg = 0xffff,
	};

	if (cmd == MSG_INFO) {
		mi.msgpool = ipc_msg_ids.in_use;
		mi.msgmap = (int)msg_total;
		mi.msgtql = (int)msg_total_bytes;
	}
	if (copy_to_user(buf, &mi, sizeof(mi)))
		return -EFAULT;
	return ipc_msg_ids.max_idx < 0 ? 0 : ipc_msg_ids.max_idx;
}

static long msg_stat(struct msg_queue *q, int cmd, uaddr_t buf)
{
	struct msqid64_ds ds;

	if (cmd != MSG_STAT_ANY && ipc_perms(&q->obj, 0444) < 0)
		return -EACCES;
	memset(&ds, 0, sizeof(ds));
	ipc_fill_perm(&q->obj, &ds.msg_perm);
	ds.msg_stime = q->stime;
	ds.msg_rtime = q->rtime;
	ds.msg_ctime = q->ctime;
	ds.msg_cbytes = q->cbytes;
	ds.msg_qnum = q->qnum;
	ds.msg_qbytes = q->qbytes;
	ds.msg_lspid = q->lspid;
	ds.msg_lrpid = q->lrpid;
	if (copy_to_user(buf, &ds, sizeof(ds)))
		return -EFAULT;
	return cmd == IPC_STAT ? 0 : q->obj.id;
}

static long msg_set(struct msg_queue *q, int cmd, uaddr_t buf)
{
	struct msqid64_ds ds;

	if (cmd == IPC_SET && copy_from_user(&ds, buf, sizeof(ds)))
		return -EFAULT;
	if (!ipc_is_owner(&q->obj))
		return -EPERM;
	if (cmd == IPC_RMID) {
		while (!list_empty(&q->msgs))
			msg_unlink(q, list_first_entry(&q->msgs, struct msg_msg, link));
		ipc_remove(&ipc_msg_ids, &q->obj);
		wake_up(&q->wq);
		return 0;
	}
	if (ds.msg_qbytes > (unsigned long)ipc_limits.msg_ctlmnb && !cred_capable(CAP_SYS_RESOURCE))
		return -EPERM;
	ipc_set_perm(&q->obj, &ds.msg_perm);
	q->qbytes = ds.msg_qbytes;
	q->ctime = ipc_now();
	wake_up(&q->wq);
	return 0;
}

long sys_msgctl(const struct sc_args *a)
{
	int id = (int)a->arg[0];
	int cmd = (int)a->arg[1] & ~IPC_64;
	struct ipc_obj *o;

	if (!IS_ENABLED(CONFIG_SYSVIPC))
		return -ENOSYS;
	if (cmd == IPC_INFO || cmd == MSG_INFO)
		return msg_info_cmd(cmd, a->arg[2]);
	if (id < 0 || (cmd > IPC_STAT && cmd != MSG_STAT && cmd != MSG_STAT_ANY))
		return -EINVAL;
	o = ipc_ctl_lookup(&ipc_msg_ids, id, cmd == MSG_STAT || cmd == MSG_STAT_ANY);
	if (!o)
		return -EINVAL;
	if (cmd == IPC_STAT || cmd == MSG_STAT || cmd == MSG_STAT_ANY)
		return msg_stat(to_q(o), cmd, a->arg[2]);
	return msg_set(to_q(o), cmd, a->arg[2]);
}

void msg_proc_line(struct procfs_buf *b, struct ipc_obj *o)
{
	struct msg_queue *q = to_q(o);

	procfs_printf(b, "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10lld %10lld "
		      "%10lld\n", o->key, o->id, o->mode, q->cbytes, q->qnum, q->lspid, q->lrpid,
		      o->uid, o->gid, o->cuid, o->cgid, (long long)q->stime, (long long)q->rtime,
		      (long long)q->ctime);
}
