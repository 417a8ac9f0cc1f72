/*
 * The System V IPC files of /proc: /proc/sysvipc/{shm,sem,msg} in Linux's column format
 * (ipcs reads them), and the limits of /proc/sys/kernel (shmmax, shmall, shmmni, sem,
 * msgmax, msgmnb, msgmni), writable by root.
 */
#include "kernel.h"
#include "task.h"
#include "ipc_internal.h"
#include "../fs/procfs/procfs.h"

static void show_all(struct procfs_buf *b, struct ipc_ids *ids,
		     void (*line)(struct procfs_buf *b, struct ipc_obj *o))
{
	for (int i = 0; i <= ids->max_idx; i++)
		if (ids->slot[i])
			line(b, ids->slot[i]);
}

int ipc_proc_show_shm(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "       key      shmid perms                  size  cpid  lpid nattch   "
		      "uid   gid  cuid  cgid      atime      dtime      ctime                   "
		      "rss                  swap\n");
	show_all(b, &ipc_shm_ids, shm_proc_line);
	return 0;
}

int ipc_proc_show_sem(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "       key      semid perms      nsems   uid   gid  cuid  cgid      "
		      "otime      ctime\n");
	show_all(b, &ipc_sem_ids, sem_proc_line);
	return 0;
}

int ipc_proc_show_msg(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_printf(b, "       key      msqid perms      cbytes       qnum lspid lrpid   uid   "
		      "gid  cuid  cgid      stime      rtime      ctime\n");
	show_all(b, &ipc_msg_ids, msg_proc_line);
	return 0;
}

/* The int limits by file name; NULL for shmmax/shmall (unsigned long) and sem. */
static int *int_limit(const char *name)
{
	if (!strcmp(name, "shmmni"))
		return &ipc_limits.shm_ctlmni;
	if (!strcmp(name, "msgmax"))
		return &ipc_limits.msg_ctlmax;
	if (!strcmp(name, "msgmnb"))
		return &ipc_limits.msg_ctlmnb;
	if (!strcmp(name, "msgmni"))
		return &ipc_limits.msg_ctlmni;
	return NULL;
}

int ipc_sysctl_show(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	const char *name = pi->ent->name;
	int *ip = int_limit(name);
	const int *s = ipc_limits.sem_ctls;

	if (ip)
		procfs_printf(b, "%d\n", *ip);
	else if (!strcmp(name, "sem"))
		procfs_printf(b, "%d\t%d\t%d\t%d\n", s[0], s[1], s[2], s[3]);
	else
		procfs_printf(b, "%lu\n", !strcmp(name, "shmmax") ? ipc_limits.shm_ctlmax :
			      ipc_limits.shm_ctlall);
	return 0;
}

/* "a b c d" of /proc/sys/kernel/sem: 0 and the four values, or -EINVAL. */
static int parse_sem(const char *buf, int v[4])
{
	const char *p = buf;

	for (int i = 0; i < 4; i++) {
		long n = 0;
		bool digits = false;

		while (*p == ' ' || *p == '\t')
			p++;
		while (*p >= '0' && *p <= '9' && n < 0x7fffffff) {
			n = n * 10 + (*p++ - '0');
			digits = true;
		}
		if (!digits || n > 0x7fffffff)
			return -EINVAL;
		v[i] = (int)n;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return *p ? -EINVAL : 0;
}

int ipc_sysctl_write(const struct proc_inode *pi, struct task *t, const char *buf, size_t len)
{
	const char *name = pi->ent->name;
	int *ip = int_limit(name);
	unsigned long v;
	int sem[4], r;

	if (!cred_capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!strcmp(name, "sem")) {
		r = parse_sem(buf, sem);
		if (r == 0 && (sem[0] > IPC_SEMMSL || sem[3] > IPC_SEQ_MULT || sem[2] > 1000))
			r = -EINVAL;
		if (r == 0)
			memcpy(ipc_limits.sem_ctls, sem, sizeof(sem));
		return r;
	}
	r = procfs_parse_ulong(buf, &v);
	if (r < 0)
		return r;
	if (!ip) {
		*(!strcmp(name, "shmmax") ? &ipc_limits.shm_ctlmax : &ipc_limits.shm_ctlall) = v;
		return 0;
	}
	if (v > 0x7fffffff || (ip != &ipc_limits.msg_ctlmax && ip != &ipc_limits.msg_ctlmnb &&
			       v > IPC_SEQ_MULT))
		return -EINVAL;
	*ip = (int)v;
	return 0;
}
