/*
 * The line discipline: the byte processing of Linux's N_TTY as pure functions over a
 * struct ldisc (API and buffer model in tty.h). Layer: below the tty drivers
 * (drivers/console/console.c), above nothing: no kernel services, no C library, so the
 * same object links into the kernel and into the host unit test tests/unit/ldisc_test.c.
 *
 * Input, per byte: ISTRIP, IUCLC; a byte after VLNEXT is taken literally; IXON's
 * VSTOP/VSTART (and IXANY); ISIG's VINTR/VQUIT/VSUSP (a signal bit, the input flushed
 * unless NOFLSH); IGNCR/ICRNL/INLCR; then, with ICANON, line editing (VERASE and ^H,
 * VKILL, VWERASE, VLNEXT, VREPRINT) and line ends ('\n', VEOF, VEOL, VEOL2); all other
 * bytes are stored. Echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL) goes through the
 * same output processing as written data (OPOST: ONLCR, OCRNL, ONOCR, ONLRET, XTABS,
 * OLCUC), which keeps the output column that tab erasure needs.
 *
 * Where this differs from Linux on purpose: ^H erases in canonical mode even when VERASE
 * is another character; ECHOPRT is not implemented; output processing of echo needs OPOST
 * (POSIX), and ECHOCTL applies to ASCII control characters only. A special character set
 * to 0 (_POSIX_VDISABLE) is disabled.
 *
 * Buffer full: in canonical mode the last slot is kept for a line end, so a full line can
 * still be ended (or erased); ordinary bytes beyond it are dropped (a BEL is echoed with
 * IMAXBEL). ldisc_input_room() tells the driver to keep input at its source instead,
 * whenever a reader will make room.
 */
#include "tty.h"

#define N LDISC_BUFSIZE
#define VDISABLE 0

/* Signal numbers of the x86_64 Linux ABI (this file includes no signal header). */
#define LD_SIGINT 2
#define LD_SIGQUIT 3
#define LD_SIGTSTP 20
#define SIGBIT(sig) (1ULL << ((sig)-1))

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

static inline bool iflag(const struct ldisc *ld, unsigned f)
{
	return ld->termios.c_iflag & f;
}

static inline bool oflag(const struct ldisc *ld, unsigned f)
{
	return ld->termios.c_oflag & f;
}

static inline bool lflag(const struct ldisc *ld, unsigned f)
{
	return ld->termios.c_lflag & f;
}

/* c is the special character c_cc[i] (a disabled entry matches nothing). */
static inline bool is_cc(const struct ldisc *ld, unsigned char c, int i)
{
	return ld->termios.c_cc[i] != VDISABLE && c == ld->termios.c_cc[i];
}

static inline bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* A UTF-8 continuation byte (only with IUTF8): no column of its own, erased with its lead. */
static inline bool is_cont(const struct ldisc *ld, unsigned char c)
{
	return iflag(ld, IUTF8) && (c & 0xc0) == 0x80;
}

static inline bool is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

static inline unsigned used(const struct ldisc *ld)
{
	return ld->head - ld->tail;
}

static inline unsigned char at(const struct ldisc *ld, unsigned pos)
{
	return ld->buf[pos % N];
}

static void sink_put(struct ldisc_sink *s, unsigned char c)
{
	if (!s)
		return;
	if (s->len >= s->cap && s->flush)
		s->flush(s);
	if (s->len < s->cap)
		s->buf[s->len++] = (char)c;
}

/* Column bookkeeping for output that bypasses OPOST. */
static void raw_column(struct ldisc *ld, unsigned char c)
{
	if (c == '\r')
		ld->column = 0;
	else if (c == '\b' && ld->column)
		ld->column--;
	else if (c == '\t')
		ld->column += 8 - (ld->column & 7);
	else if (!is_ctl(c) && !is_cont(ld, c))
		ld->column++;
}

