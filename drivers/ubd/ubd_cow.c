/*
 * ubd COW devices, kernel side: opening, creating and checking UML COW files, the
 * in-memory bitmap, and the read/write decisions. The format itself is cow.c's; host
 * I/O goes through ubd_host.c.
 *
 * Rules (UML's ubd):
 *  - the backing file is opened read-only and never written; every write goes to the COW
 *    file at data_offset + offset, then the bitmap bits of the written sectors are set;
 *  - ordering: the data is written before the bitmap bytes that make it visible, so an
 *    instance killed at any moment leaves a COW file whose set bits all point at data
 *    that was written (a write in flight is lost, never half-visible);
 *  - a read takes each run of sectors from the COW file where the bit is set, from the
 *    backing file where it is clear; bytes past the end of a host file read as zeros;
 *  - at open, the backing file's size and mtime must equal the header's, else the device
 *    is refused naming both files (ubd=ignore-mtime accepts a changed mtime and records
 *    the new one); naming a different backing file on the command line that matches the
 *    header's size and mtime switches the header to it, as UML does.
 *
 * The bitmap is kept in chunks of COW_CHUNK_BYTES; a chunk that is all clear is not
 * allocated, so a large disk with few writes costs little memory. The per-sector
 * decisions are cow.c's (cow_read, cow_write); this file supplies the host files.
 */
#include "kernel.h"
#include "os.h"
#include "slab.h"
#include "ubd_dev.h"
#include "ubd_host.h"

static long cow_reader(void *ctx, void *buf, size_t len, uint64_t off)
{
	return ubd_host_pread(*(int *)ctx, buf, len, off);
}

int ubd_cow_probe(int fd)
{
	struct cow_info *ci = kmalloc(sizeof(*ci));
	enum cow_status st;
	int r;

	if (!ci)
		return -ENOMEM;
	st = cow_read_header(cow_reader, &fd, ci);
	r = st == COW_IO_ERROR ? (int)ci->io_error : st != COW_NOT_COW;
	kfree(ci);
	return r;
}

/* ---- backing file checks */

static bool same_file(const char *a, const char *b)
{
	struct ubd_host_stat sa, sb;

	if (!strcmp(a, b))
		return true;
	if (ubd_host_stat(a, &sa) < 0 || ubd_host_stat(b, &sb) < 0)
		return false;
	return sa.dev == sb.dev && sa.ino == sb.ino;
}

/* 0 when the backing file matches the header; 1 for an mtime-only mismatch; -errno. */
static int backing_mismatch(struct ubd *dev, const char *backing, const struct cow_info *ci,
			    bool quiet)
{
	struct ubd_host_stat st;
	int r = ubd_host_stat(backing, &st);

	if (r < 0) {
		if (!quiet)
			printk(KERN_ERR "ubd%d: backing file '%s' of COW file '%s': %s\n",
			       dev->unit, backing, dev->path, os_strerror(r));
		return r;
	}
	if (st.size != ci->size) {
		if (!quiet)
			printk(KERN_ERR "ubd%d: size mismatch: backing file '%s' is %llu bytes, "
					"COW file '%s' was made for %llu bytes; restore the backing "
					"file or remove the COW file\n",
			       dev->unit, backing, (unsigned long long)st.size, dev->path,
			       (unsigned long long)ci->size);
		return -EINVAL;
	}
	if ((u32)st.mtime != ci->mtime) {
		if (!quiet && !ubd_ignore_mtime)
			printk(KERN_ERR "ubd%d: mtime mismatch: backing file '%s' has mtime %lld, "
					"COW file '%s' records %u: the backing file changed since "
					"the COW file was made (restore its mtime, remove the COW "
					"file, or boot with ubd=ignore-mtime to accept it)\n",
			       dev->unit, backing, (long long)st.mtime, dev->path, ci->mtime);
		return 1;
	}
	return 0;
}

