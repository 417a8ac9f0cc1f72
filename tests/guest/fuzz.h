/*
 * The system-call fuzzer, part 1: raw system calls and the generators of interesting
 * argument values (fuzz_seed.h, part 2, makes the calls; tests/guest/fuzz_test.c runs it).
 *
 * One "seed" is one child process that makes a few hundred system calls with numbers in
 * 0..460 (and a few out of range) and arguments drawn from generators of interesting
 * values: 0, -1, small and huge numbers, pointers into mapped, read-only, PROT_NONE and
 * unmapped memory, into the SKAS stub area and kernel-ish addresses, open descriptors of
 * every kind, paths of every kind, flags and signal numbers. Calls with a known signature
 * get typed arguments; some calls get whole hand-made scenarios: mmap & co. in a private
 * playground zone, clone/fork with random flags (the new process exits at once; now and
 * then a forked child or a thread goes on fuzzing alongside, on the same memory), signal
 * handlers and garbage rt_sigreturn frames, execve of garbage and mutated ELF files,
 * arch_prctl with bad addresses, console ioctls, signals to self.
 *
 * Everything is a pure function of the seed, so a seed that finds a bug can be run again
 * alone ("fuzz_test fuzz SEED 1 -v" prints each call before making it).
 *
 * This code makes arbitrary system calls: run it only inside um-lite (fuzz_test.c refuses
 * to elsewhere), where the worst it can do is damage the guest.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "stub_layout.h"

#define FZ_NR_MAX 461
#define FZ_RW_PAGES 16
#define FZ_ZONE_PAGES 256

struct fz {
	uint64_t s;            /* PRNG state */
	int verbose;           /* print every call to fd 2 before making it */
	int use_console;       /* keep an O_RDWR descriptor of /dev/console in the pool */
	int exec_mode;         /* mostly execve of freshly mutated ELF files */
	char dir[64];          /* this seed's scratch directory */
	char *rw;              /* FZ_RW_PAGES of scratch, then one unmapped page */
	char *ro, *none, *hole;
	char *fmap;            /* a page of a shared file mapping */
	char *zone;            /* FZ_ZONE_PAGES reserved for the mmap family (unmapped) */
	char *strs;            /* page of path strings */
	const char *paths[48];
	int npaths;
	const char *p_file;    /* dir/f */
	const char *p_exe[4];  /* dir/e1..e4: garbage, mutated ELF, #! loop, odd #! */
	long fds[24];
	int nfds;
	long pids[8];          /* our pid, children made by clone calls */
	int npids;
	unsigned long fs_base; /* restored after arch_prctl calls */
	long ncalls, limit;    /* calls made, calls to make */
	int forks;             /* children that went on fuzzing (at most FZ_FORKS) */
	int threads;           /* threads that went on fuzzing (at most FZ_THREADS) */
};

#define FZ_FORKS 4
#define FZ_THREADS 3

/*
 * A shared page where the child counts its calls, for the parent's statistics (or NULL).
 * Per thread: the seed's extra fuzzing threads (fuzz_seed.h) do not count.
 */
static __thread volatile long *fz_progress;
static sigjmp_buf fz_jmp;
static volatile sig_atomic_t fz_landed;
static char fz_landing_stack[16384] __attribute__((aligned(64)));

/* ---- raw system calls: no errno, no TLS, so a call that breaks %fs cannot hurt us */

