/*
 * Guest test: inode flags (what chattr and lsattr use): FS_IOC_GETFLAGS / SETFLAGS and
 * FS_IOC_FSGETXATTR / FSSETXATTR, who may change which flag, what append-only and
 * immutable files and directories refuse, inheritance by new files, and statx's
 * attributes. Each test runs in a directory under /tmp (ext4 natively and with an ext4
 * root, tmpfs in the initramfs runs) and on a tmpfs mounted for it.
 * Runs natively (the oracle, as root) and inside um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "kselftest_harness.h"

FIXTURE(fl)
{
	char dir[64];
	bool mounted, tmpfs;
};

FIXTURE_VARIANT(fl)
{
	bool mount_tmpfs;
};

FIXTURE_VARIANT_ADD(fl, tmp)
{
	.mount_tmpfs = false,
};

FIXTURE_VARIANT_ADD(fl, tmpfs)
{
	.mount_tmpfs = true,
};

/* The flags of path into *fl; 0 or the errno. */
static int getfl(const char *path, int *fl)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK), r = 0;

	if (fd < 0)
		return errno;
	if (ioctl(fd, FS_IOC_GETFLAGS, fl))
		r = errno;
	close(fd);
	return r;
}

/* Clear then set flags of path (the others kept, as chattr does); 0 or the errno. */
static int chfl(const char *path, int clear, int set)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK), fl = 0, r = 0;

	if (fd < 0)
		return errno;
	if (ioctl(fd, FS_IOC_GETFLAGS, &fl))
		r = errno;
	fl = (fl & ~clear) | set;
	if (!r && ioctl(fd, FS_IOC_SETFLAGS, &fl))
		r = errno;
	close(fd);
	return r;
}

static int unflag(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type != FTW_SL)
		chfl(path, FS_IMMUTABLE_FL | FS_APPEND_FL, 0);
	return 0;
}

static int removeit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (ftw->level > 0)
		remove(path);
	return 0;
}

FIXTURE_SETUP(fl)
{
	struct statfs sf;

	strcpy(self->dir, "/tmp/iflagsXXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	if (variant->mount_tmpfs) {
		if (mount("none", self->dir, "tmpfs", 0, "mode=755"))
			SKIP(return, "cannot mount tmpfs here (%s)", strerror(errno));
		self->mounted = true;
	}
	ASSERT_EQ(0, statfs(self->dir, &sf));
	self->tmpfs = sf.f_type == TMPFS_MAGIC;
	if (!self->tmpfs && sf.f_type != EXT4_SUPER_MAGIC)
		SKIP(return, "/tmp is neither tmpfs nor ext4 (0x%lx)", (long)sf.f_type);
}

FIXTURE_TEARDOWN(fl)
{
	nftw(self->dir, unflag, 16, FTW_PHYS);
	nftw(self->dir, removeit, 16, FTW_PHYS | FTW_DEPTH);
	if (self->mounted)
		umount(self->dir);
	rmdir(self->dir);
}

/* self->dir/name into buf (of 128 bytes). */
#define P(buf, name) (snprintf(buf, 128, "%s/%s", self->dir, name), buf)

static int make(const char *path, const char *data)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, data, strlen(data));
	close(fd);
	return n == (ssize_t)strlen(data) ? 0 : -1;
}

/* errno of a call expected to fail, 0 when it succeeded. */
#define ERR(call) ((call) < 0 ? errno : 0)

static unsigned long long attrs(const char *path, unsigned long long *mask)
{
	struct statx sx;

	*mask = 0;
	memset(&sx, 0, sizeof(sx));
	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx))
		return ~0ULL;
	*mask = sx.stx_attributes_mask;
	return sx.stx_attributes;
}

