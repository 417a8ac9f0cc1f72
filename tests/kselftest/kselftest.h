/*
 * kselftest.h: the low-level TAP reporting API of Linux selftests, re-implemented for
 * um-lite (STYLE.md section 1). Same function names, exit codes and output lines as
 * the Linux header, so TAP tooling parses our binaries and real selftests alike; the
 * code is our own.
 *
 * A program using it directly prints a header and a plan, reports each test once and
 * exits through one of the ksft_exit_* calls, which print the totals line:
 *
 *	ksft_print_header();			TAP version 13
 *	ksft_set_plan(2);			1..2
 *	ksft_print_msg("probing\n");		# probing
 *	ksft_test_result_pass("read\n");	ok 1 read
 *	ksft_test_result_skip("tun\n");		ok 2 # SKIP tun
 *	ksft_finished();			# Totals: pass:1 fail:0 ... ; exit 0
 *
 * Most tests use kselftest_harness.h instead, which is built on this file.
 *
 * Output goes to stdout through stdio. ksft_print_header() makes stdout line
 * buffered, so a test that forks after it never duplicates buffered lines.
 * Each reporting function preserves errno, so "%m" in a message works.
 */
#ifndef KSFT_KSELFTEST_H
#define KSFT_KSELFTEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Exit codes of a test binary, and result codes of a single test. */
#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_XFAIL	2
#define KSFT_XPASS	3
#define KSFT_SKIP	4

#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

#define __ksft_noreturn __attribute__((noreturn))

/* Results reported so far; the running test number is their sum. */
struct ksft_count {
	unsigned int ksft_pass;
	unsigned int ksft_fail;
	unsigned int ksft_xfail;
	unsigned int ksft_xpass;
	unsigned int ksft_xskip;
	unsigned int ksft_error;
};

static struct ksft_count ksft_cnt;
static unsigned int ksft_plan;		/* 0 until ksft_set_plan() */

static inline unsigned int ksft_test_num(void)
{
	return ksft_cnt.ksft_pass + ksft_cnt.ksft_fail + ksft_cnt.ksft_xfail +
	       ksft_cnt.ksft_xpass + ksft_cnt.ksft_xskip + ksft_cnt.ksft_error;
}

static inline void ksft_inc_pass_cnt(void) { ksft_cnt.ksft_pass++; }
static inline void ksft_inc_fail_cnt(void) { ksft_cnt.ksft_fail++; }
static inline void ksft_inc_xfail_cnt(void) { ksft_cnt.ksft_xfail++; }
static inline void ksft_inc_xpass_cnt(void) { ksft_cnt.ksft_xpass++; }
static inline void ksft_inc_xskip_cnt(void) { ksft_cnt.ksft_xskip++; }
static inline void ksft_inc_error_cnt(void) { ksft_cnt.ksft_error++; }

static inline int ksft_get_pass_cnt(void) { return ksft_cnt.ksft_pass; }
static inline int ksft_get_fail_cnt(void) { return ksft_cnt.ksft_fail; }
static inline int ksft_get_xfail_cnt(void) { return ksft_cnt.ksft_xfail; }
static inline int ksft_get_xpass_cnt(void) { return ksft_cnt.ksft_xpass; }
static inline int ksft_get_xskip_cnt(void) { return ksft_cnt.ksft_xskip; }
static inline int ksft_get_error_cnt(void) { return ksft_cnt.ksft_error; }

/*
 * Prints "TAP version 13", unless KSFT_TAP_LEVEL is set in the environment: then an
 * outer runner already printed it and our output is nested inside its own.
 */
static inline void ksft_print_header(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!getenv("KSFT_TAP_LEVEL"))
		printf("TAP version 13\n");
}

/* Announces how many results will follow: "1..N". */
static inline void ksft_set_plan(unsigned int plan)
{
	ksft_plan = plan;
	printf("1..%u\n", plan);
}

