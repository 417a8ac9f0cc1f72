/*
 * Guest test: random memory operations checked against a model of what Linux does.
 *
 * Each seed works in a zone of ZONE_PAGES pages: it maps private and shared anonymous
 * memory and shared or private views of a file there (MAP_FIXED), unmaps, changes
 * protections, writes and reads (by instructions and through read()/write(), i.e. by the
 * kernel), drops pages with MADV_DONTNEED, writes the file behind the mappings, and forks
 * children that check and write memory of their own. After every step the whole zone is
 * compared with the model:
 * a page that holds the wrong value (a copy-on-write page shared too long, a stale host
 * mapping, a frame freed while still mapped) or an access that is allowed when it should
 * fault, or faults when it should not, is reported with the seed and the step.
 *
 * It makes only these memory calls on its own mappings, so it runs natively too, where it
 * checks the model against Linux itself (the oracle). "mmfuzz_test run FIRST COUNT" runs
 * more seeds by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define PG 4096UL
#define ZONE_PAGES 24
#define FILE_PAGES 12
#define OFF2 3000 /* the second word of a page we check (the first is at 0) */

enum kind { UNMAPPED, ANON, FSHARED, FPRIVATE, ASHARED /* MAP_SHARED | MAP_ANONYMOUS */ };

struct pagemodel {
	int kind;
	int prot;
	int fpage;      /* file page for FSHARED / FPRIVATE */
	int cow;        /* FPRIVATE: has its own copy */
	uint64_t val;   /* ANON, or FPRIVATE with cow */
};

struct world {
	uint64_t s;
	char *zone;
	int fd;         /* the file, O_RDWR */
	int pipe[2];
	struct pagemodel pm[ZONE_PAGES];
	uint64_t fval[FILE_PAGES];
	char what[160]; /* the step being made, for the report */
	int step;
};

static sigjmp_buf probe_jmp;
static volatile sig_atomic_t probe_sig;

static void on_fault(int sig)
{
	probe_sig = sig;
	siglongjmp(probe_jmp, 1);
}

static uint64_t rnd(struct world *w)
{
	w->s = w->s * 6364136223846793005ULL + 1442695040888963407ULL;
	return w->s >> 33;
}

static uint64_t below(struct world *w, uint64_t n)
{
	return rnd(w) % n;
}

static uint64_t expected(const struct world *w, int p)
{
	const struct pagemodel *m = &w->pm[p];

	switch (m->kind) {
	case ANON:
	case ASHARED:
		return m->val;
	case FSHARED:
		return w->fval[m->fpage];
	case FPRIVATE:
		return m->cow ? m->val : w->fval[m->fpage];
	}
	return 0;
}

static int readable(const struct pagemodel *m)
{
	return m->kind != UNMAPPED && m->prot != PROT_NONE; /* x86: W and X imply R */
}

static int writable(const struct pagemodel *m)
{
	return m->kind != UNMAPPED && (m->prot & PROT_WRITE);
}

/* Read both words of page p: 0 and the value, or the signal it took. */
static int probe_read(struct world *w, int p, uint64_t *v)
{
	volatile uint64_t *a = (volatile uint64_t *)(w->zone + p * PG);
	uint64_t v1 = 0, v2 = 0;

	probe_sig = 0;
	if (sigsetjmp(probe_jmp, 0) == 0) {
		v1 = a[0];
		v2 = a[OFF2 / 8];
	}
	if (!probe_sig && v1 != v2)
		return -1; /* torn: half of the page is someone else's */
	*v = v1;
	return probe_sig;
}

static int probe_write(struct world *w, int p, uint64_t v)
{
	volatile uint64_t *a = (volatile uint64_t *)(w->zone + p * PG);

	probe_sig = 0;
	if (sigsetjmp(probe_jmp, 0) == 0) {
		a[0] = v;
		a[OFF2 / 8] = v;
	}
	return probe_sig;
}

/* The effect of a successful write of v to page p on the model. */
static void model_write(struct world *w, int p, uint64_t v)
{
	struct pagemodel *m = &w->pm[p];

	if (m->kind == FSHARED) {
		w->fval[m->fpage] = v;
	} else {
		m->val = v;
		if (m->kind == FPRIVATE)
			m->cow = 1;
	}
}

