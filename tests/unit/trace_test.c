/*
 * Unit tests of strace= formatting (kernel/trace_fmt.c, trace_flags.c, trace_struct.c,
 * trace_table.c): strace's quoting of strings and buffers, names of flags, signals and
 * modes, whole arguments and results of real calls, and a table entry for every system
 * call of kernel/syscalls.def. Guest memory is host memory here: a "guest address" is a
 * host pointer, and addresses below 4096 fault.
 */
// UNIT-OBJS: kernel/trace_fmt.o kernel/trace_flags.o kernel/trace_struct.o kernel/trace_table.o kernel/lib/vsprintf.o kernel/lib/string.o tests/unit/ustubs.o
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <time.h>

#include "kselftest_harness.h"

/* The layouts of kernel/trace_internal.h and syscall.h (kernel headers stay out of here). */
struct tbuf {
	char *buf;
	size_t size, len;
};
struct sc_args {
	long nr;
	uint64_t arg[6];
};
struct trace_sig;
struct trace_call {
	void *task;
	const struct sc_args *a;
	const struct trace_sig *sig;
	long ret;
	bool exiting;
};

void tb_init(struct tbuf *b, char *buf, size_t size);
void tb_user_buf(struct tbuf *b, uint64_t addr, uint64_t len, bool hex);
void tb_user_str(struct tbuf *b, uint64_t addr, size_t limit);
void tb_oflags(struct tbuf *b, uint64_t flags);
void tb_mode(struct tbuf *b, uint32_t mode);
void tb_sigset(struct tbuf *b, uint64_t set);
void tb_signame(struct tbuf *b, long sig);
const struct trace_sig *trace_sig_of(long nr);
int trace_call_nargs(const struct trace_call *c);
void trace_print_arg(struct tbuf *b, const struct trace_call *c, int i);
void trace_print_result(struct tbuf *b, const struct trace_call *c);

/* ---- stand-ins for uaccess and the error names */
int copy_from_user(void *dst, uint64_t src, size_t n);
int copy_from_user(void *dst, uint64_t src, size_t n)
{
	if (src < 4096)
		return -EFAULT;
	memcpy(dst, (const void *)(uintptr_t)src, n);
	return 0;
}

long strncpy_from_user(char *dst, uint64_t src, size_t max);
long strncpy_from_user(char *dst, uint64_t src, size_t max)
{
	const char *s = (const char *)(uintptr_t)src;

	if (src < 4096)
		return -EFAULT;
	for (size_t i = 0; i < max; i++) {
		dst[i] = s[i];
		if (!s[i])
			return (long)i;
	}
	return -ENAMETOOLONG;
}

const char *errname(long err);
const char *errname(long err)
{
	return err == -512 ? "ERESTARTSYS" : strerrorname_np((int)-err);
}

const char *os_strerror(int neg_errno);
const char *os_strerror(int neg_errno)
{
	return strerror(-neg_errno);
}

#define U(p) ((uint64_t)(uintptr_t)(p))

static char out[1024];

static struct tbuf *fresh(void)
{
	static struct tbuf b;

	tb_init(&b, out, sizeof(out));
	return &b;
}

/* Every argument of a call, joined as strace joins them, and the result. */
static const char *call_args(long nr, long ret, const struct sc_args *a)
{
	struct trace_call c = { NULL, a, trace_sig_of(nr), ret, true };
	struct tbuf *b = fresh();

	for (int i = 0, n = trace_call_nargs(&c); i < n; i++) {
		if (i) {
			memcpy(b->buf + b->len, ", ", 3);
			b->len += 2;
		}
		trace_print_arg(b, &c, i);
	}
	trace_print_result(b, &c);
	return out;
}

#define CALL(nr, ret, ...) call_args(nr, ret, &(struct sc_args){ nr, { __VA_ARGS__ } })

TEST(buffers_are_quoted_and_cut_as_strace_does)
{
	tb_user_buf(fresh(), U("hello\tworld\n"), 12, false);
	EXPECT_STREQ("\"hello\\tworld\\n\"", out);
	/* octal escapes: all three digits only when a digit follows */
	tb_user_buf(fresh(), U("\0\0017\033x\"\\"), 7, false);
	EXPECT_STREQ("\"\\0\\0017\\33x\\\"\\\\\"", out);
	tb_user_buf(fresh(), U("0123456789abcdefghijklmnopqrstuvwxyz"), 36, false);
	EXPECT_STREQ("\"0123456789abcdefghijklmnopqrstuv\"...", out);
	tb_user_buf(fresh(), U("\x04\x4c"), 2, true);
	EXPECT_STREQ("\"\\x04\\x4c\"", out);
	tb_user_buf(fresh(), 16, 4, false); /* unreadable: the address */
	EXPECT_STREQ("0x10", out);
}

