/*
 * Guest test: eventfd, timerfd and signalfd. eventfd's counter and semaphore modes,
 * overflow rules and blocking; timerfd's one-shot and interval timers on each clock,
 * absolute times, expiration counts and remaining time; signalfd reading thread and
 * process signals blocked with sigprocmask, mask updates and readiness in poll and epoll;
 * the /proc/PID/fd names and fdinfo lines of all three. Runs natively (the oracle) and
 * in um-lite.
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
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

/* The /proc/self/fd link of fd and its fdinfo text; both NUL-terminated. */
static void proc_of(int fd, char *link, size_t llen, char *info, size_t ilen)
{
	char path[64];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, llen - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	n = f >= 0 ? read(f, info, ilen - 1) : -1;
	info[n > 0 ? n : 0] = '\0';
	if (f >= 0)
		close(f);
}

/* ---- eventfd */

TEST(eventfd_counts_and_resets)
{
	int fd = eventfd(3, EFD_NONBLOCK);
	uint64_t v;

	ASSERT_LE(0, fd);
	ASSERT_EQ(8, read(fd, &v, 8));
	EXPECT_EQ(3, v);
	EXPECT_EQ(-1, read(fd, &v, 8));
	EXPECT_EQ(EAGAIN, errno);
	v = 2;
	ASSERT_EQ(8, write(fd, &v, 8));
	v = 5;
	ASSERT_EQ(8, write(fd, &v, 8));
	ASSERT_EQ(8, read(fd, &v, 8));
	EXPECT_EQ(7, v);
	close(fd);
}

TEST(eventfd_semaphore_reads_one_at_a_time)
{
	int fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	uint64_t v;

	ASSERT_LE(0, fd);
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(8, read(fd, &v, 8));
		EXPECT_EQ(1, v);
	}
	EXPECT_EQ(-1, read(fd, &v, 8));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
}

TEST(eventfd_argument_and_overflow_rules)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	uint64_t v = 1;
	char buf[16];

	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(-1, eventfd(0, 0x4000000));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(fd, &v, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, read(fd, buf, 7));
	EXPECT_EQ(EINVAL, errno);
	v = UINT64_MAX;
	EXPECT_EQ(-1, write(fd, &v, 8));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(POLLOUT, readable(fd));
	v = UINT64_MAX - 1;
	ASSERT_EQ(8, write(fd, &v, 8));
	EXPECT_EQ(POLLIN, readable(fd)); /* no room for even 1 more */
	v = 1;
	EXPECT_EQ(-1, write(fd, &v, 8));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(8, read(fd, buf, 16)); /* larger buffers are fine: 8 bytes come back */
	close(fd);
}

static void *eventfd_poster(void *arg)
{
	uint64_t v;
	int fd = *(int *)arg;

	sleep_ms(50);
	if (read(fd, &v, 8) != 8 || write(fd, &(uint64_t){ 4 }, 8) != 8)
		abort();
	return NULL;
}

TEST(eventfd_blocks_on_empty_read_and_on_overflow)
{
	int fd = eventfd(0, 0);
	uint64_t v = UINT64_MAX - 1;
	pthread_t th;

	ASSERT_LE(0, fd);
	ASSERT_EQ(8, write(fd, &v, 8));
	ASSERT_EQ(0, pthread_create(&th, NULL, eventfd_poster, &fd));
	v = 9;
	ASSERT_EQ(8, write(fd, &v, 8)); /* blocks until the thread's read empties it */
	pthread_join(th, NULL);
	ASSERT_EQ(8, read(fd, &v, 8));
	EXPECT_EQ(13, v); /* our 9 and its 4, in either order */
	ASSERT_EQ(0, pthread_create(&th, NULL, eventfd_poster, &fd));
	v = 1;
	ASSERT_EQ(8, write(fd, &v, 8));
	sleep_ms(100); /* the thread took our 1 and wrote 4 */
	ASSERT_EQ(8, read(fd, &v, 8));
	EXPECT_EQ(4, v);
	pthread_join(th, NULL);
	close(fd);
}

