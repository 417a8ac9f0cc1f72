/*
 * kselftest_harness.h: um-lite's own implementation of the Linux selftest harness
 * API (STYLE.md section 1). Test files written for the Linux header compile against
 * this one, and the TAP output is line for line the same, so the same tooling reads
 * both. None of the code is taken from Linux.
 *
 * Writing tests
 *
 *	TEST(name) { ... }			standalone test (fixture "global")
 *	TEST_SIGNAL(name, SIGSEGV) { ... }	passes only if it dies from that signal
 *	FIXTURE(f) { int fd; };			per-test data, "self" in the bodies
 *	FIXTURE_SETUP(f) { ... }		runs before each TEST_F(f, ...)
 *	FIXTURE_TEARDOWN(f) { ... }		runs after it, even after a failed ASSERT
 *	FIXTURE_TEARDOWN_PARENT(f) { ... }	the same, but in the process that forked
 *						the test (keeps privileges the test drops)
 *	FIXTURE_VARIANT(f) { int mode; };	parameters, "variant" in the bodies
 *	FIXTURE_VARIANT_ADD(f, v) { .mode = 1, };   each variant re-runs every TEST_F
 *	TEST_F(f, name) { ... }
 *	TEST_F_SIGNAL(f, name, signo) { ... }
 *	TEST_F_TIMEOUT(f, name, seconds) { ... }
 *	XFAIL_ADD(f, v, name);			f.v.name is expected to fail
 *	TEST_HARNESS_MAIN			defines main()
 *
 * A fixture needs both FIXTURE_SETUP and one of the FIXTURE_TEARDOWN forms, and a
 * FIXTURE_VARIANT_ADD or XFAIL_ADD must come after what it names. Test names only
 * have to be unique per fixture; they may even be names of libc functions.
 *
 * Checks take (expected, seen): ASSERT_x / EXPECT_x with x one of EQ NE LT LE GT GE
 * (expected OP seen), NULL TRUE FALSE (seen only), STREQ STRNE (C strings). Each
 * operand is evaluated exactly once and printed as signed or unsigned according to
 * its own type. A failed check logs "# file:line:test:Expected ..." on stderr and
 * marks the test failed; EXPECT then continues, ASSERT runs the teardown and ends
 * the test. A statement or block right after a check runs only when it failed:
 *
 *	ASSERT_EQ(0, pipe(fds)) TH_LOG("pipe: %m");
 *
 * TH_LOG(fmt, ...) logs a line; SKIP(statement, fmt, ...) records the reason, marks
 * the test skipped, then runs the statement (usually "return").
 *
 * Running tests
 *
 * Tests run in declaration order, TEST() ones first. Each runs in its own child
 * process (fork, then setpgid(0, 0) so the test and everything it forks form one
 * process group). The parent reads the child's result from a pipe, waits for it
 * with wait4(), and kills the group with SIGKILL if it outlives its timeout (30 s
 * unless TEST_F_TIMEOUT says otherwise; alarm() paces it). A FIXTURE_TEARDOWN_PARENT
 * fixture adds a grandchild: it runs setup and body, while its parent, the test
 * child, waits and then runs the teardown with the fixture data the grandchild sent
 * back through a second pipe.
 *
 * Result pipe protocol: the test process (and only it: records carry the sender's
 * pid, records from processes the test forked are ignored) writes fixed-layout
 * records, each with a single write() of at most PIPE_BUF bytes except fixture-data
 * snapshots larger than that: KSFT_REC_FINAL (exit code, "an ASSERT failed", the
 * signal that killed a grandchild, the SKIP reason) just before it exits, and for
 * FIXTURE_TEARDOWN_PARENT fixtures KSFT_REC_SELF (phase + fixture data). The reader
 * stops at the FINAL record or at end of file, so a test that leaves a background
 * process behind cannot hold the harness up.
 *
 * Where we differ from Linux's harness (invisible in TAP output):
 *  - No MAP_SHARED memory and no pidfd: results travel through pipes, the timeout is
 *    alarm() and kill(-pgid, SIGKILL).
 *  - A failed ASSERT does not abort(): the test process unwinds to the harness with
 *    siglongjmp, runs the teardown, reports "assertion failed" in its FINAL record
 *    and exits 1; the parent prints the usual "Test terminated by assertion". This
 *    keeps signals out of the path of every failing test. An ASSERT failing in a
 *    process the test forked (or vforked) ends that process with _exit(1).
 *  - So TEST_SIGNAL(name, SIGABRT) works (Linux's harness cannot tell it from an
 *    assertion).
 *  - "-l" prints one fixture[.variant].test per line on stdout, honouring filters.
 *  - um-lite extension, bring-up mode: "-N" or KSFT_NOFORK=1 in the environment runs
 *    every test inside the harness process, for kernels whose fork does not work
 *    yet. An ASSERT then ends only its test (siglongjmp back to the harness), the
 *    timeout siglongjmps out of the test (no teardown), TEST_SIGNAL tests are
 *    skipped, FIXTURE_TEARDOWN_PARENT teardowns run in-process, and anything a test
 *    changes in the process (fds, signal dispositions, alarm(), cwd, exit()) is seen
 *    by the tests after it. A crash ends the whole run.
 *
 * System calls the harness itself makes (glibc wrappers): clone (fork), wait4,
 * exit_group, pipe2, read, write, close, setpgid, getpid, kill, alarm, rt_sigaction;
 * rt_sigprocmask in bring-up mode only (sigsetjmp/siglongjmp save and restore the
 * mask there). stdio adds newfstatat/brk or mmap the first time it prints.
 */
#ifndef KSFT_KSELFTEST_HARNESS_H
#define KSFT_KSELFTEST_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"

#ifndef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 30
#endif

