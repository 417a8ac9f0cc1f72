/*
 * Unit tests of the line discipline (drivers/console/tty.c): canonical editing, end of
 * file, job-control characters, echo, output processing, non-canonical readiness and a
 * full input buffer. The expected echo for editing, lnext, reprint and kill was compared
 * with a Linux pty given the same bytes and termios. One difference is deliberate: Linux
 * also discards echo still pending when a signal character flushes the input; here echo
 * already produced stays (the driver has written it by then).
 */
// UNIT-OBJS: drivers/console/tty.o
#include "kselftest_harness.h"

#include "../../drivers/console/tty.h"

static struct ldisc ld;
static char echo_buf[16384];
static struct ldisc_sink echo;

/* A fresh ldisc with Linux's console defaults and an empty echo sink. */
static void setup(bool passthrough)
{
	ldisc_init(&ld, passthrough);
	memset(echo_buf, 0, sizeof(echo_buf));
	echo = (struct ldisc_sink){ .buf = echo_buf, .cap = sizeof(echo_buf) - 1 };
}

static uint64_t feed(const char *s)
{
	return ldisc_receive(&ld, (const unsigned char *)s, strlen(s), &echo);
}

/* The echo so far as a C string, then cleared. */
static const char *echoed(void)
{
	static char copy[sizeof(echo_buf)];

	memcpy(copy, echo_buf, echo.len);
	copy[echo.len] = 0;
	echo.len = 0;
	return copy;
}

/* Read up to n bytes as a C string; *done gets line_done. */
static const char *rd(size_t n, bool *done, size_t *len)
{
	static char out[LDISC_BUFSIZE + 1];
	size_t got = ldisc_read(&ld, (unsigned char *)out, n, done);

	out[got] = 0;
	if (len)
		*len = got;
	return out;
}

static void set_lflag(unsigned on, unsigned off)
{
	struct termios t = ld.termios;

	t.c_lflag = (t.c_lflag | on) & ~off;
	ldisc_set_termios(&ld, &t);
}

TEST(default_termios_is_linux_console)
{
	struct termios t;

	ldisc_default_termios(&t);
	EXPECT_EQ(ICRNL | IXON, t.c_iflag & (ICRNL | IXON));
	EXPECT_EQ(OPOST | ONLCR, t.c_oflag);
	EXPECT_EQ(ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN, t.c_lflag);
	EXPECT_EQ(3, t.c_cc[VINTR]);
	EXPECT_EQ(4, t.c_cc[VEOF]);
	EXPECT_EQ(0x7f, t.c_cc[VERASE]);
	EXPECT_EQ(0x15, t.c_cc[VKILL]);
	EXPECT_EQ(0x1a, t.c_cc[VSUSP]);
	EXPECT_EQ(1, t.c_cc[VMIN]);
}

TEST(canonical_line_readable_only_when_complete)
{
	bool done;

	setup(false);
	EXPECT_EQ(0, feed("abc"));
	EXPECT_FALSE(ldisc_read_ready(&ld));
	EXPECT_EQ(0, ldisc_chars_readable(&ld));
	EXPECT_STREQ("abc", echoed());
	feed("\r");
	EXPECT_STREQ("\r\n", echoed());
	EXPECT_TRUE(ldisc_read_ready(&ld));
	EXPECT_EQ(4, ldisc_chars_readable(&ld));
	EXPECT_STREQ("abc\n", rd(100, &done, NULL));
	EXPECT_TRUE(done);
	EXPECT_FALSE(ldisc_read_ready(&ld));
}

TEST(canonical_read_stops_at_line_end_and_resumes)
{
	bool done;

	setup(false);
	feed("one\ntwo\n");
	EXPECT_STREQ("on", rd(2, &done, NULL));
	EXPECT_FALSE(done);
	EXPECT_STREQ("e\n", rd(100, &done, NULL));
	EXPECT_TRUE(done);
	EXPECT_STREQ("two\n", rd(100, &done, NULL));
	EXPECT_TRUE(done);
}

TEST(erase_removes_one_char_and_echoes_backspace)
{
	bool done;

	setup(false);
	feed("abx\x7f" "c\n");
	EXPECT_STREQ("abx\b \bc\r\n", echoed());
	EXPECT_STREQ("abc\n", rd(100, &done, NULL));
	/* ^H erases too, and erasing an empty line echoes nothing */
	feed("\b\x7fq\b\n");
	EXPECT_STREQ("q\b \b\r\n", echoed());
	EXPECT_STREQ("\n", rd(100, &done, NULL));
}

TEST(erase_without_echoe_echoes_the_erase_char)
{
	setup(false);
	set_lflag(0, ECHOE);
	feed("ab\x7f");
	EXPECT_STREQ("ab^?", echoed());
}

