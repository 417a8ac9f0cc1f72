/*
 * Guest test: memfd_create and file seals, and POSIX shared memory in /dev/shm.
 * Runs natively (the oracle) and inside um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1U
#define MFD_ALLOW_SEALING 2U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 1
#define F_SEAL_SHRINK 2
#define F_SEAL_GROW 4
#define F_SEAL_WRITE 8
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x10
#endif

static int mfd(const char *name, unsigned flags)
{
	return (int)syscall(SYS_memfd_create, name, flags);
}

TEST(memfd_is_an_empty_read_write_file_that_can_be_sized_and_mapped)
{
	int fd = mfd("demo", 0);
	struct stat st;
	char buf[8] = { 0 }, *p;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0, st.st_size);
	EXPECT_EQ(5, write(fd, "hello", 5));
	ASSERT_EQ(0, ftruncate(fd, 8192));
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, memcmp(p, "hello", 5));
	memcpy(p + 4096, "world", 5);
	EXPECT_EQ(5, pread(fd, buf, 5, 4096));
	EXPECT_STREQ("world", buf);
	munmap(p, 8192);
	close(fd);
}

TEST(proc_shows_the_memfd_name)
{
	int fd = mfd("shown-name", 0);
	char link[64], target[256];
	ssize_t n;

	ASSERT_GE(fd, 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	ASSERT_GT(n, 0);
	target[n] = 0;
	EXPECT_STREQ("/memfd:shown-name (deleted)", target);
	close(fd);
}

TEST(cloexec_flag_and_bad_arguments)
{
	char longname[300];
	int fd = mfd("x", MFD_CLOEXEC);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	close(fd);
	errno = 0;
	EXPECT_EQ(-1, mfd("x", 0x100));
	EXPECT_EQ(EINVAL, errno);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	errno = 0;
	EXPECT_EQ(-1, mfd(longname, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, mfd((const char *)8, 0));
	EXPECT_EQ(EFAULT, errno);
}

TEST(without_allow_sealing_the_seal_seal_is_set)
{
	int fd = mfd("nos", 0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(F_SEAL_SEAL, fcntl(fd, F_GET_SEALS));
	errno = 0;
	EXPECT_EQ(-1, fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	EXPECT_EQ(EPERM, errno);
	close(fd);
}

TEST(shrink_and_grow_seals_fix_the_size)
{
	int fd = mfd("size", MFD_ALLOW_SEALING);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, fcntl(fd, F_GET_SEALS));
	ASSERT_EQ(0, ftruncate(fd, 4096));
	ASSERT_EQ(0, fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
	EXPECT_EQ(F_SEAL_SHRINK | F_SEAL_GROW, fcntl(fd, F_GET_SEALS));
	errno = 0;
	EXPECT_EQ(-1, ftruncate(fd, 100));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, ftruncate(fd, 8192));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, pwrite(fd, "x", 1, 4096));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(1, pwrite(fd, "x", 1, 4095));
	EXPECT_EQ(0, ftruncate(fd, 4096));
	close(fd);
}

TEST(write_seal_refuses_writes_and_writable_mappings)
{
	int fd = mfd("ro", MFD_ALLOW_SEALING);
	char *p;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	errno = 0;
	EXPECT_EQ(-1, fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	EXPECT_EQ(EBUSY, errno);
	p[0] = 'm';
	munmap(p, 4096);
	ASSERT_EQ(0, fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SEAL));
	errno = 0;
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	EXPECT_EQ(EPERM, errno);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ('m', p[0]);
	/* Nor can a read-only shared mapping be made writable. */
	errno = 0;
	EXPECT_EQ(-1, mprotect(p, 4096, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(p, 4096);
	/* A private writable mapping is still fine: its writes stay private. */
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'q';
	munmap(p, 4096);
	errno = 0;
	EXPECT_EQ(-1, fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	EXPECT_EQ(EPERM, errno);
	close(fd);
}

TEST(seals_on_other_files)
{
	int fd = open("/proc/self/stat", O_RDONLY), pfd[2];

	ASSERT_GE(fd, 0);
	errno = 0;
	EXPECT_EQ(-1, fcntl(fd, F_GET_SEALS));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	ASSERT_EQ(0, pipe(pfd));
	errno = 0;
	EXPECT_EQ(-1, fcntl(pfd[1], F_ADD_SEALS, F_SEAL_GROW));
	EXPECT_EQ(EINVAL, errno);
	/* Not open for writing: EPERM before anything else is looked at. */
	errno = 0;
	EXPECT_EQ(-1, fcntl(pfd[0], F_ADD_SEALS, F_SEAL_GROW));
	EXPECT_EQ(EPERM, errno);
	close(pfd[0]);
	close(pfd[1]);
}

TEST(memfd_is_shared_with_a_child_through_fork)
{
	int fd = mfd("fork", 0), st;
	char *p;
	pid_t pid;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	if (pid == 0) {
		strcpy(p, "from child");
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_STREQ("from child", p);
	munmap(p, 4096);
	close(fd);
}

TEST(dev_shm_holds_posix_shared_memory)
{
	char name[64], *p;
	int fd;

	snprintf(name, sizeof(name), "/dev/shm/umlite-test-%d", getpid());
	fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[10] = 'z';
	munmap(p, 4096);
	EXPECT_EQ(F_SEAL_SEAL, fcntl(fd, F_GET_SEALS));
	close(fd);
	EXPECT_EQ(0, unlink(name));
}

TEST_HARNESS_MAIN
