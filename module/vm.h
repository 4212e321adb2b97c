/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _DQ_VM_H
#define _DQ_VM_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include "account.h"

struct kvm;
struct dq_file;

/*
 * One per tracked VM, in kvm->dirty_provider_data.  The provider holds a
 * reference until the VM is destroyed, an attached file holds another;
 * @kvm is valid only while @dead is false, under @lock.
 */
struct dq_vm {
	struct dq_vm_count count;
	struct kref ref;
	struct rcu_head rcu;
	struct mutex lock;		/* protects kvm, attached, dead */
	struct kvm *kvm;
	struct dq_file *attached;
	bool dead;
};

/* One per tracked vCPU, in vcpu->dirty_provider_data. */
struct dq_vcpu {
	struct dq_vcpu_count count;
} ____cacheline_aligned_in_smp;

int dq_vm_init(void);
void dq_vm_exit(void);
void dq_vm_put(struct dq_vm *vm);
struct kvm *dq_vm_get_kvm(struct dq_vm *vm);

#endif /* _DQ_VM_H */
