/*
 * Guest test: System V IPC. Shared memory (attach, fork and exit attach counts, removal at
 * the last detach, /proc/PID/maps names), semaphores (all-or-nothing semop, IPC_NOWAIT,
 * SEM_UNDO at exit, blocking woken by a signal and by removal, GETNCNT) and message queues
 * (types, MSG_EXCEPT, MSG_NOERROR, E2BIG, blocking and removal), with the errors Linux
 * gives for bad ids, sizes and pointers. Runs natively first (the oracle); every object is
 * IPC_PRIVATE or keyed by the pid, so the host's other users do not matter.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static void on_alarm(int sig)
{
	(void)sig;
}

/* SIGALRM with a handler (no SA_RESTART) after ms milliseconds. */
static void alarm_ms(int ms)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	sigaction(SIGALRM, &sa, NULL);
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		abort();
}

static unsigned long nattch(int id)
{
	struct shmid_ds ds;

	if (shmctl(id, IPC_STAT, &ds) < 0)
		return (unsigned long)-1;
	return ds.shm_nattch;
}

/* Is there a line of /proc/self/maps containing s? */
static int in_maps(const char *s)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, s) != NULL;
	if (f)
		fclose(f);
	return found;
}

TEST(shm_attach_share_and_count)
{
	int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
	struct shmid_ds ds;
	char *p, *q;
	pid_t pid;
	int st;

	ASSERT_GE(id, 0);
	ASSERT_EQ(0, shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(10000UL, (unsigned long)ds.shm_segsz);
	EXPECT_EQ(0UL, (unsigned long)ds.shm_nattch);
	EXPECT_EQ(getpid(), ds.shm_cpid);
	EXPECT_EQ(0600, ds.shm_perm.mode & 0777);
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	EXPECT_EQ(0, p[9999]);
	EXPECT_EQ(1UL, nattch(id));
	EXPECT_TRUE(in_maps("/SYSV00000000 (deleted)"));
	q = shmat(id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, q);
	EXPECT_EQ(2UL, nattch(id));
	strcpy(p, "hello");
	EXPECT_STREQ("hello", q);
	EXPECT_EQ(-1, mprotect(q, 4096, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	pid = fork();
	if (pid == 0) {
		/* The child inherits both attaches; it writes through one, exits. */
		if (nattch(id) != 4)
			_exit(1);
		strcpy(p, "child");
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	EXPECT_STREQ("child", q);
	EXPECT_EQ(2UL, nattch(id));
	EXPECT_EQ(0, shmdt(q));
	EXPECT_EQ(1UL, nattch(id));
	EXPECT_EQ(-1, shmdt(q));
	EXPECT_EQ(EINVAL, errno);
	/* Removal with an attach: SHM_DEST, key private, still usable, gone at the last detach. */
	ASSERT_EQ(0, shmctl(id, IPC_RMID, NULL));
	ASSERT_EQ(0, shmctl(id, IPC_STAT, &ds));
	EXPECT_TRUE(ds.shm_perm.mode & 01000);
	EXPECT_EQ(IPC_PRIVATE, ds.shm_perm.__key);
	EXPECT_STREQ("child", p);
	EXPECT_EQ(0, shmdt(p));
	EXPECT_EQ(-1, shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/* Re-executed by shm_exec_detaches: exit 0 when exec left only the parent's attach. */
__attribute__((constructor)) static void exec_probe(void)
{
	const char *id = getenv("SYSVIPC_EXEC_ID");

	if (id)
		_exit(nattch(atoi(id)) == 1 ? 0 : 1);
}

TEST(shm_exec_detaches)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	char env[64];
	pid_t pid;
	int st;

	ASSERT_GE(id, 0);
	ASSERT_NE((void *)-1, shmat(id, NULL, 0));
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "sysvipc_test", NULL };
		char *envp[] = { env, NULL };

		snprintf(env, sizeof(env), "SYSVIPC_EXEC_ID=%d", id);
		if (shmat(id, NULL, 0) == (void *)-1 || nattch(id) != 3)
			_exit(2);
		execve("/proc/self/exe", argv, envp);
		_exit(3);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	EXPECT_EQ(1UL, nattch(id));
	EXPECT_EQ(0, shmctl(id, IPC_RMID, NULL));
}

TEST(shm_key_fixed_address_and_errors)
{
	key_t key = 0x5e000000 | (getpid() & 0xffff);
	int id = shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600);
	struct shmid_ds ds;
	char *p, *hint;

	ASSERT_GE(id, 0);
	EXPECT_EQ(id, shmget(key, 4096, 0));
	EXPECT_EQ(-1, shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, shmget(key, 8193, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shmget(key + 1 == 0 ? 1 : key + 1, 4096, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shmget(IPC_PRIVATE, ~0UL, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shmget(IPC_PRIVATE, 1UL << 50, IPC_CREAT | 0600));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(-1, shmctl(id, IPC_STAT, (struct shmid_ds *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ((void *)-1, shmat(id + 1, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((void *)-1, shmat(-5, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	/* A given address (SHM_RND rounds it), and SHM_REMAP over an existing mapping. */
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	hint = p;
	ASSERT_EQ(0, shmdt(p));
	EXPECT_EQ((void *)-1, shmat(id, hint + 1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(hint, shmat(id, hint + 1, SHM_RND));
	EXPECT_EQ((void *)-1, shmat(id, hint, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(hint, shmat(id, hint, SHM_REMAP));
	EXPECT_EQ(0, shmdt(hint));
	ASSERT_EQ(0, shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(key, ds.shm_perm.__key);
	EXPECT_NE(0, (long)ds.shm_atime);
	EXPECT_NE(0, (long)ds.shm_dtime);
	ds.shm_perm.mode = 0640;
	EXPECT_EQ(0, shmctl(id, IPC_SET, &ds));
	ASSERT_EQ(0, shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0640, ds.shm_perm.mode & 0777);
	EXPECT_EQ(0, shmctl(id, IPC_RMID, NULL));
	EXPECT_EQ(-1, shmget(key, 4096, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, shmctl(id, 999, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST(shm_info_and_proc)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	struct shminfo si;
	struct shm_info info;
	struct shmid_ds ds;
	char line[512];
	FILE *f;
	int found = 0, maxidx;

	ASSERT_GE(id, 0);
	maxidx = shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
	EXPECT_GE(maxidx, 0);
	EXPECT_EQ(4096UL, si.shmmni);
	EXPECT_GE(shmctl(0, SHM_INFO, (struct shmid_ds *)&info), 0);
	EXPECT_GE(info.used_ids, 1);
	f = fopen("/proc/sysvipc/shm", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_NE(NULL, strstr(line, "key      shmid perms"));
	while (fgets(line, sizeof(line), f)) {
		int k, i;
		unsigned long size;

		if (sscanf(line, "%d %d %*o %lu", &k, &i, &size) == 3 && i == id)
			found = size == 4096;
	}
	fclose(f);
	EXPECT_TRUE(found);
	/* SHM_STAT takes an index and returns the id. */
	found = 0;
	for (int i = 0; i <= shmctl(0, SHM_INFO, (struct shmid_ds *)&info); i++)
		if (shmctl(i, SHM_STAT, &ds) == id)
			found = 1;
	EXPECT_TRUE(found);
	EXPECT_EQ(0, shmctl(id, IPC_RMID, NULL));
}

TEST(sem_ops_all_or_nothing)
{
	int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
	unsigned short vals[3] = { 1, 0, 5 }, out[3];
	struct sembuf two[2] = { { 0, -1, IPC_NOWAIT }, { 1, -1, IPC_NOWAIT } };
	struct sembuf ok[2] = { { 0, -1, 0 }, { 2, 3, 0 } };
	struct semid_ds ds;
	union semun arg;

	ASSERT_GE(id, 0);
	arg.array = vals;
	ASSERT_EQ(0, semctl(id, 0, SETALL, arg));
	EXPECT_EQ(-1, semop(id, two, 2));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(1, semctl(id, 0, GETVAL));
	EXPECT_EQ(0, semop(id, ok, 2));
	arg.array = out;
	ASSERT_EQ(0, semctl(id, 0, GETALL, arg));
	EXPECT_EQ(0, out[0]);
	EXPECT_EQ(8, out[2]);
	EXPECT_EQ(getpid(), semctl(id, 2, GETPID));
	arg.val = 32767;
	EXPECT_EQ(0, semctl(id, 1, SETVAL, arg));
	ok[0] = (struct sembuf){ 1, 1, 0 };
	EXPECT_EQ(-1, semop(id, ok, 1));
	EXPECT_EQ(ERANGE, errno);
	arg.val = 32768;
	EXPECT_EQ(-1, semctl(id, 1, SETVAL, arg));
	EXPECT_EQ(ERANGE, errno);
	ok[0] = (struct sembuf){ 3, 1, 0 };
	EXPECT_EQ(-1, semop(id, ok, 1));
	EXPECT_EQ(EFBIG, errno);
	EXPECT_EQ(-1, semop(id, ok, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semop(id, ok, 100000));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, semop(id, (struct sembuf *)8, 1));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, semctl(id, 5, GETVAL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semget(IPC_PRIVATE, 100000, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	arg.buf = &ds;
	ASSERT_EQ(0, semctl(id, 0, IPC_STAT, arg));
	EXPECT_EQ(3UL, (unsigned long)ds.sem_nsems);
	EXPECT_EQ(0, semctl(id, 0, IPC_RMID));
	EXPECT_EQ(-1, semctl(id, 0, GETVAL));
	EXPECT_EQ(EINVAL, errno);
}

TEST(sem_undo_applied_at_exit)
{
	int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	struct sembuf up = { 0, 2, SEM_UNDO };
	pid_t pid;
	int st;

	ASSERT_GE(id, 0);
	pid = fork();
	if (pid == 0) {
		if (semop(id, &up, 1) < 0)
			_exit(1);
		_exit(semctl(id, 0, GETVAL) == 2 ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	EXPECT_EQ(0, semctl(id, 0, GETVAL));
	EXPECT_EQ(0, semctl(id, 0, IPC_RMID));
}

static void *undo_thread(void *arg)
{
	struct sembuf up = { 0, 1, SEM_UNDO };

	return (void *)(long)semop(*(int *)arg, &up, 1);
}

TEST(sem_undo_shared_by_threads)
{
	int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	pthread_t th;
	void *ret;
	pid_t pid;
	int st;

	ASSERT_GE(id, 0);
	pid = fork();
	if (pid == 0) {
		/* The thread's undo is the process's: its exit applies nothing. */
		if (pthread_create(&th, NULL, undo_thread, &id) || pthread_join(th, &ret) || ret)
			_exit(1);
		_exit(semctl(id, 0, GETVAL) == 1 ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	/* The process's exit did. */
	EXPECT_EQ(0, semctl(id, 0, GETVAL));
	EXPECT_EQ(0, semctl(id, 0, IPC_RMID));
}

TEST(sem_blocking_signal_timeout_and_removal)
{
	int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	struct sembuf down = { 0, -1, 0 };
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	pid_t pid;
	int st, i;

	ASSERT_GE(id, 0);
	alarm_ms(100);
	EXPECT_EQ(-1, semop(id, &down, 1));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(-1, semtimedop(id, &down, 1, &ts));
	EXPECT_EQ(EAGAIN, errno);
	/* A child blocks; GETNCNT counts it; a V wakes it. */
	pid = fork();
	if (pid == 0)
		_exit(semop(id, &down, 1) == 0 ? 0 : 1);
	for (i = 0; i < 500 && semctl(id, 0, GETNCNT) != 1; i++)
		usleep(2000);
	EXPECT_EQ(1, semctl(id, 0, GETNCNT));
	down.sem_op = 1;
	EXPECT_EQ(0, semop(id, &down, 1));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	/* Another blocks; removal wakes it with EIDRM. */
	down.sem_op = -1;
	pid = fork();
	if (pid == 0)
		_exit(semop(id, &down, 1) == -1 && errno == EIDRM ? 0 : 1);
	for (i = 0; i < 500 && semctl(id, 0, GETNCNT) != 1; i++)
		usleep(2000);
	EXPECT_EQ(0, semctl(id, 0, IPC_RMID));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
}

TEST(stale_ids_and_killed_sleepers)
{
	int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), id2;
	struct sembuf down = { 0, -1, 0 };
	pid_t pid;
	int st, i;

	ASSERT_GE(id, 0);
	pid = fork();
	if (pid == 0) {
		semop(id, &down, 1);
		_exit(1);
	}
	for (i = 0; i < 500 && semctl(id, 0, GETNCNT) != 1; i++)
		usleep(2000);
	EXPECT_EQ(1, semctl(id, 0, GETNCNT));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(SIGKILL, WTERMSIG(st));
	EXPECT_EQ(0, semctl(id, 0, GETNCNT));
	EXPECT_EQ(0, semctl(id, 0, IPC_RMID));
	/* A new set may reuse the slot, never the id. */
	id2 = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	ASSERT_GE(id2, 0);
	EXPECT_NE(id, id2);
	EXPECT_EQ(-1, semctl(id, 0, GETVAL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, semctl(id2, 0, IPC_RMID));
}

struct tmsg {
	long type;
	char text[32];
};

static int send(int id, long type, const char *s)
{
	struct tmsg m = { .type = type };

	strcpy(m.text, s);
	return msgsnd(id, &m, strlen(s) + 1, IPC_NOWAIT);
}

TEST(msg_types_and_errors)
{
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct msqid_ds ds;
	struct tmsg m;

	ASSERT_GE(id, 0);
	ASSERT_EQ(0, send(id, 5, "five"));
	ASSERT_EQ(0, send(id, 2, "two"));
	ASSERT_EQ(0, send(id, 7, "seven-long-text"));
	ASSERT_EQ(0, msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(3UL, (unsigned long)ds.msg_qnum);
	EXPECT_EQ(5UL + 4 + 16, (unsigned long)ds.msg_cbytes);
	EXPECT_EQ(16384UL, (unsigned long)ds.msg_qbytes);
	EXPECT_EQ(4, msgrcv(id, &m, sizeof(m.text), -6, IPC_NOWAIT));
	EXPECT_EQ(2, m.type);
	EXPECT_EQ(-1, msgrcv(id, &m, 4, 7, IPC_NOWAIT));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(4, msgrcv(id, &m, 4, 7, IPC_NOWAIT | MSG_NOERROR));
	EXPECT_EQ(0, memcmp(m.text, "seve", 4));
	EXPECT_EQ(-1, msgrcv(id, &m, sizeof(m.text), 9, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(5, msgrcv(id, &m, sizeof(m.text), 9, IPC_NOWAIT | MSG_EXCEPT));
	EXPECT_STREQ("five", m.text);
	EXPECT_EQ(-1, send(id, 0, "x"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgsnd(id, &m, 9000, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgsnd(id, (void *)8, 4, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, msgsnd(id + 1, &m, 4, 0));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, send(id, 3, "x"));
	EXPECT_EQ(-1, msgrcv(id, (void *)8, 8, 0, IPC_NOWAIT));
	EXPECT_EQ(EFAULT, errno);
	/* A full queue: IPC_NOWAIT gives EAGAIN. */
	ds.msg_qbytes = 4;
	ASSERT_EQ(0, msgctl(id, IPC_SET, &ds));
	EXPECT_EQ(-1, send(id, 1, "abcd"));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, msgctl(id, IPC_RMID, NULL));
	EXPECT_EQ(-1, msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

TEST(msg_blocking_signal_and_removal)
{
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct tmsg m;
	pid_t pid;
	int st;

	ASSERT_GE(id, 0);
	alarm_ms(100);
	EXPECT_EQ(-1, msgrcv(id, &m, sizeof(m.text), 0, 0));
	EXPECT_EQ(EINTR, errno);
	pid = fork();
	if (pid == 0) {
		if (msgrcv(id, &m, sizeof(m.text), 4, 0) != 3 || strcmp(m.text, "hi"))
			_exit(1);
		_exit(msgrcv(id, &m, sizeof(m.text), 0, 0) == -1 && errno == EIDRM ? 0 : 2);
	}
	usleep(20000);
	ASSERT_EQ(0, send(id, 4, "hi"));
	usleep(50000);
	EXPECT_EQ(0, msgctl(id, IPC_RMID, NULL));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
}

TEST(ipc_permissions_for_other_users)
{
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	pid_t pid;
	int st;

	ASSERT_GE(id, 0);
	pid = fork();
	if (pid == 0) {
		struct msqid_ds ds;

		if (getuid() == 0 && setuid(65534) < 0)
			_exit(3);
		if (msgctl(id, IPC_STAT, &ds) != -1 || errno != EACCES)
			_exit(1);
		_exit(msgctl(id, IPC_RMID, NULL) == -1 && errno == EPERM ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	EXPECT_EQ(0, msgctl(id, IPC_RMID, NULL));
}

TEST(hostile_arguments)
{
	int sid = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	int qid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	int mid = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	struct sembuf op = { 0, 1, 0 };
	struct timespec bad = { 0, 2000000000L };
	struct tmsg m = { .type = 1 };
	union semun arg;

	ASSERT_GE(sid, 0);
	ASSERT_GE(qid, 0);
	ASSERT_GE(mid, 0);
	EXPECT_EQ(-1, semctl(sid, 0x7fffffff, GETVAL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semctl(sid, -1, SETVAL, arg));
	EXPECT_EQ(EINVAL, errno);
	arg.array = (unsigned short *)8;
	EXPECT_EQ(-1, semctl(sid, 0, GETALL, arg));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, semctl(sid, 0, SETALL, arg));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, semctl(sid, 0, 12345));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semtimedop(sid, &op, 1, &bad));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semtimedop(sid, &op, 1, (struct timespec *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, semop(-1, &op, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgrcv(qid, &m, 1UL << 62, 0, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(-1, msgrcv(qid, &m, 8, LONG_MIN, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(-1, msgrcv(qid, &m, (size_t)-1, 0, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgsnd(qid, &m, (size_t)-1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgrcv(qid, &m, 8, 0, MSG_COPY));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgctl(qid, IPC_SET, (struct msqid_ds *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, msgctl(qid, 777, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((void *)-1, shmat(mid, (void *)0x7ffffffff000UL, 0));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(-1, shmdt((void *)1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shmctl(mid, IPC_SET, (struct shmid_ds *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, shmctl(0, IPC_INFO, (struct shmid_ds *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, semctl(sid, 0, IPC_RMID));
	EXPECT_EQ(0, msgctl(qid, IPC_RMID, NULL));
	EXPECT_EQ(0, shmctl(mid, IPC_RMID, NULL));
}

TEST_HARNESS_MAIN
