/*
 * Guest side of tests/bats/share.bats: a file of a disk booted over a read-only backing
 * file (ubd_share maps its pages from the host), read and mapped before and after being
 * written in every way a program can write a file.
 *
 *   share-guest FILE hold SECONDS  map FILE (shared and private) and read it, then sleep
 *   share-guest FILE write         check the old bytes, write page 0 with write(2), page 1
 *                                  through MAP_PRIVATE, page 2 through MAP_SHARED + msync,
 *                                  truncate inside page 4; check what every view shows
 *   share-guest FILE old           the file still has the backing file's bytes
 *   share-guest FILE new           the file has the bytes `write` left (after a reboot)
 *   share-guest FILE cut           map FILE shared and read it, print "mapped", wait for a
 *                                  line on stdin (the host cuts the backing file short
 *                                  meanwhile), touch every page again: prints how many
 *                                  gave SIGBUS (as a disk's read error does on Linux)
 *
 * The file holds NPAGES pages; byte i of page p is 'a' + (p + i) % 26. Prints "ok: ..."
 * lines and exits 0, or prints "FAIL: ..." and exits 1.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG 4096
#define NPAGES 8
#define TRUNC (4 * PG + 100)

static const char *path;

static void fail(const char *what)
{
	printf("FAIL: %s\n", what);
	exit(1);
}

static char old_byte(int page, int i)
{
	return (char)('a' + (page + i) % 26);
}

/* Does buf (one page) hold page's original bytes? */
static int is_old(const char *buf, int page)
{
	for (int i = 0; i < PG; i++) {
		if (buf[i] != old_byte(page, i))
			return 0;
	}
	return 1;
}

static int is_fill(const char *buf, char c, int len)
{
	for (int i = 0; i < len; i++) {
		if (buf[i] != c)
			return 0;
	}
	return 1;
}

static void read_page(int fd, int page, char *buf)
{
	if (pread(fd, buf, PG, (off_t)page * PG) != PG)
		fail("pread");
}

