// SPDX-License-Identifier: GPL-2.0
/*
 * The guest of the stock-QEMU test (selftests/qemu_test.c): a multiboot
 * kernel with 2 vCPUs, interrupts off and paging off.  The boot vCPU
 * starts the second one, says "dq-bare: ready" on the first serial port
 * and computes: integer work, no memory traffic, counting its loops at
 * COMPUTE_COUNT.  The second vCPU writes one word in each page of the
 * region, page after page, round and round, counting pages at
 * WRITER_COUNT; a byte on the second serial port sets the region: 'S'
 * REGION_SMALL pages, 'B' REGION_BIG (the default).  The host reads the
 * counters through QEMU's monitor.
 */
#include <stdint.h>

#include "bare.h"

#define COM1		0x3f8
#define COM2		0x2f8
#define LSR		5
#define LSR_DR		0x01
#define LSR_THRE	0x20

#define LAPIC		0xfee00000
#define LAPIC_SVR	0x0f0
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define ICR_INIT	0x00004500
#define ICR_SIPI	0x00004600

extern char trampoline[], trampoline_end[];

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC + reg) = v;
}

static void delay(unsigned int n)
{
	for (volatile unsigned int i = 0; i < n; i++)
		;
}

static void puts_com1(const char *s)
{
	for (; *s; s++) {
		while (!(inb(COM1 + LSR) & LSR_THRE))
			;
		outb(COM1, *s);
	}
}

void ap_main(void)
{
	volatile uint32_t *count = (volatile uint32_t *)WRITER_COUNT;
	uint32_t pages = REGION_BIG, i = 0, n = 0;
	uint8_t c;

	for (;;) {
		*(volatile uint32_t *)(REGION + i * 4096) = n;
		*count = ++n;
		if (++i >= pages)
			i = 0;
		if (!(n & 255) && (inb(COM2 + LSR) & LSR_DR)) {
			c = inb(COM2);
			if (c == 'S')
				pages = REGION_SMALL;
			else if (c == 'B')
				pages = REGION_BIG;
		}
	}
}

void bsp_main(void)
{
	volatile uint32_t *count = (volatile uint32_t *)COMPUTE_COUNT;
	char *dst = (char *)TRAMPOLINE;
	uint32_t x = 1;

	for (char *p = trampoline; p < trampoline_end; p++)
		*dst++ = *p;
	lapic_write(LAPIC_SVR, 0x1ff);
	lapic_write(LAPIC_ICR_HI, 1 << 24);
	lapic_write(LAPIC_ICR_LO, ICR_INIT);
	delay(100000);
	for (int k = 0; k < 2; k++) {
		lapic_write(LAPIC_ICR_HI, 1 << 24);
		lapic_write(LAPIC_ICR_LO, ICR_SIPI | (TRAMPOLINE >> 12));
		delay(10000);
	}
	puts_com1("dq-bare: ready\n");
	for (;;) {
		for (int k = 0; k < 4096; k++)
			x = x * 1664525u + 1013904223u;
		if (x == 42)	/* keeps the loop from being optimised away */
			puts_com1("!");
		(*count)++;
	}
}