#ifndef TH_LOG_STREAM
#define TH_LOG_STREAM stderr
#endif

#ifndef TH_LOG_ENABLED
#define TH_LOG_ENABLED 1
#endif

#define KSFT_REASON_MAX 1024

/* ------------------------------------------------------------------ data */

struct __test_metadata;
struct __fixture_variant_metadata;

/* One stage of a test (setup, body or teardown), with the fixture data untyped. */
typedef void (*__ksft_stage_fn)(struct __test_metadata *_metadata, void *self,
				const void *variant);

/* A fixture: "global" for TEST(), one per FIXTURE() otherwise. */
struct __fixture_metadata {
	const char *name;
	unsigned int seq;				/* declaration order */
	struct __test_metadata *tests;			/* sorted by seq */
	struct __fixture_variant_metadata *variants;	/* sorted by seq; NULL: none */
	struct __fixture_metadata *next;
};

/* An expected failure: this test under this variant. */
struct __test_xfail {
	struct __test_metadata *test;
	unsigned int seq;
	struct __test_xfail *next;
};

struct __fixture_variant_metadata {
	const char *name;			/* "" for a fixture without variants */
	const void *data;			/* the FIXTURE_VARIANT_ADD initialiser */
	unsigned int seq;
	struct __test_xfail *xfails;
	struct __fixture_variant_metadata *next;
};

/* Where a test process is; also tells the unwinding code what is left to do. */
enum __ksft_phase {
	KSFT_PHASE_IDLE,	/* no stage running: nothing to unwind to */
	KSFT_PHASE_SETUP,
	KSFT_PHASE_BODY,	/* setup completed: the teardown is owed */
	KSFT_PHASE_TEARDOWN,
};

/*
 * One test. Static, registered by a constructor; the fields below "run state" are
 * reset before each run and, in the parent, filled from the child's FINAL record.
 * Tests may read name and exit_code (as with Linux's harness).
 */
struct __test_metadata {
	const char *name;
	void (*fn)(struct __test_metadata *, struct __fixture_variant_metadata *);
	struct __fixture_metadata *fixture;
	unsigned int seq;
	int termsig;		/* the test must die from this signal; -1: must not */
	int timeout;		/* seconds; <= 0: none */
	struct __test_metadata *next;

	/* run state */
	int exit_code;		/* KSFT_* */
	int trigger;		/* a check just failed: run its handler statement */
	pid_t pid;		/* the test process; others are its descendants */
	int result_fd;		/* write end of the result pipe; -1 in bring-up mode */
	enum __ksft_phase phase;
	bool asserted;		/* an ASSERT failed */
	bool timed_out;
	int signo;		/* signal that killed the grandchild (teardown-parent) */
	void *self;		/* fixture data of the running TEST_F, else NULL */
	size_t self_size;
	sigjmp_buf env;		/* where a failed ASSERT unwinds to */
	char reason[KSFT_REASON_MAX];	/* SKIP reason */
};

/* A record on a result pipe; a payload of len bytes follows. */
struct __ksft_record {
	int32_t pid;		/* sender */
	int32_t kind;		/* KSFT_REC_* */
	int32_t exit_code;
	int32_t signo;
	int32_t asserted;
	int32_t phase;
	uint32_t len;
};

#define KSFT_REC_FINAL	1	/* payload: the SKIP reason, maybe empty */
#define KSFT_REC_SELF	2	/* payload: the fixture data */

#define KSFT_JMP_ASSERT		1
#define KSFT_JMP_TIMEOUT	2

static struct __fixture_metadata _fixture_global = { .name = "global", .seq = 0 };
static struct __fixture_metadata *__ksft_fixtures = &_fixture_global;

static bool __ksft_nofork;			/* bring-up mode */
static struct __test_metadata *__ksft_current;	/* bring-up mode: the running test */
static volatile pid_t __ksft_victim;		/* forked mode: child to kill on timeout */
static volatile sig_atomic_t __ksft_alarm_rang;

/* Inserts @item into the singly linked list at @headp, keeping it sorted by seq. */
#define __KSFT_LIST_INSERT(headp, item) do {					\
	__typeof__(item) *__pp = (headp);					\
	while (*__pp && (*__pp)->seq <= (item)->seq)				\
		__pp = &(*__pp)->next;						\
	(item)->next = *__pp;							\
	*__pp = (item);								\
} while (0)

/*
 * Registration, called from constructors. Constructor order does not matter:
 * __COUNTER__ gives every object its place in declaration order.
 */
static inline void __register_fixture(struct __fixture_metadata *f)
{
	__KSFT_LIST_INSERT(&__ksft_fixtures, f);
}

static inline void __register_fixture_variant(struct __fixture_metadata *f,
					      struct __fixture_variant_metadata *v)
{
	__KSFT_LIST_INSERT(&f->variants, v);
}

static inline void __register_test(struct __test_metadata *t)
{
	__KSFT_LIST_INSERT(&t->fixture->tests, t);
}

static inline void __register_xfail(struct __fixture_variant_metadata *v, struct __test_xfail *x)
{
	__KSFT_LIST_INSERT(&v->xfails, x);
}

/* ------------------------------------------------------------------ defining tests */

#define __KSFT_SEQ (__COUNTER__ + 1)	/* 0 is the global fixture */
#define __ksft_unused __attribute__((unused))

#define TEST(test_name) __TEST_IMPL(test_name, -1)
#define TEST_SIGNAL(test_name, signal) __TEST_IMPL(test_name, signal)

