/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counting dirtied bytes: the per-page path.  It takes no lock, allocates
 * nothing and writes only the counter of the vCPU that dirtied the page,
 * which no other thread writes.
 */
#ifndef _DQ_ACCOUNT_H
#define _DQ_ACCOUNT_H

#include "pure.h"

/* Written only by the vCPU's own thread; read by anyone with READ_ONCE. */
struct dq_vcpu_count {
	u64 bytes_dirtied;
};

/* Pages recorded with no tracked vCPU running: rare, so shared. */
struct dq_vm_count {
	atomic64_t bytes_unattributed;
};

static inline u64 dq_account_vcpu(struct dq_vcpu_count *vc, u32 bytes)
{
	u64 total = vc->bytes_dirtied + bytes;

	WRITE_ONCE(vc->bytes_dirtied, total);
	return total;
}

static inline void dq_account_vm(struct dq_vm_count *vm, u32 bytes)
{
	atomic64_add(bytes, &vm->bytes_unattributed);
}

#endif /* _DQ_ACCOUNT_H */
