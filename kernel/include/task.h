/*
 * Tasks: a task is one guest thread (or a kernel thread). Tasks of one process share a
 * struct signal_struct (the thread group: process ids, job control, child waiting) and
 * possibly an mm, a files table, an fs struct and a sighand (kernel/fork.c, kernel/exit.c).
 *
 * Ownership: every pointer to a shared struct holds one reference, dropped in exit.
 * Concurrency: kernel code runs on one host thread (kernel/sched.c), so no locks.
 */
#ifndef TASK_H
#define TASK_H

#include "kernel.h"
#include "list.h"
#include "mode.h"
#include "sched.h"
#include "sig.h"

#include <linux/capability.h> /* CAP_* for cred_capable() */
#include <linux/resource.h>

enum task_state {
	TASK_RUNNING = 0,       /* on the run queue, or current */
	TASK_INTERRUPTIBLE = 1, /* sleeping; a signal wakes it */
	TASK_UNINTERRUPTIBLE = 2,
	TASK_STOPPED = 4,       /* job-control stop */
	TASK_ZOMBIE = 8,        /* exited, waiting for the parent's wait */
	TASK_DEAD = 16,         /* reaped; freed when switched away from */
};

struct cred {
	u32 uid, euid, suid, fsuid;
	u32 gid, egid, sgid, fsgid;
	int ngroups;
	u32 groups[32];
	/* Capability sets (bit n = capability n, as in capabilities(7)); kernel/capability.c */
	u64 cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	u32 securebits;          /* SECBIT_* (SECBIT_KEEP_CAPS is PR_SET_KEEPCAPS) */
};

/* The thread group ("process"). */
struct signal_struct {
	int refcount;
	int nr_threads;          /* live threads in the group */
	struct sigpending shared_pending;
	int pgid, sid;           /* process group and session */
	struct tty *tty;         /* controlling terminal, or NULL */
	struct wait_queue_head wait_child; /* wait4/waitid sleepers of this process */
	int group_exit_code;     /* wait status once the group is exiting */
	bool group_exiting;
	struct task *group_exec_task; /* a thread in execve waiting for the others to die */
	int stop_sig;            /* job control: signal that stopped the group (0: running) */
	bool stop_reported, cont_reported; /* WUNTRACED / WCONTINUED bookkeeping */
	struct rlimit rlim[RLIM_NLIMITS];
	u64 utime_ns, stime_ns;  /* of dead threads and reaped children (for times()) */
	u64 cutime_ns, cstime_ns;
	/* ITIMER_REAL / alarm() */
	struct ktimer real_timer;
	u64 real_interval_ns;
	/* ITIMER_VIRTUAL, ITIMER_PROF: CPU time left and reload (0: disarmed) */
	u64 cpu_timer_value[2], cpu_timer_interval[2];
	/* timer_create's timers (kernel/posix_timers.c) and the next id to try */
	struct list_head posix_timers;
	int next_timer_id;
};

struct mm;
struct sem_undo_list;
struct files_struct;
struct fs_struct;

struct task {
	/* ---- scheduling */
	unsigned long ksp;          /* saved kernel stack pointer (arch_switch_to) */
	void *kstack;               /* base of the kernel stack (KSTACK_SIZE bytes) */
	int state;                  /* enum task_state */
	struct list_head run_list;  /* on the run queue when runnable */
	bool on_rq;
	struct list_head all_tasks; /* every task, for /proc and kill(-1) */
	struct list_head pid_link;  /* in kernel/pid.c's hash of ids (no allocation to fail) */
	const char *wchan;          /* what a sleeping task waits for (debugging, /proc) */
	struct ktimer sleep_timer;  /* schedule_until() */

	/* ---- identity */
	int pid;    /* thread id */
	int tgid;   /* process id (the group leader's pid) */
	char comm[16];
	struct task *group_leader;
	struct list_head thread_node;   /* in the leader's thread_group */
	struct list_head thread_group;  /* leader only: the other threads */
	struct task *parent;            /* process that waits for us (group leaders) */
	struct list_head children;      /* our child processes (leaders) */
	struct list_head sibling;       /* in parent->children */
	int exit_signal;                /* sent to parent on exit (SIGCHLD), or -1 for threads */
	struct cred cred;

