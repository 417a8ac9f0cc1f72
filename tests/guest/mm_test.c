/*
 * Guest test: memory. Anonymous mappings, protection, unmapping, brk, copy-on-write after
 * fork, shared anonymous memory, file mappings, a larger working set, and more scattered
 * pages than a host process may have mappings.
 * Runs natively (the oracle) and inside um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define FILE_PAGES 256
#define MANY_VIEWS 300 /* FILE_PAGES * MANY_VIEWS > vm.max_map_count (65530) */

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, 1);
}

/* 1 when writing (or reading) *p faults. */
static int faults(volatile char *p, int write)
{
	int r;

	signal(SIGSEGV, on_segv);
	if (sigsetjmp(jb, 1) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
		r = 0;
	} else {
		r = 1;
	}
	signal(SIGSEGV, SIG_DFL);
	return r;
}

TEST(anonymous_memory_is_zeroed_and_writable)
{
	char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	for (int i = 0; i < (1 << 20); i += 4096)
		ASSERT_EQ(0, p[i]);
	memset(p, 0x5a, 1 << 20);
	EXPECT_EQ(0x5a, p[12345]);
	EXPECT_EQ(0, munmap(p, 1 << 20));
	EXPECT_TRUE(faults(p, 0));
}

TEST(mprotect_takes_write_access_away_and_back)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	ASSERT_EQ(0, mprotect(p, 4096, PROT_READ));
	EXPECT_TRUE(faults(p, 1));
	EXPECT_FALSE(faults(p + 4096, 1));
	EXPECT_EQ(1, p[0]);
	ASSERT_EQ(0, mprotect(p, 4096, PROT_READ | PROT_WRITE));
	EXPECT_FALSE(faults(p, 1));
	ASSERT_EQ(0, mprotect(p, 8192, PROT_NONE));
	EXPECT_TRUE(faults(p, 0));
	munmap(p, 8192);
}

TEST(brk_grows_and_shrinks_the_heap)
{
	char *start = sbrk(0), *p;

	ASSERT_NE((void *)-1, start);
	p = sbrk(1 << 20);
	ASSERT_EQ(start, p);
	memset(p, 7, 1 << 20);
	EXPECT_EQ(7, p[(1 << 20) - 1]);
	ASSERT_NE((void *)-1, sbrk(-(1 << 20)));
	EXPECT_EQ(start, sbrk(0));
}

TEST(fork_gives_the_child_a_private_copy)
{
	int *v = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static int global = 10;
	int st;
	pid_t pid;

	*v = 1;
	pid = fork();
	if (pid == 0) {
		*v = 2;
		global = 20;
		_exit(*v == 2 && global == 20 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	EXPECT_EQ(1, *v);
	EXPECT_EQ(10, global);
	*v = 3;
	EXPECT_EQ(3, *v);
}

TEST(shared_anonymous_memory_is_seen_by_both_processes)
{
	volatile int *v = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			       -1, 0);
	int st;

	ASSERT_NE(MAP_FAILED, (void *)v);
	*v = 1;
	if (fork() == 0) {
		*v = 42;
		_exit(0);
	}
	wait(&st);
	EXPECT_EQ(42, *v);
}

TEST(file_mappings_show_file_contents_and_shared_writes_reach_the_file)
{
	char path[] = "/tmp/mm_test_XXXXXX", buf[8] = { 0 };
	int fd = mkstemp(path);
	char *p;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(8192, write(fd, memset(malloc(8192), 'f', 8192), 8192));
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ('f', p[8191]);
	memcpy(p + 4096, "shared", 6);
	ASSERT_EQ(6, pread(fd, buf, 6, 4096));
	EXPECT_STREQ("shared", buf);
	munmap(p, 8192);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'p';
	ASSERT_EQ(1, pread(fd, buf, 1, 0));
	EXPECT_EQ('f', buf[0]);
	munmap(p, 4096);
	close(fd);
	unlink(path);
}

TEST(a_64_mib_working_set_round_trips)
{
	size_t n = 64 << 20;
	unsigned char *p = malloc(n);
	unsigned long sum = 0;

	ASSERT_NE(NULL, p);
	for (size_t i = 0; i < n; i += 4096)
		p[i] = (unsigned char)(i >> 12);
	for (size_t i = 0; i < n; i += 4096)
		sum += p[i];
	EXPECT_EQ(((n >> 12) / 256) * (255 * 256 / 2), sum);
	free(p);
}

TEST(stack_grows_on_demand)
{
	volatile char big[1 << 20];

	big[0] = 1;
	big[sizeof(big) - 1] = 2;
	EXPECT_EQ(3, big[0] + big[sizeof(big) - 1]);
}

/*
 * More pages mapped at once than a process may hold mappings (vm.max_map_count), with
 * frames out of order: the host process holding a guest address space has that limit on
 * its own mappings, and each guest page whose frame does not continue its neighbour's
 * takes one. Python's test_compile.test_stack_overflow (700 MB of fragmented heap) had its
 * process killed so. Here one file of FILE_PAGES pages, written last page first (so that
 * no frame follows the previous page's), is mapped MANY_VIEWS times and read throughout.
 */
TEST(more_scattered_pages_than_host_mappings)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = memfd_create("scattered", MFD_CLOEXEC), wrong = 0;
	char *views[MANY_VIEWS];

	ASSERT_GE(fd, 0);
	for (int i = FILE_PAGES - 1; i >= 0; i--)
		ASSERT_EQ(sizeof(i), pwrite(fd, &i, sizeof(i), (off_t)i * pg));
	for (int v = 0; v < MANY_VIEWS; v++) {
		views[v] = mmap(NULL, FILE_PAGES * pg, PROT_READ, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, views[v]);
	}
	for (int v = 0; v < MANY_VIEWS; v++)
		for (int i = 0; i < FILE_PAGES; i++)
			wrong += *(volatile int *)(views[v] + (long)i * pg) != i;
	EXPECT_EQ(0, wrong);
	for (int v = 0; v < MANY_VIEWS; v++)
		ASSERT_EQ(0, munmap(views[v], FILE_PAGES * pg));
	close(fd);
}

TEST_HARNESS_MAIN
