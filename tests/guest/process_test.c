/*
 * Guest test: processes. fork, exit statuses, wait4/waitid, execve (ELF, #! scripts,
 * errors), argument and environment passing, process groups and sessions.
 * Runs natively (the oracle) and inside um-lite; needs /bin/sh and /bin/true (busybox).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

static int run_sh(const char *script)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

TEST(fork_returns_zero_in_the_child_and_the_pid_in_the_parent)
{
	int fds[2], st;
	pid_t pid, seen = 0;

	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pid_t me = getpid();

		write(fds[1], &me, sizeof(me));
		_exit(getppid() > 0 ? 0 : 1);
	}
	close(fds[1]);
	ASSERT_EQ(sizeof(seen), read(fds[0], &seen, sizeof(seen)));
	EXPECT_EQ(pid, seen);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST(exit_status_and_killing_signal_reach_the_parent)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(42);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(42, WEXITSTATUS(st));

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, kill(pid, SIGTERM));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFSIGNALED(st));
	EXPECT_EQ(SIGTERM, WTERMSIG(st));
}

TEST(wnohang_sees_a_running_child_and_echild_without_children)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	EXPECT_EQ(0, waitpid(pid, &st, WNOHANG));
	kill(pid, SIGKILL);
	EXPECT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(-1, waitpid(-1, &st, 0));
	EXPECT_EQ(ECHILD, errno);
}

TEST(waitid_reports_the_exit_in_siginfo)
{
	siginfo_t si;
	pid_t pid = fork();

	if (pid == 0)
		_exit(3);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED));
	EXPECT_EQ(SIGCHLD, si.si_signo);
	EXPECT_EQ(CLD_EXITED, si.si_code);
	EXPECT_EQ(pid, si.si_pid);
	EXPECT_EQ(3, si.si_status);
}

TEST(stopped_and_continued_children_are_reported)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	kill(pid, SIGSTOP);
	ASSERT_EQ(pid, waitpid(pid, &st, WUNTRACED));
	EXPECT_TRUE(WIFSTOPPED(st));
	EXPECT_EQ(SIGSTOP, WSTOPSIG(st));
	kill(pid, SIGCONT);
	ASSERT_EQ(pid, waitpid(pid, &st, WCONTINUED));
	EXPECT_TRUE(WIFCONTINUED(st));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
}

TEST(exec_passes_arguments_and_environment)
{
	EXPECT_EQ(0, run_sh("[ \"$0\" = sh ] && [ \"$(/bin/sh -c 'echo $1,$2' x a 'b c')\" = 'a,b c' ]"));
	EXPECT_EQ(0, run_sh("[ \"$(FOO=bar /bin/sh -c 'echo $FOO')\" = bar ]"));
	EXPECT_EQ(7 << 8, run_sh("exit 7"));
}

TEST(exec_errors_are_errno_values)
{
	char *argv[] = { "x", NULL };
	int fd;

	EXPECT_EQ(-1, execve("/nonexistent/prog", argv, NULL));
	EXPECT_EQ(ENOENT, errno);
	fd = open("/tmp/ptest_noexec", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);
	write(fd, "hello\n", 6);
	close(fd);
	EXPECT_EQ(-1, execve("/tmp/ptest_noexec", argv, NULL));
	EXPECT_EQ(EACCES, errno);
	chmod("/tmp/ptest_noexec", 0755);
	EXPECT_EQ(-1, execve("/tmp/ptest_noexec", argv, NULL));
	EXPECT_EQ(ENOEXEC, errno);
	EXPECT_EQ(-1, execve("/tmp", argv, NULL));
	EXPECT_EQ(EACCES, errno);
	unlink("/tmp/ptest_noexec");
}

TEST(shebang_scripts_run_with_their_interpreter)
{
	int fd = open("/tmp/ptest_script", O_CREAT | O_WRONLY | O_TRUNC, 0755);
	char out[64];

	ASSERT_GE(fd, 0);
	dprintf(fd, "#!/bin/sh -e\necho \"$0:$1\" > /tmp/ptest_out\nexit 5\n");
	close(fd);
	EXPECT_EQ(5 << 8, run_sh("/tmp/ptest_script arg1"));
	fd = open("/tmp/ptest_out", O_RDONLY);
	ASSERT_GE(fd, 0);
	memset(out, 0, sizeof(out));
	read(fd, out, sizeof(out) - 1);
	EXPECT_STREQ("/tmp/ptest_script:arg1\n", out);
	close(fd);
	unlink("/tmp/ptest_script");
	unlink("/tmp/ptest_out");
}

TEST(orphans_are_reaped_and_grandchildren_outlive_parents)
{
	int fds[2], st;
	char c = 0;
	pid_t pid;

	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			usleep(20000);
			write(fds[1], "g", 1);
			_exit(0);
		}
		_exit(0);
	}
	close(fds[1]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(1, read(fds[0], &c, 1));
	EXPECT_EQ('g', c);
}

TEST(setsid_and_setpgid_make_new_groups)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		pid_t s = setsid();

		_exit(s == getpid() && getpgrp() == getpid() && getsid(0) == getpid() ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	EXPECT_EQ(0, setpgid(pid, pid));
	EXPECT_EQ(pid, getpgid(pid));
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

TEST(many_children_run_and_are_all_reaped)
{
	int n = 0, st;

	for (int i = 0; i < 30; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(i);
		ASSERT_GT(pid, 0);
	}
	while (wait(&st) > 0) {
		n++;
		EXPECT_TRUE(WIFEXITED(st));
	}
	EXPECT_EQ(30, n);
}

TEST(vfork_child_can_exec)
{
	int st;
	pid_t pid = vfork();

	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exit 9", (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(9, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