	/* ---- resources (each pointer holds a reference) */
	struct mm *mm;
	struct files_struct *files;
	struct fs_struct *fs;
	struct sighand *sighand;
	struct signal_struct *signal;

	/* ---- signals of this thread */
	ksigset_t blocked;
	ksigset_t real_blocked;   /* rt_sigtimedwait: the mask it lowered to wait (else 0) */
	ksigset_t saved_sigmask;  /* restored after sigsuspend-style calls */
	bool restore_sigmask;
	struct sigpending pending;
	bool sigpending_flag;     /* cached: an unblocked signal is pending */
	bool jobctl_stop;         /* another thread stopped the process: stop before running */
	uaddr_t altstack_sp;
	u64 altstack_size;
	int altstack_flags;
	/* restart_syscall(2): continues a call that returned -ERESTART_RESTARTBLOCK (or NULL) */
	long (*restart_fn)(struct task *t);
	u64 restart_arg[4];

	/* ---- guest CPU state */
	struct um_regs regs;
	void *mode_thread;        /* the mode's handle for this thread */
	bool in_syscall;          /* regs hold a system call being served */
	bool regs_replaced;       /* the call rewrote regs (execve): entry.c leaves RAX alone */
	long syscall_nr;          /* the call being served (debugging, /proc/PID/syscall) */
	uaddr_t last_fault_addr;  /* page of the previous refused access (mm/fault.c) */

	/* ---- exit */
	int exit_code;            /* wait status when a zombie */
	uaddr_t clear_child_tid;  /* set_tid_address / CLONE_CHILD_CLEARTID */
	uaddr_t robust_list;
	u64 robust_list_len;

	/* ---- rseq(2) (kernel/rseq.c) */
	uaddr_t rseq;             /* the registered struct rseq, or 0 */
	u32 rseq_len, rseq_sig;
	bool rseq_event;          /* switched away since: rseq_resume before running */

	/* ---- accounting */
	u64 start_time;           /* ktime_now() at creation */
	u64 utime_ns, stime_ns;
	u64 run_start;            /* when it last entered the guest */
	u64 switched_out;         /* when schedule() last switched away from it */
	u64 offcpu_ns;            /* total time switched away (not CPU time: sleeping, waiting) */
	unsigned long min_flt, maj_flt, nvcsw, nivcsw;
	int personality;
	uaddr_t mm_exe_hint;      /* unused */

	/* ---- process life (kernel/fork.c, exit.c, sys.c) */
	struct task *vfork_parent; /* vfork child: the parent sleeping until we exec or exit */
	bool vfork_done;          /* vfork parent: set by task_vfork_done to wake it */
	bool did_exec;            /* has exec'd since fork (setpgid's EACCES) */
	bool no_new_privs;        /* PR_SET_NO_NEW_PRIVS */
	bool child_subreaper;     /* PR_SET_CHILD_SUBREAPER: orphans are reparented to us */
	u8 dumpable;              /* PR_SET_DUMPABLE (0 or 1) */
	int pdeath_signal;        /* PR_SET_PDEATHSIG: sent to us when our parent exits */
	int nice;                 /* -20..19 (getpriority/setpriority) */
	int policy;               /* SCHED_NORMAL... (kernel/sched_policy.c: stored only) */
	int rt_priority;          /* 1..99 for SCHED_FIFO/SCHED_RR, else 0 */
	bool sched_reset_on_fork; /* SCHED_RESET_ON_FORK */
	u16 ioprio;               /* ioprio_set's value (0: IOPRIO_CLASS_NONE) */
	struct sem_undo_list *sysvsem; /* SEM_UNDO adjustments (kernel/ipc/sem.c), or NULL */
};

/* AddressSanitizer's redzones make kernel frames bigger: KASAN builds get 4x the stack. */
#ifdef __SANITIZE_ADDRESS__
#define KSTACK_SIZE (CONFIG_KSTACK_PAGES * PAGE_SIZE * 4)
#else
#define KSTACK_SIZE (CONFIG_KSTACK_PAGES * PAGE_SIZE)
#endif
/* At the lowest word of every kernel stack (fork.c): overwritten only by a stack overflow. */
#define KSTACK_MAGIC 0x57ac4e0d57ac4e0dULL