#define __TEST_IMPL(test_name, signal)						\
	static void __ksft_test_##test_name(struct __test_metadata *_metadata);	\
	static void __ksft_test_##test_name##_stage(struct __test_metadata *m,	\
				void __ksft_unused *s, const void __ksft_unused *v)	\
	{									\
		__ksft_test_##test_name(m);					\
	}									\
	static void __ksft_test_##test_name##_run(struct __test_metadata *m,	\
			struct __fixture_variant_metadata __ksft_unused *v)	\
	{									\
		__ksft_run_stages(m, NULL, 0, NULL, NULL,			\
				  __ksft_test_##test_name##_stage, NULL, false);\
	}									\
	static struct __test_metadata __ksft_obj_global_##test_name = {	\
		.name = #test_name,						\
		.fn = __ksft_test_##test_name##_run,				\
		.fixture = &_fixture_global,					\
		.seq = __KSFT_SEQ,						\
		.termsig = (signal),						\
		.timeout = TEST_TIMEOUT_DEFAULT,				\
	};									\
	static void __attribute__((constructor)) __ksft_reg_##test_name(void)	\
	{									\
		__register_test(&__ksft_obj_global_##test_name);		\
	}									\
	static void __ksft_test_##test_name(					\
		struct __test_metadata __ksft_unused *_metadata)

#define FIXTURE_DATA(fixture_name) struct _test_data_##fixture_name
#define FIXTURE_VARIANT(fixture_name) struct _fixture_variant_##fixture_name

#define FIXTURE(fixture_name)							\
	FIXTURE_VARIANT(fixture_name);						\
	static struct __fixture_metadata __ksft_fix_##fixture_name = {		\
		.name = #fixture_name,						\
		.seq = __KSFT_SEQ,						\
	};									\
	static void __attribute__((constructor)) __ksft_reg_##fixture_name(void)\
	{									\
		__register_fixture(&__ksft_fix_##fixture_name);			\
	}									\
	FIXTURE_DATA(fixture_name)

/* The prototype every fixture stage shares, with typed self and variant. */
#define __KSFT_FIXTURE_FN(fixture_name, fn)					\
	void fn(struct __test_metadata __ksft_unused *_metadata,		\
		FIXTURE_DATA(fixture_name) __ksft_unused *self,			\
		const FIXTURE_VARIANT(fixture_name) __ksft_unused *variant)

/* Declares stage @fn and an untyped adapter @fn##_stage for the generic runner. */
#define __KSFT_STAGE(fixture_name, fn)						\
	static __KSFT_FIXTURE_FN(fixture_name, fn);				\
	static __ksft_unused void fn##_stage(struct __test_metadata *m,		\
					     void *s, const void *v)		\
	{									\
		fn(m, s, v);							\
	}									\
	static __KSFT_FIXTURE_FN(fixture_name, fn)

