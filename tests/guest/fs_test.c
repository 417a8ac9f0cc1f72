/*
 * Guest test: files and directories on tmpfs. open flags, read/write/lseek, directory
 * operations, links, renames, permissions, descriptors, pipes. Runs natively (the oracle)
 * and inside um-lite; works in a fresh directory under /tmp.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

FIXTURE(dir) {
	char path[64];
};

FIXTURE_SETUP(dir)
{
	snprintf(self->path, sizeof(self->path), "/tmp/fs_test.%d", getpid());
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

TEST_F(dir, write_read_and_seek_a_file)
{
	char buf[16] = { 0 };
	int fd = open("f", O_CREAT | O_RDWR | O_EXCL, 0644);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(11, write(fd, "hello world", 11));
	EXPECT_EQ(6, lseek(fd, 6, SEEK_SET));
	EXPECT_EQ(5, read(fd, buf, sizeof(buf)));
	EXPECT_STREQ("world", buf);
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(11, lseek(fd, 0, SEEK_END));
	EXPECT_EQ(-1, lseek(fd, -100, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(5, pread(fd, buf, 5, 0));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	close(fd);
	EXPECT_EQ(-1, open("f", O_CREAT | O_EXCL | O_RDWR, 0644));
	EXPECT_EQ(EEXIST, errno);
}

TEST_F(dir, holes_read_as_zeros_and_truncate_shrinks)
{
	struct stat st;
	char buf[8];
	int fd = open("sparse", O_CREAT | O_RDWR, 0644);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(1, pwrite(fd, "x", 1, 1 << 20));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ((1 << 20) + 1, st.st_size);
	ASSERT_EQ(8, pread(fd, buf, 8, 4096));
	for (int i = 0; i < 8; i++)
		EXPECT_EQ(0, buf[i]);
	ASSERT_EQ(0, ftruncate(fd, 10));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(10, st.st_size);
	EXPECT_EQ(0, pread(fd, buf, 8, 4096));
	close(fd);
}

TEST_F(dir, append_mode_always_writes_at_the_end)
{
	char buf[16] = { 0 };
	int fd = open("a", O_CREAT | O_WRONLY | O_APPEND, 0644), rfd;

	ASSERT_GE(fd, 0);
	write(fd, "ab", 2);
	lseek(fd, 0, SEEK_SET);
	write(fd, "cd", 2);
	close(fd);
	rfd = open("a", O_RDONLY);
	EXPECT_EQ(4, read(rfd, buf, sizeof(buf)));
	EXPECT_STREQ("abcd", buf);
	close(rfd);
}

TEST_F(dir, directories_list_create_and_remove)
{
	DIR *d;
	struct dirent *e;
	int seen = 0;

	ASSERT_EQ(0, mkdir("sub", 0755));
	ASSERT_EQ(0, close(open("sub/x", O_CREAT | O_WRONLY, 0644)));
	EXPECT_EQ(-1, rmdir("sub"));
	EXPECT_EQ(ENOTEMPTY, errno);
	EXPECT_EQ(-1, mkdir("sub", 0755));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, unlink("sub"));
	EXPECT_EQ(EISDIR, errno);
	d = opendir("sub");
	ASSERT_NE(NULL, d);
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			seen |= 1;
		else if (!strcmp(e->d_name, "x") && e->d_type == DT_REG)
			seen |= 2;
		else
			seen |= 4;
	}
	closedir(d);
	EXPECT_EQ(3, seen);
	EXPECT_EQ(0, unlink("sub/x"));
	EXPECT_EQ(0, rmdir("sub"));
	EXPECT_EQ(-1, access("sub", F_OK));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(dir, hard_links_share_the_inode_and_count)
{
	struct stat a, b;

	ASSERT_EQ(0, close(open("orig", O_CREAT | O_WRONLY, 0644)));
	ASSERT_EQ(0, link("orig", "copy"));
	ASSERT_EQ(0, stat("orig", &a));
	ASSERT_EQ(0, stat("copy", &b));
	EXPECT_EQ(a.st_ino, b.st_ino);
	EXPECT_EQ(2, a.st_nlink);
	ASSERT_EQ(0, unlink("orig"));
	ASSERT_EQ(0, stat("copy", &b));
	EXPECT_EQ(1, b.st_nlink);
}

TEST_F(dir, symlinks_resolve_and_readlink_returns_the_target)
{
	char buf[64] = { 0 };
	struct stat st;

	ASSERT_EQ(0, close(open("target", O_CREAT | O_WRONLY, 0600)));
	ASSERT_EQ(0, symlink("target", "ln"));
	EXPECT_EQ(6, readlink("ln", buf, sizeof(buf)));
	EXPECT_STREQ("target", buf);
	ASSERT_EQ(0, lstat("ln", &st));
	EXPECT_TRUE(S_ISLNK(st.st_mode));
	ASSERT_EQ(0, stat("ln", &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	ASSERT_EQ(0, symlink("loop2", "loop1"));
	ASSERT_EQ(0, symlink("loop1", "loop2"));
	EXPECT_EQ(-1, open("loop1", O_RDONLY));
	EXPECT_EQ(ELOOP, errno);
	EXPECT_EQ(-1, readlink("target", buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dir, rename_replaces_and_moves)
{
	char buf[8] = { 0 };
	int fd;

	fd = open("one", O_CREAT | O_WRONLY, 0644);
	write(fd, "1", 1);
	close(fd);
	fd = open("two", O_CREAT | O_WRONLY, 0644);
	write(fd, "2", 1);
	close(fd);
	ASSERT_EQ(0, rename("one", "two"));
	fd = open("two", O_RDONLY);
	read(fd, buf, 1);
	close(fd);
	EXPECT_STREQ("1", buf);
	EXPECT_EQ(-1, access("one", F_OK));
	ASSERT_EQ(0, mkdir("d", 0755));
	ASSERT_EQ(0, rename("two", "d/three"));
	EXPECT_EQ(0, access("d/three", F_OK));
	EXPECT_EQ(-1, rename("d", "d/inside"));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dir, paths_resolve_dot_dot_and_getcwd)
{
	char cwd[256];

	ASSERT_EQ(0, mkdir("a", 0755));
	ASSERT_EQ(0, mkdir("a/b", 0755));
	ASSERT_EQ(0, chdir("a/b/../b/."));
	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	EXPECT_STREQ(self->path, strndup(cwd, strlen(self->path)));
	EXPECT_STREQ("/a/b", cwd + strlen(self->path));
	EXPECT_EQ(0, chdir("/../../"));
	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	EXPECT_STREQ("/", cwd);
	EXPECT_EQ(NULL, getcwd(cwd, 1));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(-1, chdir("/etc/passwd"));
	EXPECT_EQ(ENOTDIR, errno);
}

TEST_F(dir, umask_and_chmod_set_permissions)
{
	struct stat st;
	mode_t old = umask(027);

	ASSERT_EQ(0, close(open("m", O_CREAT | O_WRONLY, 0777)));
	ASSERT_EQ(0, stat("m", &st));
	EXPECT_EQ(0750, st.st_mode & 07777);
	ASSERT_EQ(0, chmod("m", 04711));
	ASSERT_EQ(0, stat("m", &st));
	EXPECT_EQ(04711, st.st_mode & 07777);
	umask(old);
}

TEST_F(dir, utimensat_sets_times)
{
	struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 7 } };
	struct stat st;

	ASSERT_EQ(0, close(open("t", O_CREAT | O_WRONLY, 0644)));
	ASSERT_EQ(0, utimensat(AT_FDCWD, "t", ts, 0));
	ASSERT_EQ(0, stat("t", &st));
	EXPECT_EQ(1000000000, st.st_atim.tv_sec);
	EXPECT_EQ(1200000000, st.st_mtim.tv_sec);
	EXPECT_EQ(7, st.st_mtim.tv_nsec);
}

TEST_F(dir, dup_and_cloexec_flags)
{
	int fd = open("dupf", O_CREAT | O_RDWR | O_CLOEXEC, 0644), d;

	ASSERT_GE(fd, 0);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	d = dup(fd);
	EXPECT_EQ(0, fcntl(d, F_GETFD));
	EXPECT_EQ(100, dup2(fd, 100));
	EXPECT_EQ(101, fcntl(fd, F_DUPFD_CLOEXEC, 101));
	EXPECT_EQ(FD_CLOEXEC, fcntl(101, F_GETFD));
	EXPECT_EQ(3, write(d, "abc", 3));
	EXPECT_EQ(3, lseek(100, 0, SEEK_CUR)); /* one open file description */
	EXPECT_EQ(-1, dup2(fd, -1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, close(555));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
	close(fd);
	close(d);
	close(100);
	close(101);
}

