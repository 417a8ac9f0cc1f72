/*
 * harness_selftest: tests for our kselftest harness itself, driven by check.sh.
 *
 * Every outcome the harness can report appears here once: pass, EXPECT and ASSERT
 * failures, SKIP (in a body and in a setup), XFAIL and XPASS, a TEST_SIGNAL that
 * gets its signal and one that does not, an unexpected signal, a timeout, fixtures
 * with variants, and a FIXTURE_TEARDOWN_PARENT fixture. Tests that must fail are
 * named fail_*; check.sh compares the whole output with what each should print.
 *
 * Tests leave evidence in $HARNESS_SELFTEST_DIR (a directory check.sh creates) when
 * what they check is only visible afterwards, such as "the teardown ran".
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* Leaves an empty file named @what in $HARNESS_SELFTEST_DIR. */
static void mark(const char *what)
{
	const char *dir = getenv("HARNESS_SELFTEST_DIR");
	char path[4096];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, what);
	f = fopen(path, "w");
	if (f)
		fclose(f);
}

static int evaluations;

static int count_me(int v)
{
	evaluations++;
	return v;
}

TEST(pass_simple)
{
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	EXPECT_EQ(5, write(fds[1], "hello", 5));
	EXPECT_NE(-1, close(fds[0]));
	EXPECT_LT(1, 2);
	EXPECT_LE(2, 2);
	EXPECT_GT(3, 2);
	EXPECT_GE(3, 3);
	EXPECT_TRUE(fds[1] >= 0);
	EXPECT_FALSE(0);
	EXPECT_NULL(NULL);
	EXPECT_STREQ("abc", "abc");
	EXPECT_STRNE("abc", "abd");
}

/* Mixed signedness and widths compare and print by C rules without warnings. */
TEST(pass_types)
{
	size_t sz = 4;
	ssize_t ss = -1;
	unsigned char uc = 200;
	const char *p = "x";
	double d = 1.5;
	bool b = true;

	EXPECT_EQ(4, sz);
	EXPECT_EQ(-1, ss);
	EXPECT_EQ(200, uc);
	EXPECT_LE(0, sz);
	EXPECT_NE(NULL, p);
	EXPECT_TRUE(p);
	EXPECT_EQ(1.5, d);
	EXPECT_TRUE(b);
	EXPECT_EQ(UINT64_MAX, (uint64_t)-1);
}

/* Each operand is evaluated exactly once, passing or failing. */
TEST(pass_single_evaluation)
{
	evaluations = 0;
	EXPECT_EQ(count_me(1), count_me(1));
	ASSERT_EQ(2, evaluations);
	EXPECT_TRUE(count_me(1));
	ASSERT_EQ(3, evaluations);
}

/* The statement after a check runs only when the check fails. */
TEST(pass_handler_only_on_failure)
{
	int ran = 0;

	EXPECT_EQ(1, 1) ran = 1;
	ASSERT_EQ(0, ran);
	EXPECT_EQ(1, 1) {
		ran = 2;
	}
	ASSERT_EQ(0, ran);
}

TEST(fail_expect_continues)
{
	int after = 0;

	EXPECT_EQ(1, 2) TH_LOG("handler ran");
	after = 1;
	EXPECT_EQ(-1, (int)-2);
	EXPECT_EQ(3000000000u, 7u);
	mark(after ? "expect_continued" : "expect_stopped");
}

TEST(fail_assert_stops)
{
	ASSERT_STREQ("one", "two") TH_LOG("assert handler ran");
	mark("assert_did_not_stop");
}

/* A failed ASSERT in a forked child ends that child with status 1, not the test. */
TEST(pass_assert_in_child)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		ASSERT_EQ(1, 0) TH_LOG("expected failure in a child process");
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(KSFT_FAIL, WEXITSTATUS(status));
}

TEST(skip_in_body)
{
	SKIP(return, "skipped on purpose (%d)", 42);
	mark("skip_did_not_return");
}

TEST_SIGNAL(pass_signal_expected, SIGUSR1)
{
	raise(SIGUSR1);
}

TEST_SIGNAL(pass_abort_expected, SIGABRT)
{
	abort();
}

TEST_SIGNAL(fail_signal_missing, SIGUSR1)
{
}

TEST(fail_unexpected_signal)
{
	signal(SIGUSR2, SIG_DFL);
	raise(SIGUSR2);
}

TEST(fail_exit_code)
{
	exit(7);
}

FIXTURE(quick) {
	int value;
};

FIXTURE_SETUP(quick)
{
	self->value = 10;
}

FIXTURE_TEARDOWN(quick)
{
	mark(_metadata->exit_code == KSFT_PASS ? "quick_teardown_pass" : "quick_teardown_fail");
}

TEST_F(quick, pass_sees_setup)
{
	ASSERT_EQ(10, self->value);
}

TEST_F(quick, fail_assert_runs_teardown)
{
	ASSERT_EQ(11, self->value);
}

TEST_F_TIMEOUT(quick, fail_timeout, 1)
{
	pid_t pid = fork();

	char what[64];

	/* The group kill must reach this child as well as the test. */
	if (pid == 0) {
		pause();
		_exit(0);
	}
	snprintf(what, sizeof(what), "timeout_child_%d", (int)pid);
	mark(what);
	pause();
	mark("timeout_survived");
}

FIXTURE(skipper) {
	int unused;
};

FIXTURE_SETUP(skipper)
{
	SKIP(return, "setup says no");
}

FIXTURE_TEARDOWN(skipper)
{
	mark("skipper_teardown_ran");
}

TEST_F(skipper, skip_in_setup)
{
	mark("skipper_body_ran");
}

FIXTURE(var) {
	int doubled;
};

FIXTURE_VARIANT(var) {
	int input;
	int want;
};

FIXTURE_VARIANT_ADD(var, two) {
	.input = 2,
	.want = 4,
};

FIXTURE_VARIANT_ADD(var, three) {
	.input = 3,
	.want = 7,	/* wrong on purpose: XFAIL below */
};

FIXTURE_SETUP(var)
{
	self->doubled = variant->input * 2;
}

FIXTURE_TEARDOWN(var)
{
}

TEST_F(var, doubling)
{
	ASSERT_EQ(variant->want, self->doubled);
}

TEST_F(var, always_passes)
{
	EXPECT_LT(0, self->doubled);
}

XFAIL_ADD(var, three, doubling);
XFAIL_ADD(var, two, always_passes);

/* The teardown runs in the parent and sees what setup and body stored in self. */
FIXTURE(parent_td) {
	int from_setup;
	int from_body;
	pid_t body_pid;
};

FIXTURE_SETUP(parent_td)
{
	self->from_setup = 1;
}

FIXTURE_TEARDOWN_PARENT(parent_td)
{
	char what[64];

	snprintf(what, sizeof(what), "parent_td_%d_%d_%s", self->from_setup, self->from_body,
		 self->body_pid && self->body_pid != getpid() ? "other" : "same");
	mark(what);
}

TEST_F(parent_td, pass_teardown_in_parent)
{
	self->from_body = 2;
	self->body_pid = getpid();
}

TEST_HARNESS_MAIN