#define FIXTURE_SETUP(fixture_name)						\
	__KSFT_STAGE(fixture_name, __ksft_##fixture_name##_setup)

#define FIXTURE_TEARDOWN(fixture_name)						\
	static const bool __ksft_##fixture_name##_teardown_parent = false;	\
	__KSFT_STAGE(fixture_name, __ksft_##fixture_name##_teardown)

#define FIXTURE_TEARDOWN_PARENT(fixture_name)					\
	static const bool __ksft_##fixture_name##_teardown_parent = true;	\
	__KSFT_STAGE(fixture_name, __ksft_##fixture_name##_teardown)

#define FIXTURE_VARIANT_ADD(fixture_name, variant_name)				\
	static const FIXTURE_VARIANT(fixture_name)				\
		__ksft_vdata_##fixture_name##_##variant_name;			\
	static struct __fixture_variant_metadata				\
		__ksft_var_##fixture_name##_##variant_name = {			\
		.name = #variant_name,						\
		.data = &__ksft_vdata_##fixture_name##_##variant_name,		\
		.seq = __KSFT_SEQ,						\
	};									\
	static void __attribute__((constructor))				\
		__ksft_reg_##fixture_name##_##variant_name(void)		\
	{									\
		__register_fixture_variant(&__ksft_fix_##fixture_name,		\
				&__ksft_var_##fixture_name##_##variant_name);	\
	}									\
	static const FIXTURE_VARIANT(fixture_name)				\
		__ksft_vdata_##fixture_name##_##variant_name =

#define TEST_F(fixture_name, test_name)						\
	__TEST_F_IMPL(fixture_name, test_name, -1, TEST_TIMEOUT_DEFAULT)

#define TEST_F_SIGNAL(fixture_name, test_name, signal)				\
	__TEST_F_IMPL(fixture_name, test_name, signal, TEST_TIMEOUT_DEFAULT)

#define TEST_F_TIMEOUT(fixture_name, test_name, seconds)			\
	__TEST_F_IMPL(fixture_name, test_name, -1, seconds)

#define __TEST_F_IMPL(fixture_name, test_name, signal, seconds)			\
	static __KSFT_FIXTURE_FN(fixture_name,					\
				 __ksft_##fixture_name##_##test_name);		\
	static void __ksft_##fixture_name##_##test_name##_stage(		\
		struct __test_metadata *m, void *s, const void *v)		\
	{									\
		__ksft_##fixture_name##_##test_name(m, s, v);			\
	}									\
	static void __ksft_##fixture_name##_##test_name##_run(			\
		struct __test_metadata *m, struct __fixture_variant_metadata *v)\
	{									\
		FIXTURE_DATA(fixture_name) self;				\
										\
		memset(&self, 0, sizeof(self));					\
		__ksft_run_stages(m, &self, sizeof(self), v->data,		\
				  __ksft_##fixture_name##_setup_stage,		\
				  __ksft_##fixture_name##_##test_name##_stage,	\
				  __ksft_##fixture_name##_teardown_stage,	\
				  __ksft_##fixture_name##_teardown_parent);	\
	}									\
	static struct __test_metadata __ksft_obj_##fixture_name##_##test_name = {\
		.name = #test_name,						\
		.fn = __ksft_##fixture_name##_##test_name##_run,		\
		.fixture = &__ksft_fix_##fixture_name,				\
		.seq = __KSFT_SEQ,						\
		.termsig = (signal),						\
		.timeout = (seconds),						\
	};									\
	static void __attribute__((constructor))				\
		__ksft_reg_##fixture_name##_##test_name(void)			\
	{									\
		__register_test(&__ksft_obj_##fixture_name##_##test_name);	\
	}									\
	static __KSFT_FIXTURE_FN(fixture_name, __ksft_##fixture_name##_##test_name)

#define XFAIL_ADD(fixture_name, variant_name, test_name)			\
	static struct __test_xfail						\
		__ksft_xfail_##fixture_name##_##variant_name##_##test_name = {	\
		.test = &__ksft_obj_##fixture_name##_##test_name,		\
		.seq = __KSFT_SEQ,						\
	};									\
	static void __attribute__((constructor))				\
		__ksft_reg_xfail_##fixture_name##_##variant_name##_##test_name(void) \
	{									\
		__register_xfail(&__ksft_var_##fixture_name##_##variant_name,	\
			&__ksft_xfail_##fixture_name##_##variant_name##_##test_name); \
	}

#define TEST_HARNESS_MAIN							\
	int main(int argc, char **argv)						\
	{									\
		return test_harness_run(argc, argv);				\
	}

/* ------------------------------------------------------------------ checks */

#define __TH_LOG(fmt, ...)							\
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:" fmt "\n",				\
		__FILE__, __LINE__, _metadata->name, ##__VA_ARGS__)

#define TH_LOG(fmt, ...) do {							\
	if (TH_LOG_ENABLED)							\
		__TH_LOG(fmt, ##__VA_ARGS__);					\
} while (0)

#define SKIP(statement, fmt, ...) do {						\
	snprintf(_metadata->reason, sizeof(_metadata->reason),			\
		 fmt, ##__VA_ARGS__);						\
	if (TH_LOG_ENABLED)							\
		fprintf(TH_LOG_STREAM, "#      SKIP      %s\n",			\
			_metadata->reason);					\
	_metadata->exit_code = KSFT_SKIP;					\
	_metadata->trigger = 0;							\
	statement;								\
} while (0)

#define ASSERT_EQ(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, ==, 1)
#define ASSERT_NE(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, !=, 1)
#define ASSERT_LT(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, <, 1)
#define ASSERT_LE(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, <=, 1)
#define ASSERT_GT(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, >, 1)
#define ASSERT_GE(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, >=, 1)
#define ASSERT_NULL(seen) __KSFT_CMP(NULL, "NULL", seen, #seen, ==, 1)
#define ASSERT_TRUE(seen) __KSFT_TRUTH(seen, #seen, 1, 1)
#define ASSERT_FALSE(seen) __KSFT_TRUTH(seen, #seen, 0, 1)
#define ASSERT_STREQ(expected, seen) __KSFT_STR(expected, seen, ==, 1)
#define ASSERT_STRNE(expected, seen) __KSFT_STR(expected, seen, !=, 1)

#define EXPECT_EQ(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, ==, 0)
#define EXPECT_NE(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, !=, 0)
#define EXPECT_LT(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, <, 0)
#define EXPECT_LE(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, <=, 0)
#define EXPECT_GT(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, >, 0)
#define EXPECT_GE(expected, seen) __KSFT_CMP(expected, #expected, seen, #seen, >=, 0)
#define EXPECT_NULL(seen) __KSFT_CMP(NULL, "NULL", seen, #seen, ==, 0)
#define EXPECT_TRUE(seen) __KSFT_TRUTH(seen, #seen, 1, 0)
#define EXPECT_FALSE(seen) __KSFT_TRUTH(seen, #seen, 0, 0)
#define EXPECT_STREQ(expected, seen) __KSFT_STR(expected, seen, ==, 0)
#define EXPECT_STRNE(expected, seen) __KSFT_STR(expected, seen, !=, 0)

/* True for signed integer and floating types (pointers count as unsigned). */
#define __ksft_is_signed(x) (((__typeof__(x))-1L) < (__typeof__(x))1L)

/* A value widened for printing; __ksft_log_failure() prints it back signed if asked. */
#define __ksft_widen(x)								\
	(__ksft_is_signed(x) ? (uintmax_t)(intmax_t)(x) : (uintmax_t)(x))

/*
 * The "handler statement" idiom: after the check, a for loop whose body is the
 * statement the caller wrote after the macro (or just its ";"). It runs once when
 * the check failed; its step then returns for EXPECT and unwinds for ASSERT.
 */
#define __KSFT_HANDLER(is_assert)						\
	for (; _metadata->trigger;						\
	     _metadata->trigger = __ksft_bail(is_assert, _metadata))

/*
 * The comparison keeps plain C semantics (as in Linux's harness); -Wsign-compare
 * and -Wtype-limits are silenced for it, since "expected" is usually a literal of
 * a different type than "seen" and both sit in variables here.
 */
#define __KSFT_CMP(exp, exp_str, seen, seen_str, op, is_assert) do {		\
	__auto_type __ksft_e = (exp);						\
	__auto_type __ksft_s = (seen);						\
	bool __ksft_ok;								\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wsign-compare\"")			\
	_Pragma("GCC diagnostic ignored \"-Wtype-limits\"")			\
	__ksft_ok = (__ksft_e op __ksft_s);					\
	_Pragma("GCC diagnostic pop")						\
	if (!__ksft_ok)								\
		__ksft_log_failure(_metadata, __FILE__, __LINE__,		\
				   exp_str, __ksft_is_signed(__ksft_e),		\
				   __ksft_widen(__ksft_e), #op, seen_str,	\
				   __ksft_is_signed(__ksft_s),			\
				   __ksft_widen(__ksft_s));			\
} while (0);									\
__KSFT_HANDLER(is_assert)

/* TRUE/FALSE test truth directly, so pointers and floats work too. */
#define __KSFT_TRUTH(seen, seen_str, want, is_assert) do {			\
	__auto_type __ksft_s = (seen);						\
	bool __ksft_truth = __ksft_s;						\
	if (__ksft_truth != (want))						\
		__ksft_log_failure(_metadata, __FILE__, __LINE__, "0", 1, 0,	\
				   (want) ? "!=" : "==", seen_str,		\
				   __ksft_is_signed(__ksft_s),			\
				   __ksft_widen(__ksft_s));			\
} while (0);									\
__KSFT_HANDLER(is_assert)

#define __KSFT_STR(exp, seen, op, is_assert) do {				\
	const char *__ksft_e = (exp);						\
	const char *__ksft_s = (seen);						\
	if (!(__ksft_strcmp(__ksft_e, __ksft_s) op 0)) {			\
		__TH_LOG("Expected '%s' %s '%s'.", __ksft_e, #op, __ksft_s);	\
		_metadata->exit_code = KSFT_FAIL;				\
		_metadata->trigger = 1;						\
	}									\
} while (0);									\
__KSFT_HANDLER(is_assert)

/* strcmp() that orders NULL before every string instead of crashing. */
static inline int __ksft_strcmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Logs "Expected <e> (<value>) <op> <s> (<value>)" and marks the check failed. */
static inline void __ksft_log_failure(struct __test_metadata *t, const char *file, int line,
				      const char *e_str, int e_signed, uintmax_t e,
				      const char *op, const char *s_str, int s_signed,
				      uintmax_t s)
{
	char ev[32], sv[32];

	snprintf(ev, sizeof(ev), e_signed ? "%jd" : "%ju", e);
	snprintf(sv, sizeof(sv), s_signed ? "%jd" : "%ju", s);
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:Expected %s (%s) %s %s (%s)\n",
		file, line, t->name, e_str, ev, op, s_str, sv);
	t->exit_code = KSFT_FAIL;
	t->trigger = 1;
}

