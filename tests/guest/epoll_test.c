/*
 * Guest test: epoll. Argument checks and errors, level- and edge-triggered readiness on
 * pipes and sockets, EPOLLONESHOT, EPOLLRDHUP and EPOLLHUP, nested instances and loops,
 * an epoll fd in poll(), registrations living as long as the open file (not the fd),
 * sharing across fork, blocking waits woken by other threads, timeouts, EINTR and the
 * sigmask of epoll_pwait, and the /proc names. Runs natively (the oracle) and in um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* epoll_wait with timeout 0: the number of events, first one in *ev. */
static int poll_now(int ep, struct epoll_event *ev)
{
	struct epoll_event evs[8];
	int n = epoll_wait(ep, evs, 8, 0);

	if (n > 0 && ev)
		*ev = evs[0];
	return n;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

TEST(create_checks_its_arguments)
{
	int ep;

	EXPECT_EQ(-1, epoll_create(0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, epoll_create1(0x1234));
	EXPECT_EQ(EINVAL, errno);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	EXPECT_EQ(FD_CLOEXEC, fcntl(ep, F_GETFD));
	close(ep);
	ep = epoll_create(1);
	ASSERT_LE(0, ep);
	EXPECT_EQ(0, fcntl(ep, F_GETFD));
	close(ep);
}

TEST(ctl_errors_are_linux_errors)
{
	int ep = epoll_create1(0), p[2], reg;
	struct epoll_event ev = { .events = EPOLLIN };
	char path[64];

	ASSERT_EQ(0, pipe(p));
	snprintf(path, sizeof(path), "/tmp/epoll_test.%d", getpid());
	reg = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, reg);
	unlink(path);
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, epoll_ctl(999, EPOLL_CTL_ADD, p[0], &ev));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, epoll_ctl(ep, 77, p[0], &ev));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_MOD, p[0], (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	EXPECT_EQ(ENOENT, errno);
	close(reg);
	close(p[0]);
	close(p[1]);
	close(ep);
}

/* epoll_wait without glibc's argument annotations (bad pointers, bad sizes on purpose). */
static long raw_wait(int ep, void *evs, int max, int timeout)
{
	return syscall(SYS_epoll_wait, ep, evs, max, timeout);
}

TEST(wait_checks_its_arguments)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev[2];

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-1, raw_wait(ep, ev, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, raw_wait(ep, ev, -1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, epoll_wait(p[0], ev, 2, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, epoll_wait(999, ev, 2, 0));
	EXPECT_EQ(EBADF, errno);
	ASSERT_EQ(0, add(ep, p[1], EPOLLOUT, 1));
	EXPECT_EQ(-1, raw_wait(ep, (void *)8, 2, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, epoll_wait(ep, ev, 2, 0)); /* the event was not lost */
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(level_triggered_reports_until_drained)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;
	char c[4];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, add(ep, p[0], EPOLLIN, 42));
	EXPECT_EQ(0, poll_now(ep, NULL));
	ASSERT_EQ(2, write(p[1], "ab", 2));
	ASSERT_EQ(1, poll_now(ep, &ev));
	EXPECT_EQ(EPOLLIN, ev.events);
	EXPECT_EQ(42, ev.data.u64);
	EXPECT_EQ(1, poll_now(ep, &ev));
	ASSERT_EQ(1, read(p[0], c, 1));
	EXPECT_EQ(1, poll_now(ep, &ev));
	ASSERT_EQ(1, read(p[0], c, 1));
	EXPECT_EQ(0, poll_now(ep, NULL));
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(edge_triggered_pipe_reports_each_new_write_once)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, add(ep, p[0], EPOLLIN | EPOLLET, 7));
	ASSERT_EQ(1, write(p[1], "a", 1));
	ASSERT_EQ(1, poll_now(ep, &ev));
	EXPECT_EQ(EPOLLIN, ev.events);
	EXPECT_EQ(0, poll_now(ep, NULL)); /* still readable, but no new edge */
	ASSERT_EQ(1, write(p[1], "b", 1));
	EXPECT_EQ(1, poll_now(ep, &ev));
	EXPECT_EQ(0, poll_now(ep, NULL));
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(edge_triggered_socket_in_and_out)
{
	int ep = epoll_create1(0), sv[2];
	struct epoll_event ev;
	char buf[8];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, add(ep, sv[0], EPOLLIN | EPOLLOUT | EPOLLET, 1));
	ASSERT_EQ(1, poll_now(ep, &ev)); /* writable at once */
	EXPECT_EQ(EPOLLOUT, ev.events);
	EXPECT_EQ(0, poll_now(ep, NULL));
	ASSERT_EQ(3, write(sv[1], "xyz", 3));
	ASSERT_EQ(1, poll_now(ep, &ev));
	EXPECT_EQ(EPOLLIN | EPOLLOUT, ev.events);
	EXPECT_EQ(0, poll_now(ep, NULL));
	EXPECT_EQ(3, read(sv[0], buf, sizeof(buf)));
	EXPECT_EQ(0, poll_now(ep, NULL));
	close(sv[0]);
	close(sv[1]);
	close(ep);
}

