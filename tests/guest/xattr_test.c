/*
 * Guest test: extended attributes (user.* and trusted.* namespaces) on the filesystem
 * holding /tmp: tmpfs in the initramfs runs, ext4 when the root is an ext4 disk. Values,
 * size probes, XATTR_CREATE/REPLACE, lists, removal, the l* and f* variants, and the
 * errors and permission rules programs rely on.
 * Runs natively (the oracle) and inside um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "kselftest_harness.h"

FIXTURE(x)
{
	char dir[64], file[96], link[96];
};

FIXTURE_SETUP(x)
{
	int fd;

	strcpy(self->dir, "/tmp/xattrXXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->file, sizeof(self->file), "%s/f", self->dir);
	snprintf(self->link, sizeof(self->link), "%s/l", self->dir);
	fd = open(self->file, O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, symlink("f", self->link));
}

FIXTURE_TEARDOWN(x)
{
	unlink(self->link);
	unlink(self->file);
	rmdir(self->dir);
}

/* 1 when the packed list of len bytes holds name. */
static int list_has(const char *list, ssize_t len, const char *name)
{
	for (ssize_t i = 0; i < len; i += strlen(list + i) + 1)
		if (!strcmp(list + i, name))
			return 1;
	return 0;
}

TEST_F(x, set_get_and_size_probe)
{
	char buf[64] = { 0 };

	ASSERT_EQ(0, setxattr(self->file, "user.color", "blue", 4, 0));
	EXPECT_EQ(4, getxattr(self->file, "user.color", NULL, 0));
	EXPECT_EQ(4, getxattr(self->file, "user.color", buf, sizeof(buf)));
	EXPECT_STREQ("blue", buf);
	errno = 0;
	EXPECT_EQ(-1, getxattr(self->file, "user.color", buf, 2));
	EXPECT_EQ(ERANGE, errno);
	errno = 0;
	EXPECT_EQ(-1, getxattr(self->file, "user.none", buf, sizeof(buf)));
	EXPECT_EQ(ENODATA, errno);
	/* An empty value is a value. */
	ASSERT_EQ(0, setxattr(self->file, "user.empty", "", 0, 0));
	EXPECT_EQ(0, getxattr(self->file, "user.empty", buf, sizeof(buf)));
}

