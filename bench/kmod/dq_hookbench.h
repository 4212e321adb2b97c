/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dq_hookbench: the interface of make bench's timing module (dq_hookbench.c).
 *
 * DQ_HOOKBENCH_RUN (struct dq_hookbench_run, in)
 *	With vCPU @vcpu_index of the VM @vm_fd loaded on the calling thread,
 *	as during KVM_RUN, marks the @pages pages from @gpa dirty with
 *	mark_page_dirty_in_slot(), @batches times, each time after clearing
 *	their bits in the memslot's dirty bitmap, so that every call records
 *	a page as a write fault does.  Writes the nanoseconds of each batch
 *	to the __u64 array at @ns.  The pages must lie in one memslot with
 *	dirty logging on; a VM with the dirty ring is refused (EOPNOTSUPP).
 */
#ifndef DQ_HOOKBENCH_H
#define DQ_HOOKBENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

struct dq_hookbench_run {
	__s32 vm_fd;
	__u32 vcpu_index;
	__u64 gpa;
	__u32 pages;
	__u32 batches;
	__u64 ns;
};

#define DQ_HOOKBENCH_MAX_PAGES		65536
#define DQ_HOOKBENCH_MAX_BATCHES	65536
#define DQ_HOOKBENCH_RUN	_IOW(0xDB, 0x70, struct dq_hookbench_run)

#endif /* DQ_HOOKBENCH_H */
