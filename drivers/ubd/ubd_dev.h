/*
 * The ubd driver's private interface between ubd.c (command line, device setup, plain
 * images, registration) and ubd_cow.c (COW files: header checks, bitmap, COW I/O).
 * Kernel-side.
 */
#ifndef DRIVERS_UBD_UBD_DEV_H
#define DRIVERS_UBD_UBD_DEV_H

#include "kernel.h"
#include "blkdev.h"
#include "cow.h"

#define UBD_MAX_DEV 16
#define UBD_SHIFT 4 /* 16 minors per device: ubda is 98:0, ubdb 98:16 */

/*
 * A name given on the command line: a piece of an argv word (argv lives until exit), or
 * of the kmalloc'd copy of an mconsole config command (struct ubd's spec).
 */
struct ubd_name {
	const char *s;
	size_t len;
};

struct ubd_cow {
	int fd;                  /* the COW file */
	int backing_fd;          /* the backing file, opened read-only */
	char *backing;           /* its name as used (kmalloc'd) */
	struct cow_info info;    /* header and layout */
	u64 nsectors;            /* sectors the bitmap covers */
	struct cow_bitmap bm;    /* the bitmap in memory (chunks kmalloc'd) */
	struct cow_io io;        /* cow.c's way to our host files */
};

/* One ubdN device. Configured by the command line, opened by ubd_init. */
struct ubd {
	struct block_device blk;   /* registered with the block layer (embedded first) */
	int unit;                  /* N */
	bool configured;           /* ubdN= was given (or config ubdN= over the mconsole) */
	char *spec;                /* hot-added: the kmalloc'd text the names point into */
	struct ubd_name file;      /* the image, or the COW file */
	struct ubd_name backing;   /* the backing file (len 0: none given) */
	struct ubd_name serial;    /* third field, kept for completeness */
	bool ro;                   /* r: the guest cannot write */
	bool sync;                 /* s: O_SYNC */
	bool no_cow;               /* d: plain data, never a COW file */
	bool shared;               /* c: no host locking */
	bool no_trim;              /* t: no discard (we never discard) */
	char *path;                /* file, NUL-terminated (kmalloc'd) */
	int fd;                    /* the image (plain devices) */
	bool is_cow;
	struct ubd_cow cow;
	phys_t window;             /* the read-only file as a window (page.h), or 0 */
};

/* Global options (ubd=sync, ubd=ignore-mtime). */
extern bool ubd_global_sync;
extern bool ubd_ignore_mtime;
/* ubd_share=on|off: map unmodified blocks of read-only files from the host (default on). */
extern bool ubd_share;

/* ---- ubd.c */
/* Open a host file for dev with its flags, take the lock UML takes; fd or -errno (logged). */
int ubd_open_file(struct ubd *dev, const char *path, bool write, bool create);

/* ---- ubd_cow.c */
/*
 * Set dev up as a COW device: the file is dev->path (already open as fd, or absent when
 * fd is -ENOENT and a backing file was given: then it is created). Fills dev->cow and the
 * device size. 0 or -errno after printing why.
 */
int ubd_cow_open(struct ubd *dev, int fd);
/* Does the open file fd start with a COW header? 1 yes, 0 no, -errno. */
int ubd_cow_probe(int fd);
int ubd_cow_read(struct ubd *dev, u64 off, void *buf, size_t len);
int ubd_cow_write(struct ubd *dev, u64 off, const void *buf, size_t len);
/* Release what ubd_cow_open took (files and bitmap). */
void ubd_cow_close(struct ubd *dev);
/* Is the page at off (4096-aligned, inside the device) wholly in the backing file? */
bool ubd_cow_page_in_backing(struct ubd *dev, u64 off);

#endif