TEST(pipes_carry_data_and_report_eof)
{
	int p[2];
	char buf[8] = { 0 };

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(3, write(p[1], "abc", 3));
	EXPECT_EQ(3, read(p[0], buf, sizeof(buf)));
	close(p[1]);
	EXPECT_EQ(0, read(p[0], buf, sizeof(buf)));
	close(p[0]);
}

TEST(writing_to_a_pipe_without_readers_is_epipe_and_sigpipe)
{
	int p[2];

	ASSERT_EQ(0, pipe(p));
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	EXPECT_EQ(-1, write(p[1], "x", 1));
	EXPECT_EQ(EPIPE, errno);
	signal(SIGPIPE, SIG_DFL);
	if (fork() == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	{
		int st;

		wait(&st);
		EXPECT_TRUE(WIFSIGNALED(st));
		EXPECT_EQ(SIGPIPE, WTERMSIG(st));
	}
}

TEST(pipe_transfers_a_megabyte_between_processes)
{
	int p[2], st;
	long total = 0;
	ssize_t n;
	char buf[4096];

	ASSERT_EQ(0, pipe(p));
	if (fork() == 0) {
		close(p[0]);
		memset(buf, 'z', sizeof(buf));
		for (int i = 0; i < 256; i++)
			if (write(p[1], buf, sizeof(buf)) != sizeof(buf))
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != 'z')
				total = -1000000000;
		total += n;
	}
	EXPECT_EQ(256 * 4096, total);
	wait(&st);
	EXPECT_EQ(0, st);
}

