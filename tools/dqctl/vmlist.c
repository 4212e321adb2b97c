// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers the subcommands share: opening the family, listing and finding
 * VMs, signals and waiting.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "commands.h"
#include "report.h"
#include "vmname.h"

int dq_args_done(int ret, const char *cmd, const char *help, const char *err)
{
	if (ret == DQ_ARGS_HELP) {
		fputs(help, stdout);
		return DQ_EXIT_OK;
	}
	if (ret == DQ_ARGS_USAGE)
		dq_err("%s: %s (see 'dqctl help %s')", cmd, err, cmd);
	else
		dq_err("%s: %s", cmd, err);
	return ret;
}

int dq_open(struct dq_ipc **ipc)
{
	int err = dq_ipc_open(ipc);

	return err ? dq_report_open(err) : 0;
}

void dq_free_vms(struct dq_vm *vms, size_t nr)
{
	if (!vms)
		return;
	dq_vm_free_vcpus(vms, nr);
	free(vms);
}

static int add_vcpus(struct dq_ipc *ipc, const char *what, struct dq_vm *vms,
		     size_t *nr)
{
	size_t i = 0;
	int err;

	while (i < *nr) {
		err = dq_ipc_dump_vcpus(ipc, vms[i].id, &vms[i].vcpus,
					&vms[i].nr_vcpu_entries);
		if (err == -ENOENT) {
			/* Gone since the VM dump. */
			memmove(&vms[i], &vms[i + 1],
				(*nr - i - 1) * sizeof(*vms));
			(*nr)--;
			continue;
		}
		if (err)
			return dq_report_ipc(what, dq_ipc_last_error(ipc), err,
					     false);
		i++;
	}
	return 0;
}

int dq_list_vms(struct dq_ipc *ipc, const char *what, const char *spec,
		int flags, struct dq_vm **out, size_t *nr)
{
	char msg[DQ_ERR_LEN];
	struct dq_vm *vms;
	long i;
	int err;

	*out = NULL;
	*nr = 0;
	err = dq_ipc_dump_vms(ipc, &vms, nr);
	if (err)
		return dq_report_ipc(what, dq_ipc_last_error(ipc), err,
				     flags & DQ_LIST_TO_CHANGE);
	dq_vm_fill_names(vms, *nr);
	if (spec) {
		i = dq_resolve_vm(vms, *nr, spec, msg, sizeof(msg));
		if (i < 0) {
			free(vms);
			*nr = 0;
			dq_err("%s: %s", what, msg);
			return DQ_EXIT_FAIL;
		}
		memmove(vms, &vms[i], sizeof(*vms));
		*nr = 1;
	}
	if (flags & DQ_LIST_VCPUS) {
		err = add_vcpus(ipc, what, vms, nr);
		if (err) {
			dq_free_vms(vms, *nr);
			*nr = 0;
			return err;
		}
	}
	*out = vms;
	return 0;
}

int dq_find_vm(struct dq_ipc *ipc, const char *what, const char *spec,
	       uint64_t *id)
{
	struct dq_vm *vms;
	size_t nr;
	int err;

	err = dq_list_vms(ipc, what, spec, DQ_LIST_TO_CHANGE, &vms, &nr);
	if (err)
		return err;
	*id = vms[0].id;
	free(vms);
	return 0;
}

static volatile sig_atomic_t interrupted;
static sigset_t wait_mask;

static void on_signal(int sig)
{
	interrupted = 1;
}

/*
 * The signals stay blocked except inside ppoll(), so one that arrives
 * between a check of dq_interrupted() and the wait is not missed.
 */
void dq_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
}

bool dq_interrupted(void)
{
	return interrupted;
}

int dq_wait(int fd, uint64_t ns)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec ts = {
		.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000,
	};
	int ret;

	if (interrupted)
		return -EINTR;
	ret = ppoll(fd >= 0 ? &pfd : NULL, fd >= 0, ns ? &ts : NULL,
		    &wait_mask);
	return ret < 0 ? -errno : ret;
}

uint64_t dq_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
