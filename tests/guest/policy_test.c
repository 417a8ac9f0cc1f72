/*
 * Guest test: process attributes that Debian's tools read and set (chrt, ionice, taskset,
 * setpriv, coreutils): scheduling policies and their limits, sched_setattr/getattr, I/O
 * priorities, fadvise64/readahead/sync_file_range, prctl's keepcaps, securebits and ambient set, and
 * syslog(2) as dmesg reads the kernel log (never clearing it: the native run is the host's).
 * Runs natively (the oracle) and inside um-lite. Only non-real-time policies are set, so
 * the native run does not disturb the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ioprio.h>

#include "kselftest_harness.h"

/* <linux/sched/types.h>'s, which clashes with glibc's struct sched_param */
struct sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

static int policy_of_child(void)
{
	int fds[2], st, pol = -1;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		pol = sched_getscheduler(0);
		_exit(write(fds[1], &pol, sizeof(pol)) == sizeof(pol) ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], &pol, sizeof(pol)) != sizeof(pol))
		pol = -1;
	close(fds[0]);
	waitpid(pid, &st, 0);
	return pol;
}

TEST(priority_ranges_are_linux_ones)
{
	EXPECT_EQ(99, sched_get_priority_max(SCHED_FIFO));
	EXPECT_EQ(1, sched_get_priority_min(SCHED_RR));
	EXPECT_EQ(0, sched_get_priority_max(SCHED_OTHER));
	EXPECT_EQ(0, sched_get_priority_min(SCHED_BATCH));
	EXPECT_EQ(-1, sched_get_priority_max(42));
	EXPECT_EQ(EINVAL, errno);
}

TEST(setscheduler_stores_the_policy_and_checks_priorities)
{
	struct sched_param p = { .sched_priority = 0 };
	struct timespec ts;

	ASSERT_EQ(SCHED_OTHER, sched_getscheduler(0));
	ASSERT_EQ(0, sched_setscheduler(0, SCHED_BATCH, &p));
	EXPECT_EQ(SCHED_BATCH, sched_getscheduler(0));
	EXPECT_EQ(SCHED_BATCH, policy_of_child());
	p.sched_priority = 5;
	EXPECT_EQ(-1, sched_setscheduler(0, SCHED_BATCH, &p));
	EXPECT_EQ(EINVAL, errno);
	p.sched_priority = 0;
	EXPECT_EQ(-1, sched_setscheduler(0, SCHED_FIFO, &p));
	EXPECT_EQ(EINVAL, errno);
	p.sched_priority = 100;
	EXPECT_EQ(-1, sched_setscheduler(0, SCHED_RR, &p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sched_setscheduler(-1, SCHED_OTHER, &p));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, sched_getparam(0, &p));
	EXPECT_EQ(0, p.sched_priority);
	EXPECT_EQ(0, sched_rr_get_interval(0, &ts));
	EXPECT_LT(ts.tv_sec, 1);
	p.sched_priority = 0;
	EXPECT_EQ(0, sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &p));
	EXPECT_EQ(SCHED_OTHER | SCHED_RESET_ON_FORK, sched_getscheduler(0));
	/* the child is reset: it does not keep the flag */
	EXPECT_EQ(SCHED_OTHER, policy_of_child());
	EXPECT_EQ(0, sched_setscheduler(0, SCHED_OTHER, &p));
	EXPECT_EQ(SCHED_OTHER, sched_getscheduler(0));
}

TEST(sched_attr_round_trips_and_checks_its_size)
{
	struct sched_attr a = { .size = sizeof(a), .sched_policy = SCHED_BATCH };
	unsigned char big[sizeof(a) + 8];

	ASSERT_EQ(0, syscall(SYS_sched_setattr, 0, &a, 0));
	memset(&a, 0xff, sizeof(a));
	ASSERT_EQ(0, syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0));
	EXPECT_EQ(SCHED_BATCH, a.sched_policy);
	EXPECT_EQ(0, a.sched_priority);
	EXPECT_EQ(0, a.sched_flags);
	EXPECT_EQ(sizeof(a), a.size);
	EXPECT_EQ(-1, syscall(SYS_sched_getattr, 0, &a, 8, 0));
	EXPECT_EQ(EINVAL, errno);
	/* a bigger structure with non-zero bytes past ours: E2BIG and our size written */
	memset(big, 0, sizeof(big));
	memcpy(big, &a, sizeof(a));
	((struct sched_attr *)big)->size = sizeof(big);
	big[sizeof(big) - 1] = 1;
	EXPECT_EQ(-1, syscall(SYS_sched_setattr, 0, big, 0));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(sizeof(a), ((struct sched_attr *)big)->size);
	a.size = sizeof(a);
	a.sched_policy = SCHED_OTHER;
	a.sched_flags = 0;
	a.sched_nice = 0;
	EXPECT_EQ(0, syscall(SYS_sched_setattr, 0, &a, 0));
	EXPECT_EQ(SCHED_OTHER, sched_getscheduler(0));
}