static void *tcp_client(void *arg)
{
	struct sockaddr_in *sa = arg;
	int c = socket(AF_INET, SOCK_STREAM, 0);

	sleep_ms(30);
	if (connect(c, (struct sockaddr *)sa, sizeof(*sa)))
		abort();
	sleep_ms(30);
	if (write(c, "hello", 5) != 5)
		abort();
	sleep_ms(30);
	close(c);
	return NULL;
}

TEST(edge_triggered_tcp_accept_data_and_close)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t len = sizeof(sa);
	int ep = epoll_create1(0), l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), c;
	struct epoll_event ev;
	char buf[16];
	pthread_t th;

	ASSERT_LE(0, l);
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(l, 4));
	ASSERT_EQ(0, getsockname(l, (struct sockaddr *)&sa, &len));
	ASSERT_EQ(0, add(ep, l, EPOLLIN | EPOLLET, 1));
	ASSERT_EQ(0, pthread_create(&th, NULL, tcp_client, &sa));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 5000));
	EXPECT_EQ(1, ev.data.u64);
	c = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, add(ep, c, EPOLLIN | EPOLLRDHUP | EPOLLET, 2));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 5000));
	EXPECT_EQ(2, ev.data.u64);
	EXPECT_EQ(EPOLLIN, ev.events);
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0)); /* no new edge while unread */
	EXPECT_EQ(5, read(c, buf, sizeof(buf)));
	EXPECT_EQ(-1, read(c, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 5000)); /* the peer closes */
	EXPECT_EQ(EPOLLIN | EPOLLRDHUP, ev.events & (EPOLLIN | EPOLLRDHUP));
	EXPECT_EQ(0, read(c, buf, sizeof(buf)));
	pthread_join(th, NULL);
	close(c);
	close(l);
	close(ep);
}

TEST(oneshot_fires_once_until_rearmed)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = 5 };

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ASSERT_EQ(1, write(p[1], "a", 1));
	EXPECT_EQ(1, poll_now(ep, NULL));
	EXPECT_EQ(0, poll_now(ep, NULL));
	ASSERT_EQ(1, write(p[1], "b", 1));
	EXPECT_EQ(0, poll_now(ep, NULL));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	EXPECT_EQ(1, poll_now(ep, NULL));
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(rdhup_and_hup)
{
	int ep = epoll_create1(0), sv[2], p[2];
	struct epoll_event ev;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, add(ep, sv[0], EPOLLIN | EPOLLRDHUP, 1));
	ASSERT_EQ(0, add(ep, p[0], EPOLLIN, 2)); /* EPOLLHUP is always reported */
	EXPECT_EQ(0, poll_now(ep, NULL));
	ASSERT_EQ(0, shutdown(sv[1], SHUT_WR));
	ASSERT_EQ(1, poll_now(ep, &ev));
	EXPECT_EQ(1, ev.data.u64);
	EXPECT_EQ(EPOLLIN | EPOLLRDHUP, ev.events);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL));
	close(p[1]);
	ASSERT_EQ(1, poll_now(ep, &ev));
	EXPECT_EQ(2, ev.data.u64);
	EXPECT_EQ(EPOLLHUP, ev.events);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
	close(ep);
}

TEST(exclusive_is_accepted_on_add_only)
{
	int ep = epoll_create1(0), ep2 = epoll_create1(0), p[2];
	struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev));
	EXPECT_EQ(EINVAL, errno);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	EXPECT_EQ(EINVAL, errno);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ev.events = EPOLLIN;
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(1, write(p[1], "a", 1));
	EXPECT_EQ(1, poll_now(ep, NULL));
	close(p[0]);
	close(p[1]);
	close(ep);
	close(ep2);
}

