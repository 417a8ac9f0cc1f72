/*
 * execve(2), execveat(2) and kernel_execve (init): replacing a process's program.
 *
 * Order of work, as in Linux: copy argv/envp out of the old address space
 * (kernel/exec_args.c); open the file for execution (regular file, execute permission,
 * mount without noexec); follow "#!" scripts (up to EXEC_MAX_SCRIPT_DEPTH interpreters,
 * ELOOP beyond); load the ELF program and its interpreter into a brand-new address space
 * (kernel/binfmt_elf.c), build its stack, and create the mode thread that will run it.
 * Any failure up to there returns the errno with the old image untouched.
 *
 * The point of no return is exec_commit: it cannot fail. It drops the old mode thread and
 * address space, installs the new ones, resets the registers (everything zero but RIP,
 * RSP, the user segments and EFLAGS; the FPU state is the fresh stub thread's initial
 * one), and applies exec's effects on the task: comm, close-on-exec descriptors, caught
 * signals back to SIG_DFL, no alternate signal stack, no robust list, the vfork parent
 * woken. The system call then returns with regs_replaced set so that the run loop does not
 * write the result over the new RAX.
 *
 * In a multi-threaded process the other threads are killed once the new image is built
 * (task_de_thread), and an exec'ing thread other than the leader takes the process id.
 *
 * Set-user-id and set-group-id (exec_creds): the effective ids become the file's owner
 * or group (set-group-id only with group execute), except on a nosuid mount, under
 * no_new_privs, or (without CAP_SETUID) when the fs_struct is shared with another process.
 * File capabilities (security.capability, fs/fcaps.c) count too, except on nosuid mounts.
 * The new credentials are computed before the stack is built (AT_UID..AT_SECURE) and
 * installed at exec_commit; an image whose ids or capabilities rose is not dumpable.
 */
#include "kernel.h"
#include "exec_internal.h"
#include "fs.h"
#include "futex.h"
#include "mm.h"
#include "mode.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/signal.h>

#define USER_CS 0x33
#define USER_SS 0x2b
#define USER_EFLAGS 0x202

/* Where argv and envp come from: guest arrays in current's address space, or the kernel. */
struct exec_src {
	bool user;
	uaddr_t uargv, uenvp;
	const char *const *kargv, *const *kenvp;
};

