/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points of the stock-QEMU test's guest (bare.c): the multiboot
 * header QEMU's -kernel loader looks for, the boot vCPU's entry in 32-bit
 * protected mode, and the real-mode trampoline the second vCPU starts in
 * after INIT-SIPI-SIPI (copied to TRAMPOLINE, see bare.h).
 */
#include "bare.h"

#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	lgdt gdtr
	ljmp $0x08, $1f
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $BSP_STACK, %esp
	call bsp_main
2:	hlt
	jmp 2b

	.globl ap_entry32
ap_entry32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $AP_STACK, %esp
	call ap_main
3:	hlt
	jmp 3b

	.align 8
gdt:	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: code, flat 4 GiB, 32-bit */
	.quad 0x00cf92000000ffff	/* 0x10: data, flat 4 GiB */
gdt_end:
gdtr:	.word gdt_end - gdt - 1
	.long gdt

/* Runs at TRAMPOLINE in real mode, CS = TRAMPOLINE >> 4, IP = 0. */
	.globl trampoline, trampoline_end
	.code16
trampoline:
	cli
	movw %cs, %ax
	movw %ax, %ds
	lgdtl tgdtr - trampoline
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $ap_entry32
	.align 8
tgdt:	.quad 0
	.quad 0x00cf9a000000ffff
	.quad 0x00cf92000000ffff
tgdt_end:
tgdtr:	.word tgdt_end - tgdt - 1
	.long TRAMPOLINE + tgdt - trampoline
trampoline_end:

	.section .note.GNU-stack, "", @progbits
