/*
 * Unit tests of the mconsole protocol helpers (drivers/mconsole/mconsole_proto.c): the
 * request validator against every kind of malformed datagram (never reading past the
 * datagram), UML's prefix matching of commands, and the cutting of replies into packets
 * as the real uml_mconsole client expects them.
 */
// UNIT-OBJS: drivers/mconsole/mconsole_proto.o
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../../drivers/mconsole/mconsole_proto.h"

/* A request as the Debian client sends it: the whole 524-byte struct. */
static size_t make_request(struct mconsole_request *r, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->magic = MCONSOLE_MAGIC;
	r->version = MCONSOLE_VERSION;
	r->len = strlen(text);
	memcpy(r->data, text, r->len);
	return sizeof(*r);
}

TEST(a_client_request_gives_its_command_text)
{
	struct mconsole_request r;
	char cmd[MCONSOLE_MAX_DATA];

	memset(cmd, 'x', sizeof(cmd));
	ASSERT_EQ(MC_REQ_OK, mconsole_check_request(&r, make_request(&r, "proc meminfo"), cmd));
	EXPECT_STREQ("proc meminfo", cmd);
	/* A datagram holding only the header and the text is as good. */
	ASSERT_EQ(MC_REQ_OK, mconsole_check_request(&r, MCONSOLE_REQ_HDR + 12, cmd));
	EXPECT_STREQ("proc meminfo", cmd);
}

TEST(the_longest_command_fits_with_its_nul)
{
	struct mconsole_request r;
	char text[MCONSOLE_MAX_DATA], cmd[MCONSOLE_MAX_DATA];

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	ASSERT_EQ(MC_REQ_OK, mconsole_check_request(&r, make_request(&r, text), cmd));
	EXPECT_EQ(511, strlen(cmd));
}

TEST(no_magic_is_a_version_0_client)
{
	struct mconsole_request r;
	char cmd[MCONSOLE_MAX_DATA];

	make_request(&r, "version");
	r.magic = 0x12345678;
	EXPECT_EQ(MC_REQ_V0, mconsole_check_request(&r, sizeof(r), cmd));
	EXPECT_EQ(MC_REQ_V0, mconsole_check_request("version", 7, cmd));
	EXPECT_EQ(MC_REQ_V0, mconsole_check_request("", 0, cmd));
	EXPECT_EQ(MC_REQ_V0, mconsole_check_request(&r, 3, cmd));
	EXPECT_STREQ("ERR Version 0 mconsole clients are not supported by this driver",
		     mconsole_req_error(MC_REQ_V0));
}

TEST(a_header_cut_short_is_refused)
{
	struct mconsole_request r;
	char cmd[MCONSOLE_MAX_DATA];

	make_request(&r, "version");
	for (size_t n = 4; n < MCONSOLE_REQ_HDR; n++)
		EXPECT_EQ(MC_REQ_SHORT, mconsole_check_request(&r, n, cmd));
}

TEST(other_versions_get_uml_s_error)
{
	struct mconsole_request r;
	char cmd[MCONSOLE_MAX_DATA];

	make_request(&r, "version");
	r.version = 1;
	EXPECT_EQ(MC_REQ_BAD_VERSION, mconsole_check_request(&r, sizeof(r), cmd));
	r.version = 3;
	EXPECT_EQ(MC_REQ_BAD_VERSION, mconsole_check_request(&r, sizeof(r), cmd));
	EXPECT_STREQ("This driver only supports version 2 clients",
		     mconsole_req_error(MC_REQ_BAD_VERSION));
}

TEST(lengths_of_512_and_more_are_too_large)
{
	struct mconsole_request r;
	char cmd[MCONSOLE_MAX_DATA];

	make_request(&r, "version");
	r.len = 512;
	EXPECT_EQ(MC_REQ_TOO_LARGE, mconsole_check_request(&r, sizeof(r), cmd));
	r.len = 0xffffffff;
	EXPECT_EQ(MC_REQ_TOO_LARGE, mconsole_check_request(&r, sizeof(r), cmd));
	/* The receiver passes the real size of a datagram longer than its buffer. */
	r.len = 7;
	EXPECT_EQ(MC_REQ_TOO_LARGE, mconsole_check_request(&r, sizeof(r) + 1, cmd));
	EXPECT_STREQ("Request too large", mconsole_req_error(MC_REQ_TOO_LARGE));
}