/* ------------------------------------------------------------------ the test process */

static inline void __ksft_flush(void)
{
	fflush(stdout);
	fflush(stderr);
}

/* Writes all of @buf to @fd, retrying short writes and EINTR. */
static inline void __ksft_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* Sends a record of @kind with @len payload bytes; one write() when it fits PIPE_BUF. */
static inline void __ksft_send(struct __test_metadata *t, int kind, const void *payload,
			       size_t len)
{
	struct __ksft_record rec = {
		.pid = t->pid,
		.kind = kind,
		.exit_code = t->exit_code,
		.signo = t->signo,
		.asserted = t->asserted,
		.phase = t->phase,
		.len = (uint32_t)len,
	};
	char buf[4096];

	if (t->result_fd < 0)
		return;
	if (sizeof(rec) + len <= sizeof(buf)) {
		memcpy(buf, &rec, sizeof(rec));
		memcpy(buf + sizeof(rec), payload, len);
		__ksft_write_all(t->result_fd, buf, sizeof(rec) + len);
	} else {
		__ksft_write_all(t->result_fd, &rec, sizeof(rec));
		__ksft_write_all(t->result_fd, payload, len);
	}
}

/* Ends the test process: FINAL record, flushed output, exit with the test's code. */
static inline __ksft_noreturn void __ksft_finish(struct __test_metadata *t)
{
	__ksft_flush();
	__ksft_send(t, KSFT_REC_FINAL, t->reason, strnlen(t->reason, sizeof(t->reason)));
	_exit(t->exit_code & 0xff);
}

/* Called in a process the test forked that returns from, or asserts in, a stage. */
static inline void __ksft_leave_if_descendant(struct __test_metadata *t)
{
	if (getpid() != t->pid) {
		__ksft_flush();
		_exit(t->exit_code & 0xff);
	}
}

/* The step of __KSFT_HANDLER: 0 ends an EXPECT's loop, an ASSERT unwinds the test. */
static inline int __ksft_bail(int is_assert, struct __test_metadata *t)
{
	if (!is_assert)
		return 0;
	t->exit_code = KSFT_FAIL;
	__ksft_leave_if_descendant(t);
	t->asserted = true;
	if (t->phase == KSFT_PHASE_IDLE) {
		__ksft_flush();
		_exit(KSFT_FAIL);
	}
	siglongjmp(t->env, KSFT_JMP_ASSERT);
}

/* Sends the fixture data to a FIXTURE_TEARDOWN_PARENT parent once setup completed. */
static inline void __ksft_send_self(struct __test_metadata *t)
{
	if (t->phase >= KSFT_PHASE_BODY)
		__ksft_send(t, KSFT_REC_SELF, t->self, t->self_size);
}

/*
 * Runs setup, body and (if @teardown) teardown in this process. A failed ASSERT in
 * any stage lands back here; the teardown is run whenever setup completed (returned
 * with the test still passing). Leaves t->phase at BODY when the teardown is still
 * owed (@teardown NULL), IDLE otherwise.
 */
