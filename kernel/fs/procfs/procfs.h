/*
 * The private interface of procfs (kernel/fs/procfs/) and of sysfs, which is built on the
 * same machinery (kernel/fs/sysfs/sysfs.c).
 *
 * A procfs tree is described by static tables of struct proc_entry: directories list their
 * fixed children and may have numbered children made on demand (struct proc_dyn: the pid
 * directories, task/TID, fd/N). Nothing is cached: every lookup makes a fresh inode whose
 * private data (struct proc_inode) says which entry it is and which task it is about, and
 * every open of a regular file generates its whole text into a bounded kernel buffer
 * (struct procfs_buf) that reads then copy from. Tasks are never referenced across calls:
 * an inode remembers a pid and the task's start time, and looks the task up again.
 */
#ifndef PROCFS_PROCFS_H
#define PROCFS_PROCFS_H

#include "kernel.h"
#include "fs.h"

struct task;

/* ---- text generation */
#define PROCFS_BUF_DEFAULT (64 * 1024) /* cap of a generated file unless the entry says */

struct procfs_buf {
	char *data;    /* kmalloc'd, grows by doubling up to max */
	size_t len;    /* bytes produced */
	size_t size;   /* allocated bytes */
	size_t max;    /* never grow past this: further output is dropped (truncated file) */
	int err;       /* -ENOMEM when growing failed */
	bool full;     /* the cap was hit: everything after is dropped */
};

/* Append formatted text (dropped past the cap; a line is never cut in the middle). */
void procfs_printf(struct procfs_buf *b, const char *fmt, ...) __printf(2, 3);
/* Append raw bytes (cmdline, auxv), cut at the cap. */
void procfs_write(struct procfs_buf *b, const void *data, size_t len);

/* ---- the tree */
struct proc_entry;

/* What an inode of procfs is (inode->private, kmalloc'd, freed at eviction). */
struct proc_inode {
	struct proc_entry *ent;
	int pid;         /* the task the entry is about (a tgid, or a tid under task/), 0: none */
	bool thread;     /* under /proc/PID/task/TID: the view of one thread */
	u64 start_time;  /* the task's start_time when the inode was made: a reused pid fails */
	int fd;          /* fd/N and fdinfo/N: the descriptor */
	u32 dev;         /* sysfs: the block device (its number) the entry is about, 0: none */
};

/*
 * Numbered children of a directory (pids, tids, descriptors), named in decimal unless the
 * directory names them itself (sysfs: block devices by name or by "major:minor").
 */
struct proc_dyn {
	struct proc_entry *child; /* what each child is */
	/* The smallest key >= from that exists in dir, or -1. */
	long (*next)(const struct proc_inode *dir, long from);
	/* Fill the child's task and descriptor fields for key (ent is set by the caller). */
	void (*fill)(const struct proc_inode *dir, long key, struct proc_inode *child);
	/* Optional: key's name into buf (PROC_DYN_NAME_MAX bytes); its length. */
	int (*name)(const struct proc_inode *dir, long key, char *buf);
	/* Optional, with name: the key a name of len bytes stands for, or -1. */
	long (*parse)(const struct proc_inode *dir, const char *name, int len);
};

#define PROC_DYN_NAME_MAX 32

#define PE_PRIVATE 0x1  /* only the task's owner (or root) may read or follow it */
#define PE_NOTHREAD 0x2 /* absent from /proc/PID/task/TID (the task/ directory itself) */

/*
 * One name of the tree. t is the live task the inode is about (NULL for system-wide
 * entries); functions returning int give 0 or -errno.
 */
struct proc_entry {
	const char *name;
	u32 mode;        /* S_IF* | permission bits */
	unsigned flags;  /* PE_* */
	/* Regular files: the whole content, generated at open. */
	int (*show)(struct procfs_buf *b, const struct proc_inode *pi, struct task *t);
	/* Writable files: apply one write(2) of len bytes (buf is NUL-terminated). */
	int (*write)(const struct proc_inode *pi, struct task *t, const char *buf, size_t len);
	size_t max;      /* buffer cap for show (0: PROCFS_BUF_DEFAULT) */
	const char *text; /* fixed content, for show = procfs_show_text */
	/* Symlinks: the target, NUL-terminated, into buf of PATH_MAX_LEN bytes; its length. */
	long (*readlink)(const struct proc_inode *pi, struct task *t, char *buf);
	/* Magic links: the path itself, referenced. */
	int (*get_link)(const struct proc_inode *pi, struct task *t, struct path *out);
	/* Adjust the new inode (e.g. fd links show the open mode). */
	void (*init_inode)(struct inode *inode, const struct proc_inode *pi, struct task *t);
	/* Directories. */
	struct proc_entry *children;
	unsigned nr_children;
	const struct proc_dyn *dyn;
	u32 id;          /* assigned at init: a part of the inode number */
};