/* Rewrite the COW header for backing (its absolute name, size and mtime). */
static int rewrite_header(struct ubd *dev, const char *backing, struct cow_info *ci)
{
	struct ubd_host_stat st;
	char *abs = kmalloc(COW_PATH_MAX);
	u8 *hdr = kmalloc(COW_V3_HEADER_SIZE);
	int r = abs && hdr ? ubd_host_stat(backing, &st) : -ENOMEM;

	if (r == 0)
		r = ubd_host_abspath(backing, abs, COW_PATH_MAX);
	if (r == 0 && cow_init_v3(ci, abs, (u32)st.mtime, st.size, ci->sectorsize,
				  ci->alignment) < 0)
		r = -ENAMETOOLONG;
	if (r == 0) {
		cow_encode_v3(ci, hdr);
		r = (int)ubd_host_pwrite(dev->cow.fd, hdr, COW_V3_HEADER_SIZE, 0);
		r = r < 0 ? r : ubd_host_fsync(dev->cow.fd);
	}
	kfree(abs);
	kfree(hdr);
	return r < 0 ? r : 0;
}

/* Only version-3 headers are rewritten (switch, new mtime): older layouts would move. */
static int may_rewrite(struct ubd *dev, const struct cow_info *ci, const char *why)
{
	if (dev->ro || ci->version != 3 || ci->broken_v3) {
		printk(KERN_ERR "ubd%d: cannot %s: COW file '%s' is %s\n", dev->unit, why,
		       dev->path, dev->ro ? "read-only" : "not a current version-3 file");
		return -EINVAL;
	}
	return 0;
}

/* The command line names backing, the header another file: UML's backing-file switch. */
static int switch_backing(struct ubd *dev, const char *backing, struct cow_info *ci)
{
	int r;

	if (backing_mismatch(dev, backing, ci, true) != 0) {
		printk(KERN_ERR "ubd%d: backing file mismatch: '%s' requested, but COW file '%s' "
				"was made over '%s' and '%s' does not match its size and mtime\n",
		       dev->unit, backing, dev->path, ci->backing, backing);
		return -EINVAL;
	}
	r = may_rewrite(dev, ci, "switch the backing file");
	if (r == 0)
		r = rewrite_header(dev, backing, ci);
	if (r < 0)
		return r;
	printk(KERN_WARNING "ubd%d: switching the backing file of '%s' to '%s'\n", dev->unit,
	       dev->path, ci->backing);
	return 0;
}

/* Decide which backing file to use and check it; dev->cow.backing gets its name. */
static int choose_backing(struct ubd *dev, struct cow_info *ci)
{
	char *given = dev->backing.len ? kstrndup(dev->backing.s, dev->backing.len) : NULL;
	int r = 0;

	if (dev->backing.len && !given)
		return -ENOMEM;
	if (given && !same_file(given, ci->backing))
		r = switch_backing(dev, given, ci);
	kfree(given);
	if (r < 0)
		return r;
	r = backing_mismatch(dev, ci->backing, ci, false);
	if (r == 1 && ubd_ignore_mtime) {
		printk(KERN_WARNING "ubd%d: ubd=ignore-mtime: accepting the new mtime of '%s'\n",
		       dev->unit, ci->backing);
		r = dev->ro ? 0 : may_rewrite(dev, ci, "record the new mtime");
		if (r == 0 && !dev->ro)
			r = rewrite_header(dev, ci->backing, ci);
	}
	if (r)
		return r < 0 ? r : -EINVAL;
	dev->cow.backing = kstrdup(ci->backing);
	return dev->cow.backing ? 0 : -ENOMEM;
}

/* ---- creating a COW file */

/* Write the header and extend the file to its full (sparse) size, as UML does. */
static int write_new_cow(int fd, const struct cow_info *ci)
{
	u8 *hdr = kmalloc(COW_V3_HEADER_SIZE), zero = 0;
	long r;

	if (!hdr)
		return -ENOMEM;
	cow_encode_v3(ci, hdr);
	r = ubd_host_pwrite(fd, hdr, COW_V3_HEADER_SIZE, 0);
	if (r >= 0)
		r = ubd_host_pwrite(fd, &zero, 1, cow_file_size(ci) - 1);
	kfree(hdr);
	return r < 0 ? (int)r : 0;
}

