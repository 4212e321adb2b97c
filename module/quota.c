// SPDX-License-Identifier: GPL-2.0
/*
 * The dirty quota algorithm; see quota.h.  No locking here: the callers
 * serialize updates of a VM's quotas and pool.
 */
#include "quota.h"

u64 dq_sat_add(u64 a, u64 b)
{
	return a + b < a ? DQ_UNLIMITED : a + b;
}

u64 dq_sat_mul(u64 a, u64 b)
{
	if (a && b > DQ_UNLIMITED / a)
		return DQ_UNLIMITED;
	return a * b;
}

/* Bytes per interval for a rate in bytes per second, rounded down. */
u64 dq_rate_to_interval(u64 bytes_per_sec, u64 interval_ns)
{
	u64 sec, rem;

	if (bytes_per_sec == DQ_UNLIMITED)
		return DQ_UNLIMITED;
	/* rate * ns / 1e9 without 128-bit arithmetic: split the rate. */
	sec = bytes_per_sec / DQ_NSEC_PER_SEC;
	rem = bytes_per_sec % DQ_NSEC_PER_SEC;
	return dq_sat_add(dq_sat_mul(sec, interval_ns),
			  rem * interval_ns / DQ_NSEC_PER_SEC);
}

/* floor(@a * @b / @d) and its remainder, for @a < @d. */
static u64 dq_mul_div(u64 a, u64 b, u64 d, u64 *rem)
{
	u64 q = mul_u64_u64_div_u64(a, b, d);

	/* The remainder is below @d: the low 64 bits of the product do. */
	*rem = a * b - q * d;
	return q;
}

/*
 * The quota of intervals @from to @to - 1 of a vCPU with its own @rate, or
 * with DQ_RATE_SHARE an equal share of the budget among the vCPUs that
 * have no rate of their own; see quota.h.
 */
u64 dq_quota_of(const struct dq_budget *b, u64 rate, u64 from, u64 to)
{
	u64 div, whole, frac;
	u32 parts = 1;

	if (from >= to)
		return 0;
	if (rate == DQ_RATE_SHARE) {
		rate = b->rate;
		if (b->nr_vcpus > b->nr_own)
			parts = b->nr_vcpus - b->nr_own;
	}
	if (rate == DQ_UNLIMITED)
		return DQ_UNLIMITED;
	/* x = whole + frac / div, so floor(j * x) = j * whole + j * frac / div */
	div = parts * DQ_NSEC_PER_SEC;
	whole = dq_mul_div(rate % div, b->interval_ns, div, &frac);
	whole = dq_sat_add(dq_sat_mul(rate / div, b->interval_ns), whole);
	return dq_sat_add(dq_sat_mul(to - from, whole),
			  mul_u64_u64_div_u64(to, frac, div) -
			  mul_u64_u64_div_u64(from, frac, div));
}

void dq_quota_start(struct dq_quota *q, u64 total, u64 quota)
{
	q->base = total;
	q->quota = quota;
	q->drawn = 0;
	q->carried = 0;
	WRITE_ONCE(q->threshold, dq_sat_add(total, quota));
}

/*
 * Starts an interval with @quota.  @missed is the quota of the intervals
 * that ended unrolled and that a stopped vCPU makes up.  Returns the
 * unused bytes, for the pool.
 *
 * A vCPU that was over its threshold wanted more: it keeps @missed, so
 * that a late timer does not lower its rate; what it owes beyond that
 * stays debt.  A vCPU that was not over returns what it left of the last
 * interval and @missed, all of which it did not use: a late timer must
 * not lower the rate of a vCPU that waits on the pool either (1 MiB/s
 * over two vCPUs at 1 ms, one idle, rolled 2-3 intervals late under
 * emulation, gave the other 0.6 MiB/s).  The pool's cap bounds what that
 * can add up to.
 *
 * Unless the vCPU is held: stopped for its quota and given more, but not
 * back in the guest yet.  It did not leave its quota for want of pages to
 * dirty but because the host did not run it, and keeps up to @keep_max of
 * what it left (0 when not held; see dq_hold_max()); only the rest is
 * returned.  A host that is slow to run woken vCPUs must not lower their
 * rate: at 512 KiB/s, 10 ms, on a host with more busy threads than CPUs,
 * the writer got 64% of its rate before.
 */
u64 dq_quota_refill(struct dq_quota *q, u64 total, u64 missed, u64 quota,
		    u64 keep_max)
{
	u64 unused, keep = 0;

	if (q->threshold == DQ_UNLIMITED || quota == DQ_UNLIMITED) {
		dq_quota_start(q, total, quota);
		return 0;
	}
	if (total > q->threshold) {
		q->base = dq_sat_add(q->threshold, missed);
		unused = 0;
	} else {
		unused = dq_sat_add(q->threshold - total, missed);
		q->base = total;
		keep = min(unused, keep_max);
		unused -= keep;
	}
	q->carried = keep;
	q->quota = dq_sat_add(quota, keep);
	q->drawn = 0;
	WRITE_ONCE(q->threshold, dq_sat_add(q->base, q->quota));
	return unused;
}

