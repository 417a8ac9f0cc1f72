/*
 * Socket options: the system calls setsockopt and getsockopt, and the SOL_SOCKET options
 * every family shares (buffers, timeouts, SO_LINGER, SO_ERROR, SO_TYPE, SO_PEERCRED...).
 * Other levels go to the family's setsockopt/getsockopt.
 *
 * Values follow Linux: an int option needs at least 4 bytes (EINVAL); a getsockopt result
 * is cut to the caller's length; SO_SNDBUF/SO_RCVBUF store twice the value asked, capped
 * at the system maximum (212992) and at least 4608/2304 bytes, unless the *FORCE variant
 * is used by root.
 */
#include "kernel.h"
#include "fs.h"
#include "net.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "internal.h"

#define OPT_MAX 512
#define SOCK_BUF_MAX 212992
#define SOCK_MIN_SNDBUF 4608
#define SOCK_MIN_RCVBUF 2304
#define NS_PER_SEC 1000000000ULL
#define NS_PER_USEC 1000ULL

struct utimeval {
	s64 sec;
	s64 usec;
};

int sock_get_int(const void *val, unsigned len, int *v)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(v, val, sizeof(int));
	return 0;
}

int sock_put_int(void *val, unsigned *len, int v)
{
	*len = min(*len, (unsigned)sizeof(int));
	memcpy(val, &v, *len);
	return 0;
}

static int put_bytes(void *val, unsigned *len, const void *src, unsigned n)
{
	*len = min(*len, n);
	memcpy(val, src, *len);
	return 0;
}

/* Bit options: SOCK_OPT_* for each SO_ name, or 0. */
static unsigned sock_opt_bit(int name)
{
	switch (name) {
	case SO_REUSEADDR:
		return SOCK_OPT_REUSEADDR;
	case SO_REUSEPORT:
		return SOCK_OPT_REUSEPORT;
	case SO_KEEPALIVE:
		return SOCK_OPT_KEEPALIVE;
	case SO_BROADCAST:
		return SOCK_OPT_BROADCAST;
	case SO_PASSCRED:
		return SOCK_OPT_PASSCRED;
	case SO_OOBINLINE:
		return SOCK_OPT_OOBINLINE;
	case SO_DONTROUTE:
		return SOCK_OPT_DONTROUTE;
	case SO_TIMESTAMP_OLD:
		return SOCK_OPT_TIMESTAMP;
	}
	return 0;
}

static int set_timeo(u64 *timeo, const void *val, unsigned len)
{
	struct utimeval tv;

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EDOM;
	if (tv.sec < 0) {
		*timeo = 1; /* Linux: a negative timeout does not wait at all */
		return 0;
	}
	if ((u64)tv.sec > UINT64_MAX / NS_PER_SEC / 2)
		*timeo = 0;
	else
		*timeo = (u64)tv.sec * NS_PER_SEC + (u64)tv.usec * NS_PER_USEC;
	return 0;
}

static int get_timeo(u64 timeo, void *val, unsigned *len)
{
	struct utimeval tv = { (s64)(timeo / NS_PER_SEC), (s64)(timeo % NS_PER_SEC / NS_PER_USEC) };

	return put_bytes(val, len, &tv, sizeof(tv));
}

static int set_buf(struct socket *s, int name, int v)
{
	bool force = name == SO_SNDBUFFORCE || name == SO_RCVBUFFORCE;
	bool snd = name == SO_SNDBUF || name == SO_SNDBUFFORCE;
	u64 want;

	if (force && !cred_capable(CAP_NET_ADMIN))
		return -EPERM;
	if (v < 0)
		v = 0;
	if (!force && v > SOCK_BUF_MAX)
		v = SOCK_BUF_MAX;
	want = min((u64)v * 2, (u64)0x7fffffff);
	if (snd) {
		s->sndbuf = (u32)max(want, (u64)SOCK_MIN_SNDBUF);
		s->opt |= SOCK_OPT_SNDBUF_LOCK;
	} else {
		s->rcvbuf = (u32)max(want, (u64)SOCK_MIN_RCVBUF);
		s->opt |= SOCK_OPT_RCVBUF_LOCK;
	}
	sock_wake(s);
	return 0;
}