TEST(ioprio_is_stored_checked_and_inherited)
{
	int be3 = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 3), st;
	pid_t pid;

	ASSERT_EQ(0, syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, be3));
	EXPECT_EQ(be3, syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0));
	pid = fork();
	if (pid == 0)
		_exit(syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0) == be3 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	EXPECT_EQ(-1, syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
			      IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 9)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, syscall(SYS_ioprio_get, 42, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
			     IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0)));
}

TEST(fadvise_accepts_advice_on_files_and_refuses_pipes)
{
	int fd = open("/proc/self/exe", O_RDONLY), p[2];

	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
	EXPECT_EQ(0, posix_fadvise(fd, 0, 4096, POSIX_FADV_DONTNEED));
	EXPECT_EQ(EINVAL, posix_fadvise(fd, 0, 0, 42));
	EXPECT_EQ(0, readahead(fd, 0, 4096));
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(ESPIPE, posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL));
	EXPECT_EQ(-1, readahead(p[0], 0, 4096));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(EBADF, posix_fadvise(999, 0, 0, POSIX_FADV_NORMAL));
	close(p[0]);
	close(p[1]);
	close(fd);
}

/* dpkg calls sync_file_range(SYNC_FILE_RANGE_WRITE) on every file it unpacks. */
TEST(sync_file_range_checks_like_linux)
{
	char path[] = "/tmp/sfr_XXXXXX";
	int fd = mkstemp(path), p[2];

	ASSERT_GE(fd, 0);
	unlink(path);
	ASSERT_EQ(5, write(fd, "hello", 5));
	EXPECT_EQ(0, sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
	EXPECT_EQ(0, sync_file_range(fd, 0, 5, SYNC_FILE_RANGE_WAIT_BEFORE |
				     SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER));
	errno = 0;
	EXPECT_EQ(-1, sync_file_range(fd, 0, 5, 8));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sync_file_range(fd, -1, 5, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sync_file_range(999, -1, 5, 0)); /* the descriptor is checked first */
	EXPECT_EQ(EBADF, errno);
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-1, sync_file_range(p[0], 0, 0, SYNC_FILE_RANGE_WRITE));
	EXPECT_EQ(ESPIPE, errno);
	close(p[0]);
	close(p[1]);
	close(fd);
}

TEST(prctl_keepcaps_securebits_and_ambient)
{
	EXPECT_EQ(0, prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	ASSERT_EQ(0, prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	EXPECT_EQ(1, prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	EXPECT_EQ(-1, prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
	EXPECT_EQ(0, prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	EXPECT_EQ(0, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0));
	EXPECT_EQ(0, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0));
}

/* dmesg: the log's size, then its newest whole "<level>[time] text" lines. */
TEST(syslog_reads_whole_records_of_the_kernel_log)
{
	static char buf[1 << 16];
	int size = klogctl(10 /* SIZE_BUFFER */, NULL, 0), n;

	ASSERT_GT(size, 0);
	n = klogctl(3 /* READ_ALL */, buf, sizeof(buf));
	ASSERT_GT(n, 0);
	EXPECT_EQ('<', buf[0]);
	EXPECT_EQ('>', buf[2]);
	EXPECT_EQ('\n', buf[n - 1]);
	n = klogctl(3, buf, 200);
	ASSERT_GE(n, 0);
	EXPECT_LE(n, 200);
	if (n > 0)
		EXPECT_EQ('<', buf[0]);
	EXPECT_EQ(0, klogctl(3, buf, 0));
	EXPECT_EQ(-1, klogctl(3, NULL, 10));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, klogctl(42, buf, 10));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
