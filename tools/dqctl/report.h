/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error messages: one line on stderr, "dqctl: " first.
 */
#ifndef DQ_REPORT_H
#define DQ_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc.h"

/* Exit codes. */
#define DQ_EXIT_OK	0
#define DQ_EXIT_FAIL	1
#define DQ_EXIT_USAGE	2

#define DQ_ERR_LEN	512

/* Members of this group may read too (the module's read_group). */
#define DQ_READ_GROUP_PATH	"/sys/module/dirtyquota/parameters/read_group"

void dq_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * "@what: strerror: message (attribute X)", with a hint where the kernel
 * gives no message (as for a refused dump): @admin for commands that
 * change settings, else reads.
 */
void dq_format_ipc_error(char *buf, size_t size, const char *what,
			 const struct dq_ipc_error *e, bool admin);
/* Prints that, or the message for a missing family, and returns 1. */
int dq_report_ipc(const char *what, const struct dq_ipc_error *last, int err,
		  bool admin);
int dq_report_open(int err);

#endif /* DQ_REPORT_H */
