/*
 * Guest test: page sharing by content (um-lite's ksmd, Linux's KSM interface). Identical
 * anonymous pages of several processes are merged into one read-only frame; every write
 * after that, by a process or by the kernel on its behalf (read(2) into the page), must
 * stay private to the writer: the other sharers keep their bytes. Also fork and exit of
 * sharers, zero pages, mprotect, run=2 (unmerge everything), and four processes
 * rewriting pages to a few shared versions for two seconds while the scanner merges them.
 *
 * Natively (the oracle) the same sequences run without waiting for merges: the host's
 * KSM is not asked for anything, so the data checks must hold trivially. Inside um-lite
 * (uname -r ends in "um-lite") the test switches the scanner on through
 * /sys/kernel/mm/ksm and waits for the merges before checking.
 *
 * With arguments it is a helper of tests/bats/memory.bats, changing no setting:
 *  - "fill MIB STOPFILE": fill MIB of anonymous memory with a pattern that differs per
 *    page but not per process, print FILLED, wait for STOPFILE to exist, then check the
 *    bytes and print OK or BAD;
 *  - "mapfree MIB": print BEFORE, map and touch MIB, print MAPPED, unmap them, print
 *    UNMAPPED; after each word it waits for a line on stdin (the host's go-ahead).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define PG 4096
#define NPAGES 512

static int in_umlite;

static long ksm_read(const char *name)
{
	char path[128], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/mm/ksm/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static int ksm_write(const char *name, const char *val)
{
	char path[128];
	int fd, r;

	snprintf(path, sizeof(path), "/sys/kernel/mm/ksm/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	r = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -errno;
	close(fd);
	return r;
}

/* In um-lite: scan fast, so that the tests do not wait long. */
static void detect_and_start(void)
{
	struct utsname u;

	if (uname(&u) == 0 && strstr(u.release, "um-lite") && ksm_read("run") >= 0) {
		in_umlite = 1;
		ksm_write("pages_to_scan", "2000");
		ksm_write("sleep_millisecs", "10");
		ksm_write("run", "1");
	}
}

