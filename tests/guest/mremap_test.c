/*
 * Guest test: mremap. Growing in place and by moving (contents follow), shrinking,
 * MREMAP_FIXED, MREMAP_DONTUNMAP, file and shared mappings, the errors programs see, and
 * realloc of large blocks (glibc uses mremap for them).
 * Runs natively (the oracle) and inside um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define PG 4096UL

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, 1);
}

/* 1 when reading *p faults. */
static int read_faults(volatile char *p)
{
	int r = 0;

	signal(SIGSEGV, on_segv);
	if (sigsetjmp(jb, 1) == 0)
		(void)*p;
	else
		r = 1;
	signal(SIGSEGV, SIG_DFL);
	return r;
}

static char *anon(size_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void fill(char *p, size_t len, int seed)
{
	for (size_t i = 0; i < len; i += 512)
		p[i] = (char)(i / 512 + seed);
}

static int check(const char *p, size_t len, int seed)
{
	for (size_t i = 0; i < len; i += 512)
		if (p[i] != (char)(i / 512 + seed))
			return 0;
	return 1;
}

TEST(grows_in_place_when_the_space_above_is_free)
{
	/* Reserve 8 pages, free the top 4, then grow the bottom 4 into them. */
	char *p = anon(8 * PG), *q;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + 4 * PG, 4 * PG));
	fill(p, 4 * PG, 1);
	q = mremap(p, 4 * PG, 8 * PG, 0);
	ASSERT_EQ(p, q);
	EXPECT_TRUE(check(p, 4 * PG, 1));
	EXPECT_EQ(0, p[7 * PG]);
	p[7 * PG] = 9;
	EXPECT_EQ(0, munmap(p, 8 * PG));
}

TEST(without_maymove_growth_into_a_used_range_is_enomem)
{
	char *p = anon(2 * PG);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + PG, PG));
	ASSERT_EQ(p + PG, mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			       -1, 0));
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, PG, 2 * PG, 0));
	EXPECT_EQ(ENOMEM, errno);
	munmap(p, 2 * PG);
}

TEST(maymove_moves_the_pages_with_their_contents)
{
	char *p = anon(2 * PG), *q;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + PG, PG));
	ASSERT_EQ(p + PG, mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			       -1, 0));
	fill(p, PG, 3);
	q = mremap(p, PG, 64 * PG, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, q);
	ASSERT_NE(p, q);
	EXPECT_TRUE(check(q, PG, 3));
	EXPECT_EQ(0, q[63 * PG]);
	memset(q + PG, 7, 63 * PG);
	EXPECT_TRUE(read_faults(p));
	EXPECT_EQ(0, munmap(q, 64 * PG));
	munmap(p + PG, PG);
}

TEST(shrinking_unmaps_the_tail)
{
	char *p = anon(4 * PG);

	ASSERT_NE(MAP_FAILED, p);
	fill(p, 4 * PG, 5);
	ASSERT_EQ(p, mremap(p, 4 * PG, PG, 0));
	EXPECT_TRUE(check(p, PG, 5));
	EXPECT_TRUE(read_faults(p + 2 * PG));
	munmap(p, PG);
}

TEST(fixed_moves_to_the_given_address_replacing_what_was_there)
{
	char *p = anon(4 * PG), *dst = anon(8 * PG), *q;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(MAP_FAILED, dst);
	fill(p, 4 * PG, 11);
	memset(dst, 0x55, 8 * PG);
	q = mremap(p, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst + 2 * PG);
	ASSERT_EQ(dst + 2 * PG, q);
	EXPECT_TRUE(check(q, 4 * PG, 11));
	EXPECT_EQ(0x55, dst[0]);
	EXPECT_EQ(0x55, dst[7 * PG]);
	EXPECT_TRUE(read_faults(p));
	munmap(dst, 8 * PG);
}

TEST(fixed_onto_an_overlapping_range_is_einval)
{
	char *p = anon(4 * PG);

	ASSERT_NE(MAP_FAILED, p);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, p + PG));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, PG, PG, MREMAP_FIXED, p + 2 * PG));
	EXPECT_EQ(EINVAL, errno);
	munmap(p, 4 * PG);
}

