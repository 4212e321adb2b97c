// SPDX-License-Identifier: GPL-2.0
/*
 * Harvests of a VM's dirty bitmap: where the passes of a migration begin.
 *
 * With a dirty bitmap KVM records a page once between two harvests, so a
 * vCPU that rewrites the same pages counts them right after a harvest and
 * nothing until the next: its rate reads 0 for most of a long pass.  KVM
 * calls dq_vm_log_harvest() when userspace reads a memslot's bitmap
 * (KVM_GET_DIRTY_LOG), with what the read returns.  A VMM reads its
 * memslots one after the other, so reads less than DQ_HARVEST_GAP_NS
 * apart are one harvest.  At each, every vCPU's count since the previous
 * harvest becomes its last pass, and the vCPU's PV pages (pv.h) that the
 * harvest returns are what KVM itself wrote for it in that pass.
 */
#include <linux/kvm_host.h>
#include <linux/ktime.h>

#include "pv.h"
#include "vm.h"

#define DQ_HARVEST_GAP_NS	(100 * NSEC_PER_MSEC)

/* @dv's pass ends: its bytes since the last harvest are its last pass. */
static void dq_vcpu_pass_end(struct dq_vcpu *dv)
{
	u64 bytes = dq_vcpu_bytes(dv);

	dv->last_pass = bytes > dv->pass_base ? bytes - dv->pass_base : 0;
	dv->pass_base = bytes;
}

/* How many of @vcpu's PV pages are in @slot and set in @bitmap. */
static u32 dq_vcpu_pv_dirty(struct kvm_vcpu *vcpu,
			    const struct kvm_memory_slot *slot,
			    const unsigned long *bitmap)
{
	gfn_t gfns[DQ_PV_PAGES_MAX];
	u32 i, n, dirty = 0;

	n = dq_vcpu_pv_gfns(vcpu, gfns);
	for (i = 0; i < n; i++)
		if (gfns[i] >= slot->base_gfn &&
		    gfns[i] < slot->base_gfn + slot->npages &&
		    test_bit_le(gfns[i] - slot->base_gfn, bitmap))
			dirty++;
	return dirty;
}

void dq_vm_log_harvest(struct kvm *kvm, const struct kvm_memory_slot *slot,
		       const unsigned long *bitmap)
{
	struct dq_vm *vm = kvm_dirty_provider_vm_data(kvm);
	struct dq_vcpu *dv;
	unsigned long i;
	bool pass_ends;
	u64 now = ktime_get_ns();

	if (!vm)
		return;
	spin_lock_bh(&vm->qlock);
	pass_ends = !vm->harvests || now - vm->harvest_ns >= DQ_HARVEST_GAP_NS;
	if (pass_ends)
		vm->harvests++;
	vm->harvest_ns = now;
	xa_for_each(&vm->vcpus, i, dv) {
		if (dv->on_ring)
			continue;
		if (pass_ends)
			dq_vcpu_pass_end(dv);
		WRITE_ONCE(dv->count.kvm_bytes, dv->count.kvm_bytes +
			   ((u64)dq_vcpu_pv_dirty(dv->vcpu, slot, bitmap) <<
			    PAGE_SHIFT));
	}
	spin_unlock_bh(&vm->qlock);
}
