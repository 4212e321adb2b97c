/* SPDX-License-Identifier: GPL-2.0 */
/* Physical addresses of the stock-QEMU test's guest (paging stays off). */
#ifndef BARE_H
#define BARE_H

#define TRAMPOLINE	0x8000		/* SIPI vector 0x08 */
#define BSP_STACK	0x00280000
#define AP_STACK	0x00290000
#define COMPUTE_COUNT	0x00300000	/* u32: loops of the boot vCPU */
#define WRITER_COUNT	0x00301000	/* u32: pages the second vCPU wrote */
#define REGION		0x01000000	/* the writer's pages, from 16 MiB */
#define REGION_BIG	(48 << 8)	/* pages: 48 MiB */
#define REGION_SMALL	(16 << 8)	/* 16 MiB */

#endif
