/*
 * The private interface of System V IPC (kernel/ipc/): the permission record every object
 * starts with, the id tables (util.c) and what proc.c needs from each kind.
 */
#ifndef IPC_INTERNAL_H
#define IPC_INTERNAL_H

#include "kernel.h"
#include "ipc.h"

#include <linux/ipc.h>
#include <asm/ipcbuf.h>

/* The first member of every segment, semaphore set and queue (Linux's kern_ipc_perm). */
struct ipc_obj {
	int id;            /* seq * IPC_SEQ_MULT + index */
	s32 key;           /* IPC_PRIVATE once removed */
	u32 uid, gid;      /* owner */
	u32 cuid, cgid;    /* creator */
	u32 mode;          /* permission bits, and SHM_DEST / SHM_LOCKED for segments */
	u16 seq;
	bool deleted;      /* removed from its table (IPC_RMID): sleepers see EIDRM */
	int refcount;      /* the table (while listed) and sleepers */
	void (*free)(struct ipc_obj *o); /* frees the containing object */
};

/* One kind's table: a growable array of objects indexed by id % IPC_SEQ_MULT. */
struct ipc_ids {
	struct ipc_obj **slot;
	int nslots;        /* allocated entries of slot */
	int in_use;        /* objects listed */
	u16 seq;           /* the next object's sequence number */
	int max_idx;       /* highest index in use, -1 when empty */
};

extern struct ipc_ids ipc_shm_ids, ipc_sem_ids, ipc_msg_ids;

/* The object with key (not IPC_PRIVATE), or NULL. */
struct ipc_obj *ipc_find_key(struct ipc_ids *ids, s32 key);
/* The object with id (stale ids included: NULL), or NULL. */
struct ipc_obj *ipc_find_id(struct ipc_ids *ids, int id);
/* The object at index idx (the *_STAT commands), or NULL. */
struct ipc_obj *ipc_find_idx(struct ipc_ids *ids, int idx);
/*
 * List o (already filled: key, mode) in ids with current's credentials as owner and
 * creator; mni is the kind's limit. 0 (o->id set, refcount 1) or -ENOSPC / -ENOMEM.
 */
int ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int mni);
/* Take o off its table (IPC_RMID): key IPC_PRIVATE, deleted, the table's reference put. */
void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o);
void ipc_obj_get(struct ipc_obj *o);
void ipc_obj_put(struct ipc_obj *o);
/* May current access o for flag's rwx bits (S_IRUGO/S_IWUGO style)? 0 or -EACCES. */
int ipc_perms(const struct ipc_obj *o, int flag);
/* Is current o's owner or creator, or privileged (IPC_SET, IPC_RMID)? */
bool ipc_is_owner(const struct ipc_obj *o);
/*
 * The common part of shmget/semget/msgget: find key or create through create(arg), with
 * Linux's IPC_CREAT / IPC_EXCL / permission rules; check(o, arg) then validates an
 * existing object (sizes). Returns the id or -errno.
 */
long ipc_get(struct ipc_ids *ids, s32 key, int flg, long (*create)(s32 key, int flg, void *arg),
	     int (*check)(struct ipc_obj *o, void *arg), void *arg);
/* Fill a guest ipc64_perm from o. */
void ipc_fill_perm(const struct ipc_obj *o, struct ipc64_perm *p);
/* IPC_SET: take uid, gid and the permission bits from p (after the owner check). */
void ipc_set_perm(struct ipc_obj *o, const struct ipc64_perm *p);
/*
 * The object a ctl command is about: by id, or by index for the *_STAT commands (stat
 * true). NULL when there is none (-EINVAL for ids, as Linux), stale ids included.
 */
struct ipc_obj *ipc_ctl_lookup(struct ipc_ids *ids, int id, bool by_index);
/*
 * Account bytes of kernel memory held by IPC objects (semaphore sets, undo records,
 * queued messages): 0, or -ENOMEM when all of them would pass a quarter of guest memory,
 * so that a guest cannot fill the kernel with them.
 */
int ipc_charge(size_t bytes);
void ipc_uncharge(size_t bytes);
/* Seconds of the real-time clock (the *_time fields). */
s64 ipc_now(void);

/* ---- per-kind information for /proc/sysvipc (proc.c) */
void shm_proc_line(struct procfs_buf *b, struct ipc_obj *o);
void sem_proc_line(struct procfs_buf *b, struct ipc_obj *o);
void msg_proc_line(struct procfs_buf *b, struct ipc_obj *o);

#endif
