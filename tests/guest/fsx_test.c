/*
 * Guest test: file data and directories under load, the way fsx does it. Random writes,
 * reads, truncates, holes and shared-mapping writes checked against a model kept in
 * memory; thousands of files in one directory, read while being deleted; a file larger
 * than 4 GiB; renames of directories; the sync calls. Runs natively (the oracle) and
 * inside um-lite, on whatever filesystem holds /tmp (tmpfs, or ext4 on a disk root).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define MAX_SIZE (1 << 21)
#define NFILES 3000

FIXTURE(dir) {
	char path[64];
};

FIXTURE_SETUP(dir)
{
	snprintf(self->path, sizeof(self->path), "/tmp/fsx_test.%d", getpid());
	ASSERT_EQ(0, mkdir(self->path, 0755));
	ASSERT_EQ(0, chdir(self->path));
}

FIXTURE_TEARDOWN(dir)
{
	char cmd[128];

	chdir("/");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->path);
	system(cmd);
}

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned long long next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A random offset, biased towards page boundaries and the current end of file. */
static size_t pick_off(size_t size)
{
	switch (next_rand() % 4) {
	case 0:
		return (next_rand() % (MAX_SIZE / 4096)) * 4096;
	case 1:
		return size ? size - next_rand() % (size < 100 ? size : 100) : 0;
	default:
		return next_rand() % MAX_SIZE;
	}
}

/* Compare [off, off+len) of the file with the model; the first differing offset or -1. */
static long check_range(int fd, const unsigned char *model, size_t off, size_t len)
{
	static unsigned char buf[MAX_SIZE];
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n != (ssize_t)len)
		return (long)off;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != model[off + i])
			return (long)(off + i);
	}
	return -1;
}

/* One random operation on fd and the model; returns the new size. */
static size_t random_op(struct __test_metadata *_metadata, int fd, unsigned char *model,
			size_t size)
{
	size_t off = pick_off(size), len = 1 + next_rand() % 65536;
	unsigned op = next_rand() % 10;

	if (off + len > MAX_SIZE)
		len = MAX_SIZE - off;
	if (op < 4 && len) { /* write */
		for (size_t i = 0; i < len; i++)
			model[off + i] = (unsigned char)next_rand();
		EXPECT_EQ((ssize_t)len, pwrite(fd, model + off, len, (off_t)off));
		return off + len > size ? off + len : size;
	}
	if (op < 6) { /* truncate: the tail goes, a later grow reads zeros */
		if (off < size)
			memset(model + off, 0, size - off);
		EXPECT_EQ(0, ftruncate(fd, (off_t)off));
		return off;
	}
	if (op < 8 && size >= 4096) { /* write through a shared mapping */
		size_t pages = size / 4096, pg = next_rand() % pages, at = next_rand() % 4096;
		unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
					(off_t)(pg * 4096));

		EXPECT_NE(MAP_FAILED, p);
		if (p != MAP_FAILED) {
			EXPECT_EQ(model[pg * 4096 + at], p[at]);
			p[at] = model[pg * 4096 + at] = (unsigned char)next_rand();
			munmap(p, 4096);
		}
		return size;
	}
	if (op == 8)
		EXPECT_EQ(0, fsync(fd));
	if (off < size)
		EXPECT_EQ(-1, check_range(fd, model, off, size - off < len ? size - off : len));
	return size;
}

TEST_F(dir, random_operations_keep_a_file_equal_to_its_model)
{
	unsigned char *model = calloc(1, MAX_SIZE);
	size_t size = 0;
	struct stat st;
	int fd = open("f", O_CREAT | O_RDWR, 0644);

	ASSERT_GE(fd, 0);
	ASSERT_NE(NULL, model);
	for (int i = 0; i < 1500; i++) {
		size = random_op(_metadata, fd, model, size);
		if (i % 250 == 249) { /* the data must survive closing and reopening */
			close(fd);
			fd = open("f", O_RDWR);
			ASSERT_GE(fd, 0);
		}
		ASSERT_EQ(0, fstat(fd, &st));
		ASSERT_EQ((off_t)size, st.st_size);
	}
	EXPECT_EQ(-1, check_range(fd, model, 0, size));
	close(fd);
	free(model);
}

TEST_F(dir, thousands_of_files_in_one_directory)
{
	char name[300];
	struct dirent *de;
	int seen = 0, odd = 0, fd;
	DIR *d;

	ASSERT_EQ(0, mkdir("many", 0755));
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "many/file%05d", i);
		fd = open(name, O_CREAT | O_WRONLY | O_EXCL, 0644);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(5, write(fd, name + 9, 5));
		close(fd);
	}
	/* Read the directory while deleting the even files: every name shows once at most. */
	d = opendir("many");
	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		int n;

		if (de->d_name[0] == '.')
			continue;
		ASSERT_EQ(1, sscanf(de->d_name, "file%d", &n));
		seen++;
		if (n % 2 == 0) {
			snprintf(name, sizeof(name), "many/%s", de->d_name);
			ASSERT_EQ(0, unlink(name));
		}
	}
	closedir(d);
	EXPECT_LE(NFILES / 2, seen);
	EXPECT_GE(NFILES, seen);
	EXPECT_EQ(-1, rmdir("many"));
	EXPECT_EQ(ENOTEMPTY, errno);
	d = opendir("many");
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		odd += de->d_name[0] != '.';
	closedir(d);
	EXPECT_EQ(NFILES / 2, odd);
	for (int i = 1; i < NFILES; i += 2) {
		snprintf(name, sizeof(name), "many/file%05d", i);
		ASSERT_EQ(0, unlink(name));
	}
	EXPECT_EQ(0, rmdir("many"));
}