/* Prints the totals line, preceded by a warning if the plan was not met. */
static inline void ksft_print_cnts(void)
{
	if (ksft_plan != ksft_test_num())
		printf("# Planned tests != run tests (%u != %u)\n", ksft_plan, ksft_test_num());
	printf("# Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u\n",
	       ksft_cnt.ksft_pass, ksft_cnt.ksft_fail, ksft_cnt.ksft_xfail,
	       ksft_cnt.ksft_xpass, ksft_cnt.ksft_xskip, ksft_cnt.ksft_error);
}

/* Prints one TAP line made of @head (already numbered) and the caller's message. */
static inline void __ksft_vline(int saved_errno, const char *head, const char *msg, va_list ap)
{
	fputs(head, stdout);
	if (msg) {
		errno = saved_errno;
		vprintf(msg, ap);
	}
}

/* A diagnostic line: "# " followed by the message (which carries its own newline). */
static inline __printf(1, 2) void ksft_print_msg(const char *msg, ...)
{
	int saved_errno = errno;
	va_list ap;

	va_start(ap, msg);
	__ksft_vline(saved_errno, "# ", msg, ap);
	va_end(ap);
}

/* "# msg: strerror(errno) (errno)" */
static inline void ksft_perror(const char *msg)
{
	int saved_errno = errno;

	ksft_print_msg("%s: %s (%d)\n", msg, strerror(saved_errno), saved_errno);
	errno = saved_errno;
}

/*
 * The per-test reporters. Each counts one result and prints "ok N " or "not ok N "
 * with the directive the result needs, then the caller's message, which is
 * expected to end in a newline.
 */
#define __KSFT_RESULT_FN(fn, counter, fmt)					\
static inline __printf(1, 2) void fn(const char *msg, ...)			\
{										\
	int saved_errno = errno;						\
	char head[48];								\
	va_list ap;								\
										\
	ksft_cnt.counter++;							\
	snprintf(head, sizeof(head), fmt, ksft_test_num());			\
	va_start(ap, msg);							\
	__ksft_vline(saved_errno, head, msg, ap);				\
	va_end(ap);								\
}

__KSFT_RESULT_FN(ksft_test_result_pass, ksft_pass, "ok %u ")
__KSFT_RESULT_FN(ksft_test_result_fail, ksft_fail, "not ok %u ")
__KSFT_RESULT_FN(ksft_test_result_xfail, ksft_xfail, "ok %u # XFAIL ")
__KSFT_RESULT_FN(ksft_test_result_xpass, ksft_xpass, "ok %u # XPASS ")
__KSFT_RESULT_FN(ksft_test_result_skip, ksft_xskip, "ok %u # SKIP ")
__KSFT_RESULT_FN(ksft_test_result_error, ksft_error, "not ok %u # error ")