/* One byte of output or echo through output processing. */
static void out_char(struct ldisc *ld, unsigned char c, struct ldisc_sink *s)
{
	unsigned spaces;

	if (!oflag(ld, OPOST)) {
		raw_column(ld, c);
		sink_put(s, c);
		return;
	}
	switch (c) {
	case '\n':
		if (oflag(ld, ONLRET))
			ld->column = 0;
		if (oflag(ld, ONLCR)) {
			sink_put(s, '\r');
			ld->column = 0;
		}
		ld->canon_column = ld->column;
		break;
	case '\r':
		if (oflag(ld, ONOCR) && ld->column == 0)
			return;
		if (oflag(ld, OCRNL)) {
			c = '\n';
			if (oflag(ld, ONLRET))
				ld->column = ld->canon_column = 0;
		} else {
			ld->column = ld->canon_column = 0;
		}
		break;
	case '\t':
		spaces = 8 - (ld->column & 7);
		ld->column += spaces;
		if ((ld->termios.c_oflag & TABDLY) == XTABS) {
			while (spaces--)
				sink_put(s, ' ');
			return;
		}
		break;
	case '\b':
		if (ld->column)
			ld->column--;
		break;
	default:
		if (is_ctl(c))
			break;
		if (oflag(ld, OLCUC) && c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (!is_cont(ld, c))
			ld->column++;
	}
	sink_put(s, c);
}

/* Echo c as typed: a control character (not tab) as ^X under ECHOCTL. */
static void echo_char(struct ldisc *ld, unsigned char c, struct ldisc_sink *e)
{
	if (lflag(ld, ECHOCTL) && is_ctl(c) && c != '\t') {
		out_char(ld, '^', e);
		out_char(ld, c ^ 0x40, e);
	} else {
		out_char(ld, c, e);
	}
}

/* Before echoing the first byte of a line, remember where on screen the line starts. */
static void mark_line_start(struct ldisc *ld)
{
	if (ld->canon_head == ld->head)
		ld->canon_column = ld->column;
}

static void store(struct ldisc *ld, unsigned char c, unsigned char mark)
{
	ld->buf[ld->head % N] = c;
	ld->mark[ld->head % N] = mark;
	ld->head++;
	if (!lflag(ld, ICANON))
		ld->canon_head = ld->head;
}

/* An ordinary byte: echo and store it (literal: it came after VLNEXT). */
static void receive_plain(struct ldisc *ld, unsigned char c, bool literal, struct ldisc_sink *e)
{
	bool canon = lflag(ld, ICANON);

	if (used(ld) >= (canon ? N - 1 : N)) {
		if (canon && lflag(ld, ECHO) && iflag(ld, IMAXBEL))
			out_char(ld, '\a', e);
		return;
	}
	if (lflag(ld, ECHO)) {
		mark_line_start(ld);
		if (c == '\n' && !literal)
			out_char(ld, '\n', e);
		else
			echo_char(ld, c, e);
	}
	store(ld, c, 0);
}

/* Move the cursor back over an erased tab: to where the text before it ends. */
static void erase_tab_echo(struct ldisc *ld, struct ldisc_sink *e)
{
	unsigned p = ld->head, cols = 0, back;
	bool after_tab = false;

	while (p != ld->canon_head) {
		unsigned char c = at(ld, --p);

		if (c == '\t') {
			after_tab = true;
			break;
		}
		if (is_ctl(c))
			cols += lflag(ld, ECHOCTL) ? 2 : 0;
		else if (!is_cont(ld, c))
			cols++;
	}
	if (!after_tab)
		cols += ld->canon_column;
	for (back = 8 - (cols & 7); back; back--)
		out_char(ld, '\b', e);
}

/* The echo for erasing byte c (the erase key was key). */
static void erase_echo(struct ldisc *ld, unsigned char c, unsigned char key,
		       enum erase_kind kind, struct ldisc_sink *e)
{
	unsigned n;

	if (kind == ERASE_CHAR && !lflag(ld, ECHOE)) {
		echo_char(ld, key, e);
		return;
	}
	if (c == '\t') {
		erase_tab_echo(ld, e);
		return;
	}
	n = is_ctl(c) ? (lflag(ld, ECHOCTL) ? 2 : 0) : 1;
	while (n--) {
		out_char(ld, '\b', e);
		out_char(ld, ' ', e);
		out_char(ld, '\b', e);
	}
}

/* Step back from pos over one character (a UTF-8 sequence counts as one). */
static unsigned char_start(const struct ldisc *ld, unsigned pos)
{
	do
		pos--;
	while (pos != ld->canon_head && is_cont(ld, at(ld, pos)));
	return pos;
}

/* VERASE, VWERASE, VKILL: remove from the line being edited, with their echo. */
static void erase(struct ldisc *ld, unsigned char key, enum erase_kind kind, struct ldisc_sink *e)
{
	bool echo = lflag(ld, ECHO);
	unsigned seen_word = 0;

	if (ld->head == ld->canon_head)
		return;
	if (kind == ERASE_LINE &&
	    (!echo || !lflag(ld, ECHOK) || !lflag(ld, ECHOKE) || !lflag(ld, ECHOE))) {
		ld->head = ld->canon_head;
		if (echo) {
			echo_char(ld, key, e);
			if (lflag(ld, ECHOK))
				out_char(ld, '\n', e);
		}
		return;
	}
	while (ld->head != ld->canon_head) {
		unsigned p = char_start(ld, ld->head);
		unsigned char c = at(ld, p);

		if (kind == ERASE_WORD) {
			if (is_word(c))
				seen_word++;
			else if (seen_word)
				break;
		}
		ld->head = p;
		if (echo)
			erase_echo(ld, c, key, kind, e);
		if (kind == ERASE_CHAR)
			break;
	}
}

/* VREPRINT: show the line being edited again, on a new line. */
static void reprint(struct ldisc *ld, unsigned char key, struct ldisc_sink *e)
{
	unsigned p;

	echo_char(ld, key, e);
	out_char(ld, '\n', e);
	for (p = ld->canon_head; p != ld->head; p++)
		echo_char(ld, at(ld, p), e);
}

/* Close the line being edited with byte c (a line end; marks: LDISC_EOL...). */
static void end_line(struct ldisc *ld, unsigned char c, unsigned char mark)
{
	store(ld, c, mark);
	ld->canon_head = ld->head;
}

/* Canonical-mode special bytes; false when c is an ordinary byte. */
static bool receive_canon(struct ldisc *ld, unsigned char c, struct ldisc_sink *e)
{
	bool iexten = lflag(ld, IEXTEN), echo = lflag(ld, ECHO);

	if (is_cc(ld, c, VERASE) || c == '\b')
		erase(ld, c, ERASE_CHAR, e);
	else if (is_cc(ld, c, VKILL))
		erase(ld, c, ERASE_LINE, e);
	else if (iexten && is_cc(ld, c, VWERASE))
		erase(ld, c, ERASE_WORD, e);
	else if (iexten && is_cc(ld, c, VLNEXT)) {
		ld->lnext = true;
		if (echo && lflag(ld, ECHOCTL)) {
			out_char(ld, '^', e);
			out_char(ld, '\b', e);
		}
	} else if (iexten && echo && is_cc(ld, c, VREPRINT))
		reprint(ld, c, e);
	else if (c == '\n' || is_cc(ld, c, VEOF) || is_cc(ld, c, VEOL) ||
		 (iexten && is_cc(ld, c, VEOL2))) {
		if (used(ld) >= N)
			return true;
		if (c == '\n') {
			if (echo || lflag(ld, ECHONL))
				out_char(ld, '\n', e);
		} else if (echo && !is_cc(ld, c, VEOF)) {
			mark_line_start(ld);
			echo_char(ld, c, e);
		}
		end_line(ld, c, LDISC_EOL | (c != '\n' && is_cc(ld, c, VEOF) ? LDISC_EOF : 0));
	} else
		return false;
	return true;
}

/* IXON: VSTOP and VSTART stop and restart output; they are not input. */
static bool receive_flow(struct ldisc *ld, unsigned char c)
{
	bool start = is_cc(ld, c, VSTART), stop = is_cc(ld, c, VSTOP);

	if (start && stop)
		ld->stopped = !ld->stopped;
	else if (stop)
		ld->stopped = true;
	else if (start)
		ld->stopped = false;
	else
		return false;
	return true;
}

/* ISIG: the signal for c, or 0. The input is flushed unless NOFLSH, then c is echoed. */
static uint64_t receive_signal(struct ldisc *ld, unsigned char c, struct ldisc_sink *e)
{
	int sig;

	if (is_cc(ld, c, VINTR))
		sig = LD_SIGINT;
	else if (is_cc(ld, c, VQUIT))
		sig = LD_SIGQUIT;
	else if (is_cc(ld, c, VSUSP))
		sig = LD_SIGTSTP;
	else
		return 0;
	if (!lflag(ld, NOFLSH))
		ldisc_flush_input(ld);
	if (iflag(ld, IXON))
		ld->stopped = false;
	if (lflag(ld, ECHO))
		echo_char(ld, c, e);
	return SIGBIT(sig);
}

static uint64_t receive_byte(struct ldisc *ld, unsigned char c, struct ldisc_sink *e)
{
	uint64_t sigs;

	if (iflag(ld, ISTRIP))
		c &= 0x7f;
	if (iflag(ld, IUCLC) && lflag(ld, IEXTEN) && c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if (ld->lnext) {
		ld->lnext = false;
		receive_plain(ld, c, true, e);
		return 0;
	}
	if (iflag(ld, IXON) && receive_flow(ld, c))
		return 0;
	if (lflag(ld, ISIG) && (sigs = receive_signal(ld, c, e)))
		return sigs;
	if (ld->stopped && iflag(ld, IXON) && iflag(ld, IXANY))
		ld->stopped = false;
	if (c == '\r') {
		if (iflag(ld, IGNCR))
			return 0;
		if (iflag(ld, ICRNL))
			c = '\n';
	} else if (c == '\n' && iflag(ld, INLCR)) {
		c = '\r';
	}
	if (lflag(ld, ICANON) && receive_canon(ld, c, e))
		return 0;
	receive_plain(ld, c, false, e);
	return 0;
}

/* ---- the API of tty.h */

void ldisc_default_termios(struct termios *t)
{
	static const cc_t cc[NCCS] = {
		[VINTR] = 0x03, [VQUIT] = 0x1c, [VERASE] = 0x7f, [VKILL] = 0x15,
		[VEOF] = 0x04,	[VTIME] = 0,	[VMIN] = 1,	 [VSTART] = 0x11,
		[VSTOP] = 0x13, [VSUSP] = 0x1a, [VREPRINT] = 0x12, [VDISCARD] = 0x0f,
		[VWERASE] = 0x17, [VLNEXT] = 0x16,
	};
	unsigned i;

	t->c_iflag = ICRNL | IXON | IUTF8;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	t->c_line = 0;
	for (i = 0; i < NCCS; i++)
		t->c_cc[i] = cc[i];
}

void ldisc_init(struct ldisc *ld, bool passthrough)
{
	__builtin_memset(ld, 0, sizeof(*ld));
	ldisc_default_termios(&ld->termios);
	if (passthrough) {
		ld->termios.c_iflag = 0;
		ld->termios.c_oflag = 0;
		ld->termios.c_cflag = B38400 | CS8 | CREAD;
		ld->termios.c_lflag = 0;
	}
}

/* Non-canonical input has no line structure: drop end-of-file marks and line marks. */
static void drop_line_marks(struct ldisc *ld)
{
	unsigned src, dst = ld->tail;

	for (src = ld->tail; src != ld->head; src++) {
		if (ld->mark[src % N] & LDISC_EOF)
			continue;
		ld->buf[dst % N] = ld->buf[src % N];
		ld->mark[dst % N] = 0;
		dst++;
	}
	ld->head = ld->canon_head = dst;
}

void ldisc_set_termios(struct ldisc *ld, const struct termios *t)
{
	bool was_canon = lflag(ld, ICANON);

	ld->termios = *t;
	if (was_canon && !lflag(ld, ICANON)) {
		drop_line_marks(ld);
		ld->lnext = false;
	} else if (!was_canon && lflag(ld, ICANON)) {
		/* What was typed raw becomes one complete line. */
		if (ld->head != ld->tail)
			ld->mark[(ld->head - 1) % N] |= LDISC_EOL;
		ld->canon_head = ld->head;
	}
	if (!iflag(ld, IXON))
		ld->stopped = false;
}

uint64_t ldisc_receive(struct ldisc *ld, const unsigned char *in, size_t n,
		       struct ldisc_sink *echo)
{
	uint64_t sigs = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sigs |= receive_byte(ld, in[i], echo);
	return sigs;
}

void ldisc_output(struct ldisc *ld, const unsigned char *in, size_t n, struct ldisc_sink *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		out_char(ld, in[i], out);
}

bool ldisc_read_ready(const struct ldisc *ld)
{
	const cc_t *cc = ld->termios.c_cc;

	if (lflag(ld, ICANON))
		return ld->canon_head != ld->tail;
	/* Like Linux's poll: with VTIME 0, VMIN bytes make a read return at once. */
	return used(ld) >= (cc[VTIME] == 0 && cc[VMIN] > 0 ? cc[VMIN] : 1u);
}

size_t ldisc_read(struct ldisc *ld, unsigned char *dst, size_t n, bool *line_done)
{
	unsigned end = lflag(ld, ICANON) ? ld->canon_head : ld->head;
	bool done = false;
	size_t got = 0;

	while (got < n && ld->tail != end) {
		unsigned char m = ld->mark[ld->tail % N], c = at(ld, ld->tail);

		ld->tail++;
		if (!(m & LDISC_EOF))
			dst[got++] = c;
		if ((m & LDISC_EOL) && lflag(ld, ICANON)) {
			done = true;
			break;
		}
	}
	/* A line read exactly up to its end-of-file mark is complete: take the mark too. */
	if (!done && got && ld->tail != end && (ld->mark[ld->tail % N] & LDISC_EOF)) {
		ld->tail++;
		done = true;
	}
	if (line_done)
		*line_done = done;
	return got;
}

size_t ldisc_chars_readable(const struct ldisc *ld)
{
	size_t n = 0;
	unsigned p;

	if (!lflag(ld, ICANON))
		return used(ld);
	for (p = ld->tail; p != ld->canon_head; p++)
		if (!(ld->mark[p % N] & LDISC_EOF))
			n++;
	return n;
}

size_t ldisc_input_room(const struct ldisc *ld)
{
	unsigned u = used(ld);

	if (!lflag(ld, ICANON))
		return N - u;
	if (u < N - 1)
		return N - 1 - u;
	/* Full. With no complete line no reader will make room: take bytes, to end the line. */
	return ld->canon_head == ld->tail ? 1 : 0;
}

void ldisc_flush_input(struct ldisc *ld)
{
	ld->tail = ld->canon_head = ld->head;
	ld->lnext = false;
}
