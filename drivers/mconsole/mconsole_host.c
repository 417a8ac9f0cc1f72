/*
 * Host half of the management console: the umid directory (UML's os-Linux/umid.c), the
 * mconsole socket and the notify socket (UML's mconsole_user.c). The kernel half,
 * mconsole.c, decides what to do; this file only talks to the host.
 *
 * The umid directory <uml_dir>/<umid>/ holds "pid" (our pid and a newline, created
 * O_EXCL, 0644) and "mconsole" (the AF_UNIX datagram socket). A directory whose pid file
 * names a dead process, or has no pid file, was left by an instance that did not exit
 * cleanly: it is emptied and reused. One whose process is alive is in use. The directory
 * is removed by an exit function (os_atexit), which runs at every exit of umlite and
 * before the exec of a reboot, but never in forked children.
 *
 * The socket raises SIGIO (O_ASYNC, owned by us) when a datagram arrives; os/signal.c
 * turns that into the OS_IRQ_IO interrupt bit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "os.h"
#include "mconsole/mconsole_host.h"

#define SEND_PATIENCE_NS 200000000LL /* how long a client may keep its queue full */

static char umid_dir[PATH_MAX]; /* the directory to remove at exit, or "" */

/* out = dir/name (PATH_MAX bytes); -ENAMETOOLONG when it does not fit. */
static int join(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Remove the plain entries of dir (files, sockets), then dir itself. */
static int remove_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (join(path, dir, e->d_name) == 0)
			unlink(path);
	}
	closedir(d);
	return rmdir(dir) < 0 ? -errno : 0;
}

/*
 * The exit function. It may run in the panic path, from a signal handler, so it makes only
 * async-signal-safe calls on the names it created (no opendir).
 */
static void remove_umid_dir(void)
{
	static const char *const files[] = { "pid", "mconsole" };
	char path[PATH_MAX];

	if (!umid_dir[0])
		return;
	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (join(path, umid_dir, files[i]) == 0)
			unlink(path);
	rmdir(umid_dir);
	umid_dir[0] = '\0';
}

/* mkdir -p, each level 0777 & umask as UML makes uml_dir. */
static int make_dirs(const char *dir)
{
	char tmp[PATH_MAX];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, dir, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The live process owning the umid directory dir, or 0 when it is stale. */
static int dir_owner(const char *dir)
{
	char path[PATH_MAX], buf[32];
	long pid;
	ssize_t n;
	char *end;
	int fd;

	if (join(path, dir, "pid") < 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 0 || pid > INT_MAX || pid == getpid())
		return 0;
	if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
		return (int)pid;
	return 0;
}

static int write_pid_file(const char *dir)
{
	char path[PATH_MAX], buf[32];
	int fd, n, err = 0;

	if (join(path, dir, "pid") < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, n) != n)
		err = errno ? -errno : -EIO;
	close(fd);
	return err;
}

/* Create dir, taking it over when a dead instance left it. */
static int take_dir(const char *dir, int *owner)
{
	int err;

	if (mkdir(dir, 0777) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	*owner = dir_owner(dir);
	if (*owner)
		return -EADDRINUSE;
	err = remove_dir(dir);
	if (err < 0)
		return err;
	return mkdir(dir, 0777) < 0 ? -errno : 0;
}

static void random_umid(char *umid)
{
	static const char chars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char r[6];

	if (os_getrandom(r, sizeof(r)) != sizeof(r)) {
		unsigned long x = (unsigned long)getpid() ^ (unsigned long)time(NULL);

		for (int i = 0; i < 6; i++, x /= 7)
			r[i] = (unsigned char)(x * 2654435761UL >> 13);
	}
	for (int i = 0; i < 6; i++)
		umid[i] = chars[r[i] % (sizeof(chars) - 1)];
	umid[6] = '\0';
}

int mconsole_host_umid_dir(const char *dir, char *umid, int *owner)
{
	char path[PATH_MAX];
	bool random = !umid[0];
	int err, tries = 0;

	*owner = 0;
	err = make_dirs(dir);
	if (err < 0)
		return err;
	do {
		if (random)
			random_umid(umid);
		err = join(path, dir, umid);
		if (err == 0)
			err = take_dir(path, owner);
	} while (random && err == -EADDRINUSE && ++tries < 16);
	if (err < 0)
		return err;
	err = write_pid_file(path);
	if (err < 0) {
		remove_dir(path);
		return err;
	}
	memcpy(umid_dir, path, sizeof(path));
	if (os_atexit(remove_umid_dir) < 0) {
		remove_umid_dir();
		return -ENOSPC;
	}
	return 0;
}

static int fill_addr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	strcpy(sun->sun_path, path);
	return 0;
}

int mconsole_host_socket(const char *path)
{
	struct sockaddr_un sun;
	int fd, err = fill_addr(&sun, path);

	if (err < 0)
		return err;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

long mconsole_host_recv(int fd, void *buf, size_t len, struct mconsole_peer *from, int wait)
{
	socklen_t alen;
	ssize_t n;

	_Static_assert(sizeof(from->addr) >= sizeof(struct sockaddr_un), "peer too small");
	for (;;) {
		alen = sizeof(from->addr);
		memset(from->addr, 0, sizeof(from->addr));
		n = recvfrom(fd, buf, len, MSG_TRUNC | (wait ? 0 : MSG_DONTWAIT),
			     (struct sockaddr *)from->addr, &alen);
		if (n >= 0)
			break;
		if (errno == EINTR && !wait)
			continue;
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	}
	from->len = alen;
	return n;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int mconsole_host_send(int fd, const void *buf, size_t len, const struct mconsole_peer *to)
{
	static struct mconsole_peer stuck; /* the client that last let its queue stay full */
	const struct timespec pause = { 0, 1000000 };
	int64_t deadline = now_ns() + SEND_PATIENCE_NS;
	bool was_stuck = to->len == stuck.len && !memcmp(to->addr, stuck.addr, to->len);

	if (to->len <= sizeof(sa_family_t) || to->len > sizeof(to->addr))
		return -EDESTADDRREQ; /* an unbound client: nowhere to answer */
	for (;;) {
		if (sendto(fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)to->addr,
			   to->len) >= 0) {
			if (was_stuck)
				stuck.len = 0;
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != ENOBUFS)
			return -errno;
		if (was_stuck || now_ns() > deadline)
			break;
		nanosleep(&pause, NULL);
	}
	stuck = *to;
	return -EAGAIN;
}

int mconsole_host_notify(const char *path, const void *buf, size_t len)
{
	struct sockaddr_un sun;
	int fd, err = fill_addr(&sun, path);

	if (err < 0)
		return err;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		err = -errno;
	close(fd);
	return err;
}
