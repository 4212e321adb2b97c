/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _DQ_STATS_H
#define _DQ_STATS_H

#include <linux/dirtyquota.h>

#include "pure.h"

#define DQ_STATS_MAX_ENTRY_SIZE 4096
#define DQ_RATE_WINDOW_NS	1000000000ULL

/*
 * The last sample of a counter by the module's rate clock, which samples
 * every vCPU once per DQ_RATE_WINDOW_NS whoever reads it.
 */
struct dq_rate {
	u64 t, b;
};

/* What the module knows of a vCPU at one moment. */
struct dq_vcpu_snapshot {
	bool tracked;
	bool own_rate;
	bool stopped;
	bool limited;		/* not observing: bytes_interval, quota */
	u64 bytes_dirtied;
	u64 bytes_interval;
	u64 quota;
	u64 rate;
	u64 stops;
	u64 throttled_ns;
	u64 pool_drawn;
	u64 dirty_rate;
	u64 kvm_bytes;		/* of bytes_dirtied, KVM's PV writes */
	bool harvested;		/* the VM's bitmap was, so: */
	u64 pass_bytes;		/* since its last harvest */
	u64 last_pass_bytes;	/* between the last two */
};

int dq_stats_check(const struct dirtyquota_stats *req);
u32 dq_stats_nr_entries(const struct dirtyquota_stats *req, u32 nr_vcpus);
void dq_stats_fill_vcpu(struct dirtyquota_vcpu_stats *e, u32 index, u32 id,
			const struct dq_vcpu_snapshot *s);

void dq_rate_start(struct dq_rate *r, u64 now, u64 total);
u64 dq_rate_sample(struct dq_rate *r, u64 now, u64 total);

#endif /* _DQ_STATS_H */
