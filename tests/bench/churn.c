/*
 * churn: a busy guest for the memory manager's tests and bench (tests/bats/balance.bats,
 * scripts/bench-memory.sh).
 *
 *   churn MIB SECONDS   hold MIB MiB of anonymous memory and write one byte of every page
 *                       of it again and again for SECONDS, then check it and print OK
 *
 * It prints READY once the memory is held. Every pass writes the pass number into each
 * page, so the final check finds a page the kernel lost or mixed up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv)
{
	size_t len, pages;
	unsigned char *p;
	unsigned pass = 0;
	time_t end;

	if (argc != 3 || atol(argv[1]) <= 0) {
		fprintf(stderr, "usage: churn MIB SECONDS\n");
		return 2;
	}
	len = (size_t)atol(argv[1]) << 20;
	pages = len / 4096;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("churn: mmap");
		return 1;
	}
	for (size_t i = 0; i < pages; i++)
		p[i * 4096] = 0;
	printf("READY\n");
	fflush(stdout);
	end = time(NULL) + atol(argv[2]);
	do {
		pass++;
		for (size_t i = 0; i < pages; i++)
			p[i * 4096 + pass % 4096] = (unsigned char)pass;
	} while (time(NULL) < end);
	for (size_t i = 0; i < pages; i++)
		if (p[i * 4096 + pass % 4096] != (unsigned char)pass) {
			printf("BAD page %zu\n", i);
			return 1;
		}
	printf("OK %u passes\n", pass);
	return 0;
}
