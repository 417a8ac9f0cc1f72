/*
 * Validation of executables before exec maps anything (pure code, no kernel services):
 * the ELF64 file header, the program header table (every field a hostile file could use
 * to make the loader misbehave: sizes, offsets, wraps, overlaps, addresses beyond the user
 * address space), the PT_INTERP string, and the "#!" line of scripts.
 *
 * Layer: below kernel/binfmt_elf.c and kernel/exec.c, which turn the verdicts into errno
 * values. Host unit tests link this object directly, so it includes nothing but
 * elf_check.h and uses no library function.
 */
#include "elf_check.h"

#define PAGE_OFF(x) ((x) & (ELF_PAGE_SIZE - 1))
#define PAGE_DOWN(x) ((x) & ~(ELF_PAGE_SIZE - 1))

int elf_check_ehdr(const Elf64_Ehdr *eh, uint64_t file_size)
{
	uint64_t table;

	if (eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[EI_MAG1] != ELFMAG1 ||
	    eh->e_ident[EI_MAG2] != ELFMAG2 || eh->e_ident[EI_MAG3] != ELFMAG3)
		return ELF_NOEXEC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return ELF_NOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return ELF_NOEXEC;
	if (eh->e_machine != EM_X86_64)
		return ELF_NOEXEC;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0)
		return ELF_NOEXEC;
	table = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (table > ELF_MAX_PHDR_BYTES)
		return ELF_NOEXEC;
	if (eh->e_phoff > file_size || file_size - eh->e_phoff < table)
		return ELF_NOEXEC;
	return ELF_OK;
}

/* Check one PT_LOAD segment on its own; *prev_end is the end of the previous one. */
static int check_load(const Elf64_Phdr *p, uint64_t file_size, uint64_t task_size,
		      uint64_t *prev_end)
{
	uint64_t end;

	if (p->p_filesz > p->p_memsz)
		return ELF_INVALID;
	if (p->p_offset > file_size || file_size - p->p_offset < p->p_filesz)
		return ELF_INVALID;
	if (PAGE_OFF(p->p_vaddr) != PAGE_OFF(p->p_offset))
		return ELF_INVALID;
	if (p->p_vaddr > task_size || task_size - p->p_vaddr < p->p_memsz)
		return ELF_INVALID;
	end = p->p_vaddr + p->p_memsz;
	if (p->p_vaddr < *prev_end)
		return ELF_INVALID;
	*prev_end = end;
	return ELF_OK;
}

static int check_interp_header(const Elf64_Phdr *p, uint64_t file_size)
{
	if (p->p_filesz < 2 || p->p_filesz > ELF_MAX_INTERP)
		return ELF_NOEXEC;
	if (p->p_offset > file_size || file_size - p->p_offset < p->p_filesz)
		return ELF_NOEXEC;
	return ELF_OK;
}

/* Record a PT_LOAD segment in the summary; *covering is the AT_PHDR it gives, if any. */
static void add_load(const Elf64_Ehdr *eh, const Elf64_Phdr *p, struct elf_layout *out,
		     uint64_t *covering, uint64_t *first_guess)
{
	uint64_t lo = PAGE_DOWN(p->p_vaddr);
	uint64_t hi = PAGE_DOWN(p->p_vaddr + p->p_memsz + ELF_PAGE_SIZE - 1);

	if (out->nr_load == 0 || lo < out->lo)
		out->lo = lo;
	if (hi > out->hi)
		out->hi = hi;
	if (out->nr_load == 0)
		*first_guess = p->p_vaddr - p->p_offset + eh->e_phoff;
	if (!*covering && p->p_offset <= eh->e_phoff && eh->e_phoff - p->p_offset < p->p_filesz)
		*covering = p->p_vaddr + (eh->e_phoff - p->p_offset);
	out->nr_load++;
}

