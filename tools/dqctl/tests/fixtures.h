/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake VMs and vCPUs, as the kernel would send them, for the renderers.
 */
#ifndef DQ_TEST_FIXTURES_H
#define DQ_TEST_FIXTURES_H

#include <string.h>

#include "model.h"

#define VM_BIT(a)	DQ_BIT(DIRTYQUOTA_A_VM_##a)
#define VCPU_BIT(a)	DQ_BIT(DIRTYQUOTA_A_VCPU_##a)

#define VM_ALL	(VM_BIT(ID) | VM_BIT(PID) | VM_BIT(COMM) | VM_BIT(STATS_ID) | \
		 VM_BIT(NR_VCPUS) | VM_BIT(MODE) | VM_BIT(BUDGET) |	      \
		 VM_BIT(INTERVAL_NS) | VM_BIT(POOL) | VM_BIT(POOL_LEVEL) |    \
		 VM_BIT(POOL_CAP) | VM_BIT(BYTES_DIRTIED) |		      \
		 VM_BIT(BYTES_UNATTRIBUTED) | VM_BIT(ATTACHED) |	      \
		 VM_BIT(EXIT_ALLOWED) | VM_BIT(DIRTY_LOGGING) |		      \
		 VM_BIT(MAX_STALL_NS) | VM_BIT(HARVESTS))

/* What a vCPU always has; then the quota counters outside observe mode. */
#define VCPU_BASE (VCPU_BIT(VM_ID) | VCPU_BIT(INDEX) | VCPU_BIT(ID) |	      \
		   VCPU_BIT(TRACKED) | VCPU_BIT(BYTES_DIRTIED) |	      \
		   VCPU_BIT(DIRTY_RATE) | VCPU_BIT(STOPS) |		      \
		   VCPU_BIT(THROTTLED_NS) | VCPU_BIT(POOL_DRAWN) |	      \
		   VCPU_BIT(STOPPED) | VCPU_BIT(KVM_BYTES))
#define VCPU_QUOTA (VCPU_BIT(BYTES_INTERVAL) | VCPU_BIT(QUOTA))
/* Once the VM's dirty bitmap was harvested. */
#define VCPU_PASS (VCPU_BIT(PASS_BYTES) | VCPU_BIT(LAST_PASS_BYTES))

static struct dq_vcpu fx_vcpus1[] = {
	{ .has = VCPU_BASE | VCPU_QUOTA | VCPU_PASS, .vm_id = 3, .index = 0,
	  .id = 0, .tracked = true, .bytes_dirtied = 1610612736ULL,
	  .dirty_rate = 10485760, .bytes_interval = 204800, .quota = 262144,
	  .stops = 12, .throttled_ns = 1200000000, .pool_drawn = 4096,
	  .kvm_bytes = 16777216, .pass_bytes = 33554432,
	  .last_pass_bytes = 67108864 },
	{ .has = VCPU_BASE | VCPU_QUOTA | VCPU_PASS | VCPU_BIT(RATE),
	  .vm_id = 3, .index = 1, .id = 2, .tracked = true,
	  .bytes_dirtied = 4096, .kvm_bytes = 4096,
	  .dirty_rate = 0, .rate = 1048576, .bytes_interval = 0,
	  .quota = 10485, .stopped = true, .stops = 1,
	  .throttled_ns = 5000 },
	{ .has = VCPU_BIT(VM_ID) | VCPU_BIT(INDEX) | VCPU_BIT(ID) |
		 VCPU_BIT(TRACKED), .vm_id = 3, .index = 2, .id = 4 },
	{ .has = VCPU_BASE | VCPU_QUOTA | VCPU_PASS | VCPU_BIT(RATE),
	  .vm_id = 3, .index = 3, .id = 6, .tracked = true, .bytes_dirtied = 0,
	  .rate = DIRTYQUOTA_UNLIMITED, .quota = DIRTYQUOTA_UNLIMITED },
};

static struct dq_vcpu fx_vcpus2[] = {
	{ .has = VCPU_BASE, .vm_id = 7, .index = 0, .id = 0, .tracked = true,
	  .bytes_dirtied = 999, .dirty_rate = 2048 },
};

static void fx_vms(struct dq_vm *vms)
{
	memset(vms, 0, 2 * sizeof(*vms));
	vms[0].has = VM_ALL;
	vms[0].id = 3;
	vms[0].pid = 1234;
	strcpy(vms[0].comm, "qemu-system-x86");
	strcpy(vms[0].stats_id, "kvm-1234");
	strcpy(vms[0].name, "db \"primary\"");
	vms[0].nr_vcpus = 4;
	vms[0].mode = DIRTYQUOTA_MODE_SLEEP;
	vms[0].budget = 104857600;
	vms[0].interval_ns = 10000000;
	vms[0].pool = true;
	vms[0].pool_level = 524288;
	vms[0].pool_cap = 1048576;
	vms[0].bytes_dirtied = 1610616832ULL;
	vms[0].bytes_unattributed = 12288;
	vms[0].attached = true;
	vms[0].exit_allowed = true;
	vms[0].dirty_logging = true;
	vms[0].max_stall_ns = 50000000;
	vms[0].has |= VM_BIT(HARVEST_AGE_NS);
	vms[0].harvests = 5;
	vms[0].harvest_age_ns = 1200000000;
	vms[0].vcpus = fx_vcpus1;
	vms[0].nr_vcpu_entries = 4;

	/* A VM in observe mode whose process is gone: no comm, no name. */
	vms[1].has = VM_ALL & ~VM_BIT(COMM);
	vms[1].id = 7;
	vms[1].pid = 99;
	strcpy(vms[1].stats_id, "kvm-99");
	vms[1].nr_vcpus = 1;
	vms[1].budget = DIRTYQUOTA_UNLIMITED;
	vms[1].interval_ns = 10000000;
	vms[1].pool = true;
	vms[1].max_stall_ns = 100000000;
	vms[1].bytes_dirtied = 999;
	vms[1].vcpus = fx_vcpus2;
	vms[1].nr_vcpu_entries = 1;
}

#endif /* DQ_TEST_FIXTURES_H */
