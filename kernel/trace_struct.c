/*
 * strace= decoding of structures in guest memory: strings and buffers quoted as strace
 * quotes them (at most 32 bytes of a buffer, then "..."), argument vectors, struct stat,
 * timespecs, signal sets and actions, wait statuses, terminal settings and the rest.
 * Guest memory is read through uaccess.h, for the current task (the one making the call);
 * anything that cannot be read is shown as its address, as strace does.
 */
#include "kernel.h"
#include "sig.h"
#include "trace_internal.h"
#include "uaccess.h"

#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <linux/stat.h>
/* <asm/stat.h> names a field __unused, which kernel.h defines as an attribute macro. */
#pragma push_macro("__unused")
#undef __unused
#include <asm/stat.h>
#pragma pop_macro("__unused")

#define UTIME_NOW ((1L << 30) - 1L) /* utimensat's special nanoseconds (not in UAPI) */
#define UTIME_OMIT ((1L << 30) - 2L)

#define STR_LIMIT 32 /* strace's default -s */
#define ARRAY_LIMIT 32

void tb_addr(struct tbuf *b, u64 addr)
{
	if (addr)
		tb_printf(b, "%#llx", (unsigned long long)addr);
	else
		tb_puts(b, "NULL");
}

/* Quote n bytes as strace does: C escapes, octal (or \x hex) for the rest. */
static void tb_quote_bytes(struct tbuf *b, const u8 *s, size_t n, bool hex)
{
	static const char esc_from[] = "\"\\\f\n\r\t\v", esc_to[] = "\"\\fnrtv";

	for (size_t i = 0; i < n; i++) {
		u8 c = s[i];
		const char *e = c ? strchr(esc_from, c) : NULL;

		if (hex) {
			tb_printf(b, "\\x%02x", c);
		} else if (e) {
			tb_putc(b, '\\');
			tb_putc(b, esc_to[e - esc_from]);
		} else if (c >= ' ' && c <= '~') {
			tb_putc(b, (char)c);
		} else if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7') {
			tb_printf(b, "\\%03o", c); /* a digit follows: all three digits */
		} else {
			tb_printf(b, "\\%o", c);
		}
	}
}

void tb_user_str(struct tbuf *b, u64 addr, size_t limit)
{
	char chunk[65];
	size_t done = 0, start = b->len;
	long n;

	if (!addr) {
		tb_puts(b, "NULL");
		return;
	}
	tb_putc(b, '"');
	while (done < limit) {
		size_t want = min(limit - done, sizeof(chunk) - 1);

		n = strncpy_from_user(chunk, addr + done, want + 1);
		if (n == -EFAULT) {
			b->len = start; /* unreadable: the address instead */
			b->buf[start] = 0;
			tb_addr(b, addr);
			return;
		}
		if (n >= 0 && (size_t)n <= want) {
			tb_quote_bytes(b, (const u8 *)chunk, (size_t)n, false);
			tb_putc(b, '"');
			return;
		}
		tb_quote_bytes(b, (const u8 *)chunk, want, false);
		done += want;
	}
	tb_puts(b, "\"...");
}

void tb_user_buf(struct tbuf *b, u64 addr, u64 len, bool hex)
{
	u8 data[STR_LIMIT];
	size_t n = (size_t)min(len, (u64)STR_LIMIT);

	if (!addr && len) {
		tb_puts(b, "NULL");
		return;
	}
	if (n && copy_from_user(data, addr, n)) {
		tb_addr(b, addr);
		return;
	}
	tb_putc(b, '"');
	tb_quote_bytes(b, data, n, hex);
	tb_putc(b, '"');
	if (len > n)
		tb_puts(b, "...");
}

/* Read a structure; on failure print the address and return false. */
static bool fetch(struct tbuf *b, u64 addr, void *dst, size_t n)
{
	if (!addr) {
		tb_puts(b, "NULL");
		return false;
	}
	if (copy_from_user(dst, addr, n)) {
		tb_addr(b, addr);
		return false;
	}
	return true;
}

void tb_user_sigset(struct tbuf *b, u64 addr, u64 size)
{
	u64 set;

	if (fetch(b, addr, &set, sizeof(set)))
		tb_sigset(b, set);
}

