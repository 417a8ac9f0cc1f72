/*
 * procfs, the generic layer: the "proc" filesystem type, inodes made from the static entry
 * tables of procfs.h, ->lookup, readdir, and the file operations of generated files and
 * links. sysfs (kernel/fs/sysfs/sysfs.c) reuses everything here with its own table.
 *
 * Layer: a ->lookup filesystem under the VFS. Every name is looked up afresh (dentries are
 * DCACHE_NOCACHE, dropped when unused), so a new inode describes the current state: the
 * directory /proc/PID exists exactly while the process does. An inode does not hold its
 * task; it remembers the pid and start time and finds the task again on each use, so a
 * file of an exited process fails with ESRCH/ENOENT instead of touching freed memory.
 *
 * Regular files are generated whole at open into a buffer capped per entry (64 KiB unless
 * the entry says otherwise: output beyond is dropped), and read at offsets from that
 * snapshot, as Linux's seq_file does for small files. Generation never sleeps, so a task
 * found at its start stays valid until it ends.
 *
 * Inode numbers are stable: (pid, thread view, entry id, descriptor) packed into 64 bits,
 * entry ids being assigned once by walking the tables.
 */
#include "kernel.h"
#include "fs.h"
#include "../internal.h"
#include "slab.h"
#include "task.h"
#include "procfs.h"

#include <linux/fs.h>
#include <linux/magic.h>

#define PROCFS_BUF_INITIAL 1024
#define PROC_KEY_DIGITS 9 /* numbered names: at most 9 digits (no overflow of an int) */

/* ---- generated text */

static bool procfs_buf_grow(struct procfs_buf *b, size_t need)
{
	size_t size = b->size ? b->size : PROCFS_BUF_INITIAL;
	char *n;

	if (need > b->max) {
		b->full = true;
		return false;
	}
	while (size < need)
		size *= 2;
	if (size > b->max)
		size = b->max;
	n = kmalloc(size);
	if (!n) {
		b->err = -ENOMEM;
		return false;
	}
	if (b->len)
		memcpy(n, b->data, b->len);
	kfree(b->data);
	b->data = n;
	b->size = size;
	return true;
}

void procfs_printf(struct procfs_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err || b->full)
		return;
	if (!b->data && !procfs_buf_grow(b, min((size_t)PROCFS_BUF_INITIAL, b->max)))
		return;
	va_start(ap, fmt);
	n = kvsnprintf(b->data + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + n < b->size) {
		b->len += n;
		return;
	}
	if (!procfs_buf_grow(b, b->len + n + 1))
		return;
	va_start(ap, fmt);
	kvsnprintf(b->data + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	b->len += n;
}

