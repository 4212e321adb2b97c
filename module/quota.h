/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dirty quota algorithm, in plain C that also builds in userspace.
 *
 * Time is cut into intervals of interval_ns, numbered from the VM's epoch.
 * A vCPU's rate r is its own, or the VM budget shared equally among the p
 * vCPUs without one (p = 1 for an own rate).  Quotas are whole bytes and
 * carry no fraction as state: interval j gives
 *
 *	floor((j + 1) * x) - floor(j * x),	x = r * interval_ns / (p * 1e9)
 *
 * so any k intervals in a row give floor(k * x) bytes or one more, however
 * small x: 999 B/s at 1 ms is 0 or 1 byte an interval, 999 a second.  A
 * change of rate takes effect at the current interval, which may give or
 * take one byte.  64-bit arithmetic only, with mul_u64_u64_div_u64().
 *
 * A vCPU's counter (total bytes ever dirtied) only grows; the vCPU is
 * stopped once it passes its threshold, the end of what it may dirty so
 * far.  At the end of an interval:
 *
 * - quota a vCPU did not use goes to the VM's pool (if on), up to its cap of
 *   one interval's worth of the VM budget, at least a page;
 * - a vCPU that went over carries the excess into the next interval as debt,
 *   so that the page that crosses the quota is paid for, and long-run rates
 *   stay exact even when a quota is a few pages;
 * - a roll that comes late, for several intervals at once, gives a stopped
 *   vCPU the quota of each of them (up to DQ_CATCHUP); the pool stays
 *   within its cap;
 * - a vCPU that is held (stopped for its quota, and not back in the guest
 *   yet, because the host has not run it since it was woken) keeps what
 *   it did not use: it did not leave it for want of pages to dirty.  On
 *   the share with the pool on, it also draws from the pool at each roll,
 *   the pool divided equally among the held vCPUs, since what they could
 *   not draw would overflow the cap.  Either way it has at most DQ_CATCHUP
 *   intervals of what it can get in one (its quota, plus the pool's cap on
 *   the share) left to dirty.  A host slow to run woken vCPUs thus does
 *   not lower their rate, and that bound is the most such a vCPU may
 *   dirty at once when it runs, besides what it draws then.
 *
 * A vCPU that passes its threshold first draws from the pool, first come
 * first served, then waits for the next interval.  A change of settings
 * within an interval gives it the new quota and keeps what it drew.  All
 * byte counts saturate at DQ_UNLIMITED instead of wrapping.
 */
#ifndef _DQ_QUOTA_H
#define _DQ_QUOTA_H

#include "pure.h"

#define DQ_UNLIMITED		((u64)-1)
#define DQ_RATE_SHARE		((u64)-2)	/* a vCPU's rate: the equal share */
#define DQ_NSEC_PER_SEC		1000000000ULL
#define DQ_CATCHUP		8	/* intervals a late roll makes up */

/* The per-interval state of one vCPU; written by the refill, under a lock. */
struct dq_quota {
	u64 base;		/* counter value at the start of the interval */
	u64 quota;		/* bytes it may dirty this interval, pool included */
	u64 threshold;		/* base + quota: the hot path compares to this */
	u64 drawn;		/* from the pool this interval */
	u64 carried;		/* kept from earlier intervals while held */
};

/* A VM's budget, as the quotas of its vCPUs follow it; filled by the caller. */
struct dq_budget {
	u64 rate;		/* bytes per second, or DQ_UNLIMITED */
	u64 interval_ns;
	u32 nr_vcpus;
	u32 nr_own;		/* vCPUs with a rate of their own */
	u64 *pool;		/* NULL when the pool is off */
	u64 pool_cap;
};

u64 dq_sat_add(u64 a, u64 b);
u64 dq_sat_mul(u64 a, u64 b);
u64 dq_rate_to_interval(u64 bytes_per_sec, u64 interval_ns);
u64 dq_quota_of(const struct dq_budget *b, u64 rate, u64 from, u64 to);

void dq_quota_start(struct dq_quota *q, u64 total, u64 quota);
u64 dq_quota_refill(struct dq_quota *q, u64 total, u64 missed, u64 quota,
		    u64 keep_max);
u64 dq_hold_max(const struct dq_budget *b, u64 rate, u64 quota);
void dq_quota_roll(struct dq_quota *q, u64 total, const struct dq_budget *b,
		   u64 rate, u64 from, u64 to, bool held);
void dq_quota_set(struct dq_quota *q, u64 total, u64 quota);
void dq_quota_forgive(struct dq_quota *q, u64 total);
bool dq_quota_over(const struct dq_quota *q, u64 total);
u64 dq_quota_used(const struct dq_quota *q, u64 total);

u64 dq_pool_deposit(u64 *pool, u64 bytes, u64 cap);
u64 dq_pool_draw(u64 *pool, struct dq_quota *q, u64 total, u64 chunk);
u64 dq_pool_hold(u64 *pool, struct dq_quota *q, u64 total, u64 bound,
		 u64 most);

#endif /* _DQ_QUOTA_H */