TEST(strings_stop_at_their_nul_or_their_limit)
{
	tb_user_str(fresh(), U("/etc/passwd"), 4096);
	EXPECT_STREQ("\"/etc/passwd\"", out);
	tb_user_str(fresh(), U("0123456789abcdefghijklmnopqrstuvwxyz"), 32);
	EXPECT_STREQ("\"0123456789abcdefghijklmnopqrstuv\"...", out);
	tb_user_str(fresh(), U("0123456789abcdefghijklmnopqrstuv"), 32);
	EXPECT_STREQ("\"0123456789abcdefghijklmnopqrstuv\"", out);
	tb_user_str(fresh(), 0, 32);
	EXPECT_STREQ("NULL", out);
	tb_user_str(fresh(), 8, 32);
	EXPECT_STREQ("0x8", out);
}

TEST(flags_modes_and_signals_have_their_names)
{
	tb_oflags(fresh(), O_WRONLY | O_CREAT | O_TRUNC);
	EXPECT_STREQ("O_WRONLY|O_CREAT|O_TRUNC", out);
	tb_oflags(fresh(), O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC | 0x40000000);
	EXPECT_STREQ("O_RDONLY|O_NONBLOCK|O_DIRECTORY|O_CLOEXEC|0x40000000", out);
	tb_mode(fresh(), S_IFDIR | S_ISVTX | 0777);
	EXPECT_STREQ("S_IFDIR|S_ISVTX|0777", out);
	tb_mode(fresh(), 0);
	EXPECT_STREQ("000", out);
	tb_mode(fresh(), 022);
	EXPECT_STREQ("022", out);
	tb_signame(fresh(), SIGCHLD);
	EXPECT_STREQ("SIGCHLD", out);
	tb_signame(fresh(), 35);
	EXPECT_STREQ("SIGRT_3", out);
	tb_sigset(fresh(), 0);
	EXPECT_STREQ("[]", out);
	tb_sigset(fresh(), (1ULL << (SIGINT - 1)) | (1ULL << (SIGCHLD - 1)));
	EXPECT_STREQ("[INT CHLD]", out);
	tb_sigset(fresh(), ~((1ULL << 31) | (1ULL << 32)));
	EXPECT_STREQ("~[RTMIN RT_1]", out);
}

TEST(arguments_of_real_calls_read_as_strace_prints_them)
{
	struct stat st = { .st_mode = S_IFREG | 0644, .st_size = 12 };
	int64_t ts[2] = { 1, 500 };
	int fds[2] = { 3, 4 };

	EXPECT_STREQ("AT_FDCWD, \"/etc/nothing\", O_RDONLY = -1 ENOENT (No such file or directory)",
		     CALL(257, -ENOENT, (uint64_t)-100, U("/etc/nothing"), O_RDONLY));
	/* open's mode shows only when the call may create */
	EXPECT_STREQ("AT_FDCWD, \"/x\", O_WRONLY|O_CREAT, 0640 = 3",
		     CALL(257, 3, (uint64_t)-100, U("/x"), O_WRONLY | O_CREAT, 0640));
	EXPECT_STREQ("NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0 = 0x7f0000",
		     CALL(9, 0x7f0000, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  (uint64_t)-1, 0));
	EXPECT_STREQ("3, {st_mode=S_IFREG|0644, st_size=12, ...} = 0", CALL(5, 0, 3, U(&st)));
	/* an output of a failed call: its address */
	EXPECT_STREQ("0, TIOCGWINSZ, 0x1000 = -1 ENOTTY (Inappropriate ioctl for device)",
		     CALL(16, -ENOTTY, 0, TIOCGWINSZ, 0x1000));
	EXPECT_STREQ("[3, 4], O_CLOEXEC = 0", CALL(293, 0, U(fds), O_CLOEXEC));
	EXPECT_STREQ("SIG_BLOCK, NULL, NULL, 8 = ? ERESTARTSYS (To be restarted if SA_RESTART is set)",
		     CALL(14, -512, SIG_BLOCK, 0, 0, 8));
	EXPECT_STREQ("1, F_GETFL = 0x8002 (flags O_RDWR|O_LARGEFILE)", CALL(72, 0x8002, 1, F_GETFL));
	EXPECT_STREQ("CLOCK_MONOTONIC, 0, {tv_sec=1, tv_nsec=500}, NULL = 0",
		     CALL(230, 0, CLOCK_MONOTONIC, 0, U(ts), 0));
}

TEST(every_system_call_of_the_table_has_an_argument_entry)
{
	static const char *const names[] = {
#define SYSCALL(nr, name, status, note) [nr] = #name,
#include "../../kernel/syscalls.def"
#undef SYSCALL
	};

	for (long nr = 0; nr < (long)(sizeof(names) / sizeof(names[0])); nr++) {
		if (!names[nr])
			continue;
		if (!trace_sig_of(nr))
			TH_LOG("%ld (%s) has no SCARGS line in kernel/syscall_args.def", nr,
			       names[nr]);
		EXPECT_NE(NULL, trace_sig_of(nr));
	}
}

TEST_HARNESS_MAIN
