/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What dqctl knows about VMs, vCPUs and events: plain structs filled from
 * the netlink attributes of the same names (see uapi/linux/dirtyquota.h).
 * @has holds BIT(attr) for every attribute the kernel sent, so optional
 * values (a vCPU's own rate, counters outside observe mode) can be told
 * apart from zero.
 */
#ifndef DQ_MODEL_H
#define DQ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/dirtyquota.h>

#define DQ_BIT(attr)		(1ULL << (attr))
#define DQ_HAS(obj, attr)	(!!((obj)->has & DQ_BIT(attr)))

struct dq_vcpu {
	uint64_t has;
	uint64_t vm_id;
	uint32_t index;
	uint32_t id;
	bool tracked;
	bool stopped;
	uint64_t bytes_dirtied;
	uint64_t dirty_rate;
	uint64_t rate;			/* own rate, if DQ_HAS(RATE) */
	uint64_t bytes_interval;
	uint64_t quota;
	uint64_t stops;
	uint64_t throttled_ns;
	uint64_t pool_drawn;
	uint64_t kvm_bytes;		/* of bytes_dirtied, KVM's PV writes */
	uint64_t pass_bytes;		/* since the VM's last harvest */
	uint64_t last_pass_bytes;	/* between its last two */
};

struct dq_vm {
	uint64_t has;
	uint64_t id;
	uint32_t pid;
	char comm[64];
	char stats_id[64];
	uint32_t nr_vcpus;
	uint32_t mode;
	uint32_t old_mode;
	uint64_t budget;
	uint64_t interval_ns;
	bool pool;
	uint64_t pool_level;
	uint64_t pool_cap;
	uint64_t bytes_dirtied;
	uint64_t bytes_unattributed;
	bool attached;
	bool exit_allowed;
	bool dirty_logging;
	uint64_t max_stall_ns;
	uint64_t harvests;		/* of its dirty bitmap */
	uint64_t harvest_age_ns;	/* since the last, if harvests */

	/* Not from the kernel: filled in by dqctl. */
	char name[128];			/* QEMU's -name, or "" */
	struct dq_vcpu *vcpus;
	size_t nr_vcpu_entries;
};

/* A notification from the "events" group; @cmd is DIRTYQUOTA_CMD_*_NTF. */
struct dq_event {
	uint8_t cmd;
	struct dq_vm vm;		/* VM_NEW, VM_DEL, MODE_CHANGE */
	struct dq_vcpu vcpu;		/* QUOTA_FULL */
};

/* A VM_SET request: the fields named in @has are changed. */
struct dq_vm_set {
	uint64_t has;			/* DQ_BIT(DIRTYQUOTA_A_VM_*) */
	uint64_t id;
	uint32_t mode;
	uint64_t budget;
	uint64_t interval_ns;
	bool pool;
	uint64_t max_stall_ns;
};

/* A VCPU_SET request: either @share, or @rate. */
struct dq_vcpu_set {
	uint64_t vm_id;
	uint32_t index;
	bool share;
	uint64_t rate;
};

const char *dq_mode_name(uint32_t mode);
int dq_mode_parse(const char *s, uint32_t *mode);
const char *dq_vm_attr_name(int attr);
const char *dq_vcpu_attr_name(int attr);
const char *dq_event_name(uint8_t cmd);
int dq_event_parse(const char *s, uint8_t *cmd);
void dq_vm_free_vcpus(struct dq_vm *vms, size_t nr);

#endif /* DQ_MODEL_H */
