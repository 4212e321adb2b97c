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

#ifdef CONFIG_X86
static inline bool dq_pv_gpa_is(gpa_t gpa, gfn_t gfn)
{
	return gpa_to_gfn(gpa) == gfn;
}

static inline bool dq_vcpu_pv_page(struct kvm_vcpu *vcpu, gfn_t gfn)
{
	struct kvm_vcpu_arch *a = &vcpu->arch;

	return ((a->st.msr_val & KVM_MSR_ENABLED) &&
		dq_pv_gpa_is(a->st.msr_val & KVM_STEAL_VALID_BITS, gfn)) ||
	       (a->pv_time.active && dq_pv_gpa_is(a->pv_time.gpa, gfn)) ||
	       ((a->pv_eoi.msr_val & KVM_MSR_ENABLED) &&
		dq_pv_gpa_is(a->pv_eoi.data.gpa, gfn)) ||
	       ((a->apf.msr_en_val & KVM_ASYNC_PF_ENABLED) &&
		dq_pv_gpa_is(a->apf.data.gpa, gfn));
}
#else
static inline bool dq_vcpu_pv_page(struct kvm_vcpu *vcpu, gfn_t gfn)
{
	return false;
}
#endif

#endif /* _DQ_PV_H */