/* Wait (in um-lite) until counter reaches want; 1 when it did, natively at once. */
static int wait_counter(const char *name, long want)
{
	if (!in_umlite)
		return 1;
	for (int i = 0; i < 1000; i++) {
		if (ksm_read(name) >= want)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* Page i's bytes: the same in every process, different from page to page. */
static void fill_page(char *pg, unsigned i)
{
	uint64_t *w = (uint64_t *)pg;

	for (unsigned k = 0; k < PG / 8; k++)
		w[k] = 0x9e3779b97f4a7c15ULL * (i + 1) + k;
}

static int page_ok(const char *pg, unsigned i)
{
	const uint64_t *w = (const uint64_t *)pg;

	for (unsigned k = 0; k < PG / 8; k++) {
		if (w[k] != 0x9e3779b97f4a7c15ULL * (i + 1) + k)
			return 0;
	}
	return 1;
}

/* Anonymous memory made present by the kernel (read(2) from /dev/zero): fewer faults. */
static char *present_region(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/dev/zero", O_RDONLY);
	size_t done = 0;
	ssize_t n = 1;

	if (p == MAP_FAILED || fd < 0)
		return NULL;
	while (done < len && (n = read(fd, p + done, len - done)) > 0)
		done += (size_t)n;
	close(fd);
	return n > 0 ? p : NULL;
}

static char *filled_region(unsigned npages)
{
	char *p = present_region((size_t)npages * PG);

	if (!p)
		return NULL;
	for (unsigned i = 0; i < npages; i++)
		fill_page(p + (size_t)i * PG, i);
	return p;
}

/* Every page intact except those marked in skip (may be NULL); the first bad page or -1. */
static int first_bad(const char *p, unsigned npages, const char *skip)
{
	for (unsigned i = 0; i < npages; i++) {
		if ((!skip || !skip[i]) && !page_ok(p + (size_t)i * PG, i))
			return (int)i;
	}
	return -1;
}

/*
 * A sharer: a child with its own filled region, serving commands from the parent.
 * Commands: 'v' verify, 'w' N write page N in place, 'r' N read(2) into page N from a
 * pipe (the kernel writes it), 'x' exit. Answer: one byte, 0 for success.
 */
struct sharer {
	pid_t pid;
	int cmd, ans;
};

struct command {
	char op;
	int page;
};

static void sharer_serve(int cmd, int ans)
{
	char *p = filled_region(NPAGES), mine[NPAGES] = { 0 }, r = p ? 0 : 1;
	struct command c;

	if (write(ans, &r, 1) != 1 || !p)
		_exit(1);
	while (read(cmd, &c, sizeof(c)) == sizeof(c)) {
		char *pg = p + (size_t)c.page * PG;
		int fds[2];

		r = 0;
		if (c.op == 'x')
			_exit(0);
		if (c.op == 'w') {
			memset(pg, 0xaa, PG);
			mine[c.page] = 1;
		} else if (c.op == 'r') {
			r = pipe(fds) || write(fds[1], "kernel write", 12) != 12 ||
			    read(fds[0], pg + 100, 12) != 12 ||
			    memcmp(pg + 100, "kernel write", 12);
			mine[c.page] = 1;
			close(fds[0]);
			close(fds[1]);
		} else if (c.op == 'v') {
			r = first_bad(p, NPAGES, mine) >= 0;
		}
		if (write(ans, &r, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static int sharer_start(struct sharer *s)
{
	int c[2], a[2];
	char r = 1;

	if (pipe(c) || pipe(a))
		return -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		close(c[1]);
		close(a[0]);
		sharer_serve(c[0], a[1]);
	}
	close(c[0]);
	close(a[1]);
	s->cmd = c[1];
	s->ans = a[0];
	return read(s->ans, &r, 1) == 1 && r == 0 ? 0 : -1;
}

/* Send one command; the sharer's answer (0: done and intact), or -1. */
static int sharer_do(struct sharer *s, char op, int page)
{
	struct command c = { op, page };
	char r;

	if (write(s->cmd, &c, sizeof(c)) != sizeof(c) || read(s->ans, &r, 1) != 1)
		return -1;
	return r;
}

static int sharer_stop(struct sharer *s)
{
	int st;

	sharer_do(s, 'x', 0);
	close(s->cmd);
	close(s->ans);
	return waitpid(s->pid, &st, 0) == s->pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(identical_pages_of_three_processes_are_merged_and_writes_stay_private)
{
	long before = in_umlite ? ksm_read("pages_sharing") : 0;
	struct sharer a, b;
	char *p = filled_region(NPAGES), skip[NPAGES] = { 0 };

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, sharer_start(&a));
	ASSERT_EQ(0, sharer_start(&b));
	/* One frame per page number, two more mappings of each: 2 * NPAGES saved. */
	ASSERT_TRUE(wait_counter("pages_sharing", before + 2 * NPAGES - 16));
	EXPECT_EQ(0, sharer_do(&a, 'w', 5));      /* a guest write */
	EXPECT_EQ(0, sharer_do(&a, 'r', 9));      /* a kernel write (read(2) into it) */
	EXPECT_EQ(-1, first_bad(p, NPAGES, NULL)); /* the parent sees none of it */
	EXPECT_EQ(0, sharer_do(&b, 'v', 0));      /* nor does the third sharer */
	memset(p + 7 * PG, 0x55, PG);
	skip[7] = 1;
	EXPECT_EQ(0, sharer_do(&a, 'v', 0));
	EXPECT_EQ(0, sharer_do(&b, 'v', 0));
	EXPECT_EQ(-1, first_bad(p, NPAGES, skip));
	EXPECT_EQ(0, sharer_stop(&a));
	EXPECT_EQ(0, sharer_do(&b, 'v', 0));
	EXPECT_EQ(0, sharer_stop(&b));
	EXPECT_EQ(-1, first_bad(p, NPAGES, skip));
}

TEST(fork_and_exit_of_sharers_keep_everyones_data)
{
	long before = in_umlite ? ksm_read("pages_sharing") : 0;
	char *p = filled_region(NPAGES);
	struct sharer a;
	pid_t pid;
	int st;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, sharer_start(&a));
	ASSERT_TRUE(wait_counter("pages_sharing", before + NPAGES - 8));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Inherits the merged pages; its writes are its own. */
		if (first_bad(p, NPAGES, NULL) >= 0)
			_exit(1);
		memset(p + 3 * PG, 0x11, PG);
		_exit(p[3 * PG] == 0x11 && page_ok(p + 4 * PG, 4) ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(-1, first_bad(p, NPAGES, NULL));
	EXPECT_EQ(0, sharer_do(&a, 'v', 0));
	EXPECT_EQ(0, sharer_stop(&a));
	EXPECT_EQ(-1, first_bad(p, NPAGES, NULL));
	/* The last sharer writes everything: each page becomes its own again. */
	for (unsigned i = 0; i < NPAGES; i++)
		p[(size_t)i * PG + 1] ^= 1;
	for (unsigned i = 0; i < NPAGES; i++)
		p[(size_t)i * PG + 1] ^= 1;
	EXPECT_EQ(-1, first_bad(p, NPAGES, NULL));
	munmap(p, (size_t)NPAGES * PG);
}

TEST(zero_pages_share_one_frame_and_become_private_on_write)
{
	long before = in_umlite ? ksm_read("ksm_zero_pages") : 0;
	char *p = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	for (unsigned i = 0; i < NPAGES; i++)
		p[(size_t)i * PG] = 0; /* present, and all zero */
	ASSERT_TRUE(wait_counter("ksm_zero_pages", before + NPAGES - 8));
	p[5 * PG + 17] = 42;
	for (unsigned i = 0; i < NPAGES * PG; i++) {
		if (p[i] != (i == 5 * PG + 17 ? 42 : 0))
			ASSERT_EQ(-1, (int)i);
	}
	munmap(p, NPAGES * PG);
}

TEST(merged_pages_survive_mprotect_and_take_writes_after)
{
	long before = in_umlite ? ksm_read("pages_sharing") : 0;
	char *p = filled_region(NPAGES), skip[NPAGES] = { 1 };
	struct sharer a;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, sharer_start(&a));
	ASSERT_TRUE(wait_counter("pages_sharing", before + NPAGES - 8));
	ASSERT_EQ(0, mprotect(p, NPAGES * PG, PROT_READ));
	EXPECT_EQ(-1, first_bad(p, NPAGES, NULL));
	ASSERT_EQ(0, mprotect(p, NPAGES * PG, PROT_READ | PROT_WRITE));
	memset(p, 0x77, PG);
	EXPECT_EQ(0x77, p[PG - 1]);
	EXPECT_EQ(-1, first_bad(p, NPAGES, skip));
	EXPECT_EQ(0, sharer_do(&a, 'v', 0));
	EXPECT_EQ(0, sharer_stop(&a));
}

TEST(run_2_unmerges_every_page_and_keeps_the_data)
{
	char *p = filled_region(NPAGES);
	struct sharer a;

	if (!in_umlite)
		SKIP(return, "um-lite's ksmd only (the host's KSM is left alone)");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, sharer_start(&a));
	ASSERT_TRUE(wait_counter("pages_sharing", NPAGES - 8));
	ASSERT_EQ(0, ksm_write("run", "2"));
	EXPECT_EQ(0, ksm_read("pages_sharing"));
	EXPECT_EQ(0, ksm_read("pages_shared"));
	EXPECT_EQ(2, ksm_read("run"));
	EXPECT_EQ(-1, first_bad(p, NPAGES, NULL));
	EXPECT_EQ(0, sharer_do(&a, 'w', 1));
	EXPECT_EQ(-1, first_bad(p, NPAGES, NULL));
	EXPECT_EQ(0, sharer_stop(&a));
	EXPECT_EQ(-EINVAL, ksm_write("run", "3"));
	EXPECT_EQ(-EINVAL, ksm_write("pages_to_scan", "0"));
	EXPECT_EQ(-EINVAL, ksm_write("sleep_millisecs", "x"));
	EXPECT_EQ(0, ksm_write("run", "1"));
}

/* Page i at version v: few versions, so that pages of different processes often agree. */
static void fill_version(char *pg, unsigned i, unsigned v)
{
	uint64_t *w = (uint64_t *)pg;

	for (unsigned k = 0; k < PG / 8; k++)
		w[k] = (0x9e3779b97f4a7c15ULL * (i + 1) + k) ^ ((uint64_t)v << 56);
}

static int version_ok(const char *pg, unsigned i, unsigned v)
{
	const uint64_t *w = (const uint64_t *)pg;

	for (unsigned k = 0; k < PG / 8; k++) {
		if (w[k] != ((0x9e3779b97f4a7c15ULL * (i + 1) + k) ^ ((uint64_t)v << 56)))
			return 0;
	}
	return 1;
}

/* One churner: rewrite and check random pages for ms milliseconds; 0 when all was right. */
static int churn(unsigned seed, int ms)
{
	enum { N = 128 };
	unsigned char ver[N] = { 0 };
	char *p = present_region(N * PG);
	struct timespec t0, t;

	if (!p)
		return 2;
	for (unsigned i = 0; i < N; i++)
		fill_version(p + (size_t)i * PG, i, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int n = 0; n < 64; n++) {
			unsigned i = rand_r(&seed) % N, j = rand_r(&seed) % N;

			ver[i] = rand_r(&seed) % 3;
			fill_version(p + (size_t)i * PG, i, ver[i]);
			if (!version_ok(p + (size_t)j * PG, j, ver[j]))
				return 1;
		}
		if (rand_r(&seed) % 8 == 0)
			usleep(2000); /* let the scanner merge what is identical now */
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	for (unsigned i = 0; i < N; i++) {
		if (!version_ok(p + (size_t)i * PG, i, ver[i]))
			return 1;
	}
	return 0;
}

TEST(pages_merged_and_rewritten_all_the_time_never_get_mixed_up)
{
	pid_t pids[4];
	int st, bad = 0;

	for (int c = 0; c < 4; c++) {
		pids[c] = fork();
		ASSERT_LE(0, pids[c]);
		if (pids[c] == 0)
			_exit(churn(1234 + c, 2000));
	}
	for (int c = 0; c < 4; c++) {
		ASSERT_EQ(pids[c], waitpid(pids[c], &st, 0));
		bad += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	EXPECT_EQ(0, bad);
	if (in_umlite)
		EXPECT_LT(0, ksm_read("full_scans"));
}

/* The Bats helper: fill, report, hold the memory until stop exists, check it. */
static int fill_main(long mib, const char *stop)
{
	unsigned npages = (unsigned)(mib * 256);
	char *p = filled_region(npages);

	if (!p)
		return 1;
	printf("FILLED\n");
	fflush(stdout);
	while (access(stop, F_OK) != 0)
		usleep(50000);
	printf(first_bad(p, npages, NULL) < 0 ? "OK\n" : "BAD\n");
	return 0;
}

/* Say what, then wait for a line on stdin (the host test's go-ahead). */
static void step(const char *what)
{
	char line[64];

	printf("%s\n", what);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		exit(1);
}

/* The other Bats helper: map and touch MIB, unmap them, each step on the host's word. */
static int mapfree_main(long mib)
{
	size_t len = (size_t)mib << 20;
	char *p;

	step("BEFORE");
	p = present_region(len);
	if (!p)
		return 1;
	step("MAPPED");
	munmap(p, len);
	step("UNMAPPED");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "fill"))
		return fill_main(atol(argv[2]), argv[3]);
	if (argc == 3 && !strcmp(argv[1], "mapfree"))
		return mapfree_main(atol(argv[2]));
	detect_and_start();
	return test_harness_run(argc, argv);
}
