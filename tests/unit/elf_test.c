/*
 * Unit tests of the executable checks (kernel/elf_check.c): ELF headers and program
 * headers of real binaries accepted, hostile layouts refused, "#!" lines parsed as Linux.
 */
// UNIT-OBJS: kernel/elf_check.o
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../../kernel/include/elf_check.h"

#define TASK (1UL << 46)

static char image[1 << 16];

/* A minimal valid static executable: one PT_LOAD of one page at 0x400000. */
static void make_exec(Elf64_Ehdr **eh, Elf64_Phdr **ph)
{
	memset(image, 0, sizeof(image));
	*eh = (Elf64_Ehdr *)image;
	memcpy((*eh)->e_ident, ELFMAG, SELFMAG);
	(*eh)->e_ident[EI_CLASS] = ELFCLASS64;
	(*eh)->e_ident[EI_DATA] = ELFDATA2LSB;
	(*eh)->e_ident[EI_VERSION] = EV_CURRENT;
	(*eh)->e_type = ET_EXEC;
	(*eh)->e_machine = EM_X86_64;
	(*eh)->e_version = EV_CURRENT;
	(*eh)->e_entry = 0x400100;
	(*eh)->e_phoff = sizeof(Elf64_Ehdr);
	(*eh)->e_phentsize = sizeof(Elf64_Phdr);
	(*eh)->e_phnum = 1;
	(*eh)->e_ehsize = sizeof(Elf64_Ehdr);
	*ph = (Elf64_Phdr *)(image + sizeof(Elf64_Ehdr));
	(*ph)->p_type = PT_LOAD;
	(*ph)->p_flags = PF_R | PF_X;
	(*ph)->p_offset = 0;
	(*ph)->p_vaddr = 0x400000;
	(*ph)->p_filesz = 4096;
	(*ph)->p_memsz = 8192;
	(*ph)->p_align = 4096;
}

TEST(a_minimal_executable_is_accepted_and_summarized)
{
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	struct elf_layout l;

	make_exec(&eh, &ph);
	ASSERT_EQ(ELF_OK, elf_check_ehdr(eh, sizeof(image)));
	ASSERT_EQ(ELF_OK, elf_check_phdrs(eh, ph, sizeof(image), TASK, &l));
	EXPECT_EQ(0x400000, l.lo);
	EXPECT_EQ(0x402000, l.hi);
	EXPECT_EQ(1, l.nr_load);
	EXPECT_EQ(-1, l.interp);
}

TEST(foreign_files_are_noexec)
{
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;

	make_exec(&eh, &ph);
	eh->e_machine = EM_AARCH64;
	EXPECT_EQ(ELF_NOEXEC, elf_check_ehdr(eh, sizeof(image)));
	make_exec(&eh, &ph);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	EXPECT_EQ(ELF_NOEXEC, elf_check_ehdr(eh, sizeof(image)));
	make_exec(&eh, &ph);
	eh->e_type = ET_REL;
	EXPECT_EQ(ELF_NOEXEC, elf_check_ehdr(eh, sizeof(image)));
	make_exec(&eh, &ph);
	eh->e_phoff = sizeof(image) - 10;
	EXPECT_EQ(ELF_NOEXEC, elf_check_ehdr(eh, sizeof(image)));
	make_exec(&eh, &ph);
	eh->e_phnum = 0xffff;
	EXPECT_EQ(ELF_NOEXEC, elf_check_ehdr(eh, sizeof(image)));
}