TEST(erase_of_control_char_and_tab)
{
	setup(false);
	feed("\x01");
	EXPECT_STREQ("^A", echoed());
	feed("\x7f");
	EXPECT_STREQ("\b \b\b \b", echoed());
	feed("a\tb\x7f\x7f");
	/* "a" then a tab to column 8; erasing the tab goes back 7 columns */
	EXPECT_STREQ("a\tb\b \b\b\b\b\b\b\b\b", echoed());
	EXPECT_EQ(1, ld.column);
}

TEST(tab_erase_counts_from_prompt_column)
{
	unsigned char prompt[] = "$ ";

	setup(false);
	ldisc_output(&ld, prompt, 2, NULL);
	feed("\t\x7f");
	EXPECT_STREQ("\t\b\b\b\b\b\b", echoed());
	EXPECT_EQ(2, ld.column);
}

TEST(kill_erases_line_visually_with_echoke)
{
	bool done;

	setup(false);
	feed("hey\x15");
	EXPECT_STREQ("hey\b \b\b \b\b \b", echoed());
	feed("you\n");
	EXPECT_STREQ("you\n", rd(100, &done, NULL));
}

TEST(kill_without_echoke_echoes_char_and_newline)
{
	bool done;

	setup(false);
	set_lflag(0, ECHOKE);
	feed("hey\x15");
	EXPECT_STREQ("hey^U\r\n", echoed());
	feed("x\n");
	EXPECT_STREQ("x\n", rd(100, &done, NULL));
}

TEST(werase_erases_previous_word)
{
	bool done;

	setup(false);
	feed("foo bar  \x17" "baz\n");
	EXPECT_STREQ("foo baz\n", rd(100, &done, NULL));
	feed("foo-bar\x17\n");
	EXPECT_STREQ("foo-\n", rd(100, &done, NULL));
}

TEST(utf8_char_erased_whole)
{
	bool done;

	setup(false);
	feed("a\xc3\xa9\x7f\n");
	EXPECT_STREQ("a\n", rd(100, &done, NULL));
	EXPECT_STREQ("a\xc3\xa9\b \b\r\n", echoed());
}

TEST(eof_at_line_start_reads_zero)
{
	bool done = false;
	size_t len;

	setup(false);
	feed("\x04");
	EXPECT_STREQ("", echoed());
	EXPECT_TRUE(ldisc_read_ready(&ld));
	EXPECT_EQ(0, ldisc_chars_readable(&ld));
	rd(100, &done, &len);
	EXPECT_EQ(0, len);
	EXPECT_TRUE(done);
	EXPECT_FALSE(ldisc_read_ready(&ld));
}

TEST(eof_mid_line_ends_line_without_newline)
{
	bool done;

	setup(false);
	feed("ab\x04" "cd\x04");
	EXPECT_EQ(4, ldisc_chars_readable(&ld));
	EXPECT_STREQ("ab", rd(100, &done, NULL));
	EXPECT_TRUE(done);
	/* read exactly the line's length: the EOF mark is taken with it, no spurious EOF */
	EXPECT_STREQ("cd", rd(2, &done, NULL));
	EXPECT_TRUE(done);
	EXPECT_FALSE(ldisc_read_ready(&ld));
}

TEST(intr_flushes_input_and_returns_sigint)
{
	bool done;

	setup(false);
	feed("one\nabc");
	EXPECT_EQ(1ULL << (SIGINT - 1), feed("\x03"));
	EXPECT_STREQ("one\r\nabc^C", echoed());
	EXPECT_EQ(0, ldisc_chars_readable(&ld));
	EXPECT_FALSE(ldisc_read_ready(&ld));
	feed("x\n");
	EXPECT_STREQ("x\n", rd(100, &done, NULL));
}

TEST(quit_susp_and_noflsh)
{
	bool done;

	setup(false);
	EXPECT_EQ(1ULL << (SIGQUIT - 1), feed("\x1c"));
	EXPECT_EQ(1ULL << (SIGTSTP - 1), feed("\x1a"));
	EXPECT_STREQ("^\\^Z", echoed());
	set_lflag(NOFLSH, 0);
	feed("ab\n");
	EXPECT_EQ((1ULL << (SIGINT - 1)) | (1ULL << (SIGQUIT - 1)), feed("\x03\x1c"));
	EXPECT_STREQ("ab\n", rd(100, &done, NULL));
}

TEST(no_signals_without_isig)
{
	bool done;

	setup(false);
	set_lflag(0, ISIG | ECHOCTL);
	EXPECT_EQ(0, feed("\x03\n"));
	EXPECT_STREQ("\x03\r\n", echoed());
	EXPECT_STREQ("\x03\n", rd(100, &done, NULL));
}