TEST(nested_epoll_and_loops)
{
	int outer = epoll_create1(0), inner = epoll_create1(0), p[2];
	struct epoll_event ev;
	struct pollfd pfd = { .events = POLLIN };

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, add(inner, p[0], EPOLLIN, 1));
	ASSERT_EQ(0, add(outer, inner, EPOLLIN, 2));
	EXPECT_EQ(-1, add(inner, outer, EPOLLIN, 3));
	EXPECT_EQ(ELOOP, errno);
	EXPECT_EQ(0, poll_now(outer, NULL));
	pfd.fd = inner;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(1, write(p[1], "a", 1));
	ASSERT_EQ(1, poll_now(outer, &ev));
	EXPECT_EQ(2, ev.data.u64);
	EXPECT_EQ(EPOLLIN, ev.events);
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN, pfd.revents);
	ASSERT_EQ(1, poll_now(inner, &ev));
	EXPECT_EQ(1, ev.data.u64);
	close(p[0]);
	close(p[1]);
	close(inner);
	close(outer);
}

TEST(deep_nesting_is_refused)
{
	int ep[8], i, r = 0;

	for (i = 0; i < 8; i++)
		ep[i] = epoll_create1(0);
	for (i = 1; i < 8 && r == 0; i++)
		r = add(ep[i], ep[i - 1], EPOLLIN, 0);
	EXPECT_EQ(-1, r);
	EXPECT_EQ(ELOOP, errno);
	EXPECT_LE(3, i - 1); /* at least 3 levels of nesting are fine */
	for (i = 0; i < 8; i++)
		close(ep[i]);
}

static void *wake_writer(void *arg)
{
	sleep_ms(50);
	if (write(*(int *)arg, "w", 1) != 1)
		abort();
	return NULL;
}

TEST(nested_wait_wakes_when_the_inner_file_is_written)
{
	int outer = epoll_create1(0), inner = epoll_create1(0), p[2];
	struct epoll_event ev;
	pthread_t th;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, add(inner, p[0], EPOLLIN, 1));
	ASSERT_EQ(0, add(outer, inner, EPOLLIN, 2));
	ASSERT_EQ(0, pthread_create(&th, NULL, wake_writer, &p[1]));
	EXPECT_EQ(1, epoll_wait(outer, &ev, 1, 5000));
	EXPECT_EQ(2, ev.data.u64);
	pthread_join(th, NULL);
	close(p[0]);
	close(p[1]);
	close(inner);
	close(outer);
}

TEST(registration_lives_as_long_as_the_open_file)
{
	int ep = epoll_create1(0), p[2], dupfd;
	struct epoll_event ev;

	ASSERT_EQ(0, pipe(p));
	dupfd = dup(p[0]);
	ASSERT_LE(0, dupfd);
	ASSERT_EQ(0, add(ep, p[0], EPOLLIN, 9));
	close(p[0]); /* the file is still open through dupfd */
	ASSERT_EQ(1, write(p[1], "a", 1));
	ASSERT_EQ(1, poll_now(ep, &ev));
	EXPECT_EQ(9, ev.data.u64);
	EXPECT_EQ(-1, epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	EXPECT_EQ(EBADF, errno);
	close(dupfd); /* last reference: the registration goes */
	EXPECT_EQ(0, poll_now(ep, NULL));
	ASSERT_EQ(0, pipe(p)); /* the same fd number again: a new file, not registered */
	ASSERT_EQ(1, write(p[1], "a", 1));
	EXPECT_EQ(0, poll_now(ep, NULL));
	EXPECT_EQ(0, add(ep, p[0], EPOLLIN, 10));
	EXPECT_EQ(1, poll_now(ep, &ev));
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(fork_shares_the_instance)
{
	int ep = epoll_create1(0), p[2], st;
	struct epoll_event ev;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(add(ep, p[0], EPOLLIN, 77) == 0 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, WEXITSTATUS(st));
	ASSERT_EQ(1, write(p[1], "a", 1));
	ASSERT_EQ(1, poll_now(ep, &ev));
	EXPECT_EQ(77, ev.data.u64);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(blocking_wait_woken_by_a_thread_and_timeouts)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;
	struct timespec ts = { 0, 60 * 1000000L };
	pthread_t th;
	uint64_t t0;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, add(ep, p[0], EPOLLIN, 3));
	t0 = now_ms();
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 80));
	EXPECT_LE(75, now_ms() - t0);
	t0 = now_ms();
	EXPECT_EQ(0, epoll_pwait2(ep, &ev, 1, &ts, NULL));
	EXPECT_LE(55, now_ms() - t0);
	ASSERT_EQ(0, pthread_create(&th, NULL, wake_writer, &p[1]));
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, -1));
	EXPECT_EQ(3, ev.data.u64);
	pthread_join(th, NULL);
	close(p[0]);
	close(p[1]);
	close(ep);
}

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	sigset_t cur;

	/* the handler runs under the wait's mask (plus sig); sigreturn restores the old one */
	sigprocmask(SIG_SETMASK, NULL, &cur);
	handled = sigismember(&cur, SIGUSR2) ? 2 : 1;
}

