/*
 * printk: the kernel log. Every message goes into a ring buffer (read by dmesg through
 * syslog(2), by /proc/kmsg-style readers and by the gdb helpers) with its level and a
 * timestamp; messages at or below console_loglevel are also written to the host's stderr.
 * The guest console is stdout, so kernel messages never mix into guest output.
 *
 * Levels: quiet sets console_loglevel to 3 (errors), the default is 4 (warnings), debug
 * sets 7 (everything), loglevel=N sets N.
 */
#include "kernel.h"
#include "os.h"
#include "printk.h"

#define LOG_SIZE (128 * 1024)

int console_loglevel = 4;
/* The ring: log_buf[log_start % LOG_SIZE .. log_end % LOG_SIZE). Read by gdb helpers. */
char log_buf[LOG_SIZE];
unsigned long log_start, log_end;
static bool at_line_start = true;
static uint64_t boot_ns;

void printk_init_clock(void)
{
	boot_ns = os_monotonic_ns();
}

static void log_putc(char c)
{
	log_buf[log_end % LOG_SIZE] = c;
	log_end++;
	if (log_end - log_start > LOG_SIZE)
		log_start = log_end - LOG_SIZE;
}

static void log_store(int level, const char *text, size_t len)
{
	char stamp[48];
	int n;

	for (size_t i = 0; i < len; i++) {
		if (at_line_start) {
			uint64_t t = boot_ns ? os_monotonic_ns() - boot_ns : 0;

			n = ksnprintf(stamp, sizeof(stamp), "<%d>[%5lu.%06lu] ", level,
				      (unsigned long)(t / 1000000000), (unsigned long)(t / 1000 % 1000000));
			for (int k = 0; k < n; k++)
				log_putc(stamp[k]);
			at_line_start = false;
		}
		log_putc(text[i]);
		if (text[i] == '\n')
			at_line_start = true;
	}
}

bool printk_crlf;

