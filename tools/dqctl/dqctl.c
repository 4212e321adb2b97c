// SPDX-License-Identifier: GPL-2.0
/*
 * dqctl: shows and steers dirtyquota, the per-vCPU dirty memory quotas of
 * KVM, through its generic netlink family.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "report.h"

#ifndef DQ_VERSION
#define DQ_VERSION	"unknown"
#endif

static int cmd_help(int argc, char **argv, bool json);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv, bool json);
	const char *description;
	const char *help;
} commands[] = {
	{ "show", dq_cmd_show, "shows VMs, their settings and vCPUs",
	  dq_help_show },
	{ "set", dq_cmd_set, "changes the quota settings of a VM",
	  dq_help_set },
	{ "set-quota", dq_cmd_setquota, "gives a vCPU its own rate",
	  dq_help_setquota },
	{ "monitor", dq_cmd_monitor, "prints events as they arrive",
	  dq_help_monitor },
	{ "top", dq_cmd_top, "a live view of dirty rates and throttling",
	  dq_help_top },
	{ "follow", dq_cmd_follow, "keeps a budget at a share of a link's rate",
	  dq_help_follow },
	{ "help", cmd_help, "help on dqctl or one of its commands", NULL },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const struct command *find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: dqctl [-j] [COMMAND] [ARGS...]\n\n"
		"Shows and steers dirtyquota, per-vCPU dirty memory quotas for KVM.\n"
		"Without a command, runs 'show'.\n\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].description);
	fprintf(f, "\n  -j, --json     JSON output from show, monitor, top and follow\n"
		"  -h, --help     this text; 'dqctl help COMMAND' for a command\n"
		"  -V, --version  the version\n");
}

static int cmd_help(int argc, char **argv, bool json)
{
	const struct command *c;

	if (argc < 1) {
		usage(stdout);
		return DQ_EXIT_OK;
	}
	c = find(argv[0]);
	if (!c || !c->help) {
		dq_err("help: unknown command '%s'", argv[0]);
		return DQ_EXIT_USAGE;
	}
	fputs(c->help, stdout);
	return DQ_EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct command *c;
	bool json = false;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
			continue;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return DQ_EXIT_OK;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("dqctl %s\n", DQ_VERSION);
			return DQ_EXIT_OK;
		}
		dq_err("unknown option %s (see 'dqctl --help')", argv[i]);
		return DQ_EXIT_USAGE;
	}
	if (i == argc)
		return dq_cmd_show(0, argv + i, json);
	c = find(argv[i]);
	if (!c) {
		dq_err("unknown command '%s' (see 'dqctl --help')", argv[i]);
		return DQ_EXIT_USAGE;
	}
	return c->fn(argc - i - 1, argv + i + 1, json);
}
