/*
 * Host stand-ins for the few kernel and host services that the kernel pieces under unit
 * test call (printk, panic, os_*). Kernel messages are kept in a buffer that tests can
 * inspect (ustub_log), so a test can assert that an error was reported.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ustubs.h"

char ustub_log[8192];
int ustub_punched;
struct ustub_punch ustub_punches[USTUB_PUNCH_LOG];

int printk(const char *fmt, ...);
int printk(const char *fmt, ...)
{
	size_t used = strlen(ustub_log);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(ustub_log + used, sizeof(ustub_log) - used, fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...);
void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

int os_punch_hole(int fd, unsigned long long off, unsigned long long len);
int os_punch_hole(int fd, unsigned long long off, unsigned long long len)
{
	(void)fd;
	if (ustub_punched < USTUB_PUNCH_LOG) {
		ustub_punches[ustub_punched].off = off;
		ustub_punches[ustub_punched].len = len;
	}
	ustub_punched++;
	return 0;
}

long os_write_all(int fd, const void *buf, size_t len);
long os_write_all(int fd, const void *buf, size_t len)
{
	/* Captured like printk: params.c prints --help through here. */
	size_t used = strlen(ustub_log), room = sizeof(ustub_log) - used - 1;

	(void)fd;
	if (len < room)
		room = len;
	memcpy(ustub_log + used, buf, room);
	ustub_log[used + room] = '\0';
	return (long)len;
}

void ustub_log_clear(void)
{
	ustub_log[0] = '\0';
}

void *kmalloc(size_t size);
void *kmalloc(size_t size)
{
	return malloc(size);
}

void kfree(const void *p);
void kfree(const void *p)
{
	free((void *)p);
}
