// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the parsers and printers of units.h.
 *
 * The input is one string, given to every parser.  Besides not crashing:
 * the parsers agree with each other where the grammar says they must, a
 * success starts with a digit, and whatever a printer prints reads back
 * (without its space) close to the value printed.
 */
#include <errno.h>
#include <inttypes.h>

#include <linux/dirtyquota.h>

#include "../units.h"
#include "fuzz.h"

#define NSEC	1000000000ULL

typedef unsigned __int128 u128;

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void check_ret(const char *what, const char *s, int ret)
{
	FUZZ_ASSERT(!ret || ret == -EINVAL || ret == -ERANGE,
		    "%s('%s') = %d", what, s, ret);
	/* No sign, no space, no "0x": only a number gets past -EINVAL. */
	FUZZ_ASSERT(ret == -EINVAL || is_digit(s[0]),
		    "%s('%s') = %d", what, s, ret);
}

static bool ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);

	return n >= m && !strcmp(s + n - m, end);
}

/* Within rounding to three significant digits, and a dropped fraction. */
static bool close_to(uint64_t back, uint64_t v)
{
	uint64_t diff = back > v ? back - v : v - back;

	return diff <= v / 128 + 1;
}

/* Drops the one space between number and unit, which parsers refuse. */
static void squeeze(char *buf)
{
	char *sp = strchr(buf, ' ');

	FUZZ_ASSERT(sp && !strchr(sp + 1, ' '), "'%s'", buf);
	memmove(sp, sp + 1, strlen(sp));
}

/* "N unit": N below 1000 with three significant digits, unless exact. */
static void check_printed(const char *buf, bool exact)
{
	char *end;
	double d;

	FUZZ_ASSERT(strnlen(buf, DQ_FMT_LEN) < DQ_FMT_LEN, "%.32s", buf);
	FUZZ_ASSERT(fuzz_one_line(buf), "'%s'", buf);
	d = strtod(buf, &end);
	FUZZ_ASSERT(end > buf && *end == ' ', "'%s'", buf);
	if (!exact)
		FUZZ_ASSERT(d < 1000 && end - buf <= 4, "'%s'", buf);
}

static void round_trip_size(uint64_t v)
{
	char buf[DQ_FMT_LEN];
	uint64_t back;
	int ret;

	FUZZ_ASSERT(dq_fmt_size(buf, v) == buf, "");
	check_printed(buf, v < 1024);
	squeeze(buf);
	ret = dq_parse_size(buf, &back);
	/* 2^64 - 1 and its neighbours print as 16.0 EiB: one too many. */
	if (ret == -ERANGE && !strcmp(buf, "16.0EiB"))
		return;
	FUZZ_ASSERT(!ret, "%" PRIu64 " -> '%s': %d", v, buf, ret);
	FUZZ_ASSERT(close_to(back, v), "%" PRIu64 " -> '%s' -> %" PRIu64,
		    v, buf, back);
	FUZZ_ASSERT(v >= 1024 || back == v, "%" PRIu64 " -> '%s'", v, buf);
}

static void round_trip_rate(uint64_t v)
{
	char buf[DQ_FMT_LEN], size[DQ_FMT_LEN + 2];
	uint64_t back;
	int ret;

	FUZZ_ASSERT(dq_fmt_rate(buf, v) == buf, "");
	if (v == DIRTYQUOTA_UNLIMITED) {
		FUZZ_ASSERT(!strcmp(buf, "unlimited"), "'%s'", buf);
		FUZZ_ASSERT(!dq_parse_rate(buf, &back) && back == v, "");
		return;
	}
	/* A rate prints as the size, per second. */
	dq_fmt_size(size, v);
	strcat(size, "/s");
	FUZZ_ASSERT(!strcmp(buf, size), "'%s' != '%s'", buf, size);
	check_printed(buf, v < 1024);
	squeeze(buf);
	ret = dq_parse_rate(buf, &back);
	if (ret == -ERANGE && !strcmp(buf, "16.0EiB/s"))
		return;
	FUZZ_ASSERT(!ret, "%" PRIu64 " -> '%s': %d", v, buf, ret);
	FUZZ_ASSERT(close_to(back, v), "%" PRIu64 " -> '%s' -> %" PRIu64,
		    v, buf, back);
}

