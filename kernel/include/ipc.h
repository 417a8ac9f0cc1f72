/*
 * System V IPC (kernel/ipc/): shared memory segments, semaphore sets and message queues,
 * each kind with its own id table in the instance's one IPC namespace.
 *
 * Ownership: an object is referenced by its id table (until IPC_RMID) and by every task
 * sleeping on it (semop, msgsnd, msgrcv), which is why removal marks it deleted and frees
 * it only when the last reference goes. Shared memory attaches are VMAs whose file is an
 * attach file of the segment (kernel/ipc/shm.c): their references are the attach count.
 * Concurrency: kernel code runs on one host thread (kernel/sched.c), so no locks.
 */
#ifndef IPC_H
#define IPC_H

#include "kernel.h"
#include "list.h"

struct task;
struct procfs_buf;
struct proc_inode;

/* Linux's default limits (include/uapi/linux/{shm,sem,msg}.h, ipc/ipc_sysctl.c). */
#define IPC_SHMMAX (~0UL - (1UL << 24))
#define IPC_SHMALL (~0UL - (1UL << 24))
#define IPC_SHMMNI 4096
#define IPC_SEMMSL 32000
#define IPC_SEMMNI 32000
#define IPC_SEMMNS (IPC_SEMMSL * IPC_SEMMNI)
#define IPC_SEMOPM 500
#define IPC_SEMVMX 32767
#define IPC_MSGMNI 32000
#define IPC_MSGMAX 8192
#define IPC_MSGMNB 16384
/* An id is seq * IPC_SEQ_MULT + index, as Linux's (IPCMNI, 32768 slots). */
#define IPC_SEQ_MULT 32768

/* The tunables of /proc/sys/kernel (shmmax, sem, msgmnb...), Linux's defaults at boot. */
struct ipc_limits {
	unsigned long shm_ctlmax, shm_ctlall;
	int shm_ctlmni;
	int sem_ctls[4]; /* SEMMSL, SEMMNS, SEMOPM, SEMMNI */
	int msg_ctlmax, msg_ctlmnb, msg_ctlmni;
};
extern struct ipc_limits ipc_limits;

/* ---- sem.c: SEM_UNDO lists of tasks */
/* clone(2) with CLONE_SYSVSEM: child shares parent's undo list. 0 or -ENOMEM. */
int sem_undo_share(struct task *child, struct task *parent);
/* A task exits (or a clone failed): drop its undo list, applied when the last user goes. */
void sem_exit(struct task *t);

/* ---- proc.c: the files of /proc/sysvipc and /proc/sys/kernel */
int ipc_proc_show_shm(struct procfs_buf *b, const struct proc_inode *pi, struct task *t);
int ipc_proc_show_sem(struct procfs_buf *b, const struct proc_inode *pi, struct task *t);
int ipc_proc_show_msg(struct procfs_buf *b, const struct proc_inode *pi, struct task *t);
/* /proc/sys/kernel/{shmmax,shmall,shmmni,sem,msgmax,msgmnb,msgmni}: show and write. */
int ipc_sysctl_show(struct procfs_buf *b, const struct proc_inode *pi, struct task *t);
int ipc_sysctl_write(const struct proc_inode *pi, struct task *t, const char *buf, size_t len);

#endif
