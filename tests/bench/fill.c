/*
 * fill: a memory-sharing workload for `make bench` (scripts/bench-memory.sh).
 *
 *   fill MIB STOPFILE   fill MIB MiB of private anonymous memory with bytes that differ
 *                       from page to page but not from process to process, print FILLED,
 *                       hold the memory until STOPFILE exists, then check every byte and
 *                       print OK (or BAD, exit status 1)
 *
 * Two of these in one instance hold two identical copies: with page sharing on, the host
 * should pay for one.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static uint64_t word(size_t page, size_t k)
{
	return 0x9e3779b97f4a7c15ULL * (page + 1) + k;
}

int main(int argc, char **argv)
{
	size_t len, words;
	uint64_t *p;
	int fd;

	if (argc != 3 || atol(argv[1]) <= 0) {
		fprintf(stderr, "usage: fill MIB STOPFILE\n");
		return 2;
	}
	len = (size_t)atol(argv[1]) << 20;
	words = len / 8;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = open("/dev/zero", O_RDONLY);
	if (p == MAP_FAILED || fd < 0)
		return 1;
	/* The kernel makes the pages present in one call: fewer faults than touching them. */
	for (size_t done = 0; done < len;) {
		ssize_t n = read(fd, (char *)p + done, len - done);

		if (n <= 0)
			return 1;
		done += (size_t)n;
	}
	for (size_t i = 0; i < words; i++)
		p[i] = word(i / 512, i % 512);
	printf("FILLED\n");
	fflush(stdout);
	while (access(argv[2], F_OK) != 0)
		usleep(20000);
	for (size_t i = 0; i < words; i++) {
		if (p[i] != word(i / 512, i % 512)) {
			printf("BAD\n");
			return 1;
		}
	}
	printf("OK\n");
	return 0;
}
