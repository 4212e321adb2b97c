// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for parsing and printing sizes, rates and durations.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "units.h"

#define KiB	1024ULL
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)
#define EiB	(1024 * 1024 * 1024 * GiB)
#define MAX	18446744073709551615ULL

static uint64_t size(const char *s)
{
	uint64_t v = 12345;

	assert_int_equal(dq_parse_size(s, &v), 0);
	return v;
}

static uint64_t rate(const char *s)
{
	uint64_t v = 12345;

	assert_int_equal(dq_parse_rate(s, &v), 0);
	return v;
}

static uint64_t duration(const char *s)
{
	uint64_t v = 12345;

	assert_int_equal(dq_parse_duration(s, &v), 0);
	return v;
}

static void sizes(void **state)
{
	assert_int_equal(size("0"), 0);
	assert_int_equal(size("4096"), 4096);
	assert_int_equal(size("4096B"), 4096);
	assert_int_equal(size("64K"), 64 * KiB);
	assert_int_equal(size("64k"), 64 * KiB);
	assert_int_equal(size("64KiB"), 64 * KiB);
	assert_int_equal(size("64kB"), 64000);
	assert_int_equal(size("64KB"), 64000);
	assert_int_equal(size("1.5GiB"), 1610612736ULL);
	assert_int_equal(size("1.5G"), 1610612736ULL);
	assert_int_equal(size("1.5GB"), 1500000000ULL);
	assert_int_equal(size("2M"), 2 * MiB);
	assert_int_equal(size("1T"), 1024 * GiB);
	assert_int_equal(size("1P"), 1024 * 1024 * GiB);
	assert_int_equal(size("1E"), EiB);
	assert_int_equal(size("15.999E"), 18445591152204944769ULL);
	/* Fractions of a byte are dropped. */
	assert_int_equal(size("1.1K"), 1126);
	assert_int_equal(size("0.5"), 0);
	/* Excess fraction digits are ignored, not an error. */
	assert_int_equal(size("1.0000000000000000000000001K"), 1024);
	assert_int_equal(size("18446744073709551615"), MAX);
}

static void bad_sizes(void **state)
{
	static const char * const bad[] = {
		"", "K", "-1", "+1", " 1", "1 ", "1 K", "1.", ".5", "1.5.5",
		"0x10", "1e3", "1KK", "1Kib", "1kbit", "1b", "1/s", "1Ki B",
		"1X", "1iB", "abc", "1,5K",
	};
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 777;
		assert_int_equal(dq_parse_size(bad[i], &v), -EINVAL);
		assert_int_equal(v, 777);
	}
}

static void size_overflow(void **state)
{
	uint64_t v;

	assert_int_equal(dq_parse_size("18446744073709551616", &v), -ERANGE);
	assert_int_equal(dq_parse_size("99999999999999999999999", &v),
			 -ERANGE);
	assert_int_equal(dq_parse_size("16E", &v), -ERANGE);
	assert_int_equal(dq_parse_size("16EiB", &v), -ERANGE);
	assert_int_equal(dq_parse_size("17179869184G", &v), -ERANGE);
	assert_int_equal(dq_parse_size("15.9999999999E", &v), 0);
	/* Garbage wins over overflow: the unit is checked too. */
	assert_int_equal(dq_parse_size("99999999999999999999X", &v), -EINVAL);
}

static void rates(void **state)
{
	uint64_t v;

	assert_int_equal(rate("100MiB/s"), 100 * MiB);
	assert_int_equal(rate("100MiB"), 100 * MiB);
	assert_int_equal(rate("100M/s"), 100 * MiB);
	assert_int_equal(rate("100MB/s"), 100000000);
	assert_int_equal(rate("1Gbit/s"), 125000000);
	assert_int_equal(rate("1Gbit"), 125000000);
	assert_int_equal(rate("1Gibit/s"), GiB / 8);
	assert_int_equal(rate("8bit/s"), 1);
	assert_int_equal(rate("12bit/s"), 1);
	assert_int_equal(rate("100kbit/s"), 12500);
	assert_int_equal(rate("4096/s"), 4096);
	assert_int_equal(rate("0"), 0);
	assert_int_equal(rate("unlimited"), MAX);
	assert_int_equal(dq_parse_rate("unlimitedd", &v), -EINVAL);
	assert_int_equal(dq_parse_rate("1Gbit/h", &v), -EINVAL);
	assert_int_equal(dq_parse_rate("1Gbps", &v), -EINVAL);
	assert_int_equal(dq_parse_rate("1/s/s", &v), -EINVAL);
	assert_int_equal(dq_parse_rate("1 MiB/s", &v), -EINVAL);
	/* 2^67 bits fit in 128-bit arithmetic, 2^64 bytes do not fit. */
	assert_int_equal(dq_parse_rate("128Eibit/s", &v), -ERANGE);
	assert_int_equal(rate("127Eibit/s"), 127 * (EiB / 8));
}

