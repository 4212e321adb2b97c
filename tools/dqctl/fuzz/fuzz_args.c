// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the argument parsers of show, set, set-quota, monitor
 * and top.
 *
 * The input, split on NUL bytes, is the argument vector after the
 * subcommand's name; every parser gets it.  Besides not crashing: the
 * return is one of enum dq_args, an error comes with a one-line message
 * and a success with none, argv is left alone, the VM named is one of the
 * arguments, and what set and set-quota accept reads back the same way
 * through the units parsers.
 */
#include <ctype.h>
#include <errno.h>

#include "../args.h"
#include "../units.h"
#include "fuzz.h"

#define MAX_ARGS	100

struct argv {
	int argc;
	char *argv[MAX_ARGS + 1];
	char *saved[MAX_ARGS];		/* copies, to see nothing changed */
	const char *pos[MAX_ARGS];	/* all but the first "--" */
	int npos;
	bool newline;			/* an argument has a '\n' */
	bool help;			/* an option cluster has an 'h' */
	bool option;			/* an option comes before "--" */
};

static void split(const uint8_t *data, size_t size, struct argv *a)
{
	struct fuzz_in in = { data, size };
	bool dashdash = false;
	char *s;

	memset(a, 0, sizeof(*a));
	while (in.left && a->argc < MAX_ARGS) {
		s = fuzz_word(&in);
		a->argv[a->argc] = s;
		a->saved[a->argc++] = strdup(s);
		if (strchr(s, '\n'))
			a->newline = true;
		if (!dashdash && !strcmp(s, "--")) {
			dashdash = true;
			continue;
		}
		a->pos[a->npos++] = s;
		/* "-1" is a negative value, not an option (args.c, next()). */
		if (dashdash || s[0] != '-' || !s[1] ||
		    isdigit((unsigned char)s[1]))
			continue;
		a->option = true;
		if (strchr(s, 'h'))
			a->help = true;
	}
	a->argv[a->argc] = NULL;
}

static void release(struct argv *a)
{
	int i;

	for (i = 0; i < a->argc; i++) {
		free(a->argv[i]);
		free(a->saved[i]);
	}
}

static bool is_arg(const struct argv *a, const char *s)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (s == a->argv[i])
			return true;
	return false;
}

static char *err_buf(void)
{
	char *err = malloc(DQ_ARGS_ERR_LEN);

	if (!err)
		abort();
	memset(err, 'X', DQ_ARGS_ERR_LEN);
	return err;
}

/* What holds for every parser and every input. */
static void check(const char *cmd, const struct argv *a, int ret,
		  const char *err)
{
	int i;

	FUZZ_ASSERT(ret >= DQ_ARGS_OK && ret <= DQ_ARGS_HELP, "%s: %d",
		    cmd, ret);
	FUZZ_ASSERT(strnlen(err, DQ_ARGS_ERR_LEN) < DQ_ARGS_ERR_LEN, "%s", cmd);
	if (ret == DQ_ARGS_OK || ret == DQ_ARGS_HELP)
		FUZZ_ASSERT(!err[0], "%s: %d '%s'", cmd, ret, err);
	else
		FUZZ_ASSERT(a->newline ? *err : fuzz_one_line(err),
			    "%s: %d '%s'", cmd, ret, err);
	if (ret == DQ_ARGS_HELP)
		FUZZ_ASSERT(a->help, "%s", cmd);
	for (i = 0; i < a->argc; i++)
		FUZZ_ASSERT(!strcmp(a->argv[i], a->saved[i]), "%s: argv[%d]",
			    cmd, i);
	FUZZ_ASSERT(!a->argv[a->argc], "%s", cmd);
}

static void fuzz_show(const struct argv *a)
{
	struct dq_show_args s;
	char *err = err_buf();
	int ret = dq_parse_show(a->argc, (char **)a->argv, &s, err);

	check("show", a, ret, err);
	if (!ret)
		FUZZ_ASSERT(!s.vm || is_arg(a, s.vm), "");
	free(err);
}