/* Compare the whole zone with the model; 0 or -1 (with a message). */
static int check_all(struct world *w, const char *who)
{
	for (int p = 0; p < ZONE_PAGES; p++) {
		uint64_t v = 0;
		int sig = probe_read(w, p, &v);
		int ok = readable(&w->pm[p]);

		if (sig == -1 || (ok && sig) || (!ok && !sig) || (ok && v != expected(w, p))) {
			fprintf(stderr, "# %s: step %d (%s): page %d kind %d prot %d: %s %#llx, "
					"expected %s %#llx\n", who, w->step, w->what, p, w->pm[p].kind,
				w->pm[p].prot, sig == -1 ? "torn" : sig ? "fault" : "value",
				(unsigned long long)v, ok ? "value" : "fault",
				(unsigned long long)expected(w, p));
			return -1;
		}
	}
	return 0;
}

/* ---- operations */

static void op_map(struct world *w)
{
	int p = below(w, ZONE_PAGES), n = 1 + below(w, 6), kind = 1 + below(w, 4);
	int prot = below(w, 8), fpage = 0;
	void *r;

	if (p + n > ZONE_PAGES)
		n = ZONE_PAGES - p;
	if (kind == ANON || kind == ASHARED) {
		r = mmap(w->zone + p * PG, n * PG, prot, MAP_ANONYMOUS | MAP_FIXED |
			 (kind == ANON ? MAP_PRIVATE : MAP_SHARED), -1, 0);
	} else {
		fpage = below(w, FILE_PAGES - n + 1);
		r = mmap(w->zone + p * PG, n * PG, prot,
			 (kind == FSHARED ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED, w->fd,
			 fpage * PG);
	}
	snprintf(w->what, sizeof(w->what), "mmap pages %d+%d kind %d prot %d file page %d", p, n,
		 kind, prot, fpage);
	if (r == MAP_FAILED)
		return; /* the model is unchanged: a failed MAP_FIXED may leave a hole */
	for (int i = 0; i < n; i++) {
		struct pagemodel *m = &w->pm[p + i];

		m->kind = kind;
		m->prot = prot;
		m->fpage = fpage + i;
		m->cow = 0;
		m->val = 0;
	}
}

static void op_unmap(struct world *w)
{
	int p = below(w, ZONE_PAGES), n = 1 + below(w, 6);

	if (p + n > ZONE_PAGES)
		n = ZONE_PAGES - p;
	snprintf(w->what, sizeof(w->what), "munmap pages %d+%d", p, n);
	if (munmap(w->zone + p * PG, n * PG) == 0)
		for (int i = 0; i < n; i++)
			w->pm[p + i].kind = UNMAPPED;
}

static void op_protect(struct world *w)
{
	int p = below(w, ZONE_PAGES), n = 1 + below(w, 6), prot = below(w, 8);

	if (p + n > ZONE_PAGES)
		n = ZONE_PAGES - p;
	for (int i = 0; i < n; i++)
		if (w->pm[p + i].kind == UNMAPPED)
			return; /* Linux changes the part before a hole, um-lite nothing */
	snprintf(w->what, sizeof(w->what), "mprotect pages %d+%d prot %d", p, n, prot);
	if (mprotect(w->zone + p * PG, n * PG, prot) == 0)
		for (int i = 0; i < n; i++)
			w->pm[p + i].prot = prot;
}

static int op_write(struct world *w)
{
	int p = below(w, ZONE_PAGES), sig;
	uint64_t v = rnd(w) << 8 | 0xa5;

	snprintf(w->what, sizeof(w->what), "store to page %d", p);
	sig = probe_write(w, p, v);
	if (!sig != !!writable(&w->pm[p])) {
		fprintf(stderr, "# step %d: store to page %d (prot %d kind %d): %s\n", w->step, p,
			w->pm[p].prot, w->pm[p].kind, sig ? "faulted" : "allowed");
		return -1;
	}
	if (!sig)
		model_write(w, p, v);
	return 0;
}

/* The kernel writes into page p (read from a pipe): allowed exactly when a store is. */
static int op_kernel_write(struct world *w)
{
	int p = below(w, ZONE_PAGES);
	uint64_t v = rnd(w) << 8 | 0x5a, back;
	char *a = w->zone + p * PG;
	long r;

	snprintf(w->what, sizeof(w->what), "read() into page %d", p);
	if (write(w->pipe[1], &v, 8) != 8 || write(w->pipe[1], &v, 8) != 8)
		return -1;
	r = read(w->pipe[0], a, 8);
	if (r == 8)
		r = read(w->pipe[0], a + OFF2, 8);
	if ((r == 8) != writable(&w->pm[p])) {
		fprintf(stderr, "# step %d: read() into page %d (prot %d kind %d) gave %ld\n",
			w->step, p, w->pm[p].prot, w->pm[p].kind, r);
		return -1;
	}
	while (r != 8 && read(w->pipe[0], &back, 8) == 8)
		; /* drain what a refused read left (the pipe is non-blocking) */
	if (r == 8)
		model_write(w, p, v);
	return 0;
}

/* The kernel reads page p (written to a pipe): allowed exactly when a load is. */
static int op_kernel_read(struct world *w)
{
	int p = below(w, ZONE_PAGES);
	uint64_t back = 0;
	long r = write(w->pipe[1], w->zone + p * PG, 8);

	snprintf(w->what, sizeof(w->what), "write() from page %d", p);
	if ((r == 8) != readable(&w->pm[p]) ||
	    (r == 8 && (read(w->pipe[0], &back, 8) != 8 || back != expected(w, p)))) {
		fprintf(stderr, "# step %d: write() from page %d (prot %d kind %d) gave %ld, %#llx "
				"for %#llx\n", w->step, p, w->pm[p].prot, w->pm[p].kind, r,
			(unsigned long long)back, (unsigned long long)expected(w, p));
		return -1;
	}
	return 0;
}

static void op_dontneed(struct world *w)
{
	int p = below(w, ZONE_PAGES), n = 1 + below(w, 4);

	if (p + n > ZONE_PAGES)
		n = ZONE_PAGES - p;
	snprintf(w->what, sizeof(w->what), "madvise(DONTNEED) pages %d+%d", p, n);
	/* with a hole in the range Linux fails with ENOMEM, but drops the mapped pages */
	if (madvise(w->zone + p * PG, n * PG, MADV_DONTNEED) != 0 && errno != ENOMEM)
		return;
	for (int i = 0; i < n; i++) {
		struct pagemodel *m = &w->pm[p + i];

		if (m->kind == ANON)
			m->val = 0;
		else if (m->kind == FPRIVATE)
			m->cow = 0;
	}
}

/* pwrite the file: shared views and private pages not yet copied see it. */
static void op_file_write(struct world *w)
{
	int k = below(w, FILE_PAGES);
	uint64_t v = rnd(w) << 8 | 0x3c;

	snprintf(w->what, sizeof(w->what), "pwrite file page %d", k);
	if (pwrite(w->fd, &v, 8, k * PG) == 8 && pwrite(w->fd, &v, 8, k * PG + OFF2) == 8)
		w->fval[k] = v;
}

/*
 * fork: the child checks the zone, stores into every writable page (into odd ones by the
 * kernel, with read()), checks again and exits 0. The parent's private pages must not see
 * the child's stores; its shared ones must.
 */
static int op_fork(struct world *w)
{
	int st;
	pid_t pid;

	snprintf(w->what, sizeof(w->what), "fork");
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		if (check_all(w, "child") < 0)
			_exit(1);
		for (int p = 0; p < ZONE_PAGES; p++) {
			uint64_t v = (uint64_t)p << 40 | 0xc0ffee;
			char *a = w->zone + p * PG;

			if (!writable(&w->pm[p]))
				continue;
			if (p & 1) { /* by the kernel: read() from a pipe into the page */
				if (write(w->pipe[1], &v, 8) != 8 || write(w->pipe[1], &v, 8) != 8 ||
				    read(w->pipe[0], a, 8) != 8 || read(w->pipe[0], a + OFF2, 8) != 8)
					_exit(2);
			} else if (probe_write(w, p, v)) {
				_exit(3);
			}
			model_write(w, p, v);
		}
		_exit(check_all(w, "child after its stores") < 0 ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "# step %d: the forked child failed (status %#x)\n", w->step, st);
		return -1;
	}
	for (int p = 0; p < ZONE_PAGES; p++) {
		if (writable(&w->pm[p]) && w->pm[p].kind == FSHARED)
			w->fval[w->pm[p].fpage] = (uint64_t)p << 40 | 0xc0ffee;
		if (writable(&w->pm[p]) && w->pm[p].kind == ASHARED)
			w->pm[p].val = (uint64_t)p << 40 | 0xc0ffee;
	}
	/* several zone pages may view one file page: the child's last store wins */
	return 0;
}

