/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM names: QEMU's "-name guest=NAME,..." or "-name NAME" from the VMM's
 * command line, and finding the VM a user means.
 */
#ifndef DQ_VMNAME_H
#define DQ_VMNAME_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* The guest name in a NUL-separated command line of @len bytes. */
bool dq_cmdline_vm_name(const char *buf, size_t len, char *name,
			size_t size);
/* Fills vm->name from /proc/PID/cmdline for each VM that has a PID. */
void dq_vm_fill_names(struct dq_vm *vms, size_t nr);

/*
 * Finds the one VM that @spec names: "id:N", "pid:N", "name:NAME", or
 * bare: a number is a VM id if such a VM exists, else a PID; anything
 * else is a name (QEMU's -name, or KVM's stats id "kvm-PID").  Returns its
 * index in @vms, or -1 with the reason in @err.
 */
long dq_resolve_vm(const struct dq_vm *vms, size_t nr, const char *spec,
		   char *err, size_t errlen);

#endif /* DQ_VMNAME_H */
