/*
 * Unit tests of the memory balloon (kernel/mm/balloon.c) over the real page allocator
 * (kernel/mm/page.c): what `config mem=-N` takes is punched to the host at once and no
 * longer counted in the total, what `config mem=+N` gives back is whole again, and neither
 * goes past what exists. Run on the host over an ordinary anonymous mapping.
 */
// UNIT-OBJS: kernel/mm/page.o kernel/mm/page_debug.o kernel/mm/balloon.o tests/unit/ustubs.o
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "ustubs.h"

typedef uint64_t phys_t;
struct page;
int page_init(void *base, phys_t size, int fd);
struct page *page_alloc(unsigned order, unsigned gfp);
void page_free(struct page *pg, unsigned order);
phys_t frame_alloc(unsigned gfp);
void frame_put(phys_t p);
unsigned long page_nr_free(void);
unsigned long page_nr_total(void);
unsigned long page_nr_boot_total(void);
unsigned long page_nr_reserved(void);
unsigned long balloon_inflate(unsigned long frames);
int balloon_deflate(unsigned long frames);
unsigned long balloon_nr_frames(void);

#define MEM (32UL << 20)
#define RESERVE 1024 /* frames inflation leaves free for guests (balloon.c) */
#define GFP_USER 2

FIXTURE(balloon) {
	void *mem;
};

FIXTURE_SETUP(balloon)
{
	self->mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	ASSERT_EQ(0, page_init(self->mem, MEM, 3));
	ustub_punched = 0;
}

FIXTURE_TEARDOWN(balloon)
{
	balloon_deflate(balloon_nr_frames());
	munmap(self->mem, MEM);
}

static unsigned long long bytes_punched(void)
{
	unsigned long long sum = 0;

	for (int i = 0; i < ustub_punched && i < USTUB_PUNCH_LOG; i++)
		sum += ustub_punches[i].len;
	return sum;
}

TEST_F(balloon, inflating_punches_the_frames_and_lowers_the_total)
{
	unsigned long total = page_nr_total(), free = page_nr_free();

	ASSERT_EQ(1000, balloon_inflate(1000));
	EXPECT_EQ(1000, balloon_nr_frames());
	EXPECT_EQ(total - 1000, page_nr_total());
	EXPECT_EQ(free - 1000, page_nr_free());
	EXPECT_EQ(total, page_nr_boot_total());
	/* In blocks as large as possible: 512 + 256 + 128 + 64 + 32 + 8. */
	EXPECT_EQ(1000ULL * 4096, bytes_punched());
	EXPECT_LE(ustub_punched, 6);
	ASSERT_EQ(0, balloon_deflate(1000));
	EXPECT_EQ(total, page_nr_total());
	EXPECT_EQ(free, page_nr_free());
	EXPECT_EQ(0, balloon_nr_frames());
}

TEST_F(balloon, deflating_more_than_was_taken_changes_nothing)
{
	unsigned long total = page_nr_total();

	EXPECT_EQ(-ENOSPC, balloon_deflate(1));
	ASSERT_EQ(100, balloon_inflate(100));
	EXPECT_EQ(-ENOSPC, balloon_deflate(101));
	EXPECT_EQ(100, balloon_nr_frames());
	EXPECT_EQ(total - 100, page_nr_total());
}

TEST_F(balloon, inflating_past_free_memory_takes_what_it_can_and_leaves_a_reserve)
{
	unsigned long free = page_nr_free(), n = 0, kernel = page_nr_reserved();
	static phys_t got[MEM >> 12];
	phys_t f;

	EXPECT_EQ(free - RESERVE - kernel, balloon_inflate(MEM >> 12));
	EXPECT_EQ(RESERVE + kernel, page_nr_free());
	EXPECT_EQ(0, balloon_inflate(1));
	/* Guests can still have RESERVE frames, then only the kernel its own reserve. */
	while ((f = frame_alloc(GFP_USER)) != 0)
		got[n++] = f;
	EXPECT_EQ(RESERVE, n);
	while ((f = frame_alloc(0)) != 0)
		got[n++] = f;
	EXPECT_EQ(RESERVE + kernel, n);
	for (unsigned long i = 0; i < n; i++)
		frame_put(got[i]);
}

TEST_F(balloon, odd_deflates_split_blocks_and_memory_coalesces_again)
{
	unsigned long free = page_nr_free();
	struct page *big;

	ASSERT_EQ(2048, balloon_inflate(2048));
	for (unsigned long step = 1; balloon_nr_frames(); step = step * 3 + 1)
		ASSERT_EQ(0, balloon_deflate(step < balloon_nr_frames() ? step : balloon_nr_frames()));
	EXPECT_EQ(free, page_nr_free());
	/* Every split half went back: the largest blocks can be had again. */
	big = page_alloc(10, 0);
	ASSERT_NE(NULL, big);
	page_free(big, 10);
}

TEST_HARNESS_MAIN
