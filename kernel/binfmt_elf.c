/*
 * The ELF64 x86_64 loader: maps an executable and its PT_INTERP interpreter into a new,
 * empty address space for execve.
 *
 * Everything a file says is checked before it is used (kernel/elf_check.c): a hostile ELF
 * gets ENOEXEC or EINVAL (ELIBBAD for a bad interpreter), never a kernel crash. Placement:
 * ET_EXEC at its own addresses; an ET_DYN program (static-pie, or a PIE with an
 * interpreter) at ELF_ET_DYN_BASE; the interpreter below mmap_base where
 * mm_get_unmapped_area finds room. No randomization.
 *
 * Each PT_LOAD segment becomes a private file mapping of its file pages (faults take
 * them from inode->i_op->get_page, copy-on-write), then its bss: the rest of the last file
 * page is zeroed by a kernel write into the new address space (which breaks copy-on-write
 * there, even for a segment that is not writable: nothing of the new space is mapped on
 * the host yet, so the VMA's protection is lifted just for that write), and an anonymous
 * mapping covers the remaining pages up to p_memsz.
 */
#include "kernel.h"
#include "as-layout.h"
#include "exec_internal.h"
#include "fs.h"
#include "mm.h"
#include "slab.h"
#include "uaccess.h"

/* Where ET_DYN programs go (Linux's ELF_ET_DYN_BASE without randomization). */
#define ELF_ET_DYN_BASE 0x555555554000UL

/* One ELF file being loaded. */
struct elf_image {
	struct file *file;        /* the program's is bprm->file; the interpreter's is ours */
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;           /* kmalloc'd copy of the program header table */
	struct elf_layout layout;
	u64 bias;                 /* load address minus file address */
};

bool elf_has_magic(const char *head, size_t len)
{
	return len >= SELFMAG && !memcmp(head, ELFMAG, SELFMAG);
}

static int verdict_errno(int verdict, bool interp)
{
	if (interp)
		return -ELIBBAD;
	return verdict == ELF_NOEXEC ? -ENOEXEC : -EINVAL;
}

/* Read and check the headers of f, whose first head_len bytes are in head. */
static int image_parse(struct elf_image *im, struct file *f, const void *head, size_t head_len,
		       bool interp)
{
	u64 size = f->inode->size;
	size_t table;
	int v, r;

	im->file = f;
	if (head_len < sizeof(Elf64_Ehdr))
		return interp ? -ELIBBAD : -ENOEXEC;
	memcpy(&im->eh, head, sizeof(im->eh));
	v = elf_check_ehdr(&im->eh, size);
	if (v != ELF_OK)
		return verdict_errno(v, interp);
	table = (size_t)im->eh.e_phnum * sizeof(Elf64_Phdr);
	im->ph = kmalloc(table);
	if (!im->ph)
		return -ENOMEM;
	if (im->eh.e_phoff + table <= head_len) {
		memcpy(im->ph, (const char *)head + im->eh.e_phoff, table);
	} else {
		r = exec_read(f, im->ph, table, (loff_t)im->eh.e_phoff);
		if (r < 0)
			return r;
	}
	v = elf_check_phdrs(&im->eh, im->ph, size, UM_TASK_SIZE, &im->layout);
	if (v != ELF_OK)
		return verdict_errno(v, interp);
	/* Segments are private file mappings: faults need the filesystem's get_page. */
	if (!f->inode->i_op || !f->inode->i_op->get_page)
		return -ENODEV;
	return 0;
}

/* Open and parse the interpreter named by prog's PT_INTERP. */
static int interp_open(const struct elf_image *prog, struct elf_image *in)
{
	const Elf64_Phdr *p = &prog->ph[prog->layout.interp];
	Elf64_Ehdr head;
	struct file *f;
	char *path = kmalloc(p->p_filesz);
	int r;

	if (!path)
		return -ENOMEM;
	r = exec_read(prog->file, path, p->p_filesz, (loff_t)p->p_offset);
	if (r == 0 && !elf_check_interp(path, p->p_filesz))
		r = -ENOEXEC;
	if (r < 0) {
		kfree(path);
		return r;
	}
	f = exec_open(AT_FDCWD, path, LOOKUP_FOLLOW);
	kfree(path);
	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	r = exec_read(f, &head, sizeof(head), 0);
	if (r < 0) {
		file_put(f);
		return r;
	}
	return image_parse(in, f, &head, sizeof(head), true);
}

