// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for what 'dqctl follow' computes: the rate of a counter over
 * a sliding window, resets, and shares of a rate with a floor.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <linux/dirtyquota.h>

#include "rate.h"

#define SEC	1000000000ULL
#define MiB	(1024ULL * 1024)

/* Adds a sample; returns the result, the rate in *rate (0 if none). */
static enum dq_rate_result add(struct dq_rate *r, uint64_t ns,
			       uint64_t bytes, uint64_t *rate, uint64_t *span)
{
	enum dq_rate_result res;

	*rate = 0;
	*span = 0;
	res = dq_rate_add(r, ns, bytes, rate, span);
	if (res != DQ_RATE_OK) {
		assert_int_equal(*rate, 0);
		assert_int_equal(*span, 0);
	}
	return res;
}

static void first_sample(void **state)
{
	struct dq_rate r;
	uint64_t rate, span;

	dq_rate_init(&r);
	assert_int_equal(add(&r, 5 * SEC, 1000, &rate, &span), DQ_RATE_NONE);
	assert_int_equal(add(&r, 6 * SEC, 1000 + 10 * MiB, &rate, &span),
			 DQ_RATE_OK);
	assert_int_equal(rate, 10 * MiB);
	assert_int_equal(span, SEC);
}

/* The rate covers the last DQ_RATE_WINDOW intervals, no more. */
static void window(void **state)
{
	static const uint64_t per_s[] = { 100, 200, 300, 400, 500, 600, 700 };
	uint64_t rate, span, bytes = 0, ns = 0;
	struct dq_rate r;
	size_t i;

	dq_rate_init(&r);
	assert_int_equal(add(&r, ns, bytes, &rate, &span), DQ_RATE_NONE);
	for (i = 0; i < sizeof(per_s) / sizeof(per_s[0]); i++) {
		uint64_t sum = 0, n = 0, k;

		ns += SEC;
		bytes += per_s[i];
		assert_int_equal(add(&r, ns, bytes, &rate, &span), DQ_RATE_OK);
		for (k = i + 1; k-- > 0 && n < DQ_RATE_WINDOW; n++)
			sum += per_s[k];
		assert_int_equal(span, n * SEC);
		assert_int_equal(rate, sum / n);
	}
	/* 400 + 500 + 600 + 700 over the last 4 s. */
	assert_int_equal(rate, 550);
}

/* Samples come late or early: the rate is over the time they really took. */
static void uneven_intervals(void **state)
{
	struct dq_rate r;
	uint64_t rate, span;

	dq_rate_init(&r);
	add(&r, 0, 0, &rate, &span);
	assert_int_equal(add(&r, SEC / 2, 500, &rate, &span), DQ_RATE_OK);
	assert_int_equal(rate, 1000);
	assert_int_equal(add(&r, 3 * SEC, 3000, &rate, &span), DQ_RATE_OK);
	assert_int_equal(rate, 1000);
	assert_int_equal(span, 3 * SEC);
	/* 1 byte in 3 ns: 333333333.33 B/s, rounded down. */
	assert_int_equal(add(&r, 3 * SEC + 3, 3001, &rate, &span), DQ_RATE_OK);
	assert_int_equal(rate, 3001 * SEC / (3 * SEC + 3));
}

static void idle(void **state)
{
	struct dq_rate r;
	uint64_t rate, span;

	dq_rate_init(&r);
	add(&r, SEC, 12345, &rate, &span);
	assert_int_equal(add(&r, 2 * SEC, 12345, &rate, &span), DQ_RATE_OK);
	assert_int_equal(rate, 0);
}

/* A sample no later than the one before is ignored. */
static void no_time(void **state)
{
	struct dq_rate r;
	uint64_t rate, span;

	dq_rate_init(&r);
	add(&r, SEC, 0, &rate, &span);
	assert_int_equal(add(&r, SEC, 5000, &rate, &span), DQ_RATE_NONE);
	assert_int_equal(add(&r, SEC - 1, 5000, &rate, &span), DQ_RATE_NONE);
	assert_int_equal(add(&r, 2 * SEC, 100, &rate, &span), DQ_RATE_OK);
	assert_int_equal(rate, 100);
}

/* Backwards is a reset (or a 32-bit wrap): start over from that sample. */
static void reset(void **state)
{
	struct dq_rate r;
	uint64_t rate, span;

	dq_rate_init(&r);
	add(&r, 0, 0, &rate, &span);
	add(&r, SEC, 100 * MiB, &rate, &span);
	add(&r, 2 * SEC, 200 * MiB, &rate, &span);
	assert_int_equal(add(&r, 3 * SEC, 4096, &rate, &span), DQ_RATE_RESET);
	/* Only what came after the reset counts, not the 100 MiB/s before. */
	assert_int_equal(add(&r, 4 * SEC, 4096 + MiB, &rate, &span),
			 DQ_RATE_OK);
	assert_int_equal(rate, MiB);
	assert_int_equal(span, SEC);
	assert_int_equal(add(&r, 5 * SEC, 4096 + 3 * MiB, &rate, &span),
			 DQ_RATE_OK);
	assert_int_equal(rate, 3 * MiB / 2);

	/* A wrap of a 32-bit counter looks the same. */
	dq_rate_init(&r);
	add(&r, 0, 0xfffff000ULL, &rate, &span);
	assert_int_equal(add(&r, SEC, 0x1000, &rate, &span), DQ_RATE_RESET);
	assert_int_equal(add(&r, 2 * SEC, 0x3000, &rate, &span), DQ_RATE_OK);
	assert_int_equal(rate, 0x2000);
}

