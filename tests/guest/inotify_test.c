/*
 * Guest test: inotify. Directory events (create, delete, moves with a shared cookie),
 * file events seen on the file and, named, on its directory (open, modify, attrib,
 * close), self events (delete, move), IN_ONESHOT, IN_ONLYDIR, IN_MASK_ADD, rm_watch's
 * IN_IGNORED, blocking and non-blocking reads, poll, FIONREAD, and the queue's overflow;
 * and dnotify (fcntl F_NOTIFY), which signals SIGIO.
 * Runs natively (the oracle) and inside um-lite, on the filesystem holding /tmp.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define MAXEV 64

struct ev {
	int wd;
	unsigned mask, cookie;
	char name[64];
};

/* Read what is queued now (non-blocking fd) into evs; returns the count. */
static int drain(int fd, struct ev *evs)
{
	char buf[8192] __attribute__((aligned(8)));
	int n = 0;
	ssize_t len;

	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len && n < MAXEV;) {
			struct inotify_event *e = (struct inotify_event *)p;

			evs[n].wd = e->wd;
			evs[n].mask = e->mask;
			evs[n].cookie = e->cookie;
			snprintf(evs[n].name, sizeof(evs[n].name), "%s", e->len ? e->name : "");
			n++;
			p += sizeof(*e) + e->len;
		}
	}
	return n;
}

/* Index of the first event with this wd, mask and name at or after from, or -1. */
static int find(struct ev *evs, int n, int from, int wd, unsigned mask, const char *name)
{
	for (int i = from; i < n; i++)
		if (evs[i].wd == wd && evs[i].mask == mask && !strcmp(evs[i].name, name))
			return i;
	return -1;
}

FIXTURE(in)
{
	char dir[64];
	int fd;
	struct ev evs[MAXEV];
};

