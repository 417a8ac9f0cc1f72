/*
 * Pure checks of the executable formats exec understands (kernel/elf_check.c): the ELF64
 * file header and program header table of an x86_64 executable, the PT_INTERP path, and the
 * "#!" line of a script. They read only the buffers they are given and use no kernel
 * service, so host unit tests link the object as it is.
 *
 * Self-contained: <stdint.h>, <stddef.h>, <stdbool.h> and <linux/elf.h> only.
 */
#ifndef ELF_CHECK_H
#define ELF_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/elf.h>

/* Verdicts; exec turns them into errno values. */
enum elf_verdict {
	ELF_OK = 0,
	ELF_NOEXEC = 1,  /* not a format we run (ENOEXEC) */
	ELF_INVALID = 2, /* an x86_64 ELF executable whose layout is impossible (EINVAL) */
};

#define ELF_PAGE_SIZE 4096UL
/* Largest program header table accepted (one page, as Linux). */
#define ELF_MAX_PHDR_BYTES 4096U
/* Largest PT_INTERP string, its NUL included. */
#define ELF_MAX_INTERP 4096U
/* Bytes of a script's head that the "#!" line must fit in (Linux's BINPRM_BUF_SIZE). */
#define SHEBANG_BUF_SIZE 256U

/* What exec needs to know about a valid program header table. Addresses are the file's. */
struct elf_layout {
	uint64_t lo, hi;     /* page-aligned span [lo, hi) of the PT_LOAD segments */
	uint64_t phdr_vaddr; /* where the program headers are in memory (AT_PHDR before bias) */
	int interp;          /* index of the first PT_INTERP header, or -1 */
	unsigned nr_load;    /* PT_LOAD segments with a non-zero p_memsz */
	bool exec_stack;     /* PT_GNU_STACK asks for an executable stack */
};

/*
 * Check the file header of an executable of file_size bytes: ELF magic, 64-bit
 * little-endian, ET_EXEC or ET_DYN, EM_X86_64, a program header table of 1 to
 * ELF_MAX_PHDR_BYTES bytes of standard entries inside the file. ELF_OK or ELF_NOEXEC.
 */
int elf_check_ehdr(const Elf64_Ehdr *eh, uint64_t file_size);

/*
 * Check the program header table ph (eh->e_phnum entries, eh already checked) of a file of
 * file_size bytes against a user address space of task_size bytes, and summarize it in
 * *out. PT_LOAD segments must have p_filesz <= p_memsz, file bytes inside the file, p_vaddr
 * and p_offset congruent modulo the page size, no address wrap, end at or below task_size,
 * and ascending, non-overlapping addresses; an ET_EXEC entry point must be below
 * task_size. Returns ELF_OK, ELF_NOEXEC (no loadable segment, bad PT_INTERP header) or
 * ELF_INVALID.
 */
int elf_check_phdrs(const Elf64_Ehdr *eh, const Elf64_Phdr *ph, uint64_t file_size,
		    uint64_t task_size, struct elf_layout *out);

/* True when the len bytes of a PT_INTERP segment are a non-empty string ending at its end. */
bool elf_check_interp(const char *s, uint64_t len);

/* A parsed "#!" line: offsets into the buffer given to exec_parse_shebang. */
struct shebang {
	size_t interp_off, interp_len; /* the interpreter path (interp_len > 0) */
	size_t arg_off, arg_len;       /* the optional argument; arg_len 0 when there is none */
};

/*
 * Parse the "#!" line at the start of the len bytes of buf as Linux does: only the first
 * SHEBANG_BUF_SIZE bytes count (bytes past len read as NUL); the line ends at a newline or
 * NUL; leading and trailing blanks (spaces and tabs) are dropped; the interpreter is the
 * first word, and the rest of the line, internal blanks included, is one argument. A line
 * without a newline is accepted only when the interpreter's name ends inside the buffer.
 * Returns ELF_OK, or ELF_NOEXEC when buf does not start with a usable "#!" line.
 */
int exec_parse_shebang(const char *buf, size_t len, struct shebang *out);

#endif
