/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _DQ_NETLINK_H
#define _DQ_NETLINK_H

struct dq_vm;
struct dq_vcpu;

int dq_nl_init(void);
void dq_nl_exit(void);

/* Events for the "events" multicast group; never from the per-page path. */
void dq_nl_vm_new(struct dq_vm *vm);
void dq_nl_vm_del(struct dq_vm *vm);
void dq_nl_mode_change(struct dq_vm *vm);
void dq_nl_quota_full(struct dq_vm *vm, struct dq_vcpu *dv);

#endif /* _DQ_NETLINK_H */