TEST_F(dir, a_sparse_file_larger_than_4_gib)
{
	off_t big = 5LL << 30;
	char buf[8] = { 0 };
	struct stat st;
	int fd = open("big", O_CREAT | O_RDWR, 0644);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(3, pwrite(fd, "end", 3, big));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(big + 3, st.st_size);
	EXPECT_GT(1 << 20, (long)st.st_blocks * 512);
	EXPECT_EQ(3, pread(fd, buf, 3, big));
	EXPECT_STREQ("end", buf);
	EXPECT_EQ(4, pread(fd, buf, 4, big / 2));
	EXPECT_EQ(0, memcmp(buf, "\0\0\0\0", 4));
	close(fd);
	fd = open("big", O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(3, pread(fd, buf, 3, big));
	EXPECT_STREQ("end", buf);
	close(fd);
	EXPECT_EQ(0, truncate("big", 1));
	ASSERT_EQ(0, stat("big", &st));
	EXPECT_EQ(1, st.st_size);
}

TEST_F(dir, renamed_directories_move_their_parent_links)
{
	struct stat a, b, d, dd;

	ASSERT_EQ(0, mkdir("a", 0755));
	ASSERT_EQ(0, mkdir("b", 0755));
	ASSERT_EQ(0, mkdir("a/d", 0755));
	ASSERT_EQ(0, stat("a", &a));
	EXPECT_EQ(3, (int)a.st_nlink);
	ASSERT_EQ(0, rename("a/d", "b/d"));
	ASSERT_EQ(0, stat("a", &a));
	ASSERT_EQ(0, stat("b", &b));
	ASSERT_EQ(0, stat("b/d", &d));
	ASSERT_EQ(0, stat("b/d/..", &dd));
	EXPECT_EQ(2, (int)a.st_nlink);
	EXPECT_EQ(3, (int)b.st_nlink);
	EXPECT_EQ(b.st_ino, dd.st_ino);
	/* Replacing an empty directory by a directory; a non-empty one refuses. */
	ASSERT_EQ(0, mkdir("a/e", 0755));
	ASSERT_EQ(0, rename("b/d", "a/e"));
	ASSERT_EQ(0, stat("a/e", &dd));
	EXPECT_EQ(d.st_ino, dd.st_ino);
	ASSERT_EQ(0, mkdir("b/f", 0755));
	ASSERT_EQ(0, mkdir("b/f/g", 0755));
	EXPECT_EQ(-1, rename("a/e", "b/f"));
	EXPECT_EQ(ENOTEMPTY, errno);
}

TEST_F(dir, fallocate_allocates_punches_and_zeroes)
{
	char buf[8192];
	struct stat st;
	int fd = open("fa", O_CREAT | O_RDWR, 0644);

	ASSERT_GE(fd, 0);
	memset(buf, 'q', sizeof(buf));
	ASSERT_EQ(8192, pwrite(fd, buf, 8192, 0));
	if (fallocate(fd, 0, 0, 1 << 20) < 0 && errno == EOPNOTSUPP) {
		close(fd);
		SKIP(return, "fallocate is not supported by the filesystem of /tmp");
	}
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(1 << 20, st.st_size);
	EXPECT_LE(1 << 20, (long)st.st_blocks * 512);
	EXPECT_EQ(4, pread(fd, buf, 4, 500000));
	EXPECT_EQ(0, memcmp(buf, "\0\0\0\0", 4));
	EXPECT_EQ(1, pread(fd, buf, 1, 8191));
	EXPECT_EQ('q', buf[0]);
	/* A hole punched from 100 to 6000 reads as zeros, the rest is kept. */
	ASSERT_EQ(0, fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 5900));
	ASSERT_EQ(8192, pread(fd, buf, 8192, 0));
	EXPECT_EQ('q', buf[99]);
	EXPECT_EQ(0, buf[100]);
	EXPECT_EQ(0, buf[5999]);
	EXPECT_EQ('q', buf[6000]);
	ASSERT_EQ(0, fallocate(fd, FALLOC_FL_KEEP_SIZE, 1 << 20, 1 << 20));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(1 << 20, st.st_size);
	EXPECT_EQ(-1, fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, fallocate(fd, 0, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST_F(dir, sync_calls_succeed_and_statfs_counts_blocks)
{
	struct statfs sf;
	int fd = open("s", O_CREAT | O_RDWR, 0644);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(5, write(fd, "hello", 5));
	EXPECT_EQ(0, fsync(fd));
	EXPECT_EQ(0, fdatasync(fd));
	EXPECT_EQ(0, syncfs(fd));
	sync();
	ASSERT_EQ(0, fstatfs(fd, &sf));
	EXPECT_LT(0, (long)sf.f_bsize);
	EXPECT_LE(sf.f_bavail, sf.f_bfree);
	EXPECT_LE(sf.f_bfree, sf.f_blocks);
	close(fd);
}

TEST_HARNESS_MAIN
