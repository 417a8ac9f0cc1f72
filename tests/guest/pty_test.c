/*
 * Guest test: pseudo-terminals. /dev/ptmx and /dev/pts/N through glibc (posix_openpt,
 * grantpt, unlockpt, ptsname, openpty, forkpty), the line discipline seen from the master
 * (echo, canonical and raw input, output processing, VMIN/VTIME), job control on a pty
 * that is a controlling terminal (^C to the foreground group only, SIGTTIN, SIGWINCH),
 * hang-up in both directions, and poll readiness. Runs natively (the oracle) and inside
 * um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "kselftest_harness.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* A master and its slave (O_NOCTTY), through posix_openpt and friends. */
static int open_pair(int *slave, int *index)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0 || grantpt(m) || unlockpt(m) || ioctl(m, TIOCGPTN, index))
		return -1;
	*slave = open(ptsname(m), O_RDWR | O_NOCTTY);
	return *slave < 0 ? -1 : m;
}

/* Read what the master has within ms milliseconds (NUL-terminated); bytes read. */
static int drain(int m, char *buf, size_t cap, int ms)
{
	struct pollfd p = { .fd = m, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got + 1 < cap && poll(&p, 1, ms) == 1 && (p.revents & POLLIN)) {
		n = read(m, buf + got, cap - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		ms = 50; /* the rest of a burst */
	}
	buf[got] = '\0';
	return (int)got;
}

/* Child: become a session leader with the slave of master index idx as its terminal. */
static int take_ctty(int idx)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "/dev/pts/%d", idx);
	if (setsid() < 0)
		return -1;
	fd = open(name, O_RDWR);
	return fd;
}

/* Read one byte from fd (a pipe), waiting up to ms; -1 on timeout. */
static int wait_byte(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, ms) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return (unsigned char)c;
}

