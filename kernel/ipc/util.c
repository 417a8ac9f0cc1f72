/*
 * System V IPC ids and permissions: the three id tables of the instance's IPC namespace,
 * keys (IPC_PRIVATE, IPC_CREAT, IPC_EXCL), ids made of a sequence number and a table index
 * as Linux makes them (so a stale id never reaches a newer object in the same slot), and
 * the owner / group / other permission checks with root's bypass.
 */
#include "kernel.h"
#include "page.h"
#include "sched.h"
#include "slab.h"
#include "task.h"
#include "ipc_internal.h"

struct ipc_ids ipc_shm_ids = { .max_idx = -1 };
struct ipc_ids ipc_sem_ids = { .max_idx = -1 };
struct ipc_ids ipc_msg_ids = { .max_idx = -1 };

struct ipc_limits ipc_limits = {
	.shm_ctlmax = IPC_SHMMAX,
	.shm_ctlall = IPC_SHMALL,
	.shm_ctlmni = IPC_SHMMNI,
	.sem_ctls = { IPC_SEMMSL, IPC_SEMMNS, IPC_SEMOPM, IPC_SEMMNI },
	.msg_ctlmax = IPC_MSGMAX,
	.msg_ctlmnb = IPC_MSGMNB,
	.msg_ctlmni = IPC_MSGMNI,
};

static u64 ipc_charged;

int ipc_charge(size_t bytes)
{
	u64 cap = (u64)page_nr_total() * PAGE_SIZE / 4;

	if (ipc_charged + bytes > cap || ipc_charged + bytes < ipc_charged)
		return -ENOMEM;
	ipc_charged += bytes;
	return 0;
}

void ipc_uncharge(size_t bytes)
{
	ipc_charged -= bytes;
}

s64 ipc_now(void)
{
	return (s64)(ktime_real() / 1000000000ULL);
}

struct ipc_obj *ipc_find_idx(struct ipc_ids *ids, int idx)
{
	if (idx < 0 || idx >= ids->nslots)
		return NULL;
	return ids->slot[idx];
}

struct ipc_obj *ipc_find_id(struct ipc_ids *ids, int id)
{
	struct ipc_obj *o;

	if (id < 0)
		return NULL;
	o = ipc_find_idx(ids, id % IPC_SEQ_MULT);
	return o && o->id == id ? o : NULL;
}

struct ipc_obj *ipc_find_key(struct ipc_ids *ids, s32 key)
{
	for (int i = 0; i <= ids->max_idx; i++) {
		struct ipc_obj *o = ids->slot[i];

		if (o && o->key == key)
			return o;
	}
	return NULL;
}

/* Make room for index idx; 0 or -ENOMEM. */
static int ids_grow(struct ipc_ids *ids, int idx)
{
	int n = ids->nslots ? ids->nslots : 16;
	struct ipc_obj **s;

	if (idx < ids->nslots)
		return 0;
	while (n <= idx)
		n *= 2;
	s = kzalloc((size_t)n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (ids->slot)
		memcpy(s, ids->slot, (size_t)ids->nslots * sizeof(*s));
	kfree(ids->slot);
	ids->slot = s;
	ids->nslots = n;
	return 0;
}

int ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int mni)
{
	const struct cred *c = &current->cred;
	int idx = 0;

	if (mni > IPC_SEQ_MULT)
		mni = IPC_SEQ_MULT;
	if (ids->in_use >= mni)
		return -ENOSPC;
	while (idx < ids->nslots && ids->slot[idx])
		idx++;
	if (idx >= mni)
		return -ENOSPC;
	if (ids_grow(ids, idx) < 0)
		return -ENOMEM;
	o->seq = ids->seq;
	ids->seq = (u16)((ids->seq + 1) % (0x7fffffff / IPC_SEQ_MULT + 1));
	o->id = o->seq * IPC_SEQ_MULT + idx;
	o->uid = o->cuid = c->euid;
	o->gid = o->cgid = c->egid;
	o->deleted = false;
	o->refcount = 1;
	ids->slot[idx] = o;
	ids->in_use++;
	if (idx > ids->max_idx)
		ids->max_idx = idx;
	return 0;
}

void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o)
{
	int idx = o->id % IPC_SEQ_MULT;

	if (o->deleted)
		return;
	ids->slot[idx] = NULL;
	ids->in_use--;
	while (ids->max_idx >= 0 && !ids->slot[ids->max_idx])
		ids->max_idx--;
	o->key = IPC_PRIVATE;
	o->deleted = true;
	ipc_obj_put(o);
}

void ipc_obj_get(struct ipc_obj *o)
{
	o->refcount++;
}

void ipc_obj_put(struct ipc_obj *o)
{
	if (--o->refcount == 0)
		o->free(o);
}

static bool in_group(u32 gid)
{
	const struct cred *c = &current->cred;

	if (c->egid == gid)
		return true;
	for (int i = 0; i < c->ngroups && i < (int)ARRAY_SIZE(c->groups); i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

int ipc_perms(const struct ipc_obj *o, int flag)
{
	u32 euid = current->cred.euid;
	int want = (flag >> 6 | flag >> 3 | flag) & 7;
	int granted = (int)o->mode;

	if (euid == o->cuid || euid == o->uid)
		granted >>= 6;
	else if (in_group(o->cgid) || in_group(o->gid))
		granted >>= 3;
	if ((want & ~granted & 7) && !cred_capable(CAP_IPC_OWNER))
		return -EACCES;
	return 0;
}

bool ipc_is_owner(const struct ipc_obj *o)
{
	u32 euid = current->cred.euid;

	return euid == o->uid || euid == o->cuid || cred_capable(CAP_SYS_ADMIN);
}

long ipc_get(struct ipc_ids *ids, s32 key, int flg, long (*create)(s32 key, int flg, void *arg),
	     int (*check)(struct ipc_obj *o, void *arg), void *arg)
{
	struct ipc_obj *o;
	int r;

	if (key == IPC_PRIVATE)
		return create(key, flg, arg);
	o = ipc_find_key(ids, key);
	if (!o)
		return (flg & IPC_CREAT) ? create(key, flg, arg) : -ENOENT;
	if ((flg & IPC_CREAT) && (flg & IPC_EXCL))
		return -EEXIST;
	r = ipc_perms(o, flg);
	if (r == 0 && check)
		r = check(o, arg);
	return r < 0 ? r : o->id;
}

void ipc_fill_perm(const struct ipc_obj *o, struct ipc64_perm *p)
{
	memset(p, 0, sizeof(*p));
	p->key = o->key;
	p->uid = o->uid;
	p->gid = o->gid;
	p->cuid = o->cuid;
	p->cgid = o->cgid;
	p->mode = o->mode;
	p->seq = o->seq;
}

void ipc_set_perm(struct ipc_obj *o, const struct ipc64_perm *p)
{
	o->uid = p->uid;
	o->gid = p->gid;
	o->mode = (o->mode & ~0777u) | (p->mode & 0777u);
}

struct ipc_obj *ipc_ctl_lookup(struct ipc_ids *ids, int id, bool by_index)
{
	return by_index ? ipc_find_idx(ids, id) : ipc_find_id(ids, id);
}
