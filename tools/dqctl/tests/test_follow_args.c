// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the command line of 'dqctl follow'.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "follow_args.h"

#define ARGV(...)	(char *[]){ __VA_ARGS__, NULL }
#define ARGC(...)	((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(a, ...)	dq_parse_follow(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), \
					a, err)

static char err[DQ_ARGS_ERR_LEN];

#define MiB	(1024ULL * 1024)

static void defaults(void **state)
{
	struct dq_follow_args a;

	assert_int_equal(PARSE(&a, "guest1", "--iface", "eth0"), DQ_ARGS_OK);
	assert_string_equal(err, "");
	assert_string_equal(a.vm, "guest1");
	assert_string_equal(a.iface, "eth0");
	assert_int_equal(a.share, 500000);
	assert_int_equal(a.interval_ns, 1000000000);
	assert_int_equal(a.min, MiB);
	assert_false(a.json);

	assert_int_equal(PARSE(&a, "--bandwidth", "1Gbit/s", "pid:42"),
			 DQ_ARGS_OK);
	assert_string_equal(a.vm, "pid:42");
	assert_null(a.iface);
	assert_int_equal(a.bandwidth, 125000000);
}

static void every_option(void **state)
{
	struct dq_follow_args a;

	assert_int_equal(PARSE(&a, "-j", "--iface=veth0", "7", "--share",
			       "25%", "--interval=500ms", "--min", "64KiB/s"),
			 DQ_ARGS_OK);
	assert_true(a.json);
	assert_string_equal(a.vm, "7");
	assert_string_equal(a.iface, "veth0");
	assert_int_equal(a.share, 250000);
	assert_int_equal(a.interval_ns, 500000000);
	assert_int_equal(a.min, 64 * 1024);

	assert_int_equal(PARSE(&a, "--json", "--bandwidth=100MiB/s",
			       "--share=1", "--", "-odd-name"), DQ_ARGS_OK);
	assert_true(a.json);
	assert_string_equal(a.vm, "-odd-name");
	assert_int_equal(a.bandwidth, 100 * MiB);
	assert_int_equal(a.share, 1000000);

	/* The limits of the interval. */
	assert_int_equal(PARSE(&a, "1", "--iface", "lo", "--interval", "10ms"),
			 DQ_ARGS_OK);
	assert_int_equal(PARSE(&a, "1", "--iface", "lo", "--interval", "3600"),
			 DQ_ARGS_OK);
	assert_int_equal(a.interval_ns, 3600000000000ULL);
}

static void help(void **state)
{
	struct dq_follow_args a;

	assert_int_equal(PARSE(&a, "--help"), DQ_ARGS_HELP);
	assert_int_equal(PARSE(&a, "vm", "-h"), DQ_ARGS_HELP);
	assert_int_equal(PARSE(&a, "-jh", "--iface", "lo"), DQ_ARGS_HELP);
	assert_int_equal(PARSE(&a, "1", "--share", "0.5", "-h"), DQ_ARGS_HELP);
}

static void usage_errors(void **state)
{
	const struct {
		char **argv;
		int argc;
		const char *err;
	} cases[] = {
#define CASE(msg, ...)	{ ARGV(__VA_ARGS__), ARGC(__VA_ARGS__), msg }
		CASE("which VM?", "--iface", "lo"),
		CASE("follow what? --bandwidth RATE or --iface IFACE", "vm"),
		CASE("follow what? --bandwidth RATE or --iface IFACE", "vm",
		     "--share", "0.5"),
		CASE("--bandwidth and --iface do not go together", "vm",
		     "--iface", "lo", "--bandwidth", "1G"),
		CASE("too many arguments", "vm", "vm2", "--iface", "lo"),
		CASE("too many arguments", "vm", "--iface", "lo", "--", "x"),
		CASE("--share given twice", "vm", "--iface", "lo", "--share",
		     "0.5", "--share=0.25"),
		CASE("--iface given twice", "vm", "--iface", "lo", "--iface",
		     "lo"),
		CASE("unknown option --rate", "vm", "--rate", "1G"),
		CASE("unknown option --band", "vm", "--band", "1G"),
		CASE("unknown option -x", "vm", "-x"),
		CASE("unknown option -i", "vm", "-i", "lo"),
		CASE("unknown option -x", "vm", "-jx"),
		CASE("option --json takes no value", "vm", "--json=yes"),
		CASE("option --iface needs a value", "vm", "--iface"),
		CASE("option --interval needs a value", "vm", "--iface", "lo",
		     "--interval"),
#undef CASE
	};
	struct dq_follow_args a;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(dq_parse_follow(cases[i].argc, cases[i].argv,
						 &a, err), DQ_ARGS_USAGE);
		assert_string_equal(err, cases[i].err);
	}
}

