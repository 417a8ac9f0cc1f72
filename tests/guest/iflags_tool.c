/*
 * A small chattr/lsattr for the Bats tests (busybox has neither): run inside an instance
 * from the test disk (tests/bats/iflags.bats).
 *   iflags_tool lsattr FILE...        one line per file: the flags as lsattr letters, name
 *   iflags_tool chattr [+-]LETTERS FILE...   set or clear flags (letters: a i d A S e)
 * Exit status 1 with a message on the first error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const struct {
	char letter;
	int flag;
} letters[] = {
	{ 'S', FS_SYNC_FL }, { 'i', FS_IMMUTABLE_FL }, { 'a', FS_APPEND_FL },
	{ 'd', FS_NODUMP_FL }, { 'A', FS_NOATIME_FL }, { 'e', FS_EXTENT_FL },
};
#define NLETTERS (sizeof(letters) / sizeof(letters[0]))

static int flag_of(char c)
{
	for (size_t i = 0; i < NLETTERS; i++)
		if (letters[i].letter == c)
			return letters[i].flag;
	return 0;
}

static int fail(const char *what, const char *file)
{
	fprintf(stderr, "iflags_tool: %s %s: %s\n", what, file, strerror(errno));
	return 1;
}

static int show(const char *file)
{
	int fd = open(file, O_RDONLY | O_NONBLOCK), fl;
	char out[NLETTERS + 1];

	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &fl))
		return fail("lsattr", file);
	close(fd);
	for (size_t i = 0; i < NLETTERS; i++)
		out[i] = (fl & letters[i].flag) ? letters[i].letter : '-';
	out[NLETTERS] = 0;
	printf("%s %s\n", out, file);
	return 0;
}

static int change(const char *spec, const char *file)
{
	int fd = open(file, O_RDONLY | O_NONBLOCK), fl, mask = 0;

	for (const char *p = spec + 1; *p; p++)
		mask |= flag_of(*p);
	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &fl))
		return fail("chattr", file);
	fl = spec[0] == '+' ? fl | mask : fl & ~mask;
	if (ioctl(fd, FS_IOC_SETFLAGS, &fl))
		return fail("chattr", file);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "lsattr")) {
		for (int i = 2; i < argc; i++)
			if (show(argv[i]))
				return 1;
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "chattr") && strchr("+-", argv[2][0])) {
		for (int i = 3; i < argc; i++)
			if (change(argv[2], argv[i]))
				return 1;
		return 0;
	}
	fprintf(stderr, "usage: iflags_tool lsattr FILE... | chattr [+-]LETTERS FILE...\n");
	return 2;
}
