/*
 * Unit tests of the command-line parser (kernel/params.c): UML-style options registered
 * with KPARAM, sizes with K/M/G suffixes, words passed to init, and "--".
 */
// UNIT-OBJS: kernel/params.o kernel/lib/vsprintf.o kernel/lib/string.o tests/unit/ustubs.o
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "ustubs.h"

/* The layout of struct kparam (kernel/include/params.h), which includes kernel headers. */
struct kparam {
	const char *name;
	int (*set)(const char *val);
	unsigned flags;
	const char *help;
};
#define KP_VALUE 0x1
#define KP_FLAG 0x2
#define KP_EXIT_OK 1000
#define TEST_PARAM(name, fn, flags)                                                   \
	static const struct kparam __kparam_##fn                                      \
		__attribute__((used, section("kparam"), aligned(8))) = { name, fn, flags, name }

int params_parse(int argc, char **argv);
int params_parse_size(const char *s, uint64_t *out);
const char *kernel_cmdline(void);
extern const char *init_argv[64];
extern int init_argc;
extern const char *init_envp[64];
extern int init_envc;

static char mem_seen[64];
static int quiet_seen;

static int set_mem(const char *v)
{
	uint64_t sz;

	if (params_parse_size(v, &sz) < 0)
		return -22;
	strcpy(mem_seen, v);
	return 0;
}
TEST_PARAM("mem", set_mem, KP_VALUE);

static int set_quiet(const char *v)
{
	quiet_seen = 1;
	return 0;
}
TEST_PARAM("quiet", set_quiet, KP_FLAG);

TEST(sizes_take_k_m_g_suffixes)
{
	uint64_t v = 0;

	ASSERT_EQ(0, params_parse_size("128M", &v));
	EXPECT_EQ(128ULL << 20, v);
	ASSERT_EQ(0, params_parse_size("1G", &v));
	EXPECT_EQ(1ULL << 30, v);
	ASSERT_EQ(0, params_parse_size("64k", &v));
	EXPECT_EQ(64ULL << 10, v);
	ASSERT_EQ(0, params_parse_size("4096", &v));
	EXPECT_EQ(4096, v);
	ASSERT_EQ(0, params_parse_size("0x1000", &v));
	EXPECT_EQ(4096, v);
}

TEST(malformed_sizes_are_rejected)
{
	uint64_t v = 7;

	EXPECT_EQ(-22, params_parse_size("", &v));
	EXPECT_EQ(-22, params_parse_size("M", &v));
	EXPECT_EQ(-22, params_parse_size("12Q", &v));
	EXPECT_EQ(-22, params_parse_size("12MB", &v));
	EXPECT_EQ(-22, params_parse_size("-1", &v));
	EXPECT_EQ(-22, params_parse_size("99999999999999999999G", &v));
	EXPECT_EQ(-22, params_parse_size(NULL, &v));
	EXPECT_EQ(7, v);
}

TEST(options_reach_their_handlers_and_the_rest_goes_to_init)
{
	char *argv[] = { "umlite", "mem=64M", "quiet", "single", "TERM=vt100", "--", "-c",
			 "echo hi", NULL };

	ASSERT_EQ(0, params_parse(8, argv));
	EXPECT_STREQ("64M", mem_seen);
	EXPECT_EQ(1, quiet_seen);
	/* init_argv[0] is kept for init's own path. */
	ASSERT_EQ(4, init_argc);
	EXPECT_STREQ("single", init_argv[1]);
	EXPECT_STREQ("-c", init_argv[2]);
	EXPECT_STREQ("echo hi", init_argv[3]);
	ASSERT_EQ(1, init_envc);
	EXPECT_STREQ("TERM=vt100", init_envp[0]);
	EXPECT_STREQ("mem=64M quiet single TERM=vt100", kernel_cmdline());
}

TEST(a_bad_value_is_an_error_naming_the_option)
{
	char *argv[] = { "umlite", "mem=lots", NULL };

	ustub_log_clear();
	EXPECT_EQ(-22, params_parse(2, argv));
	EXPECT_NE(NULL, strstr(ustub_log, "mem=lots"));
}

TEST(an_unknown_dash_option_is_an_error)
{
	char *argv[] = { "umlite", "--frobnicate", NULL };

	ustub_log_clear();
	EXPECT_EQ(-22, params_parse(2, argv));
	EXPECT_NE(NULL, strstr(ustub_log, "--frobnicate"));
}

TEST(help_lists_registered_options_and_asks_to_exit)
{
	char *argv[] = { "umlite", "--help", NULL };

	ustub_log_clear();
	EXPECT_EQ(KP_EXIT_OK, params_parse(2, argv));
	EXPECT_NE(NULL, strstr(ustub_log, "mem"));
	EXPECT_NE(NULL, strstr(ustub_log, "usage: umlite"));
}

TEST(too_many_init_arguments_are_refused)
{
	static char *argv[80];

	argv[0] = "umlite";
	argv[1] = "--";
	for (int i = 2; i < 79; i++)
		argv[i] = "x";
	ustub_log_clear();
	EXPECT_EQ(-22, params_parse(79, argv));
}

TEST_HARNESS_MAIN
