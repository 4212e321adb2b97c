/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _DQ_NETLINK_H
#define _DQ_NETLINK_H

#include <linux/types.h>

struct dq_vm;
struct dq_vcpu_full;

int dq_nl_init(void);
void dq_nl_exit(void);

/* Events for the "events" multicast group; never from the per-page path. */
void dq_nl_vm_new(struct dq_vm *vm, const char *stats_id);
void dq_nl_vm_del(struct dq_vm *vm, u64 bytes_dirtied);
void dq_nl_mode_change(struct dq_vm *vm, u32 old_mode, u32 mode);
void dq_nl_quota_full(struct dq_vm *vm, const struct dq_vcpu_full *e);

#endif /* _DQ_NETLINK_H */
