// SPDX-License-Identifier: GPL-2.0
/*
 * dqctl set-quota VM VCPU RATE|share|unlimited
 */
#include "args.h"
#include "commands.h"
#include "report.h"

const char dq_help_setquota[] =
"Usage: dqctl set-quota VM VCPU RATE|share|unlimited\n"
"\n"
"Gives vCPU number VCPU (its index, as 'dqctl show' lists it) of a VM its\n"
"own dirty rate, in bytes per second (0: only the page whose write finds\n"
"it over, then one page each time max-stall lets it in), or no limit, or\n"
"puts it back on the equal share of the VM's budget.\n"
"Needs CAP_SYS_ADMIN.  RATE is as in 'dqctl set': 4096, 64K, 100MiB/s,\n"
"1Gbit/s.\n";

int dq_cmd_setquota(int argc, char **argv, bool json)
{
	char err[DQ_ARGS_ERR_LEN];
	struct dq_setquota_args a;
	struct dq_ipc *ipc;
	int ret;

	ret = dq_parse_setquota(argc, argv, &a, err);
	if (ret)
		return dq_args_done(ret, "set-quota", dq_help_setquota, err);
	ret = dq_open(&ipc);
	if (ret)
		return ret;
	ret = dq_find_vm(ipc, "set-quota", a.vm, &a.set.vm_id);
	if (!ret) {
		ret = dq_ipc_set_vcpu(ipc, &a.set);
		if (ret)
			ret = dq_report_ipc("set-quota",
					    dq_ipc_last_error(ipc), ret, true);
	}
	dq_ipc_close(ipc);
	return ret;
}