TEST(readv_and_writev_gather_and_scatter)
{
	int p[2];
	char a[3], b[4];
	struct iovec w[2] = { { "abc", 3 }, { "defg", 4 } }, r[2] = { { a, 3 }, { b, 4 } };

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(7, writev(p[1], w, 2));
	EXPECT_EQ(7, readv(p[0], r, 2));
	EXPECT_EQ(0, memcmp(a, "abc", 3));
	EXPECT_EQ(0, memcmp(b, "defg", 4));
}

TEST(dev_null_zero_and_full_behave)
{
	char buf[4] = { 1, 1, 1, 1 };
	int fd = open("/dev/zero", O_RDONLY);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(4, read(fd, buf, 4));
	EXPECT_EQ(0, buf[0] | buf[3]);
	close(fd);
	fd = open("/dev/null", O_RDWR);
	EXPECT_EQ(4, write(fd, buf, 4));
	EXPECT_EQ(0, read(fd, buf, 4));
	close(fd);
	fd = open("/dev/full", O_WRONLY);
	EXPECT_EQ(-1, write(fd, buf, 4));
	EXPECT_EQ(ENOSPC, errno);
	close(fd);
}

TEST(a_pipe_reopened_through_proc_does_not_wait_for_its_gone_writer)
{
	char path[64], buf[8];
	int p[2], fd;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(2, write(p[1], "hi", 2));
	close(p[1]); /* like `echo hi | cat /dev/stdin` when echo is done first */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(2, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	close(fd);
	close(p[0]);
}

TEST_HARNESS_MAIN
