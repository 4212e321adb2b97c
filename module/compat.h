/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels dirtyquota builds for (6.1, 6.12),
 * in one place; module/Kbuild probes the kernel's headers for them.
 */
#ifndef _DQ_COMPAT_H
#define _DQ_COMPAT_H

#include <linux/kvm_host.h>
#include <net/genetlink.h>

/* 6.8 renamed KVM_ADDRESS_SPACE_NUM and made the count per VM. */
#ifdef KVM_ADDRESS_SPACE_NUM
static inline int dq_nr_address_spaces(struct kvm *kvm)
{
	return KVM_ADDRESS_SPACE_NUM;
}
#else
static inline int dq_nr_address_spaces(struct kvm *kvm)
{
	return kvm_arch_nr_memslot_as_ids(kvm);
}
#endif

/* 6.6 put a struct genl_info into the dump state (probed in Kbuild). */
static inline struct nlattr **dq_dump_attrs(struct netlink_callback *cb)
{
#ifdef DQ_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _DQ_COMPAT_H */
