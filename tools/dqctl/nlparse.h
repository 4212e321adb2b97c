/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading dirtyquota's netlink messages and the kernel's extended acks.
 */
#ifndef DQ_NLPARSE_H
#define DQ_NLPARSE_H

#include <linux/netlink.h>

#include "ipc.h"
#include "model.h"

/* A VM_* or VCPU_* message; attributes dqctl does not know are skipped. */
int dq_nl_parse_vm(const struct nlmsghdr *h, struct dq_vm *vm);
int dq_nl_parse_vcpu(const struct nlmsghdr *h, struct dq_vcpu *vcpu);

/*
 * Fills @e->msg and @e->attr from the extended ack TLVs of an NLMSG_ERROR
 * or NLMSG_DONE @h; @req is the request it answers, for the offset of a
 * bad attribute, and @attr_name names the attributes of its set.
 */
void dq_nl_parse_extack(const struct nlmsghdr *h, const struct nlmsghdr *req,
			const char *(*attr_name)(int attr),
			struct dq_ipc_error *e);

#endif /* DQ_NLPARSE_H */