#define PROC_FILE(n, m, fn) { .name = (n), .mode = S_IFREG | (m), .show = (fn) }
#define PROC_FILE_PRIV(n, m, fn) \
	{ .name = (n), .mode = S_IFREG | (m), .show = (fn), .flags = PE_PRIVATE }
#define PROC_FILE_RW(n, m, fn, wr) \
	{ .name = (n), .mode = S_IFREG | (m), .show = (fn), .write = (wr) }
#define PROC_TEXT(n, txt) \
	{ .name = (n), .mode = S_IFREG | 0444, .show = procfs_show_text, .text = (txt) }
#define PROC_LINK(n, fn) { .name = (n), .mode = S_IFLNK | 0777, .readlink = (fn) }
#define PROC_MAGIC(n, fn, gl) \
	{ .name = (n), .mode = S_IFLNK | 0777, .readlink = (fn), .get_link = (gl), \
	  .flags = PE_PRIVATE }
#define PROC_DIR(n, m, arr) \
	{ .name = (n), .mode = S_IFDIR | (m), .children = (arr), .nr_children = ARRAY_SIZE(arr) }
#define PROC_EMPTY_DIR(n, m) { .name = (n), .mode = S_IFDIR | (m) }

/* ---- procfs.c: the generic filesystem */
/*
 * Give sb a root directory described by root (ids assigned on first use) and the procfs
 * inode hooks. Returns 0 or -ENOMEM.
 */
int procfs_fill_super(struct super_block *sb, struct proc_entry *root);
/* A written decimal value (blanks and a final newline allowed): 0 and *out, or -EINVAL. */
int procfs_parse_ulong(const char *buf, unsigned long *out);
/* The show function of files with fixed content (entry->text). */
int procfs_show_text(struct procfs_buf *b, const struct proc_inode *pi, struct task *t);
/* The live task pi is about, or NULL when it has gone (or pi is about no task). */
struct task *procfs_task(const struct proc_inode *pi);
/* May current see t's private entries (environ, maps, fd/)? Same owner or root. */
bool procfs_may_access(struct task *t);

/* ---- proc_pid.c: /proc/PID and /proc/PID/task/TID */
extern const struct proc_dyn procfs_pid_dyn; /* the numbered children of /proc */

/* ---- proc_fd.c: /proc/PID/fd, /proc/PID/fdinfo, names of open files */
extern const struct proc_dyn procfs_fd_dyn, procfs_fdinfo_dyn;
/* How Linux names p as seen from current's root, into buf (PATH_MAX_LEN); its length. */
long procfs_path_name(const struct path *p, char *buf);
/* A mount's id (fdinfo's mnt_id, mountinfo's first field): its place in mount order. */
int procfs_mount_id(const struct mount *mnt);
/* The name of an open file: its path, or "pipe:[ino]", "socket:[ino]", "anon_inode:...". */
long procfs_file_name(struct file *f, char *buf);

/* ---- kernel/net/net_proc.c: the files of /proc/net */
#define PROCFS_NET_NR 13
extern struct proc_entry procfs_net_entries[PROCFS_NET_NR];
#define PROCFS_SYS_NET_NR 4
extern struct proc_entry procfs_sys_net_entries[PROCFS_SYS_NET_NR];

/* ---- proc_misc.c: system-wide files */
extern struct proc_entry procfs_root;
/* The mount table as root (a task's root directory) sees it, /proc/PID/mounts format. */
int procfs_show_mounts(struct procfs_buf *b, const struct path *root);
/* The same table in /proc/PID/mountinfo's format (ids, dev, root within the filesystem). */
int procfs_show_mountinfo(struct procfs_buf *b, const struct path *root);

/* proc_swap.c: /proc/swaps and /proc/vmstat */
int procfs_show_swaps(struct procfs_buf *b, const struct proc_inode *pi, struct task *t);
int procfs_show_vmstat(struct procfs_buf *b, const struct proc_inode *pi, struct task *t);

#endif