TEST(eventfd_proc_entries)
{
	int fd = eventfd(0x2a, 0);
	char link[128], info[1024];

	ASSERT_LE(0, fd);
	proc_of(fd, link, sizeof(link), info, sizeof(info));
	EXPECT_STREQ("anon_inode:[eventfd]", link);
	EXPECT_NE(NULL, strstr(info, "eventfd-count:               2a\n"));
	close(fd);
}

/* ---- timerfd */

static void set_timer(int fd, int flags, long value_ms, long interval_ms)
{
	struct itimerspec its = {
		.it_value = { value_ms / 1000, (value_ms % 1000) * 1000000L },
		.it_interval = { interval_ms / 1000, (interval_ms % 1000) * 1000000L },
	};

	if (timerfd_settime(fd, flags, &its, NULL))
		abort();
}

TEST(timerfd_create_checks_clock_and_flags)
{
	pid_t pid;
	int st, fd;

	EXPECT_EQ(-1, timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, timerfd_create(12345, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, timerfd_create(CLOCK_MONOTONIC, 0x10));
	EXPECT_EQ(EINVAL, errno);
	fd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	close(fd);
	pid = fork();
	if (pid == 0) {
		if (setuid(65534))
			_exit(2);
		_exit(timerfd_create(CLOCK_REALTIME_ALARM, 0) == -1 && errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST(timerfd_one_shot_blocks_then_reads_one)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec cur;
	uint64_t v, t0 = now_ms();
	char small[4];

	ASSERT_LE(0, fd);
	set_timer(fd, 0, 60, 0);
	EXPECT_EQ(0, readable(fd));
	EXPECT_EQ(-1, read(fd, small, 4));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(8, read(fd, &v, 8));
	EXPECT_EQ(1, v);
	EXPECT_LE(55, now_ms() - t0);
	ASSERT_EQ(0, timerfd_gettime(fd, &cur));
	EXPECT_EQ(0, cur.it_value.tv_sec);
	EXPECT_EQ(0, cur.it_value.tv_nsec);
	close(fd);
}

TEST(timerfd_interval_counts_every_expiry)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	uint64_t v;

	ASSERT_LE(0, fd);
	set_timer(fd, 0, 20, 20);
	EXPECT_EQ(-1, read(fd, &v, 8));
	EXPECT_EQ(EAGAIN, errno);
	sleep_ms(110);
	ASSERT_EQ(8, read(fd, &v, 8));
	EXPECT_LE(5, v);
	EXPECT_GE(40, v); /* a loaded machine may add some, not hundreds */
	sleep_ms(45);
	ASSERT_EQ(8, read(fd, &v, 8));
	EXPECT_LE(1, v);
	close(fd);
}

TEST(timerfd_absolute_times)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0), rfd = timerfd_create(CLOCK_REALTIME, 0);
	struct itimerspec its = { 0 };
	uint64_t v, t0 = now_ms();

	ASSERT_LE(0, fd);
	ASSERT_LE(0, rfd);
	clock_gettime(CLOCK_MONOTONIC, &its.it_value);
	its.it_value.tv_nsec += 50000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	ASSERT_EQ(0, timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL));
	ASSERT_EQ(8, read(fd, &v, 8));
	EXPECT_EQ(1, v);
	EXPECT_LE(45, now_ms() - t0);
	clock_gettime(CLOCK_REALTIME, &its.it_value);
	its.it_value.tv_sec -= 10; /* in the past: expired at once */
	ASSERT_EQ(0, timerfd_settime(rfd, TFD_TIMER_ABSTIME, &its, NULL));
	EXPECT_EQ(POLLIN, readable(rfd));
	ASSERT_EQ(8, read(rfd, &v, 8));
	EXPECT_EQ(1, v);
	close(fd);
	close(rfd);
}

