/*
 * execve's argument strings and the new program's initial stack.
 *
 * Strings: argv and envp are copied out of the old address space (or from kernel arrays,
 * for init) into growing kernel buffers before anything is torn down. Each string costs its
 * bytes plus one pointer of a shared budget (exec_arg_limit), checked before the buffer
 * grows, so a hostile guest claiming huge arrays or strings makes the kernel allocate no
 * more than the budget: it gets E2BIG once the budget or MAX_ARG_STRLEN is exceeded.
 * Guest strings are read one page-bounded chunk at a time, so a string that ends just
 * before an unmapped page is fine and one that runs into it is EFAULT.
 *
 * Stack: laid out as Linux does (from the top down): 8 zero bytes, the executable's name
 * (AT_EXECFN), the envp strings, the argv strings, 16-byte alignment, the platform string,
 * 16 random bytes (AT_RANDOM), then argc, argv[], NULL, envp[], NULL and the auxiliary
 * vector, with the stack pointer 16-byte aligned at argc. The stack VMA (VM_STACK |
 * VM_GROWSDOWN) covers the used part plus 128 KiB; it grows on fault up to RLIMIT_STACK.
 * All writes go to the new address space explicitly (mm_copy_to), never through current.
 */
#include "kernel.h"
#include "exec_internal.h"
#include "mm.h"
#include "mode.h"
#include "os.h"
#include "slab.h"
#include "task.h"
#include "uaccess.h"

#include <linux/auxvec.h>
#include <linux/binfmts.h>
#include <linux/resource.h>

#define STACK_EXPAND (128UL << 10)
#define PLATFORM "x86_64"
#define AUXV_MAX_WORDS 48

size_t exec_arg_limit(void)
{
	u64 rl = 8UL << 20, lim;

	if (current->signal)
		rl = current->signal->rlim[RLIMIT_STACK].rlim_cur;
	lim = rl / 4;
	if (lim > EXEC_ARG_MAX)
		lim = EXEC_ARG_MAX;
	if (lim < MAX_ARG_STRLEN)
		lim = MAX_ARG_STRLEN;
	return lim;
}

