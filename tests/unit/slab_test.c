/*
 * Unit tests of kmalloc's debug checks (kernel/mm/slab.c with CONFIG_DEBUG_SLAB) and of
 * the page allocator's poison check (kernel/mm/page_debug.c with CONFIG_DEBUG_PAGEALLOC),
 * built with the checks on whatever the configuration (tests/unit/debug/ objects). Each
 * corruption must be reported, naming the object, its size and its callers, and end in a
 * panic; ustubs' panic jumps back here so the report can be read.
 */
// UNIT-OBJS: tests/unit/debug/kernel/mm/slab.o tests/unit/debug/kernel/mm/page_debug.o kernel/mm/page.o tests/unit/ustubs.o
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
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(const void *p);
size_t ksize(const void *p);
phys_t frame_alloc(unsigned gfp);
void frame_put(phys_t p);
extern char *physmem_base;

#define MEM (16UL << 20)

/* Run the statement; true when it panicked (the report is then in ustub_log). */
#define PANICS(stmt)                                          \
	({                                                    \
		jmp_buf __j;                                  \
		bool __p = false;                             \
		ustub_log_clear();                            \
		ustub_panic_jmp = &__j;                       \
		if (setjmp(__j) == 0) {                       \
			stmt;                                 \
		} else {                                      \
			__p = true;                           \
		}                                             \
		ustub_panic_jmp = NULL;                       \
		__p;                                          \
	})

FIXTURE(slab) {
	void *mem;
};

FIXTURE_SETUP(slab)
{
	self->mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	ASSERT_EQ(0, page_init(self->mem, MEM, 3));
}

FIXTURE_TEARDOWN(slab)
{
	munmap(self->mem, MEM);
}

TEST_F(slab, objects_are_distinct_poisoned_until_written_and_kzalloc_clears)
{
	unsigned char *a = kmalloc(24), *b = kmalloc(24), *z = kzalloc(100);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, z);
	EXPECT_NE(a, b);
	EXPECT_EQ(0, (uintptr_t)a % 16);
	EXPECT_EQ(0x6b, a[0]); /* an uninitialized read shows the poison */
	EXPECT_EQ(0x6b, a[23]);
	EXPECT_EQ(0, z[0]);
	EXPECT_EQ(0, z[99]);
	EXPECT_EQ(24, ksize(a));
	memset(a, 1, 24); /* the whole object may be written */
	EXPECT_FALSE(PANICS(kfree(a)));
	EXPECT_FALSE(PANICS(kfree(b)));
	EXPECT_FALSE(PANICS(kfree(z)));
}

TEST_F(slab, a_write_past_the_end_is_reported_at_kfree)
{
	char *p = kmalloc(24);

	p[24] = 'x';
	ASSERT_TRUE(PANICS(kfree(p)));
	EXPECT_NE(NULL, strstr(ustub_log, "BUG: kmalloc: redzone overwritten"));
	EXPECT_NE(NULL, strstr(ustub_log, "24 bytes asked for"));
	EXPECT_NE(NULL, strstr(ustub_log, "first bad byte at object+24: 0x78"));
	EXPECT_NE(NULL, strstr(ustub_log, "  allocated by 0x"));
	EXPECT_NE(NULL, strstr(ustub_log, "  found at a call from 0x"));
	EXPECT_NE(NULL, strstr(ustub_log, "panic: kmalloc: redzone overwritten"))
		TH_LOG("log: %s", ustub_log);
}

TEST_F(slab, a_double_free_is_reported_with_the_first_freer)
{
	char *keep = kmalloc(100), *p = kmalloc(100); /* keep: the slab page stays a slab */

	ASSERT_NE(NULL, keep);
	ASSERT_FALSE(PANICS(kfree(p)));
	ASSERT_TRUE(PANICS(kfree(p)));
	EXPECT_NE(NULL, strstr(ustub_log, "BUG: kmalloc: double free"));
	EXPECT_NE(NULL, strstr(ustub_log, "100 bytes asked for"));
	EXPECT_NE(NULL, strstr(ustub_log, "  freed by 0x")) TH_LOG("log: %s", ustub_log);
}

TEST_F(slab, a_write_after_free_is_reported_when_the_object_is_reused)
{
	char *keep = kmalloc(40), *p = kmalloc(40), *q = NULL;

	ASSERT_NE(NULL, keep);
	ASSERT_FALSE(PANICS(kfree(p)));
	p[8] = 1; /* use after free */
	ASSERT_TRUE(PANICS(q = kmalloc(40)));
	EXPECT_EQ(NULL, q);
	EXPECT_NE(NULL, strstr(ustub_log, "BUG: kmalloc: object written after it was freed"));
	EXPECT_NE(NULL, strstr(ustub_log, "first bad byte at object+8: 0x1"))
		TH_LOG("log: %s", ustub_log);
}

TEST_F(slab, kfree_of_a_pointer_kmalloc_did_not_return_is_reported)
{
	char *p = kmalloc(40);
	static char outside[64];

	ASSERT_TRUE(PANICS(kfree(p + 16)));
	EXPECT_NE(NULL, strstr(ustub_log, "middle of an object")) TH_LOG("log: %s", ustub_log);
	ASSERT_TRUE(PANICS(kfree(outside)));
	EXPECT_NE(NULL, strstr(ustub_log, "outside kmalloc's memory"));
}

TEST_F(slab, a_large_block_has_a_redzone_after_its_size)
{
	char *p = kmalloc(5000);

	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, (uintptr_t)p % 4096);
	memset(p, 2, 5000);
	p[5003] = 0;
	ASSERT_TRUE(PANICS(kfree(p)));
	EXPECT_NE(NULL, strstr(ustub_log, "redzone overwritten"));
	EXPECT_NE(NULL, strstr(ustub_log, "5000 bytes asked for, in a block of 8192"));
	EXPECT_NE(NULL, strstr(ustub_log, "first bad byte at object+5003"));
}

TEST_F(slab, a_page_written_after_it_was_freed_is_reported_at_its_next_allocation)
{
	phys_t a = frame_alloc(0), b = frame_alloc(0), c = 0;
	char *pa = physmem_base + a;

	ASSERT_NE(0, b); /* a's buddy stays allocated: a stays a free block of its own */
	memset(pa, 1, 4096);
	frame_put(a);
	EXPECT_EQ(0x6b, pa[0]); /* freed pages are poisoned */
	EXPECT_EQ(0x6b, pa[4095]);
	pa[100] = 7;
	ASSERT_TRUE(PANICS(c = frame_alloc(0)));
	EXPECT_EQ(0, c);
	EXPECT_NE(NULL, strstr(ustub_log, "BUG: page allocator: frame at physmem offset"));
	EXPECT_NE(NULL, strstr(ustub_log, "written after it was freed: byte 0x7 at +0x64"))
		TH_LOG("log: %s", ustub_log);
}

TEST_HARNESS_MAIN
