/*
 * fileio: sequential file write (+ fsync) and read-back throughput, in MB/s.
 *
 *   fileio [PATH [MIB]]     write MIB MiB (default 64) into PATH (default /tmp/bench.dat)
 *                           in 64 KiB chunks, fsync, close; then read it back in 64 KiB
 *                           chunks (from the page cache); PATH is removed at the end
 *
 * A `make bench` workload (scripts/bench.sh). MB is 10^6 bytes. Prints two lines:
 * "RESULT fileio_write <MB/s> MB/s" and "RESULT fileio_read <MB/s> MB/s".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define CHUNK (64 * 1024)

static char buf[CHUNK];

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "fileio: %s %s: %s\n", what, path, strerror(errno));
	unlink(path);
	return -1;
}

/* Writes chunks × CHUNK bytes to path and fsyncs; chunk i starts with byte i. */
static int write_file(const char *path, long chunks)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return fail("open", path);
	for (long i = 0; i < chunks; i++) {
		buf[0] = (char)i;
		if (write(fd, buf, CHUNK) != CHUNK)
			return fail("write", path);
	}
	if (fsync(fd) < 0)
		return fail("fsync", path);
	if (close(fd) < 0)
		return fail("close", path);
	return 0;
}

/* Reads the file back and checks the first byte of every chunk. */
static int read_file(const char *path, long chunks)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return fail("open", path);
	for (long i = 0; i < chunks; i++) {
		if (read(fd, buf, CHUNK) != CHUNK)
			return fail("read", path);
		if (buf[0] != (char)i) {
			errno = EIO;
			return fail("verify", path);
		}
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/bench.dat";
	long mib = arg_count(argc, argv, 2, 64);
	long chunks = (mib << 20) / CHUNK;
	double bytes = (double)chunks * CHUNK;

	memset(buf, 0xa5, sizeof(buf));
	double t0 = now_ns();
	if (write_file(path, chunks) < 0)
		return 1;
	double t1 = now_ns();
	if (read_file(path, chunks) < 0)
		return 1;
	double t2 = now_ns();
	unlink(path);
	printf("RESULT fileio_write %.1f MB/s\n", bytes / ((t1 - t0) / 1e9) / 1e6);
	printf("RESULT fileio_read %.1f MB/s\n", bytes / ((t2 - t1) / 1e9) / 1e6);
	return 0;
}