/* From a minute up, "1m05s", "2h03m" or "4d05h": the rounded seconds. */
static void check_long_duration(const char *buf, uint64_t v)
{
	unsigned long long a, b, s = v / NSEC + (v % NSEC >= NSEC / 2);
	char u1, u2;
	int n = 0;

	FUZZ_ASSERT(sscanf(buf, "%llu%c%llu%c%n", &a, &u1, &b, &u2, &n) == 4 &&
		    !buf[n] && is_digit(buf[0]), "'%s'", buf);
	switch (u1) {
	case 'm':
		FUZZ_ASSERT(u2 == 's' && b < 60 && a * 60 + b == s &&
			    s < 3600, "%" PRIu64 " -> '%s'", v, buf);
		break;
	case 'h':
		FUZZ_ASSERT(u2 == 'm' && b < 60 && s >= 3600 && s < 86400 &&
			    a * 3600 + b * 60 == s - s % 60,
			    "%" PRIu64 " -> '%s'", v, buf);
		break;
	default:
		FUZZ_ASSERT(u1 == 'd' && u2 == 'h' && b < 24 && s >= 86400 &&
			    a * 86400 + b * 3600 == s - s % 3600,
			    "%" PRIu64 " -> '%s'", v, buf);
		break;
	}
}

static void round_trip_duration(uint64_t v)
{
	char buf[DQ_FMT_LEN];
	uint64_t back;
	int ret;

	FUZZ_ASSERT(dq_fmt_duration(buf, v) == buf, "");
	FUZZ_ASSERT(strnlen(buf, DQ_FMT_LEN) < DQ_FMT_LEN, "%.32s", buf);
	if (!strchr(buf, ' ')) {
		FUZZ_ASSERT(v >= 59950000000ULL, "%" PRIu64 " -> '%s'", v, buf);
		check_long_duration(buf, v);
		return;
	}
	check_printed(buf, v < 1000);
	squeeze(buf);
	ret = dq_parse_duration(buf, &back);
	FUZZ_ASSERT(!ret, "%" PRIu64 " -> '%s': %d", v, buf, ret);
	FUZZ_ASSERT(close_to(back, v), "%" PRIu64 " -> '%s' -> %" PRIu64,
		    v, buf, back);
	FUZZ_ASSERT(v >= 1000 || back == v, "%" PRIu64 " -> '%s'", v, buf);
}

enum kind { SIZE, RATE, DURATION };

/* What one of the units that units.h spells out is worth: @mul / @div. */
static bool unit_value(const char *unit, enum kind kind, u128 *mul,
		       u128 *div)
{
	static const char prefixes[] = "KMGTPE";
	static const struct {
		const char *name;
		uint64_t ns;
	} times[] = {
		{ "", NSEC }, { "s", NSEC }, { "ms", 1000000 },
		{ "us", 1000 }, { "\xc2\xb5s", 1000 }, { "ns", 1 },
	};
	char name[8], forms[8][8];
	u128 k = 1, m = 1;
	size_t i;
	int e;

	*div = 1;
	if (kind == DURATION) {
		for (i = 0; i < sizeof(times) / sizeof(times[0]); i++)
			if (!strcmp(unit, times[i].name)) {
				*mul = times[i].ns;
				return true;
			}
		return false;
	}
	if (kind == RATE && ends_with(unit, "/s"))
		snprintf(name, sizeof(name), "%.*s", (int)strlen(unit) - 2, unit);
	else
		snprintf(name, sizeof(name), "%s", unit);
	*mul = 1;
	if (!strcmp(name, "") || !strcmp(name, "B"))
		return true;
	*div = 8;
	if (kind == RATE && !strcmp(name, "bit"))
		return true;
	for (e = 0; e < 6; e++) {
		char up = prefixes[e], low = prefixes[e] | 0x20;

		k *= 1000;
		m *= 1024;
		snprintf(forms[0], 8, "%c", up);
		snprintf(forms[1], 8, "%c", low);
		snprintf(forms[2], 8, "%ciB", up);
		snprintf(forms[3], 8, "%cB", up);
		snprintf(forms[4], 8, "%cB", low);
		snprintf(forms[5], 8, "%cbit", up);
		snprintf(forms[6], 8, "%cbit", low);
		snprintf(forms[7], 8, "%cibit", up);
		for (i = 0; i < 8; i++) {
			if (strcmp(name, forms[i]) || (kind == SIZE && i >= 5))
				continue;
			*mul = i <= 2 || i == 7 ? m : k;
			*div = i <= 4 ? 1 : 8;
			return true;
		}
	}
	return false;
}