/* A datagram that ends at a page with no access behind it: any over-read faults. */
TEST(a_length_beyond_the_datagram_is_refused_without_reading_past_it)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct mconsole_request r;
	char cmd[MCONSOLE_MAX_DATA], *dg;
	size_t n = MCONSOLE_REQ_HDR + 10;

	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + pg, pg, PROT_NONE));
	make_request(&r, "0123456789");
	r.len = 100;
	dg = map + pg - n;
	memcpy(dg, &r, n);
	EXPECT_EQ(MC_REQ_TRUNCATED, mconsole_check_request(dg, n, cmd));
	r.len = 10;
	memcpy(dg, &r, n);
	EXPECT_EQ(MC_REQ_OK, mconsole_check_request(dg, n, cmd));
	EXPECT_STREQ("0123456789", cmd);
	munmap(map, 2 * pg);
}

TEST(commands_match_by_prefix_in_uml_s_order)
{
	EXPECT_EQ(MC_CMD_VERSION, mconsole_lookup("version"));
	EXPECT_EQ(MC_CMD_VERSION, mconsole_lookup("versionXYZ"));
	EXPECT_EQ(MC_CMD_PROC, mconsole_lookup("proc meminfo"));
	EXPECT_EQ(MC_CMD_SYSRQ, mconsole_lookup("sysrq t"));
	EXPECT_EQ(MC_CMD_REBOOT, mconsole_lookup("reboot"));
	EXPECT_EQ(MC_CMD_REMOVE, mconsole_lookup("remove ubd1"));
	EXPECT_EQ(MC_CMD_GO, mconsole_lookup("go"));
	EXPECT_EQ(MC_CMD_STACK, mconsole_lookup("stack 1"));
	EXPECT_EQ(-1, mconsole_lookup("g"));
	EXPECT_EQ(-1, mconsole_lookup(""));
	EXPECT_EQ(-1, mconsole_lookup(" version"));
	EXPECT_EQ(-1, mconsole_lookup("VERSION"));
}

TEST(the_argument_follows_the_command_word_and_spaces)
{
	EXPECT_STREQ("meminfo", mconsole_argument("proc   meminfo", MC_CMD_PROC));
	EXPECT_STREQ("t", mconsole_argument("sysrq t", MC_CMD_SYSRQ));
	EXPECT_STREQ("", mconsole_argument("sysrq", MC_CMD_SYSRQ));
	EXPECT_STREQ("hello  world", mconsole_argument("log hello  world", MC_CMD_LOG));
}

TEST(a_short_reply_is_one_packet_with_its_nul)
{
	struct mconsole_reply r;
	size_t pkt;

	EXPECT_EQ(2, mconsole_fill_reply(&r, "OK", 2, 1, 0, &pkt));
	EXPECT_EQ(1, r.err);
	EXPECT_EQ(0, r.more);
	EXPECT_EQ(3, r.len);
	EXPECT_STREQ("OK", r.data);
	EXPECT_EQ(MCONSOLE_REPLY_HDR + 3, pkt);
	/* An empty reply still sends its NUL. */
	EXPECT_EQ(0, mconsole_fill_reply(&r, "", 0, 0, 1, &pkt));
	EXPECT_EQ(1, r.more);
	EXPECT_EQ(1, r.len);
	EXPECT_EQ(MCONSOLE_REPLY_HDR + 1, pkt);
}

TEST(a_long_reply_is_cut_into_511_byte_packets_with_more_set)
{
	static char text[1500];
	struct mconsole_reply r;
	size_t pkt, off = 0, used;
	int packets = 0;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = 'a' + i % 26;
	do {
		used = mconsole_fill_reply(&r, text + off, sizeof(text) - off, packets == 0, 0,
					   &pkt);
		ASSERT_LE(used, 511);
		EXPECT_EQ(used + 1, r.len);
		EXPECT_EQ(0, r.data[used]);
		EXPECT_EQ(0, memcmp(r.data, text + off, used));
		EXPECT_EQ(off + used < sizeof(text), r.more);
		EXPECT_EQ(packets == 0, r.err);
		off += used;
		packets++;
	} while (off < sizeof(text));
	EXPECT_EQ(3, packets);
	/* Exactly 511 bytes fit one packet, which then carries the caller's more. */
	EXPECT_EQ(511, mconsole_fill_reply(&r, text, 511, 0, 1, &pkt));
	EXPECT_EQ(1, r.more);
	EXPECT_EQ(511, mconsole_fill_reply(&r, text, 511, 0, 0, &pkt));
	EXPECT_EQ(0, r.more);
	EXPECT_EQ(sizeof(struct mconsole_reply), pkt);
}

TEST_HARNESS_MAIN
