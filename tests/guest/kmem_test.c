/*
 * Guest test: can a guest process reach the kernel's memory? The trade-off between the
 * execution modes, demonstrated rather than described (tt/tt.c):
 *   - mode=tt: the kernel's memory (all of physmem) is mapped at a fixed address above the
 *     guest's range, TT_KMEM_BASE in arch/um-lite/include/shared/as-layout.h, and starts
 *     with a canary the kernel keeps. A guest process finds it, reads it, and writes it;
 *     the kernel notices the changed canary at its next address-space creation, restores
 *     it and counts the overwrite;
 *   - mode=tt jail: the same mapping is read-only: reading works, a write is SIGSEGV and
 *     the kernel goes on unharmed;
 *   - mode=skas, and natively (the oracle): nothing is mapped there at all.
 * Which of the three to expect is read from /proc/cmdline (mode=tt, jail), so the same
 * program asserts the right behaviour in every mode; each test says what it checks in
 * each. System calls never accept these addresses as buffers, in any mode.
 */
#include <errno.h>
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

#define TT_KMEM_BASE 0x7fd000000000UL /* as-layout.h */
#define SCAN_LO 0x7fc000000000UL      /* UM_TASK_SIZE: the guest's range ends here */
#define SCAN_HI 0x800000000000UL
#define SCAN_STEP (1UL << 30)
#define MAGIC "um-lite TT kernel memory canary"
#define SPARE_OFFSET 2048 /* in frame 0, past the canary: unused by the kernel */

/* The kernel's record at the start of its memory (struct tt_canary in tt/tt.c). */
struct canary {
	char magic[32];
	uint64_t mm_created;
	uint64_t overwrites;
};

enum view { NOT_MAPPED, WRITABLE, READ_ONLY };

static enum view expected_view(void)
{
	char buf[4096], *w, *save;
	FILE *f = fopen("/proc/cmdline", "r");
	int tt = 0, jail = 0;
	size_t n;

	if (!f)
		return NOT_MAPPED;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(w, "mode=", 5))
			tt = !strcmp(w, "mode=tt");
		else if (!strcmp(w, "jail"))
			jail = 1;
	}
	return !tt ? NOT_MAPPED : jail ? READ_ONLY : WRITABLE;
}

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, 1);
}

/* Copy n bytes from src to dst, either of which may be unmapped: 0, or -1 on SIGSEGV. */
static int try_copy(volatile char *dst, const volatile char *src, size_t n)
{
	int r = 0;

	signal(SIGSEGV, on_segv);
	if (sigsetjmp(jb, 1) == 0) {
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i];
	} else {
		r = -1;
	}
	signal(SIGSEGV, SIG_DFL);
	return r;
}

static int peek(uintptr_t addr, void *out, size_t n)
{
	return try_copy(out, (const volatile char *)addr, n);
}

static int poke(uintptr_t addr, const void *in, size_t n)
{
	return try_copy((volatile char *)addr, in, n);
}

/* Look for the kernel's canary above the guest's range; its address, or 0. */
static uintptr_t find_kernel_memory(void)
{
	struct canary c;

	for (uintptr_t a = SCAN_LO; a < SCAN_HI; a += SCAN_STEP) {
		if (peek(a, &c, sizeof(c)) == 0 && !memcmp(c.magic, MAGIC, sizeof(MAGIC)))
			return a;
	}
	return 0;
}

/* Fork a child that exits at once (the kernel creates an address space); its status. */
static int fork_and_wait(void)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return status;
}

TEST(only_tt_maps_the_kernel_memory_into_guest_processes)
{
	uintptr_t found = find_kernel_memory();

	if (expected_view() == NOT_MAPPED) {
		EXPECT_EQ(0, found); /* skas and native: nothing of the kernel is there */
	} else {
		EXPECT_EQ(TT_KMEM_BASE, found); /* tt, with or without jail: readable */
	}
}

TEST(the_guest_maps_do_not_list_the_kernel_memory)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int listed = 0;

	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= TT_KMEM_BASE &&
		    TT_KMEM_BASE < hi)
			listed = 1;
	}
	fclose(f);
	EXPECT_FALSE(listed); /* in every mode: the kernel's VMAs never include it */
}

