/*
 * Task creation: bare tasks with a kernel stack (task_alloc), kernel threads, and
 * fork/vfork/clone/clone3 for guest processes (task_clone).
 *
 * Layer: kernel core, below the system calls of this file and above the scheduler
 * (kernel/sched.c), the mm (mm_fork), the VFS (files_copy, fs_struct_copy) and signals
 * (sighand_copy).
 *
 * A new task first runs task_entry() on its own stack: it finishes the switch that brought
 * it there (sched_finish_switch frees an exited predecessor's stack), then calls the entry
 * function; a kernel thread whose function returns exits with status 0. The entry function
 * and its argument sit in the top 16 bytes of the kernel stack, above the frame that
 * arch_switch_to pops the first time.
 *
 * Threads and shared address spaces: with CLONE_VM the child shares the parent's mm and
 * gets a new mode thread in it (in SKAS, another host thread of the address space's stub);
 * CLONE_THREAD puts it in the parent's thread group (same tgid, the group's signal_struct,
 * no exit signal, and no parent of its own: the group leader's parent and children are the
 * process's). CLONE_SIGHAND shares the handler table, CLONE_FILES and CLONE_FS the
 * descriptor table and the cwd/root/umask. vfork (CLONE_VFORK) keeps the parent asleep,
 * killably, until the child execs or exits (task_vfork_done); with CLONE_VM, as vfork(2)
 * and posix_spawn ask, the child runs in the parent's memory meanwhile.
 *
 * Ownership: the child holds one reference on each of mm, files, fs, sighand and signal;
 * task_free drops whatever is still held, so every error path just frees the task.
 */
#include "kernel.h"
#include "fs.h"
#include "ipc.h"
#include "mm.h"
#include "mode.h"
#include "page.h"
#include "sched.h"
#include "sig.h"
#include "slab.h"
#include "swap.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "as-layout.h"

#include <linux/sched.h>
#include <linux/signal.h>

void arch_task_start(void);

/* What task_entry calls: stored at the top of the new kernel stack. */
struct task_start {
	void (*fn)(void *);
	void *arg;
};

/* The first code of every new task; a kernel thread whose function returns exits. */
static void __noreturn task_entry(void *p)
{
	struct task_start *start = p;
	void (*fn)(void *) = start->fn;
	void *arg = start->arg;

	sched_finish_switch();
	fn(arg);
	task_exit(0);
}

/*
 * Prepare t's kernel stack so that the first arch_switch_to to it "returns" into
 * arch_task_start with r12 = fn and r13 = arg. arch_switch_to pops r15, r14, r13, r12, rbx,
 * rbp, then returns: seven words just below a 16-byte-aligned top, so that %rsp is 16-byte
 * aligned after the ret, as the ABI wants before arch_task_start's call. The top 16 bytes
 * of the stack stay free for the struct task_start.
 */
static void arch_stack_init(struct task *t, void (*fn)(void *), void *arg)
{
	unsigned long top = (unsigned long)t->kstack + KSTACK_SIZE - sizeof(struct task_start);
	unsigned long *sp;

	sp = (unsigned long *)(top & ~15UL) - 7;
	sp[0] = 0;                          /* r15 */
	sp[1] = 0;                          /* r14 */
	sp[2] = (unsigned long)arg;         /* r13 */
	sp[3] = (unsigned long)fn;          /* r12 */
	sp[4] = 0;                          /* rbx */
	sp[5] = 0;                          /* rbp */
	sp[6] = (unsigned long)arch_task_start;
	t->ksp = (unsigned long)sp;
}

/* A bare task with its kernel stack and FPU buffer; fn(arg) runs when it is first switched to. */
struct task *task_alloc(void (*fn)(void *), void *arg)
{
	struct task *t = kzalloc(sizeof(*t));
	struct task_start *start;

	if (!t)
		return NULL;
	t->kstack = kmalloc(KSTACK_SIZE);
	if (um_fp_size)
		t->regs.fp = kzalloc(um_fp_size);
	if (!t->kstack || (um_fp_size && !t->regs.fp)) {
		kfree(t->regs.fp);
		kfree(t->kstack);
		kfree(t);
		return NULL;
	}
	*(u64 *)t->kstack = KSTACK_MAGIC;
	start = (struct task_start *)((char *)t->kstack + KSTACK_SIZE) - 1;
	start->fn = fn;
	start->arg = arg;
	arch_stack_init(t, task_entry, start);

