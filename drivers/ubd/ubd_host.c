/*
 * ubd, host side: opening, locking, reading and writing the host files behind the ubd
 * block devices (the image, a COW file and its backing file). Synchronous pread/pwrite
 * on the kernel's thread; the COW decisions are the kernel half's (ubd.c).
 *
 * Locking follows UML: a whole-file fcntl lock, write for files opened read-write, read
 * for read-only ones, so two instances cannot write one file while any number may share
 * a read-only backing file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ubd_host.h"

int ubd_host_open(const char *path, int flags)
{
	int oflags = O_CLOEXEC | O_LARGEFILE, fd;

	oflags |= (flags & UBD_OPEN_WRITE) ? O_RDWR : O_RDONLY;
	if (flags & UBD_OPEN_SYNC)
		oflags |= O_SYNC;
	if (flags & UBD_OPEN_CREATE)
		oflags |= O_CREAT | O_EXCL;
	do
		fd = open(path, oflags, 0644);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

int ubd_host_close(int fd)
{
	return close(fd) < 0 && errno != EINTR ? -errno : 0;
}

int ubd_host_lock(int fd, int write)
{
	struct flock lk = {
		.l_type = write ? F_WRLCK : F_RDLCK,
		.l_whence = SEEK_SET,
		.l_start = 0,
		.l_len = 0,
	};
	int r;

	do
		r = fcntl(fd, F_SETLK, &lk);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static void fill_stat(const struct stat *s, struct ubd_host_stat *st)
{
	st->size = (uint64_t)s->st_size;
	st->mtime = s->st_mtime;
	st->dev = s->st_dev;
	st->ino = s->st_ino;
	st->regular = S_ISREG(s->st_mode);
}

int ubd_host_fstat(int fd, struct ubd_host_stat *st)
{
	struct stat s;

	if (fstat(fd, &s) < 0)
		return -errno;
	fill_stat(&s, st);
	return 0;
}

int ubd_host_stat(const char *path, struct ubd_host_stat *st)
{
	struct stat s;

	if (stat(path, &s) < 0)
		return -errno;
	fill_stat(&s, st);
	return 0;
}

long ubd_host_pread(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (long)done;
}

long ubd_host_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return (long)done;
}

int ubd_host_fsync(int fd)
{
	int r;

	do
		r = fsync(fd);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

int ubd_host_unlink(const char *path)
{
	return unlink(path) < 0 ? -errno : 0;
}

int ubd_host_abspath(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char *dir, *real;
	int n;

	if (!*base)
		return -EISDIR;
	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return -ENOMEM;
	real = realpath(dir, NULL);
	n = errno;
	free(dir);
	if (!real)
		return -n;
	n = snprintf(out, len, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
	free(real);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}
