/*
 * The physmem file and the kernel's mappings of it (DESIGN.md section 4).
 *
 * Guest RAM is one sparse, unlinked file: a memfd when the host has it, otherwise an
 * O_TMPFILE (or mkstemp+unlink) file in $TMPDIR. Every frame the guest sees, and every
 * kernel allocation, is a page of this file, so mem= bounds the whole guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "os.h"

static int tmpfile_in(const char *dir)
{
	char path[4096];
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0700);

	if (fd >= 0)
		return fd;
	if (strlen(dir) > sizeof(path) - 32)
		return -ENAMETOOLONG;
	strcpy(path, dir);
	strcat(path, "/umlite-physmem-XXXXXX");
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

int os_physmem_create(uint64_t size)
{
	const char *dir = getenv("TMPDIR");
	int fd = memfd_create("umlite-physmem", MFD_CLOEXEC);

	if (fd < 0)
		fd = tmpfile_in(dir && *dir ? dir : "/tmp");
	if (fd < 0)
		return fd;
	if (ftruncate(fd, (off_t)size) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int os_map_shared(int fd, uint64_t off, uint64_t len, void **addr)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);

	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

#define WINDOW_MAX 16
#define WINDOW_FD_MIN 64 /* above STUB_WINDOW_FD + STUB_WINDOW_MAX: dup2 there clobbers none */

static int window_fds[WINDOW_MAX] = { -1, -1, -1, -1, -1, -1, -1, -1,
				      -1, -1, -1, -1, -1, -1, -1, -1 };
static char *window_addr[WINDOW_MAX];
static uint64_t window_len[WINDOW_MAX];
static volatile sig_atomic_t window_cut[WINDOW_MAX];

int os_window_register(int id, int fd, uint64_t len, void **addr)
{
	int flags = fcntl(fd, F_GETFL), dup;
	void *p;

	if (id < 0 || id >= WINDOW_MAX || window_fds[id] >= 0 || !len)
		return -EINVAL;
	if (flags < 0)
		return -errno;
	if ((flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	dup = fcntl(fd, F_DUPFD_CLOEXEC, WINDOW_FD_MIN);
	if (dup < 0)
		return -errno;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, dup, 0);
	if (p == MAP_FAILED) {
		int err = -errno;

		close(dup);
		return err;
	}
	window_fds[id] = dup;
	window_addr[id] = p;
	window_len[id] = len;
	*addr = p;
	return 0;
}

int os_window_fd(int id)
{
	return id >= 0 && id < WINDOW_MAX ? window_fds[id] : -1;
}

/*
 * Signal-handler context: only mmap and write. The host reports a read of a shared file
 * mapping past the file's end as SIGBUS; nothing else in a window can fault (the mapping
 * is read-only and the kernel only reads it).
 */
int os_window_fault(void *addr)
{
	static const char msg[] = "um-lite: a disk's backing file shrank under the running "
				  "instance (ubd_share): its missing pages read as zeros, and "
				  "further reads of them fail with EIO\n";
	uintptr_t a = (uintptr_t)addr, page = a & ~(uintptr_t)4095;

	for (int id = 0; id < WINDOW_MAX; id++) {
		uintptr_t base = (uintptr_t)window_addr[id];

		if (!base || a < base || a - base >= window_len[id])
			continue;
		if (mmap((void *)page, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			 -1, 0) == MAP_FAILED)
			return -1;
		if (!window_cut[id] && write(2, msg, sizeof(msg) - 1) < 0) {
			/* nothing better to do in a signal handler */
		}
		window_cut[id] = 1;
		return id;
	}
	return -1;
}

int os_window_cut(int id)
{
	return id >= 0 && id < WINDOW_MAX && window_cut[id];
}

int os_punch_hole(int fd, uint64_t off, uint64_t len)
{
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) < 0)
		return -errno;
	return 0;
}

void *os_alloc(size_t len)
{
	return malloc(len);
}

void os_free(void *p)
{
	free(p);
}

long os_page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}