	t->state = TASK_RUNNING;
	t->group_leader = t;
	INIT_LIST_HEAD(&t->run_list);
	INIT_LIST_HEAD(&t->all_tasks);
	INIT_LIST_HEAD(&t->pid_link);
	INIT_LIST_HEAD(&t->thread_node);
	INIT_LIST_HEAD(&t->thread_group);
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->sleep_timer.link);
	sigpending_init(&t->pending);
	t->exit_signal = SIGCHLD;
	t->dumpable = 1;
	t->start_time = ktime_now();
	return t;
}

struct signal_struct *task_signal_alloc(void)
{
	struct signal_struct *sig = kzalloc(sizeof(*sig));

	if (!sig)
		return NULL;
	sig->refcount = 1;
	sig->nr_threads = 1;
	sigpending_init(&sig->shared_pending);
	wait_queue_init(&sig->wait_child);
	sig->stop_reported = true;
	sig->cont_reported = true;
	rlimits_init(sig->rlim);
	INIT_LIST_HEAD(&sig->real_timer.link);
	INIT_LIST_HEAD(&sig->posix_timers);
	return sig;
}

static void signal_put(struct signal_struct *sig)
{
	if (sig->refcount > 1) {
		sig->refcount--;
		return;
	}
	ktimer_cancel(&sig->real_timer);
	posix_timers_release(sig);
	sigpending_flush(&sig->shared_pending);
	kfree(sig);
}

/*
 * Free a task and whatever it still holds. The caller has taken it off the pid hash
 * (pid_detach) if it was ever attached; t is not current.
 */
void task_free(struct task *t)
{
	sem_exit(t);
	if (t->mm) {
		if (t->mode_thread)
			um_mode->thread_destroy(t->mode_thread);
		mm_put(t->mm);
	}
	if (t->files)
		files_put(t->files);
	if (t->fs)
		fs_struct_put(t->fs);
	if (t->sighand)
		sighand_put(t->sighand);
	if (t->signal)
		signal_put(t->signal);
	sigpending_flush(&t->pending);
	ktimer_cancel(&t->sleep_timer);
	kfree(t->regs.fp);
	kfree(t->kstack);
	kfree(t);
}

struct task *task_create_kthread(const char *name, void (*fn)(void *), void *arg)
{
	struct task *t = task_alloc(fn, arg);
	int pid;

	if (!t)
		return ERR_PTR(-ENOMEM);
	t->signal = task_signal_alloc();
	t->sighand = sighand_alloc();
	if (!t->signal || IS_ERR_OR_NULL(t->sighand)) {
		if (IS_ERR(t->sighand))
			t->sighand = NULL;
		task_free(t);
		return ERR_PTR(-ENOMEM);
	}
	pid = pid_alloc();
	if (pid < 0) {
		task_free(t);
		return ERR_PTR(pid);
	}
	t->pid = t->tgid = pid;
	t->exit_signal = -1;
	kstrlcpy(t->comm, name, sizeof(t->comm));
	pid_attach(t);
	sched_enqueue(t);
	return t;
}

/* ---- clone */

#define CLONE_NAMESPACES (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
			  CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

static int clone_check_flags(u64 flags)
{
	if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_PARENT) && current->tgid == 1)
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && (flags & CLONE_CLEAR_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && (current->signal->group_exiting ||
				       current->signal->group_exec_task))
		return -EAGAIN; /* the group is dying or exec'ing: no new members */
	/* No namespaces, pidfds or cgroups. */
	if (flags & (CLONE_NAMESPACES | CLONE_PIDFD | CLONE_INTO_CGROUP))
		return -EINVAL;
	if (!current->mm)
		return -EINVAL;
	return 0;
}

/* RLIMIT_NPROC: processes of the caller's real uid (root is not limited). */
static int clone_check_nproc(void)
{
	u64 limit = current->signal->rlim[RLIMIT_NPROC].rlim_cur;
	u64 n = 0;
	struct task *t;

	if (current->cred.uid == 0 || cred_capable(CAP_SYS_RESOURCE) || cred_capable(CAP_SYS_ADMIN))
		return 0;
	list_for_each_entry(t, &task_list, all_tasks) {
		if (t->cred.uid == current->cred.uid)
			n++;
	}
	return n >= limit ? -EAGAIN : 0;
}

