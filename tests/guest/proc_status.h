/*
 * Reading one field of /proc/self/status, for the guest tests of credentials and
 * capabilities (caps_test, setuid_test, fcaps_test). Header-only: each guest test is one
 * static program.
 */
#ifndef PROC_STATUS_H
#define PROC_STATUS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif
