/*
 * Kernel-stack context switch for the one host thread that runs the kernel.
 *
 * Each guest task has its own kernel stack in physmem. Switching saves the callee-saved
 * registers of the ABI on the old stack, stores the stack pointer, loads the new one and
 * pops. This is our own setjmp/longjmp without glibc's pointer mangling, as UML needs too.
 *
 * A new stack is prepared by arch_stack_init (kernel/sched.c) so that the first switch to
 * it "returns" into arch_task_start with r12 = function and r13 = argument.
 */
	.text
	.globl arch_switch_to
	.type arch_switch_to, @function
/* void arch_switch_to(unsigned long *save_sp, unsigned long new_sp) */
arch_switch_to:
	.cfi_startproc
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.cfi_endproc
	.size arch_switch_to, . - arch_switch_to

	.globl arch_task_start
	.type arch_task_start, @function
arch_task_start:
	.cfi_startproc
	.cfi_undefined rip
	xorl %ebp, %ebp
	movq %r13, %rdi
	call *%r12
	ud2
	.cfi_endproc
	.size arch_task_start, . - arch_task_start

	.section .note.GNU-stack,"",@progbits