void exec_strings_free(struct exec_strings *s)
{
	kfree(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
	s->count = 0;
}

/*
 * Make room for need bytes past s->len (the caller has checked need against the budget).
 * Bytes already written there (a string being copied) are kept.
 */
static int strings_reserve(struct exec_strings *s, size_t need)
{
	size_t cap = s->cap ? s->cap : 256;
	char *nb;

	if (s->len + need <= s->cap)
		return 0;
	while (cap < s->len + need)
		cap *= 2;
	nb = kmalloc(cap);
	if (!nb)
		return -ENOMEM;
	if (s->cap)
		memcpy(nb, s->buf, s->cap);
	kfree(s->buf);
	s->buf = nb;
	s->cap = cap;
	return 0;
}

/* Account for one finished string of len bytes (NUL included) at the end of s. */
static void strings_commit(struct exec_strings *s, size_t len, size_t *budget)
{
	s->len += len;
	s->count++;
	*budget -= len + sizeof(u64);
}

/* The most bytes (NUL included) the next string may have, or 0 when none fits. */
static size_t strings_room(const struct exec_strings *s, size_t budget)
{
	if (s->count >= MAX_ARG_STRINGS - 1 || budget <= sizeof(u64))
		return 0;
	return min(budget - sizeof(u64), (size_t)MAX_ARG_STRLEN);
}

int exec_strings_add(struct exec_strings *s, const char *str, size_t *budget)
{
	size_t room = strings_room(s, *budget);
	size_t len = strnlen(str, room) + 1;
	int r;

	if (len > room)
		return -E2BIG;
	r = strings_reserve(s, len);
	if (r < 0)
		return r;
	memcpy(s->buf + s->len, str, len);
	strings_commit(s, len, budget);
	return 0;
}

/* Append the guest string at ustr, read page by page from current's address space. */
static int strings_add_user(struct exec_strings *s, uaddr_t ustr, size_t *budget)
{
	size_t room = strings_room(s, *budget), n = 0;

	for (;;) {
		size_t chunk = PAGE_SIZE - ((ustr + n) & ~PAGE_MASK);
		char *dst, *nul;
		int r;

		if (n >= room)
			return -E2BIG;
		chunk = min(chunk, room - n);
		r = strings_reserve(s, n + chunk);
		if (r < 0)
			return r;
		dst = s->buf + s->len + n;
		if (copy_from_user(dst, ustr + n, chunk))
			return -EFAULT;
		nul = memchr(dst, 0, chunk);
		if (nul) {
			strings_commit(s, n + (size_t)(nul - dst) + 1, budget);
			return 0;
		}
		n += chunk;
	}
}

int exec_strings_copy_user(struct exec_strings *s, uaddr_t uarray, size_t *budget)
{
	u64 ptr;
	int r;

	if (!uarray)
		return 0;
	for (u64 i = 0;; i++) {
		if (uarray + i * sizeof(u64) < uarray)
			return -EFAULT;
		if (get_user(ptr, uarray + i * sizeof(u64)))
			return -EFAULT;
		if (!ptr)
			return 0;
		r = strings_add_user(s, ptr, budget);
		if (r < 0)
			return r;
	}
}

int exec_strings_copy_kernel(struct exec_strings *s, const char *const *arr, size_t *budget)
{
	int r;

	for (; arr && *arr; arr++) {
		r = exec_strings_add(s, *arr, budget);
		if (r < 0)
			return r;
	}
	return 0;
}

int exec_strings_replace_first(struct exec_strings *s, const char *const pre[], unsigned n,
			       size_t *budget)
{
	struct exec_strings ns = { 0 };
	size_t first = strlen(s->buf) + 1, rest = s->len - first;
	int r = 0;

	*budget += first + sizeof(u64);
	for (unsigned i = 0; i < n && r == 0; i++)
		r = exec_strings_add(&ns, pre[i], budget);
	if (r == 0)
		r = strings_reserve(&ns, rest);
	if (r < 0) {
		exec_strings_free(&ns);
		return r;
	}
	memcpy(ns.buf + ns.len, s->buf + first, rest);
	ns.len += rest;
	ns.count += s->count - 1;
	exec_strings_free(s);
	*s = ns;
	return 0;
}

/* ---- the initial stack */

/* Where each piece of the initial stack goes. */
struct stack_layout {
	uaddr_t execfn, env_start, arg_start, platform, random, sp;
	size_t words; /* argc + argv[] + NULL + envp[] + NULL + auxv */
};

static u32 cpu_hwcap(void)
{
	u32 a = 1, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d;
}

static unsigned long min_sigstksz(void)
{
	return max(2048UL, ALIGN_UP(um_fp_size + 1024, 64UL));
}

/* Fill the auxiliary vector (AT_NULL included); returns the number of words used. */
static unsigned build_auxv(u64 *v, const struct exec_binprm *b, const struct elf_info *info,
			   const struct stack_layout *l)
{
	const struct cred *c = &b->cred;
	unsigned n = 0;

#define AUX(type, val)                  \
	do {                            \
		v[n++] = (type);        \
		v[n++] = (u64)(val);    \
	} while (0)
	AUX(AT_MINSIGSTKSZ, min_sigstksz());
	AUX(AT_HWCAP, cpu_hwcap());
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, info->phdr);
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, info->phnum);
	AUX(AT_BASE, info->interp_base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, info->prog_entry);
	AUX(AT_UID, c->uid);
	AUX(AT_EUID, c->euid);
	AUX(AT_GID, c->gid);
	AUX(AT_EGID, c->egid);
	AUX(AT_SECURE, b->secureexec);
	AUX(AT_RANDOM, l->random);
	AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, l->execfn);
	AUX(AT_PLATFORM, l->platform);
	AUX(AT_NULL, 0);
#undef AUX
	return n;
}

static void plan_stack(struct stack_layout *l, uaddr_t top, const struct exec_binprm *bprm,
		       unsigned auxv_words)
{
	uaddr_t p = top - sizeof(u64);

	l->execfn = p - (strlen(bprm->filename) + 1);
	l->env_start = l->execfn - bprm->envp.len;
	l->arg_start = l->env_start - bprm->argv.len;
	p = ALIGN_DOWN(l->arg_start, 16);
	l->platform = p - sizeof(PLATFORM);
	l->random = l->platform - 16;
	l->words = 1 + bprm->argv.count + 1 + bprm->envp.count + 1 + auxv_words;
	l->sp = ALIGN_DOWN(l->random - l->words * sizeof(u64), 16);
}

