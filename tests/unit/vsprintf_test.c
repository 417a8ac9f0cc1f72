/*
 * Unit tests of the kernel's formatted output (kernel/lib/vsprintf.c), with the C
 * library's snprintf as the oracle for every conversion the kernel uses.
 */
// UNIT-OBJS: kernel/lib/vsprintf.o kernel/lib/string.o tests/unit/ustubs.o
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"

int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
unsigned long long kstrtoull_prefix(const char *s, const char **end, int base);
size_t kstrlcpy(char *dst, const char *src, size_t size);

#define SAME(fmt, ...)                                                        \
	do {                                                                  \
		char k[256], c[256];                                          \
		int kn = ksnprintf(k, sizeof(k), fmt, __VA_ARGS__);           \
		int cn = snprintf(c, sizeof(c), fmt, __VA_ARGS__);            \
		EXPECT_STREQ(c, k);                                           \
		EXPECT_EQ(cn, kn);                                            \
	} while (0)

TEST(integers_match_the_c_library)
{
	SAME("%d %i %u", -42, 7, 4000000000u);
	SAME("%ld %lu %lld %llu", -1L, ~0UL, -9223372036854775807LL - 1, ~0ULL);
	SAME("%x %X %lx %#x %#o %o", 255, 255, 0xdeadbeefUL, 16, 8, 8);
	SAME("%5d|%-5d|%05d|%+d", 42, 42, 42, 42);
	SAME("%08lx-%08lx", 0x400000UL, 0x401000UL);
	SAME("%zu %zd", (size_t)123, (ssize_t)-5);
	SAME("%3ld.%02ld", 12L, 5L);
}

TEST(strings_and_chars_match_the_c_library)
{
	SAME("%s|%10s|%-10s|%.3s", "abc", "abc", "abc", "abcdef");
	SAME("%c%c%%", 'x', 'y');
}

TEST(truncation_reports_the_full_length_and_terminates)
{
	char b[8];
	int n = ksnprintf(b, sizeof(b), "%s", "0123456789");

	EXPECT_EQ(10, n);
	EXPECT_STREQ("0123456", b);
	EXPECT_EQ(5, ksnprintf(NULL, 0, "%d", 12345));
}

TEST(null_string_does_not_crash)
{
	char b[32];
	const char *volatile nothing = NULL; /* hidden from gcc's format checker */

	ksnprintf(b, sizeof(b), "%s", nothing);
	EXPECT_STREQ("(null)", b);
}

TEST(number_parsing_detects_bases_and_stops_at_junk)
{
	const char *end;

	EXPECT_EQ(255, kstrtoull_prefix("0xff", &end, 0));
	EXPECT_EQ('\0', *end);
	EXPECT_EQ(8, kstrtoull_prefix("010", &end, 0));
	EXPECT_EQ(123, kstrtoull_prefix("123abc", &end, 10));
	EXPECT_STREQ("abc", end);
}

TEST(strlcpy_always_terminates)
{
	char b[4];

	EXPECT_EQ(6, kstrlcpy(b, "abcdef", sizeof(b)));
	EXPECT_STREQ("abc", b);
}

TEST_HARNESS_MAIN
