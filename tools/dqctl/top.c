// SPDX-License-Identifier: GPL-2.0
/*
 * dqctl top: a refreshing view of every vCPU's dirty rate and throttling.
 */
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "render.h"
#include "report.h"

const char dq_help_top[] =
"Usage: dqctl top [-b] [-j] [-d DELAY] [-n ITERATIONS] [VM]\n"
"\n"
"Shows every vCPU (of every VM, or of VM) by dirty rate, with what it\n"
"dirtied in its VM's last pass (between the last two harvests of a dirty\n"
"bitmap), KVM's own share of its count, its limit, the share of time it\n"
"was held back and how often it was stopped since the last refresh.  Runs until interrupted.  Needs what 'dqctl show' needs.\n"
"\n"
"  -b, --batch             no screen control, frames one after another\n"
"                          (the default when the output is not a terminal)\n"
"  -j, --json              one JSON document per line and refresh, as\n"
"                          'dqctl show -j' with \"time_ns\" added\n"
"  -d, --delay DELAY       between refreshes: 2, 500ms, ... (default 1 s)\n"
"  -n, --iterations N      exit after N refreshes\n"
"  -h, --help              this text\n";

#define CLEAR_SCREEN	"\033[H\033[2J"
#define TOP_LINES	4	/* title, blank line, header, cursor */

static size_t screen_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || ws.ws_row <= TOP_LINES)
		return 0;
	return ws.ws_row - TOP_LINES;
}

static void frame(const struct dq_top_args *a, const struct dq_sample *prev,
		  const struct dq_sample *cur)
{
	if (a->json) {
		dq_render_show_json(stdout, cur->vms, cur->nr, false,
				    &cur->time_ns);
	} else if (a->batch) {
		dq_render_top(stdout, prev, cur, 0);
		fputc('\n', stdout);
	} else {
		fputs(CLEAR_SCREEN, stdout);
		dq_render_top(stdout, prev, cur, screen_rows());
	}
	fflush(stdout);
}

static int run(struct dq_ipc *ipc, const struct dq_top_args *a)
{
	struct dq_sample s[2] = { { 0 } }, *cur, *prev = NULL;
	uint64_t i;
	int ret = 0;

	for (i = 0; !dq_interrupted(); i++) {
		cur = &s[i & 1];
		ret = dq_list_vms(ipc, "top", a->vm, DQ_LIST_VCPUS, &cur->vms,
				  &cur->nr);
		if (ret)
			break;
		cur->time_ns = dq_now_ns();
		frame(a, prev, cur);
		if (prev)
			dq_free_vms(prev->vms, prev->nr);
		prev = cur;
		if (a->iterations && i + 1 >= a->iterations)
			break;
		dq_wait(-1, a->delay_ns);
	}
	if (prev)
		dq_free_vms(prev->vms, prev->nr);
	return dq_interrupted() ? DQ_EXIT_OK : ret;
}

int dq_cmd_top(int argc, char **argv, bool json)
{
	char err[DQ_ARGS_ERR_LEN];
	struct dq_top_args a;
	struct dq_ipc *ipc;
	int ret;

	ret = dq_parse_top(argc, argv, &a, err);
	if (ret)
		return dq_args_done(ret, "top", dq_help_top, err);
	a.json |= json;
	if (!isatty(STDOUT_FILENO))
		a.batch = true;
	ret = dq_open(&ipc);
	if (ret)
		return ret;
	dq_catch_signals();
	ret = run(ipc, &a);
	dq_ipc_close(ipc);
	return ret;
}