/* Reports a pass when @condition holds, a failure otherwise. */
#define ksft_test_result(condition, fmt, ...) do {			\
	if (!!(condition))						\
		ksft_test_result_pass(fmt, ##__VA_ARGS__);		\
	else								\
		ksft_test_result_fail(fmt, ##__VA_ARGS__);		\
} while (0)

/*
 * Reports test @test_name with result @exit_code (a KSFT_* value) on one line:
 *	ok 3 name			pass
 *	not ok 3 name			fail (or any unknown code)
 *	ok 3 name # SKIP why		skip, likewise XFAIL and XPASS
 *	ok 3 name #  note		pass or fail with a message but no directive
 * @msg may be NULL; unlike the other reporters, this one adds the newline itself.
 */
static inline __printf(3, 4) void
ksft_test_result_code(int exit_code, const char *test_name, const char *msg, ...)
{
	const char *tap = "ok", *directive = "";
	int saved_errno = errno;
	va_list ap;

	switch (exit_code) {
	case KSFT_PASS:
		ksft_cnt.ksft_pass++;
		break;
	case KSFT_XFAIL:
		ksft_cnt.ksft_xfail++;
		directive = " # XFAIL ";
		break;
	case KSFT_XPASS:
		ksft_cnt.ksft_xpass++;
		directive = " # XPASS ";
		break;
	case KSFT_SKIP:
		ksft_cnt.ksft_xskip++;
		directive = " # SKIP ";
		break;
	default:
		ksft_cnt.ksft_fail++;
		tap = "not ok";
		break;
	}
	if (!directive[0] && msg)
		directive = " #  ";

	printf("%s %u %s%s", tap, ksft_test_num(), test_name, directive);
	va_start(ap, msg);
	__ksft_vline(saved_errno, "", msg, ap);
	va_end(ap);
	putchar('\n');
}

/* Reports a result given as a KSFT_* code with an untitled message ("ok N msg"). */
#define ksft_test_result_report(result, fmt, ...) do {			\
	switch (result) {						\
	case KSFT_PASS:							\
		ksft_test_result_pass(fmt, ##__VA_ARGS__);		\
		break;							\
	case KSFT_XFAIL:						\
		ksft_test_result_xfail(fmt, ##__VA_ARGS__);		\
		break;							\
	case KSFT_XPASS:						\
		ksft_test_result_xpass(fmt, ##__VA_ARGS__);		\
		break;							\
	case KSFT_SKIP:							\
		ksft_test_result_skip(fmt, ##__VA_ARGS__);		\
		break;							\
	default:							\
		ksft_test_result_fail(fmt, ##__VA_ARGS__);		\
		break;							\
	}								\
} while (0)

/* The exits: print the totals, flush, and leave with the matching code. */
static inline __ksft_noreturn int __ksft_exit_with(int code)
{
	ksft_print_cnts();
	fflush(stdout);
	exit(code);
}

static inline __ksft_noreturn int ksft_exit_pass(void)
{
	__ksft_exit_with(KSFT_PASS);
}

static inline __ksft_noreturn int ksft_exit_fail(void)
{
	__ksft_exit_with(KSFT_FAIL);
}

static inline __ksft_noreturn int ksft_exit_xfail(void)
{
	__ksft_exit_with(KSFT_XFAIL);
}

static inline __ksft_noreturn int ksft_exit_xpass(void)
{
	__ksft_exit_with(KSFT_XPASS);
}

#define ksft_exit(condition) do {					\
	if (!!(condition))						\
		ksft_exit_pass();					\
	else								\
		ksft_exit_fail();					\
} while (0)

/* Passes when every planned test passed, was skipped or failed as expected. */
#define ksft_finished()							\
	ksft_exit(ksft_plan ==						\
		  ksft_cnt.ksft_pass + ksft_cnt.ksft_xfail + ksft_cnt.ksft_xskip)

/* Gives up on the whole program: "Bail out! msg", totals, exit 1. */
static inline __printf(1, 2) __ksft_noreturn int ksft_exit_fail_msg(const char *msg, ...)
{
	int saved_errno = errno;
	va_list ap;

	va_start(ap, msg);
	__ksft_vline(saved_errno, "Bail out! ", msg, ap);
	va_end(ap);
	__ksft_exit_with(KSFT_FAIL);
}

/* ksft_exit_fail_msg() with "msg: strerror(errno) (errno)". */
static inline __ksft_noreturn void ksft_exit_fail_perror(const char *msg)
{
	int saved_errno = errno;

	ksft_exit_fail_msg("%s: %s (%d)\n", msg, strerror(saved_errno), saved_errno);
}

/*
 * Skips the rest of the program and exits 4. Before any plan or result it prints
 * "1..0 # SKIP msg" (the whole file is skipped); afterwards it reports one more
 * skipped test and the totals.
 */
static inline __printf(1, 2) __ksft_noreturn int ksft_exit_skip(const char *msg, ...)
{
	int saved_errno = errno;
	char head[48];
	va_list ap;

	if (ksft_plan || ksft_test_num()) {
		ksft_cnt.ksft_xskip++;
		snprintf(head, sizeof(head), "ok %u # SKIP ", ksft_test_num());
	} else {
		snprintf(head, sizeof(head), "1..0 # SKIP ");
	}
	va_start(ap, msg);
	__ksft_vline(saved_errno, head, msg, ap);
	va_end(ap);
	if (ksft_test_num())
		ksft_print_cnts();
	fflush(stdout);
	exit(KSFT_SKIP);
}

#endif /* KSFT_KSELFTEST_H */
