/*
 * A program with a fixed sequence of system calls, traced natively by strace(1) and in an
 * instance by strace=: the two traces must read the same (tests/bats/strace.bats).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void on_usr1(int sig)
{
	(void)sig;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec ts = { 0, 1000 };
	struct stat st;
	char buf[64];
	int fd, p[2], status;
	pid_t pid;

	/* The same descriptors and mode bits whatever the caller left open or set. */
	syscall(SYS_close_range, 3U, ~0U, 0U);
	umask(022);
	open("/nonexistent/file", O_RDONLY);
	fd = open("/tmp/trace-demo", O_WRONLY | O_CREAT | O_TRUNC, 0640);
	write(fd, "hello\tworld\n", 12);
	close(fd);
	fd = open("/tmp/trace-demo", O_RDONLY | O_CLOEXEC);
	read(fd, buf, sizeof(buf));
	fstat(fd, &st);
	lseek(fd, 2, SEEK_SET);
	close(fd);
	stat("/tmp/trace-demo", &st);
	unlink("/tmp/trace-demo");
	pipe2(p, O_CLOEXEC);
	write(p[1], "0123456789abcdefghijklmnopqrstuvwxyz", 36);
	read(p[0], buf, sizeof(buf));
	mkdir("/tmp/trace-dir", 0755);
	rmdir("/tmp/trace-dir");
	access("/tmp", R_OK | W_OK);
	nanosleep(&ts, NULL);
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	dup2(1, 10);
	close(10);
	pid = fork();
	if (pid == 0)
		syscall(SYS_exit, 3); /* exit, not exit_group: not traced, so no race in the order */
	waitpid(pid, &status, 0);
	return WEXITSTATUS(status) == 3 ? 0 : 1;
}
