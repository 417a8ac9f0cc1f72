/*
 * The host half of the ubd driver (drivers/ubd/ubd_host.c): the host files behind a
 * block device. Shared header: stdint types only. Every function returns >= 0 or -errno
 * and never logs (the kernel half decides what to print).
 */
#ifndef DRIVERS_UBD_UBD_HOST_H
#define DRIVERS_UBD_UBD_HOST_H

#include <stddef.h>
#include <stdint.h>

/* ubd_host_open flags */
#define UBD_OPEN_WRITE 0x1  /* read-write (else read-only) */
#define UBD_OPEN_SYNC 0x2   /* O_SYNC: every write reaches the disk before it returns */
#define UBD_OPEN_CREATE 0x4 /* create it, mode 0644; fail with -EEXIST if it exists */

struct ubd_host_stat {
	uint64_t size;  /* bytes */
	int64_t mtime;  /* seconds */
	uint64_t dev, ino;
	int regular;    /* 1 for a regular file */
};

/* Open a host file (never follows into anything but a plain open(2)); the fd or -errno. */
int ubd_host_open(const char *path, int flags);
int ubd_host_close(int fd);
/*
 * Whole-file fcntl lock as UML takes it: a write lock for a writable file, a read lock
 * otherwise; never waits. -EAGAIN/-EACCES when another process holds a conflicting lock.
 */
int ubd_host_lock(int fd, int write);
int ubd_host_fstat(int fd, struct ubd_host_stat *st);
int ubd_host_stat(const char *path, struct ubd_host_stat *st);
/* Read up to len bytes at off, retrying short reads; returns the bytes read (< len at EOF). */
long ubd_host_pread(int fd, void *buf, size_t len, uint64_t off);
/* Write all len bytes at off; returns len or -errno (-EIO when the host wrote nothing). */
long ubd_host_pwrite(int fd, const void *buf, size_t len, uint64_t off);
int ubd_host_fsync(int fd);
/* Remove a file this instance just created (a COW file whose setup failed). */
int ubd_host_unlink(const char *path);
/*
 * The absolute name of path as UML and uml_mkcow record it in a COW header: the real
 * directory (symlinks and .. resolved) joined with the last component. 0 or -errno
 * (-ENAMETOOLONG when it does not fit in len bytes).
 */
int ubd_host_abspath(const char *path, char *out, size_t len);

#endif
