// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes, rates and durations; the rules are in units.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <linux/dirtyquota.h>

#include "units.h"

typedef unsigned __int128 u128;

struct number {
	uint64_t whole;
	uint64_t frac;		/* the fraction's digits, as an integer */
	uint64_t frac_div;	/* 10^(digits kept) */
};

#define FRAC_DIGITS_MAX	18

/* Parses "123" or "1.25" from *s; leaves *s after the number. */
static int parse_number(const char **s, struct number *n)
{
	const char *p = *s;
	bool overflow = false;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	n->whole = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n->whole > (UINT64_MAX - (*p - '0')) / 10)
			overflow = true;
		n->whole = n->whole * 10 + (*p - '0');
	}
	n->frac = 0;
	n->frac_div = 1;
	if (*p == '.') {
		int digits = 0;

		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++, digits++) {
			if (digits >= FRAC_DIGITS_MAX)
				continue;
			n->frac = n->frac * 10 + (*p - '0');
			n->frac_div *= 10;
		}
	}
	*s = p;
	return overflow ? -ERANGE : 0;
}

/* n * mul / div, or -ERANGE if that is over 2^64-1. */
static int scale(const struct number *n, uint64_t mul, uint64_t div,
		 uint64_t *out)
{
	u128 v = (u128)n->whole * mul;

	v += (u128)n->frac * mul / n->frac_div;
	v /= div;
	if (v > UINT64_MAX)
		return -ERANGE;
	*out = v;
	return 0;
}

static uint64_t power(uint64_t base, int exp)
{
	uint64_t v = 1;

	while (exp-- > 0)
		v *= base;
	return v;
}

/*
 * Parses the unit after a size or rate: [prefix][i][B|bit][/s].
 * *mul gets bytes (bits if *bits) per unit.
 */
static int parse_size_unit(const char *p, bool rate, uint64_t *mul,
			   bool *bits)
{
	static const char prefixes[] = "kmgtpe";
	const char *pre = *p ? strchr(prefixes, *p | 0x20) : NULL;
	int exp = 0;
	bool binary = false, unit = false;

	*bits = false;
	if (pre) {
		exp = pre - prefixes + 1;
		p++;
		if (*p == 'i' || *p == 'I') {
			binary = true;
			p++;
		}
	}
	if (*p == 'B') {
		unit = true;
		p++;
	} else if (rate && !strncmp(p, "bit", 3)) {
		unit = true;
		*bits = true;
		p += 3;
	}
	if (rate && !strcmp(p, "/s"))
		p += 2;
	if (*p)
		return -EINVAL;
	if (exp && !binary && !unit)
		binary = true;	/* a bare K M G ... */
	*mul = power(binary ? 1024 : 1000, exp);
	return 0;
}

static int parse_scaled(const char *s, bool rate, uint64_t *out)
{
	struct number n;
	uint64_t mul;
	bool bits;
	int err;

	err = parse_number(&s, &n);
	if (err == -EINVAL)
		return err;
	if (parse_size_unit(s, rate, &mul, &bits))
		return -EINVAL;
	if (err)
		return err;
	return scale(&n, mul, bits ? 8 : 1, out);
}

int dq_parse_u64(const char *s, uint64_t *out)
{
	struct number n;
	int err = parse_number(&s, &n);

	if (err == -EINVAL || *s || n.frac_div != 1)
		return -EINVAL;
	if (err)
		return err;
	*out = n.whole;
	return 0;
}

int dq_parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	int err = dq_parse_u64(s, &v);

	if (err)
		return err;
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = v;
	return 0;
}

int dq_parse_size(const char *s, uint64_t *bytes)
{
	return parse_scaled(s, false, bytes);
}

int dq_parse_rate(const char *s, uint64_t *bytes_per_s)
{
	if (!strcmp(s, "unlimited")) {
		*bytes_per_s = DIRTYQUOTA_UNLIMITED;
		return 0;
	}
	return parse_scaled(s, true, bytes_per_s);
}

int dq_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000 }, { "", 1000000000 },
	};
	struct number n;
	size_t i;
	int err;

	err = parse_number(&s, &n);
	if (err == -EINVAL)
		return err;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(s, units[i].name))
			return err ? err : scale(&n, units[i].ns, 1, ns);
	return -EINVAL;
}

/*
 * Prints @v / @div with three significant digits and @unit; a value that
 * would print as 1000 or more is left to the next larger unit.
 */
static bool fmt_3digits(char *buf, uint64_t v, uint64_t div, const char *unit)
{
	double d = (double)v / div;

	if (d >= 999.5)
		return false;
	if (d < 9.995)
		snprintf(buf, DQ_FMT_LEN, "%.2f %s", d, unit);
	else if (d < 99.95)
		snprintf(buf, DQ_FMT_LEN, "%.1f %s", d, unit);
	else
		snprintf(buf, DQ_FMT_LEN, "%.0f %s", d, unit);
	return true;
}

char *dq_fmt_size(char *buf, uint64_t bytes)
{
	static const char * const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	uint64_t div = 1024;
	int i;

	if (bytes < 1024) {
		snprintf(buf, DQ_FMT_LEN, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	for (i = 0; i < 6; i++, div *= 1024)
		if (fmt_3digits(buf, bytes, div, units[i]))
			break;
	return buf;
}

char *dq_fmt_rate(char *buf, uint64_t bytes_per_s)
{
	size_t len;

	if (bytes_per_s == DIRTYQUOTA_UNLIMITED) {
		snprintf(buf, DQ_FMT_LEN, "unlimited");
		return buf;
	}
	dq_fmt_size(buf, bytes_per_s);
	len = strlen(buf);
	snprintf(buf + len, DQ_FMT_LEN - len, "/s");
	return buf;
}

char *dq_fmt_duration(char *buf, uint64_t ns)
{
	unsigned long long s;

	if (ns < 1000) {
		snprintf(buf, DQ_FMT_LEN, "%llu ns", (unsigned long long)ns);
		return buf;
	}
	if (fmt_3digits(buf, ns, 1000, "us") ||
	    fmt_3digits(buf, ns, 1000000, "ms"))
		return buf;
	if (ns < 59950000000ULL) {
		fmt_3digits(buf, ns, 1000000000, "s");
		return buf;
	}
	s = ns / 1000000000 + (ns % 1000000000 >= 500000000);
	if (s < 3600)
		snprintf(buf, DQ_FMT_LEN, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, DQ_FMT_LEN, "%lluh%02llum", s / 3600,
			 s / 60 % 60);
	else
		snprintf(buf, DQ_FMT_LEN, "%llud%02lluh", s / 86400,
			 s / 3600 % 24);
	return buf;
}
