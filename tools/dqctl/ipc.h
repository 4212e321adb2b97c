/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The conversation with dirtyquota.ko over its generic netlink family.
 * Functions return 0 or a negative errno; after a failure,
 * dq_ipc_last_error() tells what the kernel said.
 */
#ifndef DQ_IPC_H
#define DQ_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct dq_ipc;

struct dq_ipc_error {
	int err;		/* positive errno, or 0 */
	char msg[256];		/* the kernel's extended ack message, or "" */
	char attr[32];		/* the attribute it points at, or "" */
	bool missing;		/* @attr is missing rather than wrong */
};

/* -ENOENT: the family does not exist (dirtyquota.ko is not loaded). */
int dq_ipc_open(struct dq_ipc **ipc);
void dq_ipc_close(struct dq_ipc *ipc);
const struct dq_ipc_error *dq_ipc_last_error(const struct dq_ipc *ipc);

int dq_ipc_get_vm(struct dq_ipc *ipc, uint64_t id, struct dq_vm *vm);
/* Arrays are malloc()ed; free them with free(). */
int dq_ipc_dump_vms(struct dq_ipc *ipc, struct dq_vm **vms, size_t *nr);
int dq_ipc_dump_vcpus(struct dq_ipc *ipc, uint64_t vm_id,
		      struct dq_vcpu **vcpus, size_t *nr);
int dq_ipc_set_vm(struct dq_ipc *ipc, const struct dq_vm_set *req);
int dq_ipc_set_vcpu(struct dq_ipc *ipc, const struct dq_vcpu_set *req);

/* Joins the "events" group; returns a descriptor to poll() on, or -errno. */
int dq_ipc_subscribe(struct dq_ipc *ipc);
/*
 * Reads what is pending on the event socket without blocking and calls
 * @fn for each event; a nonzero return from @fn stops.  -ENOBUFS means
 * events were lost; the socket stays usable.
 */
int dq_ipc_recv_events(struct dq_ipc *ipc,
		       int (*fn)(const struct dq_event *ev, void *arg),
		       void *arg);

#endif /* DQ_IPC_H */