/*
 * The most a held vCPU with @rate and this interval's @quota may have left
 * to dirty: DQ_CATCHUP intervals of what it can get in one, its quota and,
 * on the share with the pool on, the pool's cap.
 */
u64 dq_hold_max(const struct dq_budget *b, u64 rate, u64 quota)
{
	if (rate == DQ_RATE_SHARE && b->pool)
		quota = dq_sat_add(quota, b->pool_cap);
	return dq_sat_mul(quota, DQ_CATCHUP);
}

/*
 * Ends intervals @from to @to - 1 of a vCPU with @rate (or DQ_RATE_SHARE)
 * and starts interval @to; what a vCPU on the share did not use goes to
 * the pool, up to its cap however late the roll.  @held: see
 * dq_quota_refill().
 */
void dq_quota_roll(struct dq_quota *q, u64 total, const struct dq_budget *b,
		   u64 rate, u64 from, u64 to, bool held)
{
	u64 n = min_t(u64, to - from, DQ_CATCHUP), unused, quota, keep = 0;

	quota = dq_quota_of(b, rate, to, to + 1);
	if (held)	/* dq_hold_max() >= quota, saturated or not */
		keep = dq_hold_max(b, rate, quota) - quota;
	unused = dq_quota_refill(q, total, dq_quota_of(b, rate, to - n + 1, to),
				 quota, keep);
	if (rate == DQ_RATE_SHARE && b->pool)
		dq_pool_deposit(b->pool, unused, b->pool_cap);
}

/* A new quota within the current interval; pool draws and carry stay. */
void dq_quota_set(struct dq_quota *q, u64 total, u64 quota)
{
	if (quota == DQ_UNLIMITED || q->quota == DQ_UNLIMITED) {
		dq_quota_start(q, total, quota);
		return;
	}
	q->quota = dq_sat_add(dq_sat_add(quota, q->drawn), q->carried);
	WRITE_ONCE(q->threshold, dq_sat_add(q->base, q->quota));
}

/* What the vCPU owes is dropped: it has its whole quota from @total on. */
void dq_quota_forgive(struct dq_quota *q, u64 total)
{
	if (total <= q->threshold)
		return;
	q->base = total;
	WRITE_ONCE(q->threshold, dq_sat_add(total, q->quota));
}

/* The page that made the counter exceed the quota is the last one allowed. */
bool dq_quota_over(const struct dq_quota *q, u64 total)
{
	return total > READ_ONCE(q->threshold);
}

u64 dq_quota_used(const struct dq_quota *q, u64 total)
{
	return total > q->base ? total - q->base : 0;
}

u64 dq_pool_deposit(u64 *pool, u64 bytes, u64 cap)
{
	u64 room = *pool < cap ? cap - *pool : 0;

	bytes = min(bytes, room);
	*pool += bytes;
	return bytes;
}

/* Moves up to @want bytes of the pool to @q's quota; returns how many. */
static u64 dq_pool_take(u64 *pool, struct dq_quota *q, u64 want)
{
	u64 got = min(want, *pool);

	*pool -= got;
	q->drawn = dq_sat_add(q->drawn, got);
	q->quota = dq_sat_add(q->quota, got);
	WRITE_ONCE(q->threshold, dq_sat_add(q->threshold, got));
	return got;
}

/*
 * Gives a held vCPU on the share up to @most bytes of the pool, as far as
 * what it has left to dirty reaches @bound (dq_hold_max()); a debt is paid
 * first.  Called at the roll, after every vCPU gave back what it did not
 * use: the pool is capped, and what a vCPU the host has not run yet could
 * not draw would be lost (1 MiB/s over two vCPUs at 1 ms, the writer woken
 * but not run for 8 ms, overflowed a pool capped at a page).  Returns the
 * bytes drawn.
 */
u64 dq_pool_hold(u64 *pool, struct dq_quota *q, u64 total, u64 bound,
		 u64 most)
{
	u64 want;

	if (q->threshold == DQ_UNLIMITED)
		return 0;
	if (total > q->threshold)
		want = dq_sat_add(total - q->threshold, bound);
	else
		want = bound - min(bound, q->threshold - total);
	return dq_pool_take(pool, q, min(want, most));
}

/*
 * Lets a vCPU that is over its threshold go on: it takes what it owes plus
 * up to @chunk bytes more from the pool.  Returns the bytes drawn; the
 * vCPU may go on if it is no longer over.
 */
u64 dq_pool_draw(u64 *pool, struct dq_quota *q, u64 total, u64 chunk)
{
	if (!dq_quota_over(q, total) || !*pool)
		return 0;
	return dq_pool_take(pool, q, dq_sat_add(total - q->threshold, chunk));
}
