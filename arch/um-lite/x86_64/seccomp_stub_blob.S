/*
 * The seccomp SKAS stub program (build/skas/seccomp_stub.elf, from skas/seccomp_stub.c),
 * embedded in umlite. skas/seccomp_host.c copies it into a memfd at boot and execs it
 * for every guest address space under skas=seccomp.
 */
	.section .rodata
	.globl seccomp_stub_elf_start, seccomp_stub_elf_end
	.balign 16
seccomp_stub_elf_start:
	.incbin SECCOMP_STUB_ELF
seccomp_stub_elf_end:
	.section .note.GNU-stack,"",@progbits