/* Write to stderr; with the host terminal in raw mode each newline needs its return. */
static void printk_emit(const char *text, size_t n)
{
	size_t start = 0;

	if (!printk_crlf) {
		os_write_all(2, text, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (text[i] != '\n')
			continue;
		os_write_all(2, text + start, i - start);
		os_write_all(2, "\r\n", 2);
		start = i + 1;
	}
	os_write_all(2, text + start, n - start);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[1024];
	int level = 6, n;
	const char *text = buf;

	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (buf[0] == '<' && buf[1] >= '0' && buf[1] <= '7' && buf[2] == '>') {
		level = buf[1] - '0';
		text += 3;
		n -= 3;
	}
	log_store(level, text, n);
	if (level <= console_loglevel)
		printk_emit(text, n);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

size_t printk_log_read(char *buf, size_t len, unsigned long *pos)
{
	size_t n = 0;

	if (*pos < log_start)
		*pos = log_start;
	while (n < len && *pos < log_end)
		buf[n++] = log_buf[(*pos)++ % LOG_SIZE];
	return n;
}

size_t printk_log_tail(char *buf, size_t len)
{
	unsigned long pos = log_end - min((unsigned long)(len - 1), log_end - log_start);
	size_t n = printk_log_read(buf, len - 1, &pos);

	buf[n] = 0;
	return n;
}

size_t printk_last_message(unsigned long since, char *buf, size_t len)
{
	static char tmp[1024];
	unsigned long pos = max(since, log_end - min(log_end, (unsigned long)sizeof(tmp) - 1));
	size_t n = printk_log_read(tmp, sizeof(tmp) - 1, &pos);
	char *line, *end;

	while (n && tmp[n - 1] == '\n')
		n--;
	tmp[n] = 0;
	line = strrchr(tmp, '\n');
	line = line ? line + 1 : tmp;
	if (line[0] == '<' && line[1] && line[2] == '>')
		line += 3;
	end = line[0] == '[' ? strchr(line, ']') : NULL;
	if (end && end[1] == ' ')
		line = end + 2;
	if (!*line || !len)
		return 0;
	return kstrlcpy(buf, line, len) >= len ? len - 1 : strlen(buf);
}

unsigned long printk_log_size(void)
{
	return log_end - log_start;
}

unsigned long printk_log_capacity(void)
{
	return LOG_SIZE;
}

unsigned long printk_log_pos(void)
{
	return log_end;
}

static const char *const errnames[] = {
	[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR",
	[EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF", [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES", [EFAULT] = "EFAULT", [ENOTBLK] = "ENOTBLK", [EBUSY] = "EBUSY",
	[EEXIST] = "EEXIST", [EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR",
	[EISDIR] = "EISDIR", [EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE",
	[ENOTTY] = "ENOTTY", [ETXTBSY] = "ETXTBSY", [EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC",
	[ESPIPE] = "ESPIPE", [EROFS] = "EROFS", [EMLINK] = "EMLINK", [EPIPE] = "EPIPE",
	[EDOM] = "EDOM", [ERANGE] = "ERANGE", [EDEADLK] = "EDEADLK",
	[ENAMETOOLONG] = "ENAMETOOLONG", [ENOLCK] = "ENOLCK", [ENOSYS] = "ENOSYS",
	[ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP", [ENOMSG] = "ENOMSG", [EIDRM] = "EIDRM",
	[ENOSTR] = "ENOSTR", [ENODATA] = "ENODATA", [ETIME] = "ETIME", [ENOSR] = "ENOSR",
	[EOVERFLOW] = "EOVERFLOW", [EILSEQ] = "EILSEQ", [ENOTSOCK] = "ENOTSOCK",
	[EDESTADDRREQ] = "EDESTADDRREQ", [EMSGSIZE] = "EMSGSIZE", [EPROTOTYPE] = "EPROTOTYPE",
	[ENOPROTOOPT] = "ENOPROTOOPT", [EPROTONOSUPPORT] = "EPROTONOSUPPORT",
	[EOPNOTSUPP] = "EOPNOTSUPP", [EAFNOSUPPORT] = "EAFNOSUPPORT", [EADDRINUSE] = "EADDRINUSE",
	[EADDRNOTAVAIL] = "EADDRNOTAVAIL", [ENETDOWN] = "ENETDOWN", [ENETUNREACH] = "ENETUNREACH",
	[ECONNABORTED] = "ECONNABORTED", [ECONNRESET] = "ECONNRESET", [ENOBUFS] = "ENOBUFS",
	[EISCONN] = "EISCONN", [ENOTCONN] = "ENOTCONN", [ETIMEDOUT] = "ETIMEDOUT",
	[ECONNREFUSED] = "ECONNREFUSED", [EHOSTUNREACH] = "EHOSTUNREACH", [EALREADY] = "EALREADY",
	[EINPROGRESS] = "EINPROGRESS", [ESTALE] = "ESTALE", [EDQUOT] = "EDQUOT",
	[ECANCELED] = "ECANCELED", [EOWNERDEAD] = "EOWNERDEAD", [ENOTRECOVERABLE] = "ENOTRECOVERABLE",
	/* the rest of Linux's list, for strace= */
	[ECHRNG] = "ECHRNG", [EL2NSYNC] = "EL2NSYNC", [EL3HLT] = "EL3HLT", [EL3RST] = "EL3RST",
	[ELNRNG] = "ELNRNG", [EUNATCH] = "EUNATCH", [ENOCSI] = "ENOCSI", [EL2HLT] = "EL2HLT",
	[EBADE] = "EBADE", [EBADR] = "EBADR", [EXFULL] = "EXFULL", [ENOANO] = "ENOANO",
	[EBADRQC] = "EBADRQC", [EBADSLT] = "EBADSLT", [EBFONT] = "EBFONT", [ENONET] = "ENONET",
	[ENOPKG] = "ENOPKG", [EREMOTE] = "EREMOTE", [ENOLINK] = "ENOLINK", [EADV] = "EADV",
	[ESRMNT] = "ESRMNT", [ECOMM] = "ECOMM", [EPROTO] = "EPROTO", [EMULTIHOP] = "EMULTIHOP",
	[EDOTDOT] = "EDOTDOT", [EBADMSG] = "EBADMSG", [ENOTUNIQ] = "ENOTUNIQ",
	[EBADFD] = "EBADFD", [EREMCHG] = "EREMCHG", [ELIBACC] = "ELIBACC", [ELIBBAD] = "ELIBBAD",
	[ELIBSCN] = "ELIBSCN", [ELIBMAX] = "ELIBMAX", [ELIBEXEC] = "ELIBEXEC",
	[ERESTART] = "ERESTART", [ESTRPIPE] = "ESTRPIPE", [EUSERS] = "EUSERS",
	[ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT", [EPFNOSUPPORT] = "EPFNOSUPPORT",
	[ENETRESET] = "ENETRESET", [ESHUTDOWN] = "ESHUTDOWN", [ETOOMANYREFS] = "ETOOMANYREFS",
	[EHOSTDOWN] = "EHOSTDOWN", [EUCLEAN] = "EUCLEAN", [ENOTNAM] = "ENOTNAM",
	[ENAVAIL] = "ENAVAIL", [EISNAM] = "EISNAM", [EREMOTEIO] = "EREMOTEIO",
	[ENOMEDIUM] = "ENOMEDIUM", [EMEDIUMTYPE] = "EMEDIUMTYPE", [ENOKEY] = "ENOKEY",
	[EKEYEXPIRED] = "EKEYEXPIRED", [EKEYREVOKED] = "EKEYREVOKED",
	[EKEYREJECTED] = "EKEYREJECTED", [ERFKILL] = "ERFKILL", [EHWPOISON] = "EHWPOISON",
};

const char *errname(long err)
{
	if (err < 0)
		err = -err;
	if (err == ERESTARTSYS)
		return "ERESTARTSYS";
	if (err == ERESTARTNOINTR)
		return "ERESTARTNOINTR";
	if (err == ERESTARTNOHAND)
		return "ERESTARTNOHAND";
	if (err == ERESTART_RESTARTBLOCK)
		return "ERESTART_RESTARTBLOCK";
	if (err > 0 && (unsigned long)err < ARRAY_SIZE(errnames) && errnames[err])
		return errnames[err];
	return "E?";
}
