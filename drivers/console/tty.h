/*
 * The line discipline (drivers/console/tty.c): the byte processing of Linux's N_TTY as pure
 * functions over a struct ldisc. Input bytes and a termios go in; the input buffer, the
 * echo text and the signals to send come out. No kernel services are used (no sleeping, no
 * signals sent, no guest memory), so the code runs unchanged in host unit tests
 * (tests/unit/ldisc_test.c) and under any tty driver (the console now, ptys later).
 *
 * This header is self-contained (stdint, stdbool, stddef and the UAPI termios only) so a
 * host test can include it.
 */
#ifndef DRIVERS_CONSOLE_TTY_H
#define DRIVERS_CONSOLE_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/termbits.h>

#define LDISC_BUFSIZE 4096 /* input buffer, like N_TTY's; a power of two */

/* Per-byte marks in ldisc.mark[] */
#define LDISC_EOL 0x1 /* a canonical line ends after this byte */
#define LDISC_EOF 0x2 /* this byte is an end-of-file mark (VEOF): never returned to readers */

/*
 * Input state. head, tail and canon_head are free-running counters; a position p lives
 * at buf[p % LDISC_BUFSIZE]. Bytes [tail, head) are buffered; in canonical mode bytes
 * [tail, canon_head) are complete lines (readable) and [canon_head, head) is the line
 * being edited. In non-canonical mode canon_head == head.
 */
struct ldisc {
	struct termios termios;
	unsigned char buf[LDISC_BUFSIZE];
	unsigned char mark[LDISC_BUFSIZE]; /* LDISC_EOL / LDISC_EOF per buffered byte */
	unsigned head, tail, canon_head;
	unsigned column;       /* output column, for tab expansion and erase */
	unsigned canon_column; /* column where the line being edited started */
	bool lnext;            /* the previous byte was VLNEXT: take this one literally */
	bool stopped;          /* output stopped by VSTOP (IXON); informational */
};

/*
 * Where echo and processed output go. put() appends while len < cap; when the buffer is
 * full, flush (if set) is called to empty it, else further bytes are dropped.
 */
struct ldisc_sink {
	char *buf;
	size_t len, cap;
	void (*flush)(struct ldisc_sink *s);
	void *priv; /* the flush function's data */
};

/* Linux's default console termios (ICANON, ECHO..., ^C ^\ ^Z ^D ^U DEL ^W). */
void ldisc_default_termios(struct termios *t);
/*
 * Reset ld. passthrough: a termios that does nothing (no ICANON, ISIG, ECHO, OPOST, input
 * mapping; VMIN 1), for a console whose host side is not a terminal.
 */
void ldisc_init(struct ldisc *ld, bool passthrough);
/* Install a new termios (TCSETS), keeping buffered input consistent across ICANON changes. */
void ldisc_set_termios(struct ldisc *ld, const struct termios *t);
/*
 * Process received bytes: input mapping, job-control characters, line editing, echo (into
 * echo, through output processing). Returns the signals to send to the foreground process
 * group as a mask (bit sig-1 set for SIGINT, SIGQUIT, SIGTSTP).
 */
uint64_t ldisc_receive(struct ldisc *ld, const unsigned char *in, size_t n,
		       struct ldisc_sink *echo);
/* Output processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET, XTABS, OLCUC) of n bytes into out. */
void ldisc_output(struct ldisc *ld, const unsigned char *in, size_t n, struct ldisc_sink *out);
/* True when a read would return now: a complete line (canonical) or any byte (otherwise). */
bool ldisc_read_ready(const struct ldisc *ld);
/*
 * Take up to n input bytes into dst. Canonical mode: at most up to the end of the first
 * complete line, and an end-of-file mark is consumed but not copied (a read that meets it
 * at the start of a line returns 0); *line_done is set when the line (or EOF) was consumed
 * whole. Non-canonical: whatever is buffered. Returns the bytes copied.
 */
size_t ldisc_read(struct ldisc *ld, unsigned char *dst, size_t n, bool *line_done);
/* Bytes buffered for readers (FIONREAD): complete lines in canonical mode, else all. */
size_t ldisc_chars_readable(const struct ldisc *ld);
/* Bytes the driver should feed now (0: the buffer is full; keep the rest at the source). */
size_t ldisc_input_room(const struct ldisc *ld);
/* Discard all buffered input (TCIFLUSH, signals without NOFLSH). */
void ldisc_flush_input(struct ldisc *ld);

#endif
