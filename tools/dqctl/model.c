// SPDX-License-Identifier: GPL-2.0
/*
 * Names of modes, attributes and events, as the YAML spec spells them.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char * const modes[] = {
	[DIRTYQUOTA_MODE_OBSERVE] = "observe",
	[DIRTYQUOTA_MODE_SLEEP] = "sleep",
	[DIRTYQUOTA_MODE_EXIT] = "exit",
};

static const char * const vm_attrs[] = {
	[DIRTYQUOTA_A_VM_PAD] = "pad",
	[DIRTYQUOTA_A_VM_ID] = "id",
	[DIRTYQUOTA_A_VM_PID] = "pid",
	[DIRTYQUOTA_A_VM_COMM] = "comm",
	[DIRTYQUOTA_A_VM_STATS_ID] = "stats-id",
	[DIRTYQUOTA_A_VM_NR_VCPUS] = "nr-vcpus",
	[DIRTYQUOTA_A_VM_MODE] = "mode",
	[DIRTYQUOTA_A_VM_OLD_MODE] = "old-mode",
	[DIRTYQUOTA_A_VM_BUDGET] = "budget",
	[DIRTYQUOTA_A_VM_INTERVAL_NS] = "interval-ns",
	[DIRTYQUOTA_A_VM_POOL] = "pool",
	[DIRTYQUOTA_A_VM_POOL_LEVEL] = "pool-level",
	[DIRTYQUOTA_A_VM_POOL_CAP] = "pool-cap",
	[DIRTYQUOTA_A_VM_BYTES_DIRTIED] = "bytes-dirtied",
	[DIRTYQUOTA_A_VM_BYTES_UNATTRIBUTED] = "bytes-unattributed",
	[DIRTYQUOTA_A_VM_ATTACHED] = "attached",
	[DIRTYQUOTA_A_VM_EXIT_ALLOWED] = "exit-allowed",
	[DIRTYQUOTA_A_VM_DIRTY_LOGGING] = "dirty-logging",
	[DIRTYQUOTA_A_VM_MAX_STALL_NS] = "max-stall-ns",
	[DIRTYQUOTA_A_VM_HARVESTS] = "harvests",
	[DIRTYQUOTA_A_VM_HARVEST_AGE_NS] = "harvest-age-ns",
};

static const char * const vcpu_attrs[] = {
	[DIRTYQUOTA_A_VCPU_PAD] = "pad",
	[DIRTYQUOTA_A_VCPU_VM_ID] = "vm-id",
	[DIRTYQUOTA_A_VCPU_INDEX] = "index",
	[DIRTYQUOTA_A_VCPU_ID] = "id",
	[DIRTYQUOTA_A_VCPU_TRACKED] = "tracked",
	[DIRTYQUOTA_A_VCPU_BYTES_DIRTIED] = "bytes-dirtied",
	[DIRTYQUOTA_A_VCPU_DIRTY_RATE] = "dirty-rate",
	[DIRTYQUOTA_A_VCPU_RATE] = "rate",
	[DIRTYQUOTA_A_VCPU_SHARE] = "share",
	[DIRTYQUOTA_A_VCPU_BYTES_INTERVAL] = "bytes-interval",
	[DIRTYQUOTA_A_VCPU_QUOTA] = "quota",
	[DIRTYQUOTA_A_VCPU_STOPS] = "stops",
	[DIRTYQUOTA_A_VCPU_THROTTLED_NS] = "throttled-ns",
	[DIRTYQUOTA_A_VCPU_POOL_DRAWN] = "pool-drawn",
	[DIRTYQUOTA_A_VCPU_STOPPED] = "stopped",
	[DIRTYQUOTA_A_VCPU_PASS_BYTES] = "pass-bytes",
	[DIRTYQUOTA_A_VCPU_LAST_PASS_BYTES] = "last-pass-bytes",
	[DIRTYQUOTA_A_VCPU_KVM_BYTES] = "kvm-bytes",
};

static const char * const events[] = {
	[DIRTYQUOTA_CMD_VM_NEW_NTF] = "vm-new",
	[DIRTYQUOTA_CMD_VM_DEL_NTF] = "vm-del",
	[DIRTYQUOTA_CMD_MODE_CHANGE_NTF] = "mode-change",
	[DIRTYQUOTA_CMD_QUOTA_FULL_NTF] = "quota-full",
};

static const char *lookup(const char * const *names, size_t n, long i)
{
	return i >= 0 && (size_t)i < n ? names[i] : NULL;
}

static int rlookup(const char * const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return i;
	return -1;
}

const char *dq_mode_name(uint32_t mode)
{
	return lookup(modes, ARRAY_SIZE(modes), mode);
}

int dq_mode_parse(const char *s, uint32_t *mode)
{
	int i = rlookup(modes, ARRAY_SIZE(modes), s);

	if (i < 0)
		return -1;
	*mode = i;
	return 0;
}

const char *dq_vm_attr_name(int attr)
{
	return lookup(vm_attrs, ARRAY_SIZE(vm_attrs), attr);
}

const char *dq_vcpu_attr_name(int attr)
{
	return lookup(vcpu_attrs, ARRAY_SIZE(vcpu_attrs), attr);
}

const char *dq_event_name(uint8_t cmd)
{
	return lookup(events, ARRAY_SIZE(events), cmd);
}

int dq_event_parse(const char *s, uint8_t *cmd)
{
	int i = rlookup(events, ARRAY_SIZE(events), s);

	if (i < 0)
		return -1;
	*cmd = i;
	return 0;
}

void dq_vm_free_vcpus(struct dq_vm *vms, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(vms[i].vcpus);
		vms[i].vcpus = NULL;
		vms[i].nr_vcpu_entries = 0;
	}
}
