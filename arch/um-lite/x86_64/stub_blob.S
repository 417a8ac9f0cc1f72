/*
 * The SKAS stub program (build/skas/stub.elf, from skas/stub.c), embedded in umlite.
 * skas_host.c copies it into a memfd at boot and execs it for every guest address space.
 */
	.section .rodata
	.globl stub_elf_start, stub_elf_end
	.balign 16
stub_elf_start:
	.incbin STUB_ELF
stub_elf_end:
	.section .note.GNU-stack,"",@progbits
