// SPDX-License-Identifier: GPL-2.0
/*
 * The dirty provider: follows KVM's VMs and vCPUs and counts the pages
 * that dirty logging records for each of them.
 */
#include <linux/kvm_dirty_provider.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vm.h"

static void *dq_vm_create(struct kvm *kvm)
{
	struct dq_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);

	if (!vm)
		return NULL;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	vm->kvm = kvm;
	return vm;
}

static void dq_vm_free(struct kref *ref)
{
	struct dq_vm *vm = container_of(ref, struct dq_vm, ref);

	mutex_destroy(&vm->lock);
	kfree_rcu(vm, rcu);
}

void dq_vm_put(struct dq_vm *vm)
{
	kref_put(&vm->ref, dq_vm_free);
}

/* A reference on the VM's struct kvm, or NULL once it is going away. */
struct kvm *dq_vm_get_kvm(struct dq_vm *vm)
{
	struct kvm *kvm = NULL;

	mutex_lock(&vm->lock);
	if (!vm->dead && kvm_get_kvm_safe(vm->kvm))
		kvm = vm->kvm;
	mutex_unlock(&vm->lock);
	return kvm;
}

static void dq_vm_destroy(struct kvm *kvm)
{
	struct dq_vm *vm = kvm->dirty_provider_data;

	mutex_lock(&vm->lock);
	vm->dead = true;
	vm->kvm = NULL;
	mutex_unlock(&vm->lock);
	dq_vm_put(vm);
}

static void *dq_vcpu_create(struct kvm_vcpu *vcpu)
{
	/* On failure the vCPU's pages count as unattributed. */
	return kzalloc(sizeof(struct dq_vcpu), GFP_KERNEL_ACCOUNT);
}

static void dq_vcpu_destroy(struct kvm_vcpu *vcpu)
{
	kfree(vcpu->dirty_provider_data);
}

static void dq_page_dirtied(struct kvm *kvm, struct kvm_vcpu *vcpu,
			    const struct kvm_memory_slot *slot, gfn_t gfn)
{
	struct dq_vcpu *dv = vcpu ? READ_ONCE(vcpu->dirty_provider_data) : NULL;
	struct dq_vm *vm = READ_ONCE(kvm->dirty_provider_data);

	if (likely(dv))
		dq_account(NULL, &dv->count, PAGE_SIZE);
	else if (vm)
		dq_account(&vm->count, NULL, PAGE_SIZE);
}

static int dq_vcpu_stop(struct kvm_vcpu *vcpu)
{
	return 1;
}

static const struct kvm_dirty_provider_ops dq_provider_ops = {
	.owner		= THIS_MODULE,
	.vm_init	= dq_vm_create,
	.vm_destroy	= dq_vm_destroy,
	.vcpu_init	= dq_vcpu_create,
	.vcpu_destroy	= dq_vcpu_destroy,
	.page_dirtied	= dq_page_dirtied,
	.vcpu_stop	= dq_vcpu_stop,
};

int dq_vm_init(void)
{
	return kvm_dirty_provider_register(&dq_provider_ops);
}

void dq_vm_exit(void)
{
	kvm_dirty_provider_unregister(&dq_provider_ops);
}
