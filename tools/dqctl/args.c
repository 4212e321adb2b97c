// SPDX-License-Identifier: GPL-2.0
/*
 * Command line parsing of each subcommand.
 *
 * Options may come anywhere before "--": -x, -xVALUE, -x VALUE, --long,
 * --long=VALUE, --long VALUE; flags combine (-bj).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "units.h"

#define DEFAULT_DELAY_NS	1000000000ULL
#define MAX_POS			64

struct opt {
	char short_name;
	const char *long_name;
	bool has_arg;
};

struct parser {
	const struct opt *opts;
	int argc;
	char **argv;
	int i;			/* next argument */
	const char *cluster;	/* rest of a cluster of short flags */
	bool no_more_opts;
	char *err;
};

int dq_args_fail(char *err, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, DQ_ARGS_ERR_LEN, fmt, ap);
	va_end(ap);
	return ret;
}

static int short_opt(struct parser *p, const char **arg)
{
	char c = *p->cluster++;
	const struct opt *o;

	for (o = p->opts; o->short_name || o->long_name; o++) {
		if (o->short_name != c)
			continue;
		if (!o->has_arg)
			return c;
		if (*p->cluster) {
			*arg = p->cluster;
		} else if (p->i < p->argc) {
			*arg = p->argv[p->i++];
		} else {
			p->cluster = NULL;
			return dq_args_fail(p->err, -DQ_ARGS_USAGE,
					    "option -%c needs a value", c);
		}
		p->cluster = NULL;
		return c;
	}
	p->cluster = NULL;
	return dq_args_fail(p->err, -DQ_ARGS_USAGE, "unknown option -%c", c);
}

static int long_opt(struct parser *p, const char *s, const char **arg)
{
	const char *eq = strchr(s, '=');
	size_t len = eq ? (size_t)(eq - s) : strlen(s);
	const struct opt *o;

	for (o = p->opts; o->short_name || o->long_name; o++) {
		if (!o->long_name || strlen(o->long_name) != len ||
		    strncmp(o->long_name, s, len))
			continue;
		if (!o->has_arg && eq)
			return dq_args_fail(p->err, -DQ_ARGS_USAGE,
					    "option --%s takes no value",
					    o->long_name);
		if (o->has_arg) {
			if (eq)
				*arg = eq + 1;
			else if (p->i < p->argc)
				*arg = p->argv[p->i++];
			else
				return dq_args_fail(p->err, -DQ_ARGS_USAGE,
						    "option --%s needs a value",
						    o->long_name);
		}
		return o->short_name;
	}
	return dq_args_fail(p->err, -DQ_ARGS_USAGE, "unknown option --%.*s",
			    (int)len, s);
}

/*
 * The next option's short name (with its value in *arg), or 0 for a
 * positional argument (in *arg), or -1 at the end, or -DQ_ARGS_USAGE.
 */
static int next(struct parser *p, const char **arg)
{
	const char *s;

	if (p->cluster && *p->cluster)
		return short_opt(p, arg);
	if (p->i >= p->argc)
		return -1;
	s = p->argv[p->i++];
	if (!p->no_more_opts && !strcmp(s, "--")) {
		p->no_more_opts = true;
		return next(p, arg);
	}
	/* "-1" is a (negative) value, for the parser to say so, not an option. */
	if (p->no_more_opts || s[0] != '-' || !s[1] ||
	    isdigit((unsigned char)s[1])) {
		*arg = s;
		return 0;
	}
	if (s[1] == '-')
		return long_opt(p, s + 2, arg);
	p->cluster = s + 1;
	return short_opt(p, arg);
}

static void parser_init(struct parser *p, const struct opt *opts, int argc,
			char **argv, char *err)
{
	memset(p, 0, sizeof(*p));
	p->opts = opts;
	p->argc = argc;
	p->argv = argv;
	p->err = err;
	err[0] = '\0';
}

typedef int (*opt_fn)(void *a, int c, const char *arg, char *err);

/* Collects positional arguments into @pos (MAX_POS of them). */
static int parse_opts(struct parser *p, opt_fn fn, void *a, const char **pos,
		      int *npos)
{
	const char *arg = NULL;
	int c, ret;

	*npos = 0;
	while ((c = next(p, &arg)) != -1) {
		if (c < 0)
			return -c;
		if (c == 'h')
			return DQ_ARGS_HELP;
		if (!c) {
			if (*npos == MAX_POS)
				return dq_args_fail(p->err, DQ_ARGS_USAGE,
						    "too many arguments");
			pos[(*npos)++] = arg;
			continue;
		}
		ret = fn(a, c, arg, p->err);
		if (ret)
			return ret;
	}
	return DQ_ARGS_OK;
}

