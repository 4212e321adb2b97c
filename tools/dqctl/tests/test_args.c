// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the command line parsing of set, set-quota, monitor, top
 * and show.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "args.h"

#define ARGV(...)	(char *[]){ __VA_ARGS__, NULL }
#define ARGC(...)	((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(fn, a, ...) fn(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), a, err)

static char err[DQ_ARGS_ERR_LEN];

#define VMA(a)		DIRTYQUOTA_A_VM_##a
#define HAS(s, a)	DQ_HAS(s, VMA(a))

static void set_all(void **state)
{
	struct dq_set_args a;

	assert_int_equal(PARSE(dq_parse_set, &a, "guest1", "mode", "sleep",
			       "budget", "100MiB/s", "interval", "10ms",
			       "pool", "off", "max-stall", "250ms"),
			 DQ_ARGS_OK);
	assert_string_equal(a.vm, "guest1");
	assert_int_equal(a.set.has, DQ_BIT(VMA(MODE)) | DQ_BIT(VMA(BUDGET)) |
			 DQ_BIT(VMA(INTERVAL_NS)) | DQ_BIT(VMA(POOL)) |
			 DQ_BIT(VMA(MAX_STALL_NS)));
	assert_int_equal(a.set.mode, DIRTYQUOTA_MODE_SLEEP);
	assert_int_equal(a.set.budget, 100 * 1024 * 1024);
	assert_int_equal(a.set.interval_ns, 10000000);
	assert_false(a.set.pool);
	assert_int_equal(a.set.max_stall_ns, 250000000);
	assert_int_equal(a.set.id, 0);
}

static void set_one(void **state)
{
	struct dq_set_args a;

	assert_int_equal(PARSE(dq_parse_set, &a, "7", "budget", "unlimited"),
			 DQ_ARGS_OK);
	assert_int_equal(a.set.has, DQ_BIT(VMA(BUDGET)));
	assert_int_equal(a.set.budget, DIRTYQUOTA_UNLIMITED);

	assert_int_equal(PARSE(dq_parse_set, &a, "7", "pool", "on"),
			 DQ_ARGS_OK);
	assert_int_equal(a.set.has, DQ_BIT(VMA(POOL)));
	assert_true(a.set.pool);

	assert_int_equal(PARSE(dq_parse_set, &a, "7", "mode", "exit"),
			 DQ_ARGS_OK);
	assert_int_equal(a.set.mode, DIRTYQUOTA_MODE_EXIT);
	/* Range checks are the kernel's: it says why. */
	assert_int_equal(PARSE(dq_parse_set, &a, "7", "interval", "5s"),
			 DQ_ARGS_OK);
	assert_int_equal(a.set.interval_ns, 5000000000ULL);
}

/* max-stall takes a duration as interval does; its range is the kernel's. */
static void set_max_stall(void **state)
{
	static const struct {
		char *val;
		uint64_t ns;
	} ok[] = {
		{ "100ms", 100000000 }, { "1ms", 1000000 }, { "10s", 10000000000ULL },
		{ "10", 10000000000ULL }, { "0.5", 500000000 }, { "1500us", 1500000 },
		{ "2.5ms", 2500000 }, { "999999ns", 999999 }, { "11s", 11000000000ULL },
		{ "0", 0 },
	};
	struct dq_set_args a;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(PARSE(dq_parse_set, &a, "vm", "max-stall",
				       ok[i].val), DQ_ARGS_OK);
		assert_int_equal(a.set.has, DQ_BIT(VMA(MAX_STALL_NS)));
		assert_int_equal(a.set.max_stall_ns, ok[i].ns);
	}
	/* With others, in any order. */
	assert_int_equal(PARSE(dq_parse_set, &a, "vm", "max-stall", "20ms",
			       "mode", "sleep"), DQ_ARGS_OK);
	assert_int_equal(a.set.has, DQ_BIT(VMA(MAX_STALL_NS)) |
			 DQ_BIT(VMA(MODE)));
	assert_int_equal(a.set.max_stall_ns, 20000000);
	assert_int_equal(a.set.mode, DIRTYQUOTA_MODE_SLEEP);
}