TEST_F(fl, set_get_and_statx)
{
	char f[128];
	unsigned long long mask = 0, a;
	int fl = 0, fd;

	ASSERT_EQ(0, make(P(f, "f"), "x"));
	ASSERT_EQ(0, getfl(f, &fl));
	EXPECT_EQ(0, fl & (FS_NODUMP_FL | FS_IMMUTABLE_FL | FS_APPEND_FL));
	ASSERT_EQ(0, chfl(f, 0, FS_NODUMP_FL));
	ASSERT_EQ(0, getfl(f, &fl));
	EXPECT_EQ(FS_NODUMP_FL, fl & (FS_NODUMP_FL | FS_IMMUTABLE_FL | FS_APPEND_FL));
	a = attrs(f, &mask);
	EXPECT_EQ(STATX_ATTR_NODUMP, a & (STATX_ATTR_NODUMP | STATX_ATTR_APPEND));
	EXPECT_EQ(STATX_ATTR_NODUMP | STATX_ATTR_APPEND | STATX_ATTR_IMMUTABLE,
		  mask & (STATX_ATTR_NODUMP | STATX_ATTR_APPEND | STATX_ATTR_IMMUTABLE));
	ASSERT_EQ(0, chfl(f, 0, FS_APPEND_FL | FS_IMMUTABLE_FL));
	a = attrs(f, &mask);
	EXPECT_EQ(STATX_ATTR_NODUMP | STATX_ATTR_APPEND | STATX_ATTR_IMMUTABLE,
		  a & (STATX_ATTR_NODUMP | STATX_ATTR_APPEND | STATX_ATTR_IMMUTABLE));
	ASSERT_EQ(0, chfl(f, FS_NODUMP_FL | FS_APPEND_FL | FS_IMMUTABLE_FL, 0));
	ASSERT_EQ(0, getfl(f, &fl));
	EXPECT_EQ(0, fl & (FS_NODUMP_FL | FS_IMMUTABLE_FL | FS_APPEND_FL));
	a = attrs(f, &mask);
	EXPECT_EQ(0ULL, a & (STATX_ATTR_NODUMP | STATX_ATTR_IMMUTABLE));
	/* A bad pointer is EFAULT, not a crash. */
	fd = open(f, O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(EFAULT, ERR(ioctl(fd, FS_IOC_GETFLAGS, (void *)8)));
	EXPECT_EQ(EFAULT, ERR(ioctl(fd, FS_IOC_SETFLAGS, (void *)8)));
	EXPECT_EQ(EFAULT, ERR(ioctl(fd, FS_IOC_FSGETXATTR, (void *)8)));
	close(fd);
}

TEST_F(fl, fsxattr_mirrors_the_flags)
{
	struct fsxattr fa;
	char f[128];
	int fd, fl = 0;

	ASSERT_EQ(0, make(P(f, "f"), "x"));
	fd = open(f, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioctl(fd, FS_IOC_FSGETXATTR, &fa));
	EXPECT_EQ(0u, fa.fsx_xflags & (FS_XFLAG_NODUMP | FS_XFLAG_APPEND));
	fa.fsx_xflags |= FS_XFLAG_NODUMP | FS_XFLAG_NOATIME;
	ASSERT_EQ(0, ioctl(fd, FS_IOC_FSSETXATTR, &fa));
	ASSERT_EQ(0, ioctl(fd, FS_IOC_GETFLAGS, &fl));
	EXPECT_EQ(FS_NODUMP_FL | FS_NOATIME_FL, fl & (FS_NODUMP_FL | FS_NOATIME_FL | FS_APPEND_FL));
	memset(&fa, 0, sizeof(fa));
	ASSERT_EQ(0, ioctl(fd, FS_IOC_FSGETXATTR, &fa));
	EXPECT_EQ(FS_XFLAG_NODUMP | FS_XFLAG_NOATIME,
		  fa.fsx_xflags & (FS_XFLAG_NODUMP | FS_XFLAG_NOATIME | FS_XFLAG_APPEND));
	fa.fsx_xflags &= ~(FS_XFLAG_NODUMP | FS_XFLAG_NOATIME);
	ASSERT_EQ(0, ioctl(fd, FS_IOC_FSSETXATTR, &fa));
	ASSERT_EQ(0, ioctl(fd, FS_IOC_GETFLAGS, &fl));
	EXPECT_EQ(0, fl & (FS_NODUMP_FL | FS_NOATIME_FL));
	close(fd);
}

TEST_F(fl, flags_each_filesystem_refuses)
{
	char f[128], d[128];
	int fl = 0;

	ASSERT_EQ(0, make(P(f, "f"), "x"));
	ASSERT_EQ(0, mkdir(P(d, "d"), 0755));
	/* A bit no filesystem shows. */
	EXPECT_EQ(EOPNOTSUPP, chfl(f, 0, (int)0x80000000));
	if (self->tmpfs) {
		/* tmpfs keeps only append, immutable, nodump and noatime. */
		EXPECT_EQ(EOPNOTSUPP, chfl(f, 0, FS_SYNC_FL));
		EXPECT_EQ(EOPNOTSUPP, chfl(d, 0, FS_DIRSYNC_FL));
	} else {
		ASSERT_EQ(0, chfl(f, 0, FS_SYNC_FL));
		ASSERT_EQ(0, getfl(f, &fl));
		EXPECT_TRUE(fl & FS_SYNC_FL);
		/* Directory-only flags on a file. */
		EXPECT_EQ(EOPNOTSUPP, chfl(f, 0, FS_DIRSYNC_FL));
		ASSERT_EQ(0, chfl(d, 0, FS_DIRSYNC_FL));
		/* An immutable ext4 file changes no other flag until made mutable. */
		ASSERT_EQ(0, chfl(f, 0, FS_IMMUTABLE_FL));
		EXPECT_EQ(EPERM, chfl(f, 0, FS_NODUMP_FL));
		EXPECT_EQ(0, chfl(f, FS_IMMUTABLE_FL, 0));
	}
}

TEST_F(fl, files_without_flags_are_enotty)
{
	int p[2], fl, fd;

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(ENOTTY, ERR(ioctl(p[0], FS_IOC_GETFLAGS, &fl)));
	EXPECT_EQ(ENOTTY, ERR(ioctl(p[1], FS_IOC_SETFLAGS, &fl)));
	close(p[0]);
	close(p[1]);
	fd = open("/proc/self/status", O_RDONLY);
	if (fd >= 0) {
		EXPECT_EQ(ENOTTY, ERR(ioctl(fd, FS_IOC_GETFLAGS, &fl)));
		close(fd);
	}
}

/* As uid/gid 65534 without capabilities: 0, or the number of the step that went wrong. */
static int as_nobody(const char *mine, const char *roots)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 1;
	if (chfl(mine, 0, FS_NODUMP_FL))
		return 2; /* the owner sets ordinary flags */
	if (chfl(mine, 0, FS_APPEND_FL) != EPERM || chfl(mine, 0, FS_IMMUTABLE_FL) != EPERM)
		return 3; /* but not these two without CAP_LINUX_IMMUTABLE */
	if (chfl(roots, 0, FS_NODUMP_FL) != EPERM)
		return 4; /* nor anything on another's file */
	return 0;
}