static int fill_new_header(struct ubd *dev, const char *backing, struct cow_info *ci)
{
	char *abs = kmalloc(COW_PATH_MAX);
	struct ubd_host_stat st;
	int r = abs ? ubd_host_stat(backing, &st) : -ENOMEM;

	if (r < 0) {
		if (abs)
			printk(KERN_ERR "ubd%d: backing file '%s': %s\n", dev->unit, backing,
			       os_strerror(r));
	} else if (!st.regular || st.size == 0 || st.size % BLK_SECTOR_SIZE) {
		printk(KERN_ERR "ubd%d: backing file '%s' (%llu bytes) must be a regular file of "
				"a non-zero multiple of 512 bytes\n",
		       dev->unit, backing, (unsigned long long)st.size);
		r = -EINVAL;
	} else {
		r = ubd_host_abspath(backing, abs, COW_PATH_MAX);
		if (r == 0 && cow_init_v3(ci, abs, (u32)st.mtime, st.size, COW_SECTOR_SIZE,
					  COW_DEFAULT_ALIGN) < 0)
			r = -ENAMETOOLONG;
		if (r < 0)
			printk(KERN_ERR "ubd%d: backing file name '%s': %s\n", dev->unit, backing,
			       os_strerror(r));
	}
	kfree(abs);
	return r;
}

/* The COW file does not exist: make it over the backing file named on the command line. */
static int create_cow(struct ubd *dev, struct cow_info *ci)
{
	char *backing = kstrndup(dev->backing.s, dev->backing.len);
	int fd, r;

	if (!backing)
		return -ENOMEM;
	r = dev->ro ? -EROFS : fill_new_header(dev, backing, ci);
	if (r == -EROFS)
		printk(KERN_ERR "ubd%d: COW file '%s' does not exist and a read-only device "
				"cannot create it\n", dev->unit, dev->path);
	kfree(backing);
	if (r < 0)
		return r;
	fd = ubd_open_file(dev, dev->path, true, true);
	if (fd < 0) {
		printk(KERN_ERR "ubd%d: cannot create COW file '%s': %s\n", dev->unit, dev->path,
		       os_strerror(fd));
		return fd;
	}
	r = write_new_cow(fd, ci);
	if (r < 0) {
		printk(KERN_ERR "ubd%d: cannot write COW file '%s': %s\n", dev->unit, dev->path,
		       os_strerror(r));
		ubd_host_close(fd);
		ubd_host_unlink(dev->path);
		return r;
	}
	printk(KERN_INFO "ubd%d: creating '%s' as COW file for '%s'\n", dev->unit, dev->path,
	       ci->backing);
	return fd;
}

/* ---- opening an existing one */

static int read_header(struct ubd *dev, struct cow_info *ci)
{
	enum cow_status st = cow_read_header(cow_reader, &dev->cow.fd, ci);
	struct ubd_host_stat hs;
	int r;

	if (st == COW_NOT_COW && dev->backing.len) {
		printk(KERN_ERR "ubd%d: '%s' is not a COW file (no COW header) and cannot be "
				"used as the COW file over '%.*s'\n", dev->unit, dev->path,
		       (int)dev->backing.len, dev->backing.s);
		return -EINVAL;
	}
	if (st != COW_OK) {
		printk(KERN_ERR "ubd%d: COW file '%s': %s%s\n", dev->unit, dev->path,
		       st == COW_IO_ERROR ? os_strerror((int)ci->io_error) : cow_status_text(st),
		       dev->backing.len ? "" : " (ubd<N>d= uses a file as plain data)");
		return -EINVAL;
	}
	if (ci->sectorsize != COW_SECTOR_SIZE || ci->size % COW_SECTOR_SIZE) {
		printk(KERN_ERR "ubd%d: COW file '%s': sector size %u or backing size %llu is "
				"not a multiple of 512 bytes: not supported\n", dev->unit,
		       dev->path, ci->sectorsize, (unsigned long long)ci->size);
		return -EINVAL;
	}
	r = ubd_host_fstat(dev->cow.fd, &hs);
	if (r == 0 && hs.size < ci->bitmap_offset + ci->bitmap_len) {
		printk(KERN_ERR "ubd%d: COW file '%s' is truncated: %llu bytes, its bitmap ends at "
				"%llu\n", dev->unit, dev->path, (unsigned long long)hs.size,
		       (unsigned long long)(ci->bitmap_offset + ci->bitmap_len));
		return -EINVAL;
	}
	return r;
}

/* ---- cow.c's callbacks */

static long io_pread(void *ctx, enum cow_file f, void *buf, size_t len, uint64_t off)
{
	struct ubd_cow *c = ctx;

	return ubd_host_pread(f == COW_FILE ? c->fd : c->backing_fd, buf, len, off);
}

static long io_pwrite(void *ctx, const void *buf, size_t len, uint64_t off)
{
	return ubd_host_pwrite(((struct ubd_cow *)ctx)->fd, buf, len, off);
}

static uint8_t *io_alloc_chunk(void *ctx)
{
	return kzalloc(COW_CHUNK_BYTES);
}