int elf_check_phdrs(const Elf64_Ehdr *eh, const Elf64_Phdr *ph, uint64_t file_size,
		    uint64_t task_size, struct elf_layout *out)
{
	uint64_t prev_end = 0, covering = 0, first_guess = 0, pt_phdr = 0;
	int r;

	out->lo = out->hi = out->phdr_vaddr = 0;
	out->interp = -1;
	out->nr_load = 0;
	out->exec_stack = false;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];

		switch (p->p_type) {
		case PT_LOAD:
			if (p->p_memsz == 0)
				break;
			r = check_load(p, file_size, task_size, &prev_end);
			if (r != ELF_OK)
				return r;
			add_load(eh, p, out, &covering, &first_guess);
			break;
		case PT_INTERP:
			if (out->interp >= 0)
				break;
			r = check_interp_header(p, file_size);
			if (r != ELF_OK)
				return r;
			out->interp = (int)i;
			break;
		case PT_GNU_STACK:
			out->exec_stack = (p->p_flags & PF_X) != 0;
			break;
		case PT_PHDR:
			if (!pt_phdr)
				pt_phdr = p->p_vaddr;
			break;
		default:
			break;
		}
	}
	if (out->nr_load == 0)
		return ELF_NOEXEC;
	if (eh->e_type == ET_EXEC && eh->e_entry >= task_size)
		return ELF_INVALID;
	out->phdr_vaddr = pt_phdr ? pt_phdr : covering ? covering : first_guess;
	return ELF_OK;
}

bool elf_check_interp(const char *s, uint64_t len)
{
	if (len < 2 || s[len - 1] != '\0')
		return false;
	for (uint64_t i = 0; i < len - 1; i++) {
		if (s[i] == '\0')
			return false;
	}
	return true;
}

/* ---- "#!" lines */

struct sb_view {
	const char *buf;
	size_t len;
};

/* Byte i of the script head; bytes past the file's end read as NUL, as in Linux's buffer. */
static char sb_at(const struct sb_view *v, size_t i)
{
	return i < v->len ? v->buf[i] : '\0';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_terminator(char c)
{
	return c == ' ' || c == '\t' || c == '\0';
}

/* First index in [from, to) whose byte is not a blank, or to. */
static size_t skip_blanks(const struct sb_view *v, size_t from, size_t to)
{
	while (from < to && is_blank(sb_at(v, from)))
		from++;
	return from;
}

/* First index in [from, to) holding a blank or NUL, or to. */
static size_t find_terminator(const struct sb_view *v, size_t from, size_t to)
{
	while (from < to && !is_terminator(sb_at(v, from)))
		from++;
	return from;
}

/* End of the "#!" line: its newline, or SHEBANG_BUF_SIZE - 1 when the name fits; 0: reject. */
static size_t line_end(const struct sb_view *v)
{
	const size_t last = SHEBANG_BUF_SIZE - 1;
	size_t i, name;

	for (i = 0; i < SHEBANG_BUF_SIZE && sb_at(v, i) != '\0'; i++) {
		if (sb_at(v, i) == '\n')
			return i;
	}
	name = skip_blanks(v, 2, last);
	if (name == last)
		return 0; /* only blanks */
	if (find_terminator(v, name, last) == last)
		return 0; /* the interpreter's name does not end in the buffer: truncated */
	return last;
}

int exec_parse_shebang(const char *buf, size_t len, struct shebang *out)
{
	struct sb_view v = { buf, len };
	size_t end, name, name_end, arg;

	if (len < 2 || buf[0] != '#' || buf[1] != '!')
		return ELF_NOEXEC;
	end = line_end(&v);
	if (end == 0)
		return ELF_NOEXEC;
	while (end > 2 && is_blank(sb_at(&v, end - 1)))
		end--;
	name = skip_blanks(&v, 2, end);
	name_end = find_terminator(&v, name, end);
	if (name_end == name)
		return ELF_NOEXEC;
	out->interp_off = name;
	out->interp_len = name_end - name;
	out->arg_off = out->arg_len = 0;
	if (name_end == end || sb_at(&v, name_end) == '\0')
		return ELF_OK;
	arg = skip_blanks(&v, name_end, end);
	out->arg_off = arg;
	while (arg < end && sb_at(&v, arg) != '\0')
		arg++;
	out->arg_len = arg - out->arg_off;
	return ELF_OK;
}
