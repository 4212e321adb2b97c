/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands; each gets the arguments after its name and returns the
 * exit code.  @json is set by a -j before the subcommand's name.
 */
#ifndef DQ_COMMANDS_H
#define DQ_COMMANDS_H

#include <stdbool.h>

#include "ipc.h"

int dq_cmd_show(int argc, char **argv, bool json);
int dq_cmd_set(int argc, char **argv, bool json);
int dq_cmd_setquota(int argc, char **argv, bool json);
int dq_cmd_monitor(int argc, char **argv, bool json);
int dq_cmd_top(int argc, char **argv, bool json);
int dq_cmd_follow(int argc, char **argv, bool json);

extern const char dq_help_show[];
extern const char dq_help_set[];
extern const char dq_help_setquota[];
extern const char dq_help_monitor[];
extern const char dq_help_top[];
extern const char dq_help_follow[];

/* Prints a parse error or help; returns the exit code for dq_parse_*(). */
int dq_args_done(int ret, const char *cmd, const char *help, const char *err);

/* Helpers shared by the subcommands, in vmlist.c; they print errors. */
int dq_open(struct dq_ipc **ipc);
/* What dq_list_vms() is for. */
#define DQ_LIST_VCPUS		1	/* with their vCPUs */
#define DQ_LIST_TO_CHANGE	2	/* then to change it: EPERM says so */
/* Every VM (or the one @spec names), with names and vCPUs if asked. */
int dq_list_vms(struct dq_ipc *ipc, const char *what, const char *spec,
		int flags, struct dq_vm **vms, size_t *nr);
/* The id of the VM @spec names, to change its settings. */
int dq_find_vm(struct dq_ipc *ipc, const char *what, const char *spec,
	       uint64_t *id);
void dq_free_vms(struct dq_vm *vms, size_t nr);
/* From now on SIGINT and SIGTERM end dq_wait() and set dq_interrupted(). */
void dq_catch_signals(void);
bool dq_interrupted(void);
/* Waits until @fd (if >= 0) is readable, @ns at most (0: no limit). */
int dq_wait(int fd, uint64_t ns);
uint64_t dq_now_ns(void);

#endif /* DQ_COMMANDS_H */
