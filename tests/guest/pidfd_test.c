/*
 * Guest test: pidfd_open and pidfd_send_signal. A pidfd becomes readable (poll) when its
 * process exits, signals reach the process it names, and the errors are Linux's.
 * Runs natively (the oracle) and inside um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#define SYS_pidfd_send_signal 424
#endif

static int pidfd_open(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags)
{
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

TEST(poll_reports_the_exit)
{
	struct pollfd p;
	int fd, st;
	pid_t pid = fork();

	if (pid == 0) {
		usleep(200000);
		_exit(3);
	}
	fd = pidfd_open(pid, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	p.fd = fd;
	p.events = POLLIN;
	EXPECT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(1, poll(&p, 1, 5000));
	EXPECT_TRUE(p.revents & POLLIN);
	/* Still readable after the reap. */
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(3, WEXITSTATUS(st));
	EXPECT_EQ(1, poll(&p, 1, 0));
	close(fd);
}

TEST(send_signal_kills_the_named_process)
{
	int fd, st;
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	fd = pidfd_open(pid, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, pidfd_send_signal(fd, 0, NULL, 0));
	EXPECT_EQ(0, pidfd_send_signal(fd, SIGTERM, NULL, 0));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
	EXPECT_EQ(SIGTERM, WTERMSIG(st));
	/* The process is gone: ESRCH, even though its fd is still open. */
	errno = 0;
	EXPECT_EQ(-1, pidfd_send_signal(fd, SIGTERM, NULL, 0));
	EXPECT_EQ(ESRCH, errno);
	close(fd);
}

TEST(a_proc_pid_directory_is_a_pidfd_too)
{
	char path[32];
	int fd, st;
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d", pid);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, pidfd_send_signal(fd, SIGKILL, NULL, 0));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
	EXPECT_EQ(SIGKILL, WTERMSIG(st));
	errno = 0;
	EXPECT_EQ(-1, pidfd_send_signal(fd, SIGTERM, NULL, 0));
	EXPECT_EQ(ESRCH, errno);
	close(fd);
}

TEST(errors_match_linux)
{
	int fd = pidfd_open(getpid(), 0), pfd[2];

	ASSERT_GE(fd, 0);
	errno = 0;
	EXPECT_EQ(-1, pidfd_open(getpid(), 0x1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, pidfd_open(0, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, pidfd_open(4000000, 0));
	EXPECT_EQ(ESRCH, errno);
	errno = 0;
	EXPECT_EQ(-1, pidfd_send_signal(fd, SIGTERM, NULL, 0x100));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, pipe(pfd));
	errno = 0;
	EXPECT_EQ(-1, pidfd_send_signal(pfd[0], SIGTERM, NULL, 0));
	EXPECT_EQ(EBADF, errno);
	close(pfd[0]);
	close(pfd[1]);
	/* Reading a pidfd is not a thing. */
	{
		char c;

		errno = 0;
		EXPECT_EQ(-1, read(fd, &c, 1));
		EXPECT_EQ(EINVAL, errno);
	}
	close(fd);
}

TEST_HARNESS_MAIN
