/*
 * Catalogue of host services. Everything the kernel asks of the host goes through one of
 * these functions, grouped by the file that implements it under arch/um-lite/os/.
 *
 * Conventions (STYLE.md rule 4, musl's "convert at one boundary"):
 *  - return >= 0 on success, -errno on failure; errno is never seen outside os/;
 *  - EINTR is retried inside, except where a function says it returns -EINTR;
 *  - nothing here logs: the kernel decides what to print.
 * Shared header: stdint types only, no libc or UAPI types.
 */
#ifndef UM_OS_H
#define UM_OS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- os/file.c: host file descriptors */
#define OS_O_RDONLY 0x0
#define OS_O_WRONLY 0x1
#define OS_O_RDWR 0x2
#define OS_O_CREAT 0x40
#define OS_O_EXCL 0x80
#define OS_O_TRUNC 0x200
#define OS_O_APPEND 0x400
#define OS_O_SYNC 0x101000
int os_open(const char *path, int flags, int mode);
int os_close(int fd);
long os_read(int fd, void *buf, size_t len);
long os_write(int fd, const void *buf, size_t len);
/* Writes all of buf unless an error occurs. */
long os_write_all(int fd, const void *buf, size_t len);
long os_pread(int fd, void *buf, size_t len, uint64_t off);
long os_pwrite(int fd, const void *buf, size_t len, uint64_t off);
/* Size of an open file in bytes. */
long os_file_size(int fd);
/* 1 when fd is a terminal. */
int os_isatty(int fd);
/* 1 when fd has data to read (or EOF) now, 0 if not. */
int os_fd_readable(int fd);
/*
 * Read the whole host file at path into a buffer from os_alloc; *len gets its size.
 * -EFBIG when it is larger than max bytes (read nothing then).
 */
int os_read_file(const char *path, void **buf, size_t *len, size_t max);

/* ---- os/mem.c: the physmem file and the kernel's own mappings */
/* Create the sparse, unlinked physmem file of size bytes; returns its fd. */
int os_physmem_create(uint64_t size);
/* Map len bytes of fd at offset, shared, read/write, anywhere; NULL-equivalent on error. */
int os_map_shared(int fd, uint64_t off, uint64_t len, void **addr);
/* Give [off, off+len) of fd back to the host (hole punch); contents read as zero after. */
int os_punch_hole(int fd, uint64_t off, uint64_t len);
/* Host memory outside physmem, for host-side helpers only (zlib state, argv copies). */
void *os_alloc(size_t len);
void os_free(void *p);
/* Host page size, checked to be 4096 at boot. */
long os_page_size(void);
/*
 * Windows: read-only host files that stubs may map (kernel/mm/window.c). Register fd (open
 * read-only) as window id: it is duplicated (close-on-exec, numbered above the stubs'
 * window descriptors) and mapped whole, PROT_READ, at *addr for the kernel. Each stub
 * started afterwards has it at descriptor STUB_WINDOW_FD + id (as-layout.h). 0 or -errno
 * (-EACCES when fd was opened for writing: a window must never be writable).
 */
int os_window_register(int id, int fd, uint64_t len, void **addr);
/* The window descriptor of id, or -1: for starting stubs. */
int os_window_fd(int id);
/*
 * From the SIGBUS handler: addr lies in a window whose file the host cut short under
 * the instance. Maps a zero page over addr's page (the access then reads zeros, and the
 * kernel lives on), notes the window as cut, and returns its id; -1 when addr is in no
 * window (a real crash).
 */
int os_window_fault(void *addr);
/* Has window id's file been found shorter than it was (os_window_fault)? */
int os_window_cut(int id);

/*
 * ---- os/gzip.c: gzip'd images (zlib). Returns the decompressed size or -errno: -EINVAL
 * for corrupt data, -EFBIG when it would decompress to more than max bytes.
 */
int os_is_gzip(const void *buf, size_t len);
long os_gunzip(const void *in, size_t inlen, void **out, size_t max);

/* ---- os/time.c: clocks and the periodic tick */
uint64_t os_monotonic_ns(void);
uint64_t os_realtime_ns(void);
/* Start the periodic tick (hz per second); each tick sets OS_IRQ_TICK. */
int os_tick_start(unsigned hz);
void os_tick_stop(void);
/* Host CPU time used by this process and its children so far, in ns. */
uint64_t os_cpu_time_ns(void);

/* ---- os/signal.c: host signals become pending interrupt bits */
#define OS_IRQ_TICK 0x1     /* the periodic tick */
#define OS_IRQ_CONSOLE 0x2  /* console input may be ready */
#define OS_IRQ_HOSTINT 0x4  /* the host sent SIGINT (passthrough console) */
#define OS_IRQ_HOSTTERM 0x8 /* the host sent SIGTERM/SIGHUP: halt */
#define OS_IRQ_WINCH 0x10   /* the host terminal changed size */
#define OS_IRQ_IO 0x20      /* SIGIO: an O_ASYNC descriptor (mconsole) has input */
/* Install the kernel's host signal handlers (on an alternate stack). */
int os_signals_init(void);
/* Pending interrupt bits (OS_IRQ_*), cleared by the read. */
unsigned os_irq_take(void);
/* Non-zero when an interrupt is pending; cheap enough for hot paths. */
int os_irq_pending(void);
/* The pending bits, left pending. */
unsigned os_irq_peek(void);
/* Sleep until an interrupt, fd readable (fd >= 0), or timeout_ns (-1: none). */
int os_idle_wait(int fd, int64_t timeout_ns);
/* Number of the host signal sent to kick a running guest thread. */
int os_kick_signal(void);

