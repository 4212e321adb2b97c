// SPDX-License-Identifier: GPL-2.0
/*
 * The command line of 'dqctl follow', read as args.c reads the others:
 * options anywhere before "--", --long VALUE or --long=VALUE, -j and -h
 * alone or together (-jh).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/dirtyquota.h>

#include "follow_args.h"
#include "rate.h"
#include "units.h"

#define IFNAME_MAX	15	/* IFNAMSIZ - 1 */

enum opt_id { O_BANDWIDTH, O_IFACE, O_SHARE, O_INTERVAL, O_MIN, O_NR };

static const char * const opt_names[O_NR] = {
	[O_BANDWIDTH] = "bandwidth",
	[O_IFACE] = "iface",
	[O_SHARE] = "share",
	[O_INTERVAL] = "interval",
	[O_MIN] = "min",
};

bool dq_ifname_valid(const char *s)
{
	size_t len = strnlen(s, IFNAME_MAX + 1);

	if (!len || len > IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
			return false;
	return true;
}

static int bad_rate(char *err, const char *what, const char *s, int e,
		    uint64_t v)
{
	if (e == -ERANGE)
		return dq_args_fail(err, DQ_ARGS_BAD,
				    "%s '%s' is too large", what, s);
	if (e)
		return dq_args_fail(err, DQ_ARGS_BAD,
				    "invalid %s '%s' (like 100MiB/s or 1Gbit/s)",
				    what, s);
	if (v == DIRTYQUOTA_UNLIMITED)
		return dq_args_fail(err, DQ_ARGS_BAD,
				    "%s must be a rate, not unlimited",
				    what);
	if (!v)
		return dq_args_fail(err, DQ_ARGS_BAD,
				    "%s must be more than 0", what);
	return DQ_ARGS_OK;
}

static int value(struct dq_follow_args *a, enum opt_id id, const char *s,
		 char *err)
{
	int e;

	switch (id) {
	case O_BANDWIDTH:
		e = dq_parse_rate(s, &a->bandwidth);
		return bad_rate(err, "bandwidth", s, e, a->bandwidth);
	case O_IFACE:
		if (!dq_ifname_valid(s))
			return dq_args_fail(err, DQ_ARGS_BAD,
					    "invalid interface name '%s'", s);
		a->iface = s;
		return DQ_ARGS_OK;
	case O_SHARE:
		e = dq_parse_share(s, &a->share);
		if (e == -ERANGE)
			return dq_args_fail(err, DQ_ARGS_BAD,
					    "share '%s' must be more than 0 and at most 1",
					    s);
		return e ? dq_args_fail(err, DQ_ARGS_BAD,
					"invalid share '%s' (like 0.5 or 50%%)", s) : 0;
	case O_INTERVAL:
		e = dq_parse_duration(s, &a->interval_ns);
		if (e == -EINVAL)
			return dq_args_fail(err, DQ_ARGS_BAD,
					    "invalid interval '%s' (like 1s or 500ms)",
					    s);
		if (e || a->interval_ns < DQ_FOLLOW_INTERVAL_MIN_NS ||
		    a->interval_ns > DQ_FOLLOW_INTERVAL_MAX_NS)
			return dq_args_fail(err, DQ_ARGS_BAD,
					    "interval '%s' is not from 10ms to 1h", s);
		return DQ_ARGS_OK;
	default:
		e = dq_parse_rate(s, &a->min);
		return bad_rate(err, "min", s, e, a->min);
	}
}

/* --NAME or --NAME=VALUE at argv[*i]; takes the value from argv[*i + 1]. */
static int long_opt(struct dq_follow_args *a, int argc, char **argv, int *i,
		    unsigned int *seen, char *err)
{
	const char *s = argv[*i] + 2, *eq = strchr(s, '=');
	size_t len = eq ? (size_t)(eq - s) : strlen(s);
	const char *val;
	int id;

	if ((len == 4 && !strncmp(s, "json", 4)) ||
	    (len == 4 && !strncmp(s, "help", 4))) {
		if (eq)
			return dq_args_fail(err, DQ_ARGS_USAGE,
					    "option --%.*s takes no value", (int)len, s);
		if (*s == 'h')
			return DQ_ARGS_HELP;
		a->json = true;
		return DQ_ARGS_OK;
	}
	for (id = 0; id < O_NR; id++)
		if (strlen(opt_names[id]) == len &&
		    !strncmp(opt_names[id], s, len))
			break;
	if (id == O_NR)
		return dq_args_fail(err, DQ_ARGS_USAGE, "unknown option --%.*s",
				    (int)len, s);
	if (eq) {
		val = eq + 1;
	} else if (*i + 1 < argc) {
		val = argv[++*i];
	} else {
		return dq_args_fail(err, DQ_ARGS_USAGE,
				    "option --%s needs a value",
				    opt_names[id]);
	}
	if (*seen & (1u << id))
		return dq_args_fail(err, DQ_ARGS_USAGE, "--%s given twice",
				    opt_names[id]);
	*seen |= 1u << id;
	return value(a, id, val, err);
}

/* A cluster of -j and -h. */
static int short_opts(struct dq_follow_args *a, const char *s, char *err)
{
	for (; *s; s++) {
		if (*s == 'h')
			return DQ_ARGS_HELP;
		if (*s != 'j')
			return dq_args_fail(err, DQ_ARGS_USAGE,
					    "unknown option -%c",
					    *s);
		a->json = true;
	}
	return DQ_ARGS_OK;
}

int dq_parse_follow(int argc, char **argv, struct dq_follow_args *a,
		    char *err)
{
	bool no_more_opts = false;
	unsigned int seen = 0;
	int i, npos = 0, ret;

	memset(a, 0, sizeof(*a));
	a->share = DQ_FOLLOW_SHARE;
	a->interval_ns = DQ_FOLLOW_INTERVAL_NS;
	a->min = DQ_FOLLOW_MIN;
	err[0] = '\0';

	for (i = 0; i < argc; i++) {
		const char *s = argv[i];

		if (!no_more_opts && !strcmp(s, "--")) {
			no_more_opts = true;
			continue;
		}
		if (no_more_opts || s[0] != '-' || !s[1]) {
			if (npos++)
				return dq_args_fail(err, DQ_ARGS_USAGE,
						    "too many arguments");
			a->vm = s;
			continue;
		}
		if (s[1] == '-')
			ret = long_opt(a, argc, argv, &i, &seen, err);
		else
			ret = short_opts(a, s + 1, err);
		if (ret)
			return ret;
	}
	if (!a->vm)
		return dq_args_fail(err, DQ_ARGS_USAGE, "which VM?");
	if (!(seen & (1u << O_BANDWIDTH | 1u << O_IFACE)))
		return dq_args_fail(err, DQ_ARGS_USAGE,
				    "follow what? --bandwidth RATE or --iface IFACE");
	if ((seen & 1u << O_BANDWIDTH) && (seen & 1u << O_IFACE))
		return dq_args_fail(err, DQ_ARGS_USAGE,
				    "--bandwidth and --iface do not go together");
	return DQ_ARGS_OK;
}