static int bad_value(char *err, const char *what, const char *s, int e,
		     const char *example)
{
	if (e == -ERANGE)
		return dq_args_fail(err, DQ_ARGS_BAD,
				    "%s '%s' is too large", what, s);
	if (s[0] == '-' && isdigit((unsigned char)s[1]))
		return dq_args_fail(err, DQ_ARGS_BAD,
				    "the %s cannot be negative ('%s')", what, s);
	return dq_args_fail(err, DQ_ARGS_BAD, "invalid %s '%s'%s%s%s", what, s,
			    example ? " (like " : "", example ? example : "",
			    example ? ")" : "");
}

static int positive(char *err, const char *what, const char *s, int e,
		    uint64_t v, const char *example)
{
	if (e)
		return bad_value(err, what, s, e, example);
	if (!v)
		return dq_args_fail(err, DQ_ARGS_BAD,
				    "%s must be more than 0", what);
	return DQ_ARGS_OK;
}

#define HELP_OPT	{ 'h', "help", false }

static int show_opt(void *p, int c, const char *arg, char *err)
{
	struct dq_show_args *a = p;

	if (c == 'j')
		a->json = true;
	else
		a->ids = true;
	return DQ_ARGS_OK;
}

int dq_parse_show(int argc, char **argv, struct dq_show_args *a, char *err)
{
	static const struct opt opts[] = {
		{ 'j', "json", false }, { 'I', "ids", false }, HELP_OPT, { 0 },
	};
	const char *pos[MAX_POS];
	struct parser p;
	int n, ret;

	memset(a, 0, sizeof(*a));
	parser_init(&p, opts, argc, argv, err);
	ret = parse_opts(&p, show_opt, a, pos, &n);
	if (ret)
		return ret;
	if (n > 1)
		return dq_args_fail(err, DQ_ARGS_USAGE, "too many arguments");
	a->vm = n ? pos[0] : NULL;
	return DQ_ARGS_OK;
}

static int no_opt(void *p, int c, const char *arg, char *err)
{
	return DQ_ARGS_OK;
}

/* The value of setting @attr of set; range checks are the kernel's. */
static int set_value(struct dq_vm_set *s, int attr, const char *val,
		     char *err)
{
	int e;

	switch (attr) {
	case DIRTYQUOTA_A_VM_MODE:
		if (dq_mode_parse(val, &s->mode))
			return dq_args_fail(err, DQ_ARGS_BAD,
					    "invalid mode '%s' (observe, sleep or exit)",
					    val);
		return DQ_ARGS_OK;
	case DIRTYQUOTA_A_VM_BUDGET:
		e = dq_parse_rate(val, &s->budget);
		return e ? bad_value(err, "budget", val, e,
				     "100MiB/s, 1Gbit/s or unlimited") : 0;
	case DIRTYQUOTA_A_VM_INTERVAL_NS:
		e = dq_parse_duration(val, &s->interval_ns);
		return e ? bad_value(err, "interval", val, e, "10ms") : 0;
	case DIRTYQUOTA_A_VM_MAX_STALL_NS:
		e = dq_parse_duration(val, &s->max_stall_ns);
		return e ? bad_value(err, "max-stall", val, e, "100ms") : 0;
	default:
		if (strcmp(val, "on") && strcmp(val, "off"))
			return dq_args_fail(err, DQ_ARGS_BAD,
					    "invalid pool '%s' (on or off)", val);
		s->pool = !strcmp(val, "on");
		return DQ_ARGS_OK;
	}
}

/* One "KEY VALUE" pair of set. */
static int set_pair(struct dq_vm_set *s, const char *key, const char *val,
		    char *err)
{
	static const struct {
		const char *key;
		int attr;
	} keys[] = {
		{ "mode", DIRTYQUOTA_A_VM_MODE },
		{ "budget", DIRTYQUOTA_A_VM_BUDGET },
		{ "interval", DIRTYQUOTA_A_VM_INTERVAL_NS },
		{ "pool", DIRTYQUOTA_A_VM_POOL },
		{ "max-stall", DIRTYQUOTA_A_VM_MAX_STALL_NS },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i].key))
			break;
	if (i == sizeof(keys) / sizeof(keys[0]))
		return dq_args_fail(err, DQ_ARGS_USAGE,
				    "unknown setting '%s'", key);
	if (!val)
		return dq_args_fail(err, DQ_ARGS_USAGE,
				    "%s needs a value", key);
	if (DQ_HAS(s, keys[i].attr))
		return dq_args_fail(err, DQ_ARGS_USAGE, "%s given twice", key);
	s->has |= DQ_BIT(keys[i].attr);
	return set_value(s, keys[i].attr, val, err);
}