/*
 * The value of "N<unit>" for an integer N and such a unit, counted in 128
 * bits; N itself over 2^64-1 is too large, even in bits.
 */
static bool expected(const char *s, enum kind kind, u128 *want)
{
	const char *unit = s + strspn(s, "0123456789"), *p;
	u128 n = 0, mul, div;

	if (unit == s || unit - s > 20 || !unit_value(unit, kind, &mul, &div))
		return false;
	for (p = s; p < unit; p++)
		n = n * 10 + (*p - '0');
	*want = n > UINT64_MAX ? n : n * mul / div;
	return true;
}

/* Integers in the units the header lists parse to exactly their value. */
static void check_exact(const char *s, enum kind kind, int ret, uint64_t v)
{
	u128 want;

	if (!expected(s, kind, &want))
		return;
	if (want > UINT64_MAX)
		FUZZ_ASSERT(ret == -ERANGE, "'%s': %d", s, ret);
	else
		FUZZ_ASSERT(!ret && v == (uint64_t)want, "'%s': %d %" PRIu64,
			    s, ret, v);
}

static void round_trip(uint64_t v)
{
	round_trip_size(v);
	round_trip_rate(v);
	round_trip_duration(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), *per_s;
	uint64_t u64 = 0, sz = 0, rate = 0, rate2 = 0, dur = 0, v;
	int e64, e32, esz, erate, erate2, edur;
	uint32_t u32 = 0;

	e64 = dq_parse_u64(s, &u64);
	e32 = dq_parse_u32(s, &u32);
	esz = dq_parse_size(s, &sz);
	erate = dq_parse_rate(s, &rate);
	edur = dq_parse_duration(s, &dur);
	check_ret("u64", s, e64);
	check_ret("u32", s, e32);
	check_ret("size", s, esz);
	if (strcmp(s, "unlimited"))
		check_ret("rate", s, erate);
	else
		FUZZ_ASSERT(!erate && rate == DIRTYQUOTA_UNLIMITED, "");
	check_ret("duration", s, edur);

	check_exact(s, SIZE, esz, sz);
	check_exact(s, RATE, erate, rate);
	check_exact(s, DURATION, edur, dur);

	/* A u32 is a u64 that fits. */
	if (!e64 && u64 <= UINT32_MAX)
		FUZZ_ASSERT(!e32 && u32 == u64, "'%s'", s);
	else
		FUZZ_ASSERT(e32 == (e64 ? e64 : -ERANGE), "'%s': %d", s, e32);

	/* A bare integer is bytes, and seconds. */
	if (e64 != -EINVAL)
		FUZZ_ASSERT(esz == e64 && (e64 || sz == u64), "'%s'", s);
	if (!e64 && u64 <= UINT64_MAX / NSEC)
		FUZZ_ASSERT(!edur && dur == u64 * NSEC, "'%s'", s);
	else if (e64 != -EINVAL)
		FUZZ_ASSERT(edur == -ERANGE, "'%s': %d", s, edur);

	/* Without bits, "/s" or "unlimited", a rate reads as a size. */
	if (!strstr(s, "bit") && !strstr(s, "/s") && strcmp(s, "unlimited"))
		FUZZ_ASSERT(erate == esz && (esz || rate == sz),
			    "'%s': %d %d", s, erate, esz);

	/* "/s" is optional. */
	if (!ends_with(s, "/s") && strcmp(s, "unlimited")) {
		per_s = malloc(strlen(s) + 3);
		if (!per_s)
			abort();
		strcpy(per_s, s);
		strcat(per_s, "/s");
		erate2 = dq_parse_rate(per_s, &rate2);
		FUZZ_ASSERT(erate2 == erate && (erate || rate2 == rate),
			    "'%s': %d %d", s, erate, erate2);
		free(per_s);
	}

	if (!esz)
		round_trip(sz);
	if (!erate)
		round_trip(rate);
	if (!edur)
		round_trip(dur);
	/* And raw values, over the whole range: the first bytes, shifted. */
	if (size >= 9) {
		memcpy(&v, data, sizeof(v));
		round_trip(v >> (data[8] & 63));
	}
	free(s);
	return 0;
}
