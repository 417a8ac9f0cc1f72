/*
 * Guest test: a hostile program. Bad pointers, huge lengths, out-of-range descriptors and
 * random system-call numbers and arguments must produce errors (or a signal for the
 * offending process), never a kernel crash or hang: the test ends by checking that the
 * kernel still answers. Runs natively (the oracle) and inside um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* Through volatile variables, so that gcc does not flag the deliberate misuse. */
static void *volatile bad_ptr = (void *)0x10;
static void *volatile kernel_ptr = (void *)0xffff880000000000UL;
static volatile size_t huge = (size_t)1 << 40;
#define BAD bad_ptr
#define KERNELISH kernel_ptr

TEST(bad_buffers_give_efault)
{
	int p[2];

	ASSERT_EQ(0, pipe(p));
	write(p[1], "abc", 3);
	EXPECT_EQ(-1, read(p[0], BAD, 3));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, write(p[1], KERNELISH, 3));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, syscall(SYS_open, BAD, O_RDONLY));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, syscall(SYS_pipe, BAD));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, syscall(SYS_uname, KERNELISH));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, syscall(SYS_fstat, 0, BAD));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, syscall(SYS_rt_sigaction, SIGUSR1, BAD, NULL, 8));
	EXPECT_EQ(EFAULT, errno);
}

TEST(huge_lengths_do_not_exhaust_the_kernel)
{
	int fd = open("/dev/zero", O_RDONLY);
	char buf[16], *page;
	struct iovec iov = { buf, 16 };
	ssize_t n;

	ASSERT_GE(fd, 0);
	/* A huge count on a buffer that ends where the mapping ends: a short count or EFAULT. */
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, munmap(page + 4096, 4096));
	n = read(fd, page + 4096 - 16, huge);
	EXPECT_TRUE(n == -1 || (n > 0 && n <= 16));
	EXPECT_EQ(-1, readv(fd, &iov, (int)(huge >> 20)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, huge << 22, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
				   -1, 0));
	/* A claimed size far beyond the buffer is fine as long as the path fits. */
	chdir("/");
	EXPECT_EQ(2, syscall(SYS_getcwd, buf, (size_t)-1));
	EXPECT_EQ(-1, syscall(SYS_getcwd, BAD, 4096));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(bad_descriptors_give_ebadf)
{
	char c;

	EXPECT_EQ(-1, read(-1, &c, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, read(1 << 30, &c, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, dup2(0, 1 << 30));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, fcntl(0, F_DUPFD, 1 << 30));
	EXPECT_EQ(EINVAL, errno);
}

TEST(unknown_system_calls_are_enosys)
{
	EXPECT_EQ(-1, syscall(5000));
	EXPECT_EQ(ENOSYS, errno);
	EXPECT_EQ(-1, syscall(-1L));
	EXPECT_EQ(ENOSYS, errno);
	EXPECT_EQ(-1, syscall(0x40000000 | 39)); /* x32 getpid */
}

TEST(mapping_at_or_above_the_top_of_user_space_fails)
{
	void *p = mmap((void *)0x7ffffffff000UL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_FIXED, -1, 0);

	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_NE(0, munmap(KERNELISH, 4096));
}

TEST(random_system_calls_never_take_the_kernel_down)
{
	/* Children make a few thousand calls with random numbers and arguments, skipping the
	 * ones that would legitimately end or block the test (exit, pause, kill, ...). */
	static const int skip[] = { 7, 23, 34, 35, 56, 57, 58, 59, 60, 61, 62, 101, 128, 130,
				    200, 202, 219, 230, 231, 234, 247, 270, 271, 281, 322, 435,
				    13, 14, 15, 37, 38, 160, 169, 9, 10, 11, 12, 25, 28, 216,
				    48, 49, 129, 127, 165, 166, 161, 167, 155, 32, 33, 3, 436,
				    72, 22, 293, 16, 1, 0, 17, 18, 19, 20, 295, 296, 327, 328,
				    103, 153, 163, 169, 170, 171, 172, 173, 246, 298, 310, 311,
				    320, 321, 232, 281, 243, 65, 220, 112, 109 };

	for (int child = 0; child < 4; child++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			unsigned long s = 12345 + child;

			/* Unprivileged, so that the native run (the oracle) cannot harm the host. */
			if (getuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
				_exit(98);
			alarm(60);
			for (int i = 0; i < 2000; i++) {
				long nr, a[6];
				int ok = 1;

				s = s * 6364136223846793005UL + 1442695040888963407UL;
				nr = (s >> 33) % 460;
				for (unsigned k = 0; k < sizeof(skip) / sizeof(skip[0]); k++)
					if (nr == skip[k])
						ok = 0;
				if (!ok)
					continue;
				for (int k = 0; k < 6; k++) {
					s = s * 6364136223846793005UL + 1442695040888963407UL;
					a[k] = (k & 1) ? (long)(s >> 40) : (long)s;
				}
				syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			}
			_exit(0);
		}
		ASSERT_GT(pid, 0);
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		/* Dying from a signal is allowed (a random sigaction, a fault); a hang is not. */
		EXPECT_FALSE(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM);
		EXPECT_FALSE(WIFEXITED(st) && WEXITSTATUS(st) == 98);
	}
	/* The kernel still answers. */
	EXPECT_EQ(getpid(), syscall(SYS_getpid));
	EXPECT_EQ(0, access("/", F_OK));
}

TEST_HARNESS_MAIN