int dq_parse_set(int argc, char **argv, struct dq_set_args *a, char *err)
{
	static const struct opt opts[] = { HELP_OPT, { 0 } };
	const char *pos[MAX_POS];
	struct parser p;
	int n, i, ret;

	memset(a, 0, sizeof(*a));
	parser_init(&p, opts, argc, argv, err);
	ret = parse_opts(&p, no_opt, a, pos, &n);
	if (ret)
		return ret;
	if (!n)
		return dq_args_fail(err, DQ_ARGS_USAGE, "which VM?");
	a->vm = pos[0];
	if (n == 1)
		return dq_args_fail(err, DQ_ARGS_USAGE, "nothing to set");
	for (i = 1; i < n; i += 2) {
		ret = set_pair(&a->set, pos[i], i + 1 < n ? pos[i + 1] : NULL,
			       err);
		if (ret)
			return ret;
	}
	return DQ_ARGS_OK;
}

int dq_parse_setquota(int argc, char **argv, struct dq_setquota_args *a,
		      char *err)
{
	static const struct opt opts[] = { HELP_OPT, { 0 } };
	const char *pos[MAX_POS];
	struct parser p;
	int n, e, ret;

	memset(a, 0, sizeof(*a));
	parser_init(&p, opts, argc, argv, err);
	ret = parse_opts(&p, no_opt, a, pos, &n);
	if (ret)
		return ret;
	if (n != 3)
		return dq_args_fail(err, DQ_ARGS_USAGE, n < 3 ?
				    "needs VM, VCPU and RATE, share or unlimited" :
				    "too many arguments");
	a->vm = pos[0];
	e = dq_parse_u32(pos[1], &a->set.index);
	if (e)
		return bad_value(err, "vCPU index", pos[1], e, NULL);
	if (!strcmp(pos[2], "share")) {
		a->set.share = true;
		return DQ_ARGS_OK;
	}
	e = dq_parse_rate(pos[2], &a->set.rate);
	return e ? bad_value(err, "rate", pos[2], e,
			     "100MiB/s, share or unlimited") : 0;
}

static int monitor_opt(void *p, int c, const char *arg, char *err)
{
	struct dq_monitor_args *a = p;
	int e;

	switch (c) {
	case 'j':
		a->json = true;
		return DQ_ARGS_OK;
	case 'c':
		e = dq_parse_u64(arg, &a->count);
		return positive(err, "count", arg, e, a->count, NULL);
	default:
		e = dq_parse_duration(arg, &a->timeout_ns);
		return positive(err, "timeout", arg, e, a->timeout_ns,
				"5 or 500ms");
	}
}

int dq_parse_monitor(int argc, char **argv, struct dq_monitor_args *a,
		     char *err)
{
	static const struct opt opts[] = {
		{ 'j', "json", false }, { 'c', "count", true },
		{ 't', "timeout", true }, HELP_OPT, { 0 },
	};
	const char *pos[MAX_POS];
	struct parser p;
	int n, i, ret;
	uint8_t cmd;

	memset(a, 0, sizeof(*a));
	parser_init(&p, opts, argc, argv, err);
	ret = parse_opts(&p, monitor_opt, a, pos, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		if (dq_event_parse(pos[i], &cmd))
			return dq_args_fail(err, DQ_ARGS_USAGE,
					    "unknown event '%s' (vm-new, vm-del, mode-change or quota-full)",
					    pos[i]);
		a->events |= 1u << cmd;
	}
	return DQ_ARGS_OK;
}

static int top_opt(void *p, int c, const char *arg, char *err)
{
	struct dq_top_args *a = p;
	int e;

	switch (c) {
	case 'j':
		a->json = true;
		return DQ_ARGS_OK;
	case 'b':
		a->batch = true;
		return DQ_ARGS_OK;
	case 'n':
		e = dq_parse_u64(arg, &a->iterations);
		return positive(err, "iterations", arg, e, a->iterations,
				NULL);
	default:
		e = dq_parse_duration(arg, &a->delay_ns);
		return positive(err, "delay", arg, e, a->delay_ns,
				"2 or 500ms");
	}
}

int dq_parse_top(int argc, char **argv, struct dq_top_args *a, char *err)
{
	static const struct opt opts[] = {
		{ 'j', "json", false }, { 'b', "batch", false },
		{ 'd', "delay", true }, { 'n', "iterations", true },
		HELP_OPT, { 0 },
	};
	const char *pos[MAX_POS];
	struct parser p;
	int n, ret;

	memset(a, 0, sizeof(*a));
	a->delay_ns = DEFAULT_DELAY_NS;
	parser_init(&p, opts, argc, argv, err);
	ret = parse_opts(&p, top_opt, a, pos, &n);
	if (ret)
		return ret;
	if (n > 1)
		return dq_args_fail(err, DQ_ARGS_USAGE, "too many arguments");
	a->vm = n ? pos[0] : NULL;
	return DQ_ARGS_OK;
}