static int set_linger(struct socket *s, const void *val, unsigned len)
{
	struct ulinger l;

	if (len < sizeof(l))
		return -EINVAL;
	memcpy(&l, val, sizeof(l));
	if (l.onoff)
		s->opt |= SOCK_OPT_LINGER;
	else
		s->opt &= ~SOCK_OPT_LINGER;
	s->linger = l.linger < 0 ? 0 : l.linger;
	return 0;
}

/* SO_BINDTODEVICE: root only; "" unbinds; an unknown name is ENODEV. */
static int set_bindtodevice(const void *val, unsigned len)
{
	char name[NETDEV_NAME_MAX];

	if (!cred_capable(CAP_NET_RAW))
		return -EPERM;
	len = min(len, (unsigned)sizeof(name) - 1);
	memcpy(name, val, len);
	name[len] = '\0';
	if (name[0] && !netdev_by_name(name))
		return -ENODEV;
	return 0;
}

int sock_setsockopt(struct socket *s, int name, const void *val, unsigned len)
{
	unsigned bit = sock_opt_bit(name);
	int v = 0, err;

	switch (name) {
	case SO_LINGER:
		return set_linger(s, val, len);
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		return set_timeo(&s->rcvtimeo, val, len);
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		return set_timeo(&s->sndtimeo, val, len);
	case SO_BINDTODEVICE:
		return set_bindtodevice(val, len);
	case SO_ATTACH_FILTER:
	case SO_DETACH_FILTER:
	case SO_LOCK_FILTER:
		return 0; /* socket filters are accepted and not applied */
	}
	err = sock_get_int(val, len, &v);
	if (err)
		return err;
	if (bit == SOCK_OPT_REUSEPORT && v && s->family != AF_INET && s->family != AF_INET6)
		return -EOPNOTSUPP;
	if (bit) {
		if (v)
			s->opt |= bit;
		else
			s->opt &= ~bit;
		return 0;
	}
	switch (name) {
	case SO_SNDBUF:
	case SO_RCVBUF:
	case SO_SNDBUFFORCE:
	case SO_RCVBUFFORCE:
		return set_buf(s, name, v);
	case SO_RCVLOWAT:
		s->rcvlowat = v <= 0 ? 1 : v;
		sock_wake(s);
		return 0;
	case SO_PRIORITY:
		if ((v < 0 || v > 6) && !(cred_capable(CAP_NET_RAW) || cred_capable(CAP_NET_ADMIN)))
			return -EPERM;
		s->priority = v;
		return 0;
	case SO_MARK:
		if (!(cred_capable(CAP_NET_RAW) || cred_capable(CAP_NET_ADMIN)))
			return -EPERM;
		s->mark = (u32)v;
		return 0;
	case SO_DEBUG:
	case SO_NO_CHECK:
	case SO_BSDCOMPAT:
	case SO_PASSSEC:
	case SO_TIMESTAMPNS_OLD:
	case SO_RXQ_OVFL:
	case SO_ZEROCOPY:
	case SO_BUSY_POLL:
	case SO_INCOMING_CPU:
	case SO_SELECT_ERR_QUEUE:
		return 0;
	}
	return -ENOPROTOOPT;
}

static int get_peername(struct socket *s, void *val, unsigned *len)
{
	u8 buf[SOCKADDR_MAX];
	int n = s->ops->getname(s, buf, true);

	if (n < 0)
		return -ENOTCONN;
	if ((unsigned)n < *len)
		return -EINVAL;
	memcpy(val, buf, *len);
	return 0;
}

static int get_error(struct socket *s)
{
	int e = -s->err;

	s->err = 0;
	return e;
}

