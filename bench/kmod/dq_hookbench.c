// SPDX-License-Identifier: GPL-2.0
/*
 * dq_hookbench: times KVM's per-page dirty-logging path for make bench.
 *
 * The core patch adds to one function of the write path only,
 * mark_page_dirty_in_slot(): a stat increment and, behind a static key,
 * a compare against the vCPU's threshold.  Under emulation a dirtied page
 * costs tens of microseconds of nested write fault, so a few nanoseconds
 * more are lost in the noise of timing the guest.  This module times that
 * function alone, in a loop, in the context it has in a fault: the vCPU
 * loaded on the calling thread, kvm->srcu held.  It uses only KVM's
 * exports and builds against the kernel's own headers; since the patched
 * KVM keeps the kernel's symbol versions, one build loads on the stock
 * KVM and on the patched one.  Not part of dirtyquota: bench/hook.c
 * loads it next to whichever KVM it measures.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/kvm_host.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "dq_hookbench.h"

struct dq_hb {
	struct kvm *kvm;
	struct kvm_vcpu *vcpu;
	gfn_t gfn;
	u32 pages, batches;
	u64 *ns;
};

/* The pages, in one memslot with a dirty bitmap; under kvm->srcu. */
static struct kvm_memory_slot *dq_hb_slot(struct dq_hb *b)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(b->kvm, b->gfn);

	if (!slot || !slot->dirty_bitmap ||
	    b->gfn + b->pages > slot->base_gfn + slot->npages)
		return NULL;
	return slot;
}

/* Each batch: the pages' bits cleared, then each page marked and timed. */
static int dq_hb_loop(struct dq_hb *b)
{
	struct kvm_memory_slot *slot;
	unsigned long rel;
	u32 i, n;
	u64 t0;
	int idx, r = 0;

	idx = srcu_read_lock(&b->kvm->srcu);
	slot = dq_hb_slot(b);
	if (!slot) {
		r = -EINVAL;
		goto out;
	}
	rel = b->gfn - slot->base_gfn;
	for (n = 0; n < b->batches; n++) {
		for (i = 0; i < b->pages; i++)
			clear_bit_le(rel + i, slot->dirty_bitmap);
		t0 = ktime_get_ns();
		for (i = 0; i < b->pages; i++)
			mark_page_dirty_in_slot(b->kvm, slot, b->gfn + i);
		b->ns[n] = ktime_get_ns() - t0;
		if (fatal_signal_pending(current)) {
			r = -EINTR;
			break;
		}
	}
out:
	srcu_read_unlock(&b->kvm->srcu, idx);
	return r;
}

/* As a vCPU ioctl would: the vCPU's mutex, the vCPU loaded. */
static int dq_hb_run_vcpu(struct dq_hb *b)
{
	int r;

	if (mutex_lock_killable(&b->vcpu->mutex))
		return -EINTR;
	vcpu_load(b->vcpu);
	r = dq_hb_loop(b);
	vcpu_put(b->vcpu);
	mutex_unlock(&b->vcpu->mutex);
	return r;
}

static int dq_hb_run(struct dq_hookbench_run *a)
{
	struct dq_hb b = {
		.gfn = a->gpa >> PAGE_SHIFT,
		.pages = a->pages,
		.batches = a->batches,
	};
	struct file *file;
	int r;

	if (!a->pages || a->pages > DQ_HOOKBENCH_MAX_PAGES || !a->batches ||
	    a->batches > DQ_HOOKBENCH_MAX_BATCHES || offset_in_page(a->gpa))
		return -EINVAL;
	file = fget(a->vm_fd);
	if (!file)
		return -EBADF;
	r = -EINVAL;
	if (!file_is_kvm(file))
		goto out_file;
	b.kvm = file->private_data;
	r = -EOPNOTSUPP;
	if (b.kvm->dirty_ring_size)
		goto out_file;
	r = -ENOENT;
	if (a->vcpu_index >= atomic_read(&b.kvm->online_vcpus))
		goto out_file;
	b.vcpu = kvm_get_vcpu(b.kvm, a->vcpu_index);
	if (!b.vcpu)
		goto out_file;
	r = -ENOMEM;
	b.ns = kvmalloc_array(b.batches, sizeof(*b.ns), GFP_KERNEL);
	if (!b.ns)
		goto out_file;
	r = dq_hb_run_vcpu(&b);
	if (!r && copy_to_user(u64_to_user_ptr(a->ns), b.ns,
			       array_size(b.batches, sizeof(*b.ns))))
		r = -EFAULT;
	kvfree(b.ns);
out_file:
	fput(file);
	return r;
}

static long dq_hb_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct dq_hookbench_run a;

	if (cmd != DQ_HOOKBENCH_RUN)
		return -ENOTTY;
	if (copy_from_user(&a, (void __user *)arg, sizeof(a)))
		return -EFAULT;
	return dq_hb_run(&a);
}

static const struct file_operations dq_hb_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= dq_hb_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice dq_hb_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "dq_hookbench",
	.fops	= &dq_hb_fops,
	.mode	= 0600,
};

module_misc_device(dq_hb_dev);

MODULE_DESCRIPTION("make bench: times KVM's per-page dirty-logging path");
MODULE_LICENSE("GPL");