static inline void __ksft_stages(struct __test_metadata *t, const void *variant,
				 __ksft_stage_fn setup, __ksft_stage_fn body,
				 __ksft_stage_fn teardown)
{
	int how;

	t->phase = KSFT_PHASE_IDLE;
	how = sigsetjmp(t->env, __ksft_nofork);
	if (how == 0) {
		t->phase = KSFT_PHASE_SETUP;
		if (setup)
			setup(t, t->self, variant);
		if (t->exit_code == KSFT_PASS) {
			t->phase = KSFT_PHASE_BODY;
			__ksft_send_self(t);
			body(t, t->self, variant);
			__ksft_leave_if_descendant(t);
		}
	}
	if (how == KSFT_JMP_TIMEOUT || t->phase != KSFT_PHASE_BODY) {
		t->phase = KSFT_PHASE_IDLE;
		return;
	}
	if (!teardown)
		return;
	if (sigsetjmp(t->env, __ksft_nofork) == 0) {
		t->phase = KSFT_PHASE_TEARDOWN;
		teardown(t, t->self, variant);
		__ksft_leave_if_descendant(t);
	}
	t->phase = KSFT_PHASE_IDLE;
}

/* ------------------------------------------------------------------ waiting for a test */

/* Reads exactly @len bytes; false on end of file, error, or the timeout alarm. */
static inline bool __ksft_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR && !__ksft_alarm_rang)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * Reads records from @fd until @pid's FINAL record (returns true) or end of file
 * (false). Fixture-data snapshots from @pid are copied into t->self. The FINAL
 * record fills in reason, asserted and signo.
 */
static inline bool __ksft_collect(int fd, pid_t pid, struct __test_metadata *t)
{
	struct __ksft_record rec;
	char buf[KSFT_REASON_MAX];

	while (__ksft_read_all(fd, &rec, sizeof(rec))) {
		bool mine = rec.pid == pid;
		size_t left = rec.len;

		if (mine && rec.kind == KSFT_REC_SELF && left == t->self_size) {
			if (!__ksft_read_all(fd, t->self, left))
				return false;
			t->phase = (enum __ksft_phase)rec.phase;
			continue;
		}
		if (mine && rec.kind == KSFT_REC_FINAL && left < sizeof(buf)) {
			if (!__ksft_read_all(fd, buf, left))
				return false;
			buf[left] = '\0';
			strcpy(t->reason, buf);
			t->asserted = rec.asserted;
			t->signo = rec.signo;
			return true;
		}
		while (left) {		/* someone else's record: skip it */
			size_t n = left < sizeof(buf) ? left : sizeof(buf);

			if (!__ksft_read_all(fd, buf, n))
				return false;
			left -= n;
		}
	}
	return false;
}

/* wait4() for @pid, riding out EINTR; a status meaning "failed" if that goes wrong. */
static inline int __ksft_reap(pid_t pid)
{
	int status;

	while (wait4(pid, &status, 0, NULL) < 0) {
		if (errno != EINTR)
			return KSFT_FAIL << 8;
	}
	return status;
}

/*
 * FIXTURE_TEARDOWN_PARENT in forked mode, run by the test child: a grandchild runs
 * setup and body and sends back the fixture data; this process then runs the
 * teardown with it. The grandchild's fate is folded into t for the FINAL record.
 */
static inline void __ksft_split_teardown(struct __test_metadata *t, const void *variant,
					 __ksft_stage_fn setup, __ksft_stage_fn body,
					 __ksft_stage_fn teardown)
{
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		ksft_print_msg("ERROR SPAWNING TEST GRANDCHILD\n");
		t->exit_code = KSFT_FAIL;
		return;
	}
	__ksft_flush();
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		t->pid = getpid();
		t->result_fd = fds[1];
		__ksft_stages(t, variant, setup, body, NULL);
		__ksft_send_self(t);
		__ksft_finish(t);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		ksft_print_msg("ERROR SPAWNING TEST GRANDCHILD\n");
		t->exit_code = KSFT_FAIL;
		return;
	}
	t->phase = KSFT_PHASE_IDLE;
	__ksft_collect(fds[0], pid, t);
	close(fds[0]);
	status = __ksft_reap(pid);
	if (WIFSIGNALED(status)) {
		t->signo = WTERMSIG(status);
		t->exit_code = KSFT_FAIL;
	} else {
		t->exit_code = WEXITSTATUS(status);
	}
	if (t->phase < KSFT_PHASE_BODY)
		return;
	if (sigsetjmp(t->env, 0) == 0) {
		t->phase = KSFT_PHASE_TEARDOWN;
		teardown(t, t->self, variant);
	}
	t->phase = KSFT_PHASE_IDLE;
}

/*
 * Runs one test in the current process: what the forked child does, or the whole
 * test in bring-up mode. Called by the TEST()/TEST_F() run functions, which own the
 * fixture data.
 */
static inline void __ksft_run_stages(struct __test_metadata *t, void *self, size_t self_size,
				     const void *variant, __ksft_stage_fn setup,
				     __ksft_stage_fn body, __ksft_stage_fn teardown,
				     bool teardown_parent)
{
	t->self = self;
	t->self_size = self_size;
	if (teardown_parent && !__ksft_nofork)
		__ksft_split_teardown(t, variant, setup, body, teardown);
	else
		__ksft_stages(t, variant, setup, body, teardown);
}

/*
 * SIGALRM: the running test is out of time. Forked mode kills the test's process
 * group (and the child itself, should it not have its own group yet). Bring-up mode
 * abandons the test where it stands.
 */
static inline void __ksft_on_alarm(int sig)
{
	pid_t pid = __ksft_victim;

	__ksft_alarm_rang = 1;
	if (pid > 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	} else if (__ksft_nofork && __ksft_current &&
		   __ksft_current->phase != KSFT_PHASE_IDLE) {
		siglongjmp(__ksft_current->env, KSFT_JMP_TIMEOUT);
	}
}

