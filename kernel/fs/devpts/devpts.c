/*
 * devpts: the filesystem of pseudo-terminal slave nodes (filesystem layer, beside
 * devtmpfs). Each instance is a tmpfs superblock (fs/tmpfs) whose nodes are made and
 * removed by the pty driver through this file: "ptmx" (5:2, mode ptmxmode=) at mount, and
 * "N" (136+N/256 : N%256) while pty N's master is open, owned by the opener's uid (or
 * uid=) and gid (or gid=), mode mode=. Beside the superblock an instance keeps its index
 * space: which pty holds which index (lowest free first, up to max=).
 *
 * Mount options as Linux's: uid=, gid=, mode= (slave nodes, default 0600), ptmxmode=
 * (default 0000), max=, newinstance. Without newinstance every mount shows the initial
 * instance (the one /dev/ptmx in devtmpfs allocates in) and its options replace the
 * instance's, as before Linux 4.7; with it the mount is a new, private index space.
 *
 * Where this differs from Linux: the directory is a tmpfs one, so root may create other
 * files in it; nothing else relies on that.
 */
#include "kernel.h"
#include "devpts.h"
#include "fs.h"
#include "slab.h"
#include "task.h"
#include "../internal.h"
#include "../tmpfs/tmpfs.h"

#define DEVPTS_SUPER_MAGIC 0x1cd1
#define TTYAUX_MAJOR 5
#define PTMX_MINOR 2
#define NAME_LEN 12

struct devpts_opts {
	u32 uid, gid, mode, ptmxmode, max;
	bool set_uid, set_gid, newinstance;
};

struct devpts {
	struct super_block *sb; /* NULL once its last mount went (the ptys may remain) */
	struct devpts_opts opts;
	void *ptys[DEVPTS_MAX_PTYS];
	int nr_ptys;
	struct list_head link; /* in instances */
};

static LIST_HEAD(instances);
static struct devpts *initial;
static struct file_system_type devpts_fs_type;

/* ---- options */

static int opt_num(const char *val, int base, u64 max, u32 *out)
{
	const char *end;
	u64 v;

	if (!*val)
		return -EINVAL;
	v = kstrtoull_prefix(val, &end, base);
	if (*end || v > max)
		return -EINVAL;
	*out = (u32)v;
	return 0;
}

static int opt_apply(struct devpts_opts *o, char *opt)
{
	char *val = strchr(opt, '=');

	if (!strcmp(opt, "newinstance")) {
		o->newinstance = true;
		return 0;
	}
	if (!val)
		return -EINVAL;
	*val++ = '\0';
	if (!strcmp(opt, "uid")) {
		o->set_uid = true;
		return opt_num(val, 10, 0xfffffffeU, &o->uid);
	}
	if (!strcmp(opt, "gid")) {
		o->set_gid = true;
		return opt_num(val, 10, 0xfffffffeU, &o->gid);
	}
	if (!strcmp(opt, "mode"))
		return opt_num(val, 8, 07777, &o->mode);
	if (!strcmp(opt, "ptmxmode"))
		return opt_num(val, 8, 07777, &o->ptmxmode);
	if (!strcmp(opt, "max"))
		return opt_num(val, 10, DEVPTS_MAX_PTYS, &o->max);
	return -EINVAL;
}

/* Linux's defaults, then the comma-separated options of data. */
static int parse_opts(const char *data, struct devpts_opts *o)
{
	char *buf, *opt, *next;
	int r = 0;

	*o = (struct devpts_opts){ .mode = 0600, .ptmxmode = 0, .max = DEVPTS_MAX_PTYS };
	if (!data || !*data)
		return 0;
	buf = kstrdup(data);
	if (!buf)
		return -ENOMEM;
	for (opt = buf; opt && !r; opt = next) {
		next = strchr(opt, ',');
		if (next)
			*next++ = '\0';
		if (*opt)
			r = opt_apply(o, opt);
	}
	kfree(buf);
	return r;
}