/* Panic if t's kernel stack overflowed, rather than run on (the run loop's cheap check). */
static inline void task_check_stack(const struct task *t)
{
	if (t->kstack && *(const u64 *)t->kstack != KSTACK_MAGIC)
		panic("kernel stack overflow in %s[%d]", t->comm, t->pid);
}

static inline void task_set_state(struct task *t, int state)
{
	t->state = state;
}

/* The state letter of /proc/PID/stat and ps: R S D T Z, X for a dead task. */
static inline char task_state_char(const struct task *t)
{
	switch (t->state) {
	case TASK_RUNNING:
		return 'R';
	case TASK_INTERRUPTIBLE:
		return 'S';
	case TASK_UNINTERRUPTIBLE:
		return 'D';
	case TASK_STOPPED:
		return 'T';
	case TASK_ZOMBIE:
		return 'Z';
	default:
		return 'X';
	}
}

static inline bool thread_group_leader(const struct task *t)
{
	return t->group_leader == t;
}

/*
 * t's process still has a live thread. A group leader that exited before its other threads
 * is a zombie while its process lives on: process-wide code asks this, not t->state.
 */
static inline bool task_group_alive(const struct task *t)
{
	return t->signal && t->signal->nr_threads > 0;
}

/* ---- kernel/pid.c */
/* Allocate a pid; -EAGAIN when all are in use. */
int pid_alloc(void);
void pid_free(int pid);
/* The task with thread id pid, or NULL. */
struct task *task_by_pid(int pid);
void pid_attach(struct task *t);
void pid_detach(struct task *t);
/* Swap the thread ids of a and b, both attached (execve from a non-leader thread). */
void pid_exchange(struct task *a, struct task *b);
extern struct list_head task_list; /* every live task, in creation order */

/* ---- kernel/fork.c */
/* A task that runs fn(arg) in the kernel with no guest context (kernel thread). */
struct task *task_create_kthread(const char *name, void (*fn)(void *), void *arg);
/* Allocate a bare task with a kernel stack; entry runs fn(arg) when first scheduled. */
struct task *task_alloc(void (*fn)(void *), void *arg);
void task_free(struct task *t);
/* clone(2) on behalf of current. Returns the child's pid or -errno. */
long task_clone(u64 flags, uaddr_t newsp, uaddr_t parent_tid, uaddr_t child_tid, uaddr_t tls);
/*
 * A vfork child execs (exec.c calls this at its point of no return) or exits (exit.c): wake
 * the parent sleeping in vfork. Harmless for a task that is not a vfork child.
 */
void task_vfork_done(struct task *child);
/* A new thread group with refcount 1 and no stopped/continued report pending; NULL on failure. */
struct signal_struct *task_signal_alloc(void);

/* ---- kernel/exit.c */
/* Exit the current thread with wait status code (exit(2) encodes status << 8). */
void task_exit(int code) __noreturn;
/*
 * Exit the whole thread group (exit_group(2), fatal signals): the other threads are sent
 * SIGKILL and exit with the same code.
 */
void task_group_exit(int code) __noreturn;
/* The wait status of t's process once it is dead: the group's exit code or t's own. */
int task_exit_status(const struct task *t);
/*
 * For execve in a multi-threaded process (Linux's de_thread): kill the other threads of
 * current's process and wait until they are gone; a caller that is not the group leader
 * then takes over the leader's pid (its thread id becomes the process id), parent and
 * children, and the old leader is released. 0, or -EINTR when a fatal signal or a group
 * exit came first (the caller is then about to die).
 */
int task_de_thread(void);
/*
 * Notify the parent (SIGCHLD, wait queue) of a stop or continue of t's group. why is
 * CLD_STOPPED (call after setting t->signal->stop_sig) or CLD_CONTINUED (after clearing it);
 * this sets stop_reported / cont_reported to false for the event being announced.
 */
void task_notify_parent_stop(struct task *t, int why);
/* Resource usage of t's process (who: RUSAGE_SELF, RUSAGE_CHILDREN, RUSAGE_BOTH, RUSAGE_THREAD). */
void task_rusage(struct task *t, int who, struct rusage *ru);