/* One seed: 0, or -1 after printing what went wrong. */
static int run_seed(uint64_t seed, int steps)
{
	struct world w;
	struct sigaction sa;
	char path[64];
	int r = 0;

	memset(&w, 0, sizeof(w));
	w.s = seed * 0x9e3779b97f4a7c15ULL + 7;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER; /* the probes jump out without restoring the mask */
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	snprintf(path, sizeof(path), "/tmp/mmfuzz-%d", getpid());
	w.fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	unlink(path);
	if (w.fd < 0 || ftruncate(w.fd, FILE_PAGES * PG) < 0 || pipe2(w.pipe, O_NONBLOCK) < 0)
		return -1;
	for (int k = 0; k < FILE_PAGES; k++) {
		w.fval[k] = (uint64_t)k << 32 | 0xf11e;
		pwrite(w.fd, &w.fval[k], 8, k * PG);
		pwrite(w.fd, &w.fval[k], 8, k * PG + OFF2);
	}
	w.zone = mmap(NULL, ZONE_PAGES * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w.zone == MAP_FAILED)
		return -1;
	munmap(w.zone, ZONE_PAGES * PG);
	for (w.step = 0; w.step < steps && r == 0; w.step++) {
		switch (below(&w, 20)) {
		case 0: case 1: case 2: case 3:
			op_map(&w);
			break;
		case 4: case 5:
			op_unmap(&w);
			break;
		case 6: case 7:
			op_protect(&w);
			break;
		case 8: case 9: case 10: case 11:
			r = op_write(&w);
			break;
		case 12: case 13:
			r = op_kernel_write(&w);
			break;
		case 14:
			r = op_kernel_read(&w);
			break;
		case 15:
			op_dontneed(&w);
			break;
		case 16: case 17: case 18:
			op_file_write(&w);
			break;
		default:
			r = op_fork(&w);
		}
		if (r == 0)
			r = check_all(&w, "parent");
	}
	if (r)
		fprintf(stderr, "# seed %llu failed at step %d\n", (unsigned long long)seed, w.step - 1);
	munmap(w.zone, ZONE_PAGES * PG);
	close(w.fd);
	close(w.pipe[0]);
	close(w.pipe[1]);
	return r;
}