/* Read the bitmap from the COW file, keeping only the chunks with a bit set. */
static int load_bitmap(struct ubd *dev)
{
	struct ubd_cow *c = &dev->cow;
	u8 *scratch = kmalloc(COW_CHUNK_BYTES);
	int r = -ENOMEM;

	c->io = (struct cow_io){ c, io_pread, io_pwrite, io_alloc_chunk };
	c->bm.nchunks = cow_bitmap_nchunks(&c->info);
	c->bm.chunks = kzalloc(c->bm.nchunks * sizeof(*c->bm.chunks) ?: 1);
	if (scratch && c->bm.chunks)
		r = cow_bitmap_load(&c->info, &c->bm, &c->io, scratch);
	kfree(scratch);
	if (r < 0)
		printk(KERN_ERR "ubd%d: cannot load the bitmap of COW file '%s': %s\n", dev->unit,
		       dev->path, errname(r));
	return r;
}

int ubd_cow_open(struct ubd *dev, int fd)
{
	struct ubd_cow *c = &dev->cow;
	int r;

	c->fd = fd;
	c->backing_fd = -1;
	dev->is_cow = true;
	if (fd == -ENOENT) {
		c->fd = create_cow(dev, &c->info);
		if (c->fd < 0)
			return c->fd;
		r = 0;
	} else {
		r = read_header(dev, &c->info);
	}
	if (r == 0)
		r = choose_backing(dev, &c->info);
	if (r == 0) {
		c->backing_fd = ubd_open_file(dev, c->backing, false, false);
		r = c->backing_fd < 0 ? c->backing_fd : 0;
		if (r < 0 && r != -EBUSY)
			printk(KERN_ERR "ubd%d: can't open backing file '%s': %s\n", dev->unit,
			       c->backing, os_strerror(r));
	}
	if (r == 0)
		r = load_bitmap(dev);
	if (r < 0) {
		ubd_cow_close(dev);
		return r;
	}
	c->nsectors = min(c->info.size / COW_SECTOR_SIZE, c->info.bitmap_len * 8);
	dev->blk.size = c->nsectors * COW_SECTOR_SIZE;
	return 0;
}

void ubd_cow_close(struct ubd *dev)
{
	struct ubd_cow *c = &dev->cow;

	if (c->fd >= 0)
		ubd_host_close(c->fd);
	if (c->backing_fd >= 0)
		ubd_host_close(c->backing_fd);
	c->fd = c->backing_fd = -1;
	for (u64 i = 0; c->bm.chunks && i < c->bm.nchunks; i++)
		kfree(c->bm.chunks[i]);
	kfree(c->bm.chunks);
	kfree(c->backing);
	c->bm.chunks = NULL;
	c->backing = NULL;
	dev->is_cow = false;
}

/* ---- I/O (the block layer's sector-aligned requests) */

int ubd_cow_read(struct ubd *dev, u64 off, void *buf, size_t len)
{
	struct ubd_cow *c = &dev->cow;

	return cow_read(&c->info, &c->bm, &c->io, off / COW_SECTOR_SIZE, len / COW_SECTOR_SIZE,
			buf) < 0 ? -EIO : 0;
}

int ubd_cow_write(struct ubd *dev, u64 off, const void *buf, size_t len)
{
	struct ubd_cow *c = &dev->cow;
	int r = cow_write(&c->info, &c->bm, &c->io, off / COW_SECTOR_SIZE,
			  len / COW_SECTOR_SIZE, buf);

	return r == 0 || r == -ENOMEM || r == -ENOSPC ? r : -EIO;
}

bool ubd_cow_page_in_backing(struct ubd *dev, u64 off)
{
	struct ubd_cow *c = &dev->cow;
	u64 sec = off / COW_SECTOR_SIZE, n = PAGE_SIZE / COW_SECTOR_SIZE;
	u64 idx = sec / COW_CHUNK_SECTORS;
	bool set = false;

	if (c->info.sectorsize != COW_SECTOR_SIZE || off + PAGE_SIZE > c->info.size ||
	    sec + n > c->nsectors)
		return false;
	/* A page never straddles a chunk (16 MiB): one run test says it all. */
	if (!c->bm.chunks[idx])
		return true;
	return cow_bit_run(c->bm.chunks[idx], sec % COW_CHUNK_SECTORS, n, &set) == n && !set;
}