/* ---- nodes */

static void node_name(char *buf, int idx)
{
	ksnprintf(buf, NAME_LEN, "%d", idx);
}

/* Set owner and mode of the node name in d's root. */
static void node_set(struct devpts *d, const char *name, u32 mode, u32 uid, u32 gid)
{
	struct dentry *de = d_lookup(d->sb->root, name, (int)strlen(name));

	if (!de)
		return;
	if (de->inode) {
		de->inode->mode = (de->inode->mode & S_IFMT) | (mode & 07777);
		de->inode->uid = uid;
		de->inode->gid = gid;
	}
	dentry_put(de);
}

int devpts_add_node(struct devpts *d, int idx)
{
	const struct cred *c = &current->cred;
	char name[NAME_LEN];
	int r;

	if (!d->sb)
		return 0;
	node_name(name, idx);
	r = tmpfs_add_node(d->sb->root, name, S_IFCHR | d->opts.mode,
			   MKDEV(PTY_SLAVE_MAJOR + idx / 256, idx % 256), NULL);
	if (r < 0)
		return r;
	node_set(d, name, d->opts.mode, d->opts.set_uid ? d->opts.uid : c->fsuid,
		 d->opts.set_gid ? d->opts.gid : c->fsgid);
	return 0;
}

void devpts_remove_node(struct devpts *d, int idx)
{
	char name[NAME_LEN];

	if (!d->sb)
		return;
	node_name(name, idx);
	tmpfs_remove_node(d->sb->root, name, S_IFCHR,
			  MKDEV(PTY_SLAVE_MAJOR + idx / 256, idx % 256));
}

/* ---- indexes */

int devpts_alloc_index(struct devpts *d, void *pty)
{
	for (int i = 0; i < (int)d->opts.max && i < DEVPTS_MAX_PTYS; i++) {
		if (!d->ptys[i]) {
			d->ptys[i] = pty;
			d->nr_ptys++;
			return i;
		}
	}
	return -ENOSPC;
}

static void instance_free(struct devpts *d)
{
	list_del(&d->link);
	kfree(d);
}

void devpts_free_index(struct devpts *d, int idx)
{
	if (idx < 0 || idx >= DEVPTS_MAX_PTYS || !d->ptys[idx])
		return;
	d->ptys[idx] = NULL;
	d->nr_ptys--;
	if (!d->sb && !d->nr_ptys)
		instance_free(d);
}

void *devpts_lookup(struct devpts *d, int idx)
{
	return idx >= 0 && idx < DEVPTS_MAX_PTYS ? d->ptys[idx] : NULL;
}

/* ---- instances */

static struct devpts *instance_new(const struct devpts_opts *o)
{
	struct tmpfs_opts to = { .mode = 0755 };
	struct devpts *d = kzalloc(sizeof(*d));
	struct super_block *sb;

	if (!d || tmpfs_fill_super(&devpts_fs_type, &to, 0, &sb) < 0) {
		kfree(d);
		return NULL;
	}
	sb->magic = DEVPTS_SUPER_MAGIC;
	d->sb = sb;
	d->opts = *o;
	if (tmpfs_add_node(sb->root, "ptmx", S_IFCHR, MKDEV(TTYAUX_MAJOR, PTMX_MINOR), NULL)) {
		tmpfs_kill_sb(sb);
		kfree(d);
		return NULL;
	}
	node_set(d, "ptmx", o->ptmxmode, 0, 0);
	list_add_tail(&d->link, &instances);
	return d;
}

/* The initial instance, made on first use; it holds its superblock for good. */
static struct devpts *initial_instance(void)
{
	struct devpts_opts o;

	if (!initial) {
		parse_opts(NULL, &o);
		initial = instance_new(&o);
		if (initial)
			initial->sb->refcount++;
	}
	return initial;
}

struct devpts *devpts_of_inode(struct inode *inode)
{
	struct devpts *d;

