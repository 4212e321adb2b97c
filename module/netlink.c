// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "dirtyquota": not implemented yet.
 */
#include "netlink.h"

int dq_nl_init(void)
{
	return 0;
}

void dq_nl_exit(void)
{
}

void dq_nl_vm_new(struct dq_vm *vm)
{
}

void dq_nl_vm_del(struct dq_vm *vm)
{
}

void dq_nl_mode_change(struct dq_vm *vm)
{
}

void dq_nl_quota_full(struct dq_vm *vm, struct dq_vcpu *dv)
{
}