/* ---- os/tty.c: the host terminal behind the console */
/* Put fd (a terminal) in raw mode; the original mode is restored at every exit. */
int os_tty_raw(int fd);
void os_tty_restore(void);
/* Terminal size; 0 or -errno. */
int os_tty_winsize(int fd, unsigned short *rows, unsigned short *cols);

/* ---- os/security.c: seccomp filters for stub processes (libseccomp) */
/* One classic BPF instruction, laid out as struct sock_filter. */
struct os_bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
/*
 * The filter of a seccomp stub's guest threads: from the code page [code_lo, code_hi) only
 * futex WAIT/WAKE on a word w with (w & futex_mask) == futex_base (the slots' state
 * words), rt_sigreturn, rt_sigprocmask, sigaltstack, sched_yield and
 * arch_prctl(ARCH_SET_FS/GS) run; every other call, and every call from anywhere else, is
 * SECCOMP_RET_TRAP (SIGSYS). Writes at most max instructions to prog; returns their
 * number or -errno.
 */
int os_seccomp_guest_filter(struct os_bpf_insn *prog, size_t max, uint64_t code_lo,
			    uint64_t code_hi, uint64_t futex_base, uint64_t futex_mask);
/* What the control thread's filter pins. */
struct os_ctl_filter {
	uint64_t code_lo, code_hi; /* the stub's code page */
	uint64_t physmem_fd;       /* the descriptor it may mmap ... */
	/* ... and [window_fd, + nr_windows) (a power of two, aligned), never PROT_WRITE */
	uint64_t window_fd, nr_windows;
	uint64_t task_size;        /* everything it maps, unmaps or protects lies below */
	uint64_t seq_word;         /* the only futex word it may wait on */
	uint64_t event_fd;         /* the only descriptor it may write, 8 bytes ... */
	uint64_t done_buf, failed_buf; /* ... from one of these two addresses */
};
/*
 * The filter of a seccomp stub's control thread: from the code page only mmap of the
 * physmem descriptor (MAP_SHARED|MAP_FIXED) or of a window descriptor (the same, and
 * PROT_READ|PROT_EXEC at most), munmap and mprotect below task_size, futex
 * WAIT on seq_word and its 8-byte reports on event_fd; anything else kills the process.
 * Same return convention.
 */
int os_seccomp_ctl_filter(struct os_bpf_insn *prog, size_t max, const struct os_ctl_filter *f);

/* ---- os/util.c: process-wide services */
/* Exit umlite after running the exit functions and restoring the terminal. */
void os_exit(int status) __attribute__((noreturn));
void os_abort(void) __attribute__((noreturn));
/*
 * Run fn at every exit of this process (os_exit, os_abort, os_reexec), last registered
 * first; never in a forked child. 0 or -ENOSPC.
 */
int os_atexit(void (*fn)(void));
/*
 * Restart umlite (reboot): stop the tick, run the exit functions, restore the terminal and
 * exec this same binary with argv, keeping the process id. Returns -errno only when the
 * exec failed.
 */
int os_reexec(char *const argv[]);
int os_getpid(void);
long os_getrandom(void *buf, size_t len);
/* Environment variable or NULL. */
const char *os_getenv(const char *name);
/* Human-readable host error text for a negative errno (host side only knows it). */
const char *os_strerror(int neg_errno);
/* Sleep for ns nanoseconds of host time, whatever signals arrive meanwhile. */
void os_sleep_ns(uint64_t ns);

/*
 * ---- os/asan.c: AddressSanitizer (make KASAN=1); empty stubs in other builds. Kernel code
 * calls these through kernel/include/kasan.h, which compiles them out when not needed.
 */
/* Set ASan's death callback (terminal, umid directory, exit status 125). */
void os_asan_init(void);
/* Mark [p, p+len) unusable / usable for the kernel's own accesses. */
void os_asan_poison(const void *p, size_t len);
void os_asan_unpoison(const void *p, size_t len);
/* 1 when the byte at p is poisoned. */
int os_asan_is_poisoned(const void *p);
/* Around a kernel-stack switch: the new stack's bounds; then, on it, the old one's. */
void os_asan_switch_start(const void *bottom, size_t size);
void os_asan_switch_finish(const void **old_bottom, size_t *old_size);

/* ---- os/backtrace.c: host backtraces with names, for the panic path */
/* A code address, named. Fields the lookup could not fill are NULL / 0. */
struct os_symbol {
	const char *name;       /* function ("panic"), or NULL */
	uint64_t offset, size;  /* pc - function start; the function's size (0: unknown) */
	const char *object;     /* "umlite", or the library's file name ("libc.so.6") */
	uint64_t object_offset; /* pc - load address of object: what addr2line -e takes */
};
/* Load the unwinder now (at boot), so that a later backtrace needs no dlopen or malloc. */
void os_backtrace_init(void);
/* Return addresses of the calling thread, innermost first; count, or -EFAULT. */
int os_backtrace(uint64_t *pcs, int max);
/* Name pc from umlite's symbol table (or dladdr outside umlite): 0, -ENOENT, -EFAULT. */
int os_symbolize(uint64_t pc, struct os_symbol *out);
/*
 * Run fn(arg); a host fault inside it (SIGSEGV, SIGBUS...) abandons fn and returns -EFAULT
 * instead of ending in kernel_crash. 0 when fn returned. For the panic path only.
 */
int os_guarded_call(void (*fn)(void *), void *arg);
/* For the crash handler: jump back into the innermost os_guarded_call, if any. */
void os_fault_guard_jump(void);

#endif