void procfs_write(struct procfs_buf *b, const void *data, size_t len)
{
	if (b->err || b->full || !len)
		return;
	if (b->len + len > b->size && !procfs_buf_grow(b, min(b->len + len, b->max)))
		return;
	if (b->len + len > b->size) {
		len = b->size - b->len;
		b->full = true;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

int procfs_show_text(struct procfs_buf *b, const struct proc_inode *pi, struct task *t)
{
	procfs_write(b, pi->ent->text, strlen(pi->ent->text));
	return 0;
}

int procfs_parse_ulong(const char *buf, unsigned long *out)
{
	const char *end;
	unsigned long long v;

	while (*buf == ' ' || *buf == '\t')
		buf++;
	if (*buf < '0' || *buf > '9')
		return -EINVAL;
	v = kstrtoull_prefix(buf, &end, 10);
	if (end - buf > 19)
		return -EINVAL; /* would not fit: refuse rather than wrap */
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end || v > (unsigned long)-1)
		return -EINVAL;
	*out = (unsigned long)v;
	return 0;
}

/* ---- tasks and permissions */

struct task *procfs_task(const struct proc_inode *pi)
{
	struct task *t;

	if (!pi->pid)
		return NULL;
	t = task_by_pid(pi->pid);
	if (!t || t->start_time != pi->start_time || t->state == TASK_DEAD)
		return NULL;
	if (!pi->thread && !thread_group_leader(t))
		return NULL;
	return t;
}

/* Linux's ptrace_may_access(PTRACE_MODE_READ_FSCREDS): same ids, or CAP_SYS_PTRACE. */
bool procfs_may_access(struct task *t)
{
	const struct cred *c = &current->cred, *tc;

	if (!t || t->tgid == current->tgid || cred_capable(CAP_SYS_PTRACE))
		return true;
	tc = &t->cred;
	return c->fsuid == tc->uid && c->fsuid == tc->euid && c->fsuid == tc->suid &&
	       c->fsgid == tc->gid && c->fsgid == tc->egid && c->fsgid == tc->sgid;
}

/* ---- entries and inodes */

static u32 procfs_next_id = 2; /* 1 is the inode number of a root */

static void procfs_assign_ids(struct proc_entry *e)
{
	if (e->id)
		return;
	e->id = procfs_next_id++;
	for (unsigned i = 0; i < e->nr_children; i++)
		procfs_assign_ids(&e->children[i]);
	if (e->dyn)
		procfs_assign_ids(e->dyn->child);
}

static u64 proc_ino(const struct proc_inode *pi)
{
	if (!pi->pid)
		return (u64)pi->dev << 32 | pi->ent->id;
	return (u64)pi->pid << 32 | (pi->thread ? 1ULL << 31 : 0) |
	       (u64)(pi->ent->id & 0x7ff) << 20 | ((u64)pi->fd & 0xfffff);
}

static bool proc_visible(const struct proc_inode *dir, const struct proc_entry *e)
{
	return !(dir->thread && (e->flags & PE_NOTHREAD));
}

static unsigned dtype_of(u32 mode)
{
	return (mode & S_IFMT) >> 12; /* DT_* are the S_IF* type bits shifted down */
}

static const struct inode_operations proc_dir_iops, proc_file_iops, proc_link_iops,
	proc_magic_iops;
static const struct file_operations proc_dir_fops, proc_file_fops;

static u32 proc_dir_nlink(const struct proc_entry *e)
{
	u32 n = 2;

	for (unsigned i = 0; i < e->nr_children; i++)
		n += S_ISDIR(e->children[i].mode);
	return n;
}

/* A new inode for src (copied into its private data); t is the task src is about. */
static struct inode *proc_new_inode(struct super_block *sb, const struct proc_inode *src,
				    struct task *t)
{
	struct proc_inode *pi = kmalloc(sizeof(*pi));
	struct proc_entry *e = src->ent;
	struct inode *inode;

	if (!pi)
		return NULL;
	*pi = *src;
	inode = inode_alloc(sb, e->mode);
	if (!inode) {
		kfree(pi);
		return NULL;
	}
	inode->private = pi;
	inode->ino = proc_ino(pi);
	/* Linux's task_dump_owner: a non-dumpable process's files belong to root. */
	inode->uid = t && t->dumpable ? t->cred.euid : 0;
	inode->gid = t && t->dumpable ? t->cred.egid : 0;
	if (S_ISDIR(e->mode)) {
		inode->nlink = proc_dir_nlink(e);
		inode->i_op = &proc_dir_iops;
		inode->i_fop = &proc_dir_fops;
	} else if (S_ISLNK(e->mode)) {
		inode->i_op = e->get_link ? &proc_magic_iops : &proc_link_iops;
	} else {
		inode->i_op = &proc_file_iops;
		inode->i_fop = &proc_file_fops;
	}
	if (e->init_inode)
		e->init_inode(inode, pi, t);
	return inode;
}

static void proc_evict_inode(struct inode *inode)
{
	kfree(inode->private);
	inode->private = NULL;
}

/* The number a numbered name stands for, or -1 ("0" alone; no leading zeros or signs). */
static long proc_parse_key(const char *name, int len)
{
	long v = 0;

	if (len < 1 || len > PROC_KEY_DIGITS || (name[0] == '0' && len > 1))
		return -1;
	for (int i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

/* Find dir's child called name into *child; false when there is none. */
static bool proc_find_child(const struct proc_inode *dir, const char *name, int len,
			    struct proc_inode *child)
{
	struct proc_entry *e = dir->ent;
	long key;

	for (unsigned i = 0; i < e->nr_children; i++) {
		struct proc_entry *c = &e->children[i];

		if (proc_visible(dir, c) && (int)strlen(c->name) == len &&
		    !memcmp(c->name, name, len)) {
			*child = *dir;
			child->ent = c;
			return true;
		}
	}
	if (!e->dyn)
		return false;
	key = e->dyn->parse ? e->dyn->parse(dir, name, len) : proc_parse_key(name, len);
	if (key < 0 || e->dyn->next(dir, key) != key)
		return false;
	*child = *dir;
	child->ent = e->dyn->child;
	e->dyn->fill(dir, key, child);
	return true;
}

static int proc_lookup(struct inode *dir, struct dentry *d)
{
	const struct proc_inode *dpi = dir->private;
	struct proc_inode child;
	struct inode *inode;
	struct task *t = NULL;

	d->flags |= DCACHE_NOCACHE;
	if (dpi->pid && !procfs_task(dpi))
		return 0;
	if (!proc_find_child(dpi, d->name, d->namelen, &child))
		return 0;
	if (child.pid) {
		t = procfs_task(&child);
		if (!t)
			return 0;
	}
	inode = proc_new_inode(dir->sb, &child, t);
	if (!inode)
		return -ENOMEM;
	d_instantiate(d, inode);
	return 0;
}

/* ---- directories */

static bool proc_emit_dot(struct file *f, struct dir_context *ctx)
{
	struct dentry *d = f->path.dentry;
	u64 ino = f->inode->ino;

	if (ctx->pos == 0) {
		if (!ctx->actor(ctx, ".", 1, ino, dtype_of(S_IFDIR)))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (d && d->parent && d->parent->inode)
			ino = d->parent->inode->ino;
		if (!ctx->actor(ctx, "..", 2, ino, dtype_of(S_IFDIR)))
			return false;
		ctx->pos = 2;
	}
	return true;
}

static void proc_emit_dyn(const struct proc_inode *dpi, struct dir_context *ctx, loff_t base)
{
	const struct proc_dyn *dyn = dpi->ent->dyn;
	struct proc_inode child;
	char name[PROC_DYN_NAME_MAX];
	long key;

	if (ctx->pos - base > 0x7fffffff)
		return;
	for (key = dyn->next(dpi, (long)(ctx->pos - base)); key >= 0;
	     key = dyn->next(dpi, key + 1)) {
		int len = dyn->name ? dyn->name(dpi, key, name) :
				      ksnprintf(name, sizeof(name), "%ld", key);

		if (len < 0 || len >= (int)sizeof(name))
			len = strnlen(name, sizeof(name) - 1);

		child = *dpi;
		child.ent = dyn->child;
		dyn->fill(dpi, key, &child);
		if (!ctx->actor(ctx, name, len, proc_ino(&child), dtype_of(dyn->child->mode)))
			return;
		ctx->pos = base + key + 1;
	}
}

static int proc_iterate(struct file *f, struct dir_context *ctx)
{
	const struct proc_inode *dpi = f->inode->private;
	struct proc_entry *e = dpi->ent;
	loff_t base = 2 + e->nr_children;

	if (ctx->pos < 0 || !proc_emit_dot(f, ctx))
		return 0;
	if (dpi->pid && !procfs_task(dpi))
		return 0;
	for (; ctx->pos < base; ctx->pos++) {
		struct proc_entry *c = &e->children[ctx->pos - 2];
		struct proc_inode child = *dpi;

		if (!proc_visible(dpi, c))
			continue;
		child.ent = c;
		if (!ctx->actor(ctx, c->name, strlen(c->name), proc_ino(&child), dtype_of(c->mode)))
			return 0;
	}
	if (e->dyn)
		proc_emit_dyn(dpi, ctx, base);
	return 0;
}

static ssize_t proc_dir_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return -EISDIR;
}

/* ---- generated files */

static int proc_file_open(struct inode *inode, struct file *f)
{
	const struct proc_inode *pi = inode->private;
	struct proc_entry *e = pi->ent;
	struct task *t = NULL;

	if (pi->pid && !(t = procfs_task(pi)))
		return -ESRCH;
	if ((e->flags & PE_PRIVATE) && !procfs_may_access(t))
		return -EACCES;
	if ((f->mode & FMODE_WRITE) && !e->write)
		return -EACCES;
	return 0;
}

static void proc_buf_free(struct file *f)
{
	struct procfs_buf *b = f->private;

	if (b) {
		kfree(b->data);
		kfree(b);
		f->private = NULL;
	}
}

/*
 * (Re)generate the text of an open file: at its first read and at every read from offset
 * 0, as Linux's seq_file does, so that a file opened before an exec shows the new program
 * (/proc/self/cmdline opened by the shell for tr) and procps' lseek-and-read of an open
 * /proc/meminfo or /proc/uptime sees fresh values. 0 or -errno.
 */
static int proc_generate(struct file *f)
{
	const struct proc_inode *pi = f->inode->private;
	struct procfs_buf *b;
	struct task *t = NULL;
	int r;

	if (pi->pid && !(t = procfs_task(pi)))
		return -ESRCH;
	b = kzalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->max = pi->ent->max ? pi->ent->max : PROCFS_BUF_DEFAULT;
	r = pi->ent->show(b, pi, t);
	if (!r)
		r = b->err;
	if (r) {
		kfree(b->data);
		kfree(b);
		return r;
	}
	proc_buf_free(f);
	f->private = b;
	return 0;
}

static void proc_file_release(struct inode *inode, struct file *f)
{
	proc_buf_free(f);
}

static ssize_t proc_file_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	const struct proc_inode *pi = f->inode->private;
	struct procfs_buf *b;
	size_t n, done;

	if (!pi->ent->show || *pos < 0)
		return 0;
	if (!f->private || *pos == 0) {
		int r = proc_generate(f);

		if (r)
			return r;
	}
	b = f->private;
	if ((u64)*pos >= b->len)
		return 0;
	n = min(b->len - (size_t)*pos, to->count);
	done = iter_copy_to(to, b->data + *pos, n);
	if (!done && n)
		return -EFAULT;
	*pos += done;
	return done;
}

/* One write(2) is one complete value: at most a page, given to the entry at once. */
static ssize_t proc_file_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	const struct proc_inode *pi = f->inode->private;
	size_t n = min(from->count, PAGE_SIZE - 1);
	struct task *t = NULL;
	char *kbuf;
	int r;

	if (!pi->ent->write)
		return -EINVAL;
	if (!n)
		return 0;
	if (pi->pid && !(t = procfs_task(pi)))
		return -ESRCH;
	kbuf = kmalloc(n + 1);
	if (!kbuf)
		return -ENOMEM;
	if (iter_copy_from(kbuf, from, n) != n) {
		kfree(kbuf);
		return -EFAULT;
	}
	kbuf[n] = '\0';
	r = pi->ent->write(pi, t, kbuf, n);
	kfree(kbuf);
	if (r < 0)
		return r;
	*pos += n;
	return n;
}

