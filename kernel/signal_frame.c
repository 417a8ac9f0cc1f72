/*
 * x86_64 guest signal frames: building the rt_sigframe a handler runs on, rt_sigreturn,
 * and the alternate signal stack (sigaltstack).
 *
 * The frame is Linux's, byte for byte (guests such as glibc's unwinder and gdb read it):
 *
 *   high  [ caller's stack ] [ 128-byte red zone ]
 *         [ FPU image: um_fp_size bytes, 64-byte aligned; for XSAVE the software bytes
 *           at offset 464 describe it and FP_XSTATE_MAGIC2 follows it ]
 *   low   [ rt_sigframe: pretcode (= sa_restorer), ucontext, siginfo ]  <- rsp at entry,
 *         with (rsp + 8) % 16 == 0, as after a call.
 *
 * The FPU image comes from the mode (fp_save, the host's XSAVE layout, standard form). The
 * handler starts with the initial FPU state. rt_sigreturn validates the image the guest
 * hands back as the processor would (header, MXCSR reserved bits) since the host refuses
 * anything else with an error that would kill the task; a bad frame gets SIGSEGV. What
 * the host allows (XCR0's user features, the MXCSR mask) is learnt from an image the host
 * saved: ptrace stores XCR0 in the first software-reserved word.
 */
#include "kernel.h"
#include "mode.h"
#include "sig.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <asm/sigcontext.h>
#include <asm/signal.h>
#include <asm/ucontext.h>
#include <linux/signal.h>

#define USER_CS 0x33
#define USER_SS 0x2b
#define EFLAGS_TF 0x100UL
#define EFLAGS_DF 0x400UL
#define EFLAGS_RF 0x10000UL
/* The flags sigreturn may change: AC OF DF TF SF ZF AF PF CF RF (Linux's FIX_EFLAGS). */
#define FIX_EFLAGS 0x50dd5UL
#define REDZONE 128

#define FXSAVE_SIZE 512
#define MXCSR_OFF 24
#define MXCSR_MASK_OFF 28
#define SW_BYTES_OFF 464
#define XHDR_OFF 512      /* xsave header: xstate_bv, xcomp_bv, reserved */
#define XHDR_SIZE 64
#define XSTATE_MIN_SIZE (XHDR_OFF + XHDR_SIZE)
#define XFEATURE_FPSSE 0x3ULL
#define MXCSR_DEFAULT_MASK 0xffbfU

/* struct ucontext with guest addresses as integers (the UAPI one has pointers). */
struct kucontext {
	u64 uc_flags;
	u64 uc_link;
	struct ksigaltstack uc_stack;
	struct sigcontext_64 uc_mcontext;
	u64 uc_sigmask;
};

struct krt_sigframe {
	u64 pretcode;
	struct kucontext uc;
	siginfo_t info;
};

_Static_assert(sizeof(struct kucontext) == sizeof(struct ucontext), "ucontext layout");
_Static_assert(offsetof(struct kucontext, uc_mcontext) == offsetof(struct ucontext, uc_mcontext),
	       "ucontext layout");
_Static_assert(offsetof(struct kucontext, uc_sigmask) == offsetof(struct ucontext, uc_sigmask),
	       "ucontext layout");
_Static_assert(sizeof(struct ksigaltstack) == sizeof(stack_t), "stack_t layout");
_Static_assert(sizeof(struct sigcontext_64) == sizeof(struct sigcontext), "sigcontext layout");
_Static_assert(sizeof(struct _fpx_sw_bytes) == 48, "fpx_sw_bytes layout");

static u64 host_xfeatures = XFEATURE_FPSSE; /* XCR0's user features, once learnt */
static u32 host_mxcsr_mask;                 /* 0 until learnt */

static u64 rd64(const void *img, size_t off)
{
	u64 v;

	memcpy(&v, (const char *)img + off, sizeof(v));
	return v;
}

static u32 rd32(const void *img, size_t off)
{
	u32 v;

	memcpy(&v, (const char *)img + off, sizeof(v));
	return v;
}

static void wr64(void *img, size_t off, u64 v)
{
	memcpy((char *)img + off, &v, sizeof(v));
}