TEST_F(fl, who_may_change_flags)
{
	char mine[128], roots[128];
	int status, fl = 0;
	pid_t pid;

	ASSERT_EQ(0, chmod(self->dir, 0755));
	ASSERT_EQ(0, make(P(mine, "mine"), "x"));
	ASSERT_EQ(0, make(P(roots, "roots"), "x"));
	ASSERT_EQ(0, chown(mine, 65534, 65534));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(as_nobody(mine, roots));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, getfl(mine, &fl));
	EXPECT_EQ(FS_NODUMP_FL, fl & (FS_NODUMP_FL | FS_APPEND_FL | FS_IMMUTABLE_FL));
	ASSERT_EQ(0, getfl(roots, &fl));
	EXPECT_EQ(0, fl & FS_NODUMP_FL);
}

TEST_F(fl, immutable_file_refuses_every_change)
{
	char f[128], g[128], buf[8] = { 0 };
	struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };
	int fd, wfd;
	void *m;

	ASSERT_EQ(0, make(P(f, "f"), "data"));
	wfd = open(f, O_WRONLY);
	ASSERT_GE(wfd, 0);
	ASSERT_EQ(0, chfl(f, 0, FS_IMMUTABLE_FL));
	EXPECT_EQ(EPERM, ERR(open(f, O_WRONLY)));
	EXPECT_EQ(EPERM, ERR(open(f, O_RDWR | O_APPEND)));
	EXPECT_EQ(EPERM, ERR(truncate(f, 0)));
	EXPECT_EQ(EPERM, ERR(unlink(f)));
	EXPECT_EQ(EPERM, ERR(rename(f, P(g, "g"))));
	EXPECT_EQ(EPERM, ERR(link(f, g)));
	EXPECT_EQ(EPERM, ERR(chmod(f, 0600)));
	EXPECT_EQ(EPERM, ERR(chown(f, 1, 1)));
	EXPECT_EQ(EPERM, ERR(setxattr(f, "user.x", "1", 1, 0)));
	EXPECT_EQ(EPERM, ERR(utimensat(AT_FDCWD, f, NULL, 0)));
	EXPECT_EQ(EPERM, ERR(utimensat(AT_FDCWD, f, ts, 0)));
	EXPECT_EQ(EPERM, ERR(fallocate(wfd, 0, 0, 4096)));
	if (!self->tmpfs) /* ext4 also stops writes through a descriptor opened before */
		EXPECT_EQ(EPERM, ERR(write(wfd, "x", 1)));
	close(wfd);
	fd = open(f, O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(4, read(fd, buf, sizeof(buf)));
	EXPECT_STREQ("data", buf);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EACCES, errno);
	close(fd);
	ASSERT_EQ(0, chfl(f, FS_IMMUTABLE_FL, 0));
	EXPECT_EQ(0, rename(f, g));
	EXPECT_EQ(0, unlink(g));
}

