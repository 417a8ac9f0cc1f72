/*
 * Unit tests of the page-frame allocator (kernel/mm/page.c): a buddy allocator over the
 * physmem mapping. Run on the host over an ordinary anonymous mapping.
 */
// UNIT-OBJS: kernel/mm/page.o tests/unit/ustubs.o
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "ustubs.h"

struct page;
typedef uint64_t phys_t;
int page_init(void *base, phys_t size, int fd);
struct page *page_alloc(unsigned order, unsigned gfp);
void page_free(struct page *pg, unsigned order);
phys_t frame_alloc(unsigned gfp);
void frame_get(phys_t p);
void frame_put(phys_t p);
unsigned long page_nr_free(void);
unsigned long page_nr_total(void);
unsigned long page_nr_reserved(void);
void page_release_free(void);
extern char *physmem_base;

#define MEM (16UL << 20)

FIXTURE(pages) {
	void *mem;
};

FIXTURE_SETUP(pages)
{
	self->mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	ASSERT_EQ(0, page_init(self->mem, MEM, 3));
}

FIXTURE_TEARDOWN(pages)
{
	munmap(self->mem, MEM);
}

TEST_F(pages, accounting_counts_every_frame_once)
{
	unsigned long total = page_nr_total(), before = page_nr_free();

	/* The struct page array lives in the first frames: the rest is free. */
	EXPECT_EQ(total, before);
	EXPECT_GT(total, (MEM >> 12) - 64);
	EXPECT_LT(total, MEM >> 12);
}

TEST_F(pages, guest_allocations_leave_the_reserve_to_the_kernel)
{
	static phys_t got[4096];
	unsigned long n = 0, reserved = page_nr_reserved();

	/* 16 MiB: 1/128 of it is below the 64-frame floor */
	EXPECT_EQ(64, reserved);
	while (n < 4096 && (got[n] = frame_alloc(2 /* GFP_USER */)))
		n++;
	EXPECT_EQ(reserved, page_nr_free());
	EXPECT_EQ(page_nr_total() - reserved, n);
	/* the kernel still gets memory; a guest gets none until some is freed */
	phys_t k = frame_alloc(0);

	EXPECT_NE(0, k);
	EXPECT_EQ(0, frame_alloc(2));
	frame_put(k);
	frame_put(got[--n]);
	EXPECT_NE(0, got[n] = frame_alloc(2));
	n++;
	while (n)
		frame_put(got[--n]);
	EXPECT_EQ(page_nr_total(), page_nr_free());
}

TEST_F(pages, frames_are_distinct_aligned_and_inside_physmem)
{
	phys_t a = frame_alloc(0), b = frame_alloc(0);

	ASSERT_NE(0, a);
	ASSERT_NE(0, b);
	EXPECT_NE(a, b);
	EXPECT_EQ(0, a & 4095);
	EXPECT_LT(a, MEM);
	EXPECT_LT(b, MEM);
	frame_put(a);
	frame_put(b);
}

TEST_F(pages, zeroed_allocation_reads_as_zero_after_reuse)
{
	phys_t a = frame_alloc(0), b;
	unsigned char *p;

	ASSERT_NE(0, a);
	memset(physmem_base + a, 0xa5, 4096);
	frame_put(a);
	b = frame_alloc(1 /* GFP_ZERO */);
	ASSERT_NE(0, b);
	p = (unsigned char *)physmem_base + b;
	for (int i = 0; i < 4096; i++)
		ASSERT_EQ(0, p[i]);
	frame_put(b);
}

TEST_F(pages, refcount_keeps_a_shared_frame_alive)
{
	unsigned long before = page_nr_free();
	phys_t a = frame_alloc(0);

	frame_get(a);
	frame_put(a);
	EXPECT_EQ(before - 1, page_nr_free());
	frame_put(a);
	EXPECT_EQ(before, page_nr_free());
}

TEST_F(pages, buddies_coalesce_back_into_large_blocks)
{
	struct page *big, *small[16];
	unsigned long before = page_nr_free();

	for (int i = 0; i < 16; i++) {
		small[i] = page_alloc(0, 0);
		ASSERT_NE(NULL, small[i]);
	}
	for (int i = 0; i < 16; i++)
		page_free(small[i], 0);
	EXPECT_EQ(before, page_nr_free());
	/* After coalescing, the largest order is still available. */
	big = page_alloc(10, 0);
	ASSERT_NE(NULL, big);
	EXPECT_EQ(before - 1024, page_nr_free());
	page_free(big, 10);
	EXPECT_EQ(before, page_nr_free());
}

TEST_F(pages, exhaustion_returns_null_and_recovers)
{
	static phys_t got[MEM >> 12];
	unsigned long n = 0;
	phys_t f;

	while ((f = frame_alloc(0)) != 0)
		got[n++] = f;
	EXPECT_EQ(0, page_nr_free());
	EXPECT_EQ(page_nr_total(), n);
	EXPECT_EQ(NULL, page_alloc(0, 0));
	for (unsigned long i = 0; i < n; i++)
		frame_put(got[i]);
	EXPECT_EQ(n, page_nr_free());
}

TEST_F(pages, orders_beyond_the_maximum_are_refused)
{
	EXPECT_EQ(NULL, page_alloc(11, 0));
	EXPECT_EQ(NULL, page_alloc(200, 0));
}

TEST_F(pages, freeing_large_blocks_gives_memory_back_to_the_host)
{
	struct page *p = page_alloc(8, 0);
	int before;

	ASSERT_NE(NULL, p);
	memset(physmem_base + 4096 * 0, 0, 1); /* keep the compiler honest about physmem */
	before = ustub_punched;
	page_free(p, 8);
	EXPECT_GT(ustub_punched, before);
}

TEST(too_small_memory_is_refused)
{
	static char tiny[64 * 4096] __attribute__((aligned(4096)));

	EXPECT_EQ(-12 /* -ENOMEM */, page_init(tiny, sizeof(tiny), -1));
}

TEST_HARNESS_MAIN