static void set_max_stall_errors(void **state)
{
	struct dq_set_args a;

	assert_int_equal(PARSE(dq_parse_set, &a, "vm", "max-stall"),
			 DQ_ARGS_USAGE);
	assert_string_equal(err, "max-stall needs a value");
	assert_int_equal(PARSE(dq_parse_set, &a, "vm", "max-stall", "1s",
			       "max-stall", "2s"), DQ_ARGS_USAGE);
	assert_string_equal(err, "max-stall given twice");
	assert_int_equal(PARSE(dq_parse_set, &a, "vm", "maxstall", "1s"),
			 DQ_ARGS_USAGE);
	assert_string_equal(err, "unknown setting 'maxstall'");
	assert_int_equal(PARSE(dq_parse_set, &a, "vm", "max-stall", "soon"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "invalid max-stall 'soon' (like 100ms)");
	assert_int_equal(PARSE(dq_parse_set, &a, "vm", "max-stall", "100 ms"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "invalid max-stall '100 ms' (like 100ms)");
	assert_int_equal(PARSE(dq_parse_set, &a, "vm", "max-stall", "100MiB"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "invalid max-stall '100MiB' (like 100ms)");
	assert_int_equal(PARSE(dq_parse_set, &a, "vm", "max-stall",
			       "99999999999999999999"), DQ_ARGS_BAD);
	assert_string_equal(err, "max-stall '99999999999999999999' is too large");
}

static void set_usage_errors(void **state)
{
	struct dq_set_args a;

	assert_int_equal(dq_parse_set(0, ARGV(NULL), &a, err), DQ_ARGS_USAGE);
	assert_string_equal(err, "which VM?");
	assert_int_equal(PARSE(dq_parse_set, &a, "1"), DQ_ARGS_USAGE);
	assert_string_equal(err, "nothing to set");
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "budget"),
			 DQ_ARGS_USAGE);
	assert_string_equal(err, "budget needs a value");
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "colour", "red"),
			 DQ_ARGS_USAGE);
	assert_string_equal(err, "unknown setting 'colour'");
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "mode", "sleep",
			       "mode", "exit"), DQ_ARGS_USAGE);
	assert_string_equal(err, "mode given twice");
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "--force", "mode",
			       "sleep"), DQ_ARGS_USAGE);
	assert_string_equal(err, "unknown option --force");
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "-x"), DQ_ARGS_USAGE);
	assert_string_equal(err, "unknown option -x");
}

static void set_bad_values(void **state)
{
	struct dq_set_args a;

	assert_int_equal(PARSE(dq_parse_set, &a, "1", "mode", "nap"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "invalid mode 'nap' (observe, sleep or exit)");
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "budget", "fast"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "invalid budget 'fast' (like 100MiB/s, 1Gbit/s or unlimited)");
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "budget", "17EiB"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "budget '17EiB' is too large");
	/* A negative number is a value the parser names, not an option. */
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "budget", "-1"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "the budget cannot be negative ('-1')");
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "interval", "-5ms"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "the interval cannot be negative ('-5ms')");
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "interval", "10 ms"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "invalid interval '10 ms' (like 10ms)");
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "pool", "yes"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "invalid pool 'yes' (on or off)");
}

static void help_anywhere(void **state)
{
	struct dq_set_args a;
	struct dq_top_args t;

	assert_int_equal(PARSE(dq_parse_set, &a, "--help"), DQ_ARGS_HELP);
	assert_int_equal(PARSE(dq_parse_set, &a, "1", "mode", "-h"),
			 DQ_ARGS_HELP);
	assert_int_equal(PARSE(dq_parse_top, &t, "-bh"), DQ_ARGS_HELP);
}