TEST(lnext_takes_next_byte_literally)
{
	bool done;

	setup(false);
	EXPECT_EQ(0, feed("\x16\x03\x16\x7f\n"));
	EXPECT_STREQ("^\b^C^\b^?\r\n", echoed());
	EXPECT_STREQ("\x03\x7f\n", rd(100, &done, NULL));
}

TEST(reprint_and_eol)
{
	struct termios t;
	bool done;

	setup(false);
	feed("ab\x12");
	EXPECT_STREQ("ab^R\r\nab", echoed());
	t = ld.termios;
	t.c_cc[VEOL] = '#';
	ldisc_set_termios(&ld, &t);
	feed("#");
	EXPECT_STREQ("#", echoed());
	EXPECT_STREQ("ab#", rd(100, &done, NULL));
	EXPECT_TRUE(done);
}

TEST(echonl_without_echo)
{
	setup(false);
	set_lflag(ECHONL, ECHO);
	feed("secret\n");
	EXPECT_STREQ("\r\n", echoed());
}

TEST(input_mapping)
{
	struct termios t;
	bool done;

	setup(false);
	t = ld.termios;
	t.c_iflag = IGNCR | ISTRIP;
	t.c_lflag &= ~ECHO;
	ldisc_set_termios(&ld, &t);
	feed("a\r\xe2\n");
	EXPECT_STREQ("ab\n", rd(100, &done, NULL));
	t.c_iflag = INLCR;
	t.c_lflag &= ~ICANON;
	ldisc_set_termios(&ld, &t);
	feed("x\n\r");
	EXPECT_STREQ("x\r\r", rd(100, &done, NULL));
	t.c_iflag = IUCLC;
	ldisc_set_termios(&ld, &t);
	feed("AbC");
	EXPECT_STREQ("abc", rd(100, &done, NULL));
}

TEST(ixon_stop_start)
{
	setup(false);
	feed("\x13");
	EXPECT_TRUE(ld.stopped);
	feed("\x11");
	EXPECT_FALSE(ld.stopped);
	EXPECT_EQ(0, ld.head);
	feed("\x13" "a");
	EXPECT_TRUE(ld.stopped);
	ld.termios.c_iflag |= IXANY;
	feed("b");
	EXPECT_FALSE(ld.stopped);
}

TEST(output_processing)
{
	char buf[64];
	struct ldisc_sink out = { .buf = buf, .cap = sizeof(buf) };
	const unsigned char *s = (const unsigned char *)"a\nb\tc\r";

	setup(false);
	ldisc_output(&ld, s, 6, &out);
	EXPECT_EQ(7, out.len);
	EXPECT_EQ(0, memcmp(buf, "a\r\nb\tc\r", 7));
	out.len = 0;
	ld.termios.c_oflag = OPOST | XTABS | OLCUC | ONOCR;
	ld.column = 0;
	ldisc_output(&ld, (const unsigned char *)"\rab\tz", 5, &out);
	EXPECT_EQ(9, out.len);
	EXPECT_EQ(0, memcmp(buf, "AB      Z", 9));
	out.len = 0;
	ld.termios.c_oflag = OPOST | OCRNL;
	ldisc_output(&ld, (const unsigned char *)"x\r", 2, &out);
	EXPECT_EQ(0, memcmp(buf, "x\n", 2));
	out.len = 0;
	ld.termios.c_oflag = ONLCR; /* no OPOST: nothing is processed */
	ldisc_output(&ld, (const unsigned char *)"a\n", 2, &out);
	EXPECT_EQ(2, out.len);
	EXPECT_EQ(0, memcmp(buf, "a\n", 2));
}

static int flushes;
static char flushed[64];
static size_t flushed_len;

static void count_flush(struct ldisc_sink *s)
{
	memcpy(flushed + flushed_len, s->buf, s->len);
	flushed_len += s->len;
	s->len = 0;
	flushes++;
}

TEST(sink_flushes_when_full)
{
	char small[4];
	struct ldisc_sink out = { .buf = small, .cap = sizeof(small), .flush = count_flush };

	setup(false);
	ldisc_output(&ld, (const unsigned char *)"1234567\n", 8, &out);
	count_flush(&out);
	EXPECT_EQ(3, flushes);
	EXPECT_EQ(9, flushed_len);
	EXPECT_EQ(0, memcmp(flushed, "1234567\r\n", 9));
	/* without flush, excess bytes are dropped */
	out = (struct ldisc_sink){ .buf = small, .cap = sizeof(small) };
	ldisc_output(&ld, (const unsigned char *)"abcdef", 6, &out);
	EXPECT_EQ(4, out.len);
}