TEST_F(x, create_and_replace_flags)
{
	char buf[16] = { 0 };

	errno = 0;
	EXPECT_EQ(-1, setxattr(self->file, "user.k", "v", 1, XATTR_REPLACE));
	EXPECT_EQ(ENODATA, errno);
	ASSERT_EQ(0, setxattr(self->file, "user.k", "v1", 2, XATTR_CREATE));
	errno = 0;
	EXPECT_EQ(-1, setxattr(self->file, "user.k", "v2", 2, XATTR_CREATE));
	EXPECT_EQ(EEXIST, errno);
	ASSERT_EQ(0, setxattr(self->file, "user.k", "value3", 6, XATTR_REPLACE));
	EXPECT_EQ(6, getxattr(self->file, "user.k", buf, sizeof(buf)));
	EXPECT_STREQ("value3", buf);
	errno = 0;
	EXPECT_EQ(-1, setxattr(self->file, "user.k", "v", 1, 4));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(x, list_and_remove)
{
	char list[256];
	ssize_t n;

	ASSERT_EQ(0, setxattr(self->file, "user.a", "1", 1, 0));
	ASSERT_EQ(0, setxattr(self->file, "user.bb", "22", 2, 0));
	n = listxattr(self->file, NULL, 0);
	ASSERT_GE(n, 15);
	errno = 0;
	EXPECT_EQ(-1, listxattr(self->file, list, 3));
	EXPECT_EQ(ERANGE, errno);
	n = listxattr(self->file, list, sizeof(list));
	ASSERT_GE(n, 15);
	EXPECT_TRUE(list_has(list, n, "user.a"));
	EXPECT_TRUE(list_has(list, n, "user.bb"));
	ASSERT_EQ(0, removexattr(self->file, "user.a"));
	errno = 0;
	EXPECT_EQ(-1, removexattr(self->file, "user.a"));
	EXPECT_EQ(ENODATA, errno);
	n = listxattr(self->file, list, sizeof(list));
	EXPECT_FALSE(list_has(list, n, "user.a"));
	EXPECT_TRUE(list_has(list, n, "user.bb"));
}

TEST_F(x, bad_names_and_sizes)
{
	char name[300], *big = calloc(1, 70000);

	ASSERT_NE(NULL, big);
	errno = 0;
	EXPECT_EQ(-1, setxattr(self->file, "user.big", big, 65537, 0));
	EXPECT_EQ(E2BIG, errno);
	free(big);
	errno = 0;
	EXPECT_EQ(-1, setxattr(self->file, "", "v", 1, 0));
	EXPECT_EQ(ERANGE, errno);
	strcpy(name, "user.");
	memset(name + 5, 'n', 260);
	name[265] = 0;
	errno = 0;
	EXPECT_EQ(-1, setxattr(self->file, name, "v", 1, 0));
	EXPECT_EQ(ERANGE, errno);
	errno = 0;
	EXPECT_EQ(-1, setxattr(self->file, "nonamespace.x", "v", 1, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	errno = 0;
	EXPECT_EQ(-1, getxattr("/nonexistent-file", "user.x", NULL, 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(x, symlinks_and_file_descriptors)
{
	char buf[16] = { 0 };
	int fd;

	/* user.* is only for regular files and directories: not on the link itself. */
	errno = 0;
	EXPECT_EQ(-1, lsetxattr(self->link, "user.x", "v", 1, 0));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, lgetxattr(self->link, "user.x", buf, sizeof(buf)));
	EXPECT_EQ(ENODATA, errno);
	/* Through the link: the file's. */
	ASSERT_EQ(0, setxattr(self->link, "user.via", "link", 4, 0));
	fd = open(self->file, O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(4, fgetxattr(fd, "user.via", buf, sizeof(buf)));
	EXPECT_STREQ("link", buf);
	ASSERT_EQ(0, fsetxattr(fd, "user.fd", "x", 1, 0));
	EXPECT_GT(flistxattr(fd, NULL, 0), 0);
	ASSERT_EQ(0, fremovexattr(fd, "user.fd"));
	close(fd);
	errno = 0;
	EXPECT_EQ(-1, fgetxattr(99, "user.fd", buf, sizeof(buf)));
	EXPECT_EQ(EBADF, errno);
	/* Directories take user attributes too. */
	ASSERT_EQ(0, setxattr(self->dir, "user.d", "dir", 3, 0));
	EXPECT_EQ(3, getxattr(self->dir, "user.d", NULL, 0));
}

TEST_F(x, a_large_value_round_trips)
{
	char val[3000], back[3000];

	for (size_t i = 0; i < sizeof(val); i++)
		val[i] = (char)(i * 13);
	ASSERT_EQ(0, setxattr(self->file, "user.large", val, sizeof(val), 0));
	EXPECT_EQ((ssize_t)sizeof(back), getxattr(self->file, "user.large", back, sizeof(back)));
	EXPECT_EQ(0, memcmp(val, back, sizeof(val)));
	ASSERT_EQ(0, removexattr(self->file, "user.large"));
}

TEST_F(x, trusted_is_for_root_only)
{
	char list[256];
	int st;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root");
	ASSERT_EQ(0, setxattr(self->file, "trusted.t", "secret", 6, 0));
	ASSERT_EQ(0, setxattr(self->file, "user.u", "open", 4, 0));
	EXPECT_TRUE(list_has(list, listxattr(self->file, list, sizeof(list)), "trusted.t"));
	ASSERT_EQ(0, chmod(self->file, 0644));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	pid = fork();
	if (pid == 0) {
		char buf[16];
		ssize_t n;

		if (setuid(65534))
			_exit(10);
		if (getxattr(self->file, "trusted.t", buf, sizeof(buf)) != -1 || errno != ENODATA)
			_exit(11);
		if (setxattr(self->file, "trusted.t", "x", 1, 0) != -1 || errno != EPERM)
			_exit(12);
		n = listxattr(self->file, list, sizeof(list));
		if (list_has(list, n, "trusted.t") || !list_has(list, n, "user.u"))
			_exit(13);
		if (getxattr(self->file, "user.u", buf, sizeof(buf)) != 4)
			_exit(14);
		/* No write permission on the file: no user attribute changes. */
		if (setxattr(self->file, "user.u", "x", 1, 0) != -1 || errno != EACCES)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	ASSERT_EQ(0, removexattr(self->file, "trusted.t"));
}

/*
 * "xattr_test set PATH" gives PATH a small user attribute, a trusted one and a 3000-byte
 * one (in an attribute block on ext4); "xattr_test check PATH" verifies them (exit 0).
 * tests/bats/xattr.bats uses them across reboots of an ext4 disk, judged by debugfs.
 */
static int persist(const char *op, const char *path)
{
	char big[3000], back[3000], buf[16] = { 0 };
	int fd;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	if (!strcmp(op, "set")) {
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			return 2;
		close(fd);
		return setxattr(path, "user.kept", "value", 5, 0) ||
		       setxattr(path, "trusted.t", "tv", 2, 0) ||
		       setxattr(path, "user.big", big, sizeof(big), 0) ? 3 : 0;
	}
	if (getxattr(path, "user.kept", buf, sizeof(buf)) != 5 || strcmp(buf, "value"))
		return 4;
	if (getxattr(path, "user.big", back, sizeof(back)) != sizeof(back) ||
	    memcmp(big, back, sizeof(big)))
		return 5;
	return getxattr(path, "trusted.t", buf, sizeof(buf)) == 2 ? 0 : 6;
}

int main(int argc, char **argv)
{
	if (argc == 3 && (!strcmp(argv[1], "set") || !strcmp(argv[1], "check")))
		return persist(argv[1], argv[2]);
	return test_harness_run(argc, argv);
}