static void wr32(void *img, size_t off, u32 v)
{
	memcpy((char *)img + off, &v, sizeof(v));
}

/* ---- the alternate signal stack */

static bool on_altstack_raw(const struct task *t, uaddr_t sp)
{
	return sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size;
}

static bool on_altstack(const struct task *t, uaddr_t sp)
{
	/* With SS_AUTODISARM the stack is disabled while in use: never "on" it. */
	if (t->altstack_flags & SS_AUTODISARM)
		return false;
	return on_altstack_raw(t, sp);
}

int sig_altstack_state(const struct task *t, uaddr_t sp)
{
	if (!t->altstack_size)
		return SS_DISABLE;
	return on_altstack(t, sp) ? SS_ONSTACK : 0;
}

static void altstack_get(const struct task *t, struct ksigaltstack *ss, uaddr_t sp)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_sp = t->altstack_sp;
	ss->ss_size = t->altstack_size;
	ss->ss_flags = sig_altstack_state(t, sp) | (int)(t->altstack_flags & SS_FLAG_BITS);
}

static int altstack_set(struct task *t, const struct ksigaltstack *ss, uaddr_t sp)
{
	int mode = ss->ss_flags & ~(int)SS_FLAG_BITS;

	if (on_altstack(t, sp))
		return -EPERM;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		t->altstack_sp = 0;
		t->altstack_size = 0;
	} else {
		if (ss->ss_size < MINSIGSTKSZ)
			return -ENOMEM;
		t->altstack_sp = ss->ss_sp;
		t->altstack_size = ss->ss_size;
	}
	t->altstack_flags = ss->ss_flags;
	return 0;
}