static void durations(void **state)
{
	uint64_t v;

	assert_int_equal(duration("10ms"), 10000000);
	assert_int_equal(duration("1.5ms"), 1500000);
	assert_int_equal(duration("500us"), 500000);
	assert_int_equal(duration("500\xc2\xb5s"), 500000);
	assert_int_equal(duration("7ns"), 7);
	assert_int_equal(duration("2s"), 2000000000);
	assert_int_equal(duration("2"), 2000000000);
	assert_int_equal(duration("0.1"), 100000000);
	assert_int_equal(duration("0.0000000015s"), 1);
	assert_int_equal(dq_parse_duration("10m", &v), -EINVAL);
	assert_int_equal(dq_parse_duration("10 ms", &v), -EINVAL);
	assert_int_equal(dq_parse_duration("ms", &v), -EINVAL);
	assert_int_equal(dq_parse_duration("-1s", &v), -EINVAL);
	assert_int_equal(dq_parse_duration("1h", &v), -EINVAL);
	assert_int_equal(dq_parse_duration("18446744074s", &v), -ERANGE);
	assert_int_equal(duration("18446744073s"), 18446744073000000000ULL);
}

static void integers(void **state)
{
	uint64_t v;
	uint32_t u;

	assert_int_equal(dq_parse_u64("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(dq_parse_u64("1.0", &v), -EINVAL);
	assert_int_equal(dq_parse_u64("1K", &v), -EINVAL);
	assert_int_equal(dq_parse_u64("", &v), -EINVAL);
	assert_int_equal(dq_parse_u64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(dq_parse_u32("4294967295", &u), 0);
	assert_int_equal(u, 4294967295U);
	assert_int_equal(dq_parse_u32("4294967296", &u), -ERANGE);
}

#define FMT(fn, v, want) do {				\
	char buf[DQ_FMT_LEN];				\
	assert_string_equal(fn(buf, v), want);		\
} while (0)

static void format_sizes(void **state)
{
	FMT(dq_fmt_size, 0, "0 B");
	FMT(dq_fmt_size, 1023, "1023 B");
	FMT(dq_fmt_size, 1024, "1.00 KiB");
	FMT(dq_fmt_size, 1536, "1.50 KiB");
	FMT(dq_fmt_size, 10 * KiB, "10.0 KiB");
	FMT(dq_fmt_size, 100 * KiB, "100 KiB");
	FMT(dq_fmt_size, 999 * KiB, "999 KiB");
	/* Never four digits: 1000 KiB is shown in MiB. */
	FMT(dq_fmt_size, 1000 * KiB, "0.98 MiB");
	FMT(dq_fmt_size, MiB - 1, "1.00 MiB");
	FMT(dq_fmt_size, 1610612736ULL, "1.50 GiB");
	FMT(dq_fmt_size, 1024 * 1024 * GiB, "1.00 PiB");
	FMT(dq_fmt_size, EiB, "1.00 EiB");
	FMT(dq_fmt_size, MAX - 1, "16.0 EiB");
}

static void format_rates(void **state)
{
	FMT(dq_fmt_rate, 0, "0 B/s");
	FMT(dq_fmt_rate, 100 * MiB, "100 MiB/s");
	FMT(dq_fmt_rate, 125000000, "119 MiB/s");
	FMT(dq_fmt_rate, MAX, "unlimited");
}

static void format_durations(void **state)
{
	FMT(dq_fmt_duration, 0, "0 ns");
	FMT(dq_fmt_duration, 999, "999 ns");
	FMT(dq_fmt_duration, 1000, "1.00 us");
	FMT(dq_fmt_duration, 1500000, "1.50 ms");
	FMT(dq_fmt_duration, 10000000, "10.0 ms");
	FMT(dq_fmt_duration, 999600000, "1.00 s");
	FMT(dq_fmt_duration, 2345000000ULL, "2.35 s");
	FMT(dq_fmt_duration, 59940000000ULL, "59.9 s");
	FMT(dq_fmt_duration, 59960000000ULL, "1m00s");
	FMT(dq_fmt_duration, 754000000000ULL, "12m34s");
	FMT(dq_fmt_duration, 3600000000000ULL, "1h00m");
	FMT(dq_fmt_duration, 90061000000000ULL, "1d01h");
	FMT(dq_fmt_duration, MAX, "213503d23h");
}

/* Whatever is printed reads back close to the value. */
static void round_trip(void **state)
{
	static const uint64_t values[] = {
		1, 1000, 4096, 65536, 1000000, 123456789, 1ULL << 40,
		987654321987ULL,
	};
	char buf[DQ_FMT_LEN], *sp;
	size_t i;
	uint64_t v;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		dq_fmt_size(buf, values[i]);
		sp = strchr(buf, ' ');
		memmove(sp, sp + 1, strlen(sp));
		assert_int_equal(dq_parse_size(buf, &v), 0);
		assert_true(v <= values[i] + values[i] / 100 + 1);
		assert_true(v >= values[i] - values[i] / 100);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes),
		cmocka_unit_test(bad_sizes),
		cmocka_unit_test(size_overflow),
		cmocka_unit_test(rates),
		cmocka_unit_test(durations),
		cmocka_unit_test(integers),
		cmocka_unit_test(format_sizes),
		cmocka_unit_test(format_rates),
		cmocka_unit_test(format_durations),
		cmocka_unit_test(round_trip),
	};

	return cmocka_run_group_tests_name("dqctl units", tests, NULL, NULL);
}