TEST(timerfd_gettime_and_old_value)
{
	int fd = timerfd_create(CLOCK_REALTIME, 0), efd = eventfd(0, 0);
	struct itimerspec its = { .it_value = { 10, 0 }, .it_interval = { 3, 500 } }, old, cur;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, timerfd_settime(fd, 0, &its, NULL));
	ASSERT_EQ(0, timerfd_gettime(fd, &cur));
	EXPECT_EQ(9, cur.it_value.tv_sec);
	EXPECT_EQ(3, cur.it_interval.tv_sec);
	EXPECT_EQ(500, cur.it_interval.tv_nsec);
	memset(&its, 0, sizeof(its));
	ASSERT_EQ(0, timerfd_settime(fd, 0, &its, &old)); /* disarm */
	EXPECT_EQ(9, old.it_value.tv_sec);
	EXPECT_EQ(3, old.it_interval.tv_sec);
	ASSERT_EQ(0, timerfd_gettime(fd, &cur));
	EXPECT_EQ(0, cur.it_value.tv_sec + cur.it_value.tv_nsec);
	its.it_value.tv_nsec = 1000000000;
	EXPECT_EQ(-1, timerfd_settime(fd, 0, &its, NULL));
	EXPECT_EQ(EINVAL, errno);
	its.it_value.tv_nsec = 1;
	EXPECT_EQ(-1, timerfd_settime(fd, 0x80, &its, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, timerfd_settime(efd, 0, &its, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, timerfd_gettime(999, &cur));
	EXPECT_EQ(EBADF, errno);
	close(efd);
	close(fd);
}

TEST(timerfd_in_epoll_and_proc)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0), ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 6 };
	char link[128], info[1024];

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	set_timer(fd, 0, 30, 0);
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 5000));
	EXPECT_EQ(6, ev.data.u32);
	proc_of(fd, link, sizeof(link), info, sizeof(info));
	EXPECT_STREQ("anon_inode:[timerfd]", link);
	EXPECT_NE(NULL, strstr(info, "clockid: 1\nticks: 1\n"));
	close(ep);
	close(fd);
}

/* ---- signalfd */

static sigset_t block_usr(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return set;
}

static void unblock_usr(sigset_t set)
{
	struct signalfd_siginfo si;
	int fd = signalfd(-1, &set, SFD_NONBLOCK);

	while (read(fd, &si, sizeof(si)) > 0)
		; /* leave nothing pending for the next test */
	close(fd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

TEST(signalfd_reads_pending_signals)
{
	sigset_t set = block_usr();
	struct signalfd_siginfo si[2];
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	EXPECT_EQ(-1, read(fd, si, sizeof(si)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, readable(fd));
	kill(getpid(), SIGUSR1);
	EXPECT_EQ(POLLIN, readable(fd));
	ASSERT_EQ(sizeof(si[0]), read(fd, si, sizeof(si)));
	EXPECT_EQ(SIGUSR1, si[0].ssi_signo);
	EXPECT_EQ(SI_USER, si[0].ssi_code);
	EXPECT_EQ(getpid(), si[0].ssi_pid);
	EXPECT_EQ(getuid(), si[0].ssi_uid);
	EXPECT_EQ(0, readable(fd));
	sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 99 });
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1); /* thread-directed */
	ASSERT_EQ(2 * sizeof(si[0]), read(fd, si, sizeof(si)));
	EXPECT_EQ(SIGUSR1, si[0].ssi_signo); /* the thread's own queue first */
	EXPECT_EQ(SI_TKILL, si[0].ssi_code);
	EXPECT_EQ(SIGUSR2, si[1].ssi_signo);
	EXPECT_EQ(SI_QUEUE, si[1].ssi_code);
	EXPECT_EQ(99, si[1].ssi_int);
	close(fd);
	unblock_usr(set);
}

