/*
 * The initramfs unpacker: cpio "newc"/"crc" archives, plain or gzip'd, unpacked into the
 * root filesystem at boot through the VFS (a client of the VFS, like a guest's cpio -i).
 *
 * The buffer holds one or more archives, each ended by "TRAILER!!!", separated by zero
 * padding and starting at multiples of 4 bytes. A gzip'd member is decompressed by the
 * host (os_gunzip) and may itself hold several plain archives; since the host reports
 * nothing about where the member ends, a gzip'd part must be the last part of the buffer.
 *
 * Each entry is created with its mode, owner and mtime. Regular files, devices, FIFOs and
 * sockets whose nlink is 2 or more and whose (ino, dev) was seen before in the same
 * archive become hard links to the first name (the data come with any of them). The
 * mtimes of directories are set at the very end, once nothing more is created in them.
 *
 * A malformed archive (bad magic, field, name, checksum, truncation, a ".." component)
 * stops the unpacking with -EINVAL; everything is checked before it is read. An entry the
 * filesystem refuses (say, a name that exists with another type) is skipped with a
 * warning; running out of memory or space stops with that error.
 */
#include "kernel.h"
#include "fs.h"
#include "list.h"
#include "os.h"
#include "page.h"
#include "slab.h"
#include "internal.h"
#include "cpio.h"

/* A name of a multiply-linked inode, for the hard links that follow it. */
struct hardlink {
	struct list_head link;
	u32 ino, major, minor, type;
	char name[];
};

/* A directory whose mtime is applied at the end. */
struct dir_time {
	struct list_head link;
	s64 mtime;
	char name[];
};

struct unpack {
	struct list_head links; /* struct hardlink of the current archive */
	struct list_head dirs;  /* struct dir_time */
	char *path;             /* the current entry's absolute name (PATH_MAX_LEN bytes) */
};

static int unpack_buffer(struct unpack *u, const u8 *buf, size_t len, bool allow_gzip);

/* "/" + name into u->path; -ENAMETOOLONG when it does not fit. */
static int entry_path(struct unpack *u, const struct cpio_entry *e)
{
	const char *lead = e->name[0] == '/' ? "" : "/";

	if (e->namelen + 2 > PATH_MAX_LEN)
		return -ENAMETOOLONG;
	ksnprintf(u->path, PATH_MAX_LEN, "%s%s", lead, e->name);
	return 0;
}

/* The entry names the root itself ("", ".", "/", "./"). */
static bool path_is_root(const char *p)
{
	return !strcmp(p, "/") || !strcmp(p, "/.") || !strcmp(p, "/./");
}

/*
 * Owner, then mode (chown may clear set-id bits), then mtime (atime = mtime), on the name
 * itself (a symlink is not followed; its mode is not changed). lookup: LOOKUP_DIRECTORY
 * for a directory entry, so that an existing non-directory is not changed.
 */
static int set_attrs(const char *name, const struct cpio_entry *e, unsigned lookup, bool mode,
		     bool times)
{
	struct ktimespec t = { .sec = e->h.mtime, .nsec = 0 };
	struct path p;
	int r = kern_path(AT_FDCWD, name, lookup, &p);

	if (r < 0)
		return r;
	r = vfs_chown_path(&p, e->h.uid, e->h.gid);
	if (!r && mode)
		r = vfs_chmod_path(&p, e->h.mode & 07777);
	if (!r && times)
		r = vfs_utimes_path(&p, &t, &t);
	path_put(&p);
	return r;
}

/*
 * Hard links: when an earlier entry of this archive had the same inode, link the current
 * name to it (*linked = true); otherwise remember the name if more links are to come.
 */