static void bad_values(void **state)
{
	static const struct {
		const char *opt;
		const char *val;
		const char *err;
	} cases[] = {
		{ "--bandwidth", "fast",
		  "invalid bandwidth 'fast' (like 100MiB/s or 1Gbit/s)" },
		{ "--bandwidth", "unlimited",
		  "bandwidth must be a rate, not unlimited" },
		{ "--bandwidth", "0", "bandwidth must be more than 0" },
		{ "--bandwidth", "0.1", "bandwidth must be more than 0" },
		{ "--bandwidth", "17EiB", "bandwidth '17EiB' is too large" },
		{ "--min", "0", "min must be more than 0" },
		{ "--min", "unlimited", "min must be a rate, not unlimited" },
		{ "--min", "1 MiB", "invalid min '1 MiB' (like 100MiB/s or 1Gbit/s)" },
		{ "--share", "0", "share '0' must be more than 0 and at most 1" },
		{ "--share", "1.5",
		  "share '1.5' must be more than 0 and at most 1" },
		{ "--share", "half", "invalid share 'half' (like 0.5 or 50%)" },
		{ "--interval", "soon",
		  "invalid interval 'soon' (like 1s or 500ms)" },
		{ "--interval", "9ms", "interval '9ms' is not from 10ms to 1h" },
		{ "--interval", "0", "interval '0' is not from 10ms to 1h" },
		{ "--interval", "3601", "interval '3601' is not from 10ms to 1h" },
		{ "--interval", "99999999999999999999",
		  "interval '99999999999999999999' is not from 10ms to 1h" },
		{ "--iface", "", "invalid interface name ''" },
		{ "--iface", "a/b", "invalid interface name 'a/b'" },
		{ "--iface", "..", "invalid interface name '..'" },
		{ "--iface", "0123456789abcdef",
		  "invalid interface name '0123456789abcdef'" },
	};
	struct dq_follow_args a;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = { "vm", (char *)cases[i].opt,
				 (char *)cases[i].val, NULL };

		assert_int_equal(dq_parse_follow(3, argv, &a, err),
				 DQ_ARGS_BAD);
		assert_string_equal(err, cases[i].err);
	}
}

static void interface_names(void **state)
{
	static const char * const good[] = {
		"lo", "eth0", "veth-dq0", "br.100", "0123456789abcde", "...",
		"a.b", "wg@1",
	};
	static const char * const bad[] = {
		"", ".", "..", "a/b", "a:1", "a b", "tab\t", "nl\n",
		"0123456789abcdef", "/", "../../etc",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(dq_ifname_valid(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(dq_ifname_valid(bad[i]));
}

/* The parser leaves argv alone, and the names point into it. */
static void argv_untouched(void **state)
{
	char *argv[] = { "--iface", "lo", "--share", "0.5", "vm", NULL };
	char *copy[6];
	struct dq_follow_args a;

	memcpy(copy, argv, sizeof(argv));
	assert_int_equal(dq_parse_follow(5, argv, &a, err), DQ_ARGS_OK);
	assert_memory_equal(copy, argv, sizeof(argv));
	assert_ptr_equal(a.vm, argv[4]);
	assert_ptr_equal(a.iface, argv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_option),
		cmocka_unit_test(help),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(interface_names),
		cmocka_unit_test(argv_untouched),
	};

	return cmocka_run_group_tests_name("dqctl follow: arguments", tests,
					   NULL, NULL);
}