TEST(noncanonical_reads_and_vmin_readiness)
{
	struct termios t;
	bool done;

	setup(false);
	t = ld.termios;
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 3;
	t.c_cc[VTIME] = 0;
	ldisc_set_termios(&ld, &t);
	feed("ab");
	EXPECT_FALSE(ldisc_read_ready(&ld));
	EXPECT_EQ(2, ldisc_chars_readable(&ld));
	feed("\x7f");
	EXPECT_TRUE(ldisc_read_ready(&ld));
	t.c_cc[VTIME] = 5; /* with VTIME, one byte is enough (the reader times the rest) */
	ldisc_set_termios(&ld, &t);
	EXPECT_STREQ("ab", rd(2, &done, NULL));
	EXPECT_TRUE(ldisc_read_ready(&ld));
	EXPECT_STREQ("\x7f", rd(100, &done, NULL));
	EXPECT_FALSE(ldisc_read_ready(&ld));
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	ldisc_set_termios(&ld, &t);
	EXPECT_FALSE(ldisc_read_ready(&ld));
	feed("\x04");
	EXPECT_STREQ("\x04", rd(100, &done, NULL));
}

TEST(icanon_switches_keep_input)
{
	bool done;
	size_t len;

	setup(false);
	feed("ab\x04" "cd");
	set_lflag(0, ICANON);
	/* the EOF mark goes, the partial line becomes readable */
	EXPECT_EQ(4, ldisc_chars_readable(&ld));
	EXPECT_STREQ("abcd", rd(100, &done, &len));
	feed("xy");
	set_lflag(ICANON, 0);
	EXPECT_TRUE(ldisc_read_ready(&ld));
	EXPECT_STREQ("xy", rd(100, &done, NULL));
	EXPECT_TRUE(done);
}

TEST(canonical_buffer_full_keeps_room_for_line_end)
{
	char line[LDISC_BUFSIZE];
	bool done;
	size_t len;

	setup(false);
	memset(line, 'a', sizeof(line));
	line[sizeof(line) - 1] = 0;
	EXPECT_EQ(LDISC_BUFSIZE - 1, ldisc_input_room(&ld));
	feed(line);
	EXPECT_EQ(1, ldisc_input_room(&ld));
	echoed();
	ld.termios.c_iflag |= IMAXBEL;
	feed("b");
	EXPECT_STREQ("\a", echoed());
	EXPECT_EQ(LDISC_BUFSIZE - 1, ld.head - ld.tail);
	feed("\n");
	EXPECT_EQ(0, ldisc_input_room(&ld));
	EXPECT_EQ(LDISC_BUFSIZE, ldisc_chars_readable(&ld));
	rd(LDISC_BUFSIZE, &done, &len);
	EXPECT_EQ(LDISC_BUFSIZE, len);
	EXPECT_TRUE(done);
	EXPECT_EQ(LDISC_BUFSIZE - 1, ldisc_input_room(&ld));
}

TEST(canonical_full_with_lines_waits_for_reader)
{
	char line[LDISC_BUFSIZE];

	setup(false);
	feed("x\n");
	memset(line, 'a', sizeof(line));
	line[LDISC_BUFSIZE - 3] = 0;
	feed(line);
	EXPECT_EQ(0, ldisc_input_room(&ld));
}

TEST(noncanonical_buffer_full)
{
	static unsigned char big[LDISC_BUFSIZE + 10];

	setup(false);
	set_lflag(0, ICANON | ECHO);
	memset(big, 'z', sizeof(big));
	EXPECT_EQ(LDISC_BUFSIZE, ldisc_input_room(&ld));
	ldisc_receive(&ld, big, sizeof(big), &echo);
	EXPECT_EQ(0, ldisc_input_room(&ld));
	EXPECT_EQ(LDISC_BUFSIZE, ldisc_chars_readable(&ld));
	ldisc_flush_input(&ld);
	EXPECT_EQ(0, ldisc_chars_readable(&ld));
	EXPECT_EQ(LDISC_BUFSIZE, ldisc_input_room(&ld));
}

TEST(passthrough_changes_nothing)
{
	unsigned char in[] = "a\r\x03\x04\x7f\n";
	char buf[16];
	struct ldisc_sink out = { .buf = buf, .cap = sizeof(buf) };
	bool done;
	size_t len;

	setup(true);
	EXPECT_EQ(0, ldisc_receive(&ld, in, 6, &echo));
	EXPECT_EQ(0, echo.len);
	EXPECT_TRUE(ldisc_read_ready(&ld));
	rd(100, &done, &len);
	EXPECT_EQ(6, len);
	ldisc_output(&ld, in, 6, &out);
	EXPECT_EQ(6, out.len);
	EXPECT_EQ(0, memcmp(buf, in, 6));
}

TEST(ring_wraps_around)
{
	bool done;
	int i;

	setup(false);
	set_lflag(0, ECHO);
	for (i = 0; i < 3000; i++) {
		feed("hello\x7fo\n");
		ASSERT_STREQ("hello\n", rd(100, &done, NULL));
	}
}

TEST_HARNESS_MAIN