FIXTURE_SETUP(in)
{
	strcpy(self->dir, "/tmp/inotifyXXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(in)
{
	char cmd[128];

	close(self->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cleanup of %s failed", self->dir);
}

static void path_in(char *out, const char *dir, const char *name)
{
	sprintf(out, "%s/%s", dir, name);
}

TEST_F(in, directory_events_name_the_entries)
{
	char a[96], b[96], sub[96];
	int wd, n, fd, i, j;

	wd = inotify_add_watch(self->fd, self->dir, IN_CREATE | IN_DELETE | IN_MOVED_FROM |
			       IN_MOVED_TO);
	ASSERT_GT(wd, 0);
	path_in(a, self->dir, "a");
	path_in(b, self->dir, "b");
	path_in(sub, self->dir, "sub");
	fd = open(a, O_CREAT | O_WRONLY, 0644);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, rename(a, b));
	ASSERT_EQ(0, mkdir(sub, 0755));
	ASSERT_EQ(0, rmdir(sub));
	ASSERT_EQ(0, unlink(b));
	n = drain(self->fd, self->evs);
	EXPECT_EQ(0, find(self->evs, n, 0, wd, IN_CREATE, "a"));
	i = find(self->evs, n, 0, wd, IN_MOVED_FROM, "a");
	j = find(self->evs, n, 0, wd, IN_MOVED_TO, "b");
	ASSERT_GE(i, 0);
	ASSERT_EQ(i + 1, j);
	EXPECT_NE(0, self->evs[i].cookie);
	EXPECT_EQ(self->evs[i].cookie, self->evs[j].cookie);
	EXPECT_GT(find(self->evs, n, j, wd, IN_CREATE | IN_ISDIR, "sub"), j);
	EXPECT_GT(find(self->evs, n, j, wd, IN_DELETE | IN_ISDIR, "sub"), j);
	EXPECT_EQ(n - 1, find(self->evs, n, 0, wd, IN_DELETE, "b"));
	EXPECT_EQ(6, n);
}

TEST_F(in, file_events_reach_the_file_and_its_directory)
{
	char f[96];
	int dwd, fwd, fd, n;

	path_in(f, self->dir, "file");
	fd = open(f, O_CREAT | O_WRONLY, 0644);
	ASSERT_GE(fd, 0);
	close(fd);
	dwd = inotify_add_watch(self->fd, self->dir, IN_OPEN | IN_MODIFY | IN_CLOSE | IN_ATTRIB);
	fwd = inotify_add_watch(self->fd, f, IN_ALL_EVENTS);
	ASSERT_GT(dwd, 0);
	ASSERT_GT(fwd, 0);
	ASSERT_NE(dwd, fwd);
	fd = open(f, O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(3, write(fd, "abc", 3));
	close(fd);
	ASSERT_EQ(0, chmod(f, 0600));
	fd = open(f, O_RDONLY);
	close(fd);
	n = drain(self->fd, self->evs);
	EXPECT_GE(find(self->evs, n, 0, dwd, IN_OPEN, "file"), 0);
	EXPECT_GE(find(self->evs, n, 0, fwd, IN_OPEN, ""), 0);
	EXPECT_GE(find(self->evs, n, 0, dwd, IN_MODIFY, "file"), 0);
	EXPECT_GE(find(self->evs, n, 0, fwd, IN_MODIFY, ""), 0);
	EXPECT_GE(find(self->evs, n, 0, dwd, IN_CLOSE_WRITE, "file"), 0);
	EXPECT_GE(find(self->evs, n, 0, fwd, IN_CLOSE_WRITE, ""), 0);
	EXPECT_GE(find(self->evs, n, 0, dwd, IN_ATTRIB, "file"), 0);
	EXPECT_GE(find(self->evs, n, 0, fwd, IN_ATTRIB, ""), 0);
	EXPECT_GE(find(self->evs, n, 0, dwd, IN_CLOSE_NOWRITE, "file"), 0);
	EXPECT_GE(find(self->evs, n, 0, fwd, IN_CLOSE_NOWRITE, ""), 0);
}

TEST_F(in, self_events_and_ignored)
{
	char f[96], g[96];
	int wd, wd2, fd, n, i;

	path_in(f, self->dir, "self");
	path_in(g, self->dir, "moved");
	fd = open(f, O_CREAT | O_WRONLY, 0644);
	ASSERT_GE(fd, 0);
	close(fd);
	wd = inotify_add_watch(self->fd, f, IN_MOVE_SELF | IN_DELETE_SELF);
	ASSERT_GT(wd, 0);
	ASSERT_EQ(0, rename(f, g));
	ASSERT_EQ(0, unlink(g));
	n = drain(self->fd, self->evs);
	ASSERT_EQ(3, n);
	EXPECT_EQ(0, find(self->evs, n, 0, wd, IN_MOVE_SELF, ""));
	i = find(self->evs, n, 0, wd, IN_DELETE_SELF, "");
	EXPECT_EQ(1, i);
	EXPECT_EQ(2, find(self->evs, n, 0, wd, IN_IGNORED, ""));
	/* rm_watch: IN_IGNORED, and the wd is gone. */
	wd2 = inotify_add_watch(self->fd, self->dir, IN_CREATE);
	ASSERT_GT(wd2, 0);
	ASSERT_EQ(0, inotify_rm_watch(self->fd, wd2));
	n = drain(self->fd, self->evs);
	ASSERT_EQ(1, n);
	EXPECT_EQ(IN_IGNORED, self->evs[0].mask);
	errno = 0;
	EXPECT_EQ(-1, inotify_rm_watch(self->fd, wd2));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(in, oneshot_onlydir_mask_add_and_bad_arguments)
{
	char f[96];
	int wd, fd, n;

	path_in(f, self->dir, "one");
	wd = inotify_add_watch(self->fd, self->dir, IN_CREATE | IN_ONESHOT);
	ASSERT_GT(wd, 0);
	fd = open(f, O_CREAT | O_WRONLY, 0644);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, unlink(f));
	fd = open(f, O_CREAT | O_WRONLY, 0644);
	close(fd);
	n = drain(self->fd, self->evs);
	ASSERT_EQ(2, n);
	EXPECT_EQ(IN_CREATE, self->evs[0].mask);
	EXPECT_EQ(IN_IGNORED, self->evs[1].mask);
	errno = 0;
	EXPECT_EQ(-1, inotify_add_watch(self->fd, f, IN_MODIFY | IN_ONLYDIR));
	EXPECT_EQ(ENOTDIR, errno);
	/* IN_MASK_ADD keeps the old bits; the same inode keeps its wd. */
	wd = inotify_add_watch(self->fd, f, IN_OPEN);
	ASSERT_GT(wd, 0);
	EXPECT_EQ(wd, inotify_add_watch(self->fd, f, IN_ATTRIB | IN_MASK_ADD));
	fd = open(f, O_RDONLY);
	close(fd);
	ASSERT_EQ(0, chmod(f, 0600));
	n = drain(self->fd, self->evs);
	EXPECT_EQ(2, n);
	EXPECT_EQ(0, find(self->evs, n, 0, wd, IN_OPEN, ""));
	EXPECT_EQ(1, find(self->evs, n, 0, wd, IN_ATTRIB, ""));
	errno = 0;
	EXPECT_EQ(-1, inotify_add_watch(self->fd, f, 0));
	EXPECT_EQ(EINVAL, errno);
	fd = open("/", O_RDONLY);
	errno = 0;
	EXPECT_EQ(-1, inotify_add_watch(fd, f, IN_OPEN));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	errno = 0;
	EXPECT_EQ(-1, inotify_add_watch(self->fd, "/nonexistent-x", IN_OPEN));
	EXPECT_EQ(ENOENT, errno);
	errno = 0;
	EXPECT_EQ(-1, inotify_init1(0x1234));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(in, reads_block_poll_and_fionread)
{
	char f[96], small[8];
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	int wd, avail = -1, bfd, st;
	pid_t pid;

	path_in(f, self->dir, "blocked");
	wd = inotify_add_watch(self->fd, self->dir, IN_CREATE);
	ASSERT_GT(wd, 0);
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	errno = 0;
	EXPECT_EQ(-1, read(self->fd, small, sizeof(small)));
	EXPECT_EQ(EAGAIN, errno);
	/* A blocking instance waits for the child's create. */
	bfd = inotify_init();
	ASSERT_GE(bfd, 0);
	ASSERT_GT(inotify_add_watch(bfd, self->dir, IN_CREATE), 0);
	pid = fork();
	if (pid == 0) {
		usleep(100000);
		close(open(f, O_CREAT | O_WRONLY, 0644));
		_exit(0);
	}
	{
		char buf[256] __attribute__((aligned(8)));
		struct inotify_event *e = (struct inotify_event *)buf;

		ASSERT_GT(read(bfd, buf, sizeof(buf)), 0);
		EXPECT_EQ(IN_CREATE, e->mask);
		EXPECT_STREQ("blocked", e->name);
		EXPECT_EQ(0, e->len % sizeof(struct inotify_event));
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	close(bfd);
	EXPECT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(0, ioctl(self->fd, FIONREAD, &avail));
	EXPECT_EQ((int)(sizeof(struct inotify_event) + 16), avail);
	/* Too small for the first event: EINVAL. */
	errno = 0;
	EXPECT_EQ(-1, read(self->fd, small, sizeof(small)));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(in, a_full_queue_reports_overflow)
{
	char f[96];
	int wd, fd, n = 0, overflow = 0;
	char buf[65536] __attribute__((aligned(8)));
	ssize_t len;
	FILE *q = fopen("/proc/sys/fs/inotify/max_queued_events", "r");

	if (q) {
		int max = 0;

		if (fscanf(q, "%d", &max) != 1 || max != 16384) {
			fclose(q);
			SKIP(return, "max_queued_events is not the default 16384");
		}
		fclose(q);
	}
	path_in(f, self->dir, "busy");
	fd = open(f, O_CREAT | O_WRONLY, 0644);
	ASSERT_GE(fd, 0);
	wd = inotify_add_watch(self->fd, f, IN_MODIFY | IN_ATTRIB);
	ASSERT_GT(wd, 0);
	/* Alternate two kinds so that nothing merges; more than the 16384 default. */
	for (int i = 0; i < 9000; i++) {
		ASSERT_EQ(1, write(fd, "x", 1));
		ASSERT_EQ(0, fchmod(fd, i & 1 ? 0644 : 0600));
	}
	close(fd);
	while ((len = read(self->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			struct inotify_event *e = (struct inotify_event *)p;

			if (e->mask & IN_Q_OVERFLOW) {
				overflow++;
				EXPECT_EQ(-1, e->wd);
			}
			n++;
			p += sizeof(*e) + e->len;
		}
	}
	EXPECT_EQ(1, overflow);
	EXPECT_EQ(16385, n);
}

TEST_F(in, unmounting_ends_the_watches)
{
	char mnt[96], f[128];
	int wd, fwd, n;

	path_in(mnt, self->dir, "mnt");
	ASSERT_EQ(0, mkdir(mnt, 0755));
	if (mount("none", mnt, "tmpfs", 0, NULL))
		SKIP(return, "cannot mount tmpfs here (%s)", strerror(errno));
	path_in(f, mnt, "f");
	close(open(f, O_CREAT | O_WRONLY, 0644));
	wd = inotify_add_watch(self->fd, mnt, IN_CREATE);
	fwd = inotify_add_watch(self->fd, f, IN_MODIFY);
	ASSERT_GT(wd, 0);
	ASSERT_GT(fwd, 0);
	ASSERT_EQ(0, umount(mnt));
	n = drain(self->fd, self->evs);
	EXPECT_EQ(4, n);
	EXPECT_GE(find(self->evs, n, 0, wd, IN_UNMOUNT | IN_ISDIR, ""), 0);
	EXPECT_GE(find(self->evs, n, 0, wd, IN_IGNORED, ""), 0);
	EXPECT_GE(find(self->evs, n, 0, fwd, IN_UNMOUNT, ""), 0);
	EXPECT_GE(find(self->evs, n, 0, fwd, IN_IGNORED, ""), 0);
	EXPECT_EQ(0, rmdir(mnt));
}

/* Whether SIGIO (blocked) is pending; takes it when so. */
static bool took_sigio(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t io;

	sigemptyset(&io);
	sigaddset(&io, SIGIO);
	return sigtimedwait(&io, NULL, &zero) == SIGIO;
}

/* fcntl(F_NOTIFY), as Python's test_fcntl.test_fcntl_64_bit uses it (DN_MULTISHOT alone). */
TEST_F(in, dnotify_signals_changes_in_the_directory)
{
	char f[128], g[128], h[128];
	sigset_t io, old;
	int dfd, ffd;

	sigemptyset(&io);
	sigaddset(&io, SIGIO);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &io, &old));
	dfd = open(self->dir, O_RDONLY | O_DIRECTORY);
	ASSERT_GE(dfd, 0);
	path_in(f, self->dir, "f");
	path_in(g, self->dir, "g");
	path_in(h, self->dir, "h");
	ffd = open(f, O_CREAT | O_RDWR, 0644);
	ASSERT_GE(ffd, 0);
	EXPECT_EQ(0, fcntl(dfd, F_NOTIFY, DN_MULTISHOT)); /* no events: removes nothing */
	EXPECT_EQ(-1, fcntl(ffd, F_NOTIFY, DN_CREATE));
	EXPECT_EQ(ENOTDIR, errno);
	/* One shot: the first creation signals, the second does not. */
	ASSERT_EQ(0, fcntl(dfd, F_NOTIFY, DN_CREATE));
	EXPECT_EQ(0, mkdir(g, 0755));
	EXPECT_TRUE(took_sigio());
	EXPECT_EQ(0, rmdir(g));
	EXPECT_EQ(0, mkdir(g, 0755));
	EXPECT_FALSE(took_sigio());
	/* Multishot, for the asked events only: a write, a rename, a removal. */
	ASSERT_EQ(0, fcntl(dfd, F_NOTIFY, DN_MODIFY | DN_RENAME | DN_DELETE | DN_MULTISHOT));
	EXPECT_EQ(0, fchmod(ffd, 0600));
	EXPECT_FALSE(took_sigio());
	EXPECT_EQ(1, write(ffd, "x", 1));
	EXPECT_TRUE(took_sigio());
	EXPECT_EQ(0, rename(f, h));
	EXPECT_TRUE(took_sigio());
	EXPECT_EQ(0, unlink(h));
	EXPECT_TRUE(took_sigio());
	/* 0 removes the mark. */
	EXPECT_EQ(0, fcntl(dfd, F_NOTIFY, 0));
	EXPECT_EQ(0, rmdir(g));
	EXPECT_FALSE(took_sigio());
	close(ffd);
	close(dfd);
	EXPECT_EQ(0, sigprocmask(SIG_SETMASK, &old, NULL));
}

TEST_HARNESS_MAIN