static struct signal_struct *signal_copy(const struct signal_struct *old)
{
	struct signal_struct *sig = task_signal_alloc();

	if (!sig)
		return NULL;
	sig->pgid = old->pgid;
	sig->sid = old->sid;
	sig->tty = old->tty;
	memcpy(sig->rlim, old->rlim, sizeof(sig->rlim));
	return sig;
}

/* CLONE_CLEAR_SIGHAND: caught signals go back to SIG_DFL; ignored ones stay ignored. */
static void sighand_clear(struct sighand *sh)
{
	for (int i = 0; i < KNSIG; i++) {
		u64 handler = sh->action[i].handler;

		memset(&sh->action[i], 0, sizeof(sh->action[i]));
		if (handler == 1) /* SIG_IGN */
			sh->action[i].handler = 1;
	}
}

/* The thread group: the parent's (CLONE_THREAD) or a new one. */
static struct signal_struct *clone_signal(u64 flags)
{
	struct signal_struct *sig = current->signal;

	if (!(flags & CLONE_THREAD))
		return signal_copy(sig);
	sig->refcount++;
	sig->nr_threads++;
	return sig;
}

/* Files, fs, signal handlers and thread group: shared or copied as the flags say. */
static int clone_resources(struct task *c, u64 flags)
{
	struct task *p = current;

	if ((flags & CLONE_SYSVSEM) && sem_undo_share(c, p) < 0)
		return -ENOMEM;
	if (flags & CLONE_FILES) {
		c->files = p->files;
		c->files->refcount++;
	} else {
		c->files = files_copy(p->files);
	}
	if (flags & CLONE_FS) {
		c->fs = p->fs;
		c->fs->refcount++;
	} else {
		c->fs = fs_struct_copy(p->fs);
	}
	if (flags & CLONE_SIGHAND) {
		c->sighand = p->sighand;
		c->sighand->refcount++;
	} else {
		c->sighand = sighand_copy(p->sighand);
	}
	c->signal = clone_signal(flags);
	if (IS_ERR(c->files))
		c->files = NULL;
	if (IS_ERR(c->fs))
		c->fs = NULL;
	if (IS_ERR(c->sighand))
		c->sighand = NULL;
	if (!c->files || !c->fs || !c->sighand || !c->signal)
		return -ENOMEM;
	if (flags & CLONE_CLEAR_SIGHAND)
		sighand_clear(c->sighand);
	return 0;
}

/*
 * The child's address space (the parent's with CLONE_VM, else a copy) and its mode thread.
 * A mode that cannot run a second thread in an address space (thread_create -EAGAIN) still
 * gets vfork done: the child then runs in a copy, as fork's.
 */
static int clone_mm(struct task *c, u64 flags)
{
	struct mm *mm = current->mm;
	int r;

	if (flags & CLONE_VM) {
		mm_get(mm);
		c->mm = mm;
		r = um_mode->thread_create(mm->mode_ctx, &c->mode_thread);
		if (r != -EAGAIN || (flags & (CLONE_VFORK | CLONE_THREAD)) != CLONE_VFORK)
			return r;
		c->mm = NULL;
		mm_put(mm);
	}
	mm = mm_fork(mm);
	if (IS_ERR(mm))
		return (int)PTR_ERR(mm);
	c->mm = mm;
	return um_mode->thread_create(mm->mode_ctx, &c->mode_thread);
}

/* Registers: the parent's, returning 0 from the call; FPU state copied. */
static int clone_regs(struct task *c, u64 flags, uaddr_t newsp, uaddr_t tls)
{
	struct task *p = current;
	int r;

	if ((flags & CLONE_SETTLS) && tls >= UM_TASK_SIZE)
		return -EPERM;
	memcpy(c->regs.gp, p->regs.gp, sizeof(c->regs.gp));
	c->regs.gp[UM_RAX] = 0;
	if (newsp)
		c->regs.gp[UM_RSP] = newsp;
	if (flags & CLONE_SETTLS)
		c->regs.gp[UM_FS_BASE] = tls;
	if (!c->regs.fp || !p->regs.fp)
		return 0;
	r = um_mode->fp_save(p->mode_thread, &p->regs);
	if (r < 0)
		return r;
	memcpy(c->regs.fp, p->regs.fp, um_fp_size);
	c->regs.fp_where = UM_FP_IN_BUF;
	return 0;
}