/* Seeds in a child each, so a crash is reported as that seed's. */
static int run_seeds(uint64_t first, int count, int steps)
{
	int failed = 0;

	for (int i = 0; i < count; i++) {
		int st;
		pid_t pid = fork();

		if (pid == 0)
			_exit(run_seed(first + i, steps) ? 1 : 0);
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "# seed %llu: status %#x\n", (unsigned long long)(first + i), st);
			failed++;
		}
	}
	return failed;
}

TEST(a_file_open_for_reading_cannot_be_written_through_a_mapping)
{
	char path[64], buf[8] = { 0 };
	int fd, st;
	char *p;

	snprintf(path, sizeof(path), "/tmp/mmfuzz-ro-%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(4, write(fd, "root", 4));
	close(fd);
	fd = open(path, O_RDONLY);
	unlink(path);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	EXPECT_EQ(EACCES, errno);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	if (fork() == 0)
		_exit(mprotect(p, PG, PROT_WRITE) == 0 ? 1 : 0);
	wait(&st);
	EXPECT_EQ(0, st);
	/* a private view may be made writable: the writes stay in it */
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, mprotect(p, PG, PROT_READ | PROT_WRITE));
	memcpy(p, "evil", 4);
	EXPECT_EQ(4, pread(fd, buf, 4, 0));
	EXPECT_STREQ("root", buf);
	close(fd);
}

TEST(random_memory_operations_match_the_model)
{
	EXPECT_EQ(0, run_seeds(1, 20, 150)); /* a few seconds in each mode; fuzz more with "run" */
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "run")) {
		int failed = run_seeds(strtoull(argv[2], NULL, 0), atoi(argv[3]),
				       argc >= 5 ? atoi(argv[4]) : 300);

		printf("mmfuzz: %d of %d seeds failed\n", failed, atoi(argv[3]));
		return failed ? 1 : 0;
	}
	return test_harness_run(argc, argv);
}
