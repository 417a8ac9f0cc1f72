/*
 * Unit tests of swap areas without I/O (kernel/mm/swapfile.c): the Linux swap header as
 * mkswap writes it (signature, version 1, last_page, bad pages) checked with the reason a
 * bad one is refused, and the slot map: slot 0 and bad pages never handed out, counts for
 * slots shared by fork, a full area, slots reused after they are freed; the extents of a
 * swap file (its pages' device offsets merged into runs, looked up by slot) and its pages
 * that cannot be used.
 */
// UNIT-OBJS: kernel/mm/swapfile.o tests/unit/ustubs.o
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "ustubs.h"

struct swap_header_info {
	uint64_t pages;
	uint32_t nr_bad;
	const uint32_t *bad;
};
struct swap_map {
	uint16_t *count;
	uint64_t nr, nr_good, used, next;
};
int swap_parse_header(const void *page, uint64_t dev_pages, struct swap_header_info *info,
		      const char **why);
int swap_map_init(struct swap_map *m, const struct swap_header_info *info);
void swap_map_destroy(struct swap_map *m);
uint64_t swap_map_alloc(struct swap_map *m);
_Bool swap_map_dup(struct swap_map *m, uint64_t slot);
unsigned swap_map_put(struct swap_map *m, uint64_t slot);
void swap_map_mark_bad(struct swap_map *m, uint64_t slot);
struct swap_extent {
	uint64_t start_page, nr_pages, start_off;
};
struct swap_extents {
	struct swap_extent *ext;
	uint32_t nr, cap;
};
int swap_extents_add(struct swap_extents *x, uint64_t page, uint64_t off);
uint64_t swap_extents_lookup(const struct swap_extents *x, uint64_t page);
uint64_t swap_extents_span(const struct swap_extents *x);
void swap_extents_destroy(struct swap_extents *x);
#define NO_OFFSET (~0ULL)

/* A header page as busybox mkswap writes it (little-endian fields). */
static void mkswap(uint8_t *page, uint32_t version, uint32_t last, uint32_t nbad,
		   const uint32_t *bad)
{
	memset(page, 0, 4096);
	memcpy(page + 1024, &version, 4);
	memcpy(page + 1028, &last, 4);
	memcpy(page + 1032, &nbad, 4);
	if (nbad && bad)
		memcpy(page + 1536, bad, 4 * (nbad < 8 ? nbad : 8));
	memcpy(page + 4096 - 10, "SWAPSPACE2", 10);
}

TEST(header_of_mkswap_is_accepted)
{
	uint8_t page[4096];
	struct swap_header_info info;
	const char *why = "unset";

	mkswap(page, 1, 255, 0, NULL);
	ASSERT_EQ(0, swap_parse_header(page, 256, &info, &why));
	EXPECT_EQ(256, info.pages);
	EXPECT_EQ(0, info.nr_bad);
	EXPECT_EQ(NULL, why);
}

TEST(no_signature_is_einval_with_reason)
{
	uint8_t page[4096];
	struct swap_header_info info;
	const char *why = NULL;

	mkswap(page, 1, 255, 0, NULL);
	memcpy(page + 4096 - 10, "SWAP-SPACE", 10); /* the old version-0 signature */
	ASSERT_EQ(-EINVAL, swap_parse_header(page, 256, &info, &why));
	ASSERT_NE(NULL, why);
	EXPECT_NE(NULL, strstr(why, "signature"));
	memset(page, 0, sizeof(page));
	EXPECT_EQ(-EINVAL, swap_parse_header(page, 256, &info, &why));
}

TEST(other_versions_and_sizes_are_refused)
{
	uint8_t page[4096];
	struct swap_header_info info;
	const char *why;
	uint32_t bad = 300;

	mkswap(page, 2, 255, 0, NULL);
	EXPECT_EQ(-EINVAL, swap_parse_header(page, 256, &info, &why));
	EXPECT_NE(NULL, strstr(why, "version"));
	mkswap(page, 1, 0, 0, NULL); /* no page after the header */
	EXPECT_EQ(-EINVAL, swap_parse_header(page, 256, &info, &why));
	mkswap(page, 1, 255, 100000, NULL); /* more bad pages than the page can list */
	EXPECT_EQ(-EINVAL, swap_parse_header(page, 256, &info, &why));
	mkswap(page, 1, 255, 1, &bad); /* a bad page beyond last_page */
	EXPECT_EQ(-EINVAL, swap_parse_header(page, 256, &info, &why));
}

TEST(area_larger_than_its_device_is_cut_to_it)
{
	uint8_t page[4096];
	struct swap_header_info info;
	const char *why;

	mkswap(page, 1, 1000, 0, NULL);
	ASSERT_EQ(0, swap_parse_header(page, 100, &info, &why));
	EXPECT_EQ(100, info.pages);
}