TEST(dontunmap_leaves_an_empty_mapping_behind)
{
	char *p = anon(2 * PG), *q;

	ASSERT_NE(MAP_FAILED, p);
	fill(p, 2 * PG, 21);
	q = mremap(p, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	if (q == MAP_FAILED && errno == EINVAL)
		SKIP(return, "host kernel without MREMAP_DONTUNMAP");
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_TRUE(check(q, 2 * PG, 21));
	EXPECT_FALSE(read_faults(p));
	EXPECT_EQ(0, p[0]);
	EXPECT_EQ(0, p[PG + 512]);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(q, 2 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP));
	EXPECT_EQ(EINVAL, errno);
	munmap(p, 2 * PG);
	munmap(q, 2 * PG);
}

TEST(errors_match_linux)
{
	char *p = anon(2 * PG);

	ASSERT_NE(MAP_FAILED, p);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p + 1, PG, 2 * PG, MREMAP_MAYMOVE));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, PG, 2 * PG, 0x80));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, PG, 0, MREMAP_MAYMOVE));
	EXPECT_EQ(EINVAL, errno);
	/* Beyond the mapping: EFAULT. */
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, 4 * PG, 8 * PG, MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, munmap(p, 2 * PG));
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, PG, 2 * PG, MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);
	/* old_len 0 on a private mapping: EINVAL. */
	p = anon(PG);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, 0, PG, MREMAP_MAYMOVE));
	EXPECT_EQ(EINVAL, errno);
	munmap(p, PG);
}

TEST(moving_a_file_mapping_keeps_the_file_pages)
{
	char path[] = "/tmp/mremapXXXXXX", buf[4 * 4096];
	int fd = mkstemp(path);
	char *p, *q;

	ASSERT_GE(fd, 0);
	unlink(path);
	fill(buf, sizeof(buf), 31);
	ASSERT_EQ((ssize_t)sizeof(buf), write(fd, buf, sizeof(buf)));
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	(void)p[0];
	q = mremap(p, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_TRUE(check(q, 4 * PG, 31));
	q[3 * PG] = 'Z';
	ASSERT_EQ(1, pread(fd, buf, 1, 3 * PG));
	EXPECT_EQ('Z', buf[0]);
	munmap(q, 4 * PG);
	close(fd);
}

TEST(moving_a_private_file_mapping_keeps_private_changes)
{
	char path[] = "/tmp/mremapXXXXXX", buf[2 * 4096];
	int fd = mkstemp(path);
	char *p, *q;

	ASSERT_GE(fd, 0);
	unlink(path);
	memset(buf, 'f', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), write(fd, buf, sizeof(buf)));
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'p';
	q = mremap(p, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, anon(2 * PG));
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ('p', q[0]);
	EXPECT_EQ('f', q[PG]);
	ASSERT_EQ(1, pread(fd, buf, 1, 0));
	EXPECT_EQ('f', buf[0]);
	munmap(q, 2 * PG);
	close(fd);
}

TEST(moved_shared_anonymous_memory_stays_shared_with_the_child)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *q;
	int st;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	pid = fork();
	if (pid == 0) {
		usleep(100000);
		_exit(p[0] == 2 && p[PG] == 3 ? 0 : 1);
	}
	q = mremap(p, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, anon(2 * PG));
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(1, q[0]);
	q[0] = 2;
	q[PG] = 3;
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	munmap(q, 2 * PG);
}

TEST(realloc_of_large_blocks_keeps_contents)
{
	size_t n = 1 << 20;
	char *p = malloc(n);

	ASSERT_NE(NULL, p);
	fill(p, n, 41);
	for (int i = 0; i < 6; i++) {
		n *= 2;
		p = realloc(p, n);
		ASSERT_NE(NULL, p);
		ASSERT_TRUE(check(p, 1 << 20, 41));
		p[n - 1] = 1;
	}
	p = realloc(p, 1 << 20);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(check(p, 1 << 20, 41));
	free(p);
}

TEST_HARNESS_MAIN