TEST(signals_interrupt_with_eintr_even_with_sa_restart)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, add(ep, p[0], EPOLLIN, 1));
	sigaction(SIGUSR1, &sa, NULL);
	handled = 0;
	pid = fork();
	if (pid == 0) {
		sleep_ms(50);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	EXPECT_EQ(-1, epoll_wait(ep, &ev, 1, 5000));
	EXPECT_EQ(EINTR, errno);
	EXPECT_NE(0, handled);
	waitpid(pid, NULL, 0);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(pwait_installs_its_sigmask_for_the_wait_only)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	int ep = epoll_create1(0), p[2];
	sigset_t block, waitmask, cur;
	struct epoll_event ev;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, add(ep, p[0], EPOLLIN, 1));
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);
	handled = 0;
	kill(getpid(), SIGUSR1); /* pending, blocked */
	EXPECT_EQ(0, handled);
	sigemptyset(&waitmask); /* SIGUSR2 unblocked during the wait only */
	EXPECT_EQ(-1, epoll_pwait(ep, &ev, 1, 5000, &waitmask));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(1, handled); /* the handler ran under the wait's mask */
	sigprocmask(SIG_SETMASK, NULL, &cur);
	EXPECT_TRUE(sigismember(&cur, SIGUSR1)); /* the old mask is back */
	EXPECT_TRUE(sigismember(&cur, SIGUSR2));
	handled = 0;
	pid = fork();
	if (pid == 0) {
		sleep_ms(50);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	EXPECT_EQ(-1, epoll_pwait(ep, &ev, 1, 5000, &waitmask));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(1, handled);
	waitpid(pid, NULL, 0);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST(only_the_ready_file_of_many_is_reported)
{
	enum { N = 200 };
	int ep = epoll_create1(0), fds[N][2], i, n;
	struct epoll_event ev[N];

	for (i = 0; i < N; i++) {
		ASSERT_EQ(0, pipe(fds[i]));
		ASSERT_EQ(0, add(ep, fds[i][0], EPOLLIN, i));
	}
	ASSERT_EQ(1, write(fds[123][1], "a", 1));
	ASSERT_EQ(1, write(fds[7][1], "a", 1));
	n = epoll_wait(ep, ev, N, 0);
	ASSERT_EQ(2, n);
	EXPECT_EQ(123, ev[0].data.u64 + ev[1].data.u64 - 7);
	EXPECT_EQ(1, epoll_wait(ep, ev, 1, 0)); /* maxevents is respected */
	for (i = 0; i < N; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	EXPECT_EQ(0, epoll_wait(ep, ev, N, 0));
	close(ep);
}

TEST(eventfd_in_epoll)
{
	int ep = epoll_create1(0), efd = eventfd(0, EFD_NONBLOCK);
	struct epoll_event ev;
	uint64_t v = 1;

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, add(ep, efd, EPOLLIN | EPOLLET, 4));
	EXPECT_EQ(0, poll_now(ep, NULL));
	ASSERT_EQ(8, write(efd, &v, 8));
	ASSERT_EQ(1, poll_now(ep, &ev));
	EXPECT_EQ(4, ev.data.u64);
	EXPECT_EQ(0, poll_now(ep, NULL));
	close(efd);
	close(ep);
}

TEST(proc_names_the_instance_and_its_items)
{
	int ep = epoll_create1(0), p[2], fd;
	char path[64], buf[4096], want[64];
	ssize_t n;

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, add(ep, p[0], EPOLLIN, 0x1234));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ep);
	n = readlink(path, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_STREQ("anon_inode:[eventpoll]", buf);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ep);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "tfd: %8d events: %8x data: %16llx", p[0],
		 EPOLLIN | EPOLLERR | EPOLLHUP, 0x1234ULL);
	EXPECT_NE(NULL, strstr(buf, want));
	close(fd);
	close(p[0]);
	close(p[1]);
	close(ep);
}

TEST_HARNESS_MAIN