/* Identity and per-thread state inherited from the parent. */
static void clone_identity(struct task *c, u64 flags)
{
	struct task *p = current;

	c->cred = p->cred;
	memcpy(c->comm, p->comm, sizeof(c->comm));
	c->blocked = p->blocked;
	if (flags & CLONE_THREAD)
		c->jobctl_stop = p->jobctl_stop; /* a stop of the group is under way */
	/* A thread gets its own stack: the parent's signal stack is not its (Linux's rule). */
	if ((flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) {
		c->altstack_sp = p->altstack_sp;
		c->altstack_size = p->altstack_size;
		c->altstack_flags = p->altstack_flags;
	} else {
		c->altstack_flags = SS_DISABLE;
	}
	/* A fork keeps the registration (the area is at the same address); a thread has none. */
	if (!(flags & CLONE_VM) && p->rseq) {
		c->rseq = p->rseq;
		c->rseq_len = p->rseq_len;
		c->rseq_sig = p->rseq_sig;
		c->rseq_event = true;
	}
	c->personality = p->personality;
	c->nice = p->nice;
	c->policy = p->policy;
	c->rt_priority = p->rt_priority;
	c->sched_reset_on_fork = p->sched_reset_on_fork;
	c->ioprio = p->ioprio;
	sched_policy_fork(c);
	c->dumpable = p->dumpable;
	c->no_new_privs = p->no_new_privs;
}

/* Give the child its pid and parent (or thread group), and make it visible. */
static void clone_link(struct task *c, int pid, u64 flags)
{
	struct task *p = current->group_leader;

	c->pid = c->tgid = pid;
	c->group_leader = c;
	if (flags & CLONE_THREAD) {
		c->tgid = p->tgid;
		c->group_leader = p;
		c->exit_signal = -1;
		list_add_tail(&c->thread_node, &p->thread_group);
	} else if (flags & CLONE_PARENT) {
		c->parent = p->parent;
		c->exit_signal = p->exit_signal;
	} else {
		c->parent = p;
		c->exit_signal = (int)(flags & CSIGNAL);
	}
	if (c->parent)
		list_add_tail(&c->sibling, &c->parent->children);
	pid_attach(c);
}

/*
 * The vfork parent sleeps until the child execs or exits, or a fatal signal comes (other
 * signals wait, as in Linux: they are delivered once the child has let go).
 */
static void vfork_wait(struct task *child)
{
	struct task *t = current;

	t->wchan = "vfork";
	for (;;) {
		task_set_state(t, TASK_INTERRUPTIBLE);
		if (t->vfork_done || sig_fatal_pending(t))
			break;
		schedule();
	}
	task_set_state(t, TASK_RUNNING);
	t->wchan = NULL;
	/* Killed first: the child (alive until task_vfork_done) must not wake us later. */
	if (!t->vfork_done)
		child->vfork_parent = NULL;
}

void task_vfork_done(struct task *child)
{
	struct task *p = child->vfork_parent;

	child->did_exec = true;
	if (!p)
		return;
	child->vfork_parent = NULL;
	p->vfork_done = true;
	wake_up_process(p);
}

static int clone_setup(struct task *c, u64 flags, uaddr_t newsp, uaddr_t tls)
{
	int r;

	clone_identity(c, flags);
	r = clone_resources(c, flags);
	if (r < 0)
		return r;
	r = clone_mm(c, flags);
	if (r < 0)
		return r;
	return clone_regs(c, flags, newsp, tls);
}

long task_clone(u64 flags, uaddr_t newsp, uaddr_t parent_tid, uaddr_t child_tid, uaddr_t tls)
{
	struct task *c;
	int r, pid;

	r = clone_check_flags(flags);
	if (!r)
		r = clone_check_nproc();
	if (r < 0)
		return r;
	/*
	 * A task is kernel memory a guest asks for (a kernel stack, its FPU image): like guest
	 * pages, none from the kernel's reserve. A thread needs no new guest page, so without
	 * this a guest whose memory is full could make threads until the kernel had nothing.
	 */
	if (!vmscan_room_for_kernel())
		return -ENOMEM;
	c = task_alloc(task_user_loop, NULL);
	if (!c)
		return -ENOMEM;
	r = clone_setup(c, flags, newsp, tls);
	pid = r < 0 ? r : pid_alloc();
	if (pid < 0) {
		if (c->signal && c->signal == current->signal)
			c->signal->nr_threads--; /* the thread never lived */
		task_free(c);
		return pid;
	}
	clone_link(c, pid, flags);
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = child_tid;
	if (flags & CLONE_PARENT_SETTID)
		put_user(pid, parent_tid);
	if (flags & CLONE_CHILD_SETTID)
		mm_copy_to(c->mm, child_tid, &pid, sizeof(pid));
	if (flags & CLONE_VFORK) {
		c->vfork_parent = current;
		current->vfork_done = false;
	}
	sched_enqueue(c);
	if (flags & CLONE_VFORK)
		vfork_wait(c);
	return pid;
}

/* ---- system calls */

long sys_fork(const struct sc_args *a)
{
	return task_clone(SIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(const struct sc_args *a)
{
	return task_clone(CLONE_VFORK | CLONE_VM | SIGCHLD, 0, 0, 0, 0);
}

long sys_clone(const struct sc_args *a)
{
	u64 flags = a->arg[0] & 0xffffffffULL;
	uaddr_t newsp = a->arg[1];
	uaddr_t parent_tid = a->arg[2];
	uaddr_t child_tid = a->arg[3];
	uaddr_t tls = a->arg[4];

	return task_clone(flags, newsp, parent_tid, child_tid, tls);
}

/* copy_struct_from_user's rule: bytes beyond what we know must be zero (else E2BIG). */
static int clone3_check_tail(uaddr_t uargs, u64 size)
{
	u8 buf[64];

	for (u64 off = sizeof(struct clone_args); off < size; off += sizeof(buf)) {
		size_t n = min(size - off, (u64)sizeof(buf));

		if (copy_from_user(buf, uargs + off, n))
			return -EFAULT;
		for (size_t i = 0; i < n; i++) {
			if (buf[i])
				return -E2BIG;
		}
	}
	return 0;
}

static int clone3_copy(struct clone_args *ca, uaddr_t uargs, u64 size)
{
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	memset(ca, 0, sizeof(*ca));
	if (copy_from_user(ca, uargs, min(size, (u64)sizeof(*ca))))
		return -EFAULT;
	return clone3_check_tail(uargs, size);
}

static int clone3_check(const struct clone_args *ca, u64 size)
{
	u64 known = 0xffffffffULL | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP;

	if (ca->set_tid_size > 32 || (!ca->set_tid && ca->set_tid_size) ||
	    (ca->set_tid && !ca->set_tid_size))
		return -EINVAL;
	if (ca->exit_signal > KNSIG)
		return -EINVAL;
	if ((ca->flags & CLONE_INTO_CGROUP) &&
	    (ca->cgroup > 0x7fffffff || size < CLONE_ARGS_SIZE_VER2))
		return -EINVAL;
	if ((ca->flags & ~known) || (ca->flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME))))
		return -EINVAL;
	if ((ca->flags & (CLONE_THREAD | CLONE_PARENT)) && ca->exit_signal)
		return -EINVAL;
	if (ca->stack ? !ca->stack_size || !access_ok(ca->stack, ca->stack_size) : ca->stack_size)
		return -EINVAL;
	/* Choosing the child's pid (set_tid) and time namespaces are not supported. */
	if (ca->set_tid_size || (ca->flags & CLONE_NEWTIME))
		return -EINVAL;
	return 0;
}

long sys_clone3(const struct sc_args *a)
{
	uaddr_t uargs = a->arg[0];
	u64 size = a->arg[1];
	struct clone_args ca;
	uaddr_t newsp;
	int r;

	r = clone3_copy(&ca, uargs, size);
	if (!r)
		r = clone3_check(&ca, size);
	if (r < 0)
		return r;
	newsp = ca.stack ? ca.stack + ca.stack_size : 0;
	return task_clone(ca.flags | ca.exit_signal, newsp, ca.parent_tid, ca.child_tid, ca.tls);
}
