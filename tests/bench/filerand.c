/*
 * filerand: random 4 KiB writes and reads in one file, in operations per second.
 *
 *   filerand [PATH [MIB [OPS]]]   make PATH MIB MiB long (default 32, written sequentially
 *                                 first), then OPS (default 20000) pwrites of 4 KiB at
 *                                 random aligned offsets and an fsync; then OPS preads of
 *                                 4 KiB at random offsets, each checked; PATH is removed
 *
 * A `make bench` workload (scripts/bench.sh). Prints "RESULT filerand_write <ops/s> ops/s"
 * and "RESULT filerand_read <ops/s> ops/s".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define BLOCK 4096

static char buf[1 << 20];
static unsigned long long rng = 88172645463325252ULL;

static unsigned long long next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "filerand: %s %s: %s\n", what, path, strerror(errno));
	unlink(path);
	return 1;
}

/* Block b holds its own number in its first 8 bytes (written sequentially or at random). */
static void stamp(char *p, unsigned long long b)
{
	memcpy(p, &b, sizeof(b));
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/rand.dat";
	long blocks = (arg_count(argc, argv, 2, 32) << 20) / BLOCK;
	long ops = arg_count(argc, argv, 3, 20000);
	unsigned long long b, got;
	double t0, t1, t2;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return fail("open", path);
	memset(buf, 0x5a, sizeof(buf));
	for (long i = 0; i < blocks; i += sizeof(buf) / BLOCK) {
		for (long j = 0; j < (long)(sizeof(buf) / BLOCK); j++)
			stamp(buf + j * BLOCK, (unsigned long long)(i + j));
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return fail("write", path);
	}
	if (fsync(fd) < 0)
		return fail("fsync", path);
	t0 = now_ns();
	for (long i = 0; i < ops; i++) {
		b = next_rand() % (unsigned long long)blocks;
		stamp(buf, b);
		if (pwrite(fd, buf, BLOCK, (off_t)(b * BLOCK)) != BLOCK)
			return fail("pwrite", path);
	}
	if (fsync(fd) < 0)
		return fail("fsync", path);
	t1 = now_ns();
	for (long i = 0; i < ops; i++) {
		b = next_rand() % (unsigned long long)blocks;
		if (pread(fd, buf, BLOCK, (off_t)(b * BLOCK)) != BLOCK)
			return fail("pread", path);
		memcpy(&got, buf, sizeof(got));
		if (got != b) {
			errno = EIO;
			return fail("verify", path);
		}
	}
	t2 = now_ns();
	close(fd);
	unlink(path);
	printf("RESULT filerand_write %.0f ops/s\n", ops / ((t1 - t0) / 1e9));
	printf("RESULT filerand_read %.0f ops/s\n", ops / ((t2 - t1) / 1e9));
	return 0;
}