TEST(signalfd_mask_update_and_errors)
{
	sigset_t set = block_usr(), one;
	struct signalfd_siginfo si;
	int fd, efd = eventfd(0, 0);
	char small[64];

	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	fd = signalfd(-1, &one, SFD_NONBLOCK);
	ASSERT_LE(0, fd);
	kill(getpid(), SIGUSR2);
	EXPECT_EQ(-1, read(fd, &si, sizeof(si)));
	EXPECT_EQ(EAGAIN, errno);
	sigaddset(&one, SIGUSR2);
	EXPECT_EQ(fd, signalfd(fd, &one, 0)); /* the same fd, new mask */
	EXPECT_EQ(-1, read(fd, small, sizeof(small)));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(sizeof(si), read(fd, &si, sizeof(si)));
	EXPECT_EQ(SIGUSR2, si.ssi_signo);
	EXPECT_EQ(-1, signalfd(efd, &one, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, signalfd(999, &one, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, signalfd(-1, &one, 0x1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, syscall(SYS_signalfd4, -1, &one, 4, 0));
	EXPECT_EQ(EINVAL, errno);
	close(efd);
	close(fd);
	unblock_usr(set);
}

TEST(signalfd_blocking_read_and_epoll_wake_on_a_signal)
{
	sigset_t set = block_usr();
	struct signalfd_siginfo si;
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 8 };
	int fd = signalfd(-1, &set, 0), ep = epoll_create1(0);
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	pid = fork();
	if (pid == 0) {
		sleep_ms(50);
		kill(getppid(), SIGUSR1);
		sleep_ms(50);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	ASSERT_EQ(sizeof(si), read(fd, &si, sizeof(si)));
	EXPECT_EQ(SIGUSR1, si.ssi_signo);
	EXPECT_EQ(pid, si.ssi_pid);
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 5000));
	EXPECT_EQ(8, ev.data.u32);
	ASSERT_EQ(sizeof(si), read(fd, &si, sizeof(si)));
	EXPECT_EQ(SIGUSR2, si.ssi_signo);
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	waitpid(pid, NULL, 0);
	close(ep);
	close(fd);
	unblock_usr(set);
}

TEST(signalfd_reports_child_exit)
{
	sigset_t set;
	struct signalfd_siginfo si;
	int fd;
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, 0);
	ASSERT_LE(0, fd);
	pid = fork();
	if (pid == 0)
		_exit(3);
	ASSERT_EQ(sizeof(si), read(fd, &si, sizeof(si)));
	EXPECT_EQ(SIGCHLD, si.ssi_signo);
	EXPECT_EQ(CLD_EXITED, si.ssi_code);
	EXPECT_EQ(pid, si.ssi_pid);
	EXPECT_EQ(3, si.ssi_status);
	waitpid(pid, NULL, 0);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

TEST(signalfd_proc_entries)
{
	sigset_t set;
	int fd;
	char link[128], info[1024];

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGKILL); /* silently left out */
	fd = signalfd(-1, &set, 0);
	ASSERT_LE(0, fd);
	proc_of(fd, link, sizeof(link), info, sizeof(info));
	EXPECT_STREQ("anon_inode:[signalfd]", link);
	EXPECT_NE(NULL, strstr(info, "sigmask:\t0000000000000200\n"));
	close(fd);
}

/*
 * A pipe reopened through /proc/self/fd after its writer wrote and exited (bash's
 * <(...) read by xz, which polls): poll shows the data and the hangup, read gives the data
 * then end of file, even opened O_NONBLOCK.
 */
TEST(reopened_pipe_whose_writer_left_shows_pollhup)
{
	char path[64], buf[8];
	int fds[2], fd;
	struct pollfd pfd;

	ASSERT_EQ(0, pipe(fds));
	ASSERT_EQ(2, write(fds[1], "xy", 2));
	close(fds[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(POLLIN | POLLHUP, pfd.revents);
	EXPECT_EQ(2, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	pfd.revents = 0;
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(POLLHUP, pfd.revents);
	close(fd);
	close(fds[0]);
}

TEST_HARNESS_MAIN