void tb_user_sigaction(struct tbuf *b, u64 addr)
{
	struct ksigaction sa;

	if (!fetch(b, addr, &sa, sizeof(sa)))
		return;
	tb_puts(b, "{sa_handler=");
	if (sa.handler == 0)
		tb_puts(b, "SIG_DFL");
	else if (sa.handler == 1)
		tb_puts(b, "SIG_IGN");
	else
		tb_addr(b, sa.handler);
	tb_puts(b, ", sa_mask=");
	tb_sigset(b, sa.mask);
	tb_puts(b, ", sa_flags=");
	if (sa.flags)
		tb_flags(b, trace_saflags, sa.flags);
	else
		tb_putc(b, '0');
	if (sa.flags & SA_RESTORER) {
		tb_puts(b, ", sa_restorer=");
		tb_addr(b, sa.restorer);
	}
	tb_putc(b, '}');
}

static void tb_time_pair(struct tbuf *b, const s64 *t, const char *frac)
{
	tb_printf(b, "{tv_sec=%lld, %s=", (long long)t[0], frac);
	if (t[1] == UTIME_NOW)
		tb_puts(b, "UTIME_NOW}");
	else if (t[1] == UTIME_OMIT)
		tb_puts(b, "UTIME_OMIT}");
	else
		tb_printf(b, "%lld}", (long long)t[1]);
}

static void tb_user_times(struct tbuf *b, u64 addr, int count, const char *frac)
{
	s64 t[4];

	if (!fetch(b, addr, t, sizeof(s64) * 2 * count))
		return;
	if (count > 1)
		tb_putc(b, '[');
	for (int i = 0; i < count; i++) {
		if (i)
			tb_puts(b, ", ");
		tb_time_pair(b, &t[2 * i], frac);
	}
	if (count > 1)
		tb_putc(b, ']');
}

void tb_user_timespec(struct tbuf *b, u64 addr, int count)
{
	tb_user_times(b, addr, count, "tv_nsec");
}

void tb_user_timeval(struct tbuf *b, u64 addr, int count)
{
	tb_user_times(b, addr, count, "tv_usec");
}

void tb_user_itimerval(struct tbuf *b, u64 addr)
{
	s64 t[4];

	if (!fetch(b, addr, t, sizeof(t)))
		return;
	tb_printf(b, "{it_interval={tv_sec=%lld, tv_usec=%lld}, it_value={tv_sec=%lld, "
		  "tv_usec=%lld}}", (long long)t[0], (long long)t[1], (long long)t[2],
		  (long long)t[3]);
}

void tb_user_utimbuf(struct tbuf *b, u64 addr)
{
	s64 t[2];

	if (fetch(b, addr, t, sizeof(t)))
		tb_printf(b, "{actime=%lld, modtime=%lld}", (long long)t[0], (long long)t[1]);
}

static void tb_rlim(struct tbuf *b, u64 v)
{
	if (v == ~0ULL)
		tb_puts(b, "RLIM64_INFINITY");
	else if (v && !(v % 1024))
		tb_printf(b, "%llu*1024", (unsigned long long)(v / 1024));
	else
		tb_printf(b, "%llu", (unsigned long long)v);
}

void tb_user_rlimit(struct tbuf *b, u64 addr)
{
	u64 r[2];

	if (!fetch(b, addr, r, sizeof(r)))
		return;
	tb_puts(b, "{rlim_cur=");
	tb_rlim(b, r[0]);
	tb_puts(b, ", rlim_max=");
	tb_rlim(b, r[1]);
	tb_putc(b, '}');
}

void tb_user_argv(struct tbuf *b, u64 addr)
{
	u64 p;
	int i;

	if (!fetch(b, addr, &p, sizeof(p)))
		return;
	tb_putc(b, '[');
	for (i = 0; p; i++) {
		if (i)
			tb_puts(b, ", ");
		if (i == ARRAY_LIMIT) {
			tb_puts(b, "...");
			break;
		}
		tb_user_str(b, p, STR_LIMIT);
		if (copy_from_user(&p, addr + 8 * (i + 1), sizeof(p))) {
			tb_puts(b, ", ...");
			break;
		}
	}
	tb_putc(b, ']');
}

void tb_user_envp(struct tbuf *b, u64 addr)
{
	u64 p = 1;
	int n = 0;

	if (!addr) {
		tb_puts(b, "NULL");
		return;
	}
	while (n < 100000 && !copy_from_user(&p, addr + 8 * (u64)n, sizeof(p)) && p)
		n++;
	tb_addr(b, addr);
	tb_printf(b, " /* %d var%s */", n, n == 1 ? "" : "s");
}