static char *map(int fd, int prot, int flags)
{
	char *p = mmap(NULL, NPAGES * PG, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		fail("mmap");
	return p;
}

static void check_old(int fd)
{
	char buf[PG];
	char *m = map(fd, PROT_READ, MAP_PRIVATE);

	for (int p = 0; p < NPAGES; p++) {
		read_page(fd, p, buf);
		if (!is_old(buf, p) || !is_old(m + p * PG, p))
			fail("old bytes");
	}
	munmap(m, NPAGES * PG);
	printf("ok: old bytes by read and mmap\n");
}

static void do_write(int fd)
{
	char buf[PG], *priv, *ro, *rw;

	check_old(fd);
	priv = map(fd, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	ro = map(fd, PROT_READ, MAP_SHARED);
	if (!is_old(priv, 0) || !is_old(ro, 0) || !is_old(priv + 3 * PG, 3))
		fail("mapped old bytes");
	/* write(2): the file and both mappings of the untouched page show it. */
	memset(buf, 'W', PG);
	if (pwrite(fd, buf, PG, 0) != PG)
		fail("pwrite");
	if (!is_fill(ro, 'W', PG) || !is_fill(priv, 'W', PG))
		fail("mappings after write(2)");
	printf("ok: write(2) seen by read, MAP_SHARED and MAP_PRIVATE\n");
	/* MAP_PRIVATE write: this mapping only. */
	memset(priv + PG, 'P', PG);
	read_page(fd, 1, buf);
	if (!is_fill(priv + PG, 'P', PG) || !is_old(buf, 1) || !is_old(ro + PG, 1))
		fail("MAP_PRIVATE write");
	printf("ok: MAP_PRIVATE write stays private\n");
	/* MAP_SHARED write + msync: the file and the other views. */
	rw = map(fd, PROT_READ | PROT_WRITE, MAP_SHARED);
	memset(rw + 2 * PG, 'S', PG);
	if (msync(rw, NPAGES * PG, MS_SYNC))
		fail("msync");
	read_page(fd, 2, buf);
	if (!is_fill(buf, 'S', PG) || !is_fill(ro + 2 * PG, 'S', PG) ||
	    !is_fill(priv + 2 * PG, 'S', PG))
		fail("MAP_SHARED write");
	printf("ok: MAP_SHARED write reaches the file and every view\n");
	/* mprotect a read-only shared view writable, then write through it. */
	if (mprotect(ro, NPAGES * PG, PROT_READ | PROT_WRITE))
		fail("mprotect");
	ro[3 * PG] = 'M';
	read_page(fd, 3, buf);
	if (buf[0] != 'M' || buf[1] != old_byte(3, 1))
		fail("write after mprotect");
	printf("ok: write through a shared view made writable\n");
	if (ftruncate(fd, TRUNC))
		fail("ftruncate");
	if (pread(fd, buf, PG, 4 * PG) != 100 || memcmp(buf, priv + 4 * PG, 100) ||
	    !is_fill(rw + 4 * PG + 100, 0, PG - 100))
		fail("truncate");
	printf("ok: truncate inside a page\n");
	if (fsync(fd))
		fail("fsync");
}

static void check_new(int fd)
{
	char buf[PG];
	struct stat st;

	if (fstat(fd, &st) || st.st_size != TRUNC)
		fail("size after reboot");
	read_page(fd, 0, buf);
	if (!is_fill(buf, 'W', PG))
		fail("page 0 after reboot");
	read_page(fd, 1, buf);
	if (!is_old(buf, 1))
		fail("page 1 after reboot");
	read_page(fd, 2, buf);
	if (!is_fill(buf, 'S', PG))
		fail("page 2 after reboot");
	read_page(fd, 3, buf);
	if (buf[0] != 'M')
		fail("page 3 after reboot");
	printf("ok: new bytes after a reboot\n");
}

static void hold(int fd, int secs)
{
	char *s = map(fd, PROT_READ, MAP_SHARED), *p = map(fd, PROT_READ, MAP_PRIVATE);
	char buf[PG];

	for (int i = 0; i < NPAGES; i++) {
		read_page(fd, i, buf);
		if (!is_old(s + i * PG, i) || !is_old(p + i * PG, i) || !is_old(buf, i))
			fail("hold");
	}
	printf("ok: holding\n");
	fflush(stdout);
	sleep((unsigned)secs);
}

static sigjmp_buf bus_jump;

static void on_bus(int sig)
{
	(void)sig;
	siglongjmp(bus_jump, 1);
}

static void cut(int fd)
{
	const volatile char *s = map(fd, PROT_READ, MAP_SHARED);
	volatile int bus = 0;
	char line[16];

	for (int i = 0; i < NPAGES; i++)
		if (!is_old((const char *)s + i * PG, i))
			fail("cut: the old bytes");
	printf("mapped\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		fail("cut: stdin");
	signal(SIGBUS, on_bus);
	for (volatile int i = 0; i < NPAGES; i++) {
		if (sigsetjmp(bus_jump, 1)) {
			bus++;
			continue;
		}
		(void)s[i * PG];
	}
	printf("ok: %d of %d pages gave SIGBUS\n", bus, NPAGES);
}

int main(int argc, char **argv)
{
	int fd;

	if (argc < 3)
		fail("usage");
	path = argv[1];
	fd = open(path, strcmp(argv[2], "write") ? O_RDONLY : O_RDWR);
	if (fd < 0)
		fail("open");
	if (!strcmp(argv[2], "hold") && argc > 3)
		hold(fd, atoi(argv[3]));
	else if (!strcmp(argv[2], "write"))
		do_write(fd);
	else if (!strcmp(argv[2], "old"))
		check_old(fd);
	else if (!strcmp(argv[2], "new"))
		check_new(fd);
	else if (!strcmp(argv[2], "cut"))
		cut(fd);
	else
		fail("usage");
	return 0;
}