int exec_read(struct file *f, void *buf, size_t len, loff_t pos)
{
	char *p = buf;

	while (len) {
		ssize_t n = kernel_read(f, p, len, &pos);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int exec_check_path(const struct path *p, bool follow)
{
	struct inode *inode = p->dentry->inode;

	if (!follow && S_ISLNK(inode->mode))
		return -ELOOP;
	if (!S_ISREG(inode->mode))
		return -EACCES;
	if (p->mnt->flags & MNT_NOEXEC)
		return -EACCES;
	return inode_permission(inode, MAY_EXEC);
}

struct file *exec_open(int dirfd, const char *name, unsigned lookup_flags)
{
	struct file *f;
	struct path p;
	int r;

	r = kern_path(dirfd, name, lookup_flags, &p);
	if (r < 0)
		return ERR_PTR(r);
	r = exec_check_path(&p, lookup_flags & LOOKUP_FOLLOW);
	f = r < 0 ? ERR_PTR(r) : file_open_path(&p, O_RDONLY);
	path_put(&p);
	return f;
}

/* Read the first page of b->file into b->head. */
static int read_head(struct exec_binprm *b)
{
	loff_t pos = 0;
	ssize_t n;

	if (!b->head) {
		b->head = kmalloc(PAGE_SIZE);
		if (!b->head)
			return -ENOMEM;
	}
	b->head_len = 0;
	while (b->head_len < PAGE_SIZE) {
		n = kernel_read(b->file, b->head + b->head_len, PAGE_SIZE - b->head_len, &pos);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		b->head_len += (size_t)n;
	}
	return 0;
}

/* The name a program sees as AT_EXECFN and scripts get as their argument (Linux's rule). */
static char *exec_filename(int dirfd, const char *name)
{
	size_t len = strlen(name) + 32;
	char *s;

	if (dirfd == AT_FDCWD || name[0] == '/')
		return kstrdup(name);
	s = kmalloc(len);
	if (!s)
		return NULL;
	if (!*name)
		ksnprintf(s, len, "/dev/fd/%d", dirfd);
	else
		ksnprintf(s, len, "/dev/fd/%d/%s", dirfd, name);
	return s;
}

/* Copy the name and the argument strings before anything else happens. */
static int exec_gather(struct exec_binprm *b, int dirfd, const char *name,
		       const struct exec_src *src)
{
	size_t fnlen;
	int r;

	b->budget = exec_arg_limit();
	b->filename = exec_filename(dirfd, name);
	if (!b->filename)
		return -ENOMEM;
	fnlen = strlen(b->filename) + 1;
	if (fnlen >= b->budget)
		return -E2BIG;
	b->budget -= fnlen;
	if (src->user) {
		r = exec_strings_copy_user(&b->argv, src->uargv, &b->budget);
		if (!r)
			r = exec_strings_copy_user(&b->envp, src->uenvp, &b->budget);
	} else {
		r = exec_strings_copy_kernel(&b->argv, src->kargv, &b->budget);
		if (!r)
			r = exec_strings_copy_kernel(&b->envp, src->kenvp, &b->budget);
	}
	/* Like Linux since 5.18: a program never sees argc == 0. */
	if (!r && b->argv.count == 0)
		r = exec_strings_add(&b->argv, "", &b->budget);
	return r;
}

/* The new comm: the file name's last component (the dentry's name for fd-based execs). */
static void exec_set_comm(struct exec_binprm *b, bool by_fd)
{
	const struct dentry *d = b->file->path.dentry;
	const char *slash;

	if (by_fd && d) {
		size_t n = min((size_t)d->namelen, sizeof(b->comm) - 1);

		memcpy(b->comm, d->name, n);
		b->comm[n] = '\0';
		return;
	}
	slash = strrchr(b->filename, '/');
	kstrlcpy(b->comm, slash ? slash + 1 : b->filename, sizeof(b->comm));
}

static int exec_open_first(struct exec_binprm *b, int dirfd, const char *name, int flags)
{
	unsigned lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	struct file *f;

	if (flags & AT_EMPTY_PATH)
		lf |= LOOKUP_EMPTY;
	f = exec_open(dirfd, name, lf);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	b->file = f;
	exec_set_comm(b, dirfd != AT_FDCWD && name[0] != '/');
	return read_head(b);
}

/* b->file is a "#!" script: rewrite argv and switch to its interpreter. */
static int load_script(struct exec_binprm *b, const struct shebang *sb)
{
	const char *pre[3];
	char *interp, *arg = NULL;
	unsigned n = 0;
	struct file *f;
	int r = -ENOMEM;

	if (++b->depth > EXEC_MAX_SCRIPT_DEPTH)
		return -ELOOP;
	interp = kstrndup(b->head + sb->interp_off, sb->interp_len);
	if (sb->arg_len)
		arg = kstrndup(b->head + sb->arg_off, sb->arg_len);
	if (interp && (arg || !sb->arg_len)) {
		pre[n++] = interp;
		if (arg)
			pre[n++] = arg;
		pre[n++] = b->filename;
		r = exec_strings_replace_first(&b->argv, pre, n, &b->budget);
	}
	if (r == 0) {
		f = exec_open(AT_FDCWD, interp, LOOKUP_FOLLOW);
		if (IS_ERR(f)) {
			r = (int)PTR_ERR(f);
		} else {
			file_put(b->file);
			b->file = f;
			r = read_head(b);
		}
	}
	kfree(interp);
	kfree(arg);
	return r;
}

/* Follow "#!" interpreters until b->file is an ELF file. */
static int exec_find_binary(struct exec_binprm *b)
{
	struct shebang sb;
	int r;

	for (;;) {
		if (elf_has_magic(b->head, b->head_len))
			return 0;
		if (exec_parse_shebang(b->head, b->head_len, &sb) != ELF_OK)
			return -ENOEXEC;
		r = load_script(b, &sb);
		if (r < 0)
			return r;
	}
}

/* Linux's check_unsafe_exec: the fs_struct is shared with a task of another process. */
static bool exec_fs_shared(struct task *t)
{
	struct task *leader = t->group_leader, *th;
	int n = 0;

	if (!t->fs)
		return false;
	if (leader->fs == t->fs)
		n++;
	list_for_each_entry(th, &leader->thread_group, thread_node)
		if (th->fs == t->fs)
			n++;
	return t->fs->refcount > n;
}

/*
 * The new image's credentials in b->cred: set-id bits and file capabilities (neither on a
 * nosuid mount), then capabilities(7)'s rules. 0, or -EINVAL (malformed capabilities),
 * -EPERM (capabilities the bounding set withholds)...
 */
static int exec_creds(struct exec_binprm *b)
{
	struct task *t = current;
	struct inode *inode = b->file->inode;
	struct mount *mnt = b->file->path.mnt;
	bool nosuid = mnt && (mnt->flags & MNT_NOSUID);
	struct file_caps fc;
	int r = 0;

	b->cred = t->cred;
	b->unsafe = 0;
	if (t->no_new_privs)
		b->unsafe |= CRED_UNSAFE_NNP;
	if (exec_fs_shared(t))
		b->unsafe |= CRED_UNSAFE_SHARE;
	if (!t->no_new_privs && inode && !nosuid) {
		if (inode->mode & S_ISUID)
			b->cred.euid = inode->uid;
		if ((inode->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			b->cred.egid = inode->gid;
	}
	if (inode && !nosuid)
		r = fcaps_read(inode, &fc);
	if (r < 0)
		return r;
	r = cred_caps_exec(&b->cred, &t->cred, r ? &fc : NULL, b->unsafe);
	if (r < 0)
		return r;
	b->secureexec = r;
	return 0;
}

/* A set-id process, or credentials that rose (Linux's begin_new_exec and commit_creds). */
static bool exec_raised(const struct cred *old, const struct cred *c)
{
	return old->euid != old->uid || old->egid != old->gid || c->euid != old->euid ||
	       c->egid != old->egid || c->fsuid != old->fsuid || c->fsgid != old->fsgid ||
	       (c->cap_prm & ~old->cap_prm);
}

/* The new address space, fully built, and the mode thread to run it. */
static int exec_build(struct exec_binprm *b, struct mm **mmp, void **thread,
		      struct elf_info *info, uaddr_t *sp)
{
	struct mm *mm = mm_alloc();
	int r;

	if (IS_ERR(mm))
		return (int)PTR_ERR(mm);
	mm_exec_layout(mm);
	file_get(b->file);
	mm->exe_file = b->file;
	r = elf_load_binary(b, mm, info);
	if (!r)
		r = exec_setup_stack(mm, b, info, sp);
	if (!r)
		r = um_mode->thread_create(mm->mode_ctx, thread);
	if (r < 0) {
		mm_put(mm);
		return r;
	}
	*mmp = mm;
	return 0;
}

static void exec_set_regs(struct task *t, const struct elf_info *info, uaddr_t sp)
{
	u64 *r = t->regs.gp;

	memset(t->regs.gp, 0, sizeof(t->regs.gp));
	r[UM_RIP] = info->entry;
	r[UM_RSP] = sp;
	r[UM_CS] = USER_CS;
	r[UM_SS] = USER_SS;
	r[UM_EFLAGS] = USER_EFLAGS;
	r[UM_ORIG_RAX] = (u64)-1;
	t->regs.fp_where = UM_FP_IN_THREAD;
}

/* The point of no return: install the new image in current. Cannot fail. */
static void exec_commit(struct exec_binprm *b, struct mm *mm, void *thread,
			const struct elf_info *info, uaddr_t sp)
{
	struct task *t = current;
	struct mm *old = t->mm;

	/* The old image's robust futexes and tid word, while it can still be read. */
	futex_exit_release(t);
	if (t->mode_thread)
		um_mode->thread_destroy(t->mode_thread);
	t->mode_thread = thread;
	t->mm = mm;
	if (old)
		mm_put(old);
	exec_set_regs(t, info, sp);
	t->in_syscall = false;
	t->last_fault_addr = 0;
	memcpy(t->comm, b->comm, sizeof(t->comm));
	if (t->files)
		files_close_on_exec(t->files);
	sig_exec_reset(t);
	t->altstack_sp = 0;
	t->altstack_size = 0;
	t->altstack_flags = SS_DISABLE;
	t->robust_list_len = 0;
	rseq_forget(t);
	t->did_exec = true;
	t->dumpable = !exec_raised(&t->cred, &b->cred);
	if (b->secureexec)
		t->pdeath_signal = 0;
	t->cred = b->cred;
	if (t->signal)
		posix_timers_release(t->signal);
	task_vfork_done(t);
}

static void exec_release(struct exec_binprm *b)
{
	exec_strings_free(&b->argv);
	exec_strings_free(&b->envp);
	if (b->file)
		file_put(b->file);
	kfree(b->head);
	kfree(b->filename);
}

static int do_exec(int dirfd, const char *name, int flags, const struct exec_src *src)
{
	struct exec_binprm b = { 0 };
	struct elf_info info;
	struct mm *mm = NULL;
	void *thread = NULL;
	uaddr_t sp = 0;
	int r;

	r = exec_gather(&b, dirfd, name, src);
	if (!r)
		r = exec_open_first(&b, dirfd, name, flags);
	if (!r)
		r = exec_find_binary(&b);
	if (!r)
		r = exec_creds(&b);
	if (!r)
		r = exec_build(&b, &mm, &thread, &info, &sp);
	if (!r && current->signal) {
		r = task_de_thread();
		if (r < 0) {
			um_mode->thread_destroy(thread);
			mm_put(mm);
		}
	}
	if (!r)
		exec_commit(&b, mm, thread, &info, sp);
	exec_release(&b);
	return r;
}

int kernel_execve(const char *path, const char *const argv[], const char *const envp[])
{
	struct exec_src src = { .user = false, .kargv = argv, .kenvp = envp };

	return do_exec(AT_FDCWD, path, 0, &src);
}

static long exec_user(int dirfd, uaddr_t uname, uaddr_t uargv, uaddr_t uenvp, int flags)
{
	struct exec_src src = { .user = true, .uargv = uargv, .uenvp = uenvp };
	char *name;
	long r;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	name = kmalloc(PATH_MAX_LEN);
	if (!name)
		return -ENOMEM;
	r = strncpy_from_user(name, uname, PATH_MAX_LEN);
	if (r == 0 && !(flags & AT_EMPTY_PATH))
		r = -ENOENT;
	if (r >= 0)
		r = do_exec(dirfd, name, flags, &src);
	kfree(name);
	if (r == 0)
		current->regs_replaced = true;
	return r;
}

/* ---- system calls */

long sys_execve(const struct sc_args *a)
{
	return exec_user(AT_FDCWD, a->arg[0], a->arg[1], a->arg[2], 0);
}

long sys_execveat(const struct sc_args *a)
{
	int dirfd = (int)a->arg[0], flags = (int)a->arg[4];

	return exec_user(dirfd, a->arg[1], a->arg[2], a->arg[3], flags);
}
