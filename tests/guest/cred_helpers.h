/*
 * What the guest tests of credentials and capabilities (caps_test, setuid_test,
 * fcaps_test) share: one field of /proc/self/status, and a copy of the test program that
 * exec can give other credentials (set-user-id, file capabilities). Header-only: each
 * guest test is one static program.
 */
#ifndef CRED_HELPERS_H
#define CRED_HELPERS_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The value of "Name:\t%llx" in /proc/self/status, or ~0 when missing. */
static inline unsigned long long proc_status_hex(const char *name)
{
	char line[256];
	unsigned long long v = ~0ULL;
	size_t n = strlen(name);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, n) && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 16);
	}
	fclose(f);
	return v;
}

/* Copy this program to path with the owner, group and mode given; 0 or -1. */
static inline int copy_self_exe(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
	char buf[65536];
	int in = open("/proc/self/exe", O_RDONLY), out;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n)
			n = -1;
		if (n < 0)
			break;
	}
	close(in);
	close(out);
	if (n < 0 || chown(path, uid, gid) || chmod(path, mode))
		return -1;
	return 0;
}

#endif
