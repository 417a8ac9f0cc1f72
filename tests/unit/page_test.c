/*
 * Unit tests of the page-frame allocator (kernel/mm/page.c): a buddy allocator over the
 * physmem mapping, and how it gives free memory back to the host (batched, aged hole
 * punches, recorded by the os_punch_hole stand-in). Run on the host over an ordinary
 * anonymous mapping.
 */
// UNIT-OBJS: kernel/mm/page.o kernel/mm/page_debug.o tests/unit/ustubs.o
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ustubs.h"

/* The layout of struct page (kernel/include/page.h, which includes kernel headers). */
struct page {
	uint32_t flags;
	int32_t refcount;
	uint8_t order, slab_class;
	uint16_t slab_inuse;
	void *lru_next, *lru_prev;
	void *slab_free;
	uint64_t private;
};
typedef uint64_t phys_t;
int page_init(void *base, phys_t size, int fd);
struct page *page_alloc(unsigned order, unsigned gfp);
void page_free(struct page *pg, unsigned order);
phys_t frame_alloc(unsigned gfp);
void frame_get(phys_t p);
void frame_put(phys_t p);
unsigned long page_nr_free(void);
unsigned long page_nr_total(void);
unsigned long page_nr_dirty(void);
unsigned long page_nr_reserved(void);
unsigned long page_release_free(void);
unsigned long page_release_aged(void);
extern char *physmem_base;
extern struct page *page_array;

static char *page_address_of(struct page *pg)
{
	return physmem_base + (pg - page_array) * 4096;
}

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

TEST_F(pages, freed_memory_goes_back_to_the_host_when_released)
{
	struct page *p = page_alloc(8, 0);
	int before;

	ASSERT_NE(NULL, p);
	memset(physmem_base + 4096 * 0, 0, 1); /* keep the compiler honest about physmem */
	before = ustub_punched;
	page_free(p, 8);
	EXPECT_EQ(before, ustub_punched); /* not at free time: batched later */
	EXPECT_GE(page_nr_dirty(), 256);
	EXPECT_GE(page_release_free(), 256);
	EXPECT_GT(ustub_punched, before);
	EXPECT_EQ(0, page_nr_dirty());
	EXPECT_EQ(0, page_release_free()); /* nothing left to give */
}

TEST_F(pages, memory_freed_and_reused_within_a_period_costs_no_host_call)
{
	phys_t a = frame_alloc(0), b;
	int before = ustub_punched;

	ASSERT_NE(0, a);
	page_release_aged();
	frame_put(a);
	EXPECT_EQ(0, page_release_aged()); /* freed in this period: kept */
	b = frame_alloc(0);                /* and reused: the dirty frame comes first */
	EXPECT_EQ(a, b);
	frame_put(b);
	EXPECT_EQ(0, page_release_aged());
	EXPECT_EQ(before, ustub_punched);
	EXPECT_GE(page_release_aged(), 1); /* free for a whole period: released */
	EXPECT_GT(ustub_punched, before);
	EXPECT_EQ(0, page_nr_dirty());
}

/* A punch covering [off, off+len) was recorded after call number from. */
static int punched_range(int from, unsigned long long off, unsigned long long len)
{
	for (int i = from; i < ustub_punched && i < USTUB_PUNCH_LOG; i++) {
		if (ustub_punches[i].off <= off &&
		    ustub_punches[i].off + ustub_punches[i].len >= off + len)
			return 1;
	}
	return 0;
}

TEST_F(pages, neighbouring_free_blocks_are_released_in_one_call)
{
	struct page *blk[3];
	unsigned long long lo, hi;
	int before;

	for (int i = 0; i < 3; i++) {
		blk[i] = page_alloc(10, 0);
		ASSERT_NE(NULL, blk[i]);
	}
	page_release_free();
	before = ustub_punched;
	for (int i = 0; i < 3; i++)
		page_free(blk[i], 10);
	EXPECT_EQ(3 * 1024, page_release_free());
	lo = (unsigned long long)((char *)page_address_of(blk[0]) - physmem_base);
	hi = (unsigned long long)((char *)page_address_of(blk[2]) - physmem_base) + (4096 << 10);
	/* Three 4 MiB blocks side by side (never-used memory is handed out in order). */
	ASSERT_EQ(3 * (4096ULL << 10), hi - lo);
	EXPECT_TRUE(punched_range(before, lo, hi - lo));
}

TEST(the_page_array_is_touched_only_as_memory_is_used)
{
	size_t mem = 256UL << 20, array = (mem >> 12) * 48, resident = 0;
	unsigned char vec[(256UL << 20 >> 12) * 48 / 4096 + 1];
	char *base = mmap(NULL, mem, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	ASSERT_NE(MAP_FAILED, base);
	ASSERT_EQ(0, page_init(base, mem, 3));
	ASSERT_EQ(0, mincore(base + 4096, array, vec));
	for (size_t i = 0; i < array / 4096; i++)
		resident += vec[i] & 1;
	EXPECT_LT(resident, 16);
	munmap(base, mem);
}

TEST(a_released_free_block_also_releases_its_part_of_the_page_array)
{
	size_t mem = 64UL << 20;
	char *base = mmap(NULL, mem, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct page *b;
	unsigned long long arr_lo, arr_hi;
	int before;

	ASSERT_NE(MAP_FAILED, base);
	ASSERT_EQ(0, page_init(base, mem, 3));
	b = page_alloc(10, 0);
	ASSERT_NE(NULL, b);
	page_release_free();
	before = ustub_punched;
	page_free(b, 10);
	page_release_free();
	/* The entries of the block's 1023 tail frames span at least 11 whole array pages. */
	arr_lo = (((unsigned long long)((char *)(b + 1) - base)) + 4095) & ~4095ULL;
	arr_hi = ((unsigned long long)((char *)(b + 1024) - base)) & ~4095ULL;
	ASSERT_GE(arr_hi - arr_lo, 11 * 4096);
	EXPECT_TRUE(punched_range(before, arr_lo, arr_hi - arr_lo));
	munmap(base, mem);
}

TEST(too_small_memory_is_refused)
{
	static char tiny[64 * 4096] __attribute__((aligned(4096)));

	EXPECT_EQ(-12 /* -ENOMEM */, page_init(tiny, sizeof(tiny), -1));
}

TEST_HARNESS_MAIN
