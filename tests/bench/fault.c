/*
 * fault: anonymous page faults, in ns per fault.
 *
 *   fault [MIB]     map MIB MiB (default 64) of private anonymous memory and write one
 *                   byte into each page once, then unmap it
 *
 * A `make bench` workload (scripts/bench.sh). Transparent huge pages are refused with
 * MADV_NOHUGEPAGE (an error there is ignored: a guest kernel may not know the advice),
 * so that each page is one fault. Prints "RESULT fault <ns> ns/page".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long mib = arg_count(argc, argv, 1, 64);
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)mib << 20;

	if (page <= 0)
		page = 4096;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "fault: mmap %ld MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	long pages = len / page;
	double t0 = now_ns();
	for (long i = 0; i < pages; i++)
		p[i * page] = (char)i;
	double t1 = now_ns();
	for (long i = 0; i < pages; i++) {
		if (p[i * page] != (char)i) {
			fprintf(stderr, "fault: page %ld lost its byte\n", i);
			return 1;
		}
	}
	if (munmap((void *)p, len) < 0) {
		fprintf(stderr, "fault: munmap: %s\n", strerror(errno));
		return 1;
	}
	printf("RESULT fault %.1f ns/page\n", (t1 - t0) / pages);
	return 0;
}