/* Turns how the test process ended into t->exit_code, explaining failures on stderr. */
static inline void __ksft_judge(struct __test_metadata *t, int status, bool have_final)
{
	int sig = 0, code;

	if (t->timed_out) {
		t->exit_code = KSFT_FAIL;
		fprintf(TH_LOG_STREAM, "# %s: Test terminated by timeout\n", t->name);
		return;
	}
	if (WIFSIGNALED(status))
		sig = WTERMSIG(status);
	else if (WIFEXITED(status) && have_final && t->signo)
		sig = t->signo;
	if (sig) {
		t->exit_code = KSFT_FAIL;
		if (sig == t->termsig)
			t->exit_code = KSFT_PASS;
		else if (sig == SIGABRT)
			fprintf(TH_LOG_STREAM, "# %s: Test terminated by assertion\n", t->name);
		else
			fprintf(TH_LOG_STREAM, "# %s: Test terminated unexpectedly by signal %d\n",
				t->name, sig);
		return;
	}
	if (!WIFEXITED(status)) {
		t->exit_code = KSFT_FAIL;
		fprintf(TH_LOG_STREAM, "# %s: Test ended in some other way [%u]\n", t->name,
			(unsigned int)status);
		return;
	}
	code = WEXITSTATUS(status);
	if (t->asserted) {
		t->exit_code = KSFT_FAIL;
		fprintf(TH_LOG_STREAM, "# %s: Test terminated by assertion\n", t->name);
	} else if (code == KSFT_SKIP || code == KSFT_XFAIL || code == KSFT_XPASS) {
		t->exit_code = code;
	} else if (t->termsig != -1) {
		t->exit_code = KSFT_FAIL;
		fprintf(TH_LOG_STREAM,
			"# %s: Test exited normally instead of by signal (code: %d)\n",
			t->name, code);
	} else if (code == KSFT_PASS) {
		t->exit_code = KSFT_PASS;
	} else {
		t->exit_code = KSFT_FAIL;
		fprintf(TH_LOG_STREAM, "# %s: Test failed\n", t->name);
	}
}

/* Runs @t under @v in a child process and judges it. */
static inline void __ksft_run_forked(struct __test_metadata *t,
				     struct __fixture_variant_metadata *v)
{
	bool have_final;
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		ksft_print_msg("ERROR SPAWNING TEST CHILD\n");
		t->exit_code = KSFT_FAIL;
		return;
	}
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGALRM, SIG_DFL);
		close(fds[0]);
		t->pid = getpid();
		t->result_fd = fds[1];
		t->fn(t, v);
		__ksft_finish(t);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		ksft_print_msg("ERROR SPAWNING TEST CHILD\n");
		t->exit_code = KSFT_FAIL;
		return;
	}
	setpgid(pid, pid);	/* either of us may win the race; both ask the same */
	t->pid = pid;
	__ksft_alarm_rang = 0;
	__ksft_victim = pid;
	if (t->timeout > 0)
		alarm((unsigned int)t->timeout);
	have_final = __ksft_collect(fds[0], pid, t);
	status = __ksft_reap(pid);
	alarm(0);
	__ksft_victim = 0;
	t->timed_out = __ksft_alarm_rang;
	close(fds[0]);
	__ksft_judge(t, status, have_final);
}

/* Runs @t under @v inside the harness process (bring-up mode) and judges it. */
static inline void __ksft_run_inline(struct __test_metadata *t,
				     struct __fixture_variant_metadata *v)
{
	if (t->termsig != -1) {
		snprintf(t->reason, sizeof(t->reason),
			 "KSFT_NOFORK: expecting signal %d needs a forked test", t->termsig);
		fprintf(TH_LOG_STREAM, "#      SKIP      %s\n", t->reason);
		t->exit_code = KSFT_SKIP;
		return;
	}
	t->pid = getpid();
	t->result_fd = -1;
	__ksft_current = t;
	__ksft_alarm_rang = 0;
	if (t->timeout > 0)
		alarm((unsigned int)t->timeout);
	t->fn(t, v);
	alarm(0);
	__ksft_current = NULL;
	t->timed_out = __ksft_alarm_rang;
	__ksft_flush();
	__ksft_judge(t, (t->exit_code & 0xff) << 8, true);
}

/* ------------------------------------------------------------------ the runner */

/* A -t/-T/-v/-V/-f/-F/-r option, in command-line order. */
struct __ksft_filter {
	char opt;
	const char *arg;
};

static struct __fixture_variant_metadata __ksft_no_variant = { .name = "" };

static inline struct __fixture_variant_metadata *__ksft_first_variant(struct __fixture_metadata *f)
{
	return f->variants ? f->variants : &__ksft_no_variant;
}

static inline void __ksft_full_name(char *buf, size_t size, struct __fixture_metadata *f,
				    struct __fixture_variant_metadata *v,
				    struct __test_metadata *t)
{
	snprintf(buf, size, "%s%s%s.%s", f->name, v->name[0] ? "." : "", v->name, t->name);
}

/*
 * Is this test selected? The first filter that matches decides (lower case
 * includes, upper case excludes); with no match, a test is selected unless some
 * including filter was given.
 */
static inline bool __ksft_selected(const struct __ksft_filter *flt, int n,
				   struct __fixture_metadata *f,
				   struct __fixture_variant_metadata *v,
				   struct __test_metadata *t)
{
	bool any_include = false;
	char full[1024];
	int i;

	for (i = 0; i < n; i++) {
		const char *name = NULL;
		bool include = flt[i].opt >= 'a';

		any_include |= include;
		switch (flt[i].opt) {
		case 't': case 'T':
			name = t->name;
			break;
		case 'v': case 'V':
			name = v->name;
			break;
		case 'f': case 'F':
			name = f->name;
			break;
		case 'r':
			__ksft_full_name(full, sizeof(full), f, v, t);
			name = full;
			break;
		}
		if (name && !strcmp(name, flt[i].arg))
			return include;
	}
	return !any_include;
}

