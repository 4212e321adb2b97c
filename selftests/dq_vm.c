// SPDX-License-Identifier: GPL-2.0
/*
 * A VM to look at and steer with dqctl, for the demo and the dqctl tests:
 *
 *   dq_vm [-name guest=NAME] [-t SECONDS] [-r READY_FILE] VCPU...
 *
 * One vCPU per argument: "once:N" writes N pages of its own once,
 * "loop:N" writes N pages around and around, "compute" only computes.
 * Dirty logging is on.  With a loop writer, the VMM harvests the log every
 * 2 ms, so that every round counts; without one it never harvests, so each
 * page counts exactly once (a harvest racing with a write fault can make
 * KVM record that page twice).  It creates READY_FILE once the vCPUs
 * run, and stops after SECONDS (default 30) or on SIGTERM or SIGINT.
 * "-name guest=NAME" is there for dqctl to find, as in QEMU's command line.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dq_util.h"
#include "test_util.h"

static volatile sig_atomic_t quit;

static void on_quit(int sig)
{
	quit = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: dq_vm [-name guest=NAME] [-t SECONDS] "
		"[-r READY_FILE] once:N|loop:N|compute...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	enum guest_kind kinds[MAX_VCPUS];
	uint64_t pages[MAX_VCPUS], most = 1, end;
	struct sigaction sa = { .sa_handler = on_quit };
	const char *ready = NULL;
	unsigned int seconds = 30;
	int i, n = 0, fd;
	bool loop = false;
	struct test_vm t;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-name") && i + 1 < argc) {
			i++;
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			seconds = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "-r") && i + 1 < argc) {
			ready = argv[++i];
		} else if (n == MAX_VCPUS) {
			usage();
		} else if (!strcmp(argv[i], "compute")) {
			kinds[n] = COMPUTE;
			pages[n++] = 1;
		} else if (!strncmp(argv[i], "once:", 5) ||
			   !strncmp(argv[i], "loop:", 5)) {
			kinds[n] = argv[i][0] == 'o' ? WRITE_ONCE_EACH :
						       WRITE_FOREVER;
			pages[n] = strtoull(argv[i] + 5, NULL, 0);
			if (!pages[n])
				usage();
			most = pages[n] > most ? pages[n] : most;
			loop |= kinds[n] == WRITE_FOREVER;
			n++;
		} else {
			usage();
		}
	}
	if (!n)
		usage();

	test_vm_create(&t, n, most, kinds, VM_MEM_SRC_ANONYMOUS, TV_LOG);
	for (i = 0; i < n; i++)
		test_vm_set_count(&t, i, pages[i]);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	start_vcpus(&t);
	if (ready) {
		fd = open(ready, O_WRONLY | O_CREAT, 0644);
		TEST_ASSERT(fd >= 0, "%s", ready);
		close(fd);
	}

	end = now_ns() + seconds * 1000000000ULL;
	while (!quit && now_ns() < end) {
		if (loop)
			harvest_for(&t, 100 * MS);
		else
			usleep(100000);
	}
	stop_vcpus(&t);
	test_vm_free(&t);
	return 0;
}
