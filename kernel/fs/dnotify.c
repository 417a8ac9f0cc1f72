/*
 * dnotify: fcntl(F_NOTIFY), the directory change notification older than inotify.
 *
 * A mark ties an open directory file to the DN_* events its holder asked for, and to the
 * process that asked (the file's owner, as Linux sets it): when one of those events
 * happens to an entry of the directory (or to the directory itself), that process gets
 * SIGIO. Without DN_MULTISHOT a mark fires once and is gone; F_NOTIFY again on the same
 * file adds events to its mark; F_NOTIFY with 0 removes it, and so does the release of
 * the open file (Linux removes it at each close by the owner; here the last close).
 * Marks count in fsnotify_watches, so the VFS hooks run while one exists; notify.c passes
 * every event to dnotify_event. F_SETSIG is not kept: the signal is always SIGIO.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "sched.h"
#include "sig.h"
#include "slab.h"
#include "task.h"

#include <linux/fcntl.h>
#include <linux/inotify.h>

#define DN_EVENTS (DN_ACCESS | DN_MODIFY | DN_CREATE | DN_DELETE | DN_RENAME | DN_ATTRIB)

struct dnotify_mark {
	struct list_head link;   /* in all_marks */
	struct file *file;       /* not referenced: file_put removes the mark first */
	struct inode *inode;     /* the directory, held by the file */
	int tgid;                /* the process to signal */
	u32 mask;                /* DN_* with DN_MULTISHOT */
};

static LIST_HEAD(all_marks);

/* The DN_* events an inotify event mask stands for. */
static u32 dn_of_in(u32 in)
{
	u32 dn = 0;

	if (in & IN_ACCESS)
		dn |= DN_ACCESS;
	if (in & IN_MODIFY)
		dn |= DN_MODIFY;
	if (in & IN_ATTRIB)
		dn |= DN_ATTRIB;
	if (in & IN_CREATE)
		dn |= DN_CREATE;
	if (in & IN_DELETE)
		dn |= DN_DELETE;
	if (in & (IN_MOVED_FROM | IN_MOVED_TO))
		dn |= DN_RENAME;
	return dn;
}

static void mark_free(struct dnotify_mark *m)
{
	list_del(&m->link);
	fsnotify_watches--;
	kfree(m);
}

static struct dnotify_mark *mark_of(struct file *f)
{
	struct dnotify_mark *m;

	list_for_each_entry(m, &all_marks, link)
		if (m->file == f)
			return m;
	return NULL;
}

void dnotify_event(struct inode *dir, u32 in_mask)
{
	u32 dn = dn_of_in(in_mask);
	struct dnotify_mark *m, *n;
	struct task *t;

	if (!dn)
		return;
	list_for_each_entry_safe(m, n, &all_marks, link) {
		if (m->inode != dir || !(m->mask & dn))
			continue;
		t = task_by_pid(m->tgid);
		if (t)
			sig_send_process(t, SIGIO, NULL);
		if (!(m->mask & DN_MULTISHOT))
			mark_free(m);
	}
}

void dnotify_release(struct file *f)
{
	struct dnotify_mark *m = mark_of(f);

	if (m)
		mark_free(m);
}

long dnotify_fcntl(struct file *f, unsigned long arg)
{
	struct dnotify_mark *m;

	if (!IS_ENABLED(CONFIG_INOTIFY))
		return -EINVAL;
	m = mark_of(f);
	if (!(arg & DN_EVENTS)) {
		if (m)
			mark_free(m);
		return 0;
	}
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	if (!m) {
		m = kzalloc(sizeof(*m));
		if (!m)
			return -ENOMEM;
		m->file = f;
		m->inode = f->inode;
		list_add_tail(&m->link, &all_marks);
		fsnotify_watches++;
	}
	m->tgid = current->tgid;
	m->mask |= (u32)arg & (DN_EVENTS | DN_MULTISHOT);
	return 0;
}