TEST(ptsname_matches_tiocgptn_and_the_node)
{
	int m, s, idx, n2;
	char want[32];
	struct stat st;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	ASSERT_LE(0, m);
	ASSERT_EQ(0, ioctl(m, TIOCGPTN, &idx));
	snprintf(want, sizeof(want), "/dev/pts/%d", idx);
	ASSERT_STREQ(want, ptsname(m));
	ASSERT_EQ(0, grantpt(m));
	/* locked until unlockpt */
	EXPECT_EQ(-1, open(want, O_RDWR | O_NOCTTY));
	EXPECT_EQ(EIO, errno);
	ASSERT_EQ(0, unlockpt(m));
	ASSERT_EQ(0, stat(want, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(136u + idx / 256, major(st.st_rdev));
	EXPECT_EQ((unsigned)idx % 256, minor(st.st_rdev));
	EXPECT_EQ(getuid(), st.st_uid);
	/* 0620 on our boot mount (mode=620), 0600 for a plain Linux devpts mount */
	EXPECT_TRUE((st.st_mode & 07777) == 0620 || (st.st_mode & 07777) == 0600);
	s = open(want, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, s);
	EXPECT_EQ(1, isatty(s));
	EXPECT_STREQ(want, ttyname(s));
	/* a second pair gets another index; the node goes when the master closes */
	n2 = posix_openpt(O_RDWR | O_NOCTTY);
	ASSERT_LE(0, n2);
	EXPECT_STRNE(want, ptsname(n2));
	close(n2);
	close(s);
	close(m);
	EXPECT_EQ(-1, access(want, F_OK));
}

TEST(canonical_input_is_echoed_and_read_by_line)
{
	char buf[64];
	int m, s, idx;

	m = open_pair(&s, &idx);
	ASSERT_LE(0, m);
	ASSERT_EQ(8, write(m, "hel\x7flo\nx", 8));
	ASSERT_EQ(5, read(s, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "helo\n", 5));
	drain(m, buf, sizeof(buf), 500);
	EXPECT_STREQ("hel\b \blo\r\nx", buf);
	/* the partial line "x" is not readable yet */
	fcntl(s, F_SETFL, O_NONBLOCK);
	EXPECT_EQ(-1, read(s, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	/* ^D ends it without a newline; ^D alone is end of file */
	ASSERT_EQ(2, write(m, "\x04\x04", 2));
	EXPECT_EQ(1, read(s, buf, sizeof(buf)));
	EXPECT_EQ(0, read(s, buf, sizeof(buf)));
	close(s);
	close(m);
}

TEST(raw_mode_input_and_output_processing)
{
	struct termios t;
	char buf[64];
	int m, s, idx;

	m = open_pair(&s, &idx);
	ASSERT_LE(0, m);
	/* OPOST/ONLCR: the slave's newline reaches the master as CR LF */
	ASSERT_EQ(3, write(s, "a\nb", 3));
	drain(m, buf, sizeof(buf), 500);
	EXPECT_STREQ("a\r\nb", buf);
	ASSERT_EQ(0, tcgetattr(s, &t));
	cfmakeraw(&t);
	ASSERT_EQ(0, tcsetattr(s, TCSANOW, &t));
	/* termios set on the slave is what the master sees */
	ASSERT_EQ(0, tcgetattr(m, &t));
	EXPECT_EQ(0, t.c_lflag & (ICANON | ECHO));
	ASSERT_EQ(4, write(m, "ab\x03\n", 4));
	ASSERT_EQ(4, read(s, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "ab\x03\n", 4));
	EXPECT_EQ(0, drain(m, buf, sizeof(buf), 100)); /* no echo */
	ASSERT_EQ(3, write(s, "c\nd", 3));
	drain(m, buf, sizeof(buf), 500);
	EXPECT_STREQ("c\nd", buf);
	/* VMIN 0, VTIME 1: a read with nothing to read returns 0 after 0.1 s */
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 1;
	ASSERT_EQ(0, tcsetattr(s, TCSANOW, &t));
	EXPECT_EQ(0, read(s, buf, sizeof(buf)));
	close(s);
	close(m);
}

TEST(queue_ioctls_and_poll)
{
	struct pollfd p[2];
	char buf[64];
	int m, s, idx, n;

	m = open_pair(&s, &idx);
	ASSERT_LE(0, m);
	p[0] = (struct pollfd){ .fd = m, .events = POLLIN | POLLOUT };
	p[1] = (struct pollfd){ .fd = s, .events = POLLIN | POLLOUT };
	ASSERT_EQ(2, poll(p, 2, 0));
	EXPECT_EQ(POLLOUT, p[0].revents);
	EXPECT_EQ(POLLOUT, p[1].revents);
	ASSERT_EQ(4, write(s, "data", 4));
	ASSERT_EQ(1, poll(p, 1, 1000)); /* Linux moves pty data asynchronously */
	usleep(20000);
	ASSERT_EQ(0, ioctl(m, FIONREAD, &n));
	EXPECT_EQ(4, n);
	EXPECT_TRUE(p[0].revents & POLLIN);
	ASSERT_EQ(0, tcflush(m, TCIFLUSH));
	ASSERT_EQ(0, ioctl(m, FIONREAD, &n));
	EXPECT_EQ(0, n);
	ASSERT_EQ(4, write(m, "xyz\n", 4));
	p[1].events = POLLIN;
	ASSERT_EQ(1, poll(&p[1], 1, 1000));
	EXPECT_TRUE(p[1].revents & POLLIN);
	ASSERT_EQ(0, ioctl(s, FIONREAD, &n));
	EXPECT_EQ(4, n);
	drain(m, buf, sizeof(buf), 200); /* the echo */
	ASSERT_EQ(0, tcflush(s, TCIFLUSH));
	ASSERT_EQ(0, ioctl(s, FIONREAD, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(0, tcdrain(s));
	EXPECT_EQ(0, tcsendbreak(s, 0));
	ASSERT_EQ(0, ioctl(s, TIOCOUTQ, &n));
	EXPECT_EQ(0, n);
	/* packet mode: accepted, reported, and data reads start with TIOCPKT_DATA */
	n = 1;
	ASSERT_EQ(0, ioctl(m, TIOCPKT, &n));
	n = 0;
	ASSERT_EQ(0, ioctl(m, TIOCGPKT, &n));
	EXPECT_EQ(1, n);
	ASSERT_EQ(2, write(s, "pk", 2));
	ASSERT_EQ(3, read(m, buf, sizeof(buf)));
	EXPECT_EQ(TIOCPKT_DATA, buf[0]);
	EXPECT_EQ(0, memcmp(buf + 1, "pk", 2));
	close(s);
	close(m);
}

TEST(hangup_when_either_side_closes)
{
	char buf[16];
	int m, s, idx;
	struct pollfd p;

	/* slave closed: the master reads what is left, then EIO, and polls POLLHUP */
	m = open_pair(&s, &idx);
	ASSERT_LE(0, m);
	ASSERT_EQ(2, write(s, "hi", 2));
	close(s);
	EXPECT_EQ(2, read(m, buf, sizeof(buf)));
	EXPECT_EQ(-1, read(m, buf, sizeof(buf)));
	EXPECT_EQ(EIO, errno);
	p = (struct pollfd){ .fd = m, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLHUP);
	close(m);
	/* master closed: the slave reads end of file, writes fail with EIO */
	m = open_pair(&s, &idx);
	ASSERT_LE(0, m);
	close(m);
	EXPECT_EQ(0, read(s, buf, sizeof(buf)));
	EXPECT_EQ(-1, write(s, "x", 1));
	EXPECT_EQ(EIO, errno);
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLHUP);
	close(s);
}

TEST(the_master_before_the_slave_opens_and_after_it_closes)
{
	struct pollfd p;
	char buf[16], *name;
	int m, s;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, m);
	ASSERT_EQ(0, unlockpt(m));
	name = ptsname(m);
	ASSERT_NE(NULL, name);
	/* no slave yet: nothing to read, but no hang-up either */
	EXPECT_EQ(-1, read(m, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	p = (struct pollfd){ .fd = m, .events = POLLIN | POLLOUT };
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLOUT, p.revents);
	s = open(name, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, s);
	close(s);
	EXPECT_EQ(-1, read(m, buf, sizeof(buf)));
	EXPECT_EQ(EIO, errno);
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLOUT | POLLHUP, p.revents);
	/* input written meanwhile waits for the next slave */
	ASSERT_EQ(4, write(m, "abc\n", 4));
	s = open(name, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, s);
	EXPECT_EQ(4, read(s, buf, sizeof(buf)));
	close(s);
	close(m);
}

static volatile sig_atomic_t got_sig;

static void on_sig(int sig)
{
	got_sig = sig;
}

/* Child body: a session on the pty; reports with a byte on fd 'out'. */
static void ctty_child(int idx, int out, int which)
{
	char name[32], c;
	int fd = take_ctty(idx), pg, sid;
	FILE *f;
	unsigned long tty_nr = 0;

	if (fd < 0)
		_exit(10);
	if (which == 0) { /* identity: /dev/tty, TIOCGSID, tty_nr, TIOCGPGRP */
		int t = open("/dev/tty", O_RDWR);

		snprintf(name, sizeof(name), "/dev/pts/%d", idx);
		if (t < 0 || write(t, "via-tty\n", 8) != 8)
			_exit(11);
		if (ioctl(fd, TIOCGSID, &sid) || sid != getpid())
			_exit(12);
		if (ioctl(fd, TIOCGPGRP, &pg) || pg != getpgrp())
			_exit(13);
		f = fopen("/proc/self/stat", "r");
		if (!f || fscanf(f, "%*d %*s %*c %*d %*d %*d %lu", &tty_nr) != 1)
			_exit(14);
		if (tty_nr != makedev(136 + idx / 256, idx % 256))
			_exit(15);
		if (strcmp(ttyname(t) ? ttyname(t) : "", "/dev/tty") &&
		    strcmp(ttyname(t) ? ttyname(t) : "", name))
			_exit(16);
		_exit(0);
	}
	if (which == 1) { /* SIGWINCH and the window size */
		struct winsize ws;

		signal(SIGWINCH, on_sig);
		c = 'r';
		write(out, &c, 1);
		while (got_sig != SIGWINCH)
			pause();
		ioctl(fd, TIOCGWINSZ, &ws);
		_exit(ws.ws_row == 33 && ws.ws_col == 77 ? 0 : 20);
	}
	/* which == 2: hang-up */
	signal(SIGHUP, on_sig);
	c = 'r';
	write(out, &c, 1);
	while (got_sig != SIGHUP)
		pause();
	_exit(read(fd, &c, 1) == 0 && open("/dev/tty", O_RDWR) < 0 ? 0 : 30);
}

/* Fork ctty_child(which) on a new pair; returns its pid, *m the master, *rd its pipe. */
static pid_t spawn(int which, int *m, int *rd)
{
	int s, idx, pfd[2];
	pid_t pid;

	*m = open_pair(&s, &idx);
	if (*m < 0 || pipe(pfd))
		return -1;
	close(s);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		close(*m);
		ctty_child(idx, pfd[1], which);
	}
	close(pfd[1]);
	*rd = pfd[0];
	return pid;
}

TEST(a_slave_becomes_the_controlling_terminal)
{
	char buf[64];
	int m, rd, st;
	pid_t pid = spawn(0, &m, &rd);

	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	drain(m, buf, sizeof(buf), 500);
	EXPECT_STREQ("via-tty\r\n", buf);
	close(m);
	close(rd);
}

TEST(window_size_change_sends_sigwinch)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 77 };
	int m, rd, st;
	pid_t pid = spawn(1, &m, &rd);

	ASSERT_LT(0, pid);
	ASSERT_EQ('r', wait_byte(rd, 5000));
	ASSERT_EQ(0, ioctl(m, TIOCSWINSZ, &ws));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	memset(&ws, 0, sizeof(ws));
	ASSERT_EQ(0, ioctl(m, TIOCGWINSZ, &ws));
	EXPECT_EQ(33, ws.ws_row);
	close(m);
	close(rd);
}

TEST(closing_the_master_hangs_up_the_session)
{
	int m, rd, st;
	pid_t pid = spawn(2, &m, &rd);

	ASSERT_LT(0, pid);
	ASSERT_EQ('r', wait_byte(rd, 5000));
	close(m);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	close(rd);
}

/*
 * A shell-like session leader on the pty: a foreground job and a background job, both
 * waiting. ^C typed at the master kills only the foreground one; the background one
 * reading the terminal is stopped by SIGTTIN. The leader exits with a summary bit mask.
 */
static void job_control_leader(int idx, int out)
{
	int fd = take_ctty(idx), st, r = 0;
	pid_t fg, bg;
	char c = 'r';

	if (fd < 0)
		_exit(100);
	signal(SIGTTOU, SIG_IGN);
	fg = fork();
	if (fg == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(fg, fg);
	bg = fork();
	if (bg == 0) {
		setpgid(0, 0);
		signal(SIGTTOU, SIG_DFL);
		read(fd, &c, 1); /* a background read: SIGTTIN stops us */
		_exit(1);
	}
	setpgid(bg, bg);
	if (tcsetpgrp(fd, fg))
		_exit(101);
	if (waitpid(bg, &st, WUNTRACED) == bg && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN)
		r |= 1;
	write(out, &c, 1); /* ready for ^C */
	if (waitpid(fg, &st, 0) == fg && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT)
		r |= 2;
	if (waitpid(bg, &st, WNOHANG) == 0)
		r |= 4; /* still there (stopped) */
	kill(bg, SIGKILL);
	waitpid(bg, &st, 0);
	_exit(r);
}

TEST(ctrl_c_kills_only_the_foreground_job)
{
	int s, idx, pfd[2], st;
	int m = open_pair(&s, &idx);
	pid_t pid;

	ASSERT_LE(0, m);
	close(s);
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		job_control_leader(idx, pfd[1]);
	}
	close(pfd[1]);
	ASSERT_LE(0, wait_byte(pfd[0], 5000));
	ASSERT_EQ(1, write(m, "\x03", 1));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(7, WEXITSTATUS(st));
	close(pfd[0]);
	close(m);
}

TEST(openpty_forkpty_and_tiocgptpeer)
{
	char buf[128], name[64];
	int m, s, peer, st;
	pid_t pid;

	ASSERT_EQ(0, openpty(&m, &s, name, NULL, NULL));
	peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, peer);
	EXPECT_STREQ(name, ttyname(peer));
	ASSERT_EQ(2, write(peer, "p\n", 2));
	drain(m, buf, sizeof(buf), 500);
	EXPECT_STREQ("p\r\n", buf);
	close(peer);
	close(s);
	close(m);

	pid = forkpty(&m, NULL, NULL, NULL);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		printf("child tty=%d sid=%d\n", isatty(0), getsid(0) == getpid());
		fflush(stdout);
		_exit(0);
	}
	drain(m, buf, sizeof(buf), 2000);
	EXPECT_STREQ("child tty=1 sid=1\r\n", buf);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	close(m);
}

TEST_HARNESS_MAIN
