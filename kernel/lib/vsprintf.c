/*
 * kvsnprintf: the kernel's formatted output (printk, procfs, error messages).
 * Supports the C conversions the kernel uses: d i u x X o c s p %, flags - 0 + space #,
 * width and precision (including *), and the length modifiers hh h l ll z t j.
 */
#include "kernel.h"

struct outbuf {
	char *buf;
	size_t size, len; /* len counts every byte produced, even those that did not fit */
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec; /* prec < 0: none */
};

static void put_number(struct outbuf *o, unsigned long long v, bool neg, int base, bool upper,
		       const struct spec *s)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, prec = s->prec, pad;
	char sign = neg ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
	const char *prefix = "";

	if (s->alt && base == 16 && v)
		prefix = upper ? "0X" : "0x";
	else if (s->alt && base == 8)
		prefix = "0";
	if (!(v == 0 && prec == 0)) {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	}
	if (prec < n)
		prec = n;
	pad = s->width - prec - (sign ? 1 : 0) - (int)strlen(prefix);
	if (!s->left && !(s->zero && s->prec < 0))
		put_pad(o, ' ', pad);
	if (sign)
		put(o, sign);
	while (*prefix)
		put(o, *prefix++);
	if (!s->left && s->zero && s->prec < 0)
		put_pad(o, '0', pad);
	put_pad(o, '0', prec - n);
	while (n)
		put(o, tmp[--n]);
	if (s->left)
		put_pad(o, ' ', pad);
}

static void put_string(struct outbuf *o, const char *str, const struct spec *s)
{
	size_t n;

	if (!str)
		str = "(null)";
	n = s->prec >= 0 ? strnlen(str, s->prec) : strlen(str);
	if (!s->left)
		put_pad(o, ' ', s->width - (int)n);
	for (size_t i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		put_pad(o, ' ', s->width - (int)n);
}

static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	memset(s, 0, sizeof(*s));
	s->prec = -1;
	for (;; f++) {
		if (*f == '-')
			s->left = true;
		else if (*f == '0')
			s->zero = true;
		else if (*f == '+')
			s->plus = true;
		else if (*f == ' ')
			s->space = true;
		else if (*f == '#')
			s->alt = true;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			s->width = s->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*') {
			s->prec = va_arg(*ap, int);
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				s->prec = s->prec * 10 + (*f++ - '0');
		}
	}
	return f;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct outbuf o = { buf, size, 0 };
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		struct spec s;
		int lng = 0; /* -2 hh, -1 h, 1 l, 2 ll/z/t/j */
		unsigned long long u;
		long long d;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &s, &ap);
		for (;; f++) {
			if (*f == 'h')
				lng = lng == -1 ? -2 : -1;
			else if (*f == 'l')
				lng = lng == 1 ? 2 : 1;
			else if (*f == 'z' || *f == 't' || *f == 'j')
				lng = 2;
			else
				break;
		}
		switch (*f) {
		case 'd':
		case 'i':
			d = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (lng == -1)
				d = (short)d;
			else if (lng == -2)
				d = (signed char)d;
			put_number(&o, d < 0 ? -(unsigned long long)d : (unsigned long long)d, d < 0, 10,
				   false, &s);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 2	? va_arg(ap, unsigned long long)
			    : lng == 1 ? va_arg(ap, unsigned long)
				       : va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng == -2)
				u = (unsigned char)u;
			put_number(&o, u, false, *f == 'u' ? 10 : *f == 'o' ? 8 : 16, *f == 'X', &s);
			break;
		case 'p':
			s.alt = true;
			put_number(&o, (unsigned long)va_arg(ap, void *), false, 16, false, &s);
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };

			s.prec = 1;
			put_string(&o, c, &s);
			break;
		}
		case 's':
			put_string(&o, va_arg(ap, const char *), &s);
			break;
		case '%':
			put(&o, '%');
			break;
		case 0:
			f--;
			break;
		default:
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

unsigned long long kstrtoull_prefix(const char *s, const char **end, int base)
{
	unsigned long long v = 0;

	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			s += 2;
		} else if (s[0] == '0' && s[1]) {
			base = 8;
			s++;
		} else {
			base = 10;
		}
	}
	for (;; s++) {
		int dgt;

		if (*s >= '0' && *s <= '9')
			dgt = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			dgt = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			dgt = *s - 'A' + 10;
		else
			break;
		if (dgt >= base)
			break;
		v = v * base + dgt;
	}
	if (end)
		*end = s;
	return v;
}
