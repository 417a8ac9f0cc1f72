/*
 * Guest test: swapon(2) and swapoff(2) refusals a user meets (a missing path, a character
 * device, a path that is not an active area, bad flags), the same natively and in um-lite,
 * and anonymous memory that keeps every byte when it is written, read back, shared by fork
 * and written again (under memory pressure in um-lite when tests/bats/swap.bats runs it).
 *
 * With arguments it is a helper of tests/bats/swap.bats:
 *  - "fill MIB": map and fill MIB of anonymous memory with a pattern that differs per
 *    page and word, check it, fork: the child checks the same bytes, overwrites its copy
 *    and checks that, the parent checks its own copy is unchanged. Prints SWAPTEST OK, or
 *    SWAPTEST BAD with the count of wrong words; exits 0 or 1.
 *  - "hold MIB": fill MIB, print HOLDING, wait for a line on stdin, check, print
 *    SWAPTEST OK or BAD (the memory stays in use while the host acts: the balloon).
 *  - "hold-remap MIB": the same, but before checking, mremap moves the memory (grown by
 *    a page) to another address, swapped-out pages and all.
 *  - "swapon PATH": swapon(2) itself (busybox swapon refuses files with holes before
 *    asking the kernel); prints SWAPON OK or SWAPON and the error's text.
 *  - "map-shared PATH": open PATH read-write and map it shared and writable; prints
 *    MAP OK or MAP and the error's text (an active swap file: ETXTBSY).
 *  - "pattern-file PATH MIB SEED": write PATH (MIB, the pattern of SEED) with write(2)
 *    (run on the host too, to make a disk image's file).
 *  - "map-read PATH SEED [hold]": map the file shared (read-only) and private (read and
 *    exec, as a library), write one word of every 16th private page (copies that must be
 *    kept), and check every byte of both views twice; with hold, print HOLDING between the
 *    two checks and wait for a line on stdin. Prints SWAPTEST OK or BAD.
 *  - "map-write PATH MIB SEED": size PATH to MIB, write the pattern of SEED through a
 *    shared writable mapping, check it there, unmap, then check it with read(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define PG 4096
#define WORDS (PG / 8)

static uint64_t pattern(size_t page, size_t word, uint64_t seed)
{
	return (page << 24) ^ (word << 4) ^ (seed * 0x9e3779b97f4a7c15ULL);
}

static void fill(uint64_t *p, size_t pages, uint64_t seed)
{
	for (size_t i = 0; i < pages; i++)
		for (size_t w = 0; w < WORDS; w++)
			p[i * WORDS + w] = pattern(i, w, seed);
}

static size_t check(const uint64_t *p, size_t pages, uint64_t seed)
{
	size_t bad = 0;

	for (size_t i = 0; i < pages; i++)
		for (size_t w = 0; w < WORDS; w++)
			bad += p[i * WORDS + w] != pattern(i, w, seed);
	return bad;
}

static uint64_t *map_filled(long mib, size_t *pages)
{
	uint64_t *p;

	*pages = (size_t)mib * 256;
	p = mmap(NULL, *pages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	fill(p, *pages, 1);
	return p;
}

static int report(size_t bad)
{
	if (bad)
		printf("SWAPTEST BAD %zu\n", bad);
	else
		printf("SWAPTEST OK\n");
	fflush(stdout);
	return bad ? 1 : 0;
}

static int fill_main(long mib)
{
	size_t pages, bad;
	uint64_t *p = map_filled(mib, &pages);
	int status;
	pid_t pid;

	bad = check(p, pages, 1);
	pid = fork();
	if (pid == 0) {
		size_t b = check(p, pages, 1);

		fill(p, pages, 2);
		b += check(p, pages, 2);
		_exit(b ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("child failed\n");
		bad++;
	}
	bad += check(p, pages, 1);
	return report(bad);
}

static int hold_main(long mib, int remap)
{
	size_t pages;
	uint64_t *p = map_filled(mib, &pages);
	char line[16];

	printf("HOLDING\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	if (remap) {
		/* a free range elsewhere, reserved then handed to mremap as the target */
		void *to = mmap(NULL, (pages + 1) * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
		uint64_t *q = to == MAP_FAILED ? MAP_FAILED :
			      mremap(p, pages * PG, (pages + 1) * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
				     to);

		if (q == MAP_FAILED || q == p) {
			perror("mremap");
			return 1;
		}
		printf("MOVED\n");
		p = q;
	}
	return report(check(p, pages, 1));
}

