/*
 * Host backtraces for the panic path (kernel/panic.c): the return addresses of the
 * calling thread, and a name for each.
 *
 * Addresses come from glibc's backtrace() (the unwinder reads .eh_frame, so it walks
 * through the crash handler's signal frame and through C library frames). Its first call
 * loads libgcc_s with dlopen, which allocates: os_backtrace_init() makes that call at
 * boot, so that a panic needs neither dlopen nor malloc.
 *
 * Names come from umlite's own symbol table: .symtab of /proc/self/exe, mapped read-only
 * on first use and never unmapped (static functions are there too, which -rdynamic and
 * backtrace_symbols would not name, and the binary stays position-independent). Addresses
 * outside umlite (the C library) are named by dladdr. No stdio, no malloc.
 *
 * Fault guards: os_guarded_call(fn) runs fn so that a host fault inside it (a corrupt
 * stack while unwinding, a wild pointer while printing the current task) comes back as
 * -EFAULT: the crash handler calls os_fault_guard_jump() first, which jumps back into the
 * innermost guarded call. The panic path runs each part of its report guarded, so a
 * report loses a part instead of dying. Guards nest.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os.h"

extern const ElfW(Ehdr) __ehdr_start; /* our own ELF header, as loaded (GNU ld) */

static sigjmp_buf *volatile guard; /* the innermost active guarded call */

static struct {
	int state;            /* 0 not tried, 1 loaded, -1 unusable */
	const ElfW(Sym) *sym; /* .symtab */
	size_t nsym;
	const char *str;      /* its string table */
	size_t strsz;
	uintptr_t bias;       /* run-time address - link-time address */
	uintptr_t lo, hi;     /* umlite's loaded range */
} tab;

void os_fault_guard_jump(void)
{
	if (guard)
		siglongjmp(*guard, 1);
}

int os_guarded_call(void (*fn)(void *), void *arg)
{
	sigjmp_buf here, *outer = guard;

	if (sigsetjmp(here, 1)) {
		guard = outer;
		return -EFAULT;
	}
	guard = &here;
	fn(arg);
	guard = outer;
	return 0;
}

void os_backtrace_init(void)
{
	void *pc[2];

	backtrace(pc, 2);
}

struct bt_call {
	void *frames[64];
	int max, n;
};

static void bt_unwind(void *p)
{
	struct bt_call *c = p;

	c->n = backtrace(c->frames, c->max);
}

int os_backtrace(uint64_t *pcs, int max)
{
	struct bt_call c = { .max = max > 64 ? 64 : max };

	if (os_guarded_call(bt_unwind, &c) < 0)
		return -EFAULT;
	for (int i = 0; i < c.n; i++)
		pcs[i] = (uintptr_t)c.frames[i];
	return c.n;
}

static const void *in_file(const char *map, size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off ? map + off : NULL;
}

/* Find .symtab, its strings, the load bias and our address range in the mapped file. */
static int parse_elf(const char *map, size_t size)
{
	const ElfW(Ehdr) *eh = (const void *)map;
	const ElfW(Shdr) *sh;
	const ElfW(Phdr) *ph;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(*sh) ||
	    eh->e_phentsize != sizeof(*ph))
		return -ENOEXEC;
	sh = in_file(map, size, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(*sh));
	ph = in_file(map, size, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(*ph));
	if (!sh || !ph)
		return -ENOEXEC;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_offset == 0)
			tab.bias = (uintptr_t)&__ehdr_start - ph[i].p_vaddr;
		if (!tab.hi || ph[i].p_vaddr < tab.lo)
			tab.lo = ph[i].p_vaddr;
		if (ph[i].p_vaddr + ph[i].p_memsz > tab.hi)
			tab.hi = ph[i].p_vaddr + ph[i].p_memsz;
	}
	tab.lo += tab.bias;
	tab.hi += tab.bias;
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		tab.sym = in_file(map, size, sh[i].sh_offset, sh[i].sh_size);
		tab.nsym = sh[i].sh_size / sizeof(ElfW(Sym));
		tab.str = in_file(map, size, sh[sh[i].sh_link].sh_offset, sh[sh[i].sh_link].sh_size);
		tab.strsz = sh[sh[i].sh_link].sh_size;
		return tab.sym && tab.str ? 0 : -ENOEXEC;
	}
	return -ENOENT; /* stripped */
}

static int load_symtab(void)
{
	struct stat st;
	void *map;
	int fd;

	if (tab.state)
		return tab.state;
	tab.state = -1;
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		close(fd);
		return -1;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	if (parse_elf(map, st.st_size) < 0) {
		munmap(map, st.st_size);
		return -1;
	}
	tab.state = 1;
	return 1;
}

/* The function symbol of umlite holding pc (link-time addresses), or NULL. */
static const ElfW(Sym) *find_symbol(uintptr_t pc)
{
	const ElfW(Sym) *best = NULL;

	for (size_t i = 0; i < tab.nsym; i++) {
		const ElfW(Sym) *s = &tab.sym[i];

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
		    s->st_name >= tab.strsz || s->st_value > pc)
			continue;
		if (s->st_size && pc < s->st_value + s->st_size)
			return s;
		if (!s->st_size && (!best || s->st_value > best->st_value))
			best = s;
	}
	return best;
}

static void symbolize_exe(uint64_t pc, struct os_symbol *out)
{
	const ElfW(Sym) *s = find_symbol(pc - tab.bias);

	out->object = "umlite";
	out->object_offset = pc - tab.bias;
	if (s) {
		out->name = tab.str + s->st_name;
		out->offset = pc - tab.bias - s->st_value;
		out->size = s->st_size;
	}
}

static void symbolize_lib(uint64_t pc, struct os_symbol *out)
{
	Dl_info info;
	const char *slash;

	if (!dladdr((void *)(uintptr_t)pc, &info) || !info.dli_fname)
		return;
	slash = strrchr(info.dli_fname, '/');
	out->object = slash ? slash + 1 : info.dli_fname;
	out->object_offset = pc - (uintptr_t)info.dli_fbase;
	if (info.dli_sname && info.dli_saddr) {
		out->name = info.dli_sname;
		out->offset = pc - (uintptr_t)info.dli_saddr;
	}
}

struct sym_call {
	uint64_t pc;
	struct os_symbol *out;
};

static void sym_lookup(void *p)
{
	struct sym_call *c = p;

	if (load_symtab() > 0 && c->pc >= tab.lo && c->pc < tab.hi)
		symbolize_exe(c->pc, c->out);
	else
		symbolize_lib(c->pc, c->out);
}

int os_symbolize(uint64_t pc, struct os_symbol *out)
{
	struct sym_call c = { pc, out };

	memset(out, 0, sizeof(*out));
	if (os_guarded_call(sym_lookup, &c) < 0)
		return -EFAULT;
	return out->name ? 0 : -ENOENT;
}
