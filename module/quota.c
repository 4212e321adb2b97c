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

/* A vCPU's equal share of the VM budget for one interval. */
u64 dq_share(u64 budget_bps, u64 interval_ns, u32 nr_vcpus)
{
	u64 bytes = dq_rate_to_interval(budget_bps, interval_ns);

	if (bytes == DQ_UNLIMITED)
		return DQ_UNLIMITED;
	return bytes / (nr_vcpus ? nr_vcpus : 1);
}

void dq_quota_start(struct dq_quota *q, u64 total, u64 quota)
{
	q->base = total;
	q->quota = quota;
	WRITE_ONCE(q->threshold, dq_sat_add(total, quota));
}

/*
 * @intervals (>= 1) intervals ended since the last roll; @quota is the
 * quota of the interval that starts now.  Returns the unused bytes, for
 * the pool.
 *
 * A vCPU that was over its threshold wanted more: it keeps the quota of
 * every interval that ended, up to DQ_CATCHUP of them, so that a late
 * timer does not lower its rate; what it owes beyond that stays debt.  A
 * vCPU that was not over returns what it left of the last interval; older
 * quota was returned before, or the intervals passed unrolled and it was
 * not needed.
 */
u64 dq_quota_roll(struct dq_quota *q, u64 total, u64 intervals, u64 quota)
{
	u64 credit, unused;

	if (q->threshold == DQ_UNLIMITED || quota == DQ_UNLIMITED) {
		dq_quota_start(q, total, quota);
		return 0;
	}
	if (total > q->threshold) {
		credit = dq_sat_mul(min(intervals, DQ_CATCHUP) - 1, quota);
		q->base = dq_sat_add(q->threshold, credit);
		unused = 0;
	} else {
		unused = q->threshold - total;
		if (intervals > 1)
			unused = min(unused + dq_sat_mul(intervals - 1, quota),
				     quota);
		q->base = total;
	}
	q->quota = quota;
	WRITE_ONCE(q->threshold, dq_sat_add(q->base, quota));
	return unused;
}

/* A new quota within the current interval (settings changed). */
void dq_quota_set(struct dq_quota *q, u64 total, u64 quota)
{
	if (quota == DQ_UNLIMITED || q->quota == DQ_UNLIMITED) {
		dq_quota_start(q, total, quota);
		return;
	}
	q->quota = quota;
	WRITE_ONCE(q->threshold, dq_sat_add(q->base, quota));
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

/*
 * Lets a vCPU that is over its threshold go on: it takes what it owes plus
 * up to @chunk bytes more from the pool.  Returns the bytes drawn; the
 * vCPU may go on if it is no longer over.
 */
u64 dq_pool_draw(u64 *pool, struct dq_quota *q, u64 total, u64 chunk)
{
	u64 want, got;

	if (!dq_quota_over(q, total) || !*pool)
		return 0;
	want = dq_sat_add(total - q->threshold, chunk);
	got = min(want, *pool);
	*pool -= got;
	q->quota = dq_sat_add(q->quota, got);
	WRITE_ONCE(q->threshold, dq_sat_add(q->threshold, got));
	return got;
}