int sock_getsockopt(struct socket *s, int name, void *val, unsigned *len)
{
	unsigned bit = sock_opt_bit(name);
	struct ulinger l;
	u64 cookie;

	if (bit)
		return sock_put_int(val, len, !!(s->opt & bit));
	switch (name) {
	case SO_TYPE:
		return sock_put_int(val, len, s->type);
	case SO_PROTOCOL:
		return sock_put_int(val, len, s->protocol);
	case SO_DOMAIN:
		return sock_put_int(val, len, s->family);
	case SO_ERROR:
		return sock_put_int(val, len, get_error(s));
	case SO_SNDBUF:
		return sock_put_int(val, len, (int)s->sndbuf);
	case SO_RCVBUF:
		return sock_put_int(val, len, (int)s->rcvbuf);
	case SO_ACCEPTCONN:
		return sock_put_int(val, len, s->listening);
	case SO_RCVLOWAT:
		return sock_put_int(val, len, s->rcvlowat);
	case SO_SNDLOWAT:
		return sock_put_int(val, len, 1);
	case SO_PRIORITY:
		return sock_put_int(val, len, s->priority);
	case SO_MARK:
		return sock_put_int(val, len, (int)s->mark);
	case SO_LINGER:
		l.onoff = !!(s->opt & SOCK_OPT_LINGER);
		l.linger = s->linger;
		return put_bytes(val, len, &l, sizeof(l));
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		return get_timeo(s->rcvtimeo, val, len);
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		return get_timeo(s->sndtimeo, val, len);
	case SO_PEERCRED:
		return put_bytes(val, len, &s->peercred, sizeof(s->peercred));
	case SO_PEERNAME:
		return get_peername(s, val, len);
	case SO_COOKIE:
		cookie = s->ino;
		return put_bytes(val, len, &cookie, sizeof(cookie));
	case SO_BINDTODEVICE:
		*len = 0;
		return 0;
	case SO_DEBUG:
	case SO_NO_CHECK:
	case SO_BSDCOMPAT:
	case SO_PASSSEC:
	case SO_TIMESTAMPNS_OLD:
	case SO_RXQ_OVFL:
	case SO_ZEROCOPY:
	case SO_BUSY_POLL:
	case SO_INCOMING_CPU:
	case SO_SELECT_ERR_QUEUE:
		return sock_put_int(val, len, 0);
	}
	return -ENOPROTOOPT;
}

long sys_setsockopt(const struct sc_args *a)
{
	int fd = (int)a->arg[0], level = (int)a->arg[1], name = (int)a->arg[2];
	int optlen = (int)a->arg[4], err;
	uaddr_t uval = a->arg[3];
	u8 buf[OPT_MAX];
	unsigned len;
	struct file *f;
	struct socket *s;

	if (optlen < 0)
		return -EINVAL;
	len = min((unsigned)optlen, (unsigned)OPT_MAX);
	if (len && copy_from_user(buf, uval, len))
		return -EFAULT;
	s = net_fd_socket(fd, &f, &err);
	if (!s)
		return err;
	if (level == SOL_SOCKET)
		err = sock_setsockopt(s, name, buf, len);
	else
		err = s->ops->setsockopt ? s->ops->setsockopt(s, level, name, buf, len) :
		      -EOPNOTSUPP;
	file_put(f);
	return err;
}

long sys_getsockopt(const struct sc_args *a)
{
	int fd = (int)a->arg[0], level = (int)a->arg[1], name = (int)a->arg[2], ulen, err;
	uaddr_t uval = a->arg[3], ulenp = a->arg[4];
	u8 buf[OPT_MAX];
	unsigned len;
	struct file *f;
	struct socket *s;

	if (get_user(ulen, ulenp))
		return -EFAULT;
	if (ulen < 0)
		return -EINVAL;
	len = min((unsigned)ulen, (unsigned)OPT_MAX);
	s = net_fd_socket(fd, &f, &err);
	if (!s)
		return err;
	memset(buf, 0, sizeof(buf));
	if (level == SOL_SOCKET)
		err = sock_getsockopt(s, name, buf, &len);
	else
		err = s->ops->getsockopt ? s->ops->getsockopt(s, level, name, buf, &len) :
		      -EOPNOTSUPP;
	file_put(f);
	if (err)
		return err;
	if (len && copy_to_user(uval, buf, len))
		return -EFAULT;
	return put_user((int)len, ulenp) ? -EFAULT : 0;
}