static unsigned elf_prot(u32 flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

/* Zero [addr, end) (inside one mapped page) of the new address space mm. */
static int zero_in_page(struct mm *mm, uaddr_t addr, uaddr_t end)
{
	static const char zeros[PAGE_SIZE];
	struct vma *v = vma_find(mm, addr);
	unsigned prot;
	int r;

	if (!v)
		return -EFAULT;
	/* A kernel write into a space nothing of which is mapped on the host yet. */
	prot = v->prot;
	v->prot |= PROT_WRITE;
	r = mm_copy_to(mm, addr, zeros, end - addr);
	v->prot = prot;
	return r;
}

/* Map one PT_LOAD segment of f at bias: file pages, zeroed tail, anonymous bss. */
static int map_segment(struct mm *mm, struct file *f, const Elf64_Phdr *p, u64 bias)
{
	uaddr_t va = p->p_vaddr + bias, start = ALIGN_DOWN(va, PAGE_SIZE);
	uaddr_t file_end = va + p->p_filesz, mem_end = va + p->p_memsz;
	uaddr_t anon = ALIGN_UP(file_end, PAGE_SIZE), anon_end = ALIGN_UP(mem_end, PAGE_SIZE);
	unsigned prot = elf_prot(p->p_flags);
	long r;

	if (p->p_filesz) {
		r = mm_map_region(mm, start, anon - start, prot, 0, f,
				  (p->p_offset - (va - start)) >> PAGE_SHIFT, true);
		if (r < 0)
			return (int)r;
	}
	if (mem_end <= file_end)
		return 0;
	if (file_end & ~PAGE_MASK) {
		/*
		 * The page holding the end of the file bytes: zero the rest of it, or map it
		 * anew. All of the rest, as Linux does, not just up to p_memsz: ld.so's own
		 * allocator takes the tail of its last page past _end as zeroed memory.
		 */
		if (vma_find(mm, file_end)) {
			r = zero_in_page(mm, file_end, anon);
			if (r < 0)
				return (int)r;
		} else {
			anon = ALIGN_DOWN(file_end, PAGE_SIZE);
		}
	}
	if (anon_end > anon) {
		r = mm_map_region(mm, anon, anon_end - anon, prot, 0, NULL, 0, true);
		if (r < 0)
			return (int)r;
	}
	return 0;
}

static int map_image(struct mm *mm, const struct elf_image *im)
{
	int r;

	if (im->eh.e_entry + im->bias >= UM_TASK_SIZE)
		return -EINVAL;
	for (unsigned i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];

		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		r = map_segment(mm, im->file, p, im->bias);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Choose the load bias: ET_EXEC none; ET_DYN at base, or wherever there is room. */
static int place_image(struct mm *mm, struct elf_image *im, uaddr_t base)
{
	u64 span = im->layout.hi - im->layout.lo;

	im->bias = 0;
	if (im->eh.e_type != ET_DYN)
		return 0;
	if (!base || base + span > mm->mmap_base || base + span < base)
		base = mm_get_unmapped_area(mm, 0, span);
	if (!base)
		return -ENOMEM;
	im->bias = base - im->layout.lo;
	return 0;
}

/* Linux's start_code/end_code/start_data/end_data/brk from the program's segments. */
static void set_mm_fields(struct mm *mm, const struct elf_image *im)
{
	uaddr_t sc = ~0UL, ec = 0, sd = 0, ed = 0, brk = 0;

	for (unsigned i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		uaddr_t va = p->p_vaddr + im->bias;

		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		if ((p->p_flags & PF_X) && va < sc)
			sc = va;
		if ((p->p_flags & PF_X) && va + p->p_filesz > ec)
			ec = va + p->p_filesz;
		sd = max(sd, va);
		ed = max(ed, va + p->p_filesz);
		brk = max(brk, va + p->p_memsz);
	}
	if (sc == ~0UL)
		sc = ec = im->layout.lo + im->bias;
	mm->start_code = sc;
	mm->end_code = ec;
	mm->start_data = sd;
	mm->end_data = ed;
	mm->start_brk = mm->brk = ALIGN_UP(brk, PAGE_SIZE);
}

static void fill_info(struct elf_info *info, const struct elf_image *prog,
		      const struct elf_image *in)
{
	info->prog_entry = prog->eh.e_entry + prog->bias;
	info->entry = in->file ? in->eh.e_entry + in->bias : info->prog_entry;
	info->phdr = prog->layout.phdr_vaddr + prog->bias;
	info->phnum = prog->eh.e_phnum;
	info->interp_base = in->file ? in->bias : 0;
	info->exec_stack = prog->layout.exec_stack;
}

int elf_load_binary(struct exec_binprm *bprm, struct mm *mm, struct elf_info *info)
{
	struct elf_image prog = { 0 }, in = { 0 };
	int r;

	r = image_parse(&prog, bprm->file, bprm->head, bprm->head_len, false);
	if (!r && prog.layout.interp >= 0)
		r = interp_open(&prog, &in);
	if (!r)
		r = place_image(mm, &prog, ELF_ET_DYN_BASE);
	if (!r)
		r = map_image(mm, &prog);
	if (!r && in.file)
		r = place_image(mm, &in, 0);
	if (!r && in.file)
		r = map_image(mm, &in);
	if (!r) {
		set_mm_fields(mm, &prog);
		fill_info(info, &prog, &in);
	}
	kfree(prog.ph);
	kfree(in.ph);
	if (in.file)
		file_put(in.file);
	return r;
}