static inline void __ksft_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-h] [-l] [-N] [-t|-T|-v|-V|-f|-F NAME]... [-r FIXTURE[.VARIANT].TEST]...\n"
		"  -h         this help\n"
		"  -l         list the selected tests, one fixture[.variant].test per line\n"
		"  -N         run tests inside this process, without fork (also KSFT_NOFORK=1)\n"
		"  -t / -T    include / exclude tests of that name\n"
		"  -v / -V    include / exclude variants of that name\n"
		"  -f / -F    include / exclude fixtures of that name\n"
		"  -r         include exactly this test\n"
		"Filters are tried in order and the first match decides; without a match a\n"
		"test runs unless an including filter was given. \"-T slow -f pipes\" runs the\n"
		"pipes fixture except its tests named slow.\n",
		prog);
}

/* Runs one selected test and reports it; returns true if it counts as passed. */
static inline bool __ksft_run_test(struct __fixture_metadata *f,
				   struct __fixture_variant_metadata *v,
				   struct __test_metadata *t)
{
	const char *diagnostic = NULL;
	struct __test_xfail *x;
	char name[1024];
	bool passed;

	__ksft_full_name(name, sizeof(name), f, v, t);
	t->exit_code = KSFT_PASS;
	t->trigger = 0;
	t->asserted = false;
	t->timed_out = false;
	t->signo = 0;
	t->phase = KSFT_PHASE_IDLE;
	t->reason[0] = '\0';

	ksft_print_msg(" RUN           %s ...\n", name);
	__ksft_flush();
	if (__ksft_nofork)
		__ksft_run_inline(t, v);
	else
		__ksft_run_forked(t, v);

	passed = t->exit_code != KSFT_FAIL && t->exit_code <= KSFT_SKIP;
	ksft_print_msg("         %4s  %s\n", passed ? "OK" : "FAIL", name);

	for (x = v->xfails; x; x = x->next)
		if (x->test == t)
			break;
	if (x)
		t->exit_code = passed ? KSFT_XPASS : KSFT_XFAIL;

	if (t->reason[0])
		diagnostic = t->reason;
	else if (t->exit_code != KSFT_PASS && t->exit_code != KSFT_FAIL)
		diagnostic = "unknown";
	ksft_test_result_code(t->exit_code, name, diagnostic ? "%s" : NULL, diagnostic);
	__ksft_flush();
	return t->exit_code != KSFT_FAIL && t->exit_code <= KSFT_SKIP;
}

/* Parses the command line into @flt; returns -1 to go on, else an exit code. */
static inline int __ksft_parse(int argc, char **argv, struct __ksft_filter *flt, int *nflt,
			       bool *list)
{
	const char *env = getenv("KSFT_NOFORK");
	int opt;

	__ksft_nofork = env && env[0] && strcmp(env, "0") != 0;
	*nflt = 0;
	*list = false;
	while ((opt = getopt(argc, argv, "hlNt:T:v:V:f:F:r:")) != -1) {
		switch (opt) {
		case 'l':
			*list = true;
			break;
		case 'N':
			__ksft_nofork = true;
			break;
		case 't': case 'T': case 'v': case 'V': case 'f': case 'F': case 'r':
			flt[*nflt].opt = (char)opt;
			flt[*nflt].arg = optarg;
			(*nflt)++;
			break;
		case 'h':
			__ksft_usage(argv[0]);
			return KSFT_SKIP;
		default:
			__ksft_usage(argv[0]);
			return KSFT_FAIL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		return KSFT_FAIL;
	}
	return -1;
}

/*
 * The body of TEST_HARNESS_MAIN: selects, runs and reports the tests, then exits 0
 * if all passed (skips and expected failures included) and 1 otherwise. -h and -l
 * return 4 (KSFT_SKIP) without running anything.
 */
static inline int test_harness_run(int argc, char **argv)
{
	struct __ksft_filter flt[argc > 0 ? argc : 1];
	unsigned int ntests = 0, ncases = 0, npass = 0, nrun = 0;
	struct __fixture_variant_metadata *v;
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	struct sigaction sa;
	char name[1024];
	bool list;
	int nflt, ret;

	ret = __ksft_parse(argc, argv, flt, &nflt, &list);
	if (ret >= 0)
		return ret;

	for (f = __ksft_fixtures; f; f = f->next) {
		for (v = __ksft_first_variant(f); v; v = v->next) {
			unsigned int before = ntests;

			for (t = f->tests; t; t = t->next) {
				if (!__ksft_selected(flt, nflt, f, v, t))
					continue;
				ntests++;
				if (list) {
					__ksft_full_name(name, sizeof(name), f, v, t);
					printf("%s\n", name);
				}
			}
			ncases += ntests != before;
		}
	}
	if (list)
		return KSFT_SKIP;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = __ksft_on_alarm;	/* no SA_RESTART: waits see EINTR */
	sigaction(SIGALRM, &sa, NULL);

	ksft_print_header();
	ksft_set_plan(ntests);
	ksft_print_msg("Starting %u tests from %u test cases.\n", ntests, ncases);
	if (__ksft_nofork)
		ksft_print_msg("KSFT_NOFORK: running every test inside the harness process\n");

	ret = 0;
	for (f = __ksft_fixtures; f; f = f->next) {
		for (v = __ksft_first_variant(f); v; v = v->next) {
			for (t = f->tests; t; t = t->next) {
				if (!__ksft_selected(flt, nflt, f, v, t))
					continue;
				nrun++;
				if (__ksft_run_test(f, v, t))
					npass++;
				else
					ret = 1;
			}
		}
	}
	ksft_print_msg("%s: %u / %u tests passed.\n", ret ? "FAILED" : "PASSED", npass, nrun);
	ksft_exit(ret == 0);
}

#endif /* KSFT_KSELFTEST_HARNESS_H */