static loff_t proc_file_llseek(struct file *f, loff_t off, int whence)
{
	struct procfs_buf *b = f->private;
	loff_t base, res;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = b ? (loff_t)b->len : 0;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, off, &res) || res < 0)
		return -EINVAL;
	f->pos = res;
	return res;
}

/* ---- links */

/* The task of a link, checked for access; ERR_PTR when it is gone or private to others. */
static struct task *proc_link_task(const struct proc_inode *pi)
{
	struct task *t = NULL;

	if (pi->pid && !(t = procfs_task(pi)))
		return ERR_PTR(-ENOENT);
	if ((pi->ent->flags & PE_PRIVATE) && !procfs_may_access(t))
		return ERR_PTR(-EACCES);
	return t;
}

static long proc_readlink(struct dentry *d, char *buf, size_t len)
{
	const struct proc_inode *pi = d->inode->private;
	struct task *t = proc_link_task(pi);
	char *tmp;
	long n;

	if (IS_ERR(t))
		return PTR_ERR(t);
	tmp = kmalloc(PATH_MAX_LEN);
	if (!tmp)
		return -ENOMEM;
	n = pi->ent->readlink(pi, t, tmp);
	if (n >= 0) {
		n = min((size_t)n, len);
		memcpy(buf, tmp, n);
	}
	kfree(tmp);
	return n;
}