static inline long fz_raw(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long ret;
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/*
 * clone/fork/vfork/clone3 with a new process (or thread) that exits at once, in assembly:
 * it never returns into C code on a stack it may share with us.
 */
long fz_clone_raw(long nr, long a0, long a1, long a2, long a3, long a4);
__asm__(".text\n"
	".globl fz_clone_raw\n"
	"fz_clone_raw:\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	mov %rdx, %rsi\n"
	"	mov %rcx, %rdx\n"
	"	mov %r8, %r10\n"
	"	mov %r9, %r8\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	mov $60, %eax\n"
	"	xor %edi, %edi\n"
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n");

/* rt_sigreturn with %rsp at frame + 8 (the restorer's ret popped pretcode). */
void fz_sigreturn_at(unsigned long frame);
__asm__(".text\n"
	".globl fz_sigreturn_at\n"
	"fz_sigreturn_at:\n"
	"	lea 8(%rdi), %rsp\n"
	"	mov $15, %eax\n"
	"	syscall\n"
	"	hlt\n");

/* The restorer our random handlers use. */
void fz_restorer(void);
__asm__(".text\n"
	".globl fz_restorer\n"
	"fz_restorer:\n"
	"	mov $15, %eax\n"
	"	syscall\n"
	"	hlt\n");

void fz_landing_c(void);
/*
 * Where a garbage sigreturn frame sends us when it succeeds: clear TF, DF and AC (the
 * frame may have set them), then back into the fuzz loop.
 */
void fz_landing(void);
__asm__(".text\n"
	".globl fz_landing\n"
	"fz_landing:\n"
	"	pushfq\n"
	"	andq $~0x40500, (%rsp)\n"
	"	popfq\n"
	"	cld\n"
	"	and $~15, %rsp\n"
	"	call fz_landing_c\n"
	"	hlt\n");

void fz_landing_c(void)
{
	fz_landed = 1;
	siglongjmp(fz_jmp, 1);
}

static void fz_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
}

/* ---- random values */

static uint64_t fz_rand(struct fz *f)
{
	f->s = f->s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (f->s >> 32) ^ (f->s << 21);
}

static uint64_t fz_below(struct fz *f, uint64_t n)
{
	return n ? fz_rand(f) % n : 0;
}

#define FZ_PICK(f, arr) ((arr)[fz_below(f, sizeof(arr) / sizeof((arr)[0]))])

static const uint64_t fz_ints[] = {
	0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512, 1023, 1024,
	4095, 4096, 4097, 8192, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 1,
	(uint64_t)-4095, (uint64_t)-4096, (uint64_t)-100, 1ULL << 40, 1ULL << 47, 1ULL << 52,
	0x7fc000000000ULL, 0x7fbffffff000ULL, 0xffff800000000000ULL, 4096 * 1024,
};

static uint64_t fz_int(struct fz *f)
{
	switch (fz_below(f, 6)) {
	case 0:
	case 1:
		return FZ_PICK(f, fz_ints);
	case 2:
		return fz_below(f, 64);
	case 3:
		return -(int64_t)fz_below(f, 64);
	case 4:
		return 1ULL << fz_below(f, 64);
	default:
		return fz_rand(f);
	}
}

static uint64_t fz_len(struct fz *f)
{
	static const uint64_t lens[] = { 0, 1, 8, 16, 64, 100, 4095, 4096, 4097, 8192, 65536,
					 1 << 20, 0x7ffff000, 0x80000000, 1ULL << 40, ~0ULL,
					 0x7fffffffffffffffULL, FZ_TASK_SIZE, ~0ULL - 4094 };

	return fz_below(f, 3) ? FZ_PICK(f, lens) : fz_int(f);
}

/* Addresses: the heart of the hostile-guest cases. */
static uint64_t fz_ptr(struct fz *f)
{
	uint64_t rwlen = FZ_RW_PAGES * FZ_PAGE;

	switch (fz_below(f, 20)) {
	case 0: case 1: case 2: case 3: case 4:
		return (uint64_t)f->rw + fz_below(f, rwlen);
	case 5:
		return (uint64_t)f->rw + rwlen - fz_below(f, 64); /* runs into the hole */
	case 6:
		return (uint64_t)f->ro + fz_below(f, FZ_PAGE);
	case 7:
		return (uint64_t)f->none + fz_below(f, FZ_PAGE);
	case 8:
		return (uint64_t)f->hole + fz_below(f, FZ_PAGE);
	case 9:
		return (uint64_t)f->fmap + fz_below(f, FZ_PAGE);
	case 10:
		return (uint64_t)f->zone + fz_below(f, FZ_ZONE_PAGES * FZ_PAGE);
	case 11:
		return fz_below(f, 2) ? 0 : fz_below(f, 0x10000);
	case 12: {
		static const uint64_t stub[] = { FZ_STUB_CODE, FZ_STUB_CODE + 0x10, FZ_STUB_DATA,
						 FZ_STUB_RESULT, FZ_STUB_STACK, FZ_TASK_SIZE - 1,
						 FZ_TASK_SIZE - 8, FZ_TASK_SIZE - FZ_PAGE };
		return FZ_PICK(f, stub);
	}
	case 13: {
		static const uint64_t kern[] = { 0xffff880000000000ULL, 0xffffffffff600000ULL,
						 0xffffffff81000000ULL, 0x8000000000000000ULL,
						 0x00007ffffffff000ULL, 0x0000800000000000ULL,
						 ~0ULL, ~0ULL - 7 };
		return FZ_PICK(f, kern);
	}
	case 14:
		return (uint64_t)(uintptr_t)fz_ptr + fz_below(f, 4096); /* our own code */
	case 15:
		return (uint64_t)(uintptr_t)&f + fz_below(f, 256);     /* our stack */
	case 16:
		return (uint64_t)f->strs + fz_below(f, FZ_PAGE);
	default:
		return fz_rand(f);
	}
}

static uint64_t fz_fd(struct fz *f)
{
	static const int64_t bad[] = { -1, -100 /* AT_FDCWD */, 1 << 30, 1023, 1024, 65535,
				       (int64_t)0x80000000, (int64_t)0xffffffff00000003LL, 3 };

	if (fz_below(f, 6) == 0)
		return FZ_PICK(f, bad);
	if (fz_below(f, 5) == 0)
		return fz_below(f, 3);
	return f->nfds ? f->fds[fz_below(f, f->nfds)] : 0;
}

static uint64_t fz_path(struct fz *f)
{
	if (fz_below(f, 8) == 0)
		return fz_ptr(f);
	return (uint64_t)f->paths[fz_below(f, f->npaths)];
}

static uint64_t fz_sig(struct fz *f)
{
	static const int64_t sigs[] = { 0, SIGUSR1, SIGUSR2, SIGCHLD, SIGPIPE, SIGALRM, SIGSEGV,
					SIGTERM, SIGHUP, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN,
					SIGTTOU, SIGWINCH, SIGURG, 32, 33, 34, 64, 65, -1, 1000 };

	return fz_below(f, 4) ? (uint64_t)FZ_PICK(f, sigs) : fz_below(f, 70);
}

static uint64_t fz_pid(struct fz *f)
{
	switch (fz_below(f, 8)) {
	case 0:
		return 0;
	case 1:
		return -1;
	case 2:
		return -f->pids[0];
	case 3:
		return fz_int(f);
	case 4:
		return 1;
	default:
		return f->pids[fz_below(f, f->npids)];
	}
}

static uint64_t fz_flags(struct fz *f)
{
	uint64_t v = 0;
	int n = (int)fz_below(f, 4);

	if (fz_below(f, 8) == 0)
		return fz_rand(f);
	for (int i = 0; i <= n; i++)
		v |= 1ULL << fz_below(f, 32);
	return fz_below(f, 3) ? v : v & 0xfff;
}

/* An address for the mmap family: mostly in our zone, sometimes anywhere nasty. */
static uint64_t fz_addr(struct fz *f)
{
	uint64_t a;

	switch (fz_below(f, 10)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		a = (uint64_t)f->zone + fz_below(f, FZ_ZONE_PAGES) * FZ_PAGE;
		return fz_below(f, 10) ? a : a + fz_below(f, FZ_PAGE);
	case 6:
		return FZ_TASK_SIZE - fz_below(f, 8) * FZ_PAGE;
	case 7:
		return fz_ptr(f) & ~(FZ_PAGE - 1);
	case 8:
		return fz_below(f, 0x20000) & ~(FZ_PAGE - 1);
	default:
		return fz_ptr(f);
	}
}

static uint64_t fz_typed(struct fz *f, char t)
{
	if (fz_below(f, 12) == 0)
		t = '*'; /* now and then anything goes */
	switch (t) {
	case 'f':
		return fz_fd(f);
	case 'p':
		return fz_ptr(f);
	case 's':
		return fz_path(f);
	case 'l':
		return fz_len(f);
	case 'i':
		return fz_int(f);
	case 'x':
		return fz_flags(f);
	case 'g':
		return fz_sig(f);
	case 'd':
		return fz_pid(f);
	case 'a':
		return fz_addr(f);
	case 'o':
		return fz_below(f, 2) ? fz_below(f, 64) * FZ_PAGE : fz_int(f);
	case 'u':
		return fz_below(f, 3) ? FZ_PICK(f, ((const uint64_t[]){ 0, 65534, ~0ULL, 1000 }))
				      : fz_int(f);
	case '-':
		return 0;
	default:
		switch (fz_below(f, 6)) {
		case 0:
			return fz_ptr(f);
		case 1:
			return fz_fd(f);
		case 2:
			return fz_len(f);
		case 3:
			return fz_path(f);
		default:
			return fz_int(f);
		}
	}
}

/* Argument types of the calls we know (x86_64 numbers); others get '*' for each. */
static const char *const fz_sigs[FZ_NR_MAX] = {
	[0] = "fpl", [1] = "fpl", [2] = "sxi", [3] = "f", [4] = "sp", [5] = "fp", [6] = "sp",
	[7] = "pli", [8] = "foi", [9] = "alixfo", [10] = "ali", [11] = "al", [12] = "a",
	[16] = "fip", [17] = "fplo", [18] = "fplo", [19] = "fpl", [20] = "fpl", [21] = "si",
	[22] = "p", [23] = "ipppp", [25] = "allxa", [26] = "alx", [27] = "alp", [28] = "ali",
	[32] = "f", [33] = "ff", [35] = "pp", [36] = "ip", [37] = "i", [38] = "ipp",
	[40] = "ffpl", [41] = "iii", [42] = "fpl", [43] = "fpp", [44] = "fplxpl",
	[45] = "fplxpp", [46] = "fpx", [47] = "fpx", [48] = "fi", [49] = "fpl", [50] = "fi",
	[51] = "fpp", [52] = "fpp", [53] = "iiip", [54] = "fiipl", [55] = "fiipp",
	[61] = "dpxp", [62] = "dg", [63] = "p", [72] = "fip", [73] = "fi", [74] = "f",
	[75] = "f", [76] = "so", [77] = "fo", [78] = "fpl", [79] = "pl", [80] = "s", [81] = "f",
	[82] = "ss", [83] = "si", [84] = "s", [85] = "si", [86] = "ss", [87] = "s", [88] = "ss",
	[89] = "spl", [90] = "si", [91] = "fi", [92] = "suu", [93] = "fuu", [94] = "suu",
	[95] = "i", [96] = "pp", [97] = "ip", [98] = "ip", [99] = "p", [100] = "p",
	[105] = "u", [106] = "u", [109] = "dd", [113] = "uu", [114] = "uu", [115] = "ip",
	[116] = "ip", [117] = "uuu", [118] = "ppp", [119] = "uuu", [120] = "ppp", [121] = "d",
	[122] = "u", [123] = "u", [124] = "d", [125] = "pp", [126] = "pp", [127] = "pl",
	[128] = "pppl", [129] = "dgp", [130] = "pl", [131] = "pp", [132] = "sp", [133] = "sii",
	[135] = "i", [137] = "sp", [138] = "fp", [140] = "id", [141] = "idi", [143] = "dp",
	[145] = "d", [157] = "iiiii", [160] = "ip", [161] = "s", [165] = "sssxp", [166] = "sx",
	[170] = "pl", [171] = "pl", [186] = "", [200] = "dg", [201] = "p", [202] = "pipppi",
	[203] = "dlp", [204] = "dlp", [213] = "i", [217] = "fpl", [218] = "p", [221] = "foli",
	[227] = "ip", [228] = "ip", [229] = "ip", [230] = "ixpp", [232] = "fpli", [233] = "fiip",
	[234] = "ddg", [235] = "sp", [247] = "idpxp", [253] = "", [254] = "fsx", [257] = "fsxi",
	[258] = "fsi", [259] = "fsii", [260] = "fsuux", [261] = "fsp", [262] = "fspx",
	[263] = "fsx", [264] = "fsfs", [265] = "fsfsx", [266] = "sfs", [267] = "fspl",
	[268] = "fsi", [269] = "fsix", [270] = "ipppp", [271] = "plppl", [273] = "pl",
	[274] = "dpp", [275] = "folfol", [276] = "ffl", [280] = "fspx", [281] = "fpipl",
	[284] = "ix", [285] = "fiol", [288] = "fppx", [290] = "iix", [291] = "x", [292] = "ffx",
	[293] = "px", [295] = "fplo", [296] = "fplo", [297] = "ddgp", [302] = "dipp",
	[306] = "f", [309] = "ppp", [316] = "fsfsx", [318] = "plx", [319] = "sx",
	[322] = "fsppx", [326] = "fpfplx", [327] = "fploox", [328] = "fploox", [332] = "fsxxp",
	[425] = "ip", [434] = "dx", [436] = "iix", [437] = "fspl", [439] = "fsix",
};

/* Implemented calls, or dangerous ones, drawn more often than the uniform pick. */
static const short fz_hot[] = {
	0, 1, 2, 3, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 23, 25, 32, 33,
	35, 38, 40, 56, 57, 58, 59, 61, 62, 72, 76, 77, 78, 79, 82, 83, 86, 88, 89, 90, 92,
	97, 98, 99, 109, 112, 127, 128, 129, 130, 131, 137, 157, 158, 160, 200, 202, 217, 228,
	230, 234, 247, 257, 262, 263, 264, 267, 270, 271, 280, 292, 293, 295, 296, 297, 302,
	316, 318, 322, 326, 327, 328, 332, 435, 436, 437, 439,
};

#endif
