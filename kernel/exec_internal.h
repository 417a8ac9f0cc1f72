/*
 * Declarations shared by the files of execve (kernel/exec.c: the system calls, scripts and
 * the switch to the new image; kernel/exec_args.c: argument strings and the initial stack;
 * kernel/binfmt_elf.c: the ELF loader) and nobody else.
 */
#ifndef EXEC_INTERNAL_H
#define EXEC_INTERNAL_H

#include "kernel.h"
#include "elf_check.h"
#include "task.h"

struct file;
struct mm;

/* A script may name a script as its interpreter this many times; once more is ELOOP. */
#define EXEC_MAX_SCRIPT_DEPTH 4
/* Most bytes of argument and environment strings (and their pointers) we accept. */
#define EXEC_ARG_MAX (2UL << 20)

/* argv or envp: NUL-terminated strings packed in order in one kmalloc'd buffer. */
struct exec_strings {
	char *buf;
	size_t len; /* bytes used */
	size_t cap; /* bytes allocated (a power of two, at most EXEC_ARG_MAX) */
	u32 count;  /* strings */
};

/* One execve in progress (Linux's linux_binprm). Owned by the exec.c caller. */
struct exec_binprm {
	char *filename;   /* kmalloc'd: the name as given, or /dev/fd/N[/name]; AT_EXECFN */
	char comm[16];    /* the new comm */
	struct exec_strings argv, envp;
	size_t budget;    /* bytes still allowed for strings plus one pointer each */
	struct file *file; /* what runs now (the interpreter after "#!"); holds a reference */
	char *head;       /* the first bytes of file (PAGE_SIZE buffer) */
	size_t head_len;
	int depth;        /* "#!" interpreters followed so far */
	struct cred cred; /* the new image's credentials (set-id bits, capabilities applied) */
	unsigned unsafe;  /* CRED_UNSAFE_*: why set-id bits may not raise privileges */
	bool secureexec;  /* AT_SECURE: ids changed or capabilities gained */
};

/* What the ELF loader hands on to the stack builder and the registers. */
struct elf_info {
	uaddr_t entry;       /* first instruction: the interpreter's entry with PT_INTERP */
	uaddr_t prog_entry;  /* AT_ENTRY: the program's own entry */
	uaddr_t phdr;        /* AT_PHDR */
	u64 phnum;           /* AT_PHNUM */
	uaddr_t interp_base; /* AT_BASE; 0 without an interpreter */
	bool exec_stack;     /* PT_GNU_STACK asked for PROT_EXEC */
};

/* ---- exec_args.c */
/* The byte budget for strings and pointers: a quarter of RLIMIT_STACK, 128 KiB..2 MiB. */
size_t exec_arg_limit(void);
/*
 * Append the strings of a NULL-terminated guest array of string pointers (uarray 0: none)
 * read from current's address space. Each string costs its length + 1 + 8 bytes of
 * *budget. Returns 0, -EFAULT, -E2BIG (a string over MAX_ARG_STRLEN, or the budget spent)
 * or -ENOMEM.
 */
int exec_strings_copy_user(struct exec_strings *s, uaddr_t uarray, size_t *budget);
/* The same for a NULL-terminated kernel array (arr NULL: none). */
int exec_strings_copy_kernel(struct exec_strings *s, const char *const *arr, size_t *budget);
/* Append one kernel string. */
int exec_strings_add(struct exec_strings *s, const char *str, size_t *budget);
/* Replace the first string (there must be one) by the n strings of pre ("#!" rewriting). */
int exec_strings_replace_first(struct exec_strings *s, const char *const pre[], unsigned n,
			       size_t *budget);
void exec_strings_free(struct exec_strings *s);
/*
 * Map the stack VMA of the new address space mm and write the initial stack: strings,
 * AT_RANDOM bytes, platform string, argc, argv, envp, auxv (also saved in mm). Sets mm's
 * arg/env/stack fields and *sp (16-byte aligned, at argc). 0 or -errno.
 */
int exec_setup_stack(struct mm *mm, const struct exec_binprm *bprm,
		     const struct elf_info *info, uaddr_t *sp);

/* ---- binfmt_elf.c */
/* True when the head of a file starts with the ELF magic. */
bool elf_has_magic(const char *head, size_t len);
/*
 * Load the ELF executable bprm->file (its head in bprm->head) and its PT_INTERP
 * interpreter into the new, empty address space mm; sets mm's code/data/brk fields and
 * *info. Errors: -ENOEXEC, -EINVAL, -ELIBBAD (bad interpreter), -ENOMEM, the open errors
 * of the interpreter, -EIO.
 */
int elf_load_binary(struct exec_binprm *bprm, struct mm *mm, struct elf_info *info);

/* ---- exec.c */
/*
 * Open name (relative to dirfd; LOOKUP_* flags) for execution: a regular file, on a mount
 * without noexec, with execute permission. Referenced file or ERR_PTR (-EACCES, -ELOOP for
 * a symlink when not following, and the path walk's errors).
 */
struct file *exec_open(int dirfd, const char *name, unsigned lookup_flags);
/* Read exactly len bytes at pos; -EIO when the file is shorter. */
int exec_read(struct file *f, void *buf, size_t len, loff_t pos);

#endif