static int proc_get_link_path(struct dentry *d, struct path *out)
{
	const struct proc_inode *pi = d->inode->private;
	struct task *t = proc_link_task(pi);

	if (IS_ERR(t))
		return PTR_ERR(t);
	return pi->ent->get_link(pi, t, out);
}

/*
 * Attributes are the kernel's: mode and owner changes are refused; size and time changes
 * are accepted and mean nothing (so that O_TRUNC opens of writable files work, as Linux).
 */
static int proc_setattr(struct dentry *d, const struct iattr *ia)
{
	if (ia->valid & (ATTR_MODE | ATTR_UID | ATTR_GID))
		return -EPERM;
	return 0;
}

static const struct inode_operations proc_dir_iops = {
	.lookup = proc_lookup,
	.setattr = proc_setattr,
};

static const struct inode_operations proc_file_iops = {
	.setattr = proc_setattr,
};

static const struct inode_operations proc_link_iops = {
	.readlink = proc_readlink,
	.setattr = proc_setattr,
};

static const struct inode_operations proc_magic_iops = {
	.readlink = proc_readlink,
	.get_link_path = proc_get_link_path,
	.setattr = proc_setattr,
};

static const struct file_operations proc_dir_fops = {
	.read = proc_dir_read,
	.iterate = proc_iterate,
};