TEST_F(fl, immutable_directory_keeps_its_entries)
{
	char d[128], e[128], n[128], out[128];
	int fd;

	ASSERT_EQ(0, mkdir(P(d, "d"), 0755));
	ASSERT_EQ(0, make(P(e, "d/e"), "x"));
	ASSERT_EQ(0, make(P(out, "out"), "x"));
	ASSERT_EQ(0, chfl(d, 0, FS_IMMUTABLE_FL));
	EXPECT_EQ(EPERM, ERR(open(P(n, "d/new"), O_CREAT | O_WRONLY, 0644)));
	EXPECT_EQ(EPERM, ERR(mkdir(n, 0755)));
	EXPECT_EQ(EPERM, ERR(symlink("e", n)));
	EXPECT_EQ(EPERM, ERR(unlink(e)));
	EXPECT_EQ(EPERM, ERR(rename(e, n)));
	EXPECT_EQ(EPERM, ERR(rename(out, n)));
	EXPECT_EQ(EPERM, ERR(link(out, n)));
	EXPECT_EQ(EPERM, ERR(rmdir(d)));
	/* Its files are not immutable themselves. */
	fd = open(e, O_WRONLY | O_TRUNC);
	EXPECT_GE(fd, 0);
	EXPECT_EQ(1, write(fd, "y", 1));
	close(fd);
	ASSERT_EQ(0, chfl(d, FS_IMMUTABLE_FL, 0));
	EXPECT_EQ(0, unlink(e));
}