TEST(system_calls_refuse_kernel_addresses_as_buffers)
{
	int p[2];

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-1, write(p[1], (void *)TT_KMEM_BASE, 8));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(3, write(p[1], "abc", 3));
	EXPECT_EQ(-1, read(p[0], (void *)TT_KMEM_BASE, 3));
	EXPECT_EQ(EFAULT, errno);
	close(p[0]);
	close(p[1]);
}

TEST(writing_the_kernel_memory_works_only_without_jail)
{
	enum view v = expected_view();
	struct canary before, after;
	char x = 'X';

	if (v == NOT_MAPPED) {
		EXPECT_EQ(-1, poke(TT_KMEM_BASE + SPARE_OFFSET, &x, 1)); /* skas, native */
		return;
	}
	ASSERT_EQ(0, peek(TT_KMEM_BASE, &before, sizeof(before)));
	if (v == READ_ONLY) {
		EXPECT_EQ(-1, poke(TT_KMEM_BASE, &x, 1)); /* jail: SIGSEGV, nothing changed */
		ASSERT_EQ(0, peek(TT_KMEM_BASE, &after, sizeof(after)));
		EXPECT_EQ(0, memcmp(before.magic, after.magic, sizeof(MAGIC)));
		return;
	}
	/* tt without jail: the write lands in the kernel's memory and reads back. */
	EXPECT_EQ(0, poke(TT_KMEM_BASE + SPARE_OFFSET, &x, 1));
	x = 0;
	EXPECT_EQ(0, peek(TT_KMEM_BASE + SPARE_OFFSET, &x, 1));
	EXPECT_EQ('X', x);
}

TEST(the_kernel_notices_a_guest_overwriting_its_canary)
{
	enum view v = expected_view();
	struct canary before, after;
	char bad = '!';

	if (v == NOT_MAPPED) {
		/* skas, native: a new address space (the child's) has nothing there either. */
		pid_t pid = fork();
		int status;

		if (pid == 0)
			_exit(peek(TT_KMEM_BASE, &before, sizeof(before)) == -1 ? 0 : 1);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, status);
		return;
	}
	ASSERT_EQ(0, peek(TT_KMEM_BASE, &before, sizeof(before)));
	EXPECT_EQ(v == READ_ONLY ? -1 : 0, poke(TT_KMEM_BASE, &bad, 1));
	EXPECT_EQ(0, fork_and_wait());
	ASSERT_EQ(0, peek(TT_KMEM_BASE, &after, sizeof(after)));
	/* Live kernel memory: the fork made an address space and the kernel counted it. */
	EXPECT_LT(before.mm_created, after.mm_created);
	/* The magic is intact again: never touched under jail, restored by the kernel else. */
	EXPECT_EQ(0, memcmp(after.magic, MAGIC, sizeof(MAGIC)));
	EXPECT_EQ(before.overwrites + (v == WRITABLE), after.overwrites);
}

TEST(mprotect_cannot_make_the_kernel_memory_writable)
{
	enum view v = expected_view();
	char x = 'Z';

	/* Not the guest's memory in any mode: the kernel refuses (natively: nothing there). */
	EXPECT_EQ(-1, mprotect((void *)TT_KMEM_BASE, 4096, PROT_READ | PROT_WRITE));
	EXPECT_EQ(-1, mprotect((void *)TT_KMEM_BASE, 4096, PROT_NONE));
	/* So the jail holds, and plain tt stays writable. */
	EXPECT_EQ(v == WRITABLE ? 0 : -1, poke(TT_KMEM_BASE + SPARE_OFFSET, &x, 1));
	EXPECT_EQ(v == NOT_MAPPED ? -1 : 0, peek(TT_KMEM_BASE + SPARE_OFFSET, &x, 1));
}

TEST(a_process_writing_kernel_memory_dies_of_sigsegv_unless_tt_without_jail)
{
	enum view v = expected_view();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		*(volatile char *)(TT_KMEM_BASE + SPARE_OFFSET) = 'Y';
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (v == WRITABLE) {
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	} else {
		EXPECT_TRUE(WIFSIGNALED(status));
		EXPECT_EQ(SIGSEGV, WTERMSIG(status));
	}
	EXPECT_EQ(0, fork_and_wait()); /* and the kernel goes on */
}

TEST_HARNESS_MAIN
