/*
 * Guest test: splice, tee and vmsplice between pipes, files and sockets, and their errors.
 * Runs natively (the oracle) and inside um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kselftest_harness.h"

static int tmpfile_with(const char *data)
{
	char path[] = "/tmp/spliceXXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if (data && write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		return -1;
	return fd;
}

TEST(file_to_pipe_to_file)
{
	int in = tmpfile_with("0123456789"), out = tmpfile_with(NULL), p[2];
	char buf[32] = { 0 };
	loff_t off = 2;

	ASSERT_GE(in, 0);
	ASSERT_GE(out, 0);
	ASSERT_EQ(0, pipe(p));
	/* With an offset the file position stays where it was. */
	ASSERT_EQ(5, splice(in, &off, p[1], NULL, 5, 0));
	EXPECT_EQ(7, off);
	EXPECT_EQ(10, lseek(in, 0, SEEK_CUR));
	ASSERT_EQ(0, lseek(in, 0, SEEK_SET));
	/* Without one it moves. */
	ASSERT_EQ(3, splice(in, NULL, p[1], NULL, 3, 0));
	EXPECT_EQ(3, lseek(in, 0, SEEK_CUR));
	ASSERT_EQ(8, splice(p[0], NULL, out, NULL, 100, 0));
	ASSERT_EQ(8, pread(out, buf, sizeof(buf), 0));
	EXPECT_STREQ("23456012", buf);
	EXPECT_EQ(8, lseek(out, 0, SEEK_CUR));
	close(in);
	close(out);
	close(p[0]);
	close(p[1]);
}

TEST(pipe_to_socket_and_socket_to_pipe)
{
	int p[2], s[2];
	char buf[16] = { 0 };

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	ASSERT_EQ(5, write(p[1], "hello", 5));
	ASSERT_EQ(5, splice(p[0], NULL, s[0], NULL, 64, 0));
	ASSERT_EQ(5, read(s[1], buf, sizeof(buf)));
	EXPECT_STREQ("hello", buf);
	ASSERT_EQ(3, write(s[1], "abc", 3));
	ASSERT_EQ(3, splice(s[0], NULL, p[1], NULL, 64, 0));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(3, read(p[0], buf, sizeof(buf)));
	EXPECT_STREQ("abc", buf);
	close(p[0]);
	close(p[1]);
	close(s[0]);
	close(s[1]);
}

TEST(pipe_to_pipe_and_tee)
{
	int a[2], b[2];
	char buf[16] = { 0 };

	ASSERT_EQ(0, pipe(a));
	ASSERT_EQ(0, pipe(b));
	ASSERT_EQ(6, write(a[1], "teeing", 6));
	ASSERT_EQ(6, tee(a[0], b[1], 100, 0));
	ASSERT_EQ(6, read(b[0], buf, sizeof(buf)));
	EXPECT_STREQ("teeing", buf);
	/* tee left the data in a; splice takes it. */
	ASSERT_EQ(4, splice(a[0], NULL, b[1], NULL, 4, 0));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(4, read(b[0], buf, sizeof(buf)));
	EXPECT_STREQ("teei", buf);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(2, read(a[0], buf, sizeof(buf)));
	EXPECT_STREQ("ng", buf);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

TEST(nonblocking_and_end_of_file)
{
	int p[2], q[2], out = tmpfile_with(NULL);

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(q));
	errno = 0;
	EXPECT_EQ(-1, splice(p[0], NULL, out, NULL, 10, SPLICE_F_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);
	errno = 0;
	EXPECT_EQ(-1, tee(p[0], q[1], 10, SPLICE_F_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);
	close(p[1]);
	EXPECT_EQ(0, splice(p[0], NULL, out, NULL, 10, 0));
	EXPECT_EQ(0, splice(p[0], NULL, out, NULL, 0, 0));
	close(p[0]);
	close(q[0]);
	close(q[1]);
	close(out);
}

TEST(errors_match_linux)
{
	int f1 = tmpfile_with("abc"), f2 = tmpfile_with(NULL), p[2];
	loff_t off = 0;

	ASSERT_EQ(0, pipe(p));
	errno = 0;
	EXPECT_EQ(-1, splice(f1, NULL, f2, NULL, 3, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, splice(f1, NULL, p[1], &off, 3, 0));
	EXPECT_EQ(ESPIPE, errno);
	errno = 0;
	EXPECT_EQ(-1, splice(p[0], &off, f2, NULL, 3, 0));
	EXPECT_EQ(ESPIPE, errno);
	errno = 0;
	EXPECT_EQ(-1, splice(p[0], NULL, p[1], NULL, 3, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, splice(p[1], NULL, f2, NULL, 3, 0));
	EXPECT_EQ(EBADF, errno);
	errno = 0;
	EXPECT_EQ(-1, splice(99, NULL, p[1], NULL, 3, 0));
	EXPECT_EQ(EBADF, errno);
	errno = 0;
	EXPECT_EQ(-1, tee(f1, p[1], 3, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, splice(f1, NULL, p[1], NULL, 3, 0x100));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, fcntl(f2, F_SETFL, O_APPEND));
	ASSERT_EQ(1, write(p[1], "x", 1));
	errno = 0;
	EXPECT_EQ(-1, splice(p[0], NULL, f2, NULL, 1, 0));
	EXPECT_EQ(EINVAL, errno);
	close(f1);
	close(f2);
	close(p[0]);
	close(p[1]);
}

TEST(vmsplice_writes_and_reads_guest_memory)
{
	int p[2];
	char a[] = "vm", b[] = "splice", buf[16] = { 0 };
	struct iovec iov[2] = { { a, 2 }, { b, 6 } }, rv = { buf, sizeof(buf) };

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(8, vmsplice(p[1], iov, 2, 0));
	ASSERT_EQ(8, vmsplice(p[0], &rv, 1, 0));
	EXPECT_STREQ("vmsplice", buf);
	errno = 0;
	EXPECT_EQ(-1, vmsplice(p[0], &rv, 1, SPLICE_F_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);
	close(p[0]);
	close(p[1]);
}

TEST(large_file_through_a_pipe)
{
	int in = tmpfile_with(NULL), out = tmpfile_with(NULL), p[2];
	static char data[300000], back[300000];
	size_t moved = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + i / 1000);
	ASSERT_EQ((ssize_t)sizeof(data), write(in, data, sizeof(data)));
	ASSERT_EQ(0, lseek(in, 0, SEEK_SET));
	ASSERT_EQ(0, pipe(p));
	while (moved < sizeof(data)) {
		ssize_t n = splice(in, NULL, p[1], NULL, sizeof(data) - moved, 0);

		ASSERT_GT(n, 0);
		ASSERT_EQ(n, splice(p[0], NULL, out, NULL, n, 0));
		moved += n;
	}
	ASSERT_EQ((ssize_t)sizeof(back), pread(out, back, sizeof(back), 0));
	EXPECT_EQ(0, memcmp(data, back, sizeof(data)));
	close(in);
	close(out);
	close(p[0]);
	close(p[1]);
}

TEST_HARNESS_MAIN