void tb_user_stat(struct tbuf *b, u64 addr)
{
	struct stat st;

	if (!fetch(b, addr, &st, sizeof(st)))
		return;
	tb_puts(b, "{st_mode=");
	tb_mode(b, (u32)st.st_mode);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		tb_printf(b, ", st_rdev=makedev(%#x, %#x), ...}",
			  (unsigned)((st.st_rdev >> 8) & 0xfff),
			  (unsigned)((st.st_rdev & 0xff) | ((st.st_rdev >> 12) & 0xfff00)));
	else
		tb_printf(b, ", st_size=%lld, ...}", (long long)st.st_size);
}

void tb_user_statx(struct tbuf *b, u64 addr)
{
	struct statx stx;

	if (!fetch(b, addr, &stx, sizeof(stx)))
		return;
	tb_puts(b, "{stx_mask=");
	tb_flags(b, trace_statxmask, stx.stx_mask);
	tb_printf(b, ", stx_attributes=%#llx, stx_mode=", (unsigned long long)stx.stx_attributes);
	tb_mode(b, stx.stx_mode);
	tb_printf(b, ", stx_size=%llu, ...}", (unsigned long long)stx.stx_size);
}

void tb_user_statfs(struct tbuf *b, u64 addr)
{
	/* struct statfs on x86_64: eleven longs up to f_frsize (f_fsid is two ints). */
	s64 f[10];

	if (!fetch(b, addr, f, sizeof(f)))
		return;
	tb_printf(b, "{f_type=%#llx, f_bsize=%lld, f_blocks=%lld, f_bfree=%lld, f_bavail=%lld, "
		  "f_files=%lld, f_ffree=%lld, f_namelen=%lld, f_frsize=%lld}",
		  (unsigned long long)f[0], (long long)f[1], (long long)f[2], (long long)f[3],
		  (long long)f[4], (long long)f[5], (long long)f[6], (long long)f[8],
		  (long long)f[9]);
}