TEST(hostile_program_headers_are_refused)
{
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	struct elf_layout l;

	make_exec(&eh, &ph);
	ph->p_filesz = 16384; /* more file than memory */
	EXPECT_NE(ELF_OK, elf_check_phdrs(eh, ph, sizeof(image), TASK, &l));
	make_exec(&eh, &ph);
	ph->p_offset = sizeof(image); /* file bytes past the end of the file */
	EXPECT_NE(ELF_OK, elf_check_phdrs(eh, ph, sizeof(image), TASK, &l));
	make_exec(&eh, &ph);
	ph->p_vaddr = 0xfffffffffffff000UL; /* wraps */
	EXPECT_NE(ELF_OK, elf_check_phdrs(eh, ph, sizeof(image), TASK, &l));
	make_exec(&eh, &ph);
	ph->p_vaddr = TASK; /* above user space */
	EXPECT_NE(ELF_OK, elf_check_phdrs(eh, ph, sizeof(image), TASK, &l));
	make_exec(&eh, &ph);
	ph->p_vaddr = 0x400010; /* offset and address not congruent */
	EXPECT_NE(ELF_OK, elf_check_phdrs(eh, ph, sizeof(image), TASK, &l));
	make_exec(&eh, &ph);
	ph->p_memsz = 0xffffffffffff0000UL;
	EXPECT_NE(ELF_OK, elf_check_phdrs(eh, ph, sizeof(image), TASK, &l));
}

TEST(overlapping_segments_are_refused)
{
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	struct elf_layout l;

	make_exec(&eh, &ph);
	eh->e_phnum = 2;
	ph[1] = ph[0];
	ph[1].p_vaddr = 0x401000;
	ph[1].p_offset = 0x1000;
	EXPECT_NE(ELF_OK, elf_check_phdrs(eh, ph, sizeof(image), TASK, &l));
	ph[1].p_vaddr = 0x402000;
	ph[1].p_offset = 0x2000;
	EXPECT_EQ(ELF_OK, elf_check_phdrs(eh, ph, sizeof(image), TASK, &l));
}

TEST(real_binaries_on_the_host_are_accepted)
{
	const char *paths[] = { "/bin/busybox", "/bin/ls", "/lib64/ld-linux-x86-64.so.2" };
	int checked = 0;

	for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		static char buf[1 << 16];
		struct elf_layout l;
		struct stat st;
		int fd = open(paths[i], O_RDONLY);
		ssize_t n;

		if (fd < 0)
			continue;
		fstat(fd, &st);
		n = read(fd, buf, sizeof(buf));
		close(fd);
		ASSERT_GT(n, 64);
		EXPECT_EQ(ELF_OK, elf_check_ehdr((Elf64_Ehdr *)buf, st.st_size)) TH_LOG("%s", paths[i]);
		EXPECT_EQ(ELF_OK, elf_check_phdrs((Elf64_Ehdr *)buf,
						  (Elf64_Phdr *)(buf + ((Elf64_Ehdr *)buf)->e_phoff),
						  st.st_size, TASK, &l)) TH_LOG("%s", paths[i]);
		checked++;
	}
	if (!checked)
		SKIP(return, "no host binaries found");
}

TEST(shebang_lines_split_like_linux)
{
	struct shebang s;
	const char *a = "#! /bin/sh  -e -x \nrest";
	const char *b = "#!/usr/bin/env\tpython3\n";

	ASSERT_EQ(ELF_OK, exec_parse_shebang(a, strlen(a), &s));
	EXPECT_EQ(0, strncmp(a + s.interp_off, "/bin/sh", s.interp_len));
	EXPECT_EQ(7, s.interp_len);
	EXPECT_EQ(0, strncmp(a + s.arg_off, "-e -x", s.arg_len));
	EXPECT_EQ(5, s.arg_len);
	ASSERT_EQ(ELF_OK, exec_parse_shebang(b, strlen(b), &s));
	EXPECT_EQ(0, strncmp(b + s.arg_off, "python3", s.arg_len));
	EXPECT_EQ(ELF_NOEXEC, exec_parse_shebang("#!\n", 3, &s));
	EXPECT_EQ(ELF_NOEXEC, exec_parse_shebang("#  /bin/sh\n", 11, &s));
	EXPECT_EQ(ELF_NOEXEC, exec_parse_shebang("#!   \n", 6, &s));
}

TEST(interp_strings_must_end_at_their_nul)
{
	EXPECT_TRUE(elf_check_interp("/lib/ld.so", 11));
	EXPECT_FALSE(elf_check_interp("/lib/ld.so", 10));
	EXPECT_FALSE(elf_check_interp("", 1));
	EXPECT_FALSE(elf_check_interp("/a\0b", 5));
}

TEST_HARNESS_MAIN
