// SPDX-License-Identifier: GPL-2.0
/*
 * dqctl show [VM]: the VMs and their vCPUs.
 */
#include <inttypes.h>
#include <stdio.h>

#include "args.h"
#include "commands.h"
#include "render.h"
#include "report.h"

const char dq_help_show[] =
"Usage: dqctl show [-j] [VM]\n"
"\n"
"Shows every VM that dirtyquota tracks, or one, with its settings and\n"
"counters and a table of its vCPUs.  VM is a VM id, the PID of its VMM or\n"
"its name (QEMU's -name); id:N, pid:N and name:NAME say which.  A bare\n"
"number is an id if such a VM exists, else a PID.  Needs CAP_SYS_ADMIN,\n"
"or membership of the group in " DQ_READ_GROUP_PATH ".\n"
"\n"
"With a dirty bitmap a page counts once per harvest of the log, so a guest\n"
"that rewrites its pages shows 0 B/s between harvests: PASS and LAST are\n"
"what each vCPU dirtied since the last harvest and in the pass before it.\n"
"KVM is the part of a vCPU's count that KVM wrote itself (steal time,\n"
"kvmclock, ...), which never stops it.\n"
"\n"
"  -j, --json   one JSON document (see dqctl(8))\n"
"  -h, --help   this text\n";

int dq_cmd_show(int argc, char **argv, bool json)
{
	char err[DQ_ARGS_ERR_LEN];
	struct dq_show_args a;
	struct dq_ipc *ipc;
	struct dq_vm *vms;
	size_t nr, i;
	int ret;

	ret = dq_parse_show(argc, argv, &a, err);
	if (ret)
		return dq_args_done(ret, "show", dq_help_show, err);
	ret = dq_open(&ipc);
	if (ret)
		return ret;
	ret = dq_list_vms(ipc, "show", a.vm, a.ids ? 0 : DQ_LIST_VCPUS, &vms,
			  &nr);
	dq_ipc_close(ipc);
	if (ret)
		return ret;
	if (a.ids)
		for (i = 0; i < nr; i++)
			printf("%" PRIu64 "\n", vms[i].id);
	else if (a.json || json)
		dq_render_show_json(stdout, vms, nr, true, NULL);
	else
		dq_render_show(stdout, vms, nr);
	dq_free_vms(vms, nr);
	return DQ_EXIT_OK;
}
