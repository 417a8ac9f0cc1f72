/*
 * The execution-mode interface: the only way the kernel runs guest code.
 *
 * A mode (SKAS over ptrace, later SKAS over seccomp, TT) implements struct um_mode_ops. The
 * kernel chooses one at boot (mode=) into um_mode and never asks which one it is; where a
 * behaviour differs it tests a feature bit. The model follows gVisor's platform interface:
 * an address space is an opaque context the kernel maps physmem frames into, a thread is an
 * opaque context that runs guest code until something needs the kernel, and run() returns
 * a trap record instead of calling back into the kernel (STYLE.md rule 5).
 *
 * All functions return 0 (or a value) on success and a negative errno on failure.
 * Shared header: stdint types only.
 */
#ifndef UM_MODE_H
#define UM_MODE_H

#include <stdint.h>

/* Guest registers in the layout of the x86_64 struct user_regs_struct. */
enum {
	UM_R15, UM_R14, UM_R13, UM_R12, UM_RBP, UM_RBX, UM_R11, UM_R10, UM_R9, UM_R8,
	UM_RAX, UM_RCX, UM_RDX, UM_RSI, UM_RDI, UM_ORIG_RAX, UM_RIP, UM_CS, UM_EFLAGS,
	UM_RSP, UM_SS, UM_FS_BASE, UM_GS_BASE, UM_DS, UM_ES, UM_FS, UM_GS, UM_NGREG
};

/* Where a thread's FPU/xstate currently lives. */
enum um_fp_where {
	UM_FP_IN_THREAD = 0, /* the host thread holds it; regs->fp may be stale */
	UM_FP_IN_BUF = 1,    /* regs->fp is authoritative; load it before running */
	UM_FP_SYNCED = 2,    /* both hold the same state (after fp_save) */
};

struct um_regs {
	uint64_t gp[UM_NGREG];
	void *fp;          /* um_fp_size bytes, XSAVE (or FXSAVE) image */
	int fp_where;      /* enum um_fp_where */
};

/* Size of the FPU state image on this host, discovered by the mode's init(). */
extern unsigned long um_fp_size;
/* 1 when the image is in XSAVE format (with xstate header), 0 for 512-byte FXSAVE. */
extern int um_fp_xsave;

enum um_trap_kind {
	UM_TRAP_SYSCALL = 1, /* guest executed syscall; number in orig_rax */
	UM_TRAP_FAULT,       /* memory access the host refused (SIGSEGV/SIGBUS) */
	UM_TRAP_SIGNAL,      /* another synchronous host signal caused by a guest instruction */
	UM_TRAP_INTERRUPT,   /* stopped because a host interrupt (tick, I/O) is pending */
	UM_TRAP_DIED,        /* the host process running the thread disappeared */
};

enum um_access { UM_ACCESS_UNKNOWN = 0, UM_ACCESS_READ, UM_ACCESS_WRITE, UM_ACCESS_EXEC };

struct um_trap {
	int kind;      /* enum um_trap_kind */
	int signo;     /* FAULT/SIGNAL: host signal number (Linux numbering) */
	int code;      /* FAULT/SIGNAL: si_code (SEGV_MAPERR, SEGV_ACCERR, ILL_*, FPE_*, ...) */
	int access;    /* FAULT: enum um_access when the mode knows it */
	uint64_t addr; /* FAULT/SIGNAL: si_addr */
	int status;    /* DIED: host wait status */
};

#define UM_PROT_READ 1
#define UM_PROT_WRITE 2
#define UM_PROT_EXEC 4

/* Feature bits: what the kernel may rely on. */
#define UM_FEAT_SEPARATE_KERNEL 0x1 /* guest code cannot address kernel memory */
#define UM_FEAT_KERNEL_IN_GUEST 0x2 /* kernel memory is mapped in guest processes (TT) */
/*
 * Guest code may run while the kernel handles a trap of the same address space (it can
 * leave the hand-off early: skas=seccomp). A frame may then be reused only after the
 * host mappings of it are gone: revoke (mm_unmap, or mm_map + mm_flush) before freeing.
 */
#define UM_FEAT_GUEST_CONCURRENT 0x4

struct um_mode_ops {
	const char *name;
	unsigned features;
	/* Probe the host (physmem_fd: the physmem file); fills um_fp_size. */
	int (*init)(int physmem_fd);
	/* A new empty address space (*ctx is the mode's handle). */
	int (*mm_create)(void **ctx);
	void (*mm_destroy)(void *ctx);
	/*
	 * Map [va, va+len) to physmem offset phys with UM_PROT_* bits, unmap, or change the
	 * protection. The mode may queue these; mm_flush (and run) apply the queue.
	 */
	int (*mm_map)(void *ctx, uint64_t va, uint64_t len, uint64_t phys, int prot);
	int (*mm_unmap)(void *ctx, uint64_t va, uint64_t len);
	int (*mm_protect)(void *ctx, uint64_t va, uint64_t len, int prot);
	int (*mm_flush)(void *ctx);
	/* The thread that will run guest code in address space mm_ctx. */
	int (*thread_create)(void *mm_ctx, void **thr);
	void (*thread_destroy)(void *thr);
	/* Run until a trap; regs in and out. */
	int (*run)(void *thr, struct um_regs *regs, struct um_trap *trap);
	/* Bring the FPU state into regs->fp (sets fp_where = UM_FP_IN_BUF). */
	int (*fp_save)(void *thr, struct um_regs *regs);
	/* Kill every host process of the mode. */
	void (*shutdown)(void);
};

extern const struct um_mode_ops *um_mode;
extern const struct um_mode_ops skas_ptrace_ops;
extern const struct um_mode_ops skas_seccomp_ops;
extern const struct um_mode_ops tt_mode_ops;

/*
 * After the command line is parsed and um_mode chosen: refuse mode options that do not
 * fit the chosen mode (`jail` without mode=tt, or with options unsafe under it). 0 or
 * -EINVAL after printing why (tt/tt.c).
 */
int tt_check_options(void);

#endif
