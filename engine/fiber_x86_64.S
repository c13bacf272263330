/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fiber switch for x86-64 (System V ABI).  'fiber_asm_switch(save_sp,
 * new_sp)' pushes the callee-saved registers rbp, rbx, r12-r15 and the
 * MXCSR and x87 control word onto the current stack, stores the stack pointer
 * through save_sp, loads new_sp and pops the same frame from there, and
 * returns on the new stack.  Caller-saved registers need no saving: the C
 * caller already assumes a call clobbers them.  A fresh fiber's frame, built
 * by fiber_new(), returns into 'fiber_asm_trampoline', which passes rbx (the
 * fiber) to 'fiber_entry'.
 */
	.text

	.globl	fiber_asm_switch
	.hidden	fiber_asm_switch
	.type	fiber_asm_switch, @function
	.p2align 4
fiber_asm_switch:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.cfi_endproc
	.size	fiber_asm_switch, .-fiber_asm_switch

	.globl	fiber_asm_trampoline
	.hidden	fiber_asm_trampoline
	.type	fiber_asm_trampoline, @function
	.p2align 4
fiber_asm_trampoline:
	.cfi_startproc
	.cfi_undefined rip
	movq	%rbx, %rdi
	jmp	fiber_entry
	.cfi_endproc
	.size	fiber_asm_trampoline, .-fiber_asm_trampoline

	.section .note.GNU-stack,"",@progbits
