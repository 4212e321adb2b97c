/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pages through which KVM talks to a guest about one vCPU: x86's
 * steal time, kvmclock, PV EOI and async page fault areas.  KVM writes
 * them itself, on every wakeup for the first two, so charging them may
 * count but must never stop the vCPU.
 */
#ifndef _DQ_PV_H
#define _DQ_PV_H

#include <linux/kvm_host.h>

#define DQ_PV_PAGES_MAX	4

#ifdef CONFIG_X86
/* Writes the gfns of @vcpu's PV pages to @gfns; returns how many. */
static inline u32 dq_vcpu_pv_gfns(struct kvm_vcpu *vcpu,
				  gfn_t gfns[DQ_PV_PAGES_MAX])
{
	struct kvm_vcpu_arch *a = &vcpu->arch;
	u32 n = 0;

	if (a->st.msr_val & KVM_MSR_ENABLED)
		gfns[n++] = gpa_to_gfn(a->st.msr_val & KVM_STEAL_VALID_BITS);
	if (a->pv_time.active)
		gfns[n++] = gpa_to_gfn(a->pv_time.gpa);
	if (a->pv_eoi.msr_val & KVM_MSR_ENABLED)
		gfns[n++] = gpa_to_gfn(a->pv_eoi.data.gpa);
	if (a->apf.msr_en_val & KVM_ASYNC_PF_ENABLED)
		gfns[n++] = gpa_to_gfn(a->apf.data.gpa);
	return n;
}
#else
static inline u32 dq_vcpu_pv_gfns(struct kvm_vcpu *vcpu,
				  gfn_t gfns[DQ_PV_PAGES_MAX])
{
	return 0;
}
#endif

static inline bool dq_vcpu_pv_page(struct kvm_vcpu *vcpu, gfn_t gfn)
{
	gfn_t gfns[DQ_PV_PAGES_MAX];
	u32 i, n = dq_vcpu_pv_gfns(vcpu, gfns);

	for (i = 0; i < n; i++)
		if (gfns[i] == gfn)
			return true;
	return false;
}

#endif /* _DQ_PV_H */
