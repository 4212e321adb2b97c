// SPDX-License-Identifier: GPL-2.0
/*
 * Error messages: one line on stderr, "dqctl: " first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

void dq_err(const char *fmt, ...)
{
	va_list ap;

	fputs("dqctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void dq_format_ipc_error(char *buf, size_t size, const char *what,
			 const struct dq_ipc_error *e, bool admin)
{
	size_t len;

	len = snprintf(buf, size, "%s: %s", what, strerror(e->err));
	if (len < size && e->msg[0])
		len += snprintf(buf + len, size - len, ": %s", e->msg);
	if (len < size && e->attr[0])
		len += snprintf(buf + len, size - len, " (%s attribute %s)",
				e->missing ? "missing" : "bad", e->attr);
	if (len < size && !e->msg[0] && (e->err == EPERM || e->err == EACCES))
		snprintf(buf + len, size - len, "%s", admin ?
			 " (changing settings needs CAP_SYS_ADMIN)" :
			 " (reading needs CAP_SYS_ADMIN, or the group in "
			 DQ_READ_GROUP_PATH ")");
}

int dq_report_ipc(const char *what, const struct dq_ipc_error *last, int err,
		  bool admin)
{
	struct dq_ipc_error e = { .err = -err };
	char buf[DQ_ERR_LEN];

	if (last && last->err)
		e = *last;
	dq_format_ipc_error(buf, sizeof(buf), what, &e, admin);
	dq_err("%s", buf);
	return DQ_EXIT_FAIL;
}

int dq_report_open(int err)
{
	if (err == -ENOENT)
		dq_err("the dirtyquota netlink family does not exist: is dirtyquota.ko loaded? (modprobe dirtyquota)");
	else
		dq_err("cannot talk to dirtyquota: %s", strerror(-err));
	return DQ_EXIT_FAIL;
}