/* A 64-bit counter near its top, and absurd rates, do not overflow. */
static void large(void **state)
{
	struct dq_rate r;
	uint64_t rate, span;

	dq_rate_init(&r);
	add(&r, SEC, UINT64_MAX - 3 * MiB, &rate, &span);
	assert_int_equal(add(&r, 2 * SEC, UINT64_MAX - MiB, &rate, &span),
			 DQ_RATE_OK);
	assert_int_equal(rate, 2 * MiB);

	dq_rate_init(&r);
	add(&r, 1, 0, &rate, &span);
	assert_int_equal(add(&r, 2, UINT64_MAX, &rate, &span), DQ_RATE_OK);
	assert_int_equal(rate, DIRTYQUOTA_UNLIMITED - 1);
}

static void share_of(void **state)
{
	bool at_min;

	assert_int_equal(dq_share_of(100 * MiB, 500000, MiB, &at_min),
			 50 * MiB);
	assert_false(at_min);
	assert_int_equal(dq_share_of(1000, 333333, 1, &at_min), 333);
	assert_false(at_min);
	/* An idle link, or a tiny rate: the floor, never 0. */
	assert_int_equal(dq_share_of(0, 500000, MiB, &at_min), MiB);
	assert_true(at_min);
	assert_int_equal(dq_share_of(MiB + 1, 500000, MiB, &at_min), MiB);
	assert_true(at_min);
	assert_int_equal(dq_share_of(2 * MiB, 500000, MiB, &at_min), MiB);
	assert_true(at_min);
	assert_int_equal(dq_share_of(1, 1, 1, &at_min), 1);
	assert_true(at_min);
	/* Never DIRTYQUOTA_UNLIMITED by accident. */
	assert_int_equal(dq_share_of(UINT64_MAX, DQ_SHARE_ONE, MiB, &at_min),
			 DIRTYQUOTA_UNLIMITED - 1);
	assert_int_equal(dq_share_of(UINT64_MAX - 1, DQ_SHARE_ONE, MiB,
				     &at_min), DIRTYQUOTA_UNLIMITED - 1);
	assert_int_equal(dq_share_of(UINT64_MAX, 999999, MiB, &at_min),
			 (unsigned __int128)UINT64_MAX * 999999 / 1000000);
}

static void parse_shares(void **state)
{
	static const struct {
		const char *s;
		uint32_t share;
	} good[] = {
		{ "0.5", 500000 }, { "1", 1000000 }, { "1.0", 1000000 },
		{ "0.25", 250000 }, { "0.333333333", 333333 },
		{ "0.000001", 1 }, { "0.0000019", 1 }, { "00.5", 500000 },
		{ "50%", 500000 }, { "12.5%", 125000 }, { "100%", 1000000 },
		{ "0.0001%", 1 }, { "100.0%", 1000000 },
	};
	static const char * const bad[] = {
		"", ".5", "5.", "1/2", "0.5x", "-0.5", "+0.5", "%", "50%%",
		"1.2.3", "0,5", " 0.5", "0.5 ", "1e-1", "half", "0x1",
	};
	static const char * const out_of_range[] = {
		"0", "0.0", "0%", "1.5", "1.000001", "101%", "100.01%",
		"0.0000001", "0.00001%", "2", "99999999999999999999999",
	};
	uint32_t share;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		share = 0;
		assert_int_equal(dq_parse_share(good[i].s, &share), 0);
		assert_int_equal(share, good[i].share);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dq_parse_share(bad[i], &share), -EINVAL);
	for (i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++)
		assert_int_equal(dq_parse_share(out_of_range[i], &share),
				 -ERANGE);
}

static void format_shares(void **state)
{
	char buf[DQ_SHARE_LEN];

	assert_string_equal(dq_fmt_share(buf, 500000), "0.5");
	assert_string_equal(dq_fmt_share(buf, 1000000), "1");
	assert_string_equal(dq_fmt_share(buf, 250000), "0.25");
	assert_string_equal(dq_fmt_share(buf, 333333), "0.333333");
	assert_string_equal(dq_fmt_share(buf, 1), "0.000001");
	assert_string_equal(dq_fmt_share(buf, 100000), "0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_sample),
		cmocka_unit_test(window),
		cmocka_unit_test(uneven_intervals),
		cmocka_unit_test(idle),
		cmocka_unit_test(no_time),
		cmocka_unit_test(reset),
		cmocka_unit_test(large),
		cmocka_unit_test(share_of),
		cmocka_unit_test(parse_shares),
		cmocka_unit_test(format_shares),
	};

	return cmocka_run_group_tests_name("dqctl follow: rates", tests, NULL,
					   NULL);
}
