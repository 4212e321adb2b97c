/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _DQ_VM_H
#define _DQ_VM_H

#include <linux/hrtimer.h>
#include <linux/kvm_dirty_provider.h>
#include <linux/kvm_host.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "account.h"
#include "quota.h"
#include "stats.h"

struct kvm;
struct kvm_vcpu;
struct dq_file;

/* The settings of a VM; changed only through dq_vm_configure(). */
struct dq_config {
	u32 mode;		/* DIRTYQUOTA_MODE_* */
	bool pool;
	u64 budget;		/* bytes per second or DQ_UNLIMITED */
	u64 interval_ns;
	u64 max_stall_ns;	/* longest a vCPU is held at once */
};

/*
 * One per tracked VM, in kvm->dirty_provider_data.  The provider holds a
 * reference until the VM is destroyed, an attached file holds another.
 */
struct dq_vm {
	struct dq_vm_count count;
	struct kref ref;
	struct rcu_head rcu;
	struct list_head node;		/* in the list of all VMs */
	u64 id;				/* never reused while loaded */
	pid_t pid;			/* the VMM's process */

	struct mutex lock;		/* protects the fields below it */
	struct kvm *kvm;		/* NULL once dead */
	struct dq_file *attached;
	bool exit_allowed;
	bool dead;

	spinlock_t qlock;		/* protects the fields below it */
	struct dq_config cfg;
	u32 nr_vcpus;
	u32 nr_own;			/* of them with a rate of their own */
	u64 epoch;			/* ktime of interval 0 */
	u64 interval_no;		/* the last interval rolled */
	u64 pool;
	u64 pool_cap;
	u64 bytes_gone;			/* dirtied by destroyed vCPUs */
	u64 harvests;			/* of the dirty bitmap, see harvest.c */
	u64 harvest_ns;			/* ktime of the last, if any */
	struct xarray vcpus;		/* vcpu_idx -> struct dq_vcpu */

	struct hrtimer timer;		/* rolls intervals unless observing */

	/* The last reference on kvm that a reader dropped, for a worker. */
	struct work_struct put_work;
	struct kvm *put_kvm;
};

/* One per tracked vCPU, in vcpu->dirty_provider_data. */
struct dq_vcpu {
	struct kvm_vcpu *vcpu;		/* destroyed after its dq_vcpu */
	u64 pages_base;			/* its pages_dirtied stat then */
	bool on_ring;			/* the VM has a dirty ring */
	/*
	 * With the ring, written only by the vCPU's thread, on every page;
	 * count.kvm_bytes with a bitmap under vm->qlock, by harvests.
	 */
	struct dq_vcpu_count count;
	bool stop_pending;
	bool granted;			/* let in; not in the guest yet */
	u64 granted_exits;		/* vcpu->stat.exits then */
	u64 stall_start;		/* when this stop began, or 0 */
	struct dq_ring_seen ring;

	/* Written under vm->qlock; q.threshold is read on every page. */
	struct dq_quota q ____cacheline_aligned_in_smp;
	u64 rate;			/* own rate, or DQ_RATE_SHARE */
	u64 pool_drawn;
	u64 stops;
	u64 throttled_ns;
	u32 sleepers;			/* the vCPU itself, DIRTYQUOTA_IOC_WAIT */
	u64 sleep_start;		/* when sleepers went from 0 to 1 */
	wait_queue_head_t wq;		/* sleepers */
	u64 event_interval;		/* last quota-full event, +1 */
	struct dq_rate rate_sample;	/* the rate clock's, dq_rate_tick() */
	u64 dirty_rate;			/* bytes/s over its last window */
	u64 pass_base;			/* dq_vcpu_bytes() at the last harvest */
	u64 last_pass;			/* bytes between the last two */
	u32 index;
	u32 id;
	struct rcu_head rcu;
} ____cacheline_aligned_in_smp;

/* What the control plane shows of a VM. */
struct dq_vm_info {
	u64 id;
	pid_t pid;
	u32 nr_vcpus;
	struct dq_config cfg;
	u64 pool;
	u64 pool_cap;
	u64 bytes_dirtied;
	u64 bytes_unattributed;
	bool attached;
	bool exit_allowed;
	bool dirty_logging;
	u64 harvests;
	u64 harvest_age_ns;		/* if harvests */
	char comm[TASK_COMM_LEN];
	char stats_id[KVM_STATS_NAME_SIZE];
};

/* A quota-full event. */
struct dq_vcpu_full {
	u32 index;
	u64 bytes_interval;
	u64 quota;
	u64 stops;
};

/*
 * What @dv dirtied so far.  With a dirty bitmap, KVM's pages_dirtied stat
 * since the vCPU was tracked (it goes down only if root clears it in
 * debugfs: then nothing until it is back where it was); with the ring,
 * the vCPU's own count, which leaves out KVM's repeated pages.
 */
static inline u64 dq_vcpu_bytes(const struct dq_vcpu *dv)
{
	u64 pages;

	if (dv->on_ring)
		return READ_ONCE(dv->count.bytes_dirtied);
	pages = kvm_dirty_provider_pages(dv->vcpu);
	return pages > dv->pages_base ?
	       (pages - dv->pages_base) << PAGE_SHIFT : 0;
}

/* harvest.c: KVM's log_harvest() callback. */
void dq_vm_log_harvest(struct kvm *kvm, const struct kvm_memory_slot *slot,
		       const unsigned long *bitmap);

struct dq_vm *dq_vm_find(u64 id);
struct dq_vm *dq_vm_next(u64 from_id);
int dq_vm_init(void);
void dq_vm_exit(void);
void dq_vm_finish(void);
void dq_vm_put(struct dq_vm *vm);
struct kvm *dq_vm_get_kvm(struct dq_vm *vm);
void dq_vm_put_kvm(struct dq_vm *vm, struct kvm *kvm);
void dq_vm_detach(struct dq_vm *vm, struct dq_file *dqf);

int dq_vm_configure(struct dq_vm *vm, u32 set, const struct dq_config *new,
		    const char **why);
void dq_vm_get_config(struct dq_vm *vm, struct dq_config *cfg, u64 *pool,
		      u64 *pool_cap);
void dq_vm_comm(pid_t pid, char *comm);
int dq_vm_get_info(struct dq_vm *vm, struct dq_vm_info *info);
int dq_vcpu_set_rate(struct dq_vm *vm, u32 index, bool share, u64 rate,
		     const char **why);
int dq_vcpu_wait(struct dq_vm *vm, u32 index);
void dq_vcpu_snapshot(struct dq_vm *vm, struct kvm_vcpu *vcpu,
		      struct dq_vcpu_snapshot *s);

#endif /* _DQ_VM_H */
