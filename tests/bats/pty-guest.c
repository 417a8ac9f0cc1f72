/*
 * pty-guest: run a command on a new pseudo-terminal inside the guest and type at it, like
 * tests/bats/pty-run.py does on the host (busybox has no `script` applet).
 *
 *     pty-guest [-r ROWS -c COLS] STEP... -- COMMAND ARGS...
 *
 * Steps: "s:TEXT" types TEXT (escapes \n, \r, \\, \xHH: \x03 is ^C, \x1a ^Z, \x04 ^D);
 * "w:TEXT" waits (up to 15 s) until TEXT appears in the output after the last wait;
 * "p:MS" pauses. Everything the command wrote goes to stdout, then a line
 * "PTY-EXIT <wait status>", or "PTY-TIMEOUT <TEXT>" when a wait failed (exit 3).
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char out[1 << 16];
static size_t out_len, seen;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Collect output for up to ms milliseconds (or until the master reports EOF/EIO). */
static int pump(int m, int ms)
{
	struct pollfd p = { .fd = m, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = read(m, out + out_len, sizeof(out) - 1 - out_len);
	if (n <= 0)
		return -1;
	out_len += (size_t)n;
	out[out_len] = '\0';
	return 1;
}

static size_t unescape(const char *s, char *d)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			d[n++] = *s;
			continue;
		}
		s++;
		if (*s == 'n')
			d[n++] = '\n';
		else if (*s == 'r')
			d[n++] = '\r';
		else if (*s == 'x' && s[1] && s[2]) {
			char hex[3] = { s[1], s[2], 0 };

			d[n++] = (char)strtol(hex, NULL, 16);
			s += 2;
		} else
			d[n++] = *s;
	}
	return n;
}

static int wait_text(int m, const char *text)
{
	long end = now_ms() + 15000;
	char *hit;

	for (;;) {
		hit = strstr(out + seen, text);
		if (hit) {
			seen = (size_t)(hit - out) + strlen(text);
			return 0;
		}
		if (now_ms() > end || pump(m, 200) < 0)
			return -1;
	}
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	int i = 1, m, st = 0, r = 0;
	char buf[4096];
	pid_t pid;
	size_t n;

	for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] != '-'; i += 2)
		*(argv[i][1] == 'r' ? &ws.ws_row : &ws.ws_col) = (unsigned short)atoi(argv[i + 1]);
	int first = i;
	while (i < argc && strcmp(argv[i], "--"))
		i++;
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: pty-guest [-r R -c C] STEP... -- COMMAND...\n");
		return 2;
	}
	pid = forkpty(&m, NULL, NULL, &ws);
	if (pid < 0) {
		perror("forkpty");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	for (int s = first; s < i && !r; s++) {
		const char *arg = argv[s];

		if (!strncmp(arg, "s:", 2)) {
			n = unescape(arg + 2, buf);
			if (write(m, buf, n) != (ssize_t)n)
				r = 1;
		} else if (!strncmp(arg, "w:", 2)) {
			n = unescape(arg + 2, buf);
			buf[n] = '\0';
			if (wait_text(m, buf)) {
				fwrite(out, 1, out_len, stdout);
				printf("\nPTY-TIMEOUT %s\n", arg + 2);
				r = 3;
			}
		} else if (!strncmp(arg, "p:", 2)) {
			for (long end = now_ms() + atoi(arg + 2); now_ms() < end;)
				pump(m, (int)(end - now_ms()));
		}
	}
	if (r) {
		kill(pid, SIGKILL);
		return r;
	}
	for (long end = now_ms() + 15000; now_ms() < end && pump(m, 200) >= 0;)
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
	while (pump(m, 50) > 0)
		;
	if (waitpid(pid, &st, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	fwrite(out, 1, out_len, stdout);
	printf("\nPTY-EXIT %d\n", st);
	return 0;
}