	if (inode->sb && inode->sb->type == &devpts_fs_type)
		list_for_each_entry(d, &instances, link)
			if (d->sb == inode->sb)
				return d;
	return initial_instance();
}

struct file *devpts_open_node(struct devpts *d, int idx, int flags)
{
	char name[NAME_LEN];
	struct mount *m;
	struct path p;
	struct file *f;

	if (!d->sb)
		return ERR_PTR(-EIO);
	node_name(name, idx);
	list_for_each_entry(m, &mount_list, link) {
		if (m->sb != d->sb || m->root != d->sb->root)
			continue;
		p.mnt = m;
		p.dentry = d_lookup(d->sb->root, name, (int)strlen(name));
		if (!p.dentry)
			return ERR_PTR(-EIO);
		f = file_open_path(&p, flags);
		dentry_put(p.dentry);
		return f;
	}
	return ERR_PTR(-ENODEV); /* the instance is not mounted anywhere */
}

static int devpts_mount(struct file_system_type *type, const char *source, unsigned long flags,
			const char *data, struct super_block **out)
{
	struct devpts_opts o;
	struct devpts *d;
	int r = parse_opts(data, &o);

	if (r < 0)
		return r;
	if (!o.newinstance) {
		d = initial_instance();
		if (!d)
			return -ENOMEM;
		d->opts = o;
		node_set(d, "ptmx", o.ptmxmode, 0, 0);
	} else {
		d = instance_new(&o);
		if (!d)
			return -ENOMEM;
	}
	*out = d->sb;
	return 0;
}

static void devpts_kill_sb(struct super_block *sb)
{
	struct devpts *d;

	list_for_each_entry(d, &instances, link) {
		if (d->sb == sb) {
			d->sb = NULL;
			if (!d->nr_ptys)
				instance_free(d);
			break;
		}
	}
	tmpfs_kill_sb(sb);
}

static struct file_system_type devpts_fs_type = {
	.name = "devpts",
	.mount = devpts_mount,
	.kill_sb = devpts_kill_sb,
};

int devpts_init(void)
{
	if (!IS_ENABLED(CONFIG_DEVPTS))
		return 0;
	return register_filesystem(&devpts_fs_type);
}

/* The gid on the "tty:" line of the NUL-terminated /etc/group text buf, or -1. */
static long find_tty_gid(const char *buf)
{
	const char *line = buf, *end;
	long gid;

	for (; line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncmp(line, "tty:", 4))
			continue;
		line = strchr(line + 4, ':'); /* past the password field */
		if (!line || line[1] < '0' || line[1] > '9')
			return -1;
		gid = (long)kstrtoull_prefix(line + 1, &end, 10);
		return *end == ':' || *end == '\n' || !*end ? gid : -1;
	}
	return -1;
}

/* The gid of group "tty" in the root filesystem's /etc/group, or -1. */
static long tty_group(void)
{
	struct file *f = file_open(AT_FDCWD, "/etc/group", O_RDONLY, 0);
	loff_t pos = 0;
	long gid = -1;
	ssize_t n;
	char *buf;

	if (IS_ERR(f))
		return -1;
	buf = kmalloc(8192);
	if (buf) {
		n = kernel_read(f, buf, 8191, &pos);
		buf[n > 0 ? n : 0] = '\0';
		gid = find_tty_gid(buf);
		kfree(buf);
	}
	file_put(f);
	return gid;
}

void devpts_automount(void)
{
	char opts[64];
	long gid;
	int r;

	if (!IS_ENABLED(CONFIG_DEVPTS))
		return;
	gid = tty_group();
	if (gid >= 0)
		ksnprintf(opts, sizeof(opts), "gid=%ld,mode=620,ptmxmode=666", gid);
	else
		ksnprintf(opts, sizeof(opts), "mode=620,ptmxmode=666");
	r = kern_mount("devpts", "/dev/pts", "devpts", 0, opts);
	if (r < 0)
		pr_warn("cannot mount devpts on /dev/pts: %s\n", errname(r));
}