static const struct file_operations proc_file_fops = {
	.open = proc_file_open,
	.release = proc_file_release,
	.read = proc_file_read,
	.write = proc_file_write,
	.llseek = proc_file_llseek,
};

/* ---- superblocks */

int procfs_fill_super(struct super_block *sb, struct proc_entry *root)
{
	struct proc_inode pi = { .ent = root };
	struct inode *inode;
	struct dentry *d;

	procfs_assign_ids(root);
	if (!sb->dev)
		sb->dev = vfs_new_dev();
	sb->evict_inode = proc_evict_inode;
	inode = proc_new_inode(sb, &pi, NULL);
	if (!inode)
		return -ENOMEM;
	inode->ino = 1;
	d = dentry_alloc(NULL, "/", 1);
	if (!d) {
		inode_put(inode);
		return -ENOMEM;
	}
	d->sb = sb;
	d_instantiate(d, inode);
	sb->root = d;
	return 0;
}

static int procfs_mount(struct file_system_type *type, const char *source, unsigned long flags,
			const char *data, struct super_block **out)
{
	struct super_block *sb = sb_alloc(type);
	int r;

	if (IS_ERR_OR_NULL(sb))
		return sb ? PTR_ERR(sb) : -ENOMEM;
	sb->magic = PROC_SUPER_MAGIC;
	r = procfs_fill_super(sb, &procfs_root);
	if (r < 0) {
		kfree(sb); /* no inode or dentry of it is left */
		return r;
	}
	*out = sb;
	return 0;
}

static struct file_system_type procfs_type = {
	.name = "proc",
	.mount = procfs_mount,
};

/* Register "proc"; idempotent. Returns 0 or -errno from register_filesystem. */
int procfs_init(void)
{
	static bool done;
	int r;

	if (done)
		return 0;
	r = register_filesystem(&procfs_type);
	if (r == 0)
		done = true;
	return r;
}

/*
 * The process an open /proc/PID directory names (pidfd_send_signal takes those as pidfds,
 * as Linux does): its pid, -ESRCH when it is gone, -EBADF when f is no such directory.
 */
int procfs_dir_pid(struct file *f)
{
	struct inode *inode = f->inode;
	struct dentry *d = f->path.dentry;
	struct proc_inode *pi;
	char name[16];
	int len;

	if (!inode || !d || !S_ISDIR(inode->mode) || !inode->sb ||
	    inode->sb->magic != PROC_SUPER_MAGIC)
		return -EBADF;
	pi = inode->private;
	if (!pi || pi->thread || pi->pid <= 0)
		return -EBADF;
	len = ksnprintf(name, sizeof(name), "%d", pi->pid);
	if (d->namelen != len || memcmp(d->name, name, (size_t)len))
		return -EBADF; /* a directory below /proc/PID */
	return procfs_task(pi) ? pi->pid : -ESRCH;
}