TEST(slots_skip_the_header_and_bad_pages_and_fill_up)
{
	uint8_t page[4096];
	uint32_t bad[2] = { 3, 5 };
	struct swap_header_info info;
	struct swap_map m;
	const char *why;
	int seen[8] = { 0 };

	mkswap(page, 1, 7, 2, bad);
	ASSERT_EQ(0, swap_parse_header(page, 8, &info, &why));
	ASSERT_EQ(0, swap_map_init(&m, &info));
	EXPECT_EQ(5, m.nr_good); /* 8 pages - header - 2 bad */
	for (int i = 0; i < 5; i++) {
		uint64_t s = swap_map_alloc(&m);

		ASSERT_GT(s, 0);
		ASSERT_LT(s, 8);
		EXPECT_NE(3, s);
		EXPECT_NE(5, s);
		EXPECT_EQ(0, seen[s]);
		seen[s] = 1;
	}
	EXPECT_EQ(0, swap_map_alloc(&m)); /* full */
	EXPECT_EQ(5, m.used);
	EXPECT_EQ(0, swap_map_put(&m, 4));
	EXPECT_EQ(4, swap_map_alloc(&m)); /* the one freed slot comes back */
	EXPECT_EQ(0, swap_map_put(&m, 3)); /* a bad page is never "freed" into use */
	EXPECT_EQ(0, swap_map_alloc(&m));
	swap_map_destroy(&m);
}

TEST(shared_slots_are_freed_by_their_last_user)
{
	uint8_t page[4096];
	struct swap_header_info info;
	struct swap_map m;
	const char *why;
	uint64_t s;

	mkswap(page, 1, 15, 0, NULL);
	ASSERT_EQ(0, swap_parse_header(page, 16, &info, &why));
	ASSERT_EQ(0, swap_map_init(&m, &info));
	s = swap_map_alloc(&m);
	ASSERT_TRUE(swap_map_dup(&m, s)); /* fork */
	ASSERT_TRUE(swap_map_dup(&m, s));
	EXPECT_EQ(2, swap_map_put(&m, s));
	EXPECT_EQ(1, swap_map_put(&m, s));
	EXPECT_EQ(1, m.used);
	EXPECT_EQ(0, swap_map_put(&m, s));
	EXPECT_EQ(0, m.used);
	EXPECT_FALSE(swap_map_dup(&m, s)); /* a free slot cannot gain users */
	EXPECT_FALSE(swap_map_dup(&m, 99)); /* nor one outside the area */
	swap_map_destroy(&m);
}

TEST(contiguous_pages_make_one_extent_and_fragments_more)
{
	struct swap_extents x = { 0 };

	/* A file of 10 pages: 0-3 at 1 MiB, 4-5 elsewhere, page 6 unusable, 7-9 at 8 MiB. */
	for (uint64_t p = 0; p < 4; p++)
		ASSERT_EQ(0, swap_extents_add(&x, p, (1 << 20) + p * 4096));
	ASSERT_EQ(0, swap_extents_add(&x, 4, 40960));
	ASSERT_EQ(0, swap_extents_add(&x, 5, 40960 + 4096));
	for (uint64_t p = 7; p < 10; p++)
		ASSERT_EQ(0, swap_extents_add(&x, p, (8 << 20) + (p - 7) * 4096));
	EXPECT_EQ(3, x.nr);
	EXPECT_EQ(1 << 20, swap_extents_lookup(&x, 0));
	EXPECT_EQ((1 << 20) + 3 * 4096, swap_extents_lookup(&x, 3));
	EXPECT_EQ(40960 + 4096, swap_extents_lookup(&x, 5));
	EXPECT_EQ(NO_OFFSET, swap_extents_lookup(&x, 6)); /* the page that was left out */
	EXPECT_EQ((8 << 20) + 2 * 4096, swap_extents_lookup(&x, 9));
	EXPECT_EQ(NO_OFFSET, swap_extents_lookup(&x, 10));
	EXPECT_EQ((8 << 20) + 3 * 4096 - 40960, swap_extents_span(&x));
	swap_extents_destroy(&x);
	EXPECT_EQ(0, x.nr);
	EXPECT_EQ(NO_OFFSET, swap_extents_lookup(&x, 0));
}

TEST(a_fragmented_file_keeps_every_page_findable)
{
	struct swap_extents x = { 0 };

	/* Every other page elsewhere on the device: many extents, storage grows. */
	for (uint64_t p = 0; p < 1000; p++)
		ASSERT_EQ(0, swap_extents_add(&x, p, (p % 2 ? 1ULL << 30 : 0) + p * 8192));
	EXPECT_EQ(1000, x.nr);
	for (uint64_t p = 0; p < 1000; p++)
		ASSERT_EQ((p % 2 ? 1ULL << 30 : 0) + p * 8192, swap_extents_lookup(&x, p));
	swap_extents_destroy(&x);
}

TEST(pages_marked_bad_are_never_handed_out)
{
	uint8_t page[4096];
	struct swap_header_info info;
	struct swap_map m;
	const char *why;

	mkswap(page, 1, 3, 0, NULL);
	ASSERT_EQ(0, swap_parse_header(page, 4, &info, &why));
	ASSERT_EQ(0, swap_map_init(&m, &info));
	swap_map_mark_bad(&m, 2);
	swap_map_mark_bad(&m, 2); /* twice counts once */
	EXPECT_EQ(2, m.nr_good);
	EXPECT_EQ(1, swap_map_alloc(&m));
	EXPECT_EQ(3, swap_map_alloc(&m));
	EXPECT_EQ(0, swap_map_alloc(&m));
	swap_map_destroy(&m);
}

TEST_HARNESS_MAIN
