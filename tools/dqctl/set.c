// SPDX-License-Identifier: GPL-2.0
/*
 * dqctl set VM [mode M] [budget RATE] [interval DURATION] [pool on|off]
 *              [max-stall DURATION]
 */
#include "args.h"
#include "commands.h"
#include "report.h"

const char dq_help_set[] =
"Usage: dqctl set VM [mode observe|sleep|exit] [budget RATE|unlimited]\n"
"                    [interval DURATION] [pool on|off]\n"
"                    [max-stall DURATION]\n"
"\n"
"Changes the quota settings of a VM, all at once; at least one of them.\n"
"Needs CAP_SYS_ADMIN.\n"
"\n"
"  mode       observe: count only; sleep: a vCPU over its quota sleeps in\n"
"             the kernel; exit: KVM_RUN returns to a VMM that asked for it\n"
"  budget     bytes per second the whole VM may dirty: 4096, 64K, 100MiB/s,\n"
"             1Gbit/s, ... or unlimited\n"
"  interval   the quota interval: 10ms, 500us, 0.1s (1 ms to 1 s)\n"
"  pool       whether unused equal shares go to a common pool\n"
"  max-stall  the longest a vCPU is held at once: 100ms (the default), 1s,\n"
"             ... (1 ms to 10 s); then it lets at least one page through, so\n"
"             a held vCPU dirties at least 4 KiB per max-stall\n"
"\n"
"VM is as in 'dqctl show'.  K, M, G are powers of 1024, like KiB, MiB, GiB;\n"
"kB, MB, GB are powers of 1000; kbit, Mbit, Gbit count bits.\n";

int dq_cmd_set(int argc, char **argv, bool json)
{
	char err[DQ_ARGS_ERR_LEN];
	struct dq_set_args a;
	struct dq_ipc *ipc;
	int ret;

	ret = dq_parse_set(argc, argv, &a, err);
	if (ret)
		return dq_args_done(ret, "set", dq_help_set, err);
	ret = dq_open(&ipc);
	if (ret)
		return ret;
	ret = dq_find_vm(ipc, "set", a.vm, &a.set.id);
	if (!ret) {
		ret = dq_ipc_set_vm(ipc, &a.set);
		if (ret)
			ret = dq_report_ipc("set", dq_ipc_last_error(ipc), ret,
					    true);
	}
	dq_ipc_close(ipc);
	return ret;
}