long sys_sigaltstack(const struct sc_args *a)
{
	uaddr_t uss = a->arg[0], uoss = a->arg[1];
	struct task *t = current;
	uaddr_t sp = t->regs.gp[UM_RSP];
	struct ksigaltstack ss, old;
	int r;

	altstack_get(t, &old, sp);
	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		r = altstack_set(t, &ss, sp);
		if (r)
			return r;
	}
	if (uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* ---- FPU images */

/* Bring t's FPU state into t->regs.fp; learn the host's limits from a fresh image. */
static int fp_fetch(struct task *t)
{
	bool fresh = t->regs.fp_where == UM_FP_IN_THREAD;
	void *img = t->regs.fp;
	u64 xcr0;
	int r;

	r = um_mode->fp_save(t->mode_thread, &t->regs);
	if (r < 0 || !fresh)
		return r;
	if (rd32(img, MXCSR_MASK_OFF))
		host_mxcsr_mask = rd32(img, MXCSR_MASK_OFF);
	if (um_fp_xsave) {
		xcr0 = rd64(img, SW_BYTES_OFF);
		if ((xcr0 & XFEATURE_FPSSE) == XFEATURE_FPSSE && !(xcr0 >> 63))
			host_xfeatures = xcr0;
		else
			host_xfeatures |= rd64(img, XHDR_OFF);
	}
	return 0;
}

/* The state a handler starts with: FCW 0x37f, MXCSR 0x1f80, everything else clear. */
static void fp_init_image(void *img)
{
	u16 fcw = 0x037f;

	memset(img, 0, um_fp_size);
	memcpy(img, &fcw, sizeof(fcw));
	wr32(img, MXCSR_OFF, 0x1f80);
	if (um_fp_xsave)
		wr64(img, XHDR_OFF, XFEATURE_FPSSE);
}

/* Copy t's image to the frame at buf, with the XSAVE software bytes and magic. */
static int fp_write_frame(struct task *t, uaddr_t buf)
{
	void *img = t->regs.fp;
	struct _fpx_sw_bytes sw;
	u32 magic2 = FP_XSTATE_MAGIC2;

	if (um_fp_xsave) {
		memset(&sw, 0, sizeof(sw));
		sw.magic1 = FP_XSTATE_MAGIC1;
		sw.extended_size = (u32)(um_fp_size + FP_XSTATE_MAGIC2_SIZE);
		sw.xfeatures = host_xfeatures;
		sw.xstate_size = (u32)um_fp_size;
		memcpy((char *)img + SW_BYTES_OFF, &sw, sizeof(sw));
		/* the legacy area always holds valid x87/SSE values (as Linux marks them) */
		wr64(img, XHDR_OFF, rd64(img, XHDR_OFF) | XFEATURE_FPSSE);
	}
	if (copy_to_user(buf, img, um_fp_size))
		return -EFAULT;
	if (um_fp_xsave && put_user(magic2, buf + um_fp_size))
		return -EFAULT;
	return 0;
}

static bool mxcsr_valid(const void *img)
{
	u32 mask = host_mxcsr_mask ? host_mxcsr_mask : MXCSR_DEFAULT_MASK;

	return !(rd32(img, MXCSR_OFF) & ~mask);
}

/*
 * The size of the xstate area the frame's software bytes describe, or 0 when the frame
 * holds only the legacy FXSAVE area; -EFAULT when the magic cannot be read.
 */
static long xstate_frame_size(const struct _fpx_sw_bytes *sw, uaddr_t buf)
{
	u32 magic2;

	if (sw->magic1 != FP_XSTATE_MAGIC1 || sw->xstate_size < XSTATE_MIN_SIZE ||
	    sw->xstate_size > um_fp_size || sw->xstate_size > sw->extended_size)
		return 0;
	if (get_user(magic2, buf + sw->xstate_size))
		return -EFAULT;
	return magic2 == FP_XSTATE_MAGIC2 ? (long)sw->xstate_size : 0;
}

/* Check the xsave header as XRSTOR would; restore only the components asked for. */
static int xstate_header_check(void *img, u64 rfbm)
{
	const u8 *h = (const u8 *)img + XHDR_OFF;
	u64 bv = rd64(img, XHDR_OFF);

	for (int i = 8; i < 24; i++) {
		if (h[i])
			return -EINVAL;
	}
	if (bv & ~host_xfeatures)
		return -EINVAL;
	memset((char *)img + XHDR_OFF + 24, 0, XHDR_SIZE - 24);
	wr64(img, XHDR_OFF, bv & rfbm & host_xfeatures);
	return 0;
}

/* Read and validate the guest's image at buf into img (um_fp_size bytes). */
static int fp_read_image(void *img, uaddr_t buf)
{
	struct _fpx_sw_bytes sw;
	long size;

	memset(img, 0, um_fp_size);
	if (copy_from_user(img, buf, FXSAVE_SIZE))
		return -EFAULT;
	if (!mxcsr_valid(img))
		return -EINVAL;
	memcpy(&sw, (char *)img + SW_BYTES_OFF, sizeof(sw));
	memset((char *)img + SW_BYTES_OFF, 0, sizeof(sw));
	if (!um_fp_xsave)
		return 0;
	size = xstate_frame_size(&sw, buf);
	if (size < 0)
		return (int)size;
	if (size == 0) {
		/* legacy frame: x87 and SSE from it, every other component initial */
		wr64(img, XHDR_OFF, XFEATURE_FPSSE);
		return 0;
	}
	if (copy_from_user((char *)img + FXSAVE_SIZE, buf + FXSAVE_SIZE, (size_t)size - FXSAVE_SIZE))
		return -EFAULT;
	return xstate_header_check(img, sw.xfeatures);
}

/* sigreturn's FPU part: the image at buf (0: initial state) becomes t's. */
static int fp_restore(struct task *t, uaddr_t buf)
{
	void *img;
	int r;

	if (!t->regs.fp)
		return 0;
	if (!buf) {
		fp_init_image(t->regs.fp);
		t->regs.fp_where = UM_FP_IN_BUF;
		return 0;
	}
	if (buf & (um_fp_xsave ? 63 : 15))
		return -EFAULT;
	img = kmalloc(um_fp_size);
	if (!img)
		return -ENOMEM;
	r = fp_read_image(img, buf);
	if (r == 0) {
		memcpy(t->regs.fp, img, um_fp_size);
		t->regs.fp_where = UM_FP_IN_BUF;
	}
	kfree(img);
	return r;
}

/* ---- frames */

/* The trap details Linux reports in sigcontext, from a fault signal's siginfo. */
static void fill_trap_info(struct sigcontext_64 *sc, int sig, const siginfo_t *info)
{
	if (info->si_code <= 0 || info->si_code == SI_KERNEL)
		return;
	switch (sig) {
	case SIGSEGV:
	case SIGBUS:
		sc->cr2 = sig_info_addr(info);
		sc->trapno = 14; /* page fault */
		sc->err = 4 | (info->si_code == SEGV_ACCERR ? 1 : 0); /* user, protection */
		break;
	case SIGFPE:
		sc->trapno = 0;
		break;
	case SIGILL:
		sc->trapno = 6;
		break;
	case SIGTRAP:
		sc->trapno = 3;
		break;
	}
}

static void fill_sigcontext(struct sigcontext_64 *sc, const u64 *r)
{
	sc->r8 = r[UM_R8];
	sc->r9 = r[UM_R9];
	sc->r10 = r[UM_R10];
	sc->r11 = r[UM_R11];
	sc->r12 = r[UM_R12];
	sc->r13 = r[UM_R13];
	sc->r14 = r[UM_R14];
	sc->r15 = r[UM_R15];
	sc->di = r[UM_RDI];
	sc->si = r[UM_RSI];
	sc->bp = r[UM_RBP];
	sc->bx = r[UM_RBX];
	sc->dx = r[UM_RDX];
	sc->ax = r[UM_RAX];
	sc->cx = r[UM_RCX];
	sc->sp = r[UM_RSP];
	sc->ip = r[UM_RIP];
	sc->flags = r[UM_EFLAGS];
	sc->cs = USER_CS;
	sc->ss = USER_SS;
}

static void fill_ucontext(struct kucontext *uc, const struct task *t, ksigset_t saved_mask)
{
	uc->uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (um_fp_xsave ? UC_FP_XSTATE : 0);
	uc->uc_link = 0;
	/* the stored altstack settings, not the computed state (what Linux saves) */
	uc->uc_stack.ss_sp = t->altstack_sp;
	uc->uc_stack.ss_flags = t->altstack_flags;
	uc->uc_stack.ss_size = t->altstack_size;
	fill_sigcontext(&uc->uc_mcontext, t->regs.gp);
	uc->uc_mcontext.oldmask = saved_mask;
	uc->uc_sigmask = saved_mask;
}

/*
 * Where the FPU image and the frame go: below the red zone, or at the top of the
 * alternate stack. Returns the frame address, or 0 when it would overflow the altstack.
 */
static uaddr_t frame_place(const struct task *t, const struct ksigaction *ka, uaddr_t *fpaddr)
{
	uaddr_t sp = t->regs.gp[UM_RSP] - REDZONE, frame;
	u64 fpsize = um_fp_size + (um_fp_xsave ? FP_XSTATE_MAGIC2_SIZE : 0);
	bool nested = on_altstack(t, sp), entering = false;

	if ((ka->flags & SA_ONSTACK) && sig_altstack_state(t, sp) == 0) {
		sp = t->altstack_sp + t->altstack_size;
		entering = true;
	}
	*fpaddr = ALIGN_DOWN(sp - fpsize, 64);
	frame = ALIGN_DOWN(*fpaddr - sizeof(struct krt_sigframe), 16) - 8;
	if ((nested || entering) && !on_altstack_raw(t, frame))
		return 0;
	return frame;
}

/* Registers for the handler: rdi = sig, rsi = &info, rdx = &uc, initial FPU state. */
static void enter_handler(struct task *t, int sig, const struct ksigaction *ka, uaddr_t frame)
{
	u64 *r = t->regs.gp;

	r[UM_RDI] = (u64)sig;
	r[UM_RSI] = frame + offsetof(struct krt_sigframe, info);
	r[UM_RDX] = frame + offsetof(struct krt_sigframe, uc);
	r[UM_RAX] = 0;
	r[UM_RSP] = frame;
	r[UM_RIP] = ka->handler;
	r[UM_EFLAGS] &= ~(EFLAGS_DF | EFLAGS_RF | EFLAGS_TF);
	r[UM_CS] = USER_CS;
	r[UM_SS] = USER_SS;
	if (t->regs.fp) {
		fp_init_image(t->regs.fp);
		t->regs.fp_where = UM_FP_IN_BUF;
	}
}

int sig_setup_frame(struct task *t, int sig, const siginfo_t *info,
		    const struct ksigaction *ka, ksigset_t saved_mask)
{
	struct krt_sigframe f;
	uaddr_t frame, fpaddr = 0;

	if (!(ka->flags & SA_RESTORER))
		return -EFAULT; /* x86_64 has no default restorer */
	frame = frame_place(t, ka, &fpaddr);
	if (!frame)
		return -EFAULT;
	if (t->regs.fp) {
		if (fp_fetch(t) < 0 || fp_write_frame(t, fpaddr) < 0)
			return -EFAULT;
	} else {
		fpaddr = 0;
	}
	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	fill_ucontext(&f.uc, t, saved_mask);
	f.uc.uc_mcontext.fpstate = fpaddr;
	fill_trap_info(&f.uc.uc_mcontext, sig, info);
	f.info = *info;
	if (copy_to_user(frame, &f, sizeof(f)))
		return -EFAULT;
	if (t->altstack_flags & SS_AUTODISARM) {
		t->altstack_sp = 0;
		t->altstack_size = 0;
		t->altstack_flags = SS_DISABLE;
	}
	enter_handler(t, sig, ka, frame);
	return 0;
}

/* ---- rt_sigreturn */

static void restore_gp(struct task *t, const struct sigcontext_64 *sc)
{
	u64 *r = t->regs.gp;

	r[UM_R8] = sc->r8;
	r[UM_R9] = sc->r9;
	r[UM_R10] = sc->r10;
	r[UM_R11] = sc->r11;
	r[UM_R12] = sc->r12;
	r[UM_R13] = sc->r13;
	r[UM_R14] = sc->r14;
	r[UM_R15] = sc->r15;
	r[UM_RDI] = sc->di;
	r[UM_RSI] = sc->si;
	r[UM_RBP] = sc->bp;
	r[UM_RBX] = sc->bx;
	r[UM_RDX] = sc->dx;
	r[UM_RAX] = sc->ax;
	r[UM_RCX] = sc->cx;
	r[UM_RSP] = sc->sp;
	r[UM_RIP] = sc->ip;
	r[UM_EFLAGS] = (r[UM_EFLAGS] & ~FIX_EFLAGS) | (sc->flags & FIX_EFLAGS);
	r[UM_CS] = USER_CS;
	r[UM_SS] = USER_SS;
	r[UM_ORIG_RAX] = (u64)-1;
}

/*
 * Return from a handler: registers, mask, altstack and FPU state come back from the frame
 * at rsp - 8 (the restorer's ret popped pretcode). regs_replaced keeps the run loop from
 * storing a result over the restored rax (which is also returned, for tracing); in_syscall
 * is cleared so no restart code is looked for in it. A bad frame gets SIGSEGV (and 0 in
 * rax, as Linux).
 */
long sys_rt_sigreturn(const struct sc_args *a)
{
	struct task *t = current;
	uaddr_t frame = t->regs.gp[UM_RSP] - 8;
	struct kucontext uc;

	t->in_syscall = false;
	t->restart_fn = NULL;
	if (copy_from_user(&uc, frame + offsetof(struct krt_sigframe, uc), sizeof(uc)))
		goto bad;
	sig_set_blocked(t, uc.uc_sigmask);
	restore_gp(t, &uc.uc_mcontext);
	if (fp_restore(t, uc.uc_mcontext.fpstate) < 0)
		goto bad;
	altstack_set(t, &uc.uc_stack, t->regs.gp[UM_RSP]); /* errors ignored, as Linux */
	t->regs_replaced = true;
	return (long)t->regs.gp[UM_RAX];
bad:
	sig_force_fault(SIGSEGV, SI_KERNEL, 0);
	return 0;
}