static void setquota(void **state)
{
	struct dq_setquota_args a;

	assert_int_equal(PARSE(dq_parse_setquota, &a, "pid:99", "3", "1Gbit/s"),
			 DQ_ARGS_OK);
	assert_string_equal(a.vm, "pid:99");
	assert_int_equal(a.set.index, 3);
	assert_false(a.set.share);
	assert_int_equal(a.set.rate, 125000000);

	assert_int_equal(PARSE(dq_parse_setquota, &a, "1", "0", "share"),
			 DQ_ARGS_OK);
	assert_true(a.set.share);
	assert_int_equal(a.set.rate, 0);

	assert_int_equal(PARSE(dq_parse_setquota, &a, "1", "0", "unlimited"),
			 DQ_ARGS_OK);
	assert_false(a.set.share);
	assert_int_equal(a.set.rate, DIRTYQUOTA_UNLIMITED);

	assert_int_equal(PARSE(dq_parse_setquota, &a, "1", "0", "0"),
			 DQ_ARGS_OK);
	assert_int_equal(a.set.rate, 0);
}

static void setquota_errors(void **state)
{
	struct dq_setquota_args a;

	assert_int_equal(PARSE(dq_parse_setquota, &a, "1", "0"),
			 DQ_ARGS_USAGE);
	assert_int_equal(PARSE(dq_parse_setquota, &a, "1", "0", "1M", "x"),
			 DQ_ARGS_USAGE);
	assert_string_equal(err, "too many arguments");
	assert_int_equal(PARSE(dq_parse_setquota, &a, "1", "one", "1M"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "invalid vCPU index 'one'");
	assert_int_equal(PARSE(dq_parse_setquota, &a, "1", "4294967296",
			       "1M"), DQ_ARGS_BAD);
	assert_string_equal(err, "vCPU index '4294967296' is too large");
	assert_int_equal(PARSE(dq_parse_setquota, &a, "1", "0", "1Q"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "invalid rate '1Q' (like 100MiB/s, share or unlimited)");
	assert_int_equal(PARSE(dq_parse_setquota, &a, "1", "0", "-1M"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "the rate cannot be negative ('-1M')");
	assert_int_equal(PARSE(dq_parse_setquota, &a, "1", "-1", "1M"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "the vCPU index cannot be negative ('-1')");
}

static void monitor(void **state)
{
	struct dq_monitor_args a;

	assert_int_equal(dq_parse_monitor(0, ARGV(NULL), &a, err), DQ_ARGS_OK);
	assert_false(a.json);
	assert_int_equal(a.count, 0);
	assert_int_equal(a.timeout_ns, 0);
	assert_int_equal(a.events, 0);

	assert_int_equal(PARSE(dq_parse_monitor, &a, "-j", "-c", "3",
			       "--timeout=1.5", "quota-full", "vm-new"),
			 DQ_ARGS_OK);
	assert_true(a.json);
	assert_int_equal(a.count, 3);
	assert_int_equal(a.timeout_ns, 1500000000);
	assert_int_equal(a.events, 1u << DIRTYQUOTA_CMD_QUOTA_FULL_NTF |
			 1u << DIRTYQUOTA_CMD_VM_NEW_NTF);

	assert_int_equal(PARSE(dq_parse_monitor, &a, "-jc5", "-t500ms"),
			 DQ_ARGS_OK);
	assert_true(a.json);
	assert_int_equal(a.count, 5);
	assert_int_equal(a.timeout_ns, 500000000);

	assert_int_equal(PARSE(dq_parse_monitor, &a, "--count", "2",
			       "--json"), DQ_ARGS_OK);
	assert_int_equal(a.count, 2);
	assert_true(a.json);
}

static void monitor_errors(void **state)
{
	struct dq_monitor_args a;

	assert_int_equal(PARSE(dq_parse_monitor, &a, "-c"), DQ_ARGS_USAGE);
	assert_string_equal(err, "option -c needs a value");
	assert_int_equal(PARSE(dq_parse_monitor, &a, "--count"),
			 DQ_ARGS_USAGE);
	assert_string_equal(err, "option --count needs a value");
	assert_int_equal(PARSE(dq_parse_monitor, &a, "--json=yes"),
			 DQ_ARGS_USAGE);
	assert_string_equal(err, "option --json takes no value");
	assert_int_equal(PARSE(dq_parse_monitor, &a, "-c", "0"), DQ_ARGS_BAD);
	assert_string_equal(err, "count must be more than 0");
	assert_int_equal(PARSE(dq_parse_monitor, &a, "-c", "many"),
			 DQ_ARGS_BAD);
	assert_int_equal(PARSE(dq_parse_monitor, &a, "-t", "soon"),
			 DQ_ARGS_BAD);
	assert_string_equal(err, "invalid timeout 'soon' (like 5 or 500ms)");
	assert_int_equal(PARSE(dq_parse_monitor, &a, "vm-gone"),
			 DQ_ARGS_USAGE);
}

static void top(void **state)
{
	struct dq_top_args a;

	assert_int_equal(dq_parse_top(0, ARGV(NULL), &a, err), DQ_ARGS_OK);
	assert_false(a.batch || a.json);
	assert_int_equal(a.delay_ns, 1000000000);
	assert_int_equal(a.iterations, 0);
	assert_null(a.vm);

	assert_int_equal(PARSE(dq_parse_top, &a, "-b", "-n", "2", "-d",
			       "0.5", "guest1"), DQ_ARGS_OK);
	assert_true(a.batch);
	assert_int_equal(a.iterations, 2);
	assert_int_equal(a.delay_ns, 500000000);
	assert_string_equal(a.vm, "guest1");

	assert_int_equal(PARSE(dq_parse_top, &a, "--iterations=1",
			       "--delay", "100ms", "-bj", "--", "-odd-name"),
			 DQ_ARGS_OK);
	assert_true(a.batch && a.json);
	assert_int_equal(a.iterations, 1);
	assert_int_equal(a.delay_ns, 100000000);
	assert_string_equal(a.vm, "-odd-name");

	assert_int_equal(PARSE(dq_parse_top, &a, "-d", "0"), DQ_ARGS_BAD);
	assert_string_equal(err, "delay must be more than 0");
	assert_int_equal(PARSE(dq_parse_top, &a, "-n", "-1"), DQ_ARGS_BAD);
	assert_int_equal(PARSE(dq_parse_top, &a, "a", "b"), DQ_ARGS_USAGE);
}

static void show(void **state)
{
	struct dq_show_args a;

	assert_int_equal(dq_parse_show(0, ARGV(NULL), &a, err), DQ_ARGS_OK);
	assert_null(a.vm);
	assert_false(a.json || a.ids);
	assert_int_equal(PARSE(dq_parse_show, &a, "-j", "id:3"), DQ_ARGS_OK);
	assert_true(a.json);
	assert_string_equal(a.vm, "id:3");
	assert_int_equal(PARSE(dq_parse_show, &a, "--ids"), DQ_ARGS_OK);
	assert_true(a.ids);
	assert_int_equal(PARSE(dq_parse_show, &a, "1", "2"), DQ_ARGS_USAGE);
	/* "-" alone is an argument, not an option. */
	assert_int_equal(PARSE(dq_parse_show, &a, "-"), DQ_ARGS_OK);
	assert_string_equal(a.vm, "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_all),
		cmocka_unit_test(set_one),
		cmocka_unit_test(set_usage_errors),
		cmocka_unit_test(set_bad_values),
		cmocka_unit_test(set_max_stall),
		cmocka_unit_test(set_max_stall_errors),
		cmocka_unit_test(help_anywhere),
		cmocka_unit_test(setquota),
		cmocka_unit_test(setquota_errors),
		cmocka_unit_test(monitor),
		cmocka_unit_test(monitor_errors),
		cmocka_unit_test(top),
		cmocka_unit_test(show),
	};

	return cmocka_run_group_tests_name("dqctl args", tests, NULL, NULL);
}
