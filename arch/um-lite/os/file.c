/*
 * Host file descriptors: thin wrappers that retry EINTR and return -errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os.h"

/* Our OS_O_* values are the x86_64 Linux ones; this keeps them honest. */
_Static_assert(OS_O_WRONLY == O_WRONLY && OS_O_RDWR == O_RDWR && OS_O_CREAT == O_CREAT &&
		       OS_O_EXCL == O_EXCL && OS_O_TRUNC == O_TRUNC && OS_O_APPEND == O_APPEND &&
		       OS_O_SYNC == O_SYNC,
	       "OS_O_* flags must match the host's");

int os_open(const char *path, int flags, int mode)
{
	int fd;

	do
		fd = open(path, flags | O_CLOEXEC, mode);
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

int os_close(int fd)
{
	return close(fd) < 0 && errno != EINTR ? -errno : 0;
}

long os_read(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

long os_write(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

long os_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		long n = os_write(fd, p + done, len - done);

		if (n < 0)
			return done ? (long)done : n;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

long os_pread(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do
		n = pread(fd, buf, len, off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

long os_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do
		n = pwrite(fd, buf, len, off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

long os_file_size(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	return st.st_size;
}

int os_isatty(int fd)
{
	return isatty(fd);
}

int os_fd_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) ? 1 : 0;
}

int os_read_file(const char *path, void **bufp, size_t *lenp, size_t max)
{
	int fd = os_open(path, O_RDONLY, 0);
	long size;
	char *buf;
	size_t done = 0;

	if (fd < 0)
		return fd;
	size = os_file_size(fd);
	if (size < 0 || (size_t)size > max) {
		os_close(fd);
		return size < 0 ? (int)size : -EFBIG;
	}
	buf = malloc(size ? size : 1);
	if (!buf) {
		os_close(fd);
		return -ENOMEM;
	}
	while (done < (size_t)size) {
		long n = os_read(fd, buf + done, size - done);

		if (n <= 0) {
			free(buf);
			os_close(fd);
			return n < 0 ? (int)n : -EIO;
		}
		done += n;
	}
	os_close(fd);
	*bufp = buf;
	*lenp = done;
	return 0;
}
