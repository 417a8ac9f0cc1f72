/*
 * syslog(2): the kernel log (kernel/printk.c's ring) as dmesg and klogd read it. Records
 * are the ring's own lines, "<level>[seconds.micros] text\n", which is Linux's syslog
 * format. READ_ALL gives the newest whole lines that fit; READ consumes from a reader
 * position shared by all callers (as Linux's) and returns 0 at once when nothing is new
 * instead of sleeping; CLEAR hides what is logged so far from READ_ALL. Non-root callers
 * may use READ_ALL and SIZE_BUFFER only (Linux with dmesg_restrict=0).
 */
#include "kernel.h"
#include "printk.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

/* syslog(2)'s actions (include/linux/syslog.h is not UAPI) */
enum {
	SYSLOG_CLOSE, SYSLOG_OPEN, SYSLOG_READ, SYSLOG_READ_ALL, SYSLOG_READ_CLEAR, SYSLOG_CLEAR,
	SYSLOG_CONSOLE_OFF, SYSLOG_CONSOLE_ON, SYSLOG_CONSOLE_LEVEL, SYSLOG_SIZE_UNREAD,
	SYSLOG_SIZE_BUFFER,
};

#define SYSLOG_CHUNK 512

static unsigned long syslog_read_pos; /* SYSLOG_READ's position */
static unsigned long syslog_clear_pos; /* SYSLOG_CLEAR: READ_ALL starts here at the earliest */
static int saved_loglevel = -1;       /* console level before CONSOLE_OFF */

static unsigned long log_oldest(void)
{
	return printk_log_pos() - printk_log_size();
}

/* Copy log bytes [from, to) to the guest buffer; bytes copied or -EFAULT. */
static long syslog_copy(uaddr_t ubuf, unsigned long from, unsigned long to)
{
	char chunk[SYSLOG_CHUNK];
	unsigned long pos = from;
	long done = 0;

	while (pos < to) {
		size_t n = printk_log_read(chunk, min((unsigned long)sizeof(chunk), to - pos), &pos);

		if (!n)
			break;
		if (copy_to_user(ubuf + done, chunk, n))
			return -EFAULT;
		done += n;
	}
	return done;
}

/* The first line start at or after pos (the ring may have cut the oldest line). */
static unsigned long line_start_from(unsigned long pos, unsigned long end)
{
	unsigned long q;
	char c;

	if (pos == 0)
		return 0;
	q = pos - 1;
	if (q >= log_oldest() && printk_log_read(&c, 1, &q) == 1 && c == '\n')
		return pos;
	for (q = pos; q < end;) {
		if (printk_log_read(&c, 1, &q) != 1)
			break;
		if (c == '\n')
			return q; /* just past the newline */
	}
	return end;
}

/* The newest whole lines that fit in len bytes, from the clear position on. */
static long syslog_read_all(uaddr_t ubuf, long len, bool clear)
{
	unsigned long end = printk_log_pos();
	unsigned long from = max(log_oldest(), syslog_clear_pos);
	long r;

	if (end - from > (unsigned long)len)
		from = end - (unsigned long)len;
	from = line_start_from(from, end);
	r = syslog_copy(ubuf, from, end);
	if (clear && r >= 0)
		syslog_clear_pos = end;
	return r;
}

static long syslog_read(uaddr_t ubuf, long len)
{
	unsigned long end = printk_log_pos();
	long r;

	if (syslog_read_pos < log_oldest())
		syslog_read_pos = log_oldest();
	end = min(end, syslog_read_pos + (unsigned long)len);
	r = syslog_copy(ubuf, syslog_read_pos, end);
	if (r > 0)
		syslog_read_pos += r;
	return r;
}

static long syslog_console(int type, long len)
{
	switch (type) {
	case SYSLOG_CONSOLE_OFF:
		if (saved_loglevel < 0)
			saved_loglevel = console_loglevel;
		console_loglevel = 1; /* emergencies only, as Linux's minimum_console_loglevel */
		return 0;
	case SYSLOG_CONSOLE_ON:
		if (saved_loglevel >= 0)
			console_loglevel = saved_loglevel;
		saved_loglevel = -1;
		return 0;
	default:
		if (len < 1 || len > 8)
			return -EINVAL;
		console_loglevel = (int)len;
		saved_loglevel = -1;
		return 0;
	}
}

long sys_syslog(const struct sc_args *a)
{
	int type = (int)a->arg[0];
	uaddr_t ubuf = a->arg[1];
	long len = (long)(int)a->arg[2];

	if (!cred_capable(CAP_SYSLOG) && type != SYSLOG_READ_ALL && type != SYSLOG_SIZE_BUFFER)
		return -EPERM;
	switch (type) {
	case SYSLOG_CLOSE:
	case SYSLOG_OPEN:
		return 0;
	case SYSLOG_READ:
	case SYSLOG_READ_ALL:
	case SYSLOG_READ_CLEAR:
		if (!ubuf || len < 0)
			return -EINVAL;
		if (!len)
			return 0;
		if (type == SYSLOG_READ)
			return syslog_read(ubuf, len);
		return syslog_read_all(ubuf, len, type == SYSLOG_READ_CLEAR);
	case SYSLOG_CLEAR:
		syslog_clear_pos = printk_log_pos();
		return 0;
	case SYSLOG_CONSOLE_OFF:
	case SYSLOG_CONSOLE_ON:
	case SYSLOG_CONSOLE_LEVEL:
		return syslog_console(type, len);
	case SYSLOG_SIZE_UNREAD:
		return (long)(printk_log_pos() - max(syslog_read_pos, log_oldest()));
	case SYSLOG_SIZE_BUFFER:
		return (long)printk_log_capacity();
	default:
		return -EINVAL;
	}
}