static int maybe_link(struct unpack *u, const struct cpio_entry *e, bool *linked)
{
	u32 type = e->h.mode & S_IFMT;
	struct hardlink *hl;

	*linked = false;
	if (e->h.nlink < 2)
		return 0;
	list_for_each_entry(hl, &u->links, link) {
		if (hl->ino == e->h.ino && hl->major == e->h.devmajor &&
		    hl->minor == e->h.devminor && hl->type == type) {
			long r = vfs_link_at(AT_FDCWD, hl->name, AT_FDCWD, u->path, 0);

			/* A name that exists already (an overlay archive) is written over. */
			*linked = r >= 0;
			return r == -EEXIST ? 0 : (int)min(r, 0L);
		}
	}
	hl = kmalloc(sizeof(*hl) + strlen(u->path) + 1);
	if (!hl)
		return -ENOMEM;
	hl->ino = e->h.ino;
	hl->major = e->h.devmajor;
	hl->minor = e->h.devminor;
	hl->type = type;
	memcpy(hl->name, u->path, strlen(u->path) + 1);
	list_add_tail(&hl->link, &u->links);
	return 0;
}

static void hardlinks_free(struct unpack *u)
{
	struct hardlink *hl, *n;

	list_for_each_entry_safe(hl, n, &u->links, link) {
		list_del(&hl->link);
		kfree(hl);
	}
}

static int write_all(struct file *f, const u8 *data, size_t len)
{
	loff_t pos = 0;
	size_t done = 0;

	while (done < len) {
		ssize_t n = kernel_write(f, data + done, len - done, &pos);

		if (n <= 0)
			return n < 0 ? (int)n : -EIO;
		done += (size_t)n;
	}
	return 0;
}

static int unpack_file(struct unpack *u, const struct cpio_entry *e)
{
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW, r;
	bool linked;
	struct file *f;

	r = maybe_link(u, e, &linked);
	if (r < 0)
		return r;
	if (!linked)
		flags |= O_TRUNC;
	f = file_open(AT_FDCWD, u->path, flags, e->h.mode & 07777);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	r = write_all(f, e->data, e->h.filesize);
	file_put(f);
	if (r < 0)
		return r;
	return set_attrs(u->path, e, 0, true, true);
}

static int unpack_dir(struct unpack *u, const struct cpio_entry *e)
{
	size_t len = strlen(u->path);
	struct dir_time *dt;
	int r = 0;

	if (!path_is_root(u->path))
		r = (int)vfs_mkdir_at(AT_FDCWD, u->path, e->h.mode & 07777);
	if (r < 0 && r != -EEXIST)
		return r;
	r = set_attrs(u->path, e, LOOKUP_DIRECTORY, true, false);
	if (r < 0)
		return r;
	dt = kmalloc(sizeof(*dt) + len + 1);
	if (!dt)
		return -ENOMEM;
	dt->mtime = e->h.mtime;
	memcpy(dt->name, u->path, len + 1);
	list_add(&dt->link, &u->dirs);
	return 0;
}

static int unpack_symlink(struct unpack *u, const struct cpio_entry *e)
{
	char *target;
	long r;

	if (e->h.filesize == 0)
		return -ENOENT;
	if (e->h.filesize >= PATH_MAX_LEN)
		return -ENAMETOOLONG;
	target = kstrndup((const char *)e->data, e->h.filesize);
	if (!target)
		return -ENOMEM;
	r = vfs_symlink_at(target, AT_FDCWD, u->path);
	kfree(target);
	if (r < 0)
		return (int)r;
	return set_attrs(u->path, e, 0, false, true);
}

static int unpack_special(struct unpack *u, const struct cpio_entry *e)
{
	u32 mode = e->h.mode & (S_IFMT | 07777);
	u32 rdev = S_ISCHR(mode) || S_ISBLK(mode) ? MKDEV(e->h.rdevmajor, e->h.rdevminor) : 0;
	bool linked;
	long r = maybe_link(u, e, &linked);

	if (r < 0 || linked)
		return (int)r;
	r = vfs_mknod_at(AT_FDCWD, u->path, mode, rdev);
	if (r < 0)
		return (int)r;
	return set_attrs(u->path, e, 0, true, true);
}

/* Create one entry; errors other than memory and space only skip it. */
static int unpack_entry(struct unpack *u, const struct cpio_entry *e)
{
	int r = entry_path(u, e);

	if (!r) {
		switch (e->h.mode & S_IFMT) {
		case S_IFREG:
			r = unpack_file(u, e);
			break;
		case S_IFDIR:
			r = unpack_dir(u, e);
			break;
		case S_IFLNK:
			r = unpack_symlink(u, e);
			break;
		case S_IFCHR:
		case S_IFBLK:
		case S_IFIFO:
		case S_IFSOCK:
			r = unpack_special(u, e);
			break;
		default:
			r = -EINVAL;
		}
	}
	if (r == -ENOMEM || r == -ENOSPC)
		return r;
	if (r < 0)
		pr_warn("initramfs: %.200s: %s, skipped\n", e->name, errname(r));
	return 0;
}

