/*
 * Basic kernel definitions: types, printk/panic/BUG_ON, container_of, ERR_PTR, and the
 * string functions. Every kernel-side file includes this first.
 *
 * The string functions (memcpy, memset, memmove, memcmp, strlen, ...) are declared here
 * with their standard prototypes and resolved at link time to the C library's: they are
 * pure functions that touch only memory, and gcc emits calls to several of them for plain
 * structure copies even in freestanding code. Nothing else of the C library is visible to
 * kernel code.
 */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/errno.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef long ssize_t;
typedef long long loff_t;

/* A guest virtual address. Never cast to a pointer: use uaccess.h. */
typedef uint64_t uaddr_t;
/* An offset in the physmem file ("physical address" of a frame). */
typedef uint64_t phys_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

/* IS_ENABLED(CONFIG_X): 1 when CONFIG_X is defined to 1, else 0; usable in plain `if`. */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(ignored, val, ...) val
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define __is_defined(x) ___is_defined(x)
#define IS_ENABLED(option) __is_defined(option)

/* Pointers that carry an errno (Linux's ERR_PTR family). */
#define MAX_ERRNO 4095
static inline void *ERR_PTR(long err)
{
	return (void *)err;
}
static inline long PTR_ERR(const void *p)
{
	return (long)p;
}
static inline bool IS_ERR(const void *p)
{
	return (unsigned long)p >= (unsigned long)-MAX_ERRNO;
}
static inline bool IS_ERR_OR_NULL(const void *p)
{
	return !p || IS_ERR(p);
}

/* Restart codes: internal, resolved at signal delivery, never seen by the guest. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

/* ---- printk.c */
#define KERN_EMERG "<0>"
#define KERN_ALERT "<1>"
#define KERN_CRIT "<2>"
#define KERN_ERR "<3>"
#define KERN_WARNING "<4>"
#define KERN_NOTICE "<5>"
#define KERN_INFO "<6>"
#define KERN_DEBUG "<7>"
/* Log a message; a leading KERN_* level selects whether it reaches stderr. */
int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);
/* Messages of level <= console_loglevel are also written to stderr. */
extern int console_loglevel;
/* The name of a negative errno value ("ENOENT"), or "E?" for unknown ones. */
const char *errname(long err);
/* Stop the kernel: a kernel bug, never a guest's doing. */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
/* Copy the last len bytes of the log into buf (NUL-terminated); returns the length. */
size_t printk_log_tail(char *buf, size_t len);

#define pr_err(fmt, ...) printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(KERN_DEBUG fmt, ##__VA_ARGS__)

#define BUG() panic("BUG at %s:%d (%s)", __FILE__, __LINE__, __func__)
#define BUG_ON(cond)               \
	do {                       \
		if (unlikely(cond)) \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)
#define WARN_ON(cond)                                                                   \
	({                                                                              \
		bool __w = !!(cond);                                                    \
		if (unlikely(__w))                                                      \
			printk(KERN_WARNING "WARNING: %s at %s:%d\n", #cond, __FILE__, __LINE__); \
		__w;                                                                    \
	})

/* ---- lib/vsprintf.c */
/* snprintf semantics; named k* so they never interpose the C library's. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* Parse an unsigned number in base (0: auto 0x/0 prefixes); *end gets the stop point. */
unsigned long long kstrtoull_prefix(const char *s, const char **end, int base);

/* ---- C library string functions (pure; see the header comment) */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *h, const char *n);

/* ---- lib/string.c: kernel string helpers */
/* Copy at most size-1 bytes and always NUL-terminate; returns strlen(src). */
size_t kstrlcpy(char *dst, const char *src, size_t size);
size_t kstrlcat(char *dst, const char *src, size_t size);
/* kmalloc'd copy of s, or NULL. */
char *kstrdup(const char *s);
char *kstrndup(const char *s, size_t n);

/* ---- kernel/sys.c */
/* What uname(2) reports besides the host name (also /proc/version, mconsole version). */
#define UTS_SYSNAME "Linux"
#define UTS_RELEASE "6.1.0-um-lite"
#define UTS_VERSION "#1 SMP"
#define UTS_MACHINE "x86_64"
/* The host name (uname's nodename, /proc/sys/kernel/hostname), NUL-terminated. */
extern char utsname_nodename[65];

#endif