TEST(swapon_missing_path_is_enoent)
{
	errno = 0;
	ASSERT_EQ(-1, swapon("/no/such/swap", 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST(swapon_character_device_is_einval)
{
	errno = 0;
	ASSERT_EQ(-1, swapon("/dev/null", 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST(swapoff_of_no_area_is_einval)
{
	errno = 0;
	ASSERT_EQ(-1, swapoff("/dev/null"));
	EXPECT_EQ(EINVAL, errno);
}

TEST(memory_written_forked_and_rewritten_keeps_every_byte)
{
	size_t pages;
	uint64_t *p = map_filled(8, &pages);
	int status;
	pid_t pid;

	ASSERT_EQ(0, check(p, pages, 1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		size_t b = check(p, pages, 1);

		fill(p, pages, 3);
		_exit(b || check(p, pages, 3));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(0, check(p, pages, 1));
	munmap(p, pages * PG);
}

static int swapon_main(const char *path)
{
	if (swapon(path, 0)) {
		printf("SWAPON %s\n", strerror(errno));
		return 1;
	}
	printf("SWAPON OK\n");
	return 0;
}

static int map_shared_main(const char *path)
{
	int fd = open(path, O_RDWR);
	void *p = fd < 0 ? MAP_FAILED : mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	printf("MAP %s\n", p == MAP_FAILED ? strerror(errno) : "OK");
	return p == MAP_FAILED;
}

static int pattern_file_main(const char *path, long mib, uint64_t seed)
{
	uint64_t buf[WORDS];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return perror(path), 1;
	for (size_t i = 0; i < (size_t)mib * 256; i++) {
		for (size_t w = 0; w < WORDS; w++)
			buf[w] = pattern(i, w, seed);
		if (write(fd, buf, PG) != PG)
			return perror("write"), 1;
	}
	return close(fd) ? 1 : 0;
}

/* Map all of fd (size bytes) with prot and flags; exits on failure. */
static uint64_t *map_file(int fd, size_t size, int prot, int flags)
{
	uint64_t *p = mmap(NULL, size, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* The private view: the file's pattern, but word 0 of every 16th page is its complement. */
static size_t check_private(const uint64_t *p, size_t pages, uint64_t seed)
{
	size_t bad = 0;

	for (size_t i = 0; i < pages; i++)
		for (size_t w = 0; w < WORDS; w++)
			bad += p[i * WORDS + w] !=
			       (i % 16 || w ? pattern(i, w, seed) : ~pattern(i, w, seed));
	return bad;
}

static int map_read_main(const char *path, uint64_t seed, int hold)
{
	int fd = open(path, O_RDONLY);
	off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	size_t pages = (size_t)size / PG, bad = 0;
	uint64_t *sh, *pr;
	char line[16];

	if (size <= 0)
		return perror(path), 1;
	sh = map_file(fd, (size_t)size, PROT_READ, MAP_SHARED);
	pr = map_file(fd, (size_t)size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE);
	for (size_t i = 0; i < pages; i += 16)
		pr[i * WORDS] = ~pr[i * WORDS];
	for (int round = 0; round < 2; round++) {
		if (round && hold) {
			printf("HOLDING\n");
			fflush(stdout);
			if (!fgets(line, sizeof(line), stdin))
				return 1;
		}
		bad += check(sh, pages, seed);
		bad += check_private(pr, pages, seed);
	}
	return report(bad);
}

static int map_write_main(const char *path, long mib, uint64_t seed)
{
	size_t pages = (size_t)mib * 256, bad;
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	uint64_t *p, buf[WORDS];

	if (fd < 0 || ftruncate(fd, (off_t)(pages * PG)))
		return perror(path), 1;
	p = map_file(fd, pages * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	fill(p, pages, seed);
	bad = check(p, pages, seed);
	munmap(p, pages * PG);
	for (size_t i = 0; i < pages; i++) {
		if (pread(fd, buf, PG, (off_t)(i * PG)) != PG)
			return perror("pread"), 1;
		for (size_t w = 0; w < WORDS; w++)
			bad += buf[w] != pattern(i, w, seed);
	}
	close(fd);
	return report(bad);
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "pattern-file"))
		return pattern_file_main(argv[2], atol(argv[3]), strtoull(argv[4], NULL, 0));
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "map-read"))
		return map_read_main(argv[2], strtoull(argv[3], NULL, 0), argc == 5);
	if (argc == 5 && !strcmp(argv[1], "map-write"))
		return map_write_main(argv[2], atol(argv[3]), strtoull(argv[4], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "map-shared"))
		return map_shared_main(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "swapon"))
		return swapon_main(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "fill"))
		return fill_main(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return hold_main(atol(argv[2]), 0);
	if (argc == 3 && !strcmp(argv[1], "hold-remap"))
		return hold_main(atol(argv[2]), 1);
	return test_harness_run(argc, argv);
}
