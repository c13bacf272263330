/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fiber switch for aarch64 (AAPCS64).  'fiber_asm_switch(save_sp, new_sp)'
 * stores the callee-saved registers x19-x28, the frame pointer x29, the link
 * register x30 and the low halves d8-d15 in a 160-byte frame on the current
 * stack, stores sp through save_sp, loads new_sp, reloads the same frame
 * from there and returns through the loaded x30.  A fresh fiber's frame,
 * built by fiber_new(), holds the fiber in x19 and 'fiber_asm_trampoline' in
 * x30; the trampoline passes x19 to 'fiber_entry' with a zero frame pointer
 * and link register, so unwinders stop there.
 */
	.text

	.globl	fiber_asm_switch
	.hidden	fiber_asm_switch
	.type	fiber_asm_switch, %function
	.p2align 4
fiber_asm_switch:
	.cfi_startproc
	sub	sp, sp, #160
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mov	x9, sp
	str	x9, [x0]
	mov	sp, x1
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #160
	ret
	.cfi_endproc
	.size	fiber_asm_switch, .-fiber_asm_switch

	.globl	fiber_asm_trampoline
	.hidden	fiber_asm_trampoline
	.type	fiber_asm_trampoline, %function
	.p2align 4
fiber_asm_trampoline:
	.cfi_startproc
	.cfi_undefined x30
	mov	x0, x19
	mov	x29, xzr
	mov	x30, xzr
	b	fiber_entry
	.cfi_endproc
	.size	fiber_asm_trampoline, .-fiber_asm_trampoline

	.section .note.GNU-stack,"",%progbits