/* Store the address of each string of s, starting at addr, into out. */
static u64 *put_string_ptrs(u64 *out, const struct exec_strings *s, uaddr_t addr)
{
	size_t off = 0;

	for (u32 i = 0; i < s->count; i++) {
		*out++ = addr + off;
		off += strlen(s->buf + off) + 1;
	}
	*out++ = 0;
	return out;
}

/* The pointer block at sp: argc, argv, NULL, envp, NULL, auxv. */
static int write_tables(struct mm *mm, const struct exec_binprm *bprm,
			const struct stack_layout *l, const u64 *auxv, unsigned auxv_words)
{
	u64 *t = kmalloc(l->words * sizeof(u64)), *p;
	int r;

	if (!t)
		return -ENOMEM;
	t[0] = bprm->argv.count;
	p = put_string_ptrs(t + 1, &bprm->argv, l->arg_start);
	p = put_string_ptrs(p, &bprm->envp, l->env_start);
	memcpy(p, auxv, auxv_words * sizeof(u64));
	r = mm_copy_to(mm, l->sp, t, l->words * sizeof(u64));
	kfree(t);
	return r;
}

static void random_bytes(u8 *buf, size_t len)
{
	u64 x = ktime_now() ^ 0x9e3779b97f4a7c15ULL;

	if (os_getrandom(buf, len) == (long)len)
		return;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (u8)x;
	}
}

/* The stack VMA: the used part plus STACK_EXPAND, within RLIMIT_STACK. */
static int map_stack(struct mm *mm, const struct stack_layout *l, bool exec)
{
	u64 rl = current->signal ? current->signal->rlim[RLIMIT_STACK].rlim_cur : 8UL << 20;
	uaddr_t top = mm->stack_top, low = ALIGN_DOWN(l->sp, PAGE_SIZE);
	u64 used = top - low, extra = STACK_EXPAND;
	unsigned prot = PROT_READ | PROT_WRITE | (exec ? PROT_EXEC : 0);
	struct vma *next;
	long r;

	if (rl != RLIM_INFINITY && used > rl)
		return -E2BIG;
	if (rl != RLIM_INFINITY && rl - used < extra)
		extra = ALIGN_DOWN(rl - used, PAGE_SIZE);
	next = vma_find_next(mm, low - extra);
	if (next && next->start < top)
		return -ENOMEM; /* a segment reaches into the stack area */
	r = mm_map_region(mm, low - extra, used + extra, prot, VM_STACK | VM_GROWSDOWN, NULL, 0,
			  true);
	return r < 0 ? (int)r : 0;
}

int exec_setup_stack(struct mm *mm, const struct exec_binprm *bprm,
		     const struct elf_info *info, uaddr_t *sp)
{
	struct stack_layout l;
	u64 auxv[AUXV_MAX_WORDS];
	unsigned na;
	u8 rnd[16];
	int r;

	/* Addresses first (the auxv needs them), then the auxv size fixes the layout. */
	plan_stack(&l, mm->stack_top, bprm, 0);
	na = build_auxv(auxv, bprm, info, &l);
	plan_stack(&l, mm->stack_top, bprm, na);
	r = map_stack(mm, &l, info->exec_stack);
	if (r < 0)
		return r;
	random_bytes(rnd, sizeof(rnd));
	r = mm_copy_to(mm, l.execfn, bprm->filename, strlen(bprm->filename) + 1);
	if (!r && bprm->envp.len)
		r = mm_copy_to(mm, l.env_start, bprm->envp.buf, bprm->envp.len);
	if (!r && bprm->argv.len)
		r = mm_copy_to(mm, l.arg_start, bprm->argv.buf, bprm->argv.len);
	if (!r)
		r = mm_copy_to(mm, l.platform, PLATFORM, sizeof(PLATFORM));
	if (!r)
		r = mm_copy_to(mm, l.random, rnd, sizeof(rnd));
	if (!r)
		r = write_tables(mm, bprm, &l, auxv, na);
	if (r < 0)
		return r;
	memcpy(mm->saved_auxv, auxv, na * sizeof(u64));
	mm->auxv_len = na;
	mm->arg_start = l.arg_start;
	mm->arg_end = l.arg_start + bprm->argv.len;
	mm->env_start = l.env_start;
	mm->env_end = l.env_start + bprm->envp.len;
	mm->start_stack = l.sp;
	*sp = l.sp;
	return 0;
}