void tb_user_wstatus(struct tbuf *b, u64 addr)
{
	int s;

	if (!fetch(b, addr, &s, sizeof(s)))
		return;
	if ((s & 0x7f) == 0) {
		tb_printf(b, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", (s >> 8) & 0xff);
	} else if ((s & 0xff) == 0x7f) {
		tb_puts(b, "[{WIFSTOPPED(s) && WSTOPSIG(s) == ");
		tb_signame(b, (s >> 8) & 0xff);
		tb_puts(b, "}]");
	} else if (s == 0xffff) {
		tb_puts(b, "[{WIFCONTINUED(s)}]");
	} else {
		tb_puts(b, "[{WIFSIGNALED(s) && WTERMSIG(s) == ");
		tb_signame(b, s & 0x7f);
		tb_puts(b, (s & 0x80) ? " && WCOREDUMP(s)}]" : "}]");
	}
}

void tb_user_intpair(struct tbuf *b, u64 addr)
{
	int v[2];

	if (fetch(b, addr, v, sizeof(v)))
		tb_printf(b, "[%d, %d]", v[0], v[1]);
}

void tb_user_int(struct tbuf *b, u64 addr)
{
	int v;

	if (fetch(b, addr, &v, sizeof(v)))
		tb_printf(b, "[%d]", v);
}

void tb_user_utsname(struct tbuf *b, u64 addr)
{
	char f[2][65];

	if (!fetch(b, addr, f, sizeof(f)))
		return;
	tb_puts(b, "{sysname=\"");
	tb_quote_bytes(b, (const u8 *)f[0], strnlen(f[0], 64), false);
	tb_puts(b, "\", nodename=\"");
	tb_quote_bytes(b, (const u8 *)f[1], strnlen(f[1], 64), false);
	tb_puts(b, "\", ...}");
}

void tb_user_dirents(struct tbuf *b, u64 addr, long len)
{
	long off = 0, n = 0;
	u16 reclen;

	tb_addr(b, addr);
	/* d_reclen is at offset 16 in both struct linux_dirent and linux_dirent64. */
	while (off + 18 <= len && !copy_from_user(&reclen, addr + (u64)off + 16, sizeof(reclen)) &&
	       reclen) {
		off += reclen;
		n++;
	}
	tb_printf(b, " /* %ld entr%s */", n, n == 1 ? "y" : "ies");
}

void tb_user_iov(struct tbuf *b, u64 addr, u64 count, long datalen)
{
	u64 iov[2];

	if (!addr) {
		tb_puts(b, "NULL");
		return;
	}
	tb_putc(b, '[');
	for (u64 i = 0; i < count; i++) {
		u64 shown;

		if (i)
			tb_puts(b, ", ");
		if (i == ARRAY_LIMIT) {
			tb_puts(b, "...");
			break;
		}
		if (copy_from_user(iov, addr + 16 * i, sizeof(iov))) {
			tb_addr(b, addr + 16 * i);
			break;
		}
		/* Outputs: only the bytes the call produced, spread over the vectors in order. */
		shown = datalen < 0 ? iov[1] : min(iov[1], (u64)datalen);
		if (datalen >= 0)
			datalen -= (long)shown;
		tb_puts(b, "{iov_base=");
		tb_user_buf(b, iov[0], shown, false);
		tb_printf(b, ", iov_len=%llu}", (unsigned long long)iov[1]);
	}
	tb_putc(b, ']');
}

void tb_user_pollfds(struct tbuf *b, u64 addr, u64 count)
{
	struct {
		s32 fd;
		s16 events, revents;
	} p;

	if (!addr) {
		tb_puts(b, "NULL");
		return;
	}
	tb_putc(b, '[');
	for (u64 i = 0; i < count; i++) {
		if (i)
			tb_puts(b, ", ");
		if (i == ARRAY_LIMIT) {
			tb_puts(b, "...");
			break;
		}
		if (copy_from_user(&p, addr + 8 * i, sizeof(p))) {
			tb_addr(b, addr + 8 * i);
			break;
		}
		tb_printf(b, "{fd=%d, events=", p.fd);
		tb_flags(b, trace_pollevents, (u16)p.events);
		tb_putc(b, '}');
	}
	tb_putc(b, ']');
}

void tb_user_fdset(struct tbuf *b, u64 addr, int nfds)
{
	u64 word = 0;
	bool first = true;

	if (!addr || nfds <= 0 || nfds > 1024) {
		tb_addr(b, addr);
		return;
	}
	tb_putc(b, '[');
	for (int fd = 0; fd < nfds; fd++) {
		if (fd % 64 == 0 && copy_from_user(&word, addr + (u64)fd / 8, sizeof(word)))
			break;
		if (!(word & (1ULL << (fd % 64))))
			continue;
		tb_printf(b, first ? "%d" : " %d", fd);
		first = false;
	}
	tb_putc(b, ']');
}

void tb_user_sockaddr(struct tbuf *b, u64 addr, u64 len)
{
	u8 sa[16];
	u16 family;

	if (len < 2 || !fetch(b, addr, &family, sizeof(family))) {
		if (len < 2)
			tb_addr(b, addr);
		return;
	}
	tb_puts(b, "{sa_family=");
	tb_xlat(b, trace_sockfamily, family, "%ld");
	if (family == 1 && len > 2) {
		tb_puts(b, ", sun_path=");
		tb_user_str(b, addr + 2, min(len - 2, 108ULL));
	} else if (family == 2 && len >= 8 && !copy_from_user(sa, addr, 8)) {
		tb_printf(b, ", sin_port=htons(%u), sin_addr=inet_addr(\"%u.%u.%u.%u\")",
			  (unsigned)(sa[2] << 8 | sa[3]), sa[4], sa[5], sa[6], sa[7]);
	}
	tb_putc(b, '}');
}

void tb_user_winsize(struct tbuf *b, u64 addr)
{
	u16 w[4];

	if (fetch(b, addr, w, sizeof(w)))
		tb_printf(b, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", w[0], w[1], w[2],
			  w[3]);
}

void tb_user_termios(struct tbuf *b, u64 addr)
{
	static const struct tflag speeds[] = {
		{ B0, "B0" },         { B50, "B50" },         { B300, "B300" },
		{ B1200, "B1200" },   { B2400, "B2400" },     { B4800, "B4800" },
		{ B9600, "B9600" },   { B19200, "B19200" },   { B38400, "B38400" },
		{ B57600, "B57600" }, { B115200, "B115200" }, { B230400, "B230400" },
		{ 0, NULL }
	};
	struct termios t;

	if (!fetch(b, addr, &t, sizeof(t)))
		return;
	/* strace's short form: speed and the four flags that say how the terminal behaves. */
	tb_putc(b, '{');
	tb_xlat(b, speeds, t.c_cflag & CBAUD, "%#lo");
	tb_printf(b, " %sopost %sisig %sicanon %secho ...}", (t.c_oflag & OPOST) ? "" : "-",
		  (t.c_lflag & ISIG) ? "" : "-", (t.c_lflag & ICANON) ? "" : "-",
		  (t.c_lflag & ECHO) ? "" : "-");
}
