/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line parsing of each subcommand, without touching the kernel.
 * Parsers take the arguments after the subcommand's name and return one
 * of enum dq_args; on error, @err holds a message.
 */
#ifndef DQ_ARGS_H
#define DQ_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum dq_args {
	DQ_ARGS_OK = 0,
	DQ_ARGS_BAD = 1,	/* a bad value: exit 1 */
	DQ_ARGS_USAGE = 2,	/* not how the command is used: exit 2 */
	DQ_ARGS_HELP = 3,	/* --help */
};

#define DQ_ARGS_ERR_LEN	256

/* Writes the message to @err (DQ_ARGS_ERR_LEN bytes) and returns @ret. */
int dq_args_fail(char *err, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct dq_show_args {
	bool json;
	bool ids;		/* hidden: VM ids only, for completion */
	const char *vm;
};

struct dq_set_args {
	const char *vm;
	struct dq_vm_set set;	/* id left 0 */
};

struct dq_setquota_args {
	const char *vm;
	struct dq_vcpu_set set;	/* vm_id left 0 */
};

struct dq_monitor_args {
	bool json;
	uint64_t count;		/* 0: no limit */
	uint64_t timeout_ns;	/* 0: none */
	uint32_t events;	/* BIT(DIRTYQUOTA_CMD_*_NTF); 0: all */
};

struct dq_top_args {
	bool json;
	bool batch;
	uint64_t delay_ns;
	uint64_t iterations;	/* 0: until interrupted */
	const char *vm;
};

int dq_parse_show(int argc, char **argv, struct dq_show_args *a, char *err);
int dq_parse_set(int argc, char **argv, struct dq_set_args *a, char *err);
int dq_parse_setquota(int argc, char **argv, struct dq_setquota_args *a,
		      char *err);
int dq_parse_monitor(int argc, char **argv, struct dq_monitor_args *a,
		     char *err);
int dq_parse_top(int argc, char **argv, struct dq_top_args *a, char *err);

#endif /* DQ_ARGS_H */
