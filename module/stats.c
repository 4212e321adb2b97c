// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of DIRTYQUOTA_IOC_GET_STATS and the dirty rate estimate, which
 * do not need the kernel.
 */
#include "stats.h"

int dq_stats_check(const struct dirtyquota_stats *req)
{
	if (req->flags)
		return -EINVAL;
	if (req->nr_entries && (req->entry_size < DIRTYQUOTA_VCPU_STATS_SIZE_VER1 ||
				req->entry_size > DQ_STATS_MAX_ENTRY_SIZE))
		return -EINVAL;
	return 0;
}

u32 dq_stats_nr_entries(const struct dirtyquota_stats *req, u32 nr_vcpus)
{
	return min(req->nr_entries, nr_vcpus);
}

void dq_stats_fill_vcpu(struct dirtyquota_vcpu_stats *e, u32 index, u32 id,
			const struct dq_vcpu_snapshot *s)
{
	memset(e, 0, sizeof(*e));
	e->vcpu_index = index;
	e->vcpu_id = id;
	if (!s->tracked)
		return;
	e->flags = DIRTYQUOTA_VCPU_F_TRACKED |
		   (s->own_rate ? DIRTYQUOTA_VCPU_F_OWN_RATE : 0) |
		   (s->stopped ? DIRTYQUOTA_VCPU_F_STOPPED : 0);
	e->bytes_dirtied = s->bytes_dirtied;
	e->bytes_interval = s->bytes_interval;
	e->quota = s->quota;
	e->rate = s->own_rate ? s->rate : 0;
	e->stops = s->stops;
	e->throttled_ns = s->throttled_ns;
	e->pool_drawn = s->pool_drawn;
}

void dq_rate_start(struct dq_rate *r, u64 now, u64 total)
{
	r->t = now;
	r->b = total;
}

/*
 * Takes a sample of a counter that reads @total at @now; returns its rate
 * in bytes per second since the previous sample, 0 if no time passed or
 * the clock or the counter went back.  Saturates instead of overflowing.
 */
u64 dq_rate_sample(struct dq_rate *r, u64 now, u64 total)
{
	u64 bytes = total - r->b, ns = now - r->t;
	bool back = now < r->t || total < r->b;

	dq_rate_start(r, now, total);
	if (back || !ns)
		return 0;
	if (bytes / ns >= DIRTYQUOTA_UNLIMITED / 1000000000ULL)
		return DIRTYQUOTA_UNLIMITED;
	return mul_u64_u64_div_u64(bytes, 1000000000ULL, ns);
}
