/*
 * Unit tests of the cpio "newc"/"crc" parser (kernel/fs/cpio.c): well-formed archives as
 * the cpio tool writes them, and every kind of malformed input refused without reading
 * outside the buffer.
 */
// UNIT-OBJS: kernel/fs/cpio.o
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "../../kernel/fs/cpio.h"

/* Append a newc entry to buf at *off; returns the new offset. */
static size_t put_entry(char *buf, size_t off, const char *magic, unsigned mode,
			const char *name, const char *data, unsigned check)
{
	size_t dlen = data ? strlen(data) : 0, nlen = strlen(name) + 1;

	off += sprintf(buf + off, "%s%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		       magic, 1, mode, 0, 0, 1, 0, dlen, 0, 0, 0, 0, nlen, check);
	memcpy(buf + off, name, nlen);
	off = cpio_align4(off + nlen);
	if (dlen) {
		memcpy(buf + off, data, dlen);
		off = cpio_align4(off + dlen);
	}
	return off;
}

TEST(hex_fields_decode_and_reject_non_hex)
{
	uint32_t v;

	ASSERT_TRUE(cpio_parse_hex8("000081A4", &v));
	EXPECT_EQ(0x81a4, v);
	ASSERT_TRUE(cpio_parse_hex8("ffffffff", &v));
	EXPECT_EQ(0xffffffffu, v);
	EXPECT_FALSE(cpio_parse_hex8("0000 1A4", &v));
	EXPECT_FALSE(cpio_parse_hex8("0000G1A4", &v));
}

TEST(an_archive_parses_entry_by_entry_to_the_trailer)
{
	static char buf[4096];
	struct cpio_entry e;
	size_t off = 0, len;

	len = put_entry(buf, 0, "070701", 040755, "bin", NULL, 0);
	len = put_entry(buf, len, "070701", 0100644, "bin/hello", "hello world\n", 0);
	len = put_entry(buf, len, "070701", 0, "TRAILER!!!", NULL, 0);
	ASSERT_EQ(CPIO_OK, cpio_parse_entry(buf, len, off, &e));
	EXPECT_STREQ("bin", e.name);
	EXPECT_EQ(040755, e.h.mode);
	EXPECT_FALSE(cpio_is_trailer(&e));
	off = e.next;
	ASSERT_EQ(CPIO_OK, cpio_parse_entry(buf, len, off, &e));
	EXPECT_STREQ("bin/hello", e.name);
	EXPECT_EQ(12, e.h.filesize);
	EXPECT_EQ(0, memcmp(e.data, "hello world\n", 12));
	off = e.next;
	ASSERT_EQ(CPIO_OK, cpio_parse_entry(buf, len, off, &e));
	EXPECT_TRUE(cpio_is_trailer(&e));
}

TEST(crc_entries_check_their_sum)
{
	static char buf[1024];
	struct cpio_entry e;
	size_t len;

	len = put_entry(buf, 0, "070702", 0100644, "f", "abc", 'a' + 'b' + 'c');
	EXPECT_EQ(CPIO_OK, cpio_parse_entry(buf, len, 0, &e));
	len = put_entry(buf, 0, "070702", 0100644, "f", "abc", 5);
	EXPECT_EQ(CPIO_BAD_CHECKSUM, cpio_parse_entry(buf, len, 0, &e));
}

TEST(bad_magic_and_fields_are_refused)
{
	static char buf[1024];
	struct cpio_entry e;
	size_t len = put_entry(buf, 0, "070707", 0100644, "f", "x", 0);

	EXPECT_EQ(CPIO_BAD_MAGIC, cpio_parse_entry(buf, len, 0, &e));
	len = put_entry(buf, 0, "070701", 0100644, "f", "x", 0);
	buf[20] = 'z';
	EXPECT_EQ(CPIO_BAD_FIELD, cpio_parse_entry(buf, len, 0, &e));
}

TEST(truncated_headers_names_and_data_are_refused)
{
	static char buf[1024];
	struct cpio_entry e;
	size_t len = put_entry(buf, 0, "070701", 0100644, "file", "0123456789", 0);

	EXPECT_EQ(CPIO_TRUNCATED, cpio_parse_entry(buf, 50, 0, &e));
	EXPECT_EQ(CPIO_TRUNCATED, cpio_parse_entry(buf, CPIO_HEADER_LEN + 2, 0, &e));
	EXPECT_EQ(CPIO_TRUNCATED, cpio_parse_entry(buf, len - 8, 0, &e));
	EXPECT_EQ(CPIO_TRUNCATED, cpio_parse_entry(buf, len, len - 4, &e));
}

TEST(a_huge_file_size_cannot_wrap_around)
{
	static char buf[1024];
	struct cpio_entry e;
	size_t len = put_entry(buf, 0, "070701", 0100644, "f", "x", 0);

	memcpy(buf + 6 + 6 * 8, "FFFFFFFF", 8); /* filesize */
	EXPECT_EQ(CPIO_TRUNCATED, cpio_parse_entry(buf, len, 0, &e));
	memcpy(buf + 6 + 6 * 8, "00000001", 8);
	memcpy(buf + 6 + 11 * 8, "FFFFFFFF", 8); /* namesize */
	EXPECT_GT(0, cpio_parse_entry(buf, len, 0, &e));
}

TEST(names_must_end_with_their_nul)
{
	static char buf[1024];
	struct cpio_entry e;
	size_t len = put_entry(buf, 0, "070701", 0100644, "name", "x", 0);

	buf[CPIO_HEADER_LEN + 4] = 'X'; /* overwrite the NUL */
	EXPECT_EQ(CPIO_BAD_NAME, cpio_parse_entry(buf, len, 0, &e));
	len = put_entry(buf, 0, "070701", 0100644, "", "x", 0);
	memcpy(buf + 6 + 11 * 8, "00000000", 8);
	EXPECT_EQ(CPIO_BAD_NAME, cpio_parse_entry(buf, len, 0, &e));
}

TEST(dot_dot_components_are_unsafe)
{
	EXPECT_TRUE(cpio_name_safe("bin/busybox", 11));
	EXPECT_TRUE(cpio_name_safe("a/..b/c", 7));
	EXPECT_FALSE(cpio_name_safe("../etc/passwd", 13));
	EXPECT_FALSE(cpio_name_safe("a/../../b", 9));
	EXPECT_FALSE(cpio_name_safe("a/..", 4));
}

TEST(parsing_stops_at_the_end_of_the_buffer_exactly)
{
	/* The archive ends right at a page boundary followed by an unmapped page. */
	char *map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static char tmp[512];
	struct cpio_entry e;
	size_t len;

	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + 4096, 4096));
	len = put_entry(tmp, 0, "070701", 0100644, "f", "data", 0);
	memcpy(map + 4096 - len, tmp, len);
	for (size_t cut = 0; cut < len; cut++)
		EXPECT_NE(CPIO_OK, cpio_parse_entry(map + 4096 - len + cut, len - cut - 1, 0, &e));
	EXPECT_EQ(CPIO_OK, cpio_parse_entry(map + 4096 - len, len, 0, &e));
}

TEST(the_real_cpio_tool_output_parses)
{
	char dir[] = "/tmp/cpio_test_XXXXXX", cmd[256];
	static char buf[1 << 16];
	size_t len, off = 0;
	struct cpio_entry e;
	int n = 0;
	FILE *f;

	if (system("command -v cpio >/dev/null") != 0)
		SKIP(return, "no cpio tool");
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir d && echo hi > d/f && ln -s f d/l && "
		 "find . | cpio --quiet -o -H newc > a.cpio", dir);
	ASSERT_EQ(0, system(cmd));
	snprintf(cmd, sizeof(cmd), "%s/a.cpio", dir);
	f = fopen(cmd, "r");
	ASSERT_NE(NULL, f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (;;) {
		ASSERT_EQ(CPIO_OK, cpio_parse_entry(buf, len, off, &e));
		if (cpio_is_trailer(&e))
			break;
		n++;
		off = e.next;
	}
	EXPECT_GE(n, 4); /* ., d, d/f, d/l and a.cpio itself */
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	system(cmd);
}

TEST_HARNESS_MAIN
