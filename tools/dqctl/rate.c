// SPDX-License-Identifier: GPL-2.0
/*
 * Rates of a byte counter over a sliding window, and shares of them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/dirtyquota.h>

#include "rate.h"

typedef unsigned __int128 u128;

#define NSEC_PER_SEC	1000000000ULL
#define SLOTS		(DQ_RATE_WINDOW + 1)

void dq_rate_init(struct dq_rate *r)
{
	memset(r, 0, sizeof(*r));
}

enum dq_rate_result dq_rate_add(struct dq_rate *r, uint64_t ns,
				uint64_t bytes, uint64_t *rate,
				uint64_t *span_ns)
{
	unsigned int first;
	u128 v;

	if (r->nr && bytes < r->bytes[r->last]) {
		r->last = 0;
		r->ns[0] = ns;
		r->bytes[0] = bytes;
		r->nr = 1;
		return DQ_RATE_RESET;
	}
	if (r->nr && ns <= r->ns[r->last])
		return DQ_RATE_NONE;
	if (r->nr)
		r->last = (r->last + 1) % SLOTS;
	r->ns[r->last] = ns;
	r->bytes[r->last] = bytes;
	if (r->nr < SLOTS)
		r->nr++;
	if (r->nr < 2)
		return DQ_RATE_NONE;

	first = (r->last + SLOTS + 1 - r->nr) % SLOTS;
	*span_ns = ns - r->ns[first];
	v = (u128)(bytes - r->bytes[first]) * NSEC_PER_SEC / *span_ns;
	*rate = v >= DIRTYQUOTA_UNLIMITED ? DIRTYQUOTA_UNLIMITED - 1 : v;
	return DQ_RATE_OK;
}

uint64_t dq_share_of(uint64_t rate, uint32_t share, uint64_t min,
		     bool *at_min)
{
	uint64_t v = (u128)rate * share / DQ_SHARE_ONE;

	if (v >= DIRTYQUOTA_UNLIMITED)
		v = DIRTYQUOTA_UNLIMITED - 1;
	*at_min = v <= min;
	return *at_min ? min : v;
}

int dq_parse_share(const char *s, uint32_t *share)
{
	uint64_t whole = 0, frac = 0, scale;
	unsigned int digits = 0, keep;
	const char *p = s, *dot = NULL;

	for (; (*p >= '0' && *p <= '9') || (*p == '.' && !dot); p++) {
		if (*p == '.')
			dot = p;
		else if (!dot && whole <= 100)
			whole = whole * 10 + (*p - '0');
	}
	if (p == s || *s == '.' || (dot && dot + 1 == p) ||
	    (*p && strcmp(p, "%")))
		return -EINVAL;
	/* A share in millionths, from a fraction or a percentage. */
	scale = *p ? DQ_SHARE_ONE / 100 : DQ_SHARE_ONE;
	keep = *p ? 4 : 6;
	if (dot)
		for (dot++; dot < p && digits < keep; dot++, digits++)
			frac = frac * 10 + (*dot - '0');
	while (digits++ < keep)
		frac *= 10;
	if (whole > 100)
		return -ERANGE;
	whole = whole * scale + frac;
	if (!whole || whole > DQ_SHARE_ONE)
		return -ERANGE;
	*share = whole;
	return 0;
}

char *dq_fmt_share(char *buf, uint32_t share)
{
	size_t len;

	snprintf(buf, DQ_SHARE_LEN, "%u.%06u", share / DQ_SHARE_ONE,
		 share % DQ_SHARE_ONE);
	len = strlen(buf);
	while (buf[len - 1] == '0')
		buf[--len] = '\0';
	if (buf[len - 1] == '.')
		buf[len - 1] = '\0';
	return buf;
}