TEST_F(fl, append_only_file_only_grows)
{
	char f[128], g[128], buf[16] = { 0 };
	struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };
	int fd, fl;

	ASSERT_EQ(0, make(P(f, "f"), "abc"));
	ASSERT_EQ(0, chfl(f, 0, FS_APPEND_FL));
	EXPECT_EQ(EPERM, ERR(open(f, O_WRONLY)));
	EXPECT_EQ(EPERM, ERR(open(f, O_RDWR)));
	EXPECT_EQ(EPERM, ERR(open(f, O_WRONLY | O_APPEND | O_TRUNC)));
	fd = open(f, O_RDWR | O_APPEND);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(2, write(fd, "de", 2));
	EXPECT_EQ(1, pwrite(fd, "X", 1, 0)); /* O_APPEND: still at the end */
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(1, write(fd, "Y", 1));
	EXPECT_EQ(7, pread(fd, buf, sizeof(buf), 0));
	EXPECT_STREQ("abcdeXY", buf);
	fl = fcntl(fd, F_GETFL);
	EXPECT_EQ(EPERM, ERR(fcntl(fd, F_SETFL, fl & ~O_APPEND)));
	EXPECT_EQ(0, fcntl(fd, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(EPERM, ERR(ftruncate(fd, 0)));
	EXPECT_EQ(EPERM, ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 1)));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(EACCES, errno);
	close(fd);
	EXPECT_EQ(EPERM, ERR(truncate(f, 0)));
	EXPECT_EQ(EPERM, ERR(unlink(f)));
	EXPECT_EQ(EPERM, ERR(rename(f, P(g, "g"))));
	EXPECT_EQ(EPERM, ERR(link(f, g)));
	EXPECT_EQ(EPERM, ERR(chmod(f, 0600)));
	EXPECT_EQ(EPERM, ERR(setxattr(f, "user.x", "1", 1, 0)));
	EXPECT_EQ(EPERM, ERR(utimensat(AT_FDCWD, f, ts, 0)));
	EXPECT_EQ(0, utimensat(AT_FDCWD, f, NULL, 0)); /* "now" is allowed */
	fd = open(f, O_RDONLY);
	EXPECT_GE(fd, 0);
	close(fd);
}

TEST_F(fl, append_only_directory_only_gains_entries)
{
	char d[128], e[128], n[128];

	ASSERT_EQ(0, mkdir(P(d, "d"), 0755));
	ASSERT_EQ(0, make(P(e, "d/e"), "x"));
	ASSERT_EQ(0, chfl(d, 0, FS_APPEND_FL));
	EXPECT_EQ(0, make(P(n, "d/new"), "y"));
	EXPECT_EQ(EPERM, ERR(unlink(e)));
	EXPECT_EQ(EPERM, ERR(rename(e, n)));
	EXPECT_EQ(0, access(n, F_OK));
}

TEST_F(fl, new_files_inherit_nodump)
{
	char d[128], e[128], s[128];
	int fl = 0;

	ASSERT_EQ(0, mkdir(P(d, "d"), 0755));
	ASSERT_EQ(0, chfl(d, 0, FS_NODUMP_FL));
	ASSERT_EQ(0, make(P(e, "d/e"), "x"));
	ASSERT_EQ(0, mkdir(P(s, "d/s"), 0755));
	ASSERT_EQ(0, getfl(e, &fl));
	EXPECT_TRUE(fl & FS_NODUMP_FL);
	ASSERT_EQ(0, getfl(s, &fl));
	EXPECT_TRUE(fl & FS_NODUMP_FL);
}

/* Read f and return its atime afterwards (seconds), or -1. */
static long read_atime(const char *f)
{
	struct stat st;
	char c;
	int fd = open(f, O_RDONLY);

	if (fd < 0 || read(fd, &c, 1) != 1)
		return -1;
	close(fd);
	return stat(f, &st) ? -1 : (long)st.st_atime;
}

TEST_F(fl, noatime_keeps_atime_on_reads)
{
	struct timespec old[2] = { { 1000, 0 }, { UTIME_OMIT, UTIME_OMIT } };
	char f[128];

	ASSERT_EQ(0, make(P(f, "f"), "x"));
	ASSERT_EQ(0, utimensat(AT_FDCWD, f, old, 0));
	EXPECT_NE(1000, read_atime(f)); /* relatime: an atime older than mtime moves */
	ASSERT_EQ(0, chfl(f, 0, FS_NOATIME_FL));
	ASSERT_EQ(0, utimensat(AT_FDCWD, f, old, 0));
	EXPECT_EQ(1000, read_atime(f));
}

TEST_HARNESS_MAIN