/* ---- kernel/pidfd.c */
/* The last thread of a process is gone: wake the pollers of pidfds. */
void pidfd_group_exited(void);

/* ---- kernel/exec.c */
/*
 * Replace current's program by the executable at path (kernel strings; NULL-terminated argv
 * and envp), as execve(2) does. Used to start init. Returns 0 with current's mm and regs
 * set up for task_user_loop, or -errno with nothing changed.
 */
int kernel_execve(const char *path, const char *const argv[], const char *const envp[]);

/* ---- kernel/entry.c */
/* The run loop of a guest task: deliver signals, run guest code, dispatch traps. */
void task_user_loop(void *unused) __noreturn;
/* The task's return value for the syscall being served. */
static inline void task_set_return(struct task *t, long v)
{
	t->regs.gp[UM_RAX] = (u64)v;
}

/* ---- kernel/time_sys.c */
/* CPU time t just used (user, system): counts down its process's ITIMER_VIRTUAL/PROF. */
void itimer_account(struct task *t, u64 user_ns, u64 sys_ns);
/* A live (not zombie) thread of the process whose signal_struct is s, or NULL. */
struct task *signal_live_task(const struct signal_struct *s);

/* ---- kernel/posix_timers.c */
/* Delete every POSIX timer of the process (exec, exit, the signal_struct's end). */
void posix_timers_release(struct signal_struct *s);
/* A timer's signal is being taken: set its si_overrun to the overruns counted until now. */
void posix_timer_dequeued(struct signal_struct *s, siginfo_t *info);

/* ---- kernel/sched_policy.c */
/* May current change t's scheduling (t's owner, or root)? */
bool sched_may_change(const struct task *t);
/* fork: give child (a copy of its parent's fields) its policy (SCHED_RESET_ON_FORK). */
void sched_policy_fork(struct task *child);

/* ---- kernel/capability.c */
/* Every capability of Linux 6.1 (CAP_LAST_CAP = 40). */
#define CRED_CAP_FULL ((1ULL << 41) - 1)
/* Does current hold capability cap (CAP_*) in its effective set? */
bool cred_capable(int cap);
/* init's capabilities: full permitted, effective and bounding sets. */
void cred_caps_init(struct cred *c);
/* After setuid/setreuid/setresuid changed c from the old ids: capabilities(7) fixups. */
void cred_caps_fix_setuid(struct cred *c, u32 old_r, u32 old_e, u32 old_s);
/* After setfsuid changed c's fsuid from old_fs: drop or raise the filesystem capabilities. */
void cred_caps_fix_setfsuid(struct cred *c, u32 old_fs);
/* Why an exec may not gain privileges (Linux's LSM_UNSAFE_*): cred_caps_exec's unsafe. */
#define CRED_UNSAFE_SHARE 1 /* the fs_struct is shared with another process */
#define CRED_UNSAFE_NNP 2   /* no_new_privs */
/* A file's capabilities (its security.capability attribute; fs/fcaps.c reads it). */
struct file_caps {
	u64 permitted, inheritable;
	bool effective;
};
/*
 * execve's transformation of c (a copy of old, the caller's credentials, with the effective
 * ids set-user-id/set-group-id gave) for a file with capabilities fc (NULL: none). Returns
 * 1 when the new image must run in secure mode (AT_SECURE: ids changed or capabilities
 * were gained), 0 otherwise, -EPERM when the file's effective bit asks for permitted
 * capabilities the bounding set withholds.
 */
int cred_caps_exec(struct cred *c, const struct cred *old, const struct file_caps *fc,
		   unsigned unsafe);
/* The capability prctls (PR_CAPBSET_*, PR_CAP_AMBIENT, keepcaps, securebits); -ENOSYS if none. */
long cred_caps_prctl(int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5);
/* Initial limits for init. */
void rlimits_init(struct rlimit *rl);

/*
 * rseq(2) (kernel/rseq.c). rseq_resume: before t runs its code again after a switch or
 * takes a signal, leave the critical section it was in and rewrite its CPU fields.
 * rseq_forget: drop the registration (exec; a new thread starts with none).
 */
void rseq_resume(struct task *t);
void rseq_forget(struct task *t);

#endif
