// SPDX-License-Identifier: GPL-2.0
/*
 * dirtyquota: per-vCPU dirty memory accounting and quotas for KVM.
 */
#include <linux/module.h>

#include "dev.h"
#include "netlink.h"
#include "vm.h"

static int __init dq_init(void)
{
	int ret;

	/* Tracking starts with events for every VM: netlink goes first. */
	ret = dq_nl_init();
	if (ret)
		goto err_nl;
	ret = dq_vm_init();
	if (ret)
		goto err_vm;
	ret = dq_dev_init();
	if (ret)
		goto err_dev;

	pr_info("version %s loaded\n", DQ_VERSION);
	return 0;

err_dev:
	dq_vm_exit();
	dq_nl_exit();
	dq_vm_finish();
	return ret;
err_vm:
	dq_nl_exit();
err_nl:
	return ret;
}

static void __exit dq_exit(void)
{
	dq_dev_exit();
	dq_vm_exit();
	dq_nl_exit();
	dq_vm_finish();
}

module_init(dq_init);
module_exit(dq_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-vCPU dirty memory quotas for KVM");
MODULE_AUTHOR("The dirtyquota developers");
MODULE_VERSION(DQ_VERSION);
