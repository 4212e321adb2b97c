// SPDX-License-Identifier: GPL-2.0
/*
 * dqctl monitor: events as they arrive.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "render.h"
#include "report.h"
#include "vmname.h"

const char dq_help_monitor[] =
"Usage: dqctl monitor [-j] [-c COUNT] [-t TIMEOUT] [EVENT...]\n"
"\n"
"Prints dirtyquota's events as they arrive, until interrupted (SIGINT or\n"
"SIGTERM: exit status 0).  EVENT is vm-new, vm-del, mode-change or\n"
"quota-full; without one, all are shown.  Needs CAP_SYS_ADMIN.\n"
"\n"
"  -j, --json           one JSON object per line (see dqctl(8))\n"
"  -c, --count COUNT    exit after COUNT events\n"
"  -t, --timeout TIME   exit after TIME (5, 500ms, ...); with -c, fail\n"
"                       (exit status 1) if fewer than COUNT events came\n"
"  -h, --help           this text\n";

struct monitor {
	struct dq_monitor_args a;
	uint64_t seen;
};

static int on_event(const struct dq_event *ev, void *arg)
{
	struct monitor *m = arg;
	struct dq_vm vm = ev->vm;

	if (m->a.events && !(m->a.events & (1u << ev->cmd)))
		return 0;
	vm.name[0] = '\0';
	if (ev->cmd == DIRTYQUOTA_CMD_VM_NEW_NTF)
		dq_vm_fill_names(&vm, 1);
	if (m->a.json)
		dq_render_event_json(stdout, ev, vm.name);
	else
		dq_render_event(stdout, ev, vm.name);
	fflush(stdout);
	return m->a.count && ++m->seen >= m->a.count;
}

static int timed_out(const struct monitor *m)
{
	if (!m->a.count)
		return DQ_EXIT_OK;
	dq_err("monitor: timed out with %llu of %llu events",
	       (unsigned long long)m->seen, (unsigned long long)m->a.count);
	return DQ_EXIT_FAIL;
}

static int listen(struct dq_ipc *ipc, int fd, struct monitor *m)
{
	uint64_t deadline = 0, left = 0, now;
	int err;

	if (m->a.timeout_ns)
		deadline = dq_now_ns() + m->a.timeout_ns;
	while (!dq_interrupted()) {
		if (deadline) {
			now = dq_now_ns();
			if (now >= deadline)
				return timed_out(m);
			left = deadline - now;
		}
		err = dq_wait(fd, left);
		if (err == -EINTR)
			continue;
		if (err < 0)
			return dq_report_ipc("monitor", NULL, err, false);
		if (!err)
			continue;
		err = dq_ipc_recv_events(ipc, on_event, m);
		if (err > 0)
			return DQ_EXIT_OK;
		if (err == -ENOBUFS)
			dq_err("monitor: events were lost (too many at once)");
		else if (err < 0)
			return dq_report_ipc("monitor", NULL, err, false);
	}
	return DQ_EXIT_OK;
}

int dq_cmd_monitor(int argc, char **argv, bool json)
{
	char err[DQ_ARGS_ERR_LEN];
	struct monitor m = { .seen = 0 };
	struct dq_ipc *ipc;
	int ret, fd;

	ret = dq_parse_monitor(argc, argv, &m.a, err);
	if (ret)
		return dq_args_done(ret, "monitor", dq_help_monitor, err);
	m.a.json |= json;
	ret = dq_open(&ipc);
	if (ret)
		return ret;
	dq_catch_signals();
	fd = dq_ipc_subscribe(ipc);
	if (fd == -EPERM || fd == -EACCES) {
		dq_err("monitor: %s (listening to events needs CAP_SYS_ADMIN)",
		       strerror(-fd));
		ret = DQ_EXIT_FAIL;
	} else if (fd < 0)
		ret = dq_report_ipc("monitor", dq_ipc_last_error(ipc), fd,
				    false);
	else
		ret = listen(ipc, fd, &m);
	dq_ipc_close(ipc);
	return ret;
}