/* Every pair set took reads back the same on its own. */
static void check_set(const struct argv *a, const struct dq_set_args *s)
{
	const uint64_t known = DQ_BIT(DIRTYQUOTA_A_VM_MODE) |
			       DQ_BIT(DIRTYQUOTA_A_VM_BUDGET) |
			       DQ_BIT(DIRTYQUOTA_A_VM_INTERVAL_NS) |
			       DQ_BIT(DIRTYQUOTA_A_VM_POOL) |
			       DQ_BIT(DIRTYQUOTA_A_VM_MAX_STALL_NS);
	const char *key, *val;
	uint64_t v;
	uint32_t mode;
	int i;

	FUZZ_ASSERT(!a->option && s->vm == a->pos[0], "");
	FUZZ_ASSERT(s->set.has && !(s->set.has & ~known), "%#llx",
		    (unsigned long long)s->set.has);
	FUZZ_ASSERT(a->npos == 1 + 2 * __builtin_popcountll(s->set.has),
		    "%d", a->npos);
	for (i = 1; i + 1 < a->npos; i += 2) {
		key = a->pos[i];
		val = a->pos[i + 1];
		if (!strcmp(key, "mode"))
			FUZZ_ASSERT(!dq_mode_parse(val, &mode) &&
				    mode == s->set.mode &&
				    dq_mode_name(mode), "'%s'", val);
		else if (!strcmp(key, "budget"))
			FUZZ_ASSERT(!dq_parse_rate(val, &v) &&
				    v == s->set.budget, "'%s'", val);
		else if (!strcmp(key, "interval"))
			FUZZ_ASSERT(!dq_parse_duration(val, &v) &&
				    v == s->set.interval_ns, "'%s'", val);
		else if (!strcmp(key, "max-stall"))
			FUZZ_ASSERT(!dq_parse_duration(val, &v) &&
				    v == s->set.max_stall_ns, "'%s'", val);
		else
			FUZZ_ASSERT(!strcmp(key, "pool") &&
				    s->set.pool == !strcmp(val, "on") &&
				    (!strcmp(val, "on") || !strcmp(val, "off")),
				    "'%s' '%s'", key, val);
	}
}

static void fuzz_set(const struct argv *a)
{
	struct dq_set_args s;
	char *err = err_buf();
	int ret = dq_parse_set(a->argc, (char **)a->argv, &s, err);

	check("set", a, ret, err);
	if (!ret)
		check_set(a, &s);
	free(err);
}

static void fuzz_setquota(const struct argv *a)
{
	struct dq_setquota_args s;
	char *err = err_buf();
	int ret = dq_parse_setquota(a->argc, (char **)a->argv, &s, err);
	uint32_t index;
	uint64_t rate;

	check("set-quota", a, ret, err);
	if (!ret) {
		FUZZ_ASSERT(!a->option && a->npos == 3 && s.vm == a->pos[0],
			    "");
		FUZZ_ASSERT(!dq_parse_u32(a->pos[1], &index) &&
			    index == s.set.index, "'%s'", a->pos[1]);
		if (s.set.share)
			FUZZ_ASSERT(!strcmp(a->pos[2], "share") && !s.set.rate,
				    "'%s'", a->pos[2]);
		else
			FUZZ_ASSERT(!dq_parse_rate(a->pos[2], &rate) &&
				    rate == s.set.rate, "'%s'", a->pos[2]);
		FUZZ_ASSERT(!s.set.vm_id, "");
	}
	free(err);
}

static void fuzz_monitor(const struct argv *a)
{
	struct dq_monitor_args m;
	char *err = err_buf();
	int ret = dq_parse_monitor(a->argc, (char **)a->argv, &m, err);
	int bit;

	check("monitor", a, ret, err);
	if (!ret)
		for (bit = 0; bit < 32; bit++)
			FUZZ_ASSERT(!(m.events & (1u << bit)) ||
				    dq_event_name(bit), "%#x", m.events);
	free(err);
}

static void fuzz_top(const struct argv *a)
{
	struct dq_top_args t;
	char *err = err_buf();
	int ret = dq_parse_top(a->argc, (char **)a->argv, &t, err);

	check("top", a, ret, err);
	if (!ret)
		FUZZ_ASSERT(t.delay_ns && (!t.vm || is_arg(a, t.vm)), "");
	free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct argv a;

	split(data, size, &a);
	fuzz_show(&a);
	fuzz_set(&a);
	fuzz_setquota(&a);
	fuzz_monitor(&a);
	fuzz_top(&a);
	release(&a);
	return 0;
}