/* Unpack the archive at *offp up to its trailer; *offp moves past it. */
static int unpack_archive(struct unpack *u, const u8 *buf, size_t len, size_t *offp)
{
	struct cpio_entry e;
	size_t off = *offp;
	int r = 0;

	for (;;) {
		int c = cpio_parse_entry(buf, len, off, &e);

		if (c != CPIO_OK) {
			pr_err("initramfs: %s at offset %zu\n", cpio_strerror(c), off);
			r = -EINVAL;
			break;
		}
		off = e.next;
		if (cpio_is_trailer(&e))
			break;
		if (!cpio_name_safe(e.name, e.namelen)) {
			pr_err("initramfs: '..' in the name %s\n", e.name);
			r = -EINVAL;
			break;
		}
		r = unpack_entry(u, &e);
		if (r < 0)
			break;
	}
	hardlinks_free(u);
	*offp = min(off, len);
	return r;
}

static int unpack_gzip(struct unpack *u, const u8 *in, size_t len)
{
	void *out;
	long n;
	int r;

	if (!IS_ENABLED(CONFIG_INITRAMFS_GZIP)) {
		pr_err("initramfs: gzip'd archives are not configured (CONFIG_INITRAMFS_GZIP)\n");
		return -EINVAL;
	}
	/* What decompresses to more than the guest's memory could never be unpacked. */
	n = os_gunzip(in, len, &out, page_nr_total() * PAGE_SIZE);
	if (n == -EFBIG) {
		pr_err("initramfs: gzip data decompress to more than the guest's memory (mem=)\n");
		return -EFBIG;
	}
	if (n < 0) {
		pr_err("initramfs: gzip data are corrupt\n");
		return n == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	r = unpack_buffer(u, out, (size_t)n, false);
	os_free(out);
	return r;
}

/* Archives one after the other, with zero padding between them; gzip'd ones when allowed. */
static int unpack_buffer(struct unpack *u, const u8 *buf, size_t len, bool allow_gzip)
{
	size_t off = 0;
	int r;

	while (off < len) {
		if (buf[off] == 0) {
			off++;
			continue;
		}
		if (os_is_gzip(buf + off, len - off)) {
			if (!allow_gzip) {
				pr_err("initramfs: gzip data inside gzip data\n");
				return -EINVAL;
			}
			return unpack_gzip(u, buf + off, len - off);
		}
		if (off & 3) {
			pr_err("initramfs: archive at offset %zu is not 4-byte aligned\n", off);
			return -EINVAL;
		}
		r = unpack_archive(u, buf, len, &off);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Apply the deferred directory mtimes and free the list. */
static void dir_times_apply(struct unpack *u)
{
	struct dir_time *dt, *n;

	list_for_each_entry_safe(dt, n, &u->dirs, link) {
		struct ktimespec t = { .sec = dt->mtime, .nsec = 0 };
		struct path p;

		if (kern_path(AT_FDCWD, dt->name, 0, &p) == 0) {
			vfs_utimes_path(&p, &t, &t);
			path_put(&p);
		}
		list_del(&dt->link);
		kfree(dt);
	}
}

/*
 * Unpack buf (cpio newc/crc archives, plain or gzip'd, see the header comment) into the
 * root filesystem. 0, -EINVAL for a malformed archive, or -ENOMEM / -ENOSPC.
 */
int initramfs_unpack(const void *buf, size_t len)
{
	struct unpack u;
	int r;

	INIT_LIST_HEAD(&u.links);
	INIT_LIST_HEAD(&u.dirs);
	u.path = kmalloc(PATH_MAX_LEN);
	if (!u.path)
		return -ENOMEM;
	r = len ? unpack_buffer(&u, buf, len, true) : -EINVAL;
	hardlinks_free(&u);
	dir_times_apply(&u);
	kfree(u.path);
	return r;
}
